/* SPDX-License-Identifier: MIT */
/*
 * igvm-dump — print an IGVM file the way microsoft/igvm's sample dump_igvm
 * does, through libigvm's public API, so the output of the two can be diffed.
 * See igvm-dump(1).
 *
 * stdout is dump_igvm's text exactly (also its "Failed to parse IGVM file"
 * line). Command-line and I/O errors go to stderr and use the project's exit
 * codes (2 usage, 3 I/O) instead of dump_igvm's blanket 1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dump_format.h"

#ifndef IGVMBUILD_VERSION
#define IGVMBUILD_VERSION "unknown"
#endif
#ifndef LIBIGVM_VERSION
#define LIBIGVM_VERSION "unknown"
#endif

enum { EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_INTERNAL = 4 };

static void usage(FILE *f)
{
	fputs("Usage: igvm-dump [--hex|-h bytes] igvm_file\n"
	      "       --hex bytes specifies how many bytes of each file data section to dump as hex.\n"
	      "       Defaults to dumping the entire section.\n",
	      f);
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "igvm-dump: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	usage(stderr);
	return EXIT_USAGE;
}

/* Reads a whole file (an IGVM file is at most 4 GiB - 1 bytes). 0, or an exit code after a message. */
static int read_all(const char *path, uint8_t **out, uint32_t *out_len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "igvm-dump: %s: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 1 << 16;
			uint8_t *n = realloc(buf, ncap);
			if (!n) {
				fprintf(stderr, "igvm-dump: %s: out of memory\n", path);
				rc = EXIT_INTERNAL;
				break;
			}
			buf = n;
			cap = ncap;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (len > UINT32_MAX) {
			fprintf(stderr, "igvm-dump: %s: larger than 4 GiB, not an IGVM file\n", path);
			rc = EXIT_INVALID;
			break;
		}
		if (got == 0) {
			if (ferror(f)) {
				fprintf(stderr, "igvm-dump: %s: read error\n", path);
				rc = EXIT_IO;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = (uint32_t)len;
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	uint32_t hex = UINT32_MAX;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			/* The same shape as igvmbuild --version; libigvm is linked in statically. */
			printf("igvm-dump %s\nlibigvm %s\nzlib %s", IGVMBUILD_VERSION, LIBIGVM_VERSION, ZLIB_VERSION);
			if (strcmp(zlibVersion(), ZLIB_VERSION) != 0)
				printf(" (running %s)", zlibVersion());
			putchar('\n');
			return fflush(stdout) == 0 ? 0 : EXIT_IO;
		} else if (!strcmp(a, "--hex") || !strcmp(a, "-h")) {
			if (++i == argc)
				return usage_error("value missing for --hex", NULL);
			char *end;
			errno = 0;
			unsigned long long v = strtoull(argv[i], &end, 10);
			if (errno || end == argv[i] || *end || argv[i][0] == '-' || v > UINT32_MAX)
				return usage_error("--hex needs a byte count from 0 to 4294967295", argv[i]);
			hex = (uint32_t)v;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("invalid argument", a);
		} else if (path) {
			return usage_error("only one file may be given", a);
		} else {
			path = a;
		}
	}
	if (!path)
		return usage_error("no file given", NULL);

	uint8_t *buf = NULL;
	uint32_t len = 0;
	int rc = read_all(path, &buf, &len);
	if (rc)
		return rc;
	rc = igvmdump_print(stdout, buf, len, hex) ? EXIT_INVALID : 0;
	free(buf);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "igvm-dump: error writing the output\n");
		return EXIT_IO;
	}
	return rc;
}
