/* SPDX-License-Identifier: MIT */
/*
 * igvm_write.c — serialise the in-memory model the way the reference writer
 * does (contract in igvm.h; layout rules in the spec §4).
 */
#include "igvm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../common/cleanup.h"

struct blob {
	const uint8_t *data;
	uint32_t data_len; /* bytes given; the rest of `size` is zeros */
	uint32_t size;     /* bytes stored */
	uint32_t hash;
	uint32_t offset;   /* absolute file offset once placed */
};

struct writer {
	const struct igvm_file *f;
	struct igvm_diag *diag;
	struct blob *blobs;
	size_t nblobs, capblobs;
	size_t *table; /* open addressing over blob indices + 1 */
	size_t tcap;
	uint32_t *hdr_blob; /* per header: blob index + 1, or 0 */
};

static int wfail(struct writer *w, enum igvm_rule rule, const struct igvm_header *h, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int wfail(struct writer *w, enum igvm_rule rule, const struct igvm_header *h, const char *fmt, ...)
{
	struct igvm_diag *d = w->diag;
	memset(d, 0, sizeof(*d));
	d->rule = rule;
	d->section = h ? h->section : IGVM_SECTION_PLATFORM;
	d->offset = h ? (uint64_t)(h - w->f->hdr) : 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
	return -1;
}

static const uint8_t zeros[4096];

/* CRC-32 of the data followed by (size - data_len) zero bytes: the blob's identity. */
static uint32_t blob_hash(const struct blob *b)
{
	uLong c = crc32(0L, Z_NULL, 0);
	c = crc32(c, b->data ? b->data : zeros, b->data_len);
	for (uint32_t left = b->size - b->data_len; left;) {
		uint32_t n = left < sizeof(zeros) ? left : (uint32_t)sizeof(zeros);
		c = crc32(c, zeros, n);
		left -= n;
	}
	return (uint32_t)c ^ b->size;
}

static bool tail_zero(const uint8_t *p, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		if (p[i])
			return false;
	return true;
}

static bool blob_equal(const struct blob *a, const struct blob *b)
{
	if (a->size != b->size || a->hash != b->hash)
		return false;
	uint32_t common = a->data_len < b->data_len ? a->data_len : b->data_len;
	if (common && memcmp(a->data, b->data, common))
		return false;
	/* Beyond the shorter data, the longer one must hold only zeros. */
	const struct blob *l = a->data_len > b->data_len ? a : b;
	return tail_zero(l->data, common, l->data_len);
}

static bool table_grow(struct writer *w)
{
	size_t ncap = w->tcap ? w->tcap * 2 : 256;
	size_t *n = calloc(ncap, sizeof(*n));
	if (!n)
		return false;
	for (size_t i = 0; i < w->tcap; i++) {
		if (!w->table[i])
			continue;
		size_t j = w->blobs[w->table[i] - 1].hash & (ncap - 1);
		while (n[j])
			j = (j + 1) & (ncap - 1);
		n[j] = w->table[i];
	}
	free(w->table);
	w->table = n;
	w->tcap = ncap;
	return true;
}

/* Returns the blob index + 1 for these bytes, adding the blob if new; 0 on OOM. */
static size_t intern_blob(struct writer *w, const uint8_t *data, uint32_t data_len, uint32_t size)
{
	struct blob b = { data, data_len, size, 0, 0 };
	b.hash = blob_hash(&b);
	if ((w->nblobs + 1) * 2 > w->tcap && !table_grow(w))
		return 0;
	size_t j = b.hash & (w->tcap - 1);
	while (w->table[j]) {
		if (blob_equal(&w->blobs[w->table[j] - 1], &b))
			return w->table[j];
		j = (j + 1) & (w->tcap - 1);
	}
	if (w->nblobs == w->capblobs) {
		size_t c = w->capblobs ? w->capblobs * 2 : 64;
		struct blob *n = realloc(w->blobs, c * sizeof(*n));
		if (!n)
			return 0;
		w->blobs = n;
		w->capblobs = c;
	}
	w->blobs[w->nblobs++] = b;
	w->table[j] = w->nblobs;
	return w->nblobs;
}

/* The stored size of a header's data (§4.4), or -1 with the diagnostic set. */
static int64_t blob_size(struct writer *w, const struct igvm_header *h)
{
	switch (h->type) {
	case IGVM_VHT_PAGE_DATA:
		if (h->data_len > IGVM_PAGE_SIZE)
			return wfail(w, IGVM_RULE_WRITE_DATA_TOO_LONG, h,
				     "page data at 0x%llx is %u bytes; at most 4096 can be stored",
				     (unsigned long long)h->body.page.gpa, h->data_len);
		return IGVM_PAGE_SIZE;
	case IGVM_VHT_PARAMETER_AREA:
		if (!h->data_len)
			return 0; /* starts as zeros: no blob, whatever the area's size */
		if (h->data_len > h->body.param_area.number_of_bytes)
			return wfail(w, IGVM_RULE_WRITE_DATA_TOO_LONG, h,
				     "parameter area %u: %u bytes of data for a 0x%llx-byte area",
				     h->body.param_area.parameter_area_index, h->data_len,
				     (unsigned long long)h->body.param_area.number_of_bytes);
		if (h->body.param_area.number_of_bytes > UINT32_MAX)
			return wfail(w, IGVM_RULE_WRITE_TOO_LARGE, h, "parameter area initial data over 4 GiB");
		return (int64_t)h->body.param_area.number_of_bytes;
	case IGVM_VHT_VP_CONTEXT: {
		int plat = igvm_platform_for_mask(w->f, h->body.vp.compatibility_mask);
		if (!h->data_len)
			return wfail(w, IGVM_RULE_WRITE_UNSUPPORTED, h, "a VP context needs its context data");
		if (plat == IGVM_PLATFORM_VSM_ISOLATION)
			return h->data_len;
		if (h->data_len > IGVM_PAGE_SIZE)
			return wfail(w, IGVM_RULE_WRITE_DATA_TOO_LONG, h, "VP context data is %u bytes; at most 4096",
				     h->data_len);
		return IGVM_PAGE_SIZE;
	}
	case IGVM_VHT_CORIM_DOCUMENT:
	case IGVM_VHT_CORIM_SIGNATURE:
		return h->data_len;
	default:
		if (h->data_len)
			return wfail(w, IGVM_RULE_WRITE_UNSUPPORTED, h, "%s headers carry no file data",
				     igvm_type_name(h->type) ? igvm_type_name(h->type) : "unknown");
		return 0;
	}
}

/* Copies the body with its file offset replaced by the blob's. */
static void patch_body(const struct igvm_header *h, uint8_t *body, uint32_t offset)
{
	size_t at;
	switch (h->type) {
	case IGVM_VHT_PAGE_DATA:
		at = offsetof(struct igvm_vhs_page_data, file_offset);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		at = offsetof(struct igvm_vhs_parameter_area, file_offset);
		break;
	case IGVM_VHT_VP_CONTEXT:
		at = offsetof(struct igvm_vhs_vp_context, file_offset);
		break;
	case IGVM_VHT_CORIM_DOCUMENT:
	case IGVM_VHT_CORIM_SIGNATURE: {
		at = offsetof(struct igvm_vhs_corim_data, file_offset);
		uint32_t size = h->data_len;
		memcpy(body + offsetof(struct igvm_vhs_corim_data, size_bytes), &size, 4);
		break;
	}
	default:
		return;
	}
	memcpy(body + at, &offset, 4);
}

static int emit(struct writer *w, struct ib_buf *b)
{
	const struct igvm_file *f = w->f;
	uint32_t fixed = f->format_version == 2 ? sizeof(struct igvm_fixed_header_v2) : sizeof(struct igvm_fixed_header);

	/* Variable-header section size. */
	uint64_t vhs = 0;
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		uint64_t len = h->known ? (uint64_t)igvm_type_length(h->type) : h->length;
		if (h->known && igvm_type_length(h->type) < 0)
			return wfail(w, IGVM_RULE_WRITE_UNSUPPORTED, h, "unknown header type 0x%x", h->type);
		if (!h->known && !h->raw && h->length)
			return wfail(w, IGVM_RULE_WRITE_UNSUPPORTED, h, "opaque header 0x%x has no body", h->type);
		vhs += 8 + ((len + 7) & ~7ull);
	}
	uint64_t data_start = fixed + vhs;
	if (data_start > UINT32_MAX)
		return wfail(w, IGVM_RULE_WRITE_TOO_LARGE, NULL, "variable headers of %llu bytes do not fit in u32",
			     (unsigned long long)vhs);

	/* Place blobs in order of first reference, identical ones once. */
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (!h->known)
			continue;
		int64_t size = blob_size(w, h);
		if (size < 0)
			return -1;
		if (!h->data_len || !size)
			continue;
		size_t idx = intern_blob(w, h->data, h->data_len, (uint32_t)size);
		if (!idx)
			return wfail(w, IGVM_RULE_NO_MEMORY, h, "out of memory");
		w->hdr_blob[i] = (uint32_t)idx;
	}
	uint64_t pos = data_start;
	for (size_t i = 0; i < w->nblobs; i++) {
		w->blobs[i].offset = (uint32_t)pos;
		pos += w->blobs[i].size;
		if (pos > UINT32_MAX)
			return wfail(w, IGVM_RULE_WRITE_TOO_LARGE, NULL, "the file would be larger than 4 GiB");
	}
	/* The reference parser rejects an empty data section: keep one aligned word. */
	uint64_t total = pos == data_start ? pos + IGVM_RECORD_ALIGN : pos;
	if (total > UINT32_MAX)
		return wfail(w, IGVM_RULE_WRITE_TOO_LARGE, NULL, "the file would be larger than 4 GiB");

	if (!ib_buf_reserve(b, (size_t)total))
		return wfail(w, IGVM_RULE_NO_MEMORY, NULL, "out of memory for a %llu-byte file",
			     (unsigned long long)total);

	struct igvm_fixed_header_v2 fh;
	memset(&fh, 0, sizeof(fh));
	fh.v1.magic = IGVM_MAGIC;
	fh.v1.format_version = f->format_version;
	fh.v1.variable_header_offset = fixed;
	fh.v1.variable_header_size = (uint32_t)vhs;
	fh.v1.total_file_size = (uint32_t)total;
	fh.architecture = f->architecture;
	fh.page_size = IGVM_PAGE_SIZE;
	ib_buf_append(b, &fh, fixed);

	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		uint8_t body[sizeof(struct igvm_vhs_vbs_measurement)];
		uint32_t len = h->known ? (uint32_t)igvm_type_length(h->type) : h->length;
		struct igvm_var_header vh = { h->type | (h->optional ? IGVM_OPTIONAL_BIT : 0), len };
		ib_buf_append(b, &vh, sizeof(vh));
		if (!h->known || len > sizeof(h->body)) {
			ib_buf_append(b, h->raw, len);
		} else {
			memcpy(body, &h->body, len);
			patch_body(h, body, w->hdr_blob[i] ? w->blobs[w->hdr_blob[i] - 1].offset : 0);
			ib_buf_append(b, body, len);
		}
		ib_buf_align(b, IGVM_RECORD_ALIGN);
	}
	for (size_t i = 0; i < w->nblobs; i++) {
		ib_buf_append(b, w->blobs[i].data, w->blobs[i].data_len);
		ib_buf_append_zero(b, w->blobs[i].size - w->blobs[i].data_len);
	}
	if (b->len < total)
		ib_buf_append_zero(b, (size_t)total - b->len);
	if (b->oom)
		return wfail(w, IGVM_RULE_NO_MEMORY, NULL, "out of memory");

	uLong crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, b->p, fixed);
	crc = crc32(crc, b->p + fixed, (uInt)vhs);
	uint32_t c32 = (uint32_t)crc;
	memcpy(b->p + offsetof(struct igvm_fixed_header, checksum), &c32, 4);
	return 0;
}

int igvm_write(const struct igvm_file *f, struct ib_buf *out, struct igvm_diag *diag)
{
	struct igvm_diag scratch;
	struct writer w = { .f = f, .diag = diag ? diag : &scratch };
	memset(w.diag, 0, sizeof(*w.diag));

	if (f->format_version != 1 && f->format_version != 2)
		return wfail(&w, IGVM_RULE_FORMAT_VERSION, NULL, "format version %u", f->format_version);
	if (f->format_version == 1 && f->architecture != IGVM_ARCH_X64)
		return wfail(&w, IGVM_RULE_ARCHITECTURE, NULL, "a v1 file is always x64");

	w.hdr_blob = calloc(f->count ? f->count : 1, sizeof(*w.hdr_blob));
	if (!w.hdr_blob)
		return wfail(&w, IGVM_RULE_NO_MEMORY, NULL, "out of memory");

	struct ib_buf b = IB_BUF_INIT;
	int r = emit(&w, &b);
	free(w.blobs);
	free(w.table);
	free(w.hdr_blob);
	if (r) {
		ib_buf_free(&b);
		return -1;
	}

	/* Refuse to hand out a file the reference parser would reject. */
	unsigned flags = 0;
	for (size_t i = 0; i < f->count; i++) {
		if (!f->hdr[i].known || f->hdr[i].optional)
			flags |= IGVM_PARSE_SKIP_OPTIONAL;
		if (f->hdr[i].type == IGVM_VHT_CORIM_DOCUMENT || f->hdr[i].type == IGVM_VHT_CORIM_SIGNATURE)
			flags |= IGVM_PARSE_CORIM;
	}
	struct igvm_file check;
	if (igvm_parse(b.p, b.len, flags, &check, w.diag)) {
		ib_buf_free(&b);
		return -1;
	}
	igvm_file_free(&check);

	bool ok = ib_buf_append(out, b.p, b.len);
	ib_buf_free(&b);
	if (!ok)
		return wfail(&w, IGVM_RULE_NO_MEMORY, NULL, "out of memory");
	return 0;
}
