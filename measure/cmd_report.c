/* SPDX-License-Identifier: MIT */
/*
 * cmd_report.c — `igvmmeasure report REPORT.bin [OPTIONS]`: decodes an
 * SEV-SNP attestation report and verifies it offline, on libigvm's
 * measurement API (<igvm/measure.h>, snp_verify.h): every long option of
 * the verb except --json and --help is an option of the API's verifier,
 * passed through by name, so the command line and the library cannot drift
 * apart.
 *
 * The global options apply too: -n (--loader native-zero), -j N (--jobs N)
 * and -c (--check-kvm) for the launch of --igvm FILE.
 *
 * Output: the report's fields, then one line per check and a verdict
 * (--json: one JSON document). Each failed check is also one line on
 * standard error: "REPORT: NAME mismatch: detail" for a policy check,
 * "REPORT: NAME failed: detail" for authenticity and revocation. A report
 * that is not authenticated (no VCEK or VLEK given) while policy checks were
 * asked for draws a warning.
 *
 * Exit codes: 0 every check held; 5 a policy check failed; 8 not authentic
 * (signature, chain, VCEK/VLEK not bound to the report); 9 revoked or CRL
 * unusable; the worst of those when several fail (8, then 9, then 5). 1 for
 * a report, certificate, table or CRL that is malformed (one line: file,
 * offset, rule), 2 usage, 3 I/O, 4 internal.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "../libigvm/include/igvm/measure.h"
#include "cmds.h"

/* Anything above this is refused before it is read whole: a report is 1184 bytes. */
#define REPORT_FILE_MAX (64u * 1024u)
#define REPORT_SIZE 0x4A0u

enum { OPT_JSON = 0x100, OPT_HELP, OPT_API = 0x200 };

static void usage(FILE *out)
{
	fprintf(out, "usage: igvmmeasure report REPORT.bin [--json]\n"
		     "         [--certs DIR | --cert-table FILE | --vcek CERT | --vlek CERT] [--ask CERT] [--asvk CERT]\n"
		     "         [--ark CERT] [--crl FILE] [--product NAME] [--at TIME] [--trusted-roots PEM]\n"
		     "         [--expect-measurement HEX | --igvm FILE] [--expect-policy N] [--require-no-debug]\n"
		     "         [--require-no-migration-agent] [--require-no-smt] [--require-single-socket]\n"
		     "         [--min-tcb TCB] [--min-launch-tcb TCB] [--min-build N] [--min-version MAJOR.MINOR]\n"
		     "         [--expect-report-data HEX] [--expect-host-data HEX] [--expect-family-id HEX]\n"
		     "         [--expect-image-id HEX] [--expect-chip-id HEX] [--min-guest-svn N] [--expect-vmpl N]\n"
		     "         [--expect-id-key PEM]... [--expect-id-key-digest HEX]... [--expect-author-key PEM]...\n"
		     "         [--expect-author-key-digest HEX]... [--require-author-key] [--require-id-block]\n"
		     "         [--platform-info-set BITS] [--platform-info-clear BITS] [--signing-key vcek|vlek]\n"
		     "See igvmmeasure(1).\n");
}

static int exit_of(IgvmResult r)
{
	switch (r) {
	case IGVMAPI_OK: return IB_EXIT_OK;
	case IGVMAPI_INVALID_FILE: return IB_EXIT_INVALID;
	case IGVMAPI_INVALID_PARAMETER: return IB_EXIT_USAGE;
	case IGVM_MEASURE_IO_ERROR: return IB_EXIT_IO;
	case IGVM_MEASURE_CHECK_FAILED: return IB_EXIT_MISMATCH;
	default: return IB_EXIT_INTERNAL;
	}
}

/* The API's error as igvmmeasure's one line. */
static int print_error(IgvmResult r, const IgvmMeasureError *e)
{
	if (e->rule[0])
		ib_err("%s: offset 0x%llx: %s: %s", e->input, (unsigned long long)e->offset, e->rule, e->message);
	else if (e->input[0])
		ib_err("%s: %s", e->input, e->message);
	else
		ib_err("report: %s", e->message);
	return exit_of(r);
}

static void verifier_freep(IgvmReportVerifier **v) { igvm_report_verifier_free(*v); }
static void result_freep(IgvmReportResult **r) { igvm_report_result_free(*r); }
static void string_freep(char **s) { igvm_measure_free(*s); }
static void options_freep(struct option **o) { free(*o); }

/* The verifier's options plus --json and --help, for getopt_long. */
static struct option *build_options(void)
{
	uint32_t n = 0;
	while (igvm_report_option_name(n, NULL))
		n++;
	struct option *opts = calloc((size_t)n + 3, sizeof(*opts));
	if (!opts)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		int32_t value = 0;
		opts[i].name = igvm_report_option_name(i, &value);
		opts[i].has_arg = value ? required_argument : no_argument;
		opts[i].val = OPT_API + (int)i;
	}
	opts[n] = (struct option){ "json", no_argument, NULL, OPT_JSON };
	opts[n + 1] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	return opts;
}

static IgvmResult apply_globals(const struct measure_globals *g, IgvmReportVerifier *v, IgvmMeasureError *e)
{
	IgvmResult r = IGVMAPI_OK;
	char jobs[16];
	snprintf(jobs, sizeof(jobs), "%u", g->jobs);
	if (g->native_zero)
		r = igvm_report_verifier_set(v, "loader", "native-zero", e);
	if (!r && g->jobs)
		r = igvm_report_verifier_set(v, "jobs", jobs, e);
	if (!r && g->check_kvm)
		r = igvm_report_verifier_set(v, "check-kvm", NULL, e);
	return r;
}

static int read_report(const char *path, uint8_t **buf, size_t *len)
{
	int r = ib_read_file(path, REPORT_FILE_MAX, buf, len);
	if (r == -EFBIG) {
		ib_err("%s: offset 0x%x: report.size: oversized: more than %u bytes, an attestation report is exactly "
		       "%u (0x%x)",
		       path, REPORT_SIZE, REPORT_FILE_MAX, REPORT_SIZE, REPORT_SIZE);
		return IB_EXIT_INVALID;
	}
	if (r < 0) {
		ib_err("%s: cannot read: %s", path, strerror(-r));
		return IB_EXIT_IO;
	}
	return 0;
}

static int print_result(const char *path, const IgvmReportResult *res, bool json)
{
	_cleanup_(string_freep) char *out = json ? igvm_report_result_json(res, path) : igvm_report_result_text(res);
	if (!out) {
		ib_err("%s: out of memory", path);
		return IB_EXIT_INTERNAL;
	}
	fputs(out, stdout);
	if (fflush(stdout) || ferror(stdout)) {
		ib_err("%s: writing the output failed: %s", path, strerror(errno));
		return IB_EXIT_IO;
	}
	return 0;
}

int cmd_report(const struct measure_globals *g, int argc, char **argv)
{
	_cleanup_(options_freep) struct option *opts = build_options();
	_cleanup_(verifier_freep) IgvmReportVerifier *v = igvm_report_verifier_new();
	if (!opts || !v) {
		ib_err("report: out of memory");
		return IB_EXIT_INTERNAL;
	}
	IgvmMeasureError e;
	IgvmResult r = apply_globals(g, v, &e);
	if (r)
		return print_error(r, &e);
	bool json = g->json;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c >= OPT_API) {
			r = igvm_report_verifier_set(v, igvm_report_option_name((uint32_t)(c - OPT_API), NULL), optarg,
						     &e);
			if (r)
				return print_error(r, &e);
			continue;
		}
		switch (c) {
		case OPT_JSON: json = true; break;
		case 'h':
		case OPT_HELP: usage(stdout); return IB_EXIT_OK;
		default: usage(stderr); return IB_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		ib_err("report: give exactly one report file");
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	const char *path = argv[optind];
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = 0;
	int rc = read_report(path, &buf, &len);
	if (rc)
		return rc;
	_cleanup_(result_freep) IgvmReportResult *res = NULL;
	r = igvm_report_verify(v, buf, len, &res, &e);
	if (r) {
		if (!strcmp(e.input, "report"))
			snprintf(e.input, sizeof(e.input), "%s", path);
		return print_error(r, &e);
	}
	for (uint32_t i = 0; igvm_report_result_warning(res, i); i++)
		ib_warn("%s: %s", path, igvm_report_result_warning(res, i));

	uint32_t n = igvm_report_result_check_count(res);
	bool any_policy = false, any_auth = false;
	for (uint32_t i = 0; i < n; i++) {
		int32_t cls = igvm_report_result_check_class(res, i);
		any_policy |= cls == IGVM_REPORT_CLASS_POLICY;
		any_auth |= cls == IGVM_REPORT_CLASS_AUTHENTICITY;
		if (igvm_report_result_check_status(res, i) != IGVM_REPORT_CHECK_FAIL)
			continue;
		ib_err("%s: %s %s: %s", path, igvm_report_result_check_name(res, i),
		       cls == IGVM_REPORT_CLASS_POLICY ? "mismatch" : "failed", igvm_report_result_check_detail(res, i));
	}
	if (any_policy && !any_auth)
		ib_warn("%s: not authenticated: the policy checks say what the report claims, not that an AMD part "
			"signed it (give --certs DIR, --cert-table FILE, --vcek or --vlek)",
			path);
	if ((rc = print_result(path, res, json)))
		return rc;
	return igvm_report_result_verdict(res);
}
