/* SPDX-License-Identifier: MIT */
/*
 * malloc.c — malloc, calloc, realloc, free for the archives: the core's
 * first-fit heap (mm/heap.h, 16-byte alignment like glibc's) over one region
 * the vTPM takes from the page pool at start (libc_heap_init), behind a
 * spinlock. glibc behaviour where callers see it: malloc(0) returns a unique
 * pointer, realloc(NULL, n) is malloc, realloc(p, 0) frees and returns NULL,
 * calloc checks n * size for overflow, every failure sets ENOMEM. A free() of
 * something that is not a live block stops the SVSM, as glibc aborts on
 * "free(): invalid pointer": the heap would otherwise be corrupt.
 */
#include <stdatomic.h>
#include <stdbool.h>

#include "../../mm/heap.h"
#include "libc.h"


static struct heap heap;
static atomic_flag lock = ATOMIC_FLAG_INIT;
static size_t in_use, peak;

static void lock_heap(void)
{
	while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
		libc_sys_relax();
}

static void unlock_heap(void)
{
	atomic_flag_clear_explicit(&lock, memory_order_release);
}

void libc_heap_init(void *mem, size_t size)
{
	heap_init(&heap, mem, size);
	in_use = peak = 0;
}

size_t libc_heap_free_bytes(void)
{
	lock_heap();
	size_t n = heap.base ? heap_free_bytes(&heap) : 0;
	unlock_heap();
	return n;
}

size_t libc_heap_peak(void)
{
	return peak;
}

void *LIBC(malloc)(size_t n)
{
	lock_heap();
	void *p = heap.base ? heap_alloc(&heap, n ? n : 1) : NULL;
	if (p) {
		in_use += heap_usable(&heap, p);
		if (in_use > peak)
			peak = in_use;
	}
	unlock_heap();
	if (!p)
		libc_set_errno(LIBC_ENOMEM);
	return p;
}

void LIBC(free)(void *p);
void LIBC(free)(void *p)
{
	if (!p)
		return;
	lock_heap();
	size_t u = heap_usable(&heap, p);
	bool ok = u && heap_free(&heap, p);
	if (ok)
		in_use -= u;
	unlock_heap();
	if (!ok)
		libc_sys_abort("free(): invalid pointer");
}

void *LIBC(calloc)(size_t n, size_t size);
void *LIBC(calloc)(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size) {
		libc_set_errno(LIBC_ENOMEM);
		return NULL;
	}
	void *p = LIBC(malloc)(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *LIBC(realloc)(void *p, size_t n);
void *LIBC(realloc)(void *p, size_t n)
{
	if (!p)
		return LIBC(malloc)(n);
	if (!n) {
		LIBC(free)(p);
		return NULL;
	}
	lock_heap();
	size_t u = heap_usable(&heap, p);
	unlock_heap();
	if (!u)
		libc_sys_abort("realloc(): invalid pointer");
	if (n <= u)
		return p;
	void *q = LIBC(malloc)(n);
	if (!q)
		return NULL; /* p stays valid, as C requires */
	memcpy(q, p, u);
	LIBC(free)(p);
	return q;
}
