/* SPDX-License-Identifier: MIT */
/*
 * rmp_sim.h — a simulated Reverse Map Table and guest memory, behaving as the
 * SNP hardware does for what the protocol uses (AMD64 APM vol. 3 PVALIDATE /
 * RMPADJUST; SNP ABI): per 4 KiB page a validated bit, VMPL1–3 permission
 * masks and the VMSA bit; per 2 MiB the RMP entry size the hypervisor chose.
 *   PVALIDATE: FAIL_INPUT for a misaligned/unknown address; a 2 MiB request
 *     over 4 KiB entries is FAIL_SIZEMISMATCH; a 4 KiB request over a 2 MiB
 *     entry splits it first (what the hypervisor does on the resulting #NPF);
 *     a request for the state the page already has returns "unchanged"
 *     (CF = 1). Rescinding makes the content undefined (filled with junk).
 *   RMPADJUST: target VMPL 1..3 (else FAIL_PERMISSION), page must be
 *     validated (else FAIL_INPUT), same size rules.
 * Freestanding: used by the in-kernel self-test (native platform) and, with
 * host storage and threads, by tests/svsm/rmp_model.c.
 *
 * It also watches for what the protocol must never do and counts it:
 * double PVALIDATE, PVALIDATE of a VMSA page, any instruction on the SVSM's
 * own memory, and granting a VMPL access to a page whose content it may not
 * see (not zeroed since it was validated or held only by the SVSM).
 */
#ifndef SVSM_PROTOCOL_RMP_SIM_H
#define SVSM_PROTOCOL_RMP_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "../snp/pvalidate.h"
#include "spinlock.h"

struct rmp_sim_page {
	uint8_t valid;
	uint8_t perm[4];  /* [1..3]: VMPL permission masks; [0] unused (VMPL0 has all) */
	uint8_t vmsa;
	uint8_t secret;   /* content not for a lower VMPL's eyes until zeroed */
	uint8_t pad;
};

struct rmp_sim {
	uint64_t base, npages;
	uint8_t *mem;               /* npages * 4096 */
	struct rmp_sim_page *pg;    /* npages */
	uint8_t *large;             /* one per 2 MiB: RMP entry is 2 MiB */
	uint64_t svsm_base, svsm_size;
	struct spinlock lock;
	_Atomic uint64_t v_double, v_vmsa, v_svsm, v_unzeroed;
	_Atomic uint64_t n_pvalidate, n_rmpadjust, n_flush;
};

/* Storage from the caller; all pages start unvalidated, no access, 4 KiB entries, junk content. */
void rmp_sim_init(struct rmp_sim *s, uint64_t base, uint64_t npages, uint8_t *mem, struct rmp_sim_page *pg,
		  uint8_t *large);
/* Launch state: pages validated with VMPL perms for vmpl (content stays). */
void rmp_sim_prevalidate(struct rmp_sim *s, uint64_t gpa, uint64_t npages, unsigned vmpl, unsigned perms);
/* Hypervisor: make the 2 MiB at gpa one RMP entry (only when all of it is unvalidated). */
bool rmp_sim_make_large(struct rmp_sim *s, uint64_t gpa);
enum rmp_result rmp_sim_pvalidate(struct rmp_sim *s, uint64_t gpa, bool huge, bool validate);
enum rmp_result rmp_sim_rmpadjust(struct rmp_sim *s, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms,
				  bool vmsa);
void *rmp_sim_map(struct rmp_sim *s, uint64_t gpa, uint64_t len);
void rmp_sim_zero(struct rmp_sim *s, uint64_t gpa, uint64_t len);
/* TLB shootdown for [gpa, gpa+len) (the model has no TLB: counted). */
void rmp_sim_flush(struct rmp_sim *s, uint64_t gpa, uint64_t len);
/* A write by the guest at vmpl: false (nothing written) when the RMP forbids it. */
bool rmp_sim_guest_write(struct rmp_sim *s, unsigned vmpl, uint64_t gpa, const void *data, uint64_t len);
struct rmp_sim_page rmp_sim_get(struct rmp_sim *s, uint64_t gpa);
uint64_t rmp_sim_violations(struct rmp_sim *s);

#endif
