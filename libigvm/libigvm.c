/* SPDX-License-Identifier: MIT */
/*
 * libigvm.c — the exported functions of the IGVM C API (<igvm/igvm.h>).
 *
 * Contract (see also libigvm(3))
 *   - Files and buffers live in one handle table (handles.h) behind one mutex;
 *     every function takes the lock for its whole body, except that parsing
 *     (igvm_new_from_binary) and freeing memory run outside it, so threads
 *     parsing different files do not wait for one another.
 *   - A file owns its buffers: a buffer is found only together with the file
 *     handle that created it, and igvm_free() releases all of them.
 *   - Checks run in the reference's order: the file handle first
 *     (IGVMAPI_INVALID_HANDLE), then the section, then the index
 *     (IGVMAPI_INVALID_PARAMETER), then the data (IGVMAPI_NO_DATA).
 *   - Nothing aborts: where the Rust library would panic (allocation failure,
 *     handle counter overflow, malformed input) an IgvmResult is returned.
 * Only the functions of <igvm/igvm.h> are exported (libigvm.map).
 */
#include "include/igvm/igvm.h"

#include <pthread.h>
#include <string.h>

#include "handles.h"
#include "view.h"

#define IGVM_EXPORT __attribute__((visibility("default")))

/* view.c cannot see the public header; pin its codes to the public ones here. */
_Static_assert((int)LV_OK == (int)IGVMAPI_OK, "result code");
_Static_assert((int)LV_INVALID_PARAMETER == (int)IGVMAPI_INVALID_PARAMETER, "result code");
_Static_assert((int)LV_NO_DATA == (int)IGVMAPI_NO_DATA, "result code");
_Static_assert((int)LV_INVALID_FILE == (int)IGVMAPI_INVALID_FILE, "result code");
_Static_assert((int)LV_FILE_DATA_SECTION_TOO_LARGE == (int)IGVMAPI_FILE_DATA_SECTION_TOO_LARGE, "result code");
_Static_assert(LV_SECTIONS == (int)IGVM_HEADER_SECTION_DIRECTIVE + 1, "sections");

enum obj_kind { OBJ_FILE = 1, OBJ_BUFFER = 2 };

struct lib_buffer;

struct lib_file {
	enum obj_kind kind; /* first member of both object kinds */
	int32_t handle;
	struct lv_view *view;
	struct lib_buffer *buffers; /* doubly linked, newest first */
};

struct lib_buffer {
	enum obj_kind kind;
	int32_t handle;
	struct lib_file *file;
	struct lib_buffer *prev, *next;
	const uint8_t *data;
	uint32_t len;
	uint8_t *owned; /* freed with the buffer; NULL when data points into the file's view */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct lh_table table; /* guarded by lock */

static void take(void) { pthread_mutex_lock(&lock); }
static void give(void) { pthread_mutex_unlock(&lock); }

/* These lookups need the lock held. */
static struct lib_file *file_of(IgvmHandle h)
{
	struct lib_file *f = lh_get(&table, h);
	return f && f->kind == OBJ_FILE ? f : NULL;
}

/* The file behind h when section is one; otherwise NULL, with *err the API's error code. */
static struct lib_file *file_section(IgvmHandle h, IgvmHeaderSection section, int32_t *err)
{
	struct lib_file *f = file_of(h);
	if (!f)
		*err = IGVMAPI_INVALID_HANDLE;
	else if ((uint32_t)section > IGVM_HEADER_SECTION_DIRECTIVE)
		*err = IGVMAPI_INVALID_PARAMETER;
	else
		return f;
	return NULL;
}

static struct lib_buffer *buffer_of(IgvmHandle file, IgvmHandle buf)
{
	struct lib_file *f = file_of(file);
	struct lib_buffer *b = f ? lh_get(&table, buf) : NULL;
	return b && b->kind == OBJ_BUFFER && b->file == f ? b : NULL;
}

/* Unlinks and unregisters a buffer (lock held); the caller frees it after unlocking. */
static void detach_buffer(struct lib_buffer *b)
{
	lh_remove(&table, b->handle);
	if (b->prev)
		b->prev->next = b->next;
	else
		b->file->buffers = b->next;
	if (b->next)
		b->next->prev = b->prev;
	b->prev = b->next = NULL;
}

static void free_buffer_mem(struct lib_buffer *b)
{
	free(b->owned);
	free(b);
}

/* An empty table gives its memory back, so a program that freed everything leaks nothing. */
static void maybe_shrink(void)
{
	if (table.used == 0)
		lh_destroy(&table);
}

/*
 * Registers a buffer for file f (lock held). On failure frees `owned` and
 * returns IGVMAPI_INVALID_FILE (the reference would abort on OOM).
 */
static IgvmHandle add_buffer(struct lib_file *f, const uint8_t *data, uint32_t len, uint8_t *owned)
{
	struct lib_buffer *b = calloc(1, sizeof(*b));
	if (!b) {
		free(owned);
		return IGVMAPI_INVALID_FILE;
	}
	b->kind = OBJ_BUFFER;
	b->file = f;
	b->data = data;
	b->len = len;
	b->owned = owned;
	if (lh_add(&table, b, &b->handle)) {
		free_buffer_mem(b);
		return IGVMAPI_INVALID_FILE;
	}
	b->next = f->buffers;
	if (f->buffers)
		f->buffers->prev = b;
	f->buffers = b;
	return b->handle;
}

IGVM_EXPORT IgvmHandle igvm_new_from_binary(const uint8_t *data, uint32_t len)
{
	struct lv_view *view;
	int r = lv_new(data, len, &view);
	if (r)
		return r;
	struct lib_file *f = calloc(1, sizeof(*f));
	if (!f) {
		lv_free(view);
		return IGVMAPI_INVALID_FILE;
	}
	f->kind = OBJ_FILE;
	f->view = view;
	take();
	r = lh_add(&table, f, &f->handle);
	give();
	if (r) {
		lv_free(view);
		free(f);
		return IGVMAPI_INVALID_FILE;
	}
	return f->handle;
}

IGVM_EXPORT void igvm_free(IgvmHandle handle)
{
	take();
	struct lib_file *f = file_of(handle);
	struct lib_buffer *list = NULL;
	if (f) {
		lh_remove(&table, handle);
		for (struct lib_buffer *b = f->buffers; b; b = b->next)
			lh_remove(&table, b->handle);
		list = f->buffers;
		maybe_shrink();
	}
	give();
	if (!f)
		return;
	/* Unreachable now: free outside the lock. */
	while (list) {
		struct lib_buffer *next = list->next;
		free_buffer_mem(list);
		list = next;
	}
	lv_free(f->view);
	free(f);
}

IGVM_EXPORT int32_t igvm_header_count(IgvmHandle handle, IgvmHeaderSection section)
{
	int32_t r;
	take();
	struct lib_file *f = file_section(handle, section, &r);
	if (f)
		r = (int32_t)lv_count(f->view, (unsigned)section);
	give();
	return r;
}

IGVM_EXPORT int32_t igvm_get_header_type(IgvmHandle handle, IgvmHeaderSection section, uint32_t index)
{
	int32_t r;
	take();
	struct lib_file *f = file_section(handle, section, &r);
	if (f) {
		int64_t t = lv_type(f->view, (unsigned)section, index);
		/* Type codes are in section ranges (< 0x401), so they fit the int32_t result. */
		r = t < 0 ? IGVMAPI_INVALID_PARAMETER : (int32_t)t;
	}
	give();
	return r;
}

IGVM_EXPORT IgvmHandle igvm_get_header(IgvmHandle handle, IgvmHeaderSection section, uint32_t index)
{
	uint8_t rec[LV_RECORD_MAX];
	IgvmHandle r;
	take();
	struct lib_file *f = file_section(handle, section, &r);
	if (f) {
		int32_t n = lv_record(f->view, (unsigned)section, index, rec);
		uint8_t *copy = n > 0 ? malloc((size_t)n) : NULL;
		if (n <= 0)
			r = n;
		else if (!copy)
			r = IGVMAPI_INVALID_FILE;
		else
			r = add_buffer(f, memcpy(copy, rec, (size_t)n), (uint32_t)n, copy);
	}
	give();
	return r;
}

IGVM_EXPORT IgvmHandle igvm_get_header_data(IgvmHandle handle, IgvmHeaderSection section, uint32_t index)
{
	IgvmHandle r;
	take();
	struct lib_file *f = file_of(handle);
	if (!f) {
		r = IGVMAPI_INVALID_HANDLE;
	} else {
		const uint8_t *data;
		uint32_t len;
		uint8_t *owned;
		r = lv_data(f->view, (unsigned)section, index, &data, &len, &owned);
		if (r == IGVMAPI_OK)
			r = add_buffer(f, data, len, owned);
	}
	give();
	return r;
}

IGVM_EXPORT const uint8_t *igvm_get_buffer(IgvmHandle igvm_handle, IgvmHandle buffer_handle)
{
	take();
	struct lib_buffer *b = buffer_of(igvm_handle, buffer_handle);
	const uint8_t *p = b ? b->data : NULL;
	give();
	return p;
}

IGVM_EXPORT int32_t igvm_get_buffer_size(IgvmHandle igvm_handle, IgvmHandle buffer_handle)
{
	take();
	struct lib_buffer *b = buffer_of(igvm_handle, buffer_handle);
	/* lv_data() refuses blobs over INT32_MAX, so every size fits. */
	int32_t n = b ? (int32_t)b->len : IGVMAPI_INVALID_HANDLE;
	give();
	return n;
}

IGVM_EXPORT void igvm_free_buffer(IgvmHandle igvm_handle, IgvmHandle buffer_handle)
{
	take();
	struct lib_buffer *b = buffer_of(igvm_handle, buffer_handle);
	if (b) {
		detach_buffer(b);
		maybe_shrink();
	}
	give();
	if (b)
		free_buffer_mem(b);
}
