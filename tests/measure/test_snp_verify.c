/* SPDX-License-Identifier: MIT */
/*
 * test_snp_verify.c — the report verifier (measure/snp_verify.c), its X.509
 * module (measure/snp_certs.c) and the built-in AMD roots (amd_roots.c).
 *
 * Sources of the expectations:
 *  - AMD's certificates: the SHA-256 of each built-in certificate's DER is
 *    typed in below from the digests other projects record for KDS's
 *    cert_chain responses (tests/data/snp/README and amd_roots.c), and the
 *    links are checked with libcrypto here as the openssl CLI checked them;
 *  - real reports and VCEKs of two Milan parts (virtee/sev, go-sev-guest)
 *    and a Turin VCEK (virtee/sev), tests/data/snp: the values asserted for
 *    their KDS extensions were read off their DER with `openssl asn1parse`;
 *  - AMD KDS CRLs (tests/data/snp/crl-*.pem), valid 2026-08-19..2026-10-04;
 *  - byte layouts of the GHCB certificate table, built here entry by entry.
 * The hostile generated chains (own RSA-PSS CA, expired, wrong issuer,
 * revoked ASK, ...) are in tests/cli/t0520-igvmmeasure-verify.sh.
 *
 * Helper modes for that script:
 *   --dump-roots DIR             the built-in certificates as DIR/{ark,ask,asvk}-PRODUCT.pem
 *   --cert-table OUT SLOT=FILE.. a certificate table of DER files (SLOT: vcek, vlek, ask, ark),
 *                                with "noterm" (no terminator) or "range" (first entry past the end)
 */
#include <errno.h>
#include <time.h>

#include "../../common/buf.h"
#include "../../common/cleanup.h"
#include "../../common/fileio.h"
#include "../../common/status.h"
#include "../../measure/amd_roots.h"
#include "../../measure/snp_certs.h"
#include "../../measure/snp_verify.h"
#include "msign_test.h"

#define DATA "tests/data/snp/"

static uint8_t *slurp(const char *path, size_t *len)
{
	uint8_t *p = NULL;
	if (ib_read_file(path, 1 << 20, &p, len)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	return p;
}

/* A report from its hex file. */
static void report_of(const char *name, uint8_t out[SNP_REPORT_SIZE])
{
	size_t len;
	_cleanup_free_ uint8_t *hex = slurp(name, &len);
	if (unhex((const char *)hex, out, SNP_REPORT_SIZE) != SNP_REPORT_SIZE) {
		fprintf(stderr, "%s is not a report\n", name);
		exit(2);
	}
}

static time_t at(const char *s)
{
	time_t t = 0;
	if (!snp_parse_time(s, &t))
		abort();
	return t;
}

/* ---- built-in roots ------------------------------------------------------------------------------------ */

static const struct {
	enum amd_product p;
	const char *ark, *ask, *asvk; /* DER SHA-256, as recorded for KDS's responses */
} fingerprints[] = {
	{ AMD_PRODUCT_MILAN, "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
	  "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b", NULL },
	{ AMD_PRODUCT_GENOA, "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
	  "5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521", NULL },
	{ AMD_PRODUCT_TURIN, "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
	  "5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185", NULL },
};

static bool fp_is(const struct snp_cert *c, const char *hex)
{
	uint8_t d[32], want[32];
	unhex(hex, want, 32);
	return c && !snp_cert_fingerprint(c, d) && !memcmp(d, want, 32);
}

static void test_roots(void)
{
	time_t now = time(NULL);
	char why[400];
	for (size_t i = 0; i < ARRAY_SIZE(fingerprints); i++) {
		const struct amd_product_info *pi = amd_product_info(fingerprints[i].p);
		_cleanup_snp_cert_ struct snp_cert *ark = snp_cert_from_pem(pi->ark_pem);
		_cleanup_snp_cert_ struct snp_cert *ask = snp_cert_from_pem(pi->ask_pem);
		_cleanup_snp_cert_ struct snp_cert *asvk = snp_cert_from_pem(pi->asvk_pem);
		tap_ok(fp_is(ark, fingerprints[i].ark) && fp_is(ask, fingerprints[i].ask),
		       "%s: built-in ARK and ASK are KDS's certificates (DER SHA-256)", pi->name);
		tap_ok(asvk && snp_cert_link(ark, ark, now, why, sizeof(why)) == 1, "%s: ARK is self-signed (%s)", pi->name,
		       why);
		tap_ok(snp_cert_link(ask, ark, now, why, sizeof(why)) == 1, "%s: ARK signs the ASK", pi->name);
		tap_ok(snp_cert_link(asvk, ark, now, why, sizeof(why)) == 1, "%s: ARK signs the ASVK", pi->name);
		char s[128];
		snp_cert_subject(asvk, s, sizeof(s));
		tap_ok(strstr(s, "SEV-VLEK-") && strstr(s, pi->name), "%s: ASVK subject %s", pi->name, s);
	}
	const struct amd_product_info *m = amd_product_info(AMD_PRODUCT_MILAN), *g = amd_product_info(AMD_PRODUCT_GENOA);
	_cleanup_snp_cert_ struct snp_cert *mask = snp_cert_from_pem(m->ask_pem);
	_cleanup_snp_cert_ struct snp_cert *gark = snp_cert_from_pem(g->ark_pem);
	tap_ok(snp_cert_link(mask, gark, now, why, sizeof(why)) == 0 && strstr(why, "not issued by"),
	       "Milan's ASK does not link to Genoa's ARK (%s)", why);
	tap_ok(snp_cert_link(mask, gark, at("2000-01-01"), why, sizeof(why)) == 0, "... whatever the time");
	tap_ok(snp_cert_link(mask, snp_cert_ref(mask), now, why, sizeof(why)) == 0 && (snp_cert_free(mask), 1),
	       "an ASK is not its own issuer");
	_cleanup_snp_cert_ struct snp_cert *mark = snp_cert_from_pem(m->ark_pem);
	tap_ok(snp_cert_link(mask, mark, at("2019-01-01"), why, sizeof(why)) == 0 && strstr(why, "not valid yet"),
	       "the ASK is not valid before its notBefore (2020-10-22): %s", why);
	tap_ok(snp_cert_link(mask, mark, at("2046-01-01"), why, sizeof(why)) == 0 && strstr(why, "expired"),
	       "... nor after its notAfter (2045-10-22): %s", why);
}

static void test_products(void)
{
	tap_ok(amd_product_from_cpuid(0x19, 0x01) == AMD_PRODUCT_MILAN && amd_product_from_cpuid(0x19, 0x0F) == AMD_PRODUCT_MILAN,
	       "CPUID 19h/00h-0Fh: Milan");
	tap_ok(amd_product_from_cpuid(0x19, 0x11) == AMD_PRODUCT_GENOA && amd_product_from_cpuid(0x19, 0xA0) == AMD_PRODUCT_GENOA &&
		       amd_product_from_cpuid(0x19, 0xAF) == AMD_PRODUCT_GENOA,
	       "CPUID 19h/10h-1Fh and A0h-AFh (Bergamo, Siena): Genoa");
	tap_ok(amd_product_from_cpuid(0x1A, 0x02) == AMD_PRODUCT_TURIN && amd_product_from_cpuid(0x1A, 0x11) == AMD_PRODUCT_TURIN,
	       "CPUID 1Ah/00h-1Fh: Turin");
	tap_ok(!amd_product_from_cpuid(0x19, 0x20) && !amd_product_from_cpuid(0x17, 0x31) && !amd_product_from_cpuid(0x1A, 0x20) &&
		       !amd_product_from_cpuid(0, 0),
	       "other family/model pairs (Rome 17h/31h, 19h/20h, 1Ah/20h): unknown");
	tap_ok(amd_product_by_name("milan") == AMD_PRODUCT_MILAN && amd_product_by_name("SIENA") == AMD_PRODUCT_GENOA &&
		       amd_product_by_name("Turin") == AMD_PRODUCT_TURIN && !amd_product_by_name("Naples") &&
		       !amd_product_by_name(""),
	       "product names, any case; Siena is Genoa's line; Naples is not an SNP product");
}

/* ---- parsing ------------------------------------------------------------------------------------------------ */

static bool cert_rule(const uint8_t *p, size_t n, const char *rule, uint64_t off)
{
	struct snp_cert *c = NULL;
	struct snp_error e;
	int r = snp_cert_parse(p, n, &c, &e);
	snp_cert_free(c);
	bool ok = r == IB_EXIT_INVALID && e.rule && !strcmp(e.rule, rule) && e.offset == off;
	if (!ok)
		printf("# got %d %s at 0x%llx: %s\n", r, e.rule ? e.rule : "(none)", (unsigned long long)e.offset, e.detail);
	return ok;
}

static void test_der(void)
{
	size_t len;
	_cleanup_free_ uint8_t *pem = slurp(DATA "milan-virtee.vcek.pem", &len);
	_cleanup_snp_cert_ struct snp_cert *c = NULL;
	struct snp_error e;
	tap_ok(snp_cert_parse(pem, len, &c, &e) == 0, "a real VCEK in PEM parses");
	/* Its DER, 1360 bytes: 30 82 05 4c ... */
	uint8_t der[2048];
	FILE *f = popen("openssl x509 -in " DATA "milan-virtee.vcek.pem -outform DER", "r");
	size_t n = f ? fread(der, 1, sizeof(der), f) : 0;
	if (f)
		pclose(f);
	if (!tap_ok(n == 1360, "openssl x509 -outform DER gives its 1360 bytes"))
		return;
	struct snp_cert *x = NULL;
	tap_ok(snp_cert_parse(der, n, &x, &e) == 0 && snp_cert_equal(x, c), "... which parse to the same certificate");
	snp_cert_free(x);
	tap_ok(cert_rule(der, n - 1, "cert.der-truncated", n - 1), "one byte short: cert.der-truncated at the end");
	tap_ok(cert_rule(der, 200, "cert.der-truncated", 200), "cut at 200 bytes: cert.der-truncated at 0xc8");
	der[n] = 0;
	tap_ok(cert_rule(der, n + 1, "cert.der-trailing", n), "one byte more: cert.der-trailing at 0x550");
	tap_ok(cert_rule(der, 1, "cert.der-truncated", 1), "one byte: cert.der-truncated");
	tap_ok(cert_rule((const uint8_t *)"", 0, "cert.der-truncated", 0), "empty: cert.der-truncated");
	static const uint8_t indef[] = { 0x30, 0x80, 0x00, 0x00 }, lead0[] = { 0x30, 0x82, 0x00, 0x05, 1, 2, 3, 4, 5 },
			     longsmall[] = { 0x30, 0x81, 0x05, 1, 2, 3, 4, 5 }, wide[] = { 0x30, 0x85, 1, 1, 1, 1, 1 },
			     inner[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	tap_ok(cert_rule(indef, sizeof(indef), "cert.der-length", 1), "indefinite length: cert.der-length");
	tap_ok(cert_rule(lead0, sizeof(lead0), "cert.der-length", 2), "a length with a leading zero: cert.der-length");
	tap_ok(cert_rule(longsmall, sizeof(longsmall), "cert.der-length", 1), "long form for 5: cert.der-length");
	tap_ok(cert_rule(wide, sizeof(wide), "cert.der-length", 1), "a 5-byte length field: cert.der-length");
	tap_ok(cert_rule(inner, sizeof(inner), "cert.der-invalid", 0), "a well-framed SEQUENCE that is no certificate: cert.der-invalid");
	der[0] = 0x31;
	tap_ok(cert_rule(der, n, "cert.pem", 0), "another first byte is read as PEM, and refused: cert.pem");
	/* Two certificates in one PEM file, and a CRL where a certificate belongs. */
	char two[8192];
	snprintf(two, sizeof(two), "%.*s%.*s", (int)len, (const char *)pem, (int)len, (const char *)pem);
	tap_ok(cert_rule((const uint8_t *)two, strlen(two), "cert.pem-count", 0), "two PEM certificates: cert.pem-count");
	size_t cl;
	_cleanup_free_ uint8_t *crl = slurp(DATA "crl-milan.pem", &cl);
	tap_ok(cert_rule(crl, cl, "cert.pem", 0), "a PEM CRL as a certificate: cert.pem");
	struct snp_crl *k = NULL;
	tap_ok(snp_crl_parse(crl, cl, &k, &e) == 0, "the PEM CRL parses as a CRL");
	snp_crl_free(k);
	tap_ok(snp_crl_parse(pem, len, &k, &e) == IB_EXIT_INVALID && !strcmp(e.rule, "crl.pem"),
	       "a certificate as a CRL: crl.pem");
	static uint8_t big[SNP_CERT_MAX_SIZE + 1];
	big[0] = 0x30;
	tap_ok(cert_rule(big, sizeof(big), "cert.size", SNP_CERT_MAX_SIZE), "65537 bytes: cert.size");
	/* A CRL's DER, truncated. */
	f = popen("openssl crl -in " DATA "crl-milan.pem -outform DER", "r");
	n = f ? fread(der, 1, sizeof(der), f) : 0;
	if (f)
		pclose(f);
	tap_ok(n == 866 && snp_crl_parse(der, n, &k, &e) == 0, "the Milan CRL's 866 DER bytes parse");
	snp_crl_free(k);
	k = NULL;
	tap_ok(snp_crl_parse(der, n - 10, &k, &e) == IB_EXIT_INVALID && !strcmp(e.rule, "crl.der-truncated") &&
		       e.offset == n - 10,
	       "a truncated CRL: crl.der-truncated at its end");
}

/* ---- certificate tables ---------------------------------------------------------------------------------------- */

struct table {
	uint8_t b[8192];
	size_t len;
};

static void table_entry(struct table *t, size_t i, const uint8_t guid[16], uint32_t off, uint32_t n)
{
	uint8_t *p = t->b + i * 24;
	memcpy(p, guid, 16);
	for (int k = 0; k < 4; k++) {
		p[16 + k] = (uint8_t)(off >> (8 * k));
		p[20 + k] = (uint8_t)(n >> (8 * k));
	}
}

static int table_rule(const struct table *t, const char *rule, uint64_t off)
{
	struct snp_cert_table ct;
	struct snp_error e;
	int r = snp_cert_table_parse(t->b, t->len, &ct, &e);
	bool ok = r == IB_EXIT_INVALID && e.rule && !strcmp(e.rule, rule) && e.offset == off;
	if (!ok)
		printf("# got %d %s at 0x%llx: %s\n", r, e.rule ? e.rule : "(none)", (unsigned long long)e.offset, e.detail);
	return ok;
}

static void test_table(void)
{
	static const uint8_t other[16] = { 0x11, 0x22 };
	struct table t;
	memset(&t, 0, sizeof(t));
	/* vcek, unknown, ask, terminator; data from 0x60 on */
	table_entry(&t, 0, snp_cert_slot_guid(SNP_SLOT_VCEK), 0x60, 100);
	table_entry(&t, 1, other, 0x60, 5);
	table_entry(&t, 2, snp_cert_slot_guid(SNP_SLOT_ASK), 0xC4, 200);
	t.len = 0xC4 + 200;
	struct snp_cert_table ct;
	struct snp_error e;
	tap_ok(snp_cert_table_parse(t.b, t.len, &ct, &e) == 0 && ct.entries == 3 && ct.unknown == 1 &&
		       ct.off[SNP_SLOT_VCEK] == 0x60 && ct.len[SNP_SLOT_VCEK] == 100 && ct.off[SNP_SLOT_ASK] == 0xC4 &&
		       !ct.len[SNP_SLOT_ARK] && !ct.len[SNP_SLOT_VLEK],
	       "a table: VCEK and ASK found, an unknown GUID counted and skipped");
	/* GUID byte order: the VCEK's textual 63da758d-e664-... */
	tap_ok(snp_cert_slot_guid(SNP_SLOT_VCEK)[0] == 0x63 && snp_cert_slot_guid(SNP_SLOT_VCEK)[15] == 0xcd &&
		       snp_cert_slot_guid(SNP_SLOT_ARK)[0] == 0xc0 && snp_cert_slot_guid(SNP_SLOT_VLEK)[0] == 0xa8,
	       "GUIDs in textual byte order");
	struct table u = t;
	u.len = 0x48;
	tap_ok(table_rule(&u, "cert-table.truncated", 0x48), "no terminator before the end: cert-table.truncated");
	u = t;
	table_entry(&u, 2, snp_cert_slot_guid(SNP_SLOT_ASK), 0xC4, 201);
	tap_ok(table_rule(&u, "cert-table.range", 0x30 + 16), "data one byte past the end: cert-table.range");
	table_entry(&u, 2, snp_cert_slot_guid(SNP_SLOT_ASK), 0xFFFFFFFFu, 2);
	tap_ok(table_rule(&u, "cert-table.range", 0x30 + 16), "offset + length wrapping 32 bits: cert-table.range");
	u = t;
	table_entry(&u, 2, snp_cert_slot_guid(SNP_SLOT_ASK), 0x10, 8);
	tap_ok(table_rule(&u, "cert-table.overlap", 0x30 + 16), "data inside the entry array: cert-table.overlap");
	u = t;
	table_entry(&u, 2, snp_cert_slot_guid(SNP_SLOT_VCEK), 0xC4, 20);
	tap_ok(table_rule(&u, "cert-table.duplicate", 0x30), "the VCEK twice: cert-table.duplicate");
	u = t;
	table_entry(&u, 0, snp_cert_slot_guid(SNP_SLOT_VCEK), 0x60, 0);
	tap_ok(table_rule(&u, "cert-table.length", 20), "length 0: cert-table.length");
	u.len = 0;
	tap_ok(table_rule(&u, "cert-table.truncated", 0), "an empty file: cert-table.truncated");
	static uint8_t big[SNP_CERT_TABLE_MAX_SIZE + 1];
	tap_ok(snp_cert_table_parse(big, sizeof(big), &ct, &e) == IB_EXIT_INVALID && !strcmp(e.rule, "cert-table.size"),
	       "more than 1 MiB: cert-table.size");
	/* Only a terminator: a valid, empty table. */
	memset(&u, 0, sizeof(u));
	u.len = 24;
	tap_ok(snp_cert_table_parse(u.b, u.len, &ct, &e) == 0 && ct.entries == 0, "a lone terminator: an empty table");
}

/* ---- KDS extensions of real certificates ------------------------------------------------------------------------- */

static void test_kds(void)
{
	struct {
		const char *file, *product;
		unsigned bl, tee, snp, ucode;
		bool fmc;
		const char *hwid;
	} cases[] = {
		{ DATA "milan-virtee.vcek.pem", "Milan-B0", 3, 0, 8, 0x73, false,
		  "D49554EC717F4E5B0FE6B143BCF0405BD7AE304727EDF46603F2A76AEF6A3ABC15D7AF38DB757039029F0EFACFD08E244324884738C72B082E2F87A44D541EB6" },
		{ DATA "milan-gsg.vcek.pem", "Milan-B0", 2, 0, 5, 0x44, false,
		  "3AC3FE21E13FB0990EB28A802E3FB6A29483A6B0753590C951BDD3B8E53786184CA39E359669A2B76A1936776B564EA464CDCE40C05F63C9B610C5068B006B5D" },
		{ DATA "turin-virtee.vcek.pem", "Turin", 0, 0, 0, 9, true, "1E550A8EE5CF9F4D" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len;
		_cleanup_free_ uint8_t *p = slurp(cases[i].file, &len);
		_cleanup_snp_cert_ struct snp_cert *c = NULL;
		struct snp_error e;
		struct snp_kds_ext x;
		if (!tap_ok(snp_cert_parse(p, len, &c, &e) == 0 && snp_cert_kds_ext(c, &x, &e) == 0, "%s: extensions read",
			    cases[i].file))
			continue;
		uint8_t hw[64];
		size_t hl = unhex(cases[i].hwid, hw, sizeof(hw));
		tap_ok(x.has_product_name && !strcmp(x.product_name, cases[i].product) && x.spl[1] == cases[i].bl &&
			       x.spl[2] == cases[i].tee && x.spl[3] == cases[i].snp && x.spl[8] == cases[i].ucode &&
			       x.has_spl[9] == cases[i].fmc && x.hwid_len == hl && !memcmp(x.hwid, hw, hl) && !x.has_csp_id,
		       "%s: product %s, boot loader %u, TEE %u, SNP %u, microcode %u, %s, %zu-byte hwID", cases[i].file,
		       x.product_name, x.spl[1], x.spl[2], x.spl[3], x.spl[8], x.has_spl[9] ? "FMC" : "no FMC", x.hwid_len);
	}
}

static void test_time(void)
{
	time_t t;
	tap_ok(snp_parse_time("2026-09-01", &t) && t == 1788220800, "2026-09-01 is 1788220800");
	tap_ok(snp_parse_time("2026-09-01T12:30:05Z", &t) && t == 1788220800 + 45005, "...T12:30:05Z");
	tap_ok(snp_parse_time("@86400", &t) && t == 86400, "@86400");
	tap_ok(snp_parse_time("2024-02-29", &t) && !snp_parse_time("2026-02-29", &t), "leap days only in leap years");
	static const char *const bad[] = { "", "@", "@x", "2026-9-1", "2026-09-01T12:30:05", "2026-13-01", "2026-04-31",
					   "2026-09-01 12:30:05Z", "yesterday", "1969-12-31", "2026-09-01T24:00:00Z" };
	unsigned wrong = 0;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		wrong += snp_parse_time(bad[i], &t);
	tap_ok(wrong == 0, "malformed times are refused (%u accepted)", wrong);
}

/* ---- whole verifications on real reports --------------------------------------------------------------------------- */

static const struct snp_check_result *find(const struct snp_verify_result *r, const char *name)
{
	for (unsigned i = 0; i < r->n; i++)
		if (!strcmp(r->c[i].name, name))
			return &r->c[i];
	return NULL;
}

static bool status_is(const struct snp_verify_result *r, const char *name, enum snp_check_status st)
{
	const struct snp_check_result *c = find(r, name);
	if (!c || c->status != st)
		printf("# %s: %s\n", name, c ? c->detail : "(missing)");
	return c && c->status == st;
}

static struct snp_verifier *verifier(const char *const *opts)
{
	struct snp_verifier *v = snp_verifier_new();
	struct snp_verify_error e;
	for (size_t i = 0; opts && opts[i]; i += 2)
		if (snp_verifier_set(v, opts[i], opts[i + 1], &e)) {
			printf("# option %s %s: %s: %s\n", opts[i], opts[i + 1] ? opts[i + 1] : "", e.input, e.detail);
			abort();
		}
	return v;
}

static int run(const char *report_hex, const char *const *opts, struct snp_verify_result *r)
{
	uint8_t rep[SNP_REPORT_SIZE];
	report_of(report_hex, rep);
	struct snp_verifier *v = verifier(opts);
	struct snp_verify_error e;
	int rc = snp_verify(v, rep, sizeof(rep), r, &e);
	snp_verifier_free(v);
	return rc ? -rc : r->exit_code;
}

static void test_real(void)
{
	static struct snp_verify_result r;
	static const char *const auth[] = { "product", "ark", "ask", "vcek", "chain", "signature", "vcek.tcb", "vcek.hwid",
					    "vcek.product" };
	const char *const virtee[] = { "vcek", DATA "milan-virtee.vcek.pem", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", virtee, &r) == 0 && r.authentic && r.product == AMD_PRODUCT_MILAN,
	       "virtee/sev's Milan report and VCEK: authentic, Milan");
	bool all = true;
	for (size_t i = 0; i < ARRAY_SIZE(auth); i++)
		all &= status_is(&r, auth[i], SNP_CHECK_PASS);
	tap_ok(all && status_is(&r, "crl", SNP_CHECK_SKIP), "... each authenticity check passes; no CRL: skipped");
	const char *const gsg[] = { "vcek", DATA "milan-gsg.vcek.pem", NULL };
	tap_ok(run(DATA "milan-gsg.report.hex", gsg, &r) == 0 && r.authentic, "go-sev-guest's Milan report and VCEK: authentic");
	/* The two parts' material crossed: each check that binds the VCEK to the report fails. */
	tap_ok(run(DATA "milan-gsg.report.hex", virtee, &r) == IB_EXIT_NOT_AUTHENTIC && !r.authentic &&
		       status_is(&r, "vcek", SNP_CHECK_PASS) && status_is(&r, "signature", SNP_CHECK_FAIL) &&
		       status_is(&r, "vcek.tcb", SNP_CHECK_FAIL) && status_is(&r, "vcek.hwid", SNP_CHECK_FAIL),
	       "another part's VCEK (itself genuine): signature, vcek.tcb and vcek.hwid fail, exit 8");
	/* Any signed byte changed. */
	uint8_t rep[SNP_REPORT_SIZE];
	report_of(DATA "milan-virtee.report.hex", rep);
	static const size_t spots[] = { 0x08, 0x50, 0x90, 0x180, 0x1A0, 0x29F, 0x2A0, 0x2E8 };
	unsigned missed = 0;
	for (size_t i = 0; i < ARRAY_SIZE(spots); i++) {
		struct snp_verifier *v = verifier(virtee);
		struct snp_verify_error e;
		rep[spots[i]] ^= 0x01;
		missed += snp_verify(v, rep, sizeof(rep), &r, &e) || r.exit_code != IB_EXIT_NOT_AUTHENTIC;
		rep[spots[i]] ^= 0x01;
		snp_verifier_free(v);
	}
	tap_ok(missed == 0, "a flipped bit in the signed part or in R/S of a real report: not authentic (%u missed)", missed);
	/* CRLs. */
	const char *const crl_ok[] = { "vcek", DATA "milan-virtee.vcek.pem", "crl", DATA "crl-milan.pem", "at", "2026-09-01", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", crl_ok, &r) == 0 && r.crl_checked && status_is(&r, "crl", SNP_CHECK_PASS) &&
		       status_is(&r, "revocation", SNP_CHECK_PASS),
	       "AMD's Milan CRL on 2026-09-01: signed by the ARK, current, the ASK not listed");
	const char *const crl_stale[] = { "vcek", DATA "milan-virtee.vcek.pem", "crl", DATA "crl-milan.pem", "at", "2026-10-05", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", crl_stale, &r) == IB_EXIT_REVOKED && r.authentic &&
		       status_is(&r, "crl", SNP_CHECK_FAIL),
	       "... on 2026-10-05, past its nextUpdate: not usable, exit 9");
	const char *const crl_early[] = { "vcek", DATA "milan-virtee.vcek.pem", "crl", DATA "crl-milan.pem", "at", "2026-08-01", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", crl_early, &r) == IB_EXIT_REVOKED, "... before its thisUpdate: exit 9");
	const char *const crl_other[] = { "vcek", DATA "milan-virtee.vcek.pem", "crl", DATA "crl-genoa.pem", "at", "2026-09-01", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", crl_other, &r) == IB_EXIT_REVOKED && find(&r, "crl") &&
		       strstr(find(&r, "crl")->detail, "ARK-Genoa"),
	       "Genoa's CRL on a Milan chain: issued by another ARK, exit 9");
	/* Genoa's real CRL lists serial 02:00:01, the ASK Genoa used before 02:00:02. */
	{
		size_t cl;
		_cleanup_free_ uint8_t *pem = slurp(DATA "crl-genoa.pem", &cl);
		struct snp_crl *crl = NULL;
		struct snp_error se;
		_cleanup_snp_cert_ struct snp_cert *ask = snp_cert_from_pem(amd_product_info(AMD_PRODUCT_GENOA)->ask_pem);
		_cleanup_snp_cert_ struct snp_cert *ark = snp_cert_from_pem(amd_product_info(AMD_PRODUCT_GENOA)->ark_pem);
		char why[300];
		tap_ok(snp_crl_parse(pem, cl, &crl, &se) == 0 && snp_crl_check(crl, ark, at("2026-09-01"), why, sizeof(why)) == 1 &&
			       snp_crl_lists(crl, ask, why, sizeof(why)) == 0,
		       "Genoa's CRL verifies under ARK-Genoa and does not list today's ASK (02:00:02)");
		snp_crl_free(crl);
	}
	/* The product. */
	const char *const genoa[] = { "vcek", DATA "milan-virtee.vcek.pem", "product", "Genoa", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", genoa, &r) == IB_EXIT_NOT_AUTHENTIC && status_is(&r, "vcek", SNP_CHECK_FAIL),
	       "--product Genoa on a Milan VCEK: the VCEK is not issued by Genoa's ASK, exit 8");
	const char *const turin[] = { "vcek", DATA "turin-virtee.vcek.pem", "product", "Turin", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", turin, &r) == IB_EXIT_NOT_AUTHENTIC && status_is(&r, "vcek", SNP_CHECK_PASS) &&
		       status_is(&r, "vcek.product", SNP_CHECK_PASS) && status_is(&r, "vcek.tcb", SNP_CHECK_FAIL) &&
		       status_is(&r, "vcek.hwid", SNP_CHECK_FAIL),
	       "a real Turin VCEK chains to Turin's built-in ASK and ARK, and is not this report's key");
	const char *const no_prod[] = { "vcek", DATA "turin-virtee.vcek.pem", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", no_prod, &r) == IB_EXIT_NOT_AUTHENTIC &&
		       strstr(find(&r, "product")->detail, "Turin") && status_is(&r, "vcek", SNP_CHECK_PASS),
	       "a version 2 report takes the product from the VCEK's issuer (%s)", find(&r, "product")->detail);
	/* A version 3 report's CPUID must agree with --product. */
	report_of(DATA "milan-virtee.report.hex", rep);
	rep[0] = 3;
	rep[0x188] = 0x19;
	rep[0x189] = 0x11;
	struct snp_verifier *v = verifier((const char *const[]){ "vcek", DATA "milan-virtee.vcek.pem", "product", "Milan", NULL });
	struct snp_verify_error e;
	tap_ok(snp_verify(v, rep, sizeof(rep), &r, &e) == 0 && r.exit_code == IB_EXIT_NOT_AUTHENTIC &&
		       status_is(&r, "product", SNP_CHECK_FAIL),
	       "CPUID 19h/11h (Genoa) with --product Milan: the product check fails");
	snp_verifier_free(v);
	v = verifier(virtee);
	rep[0x189] = 0x30;
	tap_ok(snp_verify(v, rep, sizeof(rep), &r, &e) == 0 && status_is(&r, "product", SNP_CHECK_FAIL) &&
		       strstr(find(&r, "product")->detail, "--product"),
	       "an unknown CPUID without --product: the product check fails and says to give it");
	snp_verifier_free(v);
	/* A VLEK report with only a VCEK. */
	report_of(DATA "milan-virtee.report.hex", rep);
	rep[0x48] = 1 << 2;
	v = verifier(virtee);
	tap_ok(snp_verify(v, rep, sizeof(rep), &r, &e) == 0 && r.exit_code == IB_EXIT_NOT_AUTHENTIC &&
		       status_is(&r, "vlek", SNP_CHECK_FAIL),
	       "a report signed with the VLEK, given only a VCEK: the vlek check fails");
	rep[0x48] = 7 << 2;
	tap_ok(snp_verify(v, rep, sizeof(rep), &r, &e) == 0 && r.exit_code == IB_EXIT_NOT_AUTHENTIC &&
		       status_is(&r, "signature", SNP_CHECK_FAIL),
	       "an unsigned report (SIGNING_KEY 7): the signature check fails");
	snp_verifier_free(v);
	/* Decoding alone authenticates nothing. */
	tap_ok(run(DATA "milan-virtee.report.hex", NULL, &r) == 0 && !r.certs_given && !r.authentic && r.n == 0,
	       "no certificates: no checks, not authenticated, exit 0 (decoding only)");
}

/* ---- policy checks ---------------------------------------------------------------------------------------------------- */

static void test_policy(void)
{
	/* virtee's report: policy 0x30000, VMPL 0, GUEST_SVN 0, TCB 0x7308000000000003 (bl 3, TEE 0, SNP 8, ucode 0x73),
	 * firmware 1.52 build 4, PLATFORM_INFO 1 (SMT), VCEK, no ID block, CHIP_ID D495.. */
	static const struct {
		const char *opt, *value, *check;
		bool pass;
	} cases[] = {
		{ "expect-measurement", "7A1E5C266C0108DBC9BB94FA926951320940915D0AAFB42464BD88B579EA158D3E1A0DC39B2C60BD95B9C480CD81841F", "measurement", true },
		{ "expect-measurement", "7A1E5C266C0108DBC9BB94FA926951320940915D0AAFB42464BD88B579EA158D3E1A0DC39B2C60BD95B9C480CD81841E", "measurement", false },
		{ "expect-policy", "0x30000", "policy", true },
		{ "expect-policy", "0x30001", "policy", false },
		{ "require-no-debug", NULL, "policy.debug", true },
		{ "require-no-migration-agent", NULL, "policy.migrate_ma", true },
		{ "require-no-smt", NULL, "policy.smt", false },
		{ "require-single-socket", NULL, "policy.single_socket", false },
		{ "min-tcb", "0x7308000000000003", "tcb", true },
		{ "min-tcb", "0x7309000000000003", "tcb", false },
		{ "min-tcb", "bl=3,tee=0,snp=8,ucode=115", "tcb", true },
		{ "min-tcb", "snp=9", "tcb", false },
		{ "min-tcb", "ucode=116", "tcb", false },
		{ "min-tcb", "bl=2", "tcb", true },
		{ "min-launch-tcb", "0x7308000000000003", "launch_tcb", true },
		{ "min-launch-tcb", "tee=1", "launch_tcb", false },
		{ "min-build", "4", "firmware.build", true },
		{ "min-build", "5", "firmware.build", false },
		{ "min-version", "1.52", "firmware.version", true },
		{ "min-version", "1.53", "firmware.version", false },
		{ "min-version", "2.0", "firmware.version", false },
		{ "expect-report-data", "D447B55D197491BFE15CF298F9DE9986B7A7C4BE2468B4F6E2D53B71D7C645810B0F2CDFCA0040433BE063FC1A8293F0F3F8DAE7B79FECB3D1CD82BD6A93EBFD", "report_data", true },
		{ "expect-report-data", "D447B55D197491BFE15CF298F9DE9986B7A7C4BE2468B4F6E2D53B71D7C645810B0F2CDFCA0040433BE063FC1A8293F0F3F8DAE7B79FECB3D1CD82BD6A93EBFE", "report_data", false },
		{ "expect-host-data", "0000000000000000000000000000000000000000000000000000000000000001", "host_data", false },
		{ "expect-family-id", "00000000000000000000000000000000", "family_id", true },
		{ "expect-image-id", "00000000000000000000000000000001", "image_id", false },
		{ "expect-chip-id", "D49554EC717F4E5B0FE6B143BCF0405BD7AE304727EDF46603F2A76AEF6A3ABC15D7AF38DB757039029F0EFACFD08E244324884738C72B082E2F87A44D541EB6", "chip_id", true },
		{ "expect-chip-id", "D49554EC717F4E5B0FE6B143BCF0405BD7AE304727EDF46603F2A76AEF6A3ABC15D7AF38DB757039029F0EFACFD08E244324884738C72B082E2F87A44D541EB7", "chip_id", false },
		{ "min-guest-svn", "0", "guest_svn", true },
		{ "min-guest-svn", "1", "guest_svn", false },
		{ "expect-vmpl", "0", "vmpl", true },
		{ "expect-vmpl", "1", "vmpl", false },
		{ "expect-id-key-digest", "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", "id_key_digest", true },
		{ "expect-id-key-digest", "010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", "id_key_digest", false },
		{ "expect-author-key-digest", "010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", "author_key_digest", false },
		{ "require-author-key", NULL, "author_key_en", false },
		{ "require-id-block", NULL, "id_block", false },
		{ "platform-info-set", "1", "platform_info", true },
		{ "platform-info-set", "2", "platform_info", false },
		{ "platform-info-clear", "1", "platform_info", false },
		{ "platform-info-clear", "0x2", "platform_info", true },
		{ "signing-key", "vcek", "signing_key", true },
		{ "signing-key", "vlek", "signing_key", false },
	};
	static struct snp_verify_result r;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *const opts[] = { "vcek", DATA "milan-virtee.vcek.pem", cases[i].opt, cases[i].value, NULL };
		int rc = run(DATA "milan-virtee.report.hex", opts, &r);
		const struct snp_check_result *c = find(&r, cases[i].check);
		tap_ok(rc == (cases[i].pass ? 0 : IB_EXIT_MISMATCH) && c && c->cls == SNP_CLASS_POLICY &&
			       c->status == (cases[i].pass ? SNP_CHECK_PASS : SNP_CHECK_FAIL),
		       "--%s %s: %s %s (exit %d: %s)", cases[i].opt, cases[i].value ? cases[i].value : "", cases[i].check,
		       cases[i].pass ? "passes" : "fails", rc, c ? c->detail : "(no check)");
	}
	/* Two trusted keys, the report's among them. */
	const char *const two[] = { "expect-id-key-digest", "010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
				    "expect-id-key-digest", "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", two, &r) == 0 && strstr(find(&r, "id_key_digest")->detail, "2 of 2"),
	       "a trusted-key list: the report's ID key is the second of two");
	/* Precedence: not authentic beats revoked beats policy. */
	const char *const both[] = { "vcek", DATA "milan-gsg.vcek.pem", "crl", DATA "crl-milan.pem", "min-build", "9", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", both, &r) == IB_EXIT_NOT_AUTHENTIC, "not authentic + stale CRL + policy: exit 8");
	const char *const rev[] = { "vcek", DATA "milan-virtee.vcek.pem", "crl", DATA "crl-milan.pem", "min-build", "9", NULL };
	tap_ok(run(DATA "milan-virtee.report.hex", rev, &r) == IB_EXIT_REVOKED, "authentic + stale CRL + policy: exit 9");
}

static void test_options(void)
{
	static const char *const bad[][2] = {
		{ "nonsense", "1" },	      { "min-tcb", "fast" },	    { "min-tcb", "bl=256" },
		{ "min-tcb", "bl=1,bl=2" },   { "min-tcb", "" },	    { "min-version", "1" },
		{ "min-version", "1.256" },   { "at", "yesterday" },	    { "product", "Naples" },
		{ "signing-key", "none" },    { "expect-measurement", "00" }, { "expect-vmpl", "4" },
		{ "require-no-debug", "maybe" }, { "loader", "kvm" },	    { "jobs", "-1" },
		{ "min-build", "256" },	      { "expect-chip-id", "zz" },   { "vcek", NULL },
	};
	unsigned wrong = 0;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct snp_verifier *v = snp_verifier_new();
		struct snp_verify_error e;
		if (snp_verifier_set(v, bad[i][0], bad[i][1], &e) != IB_EXIT_USAGE) {
			printf("# --%s %s accepted\n", bad[i][0], bad[i][1] ? bad[i][1] : "");
			wrong++;
		}
		snp_verifier_free(v);
	}
	tap_ok(wrong == 0, "malformed option values are usage errors (%u accepted)", wrong);
	struct snp_verifier *v = snp_verifier_new();
	struct snp_verify_error e;
	tap_ok(snp_verifier_set(v, "vcek", DATA "nonexistent.pem", &e) == IB_EXIT_IO && strstr(e.input, "nonexistent"),
	       "a missing certificate: I/O error naming the file");
	tap_ok(snp_verifier_set(v, "crl", DATA "milan-virtee.vcek.pem", &e) == IB_EXIT_INVALID && !strcmp(e.rule, "crl.pem"),
	       "a certificate given as --crl: crl.pem");
	tap_ok(snp_verifier_set(v, "expect-measurement", "7A1E5C266C0108DBC9BB94FA926951320940915D0AAFB42464BD88B579EA158D3E1A0DC39B2C60BD95B9C480CD81841F", &e) == 0 &&
		       snp_verifier_set_data(v, "igvm", (const uint8_t *)"x", 1, "x.igvm", &e) == IB_EXIT_USAGE,
	       "--expect-measurement then --igvm: usage error");
	tap_ok(snp_verifier_set(v, "certs", DATA, &e) == IB_EXIT_USAGE && strstr(e.detail, "vcek"),
	       "--certs on a directory without a VCEK or VLEK: usage error");
	tap_ok(snp_verifier_set(v, "certs", DATA "milan-virtee.vcek.pem", &e) == IB_EXIT_USAGE, "--certs on a file: usage error");
	snp_verifier_free(v);
	uint8_t junk[100] = { 2 };
	v = snp_verifier_new();
	tap_ok(snp_verify(v, junk, sizeof(junk), &(struct snp_verify_result){ 0 }, &e) == IB_EXIT_INVALID &&
		       !strcmp(e.rule, "report.size"),
	       "100 bytes are no report: report.size");
	snp_verifier_free(v);
	/* The option table and the names the CLI and the API share. */
	bool found_crl = false, found_flag = false;
	for (size_t i = 0; i < snp_verify_option_count; i++) {
		found_crl |= !strcmp(snp_verify_options[i].name, "crl") && snp_verify_options[i].value;
		found_flag |= !strcmp(snp_verify_options[i].name, "require-no-debug") && !snp_verify_options[i].value;
	}
	tap_ok(found_crl && found_flag && snp_verify_option_count >= 40, "%zu options, crl takes a value, require-no-debug none",
	       snp_verify_option_count);
}

/* ---- helper modes for t0520 ------------------------------------------------------------------------------------------ */

static int dump_roots(const char *dir)
{
	static const char *const names[] = { NULL, "milan", "genoa", "turin" };
	for (enum amd_product p = AMD_PRODUCT_MILAN; p <= AMD_PRODUCT_TURIN; p++) {
		const struct amd_product_info *pi = amd_product_info(p);
		const char *pems[3] = { pi->ark_pem, pi->ask_pem, pi->asvk_pem }, *kinds[3] = { "ark", "ask", "asvk" };
		for (int k = 0; k < 3; k++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s-%s.pem", dir, kinds[k], names[p]);
			if (!write_file(path, pems[k], strlen(pems[k])))
				return 1;
		}
	}
	return 0;
}

static int make_table(int argc, char **argv)
{
	static uint8_t out[1 << 16];
	static const char *const slots[] = { "vcek", "vlek", "ask", "ark" };
	size_t n = 0;
	bool noterm = false, range = false;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "noterm"))
			noterm = true;
		else if (!strcmp(argv[i], "range"))
			range = true;
		else
			n++;
	}
	size_t data = (n + 1) * 24, e = 0;
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			continue;
		*eq = 0;
		int s = -1;
		for (int k = 0; k < 4; k++)
			if (!strcmp(argv[i], slots[k]))
				s = k;
		size_t len;
		_cleanup_free_ uint8_t *der = slurp(eq + 1, &len);
		if (s < 0 || data + len > sizeof(out))
			return 2;
		memcpy(out + e * 24, snp_cert_slot_guid((enum snp_cert_slot)s), 16);
		uint32_t off = (uint32_t)data, l = (uint32_t)len + (range && e == 0 ? 1u : 0u);
		for (int k = 0; k < 4; k++) {
			out[e * 24 + 16 + k] = (uint8_t)(off >> (8 * k));
			out[e * 24 + 20 + k] = (uint8_t)(l >> (8 * k));
		}
		memcpy(out + data, der, len);
		data += len;
		e++;
	}
	size_t total = data;
	if (noterm)
		total = n * 24; /* the entries, and nothing after them */
	return write_file(argv[2], out, total) ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--dump-roots"))
		return dump_roots(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "--cert-table"))
		return make_table(argc, argv);
	test_roots();
	test_products();
	test_der();
	test_table();
	test_kds();
	test_time();
	test_real();
	test_policy();
	test_options();
	return tap_done();
}
