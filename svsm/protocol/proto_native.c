/* SPDX-License-Identifier: MIT */
/* proto_native.c — see proto_native.h. */
#include "proto_native.h"

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

static void *n_map(void *ctx, uint64_t gpa, uint64_t len)
{
	return rmp_sim_map(ctx, gpa, len);
}

static void n_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	rmp_sim_zero(ctx, gpa, len);
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

/* Page-sized and larger blocks from the pool (the heap is small), the rest from the heap. */
static void *n_alloc(void *ctx, size_t n)
{
	(void)ctx;
	if (n < PAGE_SIZE) {
		void *p = kmalloc(n);
		if (p)
			memset(p, 0, n);
		return p;
	}
	size_t pages = (n + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t pa = palloc_alloc(&mm.pool, pages, 1);
	if (!pa)
		return 0;
	void *p = phys_to_virt(pa);
	memset(p, 0, pages * PAGE_SIZE);
	return p;
}

static void n_free(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (n < PAGE_SIZE) {
		kfree(p);
		return;
	}
	/* Pool pages live in the kernel region, mapped at LAUNCH_KERNEL_VBASE (see mm.h). */
	uint64_t pa = (uint64_t)(uintptr_t)p - LAUNCH_KERNEL_VBASE + mm.region_gpa;
	palloc_free(&mm.pool, pa, (n + PAGE_SIZE - 1) / PAGE_SIZE);
}

/* The simulated RMP has no TLB; the count lets the self-test see the core asked. */
static void n_flush(void *ctx, uint64_t gpa, uint64_t len)
{
	rmp_sim_flush(ctx, gpa, len);
}

static void n_relax(void *ctx)
{
	(void)ctx;
	__asm__ volatile("pause");
}

int proto_native_init(struct rmp_sim *sim, struct proto_platform *plat, uint64_t base, uint64_t npages)
{
	uint8_t *mem = n_alloc(0, npages * PAGE_SIZE);
	struct rmp_sim_page *pg = n_alloc(0, npages * sizeof(*pg));
	uint8_t *large = n_alloc(0, npages / 512);
	if (!mem || !pg || !large)
		return -1;
	rmp_sim_init(sim, base, npages, mem, pg, large);
	*plat = (struct proto_platform){ sim, n_pvalidate, n_rmpadjust, n_map, n_zero, n_report, n_alloc, n_free,
					 n_relax, n_flush };
	return 0;
}

void proto_native_fini(struct rmp_sim *sim)
{
	n_free(0, sim->mem, sim->npages * PAGE_SIZE);
	n_free(0, sim->pg, sim->npages * sizeof(*sim->pg));
	n_free(0, sim->large, sim->npages / 512);
}
