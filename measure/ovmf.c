/* SPDX-License-Identifier: MIT */
/*
 * ovmf.c — parser for the OVMF footer GUID table and SEV metadata. The rules
 * it enforces, and why, are in ovmf.h.
 */
#include "ovmf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"

/* Spells a GUID's fields the way it is written and lays the bytes out in EFI order. */
#define EFI_GUID_BYTES(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                                  \
	{ (uint8_t)(a), (uint8_t)((a) >> 8), (uint8_t)((a) >> 16), (uint8_t)((a) >> 24),          \
	  (uint8_t)(b), (uint8_t)((b) >> 8), (uint8_t)(c), (uint8_t)((c) >> 8),                   \
	  d0, d1, d2, d3, d4, d5, d6, d7 }

const uint8_t ovmf_guid_footer[OVMF_GUID_LEN] =
	EFI_GUID_BYTES(0x96b582de, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d);
const uint8_t ovmf_guid_sev_es_reset[OVMF_GUID_LEN] =
	EFI_GUID_BYTES(0x00f771de, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e);
const uint8_t ovmf_guid_sev_hash_table[OVMF_GUID_LEN] =
	EFI_GUID_BYTES(0x7255371f, 0x3a3b, 0x4b04, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54);
const uint8_t ovmf_guid_sev_metadata[OVMF_GUID_LEN] =
	EFI_GUID_BYTES(0xdc886566, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc);
const uint8_t ovmf_guid_svsm_info[OVMF_GUID_LEN] =
	EFI_GUID_BYTES(0xa789a612, 0x0597, 0x4c4b, 0xa4, 0x9f, 0xcb, 0xb1, 0xfe, 0x9d, 0x1d, 0xdd);
const uint8_t ovmf_guid_tdx_metadata[OVMF_GUID_LEN] =
	EFI_GUID_BYTES(0xe47a6535, 0x984a, 0x4798, 0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2);

int ovmf_fail(struct ovmf_error *err, uint64_t offset, const char *rule, const char *fmt, ...)
{
	if (err) {
		err->offset = offset;
		err->rule = rule;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void ovmf_guid_str(const uint8_t g[OVMF_GUID_LEN], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
		 g[14], g[15]);
}

const char *ovmf_section_type_name(uint32_t type)
{
	switch (type) {
	case OVMF_SECTION_SNP_SEC_MEM:
		return "SNP_SEC_MEM";
	case OVMF_SECTION_SNP_SECRETS:
		return "SNP_SECRETS";
	case OVMF_SECTION_CPUID:
		return "CPUID";
	case OVMF_SECTION_SVSM_CAA:
		return "SVSM_CAA";
	case OVMF_SECTION_SNP_KERNEL_HASHES:
		return "SNP_KERNEL_HASHES";
	default:
		return NULL;
	}
}

void ovmf_image_free(struct ovmf_image *img)
{
	free(img->entries);
	free(img->sections);
	img->entries = NULL;
	img->sections = NULL;
	img->n_entries = img->n_sections = 0;
}

const struct ovmf_entry *ovmf_find_entry(const struct ovmf_image *img, const uint8_t guid[OVMF_GUID_LEN])
{
	for (size_t i = 0; i < img->n_entries; i++)
		if (!memcmp(img->entries[i].guid, guid, OVMF_GUID_LEN))
			return &img->entries[i];
	return NULL;
}

const struct ovmf_section *ovmf_find_section(const struct ovmf_image *img, uint32_t type)
{
	for (size_t i = 0; i < img->n_sections; i++)
		if (img->sections[i].type == type)
			return &img->sections[i];
	return NULL;
}

uint64_t ovmf_table_anchor(const struct ovmf_image *img)
{
	if (img->has_table)
		return img->table_off;
	return img->size >= OVMF_FOOTER_AREA ? img->size - OVMF_FOOTER_AREA : 0;
}

/* The GUIDs whose data this module reads: a second copy of any of them is ambiguous. */
static const uint8_t *const interpreted[] = {
	ovmf_guid_sev_es_reset, ovmf_guid_sev_hash_table, ovmf_guid_sev_metadata, ovmf_guid_svsm_info,
	ovmf_guid_tdx_metadata,
};

static bool is_interpreted(const uint8_t guid[OVMF_GUID_LEN])
{
	for (size_t i = 0; i < sizeof(interpreted) / sizeof(interpreted[0]); i++)
		if (!memcmp(guid, interpreted[i], OVMF_GUID_LEN))
			return true;
	return false;
}

static int parse_table(struct ovmf_image *img, struct ovmf_error *err)
{
	struct ib_cursor c = ib_cursor_make(img->data, img->size);
	size_t footer_off = img->size - OVMF_FOOTER_AREA;
	uint16_t footer_size;
	const uint8_t *guid;
	if (!ib_cursor_skip(&c, footer_off) || !ib_cursor_get_u16(&c, &footer_size) ||
	    !ib_cursor_view(&c, &guid, OVMF_GUID_LEN))
		return ovmf_fail(err, footer_off, "footer-area", "cannot read the footer entry");
	if (memcmp(guid, ovmf_guid_footer, OVMF_GUID_LEN))
		return 0; /* no table: OVMF without SEV support, or not OVMF at all */

	if (footer_size < OVMF_ENTRY_HDR_LEN)
		return ovmf_fail(err, footer_off, "footer-table-size",
				 "the footer says the table is %u bytes, less than its own 18-byte header",
				 footer_size);
	size_t table_len = (size_t)footer_size - OVMF_ENTRY_HDR_LEN;
	if (table_len > footer_off)
		return ovmf_fail(err, footer_off, "footer-table-size",
				 "a %zu-byte table would start %zu bytes before the file", table_len,
				 table_len - footer_off);
	img->has_table = true;
	img->table_off = footer_off - table_len;

	/* Every entry is at least a header long, which bounds the allocation by the table. */
	size_t max_entries = table_len / OVMF_ENTRY_HDR_LEN;
	if (max_entries) {
		img->entries = calloc(max_entries, sizeof(*img->entries));
		if (!img->entries)
			return -ENOMEM;
	}
	size_t end = footer_off; /* one past the entry being read */
	while (end > img->table_off) {
		size_t left = end - img->table_off;
		if (left < OVMF_ENTRY_HDR_LEN)
			return ovmf_fail(err, img->table_off, "table-leftover",
					 "%zu bytes at the start of the table form no entry", left);
		size_t hdr = end - OVMF_ENTRY_HDR_LEN;
		uint16_t esize;
		c = ib_cursor_make(img->data, img->size);
		if (!ib_cursor_skip(&c, hdr) || !ib_cursor_get_u16(&c, &esize) ||
		    !ib_cursor_view(&c, &guid, OVMF_GUID_LEN))
			return ovmf_fail(err, hdr, "table-entry-size", "cannot read the entry header");
		if (esize < OVMF_ENTRY_HDR_LEN)
			return ovmf_fail(err, hdr, "table-entry-size",
					 "entry size %u is less than the 18-byte entry header", esize);
		if (esize > left)
			return ovmf_fail(err, hdr, "table-entry-size",
					 "a %u-byte entry does not fit in the %zu table bytes before it", esize,
					 left);
		if (is_interpreted(guid) && ovmf_find_entry(img, guid)) {
			char s[37];
			ovmf_guid_str(guid, s);
			return ovmf_fail(err, hdr, "duplicate-entry", "the table has a second %s entry", s);
		}
		struct ovmf_entry *e = &img->entries[img->n_entries++];
		memcpy(e->guid, guid, OVMF_GUID_LEN);
		e->hdr_off = hdr;
		e->data_off = end - esize;
		e->data_len = (size_t)esize - OVMF_ENTRY_HDR_LEN;
		end -= esize;
	}
	return 0;
}

/* Reads the u32 at the start of an entry's data, or fails naming what it needed. */
static int entry_u32(const struct ovmf_image *img, const struct ovmf_entry *e, size_t need, const char *what,
		     uint32_t *v, uint32_t *v2, struct ovmf_error *err)
{
	if (e->data_len < need)
		return ovmf_fail(err, e->hdr_off, "entry-data-size",
				 "the %s entry has %zu data bytes, it needs %zu", what, e->data_len, need);
	struct ib_cursor c = ib_cursor_make(img->data, img->size);
	if (!ib_cursor_skip(&c, e->data_off) || !ib_cursor_get_u32(&c, v) || (v2 && !ib_cursor_get_u32(&c, v2)))
		return ovmf_fail(err, e->data_off, "entry-data-size", "cannot read the %s entry", what);
	return 0;
}

static int cmp_section_gpa(const void *a, const void *b)
{
	const struct ovmf_section *x = *(const struct ovmf_section *const *)a;
	const struct ovmf_section *y = *(const struct ovmf_section *const *)b;
	if (x->gpa != y->gpa)
		return x->gpa < y->gpa ? -1 : 1;
	return x->desc_off < y->desc_off ? -1 : x->desc_off > y->desc_off;
}

static int check_sections(struct ovmf_image *img, struct ovmf_error *err)
{
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct ovmf_section *s = &img->sections[i];
		if (!ovmf_section_type_name(s->type))
			return ovmf_fail(err, s->desc_off + 8, "section-type",
					 "section %zu has unknown type 0x%" PRIx32, i, s->type);
		if (s->gpa % OVMF_PAGE_SIZE)
			return ovmf_fail(err, s->desc_off, "section-alignment",
					 "section %zu (%s) starts at 0x%" PRIx32 ", not on a 4 KiB page", i,
					 ovmf_section_type_name(s->type), s->gpa);
		if (s->size == 0 || s->size % OVMF_PAGE_SIZE)
			return ovmf_fail(err, s->desc_off + 4, "section-size",
					 "section %zu (%s) is 0x%" PRIx32 " bytes, not a non-zero multiple of 4 KiB",
					 i, ovmf_section_type_name(s->type), s->size);
	}
	if (img->n_sections < 2)
		return 0;
	/* Sort pointers by gpa so the overlap test is O(n log n) even for a hostile count. */
	const struct ovmf_section **by_gpa = calloc(img->n_sections, sizeof(*by_gpa));
	if (!by_gpa)
		return -ENOMEM;
	for (size_t i = 0; i < img->n_sections; i++)
		by_gpa[i] = &img->sections[i];
	qsort(by_gpa, img->n_sections, sizeof(*by_gpa), cmp_section_gpa);
	int r = 0;
	for (size_t i = 1; i < img->n_sections; i++) {
		const struct ovmf_section *a = by_gpa[i - 1], *b = by_gpa[i];
		if ((uint64_t)a->gpa + a->size > b->gpa) {
			const struct ovmf_section *later = a->desc_off > b->desc_off ? a : b;
			const struct ovmf_section *earlier = later == a ? b : a;
			r = ovmf_fail(err, later->desc_off, "section-overlap",
				      "section %zu [0x%" PRIx32 ", 0x%" PRIx64 ") overlaps section %zu [0x%" PRIx32
				      ", 0x%" PRIx64 ")",
				      (size_t)(later - img->sections), later->gpa, (uint64_t)later->gpa + later->size,
				      (size_t)(earlier - img->sections), earlier->gpa,
				      (uint64_t)earlier->gpa + earlier->size);
			break;
		}
	}
	free(by_gpa);
	return r;
}

static int parse_metadata(struct ovmf_image *img, const struct ovmf_entry *e, struct ovmf_error *err)
{
	uint32_t from_end;
	int r = entry_u32(img, e, 4, "SEV metadata", &from_end, NULL, err);
	if (r)
		return r;
	if (from_end > img->size || from_end < OVMF_METADATA_HDR_LEN)
		return ovmf_fail(err, e->data_off, "metadata-offset",
				 "the metadata header %" PRIu32 " bytes from the end does not lie inside the "
				 "%zu-byte file",
				 from_end, img->size);
	size_t start = img->size - from_end;
	struct ib_cursor c = ib_cursor_make(img->data, img->size);
	const uint8_t *sig;
	uint32_t hsize, version, count;
	if (!ib_cursor_skip(&c, start) || !ib_cursor_view(&c, &sig, 4) || !ib_cursor_get_u32(&c, &hsize) ||
	    !ib_cursor_get_u32(&c, &version) || !ib_cursor_get_u32(&c, &count))
		return ovmf_fail(err, start, "metadata-offset", "cannot read the metadata header");
	if (memcmp(sig, "ASEV", 4))
		return ovmf_fail(err, start, "metadata-signature",
				 "the metadata header starts with %02x %02x %02x %02x, not \"ASEV\"", sig[0], sig[1],
				 sig[2], sig[3]);
	if (version != 1)
		return ovmf_fail(err, start + 8, "metadata-version", "metadata version %" PRIu32 ", expected 1",
				 version);
	if (hsize < OVMF_METADATA_HDR_LEN)
		return ovmf_fail(err, start + 4, "metadata-size",
				 "metadata size %" PRIu32 " is smaller than its own 16-byte header", hsize);
	if (hsize > from_end)
		return ovmf_fail(err, start + 4, "metadata-size",
				 "%" PRIu32 " bytes of metadata run past the end of the file (%" PRIu32 " bytes left)",
				 hsize, from_end);
	if (count > (hsize - OVMF_METADATA_HDR_LEN) / OVMF_METADATA_DESC_LEN)
		return ovmf_fail(err, start + 12, "metadata-count",
				 "%" PRIu32 " sections of 12 bytes do not fit in the %" PRIu32
				 "-byte metadata",
				 count, hsize);
	img->has_metadata = true;
	img->metadata_off = start;
	if (count) {
		img->sections = calloc(count, sizeof(*img->sections));
		if (!img->sections)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct ovmf_section *s = &img->sections[i];
		s->desc_off = c.off;
		if (!ib_cursor_get_u32(&c, &s->gpa) || !ib_cursor_get_u32(&c, &s->size) ||
		    !ib_cursor_get_u32(&c, &s->type))
			return ovmf_fail(err, s->desc_off, "metadata-count", "cannot read section %" PRIu32, i);
		img->n_sections++;
	}
	return check_sections(img, err);
}

static int parse(struct ovmf_image *img, uint64_t end_gpa, struct ovmf_error *err)
{
	if (img->size < OVMF_FOOTER_AREA)
		return ovmf_fail(err, 0, "footer-area",
				 "the file is %zu bytes; OVMF's footer area alone is %d", img->size,
				 OVMF_FOOTER_AREA);
	if ((uint64_t)img->size > end_gpa)
		return ovmf_fail(err, 0, "image-placement",
				 "a %zu-byte image cannot end at 0x%" PRIx64 ": it would start below address 0",
				 img->size, end_gpa);
	img->gpa = end_gpa - img->size;

	int r = parse_table(img, err);
	if (r || !img->has_table)
		return r;

	const struct ovmf_entry *e;
	if ((e = ovmf_find_entry(img, ovmf_guid_sev_es_reset))) {
		if ((r = entry_u32(img, e, 4, "SEV-ES reset block", &img->reset_eip, NULL, err)))
			return r;
		img->has_reset_block = true;
		img->reset_block_off = e->hdr_off;
	}
	if ((e = ovmf_find_entry(img, ovmf_guid_sev_hash_table))) {
		if ((r = entry_u32(img, e, 8, "SEV hash table", &img->hash_table_gpa, &img->hash_table_size, err)))
			return r;
		img->has_hash_table = true;
		img->hash_table_off = e->hdr_off;
	}
	if ((e = ovmf_find_entry(img, ovmf_guid_svsm_info))) {
		if ((r = entry_u32(img, e, 4, "SVSM info", &img->svsm_entry_offset, NULL, err)))
			return r;
		img->has_svsm_info = true;
		img->svsm_info_off = e->hdr_off;
	}
	if ((e = ovmf_find_entry(img, ovmf_guid_sev_metadata)))
		return parse_metadata(img, e, err);
	return 0;
}

int ovmf_parse_table(const uint8_t *data, size_t size, struct ovmf_image *img, struct ovmf_error *err)
{
	memset(img, 0, sizeof(*img));
	img->data = data;
	img->size = size;
	int r = size < OVMF_FOOTER_AREA ? ovmf_fail(err, 0, "footer-area",
						    "the file is %zu bytes; OVMF's footer area alone is %d", size,
						    OVMF_FOOTER_AREA)
					: parse_table(img, err);
	if (r)
		ovmf_image_free(img);
	return r;
}

int ovmf_parse(const uint8_t *data, size_t size, uint64_t end_gpa, struct ovmf_image *img,
	       struct ovmf_error *err)
{
	memset(img, 0, sizeof(*img));
	img->data = data;
	img->size = size;
	int r = parse(img, end_gpa, err);
	if (r)
		ovmf_image_free(img);
	return r;
}
