/* SPDX-License-Identifier: MIT */
/*
 * build_ovmf.c — placing OVMF at the top of 4 GiB and telling the SVSM core
 * where the firmware wants its SEV pages.
 *
 * The parsing is measure/ovmf.c's (the same code igvmmeasure uses), which
 * already refuses tables and metadata that lie about themselves (entries off
 * the file, overlapping or unaligned sections, unknown types). What is added
 * here is the build's own rule: nothing the firmware claims — its image or
 * any metadata section — may overlap a region the SVSM owns (stage 2, the
 * launch pages, the boot stack, the kernel region), because the core would
 * otherwise hand its own memory to the firmware at VMPL2.
 */
#include "build.h"

#include <errno.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/status.h"
#include "../format/launch_info.h"
#include "../measure/ovmf.h"

struct range {
	uint64_t start, size;
	const char *what;
};

static bool overlap(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
	return a < b + bl && b < a + al;
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

int build_ovmf_place(const char *path, const uint8_t *data, size_t len, const struct build_config *cfg,
		     struct launch_info *li)
{
	if (len == 0 || len % BUILD_PAGE) {
		ib_err("%s: size %zu is not a non-zero multiple of 4 KiB", path, len);
		return IB_EXIT_INVALID;
	}
	/* Reference builder rule: OVMF must fit in [3 GiB, 4 GiB). */
	if (len > (1ull << 30)) {
		ib_err("%s: %zu bytes: firmware placed below 4 GiB must be at most 1 GiB", path, len);
		return IB_EXIT_INVALID;
	}
	_cleanup_(ovmf_image_free) struct ovmf_image img;
	struct ovmf_error err;
	memset(&img, 0, sizeof(img));
	memset(&err, 0, sizeof(err));
	int r = ovmf_parse(data, len, BUILD_4G, &img, &err);
	if (r == -ENOMEM)
		return IB_EXIT_INTERNAL;
	if (r) {
		ib_err("%s: offset 0x%llx: %s: %s", path, (unsigned long long)err.offset, err.rule, err.detail);
		return IB_EXIT_INVALID;
	}

	const struct range svsm[] = {
		{ cfg->stage2_base, LAUNCH_STAGE2_MAX_SIZE, "stage 2" },
		{ LAUNCH_INFO_GPA, LAUNCH_BOOT_STACK_GPA + LAUNCH_BOOT_STACK_SIZE - LAUNCH_INFO_GPA,
		  "launch pages and boot stack" },
		{ cfg->kernel_base, cfg->kernel_size, "kernel region" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(svsm); i++)
		if (overlap(img.gpa, len, svsm[i].start, svsm[i].size)) {
			ib_err("%s: firmware at [0x%llx, 4 GiB) overlaps the SVSM %s [0x%llx, 0x%llx)", path,
			       (unsigned long long)img.gpa, svsm[i].what, (unsigned long long)svsm[i].start,
			       (unsigned long long)(svsm[i].start + svsm[i].size));
			return IB_EXIT_INVALID;
		}

	li->fw_gpa = img.gpa;
	li->fw_size = len;
	if (img.has_reset_block)
		li->fw_reset_vector = img.reset_eip;

	struct range pre[64];
	size_t npre = 0;
	for (size_t i = 0; i < img.n_sections; i++) {
		const struct ovmf_section *s = &img.sections[i];
		const char *name = ovmf_section_type_name(s->type);
		for (size_t k = 0; k < ARRAY_SIZE(svsm); k++)
			if (overlap(s->gpa, s->size, svsm[k].start, svsm[k].size)) {
				ib_err("%s: offset 0x%zx: SEV metadata section %s [0x%x, 0x%llx) overlaps the SVSM %s "
				       "[0x%llx, 0x%llx)", path, s->desc_off, name ? name : "?", s->gpa,
				       (unsigned long long)s->gpa + s->size, svsm[k].what,
				       (unsigned long long)svsm[k].start,
				       (unsigned long long)(svsm[k].start + svsm[k].size));
				return IB_EXIT_INVALID;
			}
		uint64_t *slot = NULL;
		switch (s->type) {
		case OVMF_SECTION_SNP_SECRETS: slot = &li->fw_secrets_gpa; break;
		case OVMF_SECTION_CPUID: slot = &li->fw_cpuid_gpa; break;
		case OVMF_SECTION_SVSM_CAA: slot = &li->fw_caa_gpa; break;
		case OVMF_SECTION_SNP_KERNEL_HASHES:
			if (li->fw_kernel_hashes_gpa) {
				ib_err("%s: offset 0x%zx: a second KERNEL_HASHES section", path, s->desc_off);
				return IB_EXIT_INVALID;
			}
			li->fw_kernel_hashes_gpa = s->gpa;
			li->fw_kernel_hashes_size = s->size;
			/* OVMF expects the hashes page validated like SEC memory */
			/* fall through */
		case OVMF_SECTION_SNP_SEC_MEM:
			if (npre == ARRAY_SIZE(pre)) {
				ib_err("%s: offset 0x%zx: more than %zu prevalidated sections", path, s->desc_off,
				       ARRAY_SIZE(pre));
				return IB_EXIT_INVALID;
			}
			pre[npre++] = (struct range){ s->gpa, s->size, name };
			break;
		default:
			break;
		}
		if (slot) {
			if (*slot) {
				ib_err("%s: offset 0x%zx: a second %s section", path, s->desc_off, name ? name : "?");
				return IB_EXIT_INVALID;
			}
			if (s->size != BUILD_PAGE) {
				ib_err("%s: offset 0x%zx: %s section is %u bytes, must be one page", path, s->desc_off,
				       name ? name : "?", s->size);
				return IB_EXIT_INVALID;
			}
			*slot = s->gpa;
		}
	}
	/*
	 * On SNP the core launches the firmware at VMPL2 behind the SVSM: the
	 * firmware finds the SVSM through the secrets page (SVSM fields at
	 * 0x140) and calls it through its calling area, and the core copies the
	 * CPUID page for it. A firmware without these sections (edk2 before
	 * AmdSvsmLib, e.g. Debian 12's 2022.11) cannot run under an SVSM: its
	 * own PVALIDATE at VMPL2 fails and the guest dies. Refuse it here
	 * instead of printing a digest for a guest that cannot boot.
	 */
	if (cfg->snp) {
		const struct {
			const uint64_t *gpa;
			const char *name;
		} need[] = {
			{ &li->fw_caa_gpa, "SVSM_CAA" },
			{ &li->fw_secrets_gpa, "SNP_SECRETS" },
			{ &li->fw_cpuid_gpa, "CPUID" },
		};
		for (size_t i = 0; i < ARRAY_SIZE(need); i++)
			if (!*need[i].gpa) {
				ib_err("%s: SEV metadata: no %s section: the firmware cannot run under the SVSM "
				       "on SEV-SNP (edk2 2024.05 or newer with AmdSvsmLib is needed, e.g. "
				       "Debian 13's ovmf)", path, need[i].name);
				return IB_EXIT_INVALID;
			}
	}
	/* Merge adjacent ranges (ovmf_parse already refused overlaps), as the core validates whole runs. */
	qsort(pre, npre, sizeof(pre[0]), cmp_range);
	size_t out = 0;
	for (size_t i = 0; i < npre; i++) {
		if (out && li->fw_prevalidated[out - 1].gpa + li->fw_prevalidated[out - 1].size == pre[i].start) {
			li->fw_prevalidated[out - 1].size += pre[i].size;
			continue;
		}
		if (out == LAUNCH_FW_MAX_PREVALIDATED) {
			ib_err("%s: the SEV metadata needs more than %u separate prevalidated ranges", path,
			       LAUNCH_FW_MAX_PREVALIDATED);
			return IB_EXIT_INVALID;
		}
		li->fw_prevalidated[out].gpa = pre[i].start;
		li->fw_prevalidated[out].size = pre[i].size;
		out++;
	}
	li->fw_prevalidated_count = (uint32_t)out;
	return 0;
}
