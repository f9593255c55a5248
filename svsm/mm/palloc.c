/* SPDX-License-Identifier: MIT */
/* palloc.c — see palloc.h. */
#include "palloc.h"

static bool used(const struct palloc *p, size_t i) { return p->bitmap[i / 8] & (1u << (i % 8)); }
static void set(struct palloc *p, size_t i) { p->bitmap[i / 8] |= (uint8_t)(1u << (i % 8)); }
static void clr(struct palloc *p, size_t i) { p->bitmap[i / 8] &= (uint8_t)~(1u << (i % 8)); }

void palloc_init(struct palloc *p, uint64_t base, size_t npages, uint8_t *bitmap)
{
	p->base = base;
	p->npages = npages;
	p->nfree = npages;
	p->bitmap = bitmap;
	for (size_t i = 0; i < PALLOC_BITMAP_BYTES(npages); i++)
		bitmap[i] = 0;
}

static bool index_of(const struct palloc *p, uint64_t pa, size_t n, size_t *idx)
{
	if (pa < p->base || (pa & 0xFFF))
		return false;
	uint64_t i = (pa - p->base) >> 12;
	if (i > p->npages || n > p->npages - i)
		return false;
	*idx = (size_t)i;
	return true;
}

bool palloc_reserve(struct palloc *p, uint64_t pa, size_t n)
{
	size_t i;
	if (!index_of(p, pa, n, &i))
		return false;
	for (size_t k = 0; k < n; k++)
		if (used(p, i + k))
			return false;
	for (size_t k = 0; k < n; k++)
		set(p, i + k);
	p->nfree -= n;
	return true;
}

uint64_t palloc_alloc(struct palloc *p, size_t n, size_t align_pages)
{
	if (!n || n > p->nfree)
		return 0;
	if (!align_pages)
		align_pages = 1;
	/* Alignment is of the physical address, not of the index. */
	size_t first = 0;
	uint64_t base_pfn = p->base >> 12;
	if (base_pfn % align_pages)
		first = align_pages - base_pfn % align_pages;
	for (size_t i = first; i + n <= p->npages; i += align_pages) {
		size_t k = 0;
		while (k < n && !used(p, i + k))
			k++;
		if (k == n) {
			for (k = 0; k < n; k++)
				set(p, i + k);
			p->nfree -= n;
			return p->base + ((uint64_t)i << 12);
		}
	}
	return 0;
}

bool palloc_free(struct palloc *p, uint64_t pa, size_t n)
{
	size_t i;
	if (!index_of(p, pa, n, &i))
		return false;
	for (size_t k = 0; k < n; k++)
		if (!used(p, i + k))
			return false;
	for (size_t k = 0; k < n; k++)
		clr(p, i + k);
	p->nfree += n;
	return true;
}
