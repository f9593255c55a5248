/* SPDX-License-Identifier: MIT */
/* guest_vmsa.c — see guest_vmsa.h. */
#include "guest_vmsa.h"

#define CR0_RESET     0x60000010ull
#define EFER_SVME_BIT 0x1000ull
#define DR6_RESET     0xFFFF0FF0ull
#define DR7_RESET     0x400ull
#define PAT_RESET     0x0007040600070406ull
#define MXCSR_RESET   0x1F80u
#define FCW_RESET     0x0040u
#define FTW_RESET     0x5555u

static void seg(struct igvm_sev_selector *s, uint16_t sel, uint16_t attr, uint64_t base)
{
	s->selector = sel;
	s->attrib = attr;
	s->limit = 0xFFFF;
	s->base = base;
}

uint64_t guest_vmsa_features(uint64_t sev_status)
{
	return SEV_STATUS_TO_FEATURES(sev_status) & ~(SEV_FEAT_RESTRICTED_INJECTION | SEV_FEAT_DEBUG_SWAP);
}

void guest_vmsa_build(struct igvm_sev_vmsa *v, const struct guest_vmsa_params *p)
{
	unsigned char *b = (unsigned char *)v;
	for (unsigned i = 0; i < sizeof(*v); i++)
		b[i] = 0;
	uint64_t cs_base = p->reset_ip & 0xFFFF0000ull;
	seg(&v->cs, 0xF000, 0x9B, cs_base);
	seg(&v->ds, 0, 0x93, 0);
	seg(&v->es, 0, 0x93, 0);
	seg(&v->fs, 0, 0x93, 0);
	seg(&v->gs, 0, 0x93, 0);
	seg(&v->ss, 0, 0x93, 0);
	seg(&v->gdtr, 0, 0, 0);
	seg(&v->idtr, 0, 0, 0);
	seg(&v->ldtr, 0, 0x82, 0);
	seg(&v->tr, 0, 0x8B, 0);
	v->rip = p->reset_ip & 0xFFFFull;
	v->rflags = 0x2;
	v->cr0 = CR0_RESET;
	v->efer = EFER_SVME_BIT;
	v->dr6 = DR6_RESET;
	v->dr7 = DR7_RESET;
	v->pat = PAT_RESET;
	v->xcr0 = 1;
	v->mxcsr = MXCSR_RESET;
	v->x87_fcw = FCW_RESET;
	v->x87_ftw = FTW_RESET;
	v->vmpl = p->vmpl;
	v->sev_features = p->sev_features;
	if (p->sev_features & SEV_FEAT_VTOM)
		v->virtual_tom = p->vtom;
}
