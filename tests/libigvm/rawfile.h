/* SPDX-License-Identifier: MIT */
/*
 * rawfile.h — hand-assembled IGVM files for negative tests: records are
 * appended as given (any type, any length), so files that the project's
 * writer would refuse to produce can be built. Data blobs are placed after
 * the headers and their absolute offsets patched into the records.
 *
 * A thin layer over the raw assembler of tests/tools/rawfile.h (rb_*), in
 * the record-with-data form these tests use. Header-only and independent of
 * every IGVM header, so any test can use it.
 */
#ifndef LIBIGVM_TEST_RAWFILE_H
#define LIBIGVM_TEST_RAWFILE_H

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "../../common/buf.h"
#include "../tools/rawfile.h"

struct rawfile {
	struct rb rb;
	uint32_t page_size; /* written to a v2 header; tests may change it */
};

static inline void raw_init(struct rawfile *r, uint32_t version, uint32_t arch)
{
	rb_init(&r->rb, version, arch);
	r->page_size = r->rb.page_size;
}

/* Appends a record; if data is given, its absolute offset goes to body offset data_field. */
static inline void raw_rec(struct rawfile *r, uint32_t type, const void *body, uint32_t len, const void *data,
			   uint32_t data_len, uint32_t data_field)
{
	uint32_t rel = data ? rb_blob(&r->rb, data, data_len, data_len) : 0;
	rb_rec(&r->rb, type, body, len, data ? (int)data_field : -1, rel);
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
	if (r->rb.data.len == 0)
		ib_buf_append_zero(&r->rb.data, 8); /* the reference rejects an empty data section */
	out->len = 0;
	r->rb.page_size = r->page_size;
	rb_finish(&r->rb, out);
	rb_free(&r->rb);
}

#endif /* LIBIGVM_TEST_RAWFILE_H */
