/* SPDX-License-Identifier: MIT */
/*
 * snp_verify.c — offline verification of SEV-SNP attestation reports
 * (contract and the list of checks in snp_verify.h).
 *
 * Layout: options (parsing each into the verifier), then the authenticity
 * checks (product, roots, the chain link by link, libcrypto's path
 * validation, the report signature, the VCEK/VLEK extensions against the
 * report), revocation, the policy checks, and the two printers.
 */
#include "snp_verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "ecdsa.h"
#include "id_block.h"
#include "igvm_sign.h"
#include "jsonw.h"
#include "snp_certs.h"

/* IGVM sizes are u32 (total_file_size). */
#define IGVM_FILE_MAX 0xFFFFFFFFull
#define MAX_KEYS 32
#define MAX_ROOTS 16

const struct snp_verify_option snp_verify_options[] = {
	{ "certs", true, false, "DIR" },
	{ "cert-table", true, false, "FILE" },
	{ "vcek", true, false, "CERT" },
	{ "vlek", true, false, "CERT" },
	{ "ask", true, false, "CERT" },
	{ "asvk", true, false, "CERT" },
	{ "ark", true, false, "CERT" },
	{ "crl", true, false, "FILE" },
	{ "trusted-roots", true, false, "PEM" },
	{ "product", true, false, "NAME" },
	{ "at", true, false, "TIME" },
	{ "expect-measurement", true, false, "HEX" },
	{ "igvm", true, false, "FILE" },
	{ "loader", true, false, "qemu-kvm|native-zero" },
	{ "jobs", true, false, "N" },
	{ "check-kvm", false, false, NULL },
	{ "expect-policy", true, false, "N" },
	{ "require-no-debug", false, false, NULL },
	{ "require-no-migration-agent", false, false, NULL },
	{ "require-no-smt", false, false, NULL },
	{ "require-single-socket", false, false, NULL },
	{ "min-tcb", true, false, "TCB" },
	{ "min-launch-tcb", true, false, "TCB" },
	{ "min-build", true, false, "N" },
	{ "min-version", true, false, "MAJOR.MINOR" },
	{ "expect-report-data", true, false, "HEX" },
	{ "expect-host-data", true, false, "HEX" },
	{ "expect-family-id", true, false, "HEX" },
	{ "expect-image-id", true, false, "HEX" },
	{ "expect-chip-id", true, false, "HEX" },
	{ "min-guest-svn", true, false, "N" },
	{ "expect-vmpl", true, false, "N" },
	{ "expect-id-key", true, true, "PEM" },
	{ "expect-id-key-digest", true, true, "HEX" },
	{ "expect-author-key", true, true, "PEM" },
	{ "expect-author-key-digest", true, true, "HEX" },
	{ "require-author-key", false, false, NULL },
	{ "require-id-block", false, false, NULL },
	{ "platform-info-set", true, false, "BITS" },
	{ "platform-info-clear", true, false, "BITS" },
	{ "signing-key", true, false, "vcek|vlek" },
};
const size_t snp_verify_option_count = sizeof(snp_verify_options) / sizeof(snp_verify_options[0]);

/* The certificates a caller can give, by role. */
enum role { R_VCEK, R_VLEK, R_ASK, R_ASVK, R_ARK, R_COUNT };
static const char *const role_names[R_COUNT] = { "vcek", "vlek", "ask", "asvk", "ark" };

struct given {
	struct snp_cert *cert;
	char src[256];
};

/* A minimum TCB: raw, or components (fmc, boot loader, TEE, SNP, microcode). */
enum { T_FMC, T_BL, T_TEE, T_SNP, T_UCODE, T_N };
static const char *const tcb_part_names[T_N] = { "FMC", "boot loader", "TEE", "SNP", "microcode" };

struct tcb_min {
	bool set;
	bool raw_form;
	uint64_t raw;
	bool has[T_N];
	uint8_t v[T_N];
	char text[64];
};

struct digests {
	size_t n;
	uint8_t d[MAX_KEYS][48];
};

struct snp_verifier {
	struct given certs[R_COUNT];
	struct snp_crl *crl;
	char crl_src[256];
	struct snp_cert *roots[MAX_ROOTS];
	size_t nroots;
	char roots_src[256];
	enum amd_product product;
	bool at_set;
	time_t at;

	/* --igvm and its model */
	uint8_t *igvm;
	size_t igvm_len;
	char igvm_src[256];
	bool native_zero, check_kvm;
	unsigned jobs;

	bool have_meas, have_policy;
	uint8_t meas[48];
	uint64_t policy;
	bool no_debug, no_ma, no_smt, single_socket;
	struct tcb_min min_tcb, min_launch_tcb;
	bool have_min_build, have_min_version;
	uint8_t min_build, min_major, min_minor;
	bool have_rd, have_hd, have_family, have_image, have_chip;
	uint8_t rd[64], hd[32], family[16], image[16], chip[64];
	bool have_min_svn, have_vmpl;
	uint32_t min_svn, vmpl;
	struct digests id_keys, author_keys;
	bool require_author, require_id_block;
	uint64_t pi_set, pi_clear;
	int signing_key; /* -1: any */
};

/* ---- errors and check results -------------------------------------------------------------------- */

static int verr(struct snp_verify_error *e, int code, const char *input, const char *rule, uint64_t offset,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int verr(struct snp_verify_error *e, int code, const char *input, const char *rule, uint64_t offset,
		const char *fmt, ...)
{
	snprintf(e->input, sizeof(e->input), "%s", input ? input : "");
	e->rule = rule;
	e->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return code;
}

static void add(struct snp_verify_result *r, const char *name, enum snp_check_class cls, enum snp_check_status st,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* At most SNP_VERIFY_MAX_CHECKS (more than there are checks): a further one is dropped. */
static void add(struct snp_verify_result *r, const char *name, enum snp_check_class cls, enum snp_check_status st,
		const char *fmt, ...)
{
	if (r->n >= SNP_VERIFY_MAX_CHECKS)
		return;
	struct snp_check_result *c = &r->c[r->n++];
	c->name = name;
	c->cls = cls;
	c->status = st;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

const char *snp_check_class_name(enum snp_check_class c)
{
	switch (c) {
	case SNP_CLASS_AUTHENTICITY: return "authenticity";
	case SNP_CLASS_REVOCATION: return "revocation";
	default: return "policy";
	}
}

const char *snp_check_status_name(enum snp_check_status s)
{
	switch (s) {
	case SNP_CHECK_PASS: return "pass";
	case SNP_CHECK_FAIL: return "fail";
	default: return "skip";
	}
}

/* ---- the verifier and its options ----------------------------------------------------------------- */

struct snp_verifier *snp_verifier_new(void)
{
	struct snp_verifier *v = calloc(1, sizeof(*v));
	if (v)
		v->signing_key = -1;
	return v;
}

void snp_verifier_free(struct snp_verifier *v)
{
	if (!v)
		return;
	for (int i = 0; i < R_COUNT; i++)
		snp_cert_free(v->certs[i].cert);
	for (size_t i = 0; i < v->nroots; i++)
		snp_cert_free(v->roots[i]);
	snp_crl_free(v->crl);
	free(v->igvm);
	free(v);
}

static int read_input(const char *path, uint64_t max, uint8_t **data, size_t *len, const char *what,
		      struct snp_verify_error *e)
{
	int r = ib_read_file(path, max, data, len);
	if (r == -EFBIG)
		return verr(e, IB_EXIT_INVALID, path, "input.size", max, "larger than %llu bytes: not %s",
			    (unsigned long long)max, what);
	if (r < 0)
		return verr(e, r == -ENOMEM ? IB_EXIT_INTERNAL : IB_EXIT_IO, path, NULL, 0, "cannot read: %s",
			    strerror(-r));
	return 0;
}

static int from_snp_error(struct snp_verify_error *e, int code, const char *label, const struct snp_error *se)
{
	return verr(e, code, label, se->rule, se->offset, "%s", se->detail);
}

static int set_cert(struct snp_verifier *v, enum role role, const uint8_t *data, size_t len, const char *label,
		    struct snp_verify_error *e)
{
	struct snp_cert *c = NULL;
	struct snp_error se;
	int r = snp_cert_parse(data, len, &c, &se);
	if (r)
		return from_snp_error(e, r, label, &se);
	snp_cert_free(v->certs[role].cert);
	v->certs[role].cert = c;
	snprintf(v->certs[role].src, sizeof(v->certs[role].src), "%s", label);
	return 0;
}

static int set_table(struct snp_verifier *v, const uint8_t *data, size_t len, const char *label,
		     struct snp_verify_error *e)
{
	struct snp_cert_table t;
	struct snp_error se;
	int r = snp_cert_table_parse(data, len, &t, &se);
	if (r)
		return from_snp_error(e, r, label, &se);
	static const enum role slot_role[SNP_SLOTS] = { [SNP_SLOT_VCEK] = R_VCEK, [SNP_SLOT_VLEK] = R_VLEK,
							 [SNP_SLOT_ASK] = R_ASK, [SNP_SLOT_ARK] = R_ARK };
	for (int s = 0; s < SNP_SLOTS; s++) {
		if (!t.len[s])
			continue;
		struct snp_cert *c = NULL;
		r = snp_cert_parse(data + t.off[s], t.len[s], &c, &se);
		if (r) {
			char where[300];
			snprintf(where, sizeof(where), "%s", label);
			/* Offsets in the table file, not in the certificate. */
			return verr(e, r, where, se.rule, t.off[s] + se.offset, "the %s entry: %s",
				    snp_cert_slot_name((enum snp_cert_slot)s), se.detail);
		}
		enum role role = slot_role[s];
		snp_cert_free(v->certs[role].cert);
		v->certs[role].cert = c;
		snprintf(v->certs[role].src, sizeof(v->certs[role].src), "%s (%s entry)", label,
			 snp_cert_slot_name((enum snp_cert_slot)s));
	}
	return 0;
}

static int set_crl(struct snp_verifier *v, const uint8_t *data, size_t len, const char *label,
		   struct snp_verify_error *e)
{
	struct snp_crl *c = NULL;
	struct snp_error se;
	int r = snp_crl_parse(data, len, &c, &se);
	if (r)
		return from_snp_error(e, r, label, &se);
	snp_crl_free(v->crl);
	v->crl = c;
	snprintf(v->crl_src, sizeof(v->crl_src), "%s", label);
	return 0;
}

static const char *find(const char *p, const char *stop, const char *what)
{
	size_t n = strlen(what);
	for (; p + n <= stop; p++)
		if (!memcmp(p, what, n))
			return p;
	return NULL;
}

/* A PEM bundle of one or more self-signed roots. */
static int set_roots(struct snp_verifier *v, const uint8_t *data, size_t len, const char *label,
		     struct snp_verify_error *e)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	for (size_t i = 0; i < v->nroots; i++)
		snp_cert_free(v->roots[i]);
	v->nroots = 0;
	const char *p = (const char *)data, *stop = p + len;
	while (p < stop) {
		const char *b = find(p, stop, begin);
		if (!b)
			break;
		const char *en = find(b, stop, end);
		if (!en)
			return verr(e, IB_EXIT_INVALID, label, "cert.pem", (uint64_t)(b - (const char *)data),
				    "a PEM certificate without its END line");
		en += sizeof(end) - 1;
		if (v->nroots == MAX_ROOTS)
			return verr(e, IB_EXIT_INVALID, label, "roots.count", (uint64_t)(b - (const char *)data),
				    "more than %d roots", MAX_ROOTS);
		struct snp_cert *c = NULL;
		struct snp_error se;
		int r = snp_cert_parse((const uint8_t *)b, (size_t)(en - b), &c, &se);
		if (r)
			return verr(e, r, label, se.rule, (uint64_t)(b - (const char *)data), "%s", se.detail);
		v->roots[v->nroots++] = c;
		p = en;
	}
	if (!v->nroots)
		return verr(e, IB_EXIT_INVALID, label, "cert.pem", 0, "no PEM certificate in the trusted-roots bundle");
	snprintf(v->roots_src, sizeof(v->roots_src), "%s", label);
	return 0;
}

int snp_verifier_set_data(struct snp_verifier *v, const char *name, const uint8_t *data, size_t len, const char *label,
			  struct snp_verify_error *e)
{
	memset(e, 0, sizeof(*e));
	if (!label)
		label = name;
	for (int i = 0; i < R_COUNT; i++)
		if (!strcmp(name, role_names[i]))
			return set_cert(v, (enum role)i, data, len, label, e);
	if (!strcmp(name, "cert-table"))
		return set_table(v, data, len, label, e);
	if (!strcmp(name, "crl"))
		return set_crl(v, data, len, label, e);
	if (!strcmp(name, "trusted-roots"))
		return set_roots(v, data, len, label, e);
	if (!strcmp(name, "igvm")) {
		uint8_t *copy = malloc(len ? len : 1);
		if (!copy)
			return verr(e, IB_EXIT_INTERNAL, label, NULL, 0, "out of memory");
		memcpy(copy, data, len);
		free(v->igvm);
		v->igvm = copy;
		v->igvm_len = len;
		snprintf(v->igvm_src, sizeof(v->igvm_src), "%s", label);
		if (v->have_meas)
			return verr(e, IB_EXIT_USAGE, "--igvm", NULL, 0, "--expect-measurement and --igvm both give the "
					"measurement; choose one");
		return 0;
	}
	return verr(e, IB_EXIT_USAGE, name, NULL, 0, "not an input that can be given as data");
}

static int set_file(struct snp_verifier *v, const char *name, const char *path, uint64_t max, const char *what,
		    struct snp_verify_error *e)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	int r = read_input(path, max, &data, &len, what, e);
	return r ? r : snp_verifier_set_data(v, name, data, len, path, e);
}

/* --certs DIR: ark, ask, asvk, vcek, vlek, each NAME.pem or NAME.der (snpguest fetch's names). */
static int set_dir(struct snp_verifier *v, const char *dir, struct snp_verify_error *e)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return verr(e, IB_EXIT_IO, dir, NULL, 0, "cannot read: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return verr(e, IB_EXIT_USAGE, dir, NULL, 0, "--certs takes a directory");
	unsigned found = 0;
	for (int i = 0; i < R_COUNT; i++) {
		char pem[4096], der[4096];
		snprintf(pem, sizeof(pem), "%s/%s.pem", dir, role_names[i]);
		snprintf(der, sizeof(der), "%s/%s.der", dir, role_names[i]);
		bool has_pem = access(pem, F_OK) == 0, has_der = access(der, F_OK) == 0;
		if (has_pem && has_der)
			return verr(e, IB_EXIT_USAGE, dir, NULL, 0, "both %s.pem and %s.der: keep one", role_names[i],
				    role_names[i]);
		if (!has_pem && !has_der)
			continue;
		int r = set_file(v, role_names[i], has_pem ? pem : der, SNP_CERT_MAX_SIZE, "a certificate", e);
		if (r)
			return r;
		found++;
	}
	if (!v->certs[R_VCEK].cert && !v->certs[R_VLEK].cert)
		return verr(e, IB_EXIT_USAGE, dir, NULL, 0,
			    "no vcek.pem, vcek.der, vlek.pem or vlek.der (%u other certificates found)", found);
	return 0;
}

static bool flag_value(const char *value, bool *out)
{
	if (!value || !*value || !strcmp(value, "1") || !strcasecmp(value, "yes") || !strcasecmp(value, "true")) {
		*out = true;
		return true;
	}
	if (!strcmp(value, "0") || !strcasecmp(value, "no") || !strcasecmp(value, "false")) {
		*out = false;
		return true;
	}
	return false;
}

static int parse_tcb_min(const char *opt, const char *s, struct tcb_min *t, struct snp_verify_error *e)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->text, sizeof(t->text), "%s", s);
	if (snp_parse_u64(s, UINT64_MAX, &t->raw)) {
		t->set = t->raw_form = true;
		return 0;
	}
	char buf[256];
	if (strlen(s) >= sizeof(buf))
		goto bad;
	snprintf(buf, sizeof(buf), "%s", s);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq)
			goto bad;
		*eq = 0;
		int k = !strcmp(tok, "fmc")				   ? T_FMC
			: !strcmp(tok, "bl") || !strcmp(tok, "boot_loader") ? T_BL
			: !strcmp(tok, "tee")				   ? T_TEE
			: !strcmp(tok, "snp")				   ? T_SNP
			: !strcmp(tok, "ucode") || !strcmp(tok, "microcode") ? T_UCODE
									     : -1;
		uint64_t val;
		if (k < 0 || t->has[k] || !snp_parse_u64(eq + 1, 255, &val))
			goto bad;
		t->has[k] = true;
		t->v[k] = (uint8_t)val;
	}
	for (int k = 0; k < T_N; k++)
		if (t->has[k])
			t->set = true;
	if (t->set)
		return 0;
bad:
	return verr(e, IB_EXIT_USAGE, opt, NULL, 0,
		    "'%s' is not a TCB: a 64-bit TCB_VERSION (0x7308000000000003) or components such as "
		    "bl=3,tee=0,snp=8,ucode=115 (fmc= on Turin), each 0-255",
		    s);
}

static int key_digest(const char *path, uint8_t out[48], struct snp_verify_error *e)
{
	_cleanup_ecdsa_key_ struct ecdsa_key *k = NULL;
	char err[320];
	int r = ecdsa_key_load_any(path, &k, err, sizeof(err));
	if (r)
		return verr(e, r, path, NULL, 0, "%s", err);
	return snp_pubkey_digest(k, out) ? verr(e, IB_EXIT_INTERNAL, path, NULL, 0, "libcrypto failed") : 0;
}

static int add_digest(struct digests *d, const uint8_t x[48], const char *opt, struct snp_verify_error *e)
{
	if (d->n == MAX_KEYS)
		return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "more than %d keys", MAX_KEYS);
	memcpy(d->d[d->n++], x, 48);
	return 0;
}

static int hex_opt(const char *opt, const char *value, uint8_t *out, size_t n, bool *have, struct snp_verify_error *e)
{
	if (!value || !snp_parse_hex(value, out, n))
		return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "'%s' is not %zu bytes of hex (%zu hex digits)",
			    value ? value : "", n, 2 * n);
	*have = true;
	return 0;
}

static int u64_opt(const char *opt, const char *value, uint64_t max, uint64_t *out, struct snp_verify_error *e)
{
	if (!value || !snp_parse_u64(value, max, out))
		return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "'%s' is not a number from 0 to %llu (decimal or 0x-hex)",
			    value ? value : "", (unsigned long long)max);
	return 0;
}

int snp_verifier_set(struct snp_verifier *v, const char *name, const char *value, struct snp_verify_error *e)
{
	memset(e, 0, sizeof(*e));
	const struct snp_verify_option *o = NULL;
	for (size_t i = 0; i < snp_verify_option_count; i++)
		if (!strcmp(name, snp_verify_options[i].name))
			o = &snp_verify_options[i];
	char opt[64];
	snprintf(opt, sizeof(opt), "--%s", name);
	if (!o)
		return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "unknown option");
	if (o->value && !value)
		return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "needs a value (%s)", o->arg);
	uint64_t n;
	bool f = false;
	if (!o->value) {
		if (!flag_value(value, &f))
			return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "'%s' is not a yes/no value", value);
		if (!strcmp(name, "check-kvm"))
			v->check_kvm = f;
		else if (!strcmp(name, "require-no-debug"))
			v->no_debug = f;
		else if (!strcmp(name, "require-no-migration-agent"))
			v->no_ma = f;
		else if (!strcmp(name, "require-no-smt"))
			v->no_smt = f;
		else if (!strcmp(name, "require-single-socket"))
			v->single_socket = f;
		else if (!strcmp(name, "require-author-key"))
			v->require_author = f;
		else if (!strcmp(name, "require-id-block"))
			v->require_id_block = f;
		return 0;
	}
	if (!strcmp(name, "certs"))
		return set_dir(v, value, e);
	if (!strcmp(name, "cert-table"))
		return set_file(v, name, value, SNP_CERT_TABLE_MAX_SIZE, "a certificate table", e);
	if (!strcmp(name, "crl"))
		return set_file(v, name, value, SNP_CERT_MAX_SIZE, "a CRL", e);
	if (!strcmp(name, "trusted-roots"))
		return set_file(v, name, value, (uint64_t)MAX_ROOTS * SNP_CERT_MAX_SIZE, "a PEM bundle", e);
	for (int i = 0; i < R_COUNT; i++)
		if (!strcmp(name, role_names[i]))
			return set_file(v, name, value, SNP_CERT_MAX_SIZE, "a certificate", e);
	if (!strcmp(name, "igvm")) {
		if (v->have_meas)
			return verr(e, IB_EXIT_USAGE, opt, NULL, 0,
				    "--expect-measurement and --igvm both give the measurement; choose one");
		return set_file(v, name, value, IGVM_FILE_MAX, "an IGVM file", e);
	}
	if (!strcmp(name, "product")) {
		v->product = amd_product_by_name(value);
		if (v->product == AMD_PRODUCT_UNKNOWN)
			return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "'%s' is not a product AMD's KDS knows (Milan, Genoa, "
					"Turin; Siena and Bergamo are Genoa's)", value);
		return 0;
	}
	if (!strcmp(name, "at")) {
		if (!snp_parse_time(value, &v->at))
			return verr(e, IB_EXIT_USAGE, opt, NULL, 0,
				    "'%s' is not a time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (UTC) or @SECONDS", value);
		v->at_set = true;
		return 0;
	}
	if (!strcmp(name, "expect-measurement")) {
		if (v->igvm)
			return verr(e, IB_EXIT_USAGE, opt, NULL, 0,
				    "--expect-measurement and --igvm both give the measurement; choose one");
		return hex_opt(opt, value, v->meas, 48, &v->have_meas, e);
	}
	if (!strcmp(name, "loader")) {
		if (!strcmp(value, "qemu-kvm"))
			v->native_zero = false;
		else if (!strcmp(value, "native-zero"))
			v->native_zero = true;
		else
			return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "'%s': expected qemu-kvm or native-zero", value);
		return 0;
	}
	if (!strcmp(name, "jobs")) {
		int r = u64_opt(opt, value, 1024, &n, e);
		v->jobs = (unsigned)n;
		return r;
	}
	if (!strcmp(name, "expect-policy")) {
		v->have_policy = true;
		return u64_opt(opt, value, UINT64_MAX, &v->policy, e);
	}
	if (!strcmp(name, "min-tcb"))
		return parse_tcb_min(opt, value, &v->min_tcb, e);
	if (!strcmp(name, "min-launch-tcb"))
		return parse_tcb_min(opt, value, &v->min_launch_tcb, e);
	if (!strcmp(name, "min-build")) {
		int r = u64_opt(opt, value, 255, &n, e);
		v->min_build = (uint8_t)n;
		v->have_min_build = !r;
		return r;
	}
	if (!strcmp(name, "min-version")) {
		unsigned maj, min;
		char tail;
		if (sscanf(value, "%u.%u%c", &maj, &min, &tail) != 2 || maj > 255 || min > 255)
			return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "'%s' is not MAJOR.MINOR (each 0-255)", value);
		v->min_major = (uint8_t)maj;
		v->min_minor = (uint8_t)min;
		v->have_min_version = true;
		return 0;
	}
	if (!strcmp(name, "expect-report-data"))
		return hex_opt(opt, value, v->rd, 64, &v->have_rd, e);
	if (!strcmp(name, "expect-host-data"))
		return hex_opt(opt, value, v->hd, 32, &v->have_hd, e);
	if (!strcmp(name, "expect-family-id"))
		return hex_opt(opt, value, v->family, 16, &v->have_family, e);
	if (!strcmp(name, "expect-image-id"))
		return hex_opt(opt, value, v->image, 16, &v->have_image, e);
	if (!strcmp(name, "expect-chip-id"))
		return hex_opt(opt, value, v->chip, 64, &v->have_chip, e);
	if (!strcmp(name, "min-guest-svn")) {
		int r = u64_opt(opt, value, UINT32_MAX, &n, e);
		v->min_svn = (uint32_t)n;
		v->have_min_svn = !r;
		return r;
	}
	if (!strcmp(name, "expect-vmpl")) {
		int r = u64_opt(opt, value, 3, &n, e);
		v->vmpl = (uint32_t)n;
		v->have_vmpl = !r;
		return r;
	}
	uint8_t d[48];
	bool have;
	if (!strcmp(name, "expect-id-key") || !strcmp(name, "expect-author-key")) {
		int r = key_digest(value, d, e);
		return r ? r : add_digest(name[7] == 'i' ? &v->id_keys : &v->author_keys, d, opt, e);
	}
	if (!strcmp(name, "expect-id-key-digest") || !strcmp(name, "expect-author-key-digest")) {
		int r = hex_opt(opt, value, d, 48, &have, e);
		return r ? r : add_digest(name[7] == 'i' ? &v->id_keys : &v->author_keys, d, opt, e);
	}
	if (!strcmp(name, "platform-info-set"))
		return u64_opt(opt, value, UINT64_MAX, &v->pi_set, e);
	if (!strcmp(name, "platform-info-clear"))
		return u64_opt(opt, value, UINT64_MAX, &v->pi_clear, e);
	if (!strcmp(name, "signing-key")) {
		if (!strcasecmp(value, "vcek"))
			v->signing_key = SNP_SIGNING_KEY_VCEK;
		else if (!strcasecmp(value, "vlek"))
			v->signing_key = SNP_SIGNING_KEY_VLEK;
		else
			return verr(e, IB_EXIT_USAGE, opt, NULL, 0, "'%s': expected vcek or vlek", value);
		return 0;
	}
	return verr(e, IB_EXIT_INTERNAL, opt, NULL, 0, "option without a handler");
}

/* ---- authenticity ----------------------------------------------------------------------------------- */

struct chain {
	enum amd_product product;
	const struct amd_product_info *info;
	bool vlek;                       /* the report names the VLEK */
	struct snp_cert *leaf;           /* given */
	const char *leaf_src;
	struct snp_cert *mid;              /* given or built in (owned reference) */
	char mid_src[300];
	struct snp_cert *root;           /* trusted (owned reference) */
	bool leaf_ok, mid_ok, root_ok;
	uint8_t x[48], y[48];            /* the leaf's P-384 key */
	bool key_ok;
};

static void chain_free(struct chain *ch)
{
	snp_cert_free(ch->mid);
	snp_cert_free(ch->root);
}

static time_t verify_time(const struct snp_verifier *v)
{
	return v->at_set ? v->at : time(NULL);
}

/* The product line of a certificate authority, by its subject ("CN=SEV-Milan", "CN=ARK-Genoa"...). */
static enum amd_product product_of_ca(const struct snp_cert *c)
{
	char s[128];
	snp_cert_subject(c, s, sizeof(s));
	for (enum amd_product p = AMD_PRODUCT_MILAN; p <= AMD_PRODUCT_TURIN; p++) {
		const char *name = amd_product_info(p)->name;
		size_t n = strlen(name), l = strlen(s);
		if (l > n && !strcmp(s + l - n, name) && s[l - n - 1] == '-')
			return p;
	}
	return AMD_PRODUCT_UNKNOWN;
}

static void check_product(const struct snp_verifier *v, const struct snp_report *rep, struct chain *ch,
			  struct snp_verify_result *r)
{
	enum amd_product cpuid = rep->has_cpuid ? amd_product_from_cpuid(rep->cpuid_fam_id, rep->cpuid_mod_id)
						: AMD_PRODUCT_UNKNOWN;
	char issuer[128] = "";
	if (ch->leaf)
		snp_cert_issuer(ch->leaf, issuer, sizeof(issuer));
	const char *A = "product";
	if (rep->has_cpuid && cpuid == AMD_PRODUCT_UNKNOWN && !v->product) {
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL,
		    "CPUID family 0x%02x model 0x%02x is no product line known here; give --product", rep->cpuid_fam_id,
		    rep->cpuid_mod_id);
		return;
	}
	if (v->product && cpuid && v->product != cpuid) {
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL,
		    "--product %s, but the report's CPUID (family 0x%02x, model 0x%02x) is a %s part",
		    amd_product_info(v->product)->name, rep->cpuid_fam_id, rep->cpuid_mod_id, amd_product_info(cpuid)->name);
		return;
	}
	if (v->product) {
		ch->product = v->product;
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_PASS, "%s (--product%s)", amd_product_info(v->product)->name,
		    cpuid ? ", as the report's CPUID says" : "");
	} else if (cpuid) {
		ch->product = cpuid;
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_PASS, "%s (CPUID family 0x%02x, model 0x%02x)",
		    amd_product_info(cpuid)->name, rep->cpuid_fam_id, rep->cpuid_mod_id);
	} else {
		/* A version 2 report: the CA that signed the VCEK/VLEK names the line. */
		struct snp_cert *ca = NULL;
		for (enum amd_product p = AMD_PRODUCT_MILAN; p <= AMD_PRODUCT_TURIN && !ca; p++) {
			const struct amd_product_info *pi = amd_product_info(p);
			struct snp_cert *c = snp_cert_from_pem(ch->vlek ? pi->asvk_pem : pi->ask_pem);
			char s[128];
			if (c) {
				snp_cert_subject(c, s, sizeof(s));
				if (!strcmp(s, issuer)) {
					ch->product = p;
					ca = c;
					break;
				}
			}
			snp_cert_free(c);
		}
		snp_cert_free(ca);
		if (!ch->product) {
			add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL,
			    "a version %u report names no CPU, and the %s's issuer (%s) is no AMD signing key known here; "
			    "give --product",
			    rep->version, ch->vlek ? "VLEK" : "VCEK", issuer);
			return;
		}
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_PASS,
		    "%s (from the %s's issuer, %s: a version %u report names no CPU)", amd_product_info(ch->product)->name,
		    ch->vlek ? "VLEK" : "VCEK", issuer, rep->version);
	}
	ch->info = amd_product_info(ch->product);
}

/* The trusted root for the product: built in, or the --trusted-roots one that issued the intermediate. */
static void check_root(const struct snp_verifier *v, struct chain *ch, time_t at, struct snp_verify_result *r)
{
	const char *A = "ark";
	char why[400], s[128];
	if (v->nroots) {
		/* The root whose subject names the product (ARK-Milan), or the only one. */
		for (size_t i = 0; i < v->nroots && !ch->root; i++)
			if (v->nroots == 1 || product_of_ca(v->roots[i]) == ch->product)
				ch->root = snp_cert_ref(v->roots[i]);
		if (!ch->root) {
			add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "no root for %s in --trusted-roots %s",
			    ch->info->name, v->roots_src);
			return;
		}
	} else {
		ch->root = snp_cert_from_pem(ch->info->ark_pem);
		if (!ch->root) {
			add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "the built-in ARK-%s does not load",
			    ch->info->name);
			return;
		}
	}
	snp_cert_subject(ch->root, s, sizeof(s));
	const struct given *g = &v->certs[R_ARK];
	if (g->cert && !snp_cert_equal(g->cert, ch->root)) {
		char gs[128];
		snp_cert_subject(g->cert, gs, sizeof(gs));
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "the ARK given (%s, %s) is not %s's trusted %s (%s)",
		    g->src, gs, v->nroots ? v->roots_src : "AMD", s, v->nroots ? "from --trusted-roots" : "built in");
		return;
	}
	int rc = snp_cert_link(ch->root, ch->root, at, why, sizeof(why));
	if (rc != 1) {
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "%s", why);
		return;
	}
	ch->root_ok = true;
	add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_PASS, "%s, %s%s%s; self-signed (RSASSA-PSS SHA-384)", s,
	    v->nroots ? "from --trusted-roots " : "AMD's, built in", v->nroots ? v->roots_src : "",
	    g->cert ? "; the ARK given is that certificate" : "");
}

static void check_mid(const struct snp_verifier *v, struct chain *ch, time_t at, struct snp_verify_result *r)
{
	const char *A = ch->vlek ? "asvk" : "ask";
	char why[400], s[128];
	const struct given *g = &v->certs[ch->vlek ? R_ASVK : R_ASK];
	/* The certificate table has one slot for the intermediate: for a VLEK it carries the ASVK. */
	if (!g->cert && ch->vlek && v->certs[R_ASK].cert)
		g = &v->certs[R_ASK];
	if (g->cert) {
		ch->mid = snp_cert_ref(g->cert);
		snprintf(ch->mid_src, sizeof(ch->mid_src), "%s", g->src);
	} else if (!v->nroots) {
		ch->mid = snp_cert_from_pem(ch->vlek ? ch->info->asvk_pem : ch->info->ask_pem);
		snprintf(ch->mid_src, sizeof(ch->mid_src), "built in");
	}
	if (!ch->mid) {
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "no %s given (with --trusted-roots, give the %s too)",
		    ch->vlek ? "ASVK" : "ASK", ch->vlek ? "ASVK" : "ASK");
		return;
	}
	snp_cert_subject(ch->mid, s, sizeof(s));
	if (!ch->root_ok) {
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_SKIP, "%s (%s): not checked, the root did not verify", s,
		    ch->mid_src);
		return;
	}
	int rc = snp_cert_link(ch->mid, ch->root, at, why, sizeof(why));
	if (rc != 1) {
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "%s (%s): %s", s, ch->mid_src, why);
		return;
	}
	ch->mid_ok = true;
	char serial[64];
	snp_cert_serial(ch->mid, serial, sizeof(serial));
	add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_PASS, "%s, serial %s (%s): signed by the ARK, valid", s, serial,
	    ch->mid_src);
}

static void check_leaf(struct chain *ch, time_t at, struct snp_verify_result *r)
{
	const char *A = ch->vlek ? "vlek" : "vcek";
	char why[400], s[128];
	snp_cert_subject(ch->leaf, s, sizeof(s));
	if (!ch->mid_ok) {
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_SKIP, "%s (%s): not checked, the %s did not verify", s,
		    ch->leaf_src, ch->vlek ? "ASVK" : "ASK");
		return;
	}
	int rc = snp_cert_link(ch->leaf, ch->mid, at, why, sizeof(why));
	if (rc != 1) {
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "%s (%s): %s", s, ch->leaf_src, why);
		return;
	}
	if (snp_cert_p384(ch->leaf, ch->x, ch->y, why, sizeof(why))) {
		add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "%s (%s): %s", s, ch->leaf_src, why);
		return;
	}
	ch->key_ok = ch->leaf_ok = true;
	add(r, A, SNP_CLASS_AUTHENTICITY, SNP_CHECK_PASS, "%s (%s): signed by the %s, valid, EC P-384 key", s,
	    ch->leaf_src, ch->vlek ? "ASVK" : "ASK");
}

/* REPORTED_TCB from the certificate's SPLs, in the product's layout (go-sev-guest's Compose). */
static uint64_t compose_tcb(const struct snp_kds_ext *x, bool turin)
{
	const uint8_t *s = x->spl;
	if (turin)
		return (uint64_t)s[9] | (uint64_t)s[1] << 8 | (uint64_t)s[2] << 16 | (uint64_t)s[3] << 24 |
		       (uint64_t)s[5] << 32 | (uint64_t)s[6] << 40 | (uint64_t)s[7] << 48 | (uint64_t)s[8] << 56;
	return (uint64_t)s[1] | (uint64_t)s[2] << 8 | (uint64_t)s[4] << 16 | (uint64_t)s[5] << 24 |
	       (uint64_t)s[6] << 32 | (uint64_t)s[7] << 40 | (uint64_t)s[3] << 48 | (uint64_t)s[8] << 56;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void check_extensions(const struct snp_report *rep, struct chain *ch, struct snp_verify_result *r)
{
	const char *T = ch->vlek ? "vlek.tcb" : "vcek.tcb", *H = "vcek.hwid", *P = ch->vlek ? "vlek.product" : "vcek.product";
	if (!ch->leaf_ok) {
		add(r, T, SNP_CLASS_AUTHENTICITY, SNP_CHECK_SKIP, "not checked: the certificate did not verify");
		if (!ch->vlek)
			add(r, H, SNP_CLASS_AUTHENTICITY, SNP_CHECK_SKIP, "not checked: the certificate did not verify");
		add(r, P, SNP_CLASS_AUTHENTICITY, SNP_CHECK_SKIP, "not checked: the certificate did not verify");
		return;
	}
	struct snp_kds_ext x;
	struct snp_error se;
	if (snp_cert_kds_ext(ch->leaf, &x, &se)) {
		add(r, T, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "%s", se.detail);
		return;
	}
	bool turin = ch->product == AMD_PRODUCT_TURIN;
	/* SPLs of the TCB: boot loader, TEE, SNP, microcode, and FMC on Turin. */
	static const unsigned needed[] = { 1, 2, 3, 8, 9 };
	char missing[64] = "";
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (needed[i] == 9 && !turin)
			continue;
		if (!x.has_spl[needed[i]]) {
			size_t l = strlen(missing);
			snprintf(missing + l, sizeof(missing) - l, "%s.3.%u", l ? ", " : "", needed[i]);
		}
	}
	const struct snp_tcb *t = &rep->reported_tcb;
	uint64_t want = compose_tcb(&x, turin);
	char parts[96] = "";
	if (turin)
		snprintf(parts, sizeof(parts), "FMC %u, ", x.spl[9]);
	size_t pl = strlen(parts);
	snprintf(parts + pl, sizeof(parts) - pl, "boot loader %u, TEE %u, SNP %u, microcode %u", x.spl[1], x.spl[2],
		 x.spl[3], x.spl[8]);
	if (missing[0])
		add(r, T, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "the certificate lacks the SPL extension(s) %s", missing);
	else if (want != t->raw)
		add(r, T, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL,
		    "REPORTED_TCB 0x%016llx, the certificate is for 0x%016llx (%s): it is another TCB's key",
		    (unsigned long long)t->raw, (unsigned long long)want, parts);
	else
		add(r, T, SNP_CLASS_AUTHENTICITY, SNP_CHECK_PASS, "0x%016llx: %s, as REPORTED_TCB", (unsigned long long)want,
		    parts);

	if (!ch->vlek) {
		if (!x.hwid_len)
			add(r, H, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "the VCEK has no hwID extension (.4)");
		else if (all_zero(rep->chip_id, 64))
			add(r, H, SNP_CLASS_AUTHENTICITY, SNP_CHECK_SKIP,
			    "CHIP_ID is all zero: the platform masks it (MASK_CHIP_ID), so the chip cannot be compared");
		else if (x.hwid_len == 64 ? memcmp(x.hwid, rep->chip_id, 64) != 0
					  : (memcmp(x.hwid, rep->chip_id, 8) != 0 || !all_zero(rep->chip_id + 8, 56))) {
			char g[129], w[129];
			ib_hex_upper(rep->chip_id, 64, g);
			ib_hex_upper(x.hwid, x.hwid_len, w);
			add(r, H, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "CHIP_ID %s, the VCEK is for hwID %s", g, w);
		} else {
			add(r, H, SNP_CLASS_AUTHENTICITY, SNP_CHECK_PASS, "hwID equals CHIP_ID (%zu bytes)", x.hwid_len);
		}
	}

	size_t n = strlen(ch->info->name);
	if (!x.has_product_name)
		add(r, P, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "the certificate has no product name extension (.2)");
	else if (strncmp(x.product_name, ch->info->name, n) || (x.product_name[n] && x.product_name[n] != '-'))
		add(r, P, SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL, "the certificate is for \"%s\", the chain is %s's",
		    x.product_name, ch->info->name);
	else
		add(r, P, SNP_CLASS_AUTHENTICITY, SNP_CHECK_PASS, "\"%s\"", x.product_name);
}

static void authenticity(const struct snp_verifier *v, const uint8_t *raw, const struct snp_report *rep,
			 struct snp_verify_result *r)
{
	time_t at = verify_time(v);
	_cleanup_(chain_free) struct chain ch;
	memset(&ch, 0, sizeof(ch));
	ch.vlek = rep->signing_key == SNP_SIGNING_KEY_VLEK;
	const struct given *vcek = &v->certs[R_VCEK], *vlek = &v->certs[R_VLEK];
	const struct given *g = ch.vlek ? vlek : vcek;
	if (rep->signing_key != SNP_SIGNING_KEY_VCEK && rep->signing_key != SNP_SIGNING_KEY_VLEK) {
		if (rep->signing_key == SNP_SIGNING_KEY_NONE)
			add(r, "signature", SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL,
			    "the report is not signed (SIGNING_KEY is 7, none)");
		else
			add(r, "signature", SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL,
			    "SIGNING_KEY %u is reserved: no known key signed this report", rep->signing_key);
		return;
	}
	if (!g->cert) {
		add(r, ch.vlek ? "vlek" : "vcek", SNP_CLASS_AUTHENTICITY, SNP_CHECK_FAIL,
		    "the report is signed with the %s (SIGNING_KEY %u), but only a %s was given", ch.vlek ? "VLEK" : "VCEK",
		    rep->signing_key, ch.vlek ? "VCEK" : "VLEK");
		return;
	}
	ch.leaf = g->cert;
	ch.leaf_src = g->src;
	check_product(v, rep, &ch, r);
	if (!ch.info)
		return;
	r->product = ch.product;
	check_root(v, &ch, at, r);
	check_mid(v, &ch, at, r);
	check_leaf(&ch, at, r);

	char why[400];
	if (ch.leaf_ok) {
		int rc = snp_cert_path(ch.root, ch.mid, ch.leaf, at, why, sizeof(why));
		add(r, "chain", SNP_CLASS_AUTHENTICITY, rc == 1 ? SNP_CHECK_PASS : SNP_CHECK_FAIL, "%s",
		    rc == 1 ? "libcrypto's X.509 path validation agrees" : why);
	} else {
		add(r, "chain", SNP_CLASS_AUTHENTICITY, SNP_CHECK_SKIP, "not checked: a link did not verify");
	}
	if (ch.key_ok) {
		int s = snp_report_verify_signature(raw, rep, ch.x, ch.y, why, sizeof(why));
		add(r, "signature", SNP_CLASS_AUTHENTICITY, s == 1 ? SNP_CHECK_PASS : SNP_CHECK_FAIL, "%s",
		    s == 1 ? "ECDSA P-384 over 0x000-0x29F verifies with the certificate's key" : why);
	} else {
		add(r, "signature", SNP_CLASS_AUTHENTICITY, SNP_CHECK_SKIP, "not checked: no verified key");
	}
	check_extensions(rep, &ch, r);

	/* Revocation: AMD's CRL is issued by the ARK and lists the ASKs and ASVKs it withdrew. */
	if (!v->crl) {
		add(r, "crl", SNP_CLASS_REVOCATION, SNP_CHECK_SKIP, "no --crl given: revocation not checked");
		return;
	}
	r->crl_checked = true;
	if (!ch.root_ok) {
		add(r, "crl", SNP_CLASS_REVOCATION, SNP_CHECK_SKIP, "not checked: the root did not verify");
		return;
	}
	int rc = snp_crl_check(v->crl, ch.root, at, why, sizeof(why));
	if (rc != 1) {
		add(r, "crl", SNP_CLASS_REVOCATION, SNP_CHECK_FAIL, "%s: %s", v->crl_src, why);
		return;
	}
	add(r, "crl", SNP_CLASS_REVOCATION, SNP_CHECK_PASS, "%s: issued and signed by the ARK, current", v->crl_src);
	if (!ch.mid) {
		add(r, "revocation", SNP_CLASS_REVOCATION, SNP_CHECK_SKIP, "no intermediate to look up");
		return;
	}
	rc = snp_crl_lists(v->crl, ch.mid, why, sizeof(why));
	char serial[64];
	snp_cert_serial(ch.mid, serial, sizeof(serial));
	if (rc == 0)
		add(r, "revocation", SNP_CLASS_REVOCATION, SNP_CHECK_PASS, "the %s (serial %s) is not listed",
		    ch.vlek ? "ASVK" : "ASK", serial);
	else
		add(r, "revocation", SNP_CLASS_REVOCATION, SNP_CHECK_FAIL, "%s",
		    rc < 0 ? "libcrypto failed to read the CRL" : why);
}

/* ---- policy --------------------------------------------------------------------------------------------- */

static void add_bytes(struct snp_verify_result *r, const char *name, const uint8_t *got, const uint8_t *want, size_t n)
{
	char g[2 * 64 + 1], w[2 * 64 + 1];
	ib_hex_upper(got, n, g);
	if (!memcmp(got, want, n)) {
		add(r, name, SNP_CLASS_POLICY, SNP_CHECK_PASS, "%s", g);
		return;
	}
	ib_hex_upper(want, n, w);
	add(r, name, SNP_CLASS_POLICY, SNP_CHECK_FAIL, "report has %s, expected %s", g, w);
}

static void add_u64(struct snp_verify_result *r, const char *name, uint64_t got, uint64_t want)
{
	if (got == want)
		add(r, name, SNP_CLASS_POLICY, SNP_CHECK_PASS, "0x%llx", (unsigned long long)got);
	else
		add(r, name, SNP_CLASS_POLICY, SNP_CHECK_FAIL, "report has 0x%llx, expected 0x%llx",
		    (unsigned long long)got, (unsigned long long)want);
}

static void add_in_list(struct snp_verify_result *r, const char *name, const uint8_t got[48], const struct digests *d)
{
	char g[97];
	ib_hex_upper(got, 48, g);
	for (size_t i = 0; i < d->n; i++)
		if (!memcmp(got, d->d[i], 48)) {
			add(r, name, SNP_CLASS_POLICY, SNP_CHECK_PASS, "%s (trusted key %zu of %zu)", g, i + 1, d->n);
			return;
		}
	if (d->n == 1) {
		char w[97];
		ib_hex_upper(d->d[0], 48, w);
		add(r, name, SNP_CLASS_POLICY, SNP_CHECK_FAIL, "report has %s, expected %s", g, w);
	} else {
		add(r, name, SNP_CLASS_POLICY, SNP_CHECK_FAIL, "report has %s, which is none of the %zu trusted keys", g,
		    d->n);
	}
}

static void tcb_parts(const struct snp_tcb *t, uint8_t out[T_N])
{
	out[T_FMC] = t->fmc;
	out[T_BL] = t->boot_loader;
	out[T_TEE] = t->tee;
	out[T_SNP] = t->snp;
	out[T_UCODE] = t->microcode;
}

static void check_min_tcb(struct snp_verify_result *r, const char *name, const char *field, const struct snp_tcb *t,
			  const struct tcb_min *m)
{
	uint8_t got[T_N], want[T_N];
	bool use[T_N];
	tcb_parts(t, got);
	if (m->raw_form) {
		/* Decode the minimum in the report's own layout, then compare part by part. */
		struct snp_tcb mt = { .raw = m->raw, .turin = t->turin };
		uint8_t b[8];
		for (int i = 0; i < 8; i++)
			b[i] = (uint8_t)(m->raw >> (8 * i));
		if (t->turin) {
			mt.fmc = b[0], mt.boot_loader = b[1], mt.tee = b[2], mt.snp = b[3], mt.microcode = b[7];
		} else {
			mt.boot_loader = b[0], mt.tee = b[1], mt.snp = b[6], mt.microcode = b[7];
		}
		tcb_parts(&mt, want);
		for (int k = 0; k < T_N; k++)
			use[k] = k != T_FMC || t->turin;
	} else {
		for (int k = 0; k < T_N; k++) {
			use[k] = m->has[k];
			want[k] = m->v[k];
		}
	}
	char buf[300] = "";
	bool ok = true;
	for (int k = 0; k < T_N; k++) {
		if (!use[k])
			continue;
		size_t l = strlen(buf);
		bool low = got[k] < want[k];
		ok &= !low;
		snprintf(buf + l, sizeof(buf) - l, "%s%s %u %s %u", l ? ", " : "", tcb_part_names[k], got[k],
			 low ? "<" : ">=", want[k]);
	}
	add(r, name, SNP_CLASS_POLICY, ok ? SNP_CHECK_PASS : SNP_CHECK_FAIL, "%s 0x%016llx: %s%s", field,
	    (unsigned long long)t->raw, buf, ok ? "" : " (older than --min-tcb allows)");
}

static int policy(struct snp_verifier *v, const struct snp_report *rep, struct snp_verify_result *r,
		  struct snp_verify_error *e)
{
	if (v->igvm) {
		struct snp_igvm_launch l;
		struct igvm_digest_error de;
		int rc = igvm_snp_launch(v->igvm, v->igvm_len, v->native_zero, v->jobs, v->check_kvm, &l, &de);
		if (rc)
			return verr(e, rc, v->igvm_src, de.rule, de.offset, "%s", de.detail);
		add_bytes(r, "measurement", rep->measurement, l.digest, 48);
		if (!v->have_policy) {
			add_u64(r, "policy", rep->policy, l.policy);
		}
		if (l.has_id_block) {
			struct snp_id_fields f;
			struct snp_id_check chk;
			snp_id_block_decode(l.id_block, &f);
			if (snp_id_verify(l.id_block, l.id_auth, &chk))
				return verr(e, IB_EXIT_INTERNAL, v->igvm_src, NULL, 0, "libcrypto failed");
			add_bytes(r, "family_id", rep->family_id, f.family_id, 16);
			add_bytes(r, "image_id", rep->image_id, f.image_id, 16);
			add_u64(r, "guest_svn", rep->guest_svn, f.guest_svn);
			add_bytes(r, "id_key_digest", rep->id_key_digest, chk.id_key_digest, 48);
			/* QEMU sets AUTHOR_KEY_EN from the author key's first byte; without it the digest is zero. */
			if (rep->author_key_en == chk.author_present)
				add(r, "author_key_en", SNP_CLASS_POLICY, SNP_CHECK_PASS, "%s",
				    chk.author_present ? "yes" : "no");
			else
				add(r, "author_key_en", SNP_CLASS_POLICY, SNP_CHECK_FAIL,
				    "report has %s, the IGVM ID block %s an author key", rep->author_key_en ? "yes" : "no",
				    chk.author_present ? "has" : "has no");
			add_bytes(r, "author_key_digest", rep->author_key_digest, chk.author_key_digest, 48);
		}
	}
	if (v->have_meas)
		add_bytes(r, "measurement", rep->measurement, v->meas, 48);
	if (v->have_policy)
		add_u64(r, "policy", rep->policy, v->policy);
	struct {
		bool on;
		const char *name;
		unsigned bit;
		bool want;
		const char *say;
	} bits[] = {
		{ v->no_debug, "policy.debug", 19, false, "debugging (DEBUG, bit 19)" },
		{ v->no_ma, "policy.migrate_ma", 18, false, "a migration agent (MIGRATE_MA, bit 18)" },
		{ v->no_smt, "policy.smt", 16, false, "SMT (bit 16)" },
		{ v->single_socket, "policy.single_socket", 20, true, "SINGLE_SOCKET (bit 20)" },
	};
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (!bits[i].on)
			continue;
		bool set = rep->policy >> bits[i].bit & 1;
		if (bits[i].want)
			add(r, bits[i].name, SNP_CLASS_POLICY, set ? SNP_CHECK_PASS : SNP_CHECK_FAIL, "policy 0x%llx %s %s",
			    (unsigned long long)rep->policy, set ? "requires" : "does not require", bits[i].say);
		else
			add(r, bits[i].name, SNP_CLASS_POLICY, set ? SNP_CHECK_FAIL : SNP_CHECK_PASS, "policy 0x%llx %s %s",
			    (unsigned long long)rep->policy, set ? "allows" : "does not allow", bits[i].say);
	}
	if (v->min_tcb.set)
		check_min_tcb(r, "tcb", "REPORTED_TCB", &rep->reported_tcb, &v->min_tcb);
	if (v->min_launch_tcb.set)
		check_min_tcb(r, "launch_tcb", "LAUNCH_TCB", &rep->launch_tcb, &v->min_launch_tcb);
	if (v->have_min_build) {
		bool ok = rep->current_build >= v->min_build && rep->committed_build >= v->min_build;
		add(r, "firmware.build", SNP_CLASS_POLICY, ok ? SNP_CHECK_PASS : SNP_CHECK_FAIL,
		    "current build %u, committed build %u; at least %u required", rep->current_build, rep->committed_build,
		    v->min_build);
	}
	if (v->have_min_version) {
		unsigned want = (unsigned)v->min_major << 8 | v->min_minor;
		unsigned cur = (unsigned)rep->current_major << 8 | rep->current_minor;
		unsigned com = (unsigned)rep->committed_major << 8 | rep->committed_minor;
		add(r, "firmware.version", SNP_CLASS_POLICY, cur >= want && com >= want ? SNP_CHECK_PASS : SNP_CHECK_FAIL,
		    "current %u.%u, committed %u.%u; at least %u.%u required", rep->current_major, rep->current_minor,
		    rep->committed_major, rep->committed_minor, v->min_major, v->min_minor);
	}
	if (v->have_rd)
		add_bytes(r, "report_data", rep->report_data, v->rd, 64);
	if (v->have_hd)
		add_bytes(r, "host_data", rep->host_data, v->hd, 32);
	if (v->have_family)
		add_bytes(r, "family_id", rep->family_id, v->family, 16);
	if (v->have_image)
		add_bytes(r, "image_id", rep->image_id, v->image, 16);
	if (v->have_chip)
		add_bytes(r, "chip_id", rep->chip_id, v->chip, 64);
	if (v->have_min_svn)
		add(r, "guest_svn", SNP_CLASS_POLICY, rep->guest_svn >= v->min_svn ? SNP_CHECK_PASS : SNP_CHECK_FAIL,
		    "GUEST_SVN %u, at least %u required", rep->guest_svn, v->min_svn);
	if (v->have_vmpl)
		add(r, "vmpl", SNP_CLASS_POLICY, rep->vmpl == v->vmpl ? SNP_CHECK_PASS : SNP_CHECK_FAIL,
		    "report has VMPL %u, expected %u", rep->vmpl, v->vmpl);
	if (v->id_keys.n)
		add_in_list(r, "id_key_digest", rep->id_key_digest, &v->id_keys);
	if (v->author_keys.n)
		add_in_list(r, "author_key_digest", rep->author_key_digest, &v->author_keys);
	if (v->require_author)
		add(r, "author_key_en", SNP_CLASS_POLICY, rep->author_key_en ? SNP_CHECK_PASS : SNP_CHECK_FAIL,
		    "AUTHOR_KEY_EN is %u: %s", rep->author_key_en,
		    rep->author_key_en ? "the ID key is endorsed by an author key" : "no author key signed the ID key");
	if (v->require_id_block)
		add(r, "id_block", SNP_CLASS_POLICY, all_zero(rep->id_key_digest, 48) ? SNP_CHECK_FAIL : SNP_CHECK_PASS,
		    "%s", all_zero(rep->id_key_digest, 48) ? "ID_KEY_DIGEST is zero: the guest was launched without an ID block"
							   : "launched with an ID block");
	if (v->pi_set || v->pi_clear) {
		uint64_t missing = v->pi_set & ~rep->platform_info, extra = v->pi_clear & rep->platform_info;
		char buf[400];
		add(r, "platform_info", SNP_CLASS_POLICY, missing || extra ? SNP_CHECK_FAIL : SNP_CHECK_PASS,
		    "PLATFORM_INFO 0x%llx (%s); missing 0x%llx, forbidden but set 0x%llx",
		    (unsigned long long)rep->platform_info, snp_platform_info_describe(rep->platform_info, buf, sizeof(buf)),
		    (unsigned long long)missing, (unsigned long long)extra);
	}
	if (v->signing_key >= 0)
		add(r, "signing_key", SNP_CLASS_POLICY,
		    rep->signing_key == (unsigned)v->signing_key ? SNP_CHECK_PASS : SNP_CHECK_FAIL,
		    "report signed with the %s, %s required", snp_signing_key_name(rep->signing_key),
		    snp_signing_key_name((uint8_t)v->signing_key));
	return 0;
}

/* ---- the run ------------------------------------------------------------------------------------------ */

int snp_verify(struct snp_verifier *v, const uint8_t *report, size_t len, struct snp_verify_result *r,
	       struct snp_verify_error *e)
{
	memset(r, 0, sizeof(*r));
	memset(e, 0, sizeof(*e));
	struct snp_report_error re;
	int rc = snp_report_parse(report, len, &r->report, &re);
	if (rc)
		return verr(e, rc, "report", re.rule, re.offset, "%s", re.detail);
	snprintf(r->roots, sizeof(r->roots), "%s%s", v->nroots ? "--trusted-roots " : "AMD's, built in",
		 v->nroots ? v->roots_src : "");
	r->certs_given = v->certs[R_VCEK].cert || v->certs[R_VLEK].cert;
	if (r->certs_given)
		authenticity(v, report, &r->report, r);
	rc = policy(v, &r->report, r, e);
	if (rc)
		return rc;
	bool auth_fail = false, rev_fail = false, pol_fail = false;
	for (unsigned i = 0; i < r->n; i++) {
		if (r->c[i].status != SNP_CHECK_FAIL)
			continue;
		auth_fail |= r->c[i].cls == SNP_CLASS_AUTHENTICITY;
		rev_fail |= r->c[i].cls == SNP_CLASS_REVOCATION;
		pol_fail |= r->c[i].cls == SNP_CLASS_POLICY;
	}
	r->authentic = r->certs_given && !auth_fail;
	r->exit_code = auth_fail ? IB_EXIT_NOT_AUTHENTIC : rev_fail ? IB_EXIT_REVOKED : pol_fail ? IB_EXIT_MISMATCH : 0;
	return 0;
}

/* ---- printing --------------------------------------------------------------------------------------------- */

static const char *verdict(const struct snp_verify_result *r, char *buf, size_t len)
{
	const char *auth = !r->certs_given ? "NOT AUTHENTICATED (no VCEK or VLEK given)"
			   : r->authentic  ? "authentic"
					   : "NOT AUTHENTIC";
	bool revoked = false, pol = false, any_pol = false;
	for (unsigned i = 0; i < r->n; i++) {
		revoked |= r->c[i].cls == SNP_CLASS_REVOCATION && r->c[i].status == SNP_CHECK_FAIL;
		pol |= r->c[i].cls == SNP_CLASS_POLICY && r->c[i].status == SNP_CHECK_FAIL;
		any_pol |= r->c[i].cls == SNP_CLASS_POLICY;
	}
	snprintf(buf, len, "%s; %s; %s", auth,
		 !r->crl_checked ? "revocation not checked" : revoked ? "REVOKED or CRL not usable" : "not revoked",
		 !any_pol ? "no policy checks" : pol ? "POLICY NOT MET" : "policy met");
	return buf;
}

void snp_verify_print_text(const struct snp_verify_result *r, FILE *out)
{
	snp_report_print_text(&r->report, out);
	if (!r->n && !r->certs_given)
		return;
	fprintf(out, "Checks:\n");
	for (unsigned i = 0; i < r->n; i++) {
		const struct snp_check_result *c = &r->c[i];
		fprintf(out, "  %-22s%-6s%s\n", c->name,
			c->status == SNP_CHECK_PASS ? "OK" : c->status == SNP_CHECK_FAIL ? "FAIL" : "SKIP", c->detail);
	}
	char buf[300];
	fprintf(out, "Verdict: %s\n", verdict(r, buf, sizeof(buf)));
}

void snp_verify_print_json(const struct snp_verify_result *r, const char *file, FILE *out)
{
	struct jsonw w;
	jsonw_init(&w, out);
	jsonw_begin_object(&w, NULL);
	if (file)
		jsonw_str(&w, "file", file);
	jsonw_begin_object(&w, "report");
	snp_report_print_json(&r->report, &w);
	jsonw_end_object(&w);
	jsonw_begin_array(&w, "checks");
	for (unsigned i = 0; i < r->n; i++) {
		const struct snp_check_result *c = &r->c[i];
		jsonw_begin_object(&w, NULL);
		jsonw_str(&w, "check", c->name);
		jsonw_str(&w, "class", snp_check_class_name(c->cls));
		jsonw_str(&w, "status", snp_check_status_name(c->status));
		jsonw_bool(&w, "ok", c->status != SNP_CHECK_FAIL);
		jsonw_str(&w, "detail", c->detail);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_bool(&w, "authenticated", r->authentic);
	if (r->product)
		jsonw_str(&w, "product", amd_product_info(r->product)->name);
	jsonw_str(&w, "roots", r->roots);
	jsonw_bool(&w, "crl_checked", r->crl_checked);
	char buf[300];
	jsonw_str(&w, "verdict", verdict(r, buf, sizeof(buf)));
	jsonw_u64(&w, "exit_code", (uint64_t)r->exit_code);
	jsonw_bool(&w, "ok", r->exit_code == 0);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}
