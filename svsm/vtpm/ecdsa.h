/* SPDX-License-Identifier: MIT */
/*
 * ecdsa.h — ECDSA P-256 signature verification by OpenSSL (libcrypto's EVP),
 * not by the TPM: how the boot self-test (selftest.c) checks a quote, and what
 * vtpmd's VERIFY operation (chan.h) answers for the core. Portable C over
 * ext_api.h.
 */
#ifndef SVSM_VTPM_ECDSA_H
#define SVSM_VTPM_ECDSA_H

#include <stdbool.h>
#include <stdint.h>

/* true when (r, s) — big-endian, rl and sl bytes — is a valid signature over the
 * 32-byte digest for the uncompressed public point (0x04 || X || Y). */
bool vtpm_ecdsa_p256_verify(const uint8_t point[65], const uint8_t digest[32], const uint8_t *rb, uint16_t rl,
			    const uint8_t *sb, uint16_t sl);

#endif
