/* SPDX-License-Identifier: MIT */
/*
 * sha512.h — SHA-512 (FIPS 180-4), freestanding: no libc beyond memcpy/memset.
 * Used for the attestation REPORT_DATA = SHA-512(nonce || manifest).
 */
#ifndef SVSM_LIB_SHA512_H
#define SVSM_LIB_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define SHA512_DIGEST_SIZE 64

struct sha512_ctx {
	uint64_t h[8];
	uint64_t len;       /* bytes so far (2^64 bytes is beyond anything we hash) */
	uint8_t buf[128];
	unsigned fill;
};

void sha512_init(struct sha512_ctx *c);
void sha512_update(struct sha512_ctx *c, const void *data, size_t n);
void sha512_final(struct sha512_ctx *c, uint8_t out[SHA512_DIGEST_SIZE]);
void sha512(const void *data, size_t n, uint8_t out[SHA512_DIGEST_SIZE]);

#endif
