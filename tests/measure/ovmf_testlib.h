/* SPDX-License-Identifier: MIT */
/*
 * ovmf_testlib.h — shared by tests/measure/test_ovmf_*.c (with tests/unit/tap.h): a
 * generator of synthetic OVMF images (footer GUID table + SEV metadata), so
 * the tests carry no firmware binaries. Each test file includes it once.
 *
 * fw_build() lays an image out as OVMF does: zeros, then the SEV metadata
 * block, then the table entries (entries[0] nearest the footer), the footer
 * entry, and 32 trailing bytes. Tests corrupt the result with put16/put32.
 */
#ifndef IB_TESTS_OVMF_TESTLIB_H
#define IB_TESTS_OVMF_TESTLIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../measure/ovmf.h"
#include "../unit/tap.h"

static inline void put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* Decodes exactly 2*n hex digits; false on anything else. */
static inline bool unhex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (uint8_t)v;
	}
	return true;
}

static inline void tohex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

struct fw_entry {
	const uint8_t *guid;
	uint8_t data[32];
	size_t len;
};

struct fw_section {
	uint32_t gpa, size, type;
};

struct fw_layout {
	size_t size;                  /* whole image */
	const struct fw_entry *entries; /* entries[0] sits right before the footer */
	size_t n_entries;
	bool metadata;                /* add an SEV metadata entry and block */
	const struct fw_section *sections;
	size_t n_sections;
	/* filled by fw_build() */
	size_t footer_off, table_off, meta_off, meta_entry_data_off;
};

static inline struct fw_entry fw_u32_entry(const uint8_t *guid, uint32_t v)
{
	struct fw_entry e = { guid, { 0 }, 4 };
	put32(e.data, 0, v);
	return e;
}

static inline struct fw_entry fw_u32x2_entry(const uint8_t *guid, uint32_t a, uint32_t b)
{
	struct fw_entry e = { guid, { 0 }, 8 };
	put32(e.data, 0, a);
	put32(e.data, 4, b);
	return e;
}

/* A zeroed image of l->size bytes with the table and metadata of *l; NULL if it does not fit. */
static inline uint8_t *fw_build(struct fw_layout *l)
{
	uint8_t *p = calloc(1, l->size ? l->size : 1);
	if (!p || l->size < 64)
		return p;
	size_t end = l->size - OVMF_FOOTER_TAIL;
	l->footer_off = end - OVMF_ENTRY_HDR_LEN;
	size_t pos = l->footer_off;
	size_t meta_len = OVMF_METADATA_HDR_LEN + OVMF_METADATA_DESC_LEN * l->n_sections;
	size_t table_len = 0;
	for (size_t i = 0; i < l->n_entries; i++)
		table_len += l->entries[i].len + OVMF_ENTRY_HDR_LEN;
	if (l->metadata)
		table_len += 4 + OVMF_ENTRY_HDR_LEN;
	if (table_len + meta_len + 16 + OVMF_FOOTER_AREA > l->size) {
		free(p);
		return NULL;
	}
	for (size_t i = 0; i < l->n_entries; i++) {
		const struct fw_entry *e = &l->entries[i];
		pos -= OVMF_ENTRY_HDR_LEN;
		put16(p, pos, (uint16_t)(e->len + OVMF_ENTRY_HDR_LEN));
		memcpy(p + pos + 2, e->guid, OVMF_GUID_LEN);
		pos -= e->len;
		memcpy(p + pos, e->data, e->len);
	}
	if (l->metadata) {
		pos -= OVMF_ENTRY_HDR_LEN;
		put16(p, pos, 4 + OVMF_ENTRY_HDR_LEN);
		memcpy(p + pos + 2, ovmf_guid_sev_metadata, OVMF_GUID_LEN);
		pos -= 4;
		l->meta_entry_data_off = pos;
	}
	l->table_off = pos;
	put16(p, l->footer_off, (uint16_t)(l->footer_off - l->table_off + OVMF_ENTRY_HDR_LEN));
	memcpy(p + l->footer_off + 2, ovmf_guid_footer, OVMF_GUID_LEN);
	if (l->metadata) {
		l->meta_off = (l->table_off - meta_len) & ~(size_t)15;
		memcpy(p + l->meta_off, "ASEV", 4);
		put32(p, l->meta_off + 4, (uint32_t)meta_len);
		put32(p, l->meta_off + 8, 1);
		put32(p, l->meta_off + 12, (uint32_t)l->n_sections);
		for (size_t i = 0; i < l->n_sections; i++) {
			size_t d = l->meta_off + OVMF_METADATA_HDR_LEN + OVMF_METADATA_DESC_LEN * i;
			put32(p, d, l->sections[i].gpa);
			put32(p, d + 4, l->sections[i].size);
			put32(p, d + 8, l->sections[i].type);
		}
		put32(p, l->meta_entry_data_off, (uint32_t)(l->size - l->meta_off));
	}
	return p;
}

/*
 * The footer table and SEV metadata of sev-snp-measure's test fixture
 * tests/fixtures/ovmf_AmdSev_suffix.bin (the last 4 KiB of an AmdSevX64 OVMF
 * build): AP reset address 0x80b004, SEV hash table at 0x810c00 (1 KiB, OVMF's
 * PcdQemuHashTableBase), and seven metadata sections. These are facts about
 * that binary; the bytes around them are not reproduced, which is why the
 * digests are checked through the fixture's published snp:ovmf-hash seed.
 */

/* The fixture's metadata sections, in table order. */
static inline const struct fw_section *fw_amdsev_sections(size_t *n)
{
	static const struct fw_section sections[] = {
		{ 0x800000, 0x9000, OVMF_SECTION_SNP_SEC_MEM },    { 0x80a000, 0x3000, OVMF_SECTION_SNP_SEC_MEM },
		{ 0x80d000, 0x1000, OVMF_SECTION_SNP_SECRETS },    { 0x80e000, 0x1000, OVMF_SECTION_CPUID },
		{ 0x80f000, 0x1000, OVMF_SECTION_SVSM_CAA },       { 0x810000, 0x1000, OVMF_SECTION_SNP_KERNEL_HASHES },
		{ 0x811000, 0xf000, OVMF_SECTION_SNP_SEC_MEM },
	};
	*n = sizeof(sections) / sizeof(sections[0]);
	return sections;
}

/* Builds the AmdSev-fixture lookalike (4096 bytes); the caller frees it. */
static inline uint8_t *fw_amdsev(struct fw_layout *l)
{
	static struct fw_entry entries[2];
	entries[0] = fw_u32_entry(ovmf_guid_sev_es_reset, 0x80b004);
	entries[1] = fw_u32x2_entry(ovmf_guid_sev_hash_table, 0x810c00, 0x400);
	memset(l, 0, sizeof(*l));
	l->size = 4096;
	l->entries = entries;
	l->n_entries = 2;
	l->metadata = true;
	l->sections = fw_amdsev_sections(&l->n_sections);
	return fw_build(l);
}

#endif
