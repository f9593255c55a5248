/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ovmf_metadata.c — libFuzzer harness for the OVMF footer-table and SEV
 * metadata parser (measure/ovmf.c). The input is the firmware image itself.
 * What the parser accepts is re-checked against its contract (ovmf.h): every
 * entry and the metadata header lie inside the input, the entries tile the
 * table, sections are page-aligned, non-empty, known and pairwise disjoint.
 * A refusal must name a rule at an offset inside the file. The SNP hashes
 * page is built for an accepted hash-table address, as the measurement would.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../measure/ovmf.h"
#include "../../measure/sev_hashes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const struct ovmf_image *img, const uint8_t *data, size_t size)
{
	if (img->data != data || img->size != size || img->gpa != OVMF_FOUR_GIB - size)
		abort();
	size_t covered = 0;
	for (size_t i = 0; i < img->n_entries; i++) {
		const struct ovmf_entry *e = &img->entries[i];
		if (e->data_off > size || e->data_len > size - e->data_off || e->data_off + e->data_len != e->hdr_off ||
		    e->hdr_off + OVMF_ENTRY_HDR_LEN > size)
			abort();
		covered += e->data_len + OVMF_ENTRY_HDR_LEN;
	}
	if (img->has_table && img->table_off + covered != size - OVMF_FOOTER_AREA)
		abort(); /* the entries must tile the table exactly */
	if (img->has_metadata &&
	    (img->metadata_off + OVMF_METADATA_HDR_LEN > size || memcmp(data + img->metadata_off, "ASEV", 4)))
		abort();
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct ovmf_section *s = &img->sections[i];
		if (!ovmf_section_type_name(s->type) || s->gpa % OVMF_PAGE_SIZE || !s->size ||
		    s->size % OVMF_PAGE_SIZE || s->desc_off + OVMF_METADATA_DESC_LEN > size)
			abort();
		for (size_t j = 0; j < i; j++) {
			const struct ovmf_section *t = &img->sections[j];
			if ((uint64_t)s->gpa < (uint64_t)t->gpa + t->size && (uint64_t)t->gpa < (uint64_t)s->gpa + s->size)
				abort();
		}
	}
	if (img->has_hash_table) {
		static const struct sev_hashes h;
		uint8_t page[OVMF_PAGE_SIZE];
		uint32_t off = img->hash_table_gpa & (OVMF_PAGE_SIZE - 1);
		int r = sev_hashes_page(&h, off, page);
		if ((r == 0) != (off <= OVMF_PAGE_SIZE - SEV_HASHES_TABLE_PADDED_LEN))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovmf_image img;
	struct ovmf_error err;
	int r = ovmf_parse(data, size, OVMF_FOUR_GIB, &img, &err);
	if (r == -EINVAL) {
		if (!err.rule || (size && err.offset >= size) || (!size && err.offset))
			abort();
		return 0;
	}
	if (r)
		return 0; /* -ENOMEM */
	check_accepted(&img, data, size);
	ovmf_image_free(&img);
	return 0;
}
