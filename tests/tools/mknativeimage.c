/* SPDX-License-Identifier: MIT */
/*
 * mknativeimage — test tool: a native-platform IGVM image of stage 2 + the
 * SVSM core laid out exactly as format/launch_info.h says, without the real
 * builder (which uses libelf and templates). It reads the core's ELF program
 * headers itself (trusted input: our own build output).
 *
 *   mknativeimage STAGE2.BIN SVSM.ELF OUT.IGVM [VTPM.BLOB]
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/fileio.h"
#include "../../format/igvm.h"
#include "../../format/launch_info.h"

#define PG 4096u
#define MASK 1u
/* This tool lays the kernel region out inside RAM (16 MiB), under the 1 GiB identity map:
 * the layout the in-RAM path of the core (the region carved out of the memory map) needs. */
#define KREGION_GPA 0x01000000ull

static struct igvm_file f;

static void *xcalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p || !igvm_file_own(&f, p)) {
		fprintf(stderr, "mknativeimage: out of memory\n");
		exit(4);
	}
	return p;
}

static void page(uint64_t gpa, const void *data)
{
	struct igvm_vhs_page_data b = { .gpa = gpa, .compatibility_mask = MASK };
	if (!igvm_file_add(&f, IGVM_VHT_PAGE_DATA, &b, data, data ? PG : 0)) {
		fprintf(stderr, "mknativeimage: out of memory\n");
		exit(4);
	}
}

static void pages(uint64_t gpa, const uint8_t *data, size_t len)
{
	for (size_t off = 0; off < len; off += PG) {
		uint8_t *p = xcalloc(PG);
		memcpy(p, data + off, len - off < PG ? len - off : PG);
		page(gpa + off, p);
	}
}

static void add(uint32_t type, const void *body)
{
	if (!igvm_file_add(&f, type, body, NULL, 0)) {
		fprintf(stderr, "mknativeimage: out of memory\n");
		exit(4);
	}
}

static uint8_t *readall(const char *path, size_t *len)
{
	uint8_t *d;
	if (ib_read_file(path, 64u << 20, &d, len)) {
		fprintf(stderr, "mknativeimage: cannot read %s\n", path);
		exit(3);
	}
	return d;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: mknativeimage STAGE2.BIN SVSM.ELF OUT.IGVM [VTPM.BLOB]\n");
		return 2;
	}
	size_t s2len, klen, vlen = 0;
	uint8_t *s2 = readall(argv[1], &s2len), *k = readall(argv[2], &klen), *vt = NULL;
	if (argc == 5)
		vt = readall(argv[4], &vlen);
	igvm_file_init(&f, 2, IGVM_ARCH_X64);

	struct igvm_vhs_supported_platform plat = { .compatibility_mask = MASK, .platform_type = IGVM_PLATFORM_NATIVE,
						    .platform_version = 1 };
	add(IGVM_VHT_SUPPORTED_PLATFORM, &plat);

	struct launch_info *li = xcalloc(PG);
	li->magic = LAUNCH_INFO_MAGIC;
	li->version = LAUNCH_INFO_VERSION;
	li->size = LAUNCH_INFO_SIZE;
	li->flags = LAUNCH_FLAG_DEBUG_EXIT;
	li->debug_serial_port = 0x3F8;
	li->debug_exit_port = 0xF4;
	li->stage2_gpa = LAUNCH_STAGE2_BASE;
	li->stage2_size = (s2len + PG - 1) & ~(uint64_t)(PG - 1);
	li->kernel_region_gpa = KREGION_GPA;
	li->kernel_region_size = LAUNCH_KERNEL_REGION_SIZE;
	li->kernel_vbase = LAUNCH_KERNEL_VBASE;
	li->boot_stack_gpa = LAUNCH_BOOT_STACK_GPA;
	li->boot_stack_size = LAUNCH_BOOT_STACK_SIZE;
	li->memory_map_gpa = LAUNCH_MEMORY_MAP_GPA;
	li->memory_map_size = LAUNCH_MEMORY_MAP_SIZE;
	li->vp_count_gpa = LAUNCH_PARAMS_GPA;
	li->env_info_gpa = LAUNCH_PARAMS_GPA + 4;
	li->identity_map_limit = LAUNCH_IDENTITY_MAP_LIMIT;
	li->ap_trampoline_gpa = LAUNCH_AP_TRAMPOLINE_GPA;
	if (vt) {
		li->vtpm_config_gpa = LAUNCH_VTPM_CONFIG_GPA;
		li->vtpm_config_size = vlen;
	}

	/* Kernel image: PT_LOAD segments at region + (vaddr - vbase). */
	Elf64_Ehdr eh;
	if (klen < sizeof(eh) || (memcpy(&eh, k, sizeof(eh)), memcmp(eh.e_ident, ELFMAG, SELFMAG)) ||
	    eh.e_phoff > klen || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > klen - eh.e_phoff) {
		fprintf(stderr, "mknativeimage: %s is not an ELF64 file\n", argv[2]);
		return 1;
	}
	uint64_t image_end = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, k + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_vaddr < LAUNCH_KERNEL_VBASE || (ph.p_vaddr & (PG - 1)) || ph.p_offset > klen ||
		    ph.p_filesz > klen - ph.p_offset || ph.p_filesz > ph.p_memsz) {
			fprintf(stderr, "mknativeimage: unsupported segment %u\n", i);
			return 1;
		}
		uint64_t off = ph.p_vaddr - LAUNCH_KERNEL_VBASE;
		uint64_t memsz = (ph.p_memsz + PG - 1) & ~(uint64_t)(PG - 1);
		pages(KREGION_GPA + off, k + ph.p_offset, ph.p_filesz);
		uint64_t filepages = (ph.p_filesz + PG - 1) & ~(uint64_t)(PG - 1);
		for (uint64_t z = filepages; z < memsz; z += PG)
			page(KREGION_GPA + off + z, NULL); /* BSS: zero pages */
		if (off + memsz > image_end)
			image_end = off + memsz;
	}
	li->kernel_entry = eh.e_entry;
	li->kernel_image_size = image_end;

	/* Page tables after the image: PML4, low PDPT, low PD (1 GiB identity), high PDPT, kernel PD. */
	uint64_t pt = KREGION_GPA + image_end;
	uint64_t *pml4 = xcalloc(PG), *pdpt_lo = xcalloc(PG), *pd_lo = xcalloc(PG), *pdpt_hi = xcalloc(PG),
		 *pd_k = xcalloc(PG);
	pml4[0] = (pt + PG) | LAUNCH_PTE_TABLE;
	pdpt_lo[0] = (pt + 2 * PG) | LAUNCH_PTE_TABLE;
	for (unsigned i = 0; i < 512; i++)
		pd_lo[i] = ((uint64_t)i << 21) | LAUNCH_PTE_LARGE;
	pml4[511] = (pt + 3 * PG) | LAUNCH_PTE_TABLE;
	pdpt_hi[510] = (pt + 4 * PG) | LAUNCH_PTE_TABLE;
	for (unsigned i = 0; i < LAUNCH_KERNEL_REGION_SIZE >> 21; i++)
		pd_k[i] = (KREGION_GPA + ((uint64_t)i << 21)) | LAUNCH_PTE_LARGE;
	page(pt, pml4);
	page(pt + PG, pdpt_lo);
	page(pt + 2 * PG, pd_lo);
	page(pt + 3 * PG, pdpt_hi);
	page(pt + 4 * PG, pd_k);
	li->page_table_gpa = pt;
	li->page_table_count = 5;
	li->kernel_populated_size = image_end + 5 * PG;

	pages(LAUNCH_STAGE2_BASE, s2, s2len);
	page(LAUNCH_INFO_GPA, li);
	for (uint64_t a = 0; a < LAUNCH_BOOT_STACK_SIZE; a += PG)
		page(LAUNCH_BOOT_STACK_GPA + a, NULL);
	for (uint64_t a = 0; a < LAUNCH_AP_TRAMPOLINE_SIZE; a += PG)
		page(LAUNCH_AP_TRAMPOLINE_GPA + a, NULL);
	if (vt)
		pages(LAUNCH_VTPM_CONFIG_GPA, vt, vlen);

	struct igvm_vhs_parameter_area pa0 = { .number_of_bytes = PG, .parameter_area_index = 0 };
	struct igvm_vhs_parameter_area pa1 = { .number_of_bytes = LAUNCH_MEMORY_MAP_SIZE, .parameter_area_index = 1 };
	add(IGVM_VHT_PARAMETER_AREA, &pa0);
	add(IGVM_VHT_PARAMETER_AREA, &pa1);
	struct igvm_vhs_parameter vpc = { 0, 0 }, env = { 0, 4 }, mmap = { 1, 0 };
	add(IGVM_VHT_VP_COUNT_PARAMETER, &vpc);
	add(IGVM_VHT_ENVIRONMENT_INFO_PARAMETER, &env);
	add(IGVM_VHT_MEMORY_MAP, &mmap);
	struct igvm_vhs_parameter_insert in0 = { .gpa = LAUNCH_PARAMS_GPA, .compatibility_mask = MASK,
						 .parameter_area_index = 0 };
	struct igvm_vhs_parameter_insert in1 = { .gpa = LAUNCH_MEMORY_MAP_GPA, .compatibility_mask = MASK,
						 .parameter_area_index = 1 };
	add(IGVM_VHT_PARAMETER_INSERT, &in0);
	add(IGVM_VHT_PARAMETER_INSERT, &in1);

	struct igvm_native_vp_context_x64 *vp = xcalloc(PG);
	vp->rax = LAUNCH_PLATFORM_NATIVE;
	vp->rsi = LAUNCH_INFO_GPA;
	vp->rsp = LAUNCH_BOOT_STACK_GPA + LAUNCH_BOOT_STACK_SIZE;
	vp->rip = LAUNCH_STAGE2_BASE;
	vp->rflags = 2;
	vp->code_selector = 0x08;
	vp->code_attributes = 0xC09B;
	vp->code_limit = 0xFFFFFFFF;
	vp->data_selector = 0x10;
	vp->data_attributes = 0xC093;
	vp->data_limit = 0xFFFFFFFF;
	vp->cr0 = 0x11;
	struct igvm_vhs_vp_context vph = { .gpa = 0, .compatibility_mask = MASK, .vp_index = 0 };
	if (!igvm_file_add(&f, IGVM_VHT_VP_CONTEXT, &vph, vp, PG))
		return 4;

	struct ib_buf out = IB_BUF_INIT;
	struct igvm_diag d;
	if (igvm_write(&f, &out, &d)) {
		fprintf(stderr, "mknativeimage: %s: %s\n", igvm_rule_name(d.rule), d.detail);
		return 1;
	}
	int rc = ib_write_file_atomic(argv[3], out.p, out.len, 0644);
	ib_buf_free(&out);
	igvm_file_free(&f);
	free(s2);
	free(k);
	free(vt);
	if (rc) {
		fprintf(stderr, "mknativeimage: cannot write %s\n", argv[3]);
		return 3;
	}
	return 0;
}
