/* SPDX-License-Identifier: MIT */
/*
 * psc.h — page-state-change requests in the GHCB shared buffer (GHCB
 * specification, "SNP Page State Change"): a header {cur_entry u16,
 * end_entry u16, reserved u32} and up to 253 entries, each
 * cur_page[11:0] | GFN[51:12] | operation[55:52] | page size[56].
 * The hypervisor advances cur_entry as it works; a request is complete
 * when cur_entry > end_entry. Portable C, unit-tested on the host.
 */
#ifndef SVSM_SNP_PSC_H
#define SVSM_SNP_PSC_H

#include <stdbool.h>
#include <stdint.h>

#define PSC_MAX_ENTRIES 253

struct psc_desc {
	uint16_t cur_entry;
	uint16_t end_entry;
	uint32_t reserved;
	uint64_t entry[PSC_MAX_ENTRIES];
};
_Static_assert(sizeof(struct psc_desc) == 2032, "PSC buffer fills the GHCB shared buffer");

uint64_t psc_entry(uint64_t gpa, unsigned op, bool large);
/*
 * Fills d with entries for [*gpa, end) (page aligned), 2 MiB entries where
 * allow_large and the address is 2 MiB aligned with 2 MiB left; advances
 * *gpa past what it covered. Returns the entry count (0 when nothing is left).
 */
unsigned psc_build(struct psc_desc *d, uint64_t *gpa, uint64_t end, unsigned op, bool allow_large);
bool psc_done(const struct psc_desc *d);

#endif
