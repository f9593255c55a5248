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
 *     validated (else FAIL_INPUT), same size rules, the VMSA bit only on a
 *     4 KiB entry (else FAIL_INPUT); a page marked in use (a VMSA some vCPU
 *     executes, or an entry another processor is updating:
 *     rmp_sim_set_inuse) is FAIL_INUSE and nothing changes.
 * The SVSM's accesses to guest memory (rmp_sim_read, _write, _zero, _xchg8,
 * _update64) fault — return false, nothing accessed — when a page of the
 * range is not validated: on SNP that is the #VC "page not validated" (0x404)
 * a VMPL0 access with the C-bit raises. The hypervisor can make that happen
 * at any time (rmp_sim_hv_flip): its RMPUPDATE makes a page shared (the
 * validated bit, every VMPL permission and the VMSA bit are gone; a 2 MiB
 * entry is split first) and, if it likes, private again but not validated.
 * PVALIDATE or RMPADJUST of a shared page meet the hypervisor's #NPF, which
 * KVM answers by making the page private: the model converts the page and
 * goes on. A page flipped behind the core's back stays marked (hv_flipped)
 * until the core validates it again; invariant checkers let only such pages
 * differ from the core's tracker.
 *
 * Freestanding: used by the in-kernel self-test (native platform) and, with
 * host storage and threads, by tests/svsm/rmp_model.c.
 *
 * It also watches for what the protocol must never do and counts it:
 * double PVALIDATE, PVALIDATE of a VMSA page, any instruction on the SVSM's
 * own memory, granting a VMPL access to a page whose content it may not see
 * (not zeroed since it was validated or held only by the SVSM), a VMSA page
 * any VMPL but 0 can access (v_vmsa_access: the rule of Linux's
 * snp_set_vmsa() and of COCONUT-SVSM for its own VMSAs, which the core
 * applies to every VMSA — the hardware itself would allow it), and using a
 * page whose access was removed before the TLBs were flushed.
 *
 * TLB model. The simulator has no TLB, so it tracks what a TLB could still
 * hold: a page becomes "stale" when an RMPADJUST takes a permission bit away
 * from any VMPL or a PVALIDATE rescinds it, and stays so until
 * rmp_sim_flush() covers it. Handing a stale page on is a violation
 * (v_unflushed): granting any VMPL a permission on it, validating it,
 * mapping it for the SVSM to read or write (a VMSA read for its checks, a
 * deposited page, a guest buffer), zeroing it; and whoever drives the
 * protocol calls rmp_sim_check_flushed() when a call has returned, because
 * a call must not leave a stale page behind.
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
	uint8_t stale;    /* access removed, no flush since: a TLB may still grant it */
	uint8_t dirty;    /* content may differ from the junk fill (rmp_sim_reset) */
	uint8_t inuse;    /* RMPADJUST answers FAIL_INUSE (rmp_sim_set_inuse) */
	uint8_t shared;   /* not assigned to the guest (rmp_sim_hv_flip) */
	uint8_t hv_flipped; /* changed by the hypervisor since the core last validated it */
};

struct rmp_sim {
	uint64_t base, npages;
	uint8_t *mem;               /* npages * 4096 */
	struct rmp_sim_page *pg;    /* npages */
	uint8_t *large;             /* one per 2 MiB: RMP entry is 2 MiB */
	uint64_t svsm_base, svsm_size;
	struct spinlock lock;
	_Atomic uint64_t v_double, v_vmsa, v_svsm, v_unzeroed, v_unflushed, v_vmsa_access;
	_Atomic uint64_t n_pvalidate, n_rmpadjust, n_flush, n_fault, n_hv_flip;
	uint64_t n_stale;           /* pages stale now (under lock): checks are O(1) when 0 */
};

/* Storage from the caller; all pages start unvalidated, no access, 4 KiB entries, junk content. */
void rmp_sim_init(struct rmp_sim *s, uint64_t base, uint64_t npages, uint8_t *mem, struct rmp_sim_page *pg,
		  uint8_t *large);
/* Back to the state rmp_sim_init() left (same storage, SVSM range kept), in time
 * proportional to the pages written since: only those are refilled with junk. */
void rmp_sim_reset(struct rmp_sim *s);
/* Launch state: pages validated with VMPL perms for vmpl (content stays). */
void rmp_sim_prevalidate(struct rmp_sim *s, uint64_t gpa, uint64_t npages, unsigned vmpl, unsigned perms);
/* Hypervisor: make the 2 MiB at gpa one RMP entry (only when all of it is unvalidated). */
bool rmp_sim_make_large(struct rmp_sim *s, uint64_t gpa);
enum rmp_result rmp_sim_pvalidate(struct rmp_sim *s, uint64_t gpa, bool huge, bool validate);
enum rmp_result rmp_sim_rmpadjust(struct rmp_sim *s, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms,
				  bool vmsa);
/* The processor's side: the 4 KiB page at gpa is (not) in use — a vCPU executes the VMSA
 * on it from VMRUN to #VMEXIT, or another processor holds its RMP entry. */
void rmp_sim_set_inuse(struct rmp_sim *s, uint64_t gpa, bool inuse);
/* The bytes of [gpa, gpa+len) for a test to look at or plant (NULL outside the simulated
 * memory), whatever the RMP says; the pages count as written from now on. A stale page in
 * the range is a violation. Not the core's way in: that is the accessors below. */
void *rmp_sim_map(struct rmp_sim *s, uint64_t gpa, uint64_t len);
/* The SVSM at VMPL0: false (a fault, nothing accessed) when the range leaves the simulated
 * memory or a page of it is not validated. A stale page in the range is a violation. */
bool rmp_sim_read(struct rmp_sim *s, uint64_t gpa, void *dst, uint64_t len);
bool rmp_sim_write(struct rmp_sim *s, uint64_t gpa, const void *src, uint64_t len);
bool rmp_sim_zero(struct rmp_sim *s, uint64_t gpa, uint64_t len);
bool rmp_sim_xchg8(struct rmp_sim *s, uint64_t gpa, uint8_t v, uint8_t *old);
bool rmp_sim_update64(struct rmp_sim *s, uint64_t gpa, uint64_t clear, uint64_t set);
/* The hypervisor behind the guest's back: shared makes the page at gpa shared (see above),
 * !shared makes it private again, not validated. Counted in n_hv_flip. */
void rmp_sim_hv_flip(struct rmp_sim *s, uint64_t gpa, bool shared);
/* TLB shootdown for [gpa, gpa+len): its pages are no longer stale. Counted. */
void rmp_sim_flush(struct rmp_sim *s, uint64_t gpa, uint64_t len);
/* After a protocol call returned: the stale pages in [gpa, gpa+len) (the part that
 * lies in the simulated memory), each counted as a violation. For concurrent callers
 * the range must be one no call in flight may be working on (its stripe lock held). */
uint64_t rmp_sim_check_flushed(struct rmp_sim *s, uint64_t gpa, uint64_t len);
/* A write by the guest at vmpl: false (nothing written) when the RMP forbids it. */
bool rmp_sim_guest_write(struct rmp_sim *s, unsigned vmpl, uint64_t gpa, const void *data, uint64_t len);
struct rmp_sim_page rmp_sim_get(struct rmp_sim *s, uint64_t gpa);
/* The entries of n pages from gpa (all inside the simulated memory), read atomically. */
void rmp_sim_get_range(struct rmp_sim *s, uint64_t gpa, uint64_t n, struct rmp_sim_page *out);
uint64_t rmp_sim_violations(struct rmp_sim *s);

#endif
