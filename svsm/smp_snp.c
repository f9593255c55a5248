/* SPDX-License-Identifier: MIT */
/*
 * smp_snp.c — starting the SVSM's application processors on SNP (smp.h):
 * one VMPL0 VMSA per vCPU, created with SNP AP Creation (snp/ap.h), which
 * starts the vCPU at once in 64-bit mode on the core's page tables at
 * arch/ap_boot.S's smp_ap_entry_vmsa. The vCPU then registers its own GHCB
 * and #HV doorbell (prepared by the boot CPU; the host keys both by vCPU),
 * and runs the request loop for its vCPU (guest_launch.h), which waits until
 * the firmware's CREATE_VCPU gives it a VMSA.
 *
 * The CPUs: the host's APIC ID list when it offers one (HV feature bit 4),
 * else 0..VP_COUNT-1 (smp.h); the boot CPU is the first of the list (KVM
 * lists its vCPUs in creation order, QEMU creates the boot CPU first) or
 * APIC ID 0.
 *
 * IPIs are #HV IPIs and need restricted injection; without it the core has
 * no way to interrupt another vCPU that runs the guest, so TLB shootdowns
 * need INVLPGB (proto_snp.c) and an idle vCPU is woken only by the host
 * itself (the firmware's AP Creation for it kicks it).
 */
#include "smp.h"

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/vmpl_switch.h"
#include "guest_launch.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "percpu.h"
#include "platform.h"
#include "snp/ap.h"
#include "snp/ghcb.h"
#include "snp/hv_caps.h"
#include "snp/pvalidate.h"
#include "snp/run_vmpl.h"

#define MSR_PAT 0x277u
#define CR4_OSXSAVE (1ull << 18)

extern const char smp_ap_entry_vmsa[];

static unsigned snp_apic_ids(const struct launch_info *li, uint32_t *ids, unsigned max, uint32_t *self)
{
	*self = 0;
	if (platform_snp_host_features() & GHCB_HV_FT_APIC_ID_LIST) {
		uint64_t pa;
		void *buf = platform_snp_shared_page(&pa); /* stays shared: the host wrote into it */
		struct percpu *cpu = this_cpu();
		ghcb_reset(cpu->ghcb);
		ghcb_set_get_apic_ids(cpu->ghcb, pa, 1);
		ghcb_vmgexit(cpu->ghcb_gpa);
		static uint8_t copy[PAGE_SIZE];
		memcpy(copy, buf, sizeof(copy)); /* one read of what the host wrote */
		unsigned n = snp_apic_ids_parse(cpu->ghcb, 1, copy, sizeof(copy), ids, max);
		if (n) {
			*self = ids[0];
			return n;
		}
	}
	uint32_t vp = 1;
	if (li->vp_count_gpa && guest_copy(&vp, phys_to_virt(li->vp_count_gpa), sizeof(vp)))
		vp = 1;
	if (vp == 0 || vp > 4096)
		vp = 1;
	unsigned n = vp < max ? vp : max;
	for (unsigned i = 0; i < n; i++)
		ids[i] = i;
	return vp;
}

static const char *snp_prepare(const struct launch_info *li)
{
	(void)li;
	return 0; /* AP Creation is among the features the boot already required (hv_caps.h) */
}

static void idt_descriptor(uint64_t *base, uint16_t *limit)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} d;
	__asm__ volatile("sidt %0" : "=m"(d));
	*base = d.base;
	*limit = d.limit;
}

static const char *snp_start(struct percpu *cpu)
{
	struct percpu *bsp = this_cpu();
	uint64_t vmsa_pa = platform_snp_vmsa_page();
	if (!vmsa_pa)
		return "no memory for its VMSA";
	platform_snp_prepare_cpu(cpu);
	struct igvm_sev_vmsa *v = phys_to_virt(vmsa_pa);
	struct snp_ap_vmsa_params p = { 0 };
	p.cr0 = read_cr0();
	p.cr3 = read_cr3();
	p.cr4 = read_cr4();
	p.efer = rdmsr(MSR_EFER);
	p.xcr0 = 1;
	if (p.cr4 & CR4_OSXSAVE) {
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		p.xcr0 = ((uint64_t)hi << 32) | lo;
	}
	p.pat = rdmsr(MSR_PAT);
	p.rip = (uint64_t)(uintptr_t)smp_ap_entry_vmsa;
	p.rsp = cpu->stack_top;
	p.rdi = cpu->cpu_index;
	p.gs_base = (uint64_t)(uintptr_t)cpu;
	p.gdt_base = (uint64_t)(uintptr_t)cpu->gdt;
	p.gdt_limit = sizeof(cpu->gdt) - 1;
	p.tss_base = (uint64_t)(uintptr_t)&cpu->tss;
	idt_descriptor(&p.idt_base, &p.idt_limit);
	p.sev_features = rdmsr(MSR_SEV_STATUS) >> 2; /* the SVSM's own, restricted injection included */
	snp_ap_vmsa_build(v, &p);
	/* A VMSA page: the VMSA bit, no access for any VMPL (RMPADJUST of VMPL1 sets the bit). */
	uint32_t raw = 0;
	if (rmpadjust((uint64_t)(uintptr_t)v, RMP_PAGE_4K, rmpadjust_attrs(1, 0, true), &raw) != RMP_OK) {
		free_page(vmsa_pa);
		return "RMPADJUST refused its VMSA";
	}
	cpu->vmsa_gpa = vmsa_pa;
	/* Nothing may log between building the GHCB request and its VMGEXIT. */
	unsigned term = snp_ap_creation(bsp->ghcb, bsp->ghcb_gpa, SNP_AP_CREATE, cpu->apic_id, 0, vmsa_pa,
					p.sev_features);
	if (term) {
		/* Not a VMSA any more, and the page back to the pool. */
		if (rmpadjust((uint64_t)(uintptr_t)v, RMP_PAGE_4K, rmpadjust_attrs(1, 0, false), &raw) == RMP_OK)
			free_page(vmsa_pa);
		cpu->vmsa_gpa = 0;
		return "the host refused AP Creation of its VMPL0 VMSA";
	}
	return 0;
}

static const char *snp_ap_init(struct percpu *cpu)
{
	return platform_snp_register_cpu(cpu);
}

static void snp_send_ipi(struct percpu *cpu)
{
	platform_snp_send_ipi(cpu);
}

static void snp_local_flush(void)
{
	tlb_flush_local();
}

static void snp_idle_wait(void)
{
	static const uint64_t never = 0;
	platform_snp_idle(&never);
}

static const char *snp_how(void)
{
	return platform_snp_has_ipi() ? "SNP AP Creation, VMPL0 VMSA per vCPU, #HV IPIs"
				      : "SNP AP Creation, VMPL0 VMSA per vCPU, no IPIs";
}

const struct smp_ops smp_snp_ops = {
	.how = snp_how,
	.apic_ids = snp_apic_ids,
	.prepare = snp_prepare,
	.start = snp_start,
	.ap_init = snp_ap_init,
	.ap_run = guest_launch_ap,
	.send_ipi = snp_send_ipi,
	.local_flush = snp_local_flush,
	.idle_wait = snp_idle_wait,
};
