/* SPDX-License-Identifier: MIT */
/* memmap.c — see memmap.h. */
#include "memmap.h"

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

int memmap_parse(const void *area, size_t area_size, struct memmap *out)
{
	const unsigned char *p = area;
	out->count = 0;
	for (size_t off = 0; off + 24 <= area_size; off += 24) {
		uint64_t gfn = rd64(p + off), pages = rd64(p + off + 8);
		uint16_t type = (uint16_t)(p[off + 16] | (p[off + 17] << 8));
		if (pages == 0)
			break;
		if (gfn > (UINT64_MAX >> 12) || pages > (UINT64_MAX >> 12) - gfn)
			return MEMMAP_OVERFLOW;
		uint64_t base = gfn << 12, size = pages << 12;
		if (out->count) {
			const struct mem_range *prev = &out->r[out->count - 1];
			if (base < prev->base + prev->size)
				return MEMMAP_UNSORTED;
		}
		if (out->count == MEMMAP_MAX)
			return MEMMAP_TOO_MANY;
		out->r[out->count].base = base;
		out->r[out->count].size = size;
		out->r[out->count].type = type;
		out->count++;
	}
	return out->count ? MEMMAP_OK : MEMMAP_EMPTY;
}

static int add(struct memmap *out, uint64_t base, uint64_t size)
{
	if (!size)
		return MEMMAP_OK;
	if (out->count == MEMMAP_MAX)
		return MEMMAP_TOO_MANY;
	out->r[out->count].base = base;
	out->r[out->count].size = size;
	out->r[out->count].type = MEMMAP_TYPE_RAM;
	out->count++;
	return MEMMAP_OK;
}

int memmap_subtract(const struct memmap *in, uint64_t base, uint64_t size, struct memmap *out)
{
	uint64_t end = base + size;
	out->count = 0;
	for (unsigned i = 0; i < in->count; i++) {
		const struct mem_range *r = &in->r[i];
		if (r->type != MEMMAP_TYPE_RAM)
			continue;
		uint64_t rend = r->base + r->size;
		int rc;
		if (rend <= base || r->base >= end) {
			rc = add(out, r->base, r->size);
		} else {
			rc = add(out, r->base, base > r->base ? base - r->base : 0);
			if (!rc)
				rc = add(out, end, rend > end ? rend - end : 0);
		}
		if (rc)
			return rc;
	}
	return MEMMAP_OK;
}

uint64_t memmap_ram_bytes(const struct memmap *m)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < m->count; i++)
		if (m->r[i].type == MEMMAP_TYPE_RAM)
			n += m->r[i].size;
	return n;
}

uint64_t memmap_end(const struct memmap *m)
{
	return m->count ? m->r[m->count - 1].base + m->r[m->count - 1].size : 0;
}

const char *memmap_type_name(uint16_t type)
{
	switch (type) {
	case 0: return "memory";
	case 1: return "platform-reserved";
	case 2: return "persistent";
	case 3: return "vtl2-protectable";
	case 4: return "specific-purpose";
	case 5: return "hidden";
	}
	return "unknown";
}

const struct mem_range *memmap_ram_overlap(const struct memmap *m, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->r[i];
		if (r->type == MEMMAP_TYPE_RAM && r->size && r->base < base + size && base < r->base + r->size)
			return r;
	}
	return NULL;
}
