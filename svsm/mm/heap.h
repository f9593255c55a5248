/* SPDX-License-Identifier: MIT */
/*
 * heap.h — a small first-fit heap over one contiguous region, with
 * coalescing on free. 16-byte aligned results. heap_free() refuses pointers
 * it did not hand out (header magic) and double frees. Portable C.
 */
#ifndef SVSM_MM_HEAP_H
#define SVSM_MM_HEAP_H

#include <stdbool.h>
#include <stddef.h>

struct heap_block;

struct heap {
	unsigned char *base;
	size_t size;
	struct heap_block *free_list; /* sorted by address */
};

void heap_init(struct heap *h, void *mem, size_t size);
void *heap_alloc(struct heap *h, size_t n);
bool heap_free(struct heap *h, void *p);
size_t heap_free_bytes(const struct heap *h);
/* Bytes usable at p (at least what was asked for), or 0 if p is not an allocated block. */
size_t heap_usable(const struct heap *h, const void *p);
/* Largest single allocation that would succeed now. */
size_t heap_largest(const struct heap *h);

#endif
