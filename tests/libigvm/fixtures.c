/* SPDX-License-Identifier: MIT */
/*
 * fixtures.c — IGVM test files built with the project's writer (see fixtures.h).
 */
#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../format/igvm.h"

/* A file under construction; the first failure sticks and is reported once. */
struct fb {
	struct igvm_file f;
	const char *name;
	bool failed;
};

static void fb_init(struct fb *b, const char *name, uint32_t version, uint32_t arch)
{
	igvm_file_init(&b->f, version, arch);
	b->name = name;
	b->failed = false;
}

/* Zeroed memory owned by the file (freed with it), or NULL after marking failure. */
static uint8_t *blob(struct fb *b, size_t n)
{
	uint8_t *p = calloc(1, n ? n : 1);
	if (!p || !igvm_file_own(&b->f, p)) {
		b->failed = true;
		return NULL;
	}
	return p;
}

static void add(struct fb *b, uint32_t type, const void *body, const void *data, uint32_t len)
{
	if (!b->failed && !igvm_file_add(&b->f, type, body, data, len)) {
		fprintf(stderr, "fixture %s: cannot add header 0x%x\n", b->name, type);
		b->failed = true;
	}
}

static void platform(struct fb *b, uint32_t mask, uint8_t type, uint8_t vtl)
{
	struct igvm_vhs_supported_platform p = { mask, vtl, type, 1, 0 };
	add(b, IGVM_VHT_SUPPORTED_PLATFORM, &p, NULL, 0);
}

static void policy(struct fb *b, uint64_t value, uint32_t mask)
{
	struct igvm_vhs_guest_policy p = { value, mask, 0 };
	add(b, IGVM_VHT_GUEST_POLICY, &p, NULL, 0);
}

static void page(struct fb *b, uint64_t gpa, uint32_t mask, uint32_t flags, uint16_t type, const uint8_t *data,
		 uint32_t len)
{
	struct igvm_vhs_page_data p = { gpa, mask, 0, flags, type, 0 };
	add(b, IGVM_VHT_PAGE_DATA, &p, data, len);
}

/* A page of `fill`, or of printable text when fill is 0 (so the dump's ASCII column has content). */
static uint8_t *page_bytes(struct fb *b, uint8_t fill)
{
	uint8_t *p = blob(b, IGVM_PAGE_SIZE);
	if (!p)
		return NULL;
	for (size_t i = 0; i < IGVM_PAGE_SIZE; i++)
		p[i] = fill ? fill : (uint8_t)(' ' + i % 95);
	return p;
}

static void area(struct fb *b, uint64_t size, uint32_t index, const uint8_t *data, uint32_t len)
{
	struct igvm_vhs_parameter_area a = { size, index, 0 };
	add(b, IGVM_VHT_PARAMETER_AREA, &a, data, len);
}

static void param(struct fb *b, uint32_t type, uint32_t index, uint32_t offset)
{
	struct igvm_vhs_parameter p = { index, offset };
	add(b, type, &p, NULL, 0);
}

static void insert(struct fb *b, uint64_t gpa, uint32_t mask, uint32_t index)
{
	struct igvm_vhs_parameter_insert in = { gpa, mask, index };
	add(b, IGVM_VHT_PARAMETER_INSERT, &in, NULL, 0);
}

static void vp(struct fb *b, uint64_t gpa, uint32_t mask, uint16_t vp_index, uint16_t reserved, const uint8_t *data,
	       uint32_t len)
{
	struct igvm_vhs_vp_context v = { gpa, mask, 0, vp_index, reserved };
	add(b, IGVM_VHT_VP_CONTEXT, &v, data, len);
}

static int finish(struct fb *b, struct ib_buf *out)
{
	struct igvm_diag d;
	int r = -1;
	if (b->failed)
		fprintf(stderr, "fixture %s: out of memory\n", b->name);
	else if (igvm_write(&b->f, out, &d))
		fprintf(stderr, "fixture %s: %s: %s\n", b->name, igvm_rule_name(d.rule), d.detail);
	else
		r = 0;
	igvm_file_free(&b->f);
	return r;
}

/* ---- the file of microsoft/igvm's C unit tests (spec §10.1) ------------------------- */

int fx_conformance(struct ib_buf *out)
{
	struct fb b;
	fb_init(&b, "conformance", 1, IGVM_ARCH_X64);
	platform(&b, 0x1, IGVM_PLATFORM_VSM_ISOLATION, 0);
	policy(&b, 0x30000, 0x1);
	policy(&b, 0x30000, 0x2);
	const uint8_t *d[4];
	for (int i = 0; i < 4; i++)
		d[i] = page_bytes(&b, (uint8_t)(i + 1));
	static const uint64_t pages[8] = { 0, 1, 2, 4, 10, 11, 12, 14 };
	for (int i = 0; i < 8; i++)
		page(&b, pages[i] * IGVM_PAGE_SIZE, 0x1, 0, IGVM_PAGE_DATA_NORMAL, d[i % 4], IGVM_PAGE_SIZE);
	area(&b, 4096, 0, NULL, 0);
	param(&b, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0);
	insert(&b, 20 * IGVM_PAGE_SIZE, 0x1, 0);
	return finish(&b, out);
}

/* ---- SEV-SNP, SEV-ES and native: only headers QEMU's loader handles ----------------- */

static int fx_snp(struct ib_buf *out)
{
	struct fb b;
	fb_init(&b, "snp", 1, IGVM_ARCH_X64);
	platform(&b, 0x1, IGVM_PLATFORM_SEV_SNP, 0);
	platform(&b, 0x2, IGVM_PLATFORM_NATIVE, 0);
	platform(&b, 0x4, IGVM_PLATFORM_SEV_ES, 0);
	policy(&b, 0x30000, 0x1);
	policy(&b, 0x70000, 0x4);

	/* A run of four pages for every platform, then pages that split QEMU's regions. */
	for (int i = 0; i < 4; i++)
		page(&b, (uint64_t)i * IGVM_PAGE_SIZE, 0x7, 0, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, (uint8_t)(0x10 + i)),
		     IGVM_PAGE_SIZE);
	page(&b, 0x4000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, NULL, 0); /* zero pages: a ZERO region */
	page(&b, 0x5000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, NULL, 0);
	page(&b, 0x6000, 0x1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0), IGVM_PAGE_SIZE);
	page(&b, 0x7000, 0x1, 0, IGVM_PAGE_DATA_SECRETS, NULL, 0);
	uint8_t *cpuid = blob(&b, 64);
	if (cpuid)
		for (int i = 0; i < 64; i++)
			cpuid[i] = (uint8_t)(i * 7);
	page(&b, 0x8000, 0x1, 0, IGVM_PAGE_DATA_CPUID_DATA, cpuid, 64); /* short data: padded by the writer */
	page(&b, 0x9000, 0x1, 0x100, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0x99), IGVM_PAGE_SIZE); /* undefined flag bit */
	page(&b, 0xA000, 0x1, IGVM_PAGE_FLAG_SHARED, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0xAA), IGVM_PAGE_SIZE);
	page(&b, 0xB000, 0x2, 0, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0x22), IGVM_PAGE_SIZE); /* native only */

	uint8_t *init = blob(&b, 100);
	if (init)
		memset(init, 0xE1, 100);
	area(&b, 0x2000, 0, init, 100); /* initial data: QEMU ignores it, the API returns it padded */
	param(&b, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0);
	param(&b, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, 0, 8);
	area(&b, 0x1000, 1, NULL, 0);
	param(&b, IGVM_VHT_MEMORY_MAP, 1, 0);
	insert(&b, 0x20000, 0x7, 0);
	insert(&b, 0x30000, 0x7, 1);

	struct igvm_vhs_required_memory rm = { 0x100000, 0x1, 0x10000, IGVM_REQUIRED_MEMORY_VTL2_PROTECTABLE | 0x80, 0 };
	add(&b, IGVM_VHT_REQUIRED_MEMORY, &rm, NULL, 0);

	struct igvm_vhs_snp_id_block id;
	memset(&id, 0, sizeof(id));
	id.compatibility_mask = 0x1;
	id.author_key_enabled = 1;
	id.reserved[0] = 1, id.reserved[1] = 2, id.reserved[2] = 3;
	for (int i = 0; i < 48; i++)
		id.ld[i] = (uint8_t)(0xA0 + i);
	for (int i = 0; i < 16; i++) {
		id.family_id[i] = (uint8_t)(0x41 + i);
		id.image_id[i] = (uint8_t)(0x61 + i);
	}
	id.version = 1;
	id.guest_svn = 7;
	id.id_key_algorithm = IGVM_SNP_ID_KEY_ALGORITHM_ECDSA_P384_SHA384;
	id.author_key_algorithm = IGVM_SNP_ID_KEY_ALGORITHM_ECDSA_P384_SHA384;
	for (int i = 0; i < 72; i++) {
		id.id_key_signature.r_comp[i] = (uint8_t)i;
		id.id_key_signature.s_comp[i] = (uint8_t)(i + 1);
		id.id_public_key.qx[i] = (uint8_t)(i + 2);
		id.id_public_key.qy[i] = (uint8_t)(i + 3);
		id.author_key_signature.r_comp[i] = (uint8_t)(i + 4);
		id.author_key_signature.s_comp[i] = (uint8_t)(i + 5);
		id.author_public_key.qx[i] = (uint8_t)(i + 6);
		id.author_public_key.qy[i] = (uint8_t)(i + 7);
	}
	id.id_public_key.curve = IGVM_SNP_CURVE_P384;
	id.author_public_key.curve = IGVM_SNP_CURVE_P384;
	add(&b, IGVM_VHT_SNP_ID_BLOCK, &id, NULL, 0);

	uint8_t *vmsa = blob(&b, IGVM_PAGE_SIZE);
	if (vmsa)
		for (size_t i = 0; i < IGVM_PAGE_SIZE; i++)
			vmsa[i] = (uint8_t)(i * 31 + 5);
	vp(&b, 0xFFFFFFFFF000ull, 0x1, 0, 0x55, vmsa, IGVM_PAGE_SIZE); /* reserved != 0: the API shows 0 */

	struct igvm_native_vp_context_x64 nat;
	memset(&nat, 0, sizeof(nat));
	nat.rip = 0xFFF0;
	nat.rflags = 2;
	nat.cr0 = 0x10;
	nat.code_selector = 0xF000;
	nat.code_base = 0xFFFF0000;
	nat.code_limit = 0xFFFF;
	nat.code_attributes = 0x9B;
	nat.data_limit = 0xFFFF;
	nat.data_attributes = 0x93;
	uint8_t *natb = blob(&b, sizeof(nat));
	if (natb)
		memcpy(natb, &nat, sizeof(nat));
	vp(&b, 0x1234000, 0x2, 0, 0, natb, sizeof(nat)); /* a gpa the API does not show for native */

	uint8_t *es = blob(&b, IGVM_PAGE_SIZE);
	if (es)
		memset(es, 0xE5, IGVM_PAGE_SIZE);
	vp(&b, 0xFFFFFFFFE000ull, 0x4, 1, 0, es, IGVM_PAGE_SIZE);
	return finish(&b, out);
}

/* ---- VBS on x64 (v2): relocation, a VBS context, measurement, every parameter kind ---- */

/* Writes one packed VBS register at r, with junk where the reference keeps zeros. */
static void vbs_reg(uint8_t *r, uint8_t vtl, uint32_t name, uint64_t lo, uint64_t hi)
{
	r[0] = vtl;
	memcpy(r + 1, &name, 4);
	memset(r + 5, 0x5A, 11); /* mbz: the API returns zeros */
	memcpy(r + 16, &lo, 8);
	memcpy(r + 24, &hi, 8);
}

static int fx_vbs(struct ib_buf *out)
{
	struct fb b;
	fb_init(&b, "vbs", 2, IGVM_ARCH_X64);
	platform(&b, 0x1, IGVM_PLATFORM_VSM_ISOLATION, 2);
	struct igvm_vhs_relocatable_region rr = { 0x1, 0, 0, IGVM_RELOC_FLAG_IS_VTL2 | IGVM_RELOC_FLAG_APPLY_RIP | 0x80,
						  0x200000, 0x200000, 0x200000, 0x200000, 0x10000000 };
	add(&b, IGVM_VHT_RELOCATABLE_REGION, &rr, NULL, 0);
	struct igvm_vhs_page_table_relocation pt = { 0x1, 0, 0, 0, 0x1000000, 0x10000, 0x2000 };
	add(&b, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, &pt, NULL, 0);

	for (int i = 0; i < 3; i++)
		page(&b, 0x200000 + (uint64_t)i * IGVM_PAGE_SIZE, 0x1, 0, IGVM_PAGE_DATA_NORMAL,
		     page_bytes(&b, (uint8_t)(0x30 + i)), IGVM_PAGE_SIZE);
	page(&b, 0x1000000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0), IGVM_PAGE_SIZE);

	enum { NREG = 4 };
	uint8_t *ctx = blob(&b, 4 + 32 * NREG);
	if (ctx) {
		uint32_t n = NREG;
		memcpy(ctx, &n, 4);
		vbs_reg(ctx + 4, 0, 0x20010, 0x200000, 0xDEADBEEFull);                   /* Rip: high half dropped */
		vbs_reg(ctx + 36, 0, 0x60001, 0x10, 0x209B0008FFFFFFFFull);             /* Cs: all 16 kept */
		vbs_reg(ctx + 68, 0, 0x70001, 0x0027777700000000ull, 0x201000);           /* Gdtr: pad dropped */
		vbs_reg(ctx + 100, 0, 0x40002, 0x1000000, 0);                           /* Cr3 */
	}
	vp(&b, 0, 0x1, 0, 0, ctx, 4 + 32 * NREG);

	area(&b, 0x3000, 0, NULL, 0);
	param(&b, IGVM_VHT_SRAT, 0, 0);
	param(&b, IGVM_VHT_MADT, 0, 0x400);
	param(&b, IGVM_VHT_SLIT, 0, 0x800);
	param(&b, IGVM_VHT_PPTT, 0, 0xC00);
	param(&b, IGVM_VHT_MMIO_RANGES, 0, 0x1000);
	param(&b, IGVM_VHT_COMMAND_LINE, 0, 0x1100);
	param(&b, IGVM_VHT_DEVICE_TREE, 0, 0x2000);
	insert(&b, 0x80000, 0x1, 0);

	struct igvm_vhs_error_range er = { 0x90000, 0x1, 0x2000 };
	add(&b, IGVM_VHT_ERROR_RANGE, &er, NULL, 0);
	struct igvm_vhs_vbs_measurement m;
	memset(&m, 0, sizeof(m));
	m.compatibility_mask = 0x1;
	m.version = 1;
	m.boot_digest_algo = 1;
	m.signing_algo = 1;
	for (int i = 0; i < 32; i++)
		m.boot_measurement_digest[i] = (uint8_t)(0xC0 + i);
	add(&b, IGVM_VHT_VBS_MEASUREMENT, &m, NULL, 0);
	return finish(&b, out);
}

/* ---- TDX -------------------------------------------------------------------------------- */

static int fx_tdx(struct ib_buf *out)
{
	struct fb b;
	fb_init(&b, "tdx", 1, IGVM_ARCH_X64);
	platform(&b, 0x1, IGVM_PLATFORM_TDX, 0);
	policy(&b, TDX_POLICY_SEPT_VE_DISABLE, 0x1);
	page(&b, 0xFFFFF000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0xEE), IGVM_PAGE_SIZE);
	page(&b, 0xFFFFE000, 0x1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, NULL, 0);
	struct igvm_vhs_required_memory rm = { 0x0, 0x1, 0x100000, 0, 0 };
	add(&b, IGVM_VHT_REQUIRED_MEMORY, &rm, NULL, 0);
	return finish(&b, out);
}

/* ---- AArch64 (v2): CCA realm and VBS ---------------------------------------------------- */

static int fx_aarch64(struct ib_buf *out)
{
	struct fb b;
	fb_init(&b, "aarch64", 2, IGVM_ARCH_AARCH64);
	platform(&b, 0x1, IGVM_PLATFORM_CCA, 0);
	platform(&b, 0x2, IGVM_PLATFORM_VSM_ISOLATION, 0);
	struct igvm_vhs_cca_policy cp;
	memset(&cp, 0, sizeof(cp));
	cp.compatibility_mask = 0x1;
	cp.attributes_required_zeroes = IGVM_CCA_ATTR_MEC;
	cp.attributes_required_ones = IGVM_CCA_ATTR_DEBUG;
	cp.hash_algorithm = 1;
	cp.lfa_policy = 1;
	add(&b, IGVM_VHT_CCA_POLICY, &cp, NULL, 0);
	page(&b, 0x80000000, 0x3, 0, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0x77), IGVM_PAGE_SIZE);

	struct igvm_cca_vp_context cc;
	memset(&cc, 0, sizeof(cc));
	cc.x[0] = 0x88000000;
	cc.pc = 0x80000000;
	uint8_t *ccb = blob(&b, sizeof(cc));
	if (ccb)
		memcpy(ccb, &cc, sizeof(cc));
	vp(&b, 0, 0x1, 0xABCD, 0, ccb, sizeof(cc));

	uint8_t *ctx = blob(&b, 4 + 64);
	if (ctx) {
		uint32_t n = 2;
		memcpy(ctx, &n, 4);
		vbs_reg(ctx + 4, 0, 0x20022, 0x80000000, 0x1111); /* XPc */
		vbs_reg(ctx + 36, 0, 0x20000, 0x88000000, 0x2222); /* X0 */
	}
	vp(&b, 0, 0x2, 0, 0, ctx, 4 + 64);
	return finish(&b, out);
}

/* ---- masks of 0: the reference's parser drops such headers, so the API never shows them ---- */

static int fx_mask0(struct ib_buf *out)
{
	struct fb b;
	fb_init(&b, "mask0", 1, IGVM_ARCH_X64);
	platform(&b, 0x1, IGVM_PLATFORM_SEV_SNP, 0);
	policy(&b, 0x30000, 0x0);
	policy(&b, 0x30000, 0x1);
	page(&b, 0x0, 0x1, 0, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0x01), IGVM_PAGE_SIZE);
	page(&b, 0x1000, 0x0, 0, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0x02), IGVM_PAGE_SIZE);
	page(&b, 0x2000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, page_bytes(&b, 0x03), IGVM_PAGE_SIZE);
	struct igvm_vhs_required_memory rm = { 0x100000, 0x0, 0x1000, 0, 0 };
	add(&b, IGVM_VHT_REQUIRED_MEMORY, &rm, NULL, 0);
	return finish(&b, out);
}

const struct fx fx_all[] = {
	{ "conformance", fx_conformance, false },
	{ "snp", fx_snp, true },
	{ "vbs", fx_vbs, false },
	{ "tdx", fx_tdx, false },
	{ "aarch64", fx_aarch64, false },
	{ "mask0", fx_mask0, true },
	{ NULL, NULL, false },
};
