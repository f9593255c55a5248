/* SPDX-License-Identifier: MIT */
/*
 * build_vp.c — the BSP's initial state: an SNP VMSA and a native x64 VP
 * context, both entering stage 2 in 32-bit protected mode with paging off
 * (format/launch_info.h, "VP context").
 *
 * The SNP VMSA must be byte-identical to what KVM measures at LAUNCH_FINISH:
 * QEMU loads it into the vCPU and KVM rebuilds the VMSA from vCPU state, so
 * every field KVM changes on the way must already hold KVM's value here
 * (measure/kvm_vmsa.h lists them, and `build` refuses its own image if one is
 * off): CR4.MCE (KVM ORs in the host's MCE: svm_set_cr4), EFER.SVME
 * (svm_set_efer), CR0.ET (QEMU), RFLAGS bit 1, a valid PAT
 * (0x0007040600070406) and XCR0 (1), segment attributes in the VMSA's 12-bit
 * form. CR0.PE|ET|NE, DR6/DR7, FCW/MXCSR and the descriptor tables pass
 * through unchanged. Every other byte is zero.
 */
#include "build.h"

#include <string.h>

#include "../format/launch_info.h"

#define FLAT_LIMIT 0xFFFFFFFFu
#define SEL_CODE32 0x08u
#define SEL_DATA32 0x10u
/* VMX-style access rights, as the native context and the register list use them. */
#define ATTR_CODE32 0xC09Bu
#define ATTR_DATA32 0xC093u
#define CR0_PE 0x1ull
#define CR0_ET 0x10ull
#define CR0_NE 0x20ull
#define EFER_SVME 0x1000ull
#define CR4_MCE 0x40ull
#define RFLAGS_FIXED 0x2ull

/* VMSA attribute form: low 8 bits, then bits 12..15 moved to 8..11. */
static uint16_t vmsa_attr(uint16_t a)
{
	return (uint16_t)((a & 0xFFu) | ((a >> 4) & 0xF00u));
}

static void seg(struct igvm_sev_selector *s, uint16_t sel, uint16_t attr)
{
	s->selector = sel;
	s->attrib = vmsa_attr(attr);
	s->limit = FLAT_LIMIT;
	s->base = 0;
}

void build_vp_snp_vmsa(const struct build_config *cfg, const struct launch_info *li, struct igvm_sev_vmsa *v)
{
	memset(v, 0, sizeof(*v));
	seg(&v->cs, SEL_CODE32, ATTR_CODE32);
	seg(&v->ds, SEL_DATA32, ATTR_DATA32);
	seg(&v->es, SEL_DATA32, ATTR_DATA32);
	seg(&v->fs, SEL_DATA32, ATTR_DATA32);
	seg(&v->gs, SEL_DATA32, ATTR_DATA32);
	seg(&v->ss, SEL_DATA32, ATTR_DATA32);
	v->cr0 = CR0_PE | CR0_ET | CR0_NE;
	v->cr4 = CR4_MCE; /* stage 2 sets PAE before paging; MCE is what KVM measures anyway */
	v->efer = EFER_SVME;
	v->rflags = RFLAGS_FIXED;
	v->rip = li->stage2_gpa;
	v->rsp = li->boot_stack_gpa + li->boot_stack_size;
	v->rax = LAUNCH_PLATFORM_SNP;
	v->rsi = LAUNCH_INFO_GPA;
	v->pat = 0x0007040600070406ull;
	v->xcr0 = 1;
	v->sev_features = cfg->sev_features | SEV_FEAT_SNP;
	v->vmpl = 0;
}

void build_vp_native(const struct launch_info *li, struct igvm_native_vp_context_x64 *n)
{
	memset(n, 0, sizeof(*n));
	n->rax = LAUNCH_PLATFORM_NATIVE;
	n->rsi = LAUNCH_INFO_GPA;
	n->rsp = li->boot_stack_gpa + li->boot_stack_size;
	n->rip = li->stage2_gpa;
	n->rflags = RFLAGS_FIXED;
	n->code_selector = SEL_CODE32;
	n->code_attributes = ATTR_CODE32;
	n->code_base = 0;
	n->code_limit = FLAT_LIMIT;
	n->data_selector = SEL_DATA32;
	n->data_attributes = ATTR_DATA32;
	n->data_base = 0;
	n->data_limit = FLAT_LIMIT;
	n->cr0 = CR0_PE | CR0_ET;
}
