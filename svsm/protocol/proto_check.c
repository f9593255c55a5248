/* SPDX-License-Identifier: MIT */
/* proto_check.c — see proto_check.h. */
#include "proto_check.h"

#define PAGE 4096ull
#define CHUNK (2ull << 20)

const char *proto_check_name(enum proto_check_kind k)
{
	switch (k) {
	case PCHK_TRACKER: return "tracker and RMP disagree";
	case PCHK_GUEST_UNVALIDATED: return "guest access to an unvalidated page";
	case PCHK_DEPOSIT_VISIBLE: return "deposited page visible to the guest";
	case PCHK_DEPOSIT_INVALID: return "deposited page not validated";
	case PCHK_UNZEROED: return "guest sees unzeroed SVSM content";
	case PCHK_VMSA_UNPROTECTED: return "registered VMSA without VMSA bit or validation";
	case PCHK_CA_INVALID: return "registered calling area not validated";
	case PCHK_VMSA_UNREGISTERED: return "VMSA bit on an unregistered page";
	case PCHK_VMSA_ACCESSIBLE: return "VMSA accessible to a VMPL but 0";
	case PCHK_STALE: return "access removed but TLBs not flushed";
	}
	return "?";
}

/* The checker is not the code under test: in a fuzzing build it stays out of the coverage
 * feedback (and is cheaper without it). */
#if defined(__clang__)
__attribute__((no_sanitize("coverage")))
#endif
unsigned proto_check_chunk(struct proto_core *c, struct rmp_sim *sim, uint64_t gpa, struct rmp_sim_page *pg,
			   struct proto_check_fail *first)
{
	unsigned bad = 0;
	uint64_t start = gpa & ~(CHUNK - 1), mbase = sim->base, mend = sim->base + sim->npages * PAGE;
	uint64_t lo = start < mbase ? mbase : start, hi = start + CHUNK > mend ? mend : start + CHUNK;
	if (lo >= hi)
		return 0;
	/* One snapshot of the chunk's RMP entries, one pass over the registry: a chunk's entries
	 * cannot change while its stripe lock is held (proto.h, L2). 1: calling area, 2: VMSA. */
	uint8_t reg[512] = { 0 };
	rmp_sim_get_range(sim, lo, (hi - lo) / PAGE, pg);
	proto_lock(c, &c->reg_lock);
	for (unsigned i = 0; i < PROTO_MAX_VCPUS; i++) {
		if (!c->vcpu[i].used)
			continue;
		uint64_t ca = c->vcpu[i].caa & ~(PAGE - 1), vm = c->vcpu[i].vmsa;
		if (ca >= lo && ca < hi && !reg[(ca - lo) / PAGE])
			reg[(ca - lo) / PAGE] = 1;
		if (vm >= lo && vm < hi)
			reg[(vm - lo) / PAGE] = 2;
	}
	spin_unlock(&c->reg_lock);
#define FAIL(k, a)                                                               \
	do {                                                                     \
		if (!bad++ && first)                                             \
			*first = (struct proto_check_fail){ (k), (a), tv, p.valid }; \
	} while (0)
	for (uint64_t a = lo; a < hi; a += PAGE) {
		struct rmp_sim_page p = pg[(a - lo) / PAGE];
		if (sim->svsm_size && a >= sim->svsm_base && a < sim->svsm_base + sim->svsm_size)
			continue;
		int tv = vs_valid(&c->vs, a);
		bool owned = vs_owned(&c->vs, a);
		bool reg_ = reg[(a - lo) / PAGE] != 0, is_vmsa = reg[(a - lo) / PAGE] == 2;
		unsigned gperm = p.perm[1] | p.perm[2] | p.perm[3];
		/* A page the hypervisor took behind the core's back: the core cannot know; its
		 * tracker may still say validated (and registered, or deposited). Every other
		 * rule holds for it too. */
		bool hv = p.hv_flipped;
		if (tv != (int)p.valid && !(hv && tv))
			FAIL(PCHK_TRACKER, a);
		if (gperm && !p.valid)
			FAIL(PCHK_GUEST_UNVALIDATED, a);
		if (owned && gperm)
			FAIL(PCHK_DEPOSIT_VISIBLE, a);
		if (owned && !p.valid && !hv)
			FAIL(PCHK_DEPOSIT_INVALID, a);
		if (gperm && p.secret)
			FAIL(PCHK_UNZEROED, a);
		if (reg_ && is_vmsa && (!p.vmsa || !p.valid) && !hv)
			FAIL(PCHK_VMSA_UNPROTECTED, a);
		if (reg_ && !is_vmsa && !p.valid && !hv)
			FAIL(PCHK_CA_INVALID, a);
		if (p.vmsa && !(reg_ && is_vmsa))
			FAIL(PCHK_VMSA_UNREGISTERED, a);
		if (p.vmsa && gperm)
			FAIL(PCHK_VMSA_ACCESSIBLE, a);
		if (p.stale)
			FAIL(PCHK_STALE, a);
	}
#undef FAIL
	rmp_sim_check_flushed(sim, start, CHUNK); /* the same finding, in the model's count */
	return bad;
}
