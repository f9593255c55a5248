/* SPDX-License-Identifier: MIT */
/*
 * <igvm/igvm.h> — the IGVM C API (libigvm), source- and ABI-compatible with the
 * C API of microsoft/igvm (igvm_c), implemented in C on igvmbuild's format
 * library. Full documentation: libigvm(3).
 *
 * Model: igvm_new_from_binary() copies and validates a whole file and returns a
 * handle. Headers are read by section and index; igvm_get_header() and
 * igvm_get_header_data() return *buffer* handles whose bytes are read with
 * igvm_get_buffer() / igvm_get_buffer_size(). File and buffer handles are
 * positive numbers from one counter; a file owns its buffers (igvm_free()
 * releases them). Every failure is a negative IgvmResult. All functions may be
 * called from any thread.
 *
 * Kept on purpose, because programs depend on it: the record returned by
 * igvm_get_header() is re-serialized, and every file_offset in it is 0; the
 * header's data comes from igvm_get_header_data().
 */
#ifndef IGVM_H
#define IGVM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "igvm_defs.h"

/* Page sizes of x86-64, in bytes. */
#define IGVM_X64_PAGE_SIZE 4096
#define IGVM_X64_LARGE_PAGE_SIZE 0x200000
#define IGVM_X64_1GB_PAGE_SIZE 0x40000000

/*
 * Unprefixed constants that the generated header picks up from the igvm
 * crate's own code, kept so that programs written against it compile:
 * the bound of the crate's x86-64 identity-map builder, and the AMD SEV-SNP
 * page types of SNP_LAUNCH_UPDATE (the PAGE_INFO.page_type of the launch
 * digest; igvmmeasure(1) computes that digest). They are object-like macros,
 * so they replace these words wherever they appear after the #include:
 * include <igvm/igvm.h> after headers that use NORMAL, VMSA, ... as names.
 */
#define PAGE_TABLE_MAX_COUNT 20
#define PAGE_TABLE_MAX_BYTES (PAGE_TABLE_MAX_COUNT * IGVM_X64_PAGE_SIZE)
#define NORMAL 1
#define VMSA 2
#define UNMEASURED 4
#define SECRETS 5
#define CPUID 6

/* Result codes. Functions that return a count or a handle return one of these (< 0) on failure. */
enum IgvmResult
#ifdef __cplusplus
	: int32_t
#endif
{
	IGVMAPI_OK = 0,
	IGVMAPI_INVALID_PARAMETER = -1,
	IGVMAPI_NO_DATA = -2,
	IGVMAPI_INVALID_FILE = -3,
	IGVMAPI_INVALID_HANDLE = -4,
	IGVMAPI_NO_PLATFORM_HEADERS = -5,
	IGVMAPI_FILE_DATA_SECTION_TOO_LARGE = -6,
	IGVMAPI_VARIABLE_HEADER_SECTION_TOO_LARGE = -7,
	IGVMAPI_TOTAL_FILE_SIZE_TOO_LARGE = -8,
	IGVMAPI_INVALID_BINARY_PLATFORM_HEADER = -9,
	IGVMAPI_INVALID_BINARY_INITIALIZATION_HEADER = -10,
	IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER = -11,
	IGVMAPI_MULTIPLE_PLATFORM_HEADERS_WITH_SAME_ISOLATION = -12,
	IGVMAPI_INVALID_PARAMETER_AREA_INDEX = -13,
	IGVMAPI_INVALID_PLATFORM_TYPE = -14,
	IGVMAPI_NO_FREE_COMPATIBILITY_MASKS = -15,
	IGVMAPI_INVALID_FIXED_HEADER = -16,
	IGVMAPI_INVALID_BINARY_VARIABLE_HEADER_SECTION = -17,
	IGVMAPI_INVALID_CHECKSUM = -18,
	IGVMAPI_MULTIPLE_PAGE_TABLE_RELOCATION_HEADERS = -19,
	IGVMAPI_RELOCATION_REGIONS_OVERLAP = -20,
	IGVMAPI_PARAMETER_INSERT_INSIDE_PAGE_TABLE_REGION = -21,
	IGVMAPI_NO_MATCHING_VP_CONTEXT = -22,
	IGVMAPI_PLATFORM_ARCH_UNSUPPORTED = -23,
	IGVMAPI_INVALID_HEADER_ARCH = -24,
	IGVMAPI_UNSUPPORTED_PAGE_SIZE = -25,
	IGVMAPI_INVALID_FIXED_HEADER_ARCH = -26,
	IGVMAPI_MERGE_REVISION = -27,
	IGVMAPI_INVALID_CCA_POLICY_COMPATIBILITY_MASK = -28,
	IGVMAPI_CORIM_GENERATION = -29,
	IGVMAPI_MEASUREMENT_FAILED = -30,
};
#ifndef __cplusplus
typedef int32_t IgvmResult;
#endif

/* The three sections of the variable headers. */
enum IgvmHeaderSection
#ifdef __cplusplus
	: uint32_t
#endif
{
	IGVM_HEADER_SECTION_PLATFORM = 0,
	IGVM_HEADER_SECTION_INITIALIZATION = 1,
	IGVM_HEADER_SECTION_DIRECTIVE = 2,
};
#ifndef __cplusplus
typedef uint32_t IgvmHeaderSection;
#endif

/* A file or buffer handle (> 0), or an IgvmResult (< 0). */
typedef int32_t IgvmHandle;

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Bytes of a buffer, valid until igvm_free_buffer(buffer_handle) or
 * igvm_free(igvm_handle); NULL if either handle is not valid (or the buffer
 * belongs to another file).
 */
const uint8_t *igvm_get_buffer(IgvmHandle igvm_handle, IgvmHandle buffer_handle);

/* Size of a buffer in bytes, or IGVMAPI_INVALID_HANDLE. */
int32_t igvm_get_buffer_size(IgvmHandle igvm_handle, IgvmHandle buffer_handle);

/* Releases a buffer early; invalid handles are ignored. */
void igvm_free_buffer(IgvmHandle igvm_handle, IgvmHandle buffer_handle);

/*
 * Validates the len bytes at data as an IGVM file and returns a file handle, or
 * the IgvmResult of the first rule broken. The bytes are copied: the caller may
 * free them as soon as this returns.
 */
IgvmHandle igvm_new_from_binary(const uint8_t *data, uint32_t len);

/* Releases a file and all of its buffers; invalid handles are ignored. */
void igvm_free(IgvmHandle handle);

/* Number of headers in a section. */
int32_t igvm_header_count(IgvmHandle handle, IgvmHeaderSection section);

/* Type code (IgvmVariableHeaderType) of header `index` of a section. */
int32_t igvm_get_header_type(IgvmHandle handle, IgvmHeaderSection section, uint32_t index);

/*
 * Buffer holding header `index` of a section as one variable-header record:
 * IGVM_VHS_VARIABLE_HEADER, the structure, zero padding to 8 bytes. Its
 * file_offset fields are 0 (see above).
 */
IgvmHandle igvm_get_header(IgvmHandle handle, IgvmHeaderSection section, uint32_t index);

/*
 * Buffer holding the file data of header `index` (page contents, parameter-area
 * initial contents, VP context), or IGVMAPI_NO_DATA when it has none.
 * IGVMAPI_INVALID_PARAMETER for the platform section.
 */
IgvmHandle igvm_get_header_data(IgvmHandle handle, IgvmHeaderSection section, uint32_t index);

#ifdef __cplusplus
}
#endif

#endif /* IGVM_H */
