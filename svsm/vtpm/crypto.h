/* SPDX-License-Identifier: MIT */
/*
 * crypto.h — the checks the vTPM's boot self-test makes outside the TPM, with
 * OpenSSL (libcrypto.a): hashes and ECDSA P-256 verification. They run in the
 * vTPM process (the channel's HASH and VERIFY, chan.h) and in the host tests;
 * the core, which links no OpenSSL, asks the process (vtpm_proxy.c).
 */
#ifndef SVSM_VTPM_CRYPTO_H
#define SVSM_VTPM_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chan.h"

/* The digest of alg (TPM_ALG_SHA1/256/384/512) into out: its size, or -1 (other alg). */
int vtpm_crypto_hash(uint16_t alg, const void *data, size_t n, uint8_t *out);
/* Whether e's signature verifies over its digest with its public point. */
bool vtpm_crypto_ecdsa_p256(const struct vtpm_chan_ecdsa *e);
/* The same as struct vtpm_selftest_env's hash and verify (ctx unused), where OpenSSL is linked. */
int vtpm_crypto_hash_cb(void *ctx, uint16_t alg, const void *data, size_t n, uint8_t *out);
int vtpm_crypto_verify_cb(void *ctx, const struct vtpm_chan_ecdsa *e);

#endif
