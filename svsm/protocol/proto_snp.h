/* SPDX-License-Identifier: MIT */
/*
 * proto_snp.h — the protocol's platform inside an SEV-SNP guest at VMPL0.
 *
 *   pvalidate / rmpadjust  the instructions (snp/pvalidate.h) on the page's
 *                          direct-map address. The direct map is built from
 *                          2 MiB pages at DMAP_BASE + pa (mm.h), so a 2 MiB
 *                          aligned GPA has a 2 MiB aligned address, which is
 *                          what the instructions need for a 2 MiB entry.
 *   read / write / zero /  the accessors of arch/guest_access.h on the direct
 *   xchg8 / update64       map, only for ranges inside the guest memory given
 *                          at init (never SVSM memory, never a hole the direct
 *                          map may not cover); a #VC or #PF they raise (a page
 *                          the hypervisor took) is recovered and reported.
 *   report                 snp_report() (snp/guest_req.h): VMPL0 report via
 *                          the PSP.
 *   alloc / free           page pool for page-sized and larger blocks, heap
 *                          for the rest (zeroed).
 *   relax                  PAUSE.
 *   flush                  INVLPGB + TLBSYNC, else a shootdown across the SVSM's
 *                          vCPUs (proto_snp.c, s_flush).
 *
 * Guest memory must be in the direct map before init: mm_init maps every RAM
 * range of the host's memory map; anything else (the firmware image, which
 * is not RAM in that map) the caller maps first.
 */
#ifndef SVSM_PROTOCOL_PROTO_SNP_H
#define SVSM_PROTOCOL_PROTO_SNP_H

#include <stdint.h>

#include "proto.h"

struct proto_snp {
	uint64_t base[PROTO_MAX_RANGES], size[PROTO_MAX_RANGES];
	unsigned n;
	int invlpgb;     /* broadcast flush available */
	_Atomic uint64_t flushes;
};

/*
 * Sets up plat over the n guest ranges (page aligned). Decides the flush:
 * INVLPGB when CPUID 0x8000_0008 EBX[3] says so and one trial INVLPGB does not
 * raise #UD (the hypervisor must allow it for the guest). 0 or -1.
 */
int proto_snp_init(struct proto_snp *s, struct proto_platform *plat, const uint64_t *base, const uint64_t *size,
		   unsigned n);
/* "invlpgb", "shootdown by #HV IPIs" or "local" — for the log. */
const char *proto_snp_flush_mode(const struct proto_snp *s);

#endif
