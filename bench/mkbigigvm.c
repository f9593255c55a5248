/* SPDX-License-Identifier: MIT */
/*
 * mkbigigvm — writes a large SEV-SNP IGVM file for `make bench`.
 *
 *   mkbigigvm OUT [PAGES [coconut]]   (default 25600 pages = 100 MiB of page data)
 *
 * The default layout looks like what an SVSM or firmware build produces,
 * laid out the way KVM needs it: SNP platform and guest policy, a parameter
 * area inserted first, PAGES pages of data, the VMSA last at KVM's fixed
 * GPA. Page contents come from a fixed-seed xorshift generator:
 * random-looking (so the writer's de-duplication cannot shrink the file) and
 * the same on every run.
 *
 * "coconut" lays the file out as COCONUT-SVSM's igvmbuilder does for an SVSM
 * with a file system and OVMF: every directive carries a compatibility mask
 * of four platforms (0xF) while the file declares only SEV-SNP (so each draws
 * warning.mask-no-platform), stage-2 and kernel pages at low addresses, a
 * CPUID and a secrets page, the file-system image (PAGES - 1024 pages) in
 * which every 16th page is all zeros (the writer stores that page once, so
 * the data of those headers is not contiguous with their neighbours'), the
 * 4 MiB OVMF image ending at 4 GiB, a parameter area, and the VMSA.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "../format/igvm.h"

#define PAGE 4096u
#define DATA_GPA 0x100000ull
#define VMSA_GPA 0xFFFFFFFFF000ull

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t x = seed | 1;
	for (size_t i = 0; i + 8 <= n; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
}

static int build(struct igvm_file *f, const uint8_t *data, size_t pages, const struct igvm_sev_vmsa *vmsa)
{
	struct igvm_vhs_supported_platform plat = { 1, 0, IGVM_PLATFORM_SEV_SNP, 1, 0 };
	struct igvm_vhs_guest_policy pol = { 0x30000, 1, 0 };
	struct igvm_vhs_parameter_area area = { PAGE, 0, 0 };
	struct igvm_vhs_parameter count = { 0, 0 };
	struct igvm_vhs_parameter_insert ins = { 0x10000, 1, 0 };
	struct igvm_vhs_vp_context vp = { VMSA_GPA, 1, 0, 0, 0 };
	if (!igvm_file_add(f, IGVM_VHT_SUPPORTED_PLATFORM, &plat, NULL, 0) ||
	    !igvm_file_add(f, IGVM_VHT_GUEST_POLICY, &pol, NULL, 0) ||
	    !igvm_file_add(f, IGVM_VHT_PARAMETER_AREA, &area, NULL, 0) ||
	    !igvm_file_add(f, IGVM_VHT_VP_COUNT_PARAMETER, &count, NULL, 0) ||
	    !igvm_file_add(f, IGVM_VHT_PARAMETER_INSERT, &ins, NULL, 0))
		return -1;
	for (size_t i = 0; i < pages; i++) {
		struct igvm_vhs_page_data pd = { DATA_GPA + i * PAGE, 1, 0, 0, IGVM_PAGE_DATA_NORMAL, 0 };
		if (!igvm_file_add(f, IGVM_VHT_PAGE_DATA, &pd, data + i * PAGE, PAGE))
			return -1;
	}
	return igvm_file_add(f, IGVM_VHT_VP_CONTEXT, &vp, vmsa, sizeof(*vmsa)) ? 0 : -1;
}

/* COCONUT igvmbuilder's shape (see the top of this file). */
#define COCONUT_MASK 0xFu
#define OVMF_PAGES 1024u

static int add_pages(struct igvm_file *f, uint64_t gpa, const uint8_t *data, size_t pages, uint16_t type)
{
	for (size_t i = 0; i < pages; i++) {
		struct igvm_vhs_page_data pd = { gpa + i * PAGE, COCONUT_MASK, 0, 0, type, 0 };
		if (!igvm_file_add(f, IGVM_VHT_PAGE_DATA, &pd, data ? data + i * PAGE : NULL, data ? PAGE : 0))
			return -1;
	}
	return 0;
}

static int build_coconut(struct igvm_file *f, uint8_t *data, size_t pages, const struct igvm_sev_vmsa *vmsa)
{
	struct igvm_vhs_supported_platform plat = { 1, 0, IGVM_PLATFORM_SEV_SNP, 1, 0 };
	struct igvm_vhs_guest_policy pol = { 0x30000, COCONUT_MASK, 0 };
	struct igvm_vhs_parameter_area area = { PAGE, 0, 0 };
	struct igvm_vhs_parameter count = { 0, 0 };
	struct igvm_vhs_parameter_insert ins = { 0x9000, COCONUT_MASK, 0 };
	struct igvm_vhs_vp_context vp = { VMSA_GPA, 1, 0, 0, 0 }; /* one platform per VP context */
	if (pages < OVMF_PAGES + 64)
		return -1;
	size_t fs = pages - OVMF_PAGES - 32; /* 32 pages of stage 2 and kernel */
	for (size_t i = 0; i < fs; i += 16)
		memset(data + (32 + i) * PAGE, 0, PAGE);
	if (!igvm_file_add(f, IGVM_VHT_SUPPORTED_PLATFORM, &plat, NULL, 0) ||
	    !igvm_file_add(f, IGVM_VHT_GUEST_POLICY, &pol, NULL, 0) ||
	    !igvm_file_add(f, IGVM_VHT_PARAMETER_AREA, &area, NULL, 0) ||
	    !igvm_file_add(f, IGVM_VHT_VP_COUNT_PARAMETER, &count, NULL, 0) ||
	    add_pages(f, 0x10000, data, 32, IGVM_PAGE_DATA_NORMAL) ||
	    add_pages(f, 0x8000, NULL, 1, IGVM_PAGE_DATA_CPUID_DATA) ||
	    add_pages(f, 0xA000, NULL, 1, IGVM_PAGE_DATA_SECRETS) ||
	    add_pages(f, 0x1000000, data + 32 * PAGE, fs, IGVM_PAGE_DATA_NORMAL) ||
	    add_pages(f, 0x100000000ull - OVMF_PAGES * PAGE, data + (32 + fs) * PAGE, OVMF_PAGES,
		      IGVM_PAGE_DATA_NORMAL) ||
	    !igvm_file_add(f, IGVM_VHT_PARAMETER_INSERT, &ins, NULL, 0))
		return -1;
	return igvm_file_add(f, IGVM_VHT_VP_CONTEXT, &vp, vmsa, sizeof(*vmsa)) ? 0 : -1;
}

int main(int argc, char **argv)
{
	ib_progname = "mkbigigvm";
	if (argc < 2 || argc > 4 || (argc == 4 && strcmp(argv[3], "coconut"))) {
		fprintf(stderr, "usage: mkbigigvm OUT [PAGES [coconut]]\n");
		return IB_EXIT_USAGE;
	}
	bool coconut = argc == 4;
	char *end;
	unsigned long pages = argc >= 3 ? strtoul(argv[2], &end, 10) : 25600;
	if (argc >= 3 && (*end || pages == 0 || pages > 1000000 || (coconut && pages < OVMF_PAGES + 64))) {
		ib_err("PAGES must be 1 to 1000000 (at least %u for the coconut layout)", OVMF_PAGES + 64);
		return IB_EXIT_USAGE;
	}
	_cleanup_free_ uint8_t *data = malloc(pages * PAGE);
	_cleanup_free_ struct igvm_sev_vmsa *vmsa = calloc(1, sizeof(*vmsa));
	if (!data || !vmsa) {
		ib_err("out of memory");
		return IB_EXIT_INTERNAL;
	}
	fill(data, pages * PAGE, 0x243F6A8885A308D3ull);
	vmsa->cr0 = 0x31;
	vmsa->efer = 0x1000;
	vmsa->sev_features = 0x21;
	vmsa->rip = 0x10000;

	struct igvm_file f;
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	struct ib_buf out = IB_BUF_INIT;
	struct igvm_diag d;
	int rc = IB_EXIT_OK;
	if (coconut ? build_coconut(&f, data, pages, vmsa) : build(&f, data, pages, vmsa)) {
		ib_err("out of memory");
		rc = IB_EXIT_INTERNAL;
	} else if (igvm_write(&f, &out, &d)) {
		ib_err("%s: %s", igvm_rule_name(d.rule), d.detail);
		rc = IB_EXIT_INTERNAL;
	} else {
		int r = ib_write_file_atomic(argv[1], out.p, out.len, 0644);
		if (r) {
			ib_err("%s: %s", argv[1], strerror(-r));
			rc = IB_EXIT_IO;
		}
	}
	ib_buf_free(&out);
	igvm_file_free(&f);
	return rc;
}
