/* SPDX-License-Identifier: MIT */
/*
 * test_ecdsa.c — deterministic ECDSA (measure/ecdsa.c) against RFC 6979's
 * published vectors, plus key-loading and verification properties.
 *
 * Golden values are typed in from RFC 6979 (T. Pornin, August 2013):
 *   A.1   the detailed example (curve K-163, SHA-256, message "sample"),
 *         whose first two candidate nonces are >= q, so it exercises the
 *         retry loop of §3.2 step h and a qlen (163) that is not a multiple of 8;
 *   A.2.5 P-256 with SHA-256, "sample";
 *   A.2.6 P-384: the key pair, and k, r, s for SHA-384 with "sample" and
 *         "test", SHA-256 with "sample" and "test" (hlen < qlen) and SHA-512
 *         with "test" (hlen > qlen, so bits2int truncates).
 * Every signature we make is also checked with OpenSSL's own ECDSA verify.
 * Keys for the loader tests are made at run time with the openssl CLI.
 */
#include <openssl/evp.h>

#include "../../common/cleanup.h"
#include "../../common/digest.h"
#include "../../common/status.h"
#include "../../measure/ecdsa.h"
#include "msign_test.h"

/* RFC 6979 A.2.6 key pair. */
static const char *P384_X =
	"6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5";
static const char *P384_UX =
	"EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13";
static const char *P384_UY =
	"8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720";
/* The P-384 group order n (FIPS 186-4 D.1.2.4), the q of RFC 6979 A.2.6. */
static const char *P384_Q =
	"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973";

struct vec {
	const char *md;
	const char *msg;
	const char *k, *r, *s;
};

/* RFC 6979 A.2.6, P-384. */
static const struct vec p384_vectors[] = {
	{ "SHA384", "sample",
	  "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA87A555FD56D10FBCA2907E3E83BA95368623B8C4686915CF9",
	  "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
	  "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8" },
	{ "SHA384", "test",
	  "015EE46A5BF88773ED9123A5AB0807962D193719503C527B031B4C2D225092ADA71F4A459BC0DA98ADB95837DB8312EA",
	  "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB",
	  "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E06A739F040649A667BF3B828246BAA5A5" },
	{ "SHA256", "sample", NULL,
	  "21B13D1E013C7FA1392D03C5F99AF8B30C570C6F98D4EA8E354B63A21D3DAA33BDE1E888E63355D92FA2B3C36D8FB2CD",
	  "F3AA443FB107745BF4BD77CB3891674632068A10CA67E3D45DB2266FA7D1FEEBEFDC63ECCD1AC42EC0CB8668A4FA0AB0" },
	{ "SHA256", "test", NULL,
	  "6D6DEFAC9AB64DABAFE36C6BF510352A4CC27001263638E5B16D9BB51D451559F918EEDAF2293BE5B475CC8F0188636B",
	  "2D46F3BECBCC523D5F1A1256BF0C9B024D879BA9E838144C8BA6BAEB4B53B47D51AB373F9845C0514EEFB14024787265" },
	{ "SHA512", "test",
	  "3780C4F67CB15518B6ACAE34C9F83568D2E12E47DEAB6C50A4E4EE5319D1E8CE0E2CC8A136036DC4B9C00E6888F66B6C",
	  "A0D5D090C9980FAF3C2CE57B7AE951D31977DD11C775D314AF55F76C676447D06FB6495CD21B4B6E340FC236584FB277",
	  "976984E59B4C77B0E8E4460DCA3D9F20E07B9BB1F63BEEFAF576F6B2E8B224634A2092CD3792E0159AD9CEE37659C736" },
};

static size_t hash(const char *md, const void *msg, size_t len, uint8_t *out)
{
	unsigned n = 0;
	const EVP_MD *m = !strcmp(md, "SHA256") ? EVP_sha256() : !strcmp(md, "SHA384") ? EVP_sha384() : EVP_sha512();
	if (!EVP_Digest(msg, len, out, &n, m, NULL))
		abort();
	return n;
}

static void test_rfc6979_p384(void)
{
	_cleanup_ecdsa_key_ struct ecdsa_key *key = NULL;
	uint8_t x[48], q[48];
	unhex(P384_X, x, sizeof(x));
	unhex(P384_Q, q, sizeof(q));
	tap_ok(ecdsa_key_from_scalar("secp384r1", x, sizeof(x), &key) == 0, "RFC 6979 A.2.6 private key loads");
	uint8_t ux[48], uy[48];
	tap_ok(key && ecdsa_key_public_xy(key, ux, uy) == 0 && bytes_eq_hex(ux, 48, P384_UX) &&
		       bytes_eq_hex(uy, 48, P384_UY),
	       "A.2.6: public key U = xG matches Ux, Uy");

	for (size_t i = 0; i < ARRAY_SIZE(p384_vectors); i++) {
		const struct vec *v = &p384_vectors[i];
		uint8_t h[64], k[48], r[48], s[48];
		size_t hl = hash(v->md, v->msg, strlen(v->msg), h);
		if (v->k)
			tap_ok(ecdsa_rfc6979_nonce(q, 48, x, 48, v->md, h, hl, k, 48) == 0 && bytes_eq_hex(k, 48, v->k),
			       "A.2.6 %s \"%s\": nonce k", v->md, v->msg);
		bool ok;
		if (!strcmp(v->md, "SHA384"))
			ok = ecdsa_sign_sha384(key, v->msg, strlen(v->msg), r, s) == 0;
		else
			ok = ecdsa_sign_digest(key, v->md, h, hl, r, s, 48) == 0;
		tap_ok(ok && bytes_eq_hex(r, 48, v->r) && bytes_eq_hex(s, 48, v->s), "A.2.6 %s \"%s\": r and s", v->md,
		       v->msg);
		if (!strcmp(v->md, "SHA384"))
			tap_ok(ecdsa_verify_sha384(ux, uy, v->msg, strlen(v->msg), r, s) == ECDSA_VALID,
			       "A.2.6 SHA384 \"%s\": OpenSSL verifies our signature", v->msg);
	}
}

static void test_rfc6979_other_curves(void)
{
	/* A.1: K-163, q of 163 bits, SHA-256 "sample"; the RFC shows two rejected candidates before k. */
	uint8_t q[21], x[21], k[21], h[32];
	unhex("04000000000000000000020108A2E0CC0D99F8A5EF", q, sizeof(q));
	unhex("009A4D6792295A7F730FC3F2B49CBC0F62E862272F", x, sizeof(x));
	ib_sha256("sample", 6, h);
	tap_ok(ecdsa_rfc6979_nonce(q, sizeof(q), x, sizeof(x), "SHA256", h, sizeof(h), k, sizeof(k)) == 0 &&
		       bytes_eq_hex(k, sizeof(k), "023AF4074C90A02B3FE61D286D5C87F425E6BDD81B"),
	       "A.1 (K-163, SHA-256): k after the retry loop");

	/* A.2.5: P-256, SHA-256, "sample". */
	uint8_t d[32], r[32], s[32], k2[32], q2[32];
	unhex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", d, sizeof(d));
	unhex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", q2, sizeof(q2));
	_cleanup_ecdsa_key_ struct ecdsa_key *key = NULL;
	tap_ok(ecdsa_key_from_scalar("prime256v1", d, sizeof(d), &key) == 0, "A.2.5 P-256 key loads");
	tap_ok(ecdsa_rfc6979_nonce(q2, 32, d, 32, "SHA256", h, 32, k2, 32) == 0 &&
		       bytes_eq_hex(k2, 32, "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60"),
	       "A.2.5 SHA-256 \"sample\": nonce k");
	tap_ok(key && ecdsa_sign_digest(key, "SHA256", h, 32, r, s, 32) == 0 &&
		       bytes_eq_hex(r, 32, "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716") &&
		       bytes_eq_hex(s, 32, "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"),
	       "A.2.5 SHA-256 \"sample\": r and s");

	/* Bad arguments are refused, not computed. */
	tap_ok(ecdsa_rfc6979_nonce(q, sizeof(q), q, sizeof(q), "SHA256", h, 32, k, sizeof(k)) != 0,
	       "nonce: x >= q is refused");
	tap_ok(ecdsa_rfc6979_nonce(q, sizeof(q), x, sizeof(x), "NO-SUCH-HASH", h, 32, k, sizeof(k)) != 0,
	       "nonce: unknown digest is refused");
	uint8_t zero[48] = { 0 };
	struct ecdsa_key *k0 = NULL;
	tap_ok(ecdsa_key_from_scalar("secp384r1", zero, sizeof(zero), &k0) != 0 && !k0, "scalar 0 is refused");
}

/* A deterministic pseudo-random message stream for the property tests (xorshift). */
static uint64_t prng_state = 0x9E3779B97F4A7C15ull;
static void prng_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		prng_state ^= prng_state << 13;
		prng_state ^= prng_state >> 7;
		prng_state ^= prng_state << 17;
		p[i] = (uint8_t)prng_state;
	}
}

static void test_properties(const char *dir)
{
	char path[512], cmd[1200];
	snprintf(path, sizeof(path), "%s/prop.pem", dir);
	snprintf(cmd, sizeof(cmd), "openssl ecparam -name secp384r1 -genkey -noout -out '%s'", path);
	if (!tap_ok(run_quiet(cmd), "openssl CLI makes a P-384 key"))
		return;
	char err[256];
	_cleanup_ecdsa_key_ struct ecdsa_key *key = NULL;
	if (!tap_ok(ecdsa_key_load_private(path, &key, err, sizeof(err)) == 0, "generated key loads"))
		return;
	uint8_t x[48], y[48];
	ecdsa_key_public_xy(key, x, y);

	unsigned bad = 0, nondet = 0, forged = 0, same_r = 0;
	uint8_t prev_r[48] = { 0 };
	for (unsigned i = 0; i < 40; i++) {
		uint8_t msg[97];
		size_t len = i * 2 + 1 < sizeof(msg) ? i * 2 + 1 : sizeof(msg);
		prng_fill(msg, len);
		uint8_t r[48], s[48], r2[48], s2[48];
		if (ecdsa_sign_sha384(key, msg, len, r, s) || ecdsa_sign_sha384(key, msg, len, r2, s2)) {
			bad++;
			continue;
		}
		if (memcmp(r, r2, 48) || memcmp(s, s2, 48))
			nondet++;
		if (!memcmp(r, prev_r, 48))
			same_r++;
		memcpy(prev_r, r, 48);
		if (ecdsa_verify_sha384(x, y, msg, len, r, s) != ECDSA_VALID)
			bad++;
		/* One flipped bit anywhere must break it. */
		uint8_t t[48];
		memcpy(t, r, 48);
		t[i % 48] ^= (uint8_t)(1u << (i % 8));
		if (ecdsa_verify_sha384(x, y, msg, len, t, s) == ECDSA_VALID)
			forged++;
		memcpy(t, s, 48);
		t[(i * 7) % 48] ^= 0x80;
		if (ecdsa_verify_sha384(x, y, msg, len, r, t) == ECDSA_VALID)
			forged++;
		msg[i % len] ^= 1;
		if (ecdsa_verify_sha384(x, y, msg, len, r, s) == ECDSA_VALID)
			forged++;
	}
	tap_ok(bad == 0, "40 random messages: every signature verifies with OpenSSL (%u failures)", bad);
	tap_ok(nondet == 0, "signing twice gives identical bytes (%u differ)", nondet);
	tap_ok(same_r == 0, "different messages get different nonces");
	tap_ok(forged == 0, "flipped bits in r, s or the message never verify (%u did)", forged);

	/* Out-of-range r/s and off-curve keys. */
	uint8_t r[48], s[48], n[48];
	ecdsa_sign_sha384(key, "m", 1, r, s);
	unhex(P384_Q, n, sizeof(n));
	uint8_t zero[48] = { 0 };
	tap_ok(ecdsa_verify_sha384(x, y, "m", 1, zero, s) == ECDSA_INVALID, "r = 0 is invalid");
	tap_ok(ecdsa_verify_sha384(x, y, "m", 1, r, n) == ECDSA_INVALID, "s = n is invalid");
	uint8_t y2[48];
	memcpy(y2, y, 48);
	y2[47] ^= 1;
	tap_ok(ecdsa_verify_sha384(x, y2, "m", 1, r, s) == ECDSA_BAD_KEY, "a point off the curve is a bad key");
	tap_ok(ecdsa_verify_sha384(zero, zero, "m", 1, r, s) == ECDSA_BAD_KEY, "(0, 0) is a bad key");

	/* Public-only keys cannot sign. */
	tap_ok(ecdsa_sign_sha384(NULL, "m", 1, r, s) != 0, "signing without a key fails");
}

static int load_msg(const char *path, bool any, char *err, size_t errlen)
{
	struct ecdsa_key *k = NULL;
	int r = any ? ecdsa_key_load_any(path, &k, err, errlen) : ecdsa_key_load_private(path, &k, err, errlen);
	ecdsa_key_free(k);
	return r;
}

/* Expands a command template: @P is the key path, @D the directory. */
static void expand(char *out, size_t cap, const char *tmpl, const char *dir, const char *path)
{
	size_t n = 0;
	for (const char *t = tmpl; *t && n + 1 < cap; t++) {
		const char *sub = NULL;
		if (t[0] == '@' && t[1] == 'P')
			sub = path;
		else if (t[0] == '@' && t[1] == 'D')
			sub = dir;
		if (sub) {
			n += (size_t)snprintf(out + n, cap - n, "%s", sub);
			if (n >= cap)
				n = cap - 1;
			t++;
		} else {
			out[n++] = *t;
		}
	}
	out[n] = 0;
}

static void expect_refused(const char *dir, const char *name, const char *gen, const char *needle)
{
	char path[512], cmd[4096], err[256] = "";
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	expand(cmd, sizeof(cmd), gen, dir, path);
	if (!run_quiet(cmd)) {
		tap_ok(false, "openssl CLI makes %s", name);
		printf("# failed: %s\n", cmd);
		return;
	}
	int r = load_msg(path, false, err, sizeof(err));
	if (!tap_ok(r == IB_EXIT_INVALID && strstr(err, needle) != NULL, "%s refused naming '%s' (got %d: %s)", name,
		    needle, r, err))
		printf("# made by: %s\n", cmd);
}

static void test_key_loading(const char *dir)
{
	char a[512], b[512], c[512], pub[512], cmd[4096], err[256];
	snprintf(a, sizeof(a), "%s/sec1.pem", dir);
	snprintf(b, sizeof(b), "%s/pkcs8.pem", dir);
	snprintf(c, sizeof(c), "%s/withparams.pem", dir);
	snprintf(pub, sizeof(pub), "%s/pub.pem", dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl ecparam -name secp384r1 -genkey -noout -out '%s' && "
		 "openssl pkcs8 -topk8 -nocrypt -in '%s' -out '%s' && "
		 "openssl ec -in '%s' -pubout -out '%s' && "
		 "openssl ecparam -name secp384r1 -genkey -out '%s'",
		 a, a, b, a, pub, c);
	if (!tap_ok(run_quiet(cmd), "openssl CLI makes SEC1, PKCS#8, public and parameter-prefixed keys"))
		return;

	_cleanup_ecdsa_key_ struct ecdsa_key *k1 = NULL;
	_cleanup_ecdsa_key_ struct ecdsa_key *k2 = NULL;
	_cleanup_ecdsa_key_ struct ecdsa_key *k3 = NULL;
	_cleanup_ecdsa_key_ struct ecdsa_key *k4 = NULL;
	tap_ok(ecdsa_key_load_private(a, &k1, err, sizeof(err)) == 0 && ecdsa_key_has_private(k1), "SEC1 key loads");
	tap_ok(ecdsa_key_load_private(b, &k2, err, sizeof(err)) == 0, "PKCS#8 key loads");
	tap_ok(ecdsa_key_load_private(c, &k3, err, sizeof(err)) == 0, "SEC1 key after an EC PARAMETERS block loads");
	uint8_t x1[48], y1[48], x2[48], y2[48];
	tap_ok(k1 && k2 && !ecdsa_key_public_xy(k1, x1, y1) && !ecdsa_key_public_xy(k2, x2, y2) &&
		       !memcmp(x1, x2, 48) && !memcmp(y1, y2, 48),
	       "the same key in SEC1 and PKCS#8 has the same public point");
	uint8_t r1[48], s1[48], r2[48], s2[48];
	tap_ok(k1 && k2 && !ecdsa_sign_sha384(k1, "x", 1, r1, s1) && !ecdsa_sign_sha384(k2, "x", 1, r2, s2) &&
		       !memcmp(r1, r2, 48) && !memcmp(s1, s2, 48),
	       "... and gives the same deterministic signature");

	/*
	 * Explicit parameters equal to P-384's are the same curve: OpenSSL recognises them and so do we.
	 * (Explicit parameters of any other curve are refused below.)
	 */
	char ex[600];
	snprintf(ex, sizeof(ex), "%s/explicit384.pem", dir);
	snprintf(cmd, sizeof(cmd), "openssl ec -in '%s' -param_enc explicit -out '%s'", a, ex);
	_cleanup_ecdsa_key_ struct ecdsa_key *k5 = NULL;
	uint8_t x5[48], y5[48];
	tap_ok(run_quiet(cmd) && ecdsa_key_load_private(ex, &k5, err, sizeof(err)) == 0 && !ecdsa_key_public_xy(k5, x5, y5) &&
		       !memcmp(x5, x1, 48),
	       "a P-384 key written with explicit P-384 parameters loads as the same key");

	int r = load_msg(pub, false, err, sizeof(err));
	tap_ok(r == IB_EXIT_INVALID && strstr(err, "PUBLIC KEY"), "a public key is refused where a private key is needed");
	tap_ok(ecdsa_key_load_any(pub, &k4, err, sizeof(err)) == 0 && !ecdsa_key_has_private(k4),
	       "the public key loads where one is allowed");
	uint8_t x4[48], y4[48];
	tap_ok(k4 && !ecdsa_key_public_xy(k4, x4, y4) && !memcmp(x4, x1, 48) && !memcmp(y4, y1, 48),
	       "... with the same point");

	expect_refused(dir, "p256.pem", "openssl ecparam -name prime256v1 -genkey -noout -out '@P'", "P-256");
	expect_refused(dir, "p521.pem", "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out '@P'",
		       "P-521");
	expect_refused(dir, "rsa.pem", "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out '@P'", "RSA");
	expect_refused(dir, "rsa-trad.pem", "openssl genrsa -traditional -out '@P' 1024", "RSA PRIVATE KEY");
	expect_refused(dir, "ed25519.pem", "openssl genpkey -algorithm ED25519 -out '@P'", "ED25519");
	expect_refused(dir, "explicit256.pem",
		       "openssl ecparam -name prime256v1 -genkey -noout -param_enc explicit -out '@P'", "P-256");
	expect_refused(dir, "encrypted.pem",
		       "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -aes256 -pass pass:x -out '@P'",
		       "encrypted");
	expect_refused(dir, "legacy-enc.pem",
		       "openssl ec -in '@D/sec1.pem' -aes256 -passout pass:x -out '@P'", "encrypted");
	expect_refused(dir, "two.pem", "cat '@D/sec1.pem' '@D/pkcs8.pem' > '@P'", "more than one key");
	expect_refused(dir, "empty.pem", ": > '@P'", "no PEM data");
	expect_refused(dir, "der.pem", "openssl ec -in '@D/sec1.pem' -outform DER -out '@P'", "no PEM data");
	expect_refused(dir, "truncated.pem", "head -c 150 '@D/sec1.pem' > '@P'", "broken PEM");
	expect_refused(dir, "badb64.pem", "sed '2s/^..../!!!!/' '@D/sec1.pem' > '@P'", "broken PEM");
	expect_refused(dir, "params-only.pem", "openssl ecparam -name secp384r1 -out '@P'", "only EC PARAMETERS");
	expect_refused(dir, "cert.pem", "openssl req -x509 -new -key '@D/sec1.pem' -subj /CN=t -days 1 -out '@P'",
		       "CERTIFICATE");
	/* A SEC1 key whose stored public point belongs to another key: splice key B's point into key A. */
	expect_refused(dir, "mismatch.pem",
		       "openssl ecparam -name secp384r1 -genkey -noout -out '@D/b.pem' && "
		       "openssl ec -in '@D/sec1.pem' -outform DER -out '@D/a.der' && "
		       "openssl ec -in '@D/b.pem' -outform DER -out '@D/b.der' && "
		       "{ head -c -97 '@D/a.der'; tail -c 97 '@D/b.der'; } > '@D/m.der' && "
		       "{ echo '-----BEGIN EC PRIVATE KEY-----'; openssl base64 -in '@D/m.der'; "
		       "echo '-----END EC PRIVATE KEY-----'; } > '@P'",
		       "does not belong");

	char missing[600];
	snprintf(missing, sizeof(missing), "%s/no-such-file.pem", dir);
	tap_ok(load_msg(missing, false, err, sizeof(err)) == IB_EXIT_IO, "a missing file is an I/O error");

	/* In-memory garbage never crashes and is refused. */
	struct ecdsa_key *k = NULL;
	static const char junk[] = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n";
	tap_ok(ecdsa_key_parse_pem((const uint8_t *)junk, strlen(junk), false, &k, err, sizeof(err)) ==
			       IB_EXIT_INVALID && !k,
	       "a PEM block with a 3-byte body is refused");
}

static void test_certificates(const char *dir)
{
	char key[512], pem[512], der[512], p256[512], cmd[4096], err[256];
	snprintf(key, sizeof(key), "%s/sec1.pem", dir);
	snprintf(pem, sizeof(pem), "%s/vcek.pem", dir);
	snprintf(der, sizeof(der), "%s/vcek.der", dir);
	snprintf(p256, sizeof(p256), "%s/p256cert.pem", dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -new -key '%s' -subj /CN=VCEK -days 2 -out '%s' && "
		 "openssl x509 -in '%s' -outform DER -out '%s' && "
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout '%s.key' "
		 "-subj /CN=p256 -days 2 -out '%s'",
		 key, pem, pem, der, p256, p256);
	if (!tap_ok(run_quiet(cmd), "openssl CLI makes P-384 and P-256 certificates"))
		return;
	_cleanup_ecdsa_key_ struct ecdsa_key *k = NULL;
	uint8_t kx[48], ky[48], x[48], y[48];
	if (ecdsa_key_load_private(key, &k, err, sizeof(err)) || ecdsa_key_public_xy(k, kx, ky))
		return;
	tap_ok(ecdsa_cert_load_p384(pem, x, y, err, sizeof(err)) == 0 && !memcmp(x, kx, 48) && !memcmp(y, ky, 48),
	       "PEM certificate: its key is the signing key");
	memset(x, 0, 48);
	tap_ok(ecdsa_cert_load_p384(der, x, y, err, sizeof(err)) == 0 && !memcmp(x, kx, 48) && !memcmp(y, ky, 48),
	       "DER certificate: its key is the signing key");
	int r = ecdsa_cert_load_p384(p256, x, y, err, sizeof(err));
	tap_ok(r == IB_EXIT_INVALID && strstr(err, "P-256"), "a P-256 certificate is refused naming the curve (%s)", err);
	r = ecdsa_cert_load_p384(key, x, y, err, sizeof(err));
	tap_ok(r == IB_EXIT_INVALID, "a key file is not a certificate");
	char trail[600];
	snprintf(trail, sizeof(trail), "%s/trail.der", dir);
	snprintf(cmd, sizeof(cmd), "{ cat '%s'; printf x; } > '%s'", der, trail);
	run_quiet(cmd);
	r = ecdsa_cert_load_p384(trail, x, y, err, sizeof(err));
	tap_ok(r == IB_EXIT_INVALID && strstr(err, "trailing"), "DER with a trailing byte is refused");
}

int main(void)
{
	const char *dir = tmpdir_make();
	test_rfc6979_p384();
	test_rfc6979_other_curves();
	test_properties(dir);
	test_key_loading(dir);
	test_certificates(dir);
	tmpdir_cleanup();
	return tap_done();
}
