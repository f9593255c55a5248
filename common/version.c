/* SPDX-License-Identifier: MIT */
/*
 * version.c — `--version` output (version.h) and zlib's entry in it.
 */
#include "version.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

struct ib_libversion ib_zlib_version(void)
{
	return (struct ib_libversion){ "zlib", ZLIB_VERSION, zlibVersion() };
}

void ib_print_version(const char *prog, const struct ib_libversion *libs, size_t n)
{
	printf("%s %s\n", prog, IGVMBUILD_VERSION);
	for (size_t i = 0; i < n; i++) {
		printf("%s %s", libs[i].name, libs[i].built);
		if (libs[i].running && strcmp(libs[i].running, libs[i].built) != 0)
			printf(" (running %s)", libs[i].running);
		putchar('\n');
	}
}
