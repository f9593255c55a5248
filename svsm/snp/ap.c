/* SPDX-License-Identifier: MIT */
/* ap.c — see ap.h. */
#include "ap.h"

#define EFER_SVME_BIT 0x1000ull

static void seg(struct igvm_sev_selector *s, uint16_t sel, uint16_t attr, uint32_t limit, uint64_t base)
{
	s->selector = sel;
	s->attrib = attr;
	s->limit = limit;
	s->base = base;
}

void snp_ap_vmsa_build(struct igvm_sev_vmsa *v, const struct snp_ap_vmsa_params *p)
{
	unsigned char *b = (unsigned char *)v;
	for (unsigned i = 0; i < sizeof(*v); i++)
		b[i] = 0;
	/* Attributes in the VMSA's 12-bit form: type/S/DPL/P, then AVL, L, D/B, G. */
	seg(&v->cs, 0x08, 0xA9B, 0xFFFFFFFFu, 0);  /* 64-bit code, L | G */
	seg(&v->ss, 0x10, 0xC93, 0xFFFFFFFFu, 0);  /* data, D/B | G */
	seg(&v->ds, 0x10, 0xC93, 0xFFFFFFFFu, 0);
	seg(&v->es, 0x10, 0xC93, 0xFFFFFFFFu, 0);
	seg(&v->fs, 0, 0, 0, 0);
	seg(&v->gs, 0, 0, 0, p->gs_base);
	seg(&v->gdtr, 0, 0, p->gdt_limit, p->gdt_base);
	seg(&v->idtr, 0, 0, p->idt_limit, p->idt_base);
	seg(&v->ldtr, 0, 0x82, 0xFFFF, 0);
	seg(&v->tr, 0x18, 0x8B, 0x67, p->tss_base); /* busy 64-bit TSS, 104 bytes */
	v->cr0 = p->cr0;
	v->cr3 = p->cr3;
	v->cr4 = p->cr4;
	v->efer = p->efer | EFER_SVME_BIT;
	v->xcr0 = p->xcr0;
	v->pat = p->pat;
	v->rip = p->rip;
	v->rsp = p->rsp;
	v->rdi = p->rdi;
	v->rflags = 0x2;
	v->dr6 = 0xFFFF0FF0ull;
	v->dr7 = 0x400;
	v->mxcsr = 0x1F80;
	v->x87_fcw = 0x40;
	v->x87_ftw = 0x5555;
	v->vmpl = 0;
	v->cpl = 0;
	v->sev_features = p->sev_features;
}

void ghcb_set_hv_ipi(struct ghcb *g, uint32_t dest, uint8_t vector)
{
	ghcb_set_exit(g, SVM_EXIT_HV_IPI, ((uint64_t)dest << 32) | vector, 0); /* fixed delivery: mode 0 */
}

void ghcb_set_get_apic_ids(struct ghcb *g, uint64_t gpa, uint64_t pages)
{
	ghcb_set(g, GHCB_OFF_RAX, pages);
	ghcb_set_exit(g, SVM_EXIT_GET_APIC_IDS, gpa, 0);
}

unsigned snp_apic_ids_parse(const struct ghcb *g, uint64_t pages, const void *buf, size_t len, uint32_t *ids,
			    unsigned max)
{
	if (ghcb_exit_status(g) != 0 || ghcb_get(g, GHCB_OFF_RAX) > pages || len < 4)
		return 0;
	const uint8_t *p = buf;
	uint32_t count = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	if (count > (len - 4) / 4)
		count = (uint32_t)((len - 4) / 4);
	unsigned n = 0;
	for (uint32_t i = 0; i < count && n < max; i++) {
		const uint8_t *e = p + 4 + 4 * (size_t)i;
		uint32_t id = (uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24;
		unsigned k = 0;
		while (k < n && ids[k] != id)
			k++;
		if (k == n)
			ids[n++] = id;
	}
	return n;
}
