/* SPDX-License-Identifier: MIT */
/*
 * build_image.c — the guest-physical layout and the IGVM model.
 *
 * Layout (format/launch_info.h is the contract; this file implements it):
 *   stage 2 at cfg->stage2_base; launch information, SNP CPUID and secrets
 *   pages, parameter pages, vTPM blob, boot stack, the native AP start-up
 *   pages and the initial page tables at the fixed low GPAs; the kernel region
 *   holds the ELF image (segments at region base + (V - LAUNCH_KERNEL_VBASE),
 *   gaps and BSS as zero pages) and, right after it, the packed filesystem if any;
 *   OVMF ends at 4 GiB; the SNP VMSA sits at 0xFFFFFFFFF000.
 *
 * Directive order (what QEMU/KVM need, svsm-reference §1.4, §2.3):
 *   REQUIRED_MEMORY for the kernel region; the two parameter areas with their
 *   parameters (VP count, environment info, memory map) and then their
 *   inserts, as QEMU frees an area at its insert; the ID block if any; every
 *   PAGE_DATA sorted by GPA; the native context; the SNP VMSA last, because
 *   KVM measures VMSAs at LAUNCH_FINISH after all pages. With TDX, its own
 *   directives (build_tdx.c, for the TDX mask only) follow, in the TDVF
 *   metadata's order: nothing of SNP's is measured after the VMSA.
 *
 * Every page the image describes is a 4 KiB directive; pages whose contents
 * are all zero carry no file data (QEMU/KVM measure them as NORMAL pages of
 * zeros, so the digest is the same and the file is smaller). The function is
 * a pure function of its inputs: no clock, no addresses, no hash-table order.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/status.h"
#include "../format/launch_info.h"

#define GIB (1ull << 30)
#define TWO_MIB (2ull << 20)

struct page {
	uint64_t gpa;
	uint32_t mask;
	uint16_t data_type;
	const uint8_t *data; /* 4096 bytes, or NULL for a zero page */
	const char *what;
};

struct pages {
	struct page *p;
	size_t n, cap;
	bool oom;
};

static void add_page(struct pages *ps, uint64_t gpa, uint32_t mask, uint16_t type, const uint8_t *data,
		     const char *what)
{
	if (ps->oom)
		return;
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 1024;
		struct page *q = realloc(ps->p, nc * sizeof(*q));
		if (!q) {
			ps->oom = true;
			return;
		}
		ps->p = q;
		ps->cap = nc;
	}
	ps->p[ps->n++] = (struct page){ gpa, mask, type, data, what };
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Adds pages for buf[0..len) at gpa; buf must be padded with zeros to whole pages. */
static void add_blob(struct pages *ps, uint64_t gpa, uint32_t mask, const uint8_t *buf, size_t len, const char *what)
{
	for (size_t off = 0; off < len; off += BUILD_PAGE)
		add_page(ps, gpa + off, mask, IGVM_PAGE_DATA_NORMAL, all_zero(buf + off, BUILD_PAGE) ? NULL : buf + off,
			 what);
}

static int cmp_page(const void *a, const void *b)
{
	const struct page *x = a, *y = b;
	if (x->gpa != y->gpa)
		return x->gpa < y->gpa ? -1 : 1;
	return x->mask < y->mask ? -1 : x->mask > y->mask;
}

/* A page-padded private copy of len bytes; owned by f. */
static uint8_t *own_copy(struct igvm_file *f, const void *src, size_t len, size_t *padded)
{
	size_t n = (len + BUILD_PAGE - 1) / BUILD_PAGE * BUILD_PAGE;
	if (n == 0)
		n = BUILD_PAGE;
	uint8_t *p = calloc(1, n);
	if (!p || !igvm_file_own(f, p))
		return NULL;
	if (len)
		memcpy(p, src, len);
	*padded = n;
	return p;
}

/* The CPUID leaves the PSP validates (inputs only; QEMU/KVM fill the outputs). */
static void fill_cpuid(struct snp_cpuid_page *c)
{
	static const uint32_t leaves[][2] = {
		{ 0x8000001F, 0 }, { 0, 0 }, { 1, 0 }, { 2, 0 }, { 4, 0 }, { 4, 1 }, { 4, 2 }, { 4, 3 },
		{ 5, 0 }, { 6, 0 }, { 7, 0 }, { 7, 1 }, { 0xB, 0 }, { 0xB, 1 }, { 0xD, 0 }, { 0xD, 1 },
		{ 0xD, 2 }, { 0x80000000, 0 }, { 0x80000001, 0 }, { 0x80000002, 0 }, { 0x80000003, 0 },
		{ 0x80000004, 0 }, { 0x80000005, 0 }, { 0x80000006, 0 }, { 0x80000007, 0 }, { 0x80000008, 0 },
		{ 0x8000000A, 0 }, { 0x80000019, 0 }, { 0x8000001A, 0 }, { 0x8000001D, 0 }, { 0x8000001D, 1 },
		{ 0x8000001D, 2 }, { 0x8000001D, 3 }, { 0x8000001E, 0 },
	};
	memset(c, 0, sizeof(*c));
	c->count = (uint32_t)ARRAY_SIZE(leaves);
	for (size_t i = 0; i < ARRAY_SIZE(leaves); i++) {
		c->leaf[i].eax_in = leaves[i][0];
		c->leaf[i].ecx_in = leaves[i][1];
		/* XSAVE size leaves are evaluated for XCR0 = x87 only, the state at entry. */
		if (leaves[i][0] == 0xD && leaves[i][1] <= 1)
			c->leaf[i].xcr0_in = 1;
	}
}

/*
 * The initial page tables, contract in launch_info.h, in order: PML4, the
 * identity PDPT, one identity PD per GiB below identity_map_limit, then for a
 * kernel region outside that range its own PDPT (unless it shares the first
 * 512 GiB with the identity map) and PD, then the higher half's PDPT and PD.
 * Returns the number of pages used, or 0 when more than `max` are needed.
 */
struct pt_builder {
	uint8_t *t;
	uint64_t gpa;
	unsigned used, max;
};

static uint64_t *pt_new(struct pt_builder *b, uint64_t *gpa)
{
	if (b->used == b->max)
		return NULL;
	*gpa = b->gpa + (uint64_t)b->used * BUILD_PAGE;
	return (uint64_t *)(b->t + (size_t)b->used++ * BUILD_PAGE);
}

/* The next-level table under entry `idx` of `table`, created when absent. */
static uint64_t *pt_child(struct pt_builder *b, uint64_t *table, unsigned idx)
{
	if (table[idx] & 1)
		return (uint64_t *)(b->t + ((table[idx] & ~0xFFFull) - b->gpa));
	uint64_t gpa;
	uint64_t *c = pt_new(b, &gpa);
	if (c)
		table[idx] = gpa | LAUNCH_PTE_TABLE;
	return c;
}

/* Maps [va, va + size) to pa in 2 MiB pages; the range must not cross a 1 GiB boundary. */
static int pt_map(struct pt_builder *b, uint64_t *pml4, uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t *pdpt = pt_child(b, pml4, (unsigned)((va >> 39) & 511));
	uint64_t *pd = pdpt ? pt_child(b, pdpt, (unsigned)((va >> 30) & 511)) : NULL;
	if (!pd)
		return -1;
	unsigned l2 = (unsigned)((va >> 21) & 511);
	if (l2 + size / TWO_MIB > 512)
		return -1;
	for (uint64_t e = 0; e < size / TWO_MIB; e++)
		pd[l2 + e] = (pa + e * TWO_MIB) | LAUNCH_PTE_LARGE;
	return 0;
}

static unsigned build_page_tables(uint8_t *t, uint64_t t_gpa, unsigned max, uint64_t ident_limit, uint64_t kbase,
				  uint64_t ksize)
{
	struct pt_builder b = { t, t_gpa, 0, max };
	uint64_t gpa;
	uint64_t *pml4 = pt_new(&b, &gpa);
	if (!pml4)
		return 0;
	for (uint64_t g = 0; g < ident_limit / GIB; g++)
		if (pt_map(&b, pml4, g * GIB, g * GIB, GIB))
			return 0;
	if (kbase + ksize > ident_limit && pt_map(&b, pml4, kbase, kbase, ksize))
		return 0;
	if (pt_map(&b, pml4, LAUNCH_KERNEL_VBASE, kbase, ksize))
		return 0;
	return b.used;
}

static struct igvm_header *add(struct igvm_file *f, uint32_t type, const void *body, const void *data, uint32_t len,
			       bool *oom)
{
	struct igvm_header *h = igvm_file_add(f, type, body, data, len);
	if (!h)
		*oom = true;
	return h;
}

int build_image_make(const struct build_config *cfg, const struct build_elf *elf, const struct build_blobs *b,
		     const struct igvm_vhs_snp_id_block *idb, const struct tdvf_image *tdx, struct igvm_file *f,
		     struct launch_info *li_out)
{
	const char *kpath = cfg->kernel.path;
	const uint32_t all = (cfg->snp ? BUILD_MASK_SNP : 0) | (cfg->native ? BUILD_MASK_NATIVE : 0);
	const uint64_t vb = LAUNCH_KERNEL_VBASE;
	bool oom = false;
	int rc = IB_EXIT_INTERNAL;
	struct pages ps = { 0 };

	/* ---- kernel region: image, then page tables ---- */
	if (elf->vaddr_start < vb || elf->vaddr_end - vb > cfg->kernel_size) {
		ib_err("%s: PT_LOAD segments span [0x%llx, 0x%llx), outside the kernel region's virtual range "
		       "[0x%llx, 0x%llx)", kpath, (unsigned long long)elf->vaddr_start,
		       (unsigned long long)elf->vaddr_end, (unsigned long long)vb,
		       (unsigned long long)(vb + cfg->kernel_size));
		return IB_EXIT_INVALID;
	}
	uint64_t image_size = elf->vaddr_end - vb;
	/* The packed filesystem follows the image, page aligned (launch_info.h says why there). */
	uint64_t fs_len = b->fs ? (b->fs_len + BUILD_PAGE - 1) / BUILD_PAGE * BUILD_PAGE : 0;
	uint64_t populated = image_size + fs_len;
	if (populated > cfg->kernel_size || cfg->kernel_size - populated < LAUNCH_KERNEL_POOL_MIN) {
		if (b->fs)
			ib_err("%s: the kernel image (0x%llx bytes) and the filesystem (0x%llx bytes) leave less than "
			       "0x%llx bytes of the 0x%llx-byte kernel region for the page pool; make the kernel region "
			       "larger (<kernel-region size>, --kernel-size)", cfg->filesystem.path,
			       (unsigned long long)image_size, (unsigned long long)fs_len,
			       (unsigned long long)LAUNCH_KERNEL_POOL_MIN, (unsigned long long)cfg->kernel_size);
		else
			ib_err("%s: the kernel image (0x%llx bytes) leaves less than 0x%llx bytes of the 0x%llx-byte "
			       "kernel region for the page pool", kpath, (unsigned long long)image_size,
			       (unsigned long long)LAUNCH_KERNEL_POOL_MIN, (unsigned long long)cfg->kernel_size);
		return IB_EXIT_INVALID;
	}
	uint8_t *kimg = calloc(1, populated);
	if (!kimg || !igvm_file_own(f, kimg))
		return IB_EXIT_INTERNAL;
	for (size_t i = 0; i < elf->count; i++)
		memcpy(kimg + (elf->seg[i].vaddr - vb), elf->seg[i].data, elf->seg[i].filesz);
	if (b->fs)
		memcpy(kimg + image_size, b->fs, b->fs_len);

	/* Page tables in the low launch area: stage 2 patches them in 32-bit mode, below 4 GiB.
	 * The identity map covers the low launch pages, and the region too when it lies low. */
	uint64_t ident_limit = LAUNCH_IDENTITY_MAP_LIMIT;
	if (cfg->kernel_base + cfg->kernel_size <= BUILD_4G)
		ident_limit = (cfg->kernel_base + cfg->kernel_size + GIB - 1) / GIB * GIB;
	if (ident_limit < LAUNCH_IDENTITY_MAP_LIMIT)
		ident_limit = LAUNCH_IDENTITY_MAP_LIMIT;
	uint8_t *ptp = calloc(LAUNCH_PAGE_TABLES_MAX, BUILD_PAGE);
	if (!ptp || !igvm_file_own(f, ptp))
		return IB_EXIT_INTERNAL;
	const uint64_t pt_gpa = LAUNCH_PAGE_TABLES_GPA;
	unsigned pt_count = build_page_tables(ptp, pt_gpa, LAUNCH_PAGE_TABLES_MAX, ident_limit, cfg->kernel_base,
					      cfg->kernel_size);
	if (!pt_count) {
		ib_err("%s: layout: the kernel region 0x%llx+0x%llx needs more than %u initial page-table pages",
		       cfg->template_path, (unsigned long long)cfg->kernel_base, (unsigned long long)cfg->kernel_size,
		       LAUNCH_PAGE_TABLES_MAX);
		return IB_EXIT_INVALID;
	}

	/* ---- launch information ---- */
	struct launch_info li;
	memset(&li, 0, sizeof(li));
	li.magic = LAUNCH_INFO_MAGIC;
	li.version = LAUNCH_INFO_VERSION;
	li.size = LAUNCH_INFO_SIZE;
	li.debug_serial_port = cfg->serial_port;
	if (cfg->debug_exit_port) {
		li.flags |= LAUNCH_FLAG_DEBUG_EXIT;
		li.debug_exit_port = cfg->debug_exit_port;
	}
	li.stage2_gpa = cfg->stage2_base;
	li.stage2_size = (b->stage2_len + BUILD_PAGE - 1) / BUILD_PAGE * BUILD_PAGE;
	li.kernel_region_gpa = cfg->kernel_base;
	li.kernel_region_size = cfg->kernel_size;
	li.kernel_populated_size = populated;
	li.kernel_vbase = vb;
	li.kernel_entry = elf->entry;
	li.kernel_image_size = image_size;
	li.page_table_gpa = pt_gpa;
	li.page_table_count = pt_count;
	li.identity_map_limit = ident_limit;
	li.boot_stack_gpa = LAUNCH_BOOT_STACK_GPA;
	li.boot_stack_size = LAUNCH_BOOT_STACK_SIZE;
	li.memory_map_gpa = LAUNCH_MEMORY_MAP_GPA;
	li.memory_map_size = LAUNCH_MEMORY_MAP_SIZE;
	li.vp_count_gpa = LAUNCH_PARAMS_GPA;
	li.env_info_gpa = LAUNCH_PARAMS_GPA + 4;
	if (cfg->snp) {
		li.cpuid_page_gpa = LAUNCH_CPUID_GPA;
		li.secrets_page_gpa = LAUNCH_SECRETS_GPA;
	}
	if (cfg->native)
		li.ap_trampoline_gpa = LAUNCH_AP_TRAMPOLINE_GPA;
	if (b->vtpm) {
		li.vtpm_config_gpa = LAUNCH_VTPM_CONFIG_GPA;
		li.vtpm_config_size = b->vtpm_len;
	}
	if (b->fs) {
		li.fs_gpa = cfg->kernel_base + image_size;
		li.fs_size = fs_len;
	}
	if (b->fw) {
		int r = build_ovmf_place(cfg->firmware.path, b->fw, b->fw_len, cfg, &li);
		if (r)
			return r;
	}
	if (b->stage2_len == 0 || b->stage2_len > LAUNCH_STAGE2_MAX_SIZE) {
		ib_err("%s: stage 2 is %zu bytes; it must be 1..%llu bytes", cfg->stage2.path, b->stage2_len,
		       (unsigned long long)LAUNCH_STAGE2_MAX_SIZE);
		return IB_EXIT_INVALID;
	}
	if (b->vtpm_len > LAUNCH_VTPM_CONFIG_MAX) {
		ib_err("%s: the compiled vTPM configuration is %zu bytes, more than the %llu-byte area",
		       cfg->vtpm_manifest.path, b->vtpm_len, (unsigned long long)LAUNCH_VTPM_CONFIG_MAX);
		return IB_EXIT_INVALID;
	}
	*li_out = li;

	/* ---- pages ---- */
	size_t n;
	uint8_t *s2 = own_copy(f, b->stage2, b->stage2_len, &n);
	uint8_t *lip = own_copy(f, &li, sizeof(li), &(size_t){ 0 });
	if (!s2 || !lip)
		goto out;
	add_blob(&ps, cfg->stage2_base, all, s2, n, "stage 2");
	add_page(&ps, LAUNCH_INFO_GPA, all, IGVM_PAGE_DATA_NORMAL, lip, "launch information");
	if (cfg->snp) {
		uint8_t *cp = own_copy(f, NULL, 0, &(size_t){ 0 });
		if (!cp)
			goto out;
		fill_cpuid((struct snp_cpuid_page *)cp);
		add_page(&ps, LAUNCH_CPUID_GPA, BUILD_MASK_SNP, IGVM_PAGE_DATA_CPUID_DATA, cp, "CPUID page");
		add_page(&ps, LAUNCH_SECRETS_GPA, BUILD_MASK_SNP, IGVM_PAGE_DATA_SECRETS, NULL, "secrets page");
	}
	if (b->vtpm) {
		uint8_t *vt = own_copy(f, b->vtpm, b->vtpm_len, &n);
		if (!vt)
			goto out;
		add_blob(&ps, LAUNCH_VTPM_CONFIG_GPA, all, vt, n, "vTPM configuration");
	}
	for (uint64_t o = 0; o < LAUNCH_BOOT_STACK_SIZE; o += BUILD_PAGE)
		add_page(&ps, LAUNCH_BOOT_STACK_GPA + o, all, IGVM_PAGE_DATA_NORMAL, NULL, "boot stack");
	/* Native only: SNP application processors start from VMSAs, not from a SIPI page. */
	for (uint64_t o = 0; cfg->native && o < LAUNCH_AP_TRAMPOLINE_SIZE; o += BUILD_PAGE)
		add_page(&ps, LAUNCH_AP_TRAMPOLINE_GPA + o, BUILD_MASK_NATIVE, IGVM_PAGE_DATA_NORMAL, NULL,
			 "AP start-up pages");
	add_blob(&ps, pt_gpa, all, ptp, (size_t)pt_count * BUILD_PAGE, "initial page tables");
	add_blob(&ps, cfg->kernel_base, all, kimg, image_size, "kernel region");
	if (b->fs)
		add_blob(&ps, li.fs_gpa, all, kimg + image_size, fs_len, "filesystem");
	if (b->fw && cfg->snp)
		/* OVMF is page data as is; the buffer is the caller's and a multiple of 4 KiB. Only
		 * the SNP core launches it (at VMPL2): the native platform has no use for it. */
		add_blob(&ps, li.fw_gpa, BUILD_MASK_SNP, b->fw, b->fw_len, "firmware");
	if (ps.oom)
		goto out;
	qsort(ps.p, ps.n, sizeof(*ps.p), cmp_page);
	for (size_t i = 1; i < ps.n; i++)
		if (ps.p[i].gpa == ps.p[i - 1].gpa && (ps.p[i].mask & ps.p[i - 1].mask)) {
			ib_err("%s: layout: the %s and the %s both claim GPA 0x%llx", cfg->template_path,
			       ps.p[i - 1].what, ps.p[i].what, (unsigned long long)ps.p[i].gpa);
			rc = IB_EXIT_INVALID;
			goto out;
		}

	/* ---- headers ---- */
	if (cfg->snp) {
		struct igvm_vhs_supported_platform p = { .compatibility_mask = BUILD_MASK_SNP,
							 .highest_vtl = b->fw ? 2 : 0,
							 .platform_type = IGVM_PLATFORM_SEV_SNP,
							 .platform_version = 1 };
		add(f, IGVM_VHT_SUPPORTED_PLATFORM, &p, NULL, 0, &oom);
	}
	if (tdx)
		build_tdx_platform(f, &oom);
	if (cfg->native) {
		struct igvm_vhs_supported_platform p = { .compatibility_mask = BUILD_MASK_NATIVE,
							 .platform_type = IGVM_PLATFORM_NATIVE,
							 .platform_version = 1 };
		add(f, IGVM_VHT_SUPPORTED_PLATFORM, &p, NULL, 0, &oom);
	}
	if (cfg->snp) {
		struct igvm_vhs_guest_policy gp = { .policy = cfg->policy, .compatibility_mask = BUILD_MASK_SNP };
		add(f, IGVM_VHT_GUEST_POLICY, &gp, NULL, 0, &oom);
	}
	if (tdx)
		build_tdx_policy(cfg, f, &oom);
	struct igvm_vhs_required_memory rm = { .gpa = cfg->kernel_base,
					       .compatibility_mask = all,
					       .number_of_bytes = (uint32_t)cfg->kernel_size };
	add(f, IGVM_VHT_REQUIRED_MEMORY, &rm, NULL, 0, &oom);

	struct igvm_vhs_parameter_area pa0 = { .number_of_bytes = BUILD_PAGE, .parameter_area_index = 0 };
	struct igvm_vhs_parameter_area pa1 = { .number_of_bytes = LAUNCH_MEMORY_MAP_SIZE, .parameter_area_index = 1 };
	struct igvm_vhs_parameter vpc = { 0, 0 }, env = { 0, 4 }, mm = { 1, 0 };
	struct igvm_vhs_parameter_insert in0 = { .gpa = LAUNCH_PARAMS_GPA, .compatibility_mask = all,
						 .parameter_area_index = 0 };
	struct igvm_vhs_parameter_insert in1 = { .gpa = LAUNCH_MEMORY_MAP_GPA, .compatibility_mask = all,
						 .parameter_area_index = 1 };
	add(f, IGVM_VHT_PARAMETER_AREA, &pa0, NULL, 0, &oom);
	add(f, IGVM_VHT_VP_COUNT_PARAMETER, &vpc, NULL, 0, &oom);
	add(f, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, &env, NULL, 0, &oom);
	add(f, IGVM_VHT_PARAMETER_INSERT, &in0, NULL, 0, &oom);
	add(f, IGVM_VHT_PARAMETER_AREA, &pa1, NULL, 0, &oom);
	add(f, IGVM_VHT_MEMORY_MAP, &mm, NULL, 0, &oom);
	add(f, IGVM_VHT_PARAMETER_INSERT, &in1, NULL, 0, &oom);
	if (idb)
		add(f, IGVM_VHT_SNP_ID_BLOCK, idb, NULL, 0, &oom);

	for (size_t i = 0; i < ps.n && !oom; i++) {
		struct igvm_vhs_page_data pd = { .gpa = ps.p[i].gpa,
						 .compatibility_mask = ps.p[i].mask,
						 .data_type = ps.p[i].data_type };
		add(f, IGVM_VHT_PAGE_DATA, &pd, ps.p[i].data, ps.p[i].data ? BUILD_PAGE : 0, &oom);
	}

	if (cfg->native) {
		uint8_t *ctx = own_copy(f, NULL, 0, &(size_t){ 0 });
		if (!ctx)
			goto out;
		build_vp_native(&li, (struct igvm_native_vp_context_x64 *)ctx);
		struct igvm_vhs_vp_context vp = { .gpa = 0, .compatibility_mask = BUILD_MASK_NATIVE };
		add(f, IGVM_VHT_VP_CONTEXT, &vp, ctx, BUILD_PAGE, &oom);
	}
	if (cfg->snp) {
		uint8_t *vm = own_copy(f, NULL, 0, &(size_t){ 0 });
		if (!vm)
			goto out;
		build_vp_snp_vmsa(cfg, &li, (struct igvm_sev_vmsa *)vm);
		struct igvm_vhs_vp_context vp = { .gpa = BUILD_VMSA_GPA, .compatibility_mask = BUILD_MASK_SNP };
		add(f, IGVM_VHT_VP_CONTEXT, &vp, vm, BUILD_PAGE, &oom);
	}
	if (tdx && !oom && (rc = build_tdx_pages(tdx, f)))
		goto out_quiet;
	rc = oom ? IB_EXIT_INTERNAL : 0;
out:
	if (rc == IB_EXIT_INTERNAL)
		ib_err("out of memory while laying out the image");
out_quiet:
	free(ps.p);
	return rc;
}
