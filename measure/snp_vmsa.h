/* SPDX-License-Identifier: MIT */
/*
 * snp_vmsa.h — the initial VMSAs a VMM gives an SEV-ES/SEV-SNP guest that
 * boots OVMF (or COCONUT-SVSM) directly, as sev-snp-measure synthesises them,
 * and the CPUID signature that lands in RDX.
 *
 * Every VMM starts the BSP at the reset vector 0xfffffff0 (CS base
 * 0xffff0000, RIP 0xfff0) and each AP at OVMF's SEV-ES reset block address
 * eip (CS base eip & 0xffff0000, RIP eip & 0xffff). The VMMs differ in a few
 * registers:
 *
 *            cs attrib      ss    tr    rdx         g_pat               mxcsr   x87 fcw
 *   QEMU     0x9b           0x93  0x8b  signature   0x0007040600070406  0x1f80  0x37f
 *   ec2      BSP 0x9a/AP 0x9b 0x92 0x83  0x600       0x0007040600070406  0       0
 *   gce      0x9b           0x93  0x8b  0x600       0x70106             0       0
 *
 * Common to all: es/ds/fs/gs {0, 0x93, 0xffff, 0}, gdtr/idtr {0, 0, 0xffff,
 * 0}, ldtr {0, 0x82, 0xffff, 0}, efer 0x1000 (SVME), cr4 0x40 (MCE), cr0 0x10,
 * dr7 0x400, dr6 0xffff0ff0, rflags 2, xcr0 1, sev_features as given. Every
 * other byte of the page is zero. The layout is struct igvm_sev_vmsa, whose
 * offsets are pinned in format/igvm_defs.h.
 *
 * The COCONUT-SVSM VMSA (sev-snp-measure's snp:svsm mode) starts in flat
 * 32-bit protected mode: es/ss/ds/fs {0x10, 0xc93, 0xffffffff, 0}, cs {8,
 * 0xc9b, 0xffffffff, 0}, gs/gdtr/idtr/ldtr/tr as QEMU's, cr0 0x11 (PE), rip
 * the SVSM entry point, mxcsr 0x1f80 but x87 fcw 0, sev_features 1.
 */
#ifndef IB_MEASURE_SNP_VMSA_H
#define IB_MEASURE_SNP_VMSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../format/igvm_defs.h"

#define SNP_VMSA_BSP_EIP 0xfffffff0u

enum snp_vmm {
	SNP_VMM_QEMU,
	SNP_VMM_EC2,
	SNP_VMM_GCE,
};

/* "QEMU", "ec2", "gce": sev-snp-measure's spelling. */
const char *snp_vmm_name(enum snp_vmm vmm);
/* Accepts those names in any letter case. */
bool snp_vmm_parse(const char *s, enum snp_vmm *out);

/* The VMSA of a vCPU that starts at eip (SNP_VMSA_BSP_EIP for the BSP). */
void snp_vmsa_build(struct igvm_sev_vmsa *v, enum snp_vmm vmm, uint32_t eip, uint64_t sev_features,
		    uint64_t vcpu_sig);
/* The COCONUT-SVSM VMSA (all vCPUs alike); rip is the SVSM entry point's gpa. */
void snp_vmsa_build_svsm(struct igvm_sev_vmsa *v, uint64_t rip, uint64_t vcpu_sig);

/*
 * CPUID Fn0000_0001_EAX from family/model/stepping (AMD CPUID specification
 * #25481): a family above 0xf is split into base 0xf plus an extended family.
 */
uint32_t snp_cpu_sig(uint64_t family, uint64_t model, uint64_t stepping);
/* QEMU CPU model names (EPYC, EPYC-v4, EPYC-Milan, ...), any letter case. */
bool snp_cpu_sig_by_name(const char *name, uint32_t *sig);
/* The i-th known CPU model name, or NULL past the end (for help text). */
const char *snp_cpu_type_name(size_t i);

#endif
