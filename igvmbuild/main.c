/* SPDX-License-Identifier: MIT */
/*
 * main.c — `igvmbuild VERB [ARGS]`: a verb table and the global options.
 *
 *   igvmbuild --help | -h | help [VERB]   usage (of one verb: it runs VERB --help)
 *   igvmbuild --version | -V              "igvmbuild <version>" and the libraries it was built with
 *   igvmbuild VERB ...                    runs cmd_<verb>(argc, argv), argv[0] = VERB
 *
 * Whatever a verb returns, main() flushes stdout and turns a write error (a
 * closed pipe, a full disk) into IB_EXIT_IO, so no output is silently lost.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/emit.h"
#include "../common/status.h"
#include "../common/version.h"
#include "build.h"
#include "cmds.h"

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct verb verbs[] = {
	{ "build", cmd_build, "build an IGVM image from a template and print its launch digest" },
	{ "inspect", cmd_inspect, "show or check the contents of an IGVM file" },
	{ "run", cmd_run, "boot the native part of an IGVM file under QEMU and report pass, crash or hang" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: igvmbuild [--help] [--version] VERB [ARGS]\n"
		"\n"
		"Verbs:\n");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(out, "\nRun 'igvmbuild VERB --help' for the options of a verb; see igvmbuild(1).\n");
}

/* For a bad command line: the one-line synopsis and where to look. */
static int usage_error(void)
{
	fprintf(stderr, "usage: igvmbuild [--help] [--version] VERB [ARGS]\n"
			"Run 'igvmbuild --help' for the list of verbs.\n");
	return IB_EXIT_USAGE;
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static int finish(int rc)
{
	/* A verb that failed has said why; only an unnoticed write error is left to report. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int err = errno;
		if (rc == IB_EXIT_OK) {
			ib_err("error writing to standard output: %s", strerror(err ? err : EIO));
			return IB_EXIT_IO;
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	ib_progname = "igvmbuild";

	if (argc < 2) {
		return usage_error();
	}
	const char *arg = argv[1];

	if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
		usage(stdout);
		return finish(IB_EXIT_OK);
	}
	if (!strcmp(arg, "--version") || !strcmp(arg, "-V")) {
		const struct ib_libversion libs[] = {
			ib_zlib_version(), ib_crypto_version(), emit_json_version(), build_xml_version(),
			build_elf_version(),
		};
		ib_print_version("igvmbuild", libs, ARRAY_SIZE(libs));
		return finish(IB_EXIT_OK);
	}
	if (!strcmp(arg, "help")) {
		if (argc == 2) {
			usage(stdout);
			return finish(IB_EXIT_OK);
		}
		const struct verb *v = find_verb(argv[2]);
		if (!v) {
			ib_err("unknown verb '%s'", argv[2]);
			return usage_error();
		}
		if (argc > 3) {
			ib_err("help takes one verb");
			return usage_error();
		}
		char *help_argv[] = { (char *)v->name, (char *)"--help", NULL };
		return finish(v->run(2, help_argv));
	}
	if (arg[0] == '-') {
		ib_err("unknown option '%s'", arg);
		return usage_error();
	}

	const struct verb *v = find_verb(arg);
	if (!v) {
		ib_err("unknown verb '%s'", arg);
		return usage_error();
	}
	return finish(v->run(argc - 1, argv + 1));
}
