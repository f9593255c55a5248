/* SPDX-License-Identifier: MIT */
/*
 * digest.h — the hash functions the tools need, behind one header.
 *
 * OpenSSL's EVP interface is confined to digest.c, so no other module includes
 * OpenSSL headers for hashing. Each function returns 0, or -1 if libcrypto
 * failed (which callers report as an internal error).
 */
#ifndef IB_DIGEST_H
#define IB_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "version.h"

#define IB_SHA256_LEN 32
#define IB_SHA384_LEN 48

int ib_sha256(const void *data, size_t len, uint8_t out[IB_SHA256_LEN]);
int ib_sha384(const void *data, size_t len, uint8_t out[IB_SHA384_LEN]);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void ib_hex(const uint8_t *in, size_t n, char *out);
/* Upper-case hex likewise (COCONUT igvmmeasure's and the SNP tools' spelling). */
void ib_hex_upper(const uint8_t *in, size_t n, char *out);

/* The OpenSSL libcrypto this module uses, for --version. */
struct ib_libversion ib_crypto_version(void);

#endif
