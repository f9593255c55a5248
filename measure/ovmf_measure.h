/* SPDX-License-Identifier: MIT */
/*
 * ovmf_measure.h — launch digests of a guest that boots OVMF directly (no
 * IGVM), computed the way virtee/sev-snp-measure computes them.
 *
 *   SEV      SHA-256(firmware || [hashes table])
 *   SEV-ES   SHA-256(firmware || [hashes table] || VMSA_0 || ... || VMSA_n-1)
 *   SNP      the PAGE_INFO chain of snp_digest.h over
 *              1. the firmware's pages, NORMAL, ascending gpa (or a seed instead);
 *              2. the SEV metadata sections in table order:
 *                   SNP_SEC_MEM       ZERO pages (gce: UNMEASURED pages)
 *                   SNP_SECRETS       one SECRETS page at the section gpa
 *                   CPUID             one CPUID page (ec2: after all other sections)
 *                   SVSM_CAA          ZERO pages
 *                   SNP_KERNEL_HASHES one NORMAL page holding the hashes table
 *                                     at hash_table_gpa & 0xfff, with a kernel;
 *                                     ZERO pages without one
 *              3. one VMSA page per vCPU at gpa 0xFFFFFFFFF000: the BSP's first,
 *                 then the APs'.
 *   SNP:SVSM OVMF pages, then the SVSM image's pages (it ends where the OVMF
 *            variable store starts), then the SVSM's own metadata sections as
 *            above (QEMU, no kernel), then identical SVSM VMSAs.
 *   SNP ovmf-hash  step 1 alone: the seed that --snp-ovmf-hash takes.
 *
 * The firmware images come parsed (ovmf.h); this module adds the rules that
 * depend on the mode and reports them the same way (struct ovmf_error, with
 * err_image naming which image broke the rule):
 *   - the SNP modes hash the images page by page, so an unseeded image must be
 *     a multiple of 4 KiB;
 *   - SEV-ES and SNP need the SEV-ES reset block, and an AP VMSA needs a
 *     non-zero reset address;
 *   - a kernel needs, for SEV and SEV-ES, a hash-table entry with a non-zero
 *     gpa; for SNP, a SNP_KERNEL_HASHES section of exactly one page, the
 *     hash-table entry, and room for the table in the page;
 *   - SNP:SVSM needs the SVSM info entry in the SVSM image.
 */
#ifndef IB_MEASURE_OVMF_MEASURE_H
#define IB_MEASURE_OVMF_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovmf.h"
#include "sev_hashes.h"
#include "snp_digest.h"
#include "snp_vmsa.h"

enum ovmf_mode {
	OVMF_MODE_SEV,
	OVMF_MODE_SEV_ES,
	OVMF_MODE_SNP,
	OVMF_MODE_SNP_OVMF_HASH,
	OVMF_MODE_SNP_SVSM,
};

struct ovmf_measure_args {
	enum ovmf_mode mode;
	const struct ovmf_image *ovmf;
	const struct ovmf_image *svsm;   /* SNP_SVSM only */
	const struct sev_hashes *hashes; /* NULL: no --kernel (ignored by SNP_SVSM) */
	uint32_t vcpus;
	uint64_t vcpu_sig;
	enum snp_vmm vmm;
	uint64_t guest_features;         /* SNP only; SEV-ES uses 0, SNP:SVSM 1 */
	const uint8_t *seed;             /* SNP only: 48-byte --snp-ovmf-hash, or NULL */
};

/* 48 for the SNP modes, 32 for SEV and SEV-ES. */
size_t ovmf_digest_len(enum ovmf_mode mode);

/*
 * The VMSAs the mode measures: *bsp for vCPU 0 and *ap for the others (for
 * SNP:SVSM both are the one SVSM VMSA). Fails only on the reset-block and
 * SVSM-info rules. Not meaningful for SEV and SNP ovmf-hash.
 */
int ovmf_build_vmsas(const struct ovmf_measure_args *a, struct igvm_sev_vmsa *bsp, struct igvm_sev_vmsa *ap,
		     struct ovmf_error *err, const struct ovmf_image **err_image);

/*
 * Computes the digest into out (ovmf_digest_len() bytes). Returns 0, -EINVAL
 * with *err and *err_image set, -ENOMEM, -EIO when libcrypto failed, or
 * -ENOTRECOVERABLE if the images did not come from ovmf_parse().
 */
int ovmf_measure(const struct ovmf_measure_args *a, uint8_t *out, struct ovmf_error *err,
		 const struct ovmf_image **err_image);

#endif
