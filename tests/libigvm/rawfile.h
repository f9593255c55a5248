/* SPDX-License-Identifier: MIT */
/*
 * rawfile.h — hand-assembled IGVM files for negative tests: records are
 * appended as given (any type, any length), so files that the project's
 * writer would refuse to produce can be built. Data blobs are placed after
 * the headers and their absolute offsets patched into the records.
 *
 * Header-only and independent of every IGVM header, so any test can use it.
 */
#ifndef LIBIGVM_TEST_RAWFILE_H
#define LIBIGVM_TEST_RAWFILE_H

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "../../common/buf.h"

struct rawfile {
	struct ib_buf vh;   /* variable headers */
	struct ib_buf data; /* file data, offsets relative to its start */
	struct { size_t at; uint32_t rel; } patch[32];
	unsigned npatch;
	uint32_t version, arch, page_size;
};

static inline void raw_init(struct rawfile *r, uint32_t version, uint32_t arch)
{
	memset(r, 0, sizeof(*r));
	r->version = version;
	r->arch = arch;
	r->page_size = 4096;
}

/* Appends a record; if data is given, its absolute offset goes to body offset data_field. */
static inline void raw_rec(struct rawfile *r, uint32_t type, const void *body, uint32_t len, const void *data,
			   uint32_t data_len, uint32_t data_field)
{
	ib_buf_append_u32(&r->vh, type);
	ib_buf_append_u32(&r->vh, len);
	if (data && r->npatch < sizeof(r->patch) / sizeof(r->patch[0])) {
		r->patch[r->npatch].at = r->vh.len + data_field;
		r->patch[r->npatch].rel = (uint32_t)r->data.len;
		r->npatch++;
		ib_buf_append(&r->data, data, data_len);
	}
	ib_buf_append(&r->vh, body, len);
	ib_buf_align(&r->vh, 8);
}

/* The CRC the format wants: fixed header with checksum 0, then the variable headers. */
static inline void raw_fix_crc(uint8_t *file, uint32_t fixed, uint32_t vho, uint32_t vhs)
{
	memset(file + 0x14, 0, 4);
	uLong c = crc32(0L, Z_NULL, 0);
	c = crc32(c, file, fixed);
	c = crc32(c, file + vho, vhs);
	uint32_t c32 = (uint32_t)c;
	memcpy(file + 0x14, &c32, 4);
}

/* The finished file into out (which is reset); consumes r. */
static inline void raw_finish(struct rawfile *r, struct ib_buf *out)
{
	uint32_t fixed = r->version == 2 ? 32 : 24;
	uint32_t start = fixed + (uint32_t)r->vh.len;
	for (unsigned i = 0; i < r->npatch; i++) {
		uint32_t abs = start + r->patch[i].rel;
		memcpy(r->vh.p + r->patch[i].at, &abs, 4);
	}
	if (r->data.len == 0)
		ib_buf_append_zero(&r->data, 8); /* the reference rejects an empty data section */
	uint32_t total = start + (uint32_t)r->data.len;
	uint32_t fh[8] = { 0x4D564749, r->version, fixed, (uint32_t)r->vh.len, total, 0, r->arch, r->page_size };
	out->len = 0;
	ib_buf_append(out, fh, fixed);
	ib_buf_append(out, r->vh.p, r->vh.len);
	ib_buf_append(out, r->data.p, r->data.len);
	raw_fix_crc(out->p, fixed, fixed, (uint32_t)r->vh.len);
	ib_buf_free(&r->vh);
	ib_buf_free(&r->data);
}

#endif /* LIBIGVM_TEST_RAWFILE_H */
