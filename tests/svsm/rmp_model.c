/* SPDX-License-Identifier: MIT */
/* rmp_model.c — see rmp_model.h. */
#include "rmp_model.h"

#include "../../svsm/protocol/proto_check.h"

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
					   m_report, m_alloc, m_free, m_relax, m_flush, 0, 0 };
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

unsigned rmp_model_check_chunk(struct rmp_model *m, struct proto_core *c, uint64_t gpa, char *why, size_t whylen)
{
	static _Thread_local struct rmp_sim_page pg[512];
	struct proto_check_fail f;
	unsigned bad = proto_check_chunk(c, &m->sim, gpa, pg, &f);
	if (bad && why) {
		if (f.kind == PCHK_TRACKER)
			snprintf(why, whylen, "0x%llx: tracker says %s, RMP says %s", (unsigned long long)f.gpa,
				 f.tracker_valid ? "valid" : "invalid", f.rmp_valid ? "valid" : "invalid");
		else
			snprintf(why, whylen, "0x%llx: %s", (unsigned long long)f.gpa, proto_check_name(f.kind));
	}
	return bad;
}
