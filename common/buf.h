/* SPDX-License-Identifier: MIT */
/*
 * buf.h — bounds-checked reading of untrusted bytes, and a growable output buffer.
 *
 * struct ib_cursor is the only way parsers look at input bytes (OpenSSH's sshbuf
 * idea): every getter checks the remaining length first and returns false
 * instead of reading past the end, and the cursor never moves on failure.
 *
 * struct ib_buf is an append-only byte buffer. An allocation failure is sticky:
 * the buffer records it and later appends do nothing, so a writer can append a
 * whole file and check `oom` once at the end.
 */
#ifndef IB_BUF_H
#define IB_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ib_cursor {
	const uint8_t *base;
	size_t len;
	size_t off;
};

static inline struct ib_cursor ib_cursor_make(const void *p, size_t len)
{
	struct ib_cursor c = { (const uint8_t *)p, len, 0 };
	return c;
}

static inline size_t ib_cursor_left(const struct ib_cursor *c) { return c->len - c->off; }

bool ib_cursor_skip(struct ib_cursor *c, size_t n);
bool ib_cursor_get_bytes(struct ib_cursor *c, void *dst, size_t n);
/* Points *p at the next n bytes without copying. */
bool ib_cursor_view(struct ib_cursor *c, const uint8_t **p, size_t n);
bool ib_cursor_get_u8(struct ib_cursor *c, uint8_t *v);
bool ib_cursor_get_u16(struct ib_cursor *c, uint16_t *v);
bool ib_cursor_get_u32(struct ib_cursor *c, uint32_t *v);
bool ib_cursor_get_u64(struct ib_cursor *c, uint64_t *v);

/* True when [off, off+n) lies inside [0, total), without overflow. */
static inline bool ib_range_ok(uint64_t off, uint64_t n, uint64_t total)
{
	return off <= total && n <= total - off;
}

struct ib_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool oom;
};

#define IB_BUF_INIT { NULL, 0, 0, false }

bool ib_buf_reserve(struct ib_buf *b, size_t extra);
bool ib_buf_append(struct ib_buf *b, const void *data, size_t n);
bool ib_buf_append_zero(struct ib_buf *b, size_t n);
bool ib_buf_append_u32(struct ib_buf *b, uint32_t v);
/* Pads with zero bytes until len is a multiple of align (a power of two). */
bool ib_buf_align(struct ib_buf *b, size_t align);
void ib_buf_free(struct ib_buf *b);

#endif
