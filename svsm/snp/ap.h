/* SPDX-License-Identifier: MIT */
/*
 * ap.h — the SVSM's own application processors on SNP: a VMPL0 VMSA per
 * vCPU, created with SNP AP Creation; the host's list of APIC IDs; #HV IPIs
 * (AMD GHCB specification 56421, "SNP AP Creation", "Get APIC IDs", and the
 * restricted-injection IPI event; as COCONUT-SVSM's KVM branch handles them
 * in arch/x86/kvm/svm/sev.c: sev_snp_ap_creation(), sev_get_apic_ids(), and
 * as COCONUT-SVSM kernel/src/cpu/smp.rs and sev/ghcb.rs use them).
 *
 * AP Creation of a VMPL0 VMSA (smp_snp.c): request 1 "create" (the vCPU is
 * kicked and starts at once), VMPL 0 in SW_EXITINFO1[19:16], APIC ID in
 * [63:32], SW_EXITINFO2 = the VMSA's GPA, RAX = its SEV_FEATURES. COCONUT's
 * KVM refuses it when the caller is the target itself or is not running its
 * VMPL0 VMSA, when the interrupt-injection bits of RAX (restricted /
 * alternate injection) differ from those the VMPL's first vCPU fixed, when
 * the GPA is not a page address, and for an APIC ID it has no vCPU for;
 * a refusal is SW_EXITINFO1 = 1 with a #GP in SW_EXITINFO2 (any other
 * non-zero answer is a refusal too: snp_ap_creation_verdict()). The page is
 * a VMSA page of the SVSM's pool (RMPADJUST with the VMSA bit, no access for
 * any VMPL), never 2 MiB aligned.
 *
 * The VMSA: 64-bit mode on the core's page tables — the boot CPU's CR0,
 * CR3, CR4, EFER (| SVME), XCR0 and PAT; CS 0x08 (L, G), SS/DS/ES 0x10, FS
 * and GS 0 with GS base = the AP's per-CPU area; GDTR its GDT, IDTR the
 * shared IDT, TR its TSS (0x18, busy 64-bit TSS); RIP the entry, RSP its
 * stack, RDI its CPU index; RFLAGS 2; DR6/DR7, MXCSR and x87 control at
 * their reset values; VMPL 0; SEV_FEATURES the SVSM's own.
 *
 * Get APIC IDs (NAE 0x8000_0017, HV feature bit 4): RAX = pages of a shared
 * buffer, SW_EXITINFO1 = its GPA; the host writes {u32 count, u32 id[count]}
 * (KVM: its vCPU IDs, which QEMU makes the APIC IDs), or answers RAX = the
 * pages it would need. Hostile content: the count is clipped to the buffer,
 * duplicates are dropped.
 *
 * #HV IPI (NAE 0x8000_0015): SW_EXITINFO1 = an x2APIC ICR value (vector,
 * fixed delivery, destination in [63:32]). The target's VMPL0 gets an #HV
 * with the vector in its doorbell — also when it runs a lower VMPL, which the
 * hypervisor then leaves for VMPL0 — and EOIs it through its x2APIC.
 *
 * Portable: encoders, the VMSA builder and the list parser are host-tested.
 */
#ifndef SVSM_SNP_AP_H
#define SVSM_SNP_AP_H

#include <stddef.h>
#include <stdint.h>

#include "../../format/igvm_defs.h"
#include "ghcb.h"

#define SVM_EXIT_HV_IPI       0x80000015ull
#define SVM_EXIT_GET_APIC_IDS 0x80000017ull
#define SNP_IPI_VECTOR        0xF2u /* the SVSM's own IPIs, as natively (arch/idt.h) */

struct snp_ap_vmsa_params {
	uint64_t cr0, cr3, cr4, efer, xcr0, pat;
	uint64_t rip, rsp, rdi, gs_base;
	uint64_t gdt_base, idt_base, tss_base;
	uint16_t gdt_limit, idt_limit;
	uint64_t sev_features;
};

void snp_ap_vmsa_build(struct igvm_sev_vmsa *v, const struct snp_ap_vmsa_params *p);
/* Fills g (after ghcb_reset) for an #HV IPI of vector to the x2APIC ID dest. */
void ghcb_set_hv_ipi(struct ghcb *g, uint32_t dest, uint8_t vector);
/* Fills g (after ghcb_reset) for Get APIC IDs into pages shared pages at gpa. */
void ghcb_set_get_apic_ids(struct ghcb *g, uint64_t gpa, uint64_t pages);
/* After Get APIC IDs: the IDs from the len-byte buffer buf into ids (at most max, in the host's
 * order, duplicates dropped); 0 when the host refused, wanted a larger buffer, or listed none. */
unsigned snp_apic_ids_parse(const struct ghcb *g, uint64_t pages, const void *buf, size_t len, uint32_t *ids,
			    unsigned max);

#endif
