/* SPDX-License-Identifier: MIT */
/*
 * test_report.c — SEV-SNP attestation report parsing, printing and signature
 * checking (measure/snp_report.c).
 *
 * Sources of the expectations:
 *  - the ATTESTATION_REPORT table of the AMD SEV-SNP firmware ABI (offsets
 *    typed in below, independently of snp_report.c): reports are built here
 *    byte by byte with a distinct value in every field, and each field must
 *    come back from its offset; version 3 adds CPUID_FAM_ID/MOD_ID/STEP at
 *    0x188, version 5 LAUNCH_MIT_VECTOR/CURRENT_MIT_VECTOR at 0x1F8/0x200;
 *  - a real Milan report, tests/certs_data/report_milan.hex of virtee/sev
 *    (the crate checks it against AMD's VCEK). Its field values asserted here
 *    were read off its hex at the ABI offsets: version 2, policy 0x30000,
 *    TCB bytes 03 00 .. 08 73, firmware 1.52 build 4, REPORT_ID_MA all FF;
 *  - signatures made by the openssl CLI (`openssl dgst -sha384 -sign`) over
 *    bytes 0x000-0x29F with a key whose self-signed certificate the CLI also
 *    makes: our verifier must accept them and refuse any change.
 *
 * "--make OUT key=value..." writes a report for tests/cli/t0510 (see make_report).
 */
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include "../../common/cleanup.h"
#include "../../common/digest.h"
#include "../../common/status.h"
#include "../../measure/ecdsa.h"
#include "../../measure/id_block.h"
#include "../../measure/jsonw.h"
#include "../../measure/snp_report.h"
#include "msign_test.h"

#define REPORT 0x4A0

/* ABI offsets. */
enum {
	O_VERSION = 0x00, O_SVN = 0x04, O_POLICY = 0x08, O_FAMILY = 0x10, O_IMAGE = 0x20, O_VMPL = 0x30,
	O_ALGO = 0x34, O_CUR_TCB = 0x38, O_PLAT = 0x40, O_KEYINFO = 0x48, O_RDATA = 0x50, O_MEAS = 0x90,
	O_HOST = 0xC0, O_IDKEY = 0xE0, O_AUTHKEY = 0x110, O_RID = 0x140, O_RIDMA = 0x160, O_REP_TCB = 0x180,
	O_FAM = 0x188, O_MOD = 0x189, O_STEP = 0x18A, O_CHIP = 0x1A0, O_COM_TCB = 0x1E0, O_CUR_BUILD = 0x1E8,
	O_CUR_MINOR = 0x1E9, O_CUR_MAJOR = 0x1EA, O_COM_BUILD = 0x1EC, O_COM_MINOR = 0x1ED, O_COM_MAJOR = 0x1EE,
	O_LAUNCH_TCB = 0x1F0, O_LMIT = 0x1F8, O_CMIT = 0x200, O_SIG_R = 0x2A0, O_SIG_S = 0x2E8,
};

static void put32(uint8_t *b, size_t o, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[o + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *b, size_t o, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[o + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* A report with a distinct, recognisable value in every field of its version. */
static void build(uint8_t *b, uint32_t version)
{
	memset(b, 0, REPORT);
	put32(b, O_VERSION, version);
	put32(b, O_SVN, 0x01020304);
	put64(b, O_POLICY, 0x00000000001F0105ull); /* ABI 1.5, SMT, MBO, migrate-ma, debug, single socket */
	memset(b + O_FAMILY, 0xFA, 16);
	memset(b + O_IMAGE, 0x1A, 16);
	put32(b, O_VMPL, 2);
	put32(b, O_ALGO, 1);
	put64(b, O_CUR_TCB, 0x7308000000000103ull);
	put64(b, O_PLAT, 0x25);
	put32(b, O_KEYINFO, 0x3 | (1u << 2)); /* author key, masked chip key, VLEK */
	for (int i = 0; i < 64; i++)
		b[O_RDATA + i] = (uint8_t)i;
	for (int i = 0; i < 48; i++)
		b[O_MEAS + i] = (uint8_t)(0x80 + i);
	memset(b + O_HOST, 0x40, 32);
	memset(b + O_IDKEY, 0x1D, 48);
	memset(b + O_AUTHKEY, 0xA7, 48);
	memset(b + O_RID, 0x51, 32);
	memset(b + O_RIDMA, 0xFF, 32);
	put64(b, O_REP_TCB, 0x6207000000000002ull);
	if (version >= 3) {
		b[O_FAM] = 0x19;
		b[O_MOD] = 0x11;
		b[O_STEP] = 0x01;
	}
	memset(b + O_CHIP, 0xC1, 64);
	put64(b, O_COM_TCB, 0x5106000000000001ull);
	b[O_CUR_BUILD] = 4;
	b[O_CUR_MINOR] = 52;
	b[O_CUR_MAJOR] = 1;
	b[O_COM_BUILD] = 3;
	b[O_COM_MINOR] = 51;
	b[O_COM_MAJOR] = 1;
	put64(b, O_LAUNCH_TCB, 0x4005000000000000ull);
	if (version >= 5) {
		put64(b, O_LMIT, 0x1111222233334444ull);
		put64(b, O_CMIT, 0x5555666677778888ull);
	}
	for (int i = 0; i < 48; i++) {
		b[O_SIG_R + i] = (uint8_t)(i + 1);
		b[O_SIG_S + i] = (uint8_t)(0xF0 - i);
	}
}

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void test_fields(void)
{
	uint8_t b[REPORT];
	for (uint32_t version = 2; version <= 6; version++) {
		build(b, version);
		struct snp_report r;
		struct snp_report_error e;
		int rc = snp_report_parse(b, REPORT, &r, &e);
		tap_ok(rc == 0 && r.version == version, "v%u: parses", version);
		tap_ok(r.guest_svn == 0x01020304 && r.policy == 0x1F0105 && all(r.family_id, 16, 0xFA) &&
			       all(r.image_id, 16, 0x1A) && r.vmpl == 2 && r.signature_algo == 1,
		       "v%u: VERSION..SIGNATURE_ALGO at 0x00-0x37", version);
		tap_ok(r.current_tcb.raw == 0x7308000000000103ull && r.current_tcb.boot_loader == 3 &&
			       r.current_tcb.tee == 1 && r.current_tcb.snp == 8 && r.current_tcb.microcode == 0x73 &&
			       !r.current_tcb.turin,
		       "v%u: CURRENT_TCB at 0x38 (boot loader, TEE, SNP, microcode)", version);
		tap_ok(r.platform_info == 0x25 && r.key_info == 7 && r.author_key_en && r.mask_chip_key &&
			       r.signing_key == SNP_SIGNING_KEY_VLEK,
		       "v%u: PLATFORM_INFO 0x40, KEY_INFO 0x48 (AUTHOR_KEY_EN, MASK_CHIP_KEY, SIGNING_KEY)", version);
		bool rd = true;
		for (int i = 0; i < 64; i++)
			rd &= r.report_data[i] == i;
		bool meas = true;
		for (int i = 0; i < 48; i++)
			meas &= r.measurement[i] == 0x80 + i;
		tap_ok(rd && meas && all(r.host_data, 32, 0x40) && all(r.id_key_digest, 48, 0x1D) &&
			       all(r.author_key_digest, 48, 0xA7) && all(r.report_id, 32, 0x51) &&
			       all(r.report_id_ma, 32, 0xFF),
		       "v%u: REPORT_DATA 0x50 .. REPORT_ID_MA 0x160", version);
		tap_ok(r.reported_tcb.raw == 0x6207000000000002ull && r.committed_tcb.raw == 0x5106000000000001ull &&
			       r.launch_tcb.raw == 0x4005000000000000ull && r.reported_tcb.snp == 7 &&
			       r.launch_tcb.microcode == 0x40,
		       "v%u: REPORTED_TCB 0x180, COMMITTED_TCB 0x1E0, LAUNCH_TCB 0x1F0", version);
		tap_ok(all(r.chip_id, 64, 0xC1) && r.current_build == 4 && r.current_minor == 52 &&
			       r.current_major == 1 && r.committed_build == 3 && r.committed_minor == 51 &&
			       r.committed_major == 1,
		       "v%u: CHIP_ID 0x1A0, CURRENT/COMMITTED build, minor, major at 0x1E8-0x1EE", version);
		tap_ok(r.has_cpuid == (version >= 3) &&
			       (version < 3 || (r.cpuid_fam_id == 0x19 && r.cpuid_mod_id == 0x11 && r.cpuid_step == 1)),
		       "v%u: CPUID family/model/stepping %s", version, version >= 3 ? "at 0x188" : "absent");
		tap_ok(r.has_mit_vectors == (version >= 5) &&
			       (version < 5 || (r.launch_mit_vector == 0x1111222233334444ull &&
						r.current_mit_vector == 0x5555666677778888ull)),
		       "v%u: mitigation vectors %s", version, version >= 5 ? "at 0x1F8 and 0x200" : "absent");
		tap_ok(r.sig_r[0] == 1 && r.sig_r[47] == 48 && r.sig_s[0] == 0xF0 && r.sig_r[71] == 0,
		       "v%u: SIGNATURE R at 0x2A0, S at 0x2E8", version);
		tap_ok(r.newer_version == (version > 5) && r.nwarnings == (version > 5 ? 1u : 0u),
		       "v%u: %s", version, version > 5 ? "newer than known: decoded with a warning" : "no warnings");
	}
	/* Version 4 has version 3's layout: the bytes of a v5 report's mitigation vectors are reserved there. */
	build(b, 4);
	put64(b, O_LMIT, 1);
	struct snp_report r;
	struct snp_report_error e;
	tap_ok(!snp_report_parse(b, REPORT, &r, &e) && !r.has_mit_vectors && r.nwarnings == 1 &&
		       strstr(r.warnings[0], "0x1f8"),
	       "v4: a non-zero byte at 0x1F8 is reserved there (warning: %s)", r.nwarnings ? r.warnings[0] : "");
	/* In version 2, the CPUID bytes are reserved too. */
	build(b, 2);
	b[O_FAM] = 0x19;
	tap_ok(!snp_report_parse(b, REPORT, &r, &e) && !r.has_cpuid && r.nwarnings == 1 && strstr(r.warnings[0], "0x188"),
	       "v2: a CPUID byte is a reserved byte (warning)");
	/* Turin (family 1Ah) TCBs: FMC, boot loader, TEE, SNP, 3 reserved, microcode. */
	build(b, 3);
	b[O_FAM] = 0x1A;
	put64(b, O_CUR_TCB, 0x4800000004030201ull);
	tap_ok(!snp_report_parse(b, REPORT, &r, &e) && r.current_tcb.turin && r.current_tcb.fmc == 1 &&
		       r.current_tcb.boot_loader == 2 && r.current_tcb.tee == 3 && r.current_tcb.snp == 4 &&
		       r.current_tcb.microcode == 0x48,
	       "Turin report: the TCB is decoded with the FMC layout");
	tap_ok(r.nwarnings >= 1, "... and the Milan-layout TCBs of this synthetic report have non-zero reserved bytes");
	build(b, 2);
	put32(b, O_KEYINFO, 3u << 2 | 1u << 9);
	b[0x4C] = 1;
	b[0x1EB] = 1;
	b[0x340] = 1; /* inside the signature's reserved part (after S, which ends at 0x32F) */
	if (!tap_ok(!snp_report_parse(b, REPORT, &r, &e) && r.nwarnings == 5,
		    "reserved KEY_INFO bits, SIGNING_KEY 3, 0x4C, 0x1EB and the signature tail: 5 warnings (%u)",
		    r.nwarnings))
		for (unsigned i = 0; i < r.nwarnings; i++)
			printf("# %s\n", r.warnings[i]);
}

static void test_refusals(void)
{
	uint8_t b[REPORT + 16];
	struct snp_report r;
	struct snp_report_error e;
	build(b, 2);
	static const size_t sizes[] = { 0, 1, 4, REPORT - 1, REPORT + 1, REPORT + 16 };
	unsigned bad = 0;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		if (snp_report_parse(b, sizes[i], &r, &e) != IB_EXIT_INVALID || strcmp(e.rule, "report.size") ||
		    !strstr(e.detail, sizes[i] < REPORT ? "truncated" : "oversized"))
			bad++;
	tap_ok(bad == 0, "truncated and oversized inputs: report.size, said which (%u wrong)", bad);
	for (uint32_t v = 0; v < 2; v++) {
		build(b, v);
		tap_ok(snp_report_parse(b, REPORT, &r, &e) == IB_EXIT_INVALID && !strcmp(e.rule, "report.version") &&
			       e.offset == 0,
		       "version %u: report.version at offset 0", v);
	}
	/* Arbitrary bytes of the right size never crash the parser or the printers. */
	FILE *null = fopen("/dev/null", "w");
	uint64_t x = 0x1234567887654321ull;
	unsigned parsed = 0;
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < REPORT; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			b[i] = (uint8_t)x;
		}
		b[0] = (uint8_t)(2 + round % 8);
		b[1] = b[2] = b[3] = 0;
		if (!snp_report_parse(b, REPORT, &r, &e)) {
			parsed++;
			snp_report_print_text(&r, null);
			struct jsonw w;
			jsonw_init(&w, null);
			jsonw_begin_object(&w, NULL);
			snp_report_print_json(&r, &w);
			jsonw_end_object(&w);
			jsonw_finish(&w);
		}
	}
	if (null)
		fclose(null);
	tap_ok(parsed == 200, "200 random reports of versions 2-9 parse and print");
}

static const char *const MILAN =
	"020000000000000000000300000000000000000000000000000000000000000000000000000000000000000000000000"
	"0000000001000000030000000000087301000000000000000000000000000000D447B55D197491BFE15CF298F9DE9986"
	"B7A7C4BE2468B4F6E2D53B71D7C645810B0F2CDFCA0040433BE063FC1A8293F0F3F8DAE7B79FECB3D1CD82BD6A93EBFD"
	"7A1E5C266C0108DBC9BB94FA926951320940915D0AAFB42464BD88B579EA158D3E1A0DC39B2C60BD95B9C480CD81841F"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000092B3B47D59F0A2A10A74C5678868A802"
	"38CF593C01A82F3CFFB878E904C28D5BFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
	"0300000000000873000000000000000000000000000000000000000000000000D49554EC717F4E5B0FE6B143BCF0405B"
	"D7AE304727EDF46603F2A76AEF6A3ABC15D7AF38DB757039029F0EFACFD08E244324884738C72B082E2F87A44D541EB6"
	"030000000000087304340100043401000300000000000873000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"61AB4F11AA661997625F233DF42A4AD54440EEB7A96EA63DE170CBC29C37C005CB54054881EC7D2BEE569B02D07F8272"
	"000000000000000000000000000000000000000000000000209D7EB9BE919A1D0BAF1D57FE6EBFEABBC53B778C6E977E"
	"40B15CA931BB6D44C5AB9E30CFDC7346CB41AC083B90BF49000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000";

static void test_milan(void)
{
	uint8_t b[REPORT];
	size_t n = unhex(MILAN, b, sizeof(b));
	struct snp_report r;
	struct snp_report_error e;
	tap_ok(n == REPORT && snp_report_parse(b, n, &r, &e) == 0, "virtee/sev's Milan report parses");
	tap_ok(r.version == 2 && r.guest_svn == 0 && r.policy == 0x30000 && r.vmpl == 0 && r.signature_algo == 1,
	       "Milan: version 2, SVN 0, policy 0x30000, VMPL 0, ECDSA P-384");
	tap_ok(r.current_tcb.raw == 0x7308000000000003ull && r.current_tcb.boot_loader == 3 && r.current_tcb.snp == 8 &&
		       r.current_tcb.microcode == 0x73 && r.reported_tcb.raw == r.current_tcb.raw &&
		       r.committed_tcb.raw == r.current_tcb.raw && r.launch_tcb.raw == r.current_tcb.raw,
	       "Milan: every TCB is boot loader 3, TEE 0, SNP 8, microcode 0x73");
	tap_ok(r.platform_info == 1 && r.key_info == 0 && r.signing_key == SNP_SIGNING_KEY_VCEK && !r.author_key_en,
	       "Milan: SMT enabled, signed by the VCEK, no author key");
	tap_ok(bytes_eq_hex(r.measurement, 48,
			    "7A1E5C266C0108DBC9BB94FA926951320940915D0AAFB42464BD88B579EA158D3E1A0DC39B2C60BD95B9C480CD81841F"),
	       "Milan: MEASUREMENT");
	tap_ok(all(r.report_id_ma, 32, 0xFF) && all(r.id_key_digest, 48, 0) && all(r.host_data, 32, 0),
	       "Milan: no migration agent (all FF), no ID block, no host data");
	tap_ok(r.current_major == 1 && r.current_minor == 52 && r.current_build == 4 && r.committed_major == 1 &&
		       r.committed_minor == 52 && r.committed_build == 4,
	       "Milan: firmware 1.52 build 4, current and committed");
	tap_ok(bytes_eq_hex(r.chip_id, 8, "D49554EC717F4E5B") && r.nwarnings == 0, "Milan: CHIP_ID, and no warnings");
	/* A tampered copy can never verify, whatever key: use our own as a stand-in VCEK. */
	_cleanup_ecdsa_key_ struct ecdsa_key *k = NULL;
	uint8_t d[48], x[48], y[48];
	memset(d, 0x5A, sizeof(d));
	ecdsa_key_from_scalar("secp384r1", d, 48, &k);
	ecdsa_key_public_xy(k, x, y);
	char why[200];
	tap_ok(snp_report_verify_signature(b, &r, x, y, why, sizeof(why)) == 0 && strstr(why, "VCEK"),
	       "Milan: its signature does not verify with an unrelated key (%s)", why);
}

/* Signs bytes 0x000-0x29F with the openssl CLI and stores r, s little-endian in the report. */
static bool cli_sign(const char *dir, const char *key, uint8_t *b)
{
	char part[512], sig[512], cmd[4096];
	snprintf(part, sizeof(part), "%s/part.bin", dir);
	snprintf(sig, sizeof(sig), "%s/sig.der", dir);
	if (!write_file(part, b, SNP_REPORT_SIGNED_SIZE))
		return false;
	snprintf(cmd, sizeof(cmd), "openssl dgst -sha384 -sign '%s' -out '%s' '%s'", key, sig, part);
	if (!run_quiet(cmd))
		return false;
	uint8_t der[256];
	FILE *f = fopen(sig, "rb");
	if (!f)
		return false;
	size_t n = fread(der, 1, sizeof(der), f);
	fclose(f);
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)n);
	if (!s)
		return false;
	const BIGNUM *r = NULL, *ss = NULL;
	ECDSA_SIG_get0(s, &r, &ss);
	uint8_t be[48];
	memset(b + O_SIG_R, 0, 144);
	BN_bn2binpad(r, be, 48);
	reverse_copy(b + O_SIG_R, be, 48);
	BN_bn2binpad(ss, be, 48);
	reverse_copy(b + O_SIG_S, be, 48);
	ECDSA_SIG_free(s);
	return true;
}

static void test_signature(const char *dir)
{
	char key[512], cert[512], other[512], cmd[4096], err[300];
	snprintf(key, sizeof(key), "%s/vcek.key", dir);
	snprintf(cert, sizeof(cert), "%s/vcek.pem", dir);
	snprintf(other, sizeof(other), "%s/other.pem", dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl ecparam -name secp384r1 -genkey -noout -out '%s' && "
		 "openssl req -x509 -new -key '%s' -subj /CN=VCEK -days 2 -out '%s' && "
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout '%s.key' -subj /CN=x "
		 "-days 2 -out '%s'",
		 key, key, cert, other, other);
	if (!tap_ok(run_quiet(cmd), "openssl CLI makes a stand-in VCEK key and certificate"))
		return;
	uint8_t x[48], y[48], ox[48], oy[48];
	if (!tap_ok(!ecdsa_cert_load_p384(cert, x, y, err, sizeof(err)) &&
			    !ecdsa_cert_load_p384(other, ox, oy, err, sizeof(err)),
		    "certificates load"))
		return;
	uint8_t b[REPORT];
	struct snp_report r;
	struct snp_report_error e;
	char why[200];
	for (uint32_t version = 2; version <= 5; version += 3) {
		build(b, version);
		put32(b, O_KEYINFO, 0); /* VCEK */
		if (!tap_ok(cli_sign(dir, key, b), "v%u: openssl dgst -sha384 -sign signs bytes 0x000-0x29F", version))
			return;
		snp_report_parse(b, REPORT, &r, &e);
		tap_ok(snp_report_verify_signature(b, &r, x, y, why, sizeof(why)) == 1,
		       "v%u: the CLI's signature verifies with the certificate's key", version);
		tap_ok(snp_report_verify_signature(b, &r, ox, oy, why, sizeof(why)) == 0,
		       "v%u: ... and not with another certificate's key", version);
	}
	unsigned missed = 0;
	static const size_t spots[] = { 0x00, 0x08, 0x48, 0x90, 0xBF, 0xE0, 0x1A0, 0x1F8, 0x29F, 0x2A0, 0x2E7, 0x2E8, 0x32F };
	for (size_t i = 0; i < ARRAY_SIZE(spots); i++) {
		b[spots[i]] ^= 0x04;
		snp_report_parse(b, REPORT, &r, &e);
		missed += snp_report_verify_signature(b, &r, x, y, why, sizeof(why)) != 0;
		b[spots[i]] ^= 0x04;
	}
	tap_ok(missed == 0, "a flipped bit in the signed part or in R/S breaks the signature (%u missed)", missed);
	b[0x400] ^= 1; /* the signature's reserved tail is not signed */
	snp_report_parse(b, REPORT, &r, &e);
	tap_ok(snp_report_verify_signature(b, &r, x, y, why, sizeof(why)) == 1 && r.nwarnings == 1,
	       "a byte after S is not signed: still valid, with a warning");
	b[0x400] ^= 1;
	put32(b, O_ALGO, 2);
	snp_report_parse(b, REPORT, &r, &e);
	tap_ok(snp_report_verify_signature(b, &r, x, y, why, sizeof(why)) == 0 && strstr(why, "SIGNATURE_ALGO is 2"),
	       "SIGNATURE_ALGO 2 is named");
	put32(b, O_ALGO, 1);
	put32(b, O_KEYINFO, 7u << 2);
	snp_report_parse(b, REPORT, &r, &e);
	tap_ok(snp_report_verify_signature(b, &r, x, y, why, sizeof(why)) == 0 && strstr(why, "not signed"),
	       "SIGNING_KEY 7 (none): the report is not signed");
	put32(b, O_KEYINFO, 0);
	b[O_SIG_R + 50] = 1;
	snp_report_parse(b, REPORT, &r, &e);
	tap_ok(snp_report_verify_signature(b, &r, x, y, why, sizeof(why)) == 0 && strstr(why, "does not fit"),
	       "an R with bytes above 48 is named");
}

static void test_printing(void)
{
	uint8_t b[REPORT];
	build(b, 5);
	struct snp_report r;
	struct snp_report_error e;
	snp_report_parse(b, REPORT, &r, &e);
	char *text = NULL, *json = NULL;
	size_t tl = 0, jl = 0;
	FILE *t = open_memstream(&text, &tl), *j = open_memstream(&json, &jl);
	snp_report_print_text(&r, t);
	struct jsonw w;
	jsonw_init(&w, j);
	jsonw_begin_object(&w, NULL);
	snp_report_print_json(&r, &w);
	jsonw_end_object(&w);
	jsonw_finish(&w);
	fclose(t);
	fclose(j);
	tap_ok(strstr(text, "Measurement:") &&
		       strstr(text, "808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAF\n") &&
		       strstr(text, "0x1f0105 (ABI 1.5; smt,reserved-mbo,migrate-ma,debug,single-socket)") &&
		       strstr(text, "0x25 (smt-en,ecc-en,alias-check-complete)") &&
		       strstr(text, "family 0x19, model 0x11, stepping 0x01") && strstr(text, "1.52 build 4") &&
		       strstr(text, "signing key VLEK") && strstr(text, "Launch mitigation vector:  0x1111222233334444"),
	       "text: measurement in hex, policy and platform flags named, CPUID, firmware, key, vectors");
	tap_ok(strstr(json, "\"version\": 5") && strstr(json, "\"policy\": \"0x1f0105\"") &&
		       strstr(json, "\"signing_key\": \"VLEK\"") && strstr(json, "\"launch_mit_vector\": \"0x1111222233334444\"") &&
		       strstr(json, "\"cpuid_fam_id\": 25"),
	       "JSON: the same fields");
	free(text);
	free(json);
}

/*
 * --make OUT [version=N] [key=PEM] [measurement=HEX] [policy=N] [idkey=PEM] [authorkey=PEM]
 *            [family=HEX] [image=HEX] [svn=N] [signing_key=N] [report_data=HEX] [host_data=HEX]
 *            [reported_tcb=N] [chip=HEX] [cpuid=FAM:MOD] [vmpl=N]
 * writes a report with build()'s values for everything not given, KEY_INFO 0 (VCEK, no author key)
 * unless authorkey= or signing_key= say otherwise, ID/author key digests from the keys' public points,
 * signed over 0x000-0x29F with key= (our signer) when given.
 */
static int make_report(int argc, char **argv)
{
	uint8_t b[REPORT];
	uint32_t version = 2;
	for (int i = 3; i < argc; i++)
		if (!strncmp(argv[i], "version=", 8))
			version = (uint32_t)strtoul(argv[i] + 8, NULL, 0);
	build(b, version);
	uint32_t keyinfo = 0;
	memset(b + O_IDKEY, 0, 96);
	memset(b + O_FAMILY, 0, 32);
	put32(b, O_SVN, 0);
	put64(b, O_POLICY, 0x30000);
	const char *key = NULL;
	char err[300];
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			return 2;
		*eq = 0;
		const char *k = argv[i], *v = eq + 1;
		if (!strcmp(k, "version"))
			continue;
		if (!strcmp(k, "key"))
			key = v;
		else if (!strcmp(k, "measurement"))
			unhex(v, b + O_MEAS, 48);
		else if (!strcmp(k, "report_data"))
			unhex(v, b + O_RDATA, 64);
		else if (!strcmp(k, "host_data"))
			unhex(v, b + O_HOST, 32);
		else if (!strcmp(k, "family"))
			unhex(v, b + O_FAMILY, 16);
		else if (!strcmp(k, "image"))
			unhex(v, b + O_IMAGE, 16);
		else if (!strcmp(k, "policy"))
			put64(b, O_POLICY, strtoull(v, NULL, 0));
		else if (!strcmp(k, "svn"))
			put32(b, O_SVN, (uint32_t)strtoul(v, NULL, 0));
		else if (!strcmp(k, "vmpl"))
			put32(b, O_VMPL, (uint32_t)strtoul(v, NULL, 0));
		else if (!strcmp(k, "reported_tcb"))
			put64(b, O_REP_TCB, strtoull(v, NULL, 0));
		else if (!strcmp(k, "chip"))
			unhex(v, b + O_CHIP, 64);
		else if (!strcmp(k, "cpuid")) {
			unsigned fam = 0, mod = 0;
			if (sscanf(v, "%x:%x", &fam, &mod) != 2)
				return 2;
			b[O_FAM] = (uint8_t)fam;
			b[O_MOD] = (uint8_t)mod;
		}
		else if (!strcmp(k, "signing_key"))
			keyinfo = (keyinfo & 3) | (uint32_t)strtoul(v, NULL, 0) << 2;
		else if (!strcmp(k, "idkey") || !strcmp(k, "authorkey")) {
			struct ecdsa_key *pk = NULL;
			if (ecdsa_key_load_any(v, &pk, err, sizeof(err))) {
				fprintf(stderr, "%s: %s\n", v, err);
				return 1;
			}
			snp_pubkey_digest(pk, b + (!strcmp(k, "idkey") ? O_IDKEY : O_AUTHKEY));
			ecdsa_key_free(pk);
			if (!strcmp(k, "authorkey"))
				keyinfo |= 1;
		} else {
			fprintf(stderr, "unknown field %s\n", k);
			return 2;
		}
	}
	put32(b, O_KEYINFO, keyinfo);
	if (key) {
		struct ecdsa_key *sk = NULL;
		uint8_t r[48], s[48];
		if (ecdsa_key_load_private(key, &sk, err, sizeof(err)) ||
		    ecdsa_sign_sha384(sk, b, SNP_REPORT_SIGNED_SIZE, r, s)) {
			fprintf(stderr, "%s: %s\n", key, err);
			ecdsa_key_free(sk);
			return 1;
		}
		ecdsa_key_free(sk);
		memset(b + O_SIG_R, 0, 144);
		reverse_copy(b + O_SIG_R, r, 48);
		reverse_copy(b + O_SIG_S, s, 48);
	}
	return write_file(argv[2], b, REPORT) ? 0 : 1;
}

/* --unhex IN OUT: hex text (whitespace ignored) to bytes, for the real reports in tests/data/snp. */
static int unhex_file(const char *in, const char *out)
{
	FILE *f = fopen(in, "r");
	if (!f)
		return 1;
	static char text[1 << 16];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	static uint8_t bytes[1 << 15];
	size_t len = unhex(text, bytes, sizeof(bytes));
	return write_file(out, bytes, len) ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "--make"))
		return make_report(argc, argv);
	if (argc == 4 && !strcmp(argv[1], "--unhex"))
		return unhex_file(argv[2], argv[3]);
	const char *dir = tmpdir_make();
	test_fields();
	test_refusals();
	test_milan();
	test_signature(dir);
	test_printing();
	tmpdir_cleanup();
	return tap_done();
}
