/* SPDX-License-Identifier: MIT */
/*
 * igvm_model.c — facts about header types, and building the in-memory model.
 */
#include "igvm.h"

#include <stdlib.h>
#include <string.h>

struct type_info {
	uint32_t type;
	const char *name;
	int length;
};

static const struct type_info types[] = {
	{ IGVM_VHT_SUPPORTED_PLATFORM, "SUPPORTED_PLATFORM", sizeof(struct igvm_vhs_supported_platform) },
	{ IGVM_VHT_GUEST_POLICY, "GUEST_POLICY", sizeof(struct igvm_vhs_guest_policy) },
	{ IGVM_VHT_RELOCATABLE_REGION, "RELOCATABLE_REGION", sizeof(struct igvm_vhs_relocatable_region) },
	{ IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, "PAGE_TABLE_RELOCATION_REGION", sizeof(struct igvm_vhs_page_table_relocation) },
	{ IGVM_VHT_CORIM_DOCUMENT, "CORIM_DOCUMENT", sizeof(struct igvm_vhs_corim_data) },
	{ IGVM_VHT_CORIM_SIGNATURE, "CORIM_SIGNATURE", sizeof(struct igvm_vhs_corim_data) },
	{ IGVM_VHT_CCA_POLICY, "CCA_POLICY", sizeof(struct igvm_vhs_cca_policy) },
	{ IGVM_VHT_PARAMETER_AREA, "PARAMETER_AREA", sizeof(struct igvm_vhs_parameter_area) },
	{ IGVM_VHT_PAGE_DATA, "PAGE_DATA", sizeof(struct igvm_vhs_page_data) },
	{ IGVM_VHT_PARAMETER_INSERT, "PARAMETER_INSERT", sizeof(struct igvm_vhs_parameter_insert) },
	{ IGVM_VHT_VP_CONTEXT, "VP_CONTEXT", sizeof(struct igvm_vhs_vp_context) },
	{ IGVM_VHT_REQUIRED_MEMORY, "REQUIRED_MEMORY", sizeof(struct igvm_vhs_required_memory) },
	{ IGVM_VHT_VP_COUNT_PARAMETER, "VP_COUNT_PARAMETER", sizeof(struct igvm_vhs_parameter) },
	{ IGVM_VHT_SRAT, "SRAT", sizeof(struct igvm_vhs_parameter) },
	{ IGVM_VHT_MADT, "MADT", sizeof(struct igvm_vhs_parameter) },
	{ IGVM_VHT_MMIO_RANGES, "MMIO_RANGES", sizeof(struct igvm_vhs_parameter) },
	{ IGVM_VHT_SNP_ID_BLOCK, "SNP_ID_BLOCK", sizeof(struct igvm_vhs_snp_id_block) },
	{ IGVM_VHT_MEMORY_MAP, "MEMORY_MAP", sizeof(struct igvm_vhs_parameter) },
	{ IGVM_VHT_ERROR_RANGE, "ERROR_RANGE", sizeof(struct igvm_vhs_error_range) },
	{ IGVM_VHT_COMMAND_LINE, "COMMAND_LINE", sizeof(struct igvm_vhs_parameter) },
	{ IGVM_VHT_SLIT, "SLIT", sizeof(struct igvm_vhs_parameter) },
	{ IGVM_VHT_PPTT, "PPTT", sizeof(struct igvm_vhs_parameter) },
	{ IGVM_VHT_VBS_MEASUREMENT, "VBS_MEASUREMENT", sizeof(struct igvm_vhs_vbs_measurement) },
	{ IGVM_VHT_DEVICE_TREE, "DEVICE_TREE", sizeof(struct igvm_vhs_parameter) },
	{ IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, "ENVIRONMENT_INFO_PARAMETER", sizeof(struct igvm_vhs_parameter) },
};

static const struct type_info *type_lookup(uint32_t type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

const char *igvm_type_name(uint32_t type)
{
	const struct type_info *t = type_lookup(type & ~IGVM_OPTIONAL_BIT);
	return t ? t->name : NULL;
}

int igvm_type_length(uint32_t type)
{
	const struct type_info *t = type_lookup(type);
	return t ? t->length : -1;
}

bool igvm_type_section(uint32_t type, enum igvm_section *s)
{
	if (type >= IGVM_VHT_RANGE_PLATFORM_START && type <= IGVM_VHT_RANGE_PLATFORM_END)
		*s = IGVM_SECTION_PLATFORM;
	else if (type >= IGVM_VHT_RANGE_INIT_START && type <= IGVM_VHT_RANGE_INIT_END)
		*s = IGVM_SECTION_INITIALIZATION;
	else if (type >= IGVM_VHT_RANGE_DIRECTIVE_START && type <= IGVM_VHT_RANGE_DIRECTIVE_END)
		*s = IGVM_SECTION_DIRECTIVE;
	else
		return false;
	return true;
}

const char *igvm_section_name(enum igvm_section s)
{
	switch (s) {
	case IGVM_SECTION_PLATFORM:
		return "platform";
	case IGVM_SECTION_INITIALIZATION:
		return "initialization";
	case IGVM_SECTION_DIRECTIVE:
		return "directive";
	default:
		return "none";
	}
}

const char *igvm_platform_name(uint8_t platform_type)
{
	static const char *const names[] = {
		[IGVM_PLATFORM_NATIVE] = "NATIVE", [IGVM_PLATFORM_VSM_ISOLATION] = "VSM_ISOLATION",
		[IGVM_PLATFORM_SEV_SNP] = "SEV_SNP", [IGVM_PLATFORM_TDX] = "TDX",
		[IGVM_PLATFORM_SEV] = "SEV",         [IGVM_PLATFORM_SEV_ES] = "SEV_ES",
		[IGVM_PLATFORM_CCA] = "CCA",
	};
	return platform_type <= IGVM_PLATFORM_TYPE_MAX ? names[platform_type] : NULL;
}

const char *igvm_page_data_type_name(uint16_t data_type)
{
	static const char *const names[] = { "NORMAL", "SECRETS", "CPUID_DATA", "CPUID_XF" };
	return data_type <= IGVM_PAGE_DATA_TYPE_MAX ? names[data_type] : NULL;
}

const char *igvm_memory_map_type_name(uint16_t type)
{
	static const char *const names[] = { "MEMORY", "PLATFORM_RESERVED", "PERSISTENT",
					     "VTL2_PROTECTABLE", "SPECIFIC_PURPOSE", "HIDDEN" };
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

bool igvm_header_mask(const struct igvm_header *h, uint32_t *mask)
{
	if (!h->known)
		return false;
	switch (h->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		*mask = h->body.platform.compatibility_mask;
		return true;
	case IGVM_VHT_GUEST_POLICY:
		*mask = h->body.policy.compatibility_mask;
		return true;
	case IGVM_VHT_RELOCATABLE_REGION:
		*mask = h->body.reloc.compatibility_mask;
		return true;
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		*mask = h->body.pt_reloc.compatibility_mask;
		return true;
	case IGVM_VHT_CORIM_DOCUMENT:
	case IGVM_VHT_CORIM_SIGNATURE:
		*mask = h->body.corim.compatibility_mask;
		return true;
	case IGVM_VHT_CCA_POLICY:
		*mask = h->body.cca_policy.compatibility_mask;
		return true;
	case IGVM_VHT_PAGE_DATA:
		*mask = h->body.page.compatibility_mask;
		return true;
	case IGVM_VHT_PARAMETER_INSERT:
		*mask = h->body.insert.compatibility_mask;
		return true;
	case IGVM_VHT_VP_CONTEXT:
		*mask = h->body.vp.compatibility_mask;
		return true;
	case IGVM_VHT_REQUIRED_MEMORY:
		*mask = h->body.required_memory.compatibility_mask;
		return true;
	case IGVM_VHT_ERROR_RANGE:
		*mask = h->body.error_range.compatibility_mask;
		return true;
	case IGVM_VHT_SNP_ID_BLOCK:
	case IGVM_VHT_VBS_MEASUREMENT:
		/* Both start with their u32 mask. */
		if (!h->raw)
			return false;
		memcpy(mask, h->raw, sizeof(*mask));
		return true;
	default:
		return false;
	}
}

bool igvm_header_id_block(const struct igvm_header *h, struct igvm_vhs_snp_id_block *out)
{
	if (!h->known || h->type != IGVM_VHT_SNP_ID_BLOCK || !h->raw || h->length != sizeof(*out))
		return false;
	memcpy(out, h->raw, sizeof(*out));
	return true;
}

bool igvm_header_vbs_measurement(const struct igvm_header *h, struct igvm_vhs_vbs_measurement *out)
{
	if (!h->known || h->type != IGVM_VHT_VBS_MEASUREMENT || !h->raw || h->length != sizeof(*out))
		return false;
	memcpy(out, h->raw, sizeof(*out));
	return true;
}

int igvm_platform_for_mask(const struct igvm_file *f, uint32_t mask)
{
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (h->known && h->type == IGVM_VHT_SUPPORTED_PLATFORM &&
		    h->body.platform.compatibility_mask == mask)
			return h->body.platform.platform_type;
	}
	return -1;
}

void igvm_file_init(struct igvm_file *f, uint32_t format_version, uint32_t architecture)
{
	memset(f, 0, sizeof(*f));
	f->format_version = format_version;
	f->architecture = architecture;
	f->page_size = IGVM_PAGE_SIZE;
}

void igvm_file_free(struct igvm_file *f)
{
	for (size_t i = 0; i < f->owned_count; i++)
		free(f->owned[i]);
	free(f->owned);
	free(f->hdr);
	free(f->warnings);
	memset(f, 0, sizeof(*f));
}

bool igvm_file_own(struct igvm_file *f, void *p)
{
	void **n = realloc(f->owned, (f->owned_count + 1) * sizeof(*n));
	if (!n) {
		free(p);
		return false;
	}
	f->owned = n;
	f->owned[f->owned_count++] = p;
	return true;
}

struct igvm_header *igvm_file_add(struct igvm_file *f, uint32_t type, const void *body,
				  const void *data, uint32_t data_len)
{
	int len = igvm_type_length(type);
	enum igvm_section s;
	if (len < 0 || !igvm_type_section(type, &s))
		return NULL;
	if (f->count == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct igvm_header *n = realloc(f->hdr, cap * sizeof(*n));
		if (!n)
			return NULL;
		f->hdr = n;
		f->cap = cap;
	}
	struct igvm_header *h = &f->hdr[f->count++];
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->length = (uint32_t)len;
	h->section = s;
	h->known = true;
	if ((size_t)len <= sizeof(h->body)) {
		memcpy(&h->body, body, (size_t)len);
	} else {
		/* Large bodies live outside the union (see igvm.h); keep a copy. */
		void *copy = malloc((size_t)len);
		if (!copy || !igvm_file_own(f, copy)) {
			f->count--;
			return NULL;
		}
		memcpy(copy, body, (size_t)len);
		h->raw = copy;
	}
	h->data = data_len ? data : NULL;
	h->data_len = data ? data_len : 0;
	f->section_count[s]++;
	return h;
}
