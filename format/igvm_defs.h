/* SPDX-License-Identifier: MIT */
/*
 * igvm_defs.h — on-disk layout of the IGVM file format.
 *
 * Every structure here is exactly what sits in the file, little-endian. Sizes
 * and offsets are pinned with _Static_assert so a compiler or an edit can never
 * silently change a layout. Code never casts a pointer into file bytes to one of
 * these types: it copies the bytes (see format/igvm.h), so alignment of the
 * input buffer does not matter.
 *
 * Source of the facts: the IGVM specification as documented by microsoft/igvm
 * (igvm_defs), restated in ../shared/spec/igvm-format.md §1–§6.
 *
 * Names are lower-case on purpose: the upper-case IGVM_VHS_* names belong to
 * the public C API header (libigvm), which is a separate contract.
 */
#ifndef IGVM_FORMAT_DEFS_H
#define IGVM_FORMAT_DEFS_H

#include <stddef.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "igvmbuild decodes IGVM structures by copying bytes; it needs a little-endian host"
#endif

#define IGVM_MAGIC            0x4D564749u /* "IGVM" */
#define IGVM_PAGE_SIZE        4096u
#define IGVM_PAGE_SIZE_2MB    (2u * 1024u * 1024u)
#define IGVM_RECORD_ALIGN     8u
#define IGVM_OPTIONAL_BIT     0x80000000u

/* ---- fixed header (§1) ---------------------------------------------------- */

struct igvm_fixed_header {
	uint32_t magic;
	uint32_t format_version;
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum;
};
_Static_assert(sizeof(struct igvm_fixed_header) == 24, "v1 fixed header is 24 bytes");
_Static_assert(offsetof(struct igvm_fixed_header, checksum) == 0x14, "checksum at 0x14");

struct igvm_fixed_header_v2 {
	struct igvm_fixed_header v1;
	uint32_t architecture;
	uint32_t page_size;
};
_Static_assert(sizeof(struct igvm_fixed_header_v2) == 32, "v2 fixed header is 32 bytes");
_Static_assert(offsetof(struct igvm_fixed_header_v2, architecture) == 0x18, "architecture at 0x18");
_Static_assert(offsetof(struct igvm_fixed_header_v2, page_size) == 0x1C, "page_size at 0x1C");

enum igvm_arch {
	IGVM_ARCH_X64 = 0,
	IGVM_ARCH_AARCH64 = 1,
};

/* ---- TLV framing and type codes (§2) --------------------------------------- */

struct igvm_var_header {
	uint32_t type;
	uint32_t length;
};
_Static_assert(sizeof(struct igvm_var_header) == 8, "TLV header is 8 bytes");

enum igvm_vht {
	IGVM_VHT_INVALID = 0x000,
	IGVM_VHT_SUPPORTED_PLATFORM = 0x001,
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
	IGVM_VHT_RESERVED_DO_NOT_USE = 0x306,
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

/* Section ranges, inclusive (§2.2). */
#define IGVM_VHT_RANGE_PLATFORM_START 0x001u
#define IGVM_VHT_RANGE_PLATFORM_END   0x100u
#define IGVM_VHT_RANGE_INIT_START     0x101u
#define IGVM_VHT_RANGE_INIT_END       0x200u
#define IGVM_VHT_RANGE_DIRECTIVE_START 0x301u
#define IGVM_VHT_RANGE_DIRECTIVE_END  0x400u

/* ---- platform section (§3.1) ----------------------------------------------- */

enum igvm_platform_type {
	IGVM_PLATFORM_NATIVE = 0x00,
	IGVM_PLATFORM_VSM_ISOLATION = 0x01,
	IGVM_PLATFORM_SEV_SNP = 0x02,
	IGVM_PLATFORM_TDX = 0x03,
	IGVM_PLATFORM_SEV = 0x04,
	IGVM_PLATFORM_SEV_ES = 0x05,
	IGVM_PLATFORM_CCA = 0x06,
};
#define IGVM_PLATFORM_TYPE_MAX 0x06

struct igvm_vhs_supported_platform {
	uint32_t compatibility_mask;
	uint8_t highest_vtl;
	uint8_t platform_type;
	uint16_t platform_version;
	uint64_t shared_gpa_boundary;
};
_Static_assert(sizeof(struct igvm_vhs_supported_platform) == 16, "SUPPORTED_PLATFORM is 16 bytes");
_Static_assert(offsetof(struct igvm_vhs_supported_platform, highest_vtl) == 4, "");
_Static_assert(offsetof(struct igvm_vhs_supported_platform, platform_type) == 5, "");
_Static_assert(offsetof(struct igvm_vhs_supported_platform, platform_version) == 6, "");
_Static_assert(offsetof(struct igvm_vhs_supported_platform, shared_gpa_boundary) == 8, "");

/* ---- initialization section (§3.2) ---------------------------------------- */

struct igvm_vhs_guest_policy {
	uint64_t policy;
	uint32_t compatibility_mask;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_guest_policy) == 16, "GUEST_POLICY is 16 bytes");
_Static_assert(offsetof(struct igvm_vhs_guest_policy, compatibility_mask) == 8, "");

/* AMD SEV-SNP guest policy bits (SNP firmware ABI, GUEST_POLICY). */
#define SNP_POLICY_ABI_MINOR_MASK     0x00000000000000FFull
#define SNP_POLICY_ABI_MAJOR_MASK     0x000000000000FF00ull
#define SNP_POLICY_SMT                (1ull << 16)
#define SNP_POLICY_RESERVED_MBO       (1ull << 17)
#define SNP_POLICY_MIGRATE_MA         (1ull << 18)
#define SNP_POLICY_DEBUG              (1ull << 19)
#define SNP_POLICY_SINGLE_SOCKET      (1ull << 20)

#define TDX_POLICY_DEBUG_ALLOWED      (1ull << 0)
#define TDX_POLICY_SEPT_VE_DISABLE    (1ull << 1)
#define TDX_POLICY_MIGRATABLE         (1ull << 2)

struct igvm_vhs_relocatable_region {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t flags;
	uint64_t relocation_alignment;
	uint64_t relocation_region_gpa;
	uint64_t relocation_region_size;
	uint64_t minimum_relocation_gpa;
	uint64_t maximum_relocation_gpa;
};
_Static_assert(sizeof(struct igvm_vhs_relocatable_region) == 48, "RELOCATABLE_REGION is 48 bytes");
_Static_assert(offsetof(struct igvm_vhs_relocatable_region, flags) == 7, "");
_Static_assert(offsetof(struct igvm_vhs_relocatable_region, relocation_alignment) == 8, "");
_Static_assert(offsetof(struct igvm_vhs_relocatable_region, maximum_relocation_gpa) == 0x28, "");

#define IGVM_RELOC_FLAG_IS_VTL2    0x1u
#define IGVM_RELOC_FLAG_APPLY_RIP  0x2u
#define IGVM_RELOC_FLAG_APPLY_GDTR 0x4u

struct igvm_vhs_page_table_relocation {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t reserved;
	uint64_t gpa;
	uint64_t size;
	uint64_t used_size;
};
_Static_assert(sizeof(struct igvm_vhs_page_table_relocation) == 32, "PAGE_TABLE_RELOCATION is 32 bytes");
_Static_assert(offsetof(struct igvm_vhs_page_table_relocation, gpa) == 8, "");
_Static_assert(offsetof(struct igvm_vhs_page_table_relocation, used_size) == 0x18, "");

struct igvm_vhs_corim_data {
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint32_t size_bytes;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_corim_data) == 16, "CORIM_DATA is 16 bytes");

struct igvm_vhs_cca_policy {
	uint32_t compatibility_mask;
	uint32_t reserved;
	uint64_t attributes_required_zeroes;
	uint64_t attributes_required_ones;
	uint8_t hash_algorithm;
	uint8_t lfa_policy;
	uint8_t reserved2[6];
};
_Static_assert(sizeof(struct igvm_vhs_cca_policy) == 32, "CCA_POLICY is 32 bytes");
_Static_assert(offsetof(struct igvm_vhs_cca_policy, hash_algorithm) == 0x18, "");
_Static_assert(offsetof(struct igvm_vhs_cca_policy, reserved2) == 0x1A, "");

#define IGVM_CCA_ATTR_DEBUG 0x1ull
#define IGVM_CCA_ATTR_MEC   0x2ull

/* ---- directive section (§3.3) --------------------------------------------- */

enum igvm_page_data_type {
	IGVM_PAGE_DATA_NORMAL = 0,
	IGVM_PAGE_DATA_SECRETS = 1,
	IGVM_PAGE_DATA_CPUID_DATA = 2,
	IGVM_PAGE_DATA_CPUID_XF = 3,
};
#define IGVM_PAGE_DATA_TYPE_MAX 3

#define IGVM_PAGE_FLAG_2MB        0x1u
#define IGVM_PAGE_FLAG_UNMEASURED 0x2u
#define IGVM_PAGE_FLAG_SHARED     0x4u
#define IGVM_PAGE_FLAG_KNOWN      0x7u

struct igvm_vhs_page_data {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint32_t flags;
	uint16_t data_type;
	uint16_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_page_data) == 24, "PAGE_DATA is 24 bytes");
_Static_assert(offsetof(struct igvm_vhs_page_data, file_offset) == 0x0C, "");
_Static_assert(offsetof(struct igvm_vhs_page_data, flags) == 0x10, "");
_Static_assert(offsetof(struct igvm_vhs_page_data, data_type) == 0x14, "");
_Static_assert(offsetof(struct igvm_vhs_page_data, reserved) == 0x16, "");

struct igvm_vhs_parameter_area {
	uint64_t number_of_bytes;
	uint32_t parameter_area_index;
	uint32_t file_offset;
};
_Static_assert(sizeof(struct igvm_vhs_parameter_area) == 16, "PARAMETER_AREA is 16 bytes");

struct igvm_vhs_parameter {
	uint32_t parameter_area_index;
	uint32_t byte_offset;
};
_Static_assert(sizeof(struct igvm_vhs_parameter) == 8, "PARAMETER is 8 bytes");

struct igvm_vhs_parameter_insert {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t parameter_area_index;
};
_Static_assert(sizeof(struct igvm_vhs_parameter_insert) == 16, "PARAMETER_INSERT is 16 bytes");

/*
 * VP_CONTEXT is 20 bytes: the reference stores gpa as an unaligned u64, so the
 * structure has 4-byte alignment. The on-disk record is padded to 24 by the
 * TLV framing; `length` is always 20, never sizeof of an 8-aligned struct.
 */
struct __attribute__((packed, aligned(4))) igvm_vhs_vp_context {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset;
	uint16_t vp_index;
	uint16_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_vp_context) == 20, "VP_CONTEXT is 20 bytes");
_Static_assert(offsetof(struct igvm_vhs_vp_context, compatibility_mask) == 8, "");
_Static_assert(offsetof(struct igvm_vhs_vp_context, file_offset) == 0x0C, "");
_Static_assert(offsetof(struct igvm_vhs_vp_context, vp_index) == 0x10, "");

#define IGVM_REQUIRED_MEMORY_VTL2_PROTECTABLE 0x1u

struct igvm_vhs_required_memory {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t number_of_bytes;
	uint32_t flags;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_required_memory) == 24, "REQUIRED_MEMORY is 24 bytes");
_Static_assert(offsetof(struct igvm_vhs_required_memory, flags) == 0x10, "");

struct igvm_vhs_error_range {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t size_bytes;
};
_Static_assert(sizeof(struct igvm_vhs_error_range) == 16, "ERROR_RANGE is 16 bytes");

struct igvm_snp_signature {
	uint8_t r_comp[72];
	uint8_t s_comp[72];
};
_Static_assert(sizeof(struct igvm_snp_signature) == 144, "SNP signature is 144 bytes");

struct igvm_snp_public_key {
	uint32_t curve;
	uint32_t reserved;
	uint8_t qx[72];
	uint8_t qy[72];
};
_Static_assert(sizeof(struct igvm_snp_public_key) == 152, "SNP public key is 152 bytes");

#define IGVM_SNP_ID_KEY_ALGORITHM_ECDSA_P384_SHA384 1u
#define IGVM_SNP_CURVE_P384 2u

struct igvm_vhs_snp_id_block {
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
	struct igvm_snp_signature id_key_signature;
	struct igvm_snp_public_key id_public_key;
	struct igvm_snp_signature author_key_signature;
	struct igvm_snp_public_key author_public_key;
};
_Static_assert(sizeof(struct igvm_vhs_snp_id_block) == 696, "SNP_ID_BLOCK is 696 bytes");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, ld) == 0x008, "");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, family_id) == 0x038, "");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, image_id) == 0x048, "");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, version) == 0x058, "");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, guest_svn) == 0x05C, "");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, id_key_algorithm) == 0x060, "");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, id_key_signature) == 0x068, "");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, id_public_key) == 0x0F8, "");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, author_key_signature) == 0x190, "");
_Static_assert(offsetof(struct igvm_vhs_snp_id_block, author_public_key) == 0x220, "");

struct igvm_vhs_vbs_measurement {
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
};
_Static_assert(sizeof(struct igvm_vhs_vbs_measurement) == 864, "VBS_MEASUREMENT is 864 bytes");
_Static_assert(offsetof(struct igvm_vhs_vbs_measurement, boot_measurement_digest) == 0x20, "");
_Static_assert(offsetof(struct igvm_vhs_vbs_measurement, signature) == 0x60, "");
_Static_assert(offsetof(struct igvm_vhs_vbs_measurement, public_key) == 0x160, "");

enum igvm_memory_map_entry_type {
	IGVM_MEMORY_MAP_MEMORY = 0,
	IGVM_MEMORY_MAP_PLATFORM_RESERVED = 1,
	IGVM_MEMORY_MAP_PERSISTENT = 2,
	IGVM_MEMORY_MAP_VTL2_PROTECTABLE = 3,
	IGVM_MEMORY_MAP_SPECIFIC_PURPOSE = 4,
	IGVM_MEMORY_MAP_HIDDEN = 5,
};

struct igvm_vhs_memory_map_entry {
	uint64_t starting_gpa_page_number;
	uint64_t number_of_pages;
	uint16_t entry_type;
	uint16_t flags;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_vhs_memory_map_entry) == 24, "MEMORY_MAP_ENTRY is 24 bytes");
_Static_assert(offsetof(struct igvm_vhs_memory_map_entry, entry_type) == 0x10, "");

struct igvm_vhs_mmio_ranges {
	struct {
		uint64_t starting_gpa_page_number;
		uint64_t number_of_pages;
	} ranges[2];
};
_Static_assert(sizeof(struct igvm_vhs_mmio_ranges) == 32, "MMIO_RANGES is 32 bytes");

#define IGVM_ENV_INFO_MEMORY_IS_SHARED 0x1u

/* ---- VP context payloads (§3.3, §6) -------------------------------------- */

/* Native x64 context: 232 bytes, the rest of the 4 KiB page must be zero. */
struct igvm_native_vp_context_x64 {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
	uint64_t rflags;
	uint64_t idtr_base;
	uint16_t idtr_limit;
	uint16_t reserved[2];
	uint16_t gdtr_limit;
	uint64_t gdtr_base;
	uint16_t code_selector;
	uint16_t code_attributes;
	uint32_t code_base;
	uint32_t code_limit;
	uint16_t data_selector;
	uint16_t data_attributes;
	uint32_t data_base;
	uint32_t data_limit;
	uint64_t gs_base;
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
};
_Static_assert(sizeof(struct igvm_native_vp_context_x64) == 0xE8, "native context is 232 bytes");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, rip) == 0x80, "");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, idtr_limit) == 0x98, "");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, gdtr_limit) == 0x9E, "");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, gdtr_base) == 0xA0, "");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, code_selector) == 0xA8, "");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, code_base) == 0xAC, "");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, data_selector) == 0xB4, "");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, data_base) == 0xB8, "");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, gs_base) == 0xC0, "");
_Static_assert(offsetof(struct igvm_native_vp_context_x64, efer) == 0xE0, "");

/* CCA (AArch64 realm) context: 80 bytes, rest of the page zero. */
struct igvm_cca_vp_context {
	uint64_t x[8];
	uint64_t pc;
	uint64_t flags;
};
_Static_assert(sizeof(struct igvm_cca_vp_context) == 80, "CCA context is 80 bytes");

/*
 * TDX VP contexts. The IGVM format has no VP_CONTEXT for TDX (a TD starts in
 * the TDX module's architectural state at the reset vector 0xFFFFFFF0, in the
 * reset page at GPA 0xFFFFF000); builders that start a TD elsewhere put the
 * state in that page for their reset code to load. These are the layouts in
 * use, all little-endian at byte 0 of the reset page (igvm_describe.h says how
 * each is recognized).
 */
#define IGVM_TDX_RESET_PAGE_GPA 0xFFFFF000ull
#define IGVM_TDX_RESET_VECTOR_OFFSET 0xFF0u /* 0xFFFFFFF0 in the reset page */

/* OpenVMM (igvmfilegen, loader_defs::shim::TdxTrampolineContext), with the AP mailbox: 168 bytes. */
struct igvm_tdx_openvmm_context {
	uint16_t mailbox_command;
	uint16_t mailbox_reserved;
	uint32_t mailbox_apic_id;
	uint64_t mailbox_wakeup_vector;
	uint32_t padding_1;
	uint16_t data_selector;
	uint16_t static_gdt_limit;
	uint32_t static_gdt_base;
	uint16_t task_selector;
	uint16_t idtr_limit;
	uint64_t idtr_base;
	uint64_t initial_rip;
	uint16_t code_selector;
	uint16_t padding_2[2];
	uint16_t gdtr_limit;
	uint64_t gdtr_base;
	uint64_t rsp, rbp, rsi, r8, r9, r10, r11;
	uint64_t cr0, cr3, cr4;
	uint32_t transition_cr3;
	uint32_t padding_3;
	uint8_t static_gdt[16];
};
_Static_assert(sizeof(struct igvm_tdx_openvmm_context) == 0xA8, "OpenVMM TDX context is 168 bytes");
_Static_assert(offsetof(struct igvm_tdx_openvmm_context, data_selector) == 0x14, "");
_Static_assert(offsetof(struct igvm_tdx_openvmm_context, initial_rip) == 0x28, "");
_Static_assert(offsetof(struct igvm_tdx_openvmm_context, gdtr_limit) == 0x36, "");
_Static_assert(offsetof(struct igvm_tdx_openvmm_context, rsp) == 0x40, "");
_Static_assert(offsetof(struct igvm_tdx_openvmm_context, cr0) == 0x78, "");
_Static_assert(offsetof(struct igvm_tdx_openvmm_context, transition_cr3) == 0x90, "");
_Static_assert(offsetof(struct igvm_tdx_openvmm_context, static_gdt) == 0x98, "");

/* The same before the mailbox fields, with a start gate word instead: 152 bytes. */
struct igvm_tdx_openvmm_v1_context {
	uint32_t start_gate;
	uint16_t data_selector;
	uint16_t static_gdt_limit;
	uint32_t static_gdt_base;
	uint16_t task_selector;
	uint16_t idtr_limit;
	uint64_t idtr_base;
	uint64_t initial_rip;
	uint16_t code_selector;
	uint16_t padding_2[2];
	uint16_t gdtr_limit;
	uint64_t gdtr_base;
	uint64_t rsp, rbp, rsi, r8, r9, r10, r11;
	uint64_t cr0, cr3, cr4;
	uint32_t transition_cr3;
	uint32_t padding_3;
	uint8_t static_gdt[16];
};
_Static_assert(sizeof(struct igvm_tdx_openvmm_v1_context) == 0x98, "earlier OpenVMM TDX context is 152 bytes");
_Static_assert(offsetof(struct igvm_tdx_openvmm_v1_context, initial_rip) == 0x18, "");
_Static_assert(offsetof(struct igvm_tdx_openvmm_v1_context, static_gdt) == 0x88, "");

/* COCONUT-SVSM (igvmbuilder --tdp, tdx-stage1): TdpStartContext, 16 bytes; ap_entry = rip + 2. */
struct igvm_tdx_coconut_context {
	uint32_t vp_index;
	uint32_t rip;
	uint32_t rsp;
	uint32_t ap_entry;
};
_Static_assert(sizeof(struct igvm_tdx_coconut_context) == 16, "COCONUT TdpStartContext is 16 bytes");

/* VBS context: a u32 count, then that many packed 32-byte registers. */
struct __attribute__((packed)) igvm_vbs_vp_register {
	uint8_t vtl;
	uint32_t register_name;
	uint8_t mbz[11];
	uint8_t register_value[16];
};
_Static_assert(sizeof(struct igvm_vbs_vp_register) == 32, "VBS register is 32 bytes");
_Static_assert(offsetof(struct igvm_vbs_vp_register, register_name) == 1, "");
_Static_assert(offsetof(struct igvm_vbs_vp_register, register_value) == 0x10, "");

/* SEV-ES / SEV-SNP VMSA segment register record. */
struct igvm_sev_selector {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};
_Static_assert(sizeof(struct igvm_sev_selector) == 16, "VMSA selector is 16 bytes");

/* The SEV-ES/SNP VMSA (AMD APM vol. 2, VMSA layout), padded to one page. */
struct igvm_sev_vmsa {
	struct igvm_sev_selector es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	uint64_t pl0_ssp, pl1_ssp, pl2_ssp, pl3_ssp;
	uint64_t u_cet;
	uint8_t reserved_0c8[2];
	uint8_t vmpl;
	uint8_t cpl;
	uint8_t reserved_0cc[4];
	uint64_t efer;
	uint8_t reserved_0d8[104];
	uint64_t xss;
	uint64_t cr4;
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;
	uint64_t rip;
	uint64_t dr0, dr1, dr2, dr3;
	uint64_t dr0_addr_mask, dr1_addr_mask, dr2_addr_mask, dr3_addr_mask;
	uint8_t reserved_1c0[24];
	uint64_t rsp;
	uint64_t s_cet;
	uint64_t ssp;
	uint64_t interrupt_ssp_table_addr;
	uint64_t rax;
	uint64_t star;
	uint64_t lstar;
	uint64_t cstar;
	uint64_t sfmask;
	uint64_t kernel_gs_base;
	uint64_t sysenter_cs;
	uint64_t sysenter_esp;
	uint64_t sysenter_eip;
	uint64_t cr2;
	uint8_t reserved_248[32];
	uint64_t pat;
	uint64_t dbgctl;
	uint64_t last_branch_from_ip;
	uint64_t last_branch_to_ip;
	uint64_t last_excp_from_ip;
	uint64_t last_excp_to_ip;
	uint8_t reserved_298[72];
	uint64_t spec_ctrl;
	uint8_t reserved_2e8[32];
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rbx;
	uint64_t reserved_320;
	uint64_t rbp;
	uint64_t rsi;
	uint64_t rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint8_t reserved_380[16];
	uint64_t exit_info1;
	uint64_t exit_info2;
	uint64_t exit_int_info;
	uint64_t next_rip;
	uint64_t sev_features;
	uint64_t v_intr_cntrl;
	uint64_t guest_error_code;
	uint64_t virtual_tom;
	uint64_t tlb_id;
	uint64_t pcpu_id;
	uint64_t event_inject;
	uint64_t xcr0;
	uint8_t xsave_valid_bitmap[16];
	uint64_t x87dp;
	uint32_t mxcsr;
	uint16_t x87_ftw;
	uint16_t x87_fsw;
	uint16_t x87_fcw;
	uint16_t x87_op;
	uint16_t x87_ds;
	uint16_t x87_cs;
	uint64_t x87_rip;
	uint8_t fpreg_x87[80];
	uint8_t fpreg_xmm[256];
	uint8_t fpreg_ymm[256];
	uint8_t padding[2448];
};
_Static_assert(sizeof(struct igvm_sev_vmsa) == 4096, "VMSA page is 4096 bytes");
_Static_assert(offsetof(struct igvm_sev_vmsa, cs) == 0x010, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, gdtr) == 0x060, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, idtr) == 0x080, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, tr) == 0x090, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, vmpl) == 0x0CA, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, efer) == 0x0D0, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, xss) == 0x140, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, cr4) == 0x148, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, cr3) == 0x150, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, cr0) == 0x158, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, rflags) == 0x170, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, rip) == 0x178, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, rsp) == 0x1D8, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, rax) == 0x1F8, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, cr2) == 0x240, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, pat) == 0x268, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, spec_ctrl) == 0x2E0, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, rcx) == 0x308, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, rbp) == 0x328, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, r8) == 0x340, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, r15) == 0x378, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, exit_info1) == 0x390, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, sev_features) == 0x3B0, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, virtual_tom) == 0x3C8, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, event_inject) == 0x3E0, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, xcr0) == 0x3E8, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, x87dp) == 0x400, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, mxcsr) == 0x408, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, x87_fcw) == 0x410, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, x87_rip) == 0x418, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, fpreg_x87) == 0x420, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, fpreg_xmm) == 0x470, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, fpreg_ymm) == 0x570, "");
_Static_assert(offsetof(struct igvm_sev_vmsa, padding) == 0x670, "");

/* sev_features bits (AMD APM vol. 2, SEV_FEATURES). */
#define SEV_FEAT_SNP                  (1ull << 0)
#define SEV_FEAT_VTOM                 (1ull << 1)
#define SEV_FEAT_REFLECT_VC           (1ull << 2)
#define SEV_FEAT_RESTRICTED_INJECTION (1ull << 3)
#define SEV_FEAT_ALTERNATE_INJECTION  (1ull << 4)
#define SEV_FEAT_DEBUG_SWAP           (1ull << 5)
#define SEV_FEAT_PREVENT_HOST_IBS     (1ull << 6)
#define SEV_FEAT_BTB_ISOLATION        (1ull << 7)
#define SEV_FEAT_VMPL_SSS             (1ull << 8)
#define SEV_FEAT_SECURE_TSC           (1ull << 9)
#define SEV_FEAT_VMSA_REG_PROT        (1ull << 14)
#define SEV_FEAT_SMT_PROTECTION       (1ull << 15)

#endif /* IGVM_FORMAT_DEFS_H */
