/* SPDX-License-Identifier: MIT */
/*
 * view.h — libigvm's read-only view of one parsed IGVM file: what the C API
 * shows of it, computed from the project's format library (format/igvm.h).
 *
 * Contract
 *   lv_new() copies the input, validates it with igvm_parse() under the
 *   reference rules (no strict checks, no optional-header skipping, no CoRIM:
 *   the way microsoft/igvm's C library is built), and indexes the headers by
 *   section as the reference's IgvmFile holds them: masked headers whose mask
 *   is 0 are left out, exactly as its parser drops them.
 *   Failures return the reference's IgvmResult code for the first broken rule
 *   (igvm_rule_api_code()), so callers see the same numbers as with the Rust
 *   library.
 *
 *   lv_record() re-serializes a header the way the reference's C API does: the
 *   8-byte TLV header, the structure, zero padding to 8; every file_offset is
 *   0; fields the reference does not keep in its model come back in their
 *   canonical form (reserved fields 0, undefined relocation and
 *   required-memory flag bits dropped, a VP context's gpa 0 unless it is an
 *   SEV-ES/SEV-SNP VMSA).
 *
 *   lv_data() returns a header's file data as the reference does (page
 *   contents 4096 bytes, parameter-area contents number_of_bytes, SEV/native/
 *   CCA contexts 4096 bytes, VBS contexts 4 + 32 n bytes with their registers
 *   in canonical form). Data is returned as a pointer into the view's copy of
 *   the file when its bytes are already canonical, so a loader asking for
 *   every page's data does not double its memory.
 *
 *   A view is immutable after lv_new(): any number of threads may read one at
 *   the same time. The caller serialises lv_free() against readers.
 *
 * Return values are IgvmResult codes as plain ints (the public header cannot be
 * included together with format/igvm.h: both name the IGVM_VHT_* type codes).
 */
#ifndef LIBIGVM_VIEW_H
#define LIBIGVM_VIEW_H

#include <stdint.h>

/* The IgvmResult values this module returns (checked against <igvm/igvm.h>). */
enum {
	LV_OK = 0,
	LV_INVALID_PARAMETER = -1,
	LV_NO_DATA = -2,
	LV_INVALID_FILE = -3,             /* also: out of memory */
	LV_FILE_DATA_SECTION_TOO_LARGE = -6, /* a blob whose size does not fit the API's int32_t */
};

#define LV_SECTIONS 3

/* Largest record lv_record() produces: VBS_MEASUREMENT, 8 + 864. */
#define LV_RECORD_MAX 872u

struct lv_view;

/* 0 and *out, or a negative IgvmResult. data may be NULL only when len is 0. */
int lv_new(const uint8_t *data, uint32_t len, struct lv_view **out);
void lv_free(struct lv_view *v);

/* Headers in a section; section must be < LV_SECTIONS. */
uint32_t lv_count(const struct lv_view *v, unsigned section);

/* Type code of a header, or LV_INVALID_PARAMETER for an index out of range. */
int64_t lv_type(const struct lv_view *v, unsigned section, uint32_t index);

/*
 * Re-serialized record into out[LV_RECORD_MAX]; returns its length (> 0), or
 * LV_INVALID_PARAMETER for an index out of range.
 */
int32_t lv_record(const struct lv_view *v, unsigned section, uint32_t index, uint8_t out[LV_RECORD_MAX]);

/*
 * File data of a header. On success returns LV_OK with *data and *len set; *owned
 * is NULL when *data points into the view (valid until lv_free()), or a
 * malloc'd block the caller frees (*data == *owned). Errors: LV_INVALID_PARAMETER
 * (platform section, index out of range), LV_NO_DATA, LV_INVALID_FILE (out of
 * memory), LV_FILE_DATA_SECTION_TOO_LARGE.
 */
int lv_data(const struct lv_view *v, unsigned section, uint32_t index, const uint8_t **data, uint32_t *len,
	    uint8_t **owned);

#endif /* LIBIGVM_VIEW_H */
