/* SPDX-License-Identifier: MIT */
/*
 * handles.c — handle table (contract in handles.h).
 */
#include "handles.h"

#include <stdbool.h>
#include <stdlib.h>

/* Fibonacci hashing: consecutive handles spread over the whole table. */
static size_t slot_of(const struct lh_table *t, int32_t handle)
{
	return (size_t)(((uint64_t)(uint32_t)handle * 0x9E3779B97F4A7C15ull) >> 32) & (t->cap - 1);
}

static int grow(struct lh_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct lh_slot *n = calloc(ncap, sizeof(*n));
	if (!n)
		return -1;
	struct lh_slot *old = t->slots;
	size_t ocap = t->cap;
	t->slots = n;
	t->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].handle)
			continue;
		size_t j = slot_of(t, old[i].handle);
		while (n[j].handle)
			j = (j + 1) & (ncap - 1);
		n[j] = old[i];
	}
	free(old);
	return 0;
}

static struct lh_slot *find(const struct lh_table *t, int32_t handle)
{
	if (handle <= 0 || !t->cap)
		return NULL;
	for (size_t j = slot_of(t, handle);; j = (j + 1) & (t->cap - 1)) {
		if (!t->slots[j].handle)
			return NULL;
		if (t->slots[j].handle == handle)
			return &t->slots[j];
	}
}

int lh_add(struct lh_table *t, void *obj, int32_t *handle)
{
	if ((t->used + 1) * 2 > t->cap && grow(t))
		return -1;
	/* Terminates: fewer than half the slots, so far fewer than 2^31 handles, are live. */
	int32_t h;
	do {
		h = t->next > 0 ? t->next : 1;
		t->next = h == INT32_MAX ? 1 : h + 1;
	} while (find(t, h));
	size_t j = slot_of(t, h);
	while (t->slots[j].handle)
		j = (j + 1) & (t->cap - 1);
	t->slots[j].handle = h;
	t->slots[j].obj = obj;
	t->used++;
	*handle = h;
	return 0;
}

void *lh_get(const struct lh_table *t, int32_t handle)
{
	struct lh_slot *s = find(t, handle);
	return s ? s->obj : NULL;
}

void *lh_remove(struct lh_table *t, int32_t handle)
{
	struct lh_slot *s = find(t, handle);
	if (!s)
		return NULL;
	void *obj = s->obj;
	/*
	 * Backward-shift deletion: pull later members of the probe run into the
	 * hole whenever their home slot does not lie cyclically in (hole, j], so
	 * every remaining handle stays reachable without tombstones.
	 */
	size_t mask = t->cap - 1;
	size_t hole = (size_t)(s - t->slots);
	for (size_t j = (hole + 1) & mask; t->slots[j].handle; j = (j + 1) & mask) {
		size_t home = slot_of(t, t->slots[j].handle);
		bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (stays)
			continue;
		t->slots[hole] = t->slots[j];
		hole = j;
	}
	t->slots[hole].handle = 0;
	t->slots[hole].obj = NULL;
	t->used--;
	return obj;
}

void lh_destroy(struct lh_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
}
