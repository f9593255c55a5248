/* SPDX-License-Identifier: MIT */
/*
 * test_id_block.c — SNP ID block / ID auth layouts, signing and checking
 * (measure/id_block.c).
 *
 * Golden values from independent sources:
 *  - virtee/sev-snp-measure, tests/test_id_block.py: for the launch digest
 *    B28FLQi9… and its test keys tests/keyfile/id_key_test.pem and
 *    author_key_test.pem, snp-create-id-block prints id-block=B28FLQi9…AAAA
 *    (96 bytes: the digest, zero IDs, VERSION 1, SVN 0, POLICY 0x30000),
 *    id_key_hash: hwt+NcU/… and author_key: YxEcNLv8…, the SHA-384 digests of
 *    the 0x404-byte key encodings. The two keys are embedded here as their
 *    private scalars (read out of those PEM files); the digests only depend on
 *    the public points, so they test our key encoding byte for byte.
 *  - RFC 6979 A.2.6: the P-384 key pair, to check where Qx/Qy and r/s land.
 *  - RFC 4648 §10: the base64 test vectors.
 * Layout offsets are the AMD SEV-SNP ABI's (ID block table; ID auth at 0x000,
 * 0x004, 0x040, 0x240, 0x680, 0x880), typed in here independently of the
 * header's _Static_asserts. Signatures are checked with OpenSSL's verifier
 * (EVP_DigestVerify, through ecdsa_verify_sha384).
 */
#include "../../common/cleanup.h"
#include "../../common/digest.h"
#include "../../common/status.h"
#include "../../format/igvm.h"
#include "../../measure/ecdsa.h"
#include "../../measure/id_block.h"
#include "msign_test.h"

/* Private scalars of sev-snp-measure's tests/keyfile/{id,author}_key_test.pem. */
static const char *SSM_ID_D =
	"dddcd8eb3ddb93a00dd8d9b53cbbe9bec0bfa2704eb064e8809b9168a472631f1d9aebb65caa1717981fc30709f85ac2";
static const char *SSM_AUTHOR_D =
	"944e0a599fa5ade91be12471b73f33c8124ca5d71f3ed06de096d9ea1fade26dda58f98f7d336b6bdf826168a8127493";
static const char *SSM_LD_B64 = "B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7t";
static const char *SSM_ID_BLOCK_B64 = "B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7t"
				      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAwAAAAAA";
static const char *SSM_ID_KEY_HASH = "hwt+NcU/inLQ0yL3WrKvgmJ5Kq9leWIs5BMcPyHyied8sFYKXjuQs5MuZ07HCcsU";
static const char *SSM_AUTHOR_KEY_HASH = "YxEcNLv8Ckk4+aAJvQdJgNgXIyPmFZnJ/TNtqGcySOHcqY0L6PdjdqEGuK/UwKBX";

static const char *RFC_X =
	"6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5";
static const char *RFC_UX =
	"EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13";
static const char *RFC_UY =
	"8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720";

static struct ecdsa_key *key_from_hex(const char *hex)
{
	uint8_t d[48];
	unhex(hex, d, sizeof(d));
	struct ecdsa_key *k = NULL;
	if (ecdsa_key_from_scalar("secp384r1", d, sizeof(d), &k))
		abort();
	return k;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* OpenSSL's own verification of an ABI signature (LE r, s at sig) by the ABI key at key (curve, LE qx, qy). */
static bool openssl_verifies(const uint8_t *key, const uint8_t *sig, const void *msg, size_t len)
{
	uint8_t pt[97], r[48], s[48];
	pt[0] = 4;
	reverse_copy(pt + 1, key + 4, 48);
	reverse_copy(pt + 49, key + 4 + 72, 48);
	reverse_copy(r, sig, 48);
	reverse_copy(s, sig + 72, 48);
	/* ecdsa_verify_sha384 is OpenSSL's EVP_DigestVerify on a key built from the point. */
	return ecdsa_verify_sha384(pt + 1, pt + 49, msg, len, r, s) == ECDSA_VALID;
}

static void test_sev_snp_measure_vectors(void)
{
	_cleanup_ecdsa_key_ struct ecdsa_key *id = key_from_hex(SSM_ID_D);
	_cleanup_ecdsa_key_ struct ecdsa_key *au = key_from_hex(SSM_AUTHOR_D);
	uint8_t d[48], want[48];
	char b64[65];
	tap_ok(snp_pubkey_digest(id, d) == 0 && snp_b64_decode(SSM_ID_KEY_HASH, strlen(SSM_ID_KEY_HASH), want, 48) &&
		       !memcmp(d, want, 48),
	       "sev-snp-measure vector: id_key_hash (SHA-384 of the 0x404-byte ID key)");
	snp_b64_encode(d, 48, b64);
	tap_ok(!strcmp(b64, SSM_ID_KEY_HASH), "... and it prints the same base64 (%s)", b64);
	tap_ok(snp_pubkey_digest(au, d) == 0 &&
		       snp_b64_decode(SSM_AUTHOR_KEY_HASH, strlen(SSM_AUTHOR_KEY_HASH), want, 48) && !memcmp(d, want, 48),
	       "sev-snp-measure vector: author_key hash");

	struct snp_id_fields f;
	memset(&f, 0, sizeof(f));
	tap_ok(snp_b64_decode(SSM_LD_B64, strlen(SSM_LD_B64), f.ld, 48), "the vector's launch digest decodes");
	f.version = SNP_ID_BLOCK_VERSION;
	f.policy = SNP_DEFAULT_POLICY;
	uint8_t block[SNP_ID_BLOCK_SIZE], auth[SNP_ID_AUTH_SIZE];
	char bb64[4 * 32 + 1];
	tap_ok(snp_id_sign(&f, id, au, block, auth) == 0, "signing with the vector's keys works");
	snp_b64_encode(block, sizeof(block), bb64);
	tap_ok(!strcmp(bb64, SSM_ID_BLOCK_B64), "sev-snp-measure vector: id-block= base64 matches exactly");
	struct snp_id_check c;
	tap_ok(snp_id_verify(block, auth, &c) == 0 && c.ok && c.author_present && c.nwarnings == 0,
	       "the pair verifies, with its author key, without warnings");
	snp_b64_decode(SSM_ID_KEY_HASH, strlen(SSM_ID_KEY_HASH), want, 48);
	tap_ok(!memcmp(c.id_key_digest, want, 48), "verify reports the same ID key digest");
	snp_b64_decode(SSM_AUTHOR_KEY_HASH, strlen(SSM_AUTHOR_KEY_HASH), want, 48);
	tap_ok(!memcmp(c.author_key_digest, want, 48), "verify reports the same author key digest");
}

static void test_layout(void)
{
	_cleanup_ecdsa_key_ struct ecdsa_key *id = key_from_hex(RFC_X);
	_cleanup_ecdsa_key_ struct ecdsa_key *au = key_from_hex(SSM_AUTHOR_D);
	struct snp_id_fields f;
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < 48; i++)
		f.ld[i] = (uint8_t)(0xA0 + i);
	memset(f.family_id, 0x11, 16);
	memset(f.image_id, 0x22, 16);
	f.version = 1;
	f.guest_svn = 0x01020304;
	f.policy = 0x1122334455667788ull;
	uint8_t block[SNP_ID_BLOCK_SIZE], auth[SNP_ID_AUTH_SIZE];
	tap_ok(snp_id_sign(&f, id, au, block, auth) == 0, "sign with the RFC 6979 key as ID key");

	tap_ok(block[0] == 0xA0 && block[47] == 0xCF && block[0x30] == 0x11 && block[0x3F] == 0x11 &&
		       block[0x40] == 0x22 && block[0x4F] == 0x22,
	       "ID block: LD at 0x00, FAMILY_ID at 0x30, IMAGE_ID at 0x40");
	tap_ok(rd32(block + 0x50) == 1 && rd32(block + 0x54) == 0x01020304 && rd32(block + 0x58) == 0x55667788 &&
		       rd32(block + 0x5C) == 0x11223344,
	       "ID block: VERSION 0x50, GUEST_SVN 0x54, POLICY 0x58, little-endian");
	struct snp_id_fields back;
	snp_id_block_decode(block, &back);
	tap_ok(!memcmp(&back, &f, sizeof(f)), "decode(encode(fields)) == fields");

	tap_ok(rd32(auth + 0x000) == 1 && rd32(auth + 0x004) == 1, "ID auth: ID_KEY_ALGO and AUTH_KEY_ALGO are 1");
	uint8_t ux[48], uy[48], le[48];
	unhex(RFC_UX, ux, 48);
	unhex(RFC_UY, uy, 48);
	reverse_copy(le, ux, 48);
	bool qx = !memcmp(auth + 0x244, le, 48);
	reverse_copy(le, uy, 48);
	bool qy = !memcmp(auth + 0x244 + 72, le, 48);
	tap_ok(rd32(auth + 0x240) == 2 && qx && qy,
	       "ID_KEY at 0x240: CURVE 2, then the RFC's Ux and Uy little-endian, 72 bytes each");
	bool pad = true;
	for (size_t i = 0x244 + 48; i < 0x244 + 72; i++)
		pad &= auth[i] == 0;
	for (size_t i = 0x240 + 4 + 144; i < 0x644; i++)
		pad &= auth[i] == 0;
	tap_ok(pad, "QX padding and the key's reserved tail are zero");
	tap_ok(openssl_verifies(auth + 0x240, auth + 0x040, block, sizeof(block)),
	       "ID_BLOCK_SIG at 0x040 (LE r, s) verifies over the 96 bytes with ID_KEY (OpenSSL)");
	tap_ok(openssl_verifies(auth + 0x880, auth + 0x680, auth + 0x240, 0x404),
	       "ID_KEY_SIG at 0x680 verifies over the 0x404-byte ID_KEY with AUTHOR_KEY at 0x880 (OpenSSL)");
	bool zero = true;
	for (size_t i = 0x008; i < 0x040; i++)
		zero &= auth[i] == 0;
	for (size_t i = 0x644; i < 0x680; i++)
		zero &= auth[i] == 0;
	for (size_t i = 0xC84; i < 0x1000; i++)
		zero &= auth[i] == 0;
	tap_ok(zero, "the reserved areas 0x008-0x03F, 0x644-0x67F and 0xC84-0xFFF are zero");

	uint8_t block2[SNP_ID_BLOCK_SIZE], auth2[SNP_ID_AUTH_SIZE];
	snp_id_sign(&f, id, au, block2, auth2);
	tap_ok(!memcmp(block, block2, sizeof(block)) && !memcmp(auth, auth2, sizeof(auth)),
	       "signing twice gives the same bytes (RFC 6979)");

	/* Without an author key the author fields stay zero and nothing else changes. */
	uint8_t auth3[SNP_ID_AUTH_SIZE];
	snp_id_sign(&f, id, NULL, block2, auth3);
	bool author_zero = true;
	for (size_t i = 0x680; i < 0xC84; i++)
		author_zero &= auth3[i] == 0;
	tap_ok(author_zero && !memcmp(auth3, auth, 0x680), "no author key: ID_KEY_SIG and AUTHOR_KEY stay zero");
	struct snp_id_check c;
	tap_ok(snp_id_verify(block2, auth3, &c) == 0 && c.ok && !c.author_present, "... and that pair verifies");

	/* IGVM form: to_igvm then QEMU's expansion gives the same structures back. */
	struct igvm_vhs_snp_id_block h;
	snp_id_to_igvm(block, auth, true, 0x1, &h);
	tap_ok(h.compatibility_mask == 1 && h.author_key_enabled == 1 && h.version == 1 && h.guest_svn == 0x01020304 &&
		       h.id_key_algorithm == 1 && h.author_key_algorithm == 1 && h.id_public_key.curve == 2 &&
		       h.id_public_key.reserved == 0 && !memcmp(h.ld, f.ld, 48),
	       "IGVM SNP_ID_BLOCK body: mask, author flag, fields, algorithms, curve");
	uint8_t b4[SNP_ID_BLOCK_SIZE], a4[SNP_ID_AUTH_SIZE];
	snp_id_from_igvm(&h, f.policy, b4, a4);
	tap_ok(!memcmp(b4, block, sizeof(b4)) && !memcmp(a4, auth, sizeof(a4)),
	       "QEMU's expansion of that header gives back the signed ID block and ID auth");
	h.version = 7;
	snp_id_from_igvm(&h, f.policy, b4, a4);
	tap_ok(rd32(b4 + 0x50) == 1, "QEMU's expansion uses VERSION 1 whatever the header says");
}

/* Every single-byte change in the signed parts is caught. */
static void test_tampering(void)
{
	_cleanup_ecdsa_key_ struct ecdsa_key *id = key_from_hex(SSM_ID_D);
	_cleanup_ecdsa_key_ struct ecdsa_key *au = key_from_hex(SSM_AUTHOR_D);
	struct snp_id_fields f;
	memset(&f, 0, sizeof(f));
	f.version = 1;
	f.policy = SNP_DEFAULT_POLICY;
	uint8_t block[SNP_ID_BLOCK_SIZE], auth[SNP_ID_AUTH_SIZE];
	snp_id_sign(&f, id, au, block, auth);
	struct snp_id_check c;

	unsigned missed = 0;
	for (size_t i = 0; i < SNP_ID_BLOCK_SIZE; i++) {
		block[i] ^= 0x01;
		int r = snp_id_verify(block, auth, &c);
		if (r || c.ok || !c.nproblems || !strstr(c.problems[0], "ID_BLOCK_SIG does not verify"))
			missed++;
		block[i] ^= 0x01;
	}
	tap_ok(missed == 0, "each of the 96 ID block bytes flipped: ID_BLOCK_SIG fails (%u missed)", missed);

	static const size_t spots[] = { 0x040, 0x087, 0x088, 0x0CF, 0x244, 0x28C, 0x2D0, 0x680, 0x6C8, 0x884, 0x8CC };
	missed = 0;
	for (size_t i = 0; i < ARRAY_SIZE(spots); i++) {
		auth[spots[i]] ^= 0x40;
		if (snp_id_verify(block, auth, &c) || c.ok)
			missed++;
		auth[spots[i]] ^= 0x40;
	}
	tap_ok(missed == 0, "signature and key bytes flipped: the pair is refused (%u missed)", missed);

	auth[0] = 2;
	tap_ok(!snp_id_verify(block, auth, &c) && !c.ok && strstr(c.problems[0], "ID_KEY_ALGO is 2"),
	       "ID_KEY_ALGO 2 is named (%s)", c.problems[0]);
	auth[0] = 1;
	auth[0x240] = 3;
	tap_ok(!snp_id_verify(block, auth, &c) && !c.ok && strstr(c.problems[0], "CURVE is 3"), "ID_KEY CURVE 3 is named");
	auth[0x240] = 2;
	auth[0x040 + 60] = 1; /* r's bytes 48..71 must be zero */
	tap_ok(!snp_id_verify(block, auth, &c) && !c.ok && strstr(c.problems[0], "above the 48"),
	       "a 72-byte r that does not fit 48 bytes is named");
	auth[0x040 + 60] = 0;
	auth[0x100] = 0x5A; /* reserved part of the signature */
	tap_ok(!snp_id_verify(block, auth, &c) && c.ok && c.nwarnings == 1, "a non-zero reserved byte is only a warning");
	auth[0x100] = 0;
	/* The author key's first byte decides whether QEMU enables it. */
	auth[0x880] = 0;
	tap_ok(!snp_id_verify(block, auth, &c) && c.ok && !c.author_present && c.nwarnings >= 1,
	       "AUTHOR_KEY with a zero first byte: not enabled (QEMU's rule), with a warning");
	auth[0x880] = 2;
	snp_id_sign(&(struct snp_id_fields){ .version = 2, .policy = 0 }, id, NULL, block, auth);
	tap_ok(!snp_id_verify(block, auth, &c) && c.ok && c.nwarnings == 2,
	       "VERSION 2 and a policy without bit 17 are warnings (%u)", c.nwarnings);
	/* A key that is not on the curve. */
	snp_id_sign(&f, id, NULL, block, auth);
	auth[0x244] ^= 1;
	tap_ok(!snp_id_verify(block, auth, &c) && !c.ok && strstr(c.problems[0], "not a point of P-384"),
	       "an ID key off the curve is named");
}

static void test_base64(void)
{
	/* RFC 4648 §10. */
	static const char *in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	unsigned bad = 0;
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		char b[16];
		uint8_t d[8];
		snp_b64_encode((const uint8_t *)in[i], strlen(in[i]), b);
		bad += strcmp(b, out[i]) != 0;
		bad += !snp_b64_decode(out[i], strlen(out[i]), d, strlen(in[i])) || memcmp(d, in[i], strlen(in[i]));
	}
	tap_ok(bad == 0, "RFC 4648 §10 vectors encode and decode (%u wrong)", bad);
	uint8_t d[8];
	tap_ok(snp_b64_decode("Zm9v\nYmFy\n", 10, d, 6) && !memcmp(d, "foobar", 6), "line breaks are ignored");
	static const char *invalid[] = { "Zg=", "Zg", "Z===", "Zh==", "Zm9v!", "Zg==Zg==", "=Zg=", "Zm9vYg=a" };
	bad = 0;
	for (size_t i = 0; i < ARRAY_SIZE(invalid); i++)
		bad += snp_b64_decode(invalid[i], strlen(invalid[i]), d, 1) ||
		       snp_b64_decode(invalid[i], strlen(invalid[i]), d, 4);
	tap_ok(bad == 0, "malformed base64 (short, bad padding, non-zero pad bits, junk) is refused");
	tap_ok(!snp_b64_decode("Zm9vYmFy", 8, d, 5) && !snp_b64_decode("Zm9vYmFy", 8, d, 7),
	       "a decoded length other than the one wanted is refused");

	uint8_t h[2];
	uint64_t v;
	tap_ok(snp_parse_hex("0xA0ff", h, 2) && h[0] == 0xA0 && h[1] == 0xFF && !snp_parse_hex("A0f", h, 2) &&
		       !snp_parse_hex("A0ffee", h, 2) && !snp_parse_hex("G0ff", h, 2),
	       "hex: exact length, optional 0x, no junk");
	tap_ok(snp_parse_u64("0x30000", UINT64_MAX, &v) && v == 0x30000 && snp_parse_u64("7", 7, &v) &&
		       !snp_parse_u64("8", 7, &v) && !snp_parse_u64("-1", UINT64_MAX, &v) &&
		       !snp_parse_u64("", UINT64_MAX, &v) && !snp_parse_u64("1x", UINT64_MAX, &v) &&
		       !snp_parse_u64("99999999999999999999", UINT64_MAX, &v),
	       "numbers: decimal and hex, bounds, no sign, no junk, no overflow");
}

static void test_read_blob(const char *dir)
{
	char p[512], err[300];
	uint8_t raw[SNP_ID_BLOCK_SIZE], got[SNP_ID_BLOCK_SIZE];
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 7);
	snprintf(p, sizeof(p), "%s/blk.bin", dir);
	write_file(p, raw, sizeof(raw));
	tap_ok(snp_id_read_blob(p, got, sizeof(got), err, sizeof(err)) == 0 && !memcmp(got, raw, sizeof(raw)),
	       "a 96-byte binary ID block is read as is");
	char b64[200];
	snp_b64_encode(raw, sizeof(raw), b64);
	strcat(b64, "\n");
	snprintf(p, sizeof(p), "%s/blk.b64", dir);
	write_file(p, b64, strlen(b64));
	memset(got, 0, sizeof(got));
	tap_ok(snp_id_read_blob(p, got, sizeof(got), err, sizeof(err)) == 0 && !memcmp(got, raw, sizeof(raw)),
	       "its base64 (with a newline) is decoded");
	snprintf(p, sizeof(p), "%s/short.bin", dir);
	write_file(p, raw, 95);
	tap_ok(snp_id_read_blob(p, got, sizeof(got), err, sizeof(err)) == IB_EXIT_INVALID && strstr(err, "95 bytes"),
	       "95 bytes are refused (%s)", err);
	snprintf(p, sizeof(p), "%s/none", dir);
	tap_ok(snp_id_read_blob(p, got, sizeof(got), err, sizeof(err)) == IB_EXIT_IO, "a missing file is an I/O error");
}

int main(void)
{
	const char *dir = tmpdir_make();
	test_sev_snp_measure_vectors();
	test_layout();
	test_tampering();
	test_base64();
	test_read_blob(dir);
	tmpdir_cleanup();
	return tap_done();
}
