/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c — `igvmmeasure report REPORT.bin`: decodes an SEV-SNP
 * attestation report (snp_report.h) and checks it against what the caller
 * expects.
 *
 *   igvmmeasure report REPORT.bin [--json]
 *       [--expect-measurement HEX | --igvm FILE] [--expect-policy N]
 *       [--expect-id-key PEM] [--expect-author-key PEM]
 *       [--expect-report-data HEX] [--expect-host-data HEX] [--vcek CERT]
 *
 * --igvm FILE expects what a QEMU/KVM launch of FILE gives: its measurement
 * (the globals -n/-j/-c apply), its SEV-SNP policy, and when it carries an ID
 * block, that block's family and image IDs, guest SVN, ID key digest and
 * author key. --expect-policy overrides the file's policy. --expect-id-key
 * and --expect-author-key compare SHA-384 of the key's 0x404-byte ABI
 * encoding with ID_KEY_DIGEST / AUTHOR_KEY_DIGEST. --vcek verifies the
 * signature over bytes 0x000-0x29F with the certificate's P-384 key (the
 * certificate chain itself is not checked here).
 *
 * Exit 0 only when every requested check holds; 5 otherwise, with one line
 * per failed check on stderr; 1 for a report that is not one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "cmds.h"
#include "ecdsa.h"
#include "id_block.h"
#include "jsonw.h"
#include "snp_cli.h"
#include "snp_report.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: igvmmeasure report REPORT.bin [--json] [--expect-measurement HEX | --igvm FILE]\n"
		     "                   [--expect-policy N] [--expect-id-key PEM] [--expect-author-key PEM]\n"
		     "                   [--expect-report-data HEX] [--expect-host-data HEX] [--vcek CERT]\n");
}

/* Anything above this is refused before it is read whole: a report is 1184 bytes. */
#define REPORT_FILE_MAX (64u * 1024u)
#define MAX_CHECKS 16

struct check {
	const char *name;
	bool ok;
	char detail[300];
};

struct checks {
	unsigned n;
	struct check c[MAX_CHECKS];
};

static void add(struct checks *cs, const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct checks *cs, const char *name, bool ok, const char *fmt, ...)
{
	if (cs->n >= MAX_CHECKS)
		return;
	struct check *c = &cs->c[cs->n++];
	c->name = name;
	c->ok = ok;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* A byte-field comparison, reported with both values when they differ. */
static void add_bytes(struct checks *cs, const char *name, const uint8_t *got, const uint8_t *want, size_t n)
{
	char g[2 * 64 + 1], w[2 * 64 + 1];
	ib_hex_upper(got, n, g);
	if (!memcmp(got, want, n)) {
		add(cs, name, true, "%s", g);
		return;
	}
	ib_hex_upper(want, n, w);
	add(cs, name, false, "report has %s, expected %s", g, w);
}

static void add_u64(struct checks *cs, const char *name, uint64_t got, uint64_t want)
{
	if (got == want)
		add(cs, name, true, "0x%llx", (unsigned long long)got);
	else
		add(cs, name, false, "report has 0x%llx, expected 0x%llx", (unsigned long long)got,
		    (unsigned long long)want);
}

/* The key digest the report should carry for a PEM key (private or public). */
static int key_digest(const char *path, uint8_t out[48])
{
	_cleanup_ecdsa_key_ struct ecdsa_key *k = NULL;
	int r = snp_cli_load_key(path, false, &k);
	if (r)
		return r;
	return snp_pubkey_digest(k, out) ? IB_EXIT_INTERNAL : 0;
}

/* Everything a QEMU/KVM launch of an IGVM file fixes in the report. */
static int igvm_checks(const struct measure_globals *g, const char *igvm, const struct snp_report *rep,
		       bool policy_given, struct checks *cs)
{
	struct snp_igvm_launch l;
	int r = snp_cli_igvm_launch(g, igvm, &l);
	if (r)
		return r;
	add_bytes(cs, "measurement", rep->measurement, l.digest, 48);
	if (!policy_given)
		add_u64(cs, "policy", rep->policy, l.policy);
	if (!l.has_id_block)
		return 0;
	struct snp_id_fields f;
	struct snp_id_check chk;
	snp_id_block_decode(l.id_block, &f);
	if (snp_id_verify(l.id_block, l.id_auth, &chk))
		return IB_EXIT_INTERNAL;
	add_bytes(cs, "family_id", rep->family_id, f.family_id, 16);
	add_bytes(cs, "image_id", rep->image_id, f.image_id, 16);
	add_u64(cs, "guest_svn", rep->guest_svn, f.guest_svn);
	add_bytes(cs, "id_key_digest", rep->id_key_digest, chk.id_key_digest, 48);
	/* QEMU sets AUTHOR_KEY_EN from the author key's first byte; without it the digest is zero. */
	if (rep->author_key_en == chk.author_present)
		add(cs, "author_key_en", true, "%s", chk.author_present ? "yes" : "no");
	else
		add(cs, "author_key_en", false, "report has %s, the IGVM ID block %s an author key",
		    rep->author_key_en ? "yes" : "no", chk.author_present ? "has" : "has no");
	add_bytes(cs, "author_key_digest", rep->author_key_digest, chk.author_key_digest, 48);
	return 0;
}

int cmd_report(const struct measure_globals *g, int argc, char **argv)
{
	enum { OPT_MEAS = 0x100, OPT_IGVM, OPT_POLICY, OPT_ID_KEY, OPT_AUTHOR_KEY, OPT_REPORT_DATA, OPT_HOST_DATA,
	       OPT_VCEK, OPT_JSON, OPT_HELP };
	static const struct option opts[] = {
		{ "expect-measurement", required_argument, NULL, OPT_MEAS },
		{ "igvm", required_argument, NULL, OPT_IGVM },
		{ "expect-policy", required_argument, NULL, OPT_POLICY },
		{ "expect-id-key", required_argument, NULL, OPT_ID_KEY },
		{ "expect-author-key", required_argument, NULL, OPT_AUTHOR_KEY },
		{ "expect-report-data", required_argument, NULL, OPT_REPORT_DATA },
		{ "expect-host-data", required_argument, NULL, OPT_HOST_DATA },
		{ "vcek", required_argument, NULL, OPT_VCEK },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t want_meas[48], want_rd[64], want_hd[32];
	uint64_t want_policy = 0;
	bool have_meas = false, have_policy = false, have_rd = false, have_hd = false, json = g->json;
	const char *igvm = NULL, *id_key = NULL, *author_key = NULL, *vcek = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_MEAS:
			if (!snp_cli_hex("--expect-measurement", optarg, want_meas, 48))
				return IB_EXIT_USAGE;
			have_meas = true;
			break;
		case OPT_IGVM: igvm = optarg; break;
		case OPT_POLICY:
			if (!snp_cli_u64("--expect-policy", optarg, UINT64_MAX, &want_policy))
				return IB_EXIT_USAGE;
			have_policy = true;
			break;
		case OPT_ID_KEY: id_key = optarg; break;
		case OPT_AUTHOR_KEY: author_key = optarg; break;
		case OPT_REPORT_DATA:
			if (!snp_cli_hex("--expect-report-data", optarg, want_rd, 64))
				return IB_EXIT_USAGE;
			have_rd = true;
			break;
		case OPT_HOST_DATA:
			if (!snp_cli_hex("--expect-host-data", optarg, want_hd, 32))
				return IB_EXIT_USAGE;
			have_hd = true;
			break;
		case OPT_VCEK: vcek = optarg; break;
		case OPT_JSON: json = true; break;
		case OPT_HELP: usage(stdout); return IB_EXIT_OK;
		default: usage(stderr); return IB_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		ib_err("report: give exactly one report file");
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	if (have_meas && igvm) {
		ib_err("report: --expect-measurement and --igvm both give the measurement; choose one");
		return IB_EXIT_USAGE;
	}
	const char *path = argv[optind];

	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = 0;
	int r = ib_read_file(path, REPORT_FILE_MAX, &buf, &len);
	if (r == -EFBIG) {
		ib_err("%s: offset 0x%x: report.size: oversized: more than %u bytes, an attestation report is exactly "
		       "%u (0x%x)", path, SNP_REPORT_SIZE, REPORT_FILE_MAX, SNP_REPORT_SIZE, SNP_REPORT_SIZE);
		return IB_EXIT_INVALID;
	}
	if (r < 0) {
		ib_err("%s: cannot read: %s", path, strerror(-r));
		return IB_EXIT_IO;
	}
	struct snp_report rep;
	struct snp_report_error e;
	if ((r = snp_report_parse(buf, len, &rep, &e))) {
		ib_err("%s: offset 0x%llx: %s: %s", path, (unsigned long long)e.offset, e.rule, e.detail);
		return r;
	}
	for (unsigned i = 0; i < rep.nwarnings; i++)
		ib_warn("%s: %s", path, rep.warnings[i]);

	struct checks cs = { 0 };
	if (have_meas)
		add_bytes(&cs, "measurement", rep.measurement, want_meas, 48);
	if (igvm && (r = igvm_checks(g, igvm, &rep, have_policy, &cs)))
		return r;
	if (have_policy)
		add_u64(&cs, "policy", rep.policy, want_policy);
	uint8_t d[48];
	if (id_key) {
		if ((r = key_digest(id_key, d)))
			return r;
		add_bytes(&cs, "id_key_digest", rep.id_key_digest, d, 48);
	}
	if (author_key) {
		if ((r = key_digest(author_key, d)))
			return r;
		add_bytes(&cs, "author_key_digest", rep.author_key_digest, d, 48);
	}
	if (have_rd)
		add_bytes(&cs, "report_data", rep.report_data, want_rd, 64);
	if (have_hd)
		add_bytes(&cs, "host_data", rep.host_data, want_hd, 32);
	if (vcek) {
		uint8_t x[48], y[48];
		char err[320];
		if ((r = ecdsa_cert_load_p384(vcek, x, y, err, sizeof(err)))) {
			ib_err("%s: %s", vcek, err);
			return r;
		}
		int v = snp_report_verify_signature(buf, &rep, x, y, err, sizeof(err));
		if (v < 0) {
			ib_err("%s: %s", path, err);
			return IB_EXIT_INTERNAL;
		}
		add(&cs, "signature", v == 1, "%s", v == 1 ? "verified with the certificate's key" : err);
	}

	bool all_ok = true;
	for (unsigned i = 0; i < cs.n; i++) {
		if (!cs.c[i].ok) {
			all_ok = false;
			ib_err("%s: %s mismatch: %s", path, cs.c[i].name, cs.c[i].detail);
		}
	}
	if (json) {
		struct jsonw w;
		jsonw_init(&w, stdout);
		jsonw_begin_object(&w, NULL);
		jsonw_str(&w, "file", path);
		jsonw_begin_object(&w, "report");
		snp_report_print_json(&rep, &w);
		jsonw_end_object(&w);
		jsonw_begin_array(&w, "checks");
		for (unsigned i = 0; i < cs.n; i++) {
			jsonw_begin_object(&w, NULL);
			jsonw_str(&w, "check", cs.c[i].name);
			jsonw_bool(&w, "ok", cs.c[i].ok);
			jsonw_str(&w, "detail", cs.c[i].detail);
			jsonw_end_object(&w);
		}
		jsonw_end_array(&w);
		jsonw_bool(&w, "ok", all_ok);
		jsonw_end_object(&w);
		jsonw_finish(&w);
	} else {
		snp_report_print_text(&rep, stdout);
		if (cs.n) {
			printf("Checks:\n");
			for (unsigned i = 0; i < cs.n; i++)
				printf("  %-20s%s  %s\n", cs.c[i].name, cs.c[i].ok ? "OK      " : "MISMATCH", cs.c[i].detail);
		}
	}
	return all_ok ? IB_EXIT_OK : IB_EXIT_MISMATCH;
}
