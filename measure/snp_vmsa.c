/* SPDX-License-Identifier: MIT */
#include "snp_vmsa.h"

#include <string.h>
#include <strings.h>

/*
 * RDX of the cloud VMMs: 0x600 (family 6), whatever the host CPU. EC2 used
 * to be modelled with 0; sev-snp-measure changed it to 0x600 in April 2026
 * (commit 4a02bf0, "Update the EC2 VMSA used to calculate the expected
 * measurement") because that is what EC2 measures. Older ec2 vectors are stale.
 */
#define CLOUD_RDX 0x600u

const char *snp_vmm_name(enum snp_vmm vmm)
{
	switch (vmm) {
	case SNP_VMM_EC2:
		return "ec2";
	case SNP_VMM_GCE:
		return "gce";
	case SNP_VMM_QEMU:
	default:
		return "QEMU";
	}
}

bool snp_vmm_parse(const char *s, enum snp_vmm *out)
{
	static const enum snp_vmm all[] = { SNP_VMM_QEMU, SNP_VMM_EC2, SNP_VMM_GCE };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcasecmp(s, snp_vmm_name(all[i]))) {
			*out = all[i];
			return true;
		}
	return false;
}

static struct igvm_sev_selector seg(uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
	struct igvm_sev_selector s = { sel, attrib, limit, base };
	return s;
}

/* The registers every VMM sets alike: real mode at reset, as after INIT. */
static void reset_state(struct igvm_sev_vmsa *v)
{
	memset(v, 0, sizeof(*v));
	v->es = seg(0, 0x93, 0xffff, 0);
	v->ds = seg(0, 0x93, 0xffff, 0);
	v->fs = seg(0, 0x93, 0xffff, 0);
	v->gs = seg(0, 0x93, 0xffff, 0);
	v->gdtr = seg(0, 0, 0xffff, 0);
	v->idtr = seg(0, 0, 0xffff, 0);
	v->ldtr = seg(0, 0x82, 0xffff, 0);
	v->efer = 0x1000;  /* KVM sets EFER.SVME for SEV-ES guests */
	v->cr4 = 0x40;     /* KVM sets CR4.MCE */
	v->cr0 = 0x10;     /* CR0.ET */
	v->dr7 = 0x400;
	v->dr6 = 0xffff0ff0;
	v->rflags = 0x2;
	v->pat = 0x0007040600070406ull; /* the architectural reset value (AMD APM vol. 2, A.3) */
	v->xcr0 = 0x1;
}

void snp_vmsa_build(struct igvm_sev_vmsa *v, enum snp_vmm vmm, uint32_t eip, uint64_t sev_features,
		    uint64_t vcpu_sig)
{
	reset_state(v);
	uint16_t cs_attrib = 0x9b, ss_attrib = 0x93, tr_attrib = 0x8b;
	v->rdx = vcpu_sig;
	v->mxcsr = 0x1f80;
	v->x87_fcw = 0x37f;
	switch (vmm) {
	case SNP_VMM_EC2:
		/* EC2 marks the BSP's code segment not-yet-accessed (type 0xa), the APs' accessed. */
		if (eip == SNP_VMSA_BSP_EIP)
			cs_attrib = 0x9a;
		ss_attrib = 0x92;
		tr_attrib = 0x83;
		v->rdx = CLOUD_RDX;
		v->mxcsr = 0;
		v->x87_fcw = 0;
		break;
	case SNP_VMM_GCE:
		v->rdx = CLOUD_RDX;
		v->pat = 0x70106;
		v->mxcsr = 0;
		v->x87_fcw = 0;
		break;
	case SNP_VMM_QEMU:
		break;
	}
	v->cs = seg(0xf000, cs_attrib, 0xffff, eip & 0xffff0000u);
	v->ss = seg(0, ss_attrib, 0xffff, 0);
	v->tr = seg(0, tr_attrib, 0xffff, 0);
	v->rip = eip & 0xffffu;
	v->sev_features = sev_features;
}

void snp_vmsa_build_svsm(struct igvm_sev_vmsa *v, uint64_t rip, uint64_t vcpu_sig)
{
	reset_state(v);
	/* QEMU's SVSM launch enters the SVSM's stage 2 in flat 32-bit protected mode. */
	v->es = seg(0x10, 0xc93, 0xffffffff, 0);
	v->ss = seg(0x10, 0xc93, 0xffffffff, 0);
	v->ds = seg(0x10, 0xc93, 0xffffffff, 0);
	v->fs = seg(0x10, 0xc93, 0xffffffff, 0);
	v->cs = seg(0x8, 0xc9b, 0xffffffff, 0);
	v->tr = seg(0, 0x8b, 0xffff, 0);
	v->cr0 = 0x11;
	v->rip = rip;
	v->rdx = vcpu_sig;
	v->sev_features = 0x1;
	/* sev-snp-measure sets MXCSR but leaves the x87 control word 0 for this VMSA. */
	v->mxcsr = 0x1f80;
}

uint32_t snp_cpu_sig(uint64_t family, uint64_t model, uint64_t stepping)
{
	uint32_t fam_lo, fam_hi;
	if (family > 0xf) {
		fam_lo = 0xf;
		fam_hi = (uint32_t)((family - 0xf) & 0xff);
	} else {
		fam_lo = (uint32_t)family;
		fam_hi = 0;
	}
	return fam_hi << 20 | (uint32_t)((model >> 4) & 0xf) << 16 | fam_lo << 8 | (uint32_t)(model & 0xf) << 4 |
	       (uint32_t)(stepping & 0xf);
}

static const struct {
	const char *name;
	uint8_t family, model, stepping;
} cpu_types[] = {
	/* QEMU's builtin_x86_defs that SEV guests use, as sev-snp-measure lists them. */
	{ "EPYC", 23, 1, 2 },        { "EPYC-v1", 23, 1, 2 },      { "EPYC-v2", 23, 1, 2 },
	{ "EPYC-IBPB", 23, 1, 2 },   { "EPYC-v3", 23, 1, 2 },      { "EPYC-v4", 23, 1, 2 },
	{ "EPYC-Rome", 23, 49, 0 },  { "EPYC-Rome-v1", 23, 49, 0 }, { "EPYC-Rome-v2", 23, 49, 0 },
	{ "EPYC-Rome-v3", 23, 49, 0 }, { "EPYC-Milan", 25, 1, 1 },  { "EPYC-Milan-v1", 25, 1, 1 },
	{ "EPYC-Milan-v2", 25, 1, 1 }, { "EPYC-Genoa", 25, 17, 0 }, { "EPYC-Genoa-v1", 25, 17, 0 },
	{ "EPYC-Turin", 26, 0, 0 },
};

bool snp_cpu_sig_by_name(const char *name, uint32_t *sig)
{
	for (size_t i = 0; i < sizeof(cpu_types) / sizeof(cpu_types[0]); i++)
		if (!strcasecmp(name, cpu_types[i].name)) {
			*sig = snp_cpu_sig(cpu_types[i].family, cpu_types[i].model, cpu_types[i].stepping);
			return true;
		}
	return false;
}

const char *snp_cpu_type_name(size_t i)
{
	return i < sizeof(cpu_types) / sizeof(cpu_types[0]) ? cpu_types[i].name : NULL;
}
