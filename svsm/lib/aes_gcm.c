/* SPDX-License-Identifier: MIT */
/* aes_gcm.c — see aes_gcm.h. Written from FIPS 197 and NIST SP 800-38D. */
#include "aes_gcm.h"

#include "string.h"

#define LANES_01 0x0101010101010101ull
#define LANES_7F 0x7F7F7F7F7F7F7F7Full

/* ---- GF(2^8), eight elements per 64-bit word --------------------------------------------------- */

static uint64_t gf8_xtime(uint64_t a)
{
	/* x * a mod x^8 + x^4 + x^3 + x + 1 in every byte, with the reduction as a mask, not a branch. */
	return ((a & LANES_7F) << 1) ^ (((a >> 7) & LANES_01) * 0x1B);
}

static uint64_t gf8_mul(uint64_t a, uint64_t b)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < 8; i++) {
		r ^= a & (((b >> i) & LANES_01) * 0xFF);
		a = gf8_xtime(a);
	}
	return r;
}

/* x^254, which is x^-1 for x != 0 and 0 for 0, exactly what the S-box needs. */
static uint64_t gf8_inv(uint64_t x)
{
	uint64_t x2 = gf8_mul(x, x);
	uint64_t x3 = gf8_mul(x2, x);
	uint64_t x12 = gf8_mul(x3, x3);
	x12 = gf8_mul(x12, x12);
	uint64_t t = gf8_mul(x12, x3); /* x^15 */
	uint64_t x14 = gf8_mul(x12, x2);
	for (unsigned i = 0; i < 4; i++)
		t = gf8_mul(t, t); /* x^240 */
	return gf8_mul(t, x14);
}

static uint64_t rotl8(uint64_t x, unsigned k)
{
	uint64_t lo = LANES_01 * ((1u << k) - 1);
	return ((x << k) & ~lo) | ((x >> (8 - k)) & lo);
}

static uint64_t sbox8(uint64_t x)
{
	uint64_t b = gf8_inv(x);
	return b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ (LANES_01 * 0x63);
}

/* ---- AES-256 ------------------------------------------------------------------------------------- */

static uint32_t ld32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void st32le(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t ld64be(const uint8_t *p)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static void st64be(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint32_t ror32(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

void aes256_init(struct aes256 *a, const uint8_t key[AES256_KEY_SIZE])
{
	uint32_t *w = a->rk;
	for (unsigned i = 0; i < 8; i++)
		w[i] = ld32le(key + 4 * i);
	uint32_t rcon = 1; /* public: depends on the round only */
	for (unsigned i = 8; i < 60; i++) {
		uint32_t t = w[i - 1];
		if (i % 8 == 0) {
			t = (uint32_t)sbox8(ror32(t, 8)) ^ rcon;
			rcon = (rcon << 1) ^ ((rcon >> 7) * 0x1B);
		} else if (i % 8 == 4) {
			t = (uint32_t)sbox8(t);
		}
		w[i] = w[i - 8] ^ t;
	}
}

/* The state is four column words; byte r of a word is row r (little-endian), as in the input. */
static void sub_bytes(uint32_t s[4])
{
	uint64_t a = sbox8((uint64_t)s[0] | (uint64_t)s[1] << 32);
	uint64_t b = sbox8((uint64_t)s[2] | (uint64_t)s[3] << 32);
	s[0] = (uint32_t)a;
	s[1] = (uint32_t)(a >> 32);
	s[2] = (uint32_t)b;
	s[3] = (uint32_t)(b >> 32);
}

static void shift_rows(uint32_t s[4])
{
	uint32_t t[4];
	for (unsigned c = 0; c < 4; c++)
		t[c] = (s[c] & 0x000000FFu) | (s[(c + 1) & 3] & 0x0000FF00u) | (s[(c + 2) & 3] & 0x00FF0000u) |
		       (s[(c + 3) & 3] & 0xFF000000u);
	for (unsigned c = 0; c < 4; c++)
		s[c] = t[c];
}

static uint32_t mix_column(uint32_t w)
{
	/* Row r becomes 2*a[r] ^ 3*a[r+1] ^ a[r+2] ^ a[r+3]; rotating right by 8 brings row r+1 to r. */
	uint32_t x2 = ((w & 0x7F7F7F7Fu) << 1) ^ (((w >> 7) & 0x01010101u) * 0x1B);
	return x2 ^ ror32(x2 ^ w, 8) ^ ror32(w, 16) ^ ror32(w, 24);
}

void aes256_encrypt_block(const struct aes256 *a, const uint8_t in[AES_BLOCK_SIZE], uint8_t out[AES_BLOCK_SIZE])
{
	uint32_t s[4];
	for (unsigned c = 0; c < 4; c++)
		s[c] = ld32le(in + 4 * c) ^ a->rk[c];
	for (unsigned r = 1; r <= 14; r++) {
		sub_bytes(s);
		shift_rows(s);
		for (unsigned c = 0; c < 4; c++)
			s[c] = (r < 14 ? mix_column(s[c]) : s[c]) ^ a->rk[4 * r + c];
	}
	for (unsigned c = 0; c < 4; c++)
		st32le(out + 4 * c, s[c]);
}

/* ---- GCM ----------------------------------------------------------------------------------------- */

void crypto_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n--)
		*v++ = 0;
}

int crypto_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint32_t d = 0;
	for (size_t i = 0; i < n; i++)
		d |= (uint32_t)(x[i] ^ y[i]);
	return (int)((d - 1) >> 31);
}

void aes_gcm_init(struct aes_gcm *g, const uint8_t key[AES256_KEY_SIZE])
{
	uint8_t h[AES_BLOCK_SIZE] = { 0 };
	aes256_init(&g->aes, key);
	aes256_encrypt_block(&g->aes, h, h);
	g->h_hi = ld64be(h);
	g->h_lo = ld64be(h + 8);
	crypto_wipe(h, sizeof(h));
}

void aes_gcm_wipe(struct aes_gcm *g)
{
	crypto_wipe(g, sizeof(*g));
}

/*
 * y = y * H in GF(2^128) with GCM's bit order (bit 0 = most significant bit of byte 0),
 * SP 800-38D algorithm 1, one bit per step; every step does the same work whatever the bits.
 */
static void ghash_mul(uint64_t y[2], uint64_t hh, uint64_t hl)
{
	uint64_t zh = 0, zl = 0, vh = hh, vl = hl;
	for (unsigned w = 0; w < 2; w++) {
		uint64_t x = y[w];
		for (int i = 63; i >= 0; i--) {
			uint64_t m = 0 - ((x >> i) & 1);
			zh ^= vh & m;
			zl ^= vl & m;
			uint64_t r = 0 - (vl & 1);
			vl = (vl >> 1) | (vh << 63);
			vh = (vh >> 1) ^ (0xE100000000000000ull & r);
		}
	}
	y[0] = zh;
	y[1] = zl;
}

/* Absorbs n bytes, the last block zero-padded (GHASH pads A and C separately). */
static void ghash_update(const struct aes_gcm *g, uint64_t y[2], const uint8_t *p, size_t n)
{
	while (n) {
		uint8_t blk[AES_BLOCK_SIZE] = { 0 };
		size_t k = n < AES_BLOCK_SIZE ? n : AES_BLOCK_SIZE;
		memcpy(blk, p, k);
		y[0] ^= ld64be(blk);
		y[1] ^= ld64be(blk + 8);
		ghash_mul(y, g->h_hi, g->h_lo);
		p += k;
		n -= k;
	}
}

static void ghash_lengths(const struct aes_gcm *g, uint64_t y[2], uint64_t a_bytes, uint64_t c_bytes)
{
	y[0] ^= a_bytes * 8;
	y[1] ^= c_bytes * 8;
	ghash_mul(y, g->h_hi, g->h_lo);
}

static void gcm_j0(const struct aes_gcm *g, const uint8_t *iv, size_t iv_len, uint8_t j0[AES_BLOCK_SIZE])
{
	if (iv_len == AES_GCM_IV_SIZE) {
		memcpy(j0, iv, AES_GCM_IV_SIZE);
		j0[12] = j0[13] = j0[14] = 0;
		j0[15] = 1;
		return;
	}
	uint64_t y[2] = { 0, 0 };
	ghash_update(g, y, iv, iv_len);
	ghash_lengths(g, y, 0, iv_len);
	st64be(j0, y[0]);
	st64be(j0 + 8, y[1]);
}

/* CTR mode from inc32(J0); byte i is read before out[i] is written, so in == out works. */
static void gctr(const struct aes_gcm *g, const uint8_t j0[AES_BLOCK_SIZE], const uint8_t *in, size_t n, uint8_t *out)
{
	uint8_t ctr[AES_BLOCK_SIZE], ks[AES_BLOCK_SIZE];
	memcpy(ctr, j0, AES_BLOCK_SIZE);
	uint32_t c = (uint32_t)ctr[12] << 24 | (uint32_t)ctr[13] << 16 | (uint32_t)ctr[14] << 8 | ctr[15];
	while (n) {
		c++;
		for (unsigned i = 0; i < 4; i++)
			ctr[12 + i] = (uint8_t)(c >> (24 - 8 * i));
		aes256_encrypt_block(&g->aes, ctr, ks);
		size_t k = n < AES_BLOCK_SIZE ? n : AES_BLOCK_SIZE;
		for (size_t i = 0; i < k; i++)
			out[i] = in[i] ^ ks[i];
		in += k;
		out += k;
		n -= k;
	}
	crypto_wipe(ks, sizeof(ks));
}

static void gcm_tag(const struct aes_gcm *g, const uint8_t j0[AES_BLOCK_SIZE], const uint8_t *aad, size_t aad_len,
		    const uint8_t *ct, size_t len, uint8_t tag[AES_GCM_TAG_SIZE])
{
	uint64_t y[2] = { 0, 0 };
	ghash_update(g, y, aad, aad_len);
	ghash_update(g, y, ct, len);
	ghash_lengths(g, y, aad_len, len);
	uint8_t ek[AES_BLOCK_SIZE];
	aes256_encrypt_block(&g->aes, j0, ek);
	st64be(tag, y[0]);
	st64be(tag + 8, y[1]);
	for (unsigned i = 0; i < AES_GCM_TAG_SIZE; i++)
		tag[i] ^= ek[i];
	crypto_wipe(ek, sizeof(ek));
}

static int gcm_args_ok(size_t iv_len, size_t aad_len, size_t len)
{
	/* SP 800-38D 5.2.1.1: P ≤ 2^39 - 256 bits; A and IV below 2^64 bits. */
	return iv_len != 0 && (uint64_t)iv_len < (1ull << 61) && (uint64_t)aad_len < (1ull << 61) &&
	       (uint64_t)len <= (1ull << 36) - 32;
}

int aes_gcm_encrypt(const struct aes_gcm *g, const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
		    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[AES_GCM_TAG_SIZE])
{
	if (!gcm_args_ok(iv_len, aad_len, len))
		return AES_GCM_EINVAL;
	uint8_t j0[AES_BLOCK_SIZE];
	gcm_j0(g, iv, iv_len, j0);
	gctr(g, j0, in, len, out);
	gcm_tag(g, j0, aad, aad_len, out, len, tag);
	return AES_GCM_OK;
}

int aes_gcm_decrypt(const struct aes_gcm *g, const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
		    const uint8_t *in, size_t len, const uint8_t tag[AES_GCM_TAG_SIZE], uint8_t *out)
{
	if (!gcm_args_ok(iv_len, aad_len, len))
		return AES_GCM_EINVAL;
	uint8_t j0[AES_BLOCK_SIZE], want[AES_GCM_TAG_SIZE];
	gcm_j0(g, iv, iv_len, j0);
	gcm_tag(g, j0, aad, aad_len, in, len, want);
	int same = crypto_equal(want, tag, AES_GCM_TAG_SIZE);
	crypto_wipe(want, sizeof(want));
	if (!same) {
		if (len)
			memset(out, 0, len);
		return AES_GCM_EAUTH;
	}
	gctr(g, j0, in, len, out);
	return AES_GCM_OK;
}
