/* SPDX-License-Identifier: MIT */
/*
 * build_tdx.c — the Intel TDX part of an image: the firmware alone (TDVF),
 * no SVSM (there is none for TDX yet).
 *
 * The TDX part is the launch a VMM makes from the firmware's TDX metadata
 * (measure/tdvf.h), written as IGVM directives for the TDX mask, in the
 * metadata's section order:
 *   every page of a section that is not PAGE_AUG becomes a PAGE_DATA;
 *   MR_EXTEND sections are measured pages holding the firmware bytes at
 *     DataOffset + page offset (an all-zero page carries no file data: the
 *     crate's model extends it with zeros, the same records);
 *   other sections are unmeasured pages: the raw bytes (CFV, PAYLOAD_PARAM)
 *     or nothing (TD_HOB, TEMP_MEM: the loader's memory, as in a direct
 *     launch where the VMM writes the TD HOB before adding it);
 *   PAGE_AUG sections (added after the TD runs) and TD_INFO/TD_PARAMS (no
 *     memory) add no directive.
 * So the MRTD of the TDX part in the microsoft/igvm crate's model is, record
 * for record, the MRTD of a direct launch in single-pass order (KVM's);
 * finish_file() in cmd_build.c checks exactly that on every build.
 *
 * The vCPUs start at the reset vector in the TDX module's architectural
 * state: the image has no VP context for TDX, as the format requires.
 */
#include "build.h"

#include <errno.h>
#include <string.h>

#include "../common/status.h"
#include "../measure/tdvf.h"

int build_tdx_parse(const char *path, const uint8_t *fw, size_t len, struct tdvf_image *img)
{
	struct ovmf_error err;
	memset(&err, 0, sizeof(err));
	int r = tdvf_parse(fw, len, img, &err);
	if (r == -ENOMEM) {
		ib_err("out of memory while reading the TDX metadata of %s", path);
		return IB_EXIT_INTERNAL;
	}
	if (r) {
		ib_err("%s: offset 0x%llx: %s: %s", path, (unsigned long long)err.offset, err.rule, err.detail);
		return IB_EXIT_INVALID;
	}
	size_t n = img->n_warnings < TDVF_MAX_WARNINGS ? img->n_warnings : TDVF_MAX_WARNINGS;
	for (size_t i = 0; i < n; i++)
		ib_warn("%s: offset 0x%llx: %s: %s", path, (unsigned long long)img->warnings[i].offset,
			img->warnings[i].rule, img->warnings[i].detail);
	return 0;
}

static bool add(struct igvm_file *f, uint32_t type, const void *body, const void *data, uint32_t len, bool *oom)
{
	if (!igvm_file_add(f, type, body, data, len))
		*oom = true;
	return !*oom;
}

void build_tdx_platform(struct igvm_file *f, bool *oom)
{
	struct igvm_vhs_supported_platform p = { .compatibility_mask = BUILD_MASK_TDX,
						 .platform_type = IGVM_PLATFORM_TDX,
						 .platform_version = 1 };
	add(f, IGVM_VHT_SUPPORTED_PLATFORM, &p, NULL, 0, oom);
}

void build_tdx_policy(const struct build_config *cfg, struct igvm_file *f, bool *oom)
{
	struct igvm_vhs_guest_policy gp = { .policy = cfg->tdx_policy, .compatibility_mask = BUILD_MASK_TDX };
	add(f, IGVM_VHT_GUEST_POLICY, &gp, NULL, 0, oom);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int build_tdx_pages(const struct tdvf_image *img, struct igvm_file *f)
{
	bool oom = false;
	for (size_t i = 0; i < img->n_sections && !oom; i++) {
		const struct tdvf_section *s = &img->sections[i];
		if (s->attributes & TDVF_ATTR_PAGE_AUG)
			continue;
		bool measured = s->attributes & TDVF_ATTR_MR_EXTEND;
		for (uint64_t off = 0; off < s->mem_size && !oom; off += BUILD_PAGE) {
			struct igvm_vhs_page_data pd = { .gpa = s->gpa + off,
							 .compatibility_mask = BUILD_MASK_TDX,
							 .flags = measured ? 0 : IGVM_PAGE_FLAG_UNMEASURED,
							 .data_type = IGVM_PAGE_DATA_NORMAL };
			/* tdvf_parse() checked: a measured section's bytes lie in the file; raw bytes too. */
			const uint8_t *data = NULL;
			uint32_t len = 0;
			uint64_t have = measured ? s->mem_size : s->raw_size;
			if (off < have) {
				data = img->data + s->data_offset + off;
				len = (uint32_t)(have - off < BUILD_PAGE ? have - off : BUILD_PAGE);
				if (all_zero(data, len))
					data = NULL, len = 0;
			}
			add(f, IGVM_VHT_PAGE_DATA, &pd, data, len, &oom);
		}
	}
	if (oom) {
		ib_err("out of memory while laying out the TDX part of the image");
		return IB_EXIT_INTERNAL;
	}
	return 0;
}

int build_tdx_image(const struct build_config *cfg, const struct tdvf_image *img, struct igvm_file *f)
{
	bool oom = false;
	build_tdx_platform(f, &oom);
	build_tdx_policy(cfg, f, &oom);
	if (oom) {
		ib_err("out of memory while laying out the image");
		return IB_EXIT_INTERNAL;
	}
	return build_tdx_pages(img, f);
}
