/* SPDX-License-Identifier: MIT */
/* heap.c — see heap.h. */
#include "heap.h"

#include <stdint.h>

#define HEAP_ALIGN 16u
#define MAGIC_USED 0x55534544u /* "USED" */
#define MAGIC_FREE 0x46524545u /* "FREE" */

struct heap_block {
	size_t size;              /* whole block including this header */
	uint32_t magic;
	uint32_t pad;
	struct heap_block *next;  /* free blocks only */
	uint64_t pad2;
};
_Static_assert(sizeof(struct heap_block) % HEAP_ALIGN == 0, "header keeps payload aligned");

void heap_init(struct heap *h, void *mem, size_t size)
{
	uintptr_t a = ((uintptr_t)mem + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);
	size -= a - (uintptr_t)mem;
	size &= ~(size_t)(HEAP_ALIGN - 1);
	h->base = (unsigned char *)a;
	h->size = size;
	h->free_list = (struct heap_block *)a;
	h->free_list->size = size;
	h->free_list->magic = MAGIC_FREE;
	h->free_list->next = NULL;
}

void *heap_alloc(struct heap *h, size_t n)
{
	if (n == 0 || n > h->size)
		return NULL;
	size_t need = (n + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1);
	need += sizeof(struct heap_block);
	struct heap_block **link = &h->free_list;
	for (struct heap_block *b = *link; b; link = &b->next, b = b->next) {
		if (b->size < need)
			continue;
		if (b->size - need >= sizeof(struct heap_block) + HEAP_ALIGN) {
			struct heap_block *rest = (struct heap_block *)((unsigned char *)b + need);
			rest->size = b->size - need;
			rest->magic = MAGIC_FREE;
			rest->next = b->next;
			*link = rest;
			b->size = need;
		} else {
			*link = b->next;
		}
		b->magic = MAGIC_USED;
		b->next = NULL;
		return b + 1;
	}
	return NULL;
}

bool heap_free(struct heap *h, void *p)
{
	if (!p)
		return true;
	unsigned char *c = p;
	if (c < h->base + sizeof(struct heap_block) || c >= h->base + h->size ||
	    ((uintptr_t)c & (HEAP_ALIGN - 1)))
		return false;
	struct heap_block *b = (struct heap_block *)p - 1;
	if (b->magic != MAGIC_USED)
		return false;
	b->magic = MAGIC_FREE;
	/* Insert sorted, then merge with the neighbours. */
	struct heap_block *prev = NULL, *cur = h->free_list;
	while (cur && cur < b) {
		prev = cur;
		cur = cur->next;
	}
	b->next = cur;
	if (prev)
		prev->next = b;
	else
		h->free_list = b;
	if (cur && (unsigned char *)b + b->size == (unsigned char *)cur) {
		b->size += cur->size;
		b->next = cur->next;
		cur->magic = 0;
	}
	if (prev && (unsigned char *)prev + prev->size == (unsigned char *)b) {
		prev->size += b->size;
		prev->next = b->next;
		b->magic = 0;
	}
	return true;
}

size_t heap_usable(const struct heap *h, const void *p)
{
	const unsigned char *c = p;
	if (!p || c < h->base + sizeof(struct heap_block) || c >= h->base + h->size ||
	    ((uintptr_t)c & (HEAP_ALIGN - 1)))
		return 0;
	const struct heap_block *b = (const struct heap_block *)p - 1;
	return b->magic == MAGIC_USED ? b->size - sizeof(struct heap_block) : 0;
}

size_t heap_free_bytes(const struct heap *h)
{
	size_t n = 0;
	for (const struct heap_block *b = h->free_list; b; b = b->next)
		n += b->size - sizeof(struct heap_block);
	return n;
}

size_t heap_largest(const struct heap *h)
{
	size_t n = 0;
	for (const struct heap_block *b = h->free_list; b; b = b->next)
		if (b->size - sizeof(struct heap_block) > n)
			n = b->size - sizeof(struct heap_block);
	return n;
}
