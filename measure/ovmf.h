/* SPDX-License-Identifier: MIT */
/*
 * ovmf.h — the OVMF footer GUID table and the SEV metadata it points at.
 *
 * OVMF (and COCONUT-SVSM's image, which copies the convention) ends with a
 * table of GUID-tagged entries that tells a VMM where the firmware wants its
 * SEV pages. Layout, from the end of the image:
 *
 *   [entry N data][u16 size][GUID] ... [entry 1 data][u16 size][GUID]
 *   [u16 table size][footer GUID 96b582de-…]   <- ends 32 bytes before EOF
 *   [32 bytes: reset vector and padding]
 *
 * Each entry's size counts its data plus the 18-byte {size, GUID} trailer, and
 * the footer's size counts the whole table including its own 18 bytes. The
 * entries are found by walking backwards from the footer. GUIDs are stored in
 * EFI byte order (the first three fields little-endian).
 *
 * The SEV metadata entry holds the distance from the end of the file to a
 * header {"ASEV", u32 size, u32 version = 1, u32 count} followed by count
 * descriptors {u32 gpa, u32 size, u32 type}.
 *
 * Contract of ovmf_parse(): every byte of the image is hostile. It returns 0
 * and a filled struct ovmf_image only when ALL of these hold:
 *   - the image is at least 50 bytes and fits below end_gpa;
 *   - if the footer GUID is present: its size is at least 18 and the table lies
 *     inside the file; every entry is at least 18 bytes and lies inside the
 *     table; the entries tile the table exactly (no leftover bytes);
 *   - no GUID this module or tdvf.h interprets (the SEV entries, the SVSM
 *     info, the TDX metadata offset) appears twice (QEMU's lookup keeps the
 *     entry nearest the end of the file and sev-snp-measure the one nearest
 *     the start, so a repeated entry has no single meaning);
 *   - the entries it interprets carry enough data: 4 bytes for the SEV-ES reset
 *     block, the SEV metadata offset and the SVSM info, 8 for the hash table;
 *   - the metadata header lies inside the file, says "ASEV" and version 1, its
 *     size is at least 16 and ends inside the file, and count descriptors fit
 *     in that size;
 *   - every section has a known type, a page-aligned gpa and a non-zero size
 *     that is a multiple of 4 KiB, and no two sections overlap.
 * A missing footer GUID is not an error: the image simply has no table (as in
 * sev-snp-measure). Entries with other GUIDs are kept in entries[] but not
 * interpreted. The rules go beyond sev-snp-measure's parser, which accepts
 * overlapping, unknown, unaligned and zero-sized sections, short entries and
 * tables that run off the file (silently clamped by Python slicing); those
 * firmware images lie about their layout and are refused here.
 *
 * On failure ovmf_parse() fills struct ovmf_error with the byte offset, a
 * short rule name and a detail sentence, so a caller can print one line. The
 * image buffer must outlive the struct ovmf_image, which points into it.
 */
#ifndef IB_MEASURE_OVMF_H
#define IB_MEASURE_OVMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OVMF_GUID_LEN 16
/* The footer entry (18 bytes) ends this many bytes before the end of the file. */
#define OVMF_FOOTER_TAIL 32
#define OVMF_ENTRY_HDR_LEN 18
#define OVMF_FOOTER_AREA (OVMF_FOOTER_TAIL + OVMF_ENTRY_HDR_LEN)
#define OVMF_METADATA_HDR_LEN 16
#define OVMF_METADATA_DESC_LEN 12
#define OVMF_PAGE_SIZE 4096u
#define OVMF_FOUR_GIB 0x100000000ull

/* GUIDs in EFI byte order, as they appear in the image. */
extern const uint8_t ovmf_guid_footer[OVMF_GUID_LEN];        /* 96b582de-1fb2-45f7-baea-a366c55a082d */
extern const uint8_t ovmf_guid_sev_es_reset[OVMF_GUID_LEN];  /* 00f771de-1a7e-4fcb-890e-68c77e2fb44e */
extern const uint8_t ovmf_guid_sev_hash_table[OVMF_GUID_LEN];/* 7255371f-3a3b-4b04-927b-1da6efa8d454 */
extern const uint8_t ovmf_guid_sev_metadata[OVMF_GUID_LEN];  /* dc886566-984a-4798-a75e-5585a7bf67cc */
extern const uint8_t ovmf_guid_svsm_info[OVMF_GUID_LEN];     /* a789a612-0597-4c4b-a49f-cbb1fe9d1ddd */
extern const uint8_t ovmf_guid_tdx_metadata[OVMF_GUID_LEN];  /* e47a6535-984a-4798-865e-4685a7bf8ec2 (tdvf.h) */

/* SEV metadata section types (OvmfPkg/ResetVector, OvmfSevMetadata). */
enum ovmf_section_type {
	OVMF_SECTION_SNP_SEC_MEM = 1,
	OVMF_SECTION_SNP_SECRETS = 2,
	OVMF_SECTION_CPUID = 3,
	OVMF_SECTION_SVSM_CAA = 4,
	OVMF_SECTION_SNP_KERNEL_HASHES = 0x10,
};

struct ovmf_entry {
	uint8_t guid[OVMF_GUID_LEN];
	size_t hdr_off;  /* offset of the entry's {u16 size, GUID} trailer */
	size_t data_off; /* offset of its data */
	size_t data_len;
};

struct ovmf_section {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;     /* enum ovmf_section_type */
	size_t desc_off;   /* offset of the descriptor in the image, for messages */
};

struct ovmf_image {
	const uint8_t *data;
	size_t size;
	uint64_t gpa; /* first byte of the image in guest memory: end_gpa - size */

	bool has_table;
	size_t table_off; /* first byte of the table (meaningful with has_table) */
	size_t n_entries; /* in file order, last entry first (the order they are walked) */
	struct ovmf_entry *entries;

	bool has_reset_block;
	uint32_t reset_eip; /* SEV-ES AP reset address */
	size_t reset_block_off;
	bool has_hash_table;
	uint32_t hash_table_gpa;
	uint32_t hash_table_size;
	size_t hash_table_off;
	bool has_svsm_info;
	uint32_t svsm_entry_offset; /* entry point, relative to the image start */
	size_t svsm_info_off;

	bool has_metadata;
	size_t metadata_off; /* offset of the "ASEV" header */
	size_t n_sections;   /* table order */
	struct ovmf_section *sections;
};

struct ovmf_error {
	uint64_t offset;
	const char *rule;  /* short, stable rule name (documented in igvmmeasure(1)) */
	char detail[192];
};

/*
 * Parses an image that ends at end_gpa (4 GiB for OVMF). Returns 0, -EINVAL
 * with *err filled when the image breaks a rule above, or -ENOMEM. On failure
 * *img holds nothing that needs freeing.
 */
int ovmf_parse(const uint8_t *data, size_t size, uint64_t end_gpa, struct ovmf_image *img,
	       struct ovmf_error *err);
/*
 * Only the footer GUID table, with the same rules, and nothing it points at
 * (no placement, no SEV entries): what a TDX firmware needs (tdvf.h), whose
 * SEV metadata is none of its business. -EINVAL, -ENOMEM or 0; a file
 * without the footer GUID gives 0 with has_table false.
 */
int ovmf_parse_table(const uint8_t *data, size_t size, struct ovmf_image *img, struct ovmf_error *err);
/* Frees what ovmf_parse() allocated; usable as a _cleanup_ function. */
void ovmf_image_free(struct ovmf_image *img);

/* The entry with that GUID, or NULL. */
const struct ovmf_entry *ovmf_find_entry(const struct ovmf_image *img, const uint8_t guid[OVMF_GUID_LEN]);
/* The first section of that type in table order, or NULL. */
const struct ovmf_section *ovmf_find_section(const struct ovmf_image *img, uint32_t type);
/* "SNP_SEC_MEM", ... or NULL for an unknown type. */
const char *ovmf_section_type_name(uint32_t type);
/* Lower-case textual GUID (36 characters + NUL) from EFI byte order. */
void ovmf_guid_str(const uint8_t guid[OVMF_GUID_LEN], char out[37]);
/* An offset that locates "the table" in messages about missing entries. */
uint64_t ovmf_table_anchor(const struct ovmf_image *img);
/* Fills *err; returns -EINVAL for tail calls. */
int ovmf_fail(struct ovmf_error *err, uint64_t offset, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
