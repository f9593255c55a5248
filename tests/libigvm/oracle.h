/* SPDX-License-Identifier: MIT */
/*
 * oracle.h — what the libigvm tests compare the C API against: the format
 * library's own parse of the same bytes (format/igvm.h), with the reference's
 * rule that masked headers whose mask is 0 are not part of the file.
 *
 * This module may include format/igvm.h and the tests may include
 * <igvm/igvm.h>; the two never meet in one file, so everything here is in
 * neutral types.
 */
#ifndef LIBIGVM_TEST_ORACLE_H
#define LIBIGVM_TEST_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct oracle;

/* 0 and *out, or the reference's IgvmResult code (< 0) for the file. */
int oracle_open(const uint8_t *file, size_t len, struct oracle **out);
void oracle_close(struct oracle *o);

uint32_t oracle_count(const struct oracle *o, unsigned section);

/* One header as it is on disk. */
struct oracle_rec {
	const uint8_t *record;  /* TLV header + body + padding, as in the file */
	uint32_t record_len;
	uint32_t type;
	const uint8_t *data;    /* its file data, or NULL */
	uint32_t data_len;
	int platform;           /* VP_CONTEXT: platform type owning its mask, else -1 */
	uint32_t architecture;  /* of the file: 0 x64, 1 aarch64 */
};

/* The index-th header of a section that the reference keeps; false when out of range. */
bool oracle_record(const struct oracle *o, unsigned section, uint32_t index, struct oracle_rec *r);

/*
 * The trace qw_run() must produce for this file (qemu_walk.h), computed from
 * the parse instead of the API. Returns 0 or 1 like qw_run().
 */
int oracle_qemu_trace(const uint8_t *file, size_t len, FILE *out);

#endif /* LIBIGVM_TEST_ORACLE_H */
