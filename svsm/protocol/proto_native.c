/* SPDX-License-Identifier: MIT */
/* proto_native.c — see proto_native.h. */
#include "proto_native.h"
#include "proto_kmem.h"

#include "../lib/string.h"
#include "../mm/mm.h"

static enum rmp_result n_pvalidate(void *ctx, uint64_t gpa, bool huge, bool validate)
{
	return rmp_sim_pvalidate(ctx, gpa, huge, validate);
}

static enum rmp_result n_rmpadjust(void *ctx, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms, bool vmsa)
{
	return rmp_sim_rmpadjust(ctx, gpa, huge, vmpl, perms, vmsa);
}

static bool n_read(void *ctx, uint64_t gpa, void *dst, uint64_t len)
{
	return rmp_sim_read(ctx, gpa, dst, len);
}

static bool n_write(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	return rmp_sim_write(ctx, gpa, src, len);
}

static bool n_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	return rmp_sim_zero(ctx, gpa, len);
}

static bool n_xchg8(void *ctx, uint64_t gpa, uint8_t v, uint8_t *old)
{
	return rmp_sim_xchg8(ctx, gpa, v, old);
}

static bool n_update64(void *ctx, uint64_t gpa, uint64_t clear, uint64_t set)
{
	return rmp_sim_update64(ctx, gpa, clear, set);
}

/* No PSP natively: a report-shaped buffer (version 2, REPORT_DATA at 0x50), 1184 bytes. */
static int n_report(void *ctx, const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len)
{
	(void)ctx;
	if (cap < 1184)
		return -1;
	memset(out, 0, 1184);
	out[0] = 2;
	memcpy(out + 0x50, data, 64);
	*len = 1184;
	return 0;
}

/* The simulated RMP has no TLB; the count lets the self-test see the core asked. */
static void n_flush(void *ctx, uint64_t gpa, uint64_t len)
{
	rmp_sim_flush(ctx, gpa, len);
}

int proto_native_init(struct rmp_sim *sim, struct proto_platform *plat, uint64_t base, uint64_t npages)
{
	uint8_t *mem = proto_kmem_alloc(0, npages * PAGE_SIZE);
	struct rmp_sim_page *pg = proto_kmem_alloc(0, npages * sizeof(*pg));
	uint8_t *large = proto_kmem_alloc(0, npages / 512);
	if (!mem || !pg || !large)
		return -1;
	rmp_sim_init(sim, base, npages, mem, pg, large);
	*plat = (struct proto_platform){ sim, n_pvalidate, n_rmpadjust, n_read, n_write, n_zero, n_xchg8, n_update64,
					 n_report, proto_kmem_alloc, proto_kmem_free, proto_kmem_relax, n_flush, 0, 0 };
	return 0;
}

void proto_native_fini(struct rmp_sim *sim)
{
	proto_kmem_free(0, sim->mem, sim->npages * PAGE_SIZE);
	proto_kmem_free(0, sim->pg, sim->npages * sizeof(*sim->pg));
	proto_kmem_free(0, sim->large, sim->npages / 512);
}
