/* SPDX-License-Identifier: MIT */
/*
 * id_block.c — SNP ID block / ID auth encoding, signing and checking (see
 * id_block.h). Every structure is written and read byte by byte in
 * little-endian order, so the result does not depend on the host.
 */
#include "id_block.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/fileio.h"
#include "../common/status.h"

/* ID block and ID auth files are 96 bytes / 4 KiB, or their base64; allow generous whitespace. */
#define BLOB_FILE_MAX (64u * 1024u)

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Big-endian 48-byte integer -> the ABI's 72-byte little-endian field. */
static void be48_to_le72(const uint8_t be[48], uint8_t le[SNP_ECDSA_COMP_SIZE])
{
	memset(le, 0, SNP_ECDSA_COMP_SIZE);
	for (size_t i = 0; i < 48; i++)
		le[i] = be[47 - i];
}

/* The reverse; false when the value does not fit 48 bytes (then it cannot be a P-384 value). */
static bool le72_to_be48(const uint8_t le[SNP_ECDSA_COMP_SIZE], uint8_t be[48])
{
	if (!all_zero(le + 48, SNP_ECDSA_COMP_SIZE - 48))
		return false;
	for (size_t i = 0; i < 48; i++)
		be[i] = le[47 - i];
	return true;
}

void snp_id_block_encode(const struct snp_id_fields *f, uint8_t out[SNP_ID_BLOCK_SIZE])
{
	struct snp_id_block_raw *r = (struct snp_id_block_raw *)out;
	memcpy(r->ld, f->ld, sizeof(r->ld));
	memcpy(r->family_id, f->family_id, sizeof(r->family_id));
	memcpy(r->image_id, f->image_id, sizeof(r->image_id));
	put_le32(r->version, f->version);
	put_le32(r->guest_svn, f->guest_svn);
	put_le64(r->policy, f->policy);
}

void snp_id_block_decode(const uint8_t in[SNP_ID_BLOCK_SIZE], struct snp_id_fields *f)
{
	const struct snp_id_block_raw *r = (const struct snp_id_block_raw *)in;
	memcpy(f->ld, r->ld, sizeof(f->ld));
	memcpy(f->family_id, r->family_id, sizeof(f->family_id));
	memcpy(f->image_id, r->image_id, sizeof(f->image_id));
	f->version = get_le32(r->version);
	f->guest_svn = get_le32(r->guest_svn);
	f->policy = get_le64(r->policy);
}

int snp_pubkey_encode(const struct ecdsa_key *k, uint8_t out[SNP_PUBKEY_SIZE])
{
	struct snp_pubkey_raw *p = (struct snp_pubkey_raw *)out;
	uint8_t x[48], y[48];
	memset(out, 0, SNP_PUBKEY_SIZE);
	if (ecdsa_key_public_xy(k, x, y))
		return IB_EXIT_INTERNAL;
	put_le32(p->curve, SNP_CURVE_P384);
	be48_to_le72(x, p->qx);
	be48_to_le72(y, p->qy);
	return 0;
}

int snp_pubkey_digest(const struct ecdsa_key *k, uint8_t out[48])
{
	uint8_t enc[SNP_PUBKEY_SIZE];
	if (snp_pubkey_encode(k, enc) || ib_sha384(enc, sizeof(enc), out))
		return IB_EXIT_INTERNAL;
	return 0;
}

static int sign_into(const struct ecdsa_key *k, const void *msg, size_t len, struct snp_signature_raw *sig)
{
	uint8_t r[48], s[48];
	memset(sig, 0, sizeof(*sig));
	if (ecdsa_sign_sha384(k, msg, len, r, s))
		return IB_EXIT_INTERNAL;
	be48_to_le72(r, sig->r);
	be48_to_le72(s, sig->s);
	return 0;
}

int snp_id_sign(const struct snp_id_fields *f, const struct ecdsa_key *id_key, const struct ecdsa_key *author_key,
		uint8_t id_block[SNP_ID_BLOCK_SIZE], uint8_t id_auth[SNP_ID_AUTH_SIZE])
{
	struct snp_id_auth_raw *a = (struct snp_id_auth_raw *)id_auth;
	memset(id_auth, 0, SNP_ID_AUTH_SIZE);
	snp_id_block_encode(f, id_block);
	put_le32(a->id_key_algo, SNP_ALGO_ECDSA_P384_SHA384);
	put_le32(a->auth_key_algo, SNP_ALGO_ECDSA_P384_SHA384);
	if (sign_into(id_key, id_block, SNP_ID_BLOCK_SIZE, &a->id_block_sig) ||
	    snp_pubkey_encode(id_key, (uint8_t *)&a->id_key))
		return IB_EXIT_INTERNAL;
	if (author_key) {
		if (sign_into(author_key, &a->id_key, sizeof(a->id_key), &a->id_key_sig) ||
		    snp_pubkey_encode(author_key, (uint8_t *)&a->author_key))
			return IB_EXIT_INTERNAL;
	}
	return 0;
}

/* ---- checking ---------------------------------------------------------------------------- */

static void note(char (*arr)[200], unsigned *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void note(char (*arr)[200], unsigned *n, const char *fmt, ...)
{
	if (*n >= SNP_ID_CHECK_MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(arr[*n], sizeof(arr[0]), fmt, ap);
	va_end(ap);
	(*n)++;
}

#define PROBLEM(c, ...) note((c)->problems, &(c)->nproblems, __VA_ARGS__)
#define WARNING(c, ...) note((c)->warnings, &(c)->nwarnings, __VA_ARGS__)

/*
 * Verifies one signature field against one key field. `what` names the
 * signature ("ID_BLOCK_SIG"), `keyname` the key ("ID_KEY"). Returns -1 only
 * when libcrypto failed.
 */
static int check_sig(struct snp_id_check *c, const char *what, const char *keyname, const struct snp_pubkey_raw *key,
		     const struct snp_signature_raw *sig, const void *msg, size_t len)
{
	uint32_t curve = get_le32(key->curve);
	if (curve != SNP_CURVE_P384) {
		PROBLEM(c, "%s: CURVE is %u, expected %u (P-384)", keyname, curve, SNP_CURVE_P384);
		return 0;
	}
	uint8_t x[48], y[48], r[48], s[48];
	bool fits = true;
	if (!le72_to_be48(key->qx, x) || !le72_to_be48(key->qy, y)) {
		PROBLEM(c, "%s: QX or QY has non-zero bytes above the 48 a P-384 coordinate uses", keyname);
		fits = false;
	}
	if (!le72_to_be48(sig->r, r) || !le72_to_be48(sig->s, s)) {
		PROBLEM(c, "%s: R or S has non-zero bytes above the 48 a P-384 value uses", what);
		fits = false;
	}
	if (!all_zero(key->reserved, sizeof(key->reserved)))
		WARNING(c, "%s: reserved bytes after QY are not zero", keyname);
	if (!all_zero(sig->reserved, sizeof(sig->reserved)))
		WARNING(c, "%s: reserved bytes after S are not zero", what);
	if (!fits)
		return 0;
	switch (ecdsa_verify_sha384(x, y, msg, len, r, s)) {
	case ECDSA_VALID:
		return 0;
	case ECDSA_INVALID:
		PROBLEM(c, "%s does not verify with %s (ECDSA P-384, SHA-384)", what, keyname);
		return 0;
	case ECDSA_BAD_KEY:
		PROBLEM(c, "%s is not a point of P-384", keyname);
		return 0;
	case ECDSA_LIB_ERROR:
	default:
		return -1;
	}
}

int snp_id_verify(const uint8_t id_block[SNP_ID_BLOCK_SIZE], const uint8_t id_auth[SNP_ID_AUTH_SIZE],
		  struct snp_id_check *c)
{
	const struct snp_id_auth_raw *a = (const struct snp_id_auth_raw *)id_auth;
	memset(c, 0, sizeof(*c));
	struct snp_id_fields f;
	snp_id_block_decode(id_block, &f);

	if (ib_sha384(&a->id_key, sizeof(a->id_key), c->id_key_digest))
		return IB_EXIT_INTERNAL;
	/* QEMU enables the author key (AUTHOR_KEY_EN) exactly when the first byte of AUTHOR_KEY is not zero. */
	c->author_present = a->author_key.curve[0] != 0;
	if (!c->author_present && !all_zero((const uint8_t *)&a->author_key, sizeof(a->author_key)))
		WARNING(c, "AUTHOR_KEY has data but its first byte is zero, so QEMU would not enable it");
	if (c->author_present && ib_sha384(&a->author_key, sizeof(a->author_key), c->author_key_digest))
		return IB_EXIT_INTERNAL;

	uint32_t id_algo = get_le32(a->id_key_algo);
	if (id_algo != SNP_ALGO_ECDSA_P384_SHA384)
		PROBLEM(c, "ID_KEY_ALGO is %u, expected %u (ECDSA P-384 with SHA-384)", id_algo,
			SNP_ALGO_ECDSA_P384_SHA384);
	else if (check_sig(c, "ID_BLOCK_SIG", "ID_KEY", &a->id_key, &a->id_block_sig, id_block, SNP_ID_BLOCK_SIZE))
		return IB_EXIT_INTERNAL;

	if (c->author_present) {
		uint32_t au_algo = get_le32(a->auth_key_algo);
		if (au_algo != SNP_ALGO_ECDSA_P384_SHA384)
			PROBLEM(c, "AUTH_KEY_ALGO is %u, expected %u (ECDSA P-384 with SHA-384)", au_algo,
				SNP_ALGO_ECDSA_P384_SHA384);
		else if (check_sig(c, "ID_KEY_SIG", "AUTHOR_KEY", &a->author_key, &a->id_key_sig, &a->id_key,
				   sizeof(a->id_key)))
			return IB_EXIT_INTERNAL;
	} else if (!all_zero((const uint8_t *)&a->id_key_sig, sizeof(a->id_key_sig))) {
		WARNING(c, "ID_KEY_SIG is set but there is no AUTHOR_KEY");
	}

	if (!all_zero(a->reserved1, sizeof(a->reserved1)) || !all_zero(a->reserved2, sizeof(a->reserved2)) ||
	    !all_zero(a->reserved3, sizeof(a->reserved3)))
		WARNING(c, "reserved bytes of the ID auth structure are not zero");
	if (f.version != SNP_ID_BLOCK_VERSION)
		WARNING(c, "ID block VERSION is %u; the ABI defines only %u", f.version, SNP_ID_BLOCK_VERSION);
	if (!(f.policy & SNP_POLICY_RESERVED_MBO))
		WARNING(c, "POLICY 0x%llx lacks bit 17, which must be one: the firmware refuses such a guest",
			(unsigned long long)f.policy);
	c->ok = c->nproblems == 0;
	return 0;
}

/* ---- IGVM ---------------------------------------------------------------------------------- */

void snp_id_to_igvm(const uint8_t id_block[SNP_ID_BLOCK_SIZE], const uint8_t id_auth[SNP_ID_AUTH_SIZE], bool author,
		    uint32_t compatibility_mask, struct igvm_vhs_snp_id_block *out)
{
	const struct snp_id_auth_raw *a = (const struct snp_id_auth_raw *)id_auth;
	struct snp_id_fields f;
	snp_id_block_decode(id_block, &f);
	memset(out, 0, sizeof(*out));
	out->compatibility_mask = compatibility_mask;
	out->author_key_enabled = author ? 1 : 0;
	memcpy(out->ld, f.ld, sizeof(out->ld));
	memcpy(out->family_id, f.family_id, sizeof(out->family_id));
	memcpy(out->image_id, f.image_id, sizeof(out->image_id));
	out->version = f.version;
	out->guest_svn = f.guest_svn;
	out->id_key_algorithm = get_le32(a->id_key_algo);
	out->author_key_algorithm = get_le32(a->auth_key_algo);
	memcpy(out->id_key_signature.r_comp, a->id_block_sig.r, SNP_ECDSA_COMP_SIZE);
	memcpy(out->id_key_signature.s_comp, a->id_block_sig.s, SNP_ECDSA_COMP_SIZE);
	out->id_public_key.curve = get_le32(a->id_key.curve);
	memcpy(out->id_public_key.qx, a->id_key.qx, SNP_ECDSA_COMP_SIZE);
	memcpy(out->id_public_key.qy, a->id_key.qy, SNP_ECDSA_COMP_SIZE);
	if (author) {
		memcpy(out->author_key_signature.r_comp, a->id_key_sig.r, SNP_ECDSA_COMP_SIZE);
		memcpy(out->author_key_signature.s_comp, a->id_key_sig.s, SNP_ECDSA_COMP_SIZE);
		out->author_public_key.curve = get_le32(a->author_key.curve);
		memcpy(out->author_public_key.qx, a->author_key.qx, SNP_ECDSA_COMP_SIZE);
		memcpy(out->author_public_key.qy, a->author_key.qy, SNP_ECDSA_COMP_SIZE);
	}
}

void snp_id_from_igvm(const struct igvm_vhs_snp_id_block *h, uint64_t policy, uint8_t id_block[SNP_ID_BLOCK_SIZE],
		      uint8_t id_auth[SNP_ID_AUTH_SIZE])
{
	struct snp_id_auth_raw *a = (struct snp_id_auth_raw *)id_auth;
	struct snp_id_fields f;
	memset(&f, 0, sizeof(f));
	memcpy(f.ld, h->ld, sizeof(f.ld));
	memcpy(f.family_id, h->family_id, sizeof(f.family_id));
	memcpy(f.image_id, h->image_id, sizeof(f.image_id));
	f.version = SNP_ID_BLOCK_VERSION; /* QEMU ignores the header's version */
	f.guest_svn = h->guest_svn;
	f.policy = policy;
	snp_id_block_encode(&f, id_block);

	memset(id_auth, 0, SNP_ID_AUTH_SIZE);
	put_le32(a->id_key_algo, h->id_key_algorithm);
	put_le32(a->auth_key_algo, h->author_key_algorithm);
	memcpy(a->id_block_sig.r, h->id_key_signature.r_comp, SNP_ECDSA_COMP_SIZE);
	memcpy(a->id_block_sig.s, h->id_key_signature.s_comp, SNP_ECDSA_COMP_SIZE);
	put_le32(a->id_key.curve, h->id_public_key.curve);
	memcpy(a->id_key.qx, h->id_public_key.qx, SNP_ECDSA_COMP_SIZE);
	memcpy(a->id_key.qy, h->id_public_key.qy, SNP_ECDSA_COMP_SIZE);
	memcpy(a->id_key_sig.r, h->author_key_signature.r_comp, SNP_ECDSA_COMP_SIZE);
	memcpy(a->id_key_sig.s, h->author_key_signature.s_comp, SNP_ECDSA_COMP_SIZE);
	put_le32(a->author_key.curve, h->author_public_key.curve);
	memcpy(a->author_key.qx, h->author_public_key.qx, SNP_ECDSA_COMP_SIZE);
	memcpy(a->author_key.qy, h->author_public_key.qy, SNP_ECDSA_COMP_SIZE);
}

/* ---- text encodings ------------------------------------------------------------------------ */

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void snp_b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
	}
	out[o] = 0;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool snp_b64_decode(const char *in, size_t len, uint8_t *out, size_t want)
{
	uint32_t acc = 0;
	unsigned bits = 0, pad = 0, quantum = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
			continue;
		if (ch == '=') {
			/* Padding only at the end of a quantum, at most two, nothing but padding after it. */
			if (++pad > 2 || quantum < 2)
				return false;
			quantum++;
			continue;
		}
		int v = b64_value(ch);
		if (v < 0 || pad)
			return false;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		quantum = (quantum + 1) & 3;
		if (bits >= 8) {
			bits -= 8;
			if (n >= want)
				return false;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* A complete last quantum, and the unused low bits of a padded one must be zero. */
	if ((quantum & 3) != 0 || (acc & ((1u << bits) - 1)) != 0)
		return false;
	return n == want;
}

bool snp_parse_hex(const char *s, uint8_t *out, size_t n)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (strlen(s) != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int v[2];
		for (int j = 0; j < 2; j++) {
			unsigned char ch = (unsigned char)s[2 * i + (size_t)j];
			v[j] = ch >= '0' && ch <= '9' ? ch - '0'
			       : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
			if (v[j] < 0)
				return false;
		}
		out[i] = (uint8_t)(v[0] << 4 | v[1]);
	}
	return true;
}

bool snp_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

int snp_id_read_blob(const char *path, uint8_t *out, size_t want, char *err, size_t errlen)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	int r = ib_read_file(path, BLOB_FILE_MAX, &data, &len);
	if (r == -EFBIG) {
		snprintf(err, errlen, "larger than %u bytes: not a %zu-byte structure or its base64", BLOB_FILE_MAX,
			 want);
		return IB_EXIT_INVALID;
	}
	if (r < 0) {
		snprintf(err, errlen, "cannot read: %s", strerror(-r));
		return IB_EXIT_IO;
	}
	if (len == want) {
		memcpy(out, data, want);
		return 0;
	}
	/* Otherwise base64 text, as QEMU's id-block=/id-auth= properties take it. */
	if (!snp_b64_decode((const char *)data, len, out, want)) {
		snprintf(err, errlen, "offset 0: %zu bytes, neither the %zu-byte binary structure nor base64 of it",
			 len, want);
		return IB_EXIT_INVALID;
	}
	return 0;
}
