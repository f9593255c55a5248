/* SPDX-License-Identifier: MIT */
/*
 * snp_certs.h — the X.509 side of SEV-SNP attestation: AMD's certificates
 * (ARK, ASK, ASVK, VCEK, VLEK) and CRLs read from untrusted bytes, the
 * certificate table of an extended report, the links of the chain, and the
 * AMD KDS extensions of a VCEK/VLEK.
 *
 * OpenSSL is confined to snp_certs.c (like ecdsa.c): callers see opaque
 * handles, byte strings and one-line reasons.
 *
 * Parsing contract (every byte is hostile):
 *   - a certificate is DER (one SEQUENCE, first byte 0x30) or PEM holding
 *     exactly one "CERTIFICATE"; a CRL is DER or one PEM "X509 CRL";
 *   - DER is first walked by a bounds-checked cursor: tag, length form, the
 *     declared length against the bytes there are (no trailing bytes), so a
 *     truncated or padded file is refused with the offset where it breaks;
 *     only then does libcrypto decode it;
 *   - failures fill struct snp_error: a stable rule ("cert.der-truncated",
 *     "cert-table.range", ...), the byte offset and a detail line.
 *
 * Certificate table (SNP_GET_EXT_REPORT, GHCB specification "certificate
 * table"): entries of { GUID[16], u32 offset, u32 length } (little-endian),
 * ended by an all-zero entry; offset and length locate a DER certificate
 * inside the table buffer. GUIDs are stored in their textual byte order:
 *   VCEK 63da758d-e664-4564-adc5-f4b93be8accd   VLEK a8074bc2-a25a-483e-aae6-39c045a0b8a1
 *   ASK  4ab7b379-bbac-4fe4-a02f-05aef327c782   ARK  c0b406a4-a803-4952-9743-3fb6014cd0ae
 * (the ASK slot carries the ASVK for a VLEK chain). Other GUIDs are skipped
 * and counted. Refused: no terminator inside the buffer, an entry whose data
 * lies outside the buffer or inside the entry array, a zero length, the same
 * known GUID twice.
 */
#ifndef IB_MEASURE_SNP_CERTS_H
#define IB_MEASURE_SNP_CERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Certificates and CRLs larger than this are refused unread (AMD's are under 2 KiB). */
#define SNP_CERT_MAX_SIZE (64u * 1024u)
/* A certificate table larger than this is refused (GHCB: a few pages). */
#define SNP_CERT_TABLE_MAX_SIZE (1024u * 1024u)

struct snp_error {
	const char *rule; /* stable name; NULL for I/O and internal failures */
	uint64_t offset;
	char detail[256];
};

/* Fills e and returns code (an enum ib_exit). */
int snp_fail(struct snp_error *e, int code, const char *rule, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

struct snp_cert;
struct snp_crl;

/* 0, IB_EXIT_INVALID (e: rule and offset) or IB_EXIT_INTERNAL. */
int snp_cert_parse(const uint8_t *buf, size_t len, struct snp_cert **out, struct snp_error *e);
/* One certificate from a PEM string that is known good (the built-in roots); NULL on failure. */
struct snp_cert *snp_cert_from_pem(const char *pem);
struct snp_cert *snp_cert_ref(struct snp_cert *c);
void snp_cert_free(struct snp_cert *c);
static inline void snp_cert_freep(struct snp_cert **c) { snp_cert_free(*c); }
#define _cleanup_snp_cert_ __attribute__((cleanup(snp_cert_freep)))

int snp_crl_parse(const uint8_t *buf, size_t len, struct snp_crl **out, struct snp_error *e);
void snp_crl_free(struct snp_crl *c);

/* ---- reading certificates ------------------------------------------------------------------ */

/* "CN=SEV-Milan" style one-line subject / issuer (common name only when there is one). */
void snp_cert_subject(const struct snp_cert *c, char *buf, size_t len);
void snp_cert_issuer(const struct snp_cert *c, char *buf, size_t len);
/* Serial number in hex ("020001"). */
void snp_cert_serial(const struct snp_cert *c, char *buf, size_t len);
/* True when both hold the same DER bytes. */
bool snp_cert_equal(const struct snp_cert *a, const struct snp_cert *b);
/* SHA-256 of the DER. 0 or -1. */
int snp_cert_fingerprint(const struct snp_cert *c, uint8_t out[32]);

/*
 * The public key as P-384 (x, y), big-endian; IB_EXIT_INVALID with a reason
 * (curve or key type named) otherwise.
 */
int snp_cert_p384(const struct snp_cert *c, uint8_t x[48], uint8_t y[48], char *why, size_t whylen);

/*
 * One link of an AMD chain: `issuer` signed `child`. Checked: child's issuer
 * name is issuer's subject; the signature algorithm is RSASSA-PSS with
 * SHA-384, MGF1 with SHA-384 and a 48-byte salt (AMD's CA profile); issuer's
 * key is RSA; the signature verifies (libcrypto); issuer is a CA allowed to
 * sign certificates (basicConstraints CA:TRUE, keyUsage keyCertSign when
 * present); child is valid at `at` (notBefore <= at <= notAfter).
 * Returns 1 (holds), 0 (why says what failed) or -1 (libcrypto failed).
 * For the self-signed ARK, pass it as both.
 */
int snp_cert_link(const struct snp_cert *child, const struct snp_cert *issuer, time_t at, char *why, size_t whylen);

/*
 * The whole path with libcrypto's own validator (X509_verify_cert): root
 * trusted, intermediate untrusted, leaf; at time `at`; the self-signature of
 * the root checked too. A cross-check of the links above, so that nothing
 * X.509 requires (critical extensions, path length) is missed.
 * 1, 0 (why) or -1.
 */
int snp_cert_path(const struct snp_cert *root, const struct snp_cert *mid, const struct snp_cert *leaf, time_t at,
		  char *why, size_t whylen);

/* ---- the AMD KDS extensions of a VCEK or VLEK (OID 1.3.6.1.4.1.3704.1.*) ---------------------- */

struct snp_kds_ext {
	bool has_struct_version;
	uint8_t struct_version;     /* .1 */
	char product_name[64];      /* .2, IA5String: "Milan-B0", "Turin" */
	bool has_product_name;
	/* .3.1 boot loader, .3.2 TEE, .3.3 SNP, .3.4-.3.7 reserved, .3.8 microcode, .3.9 FMC (Turin) */
	bool has_spl[10];
	uint8_t spl[10];            /* indexed by the last OID arc */
	uint8_t hwid[64];           /* .4: 64 bytes (8 on Turin), raw */
	size_t hwid_len;            /* 0 when absent (VLEK) */
	bool has_csp_id;            /* .5: VLEK only */
	char csp_id[128];
};

/*
 * Reads the extensions. Refused (IB_EXIT_INVALID, rule "vcek.extension",
 * detail naming the OID): a duplicate, an SPL that is not a DER INTEGER in
 * 0..255, a product name that is not an IA5String, a hwID of a length other
 * than 8 or 64. Missing extensions are reported as absent, not refused: the
 * checks against the report decide what they need.
 */
int snp_cert_kds_ext(const struct snp_cert *c, struct snp_kds_ext *x, struct snp_error *e);

/* ---- CRLs ----------------------------------------------------------------------------------- */

/*
 * The CRL against its issuer (the ARK): issuer name, signature (RSASSA-PSS
 * SHA-384 profile as above, verified by libcrypto), thisUpdate <= at <
 * nextUpdate. 1, 0 (why) or -1.
 */
int snp_crl_check(const struct snp_crl *crl, const struct snp_cert *issuer, time_t at, char *why, size_t whylen);
/* Whether the CRL lists c's serial number: 1 revoked (why: when), 0 not, -1 failure. */
int snp_crl_lists(const struct snp_crl *crl, const struct snp_cert *c, char *why, size_t whylen);

/* ---- the certificate table ------------------------------------------------------------------------ */

enum snp_cert_slot {
	SNP_SLOT_VCEK = 0,
	SNP_SLOT_VLEK,
	SNP_SLOT_ASK,
	SNP_SLOT_ARK,
	SNP_SLOTS
};

struct snp_cert_table {
	/* each slot: offset and length of its DER inside the table; length 0 = absent */
	uint32_t off[SNP_SLOTS], len[SNP_SLOTS];
	unsigned entries;  /* entries before the terminator */
	unsigned unknown;  /* entries with a GUID not listed above */
};

int snp_cert_table_parse(const uint8_t *buf, size_t len, struct snp_cert_table *t, struct snp_error *e);
/* "vcek", "vlek", "ask", "ark". */
const char *snp_cert_slot_name(enum snp_cert_slot s);
/* The 16 GUID bytes of a slot (textual order). */
const uint8_t *snp_cert_slot_guid(enum snp_cert_slot s);

/* ---- time ------------------------------------------------------------------------------------------ */

/* "2026-09-01T00:00:00Z", "2026-09-01" (midnight UTC) or "@1788220800"; false otherwise. */
bool snp_parse_time(const char *s, time_t *out);
/* ISO 8601 UTC. */
void snp_format_time(time_t t, char *buf, size_t len);

#endif
