/* SPDX-License-Identifier: MIT */
/* valstate.c — see valstate.h. */
#include "valstate.h"

#include "../lib/string.h"

int vs_init(struct valstate *vs, const struct proto_platform *plat, uint64_t limit)
{
	vs->plat = plat;
	vs->nregions = (unsigned)((limit + (1ull << VS_REGION_SHIFT) - 1) >> VS_REGION_SHIFT);
	if (!vs->nregions)
		return -1;
	vs->regions = plat->alloc(plat->ctx, vs->nregions * sizeof(*vs->regions));
	if (!vs->regions)
		return -1;
	for (unsigned i = 0; i < vs->nregions; i++)
		atomic_init(&vs->regions[i], (struct vs_region *)0);
	return 0;
}

void vs_destroy(struct valstate *vs)
{
	if (!vs->regions)
		return;
	for (unsigned i = 0; i < vs->nregions; i++) {
		struct vs_region *r = atomic_load(&vs->regions[i]);
		if (!r)
			continue;
		uint64_t *o = atomic_load(&r->owned);
		if (o)
			vs->plat->free(vs->plat->ctx, o, VS_OWNED_BYTES_PER_GIB);
		vs->plat->free(vs->plat->ctx, r, sizeof(*r));
	}
	vs->plat->free(vs->plat->ctx, vs->regions, vs->nregions * sizeof(*vs->regions));
	vs->regions = 0;
}

static struct vs_region *region(const struct valstate *vs, uint64_t gpa)
{
	uint64_t i = gpa >> VS_REGION_SHIFT;
	return i < vs->nregions ? atomic_load_explicit(&vs->regions[i], memory_order_acquire) : 0;
}

/* The region of gpa, allocated if needed; NULL when out of memory or out of range. */
static struct vs_region *region_get(struct valstate *vs, uint64_t gpa)
{
	uint64_t i = gpa >> VS_REGION_SHIFT;
	if (i >= vs->nregions)
		return 0;
	struct vs_region *r = atomic_load_explicit(&vs->regions[i], memory_order_acquire);
	if (r)
		return r;
	struct vs_region *n = vs->plat->alloc(vs->plat->ctx, sizeof(*n));
	if (!n)
		return 0;
	atomic_init(&n->owned, (uint64_t *)0);
	struct vs_region *expect = 0;
	if (atomic_compare_exchange_strong_explicit(&vs->regions[i], &expect, n, memory_order_acq_rel,
						    memory_order_acquire))
		return n;
	vs->plat->free(vs->plat->ctx, n, sizeof(*n)); /* another chunk of this region won the race */
	return expect;
}

static uint64_t *owned_get(struct valstate *vs, struct vs_region *r)
{
	uint64_t *o = atomic_load_explicit(&r->owned, memory_order_acquire);
	if (o)
		return o;
	uint64_t *n = vs->plat->alloc(vs->plat->ctx, VS_OWNED_BYTES_PER_GIB);
	if (!n)
		return 0;
	uint64_t *expect = 0;
	if (atomic_compare_exchange_strong_explicit(&r->owned, &expect, n, memory_order_acq_rel, memory_order_acquire))
		return n;
	vs->plat->free(vs->plat->ctx, n, VS_OWNED_BYTES_PER_GIB);
	return expect;
}

static unsigned page_index(uint64_t gpa)
{
	return (unsigned)((gpa >> 12) & (VS_PAGES_PER_REGION - 1));
}

static bool bit(const uint64_t *bm, unsigned i)
{
	return (bm[i / 64] >> (i % 64)) & 1;
}

bool vs_valid(const struct valstate *vs, uint64_t gpa)
{
	const struct vs_region *r = region(vs, gpa);
	return r && bit(r->valid, page_index(gpa));
}

bool vs_owned(const struct valstate *vs, uint64_t gpa)
{
	struct vs_region *r = region(vs, gpa);
	if (!r)
		return false;
	const uint64_t *o = atomic_load_explicit(&r->owned, memory_order_acquire);
	return o && bit(o, page_index(gpa));
}

static unsigned count(const uint64_t *bm, const uint16_t *sum, uint64_t gpa, unsigned n)
{
	unsigned first = page_index(gpa), c = 0;
	if (n == 512)
		return sum[first / 512]; /* whole chunk: the summary */
	for (unsigned i = 0; i < n; i++)
		c += bit(bm, first + i);
	return c;
}

unsigned vs_count_valid(const struct valstate *vs, uint64_t gpa, unsigned n)
{
	const struct vs_region *r = region(vs, gpa);
	return r ? count(r->valid, r->nvalid, gpa, n) : 0;
}

unsigned vs_count_owned(const struct valstate *vs, uint64_t gpa, unsigned n)
{
	struct vs_region *r = region(vs, gpa);
	if (!r)
		return 0;
	const uint64_t *o = atomic_load_explicit(&r->owned, memory_order_acquire);
	return o ? count(o, r->nowned, gpa, n) : 0;
}

static void set(uint64_t *bm, uint16_t *sum, uint64_t gpa, unsigned n, bool v)
{
	unsigned first = page_index(gpa);
	for (unsigned i = first; i < first + n; i++) {
		uint64_t m = 1ull << (i % 64);
		bool was = bm[i / 64] & m;
		if (was == v)
			continue;
		if (v) {
			bm[i / 64] |= m;
			sum[i / 512]++;
		} else {
			bm[i / 64] &= ~m;
			sum[i / 512]--;
		}
	}
}

int vs_set_valid(struct valstate *vs, uint64_t gpa, unsigned n, bool v)
{
	struct vs_region *r = v ? region_get(vs, gpa) : region(vs, gpa);
	if (!r)
		return v ? -1 : 0; /* clearing in a region never allocated: nothing was set */
	set(r->valid, r->nvalid, gpa, n, v);
	return 0;
}

int vs_set_owned(struct valstate *vs, uint64_t gpa, unsigned n, bool v)
{
	struct vs_region *r = v ? region_get(vs, gpa) : region(vs, gpa);
	if (!r)
		return v ? -1 : 0;
	uint64_t *o = v ? owned_get(vs, r) : atomic_load_explicit(&r->owned, memory_order_acquire);
	if (!o)
		return v ? -1 : 0;
	set(o, r->nowned, gpa, n, v);
	return 0;
}

uint64_t vs_bytes(const struct valstate *vs)
{
	uint64_t b = vs->nregions * sizeof(*vs->regions);
	for (unsigned i = 0; i < vs->nregions; i++) {
		struct vs_region *r = atomic_load(&vs->regions[i]);
		if (r)
			b += VS_BYTES_PER_GIB + (atomic_load(&r->owned) ? VS_OWNED_BYTES_PER_GIB : 0);
	}
	return b;
}
