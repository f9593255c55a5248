/* SPDX-License-Identifier: MIT */
/* rmp_model.c — see rmp_model.h. */
#include "rmp_model.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum rmp_result m_pvalidate(void *ctx, uint64_t gpa, bool huge, bool validate)
{
	return rmp_sim_pvalidate(&((struct rmp_model *)ctx)->sim, gpa, huge, validate);
}

static enum rmp_result m_rmpadjust(void *ctx, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms, bool vmsa)
{
	return rmp_sim_rmpadjust(&((struct rmp_model *)ctx)->sim, gpa, huge, vmpl, perms, vmsa);
}

static struct rmp_sim *sim_of(void *ctx)
{
	return &((struct rmp_model *)ctx)->sim;
}

static bool m_read(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
	return rmp_sim_read(sim_of(ctx), gpa, dst, len);
}

static bool m_write(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	return rmp_sim_write(sim_of(ctx), gpa, src, len);
}

static bool m_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	return rmp_sim_zero(sim_of(ctx), gpa, len);
}

static bool m_xchg8(void *ctx, uint64_t gpa, uint8_t v, uint8_t *old)
{
	return rmp_sim_xchg8(sim_of(ctx), gpa, v, old);
}

static bool m_update64(void *ctx, uint64_t gpa, uint64_t clear, uint64_t set)
{
	return rmp_sim_update64(sim_of(ctx), gpa, clear, set);
}

static int m_report(void *ctx, const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len)
{
	(void)ctx;
	if (cap < RMP_MODEL_REPORT_SIZE)
		return -1;
	memset(out, 0, RMP_MODEL_REPORT_SIZE);
	out[0] = 2;                  /* version */
	memcpy(out + 0x50, data, 64); /* REPORT_DATA */
	*len = RMP_MODEL_REPORT_SIZE;
	return 0;
}

static void *m_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return calloc(1, n);
}

static void m_free(void *ctx, void *p, size_t n)
{
	(void)ctx;
	(void)n;
	free(p);
}

static void m_flush(void *ctx, uint64_t gpa, uint64_t len)
{
	rmp_sim_flush(&((struct rmp_model *)ctx)->sim, gpa, len);
}

static void m_relax(void *ctx)
{
	(void)ctx;
	sched_yield();
}

struct rmp_model *rmp_model_new(uint64_t base, uint64_t npages, uint64_t svsm_base, uint64_t svsm_size)
{
	struct rmp_model *m = calloc(1, sizeof(*m));
	uint8_t *mem = malloc(npages * 4096);
	struct rmp_sim_page *pg = malloc(npages * sizeof(*pg));
	uint8_t *large = malloc((npages + 511) / 512);
	if (!m || !mem || !pg || !large) {
		free(m);
		free(mem);
		free(pg);
		free(large);
		return NULL;
	}
	rmp_sim_init(&m->sim, base, npages, mem, pg, large);
	m->sim.svsm_base = svsm_base;
	m->sim.svsm_size = svsm_size;
	m->plat = (struct proto_platform){ m, m_pvalidate, m_rmpadjust, m_read, m_write, m_zero, m_xchg8, m_update64,
					   m_report, m_alloc, m_free, m_relax, m_flush };
	return m;
}

void rmp_model_free(struct rmp_model *m)
{
	if (!m)
		return;
	free(m->sim.mem);
	free(m->sim.pg);
	free(m->sim.large);
	free(m);
}

/* The checker is not the code under test: in a fuzzing build it stays out of the coverage
 * feedback (and is cheaper without it). */
#if defined(__clang__)
__attribute__((no_sanitize("coverage")))
#endif
unsigned rmp_model_check_chunk(struct rmp_model *m, struct proto_core *c, uint64_t gpa, char *why, size_t whylen)
{
	unsigned bad = 0;
	uint64_t start = gpa & ~0x1FFFFFull, mbase = m->sim.base, mend = m->sim.base + m->sim.npages * 4096;
	uint64_t lo = start < mbase ? mbase : start, hi = start + (2ull << 20) > mend ? mend : start + (2ull << 20);
	if (lo >= hi)
		return 0;
	/* One snapshot of the chunk's RMP entries, one pass over the registry: a chunk's entries
	 * cannot change while its stripe lock is held (proto.h, L2). 1: calling area, 2: VMSA. */
	static _Thread_local struct rmp_sim_page pg[512];
	uint8_t reg[512] = { 0 };
	rmp_sim_get_range(&m->sim, lo, (hi - lo) / 4096, pg);
	proto_lock(c, &c->reg_lock);
	for (unsigned i = 0; i < PROTO_MAX_VCPUS; i++) {
		if (!c->vcpu[i].used)
			continue;
		uint64_t ca = c->vcpu[i].caa & ~0xFFFull, vm = c->vcpu[i].vmsa;
		if (ca >= lo && ca < hi && !reg[(ca - lo) / 4096])
			reg[(ca - lo) / 4096] = 1;
		if (vm >= lo && vm < hi)
			reg[(vm - lo) / 4096] = 2;
	}
	spin_unlock(&c->reg_lock);
#define FAIL(...)                                                    \
	do {                                                         \
		if (!bad++ && why)                                   \
			snprintf(why, whylen, __VA_ARGS__);          \
	} while (0)
	for (uint64_t a = lo; a < hi; a += 4096) {
		struct rmp_sim_page p = pg[(a - lo) / 4096];
		bool svsm = m->sim.svsm_size && a >= m->sim.svsm_base && a < m->sim.svsm_base + m->sim.svsm_size;
		if (svsm)
			continue;
		bool tv = vs_valid(&c->vs, a), owned = vs_owned(&c->vs, a);
		bool reg_ = reg[(a - lo) / 4096] != 0, is_vmsa = reg[(a - lo) / 4096] == 2;
		unsigned gperm = p.perm[1] | p.perm[2] | p.perm[3];
		/* A page the hypervisor took behind the core's back: the core cannot know; its
		 * tracker may still say validated (and registered, or deposited). Every other
		 * rule holds for it too. */
		bool hv = p.hv_flipped;
		if (tv != (bool)p.valid && !(hv && tv))
			FAIL("0x%llx: tracker says %s, RMP says %s", (unsigned long long)a, tv ? "valid" : "invalid",
			     p.valid ? "valid" : "invalid");
		if (gperm && !p.valid)
			FAIL("0x%llx: guest access to an unvalidated page", (unsigned long long)a);
		if (owned && gperm)
			FAIL("0x%llx: deposited page visible to the guest", (unsigned long long)a);
		if (owned && !p.valid && !hv)
			FAIL("0x%llx: deposited page not validated", (unsigned long long)a);
		if (gperm && p.secret)
			FAIL("0x%llx: guest sees unzeroed SVSM content", (unsigned long long)a);
		if (reg_ && is_vmsa && (!p.vmsa || !p.valid) && !hv)
			FAIL("0x%llx: registered VMSA without VMSA bit or validation", (unsigned long long)a);
		if (reg_ && !is_vmsa && !p.valid && !hv)
			FAIL("0x%llx: registered calling area not validated", (unsigned long long)a);
		if (p.vmsa && !(reg_ && is_vmsa))
			FAIL("0x%llx: VMSA bit on an unregistered page", (unsigned long long)a);
		if (p.vmsa && gperm)
			FAIL("0x%llx: VMSA accessible to a VMPL but 0", (unsigned long long)a);
		if (p.stale)
			FAIL("0x%llx: access removed but TLBs not flushed", (unsigned long long)a);
	}
#undef FAIL
	rmp_sim_check_flushed(&m->sim, start, 2ull << 20); /* the same finding, in the model's count */
	return bad;
}
