/* SPDX-License-Identifier: MIT */
/*
 * jsonw.h — a minimal streaming JSON writer for igvmmeasure.
 *
 * Why not json-c like igvmbuild: igvmmeasure is packaged for attestation
 * servers with libcrypto as its only library dependency, and its output is a
 * handful of flat objects. This writer handles nesting, commas and RFC 8259
 * string escaping; anything more belongs in a library.
 */
#ifndef IB_JSONW_H
#define IB_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSONW_MAX_DEPTH 16

struct jsonw {
	FILE *out;
	int depth;
	bool first[JSONW_MAX_DEPTH];
};

void jsonw_init(struct jsonw *w, FILE *out);
/* key is NULL inside arrays and for the top-level value. */
void jsonw_begin_object(struct jsonw *w, const char *key);
void jsonw_end_object(struct jsonw *w);
void jsonw_begin_array(struct jsonw *w, const char *key);
void jsonw_end_array(struct jsonw *w);
void jsonw_str(struct jsonw *w, const char *key, const char *val);
void jsonw_u64(struct jsonw *w, const char *key, uint64_t val);
void jsonw_bool(struct jsonw *w, const char *key, bool val);
/* Writes "0x..." as a string so 64-bit values survive every JSON parser. */
void jsonw_hex(struct jsonw *w, const char *key, uint64_t val);
/* Upper-case hex string of n bytes. */
void jsonw_bytes_hex(struct jsonw *w, const char *key, const uint8_t *p, size_t n);
/* Ends the document with a newline. */
void jsonw_finish(struct jsonw *w);

#endif
