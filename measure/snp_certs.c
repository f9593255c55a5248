/* SPDX-License-Identifier: MIT */
/*
 * snp_certs.c — AMD SEV-SNP certificates, CRLs and certificate tables
 * (contract in snp_certs.h). The one module of the verifier that talks to
 * libcrypto's X.509 code.
 */
#include "snp_certs.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../common/buf.h"
#include "../common/cleanup.h"
#include "../common/status.h"
#include "ecdsa.h"

struct snp_cert {
	X509 *x;
	unsigned refs;
};

struct snp_crl {
	X509_CRL *c;
};

static inline void bio_freep(BIO **b) { BIO_free(*b); }
static inline void x509_store_freep(X509_STORE **s) { X509_STORE_free(*s); }
static inline void x509_store_ctx_freep(X509_STORE_CTX **s) { X509_STORE_CTX_free(*s); }
static inline void x509_stack_freep(STACK_OF(X509) **s) { sk_X509_free(*s); }
static inline void pss_freep(RSA_PSS_PARAMS **p) { RSA_PSS_PARAMS_free(*p); }
static inline void algor_freep(X509_ALGOR **p) { X509_ALGOR_free(*p); }
static inline void opensslp(char **p) { OPENSSL_free(*p); }
static inline void openssl_bytesp(unsigned char **p) { OPENSSL_free(*p); }

int snp_fail(struct snp_error *e, int code, const char *rule, uint64_t offset, const char *fmt, ...)
{
	e->rule = rule;
	e->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return code;
}

static const char *reason(void)
{
	unsigned long err = ERR_peek_last_error();
	const char *r = err ? ERR_reason_error_string(err) : NULL;
	return r ? r : "no reason given";
}

/* ---- DER framing --------------------------------------------------------------------------- */

/*
 * The outer SEQUENCE of a DER object: tag 0x30, a definite minimal length,
 * exactly the bytes there are. prefix is "cert" or "crl" (rule names).
 */
static const char *const frame_rules[2][4] = {
	{ "cert.der-tag", "cert.der-length", "cert.der-truncated", "cert.der-trailing" },
	{ "crl.der-tag", "crl.der-length", "crl.der-truncated", "crl.der-trailing" },
};

static int der_frame(const uint8_t *buf, size_t len, const char *prefix, struct snp_error *e)
{
	const char *const *rules = frame_rules[strcmp(prefix, "cert") ? 1 : 0];
	struct ib_cursor c = ib_cursor_make(buf, len);
	uint8_t tag, l0;
	if (!ib_cursor_get_u8(&c, &tag) || !ib_cursor_get_u8(&c, &l0))
		return snp_fail(e, IB_EXIT_INVALID, rules[2], len, "%zu bytes: too short for a DER header", len);
	if (tag != 0x30)
		return snp_fail(e, IB_EXIT_INVALID, rules[0], 0, "tag 0x%02x, a DER %s starts with a SEQUENCE (0x30)",
				tag, strcmp(prefix, "cert") ? "CRL" : "certificate");
	uint64_t n = l0;
	if (l0 == 0x80)
		return snp_fail(e, IB_EXIT_INVALID, rules[1], 1, "indefinite length (0x80) is BER, not DER");
	if (l0 > 0x80) {
		unsigned bytes = l0 & 0x7F;
		if (bytes > 4)
			return snp_fail(e, IB_EXIT_INVALID, rules[1], 1, "a %u-byte length field (at most 4 here)", bytes);
		n = 0;
		for (unsigned i = 0; i < bytes; i++) {
			uint8_t b;
			if (!ib_cursor_get_u8(&c, &b))
				return snp_fail(e, IB_EXIT_INVALID, rules[2], len,
						"the file ends inside the %u-byte length field", bytes);
			if (i == 0 && b == 0)
				return snp_fail(e, IB_EXIT_INVALID, rules[1], 2, "length with a leading zero byte (not minimal DER)");
			n = n << 8 | b;
		}
		if (n < 0x80)
			return snp_fail(e, IB_EXIT_INVALID, rules[1], 1, "long form for a length of %llu (not minimal DER)",
					(unsigned long long)n);
	}
	size_t left = ib_cursor_left(&c);
	if (n > left)
		return snp_fail(e, IB_EXIT_INVALID, rules[2], len,
				"the SEQUENCE at offset 0 declares %llu bytes of content from offset 0x%zx, but the input ends "
				"after %zu",
				(unsigned long long)n, c.off, left);
	if (n < left)
		return snp_fail(e, IB_EXIT_INVALID, rules[3], c.off + n, "%llu bytes after the end of the SEQUENCE",
				(unsigned long long)(left - n));
	return 0;
}

/*
 * PEM: exactly one block with the label `want`; its body must frame as DER.
 * *der (OPENSSL_malloc'd) and *der_len get the body.
 */
static int pem_one(const uint8_t *buf, size_t len, const char *want, const char *prefix, unsigned char **der,
		   long *der_len, struct snp_error *e)
{
	static const char *const rule_pem[2] = { "cert.pem", "crl.pem" };
	static const char *const rule_count[2] = { "cert.pem-count", "crl.pem-count" };
	int k = strcmp(prefix, "cert") ? 1 : 0;
	_cleanup_(bio_freep) BIO *bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio)
		return snp_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");
	_cleanup_(opensslp) char *name = NULL;
	_cleanup_(opensslp) char *header = NULL;
	unsigned char *data = NULL;
	long n = 0;
	ERR_clear_error();
	if (!PEM_read_bio(bio, &name, &header, &data, &n))
		return snp_fail(e, IB_EXIT_INVALID, rule_pem[k], 0,
				"neither DER (first byte 0x30) nor PEM (-----BEGIN %s-----): %s", want, reason());
	if (strcmp(name, want)) {
		OPENSSL_free(data);
		return snp_fail(e, IB_EXIT_INVALID, rule_pem[k], 0, "a PEM \"%s\" block where \"%s\" belongs", name, want);
	}
	/* A second block would be silently ignored by a plain reader: refuse it. */
	_cleanup_(opensslp) char *name2 = NULL;
	_cleanup_(opensslp) char *header2 = NULL;
	_cleanup_(openssl_bytesp) unsigned char *data2 = NULL;
	long n2 = 0;
	if (PEM_read_bio(bio, &name2, &header2, &data2, &n2)) {
		OPENSSL_free(data);
		return snp_fail(e, IB_EXIT_INVALID, rule_count[k], 0,
				"more than one PEM block (a second \"%s\"); give one %s per file", name2, want);
	}
	ERR_clear_error();
	int r = der_frame(data, (size_t)n, prefix, e);
	if (r) {
		OPENSSL_free(data);
		strncat(e->detail, " (in the PEM body)", sizeof(e->detail) - strlen(e->detail) - 1);
		return r;
	}
	*der = data;
	*der_len = n;
	return 0;
}

int snp_cert_parse(const uint8_t *buf, size_t len, struct snp_cert **out, struct snp_error *e)
{
	*out = NULL;
	memset(e, 0, sizeof(*e));
	if (len == 0)
		return snp_fail(e, IB_EXIT_INVALID, "cert.der-truncated", 0, "empty input, not a certificate");
	if (len > SNP_CERT_MAX_SIZE)
		return snp_fail(e, IB_EXIT_INVALID, "cert.size", SNP_CERT_MAX_SIZE,
				"%zu bytes; an AMD certificate is under 2 KiB (limit %u)", len, SNP_CERT_MAX_SIZE);
	_cleanup_(openssl_bytesp) unsigned char *pem_der = NULL;
	const unsigned char *der = buf;
	long der_len = (long)len;
	int r;
	if (buf[0] == 0x30)
		r = der_frame(buf, len, "cert", e);
	else if ((r = pem_one(buf, len, "CERTIFICATE", "cert", &pem_der, &der_len, e)) == 0)
		der = pem_der;
	if (r)
		return r;
	ERR_clear_error();
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, der_len);
	if (!x)
		return snp_fail(e, IB_EXIT_INVALID, "cert.der-invalid", 0, "not an X.509 certificate: %s", reason());
	if (p != der + der_len) {
		X509_free(x);
		return snp_fail(e, IB_EXIT_INVALID, "cert.der-trailing", (uint64_t)(p - der), "bytes after the certificate");
	}
	struct snp_cert *c = calloc(1, sizeof(*c));
	if (!c) {
		X509_free(x);
		return snp_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");
	}
	c->x = x;
	c->refs = 1;
	*out = c;
	return 0;
}

struct snp_cert *snp_cert_from_pem(const char *pem)
{
	struct snp_cert *c = NULL;
	struct snp_error e;
	return snp_cert_parse((const uint8_t *)pem, strlen(pem), &c, &e) ? NULL : c;
}

struct snp_cert *snp_cert_ref(struct snp_cert *c)
{
	if (c)
		c->refs++;
	return c;
}

void snp_cert_free(struct snp_cert *c)
{
	if (!c || --c->refs)
		return;
	X509_free(c->x);
	free(c);
}

int snp_crl_parse(const uint8_t *buf, size_t len, struct snp_crl **out, struct snp_error *e)
{
	*out = NULL;
	memset(e, 0, sizeof(*e));
	if (len == 0)
		return snp_fail(e, IB_EXIT_INVALID, "crl.der-truncated", 0, "empty input, not a CRL");
	if (len > SNP_CERT_MAX_SIZE)
		return snp_fail(e, IB_EXIT_INVALID, "crl.size", SNP_CERT_MAX_SIZE,
				"%zu bytes; AMD's CRLs are under 2 KiB (limit %u)", len, SNP_CERT_MAX_SIZE);
	_cleanup_(openssl_bytesp) unsigned char *pem_der = NULL;
	const unsigned char *der = buf;
	long der_len = (long)len;
	int r;
	if (buf[0] == 0x30)
		r = der_frame(buf, len, "crl", e);
	else if ((r = pem_one(buf, len, "X509 CRL", "crl", &pem_der, &der_len, e)) == 0)
		der = pem_der;
	if (r)
		return r;
	ERR_clear_error();
	const unsigned char *p = der;
	X509_CRL *x = d2i_X509_CRL(NULL, &p, der_len);
	if (!x)
		return snp_fail(e, IB_EXIT_INVALID, "crl.der-invalid", 0, "not an X.509 CRL: %s", reason());
	if (p != der + der_len) {
		X509_CRL_free(x);
		return snp_fail(e, IB_EXIT_INVALID, "crl.der-trailing", (uint64_t)(p - der), "bytes after the CRL");
	}
	struct snp_crl *c = calloc(1, sizeof(*c));
	if (!c) {
		X509_CRL_free(x);
		return snp_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");
	}
	c->c = x;
	*out = c;
	return 0;
}

void snp_crl_free(struct snp_crl *c)
{
	if (!c)
		return;
	X509_CRL_free(c->c);
	free(c);
}

/* ---- reading ------------------------------------------------------------------------------------ */

static void name_line(const X509_NAME *n, char *buf, size_t len)
{
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	const X509_NAME_ENTRY *ne = i >= 0 ? X509_NAME_get_entry(n, i) : NULL;
	const ASN1_STRING *s = ne ? X509_NAME_ENTRY_get_data(ne) : NULL;
	if (s) {
		int l = ASN1_STRING_length(s);
		const unsigned char *d = ASN1_STRING_get0_data(s);
		size_t o = (size_t)snprintf(buf, len, "CN=");
		for (int k = 0; k < l && o + 1 < len; k++)
			buf[o++] = d[k] >= 0x20 && d[k] < 0x7F ? (char)d[k] : '?';
		buf[o < len ? o : len - 1] = 0;
		return;
	}
	if (!X509_NAME_oneline(n, buf, (int)(len > INT_MAX ? INT_MAX : len)))
		snprintf(buf, len, "(unreadable name)");
}

void snp_cert_subject(const struct snp_cert *c, char *buf, size_t len)
{
	name_line(X509_get_subject_name(c->x), buf, len);
}

void snp_cert_issuer(const struct snp_cert *c, char *buf, size_t len)
{
	name_line(X509_get_issuer_name(c->x), buf, len);
}

void snp_cert_serial(const struct snp_cert *c, char *buf, size_t len)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(c->x);
	BIGNUM *bn = s ? ASN1_INTEGER_to_BN(s, NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	snprintf(buf, len, "%s", hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
}

bool snp_cert_equal(const struct snp_cert *a, const struct snp_cert *b)
{
	return a && b && X509_cmp(a->x, b->x) == 0;
}

int snp_cert_fingerprint(const struct snp_cert *c, uint8_t out[32])
{
	unsigned int n = 0;
	return X509_digest(c->x, EVP_sha256(), out, &n) == 1 && n == 32 ? 0 : -1;
}

int snp_cert_p384(const struct snp_cert *c, uint8_t x[48], uint8_t y[48], char *why, size_t whylen)
{
	unsigned char *der = NULL;
	int n = i2d_X509(c->x, &der);
	if (n <= 0) {
		snprintf(why, whylen, "cannot encode the certificate");
		return IB_EXIT_INTERNAL;
	}
	int r = ecdsa_cert_parse_p384(der, (size_t)n, x, y, why, whylen);
	OPENSSL_free(der);
	return r;
}

/* ---- links ------------------------------------------------------------------------------------- */

static bool algor_is(const X509_ALGOR *a, int nid)
{
	const ASN1_OBJECT *obj = NULL;
	X509_ALGOR_get0(&obj, NULL, NULL, a);
	return obj && OBJ_obj2nid(obj) == nid;
}

/* AMD's CA profile: RSASSA-PSS, SHA-384, MGF1 with SHA-384, salt 48, trailer 1. */
static bool pss_sha384(const X509_ALGOR *alg, char *why, size_t whylen)
{
	const ASN1_OBJECT *obj = NULL;
	int ptype = 0;
	const void *pval = NULL;
	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	int nid = obj ? OBJ_obj2nid(obj) : NID_undef;
	if (nid != NID_rsassaPss) {
		snprintf(why, whylen, "signature algorithm %s, AMD's CAs sign with RSASSA-PSS (SHA-384)",
			 nid != NID_undef ? OBJ_nid2ln(nid) : "(unknown)");
		return false;
	}
	if (ptype != V_ASN1_SEQUENCE) {
		snprintf(why, whylen, "RSASSA-PSS without parameters (defaults to SHA-1), AMD's profile is SHA-384");
		return false;
	}
	ASN1_TYPE t = { .type = V_ASN1_SEQUENCE, .value.sequence = (ASN1_STRING *)(uintptr_t)pval };
	_cleanup_(pss_freep) RSA_PSS_PARAMS *pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), &t);
	if (!pss) {
		snprintf(why, whylen, "RSASSA-PSS parameters cannot be decoded");
		return false;
	}
	if (!pss->hashAlgorithm || !algor_is(pss->hashAlgorithm, NID_sha384)) {
		snprintf(why, whylen, "RSASSA-PSS with a hash other than SHA-384");
		return false;
	}
	if (!pss->maskGenAlgorithm || !algor_is(pss->maskGenAlgorithm, NID_mgf1)) {
		snprintf(why, whylen, "RSASSA-PSS with a mask generation function other than MGF1");
		return false;
	}
	const ASN1_OBJECT *mobj = NULL;
	int mtype = 0;
	const void *mval = NULL;
	X509_ALGOR_get0(&mobj, &mtype, &mval, pss->maskGenAlgorithm);
	ASN1_TYPE mt = { .type = V_ASN1_SEQUENCE, .value.sequence = (ASN1_STRING *)(uintptr_t)mval };
	_cleanup_(algor_freep) X509_ALGOR *mgf_md =
		mtype == V_ASN1_SEQUENCE ? ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR), &mt) : NULL;
	if (!mgf_md || !algor_is(mgf_md, NID_sha384)) {
		snprintf(why, whylen, "RSASSA-PSS with MGF1 over a hash other than SHA-384");
		return false;
	}
	long salt = pss->saltLength ? ASN1_INTEGER_get(pss->saltLength) : 20;
	if (salt != 48) {
		snprintf(why, whylen, "RSASSA-PSS with a %ld-byte salt, AMD's profile uses 48", salt);
		return false;
	}
	long trailer = pss->trailerField ? ASN1_INTEGER_get(pss->trailerField) : 1;
	if (trailer != 1) {
		snprintf(why, whylen, "RSASSA-PSS with trailer field %ld (must be 1)", trailer);
		return false;
	}
	return true;
}

static int validity(const ASN1_TIME *nb, const ASN1_TIME *na, time_t at, const char *what, char *why, size_t whylen)
{
	time_t t = at;
	char when[32];
	snp_format_time(at, when, sizeof(when));
	int b = nb ? X509_cmp_time(nb, &t) : 0;
	int a = na ? X509_cmp_time(na, &t) : 0;
	if (b == 0 || a == 0) {
		snprintf(why, whylen, "%s has a malformed validity time", what);
		return 0;
	}
	if (b > 0) {
		snprintf(why, whylen, "%s is not valid yet at %s", what, when);
		return 0;
	}
	if (a < 0) {
		snprintf(why, whylen, "%s expired before %s", what, when);
		return 0;
	}
	return 1;
}

int snp_cert_link(const struct snp_cert *child, const struct snp_cert *issuer, time_t at, char *why, size_t whylen)
{
	char cn[128], in[128];
	snp_cert_subject(child, cn, sizeof(cn));
	snp_cert_subject(issuer, in, sizeof(in));
	ERR_clear_error();
	int rc = X509_check_issued(issuer->x, child->x);
	if (rc != X509_V_OK) {
		char ci[128];
		snp_cert_issuer(child, ci, sizeof(ci));
		snprintf(why, whylen, "%s (issuer %s) is not issued by %s: %s", cn, ci, in, X509_verify_cert_error_string(rc));
		return 0;
	}
	if (X509_check_ca(issuer->x) < 1) {
		snprintf(why, whylen, "%s is not a certificate authority (basicConstraints)", in);
		return 0;
	}
	const ASN1_BIT_STRING *sig = NULL;
	const X509_ALGOR *alg = NULL;
	X509_get0_signature(&sig, &alg, child->x);
	char pss_why[200];
	if (!alg || !pss_sha384(alg, pss_why, sizeof(pss_why))) {
		snprintf(why, whylen, "%s: %s", cn, alg ? pss_why : "no signature algorithm");
		return 0;
	}
	EVP_PKEY *key = X509_get0_pubkey(issuer->x);
	if (!key || !(EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS"))) {
		snprintf(why, whylen, "%s has no RSA key to check %s with", in, cn);
		return 0;
	}
	ERR_clear_error();
	int v = X509_verify(child->x, key);
	if (v < 0) {
		/* libcrypto could not even try; a malformed signature lands here too. */
		snprintf(why, whylen, "the signature of %s cannot be checked with %s's key: %s", cn, in, reason());
		return 0;
	}
	if (v != 1) {
		snprintf(why, whylen, "the signature of %s does not verify with %s's key", cn, in);
		return 0;
	}
	return validity(X509_get0_notBefore(child->x), X509_get0_notAfter(child->x), at, cn, why, whylen);
}

int snp_cert_path(const struct snp_cert *root, const struct snp_cert *mid, const struct snp_cert *leaf, time_t at,
		  char *why, size_t whylen)
{
	_cleanup_(x509_store_freep) X509_STORE *store = X509_STORE_new();
	_cleanup_(x509_store_ctx_freep) X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	_cleanup_(x509_stack_freep) STACK_OF(X509) *untrusted = sk_X509_new_null();
	if (!store || !ctx || !untrusted || !X509_STORE_add_cert(store, root->x) || !sk_X509_push(untrusted, mid->x) ||
	    !X509_STORE_CTX_init(ctx, store, leaf->x, untrusted)) {
		snprintf(why, whylen, "libcrypto could not set up path validation");
		return -1;
	}
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, at);
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CHECK_SS_SIGNATURE);
	ERR_clear_error();
	if (X509_verify_cert(ctx) == 1)
		return 1;
	int err = X509_STORE_CTX_get_error(ctx);
	snprintf(why, whylen, "libcrypto's path validation: %s (at depth %d)", X509_verify_cert_error_string(err),
		 X509_STORE_CTX_get_error_depth(ctx));
	return 0;
}

/* ---- KDS extensions ---------------------------------------------------------------------------------- */

#define KDS_PREFIX "1.3.6.1.4.1.3704.1."

/* A DER INTEGER in 0..255: 02 01 vv (vv < 0x80) or 02 02 00 vv (vv >= 0x80). */
static bool der_u8(const uint8_t *p, size_t n, uint8_t *v)
{
	if (n == 3 && p[0] == 0x02 && p[1] == 1 && p[2] < 0x80) {
		*v = p[2];
		return true;
	}
	if (n == 4 && p[0] == 0x02 && p[1] == 2 && p[2] == 0 && p[3] >= 0x80) {
		*v = p[3];
		return true;
	}
	return false;
}

/* A short DER string (tag) of printable ASCII into out. */
static bool der_string(const uint8_t *p, size_t n, uint8_t tag, char *out, size_t cap)
{
	if (n < 2 || p[0] != tag || p[1] >= 0x80 || (size_t)p[1] != n - 2 || n - 2 >= cap)
		return false;
	for (size_t i = 2; i < n; i++) {
		if (p[i] < 0x20 || p[i] > 0x7E)
			return false;
		out[i - 2] = (char)p[i];
	}
	out[n - 2] = 0;
	return true;
}

int snp_cert_kds_ext(const struct snp_cert *c, struct snp_kds_ext *x, struct snp_error *e)
{
	memset(x, 0, sizeof(*x));
	memset(e, 0, sizeof(*e));
	int count = X509_get_ext_count(c->x);
	bool seen_hwid = false;
	for (int i = 0; i < count; i++) {
		X509_EXTENSION *ext = X509_get_ext(c->x, i);
		char oid[80];
		if (!ext || OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(ext), 1) <= 0)
			continue;
		if (strncmp(oid, KDS_PREFIX, strlen(KDS_PREFIX)))
			continue;
		const ASN1_OCTET_STRING *os = X509_EXTENSION_get_data(ext);
		const uint8_t *p = ASN1_STRING_get0_data(os);
		size_t n = (size_t)ASN1_STRING_length(os);
		const char *arc = oid + strlen(KDS_PREFIX);
		if (!strcmp(arc, "1")) {
			if (x->has_struct_version)
				goto dup;
			if (!der_u8(p, n, &x->struct_version))
				return snp_fail(e, IB_EXIT_INVALID, "vcek.extension", 0,
						"%s (struct version) is not a DER INTEGER 0-255", oid);
			x->has_struct_version = true;
		} else if (!strcmp(arc, "2")) {
			if (x->has_product_name)
				goto dup;
			if (!der_string(p, n, 0x16, x->product_name, sizeof(x->product_name)))
				return snp_fail(e, IB_EXIT_INVALID, "vcek.extension", 0,
						"%s (product name) is not a short printable IA5String", oid);
			x->has_product_name = true;
		} else if (!strncmp(arc, "3.", 2) && arc[2] >= '1' && arc[2] <= '9' && arc[3] == 0) {
			unsigned k = (unsigned)(arc[2] - '0');
			if (x->has_spl[k])
				goto dup;
			if (!der_u8(p, n, &x->spl[k]))
				return snp_fail(e, IB_EXIT_INVALID, "vcek.extension", 0,
						"%s (a security patch level) is not a DER INTEGER 0-255", oid);
			x->has_spl[k] = true;
		} else if (!strcmp(arc, "4")) {
			if (seen_hwid)
				goto dup;
			if (n != 64 && n != 8)
				return snp_fail(e, IB_EXIT_INVALID, "vcek.extension", 0,
						"%s (hwID) holds %zu bytes; a chip ID is 64 bytes (8 on Turin)", oid, n);
			memcpy(x->hwid, p, n);
			x->hwid_len = n;
			seen_hwid = true;
		} else if (!strcmp(arc, "5")) {
			if (x->has_csp_id)
				goto dup;
			if (!der_string(p, n, 0x16, x->csp_id, sizeof(x->csp_id)) &&
			    !der_string(p, n, 0x0C, x->csp_id, sizeof(x->csp_id)))
				return snp_fail(e, IB_EXIT_INVALID, "vcek.extension", 0,
						"%s (CSP ID) is not a short printable string", oid);
			x->has_csp_id = true;
		}
		/* other AMD arcs: not defined for VCEK/VLEK, ignored */
		continue;
	dup:
		return snp_fail(e, IB_EXIT_INVALID, "vcek.extension", 0, "extension %s appears twice", oid);
	}
	return 0;
}

/* ---- CRLs ---------------------------------------------------------------------------------------- */

int snp_crl_check(const struct snp_crl *crl, const struct snp_cert *issuer, time_t at, char *why, size_t whylen)
{
	char in[128];
	snp_cert_subject(issuer, in, sizeof(in));
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl->c), X509_get_subject_name(issuer->x))) {
		char ci[128];
		name_line(X509_CRL_get_issuer(crl->c), ci, sizeof(ci));
		snprintf(why, whylen, "the CRL is issued by %s, not by %s", ci, in);
		return 0;
	}
	const ASN1_BIT_STRING *sig = NULL;
	const X509_ALGOR *alg = NULL;
	X509_CRL_get0_signature(crl->c, &sig, &alg);
	char pss_why[200];
	if (!alg || !pss_sha384(alg, pss_why, sizeof(pss_why))) {
		snprintf(why, whylen, "CRL: %s", alg ? pss_why : "no signature algorithm");
		return 0;
	}
	EVP_PKEY *key = X509_get0_pubkey(issuer->x);
	ERR_clear_error();
	if (!key || X509_CRL_verify(crl->c, key) != 1) {
		snprintf(why, whylen, "the CRL's signature does not verify with %s's key", in);
		return 0;
	}
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl->c);
	if (!next) {
		snprintf(why, whylen, "the CRL has no nextUpdate, so it cannot be known to be current");
		return 0;
	}
	char what[32];
	snprintf(what, sizeof(what), "the CRL");
	return validity(X509_CRL_get0_lastUpdate(crl->c), next, at, what, why, whylen);
}

int snp_crl_lists(const struct snp_crl *crl, const struct snp_cert *c, char *why, size_t whylen)
{
	X509_REVOKED *rev = NULL;
	if (X509_CRL_get0_by_serial(crl->c, &rev, X509_get0_serialNumber(c->x)) == 1 && rev) {
		char cn[128], serial[80], when[64] = "an unknown date";
		snp_cert_subject(c, cn, sizeof(cn));
		snp_cert_serial(c, serial, sizeof(serial));
		const ASN1_TIME *t = X509_REVOKED_get0_revocationDate(rev);
		struct tm tm;
		if (t && ASN1_TIME_to_tm(t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(why, whylen, "%s (serial %s) is revoked since %s", cn, serial, when);
		return 1;
	}
	return 0;
}

/* ---- certificate table ------------------------------------------------------------------------------ */

static const uint8_t slot_guids[SNP_SLOTS][16] = {
	[SNP_SLOT_VCEK] = { 0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd },
	[SNP_SLOT_VLEK] = { 0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e, 0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1 },
	[SNP_SLOT_ASK] = { 0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4, 0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82 },
	[SNP_SLOT_ARK] = { 0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52, 0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae },
};

const char *snp_cert_slot_name(enum snp_cert_slot s)
{
	static const char *const names[SNP_SLOTS] = { "vcek", "vlek", "ask", "ark" };
	return s < SNP_SLOTS ? names[s] : "?";
}

const uint8_t *snp_cert_slot_guid(enum snp_cert_slot s)
{
	return s < SNP_SLOTS ? slot_guids[s] : NULL;
}

#define TABLE_ENTRY 24u

int snp_cert_table_parse(const uint8_t *buf, size_t len, struct snp_cert_table *t, struct snp_error *e)
{
	memset(t, 0, sizeof(*t));
	memset(e, 0, sizeof(*e));
	if (len > SNP_CERT_TABLE_MAX_SIZE)
		return snp_fail(e, IB_EXIT_INVALID, "cert-table.size", SNP_CERT_TABLE_MAX_SIZE,
				"%zu bytes, more than the %u a certificate table may have", len, SNP_CERT_TABLE_MAX_SIZE);
	static const uint8_t zero[TABLE_ENTRY];
	struct ib_cursor c = ib_cursor_make(buf, len);
	size_t entries = 0;
	/* First pass: find the terminator, so every data range can be checked against the entry array. */
	for (;;) {
		const uint8_t *ent;
		if (!ib_cursor_view(&c, &ent, TABLE_ENTRY))
			return snp_fail(e, IB_EXIT_INVALID, "cert-table.truncated", c.off,
					"%zu entries and no all-zero terminating entry before the end (%zu bytes)", entries,
					len);
		if (!memcmp(ent, zero, TABLE_ENTRY))
			break;
		entries++;
	}
	uint64_t array_end = (uint64_t)(entries + 1) * TABLE_ENTRY;
	c = ib_cursor_make(buf, len);
	for (size_t i = 0; i < entries; i++) {
		uint64_t at = c.off;
		uint8_t guid[16];
		uint32_t off, n;
		if (!ib_cursor_get_bytes(&c, guid, 16) || !ib_cursor_get_u32(&c, &off) || !ib_cursor_get_u32(&c, &n))
			return snp_fail(e, IB_EXIT_INTERNAL, NULL, at, "table walk");
		int slot = -1;
		for (int s = 0; s < SNP_SLOTS; s++)
			if (!memcmp(guid, slot_guids[s], 16))
				slot = s;
		if (slot < 0) {
			t->unknown++;
			continue;
		}
		if (n == 0)
			return snp_fail(e, IB_EXIT_INVALID, "cert-table.length", at + 20, "the %s entry has length 0",
					snp_cert_slot_name((enum snp_cert_slot)slot));
		if (!ib_range_ok(off, n, len))
			return snp_fail(e, IB_EXIT_INVALID, "cert-table.range", at + 16,
					"the %s entry's data at 0x%x, %u bytes, ends past the table's %zu bytes",
					snp_cert_slot_name((enum snp_cert_slot)slot), off, n, len);
		if (off < array_end)
			return snp_fail(e, IB_EXIT_INVALID, "cert-table.overlap", at + 16,
					"the %s entry's data at 0x%x lies inside the entry array (which ends at 0x%llx)",
					snp_cert_slot_name((enum snp_cert_slot)slot), off, (unsigned long long)array_end);
		if (t->len[slot])
			return snp_fail(e, IB_EXIT_INVALID, "cert-table.duplicate", at, "a second %s entry",
					snp_cert_slot_name((enum snp_cert_slot)slot));
		t->off[slot] = off;
		t->len[slot] = n;
	}
	t->entries = (unsigned)entries;
	return 0;
}

/* ---- time ----------------------------------------------------------------------------------------- */

/* n decimal digits at s into *v. */
static bool digits(const char *s, unsigned n, int *v)
{
	*v = 0;
	for (unsigned i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

bool snp_parse_time(const char *s, time_t *out)
{
	if (s[0] == '@') {
		char *end;
		errno = 0;
		long long v = strtoll(s + 1, &end, 10);
		if (s[1] < '0' || s[1] > '9' || *end || errno)
			return false;
		*out = (time_t)v;
		return true;
	}
	/* YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, nothing else */
	size_t n = strlen(s);
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if ((n != 10 && n != 20) || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	if (n == 20 && (s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
			s[16] != ':' || !digits(s + 17, 2, &sec) || s[19] != 'Z'))
		return false;
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 ||
	    mi > 59 || sec > 59)
		return false;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return false;
	*out = t;
	return true;
}

void snp_format_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "@%lld", (long long)t);
}
