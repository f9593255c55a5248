/* SPDX-License-Identifier: MIT */
/*
 * ecdsa.h — ECDSA P-384 with SHA-384 for SEV-SNP ID blocks and attestation
 * reports: key loading, deterministic signing and verification.
 *
 * OpenSSL is confined to ecdsa.c: no OpenSSL type appears here, so the rest
 * of igvmmeasure handles keys as opaque handles and integers as big-endian
 * byte strings (the SNP little-endian layouts are id_block.c's business).
 *
 * Signing is deterministic (RFC 6979, HMAC-DRBG nonce) so that signing the
 * same image twice gives byte-identical output, on every OpenSSL 3.x: 3.0 has
 * no deterministic ECDSA, so the nonce is derived here over OpenSSL's BIGNUM,
 * EC_POINT and EVP_MAC primitives. Verification is OpenSSL's own
 * EVP_DigestVerify, an implementation independent of the signer.
 *
 * Error contract: functions that take (err, errlen) return an enum ib_exit
 * code (common/status.h) — 0, IB_EXIT_IO when the file cannot be read,
 * IB_EXIT_INVALID when its content is refused, IB_EXIT_INTERNAL when
 * libcrypto fails — and on failure leave a one-line reason in err, without
 * the file name (the caller prefixes it). They never print.
 */
#ifndef IB_MEASURE_ECDSA_H
#define IB_MEASURE_ECDSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a P-384 scalar or coordinate, big-endian. */
#define ECDSA_P384_BYTES 48

/* A loaded key: always has the public point; a private scalar when loaded so. */
struct ecdsa_key;

/*
 * A P-384 private key from a PEM file: SEC1 ("EC PRIVATE KEY", what
 * `openssl ecparam -genkey` writes, with or without its "EC PARAMETERS"
 * block) or unencrypted PKCS#8 ("PRIVATE KEY", `openssl genpkey`).
 * Refused, each by name: other key types (RSA, Ed25519, ...), other curves
 * (P-256, P-521, ...), explicit curve parameters, encrypted keys, a public
 * key where a private one is needed, a public part that does not belong to
 * the private scalar, several keys in one file, broken PEM, DER.
 */
int ecdsa_key_load_private(const char *path, struct ecdsa_key **out, char *err, size_t errlen);

/* As above, but "PUBLIC KEY" (SubjectPublicKeyInfo) PEM is accepted too. */
int ecdsa_key_load_any(const char *path, struct ecdsa_key **out, char *err, size_t errlen);

/* The same from memory (used by the file loaders, tests and fuzzers). */
int ecdsa_key_parse_pem(const uint8_t *pem, size_t len, bool allow_public, struct ecdsa_key **out,
			char *err, size_t errlen);

void ecdsa_key_free(struct ecdsa_key *k);
static inline void ecdsa_key_freep(struct ecdsa_key **k) { ecdsa_key_free(*k); }
#define _cleanup_ecdsa_key_ __attribute__((cleanup(ecdsa_key_freep)))

bool ecdsa_key_has_private(const struct ecdsa_key *k);

/* The public point, big-endian affine coordinates of a P-384 key. 0 or IB_EXIT_INTERNAL. */
int ecdsa_key_public_xy(const struct ecdsa_key *k, uint8_t x[ECDSA_P384_BYTES], uint8_t y[ECDSA_P384_BYTES]);

/*
 * Deterministic ECDSA (RFC 6979) over SHA-384(msg) with a P-384 private key.
 * r and s are big-endian. 0, or IB_EXIT_INTERNAL (also for a public-only key).
 */
int ecdsa_sign_sha384(const struct ecdsa_key *k, const void *msg, size_t len, uint8_t r[ECDSA_P384_BYTES],
		      uint8_t s[ECDSA_P384_BYTES]);

enum ecdsa_verdict {
	ECDSA_VALID = 1,
	ECDSA_INVALID = 0,       /* the signature does not verify, or r/s are out of [1, n-1] */
	ECDSA_BAD_KEY = -2,      /* (x, y) is not a point of P-384 */
	ECDSA_LIB_ERROR = -1,    /* libcrypto failed */
};

/* Verifies (r, s) over SHA-384(msg) with the P-384 public key (x, y), all big-endian. */
enum ecdsa_verdict ecdsa_verify_sha384(const uint8_t x[ECDSA_P384_BYTES], const uint8_t y[ECDSA_P384_BYTES],
				       const void *msg, size_t len, const uint8_t r[ECDSA_P384_BYTES],
				       const uint8_t s[ECDSA_P384_BYTES]);

/*
 * The public key of an X.509 certificate (a VCEK or VLEK), PEM or DER,
 * which must be EC P-384. The certificate's own signature and chain are not
 * checked: that is the job of a certificate-chain tool.
 */
int ecdsa_cert_load_p384(const char *path, uint8_t x[ECDSA_P384_BYTES], uint8_t y[ECDSA_P384_BYTES], char *err,
			 size_t errlen);
int ecdsa_cert_parse_p384(const uint8_t *buf, size_t len, uint8_t x[ECDSA_P384_BYTES], uint8_t y[ECDSA_P384_BYTES],
			  char *err, size_t errlen);

/* ---- general forms, for tests against the RFC 6979 vectors ------------------------------- */

/*
 * RFC 6979 §3.2 nonce k for group order q (big-endian, qlen = its bit length,
 * any size), private scalar x < q, message hash h1, HMAC over the digest
 * md_name ("SHA256", "SHA384", ...). k is written big-endian into k_out,
 * left-padded to k_len bytes (k_len >= bytes of q). 0, or IB_EXIT_INTERNAL
 * (bad arguments included).
 */
int ecdsa_rfc6979_nonce(const uint8_t *q, size_t q_len, const uint8_t *x, size_t x_len, const char *md_name,
			const uint8_t *h1, size_t h1_len, uint8_t *k_out, size_t k_len);

/* A private key on any named prime curve ("secp384r1", "prime256v1", ...) from a big-endian scalar. */
int ecdsa_key_from_scalar(const char *curve, const uint8_t *d, size_t d_len, struct ecdsa_key **out);

/* Bytes of the key's group order (48 for P-384). */
size_t ecdsa_key_order_bytes(const struct ecdsa_key *k);

/*
 * Deterministic ECDSA over a precomputed hash h (hashed with md_name, which
 * also drives the RFC 6979 HMAC). r and s big-endian, comp_len bytes each
 * (>= ecdsa_key_order_bytes). 0 or IB_EXIT_INTERNAL.
 */
int ecdsa_sign_digest(const struct ecdsa_key *k, const char *md_name, const uint8_t *h, size_t h_len, uint8_t *r,
		      uint8_t *s, size_t comp_len);

#endif
