/* SPDX-License-Identifier: MIT */
/*
 * ecdsa.c — the only igvmmeasure module that talks to OpenSSL's public-key
 * APIs (see ecdsa.h for the contract).
 *
 * Only non-deprecated OpenSSL 3.0 interfaces are used (the defines below make
 * the compiler enforce it): EVP_PKEY for loading and verifying, and the
 * BIGNUM / EC_GROUP / EC_POINT arithmetic plus EVP_MAC for our RFC 6979
 * signer. Every OpenSSL object lives in a _cleanup_ variable, so no early
 * return leaks; secrets (private scalars, nonces, DRBG state, key files) are
 * cleared before they are freed.
 */
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED

#include "ecdsa.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "../common/status.h"

/* Key and certificate files are small; anything bigger is not one. */
#define KEY_FILE_MAX (1u << 20)
/* The generic RFC 6979 code handles orders up to this many bits (P-521 needs 521). */
#define RFC6979_MAX_QBITS 1024
#define RFC6979_MAX_RLEN (RFC6979_MAX_QBITS / 8)
/* A nonce that gives r = 0 or s = 0 has probability ~2^-384; looping longer means a bug. */
#define SIGN_MAX_TRIES 64

struct ecdsa_key {
	EC_GROUP *group;
	const BIGNUM *order; /* owned by group */
	BIGNUM *d;           /* NULL for a public-only key */
	EC_POINT *pub;
	size_t order_bytes;
	int nid;
};

/* ---- cleanup helpers for OpenSSL objects ------------------------------------------------- */

static inline void bn_clear_freep(BIGNUM **p) { BN_clear_free(*p); }
static inline void bn_ctx_freep(BN_CTX **p) { BN_CTX_free(*p); }
static inline void ec_point_freep(EC_POINT **p) { EC_POINT_free(*p); }
static inline void ec_group_freep(EC_GROUP **p) { EC_GROUP_free(*p); }
static inline void evp_pkey_freep(EVP_PKEY **p) { EVP_PKEY_free(*p); }
static inline void evp_pkey_ctx_freep(EVP_PKEY_CTX **p) { EVP_PKEY_CTX_free(*p); }
static inline void evp_md_ctx_freep(EVP_MD_CTX **p) { EVP_MD_CTX_free(*p); }
static inline void evp_md_freep(EVP_MD **p) { EVP_MD_free(*p); }
static inline void evp_mac_freep(EVP_MAC **p) { EVP_MAC_free(*p); }
static inline void bio_freep(BIO **p) { BIO_free(*p); }
static inline void x509_freep(X509 **p) { X509_free(*p); }
static inline void ecdsa_sig_freep(ECDSA_SIG **p) { ECDSA_SIG_free(*p); }
static inline void p8_freep(PKCS8_PRIV_KEY_INFO **p) { PKCS8_PRIV_KEY_INFO_free(*p); }
static inline void param_bld_freep(OSSL_PARAM_BLD **p) { OSSL_PARAM_BLD_free(*p); }
static inline void params_freep(OSSL_PARAM **p) { OSSL_PARAM_free(*p); }
static inline void ossl_freep(void *p) { OPENSSL_free(*(void **)p); }

#define _cleanup_bn_      _cleanup_(bn_clear_freep)
#define _cleanup_bn_ctx_  _cleanup_(bn_ctx_freep)
#define _cleanup_point_   _cleanup_(ec_point_freep)
#define _cleanup_group_   _cleanup_(ec_group_freep)
#define _cleanup_pkey_    _cleanup_(evp_pkey_freep)
#define _cleanup_ossl_    _cleanup_(ossl_freep)

/* ---- errors ------------------------------------------------------------------------------ */

static int fail(char *err, size_t errlen, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Formats the reason; for library failures appends OpenSSL's own reason,
 * since "libcrypto failed" alone would not help anyone. Clears the OpenSSL
 * error queue so a later, unrelated failure does not report a stale reason.
 */
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		unsigned long e = ERR_peek_last_error();
		if (code == IB_EXIT_INTERNAL && e) {
			size_t n = strlen(err);
			char reason[160];
			ERR_error_string_n(e, reason, sizeof(reason));
			snprintf(err + n, errlen - n, " (%s)", reason);
		}
	}
	ERR_clear_error();
	return code;
}

static const char *openssl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	return r ? r : "unknown reason";
}

/* ---- keys -------------------------------------------------------------------------------- */

void ecdsa_key_free(struct ecdsa_key *k)
{
	if (!k)
		return;
	BN_clear_free(k->d);
	EC_POINT_free(k->pub);
	EC_GROUP_free(k->group);
	free(k);
}

bool ecdsa_key_has_private(const struct ecdsa_key *k)
{
	return k && k->d;
}

size_t ecdsa_key_order_bytes(const struct ecdsa_key *k)
{
	return k ? k->order_bytes : 0;
}

static struct ecdsa_key *key_new(int nid)
{
	struct ecdsa_key *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->group = EC_GROUP_new_by_curve_name(nid);
	if (!k->group) {
		free(k);
		return NULL;
	}
	k->order = EC_GROUP_get0_order(k->group);
	k->order_bytes = (size_t)BN_num_bytes(k->order);
	k->nid = nid;
	return k;
}

/*
 * Takes ownership of d. Checks 1 <= d < n and computes the public point, so
 * a key's public half always belongs to its private half.
 */
static int key_set_private(struct ecdsa_key *k, BIGNUM *d, char *err, size_t errlen)
{
	_cleanup_bn_ BIGNUM *dd = d;
	_cleanup_bn_ctx_ BN_CTX *ctx = BN_CTX_new();
	if (!ctx)
		return fail(err, errlen, IB_EXIT_INTERNAL, "out of memory");
	if (BN_is_zero(dd) || BN_is_negative(dd) || BN_cmp(dd, k->order) >= 0)
		return fail(err, errlen, IB_EXIT_INVALID, "private scalar is not in [1, n-1]");
	BN_set_flags(dd, BN_FLG_CONSTTIME);
	EC_POINT *q = EC_POINT_new(k->group);
	if (!q || !EC_POINT_mul(k->group, q, dd, NULL, NULL, ctx)) {
		EC_POINT_free(q);
		return fail(err, errlen, IB_EXIT_INTERNAL, "cannot compute the public key");
	}
	EC_POINT_free(k->pub);
	k->pub = q;
	k->d = TAKE_PTR(dd);
	return 0;
}

int ecdsa_key_from_scalar(const char *curve, const uint8_t *d, size_t d_len, struct ecdsa_key **out)
{
	*out = NULL;
	int nid = curve ? OBJ_sn2nid(curve) : NID_undef;
	if (nid == NID_undef || !d || d_len == 0 || d_len > INT_MAX)
		return IB_EXIT_INTERNAL;
	_cleanup_(ecdsa_key_freep) struct ecdsa_key *k = key_new(nid);
	if (!k)
		return fail(NULL, 0, IB_EXIT_INTERNAL, "no such curve");
	BIGNUM *bd = BN_secure_new();
	if (!bd || !BN_bin2bn(d, (int)d_len, bd)) {
		BN_clear_free(bd);
		return fail(NULL, 0, IB_EXIT_INTERNAL, "out of memory");
	}
	int r = key_set_private(k, bd, NULL, 0);
	if (r)
		return r;
	*out = TAKE_PTR(k);
	return 0;
}

/* The NIST name of a curve, for messages ("prime256v1" says less than "P-256"). */
static const char *curve_label(int nid)
{
	const char *nist = nid != NID_undef ? EC_curve_nid2nist(nid) : NULL;
	return nist ? nist : "no NIST name";
}

/*
 * Turns a decoded EVP_PKEY into our key, refusing every key that is not an
 * EC P-384 key by name. want_private refuses public-only keys.
 */
static int key_from_pkey(EVP_PKEY *pkey, bool want_private, const char *what, struct ecdsa_key **out, char *err,
			 size_t errlen)
{
	if (!EVP_PKEY_is_a(pkey, "EC")) {
		const char *t = EVP_PKEY_get0_type_name(pkey);
		return fail(err, errlen, IB_EXIT_INVALID,
			    "%s: key type %s is not supported (an ECDSA key on curve P-384 is needed)", what,
			    t ? t : "(unknown)");
	}
	char gname[80];
	size_t glen = 0;
	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, gname, sizeof(gname), &glen))
		return fail(err, errlen, IB_EXIT_INVALID,
			    "%s: EC key with explicit curve parameters (only the named curve P-384, secp384r1, is "
			    "supported)", what);
	int nid = OBJ_sn2nid(gname);
	if (nid != NID_secp384r1)
		return fail(err, errlen, IB_EXIT_INVALID,
			    "%s: curve %s (%s) is not supported (ECDSA keys must be on P-384, secp384r1)", what, gname,
			    curve_label(nid));

	_cleanup_(ecdsa_key_freep) struct ecdsa_key *k = key_new(NID_secp384r1);
	if (!k)
		return fail(err, errlen, IB_EXIT_INTERNAL, "out of memory");

	/* The stored public point, when the file has one (SEC1 makes it optional). */
	_cleanup_point_ EC_POINT *stored = NULL;
	uint8_t oct[1 + 2 * 66];
	size_t olen = 0;
	if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, oct, sizeof(oct), &olen)) {
		_cleanup_bn_ctx_ BN_CTX *ctx = BN_CTX_new();
		stored = EC_POINT_new(k->group);
		if (!ctx || !stored)
			return fail(err, errlen, IB_EXIT_INTERNAL, "out of memory");
		/* oct2point checks that the point is on the curve. */
		if (!EC_POINT_oct2point(k->group, stored, oct, olen, ctx) ||
		    EC_POINT_is_at_infinity(k->group, stored))
			return fail(err, errlen, IB_EXIT_INVALID, "%s: the public key is not a point of P-384", what);
	}
	ERR_clear_error();

	BIGNUM *d = NULL;
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) && d) {
		int r = key_set_private(k, d, err, errlen);
		if (r)
			return r;
		if (stored) {
			_cleanup_bn_ctx_ BN_CTX *ctx = BN_CTX_new();
			if (!ctx)
				return fail(err, errlen, IB_EXIT_INTERNAL, "out of memory");
			int c = EC_POINT_cmp(k->group, stored, k->pub, ctx);
			if (c < 0)
				return fail(err, errlen, IB_EXIT_INTERNAL, "cannot compare public keys");
			if (c != 0)
				return fail(err, errlen, IB_EXIT_INVALID,
					    "%s: the public key in the file does not belong to the private key", what);
		}
	} else {
		ERR_clear_error();
		if (want_private)
			return fail(err, errlen, IB_EXIT_INVALID, "%s: a public key, but a private key is needed",
				    what);
		if (!stored)
			return fail(err, errlen, IB_EXIT_INVALID, "%s: the key has no public point", what);
		k->pub = TAKE_PTR(stored);
	}
	*out = TAKE_PTR(k);
	return 0;
}

/* Decodes one PEM block's DER body into a key of the kind its label announces. */
static int decode_block(const char *name, const unsigned char *data, long dlen, bool allow_public,
			EVP_PKEY **pkey, char *err, size_t errlen)
{
	const unsigned char *p = data;
	*pkey = NULL;
	if (!strcmp(name, "EC PRIVATE KEY")) {
		*pkey = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, dlen);
		if (!*pkey)
			return fail(err, errlen, IB_EXIT_INVALID, "EC PRIVATE KEY: not a valid SEC1 EC key (%s)",
				    openssl_reason());
	} else if (!strcmp(name, "PRIVATE KEY")) {
		_cleanup_(p8_freep) PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, dlen);
		if (!p8)
			return fail(err, errlen, IB_EXIT_INVALID, "PRIVATE KEY: not a valid PKCS#8 structure (%s)",
				    openssl_reason());
		*pkey = EVP_PKCS82PKEY(p8);
		if (!*pkey)
			return fail(err, errlen, IB_EXIT_INVALID,
				    "PRIVATE KEY: a PKCS#8 key of a type or curve that cannot be decoded (%s)",
				    openssl_reason());
	} else if (!strcmp(name, "PUBLIC KEY")) {
		if (!allow_public)
			return fail(err, errlen, IB_EXIT_INVALID, "a PUBLIC KEY, but a private key is needed");
		*pkey = d2i_PUBKEY(NULL, &p, dlen);
		if (!*pkey)
			return fail(err, errlen, IB_EXIT_INVALID, "PUBLIC KEY: not a valid SubjectPublicKeyInfo (%s)",
				    openssl_reason());
	} else if (!strcmp(name, "ENCRYPTED PRIVATE KEY")) {
		return fail(err, errlen, IB_EXIT_INVALID,
			    "encrypted PKCS#8 keys are not supported (decrypt the key first)");
	} else {
		return fail(err, errlen, IB_EXIT_INVALID,
			    "PEM block '%s' is not supported (expected EC PRIVATE KEY or PRIVATE KEY%s holding a "
			    "P-384 key)", name, allow_public ? " or PUBLIC KEY" : "");
	}
	if (p != data + dlen) {
		EVP_PKEY_free(*pkey);
		*pkey = NULL;
		return fail(err, errlen, IB_EXIT_INVALID, "%s: %ld trailing bytes after the key", name,
			    (long)(data + dlen - p));
	}
	return 0;
}

int ecdsa_key_parse_pem(const uint8_t *pem, size_t len, bool allow_public, struct ecdsa_key **out,
			char *err, size_t errlen)
{
	*out = NULL;
	ERR_clear_error();
	if (len > INT_MAX)
		return fail(err, errlen, IB_EXIT_INVALID, "too large to be a key");
	_cleanup_(bio_freep) BIO *bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return fail(err, errlen, IB_EXIT_INTERNAL, "out of memory");

	_cleanup_pkey_ EVP_PKEY *found = NULL;
	const char *found_name = NULL;
	unsigned blocks = 0;
	for (;;) {
		_cleanup_ossl_ char *name = NULL;
		_cleanup_ossl_ char *header = NULL;
		_cleanup_ossl_ unsigned char *data = NULL;
		long dlen = 0;
		if (!PEM_read_bio(bio, &name, &header, &data, &dlen)) {
			unsigned long e = ERR_peek_last_error();
			if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
				/* No further "-----BEGIN" line: the end of the file. */
				ERR_clear_error();
				break;
			}
			return fail(err, errlen, IB_EXIT_INVALID, "broken PEM after %u block(s): %s", blocks,
				    openssl_reason());
		}
		blocks++;
		int r = 0;
		if (header && *header) {
			r = fail(err, errlen, IB_EXIT_INVALID,
				 "%s: encrypted PEM (with a Proc-Type/DEK-Info header) is not supported", name);
		} else if (!strcmp(name, "EC PARAMETERS")) {
			/* `openssl ecparam -genkey` without -noout writes this first; the key names its curve itself. */
		} else if (found) {
			r = fail(err, errlen, IB_EXIT_INVALID, "more than one key (%s, then %s)", found_name, name);
		} else {
			EVP_PKEY *pk = NULL;
			r = decode_block(name, data, dlen, allow_public, &pk, err, errlen);
			found = pk;
			found_name = !strcmp(name, "EC PRIVATE KEY") ? "EC PRIVATE KEY"
				     : !strcmp(name, "PRIVATE KEY") ? "PRIVATE KEY" : "PUBLIC KEY";
		}
		if (data && dlen > 0)
			OPENSSL_cleanse(data, (size_t)dlen);
		if (r)
			return r;
	}
	if (!blocks)
		return fail(err, errlen, IB_EXIT_INVALID,
			    "no PEM data (a P-384 key is read from PEM: -----BEGIN EC PRIVATE KEY----- or "
			    "-----BEGIN PRIVATE KEY-----)");
	if (!found)
		return fail(err, errlen, IB_EXIT_INVALID, "no key in the file (only EC PARAMETERS)");
	return key_from_pkey(found, !allow_public, found_name, out, err, errlen);
}

static int key_load(const char *path, bool allow_public, struct ecdsa_key **out, char *err, size_t errlen)
{
	*out = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int r = ib_read_file(path, KEY_FILE_MAX, &data, &len);
	if (r == -EFBIG)
		return fail(err, errlen, IB_EXIT_INVALID, "larger than %u bytes: not a key file", KEY_FILE_MAX);
	if (r < 0)
		return fail(err, errlen, IB_EXIT_IO, "cannot read: %s", strerror(-r));
	r = ecdsa_key_parse_pem(data, len, allow_public, out, err, errlen);
	OPENSSL_cleanse(data, len);
	free(data);
	return r;
}

int ecdsa_key_load_private(const char *path, struct ecdsa_key **out, char *err, size_t errlen)
{
	return key_load(path, false, out, err, errlen);
}

int ecdsa_key_load_any(const char *path, struct ecdsa_key **out, char *err, size_t errlen)
{
	return key_load(path, true, out, err, errlen);
}

int ecdsa_key_public_xy(const struct ecdsa_key *k, uint8_t x[ECDSA_P384_BYTES], uint8_t y[ECDSA_P384_BYTES])
{
	if (!k || k->nid != NID_secp384r1 || !k->pub)
		return IB_EXIT_INTERNAL;
	_cleanup_bn_ctx_ BN_CTX *ctx = BN_CTX_new();
	_cleanup_bn_ BIGNUM *bx = BN_new();
	_cleanup_bn_ BIGNUM *by = BN_new();
	if (!ctx || !bx || !by || !EC_POINT_get_affine_coordinates(k->group, k->pub, bx, by, ctx) ||
	    BN_bn2binpad(bx, x, ECDSA_P384_BYTES) != ECDSA_P384_BYTES ||
	    BN_bn2binpad(by, y, ECDSA_P384_BYTES) != ECDSA_P384_BYTES)
		return fail(NULL, 0, IB_EXIT_INTERNAL, "affine coordinates");
	return 0;
}

/* ---- RFC 6979 deterministic nonces ------------------------------------------------------- */

/*
 * The HMAC_DRBG of RFC 6979 §3.2, kept as a generator so that the signer can
 * ask for the next candidate (step h.3) when a k gives r = 0 or s = 0.
 */
struct rfc6979 {
	EVP_MAC_CTX *mac;
	char md[32];
	size_t hlen;
	const BIGNUM *q;
	int qbits;
	size_t rlen; /* ceil(qlen / 8) */
	uint8_t K[EVP_MAX_MD_SIZE];
	uint8_t V[EVP_MAX_MD_SIZE];
	bool started; /* a k was handed out: the next call must move the state first */
};

struct part {
	const uint8_t *p;
	size_t n;
};

/* out = HMAC_K(parts...), hlen bytes. */
static bool drbg_hmac(struct rfc6979 *st, const struct part *parts, size_t nparts, uint8_t *out)
{
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, st->md, 0),
		OSSL_PARAM_construct_end(),
	};
	if (!EVP_MAC_init(st->mac, st->K, st->hlen, params))
		return false;
	for (size_t i = 0; i < nparts; i++)
		if (parts[i].n && !EVP_MAC_update(st->mac, parts[i].p, parts[i].n))
			return false;
	uint8_t tmp[EVP_MAX_MD_SIZE];
	size_t outl = 0;
	if (!EVP_MAC_final(st->mac, tmp, &outl, sizeof(tmp)) || outl != st->hlen)
		return false;
	memcpy(out, tmp, outl);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return true;
}

/* bits2int (§2.3.2): the leftmost qlen bits of b as an integer. */
static bool bits2int(BIGNUM *out, const uint8_t *b, size_t blen, int qbits)
{
	if (blen > INT_MAX / 8 || !BN_bin2bn(b, (int)blen, out))
		return false;
	int bl = (int)blen * 8;
	return bl <= qbits || BN_rshift(out, out, bl - qbits);
}

/* bits2octets (§2.3.4): bits2int, reduced once modulo q, as rlen octets. */
static bool bits2octets(uint8_t *out, const uint8_t *b, size_t blen, const BIGNUM *q, int qbits, size_t rlen)
{
	_cleanup_bn_ BIGNUM *z = BN_new();
	if (!z || !bits2int(z, b, blen, qbits))
		return false;
	/* z < 2^qlen < 2q, so one subtraction reduces it. */
	if (BN_cmp(z, q) >= 0 && !BN_sub(z, z, q))
		return false;
	return BN_bn2binpad(z, out, (int)rlen) == (int)rlen;
}

static void drbg_free(struct rfc6979 *st)
{
	EVP_MAC_CTX_free(st->mac);
	OPENSSL_cleanse(st, sizeof(*st));
}

/* Steps a-g of §3.2, with x the private scalar and h1 the message hash. */
static bool drbg_init(struct rfc6979 *st, const char *md_name, const BIGNUM *q, const BIGNUM *x,
		      const uint8_t *h1, size_t h1_len)
{
	memset(st, 0, sizeof(*st));
	if (strlen(md_name) >= sizeof(st->md))
		return false;
	strcpy(st->md, md_name);
	st->q = q;
	st->qbits = BN_num_bits(q);
	st->rlen = ((size_t)st->qbits + 7) / 8;
	if (st->qbits < 2 || st->qbits > RFC6979_MAX_QBITS || BN_cmp(x, q) >= 0 || BN_is_negative(x))
		return false;

	_cleanup_(evp_md_freep) EVP_MD *md = EVP_MD_fetch(NULL, md_name, NULL);
	_cleanup_(evp_mac_freep) EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!md || !mac)
		return false;
	int hl = EVP_MD_get_size(md);
	if (hl <= 0 || hl > EVP_MAX_MD_SIZE)
		return false;
	st->hlen = (size_t)hl;
	st->mac = EVP_MAC_CTX_new(mac);
	if (!st->mac)
		return false;

	uint8_t xo[RFC6979_MAX_RLEN];
	uint8_t ho[RFC6979_MAX_RLEN];
	bool ok = BN_bn2binpad(x, xo, (int)st->rlen) == (int)st->rlen &&
		  bits2octets(ho, h1, h1_len, q, st->qbits, st->rlen);
	if (ok) {
		static const uint8_t zero = 0x00, one = 0x01;
		memset(st->V, 0x01, st->hlen);                 /* b */
		memset(st->K, 0x00, st->hlen);                 /* c */
		struct part d[] = { { st->V, st->hlen }, { &zero, 1 }, { xo, st->rlen }, { ho, st->rlen } };
		ok = drbg_hmac(st, d, 4, st->K);               /* d */
		struct part v[] = { { st->V, st->hlen } };
		ok = ok && drbg_hmac(st, v, 1, st->V);         /* e */
		struct part f[] = { { st->V, st->hlen }, { &one, 1 }, { xo, st->rlen }, { ho, st->rlen } };
		ok = ok && drbg_hmac(st, f, 4, st->K);         /* f */
		ok = ok && drbg_hmac(st, v, 1, st->V);         /* g */
	}
	OPENSSL_cleanse(xo, sizeof(xo));
	OPENSSL_cleanse(ho, sizeof(ho));
	return ok;
}

/* K = HMAC_K(V || 0x00); V = HMAC_K(V): what §3.2 h.3 does before trying again. */
static bool drbg_reseed_step(struct rfc6979 *st)
{
	static const uint8_t zero = 0x00;
	struct part kp[] = { { st->V, st->hlen }, { &zero, 1 } };
	struct part vp[] = { { st->V, st->hlen } };
	return drbg_hmac(st, kp, 2, st->K) && drbg_hmac(st, vp, 1, st->V);
}

/* Step h: the next candidate k in [1, q-1]. */
static bool drbg_next(struct rfc6979 *st, BIGNUM *k)
{
	if (st->started && !drbg_reseed_step(st))
		return false;
	st->started = true;
	uint8_t T[RFC6979_MAX_RLEN + EVP_MAX_MD_SIZE];
	bool ok = false;
	for (unsigned tries = 0; tries < SIGN_MAX_TRIES; tries++) {
		size_t tlen = 0;
		while (tlen < st->rlen) {
			struct part vp[] = { { st->V, st->hlen } };
			if (!drbg_hmac(st, vp, 1, st->V))
				goto out;
			memcpy(T + tlen, st->V, st->hlen);
			tlen += st->hlen;
		}
		if (!bits2int(k, T, tlen, st->qbits))
			goto out;
		if (!BN_is_zero(k) && BN_cmp(k, st->q) < 0) {
			ok = true;
			goto out;
		}
		if (!drbg_reseed_step(st))
			goto out;
	}
out:
	OPENSSL_cleanse(T, sizeof(T));
	return ok;
}

int ecdsa_rfc6979_nonce(const uint8_t *q, size_t q_len, const uint8_t *x, size_t x_len, const char *md_name,
			const uint8_t *h1, size_t h1_len, uint8_t *k_out, size_t k_len)
{
	if (!q || !x || !md_name || !h1 || !k_out || q_len > RFC6979_MAX_RLEN || x_len > RFC6979_MAX_RLEN)
		return IB_EXIT_INTERNAL;
	_cleanup_bn_ BIGNUM *bq = BN_bin2bn(q, (int)q_len, NULL);
	_cleanup_bn_ BIGNUM *bx = BN_bin2bn(x, (int)x_len, NULL);
	_cleanup_bn_ BIGNUM *k = BN_secure_new();
	if (!bq || !bx || !k)
		return fail(NULL, 0, IB_EXIT_INTERNAL, "out of memory");
	struct rfc6979 st;
	bool ok = drbg_init(&st, md_name, bq, bx, h1, h1_len) && drbg_next(&st, k) &&
		  k_len <= INT_MAX && BN_bn2binpad(k, k_out, (int)k_len) == (int)k_len;
	drbg_free(&st);
	return ok ? 0 : fail(NULL, 0, IB_EXIT_INTERNAL, "rfc6979");
}

/* ---- signing ----------------------------------------------------------------------------- */

/* ECDSA over hash h with the RFC 6979 nonce; r and s are set on success. */
static int sign_bn(const struct ecdsa_key *key, const char *md_name, const uint8_t *h, size_t h_len, BIGNUM *r,
		   BIGNUM *s)
{
	if (!key || !key->d)
		return IB_EXIT_INTERNAL;
	const BIGNUM *q = key->order;
	_cleanup_bn_ctx_ BN_CTX *ctx = BN_CTX_secure_new();
	_cleanup_bn_ BIGNUM *e = BN_new();
	_cleanup_bn_ BIGNUM *k = BN_secure_new();
	_cleanup_bn_ BIGNUM *kinv = BN_secure_new();
	_cleanup_bn_ BIGNUM *t = BN_secure_new();
	_cleanup_bn_ BIGNUM *xr = BN_new();
	_cleanup_point_ EC_POINT *R = EC_POINT_new(key->group);
	if (!ctx || !e || !k || !kinv || !t || !xr || !R)
		return fail(NULL, 0, IB_EXIT_INTERNAL, "out of memory");
	/* The nonce and everything derived from it must not leak through timing. */
	BN_set_flags(k, BN_FLG_CONSTTIME);
	BN_set_flags(kinv, BN_FLG_CONSTTIME);
	BN_set_flags(t, BN_FLG_CONSTTIME);

	/* e = bits2int(h) mod q (FIPS 186 / SEC 1: the leftmost qlen bits of the hash). */
	if (!bits2int(e, h, h_len, BN_num_bits(q)) || !BN_nnmod(e, e, q, ctx))
		return fail(NULL, 0, IB_EXIT_INTERNAL, "hash to integer");

	struct rfc6979 st;
	if (!drbg_init(&st, md_name, q, key->d, h, h_len)) {
		drbg_free(&st);
		return fail(NULL, 0, IB_EXIT_INTERNAL, "rfc6979 init");
	}
	int ret = IB_EXIT_INTERNAL;
	for (unsigned tries = 0; tries < SIGN_MAX_TRIES; tries++) {
		if (!drbg_next(&st, k))
			break;
		/* r = x(kG) mod q */
		if (!EC_POINT_mul(key->group, R, k, NULL, NULL, ctx) ||
		    !EC_POINT_get_affine_coordinates(key->group, R, xr, NULL, ctx) || !BN_nnmod(r, xr, q, ctx))
			break;
		if (BN_is_zero(r))
			continue; /* h.3: next k */
		/* s = k^-1 (e + r d) mod q; BN_mod_inverse takes its constant-time path for a CONSTTIME k. */
		if (!BN_mod_inverse(kinv, k, q, ctx) || !BN_mod_mul(t, r, key->d, q, ctx) ||
		    !BN_mod_add(t, t, e, q, ctx) || !BN_mod_mul(s, kinv, t, q, ctx))
			break;
		if (BN_is_zero(s))
			continue;
		ret = 0;
		break;
	}
	drbg_free(&st);
	return ret ? fail(NULL, 0, IB_EXIT_INTERNAL, "ecdsa sign") : 0;
}

int ecdsa_sign_digest(const struct ecdsa_key *k, const char *md_name, const uint8_t *h, size_t h_len, uint8_t *r,
		      uint8_t *s, size_t comp_len)
{
	if (!k || !md_name || !h || comp_len < k->order_bytes || comp_len > INT_MAX)
		return IB_EXIT_INTERNAL;
	_cleanup_bn_ BIGNUM *br = BN_new();
	_cleanup_bn_ BIGNUM *bs = BN_new();
	if (!br || !bs)
		return IB_EXIT_INTERNAL;
	int ret = sign_bn(k, md_name, h, h_len, br, bs);
	if (ret)
		return ret;
	if (BN_bn2binpad(br, r, (int)comp_len) != (int)comp_len || BN_bn2binpad(bs, s, (int)comp_len) != (int)comp_len)
		return IB_EXIT_INTERNAL;
	return 0;
}

int ecdsa_sign_sha384(const struct ecdsa_key *k, const void *msg, size_t len, uint8_t r[ECDSA_P384_BYTES],
		      uint8_t s[ECDSA_P384_BYTES])
{
	if (!k || k->nid != NID_secp384r1 || !k->d)
		return IB_EXIT_INTERNAL;
	uint8_t h[48];
	unsigned hl = 0;
	if (!EVP_Digest(msg, len, h, &hl, EVP_sha384(), NULL) || hl != sizeof(h))
		return fail(NULL, 0, IB_EXIT_INTERNAL, "sha384");
	return ecdsa_sign_digest(k, "SHA384", h, sizeof(h), r, s, ECDSA_P384_BYTES);
}

/* ---- verification ------------------------------------------------------------------------ */

/* An EVP_PKEY for the P-384 point (x, y); NULL with *bad_key set when it is not on the curve. */
static EVP_PKEY *p384_public_pkey(const uint8_t x[ECDSA_P384_BYTES], const uint8_t y[ECDSA_P384_BYTES],
				  bool *bad_key)
{
	*bad_key = false;
	uint8_t oct[1 + 2 * ECDSA_P384_BYTES];
	oct[0] = 0x04; /* uncompressed point */
	memcpy(oct + 1, x, ECDSA_P384_BYTES);
	memcpy(oct + 1 + ECDSA_P384_BYTES, y, ECDSA_P384_BYTES);

	/* Validate the point ourselves first, so "not on the curve" is not mistaken for a library error. */
	_cleanup_group_ EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
	_cleanup_point_ EC_POINT *pt = g ? EC_POINT_new(g) : NULL;
	_cleanup_bn_ctx_ BN_CTX *ctx = BN_CTX_new();
	if (!g || !pt || !ctx)
		return NULL;
	if (!EC_POINT_oct2point(g, pt, oct, sizeof(oct), ctx) || EC_POINT_is_at_infinity(g, pt)) {
		ERR_clear_error();
		*bad_key = true;
		return NULL;
	}

	_cleanup_(param_bld_freep) OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, oct, sizeof(oct)))
		return NULL;
	_cleanup_(params_freep) OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	_cleanup_(evp_pkey_ctx_freep) EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;
	if (!params || !pctx || EVP_PKEY_fromdata_init(pctx) <= 0 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		return NULL;
	return pkey;
}

/* 1 <= v < n for the P-384 order n. */
static bool in_scalar_range(const uint8_t v[ECDSA_P384_BYTES])
{
	/* P-384 group order n, big-endian (SEC 2 / FIPS 186-4 D.1.2.4). */
	static const uint8_t n[ECDSA_P384_BYTES] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
		0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
	};
	bool nonzero = false;
	for (size_t i = 0; i < ECDSA_P384_BYTES; i++)
		nonzero |= v[i] != 0;
	return nonzero && memcmp(v, n, ECDSA_P384_BYTES) < 0;
}

enum ecdsa_verdict ecdsa_verify_sha384(const uint8_t x[ECDSA_P384_BYTES], const uint8_t y[ECDSA_P384_BYTES],
				       const void *msg, size_t len, const uint8_t r[ECDSA_P384_BYTES],
				       const uint8_t s[ECDSA_P384_BYTES])
{
	bool bad_key = false;
	_cleanup_pkey_ EVP_PKEY *pkey = p384_public_pkey(x, y, &bad_key);
	if (!pkey) {
		ERR_clear_error();
		return bad_key ? ECDSA_BAD_KEY : ECDSA_LIB_ERROR;
	}
	if (!in_scalar_range(r) || !in_scalar_range(s))
		return ECDSA_INVALID;

	_cleanup_(ecdsa_sig_freep) ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *br = BN_bin2bn(r, ECDSA_P384_BYTES, NULL);
	BIGNUM *bs = BN_bin2bn(s, ECDSA_P384_BYTES, NULL);
	if (!sig || !br || !bs || !ECDSA_SIG_set0(sig, br, bs)) {
		BN_free(br);
		BN_free(bs);
		ERR_clear_error();
		return ECDSA_LIB_ERROR;
	}
	_cleanup_ossl_ unsigned char *der = NULL;
	int der_len = i2d_ECDSA_SIG(sig, &der);
	_cleanup_(evp_md_ctx_freep) EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (der_len <= 0 || !md || EVP_DigestVerifyInit_ex(md, NULL, "SHA384", NULL, NULL, pkey, NULL) != 1) {
		ERR_clear_error();
		return ECDSA_LIB_ERROR;
	}
	int rc = EVP_DigestVerify(md, der, (size_t)der_len, msg, len);
	ERR_clear_error();
	return rc == 1 ? ECDSA_VALID : rc == 0 ? ECDSA_INVALID : ECDSA_LIB_ERROR;
}

/* ---- certificates ------------------------------------------------------------------------ */

int ecdsa_cert_parse_p384(const uint8_t *buf, size_t len, uint8_t x[ECDSA_P384_BYTES], uint8_t y[ECDSA_P384_BYTES],
			  char *err, size_t errlen)
{
	ERR_clear_error();
	if (len == 0)
		return fail(err, errlen, IB_EXIT_INVALID, "empty file, not a certificate");
	if (len > INT_MAX)
		return fail(err, errlen, IB_EXIT_INVALID, "too large to be a certificate");
	_cleanup_(x509_freep) X509 *cert = NULL;
	/* DER is one ASN.1 SEQUENCE (tag 0x30); anything else is read as PEM. */
	if (buf[0] == 0x30) {
		const unsigned char *p = buf;
		cert = d2i_X509(NULL, &p, (long)len);
		if (!cert)
			return fail(err, errlen, IB_EXIT_INVALID, "not a DER X.509 certificate (%s)",
				    openssl_reason());
		if (p != buf + len)
			return fail(err, errlen, IB_EXIT_INVALID, "%zu trailing bytes after the DER certificate",
				    (size_t)(buf + len - p));
	} else {
		_cleanup_(bio_freep) BIO *bio = BIO_new_mem_buf(buf, (int)len);
		if (!bio)
			return fail(err, errlen, IB_EXIT_INTERNAL, "out of memory");
		cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (!cert)
			return fail(err, errlen, IB_EXIT_INVALID,
				    "not a certificate (expected DER, or PEM -----BEGIN CERTIFICATE-----: %s)",
				    openssl_reason());
	}
	EVP_PKEY *pkey = X509_get0_pubkey(cert);
	if (!pkey)
		return fail(err, errlen, IB_EXIT_INVALID, "the certificate's public key cannot be decoded (%s)",
			    openssl_reason());
	_cleanup_(ecdsa_key_freep) struct ecdsa_key *k = NULL;
	int r = key_from_pkey(pkey, false, "certificate key", &k, err, errlen);
	if (r)
		return r;
	return ecdsa_key_public_xy(k, x, y);
}

int ecdsa_cert_load_p384(const char *path, uint8_t x[ECDSA_P384_BYTES], uint8_t y[ECDSA_P384_BYTES], char *err,
			 size_t errlen)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	int r = ib_read_file(path, KEY_FILE_MAX, &data, &len);
	if (r == -EFBIG)
		return fail(err, errlen, IB_EXIT_INVALID, "larger than %u bytes: not a certificate", KEY_FILE_MAX);
	if (r < 0)
		return fail(err, errlen, IB_EXIT_IO, "cannot read: %s", strerror(-r));
	return ecdsa_cert_parse_p384(data, len, x, y, err, errlen);
}
