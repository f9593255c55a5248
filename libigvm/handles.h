/* SPDX-License-Identifier: MIT */
/*
 * handles.h — the table of live handles behind the C API: one counter and one
 * hash table for file and buffer handles alike.
 *
 * Contract
 *   lh_add() gives an object the next handle of a single counter that starts
 *   at 1 and counts up, so handles are positive, never reused while live, and
 *   a buffer handle can never equal a file handle. (The reference library
 *   does the same with an atomic counter; when its i32 overflows it hands out
 *   negative "handles". Ours wraps to 1 and skips handles still in use.)
 *   Lookup, insertion and removal are O(1) on average (open addressing with
 *   linear probing and backward-shift deletion, load factor at most 1/2), so
 *   a loader holding hundreds of thousands of page buffers stays fast.
 *
 *   The table does no locking: the caller holds one lock around every call
 *   (libigvm.c does). Values are opaque pointers owned by the caller.
 */
#ifndef LIBIGVM_HANDLES_H
#define LIBIGVM_HANDLES_H

#include <stddef.h>
#include <stdint.h>

struct lh_slot {
	int32_t handle; /* 0 = empty */
	void *obj;
};

struct lh_table {
	struct lh_slot *slots;
	size_t cap;  /* a power of two, or 0 */
	size_t used;
	int32_t next; /* next handle to try; 0 means 1 (a zeroed table is ready to use) */
};

/* Stores obj under a new handle in *handle. 0, or -1 when out of memory. */
int lh_add(struct lh_table *t, void *obj, int32_t *handle);
/* The object of a live handle, or NULL (also for handles <= 0). */
void *lh_get(const struct lh_table *t, int32_t handle);
/* Removes a handle; returns its object, or NULL if it was not live. */
void *lh_remove(struct lh_table *t, int32_t handle);
/* Frees the table's memory (objects are the caller's). */
void lh_destroy(struct lh_table *t);

#endif /* LIBIGVM_HANDLES_H */
