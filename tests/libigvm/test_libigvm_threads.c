/* SPDX-License-Identifier: MIT */
/*
 * test_libigvm_threads.c — the C API from many threads at once.
 *
 * Workers parse, walk and free files in parallel and compare every record and
 * data blob with a single-threaded pass; "poachers" call the API on handles
 * that other threads are creating and freeing at the same moment (a handle
 * may die at any point: every answer must be a valid result or
 * IGVMAPI_INVALID_HANDLE, never a crash). Finally every handle any thread
 * was given is checked to be unique. Built with ASan+UBSan for `make check`,
 * and again with ThreadSanitizer when the compiler has it
 * (tests/cli/t0702-libigvm-tsan.sh).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <igvm/igvm.h>

#include "../unit/tap.h"
#include "fixtures.h"
#include "qw_host.h"

enum { WORKERS = 6, POACHERS = 2, ROUNDS = 200, MAX_HDR = 64, SLOTS = 16 };

/* What a single-threaded walk of one file gives. */
struct expect {
	struct ib_buf file;
	int32_t count[3];
	int32_t type[3][MAX_HDR];
	uint64_t rec_hash[3][MAX_HDR];
	int32_t data_len[3][MAX_HDR]; /* or IGVMAPI_NO_DATA / IGVMAPI_INVALID_PARAMETER */
	uint64_t data_hash[3][MAX_HDR];
};

static struct expect expect[2];
static atomic_int mismatches, confusions;
static _Atomic IgvmHandle published[SLOTS];

struct handles {
	IgvmHandle *v;
	size_t n, cap;
};

static void keep(struct handles *h, IgvmHandle x)
{
	if (x <= 0)
		return;
	if (h->n == h->cap) {
		size_t c = h->cap ? h->cap * 2 : 1024;
		IgvmHandle *nv = realloc(h->v, c * sizeof(*nv));
		if (!nv)
			abort();
		h->v = nv;
		h->cap = c;
	}
	h->v[h->n++] = x;
}

/* Walks a file; with `e` set, fills it in; otherwise compares with it. Records handles in hs. */
static void walk(IgvmHandle f, struct expect *e, bool fill, struct handles *hs)
{
	for (uint32_t s = 0; s < 3; s++) {
		int32_t n = igvm_header_count(f, s);
		if (fill)
			e->count[s] = n;
		else if (n != e->count[s])
			atomic_fetch_add(&mismatches, 1);
		for (int32_t i = 0; i < n && i < MAX_HDR; i++) {
			int32_t t = igvm_get_header_type(f, s, (uint32_t)i);
			IgvmHandle b = igvm_get_header(f, s, (uint32_t)i);
			keep(hs, b);
			uint64_t rh = qw_hash(igvm_get_buffer(f, b), (size_t)igvm_get_buffer_size(f, b));
			IgvmHandle d = igvm_get_header_data(f, s, (uint32_t)i);
			keep(hs, d);
			int32_t dl = d > 0 ? igvm_get_buffer_size(f, d) : d;
			uint64_t dh = d > 0 ? qw_hash(igvm_get_buffer(f, d), (size_t)dl) : 0;
			if (fill) {
				e->type[s][i] = t;
				e->rec_hash[s][i] = rh;
				e->data_len[s][i] = dl;
				e->data_hash[s][i] = dh;
			} else if (t != e->type[s][i] || rh != e->rec_hash[s][i] || dl != e->data_len[s][i] ||
				   dh != e->data_hash[s][i]) {
				atomic_fetch_add(&mismatches, 1);
			}
			/* Free some buffers now and leave the rest to igvm_free(). */
			if (i % 2)
				igvm_free_buffer(f, b);
			if (d > 0 && i % 3)
				igvm_free_buffer(f, d);
		}
	}
}

static void *worker(void *arg)
{
	struct handles *hs = arg;
	unsigned seed = (unsigned)(uintptr_t)hs;
	for (int r = 0; r < ROUNDS; r++) {
		const struct expect *e = &expect[r % 2];
		IgvmHandle f = igvm_new_from_binary(e->file.p, (uint32_t)e->file.len);
		if (f <= 0) {
			atomic_fetch_add(&mismatches, 1);
			continue;
		}
		keep(hs, f);
		/* Let poachers see this file while we use it. */
		seed = seed * 1103515245u + 12345u;
		atomic_store(&published[seed % SLOTS], f);
		walk(f, (struct expect *)e, false, hs);
		igvm_free(f);
	}
	return NULL;
}

/* Uses whatever handles are published: they may be freed under its feet at any moment. */
static void *poacher(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS * 40; r++) {
		IgvmHandle f = atomic_load(&published[r % SLOTS]);
		int32_t n = igvm_header_count(f, IGVM_HEADER_SECTION_DIRECTIVE);
		if (n != IGVMAPI_INVALID_HANDLE && n != 11 && n != expect[1].count[2])
			atomic_fetch_add(&mismatches, 1);
		IgvmHandle b = igvm_get_header(f, IGVM_HEADER_SECTION_DIRECTIVE, 0);
		if (b > 0) {
			int32_t size = igvm_get_buffer_size(f, b);
			if (size != 32 && size != IGVMAPI_INVALID_HANDLE)
				atomic_fetch_add(&mismatches, 1);
			igvm_free_buffer(f, b);
		} else if (b != IGVMAPI_INVALID_HANDLE) {
			atomic_fetch_add(&mismatches, 1);
		}
		/* Buffer handles are numbers near file handles: probe a few, as a confused caller would.
		 * A live buffer of that file answers with its size; anything else is not a buffer. */
		for (IgvmHandle x = f; x >= 0 && x < f + 4; x++) {
			int32_t size = igvm_get_buffer_size(f, x);
			if ((x == f && size != IGVMAPI_INVALID_HANDLE) || size == 0 ||
			    (size < 0 && size != IGVMAPI_INVALID_HANDLE))
				atomic_fetch_add(&confusions, 1);
		}
	}
	return NULL;
}

static int cmp_handle(const void *a, const void *b)
{
	IgvmHandle x = *(const IgvmHandle *)a, y = *(const IgvmHandle *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	if (fx_conformance(&expect[0].file) || fx_all[1].build(&expect[1].file)) {
		ok(0, "fixtures build");
		return tap_done();
	}
	struct handles single = { 0 };
	for (int k = 0; k < 2; k++) {
		IgvmHandle f = igvm_new_from_binary(expect[k].file.p, (uint32_t)expect[k].file.len);
		walk(f, &expect[k], true, &single);
		igvm_free(f);
	}
	free(single.v);
	ok(expect[0].count[2] == 11 && expect[1].count[2] > 11 && expect[1].count[2] <= MAX_HDR,
	   "single-threaded walks of the two files");

	pthread_t t[WORKERS + POACHERS];
	struct handles hs[WORKERS];
	memset(hs, 0, sizeof(hs));
	int started = 0;
	for (int i = 0; i < WORKERS; i++)
		started += pthread_create(&t[i], NULL, worker, &hs[i]) == 0;
	for (int i = 0; i < POACHERS; i++)
		started += pthread_create(&t[WORKERS + i], NULL, poacher, NULL) == 0;
	ok(started == WORKERS + POACHERS, "%d workers and %d poachers started", WORKERS, POACHERS);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);

	is_u64(atomic_load(&mismatches), 0, "every record, data blob and count matched the single-threaded walk");
	is_u64(atomic_load(&confusions), 0, "a file handle was never taken for a buffer, nor a buffer for a file");

	size_t total = 0;
	for (int i = 0; i < WORKERS; i++)
		total += hs[i].n;
	IgvmHandle *all = malloc(total * sizeof(*all));
	size_t at = 0;
	for (int i = 0; i < WORKERS; i++) {
		if (all)
			memcpy(all + at, hs[i].v, hs[i].n * sizeof(*all));
		at += hs[i].n;
		free(hs[i].v);
	}
	bool unique = all != NULL;
	if (all) {
		qsort(all, total, sizeof(*all), cmp_handle);
		for (size_t i = 1; i < total; i++)
			unique &= all[i] != all[i - 1];
	}
	ok(unique && total > (size_t)WORKERS * ROUNDS * 20, "all %zu handles handed out in parallel were distinct",
	   total);
	free(all);

	/* Everything was freed: a new file still works and numbering goes on. */
	IgvmHandle f = igvm_new_from_binary(expect[0].file.p, (uint32_t)expect[0].file.len);
	ok(f > 0 && igvm_header_count(f, IGVM_HEADER_SECTION_DIRECTIVE) == 11, "the library is usable afterwards");
	igvm_free(f);
	ib_buf_free(&expect[0].file);
	ib_buf_free(&expect[1].file);
	return tap_done();
}
