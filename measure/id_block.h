/* SPDX-License-Identifier: MIT */
/*
 * id_block.h — the SEV-SNP ID block (96 bytes) and ID authentication
 * information structure (4 KiB) of SNP_LAUNCH_FINISH (AMD SEV-SNP firmware
 * ABI, chapter 8 "ID block" and chapter 10 "ECDSA" formats), how the IGVM
 * SNP_ID_BLOCK header stores them, and how to sign and check them.
 *
 * Byte layouts (all integers little-endian, including the ECDSA values):
 *   ID block   0x00 LD[48]  0x30 FAMILY_ID[16]  0x40 IMAGE_ID[16]
 *              0x50 u32 VERSION  0x54 u32 GUEST_SVN  0x58 u64 POLICY
 *   ID auth    0x000 u32 ID_KEY_ALGO  0x004 u32 AUTH_KEY_ALGO
 *              0x040 ID_BLOCK_SIG[0x200]  0x240 ID_KEY[0x404]
 *              0x680 ID_KEY_SIG[0x200]    0x880 AUTHOR_KEY[0x404], rest reserved
 *   signature  R[72] S[72] reserved[368]
 *   public key u32 CURVE, QX[72], QY[72], reserved[0x370]
 * ID_BLOCK_SIG signs the 96-byte ID block with the ID key; ID_KEY_SIG signs
 * the 0x404-byte ID_KEY with the author key. SHA-384 of a 0x404-byte key is
 * what an attestation report carries as ID_KEY_DIGEST / AUTHOR_KEY_DIGEST.
 * (Tests check these against snp-create-id-block's published digests.)
 *
 * The IGVM header keeps r and s (72 bytes each) and {curve, reserved u32, qx,
 * qy} per key, and no policy: QEMU builds the ID block from it with VERSION
 * forced to 1 and POLICY taken from the file's GUEST_POLICY, and the ID auth
 * by copying r||s into the signature fields and curve, qx, qy into the key
 * fields (snp_id_from_igvm does the same).
 *
 * Functions returning int give an exit code from common/status.h.
 */
#ifndef IB_MEASURE_ID_BLOCK_H
#define IB_MEASURE_ID_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../format/igvm_defs.h"
#include "ecdsa.h"

#define SNP_ID_BLOCK_SIZE 96
#define SNP_ID_AUTH_SIZE 4096
#define SNP_SIG_SIZE 0x200
#define SNP_PUBKEY_SIZE 0x404
#define SNP_ECDSA_COMP_SIZE 72
#define SNP_ALGO_ECDSA_P384_SHA384 1u
#define SNP_CURVE_P384 2u
/* The only ID block VERSION the ABI defines; QEMU's IGVM loader always uses it. */
#define SNP_ID_BLOCK_VERSION 1u
/* snp-create-id-block's fixed policy: SMT allowed plus the must-be-one bit 17. */
#define SNP_DEFAULT_POLICY 0x30000ull

/* Byte-array mirrors of the ABI structures: alignment 1, so no padding can sneak in. */
struct snp_id_block_raw {
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint8_t version[4];
	uint8_t guest_svn[4];
	uint8_t policy[8];
};
_Static_assert(sizeof(struct snp_id_block_raw) == SNP_ID_BLOCK_SIZE, "ID block is 96 bytes");
_Static_assert(__builtin_offsetof(struct snp_id_block_raw, family_id) == 0x30, "");
_Static_assert(__builtin_offsetof(struct snp_id_block_raw, image_id) == 0x40, "");
_Static_assert(__builtin_offsetof(struct snp_id_block_raw, version) == 0x50, "");
_Static_assert(__builtin_offsetof(struct snp_id_block_raw, guest_svn) == 0x54, "");
_Static_assert(__builtin_offsetof(struct snp_id_block_raw, policy) == 0x58, "");

struct snp_signature_raw {
	uint8_t r[SNP_ECDSA_COMP_SIZE];
	uint8_t s[SNP_ECDSA_COMP_SIZE];
	uint8_t reserved[368];
};
_Static_assert(sizeof(struct snp_signature_raw) == SNP_SIG_SIZE, "ECDSA signature is 0x200 bytes");

struct snp_pubkey_raw {
	uint8_t curve[4];
	uint8_t qx[SNP_ECDSA_COMP_SIZE];
	uint8_t qy[SNP_ECDSA_COMP_SIZE];
	uint8_t reserved[0x370];
};
_Static_assert(sizeof(struct snp_pubkey_raw) == SNP_PUBKEY_SIZE, "ECDSA public key is 0x404 bytes");
_Static_assert(__builtin_offsetof(struct snp_pubkey_raw, qy) == 0x4C, "");

struct snp_id_auth_raw {
	uint8_t id_key_algo[4];
	uint8_t auth_key_algo[4];
	uint8_t reserved1[0x38];
	struct snp_signature_raw id_block_sig;
	struct snp_pubkey_raw id_key;
	uint8_t reserved2[0x3C];
	struct snp_signature_raw id_key_sig;
	struct snp_pubkey_raw author_key;
	uint8_t reserved3[0x37C];
};
_Static_assert(sizeof(struct snp_id_auth_raw) == SNP_ID_AUTH_SIZE, "ID auth is 4 KiB");
_Static_assert(__builtin_offsetof(struct snp_id_auth_raw, id_block_sig) == 0x040, "");
_Static_assert(__builtin_offsetof(struct snp_id_auth_raw, id_key) == 0x240, "");
_Static_assert(__builtin_offsetof(struct snp_id_auth_raw, reserved2) == 0x644, "");
_Static_assert(__builtin_offsetof(struct snp_id_auth_raw, id_key_sig) == 0x680, "");
_Static_assert(__builtin_offsetof(struct snp_id_auth_raw, author_key) == 0x880, "");
_Static_assert(__builtin_offsetof(struct snp_id_auth_raw, reserved3) == 0xC84, "");

/* The ID block's fields, host byte order. */
struct snp_id_fields {
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
};

void snp_id_block_encode(const struct snp_id_fields *f, uint8_t out[SNP_ID_BLOCK_SIZE]);
void snp_id_block_decode(const uint8_t in[SNP_ID_BLOCK_SIZE], struct snp_id_fields *f);

/* The 0x404-byte ABI encoding of a P-384 public key. 0 or IB_EXIT_INTERNAL. */
int snp_pubkey_encode(const struct ecdsa_key *k, uint8_t out[SNP_PUBKEY_SIZE]);
/* SHA-384 of that encoding: the report's ID_KEY_DIGEST / AUTHOR_KEY_DIGEST. */
int snp_pubkey_digest(const struct ecdsa_key *k, uint8_t out[48]);

/*
 * Builds and signs: the ID block from f, ID_BLOCK_SIG with id_key, and (when
 * author_key is not NULL) ID_KEY_SIG over the ID key with author_key. Both
 * algorithm fields are 1, as snp-create-id-block and COCONUT write them.
 * Deterministic. 0 or IB_EXIT_INTERNAL.
 */
int snp_id_sign(const struct snp_id_fields *f, const struct ecdsa_key *id_key, const struct ecdsa_key *author_key,
		uint8_t id_block[SNP_ID_BLOCK_SIZE], uint8_t id_auth[SNP_ID_AUTH_SIZE]);

#define SNP_ID_CHECK_MAX_NOTES 12

/* What snp_id_verify found. problems make the pair invalid; warnings do not. */
struct snp_id_check {
	bool ok;
	bool author_present;           /* AUTHOR_KEY's first byte is set: QEMU's AUTHOR_KEY_EN rule */
	uint8_t id_key_digest[48];     /* SHA-384 of ID_KEY as stored */
	uint8_t author_key_digest[48]; /* SHA-384 of AUTHOR_KEY, zero when absent */
	unsigned nproblems, nwarnings;
	char problems[SNP_ID_CHECK_MAX_NOTES][200];
	char warnings[SNP_ID_CHECK_MAX_NOTES][200];
};

/*
 * Checks an ID block / ID auth pair as the firmware would at LAUNCH_FINISH:
 * algorithms and curves are P-384/SHA-384, r and s fit 48 bytes and lie in
 * [1, n-1], the keys are points of P-384, ID_BLOCK_SIG verifies with ID_KEY
 * and, when an author key is present, ID_KEY_SIG verifies with it. Reserved
 * bytes that are not zero, a VERSION other than 1 and a policy without its
 * must-be-one bit 17 are warnings. Returns 0 (see c->ok) or IB_EXIT_INTERNAL.
 */
int snp_id_verify(const uint8_t id_block[SNP_ID_BLOCK_SIZE], const uint8_t id_auth[SNP_ID_AUTH_SIZE],
		  struct snp_id_check *c);

/* The IGVM SNP_ID_BLOCK body for a signed pair (author: the author key is used). */
void snp_id_to_igvm(const uint8_t id_block[SNP_ID_BLOCK_SIZE], const uint8_t id_auth[SNP_ID_AUTH_SIZE], bool author,
		    uint32_t compatibility_mask, struct igvm_vhs_snp_id_block *out);
/* What QEMU hands the firmware for an IGVM SNP_ID_BLOCK and the file's SNP policy. */
void snp_id_from_igvm(const struct igvm_vhs_snp_id_block *h, uint64_t policy, uint8_t id_block[SNP_ID_BLOCK_SIZE],
		      uint8_t id_auth[SNP_ID_AUTH_SIZE]);

/* ---- text encodings used on the command line and in outputs --------------------------- */

/* RFC 4648 base64 with padding; out holds 4 * ceil(n / 3) + 1 bytes. */
void snp_b64_encode(const uint8_t *in, size_t n, char *out);
/* Decodes base64 (ASCII whitespace ignored) into exactly `want` bytes; false otherwise. */
bool snp_b64_decode(const char *in, size_t len, uint8_t *out, size_t want);
/* Exactly n bytes of hex (an optional 0x prefix, no separators). */
bool snp_parse_hex(const char *s, uint8_t *out, size_t n);
/* A decimal or 0x-hex integer no larger than max. */
bool snp_parse_u64(const char *s, uint64_t max, uint64_t *out);

/*
 * Reads an ID block or ID auth file: exactly `want` raw bytes, or base64
 * text (as snp-create-id-block prints and QEMU's id-block=/id-auth= take)
 * that decodes to exactly `want` bytes. err gets a one-line reason.
 */
int snp_id_read_blob(const char *path, uint8_t *out, size_t want, char *err, size_t errlen);

#endif
