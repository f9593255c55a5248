/* SPDX-License-Identifier: MIT */
/*
 * tdvf.h — the TDX metadata of a TDVF firmware (edk2's OVMF built with TDX
 * support, td-shim) and the MRTD of a TD that the VMM builds from it directly
 * (no IGVM file).
 *
 * Where the metadata is. The OVMF footer GUID table (ovmf.h) has an entry
 * e47a6535-984a-4798-865e-4685a7bf8ec2 whose 4 data bytes are the distance
 * from the end of the file to the TDVF descriptor (QEMU hw/i386/tdvf.c reads
 * the first four bytes of the entry, dstack-mr the last four: only an entry of
 * exactly four bytes means the same to both). edk2's IntelTdxMetadata.asm lays
 * the descriptor out after a GUID (e9eaf9f3-168e-44d5-a8eb-7f4d8738f6ae, not
 * read: QEMU does not check it either), little-endian:
 *
 *   descriptor  0 "TDVF"  4 u32 length = 16 + 32 * n  8 u32 version = 1
 *              12 u32 n, then n sections of 32 bytes:
 *   section     0 u32 DataOffset   file offset of the section's bytes
 *               4 u32 RawDataSize  bytes of it in the file
 *               8 u64 MemoryAddress  GPA, 4 KiB-aligned
 *              16 u64 MemoryDataSize bytes of guest memory, a 4 KiB multiple
 *              24 u32 Type   0 BFV 1 CFV 2 TD_HOB 3 TEMP_MEM 4 PERM_MEM
 *                            5 PAYLOAD 6 PAYLOAD_PARAM 7 TD_INFO 8 TD_PARAMS
 *              28 u32 Attributes  bit 0 MR_EXTEND, bit 1 PAGE_AUG
 *
 * The old TDVF drafts' fixed pointer 32 bytes before the end of the file
 * (without the GUID table) is not read: QEMU does not read it either.
 *
 * Contract of tdvf_parse(): every byte is hostile. It returns 0 and a filled
 * struct tdvf_image only when all of these hold (rule names in brackets,
 * reported with the byte offset concerned; the table rules of ovmf.h apply
 * first, with their own names):
 *   - the file has the footer GUID table [tdvf.no-table] and in it the TDX
 *     metadata entry [tdvf.no-metadata] of exactly 4 data bytes
 *     [tdvf.metadata-entry];
 *   - the descriptor lies inside the file [tdvf.metadata-offset], says
 *     "TDVF" [tdvf.signature] and version 1 [tdvf.version], has at least one
 *     section [tdvf.count], and its length is 16 + 32 * n and ends inside the
 *     file [tdvf.length] (QEMU's rule);
 *   - every section: a known type [tdvf.section-type]; attributes within
 *     MR_EXTEND | PAGE_AUG and not both, since a page added later by
 *     TDH.MEM.PAGE.AUG cannot be extended at build time [tdvf.section-attributes];
 *     MemoryAddress 4 KiB-aligned and the range inside the 64-bit address
 *     space [tdvf.section-address]; MemoryDataSize a 4 KiB multiple, at least
 *     RawDataSize, non-zero except for TD_INFO and TD_PARAMS, which hold no
 *     memory at all (address and size 0) [tdvf.section-size]; the raw bytes
 *     inside the file, DataOffset 0 when there are none, and for MR_EXTEND
 *     sections the MemoryDataSize bytes from DataOffset too, since those are
 *     the bytes the VMM copies and the TDX module measures [tdvf.section-data];
 *     RawDataSize non-zero for BFV, CFV, TD_INFO and TD_PARAMS and zero for
 *     TD_HOB, TEMP_MEM and PERM_MEM [tdvf.section-raw] (QEMU and td-shim);
 *   - at least one BFV [tdvf.no-bfv], every BFV with MR_EXTEND: the firmware
 *     code must be in the MRTD, or the MRTD says nothing [tdvf.bfv-unmeasured]
 *     (td-shim's rule; QEMU would launch it);
 *   - at most one TD_HOB [tdvf.td-hob-count];
 *   - no two sections' memory ranges overlap [tdvf.section-overlap];
 *   - at most TDVF_MAX_PAGES pages are added [tdvf.page-limit].
 * Findings that do not stop the measurement are warnings (struct
 * tdvf_image.warnings): section types QEMU refuses (it knows BFV, CFV, TD_HOB
 * and TEMP_MEM only) [tdvf.qemu-section-type]; fewer than two sections, which
 * QEMU refuses [tdvf.qemu-count]; raw data shorter than the memory of an
 * MR_EXTEND section, whose remaining bytes every reference (QEMU, dstack-mr,
 * td-shim) copies from the file after the raw data, not zeros
 * [tdvf.raw-shorter].
 *
 * The MRTD (records in tdx_mrtd.h), sections in table order:
 *   PAGE_AUG sections add nothing (their pages are added after the TD runs);
 *   every other section adds each of its pages with TDH.MEM.PAGE.ADD, and
 *   MR_EXTEND sections extend each page with TDH.MR.EXTEND over the file
 *   bytes at DataOffset + page offset.
 * In which order, two models, both deployed:
 *   TDVF_ORDER_SINGLE_PASS  per page: PAGE.ADD, then its 16 MR.EXTENDs. Linux
 *     KVM's TDX (KVM_TDX_INIT_MEM_REGION: tdh_mem_page_add, then
 *     tdh_mr_extend per 256 bytes, for each page) with QEMU, which makes one
 *     such call per section; td-shim's calculator; dstack-mr's SinglePass,
 *     its default from QEMU 9.0.
 *   TDVF_ORDER_TWO_PASS     per section: every PAGE.ADD, then every
 *     MR.EXTEND. The TDX QEMU and KVM trees before TDX was merged upstream,
 *     such as Canonical's for Ubuntu 24.04 (QEMU 8.2.2 with tdx patches; td-shim
 *     PR #781, Fraunhofer AISEC measured-boot-tools issue #6 matched quotes in
 *     this order only); dstack-mr's TwoPass, its default for QEMU 8.x.
 * The two agree only for firmware with no MR_EXTEND section of more than one
 * page.
 */
#ifndef IB_MEASURE_TDVF_H
#define IB_MEASURE_TDVF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovmf.h"
#include "tdx_mrtd.h"

#define TDVF_DESCRIPTOR_LEN 16
#define TDVF_SECTION_LEN 32
#define TDVF_ATTR_MR_EXTEND 0x1u
#define TDVF_ATTR_PAGE_AUG 0x2u
/* Pages a firmware may add at build time: 64 GiB, a thousand times what OVMF
 * adds, and a bound on the time a hostile file can make us hash. */
#define TDVF_MAX_PAGES (1ull << 24)
#define TDVF_MAX_WARNINGS 8

enum tdvf_section_type {
	TDVF_SECTION_BFV = 0,
	TDVF_SECTION_CFV = 1,
	TDVF_SECTION_TD_HOB = 2,
	TDVF_SECTION_TEMP_MEM = 3,
	TDVF_SECTION_PERM_MEM = 4,
	TDVF_SECTION_PAYLOAD = 5,
	TDVF_SECTION_PAYLOAD_PARAM = 6,
	TDVF_SECTION_TD_INFO = 7,
	TDVF_SECTION_TD_PARAMS = 8,
};

enum tdvf_order {
	TDVF_ORDER_SINGLE_PASS = 0,
	TDVF_ORDER_TWO_PASS = 1,
};

struct tdvf_section {
	uint32_t data_offset;
	uint32_t raw_size;
	uint64_t gpa;
	uint64_t mem_size;
	uint32_t type;       /* enum tdvf_section_type */
	uint32_t attributes; /* TDVF_ATTR_* */
	size_t desc_off;     /* file offset of the 32-byte entry */
};

struct tdvf_warning {
	const char *rule;
	uint64_t offset;
	char detail[160];
};

struct tdvf_image {
	const uint8_t *data;
	size_t size;
	struct ovmf_image table;   /* the footer GUID table */
	size_t entry_off;          /* the TDX metadata entry's {size, GUID} trailer */
	size_t descriptor_off;     /* the "TDVF" descriptor */
	uint32_t length;
	uint32_t version;
	size_t n_sections;
	struct tdvf_section *sections;
	uint64_t pages_added;      /* PAGE.ADD records the MRTD will hold */
	uint64_t pages_extended;   /* pages MR_EXTENDed (16 records each) */
	size_t n_warnings;         /* may exceed TDVF_MAX_WARNINGS; only that many are kept */
	struct tdvf_warning warnings[TDVF_MAX_WARNINGS];
};

/* Parses data[0..size). 0; -EINVAL with *err filled; -ENOMEM. The data must outlive *img. */
int tdvf_parse(const uint8_t *data, size_t size, struct tdvf_image *img, struct ovmf_error *err);
void tdvf_image_free(struct tdvf_image *img);

/* "BFV", ..., "TD_PARAMS", or NULL for an unknown type. */
const char *tdvf_section_type_name(uint32_t type);
/* "single-pass", "two-pass"; and back (false for an unknown name). */
const char *tdvf_order_name(enum tdvf_order order);
bool tdvf_order_parse(const char *name, enum tdvf_order *order);

/*
 * The MRTD of a direct launch in the given order. on_op (may be NULL) sees
 * every operation in order. 0, or -1 when libcrypto failed.
 */
int tdvf_mrtd(const struct tdvf_image *img, enum tdvf_order order, tdx_op_fn on_op, void *op_ctx,
	      uint8_t mrtd[TDX_MRTD_LEN]);

#endif
