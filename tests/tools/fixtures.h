/* SPDX-License-Identifier: MIT */
/*
 * fixtures.h — the test fixtures, described once as in-memory models and
 * serialised with the format library's writer (igvm_file_add + igvm_write).
 *
 * mkfixtures writes them to disk for the CLI tests and the fuzz seeds; the unit
 * tests build them in memory. Nothing binary is checked in.
 *
 *   conformance    §10.1: the igvm_c test file (v1, VSM, 2 policies, 11 directives)
 *   ser-snp        §10.2 serializer SNP file (v1, policy 0x30000, pages 0xCC, 0xDD)
 *   ser-tdx        §10.2 serializer TDX file (v1, pages 0xEE, 0xFF)
 *   ser-vbs        §10.2 serializer VBS file (v2 x64, pages 0xAA, 0xBB, RIP = 0x1000)
 *   snp-kvm        SNP with every page kind, two parameter areas (VP_COUNT,
 *                  MEMORY_MAP, ENVIRONMENT_INFO), inserts, REQUIRED_MEMORY, and
 *                  the VMSA last at GPA 0xFFFFFFFFF000
 *   native         v2 x64 NATIVE with a native VP context
 *   v2-aarch64     v2 AArch64: VSM (VBS context X1/PC) and CCA (policy, context)
 *   multi          v1: SNP + TDX + VSM sharing pages through masks
 *   vbs-reloc      v1 VSM with a relocatable region, a page-table region and
 *                  the VBS context they need
 *   tdx-openvmm    v1 TDX (GPAW 48) as OpenVMM's igvmfilegen lays it out: a
 *                  payload, a parameter area, and the reset page holding a
 *                  TdxTrampolineContext and the jmp to its trampoline
 *   tdx-coconut    v1 TDX with TD partitioning (highest VTL 2) and COCONUT's
 *                  TdpStartContext in the reset page
 *
 * Header-only (static functions) because every test program is one .c file.
 */
#ifndef IGVMBUILD_TESTS_FIXTURES_H
#define IGVMBUILD_TESTS_FIXTURES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../format/igvm.h"

/* ---- helpers ---------------------------------------------------------------- */

/* A 4096-byte page filled with `fill`, owned by the file. NULL when out of memory. */
__attribute__((unused)) static uint8_t *fx_page(struct igvm_file *f, uint8_t fill)
{
	uint8_t *p = malloc(IGVM_PAGE_SIZE);
	if (!p)
		return NULL;
	memset(p, fill, IGVM_PAGE_SIZE);
	return igvm_file_own(f, p) ? p : NULL;
}

/* n bytes owned by the file, zeroed. */
__attribute__((unused)) static uint8_t *fx_alloc(struct igvm_file *f, size_t n)
{
	uint8_t *p = calloc(1, n ? n : 1);
	if (!p)
		return NULL;
	return igvm_file_own(f, p) ? p : NULL;
}

__attribute__((unused)) static int fx_add(struct igvm_file *f, uint32_t type, const void *body, const void *data,
					  uint32_t data_len)
{
	return igvm_file_add(f, type, body, data, data_len) ? 0 : -1;
}

__attribute__((unused)) static int fx_platform(struct igvm_file *f, uint32_t mask, uint8_t type, uint8_t vtl)
{
	struct igvm_vhs_supported_platform p = {
		.compatibility_mask = mask, .highest_vtl = vtl, .platform_type = type, .platform_version = 1,
	};
	return fx_add(f, IGVM_VHT_SUPPORTED_PLATFORM, &p, NULL, 0);
}

__attribute__((unused)) static int fx_policy(struct igvm_file *f, uint64_t policy, uint32_t mask)
{
	struct igvm_vhs_guest_policy p = { .policy = policy, .compatibility_mask = mask };
	return fx_add(f, IGVM_VHT_GUEST_POLICY, &p, NULL, 0);
}

__attribute__((unused)) static int fx_page_data(struct igvm_file *f, uint64_t gpa, uint32_t mask, uint32_t flags,
						uint16_t data_type, const void *data, uint32_t len)
{
	struct igvm_vhs_page_data p = { .gpa = gpa, .compatibility_mask = mask, .flags = flags, .data_type = data_type };
	return fx_add(f, IGVM_VHT_PAGE_DATA, &p, data, len);
}

__attribute__((unused)) static int fx_area(struct igvm_file *f, uint32_t index, uint64_t bytes, const void *data,
					   uint32_t len)
{
	struct igvm_vhs_parameter_area a = { .number_of_bytes = bytes, .parameter_area_index = index };
	return fx_add(f, IGVM_VHT_PARAMETER_AREA, &a, data, len);
}

__attribute__((unused)) static int fx_param(struct igvm_file *f, uint32_t type, uint32_t index, uint32_t byte_offset)
{
	struct igvm_vhs_parameter p = { .parameter_area_index = index, .byte_offset = byte_offset };
	return fx_add(f, type, &p, NULL, 0);
}

__attribute__((unused)) static int fx_insert(struct igvm_file *f, uint64_t gpa, uint32_t mask, uint32_t index)
{
	struct igvm_vhs_parameter_insert p = { .gpa = gpa, .compatibility_mask = mask, .parameter_area_index = index };
	return fx_add(f, IGVM_VHT_PARAMETER_INSERT, &p, NULL, 0);
}

__attribute__((unused)) static int fx_vp(struct igvm_file *f, uint64_t gpa, uint32_t mask, uint16_t vp_index,
					 const void *data, uint32_t len)
{
	struct igvm_vhs_vp_context v = { .gpa = gpa, .compatibility_mask = mask, .vp_index = vp_index };
	return fx_add(f, IGVM_VHT_VP_CONTEXT, &v, data, len);
}

/* A VBS register record (32 bytes) at p. value is the low 8 bytes of register_value. */
__attribute__((unused)) static void fx_vbs_reg(uint8_t *p, uint8_t vtl, uint32_t name, uint64_t value)
{
	struct igvm_vbs_vp_register r;
	memset(&r, 0, sizeof(r));
	r.vtl = vtl;
	r.register_name = name;
	memcpy(r.register_value, &value, sizeof(value));
	memcpy(p, &r, sizeof(r));
}

/* A VBS context: u32 count, then count registers (names[i] = values[i]), all VTL `vtl`. */
__attribute__((unused)) static uint8_t *fx_vbs_context(struct igvm_file *f, uint8_t vtl, const uint32_t *names,
						       const uint64_t *values, uint32_t count, uint32_t *len)
{
	*len = 4 + 32 * count;
	uint8_t *p = fx_alloc(f, *len);
	if (!p)
		return NULL;
	memcpy(p, &count, 4);
	for (uint32_t i = 0; i < count; i++)
		fx_vbs_reg(p + 4 + 32 * i, vtl, names[i], values[i]);
	return p;
}

/* Registers (spec §3.3). */
#define FX_REG_X64_RIP    0x20010u
#define FX_REG_X64_RSP    0x20004u
#define FX_REG_X64_CR0    0x40000u
#define FX_REG_ARM_X0     0x20000u
#define FX_REG_ARM_X1     0x20001u
#define FX_REG_ARM_PC     0x20022u

/* An SNP VMSA page that starts a VP in real mode at the reset vector. */
__attribute__((unused)) static uint8_t *fx_vmsa(struct igvm_file *f, uint64_t rip)
{
	struct igvm_sev_vmsa *v = (struct igvm_sev_vmsa *)fx_alloc(f, sizeof(*v));
	if (!v)
		return NULL;
	struct igvm_sev_selector data_seg = { .selector = 0, .attrib = 0x93, .limit = 0xFFFF, .base = 0 };
	v->es = v->ss = v->ds = v->fs = v->gs = data_seg;
	v->cs = (struct igvm_sev_selector){ .selector = 0xF000, .attrib = 0x9B, .limit = 0xFFFF, .base = 0xFFFF0000 };
	v->gdtr.limit = 0xFFFF;
	v->idtr.limit = 0xFFFF;
	v->ldtr = (struct igvm_sev_selector){ .attrib = 0x82, .limit = 0xFFFF };
	v->tr = (struct igvm_sev_selector){ .attrib = 0x8B, .limit = 0xFFFF };
	v->efer = 0x1000;
	v->cr0 = 0x31;
	v->rflags = 0x2;
	v->rip = rip;
	v->dr6 = 0xFFFF0FF0;
	v->dr7 = 0x400;
	v->pat = 0x0007040600070406ull;
	v->sev_features = SEV_FEAT_SNP;
	v->xcr0 = 1;
	v->x87_fcw = 0x37F;
	v->mxcsr = 0x1F80;
	return (uint8_t *)v;
}

/* ---- the fixtures ----------------------------------------------------------------- */

#define FX_TRY(x)                 \
	do {                      \
		if ((x) < 0)      \
			return -1; \
	} while (0)

/* §10.1: the file igvm_c's unit tests use. */
__attribute__((unused)) static int fx_conformance(struct igvm_file *f)
{
	static const uint64_t pages[8] = { 0, 1, 2, 4, 10, 11, 12, 14 };
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	FX_TRY(fx_platform(f, 0x1, IGVM_PLATFORM_VSM_ISOLATION, 0));
	FX_TRY(fx_policy(f, 0x30000, 0x1));
	FX_TRY(fx_policy(f, 0x30000, 0x2));
	for (int i = 0; i < 8; i++) {
		/* A fresh buffer each time: the writer must deduplicate by content. */
		uint8_t *d = fx_page(f, (uint8_t)(i % 4 + 1));
		if (!d)
			return -1;
		FX_TRY(fx_page_data(f, pages[i] * IGVM_PAGE_SIZE, 0x1, 0, IGVM_PAGE_DATA_NORMAL, d, IGVM_PAGE_SIZE));
	}
	FX_TRY(fx_area(f, 0, 0x1000, NULL, 0));
	FX_TRY(fx_param(f, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0));
	FX_TRY(fx_insert(f, 0x14000, 0x1, 0));
	return 0;
}

/* §10.2 serializer.rs: SNP, v1, policy 0x30000, page 0 = 0xCC..., page 1 = 0xDD... */
__attribute__((unused)) static int fx_ser_snp(struct igvm_file *f)
{
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	FX_TRY(fx_platform(f, 0x1, IGVM_PLATFORM_SEV_SNP, 0));
	FX_TRY(fx_policy(f, 0x30000, 0x1));
	uint8_t *a = fx_page(f, 0xCC), *b = fx_page(f, 0xDD);
	if (!a || !b)
		return -1;
	FX_TRY(fx_page_data(f, 0x0, 0x1, 0, IGVM_PAGE_DATA_NORMAL, a, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, 0x1000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, b, IGVM_PAGE_SIZE));
	return 0;
}

/* §10.2: TDX, v1, pages 0xEE..., 0xFF... */
__attribute__((unused)) static int fx_ser_tdx(struct igvm_file *f)
{
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	FX_TRY(fx_platform(f, 0x1, IGVM_PLATFORM_TDX, 0));
	uint8_t *a = fx_page(f, 0xEE), *b = fx_page(f, 0xFF);
	if (!a || !b)
		return -1;
	FX_TRY(fx_page_data(f, 0x0, 0x1, 0, IGVM_PAGE_DATA_NORMAL, a, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, 0x1000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, b, IGVM_PAGE_SIZE));
	return 0;
}

/* §10.2: VBS, v2 x64, pages 0xAA..., 0xBB..., a VBS context with RIP = 0x1000 in VTL 0. */
__attribute__((unused)) static int fx_ser_vbs(struct igvm_file *f)
{
	static const uint32_t names[] = { FX_REG_X64_RIP };
	static const uint64_t values[] = { 0x1000 };
	igvm_file_init(f, 2, IGVM_ARCH_X64);
	FX_TRY(fx_platform(f, 0x1, IGVM_PLATFORM_VSM_ISOLATION, 0));
	uint8_t *a = fx_page(f, 0xAA), *b = fx_page(f, 0xBB);
	uint32_t clen;
	uint8_t *ctx = fx_vbs_context(f, 0, names, values, 1, &clen);
	if (!a || !b || !ctx)
		return -1;
	FX_TRY(fx_page_data(f, 0x0, 0x1, 0, IGVM_PAGE_DATA_NORMAL, a, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, 0x1000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, b, IGVM_PAGE_SIZE));
	FX_TRY(fx_vp(f, 0, 0x1, 0, ctx, clen));
	return 0;
}

#define FX_SNP_KVM_VMSA_GPA 0xFFFFFFFFF000ull

/* SNP with every page kind, parameters, and the VMSA last where KVM puts it. */
__attribute__((unused)) static int fx_snp_kvm(struct igvm_file *f)
{
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	FX_TRY(fx_platform(f, 0x1, IGVM_PLATFORM_SEV_SNP, 0));
	FX_TRY(fx_policy(f, 0x30000, 0x1));

	/* Four distinct "kernel" pages at 1 MiB, then a page given with 9 bytes only. */
	for (uint32_t i = 0; i < 4; i++) {
		uint8_t *d = fx_page(f, 0);
		if (!d)
			return -1;
		for (uint32_t j = 0; j < IGVM_PAGE_SIZE; j++)
			d[j] = (uint8_t)(i * 37 + j * 7);
		FX_TRY(fx_page_data(f, 0x100000 + i * IGVM_PAGE_SIZE, 0x1, 0, IGVM_PAGE_DATA_NORMAL, d,
				    IGVM_PAGE_SIZE));
	}
	static const uint8_t short_data[9] = { 'i', 'g', 'v', 'm', 'b', 'u', 'i', 'l', 'd' };
	FX_TRY(fx_page_data(f, 0x104000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, short_data, sizeof(short_data)));
	/* Data-less pages (measured as zero pages), an explicit zero page, an unmeasured page. */
	FX_TRY(fx_page_data(f, 0x105000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	FX_TRY(fx_page_data(f, 0x106000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	uint8_t *zero = fx_page(f, 0);
	uint8_t *unmeasured = fx_page(f, 0x5A);
	if (!zero || !unmeasured)
		return -1;
	FX_TRY(fx_page_data(f, 0x107000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, zero, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, 0x108000, 0x1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, unmeasured,
			    IGVM_PAGE_SIZE));
	/* Secrets and CPUID pages (SNP page kinds). The CPUID table holds one leaf. */
	FX_TRY(fx_page_data(f, 0x8000, 0x1, 0, IGVM_PAGE_DATA_SECRETS, NULL, 0));
	uint8_t *cpuid = fx_page(f, 0);
	if (!cpuid)
		return -1;
	uint32_t count = 1, leaf = 0x80000000u;
	memcpy(cpuid, &count, 4);
	memcpy(cpuid + 16, &leaf, 4);
	FX_TRY(fx_page_data(f, 0x9000, 0x1, 0, IGVM_PAGE_DATA_CPUID_DATA, cpuid, IGVM_PAGE_SIZE));

	/* Parameter areas: 0 holds the VP count and environment info, 1 the memory map. */
	FX_TRY(fx_area(f, 0, 0x1000, NULL, 0));
	FX_TRY(fx_param(f, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0));
	FX_TRY(fx_param(f, IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, 0, 4));
	FX_TRY(fx_area(f, 1, 0x2000, NULL, 0));
	FX_TRY(fx_param(f, IGVM_VHT_MEMORY_MAP, 1, 0));
	FX_TRY(fx_insert(f, 0x6000, 0x1, 0));
	FX_TRY(fx_insert(f, 0xA000, 0x1, 1));

	struct igvm_vhs_required_memory rm = { .gpa = 0x200000, .compatibility_mask = 0x1, .number_of_bytes = 0x400000 };
	FX_TRY(fx_add(f, IGVM_VHT_REQUIRED_MEMORY, &rm, NULL, 0));

	uint8_t *vmsa = fx_vmsa(f, 0xFFF0);
	if (!vmsa)
		return -1;
	FX_TRY(fx_vp(f, FX_SNP_KVM_VMSA_GPA, 0x1, 0, vmsa, IGVM_PAGE_SIZE));
	return 0;
}

/* v2 x64 NATIVE with a native VP context (232 bytes, padded to a page by the writer). */
__attribute__((unused)) static int fx_native(struct igvm_file *f)
{
	igvm_file_init(f, 2, IGVM_ARCH_X64);
	FX_TRY(fx_platform(f, 0x1, IGVM_PLATFORM_NATIVE, 0));
	for (uint32_t i = 0; i < 3; i++) {
		uint8_t *d = fx_page(f, (uint8_t)(0x10 + i));
		if (!d)
			return -1;
		FX_TRY(fx_page_data(f, 0x100000 + i * IGVM_PAGE_SIZE, 0x1, 0, IGVM_PAGE_DATA_NORMAL, d,
				    IGVM_PAGE_SIZE));
	}
	FX_TRY(fx_area(f, 7, 0x1000, NULL, 0));
	FX_TRY(fx_param(f, IGVM_VHT_COMMAND_LINE, 7, 0));
	FX_TRY(fx_insert(f, 0x20000, 0x1, 7));
	struct igvm_native_vp_context_x64 *c = (struct igvm_native_vp_context_x64 *)fx_alloc(f, sizeof(*c));
	if (!c)
		return -1;
	c->rip = 0x100000;
	c->rsp = 0x8000;
	c->rflags = 0x2;
	c->gdtr_base = 0x1000;
	c->gdtr_limit = 0x17;
	c->code_selector = 0x8;
	c->code_attributes = 0xA09B; /* bits 11:8 must be zero */
	c->code_limit = 0xFFFFFFFF;
	c->data_selector = 0x10;
	c->data_attributes = 0xC093;
	c->data_limit = 0xFFFFFFFF;
	c->cr0 = 0x80000011;
	c->cr3 = 0x4000;
	c->cr4 = 0x20;
	c->efer = 0x500;
	FX_TRY(fx_vp(f, 0, 0x1, 0, c, sizeof(*c)));
	return 0;
}

/* v2 AArch64: VSM with a VBS context (PC, X1) and CCA with its policy and context. */
__attribute__((unused)) static int fx_v2_aarch64(struct igvm_file *f)
{
	static const uint32_t names[] = { FX_REG_ARM_PC, FX_REG_ARM_X1 };
	static const uint64_t values[] = { 0x1234, 0x5678 };
	igvm_file_init(f, 2, IGVM_ARCH_AARCH64);
	FX_TRY(fx_platform(f, 0x1, IGVM_PLATFORM_VSM_ISOLATION, 0));
	FX_TRY(fx_platform(f, 0x2, IGVM_PLATFORM_CCA, 0));
	struct igvm_vhs_cca_policy cp = {
		.compatibility_mask = 0x2,
		.attributes_required_zeroes = IGVM_CCA_ATTR_MEC,
		.attributes_required_ones = IGVM_CCA_ATTR_DEBUG,
		.hash_algorithm = 1,
		.lfa_policy = 1,
	};
	FX_TRY(fx_add(f, IGVM_VHT_CCA_POLICY, &cp, NULL, 0));
	uint8_t *a = fx_page(f, 0x61), *b = fx_page(f, 0x62);
	if (!a || !b)
		return -1;
	FX_TRY(fx_page_data(f, 0x80000000, 0x3, 0, IGVM_PAGE_DATA_NORMAL, a, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, 0x80001000, 0x3, 0, IGVM_PAGE_DATA_NORMAL, b, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, 0x80002000, 0x2, 0, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	uint32_t clen;
	uint8_t *ctx = fx_vbs_context(f, 0, names, values, 2, &clen);
	struct igvm_cca_vp_context *cc = (struct igvm_cca_vp_context *)fx_alloc(f, sizeof(*cc));
	if (!ctx || !cc)
		return -1;
	cc->x[0] = 0x80001000;
	cc->pc = 0x80000000;
	FX_TRY(fx_vp(f, 0, 0x1, 0, ctx, clen));
	FX_TRY(fx_vp(f, 0, 0x2, 0, cc, sizeof(*cc)));
	return 0;
}

/* v1 x64: SNP (mask 1), TDX (mask 2) and VSM (mask 4) sharing pages. */
__attribute__((unused)) static int fx_multi(struct igvm_file *f)
{
	static const uint32_t names[] = { FX_REG_X64_RIP, FX_REG_X64_CR0 };
	static const uint64_t values[] = { 0xFFF0, 0x10 };
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	FX_TRY(fx_platform(f, 0x1, IGVM_PLATFORM_SEV_SNP, 0));
	FX_TRY(fx_platform(f, 0x2, IGVM_PLATFORM_TDX, 0));
	FX_TRY(fx_platform(f, 0x4, IGVM_PLATFORM_VSM_ISOLATION, 0));
	FX_TRY(fx_policy(f, 0x30000, 0x1));
	FX_TRY(fx_policy(f, TDX_POLICY_SEPT_VE_DISABLE, 0x2));
	uint8_t *p0 = fx_page(f, 0x70), *p1 = fx_page(f, 0x71), *p2 = fx_page(f, 0x72);
	if (!p0 || !p1 || !p2)
		return -1;
	FX_TRY(fx_page_data(f, 0xFFFFE000, 0x7, 0, IGVM_PAGE_DATA_NORMAL, p0, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, 0xFFFFF000, 0x7, 0, IGVM_PAGE_DATA_NORMAL, p1, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, 0x800000, 0x2, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, p2, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, 0x801000, 0x5, IGVM_PAGE_FLAG_SHARED, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	FX_TRY(fx_area(f, 0, 0x1000, NULL, 0));
	FX_TRY(fx_param(f, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0));
	FX_TRY(fx_insert(f, 0x900000, 0x7, 0));
	uint8_t *vmsa = fx_vmsa(f, 0xFFF0);
	uint32_t clen;
	uint8_t *ctx = fx_vbs_context(f, 0, names, values, 2, &clen);
	if (!vmsa || !ctx)
		return -1;
	FX_TRY(fx_vp(f, 0x0, 0x4, 0, ctx, clen));
	FX_TRY(fx_vp(f, FX_SNP_KVM_VMSA_GPA, 0x1, 0, vmsa, IGVM_PAGE_SIZE));
	return 0;
}

/*
 * v1 x64 VSM with a relocatable region and a page-table relocation region,
 * matched by a VBS context for VTL 0 (the only context kind that satisfies
 * them, §3.2). Platform highest_vtl 2.
 */
#define FX_RELOC_REGION_GPA 0x1000000ull
#define FX_PT_REGION_GPA    0x2000000ull
__attribute__((unused)) static int fx_vbs_reloc(struct igvm_file *f)
{
	static const uint32_t names[] = { FX_REG_X64_RIP, 0x40002u /* CR3 */ };
	static const uint64_t values[] = { FX_RELOC_REGION_GPA, FX_PT_REGION_GPA };
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	FX_TRY(fx_platform(f, 0x1, IGVM_PLATFORM_VSM_ISOLATION, 2));
	struct igvm_vhs_relocatable_region rr = {
		.compatibility_mask = 0x1,
		.vp_index = 0,
		.vtl = 0,
		.flags = IGVM_RELOC_FLAG_APPLY_RIP,
		.relocation_alignment = 0x200000,
		.relocation_region_gpa = FX_RELOC_REGION_GPA,
		.relocation_region_size = 0x200000,
		.minimum_relocation_gpa = 0x1000000,
		.maximum_relocation_gpa = 0x8000000,
	};
	FX_TRY(fx_add(f, IGVM_VHT_RELOCATABLE_REGION, &rr, NULL, 0));
	struct igvm_vhs_page_table_relocation pt = {
		.compatibility_mask = 0x1, .vp_index = 0, .vtl = 0, .gpa = FX_PT_REGION_GPA, .size = 0x10000, .used_size = 0x4000,
	};
	FX_TRY(fx_add(f, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, &pt, NULL, 0));
	uint8_t *code = fx_page(f, 0x11), *tables = fx_page(f, 0x22);
	uint32_t clen;
	uint8_t *ctx = fx_vbs_context(f, 0, names, values, 2, &clen);
	if (!code || !tables || !ctx)
		return -1;
	FX_TRY(fx_page_data(f, FX_RELOC_REGION_GPA, 0x1, 0, IGVM_PAGE_DATA_NORMAL, code, IGVM_PAGE_SIZE));
	FX_TRY(fx_page_data(f, FX_PT_REGION_GPA, 0x1, 0, IGVM_PAGE_DATA_NORMAL, tables, IGVM_PAGE_SIZE));
	FX_TRY(fx_area(f, 0, 0x1000, NULL, 0));
	FX_TRY(fx_param(f, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0));
	FX_TRY(fx_insert(f, 0x4000000, 0x1, 0));
	FX_TRY(fx_vp(f, 0, 0x1, 0, ctx, clen));
	return 0;
}

/* v1 TDX as OpenVMM writes it: the reset page holds the context its trampoline loads. */
#define FX_TDX_ENTRY 0x100000ull
__attribute__((unused)) static int fx_tdx_openvmm(struct igvm_file *f)
{
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	struct igvm_vhs_supported_platform p = {
		.compatibility_mask = 0x1, .platform_type = IGVM_PLATFORM_TDX, .platform_version = 1,
		.shared_gpa_boundary = 1ull << 47,
	};
	FX_TRY(fx_add(f, IGVM_VHT_SUPPORTED_PLATFORM, &p, NULL, 0));
	FX_TRY(fx_policy(f, TDX_POLICY_SEPT_VE_DISABLE, 0x1));
	for (uint32_t i = 0; i < 2; i++) {
		uint8_t *d = fx_page(f, (uint8_t)(0x40 + i));
		if (!d)
			return -1;
		FX_TRY(fx_page_data(f, FX_TDX_ENTRY + i * IGVM_PAGE_SIZE, 0x1, 0, IGVM_PAGE_DATA_NORMAL, d, IGVM_PAGE_SIZE));
	}
	FX_TRY(fx_page_data(f, 0x200000, 0x1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	FX_TRY(fx_area(f, 0, 0x1000, NULL, 0));
	FX_TRY(fx_param(f, IGVM_VHT_COMMAND_LINE, 0, 0));
	FX_TRY(fx_insert(f, 0x300000, 0x1, 0));

	uint8_t *rp = fx_page(f, 0xCC); /* INT3 fill, as OpenVMM's reset page */
	if (!rp)
		return -1;
	struct igvm_tdx_openvmm_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.data_selector = 0x10;
	ctx.static_gdt_limit = 0xF;
	ctx.static_gdt_base = (uint32_t)(IGVM_TDX_RESET_PAGE_GPA + offsetof(struct igvm_tdx_openvmm_context, static_gdt));
	ctx.initial_rip = FX_TDX_ENTRY;
	ctx.code_selector = 0x8;
	ctx.gdtr_limit = 0x17;
	ctx.gdtr_base = 0x1000;
	ctx.rsp = 0x8000;
	ctx.cr0 = 0x80000031;
	ctx.cr3 = 0x4000;
	ctx.cr4 = 0x2060;
	ctx.transition_cr3 = 0x4000;
	ctx.static_gdt[8] = 0xFF, ctx.static_gdt[9] = 0xFF, ctx.static_gdt[13] = 0x9B, ctx.static_gdt[14] = 0xA0;
	memcpy(rp, &ctx, sizeof(ctx));
	/* jmp rel32 from the reset vector to the code right after the context */
	uint32_t rel = (uint32_t)sizeof(ctx) - (IGVM_TDX_RESET_VECTOR_OFFSET + 5);
	rp[IGVM_TDX_RESET_VECTOR_OFFSET] = 0xE9;
	memcpy(rp + IGVM_TDX_RESET_VECTOR_OFFSET + 1, &rel, 4);
	FX_TRY(fx_page_data(f, IGVM_TDX_RESET_PAGE_GPA, 0x1, 0, IGVM_PAGE_DATA_NORMAL, rp, IGVM_PAGE_SIZE));
	return 0;
}

/* v1 TDX with TD partitioning: COCONUT's stage 1 page with its TdpStartContext. */
__attribute__((unused)) static int fx_tdx_coconut(struct igvm_file *f)
{
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	FX_TRY(fx_platform(f, 0x4, IGVM_PLATFORM_TDX, 2));
	uint8_t *code = fx_page(f, 0x90), *st = fx_page(f, 0xF4);
	if (!code || !st)
		return -1;
	FX_TRY(fx_page_data(f, 0x10000, 0x4, 0, IGVM_PAGE_DATA_NORMAL, code, IGVM_PAGE_SIZE));
	struct igvm_tdx_coconut_context ctx = { .vp_index = 0, .rip = 0x10002, .rsp = 0x16000, .ap_entry = 0x10004 };
	memcpy(st, &ctx, sizeof(ctx));
	FX_TRY(fx_page_data(f, IGVM_TDX_RESET_PAGE_GPA, 0x4, 0, IGVM_PAGE_DATA_NORMAL, st, IGVM_PAGE_SIZE));
	return 0;
}

struct fx_fixture {
	const char *name; /* file name without ".igvm" */
	int (*build)(struct igvm_file *f);
};

__attribute__((unused)) static const struct fx_fixture fx_fixtures[] = {
	{ "conformance", fx_conformance }, { "ser-snp", fx_ser_snp },     { "ser-tdx", fx_ser_tdx },
	{ "ser-vbs", fx_ser_vbs },         { "snp-kvm", fx_snp_kvm },     { "native", fx_native },
	{ "v2-aarch64", fx_v2_aarch64 },   { "multi", fx_multi },         { "vbs-reloc", fx_vbs_reloc },
	{ "tdx-openvmm", fx_tdx_openvmm }, { "tdx-coconut", fx_tdx_coconut },
};
#define FX_COUNT (sizeof(fx_fixtures) / sizeof(fx_fixtures[0]))

/*
 * Builds fixture `fx` and serialises it into out (appended). Returns 0, or -1
 * with *diag filled in when the writer refused (diag->rule == IGVM_RULE_NONE
 * when building the model failed).
 */
__attribute__((unused)) static int fx_write(const struct fx_fixture *fx, struct ib_buf *out, struct igvm_diag *diag)
{
	struct igvm_file f;
	memset(diag, 0, sizeof(*diag));
	if (fx->build(&f) < 0) {
		igvm_file_free(&f);
		return -1;
	}
	int r = igvm_write(&f, out, diag);
	igvm_file_free(&f);
	return r;
}

#endif /* IGVMBUILD_TESTS_FIXTURES_H */
