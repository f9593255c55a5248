/* SPDX-License-Identifier: MIT */
/*
 * igvmmeasure — expected SEV-SNP launch digests and TDX MRTDs, ID blocks and
 * attestation report checks, offline. Global options come first; then either a verb
 * that needs no IGVM file, or FILE followed by its verb (COCONUT's grammar).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/digest.h"
#include "../common/status.h"
#include "../common/version.h"
#include "cmds.h"


static void usage(FILE *out)
{
	fprintf(out,
		"usage: igvmmeasure [-v] [-c|--check-kvm] [-p|--platform sev|sev-es|sev-snp|tdx] [-n|--native-zero]\n"
		"                   [-j|--jobs N] [--json] FILE measure [-i|--ignore-idblock] [-b|--bare]\n"
		"       igvmmeasure [GLOBAL...] FILE sign --output OUT --id-key PEM [--author-key PEM] ...\n"
		"       igvmmeasure ovmf --ovmf FILE --mode MODE [sev-snp-measure options]\n"
		"       igvmmeasure tdvf --firmware FILE [--page-order single-pass|two-pass] [--json]\n"
		"       igvmmeasure id-block --digest HEX --policy N --id-key PEM [...]\n"
		"       igvmmeasure verify-id-block --id-block FILE --id-auth FILE [...]\n"
		"       igvmmeasure report REPORT.bin [--expect-measurement HEX|--igvm FILE] [...]\n"
		"See igvmmeasure(1).\n");
}

struct file_verb {
	const char *name;
	int (*fn)(const struct measure_globals *, const char *, int, char **);
};

struct verb {
	const char *name;
	int (*fn)(const struct measure_globals *, int, char **);
};

static const struct file_verb file_verbs[] = {
	{ "measure", cmd_measure },
	{ "sign", cmd_sign },
};

static const struct verb verbs[] = {
	{ "ovmf", cmd_ovmf },
	{ "tdvf", cmd_tdvf },
	{ "id-block", cmd_id_block },
	{ "verify-id-block", cmd_verify_id_block },
	{ "report", cmd_report },
};

int main(int argc, char **argv)
{
	ib_progname = "igvmmeasure";
	struct measure_globals g = { 0 };
	enum { OPT_JSON = 0x100, OPT_VERSION };
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "check-kvm", no_argument, NULL, 'c' },
		{ "platform", required_argument, NULL, 'p' },
		{ "native-zero", no_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	/* '+': stop at the first operand, so verb options are left for the verb. */
	while ((c = getopt_long(argc, argv, "+vcp:nj:h", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			g.verbose = true;
			break;
		case 'c':
			g.check_kvm = true;
			break;
		case 'n':
			g.native_zero = true;
			break;
		case 'p':
			if (!strcmp(optarg, "sev-snp") || !strcmp(optarg, "snp"))
				g.platform = MEASURE_SEV_SNP;
			else if (!strcmp(optarg, "sev"))
				g.platform = MEASURE_SEV;
			else if (!strcmp(optarg, "sev-es") || !strcmp(optarg, "seves"))
				g.platform = MEASURE_SEV_ES;
			else if (!strcmp(optarg, "tdx"))
				g.platform = MEASURE_TDX;
			else {
				ib_err("--platform: unknown platform '%s' (expected sev, sev-es, sev-snp or tdx)", optarg);
				return IB_EXIT_USAGE;
			}
			break;
		case 'j': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end || n > 1024) {
				ib_err("--jobs: '%s' is not a number of workers (0-1024)", optarg);
				return IB_EXIT_USAGE;
			}
			g.jobs = (unsigned)n;
			break;
		}
		case OPT_JSON:
			g.json = true;
			break;
		case 'h':
			usage(stdout);
			return IB_EXIT_OK;
		case OPT_VERSION:
		{
			const struct ib_libversion libs[] = { ib_zlib_version(), ib_crypto_version() };
			ib_print_version("igvmmeasure", libs, sizeof(libs) / sizeof(libs[0]));
			return fflush(stdout) == 0 ? IB_EXIT_OK : IB_EXIT_IO;
		}
		default:
			usage(stderr);
			return IB_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	const char *first = argv[optind];
	if (!strcmp(first, "help")) {
		usage(stdout);
		return IB_EXIT_OK;
	}
	int vargc = argc - optind;
	char **vargv = argv + optind;
	/* Verbs run their own getopt_long over vargv, starting from vargv[1]. */
	optind = 0;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(first, verbs[i].name))
			return verbs[i].fn(&g, vargc, vargv);

	/* Otherwise: FILE VERB ... */
	if (vargc < 2) {
		ib_err("%s: missing command after the file (measure or sign)", first);
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(file_verbs) / sizeof(file_verbs[0]); i++)
		if (!strcmp(vargv[1], file_verbs[i].name))
			return file_verbs[i].fn(&g, first, vargc - 1, vargv + 1);
	ib_err("unknown command '%s' (expected measure or sign after the file)", vargv[1]);
	usage(stderr);
	return IB_EXIT_USAGE;
}
