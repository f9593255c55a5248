/* SPDX-License-Identifier: MIT */
/*
 * <igvm/igvm_defs.h> — IGVM on-disk structures for C programs (libigvm).
 *
 * Contract: a program written against the igvm_defs.h that microsoft/igvm's
 * igvm_c generates with cbindgen compiles unchanged against this header, and
 * gets the same names, the same values and the same structure layouts (so the
 * same ABI). Layouts are therefore those of that generated header, which are
 * the natural C layouts of the Rust types — with two consequences callers of
 * either header must know (see libigvm(3), "LAYOUT NOTES"):
 *   - IGVM_VHS_VP_CONTEXT has a uint64_t gpa, so sizeof is 24 although the
 *     record's `length` on disk is 20 (use the length, never sizeof, when
 *     reading a file by hand; buffers from igvm_get_header() hold 24 bytes);
 *   - IgvmVbsVpContextRegister is naturally aligned (register_name at 4,
 *     sizeof 36), whereas on disk the register is packed (name at 1, 32 bytes).
 * The bit-field typedefs (IgvmPageDataFlags, ...) are the generated header's:
 * IgvmPageDataFlags has no name for bit 2 (`shared`), it is part of
 * `reserved`; IgvmMemoryMapEntryFlags names bit 0 `is_shared`.
 *
 * The header is self-contained: it needs only the C standard headers, which it
 * includes the way the generated one does (programs such as dump_igvm rely on
 * <stdlib.h> arriving through it). In C++ the enumerations get their fixed
 * underlying types, so structure layouts are the same in both languages.
 *
 * Everything is little-endian; libigvm runs on little-endian hosts only.
 */
#ifndef IGVM_DEFS_H
#define IGVM_DEFS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* ---- bit-field words and scalar aliases ----------------------------------------- */

/* IGVM_VHS_PAGE_DATA.flags. Bit 2 (shared) lies inside `reserved`. */
typedef struct {
	uint32_t is_2mb_page : 1;
	uint32_t unmeasured : 1;
	uint32_t reserved : 30;
} IgvmPageDataFlags;

/* IGVM_VHS_REQUIRED_MEMORY.flags. */
typedef struct {
	uint32_t vtl2_protectable : 1;
	uint32_t reserved : 31;
} IgvmRequiredMemoryFlags;

/* IGVM_VHS_MEMORY_MAP_ENTRY.flags. */
typedef struct {
	uint16_t is_shared : 1;
	uint16_t reserved : 15;
} IgvmMemoryMapEntryFlags;

/* The u32 a loader writes for an ENVIRONMENT_INFO_PARAMETER. */
typedef struct {
	uint32_t memory_is_shared : 1;
	uint32_t reserved : 31;
} IgvmEnvironmentInfo;

/* Little-endian integers of the format; plain integers on the (little-endian) hosts. */
typedef uint64_t IGVM_U64_LE;
typedef uint32_t IGVM_U32_LE;

/*
 * The 32 bits of a flags bit-field word as one uint32_t lvalue, e.g. for
 * printing. With GCC and Clang the access goes through a may_alias type, so
 * it is well defined under strict aliasing (and -Wstrict-aliasing is quiet).
 */
#if defined(__GNUC__) || defined(__clang__)
typedef uint32_t __attribute__((__may_alias__)) IGVM_U32_ALIASING;
#define IGVM_UINT32_FLAGS_VALUE(x) (*((IGVM_U32_ALIASING *)&(x)))
#else
#define IGVM_UINT32_FLAGS_VALUE(x) (*((uint32_t *)&(x)))
#endif

/* ---- constants -------------------------------------------------------------------- */

#define IGVM_FORMAT_VERSION_1 1
#define IGVM_FORMAT_VERSION_2 2

#define IGVM_PAGE_SIZE_4K 4096

#define IGVM_NATIVE_PLATFORM_VERSION 1
#define IGVM_VSM_ISOLATION_PLATFORM_VERSION 1
#define IGVM_SEV_SNP_PLATFORM_VERSION 1
#define IGVM_TDX_PLATFORM_VERSION 1
#define IGVM_SEV_PLATFORM_VERSION 1
#define IGVM_SEV_ES_PLATFORM_VERSION 1
#define IGVM_CCA_PLATFORM_VERSION 1

/* IGVM_VHS_RELOCATABLE_REGION.flags */
#define IGVM_VHF_RELOCATABLE_REGION_IS_VTL2 1
#define IGVM_VHF_RELOCATABLE_REGION_APPLY_PC 2
#define IGVM_VHF_RELOCATABLE_REGION_APPLY_GDTR 4
#define IGVM_VHF_RELOCATABLE_REGION_APPLY_RIP IGVM_VHF_RELOCATABLE_REGION_APPLY_PC

/* IGVM_VHS_CCA_POLICY attribute bits (required-zeroes / required-ones words). */
#define CCA_POLICY_ATTR_DEBUG 1
#define CCA_POLICY_ATTR_MEC 2

/*
 * Bit 31 of IGVM_VHS_VARIABLE_HEADER.typ: a loader that does not know the
 * header type may skip the header instead of refusing the file. Test it with
 * (typ & IGVM_VHT_OPTIONAL_BIT); the type proper is (typ & ~IGVM_VHT_OPTIONAL_BIT).
 */
#define IGVM_VHT_OPTIONAL_BIT 0x80000000u

/* Device-tree property names the IGVM specification adds (its `dt` module). */
#define IGVM_DT_IGVM_TYPE_PROPERTY "microsoft,igvm-type"
#define IGVM_DT_VTL_PROPERTY "microsoft,vtl"

/* ---- enumerations (stored with the width of their typedef) ----------------------- */

/* Type code of a variable header (IGVM_VHS_VARIABLE_HEADER.typ). */
enum IgvmVariableHeaderType
#ifdef __cplusplus
	: uint32_t
#endif
{
	IGVM_INVALID = 0x0,
	IGVM_VHT_SUPPORTED_PLATFORM = 0x1,
	IGVM_VHT_GUEST_POLICY = 0x101,
	IGVM_VHT_RELOCATABLE_REGION = 0x102,
	IGVM_VHT_PAGE_TABLE_RELOCATION_REGION = 0x103,
	IGVM_VHT_CORIM_DOCUMENT = 0x104,
	IGVM_VHT_CORIM_SIGNATURE = 0x105,
	IGVM_VHT_CCA_POLICY = 0x106,
	IGVM_VHT_PARAMETER_AREA = 0x301,
	IGVM_VHT_PAGE_DATA = 0x302,
	IGVM_VHT_PARAMETER_INSERT = 0x303,
	IGVM_VHT_VP_CONTEXT = 0x304,
	IGVM_VHT_REQUIRED_MEMORY = 0x305,
	IGVM_RESERVED_DO_NOT_USE = 0x306,
	IGVM_VHT_VP_COUNT_PARAMETER = 0x307,
	IGVM_VHT_SRAT = 0x308,
	IGVM_VHT_MADT = 0x309,
	IGVM_VHT_MMIO_RANGES = 0x30A,
	IGVM_VHT_SNP_ID_BLOCK = 0x30B,
	IGVM_VHT_MEMORY_MAP = 0x30C,
	IGVM_VHT_ERROR_RANGE = 0x30D,
	IGVM_VHT_COMMAND_LINE = 0x30E,
	IGVM_VHT_SLIT = 0x30F,
	IGVM_VHT_PPTT = 0x310,
	IGVM_VHT_VBS_MEASUREMENT = 0x311,
	IGVM_VHT_DEVICE_TREE = 0x312,
	IGVM_VHT_ENVIRONMENT_INFO_PARAMETER = 0x313,
};
#ifndef __cplusplus
typedef uint32_t IgvmVariableHeaderType;
#endif

/* IGVM_VHS_SUPPORTED_PLATFORM.platform_type */
enum IgvmPlatformType
#ifdef __cplusplus
	: uint8_t
#endif
{
	IGVM_PLATFORM_TYPE_NATIVE = 0x00,
	IGVM_PLATFORM_TYPE_VSM_ISOLATION = 0x01,
	IGVM_PLATFORM_TYPE_SEV_SNP = 0x02,
	IGVM_PLATFORM_TYPE_TDX = 0x03,
	IGVM_PLATFORM_TYPE_SEV = 0x04,
	IGVM_PLATFORM_TYPE_SEV_ES = 0x05,
	IGVM_PLATFORM_TYPE_CCA = 0x06,
};
#ifndef __cplusplus
typedef uint8_t IgvmPlatformType;
#endif

/* IGVM_VHS_PAGE_DATA.data_type */
enum IgvmPageDataType
#ifdef __cplusplus
	: uint16_t
#endif
{
	IGVM_PAGE_DATA_TYPE_NORMAL = 0x0,
	IGVM_PAGE_DATA_TYPE_SECRETS = 0x1,
	IGVM_PAGE_DATA_TYPE_CPUID_DATA = 0x2,
	IGVM_PAGE_DATA_TYPE_CPUID_XF = 0x3,
};
#ifndef __cplusplus
typedef uint16_t IgvmPageDataType;
#endif

/* IGVM_VHS_MEMORY_MAP_ENTRY.entry_type */
enum IgvmMemoryMapEntryType
#ifdef __cplusplus
	: uint16_t
#endif
{
	IGVM_MEMORY_MAP_ENTRY_TYPE_MEMORY = 0x0,
	IGVM_MEMORY_MAP_ENTRY_TYPE_PLATFORM_RESERVED = 0x1,
	IGVM_MEMORY_MAP_ENTRY_TYPE_PERSISTENT = 0x2,
	IGVM_MEMORY_MAP_ENTRY_TYPE_VTL2_PROTECTABLE = 0x3,
	IGVM_MEMORY_MAP_ENTRY_TYPE_SPECIFIC_PURPOSE = 0x4,
	IGVM_MEMORY_MAP_ENTRY_TYPE_HIDDEN = 0x5,
};
#ifndef __cplusplus
typedef uint16_t IgvmMemoryMapEntryType;
#endif

/*
 * IGVM_VHS_CCA_POLICY.hash_algorithm and .lfa_policy, one byte each. The
 * enumerator names are unprefixed, as in the generated header; a program that
 * also includes <openssl/sha.h> (which declares functions SHA256, SHA384 and
 * SHA512) cannot include this header in the same translation unit, with the
 * reference header as with this one.
 */
enum CcaHashAlgorithm
#ifdef __cplusplus
	: uint8_t
#endif
{
	SHA256 = 0,
	SHA512 = 1,
	SHA384 = 2,
};
#ifndef __cplusplus
typedef uint8_t CcaHashAlgorithm;
#endif

enum CcaLfaPolicy
#ifdef __cplusplus
	: uint8_t
#endif
{
	LFA_DISALLOW = 0,
	LFA_ALLOW = 1,
};
#ifndef __cplusplus
typedef uint8_t CcaLfaPolicy;
#endif

/* ---- fixed header and TLV framing ------------------------------------------------ */

typedef struct IGVM_FIXED_HEADER {
	uint32_t magic;
	uint32_t format_version;
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum;
} IGVM_FIXED_HEADER;

typedef struct IGVM_VHS_VARIABLE_HEADER {
	IgvmVariableHeaderType typ;
	uint32_t length;
} IGVM_VHS_VARIABLE_HEADER;

/* ---- platform and initialization headers ---------------------------------------- */

typedef struct IGVM_VHS_SUPPORTED_PLATFORM {
	uint32_t compatibility_mask;
	uint8_t highest_vtl;
	IgvmPlatformType platform_type;
	uint16_t platform_version;
	uint64_t shared_gpa_boundary;
} IGVM_VHS_SUPPORTED_PLATFORM;

typedef struct IGVM_VHS_GUEST_POLICY {
	uint64_t policy;
	uint32_t compatibility_mask;
	uint32_t reserved;
} IGVM_VHS_GUEST_POLICY;

/* The policy words are plain uint64_t in IGVM_VHS_GUEST_POLICY; these names are opaque. */
typedef struct IgvmSnpPolicy IgvmSnpPolicy;
typedef struct IgvmTdxPolicy IgvmTdxPolicy;

typedef struct IGVM_VHS_CCA_POLICY {
	uint32_t compatibility_mask;
	uint32_t reserved;
	uint64_t attributes_required_zeroes;
	uint64_t attributes_required_ones;
	CcaHashAlgorithm hash_algorithm;
	CcaLfaPolicy lfa_policy;
	uint8_t reserved2[6];
} IGVM_VHS_CCA_POLICY;

typedef struct IGVM_VHS_RELOCATABLE_REGION {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t flags;
	uint64_t relocation_alignment;
	uint64_t relocation_region_gpa;
	uint64_t relocation_region_size;
	uint64_t minimum_relocation_gpa;
	uint64_t maximum_relocation_gpa;
} IGVM_VHS_RELOCATABLE_REGION;

typedef struct IGVM_VHS_PAGE_TABLE_RELOCATION {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t reserved;
	uint64_t gpa;
	uint64_t size;
	uint64_t used_size;
} IGVM_VHS_PAGE_TABLE_RELOCATION;

/* ---- directive headers ----------------------------------------------------------- */

typedef struct IGVM_VHS_PARAMETER_AREA {
	uint64_t number_of_bytes;
	uint32_t parameter_area_index;
	uint32_t file_offset;
} IGVM_VHS_PARAMETER_AREA;

typedef struct IGVM_VHS_PAGE_DATA {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	IgvmPageDataFlags flags;
	IgvmPageDataType data_type;
	uint16_t reserved;
} IGVM_VHS_PAGE_DATA;

typedef struct IGVM_VHS_PARAMETER_INSERT {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t parameter_area_index;
} IGVM_VHS_PARAMETER_INSERT;

/* Body of every parameter directive (VP_COUNT, SRAT, MADT, MEMORY_MAP, ...). */
typedef struct IGVM_VHS_PARAMETER {
	uint32_t parameter_area_index;
	uint32_t byte_offset;
} IGVM_VHS_PARAMETER;

/* sizeof is 24 here, the on-disk body is 20 bytes: see the note at the top. */
typedef struct IGVM_VHS_VP_CONTEXT {
	IGVM_U64_LE gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint16_t vp_index;
	uint16_t reserved;
} IGVM_VHS_VP_CONTEXT;

/* VBS VP context file data: this header, then register_count registers. */
typedef struct IgvmVbsVpContextHeader {
	uint32_t register_count;
} IgvmVbsVpContextHeader;

/* Naturally aligned (36 bytes); the file stores 32-byte packed registers. */
typedef struct IgvmVbsVpContextRegister {
	uint8_t vtl;
	IGVM_U32_LE register_name;
	uint8_t mbz[11];
	uint8_t register_value[16];
} IgvmVbsVpContextRegister;

typedef struct IGVM_VHS_REQUIRED_MEMORY {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t number_of_bytes;
	IgvmRequiredMemoryFlags flags;
	uint32_t reserved;
} IGVM_VHS_REQUIRED_MEMORY;

typedef struct IGVM_VHS_MEMORY_RANGE {
	uint64_t starting_gpa_page_number;
	uint64_t number_of_pages;
} IGVM_VHS_MEMORY_RANGE;

/* What a loader writes for an MMIO_RANGES parameter. */
typedef struct IGVM_VHS_MMIO_RANGES {
	IGVM_VHS_MEMORY_RANGE mmio_ranges[2];
} IGVM_VHS_MMIO_RANGES;

typedef struct IGVM_VHS_SNP_ID_BLOCK_SIGNATURE {
	uint8_t r_comp[72];
	uint8_t s_comp[72];
} IGVM_VHS_SNP_ID_BLOCK_SIGNATURE;

typedef struct IGVM_VHS_SNP_ID_BLOCK_PUBLIC_KEY {
	uint32_t curve;
	uint32_t reserved;
	uint8_t qx[72];
	uint8_t qy[72];
} IGVM_VHS_SNP_ID_BLOCK_PUBLIC_KEY;

typedef struct IGVM_VHS_SNP_ID_BLOCK {
	uint32_t compatibility_mask;
	uint8_t author_key_enabled;
	uint8_t reserved[3];
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint32_t id_key_algorithm;
	uint32_t author_key_algorithm;
	IGVM_VHS_SNP_ID_BLOCK_SIGNATURE id_key_signature;
	IGVM_VHS_SNP_ID_BLOCK_PUBLIC_KEY id_public_key;
	IGVM_VHS_SNP_ID_BLOCK_SIGNATURE author_key_signature;
	IGVM_VHS_SNP_ID_BLOCK_PUBLIC_KEY author_public_key;
} IGVM_VHS_SNP_ID_BLOCK;

typedef struct IGVM_VHS_VBS_MEASUREMENT {
	uint32_t compatibility_mask;
	uint32_t version;
	uint32_t product_id;
	uint32_t module_id;
	uint32_t security_version;
	uint32_t policy_flags;
	uint32_t boot_digest_algo;
	uint32_t signing_algo;
	uint8_t boot_measurement_digest[64];
	uint8_t signature[256];
	uint8_t public_key[512];
} IGVM_VHS_VBS_MEASUREMENT;

/* One entry of the array a loader writes for a MEMORY_MAP parameter. */
typedef struct IGVM_VHS_MEMORY_MAP_ENTRY {
	uint64_t starting_gpa_page_number;
	uint64_t number_of_pages;
	IgvmMemoryMapEntryType entry_type;
	IgvmMemoryMapEntryFlags flags;
	uint32_t reserved;
} IGVM_VHS_MEMORY_MAP_ENTRY;

typedef struct IGVM_VHS_ERROR_RANGE {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t size_bytes;
} IGVM_VHS_ERROR_RANGE;

#endif /* IGVM_DEFS_H */
