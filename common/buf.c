/* SPDX-License-Identifier: MIT */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

bool ib_cursor_skip(struct ib_cursor *c, size_t n)
{
	if (n > ib_cursor_left(c))
		return false;
	c->off += n;
	return true;
}

bool ib_cursor_view(struct ib_cursor *c, const uint8_t **p, size_t n)
{
	if (n > ib_cursor_left(c))
		return false;
	*p = c->base + c->off;
	c->off += n;
	return true;
}

bool ib_cursor_get_bytes(struct ib_cursor *c, void *dst, size_t n)
{
	const uint8_t *p;
	if (!ib_cursor_view(c, &p, n))
		return false;
	if (n)
		memcpy(dst, p, n);
	return true;
}

bool ib_cursor_get_u8(struct ib_cursor *c, uint8_t *v) { return ib_cursor_get_bytes(c, v, 1); }
/* The host is little-endian (checked in format/igvm_defs.h), as is every format we read. */
bool ib_cursor_get_u16(struct ib_cursor *c, uint16_t *v) { return ib_cursor_get_bytes(c, v, 2); }
bool ib_cursor_get_u32(struct ib_cursor *c, uint32_t *v) { return ib_cursor_get_bytes(c, v, 4); }
bool ib_cursor_get_u64(struct ib_cursor *c, uint64_t *v) { return ib_cursor_get_bytes(c, v, 8); }

bool ib_buf_reserve(struct ib_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra <= b->cap - b->len)
		return true;
	size_t want = b->len + extra;
	if (want < b->len) {
		b->oom = true;
		return false;
	}
	size_t cap = b->cap ? b->cap : 256;
	while (cap < want) {
		if (cap > SIZE_MAX / 2) {
			cap = want;
			break;
		}
		cap *= 2;
	}
	uint8_t *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

bool ib_buf_append(struct ib_buf *b, const void *data, size_t n)
{
	if (!ib_buf_reserve(b, n))
		return false;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	return true;
}

bool ib_buf_append_zero(struct ib_buf *b, size_t n)
{
	if (!ib_buf_reserve(b, n))
		return false;
	if (n)
		memset(b->p + b->len, 0, n);
	b->len += n;
	return true;
}

bool ib_buf_append_u32(struct ib_buf *b, uint32_t v) { return ib_buf_append(b, &v, 4); }

bool ib_buf_align(struct ib_buf *b, size_t align)
{
	size_t rem = b->len & (align - 1);
	return rem ? ib_buf_append_zero(b, align - rem) : !b->oom;
}

void ib_buf_free(struct ib_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}
