/* SPDX-License-Identifier: MIT */
/*
 * aes_gcm.h — AES-256 (FIPS 197) in Galois/Counter Mode (NIST SP 800-38D),
 * freestanding: no libc beyond memcpy/memset, no SIMD (the core is built with
 * -mgeneral-regs-only).
 *
 * Constant time with respect to key, data and tag: the hypervisor shares the
 * caches with the SVSM, so there are no table lookups indexed by secrets. The
 * S-box is computed (inversion in GF(2^8) by exponentiation, then the affine
 * map, eight bytes at a time in a 64-bit word), GHASH multiplies bit-serially
 * with masks instead of branches, and tags are compared without early exit.
 * Slow next to AES-NI (about 1 ms per 4 KiB message), which is fine for the
 * few SNP guest messages an SVSM sends.
 *
 * Contract:
 *   - aes_gcm_init() expands a 32-byte key; aes_gcm_wipe() erases the context
 *     (call it as soon as the key is no longer needed).
 *   - IVs of any non-zero length are accepted; 12 bytes is the fast, usual
 *     case. A (key, IV) pair must never encrypt two different messages.
 *   - in and out are either the same buffer or do not overlap.
 *   - aes_gcm_decrypt() authenticates before it decrypts: when the tag does
 *     not match it returns AES_GCM_EAUTH and out holds zeros, never plaintext.
 *   - Lengths above what GCM allows (plaintext > 2^36 - 32 bytes) or an empty
 *     IV are AES_GCM_EINVAL; nothing is written then.
 */
#ifndef SVSM_LIB_AES_GCM_H
#define SVSM_LIB_AES_GCM_H

#include <stddef.h>
#include <stdint.h>

#define AES256_KEY_SIZE 32
#define AES_BLOCK_SIZE 16
#define AES_GCM_TAG_SIZE 16
#define AES_GCM_IV_SIZE 12 /* the recommended IV length */

enum aes_gcm_result {
	AES_GCM_OK = 0,
	AES_GCM_EAUTH = -1,  /* tag mismatch: out was zeroed */
	AES_GCM_EINVAL = -2, /* IV empty or length beyond GCM's limit */
};

struct aes256 {
	uint32_t rk[60]; /* 15 round keys, little-endian words of the state columns */
};

struct aes_gcm {
	struct aes256 aes;
	uint64_t h_hi, h_lo; /* hash subkey H = E_K(0^128), big-endian halves */
};

void aes256_init(struct aes256 *a, const uint8_t key[AES256_KEY_SIZE]);
void aes256_encrypt_block(const struct aes256 *a, const uint8_t in[AES_BLOCK_SIZE], uint8_t out[AES_BLOCK_SIZE]);

void aes_gcm_init(struct aes_gcm *g, const uint8_t key[AES256_KEY_SIZE]);
void aes_gcm_wipe(struct aes_gcm *g);

int aes_gcm_encrypt(const struct aes_gcm *g, const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
		    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[AES_GCM_TAG_SIZE]);
int aes_gcm_decrypt(const struct aes_gcm *g, const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
		    const uint8_t *in, size_t len, const uint8_t tag[AES_GCM_TAG_SIZE], uint8_t *out);

/* Zeroes n bytes in a way the compiler may not drop as a dead store (key material). */
void crypto_wipe(void *p, size_t n);
/* 1 when the n bytes at a and b are equal; time depends on n only. */
int crypto_equal(const void *a, const void *b, size_t n);

#endif
