/* SPDX-License-Identifier: MIT */
/*
 * igvm_rules.c — the one table of IGVM validation rules: stable names for
 * messages and tests, what each rule requires, and the reference C API's
 * IgvmResult code for the same failure.
 */
#include "igvm.h"

#include "../common/cleanup.h"

/* Codes of the reference's IgvmResult (igvm_c), restated from the spec §9. */
enum {
	API_INVALID_PARAMETER = -1,
	API_INVALID_FILE = -3,
	API_NO_PLATFORM_HEADERS = -5,
	API_VARIABLE_HEADER_SECTION_TOO_LARGE = -7,
	API_TOTAL_FILE_SIZE_TOO_LARGE = -8,
	API_INVALID_BINARY_PLATFORM_HEADER = -9,
	API_INVALID_BINARY_INITIALIZATION_HEADER = -10,
	API_INVALID_BINARY_DIRECTIVE_HEADER = -11,
	API_MULTIPLE_PLATFORM_HEADERS_WITH_SAME_ISOLATION = -12,
	API_INVALID_PARAMETER_AREA_INDEX = -13,
	API_INVALID_FIXED_HEADER = -16,
	API_INVALID_BINARY_VARIABLE_HEADER_SECTION = -17,
	API_INVALID_CHECKSUM = -18,
	API_MULTIPLE_PAGE_TABLE_RELOCATION_HEADERS = -19,
	API_RELOCATION_REGIONS_OVERLAP = -20,
	API_PARAMETER_INSERT_INSIDE_PAGE_TABLE_REGION = -21,
	API_NO_MATCHING_VP_CONTEXT = -22,
	API_PLATFORM_ARCH_UNSUPPORTED = -23,
	API_INVALID_HEADER_ARCH = -24,
	API_UNSUPPORTED_PAGE_SIZE = -25,
	API_INVALID_CCA_POLICY_COMPATIBILITY_MASK = -28,
	/* Not an IgvmResult: the code depends on the section of the header (-9/-10/-11). */
	API_BY_SECTION = 1,
};

struct rule_info {
	const char *name;
	const char *text;
	int api;
	bool strict;
};

static const struct rule_info rules[IGVM_RULE_COUNT] = {
	[IGVM_RULE_NONE] = { "none", "no error", 0, false },
	[IGVM_RULE_FILE_TOO_SHORT] = { "fixed-header.size", "the file must hold the whole fixed header (24 bytes, 32 for v2)", API_INVALID_FIXED_HEADER, false },
	[IGVM_RULE_MAGIC] = { "fixed-header.magic", "magic must be 'IGVM' (0x4D564749)", API_INVALID_FIXED_HEADER, false },
	[IGVM_RULE_FORMAT_VERSION] = { "fixed-header.format-version", "format_version must be 1 or 2", API_INVALID_FIXED_HEADER, false },
	[IGVM_RULE_ARCHITECTURE] = { "fixed-header.architecture", "architecture must be 0 (x64) or 1 (aarch64)", API_INVALID_FIXED_HEADER, false },
	[IGVM_RULE_PAGE_SIZE] = { "fixed-header.page-size", "page_size must be 4096", API_UNSUPPORTED_PAGE_SIZE, false },
	[IGVM_RULE_TOTAL_FILE_SIZE] = { "fixed-header.total-file-size", "total_file_size must equal the file length", API_INVALID_FIXED_HEADER, false },
	[IGVM_RULE_VAR_HEADER_OFFSET] = { "fixed-header.variable-header-offset", "variable_header_offset must lie inside the file", API_INVALID_FIXED_HEADER, false },
	[IGVM_RULE_VAR_HEADER_SIZE] = { "fixed-header.variable-header-size", "the variable headers must end before the end of the file (the file-data section may not be empty) without u32 overflow", API_INVALID_FIXED_HEADER, false },
	[IGVM_RULE_CHECKSUM] = { "fixed-header.checksum", "CRC-32 of the fixed header (checksum 0) and the variable headers must match", API_INVALID_CHECKSUM, false },
	[IGVM_RULE_VAR_HEADER_PLACEMENT] = { "fixed-header.variable-header-placement", "variable headers must start right after the fixed header, 8-byte aligned, and span a multiple of 8 bytes", API_INVALID_FIXED_HEADER, true },
	[IGVM_RULE_RECORD_TRUNCATED] = { "record.truncated", "a record header needs 8 bytes", API_INVALID_BINARY_VARIABLE_HEADER_SECTION, false },
	[IGVM_RULE_TYPE_RANGE] = { "record.type-range", "the type code must be in the platform, initialization or directive range", API_INVALID_BINARY_VARIABLE_HEADER_SECTION, false },
	[IGVM_RULE_SECTION_ORDER] = { "record.section-order", "sections must come in the order platform, initialization, directive", API_INVALID_BINARY_VARIABLE_HEADER_SECTION, false },
	[IGVM_RULE_RECORD_LENGTH] = { "record.length", "a known header's length must equal its structure size", API_BY_SECTION, false },
	[IGVM_RULE_UNKNOWN_TYPE] = { "record.unknown-type", "the header type must be one this format version defines", API_BY_SECTION, false },
	[IGVM_RULE_RECORD_PAST_SECTION] = { "record.past-section", "the record (with its padding) must end inside the variable-header section", API_BY_SECTION, false },
	[IGVM_RULE_PADDING] = { "record.padding", "padding after a record must be zero", API_INVALID_BINARY_VARIABLE_HEADER_SECTION, true },
	[IGVM_RULE_NO_PLATFORM] = { "platform.none", "a file needs at least one SUPPORTED_PLATFORM header", API_NO_PLATFORM_HEADERS, false },
	[IGVM_RULE_PLATFORM_MASK] = { "platform.mask", "a platform's compatibility mask must have exactly one bit set", API_INVALID_BINARY_PLATFORM_HEADER, false },
	[IGVM_RULE_PLATFORM_VTL] = { "platform.highest-vtl", "highest_vtl must be 0 or 2", API_INVALID_BINARY_PLATFORM_HEADER, false },
	[IGVM_RULE_PLATFORM_VERSION] = { "platform.version", "platform_version must be 1", API_INVALID_BINARY_PLATFORM_HEADER, false },
	[IGVM_RULE_PLATFORM_SHARED_GPA] = { "platform.shared-gpa-boundary", "shared_gpa_boundary must be 0 for NATIVE and VSM_ISOLATION", API_INVALID_BINARY_PLATFORM_HEADER, false },
	[IGVM_RULE_PLATFORM_TYPE] = { "platform.type", "platform_type must be a known platform", API_INVALID_BINARY_PLATFORM_HEADER, false },
	[IGVM_RULE_PLATFORM_DUPLICATE] = { "platform.duplicate-type", "each platform type may appear once", API_MULTIPLE_PLATFORM_HEADERS_WITH_SAME_ISOLATION, false },
	[IGVM_RULE_PLATFORM_ARCH] = { "platform.architecture", "the platform must exist on the file's architecture", API_PLATFORM_ARCH_UNSUPPORTED, false },
	[IGVM_RULE_PLATFORM_MASK_DUPLICATE] = { "platform.duplicate-mask", "two platforms must not share a mask bit", API_INVALID_BINARY_PLATFORM_HEADER, true },
	[IGVM_RULE_RESERVED] = { "field.reserved", "reserved fields must be zero", API_BY_SECTION, false },
	[IGVM_RULE_VTL] = { "field.vtl", "a VTL must be 0, 1 or 2", API_BY_SECTION, false },
	[IGVM_RULE_GPA_ALIGNMENT] = { "field.gpa-alignment", "the guest physical address must be 4 KiB aligned", API_BY_SECTION, false },
	[IGVM_RULE_SIZE_ALIGNMENT] = { "field.size-alignment", "the size must be a multiple of 4 KiB", API_BY_SECTION, false },
	[IGVM_RULE_DATA_RANGE] = { "data.range", "file data must lie inside the file-data section", API_BY_SECTION, false },
	[IGVM_RULE_HEADER_ARCH] = { "field.architecture", "the header does not exist on the file's architecture", API_INVALID_HEADER_ARCH, false },
	[IGVM_RULE_RESERVED_BITS] = { "field.reserved-bits", "undefined flag bits must be zero", API_BY_SECTION, true },
	[IGVM_RULE_MASK_ZERO] = { "field.mask-zero", "a compatibility mask of 0 applies to nothing (the reference drops the header silently)", API_BY_SECTION, true },
	[IGVM_RULE_RELOCATION_ALIGNMENT] = { "relocation.alignment", "relocation alignment must be a non-zero multiple of 4 KiB", API_INVALID_BINARY_INITIALIZATION_HEADER, false },
	[IGVM_RULE_RELOCATION_ADDRESS] = { "relocation.address", "relocation addresses must be multiples of the alignment", API_INVALID_BINARY_INITIALIZATION_HEADER, false },
	[IGVM_RULE_RELOCATION_SIZE] = { "relocation.size", "the relocation region size must be a non-zero multiple of 4 KiB", API_INVALID_BINARY_INITIALIZATION_HEADER, false },
	[IGVM_RULE_PAGE_TABLE_REGION_SIZE] = { "page-table-region.size", "used_size must not exceed size, and size must be non-zero", API_INVALID_BINARY_INITIALIZATION_HEADER, false },
	[IGVM_RULE_PAGE_TABLE_MULTIPLE] = { "page-table-region.multiple", "at most one page-table relocation header per platform", API_MULTIPLE_PAGE_TABLE_RELOCATION_HEADERS, false },
	[IGVM_RULE_RELOCATION_OVERLAP] = { "relocation.overlap", "relocation and page-table regions must not overlap", API_RELOCATION_REGIONS_OVERLAP, false },
	[IGVM_RULE_CCA_ONES_ZEROES] = { "cca-policy.ones-zeroes", "attributes required zero and required one must not intersect", API_INVALID_BINARY_INITIALIZATION_HEADER, false },
	[IGVM_RULE_CCA_MASK] = { "cca-policy.mask", "every mask bit of a CCA policy must belong to a CCA platform", API_INVALID_CCA_POLICY_COMPATIBILITY_MASK, false },
	[IGVM_RULE_CORIM_DUPLICATE] = { "corim.duplicate", "at most one CoRIM document and one signature per platform", API_INVALID_BINARY_INITIALIZATION_HEADER, false },
	[IGVM_RULE_CORIM_MISSING_DOCUMENT] = { "corim.missing-document", "a CoRIM signature needs an earlier document for the same platform", API_INVALID_BINARY_INITIALIZATION_HEADER, false },
	[IGVM_RULE_PAGE_DATA_TYPE] = { "page-data.type", "data_type must be NORMAL, SECRETS, CPUID_DATA or CPUID_XF", API_INVALID_BINARY_DIRECTIVE_HEADER, false },
	[IGVM_RULE_PARAMETER_AREA_INDEX] = { "parameter-area.index", "parameter areas must be declared once, used and inserted only while allocated", API_INVALID_PARAMETER_AREA_INDEX, false },
	[IGVM_RULE_PARAMETER_OFFSET] = { "parameter.byte-offset", "a parameter's byte offset must lie inside its area", API_INVALID_BINARY_DIRECTIVE_HEADER, true },
	[IGVM_RULE_INSERT_IN_PAGE_TABLE] = { "parameter-insert.page-table-region", "a parameter insert must not land inside a page-table relocation region", API_PARAMETER_INSERT_INSIDE_PAGE_TABLE_REGION, false },
	[IGVM_RULE_VP_CONTEXT_PLATFORM] = { "vp-context.platform", "a VP context's mask must equal one platform's mask, of a type that takes a context", API_INVALID_BINARY_DIRECTIVE_HEADER, false },
	[IGVM_RULE_VP_CONTEXT_CONTENT] = { "vp-context.content", "bytes after a native or CCA context must be zero", API_INVALID_BINARY_DIRECTIVE_HEADER, false },
	[IGVM_RULE_VP_CONTEXT_GPA] = { "vp-context.gpa", "a VP context's gpa must be 0 except for SEV-ES and SEV-SNP", API_INVALID_BINARY_DIRECTIVE_HEADER, true },
	[IGVM_RULE_VP_CONTEXT_DUPLICATE] = { "vp-context.duplicate", "one VP context per platform, VP index and VTL", API_INVALID_BINARY_DIRECTIVE_HEADER, true },
	[IGVM_RULE_VBS_NO_REGISTERS] = { "vbs-context.no-registers", "a VBS context needs at least one register", API_INVALID_BINARY_DIRECTIVE_HEADER, false },
	[IGVM_RULE_VBS_UNSUPPORTED_REGISTER] = { "vbs-context.register", "a VBS context register must be one the format supports", API_INVALID_BINARY_DIRECTIVE_HEADER, false },
	[IGVM_RULE_VBS_VTL_MIXED] = { "vbs-context.vtl", "all VBS context registers must be for one VTL, and the VP index 0", API_INVALID_BINARY_DIRECTIVE_HEADER, false },
	[IGVM_RULE_NO_MATCHING_VP_CONTEXT] = { "relocation.no-vp-context", "a relocation or page-table header needs a matching VBS VP context", API_NO_MATCHING_VP_CONTEXT, false },
	[IGVM_RULE_ERROR_RANGE_SIZE] = { "error-range.size", "an error range's size must be a multiple of 4 KiB", API_INVALID_BINARY_DIRECTIVE_HEADER, true },
	[IGVM_RULE_WRITE_TOO_LARGE] = { "write.too-large", "every offset and size of a file must fit in 32 bits", API_TOTAL_FILE_SIZE_TOO_LARGE, false },
	[IGVM_RULE_WRITE_DATA_TOO_LONG] = { "write.data-too-long", "header data must fit its blob (4096 bytes for a page or context, the area size for a parameter area)", API_INVALID_PARAMETER, false },
	[IGVM_RULE_WRITE_UNSUPPORTED] = { "write.unsupported", "the header cannot be written as given", API_INVALID_PARAMETER, false },
	[IGVM_RULE_NO_MEMORY] = { "no-memory", "out of memory", API_INVALID_FILE, false },
	[IGVM_RULE_WARN_MASK_NO_PLATFORM] = { "warning.mask-no-platform", "a mask bit that no platform owns selects nothing", 0, false },
	[IGVM_RULE_WARN_2MB_PAGE] = { "warning.2mb-page", "2 MiB page data is not supported by the reference parser (it reads 4 KiB)", 0, false },
	[IGVM_RULE_WARN_CORIM] = { "warning.corim", "CoRIM headers are refused by libigvm as usually built (and so by QEMU)", 0, false },
};

const char *igvm_rule_name(enum igvm_rule rule)
{
	if ((unsigned)rule >= IGVM_RULE_COUNT || !rules[rule].name)
		return "unknown-rule";
	return rules[rule].name;
}

const char *igvm_rule_text(enum igvm_rule rule)
{
	if ((unsigned)rule >= IGVM_RULE_COUNT || !rules[rule].text)
		return "";
	return rules[rule].text;
}

bool igvm_rule_is_strict(enum igvm_rule rule)
{
	return (unsigned)rule < IGVM_RULE_COUNT && rules[rule].strict;
}

int igvm_rule_api_code(const struct igvm_diag *d)
{
	if ((unsigned)d->rule >= IGVM_RULE_COUNT)
		return API_INVALID_FILE;
	int api = rules[d->rule].api;
	if (api != API_BY_SECTION)
		return api;
	switch (d->section) {
	case IGVM_SECTION_PLATFORM:
		return API_INVALID_BINARY_PLATFORM_HEADER;
	case IGVM_SECTION_INITIALIZATION:
		return API_INVALID_BINARY_INITIALIZATION_HEADER;
	default:
		return API_INVALID_BINARY_DIRECTIVE_HEADER;
	}
}
