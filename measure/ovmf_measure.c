/* SPDX-License-Identifier: MIT */
/*
 * ovmf_measure.c — direct-OVMF launch digests; the steps and the rules are
 * listed in ovmf_measure.h. Every mode validates all its inputs before it
 * hashes anything, so a failure never leaves a half-made digest behind.
 */
#include "ovmf_measure.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/digest.h"

/* The VMSA page is recorded at gpa -1, page-aligned and cut to 52 bits (SNP ABI). */
#define SNP_VMSA_GPA 0xFFFFFFFFF000ull

size_t ovmf_digest_len(enum ovmf_mode mode)
{
	return mode == OVMF_MODE_SEV || mode == OVMF_MODE_SEV_ES ? IB_SHA256_LEN : SNP_LD_LEN;
}

static int need_pages(const struct ovmf_image *img, const char *what, struct ovmf_error *err,
		      const struct ovmf_image **err_image)
{
	if (img->size % OVMF_PAGE_SIZE == 0)
		return 0;
	*err_image = img;
	return ovmf_fail(err, img->size, "image-size",
			 "the %s is %zu bytes, not a multiple of 4 KiB, so SNP cannot measure it page by page",
			 what, img->size);
}

int ovmf_build_vmsas(const struct ovmf_measure_args *a, struct igvm_sev_vmsa *bsp, struct igvm_sev_vmsa *ap,
		     struct ovmf_error *err, const struct ovmf_image **err_image)
{
	if (a->mode == OVMF_MODE_SNP_SVSM) {
		if (!a->svsm->has_svsm_info) {
			*err_image = a->svsm;
			return ovmf_fail(err, ovmf_table_anchor(a->svsm), "svsm-info",
					 "the SVSM image has no SVSM info entry (a789a612-0597-4c4b-a49f-"
					 "cbb1fe9d1ddd), so its entry point is unknown");
		}
		snp_vmsa_build_svsm(bsp, a->svsm->gpa + a->svsm->svsm_entry_offset, a->vcpu_sig);
		*ap = *bsp;
		return 0;
	}
	const struct ovmf_image *o = a->ovmf;
	*err_image = o;
	if (!o->has_reset_block)
		return ovmf_fail(err, ovmf_table_anchor(o), "reset-block",
				 "the firmware has no SEV-ES reset block entry (00f771de-1a7e-4fcb-890e-"
				 "68c77e2fb44e), which SEV-ES and SNP need");
	if (o->reset_eip == 0 && a->vcpus > 1)
		return ovmf_fail(err, o->reset_block_off, "reset-block",
				 "the AP reset address is 0, but %" PRIu32 " vCPUs need an AP VMSA", a->vcpus);
	uint64_t features = a->mode == OVMF_MODE_SNP ? a->guest_features : 0;
	snp_vmsa_build(bsp, a->vmm, SNP_VMSA_BSP_EIP, features, a->vcpu_sig);
	snp_vmsa_build(ap, a->vmm, o->reset_eip, features, a->vcpu_sig);
	return 0;
}

/* SEV and SEV-ES: a kernel needs the hash-table entry with a non-zero gpa. */
static int check_sev_kernel(const struct ovmf_measure_args *a, struct ovmf_error *err,
			    const struct ovmf_image **err_image)
{
	const struct ovmf_image *o = a->ovmf;
	if (!a->hashes || (o->has_hash_table && o->hash_table_gpa != 0))
		return 0;
	*err_image = o;
	return ovmf_fail(err, o->has_hash_table ? o->hash_table_off : ovmf_table_anchor(o), "kernel-hashes",
			 "a kernel was given, but the firmware has no SEV hash table (7255371f-3a3b-4b04-"
			 "927b-1da6efa8d454) with a non-zero address for kernel/initrd/cmdline hashes");
}

/* SNP: where the hashes table goes, and that the section can hold it. */
static int check_snp_kernel(const struct ovmf_image *o, const struct sev_hashes *hashes, struct ovmf_error *err)
{
	if (!hashes)
		return 0;
	const struct ovmf_section *kh = ovmf_find_section(o, OVMF_SECTION_SNP_KERNEL_HASHES);
	if (!kh)
		return ovmf_fail(err, o->has_metadata ? o->metadata_off : ovmf_table_anchor(o), "kernel-hashes",
				 "a kernel was given, but the SEV metadata has no SNP_KERNEL_HASHES section");
	for (size_t i = 0; i < o->n_sections; i++) {
		const struct ovmf_section *s = &o->sections[i];
		if (s->type == OVMF_SECTION_SNP_KERNEL_HASHES && s->size != OVMF_PAGE_SIZE)
			return ovmf_fail(err, s->desc_off + 4, "kernel-hashes",
					 "the SNP_KERNEL_HASHES section is 0x%" PRIx32
					 " bytes; the hashes page is exactly 4 KiB",
					 s->size);
	}
	if (!o->has_hash_table)
		return ovmf_fail(err, ovmf_table_anchor(o), "kernel-hashes",
				 "a kernel was given, but the firmware has no SEV hash table entry "
				 "(7255371f-3a3b-4b04-927b-1da6efa8d454) to place the hashes");
	uint32_t off = o->hash_table_gpa & (OVMF_PAGE_SIZE - 1);
	if (off > OVMF_PAGE_SIZE - SEV_HASHES_TABLE_PADDED_LEN)
		return ovmf_fail(err, o->hash_table_off, "kernel-hashes",
				 "the hash table at 0x%" PRIx32 " leaves %" PRIu32
				 " bytes in its page; the table needs %d",
				 o->hash_table_gpa, OVMF_PAGE_SIZE - off, SEV_HASHES_TABLE_PADDED_LEN);
	return 0;
}

static int extend_run(struct snp_ld *ld, enum snp_page_type type, uint64_t gpa, uint32_t size)
{
	for (uint64_t off = 0; off < size; off += OVMF_PAGE_SIZE)
		if (snp_ld_extend(ld, type, gpa + off, NULL))
			return -EIO;
	return 0;
}

static int extend_pages(struct snp_ld *ld, const struct ovmf_image *img)
{
	for (size_t off = 0; off < img->size; off += OVMF_PAGE_SIZE)
		if (snp_ld_extend_page(ld, SNP_PAGE_NORMAL, img->gpa + off, img->data + off))
			return -EIO;
	return 0;
}

static int extend_sections(struct snp_ld *ld, const struct ovmf_image *o, const struct sev_hashes *hashes,
			   enum snp_vmm vmm)
{
	int r = 0;
	for (size_t i = 0; i < o->n_sections && !r; i++) {
		const struct ovmf_section *s = &o->sections[i];
		switch (s->type) {
		case OVMF_SECTION_SNP_SEC_MEM:
			/* GCE leaves the SEC memory unmeasured rather than zero-validated. */
			r = extend_run(ld, vmm == SNP_VMM_GCE ? SNP_PAGE_UNMEASURED : SNP_PAGE_ZERO, s->gpa, s->size);
			break;
		case OVMF_SECTION_SVSM_CAA:
			r = extend_run(ld, SNP_PAGE_ZERO, s->gpa, s->size);
			break;
		case OVMF_SECTION_SNP_SECRETS:
			/* One page whatever the section size, as QEMU and sev-snp-measure do. */
			r = snp_ld_extend(ld, SNP_PAGE_SECRETS, s->gpa, NULL) ? -EIO : 0;
			break;
		case OVMF_SECTION_CPUID:
			/* EC2 adds the CPUID pages last, after every other section. */
			if (vmm != SNP_VMM_EC2)
				r = snp_ld_extend(ld, SNP_PAGE_CPUID, s->gpa, NULL) ? -EIO : 0;
			break;
		case OVMF_SECTION_SNP_KERNEL_HASHES:
			if (hashes) {
				uint8_t page[OVMF_PAGE_SIZE];
				/* check_snp_kernel() made sure the table fits. */
				if (sev_hashes_page(hashes, o->hash_table_gpa & (OVMF_PAGE_SIZE - 1), page))
					return -ENOTRECOVERABLE;
				r = snp_ld_extend_page(ld, SNP_PAGE_NORMAL, s->gpa, page) ? -EIO : 0;
			} else {
				r = extend_run(ld, SNP_PAGE_ZERO, s->gpa, s->size);
			}
			break;
		default:
			return -ENOTRECOVERABLE; /* ovmf_parse() refused unknown types */
		}
	}
	if (vmm == SNP_VMM_EC2)
		for (size_t i = 0; i < o->n_sections && !r; i++)
			if (o->sections[i].type == OVMF_SECTION_CPUID)
				r = snp_ld_extend(ld, SNP_PAGE_CPUID, o->sections[i].gpa, NULL) ? -EIO : 0;
	return r;
}

static int extend_vmsas(struct snp_ld *ld, uint32_t vcpus, const struct igvm_sev_vmsa *bsp,
			const struct igvm_sev_vmsa *ap)
{
	uint8_t h_bsp[SNP_LD_LEN], h_ap[SNP_LD_LEN];
	/* Hash each distinct page once: the chain only needs its digest per vCPU. */
	if (ib_sha384(bsp, sizeof(*bsp), h_bsp) || ib_sha384(ap, sizeof(*ap), h_ap))
		return -EIO;
	for (uint32_t i = 0; i < vcpus; i++)
		if (snp_ld_extend(ld, SNP_PAGE_VMSA, SNP_VMSA_GPA, i == 0 ? h_bsp : h_ap))
			return -EIO;
	return 0;
}

static int measure_snp(const struct ovmf_measure_args *a, uint8_t *out, struct ovmf_error *err,
		       const struct ovmf_image **err_image)
{
	struct igvm_sev_vmsa bsp, ap;
	int r;
	if (!a->seed && (r = need_pages(a->ovmf, "firmware", err, err_image)))
		return r;
	*err_image = a->ovmf;
	if ((r = check_snp_kernel(a->ovmf, a->hashes, err)))
		return r;
	if ((r = ovmf_build_vmsas(a, &bsp, &ap, err, err_image)))
		return r;

	struct snp_ld ld;
	snp_ld_init(&ld, a->seed);
	if (!a->seed && (r = extend_pages(&ld, a->ovmf)))
		return r;
	if ((r = extend_sections(&ld, a->ovmf, a->hashes, a->vmm)) || (r = extend_vmsas(&ld, a->vcpus, &bsp, &ap)))
		return r;
	memcpy(out, ld.ld, SNP_LD_LEN);
	return 0;
}

static int measure_svsm(const struct ovmf_measure_args *a, uint8_t *out, struct ovmf_error *err,
			const struct ovmf_image **err_image)
{
	struct igvm_sev_vmsa bsp, ap;
	int r;
	if ((r = need_pages(a->ovmf, "firmware", err, err_image)) ||
	    (r = need_pages(a->svsm, "SVSM image", err, err_image)) ||
	    (r = ovmf_build_vmsas(a, &bsp, &ap, err, err_image)))
		return r;
	struct snp_ld ld;
	snp_ld_init(&ld, NULL);
	/* The SVSM's own metadata, measured as QEMU does and with no kernel: OVMF's is not used. */
	if ((r = extend_pages(&ld, a->ovmf)) || (r = extend_pages(&ld, a->svsm)) ||
	    (r = extend_sections(&ld, a->svsm, NULL, SNP_VMM_QEMU)) || (r = extend_vmsas(&ld, a->vcpus, &bsp, &ap)))
		return r;
	memcpy(out, ld.ld, SNP_LD_LEN);
	return 0;
}

static int measure_sev(const struct ovmf_measure_args *a, uint8_t *out, struct ovmf_error *err,
		       const struct ovmf_image **err_image)
{
	struct igvm_sev_vmsa bsp, ap;
	int r;
	bool es = a->mode == OVMF_MODE_SEV_ES;
	if ((r = check_sev_kernel(a, err, err_image)))
		return r;
	if (es && (r = ovmf_build_vmsas(a, &bsp, &ap, err, err_image)))
		return r;
	/* One contiguous buffer, because common/digest.h hashes whole buffers. */
	struct ib_buf b = IB_BUF_INIT;
	ib_buf_append(&b, a->ovmf->data, a->ovmf->size);
	if (a->hashes) {
		uint8_t table[SEV_HASHES_TABLE_PADDED_LEN];
		sev_hashes_table(a->hashes, table);
		ib_buf_append(&b, table, sizeof(table));
	}
	for (uint32_t i = 0; es && i < a->vcpus; i++)
		ib_buf_append(&b, i == 0 ? &bsp : &ap, sizeof(bsp));
	if (b.oom)
		r = -ENOMEM;
	else
		r = ib_sha256(b.p ? b.p : (const uint8_t *)"", b.len, out) ? -EIO : 0;
	ib_buf_free(&b);
	return r;
}

int ovmf_measure(const struct ovmf_measure_args *a, uint8_t *out, struct ovmf_error *err,
		 const struct ovmf_image **err_image)
{
	switch (a->mode) {
	case OVMF_MODE_SEV:
	case OVMF_MODE_SEV_ES:
		return measure_sev(a, out, err, err_image);
	case OVMF_MODE_SNP:
		return measure_snp(a, out, err, err_image);
	case OVMF_MODE_SNP_SVSM:
		return measure_svsm(a, out, err, err_image);
	case OVMF_MODE_SNP_OVMF_HASH: {
		int r = need_pages(a->ovmf, "firmware", err, err_image);
		if (r)
			return r;
		struct snp_ld ld;
		snp_ld_init(&ld, NULL);
		if ((r = extend_pages(&ld, a->ovmf)))
			return r;
		memcpy(out, ld.ld, SNP_LD_LEN);
		return 0;
	}
	}
	return -ENOTRECOVERABLE;
}
