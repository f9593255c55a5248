/* SPDX-License-Identifier: MIT */
/*
 * version.h — what `--version` prints: the program's version, then one line per
 * library the program was built with, "NAME VERSION" from that library's headers
 * at build time, followed by " (running VERSION)" when the library loaded at run
 * time says it is another version. Each module that wraps a library (digest.c for
 * OpenSSL, emit.c for json-c, the builder's XML and ELF modules) reports its own
 * library, so the library stays confined to that module.
 */
#ifndef IB_VERSION_H
#define IB_VERSION_H

#include <stddef.h>

#ifndef IGVMBUILD_VERSION
#define IGVMBUILD_VERSION "unknown"
#endif

struct ib_libversion {
	const char *name;
	const char *built;   /* from the headers the program was compiled with */
	const char *running; /* from the library at run time; NULL when it cannot say */
};

/* zlib (CRC-32 of the format library). */
struct ib_libversion ib_zlib_version(void);

/* Prints "PROG IGVMBUILD_VERSION" and the n library lines to stdout. */
void ib_print_version(const char *prog, const struct ib_libversion *libs, size_t n);

#endif
