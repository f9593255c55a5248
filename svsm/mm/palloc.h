/* SPDX-License-Identifier: MIT */
/*
 * palloc.h — physical page allocator: one bit per 4 KiB page of a contiguous
 * pool (the SVSM region past its image). First fit for runs of n pages,
 * optionally aligned. Double frees and frees outside the pool are refused
 * (return false) rather than corrupting the bitmap. Portable C.
 */
#ifndef SVSM_MM_PALLOC_H
#define SVSM_MM_PALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct palloc {
	uint64_t base;    /* physical address of page 0 */
	size_t npages;
	size_t nfree;
	uint8_t *bitmap;  /* (npages + 7) / 8 bytes, 1 = used */
};

#define PALLOC_BITMAP_BYTES(n) (((n) + 7) / 8)

void palloc_init(struct palloc *p, uint64_t base, size_t npages, uint8_t *bitmap);
/* Marks [pa, pa + n pages) used; false if outside the pool or already used. */
bool palloc_reserve(struct palloc *p, uint64_t pa, size_t n);
/* n contiguous pages whose address is a multiple of align_pages pages; 0 if none. */
uint64_t palloc_alloc(struct palloc *p, size_t n, size_t align_pages);
bool palloc_free(struct palloc *p, uint64_t pa, size_t n);

#endif
