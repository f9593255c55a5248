/* SPDX-License-Identifier: MIT */
/*
 * igvm.h — the IGVM format library: an in-memory model, a reader/validator and
 * a writer. Every binary of the project reads and writes IGVM through this
 * module only.
 *
 * Reader contract
 *   igvm_parse() takes untrusted bytes and either returns a fully validated
 *   struct igvm_file or fails with one struct igvm_diag naming the first rule
 *   broken and the byte offset where it was found. It never reads outside the
 *   buffer, never aborts, and does no arithmetic that can wrap.
 *   The model borrows the input buffer (header data pointers point into it):
 *   keep the buffer alive until igvm_file_free().
 *
 *   Rules applied:
 *   - always: every rule the reference parser (microsoft/igvm) enforces, with
 *     the same error class (the IgvmResult code in igvm_rule_api_code()), plus
 *     clean errors for every input that makes the reference panic;
 *   - IGVM_PARSE_STRICT: the stricter checks the specification recommends
 *     (header offset alignment and gaps, non-zero padding, reserved bits,
 *     masks of 0, duplicate platform masks or VP contexts, parameter offsets
 *     past their area, ...). Files our writer produces always pass them.
 *
 *   Unknown header types:
 *   - by default an unknown type is an error, with or without the optional bit
 *     (bit 31), exactly as in the reference parser: a file that libigvm-based
 *     loaders (QEMU) refuse must not pass our checker;
 *   - with IGVM_PARSE_SKIP_OPTIONAL an unknown type with bit 31 set is kept
 *     as an opaque header (known == false) and otherwise ignored, as the
 *     specification allows; an unknown type without bit 31 is still an error.
 *   CoRIM headers (0x104/0x105) are accepted only with IGVM_PARSE_CORIM, like
 *   the reference built with its `corim` feature.
 *
 *   Conditions that loaders accept but users should hear about (a mask bit no
 *   platform owns, 2 MiB page flags, CoRIM headers) are collected as warnings.
 *
 * Writer contract
 *   igvm_write() lays out a file exactly as the reference writer does: fixed
 *   header (v1: 24 bytes, v2: 32), records in model order, each padded with
 *   zeros to 8 bytes, then file data blobs in order of first reference,
 *   identical blobs stored once, offsets absolute, then the CRC-32 (zlib) over
 *   the fixed header with checksum 0 followed by the variable headers.
 *   It assigns every file_offset itself. When no header has data it appends 8
 *   zero bytes of file data, because the reference parser rejects a file whose
 *   data section is empty. Finally it parses its own output under the
 *   reference rules and refuses to return a file that fails, so it cannot
 *   emit a file a libigvm-based loader would refuse. (Callers that want the
 *   strict rules too — the builder does — parse the result with
 *   IGVM_PARSE_STRICT.) Writer diagnostics give the header index as offset.
 *
 *   Round trip: for a file that follows the reference writer's conventions,
 *   igvm_write(igvm_parse(bytes)) == bytes.
 */
#ifndef IGVM_FORMAT_IGVM_H
#define IGVM_FORMAT_IGVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igvm_defs.h"
#include "../common/buf.h"

enum igvm_section {
	IGVM_SECTION_PLATFORM = 0,
	IGVM_SECTION_INITIALIZATION = 1,
	IGVM_SECTION_DIRECTIVE = 2,
	IGVM_SECTION_COUNT = 3,
};

/* ---- rules and diagnostics ------------------------------------------------ */

enum igvm_rule {
	IGVM_RULE_NONE = 0,
	/* fixed header */
	IGVM_RULE_FILE_TOO_SHORT,
	IGVM_RULE_MAGIC,
	IGVM_RULE_FORMAT_VERSION,
	IGVM_RULE_ARCHITECTURE,
	IGVM_RULE_PAGE_SIZE,
	IGVM_RULE_TOTAL_FILE_SIZE,
	IGVM_RULE_VAR_HEADER_OFFSET,
	IGVM_RULE_VAR_HEADER_SIZE,
	IGVM_RULE_CHECKSUM,
	IGVM_RULE_VAR_HEADER_PLACEMENT, /* strict */
	/* record framing */
	IGVM_RULE_RECORD_TRUNCATED,
	IGVM_RULE_TYPE_RANGE,
	IGVM_RULE_SECTION_ORDER,
	IGVM_RULE_RECORD_LENGTH,
	IGVM_RULE_UNKNOWN_TYPE,
	IGVM_RULE_RECORD_PAST_SECTION,
	IGVM_RULE_PADDING, /* strict */
	/* platform headers */
	IGVM_RULE_NO_PLATFORM,
	IGVM_RULE_PLATFORM_MASK,
	IGVM_RULE_PLATFORM_VTL,
	IGVM_RULE_PLATFORM_VERSION,
	IGVM_RULE_PLATFORM_SHARED_GPA,
	IGVM_RULE_PLATFORM_TYPE,
	IGVM_RULE_PLATFORM_DUPLICATE,
	IGVM_RULE_PLATFORM_ARCH,
	IGVM_RULE_PLATFORM_MASK_DUPLICATE, /* strict */
	/* common field rules */
	IGVM_RULE_RESERVED,
	IGVM_RULE_VTL,
	IGVM_RULE_GPA_ALIGNMENT,
	IGVM_RULE_SIZE_ALIGNMENT,
	IGVM_RULE_DATA_RANGE,
	IGVM_RULE_HEADER_ARCH,
	IGVM_RULE_RESERVED_BITS, /* strict */
	IGVM_RULE_MASK_ZERO,     /* strict */
	/* initialization headers */
	IGVM_RULE_RELOCATION_ALIGNMENT,
	IGVM_RULE_RELOCATION_ADDRESS,
	IGVM_RULE_RELOCATION_SIZE,
	IGVM_RULE_PAGE_TABLE_REGION_SIZE,
	IGVM_RULE_PAGE_TABLE_MULTIPLE,
	IGVM_RULE_RELOCATION_OVERLAP,
	IGVM_RULE_CCA_ONES_ZEROES,
	IGVM_RULE_CCA_MASK,
	IGVM_RULE_CORIM_DUPLICATE,
	IGVM_RULE_CORIM_MISSING_DOCUMENT,
	/* directives */
	IGVM_RULE_PAGE_DATA_TYPE,
	IGVM_RULE_PARAMETER_AREA_INDEX,
	IGVM_RULE_PARAMETER_OFFSET, /* strict */
	IGVM_RULE_INSERT_IN_PAGE_TABLE,
	IGVM_RULE_VP_CONTEXT_PLATFORM,
	IGVM_RULE_VP_CONTEXT_CONTENT,
	IGVM_RULE_VP_CONTEXT_GPA,       /* strict */
	IGVM_RULE_VP_CONTEXT_DUPLICATE, /* strict */
	IGVM_RULE_VBS_NO_REGISTERS,
	IGVM_RULE_VBS_UNSUPPORTED_REGISTER,
	IGVM_RULE_VBS_VTL_MIXED,
	IGVM_RULE_NO_MATCHING_VP_CONTEXT,
	IGVM_RULE_ERROR_RANGE_SIZE, /* strict */
	/* writer-only */
	IGVM_RULE_WRITE_TOO_LARGE,
	IGVM_RULE_WRITE_DATA_TOO_LONG,
	IGVM_RULE_WRITE_UNSUPPORTED,
	IGVM_RULE_NO_MEMORY,
	/* warnings: never make a file invalid */
	IGVM_RULE_WARN_MASK_NO_PLATFORM,
	IGVM_RULE_WARN_2MB_PAGE,
	IGVM_RULE_WARN_CORIM,
	IGVM_RULE_COUNT
};

/*
 * A diagnostic: which rule, where in the file (byte offset of the offending
 * field or record), and a one-line detail with the values involved.
 */
struct igvm_diag {
	enum igvm_rule rule;
	uint64_t offset;
	enum igvm_section section; /* of the offending header, for the API code */
	char detail[200];
};

/* Stable kebab-case name of a rule, e.g. "fixed-header.checksum". */
const char *igvm_rule_name(enum igvm_rule rule);
/* Short description of what the rule requires. */
const char *igvm_rule_text(enum igvm_rule rule);
/* The reference C API's IgvmResult code for this failure (negative), 0 for none. */
int igvm_rule_api_code(const struct igvm_diag *d);
/* True when the rule is one of the strict-only checks. */
bool igvm_rule_is_strict(enum igvm_rule rule);

/* ---- the in-memory model -------------------------------------------------- */

union igvm_body {
	struct igvm_vhs_supported_platform platform;
	struct igvm_vhs_guest_policy policy;
	struct igvm_vhs_relocatable_region reloc;
	struct igvm_vhs_page_table_relocation pt_reloc;
	struct igvm_vhs_corim_data corim;
	struct igvm_vhs_cca_policy cca_policy;
	struct igvm_vhs_parameter_area param_area;
	struct igvm_vhs_page_data page;
	struct igvm_vhs_parameter_insert insert;
	struct igvm_vhs_vp_context vp;
	struct igvm_vhs_required_memory required_memory;
	struct igvm_vhs_parameter param;
	struct igvm_vhs_error_range error_range;
	/*
	 * SNP_ID_BLOCK (696 bytes) and VBS_MEASUREMENT (864 bytes) are not in the
	 * union, so a header stays small (files hold one header per page): read
	 * them with igvm_header_id_block() / igvm_header_vbs_measurement().
	 */
	uint8_t bytes[sizeof(struct igvm_vhs_relocatable_region)];
};

struct igvm_header {
	uint32_t type;            /* known headers: the type code without IGVM_OPTIONAL_BIT;
	                             unknown ones: as stored */
	bool optional;            /* bit 31 was set (only accepted with IGVM_PARSE_SKIP_OPTIONAL);
	                             the writer sets it again */
	uint32_t length;          /* body length as stored (excludes the TLV header and padding) */
	uint32_t record_offset;   /* file offset of the TLV record */
	enum igvm_section section;
	bool known;               /* false: unknown optional header kept opaque (IGVM_PARSE_SKIP_OPTIONAL) */
	union igvm_body body;     /* decoded copy of the body, for known types */
	const uint8_t *raw;       /* the body bytes as stored (`length` bytes; unaligned, copy before use) */
	const uint8_t *data;      /* file data of this header, NULL if none */
	uint32_t data_len;        /* reader: bytes the header owns; writer: bytes to store (padded up) */
	uint32_t data_offset;     /* absolute file offset of data (0 = none) */
};

struct igvm_file {
	uint32_t format_version;  /* 1 or 2 */
	uint32_t architecture;    /* enum igvm_arch; v1 files are X64 */
	uint32_t page_size;       /* 4096 */
	/* reader only: the fixed header as found */
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum;

	struct igvm_header *hdr;
	size_t count;
	size_t cap;
	size_t section_count[IGVM_SECTION_COUNT];

	struct igvm_diag *warnings;
	size_t warning_count;

	void **owned;             /* blobs freed with the file (igvm_file_own) */
	size_t owned_count;
};

enum igvm_parse_flags {
	IGVM_PARSE_STRICT = 1u << 0,
	IGVM_PARSE_SKIP_OPTIONAL = 1u << 1,
	IGVM_PARSE_CORIM = 1u << 2,
};

/* Returns 0, or -1 with *diag filled in. On failure *out is left empty. */
int igvm_parse(const uint8_t *buf, size_t len, unsigned flags, struct igvm_file *out,
	       struct igvm_diag *diag);

void igvm_file_init(struct igvm_file *f, uint32_t format_version, uint32_t architecture);
void igvm_file_free(struct igvm_file *f);

/*
 * Appends a header for the writer. `body` is the structure for `type` (its
 * file_offset fields are ignored: the writer assigns them); `data` (may be
 * NULL) is borrowed and must outlive the file unless handed to igvm_file_own().
 * Returns the new header, or NULL when out of memory or the type is unknown.
 */
struct igvm_header *igvm_file_add(struct igvm_file *f, uint32_t type, const void *body,
				  const void *data, uint32_t data_len);
/* The file takes ownership of p (freed by igvm_file_free). false if out of memory (p is freed). */
bool igvm_file_own(struct igvm_file *f, void *p);

/* Serialises f into out (appended). Returns 0, or -1 with *diag filled in. */
int igvm_write(const struct igvm_file *f, struct ib_buf *out, struct igvm_diag *diag);

/* Copies of the two large bodies (false if h is not of that type). */
bool igvm_header_id_block(const struct igvm_header *h, struct igvm_vhs_snp_id_block *out);
bool igvm_header_vbs_measurement(const struct igvm_header *h, struct igvm_vhs_vbs_measurement *out);

/* ---- facts about types ---------------------------------------------------- */

/* "SUPPORTED_PLATFORM", ... or NULL for an unknown type (optional bit ignored). */
const char *igvm_type_name(uint32_t type);
/* Exact body length of a known type, or -1. */
int igvm_type_length(uint32_t type);
/* Section that a type code belongs to by range; false if in no range. */
bool igvm_type_section(uint32_t type, enum igvm_section *s);
const char *igvm_section_name(enum igvm_section s);
/* "NATIVE", "VSM_ISOLATION", "SEV_SNP", ... or NULL. */
const char *igvm_platform_name(uint8_t platform_type);
const char *igvm_page_data_type_name(uint16_t data_type);
const char *igvm_memory_map_type_name(uint16_t type);
/* The compatibility mask of a masked header; false for unmasked ones. */
bool igvm_header_mask(const struct igvm_header *h, uint32_t *mask);
/* The platform type owning a single-bit mask, or -1. */
int igvm_platform_for_mask(const struct igvm_file *f, uint32_t mask);

#endif /* IGVM_FORMAT_IGVM_H */
