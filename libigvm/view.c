/* SPDX-License-Identifier: MIT */
/*
 * view.c — libigvm's view of a parsed file (contract in view.h).
 *
 * All validation is the format library's: this module only decides which
 * headers the API shows and what bytes it hands out for them.
 */
#include "view.h"

#include <stdlib.h>
#include <string.h>

#include "../format/igvm.h"

struct lv_view {
	uint8_t *bytes;                  /* our copy of the file; the model points into it */
	struct igvm_file model;
	uint32_t *index[LV_SECTIONS];    /* per section: positions in model.hdr */
	uint32_t count[LV_SECTIONS];
};

/* The reference parser drops masked headers whose mask is 0 (spec §2.4). */
static bool dropped_by_reference(const struct igvm_header *h)
{
	uint32_t mask;
	return h->type != IGVM_VHT_SUPPORTED_PLATFORM && igvm_header_mask(h, &mask) && mask == 0;
}

static int build_index(struct lv_view *v)
{
	for (unsigned s = 0; s < LV_SECTIONS; s++) {
		size_t n = v->model.section_count[s];
		v->index[s] = calloc(n ? n : 1, sizeof(*v->index[s]));
		if (!v->index[s])
			return LV_INVALID_FILE;
	}
	for (size_t i = 0; i < v->model.count; i++) {
		const struct igvm_header *h = &v->model.hdr[i];
		unsigned s = (unsigned)h->section;
		if (s >= LV_SECTIONS || dropped_by_reference(h))
			continue;
		v->index[s][v->count[s]++] = (uint32_t)i;
	}
	return LV_OK;
}

int lv_new(const uint8_t *data, uint32_t len, struct lv_view **out)
{
	*out = NULL;
	if (!data && len)
		return LV_INVALID_PARAMETER;
	struct lv_view *v = calloc(1, sizeof(*v));
	if (!v)
		return LV_INVALID_FILE;
	/* Copy first: the caller may free its buffer as soon as we return. */
	v->bytes = malloc(len ? len : 1);
	if (!v->bytes) {
		free(v);
		return LV_INVALID_FILE;
	}
	if (len)
		memcpy(v->bytes, data, len);

	struct igvm_diag diag;
	if (igvm_parse(v->bytes, len, 0, &v->model, &diag)) {
		int code = igvm_rule_api_code(&diag);
		free(v->bytes);
		free(v);
		return code < 0 ? code : LV_INVALID_FILE;
	}
	int r = build_index(v);
	if (r) {
		lv_free(v);
		return r;
	}
	*out = v;
	return LV_OK;
}

void lv_free(struct lv_view *v)
{
	if (!v)
		return;
	for (unsigned s = 0; s < LV_SECTIONS; s++)
		free(v->index[s]);
	igvm_file_free(&v->model);
	free(v->bytes);
	free(v);
}

uint32_t lv_count(const struct lv_view *v, unsigned section)
{
	return section < LV_SECTIONS ? v->count[section] : 0;
}

static const struct igvm_header *header_at(const struct lv_view *v, unsigned section, uint32_t index)
{
	if (section >= LV_SECTIONS || index >= v->count[section])
		return NULL;
	return &v->model.hdr[v->index[section][index]];
}

int64_t lv_type(const struct lv_view *v, unsigned section, uint32_t index)
{
	const struct igvm_header *h = header_at(v, section, index);
	return h ? (int64_t)h->type : LV_INVALID_PARAMETER;
}

static void put16(uint8_t *p, uint16_t x) { memcpy(p, &x, sizeof(x)); }
static void put32(uint8_t *p, uint32_t x) { memcpy(p, &x, sizeof(x)); }
static void put64(uint8_t *p, uint64_t x) { memcpy(p, &x, sizeof(x)); }

/*
 * Rewrites a body copy into the form the reference's model serializes: its
 * typed model keeps only some fields, and its C API writes each header through
 * a fresh file-data serializer starting at offset 0.
 */
static void canonicalize_body(const struct lv_view *v, const struct igvm_header *h, uint8_t *b)
{
	switch (h->type) {
	case IGVM_VHT_GUEST_POLICY:
		put32(b + offsetof(struct igvm_vhs_guest_policy, reserved), 0);
		break;
	case IGVM_VHT_RELOCATABLE_REGION:
		/* The model keeps three booleans, not the flags byte. */
		b[offsetof(struct igvm_vhs_relocatable_region, flags)] &=
			IGVM_RELOC_FLAG_IS_VTL2 | IGVM_RELOC_FLAG_APPLY_RIP | IGVM_RELOC_FLAG_APPLY_GDTR;
		break;
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		b[offsetof(struct igvm_vhs_page_table_relocation, reserved)] = 0;
		break;
	case IGVM_VHT_CCA_POLICY:
		put32(b + offsetof(struct igvm_vhs_cca_policy, reserved), 0);
		memset(b + offsetof(struct igvm_vhs_cca_policy, reserved2), 0,
		       sizeof(((struct igvm_vhs_cca_policy *)0)->reserved2));
		break;
	case IGVM_VHT_PARAMETER_AREA:
		put32(b + offsetof(struct igvm_vhs_parameter_area, file_offset), 0);
		break;
	case IGVM_VHT_PAGE_DATA:
		put32(b + offsetof(struct igvm_vhs_page_data, file_offset), 0);
		put16(b + offsetof(struct igvm_vhs_page_data, reserved), 0);
		break;
	case IGVM_VHT_VP_CONTEXT: {
		int plat = igvm_platform_for_mask(&v->model, h->body.vp.compatibility_mask);
		/* Only the SNP/SEV-ES context variant carries a gpa in the model. */
		if (plat != IGVM_PLATFORM_SEV_SNP && plat != IGVM_PLATFORM_SEV_ES)
			put64(b + offsetof(struct igvm_vhs_vp_context, gpa), 0);
		put32(b + offsetof(struct igvm_vhs_vp_context, file_offset), 0);
		put16(b + offsetof(struct igvm_vhs_vp_context, reserved), 0);
		break;
	}
	case IGVM_VHT_REQUIRED_MEMORY:
		/* The model keeps only vtl2_protectable. */
		put32(b + offsetof(struct igvm_vhs_required_memory, flags),
		      h->body.required_memory.flags & IGVM_REQUIRED_MEMORY_VTL2_PROTECTABLE);
		put32(b + offsetof(struct igvm_vhs_required_memory, reserved), 0);
		break;
	default:
		/* Everything else round-trips unchanged (SNP_ID_BLOCK keeps its reserved bytes). */
		break;
	}
}

int32_t lv_record(const struct lv_view *v, unsigned section, uint32_t index, uint8_t out[LV_RECORD_MAX])
{
	const struct igvm_header *h = header_at(v, section, index);
	if (!h)
		return LV_INVALID_PARAMETER;
	/* Known types only (no optional skipping), so length is the exact structure size. */
	uint32_t len = h->length;
	uint32_t total = (uint32_t)sizeof(struct igvm_var_header) + ((len + 7u) & ~7u);
	if (total > LV_RECORD_MAX || !h->raw)
		return LV_INVALID_FILE; /* cannot happen for a parsed file; never overrun out */
	memset(out, 0, total);
	put32(out, h->type);
	put32(out + 4, len);
	memcpy(out + 8, h->raw, len);
	canonicalize_body(v, h, out + 8);
	return (int32_t)total;
}

/*
 * A VBS context as the reference re-serializes it from typed registers: mbz
 * bytes zero; a scalar register keeps the low 8 bytes of its value; a table
 * register (IDTR/GDTR) keeps limit and base; a segment register keeps all 16.
 */
static int canonical_vbs(const struct lv_view *v, const struct igvm_header *h, uint8_t **owned)
{
	uint8_t *c = malloc(h->data_len);
	if (!c)
		return LV_INVALID_FILE;
	memcpy(c, h->data, h->data_len);
	const size_t reg = sizeof(struct igvm_vbs_vp_register);
	for (size_t off = 4; off + reg <= h->data_len; off += reg) {
		uint8_t *r = c + off;
		uint32_t name;
		memcpy(&name, r + offsetof(struct igvm_vbs_vp_register, register_name), sizeof(name));
		memset(r + offsetof(struct igvm_vbs_vp_register, mbz), 0, sizeof(((struct igvm_vbs_vp_register *)0)->mbz));
		uint8_t *val = r + offsetof(struct igvm_vbs_vp_register, register_value);
		bool x64 = v->model.architecture == IGVM_ARCH_X64;
		if (x64 && (name >> 16) == 0x6) /* segment registers: Es..Tr */
			continue;
		if (x64 && (name >> 16) == 0x7) /* table registers: Idtr, Gdtr: pad[3] u16, limit, base */
			memset(val, 0, 6);
		else
			memset(val + 8, 0, 8);
	}
	*owned = c;
	return LV_OK;
}

int lv_data(const struct lv_view *v, unsigned section, uint32_t index, const uint8_t **data, uint32_t *len,
	    uint8_t **owned)
{
	*data = NULL;
	*len = 0;
	*owned = NULL;
	/* The reference refuses the platform section before looking at the index. */
	if (section == IGVM_SECTION_PLATFORM)
		return LV_INVALID_PARAMETER;
	const struct igvm_header *h = header_at(v, section, index);
	if (!h)
		return LV_INVALID_PARAMETER;
	if (!h->data || !h->data_len)
		return LV_NO_DATA;
	/* Buffer sizes are int32_t in the API: refuse rather than report a negative size. */
	if (h->data_len > INT32_MAX)
		return LV_FILE_DATA_SECTION_TOO_LARGE;

	if (h->type == IGVM_VHT_VP_CONTEXT &&
	    igvm_platform_for_mask(&v->model, h->body.vp.compatibility_mask) == IGVM_PLATFORM_VSM_ISOLATION) {
		int r = canonical_vbs(v, h, owned);
		if (r)
			return r;
		*data = *owned;
	} else {
		/* Pages, parameter areas, VMSA/native/CCA pages: the file bytes are the canonical form. */
		*data = h->data;
	}
	*len = h->data_len;
	return LV_OK;
}
