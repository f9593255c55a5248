/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_aes_gcm.c — svsm/lib/aes_gcm against FIPS 197 (appendix C.3), the
 * AES-256 test cases 13–18 of the GCM specification (McGrew & Viega), and
 * OpenSSL's aes-256-gcm over a few hundred random key/IV/AAD/plaintext
 * combinations; then every single-bit change to ciphertext, tag, AAD and IV
 * must be refused with the output zeroed.
 */
#include <openssl/evp.h>
#include <stdlib.h>

#include "../unit/tap.h"

#include "../../svsm/lib/aes_gcm.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;
	for (size_t i = 0; i < n; i++) {
		char b[3] = { h[2 * i], h[2 * i + 1], 0 };
		out[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	return n;
}

/* Deterministic, so a failure can be reproduced. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

static int ossl_encrypt(const uint8_t *key, const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
			const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, ok = c && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) == 1 &&
		    EVP_EncryptInit_ex(c, NULL, NULL, key, iv) == 1;
	if (ok && aad_len)
		ok = EVP_EncryptUpdate(c, NULL, &n, aad, (int)aad_len) == 1;
	if (ok && len)
		ok = EVP_EncryptUpdate(c, ct, &n, pt, (int)len) == 1 && (size_t)n == len;
	if (ok)
		ok = EVP_EncryptFinal_ex(c, ct + len, &n) == 1 && n == 0 &&
		     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* 1 when OpenSSL accepts the tag, 0 when it refuses, -1 on an API error. */
static int ossl_decrypt(const uint8_t *key, const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
			const uint8_t *ct, size_t len, const uint8_t tag[16], uint8_t *pt)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, ok = c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) == 1 &&
		    EVP_DecryptInit_ex(c, NULL, NULL, key, iv) == 1;
	if (ok && aad_len)
		ok = EVP_DecryptUpdate(c, NULL, &n, aad, (int)aad_len) == 1;
	if (ok && len)
		ok = EVP_DecryptUpdate(c, pt, &n, ct, (int)len) == 1;
	if (ok)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) == 1;
	int r = ok ? EVP_DecryptFinal_ex(c, pt + len, &n) == 1 : -1;
	EVP_CIPHER_CTX_free(c);
	return r;
}

static void fips197(void)
{
	uint8_t key[32], pt[16], want[16], got[16];
	unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", key);
	unhex("00112233445566778899aabbccddeeff", pt);
	unhex("8ea2b7ca516745bfeafc49904b496089", want);
	struct aes256 a;
	aes256_init(&a, key);
	aes256_encrypt_block(&a, pt, got);
	is_mem(got, want, 16, "FIPS 197 C.3: AES-256 block");
	aes256_encrypt_block(&a, got, got);
	uint8_t twice[16];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0;
	EVP_EncryptInit_ex(c, EVP_aes_256_ecb(), NULL, key, NULL);
	EVP_CIPHER_CTX_set_padding(c, 0);
	EVP_EncryptUpdate(c, twice, &n, want, 16);
	EVP_CIPHER_CTX_free(c);
	is_mem(got, twice, 16, "AES-256 in place, second block agrees with OpenSSL ECB");
	/* FIPS 197 A.3: the AES-256 key expansion example ends with w[59] = 706c631e. */
	unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", key);
	aes256_init(&a, key);
	uint8_t w59[4] = { (uint8_t)a.rk[59], (uint8_t)(a.rk[59] >> 8), (uint8_t)(a.rk[59] >> 16),
			   (uint8_t)(a.rk[59] >> 24) };
	unhex("706c631e", want);
	is_mem(w59, want, 4, "FIPS 197 A.3: key expansion w[59]");
}

struct gcm_case {
	const char *name, *key, *iv, *pt, *aad, *ct, *tag;
};

static const char K0[] = "0000000000000000000000000000000000000000000000000000000000000000";
static const char KF[] = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
static const char P64[] = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
			  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
static const char P60[] = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
			  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
static const char A20[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

static const struct gcm_case cases[] = {
	{ "test case 13 (empty)", K0, "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b" },
	{ "test case 14 (one zero block)", K0, "000000000000000000000000", "00000000000000000000000000000000", "",
	  "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919" },
	{ "test case 15 (64 bytes)", KF, "cafebabefacedbaddecaf888", P64, "",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c" },
	{ "test case 16 (60 bytes, 20 bytes AAD)", KF, "cafebabefacedbaddecaf888", P60, A20,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
	{ "test case 17 (8-byte IV)", KF, "cafebabefacedbad", P60, A20,
	  "c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0"
	  "feb582d33934a4f0954cc2363bc73f7862ac430e64abe499f47c9b1f",
	  "3a337dbf46a792c45e454913fe2ea8f2" },
	{ "test case 18 (60-byte IV)", KF,
	  "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
	  "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
	  P60, A20,
	  "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf4"
	  "0fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f",
	  "a44a8266ee1c8eb0c8b5d4cf5ae9f19a" },
};

static void known_answers(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gcm_case *t = &cases[i];
		uint8_t key[32], iv[64], pt[64], aad[32], ct[64], tag[16], got[64], gtag[16];
		unhex(t->key, key);
		size_t ivn = unhex(t->iv, iv), n = unhex(t->pt, pt), an = unhex(t->aad, aad);
		unhex(t->ct, ct);
		unhex(t->tag, tag);
		struct aes_gcm g;
		aes_gcm_init(&g, key);
		int rc = aes_gcm_encrypt(&g, iv, ivn, aad, an, pt, n, got, gtag);
		ok(rc == AES_GCM_OK && !memcmp(got, ct, n) && !memcmp(gtag, tag, 16), "GCM %s: ciphertext and tag",
		   t->name);
		memset(got, 0xAA, sizeof(got));
		rc = aes_gcm_decrypt(&g, iv, ivn, aad, an, ct, n, tag, got);
		ok(rc == AES_GCM_OK && !memcmp(got, pt, n), "GCM %s: decrypts", t->name);
		aes_gcm_wipe(&g);
	}
}

static void against_openssl(void)
{
	enum { N = 300 };
	unsigned enc_bad = 0, dec_bad = 0, ossl_bad = 0, inplace_bad = 0;
	static uint8_t pt[4096], ct[4096 + 16], mine[4096], back[4096], aad[600];
	for (unsigned i = 0; i < N; i++) {
		uint8_t key[32], iv[80], tag[16], mtag[16];
		fill(key, sizeof(key));
		/* Mostly the SNP shape (12-byte IV, page-sized payloads), with every edge mixed in. */
		size_t ivn = (i % 5 == 4) ? 1 + rnd() % sizeof(iv) : 12;
		size_t an = (i % 3 == 0) ? 48 : rnd() % (i % 7 == 0 ? sizeof(aad) : 64);
		size_t n;
		switch (i % 6) {
		case 0: n = i % 34; break;                /* 0..33: empty, partial, exact and split blocks */
		case 1: n = 4000; break;                  /* SNP maximum payload */
		case 2: n = 4096 - 16 * (rnd() % 3); break;
		default: n = rnd() % 4097; break;
		}
		fill(iv, ivn);
		fill(aad, an);
		fill(pt, n);
		if (ossl_encrypt(key, iv, ivn, aad, an, pt, n, ct, tag)) {
			ossl_bad++;
			continue;
		}
		struct aes_gcm g;
		aes_gcm_init(&g, key);
		if (aes_gcm_encrypt(&g, iv, ivn, aad, an, pt, n, mine, mtag) != AES_GCM_OK || memcmp(mine, ct, n) ||
		    memcmp(mtag, tag, 16)) {
			if (!enc_bad)
				diag("first encryption mismatch: case %u, iv %zu, aad %zu, len %zu", i, ivn, an, n);
			enc_bad++;
		}
		if (aes_gcm_decrypt(&g, iv, ivn, aad, an, ct, n, tag, back) != AES_GCM_OK || memcmp(back, pt, n))
			dec_bad++;
		if (ossl_decrypt(key, iv, ivn, aad, an, mine, n, mtag, back) != 1 || memcmp(back, pt, n))
			ossl_bad++;
		/* In place, both ways (the SNP code decrypts the response page in place). */
		memcpy(back, pt, n);
		uint8_t itag[16];
		if (aes_gcm_encrypt(&g, iv, ivn, aad, an, back, n, back, itag) != AES_GCM_OK || memcmp(back, ct, n) ||
		    memcmp(itag, tag, 16) || aes_gcm_decrypt(&g, iv, ivn, aad, an, back, n, itag, back) != AES_GCM_OK ||
		    memcmp(back, pt, n))
			inplace_bad++;
		aes_gcm_wipe(&g);
	}
	is_u64(enc_bad, 0, "%d random cases: ciphertext and tag equal OpenSSL's", N);
	is_u64(dec_bad, 0, "%d random cases: OpenSSL's output decrypts and verifies", N);
	is_u64(ossl_bad, 0, "%d random cases: OpenSSL accepts ours", N);
	is_u64(inplace_bad, 0, "%d random cases: in-place encryption and decryption", N);
}

/* Flips every bit of one field in turn; each must be refused with the output zeroed. */
static void tamper(void)
{
	uint8_t key[32], iv[12], aad[48], pt[200], ct[200], tag[16], out[200];
	fill(key, sizeof(key));
	fill(iv, sizeof(iv));
	fill(aad, sizeof(aad));
	fill(pt, sizeof(pt));
	struct aes_gcm g;
	aes_gcm_init(&g, key);
	aes_gcm_encrypt(&g, iv, sizeof(iv), aad, sizeof(aad), pt, sizeof(pt), ct, tag);
	static const uint8_t zero[200];

	struct {
		const char *name;
		uint8_t *p;
		size_t n;
	} fields[] = { { "ciphertext", ct, sizeof(ct) }, { "tag", tag, sizeof(tag) },
		       { "AAD", aad, sizeof(aad) }, { "IV", iv, sizeof(iv) } };
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		unsigned accepted = 0, leaked = 0;
		for (size_t bit = 0; bit < fields[f].n * 8; bit++) {
			fields[f].p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			memset(out, 0xAA, sizeof(out));
			if (aes_gcm_decrypt(&g, iv, sizeof(iv), aad, sizeof(aad), ct, sizeof(ct), tag, out) !=
			    AES_GCM_EAUTH)
				accepted++;
			if (memcmp(out, zero, sizeof(out)))
				leaked++;
			fields[f].p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		ok(accepted == 0 && leaked == 0, "every flipped bit of the %s (%zu) is refused, output zeroed",
		   fields[f].name, fields[f].n * 8);
	}
	memset(out, 0xAA, sizeof(out));
	ok(aes_gcm_decrypt(&g, iv, sizeof(iv), aad, sizeof(aad) - 1, ct, sizeof(ct), tag, out) == AES_GCM_EAUTH &&
	   !memcmp(out, zero, sizeof(out)), "shortened AAD is refused");
	ok(aes_gcm_decrypt(&g, iv, sizeof(iv), aad, sizeof(aad), ct, sizeof(ct) - 1, tag, out) == AES_GCM_EAUTH,
	   "shortened ciphertext is refused");
	uint8_t key2[32];
	memcpy(key2, key, 32);
	key2[31] ^= 0x80;
	struct aes_gcm g2;
	aes_gcm_init(&g2, key2);
	ok(aes_gcm_decrypt(&g2, iv, sizeof(iv), aad, sizeof(aad), ct, sizeof(ct), tag, out) == AES_GCM_EAUTH,
	   "another key is refused");
	ok(aes_gcm_decrypt(&g, iv, sizeof(iv), aad, sizeof(aad), ct, sizeof(ct), tag, out) == AES_GCM_OK &&
	   !memcmp(out, pt, sizeof(pt)), "the untouched message still verifies");
	memcpy(out, ct, sizeof(ct));
	uint8_t badtag[16];
	memcpy(badtag, tag, 16);
	badtag[0] ^= 1;
	ok(aes_gcm_decrypt(&g, iv, sizeof(iv), aad, sizeof(aad), out, sizeof(out), badtag, out) == AES_GCM_EAUTH &&
	   !memcmp(out, zero, sizeof(out)), "in place with a bad tag: refused, buffer zeroed");

	ok(aes_gcm_encrypt(&g, iv, 0, aad, 0, pt, 16, ct, tag) == AES_GCM_EINVAL, "an empty IV is refused");
	memset(out, 0xAA, sizeof(out));
	ok(aes_gcm_decrypt(&g, iv, 0, aad, 0, ct, 16, tag, out) == AES_GCM_EINVAL && out[0] == 0xAA,
	   "an empty IV is refused by decrypt, output untouched");
	aes_gcm_wipe(&g);
	aes_gcm_wipe(&g2);
	static const struct aes_gcm zg;
	ok(!memcmp(&g, &zg, sizeof(g)), "aes_gcm_wipe erases key schedule and hash key");
}

static void helpers(void)
{
	uint8_t a[33], b[33];
	fill(a, sizeof(a));
	memcpy(b, a, sizeof(a));
	ok(crypto_equal(a, b, sizeof(a)) == 1, "crypto_equal: equal buffers");
	unsigned wrong = 0;
	for (size_t i = 0; i < sizeof(a) * 8; i++) {
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
		wrong += crypto_equal(a, b, sizeof(a)) != 0;
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	is_u64(wrong, 0, "crypto_equal: any single-bit difference is unequal");
	ok(crypto_equal(a, b, 0) == 1, "crypto_equal: empty buffers are equal");
	crypto_wipe(a, sizeof(a));
	static const uint8_t z[33];
	ok(!memcmp(a, z, sizeof(a)), "crypto_wipe zeroes");
}

int main(void)
{
	fips197();
	known_answers();
	against_openssl();
	tamper();
	helpers();
	return tap_done();
}
