/* SPDX-License-Identifier: MIT */
/*
 * rawfile.h — byte-level helpers for tests: an independent CRC-32, a TLV walker,
 * field patching with checksum repair, and a raw file assembler.
 *
 * None of this uses the format library's reader or writer, so tests can build
 * and corrupt files without trusting the code under test. Header-only (every
 * function static) because each test program is linked from one .c file.
 *
 * Layout facts (spec §1, §2, §4): fixed header 24 bytes (v1) or 32 (v2);
 * checksum at 0x14 = CRC-32/ISO-HDLC over the fixed header with the checksum
 * field zeroed followed by the variable-header section; records are an 8-byte
 * {type, length} header, the body, and zero padding to 8.
 */
#ifndef IGVMBUILD_TESTS_RAWFILE_H
#define IGVMBUILD_TESTS_RAWFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"

/* ---- little-endian access ------------------------------------------------- */

__attribute__((unused)) static uint32_t rf_rd32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;
}

__attribute__((unused)) static uint64_t rf_rd64(const uint8_t *b, size_t off)
{
	return (uint64_t)rf_rd32(b, off) | (uint64_t)rf_rd32(b, off + 4) << 32;
}

__attribute__((unused)) static void rf_wr8(uint8_t *b, size_t off, uint8_t v) { b[off] = v; }

__attribute__((unused)) static void rf_wr16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
}

__attribute__((unused)) static void rf_wr32(uint8_t *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

__attribute__((unused)) static void rf_wr64(uint8_t *b, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* ---- CRC-32 (IEEE, reflected polynomial 0xEDB88320, init and final XOR all-ones) ---- */

__attribute__((unused)) static uint32_t rf_crc32_update(uint32_t crc, const void *data, size_t n)
{
	static uint32_t table[256];
	static bool ready;
	if (!ready) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
			table[i] = c;
		}
		ready = true;
	}
	const uint8_t *p = data;
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xFF];
	return ~crc;
}

__attribute__((unused)) static uint32_t rf_crc32(const void *data, size_t n) { return rf_crc32_update(0, data, n); }

/* Fixed-header size implied by the version field (24 for anything but 2). */
__attribute__((unused)) static size_t rf_fixed_size(const uint8_t *b, size_t len)
{
	return len >= 8 && rf_rd32(b, 4) == 2 ? 32 : 24;
}

/*
 * The checksum the header fields of `b` call for, computed from the fields as
 * they are (variable_header_offset/size), clamped to the buffer so a test can
 * call it on corrupted files. Returns false when the ranges are out of bounds.
 */
__attribute__((unused)) static bool rf_header_crc(const uint8_t *b, size_t len, uint32_t *out)
{
	size_t fixed = rf_fixed_size(b, len);
	if (len < fixed)
		return false;
	uint8_t hdr[32];
	memcpy(hdr, b, fixed);
	rf_wr32(hdr, 0x14, 0);
	uint64_t vho = rf_rd32(b, 8), vhs = rf_rd32(b, 12);
	if (vho > len || vhs > len - vho)
		return false;
	uint32_t c = rf_crc32(hdr, fixed);
	*out = rf_crc32_update(c, b + vho, (size_t)vhs);
	return true;
}

/* Rewrites the checksum to match the (possibly modified) headers. */
__attribute__((unused)) static bool rf_fix_crc(uint8_t *b, size_t len)
{
	uint32_t c;
	if (!rf_header_crc(b, len, &c))
		return false;
	rf_wr32(b, 0x14, c);
	return true;
}

/* ---- TLV walking --------------------------------------------------------------- */

struct rf_rec {
	uint32_t off;    /* file offset of the record's TLV header */
	uint32_t type;
	uint32_t length;
	uint32_t body;   /* file offset of the body */
};

/* Walks the records of a well-formed file; returns how many were stored (at most max). */
__attribute__((unused)) static size_t rf_records(const uint8_t *b, size_t len, struct rf_rec *out, size_t max)
{
	if (len < 24)
		return 0;
	uint64_t off = rf_rd32(b, 8), end = off + rf_rd32(b, 12);
	if (end > len)
		end = len;
	size_t n = 0;
	while (off + 8 <= end && n < max) {
		struct rf_rec r = { (uint32_t)off, rf_rd32(b, off), rf_rd32(b, off + 4), (uint32_t)off + 8 };
		out[n++] = r;
		off += 8 + (((uint64_t)r.length + 7) & ~7ull);
	}
	return n;
}

/* The nth (0-based) record of `type`, or false. */
__attribute__((unused)) static bool rf_find(const uint8_t *b, size_t len, uint32_t type, unsigned nth, struct rf_rec *rec)
{
	struct rf_rec recs[512];
	size_t n = rf_records(b, len, recs, sizeof(recs) / sizeof(recs[0]));
	for (size_t i = 0; i < n; i++) {
		if (recs[i].type == type && nth-- == 0) {
			*rec = recs[i];
			return true;
		}
	}
	return false;
}

/* ---- a raw assembler: builds any file, valid or not, without the writer ------------ */

#define RB_MAX_FIXUPS 64

struct rb {
	uint32_t version, arch, page_size;
	struct ib_buf vh;    /* the variable-header section */
	struct ib_buf data;  /* the file-data section */
	struct {
		size_t at;       /* offset inside vh of a u32 to set to data_start + rel */
		uint32_t rel;
	} fix[RB_MAX_FIXUPS];
	size_t nfix;
};

__attribute__((unused)) static void rb_init(struct rb *r, uint32_t version, uint32_t arch)
{
	memset(r, 0, sizeof(*r));
	r->version = version;
	r->arch = arch;
	r->page_size = 4096;
}

__attribute__((unused)) static void rb_free(struct rb *r)
{
	ib_buf_free(&r->vh);
	ib_buf_free(&r->data);
}

/* Appends a blob to the data section; returns its offset inside the section. */
__attribute__((unused)) static uint32_t rb_blob(struct rb *r, const void *data, size_t n, size_t padded)
{
	uint32_t at = (uint32_t)r->data.len;
	ib_buf_append(&r->data, data, n);
	if (padded > n)
		ib_buf_append_zero(&r->data, padded - n);
	return at;
}

/*
 * Appends a record {type, len} + body + zero padding. When data_field >= 0,
 * the u32 at that body offset is set, at finish time, to the absolute offset
 * of data-section byte `data_rel`. Returns the record's offset in the section.
 */
__attribute__((unused)) static size_t rb_rec(struct rb *r, uint32_t type, const void *body, uint32_t len,
					     int data_field, uint32_t data_rel)
{
	size_t at = r->vh.len;
	ib_buf_append_u32(&r->vh, type);
	ib_buf_append_u32(&r->vh, len);
	ib_buf_append(&r->vh, body, len);
	ib_buf_align(&r->vh, 8);
	if (data_field >= 0 && r->nfix < RB_MAX_FIXUPS) {
		r->fix[r->nfix].at = at + 8 + (size_t)data_field;
		r->fix[r->nfix].rel = data_rel;
		r->nfix++;
	}
	return at;
}

/* Produces the file (fixed header, sections, total size, CRC) into out (appended). */
__attribute__((unused)) static bool rb_finish(struct rb *r, struct ib_buf *out)
{
	size_t fixed = r->version == 2 ? 32 : 24;
	size_t start = out->len;
	uint32_t data_start = (uint32_t)(fixed + r->vh.len);
	for (size_t i = 0; i < r->nfix; i++)
		rf_wr32(r->vh.p, r->fix[i].at, data_start + r->fix[i].rel);
	uint8_t h[32] = { 0 };
	rf_wr32(h, 0, 0x4D564749u);
	rf_wr32(h, 4, r->version);
	rf_wr32(h, 8, (uint32_t)fixed);
	rf_wr32(h, 12, (uint32_t)r->vh.len);
	rf_wr32(h, 16, (uint32_t)(fixed + r->vh.len + r->data.len));
	rf_wr32(h, 0x18, r->arch);
	rf_wr32(h, 0x1C, r->page_size);
	ib_buf_append(out, h, fixed);
	ib_buf_append(out, r->vh.p, r->vh.len);
	ib_buf_append(out, r->data.p, r->data.len);
	if (out->oom || r->vh.oom || r->data.oom)
		return false;
	return rf_fix_crc(out->p + start, out->len - start);
}

#endif /* IGVMBUILD_TESTS_RAWFILE_H */
