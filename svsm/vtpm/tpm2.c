/* SPDX-License-Identifier: MIT */
/* tpm2.c — see tpm2.h. */
#include "tpm2.h"

void *memcpy(void *dst, const void *src, size_t n);

void tpm2_w_init(struct tpm2_w *w, uint8_t *buf, uint32_t cap)
{
	w->b = buf;
	w->cap = cap;
	w->len = 0;
	w->bad = false;
	w->auth_at = w->param_at = 0;
}

void tpm2_w_bytes(struct tpm2_w *w, const void *p, uint32_t n)
{
	if (w->bad || n > w->cap - w->len) {
		w->bad = true;
		return;
	}
	if (n)
		memcpy(w->b + w->len, p, n);
	w->len += n;
}

void tpm2_w_u8(struct tpm2_w *w, uint8_t v)
{
	tpm2_w_bytes(w, &v, 1);
}

void tpm2_w_u16(struct tpm2_w *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	tpm2_w_bytes(w, b, 2);
}

void tpm2_w_u32(struct tpm2_w *w, uint32_t v)
{
	uint8_t b[4];
	tpm2_put_be32(b, v);
	tpm2_w_bytes(w, b, 4);
}

void tpm2_w_u64(struct tpm2_w *w, uint64_t v)
{
	tpm2_w_u32(w, (uint32_t)(v >> 32));
	tpm2_w_u32(w, (uint32_t)v);
}

void tpm2_w_b2(struct tpm2_w *w, const void *p, uint16_t n)
{
	tpm2_w_u16(w, n);
	tpm2_w_bytes(w, p, n);
}

void tpm2_w_cmd(struct tpm2_w *w, uint16_t tag, uint32_t cc)
{
	tpm2_w_u16(w, tag);
	tpm2_w_u32(w, 0); /* commandSize, patched by tpm2_w_done */
	tpm2_w_u32(w, cc);
}

void tpm2_w_pw_session(struct tpm2_w *w)
{
	tpm2_w_u32(w, 9);         /* authorizationSize */
	tpm2_w_u32(w, TPM_RS_PW); /* sessionHandle */
	tpm2_w_u16(w, 0);         /* nonce */
	tpm2_w_u8(w, 0);          /* sessionAttributes */
	tpm2_w_u16(w, 0);         /* hmac: the empty password */
}

uint32_t tpm2_w_done(struct tpm2_w *w)
{
	if (w->bad || w->len < 10)
		return 0;
	tpm2_put_be32(w->b + 2, w->len);
	return w->len;
}

void tpm2_w_pcr_sel(struct tpm2_w *w, uint16_t hash, bool all)
{
	tpm2_w_u32(w, 1);
	tpm2_w_u16(w, hash);
	tpm2_w_u8(w, 3);
	for (int i = 0; i < 3; i++)
		tpm2_w_u8(w, all ? 0xFF : 0);
}

void tpm2_r_init(struct tpm2_r *r, const uint8_t *buf, uint32_t len)
{
	r->b = buf;
	r->len = len;
	r->pos = 0;
	r->bad = false;
}

const uint8_t *tpm2_r_bytes(struct tpm2_r *r, uint32_t n)
{
	if (r->bad || n > r->len - r->pos) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *p = r->b + r->pos;
	r->pos += n;
	return p;
}

uint8_t tpm2_r_u8(struct tpm2_r *r)
{
	const uint8_t *p = tpm2_r_bytes(r, 1);
	return p ? p[0] : 0;
}

uint16_t tpm2_r_u16(struct tpm2_r *r)
{
	const uint8_t *p = tpm2_r_bytes(r, 2);
	return p ? tpm2_be16(p) : 0;
}

uint32_t tpm2_r_u32(struct tpm2_r *r)
{
	const uint8_t *p = tpm2_r_bytes(r, 4);
	return p ? tpm2_be32(p) : 0;
}

uint64_t tpm2_r_u64(struct tpm2_r *r)
{
	uint64_t hi = tpm2_r_u32(r);
	return hi << 32 | tpm2_r_u32(r);
}

const uint8_t *tpm2_r_b2(struct tpm2_r *r, uint16_t *n, uint16_t max)
{
	uint16_t sz = tpm2_r_u16(r);
	if (r->bad || sz > max) {
		r->bad = true;
		*n = 0;
		return NULL;
	}
	*n = sz;
	return tpm2_r_bytes(r, sz);
}

uint32_t tpm2_r_rsp(struct tpm2_r *r, const uint8_t *rsp, uint32_t len)
{
	tpm2_r_init(r, rsp, len);
	uint16_t tag = tpm2_r_u16(r);
	uint32_t size = tpm2_r_u32(r);
	uint32_t rc = tpm2_r_u32(r);
	if (r->bad || size != len || (tag != TPM_ST_NO_SESSIONS && tag != TPM_ST_SESSIONS)) {
		r->bad = true;
		return TPM_RC_FAILURE;
	}
	return rc;
}

uint16_t tpm2_hash_size(uint16_t alg)
{
	switch (alg) {
	case TPM_ALG_SHA1: return 20;
	case TPM_ALG_SHA256: return 32;
	case TPM_ALG_SM3_256: return 32;
	case TPM_ALG_SHA384: return 48;
	case TPM_ALG_SHA512: return 64;
	}
	return 0;
}
