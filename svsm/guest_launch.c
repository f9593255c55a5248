/* SPDX-License-Identifier: MIT */
/* guest_launch.c — see guest_launch.h. */
#include "guest_launch.h"

#include <stdbool.h>

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "console.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "percpu.h"
#include "platform.h"
#include "protocol/proto.h"
#include "protocol/proto_snp.h"
#include "protocol/reqloop.h"
#include "protocol/vcpu_run.h"
#include "smp.h"
#include "snp/ghcb_msr.h"
#include "snp/guest_vmsa.h"
#include "snp/pvalidate.h"
#include "snp/run_vmpl.h"
#include "snp/secrets_page.h"
#include "vtpm_proxy.h"

#define SVSM_PROTOCOL_MAX_VERSION 1u

static struct proto_core core;
static struct proto_snp snp;
static struct proto_platform plat;
static uint64_t cpuid_copy_pa;
static bool mem_shared;
static uint64_t pages_given, pages_taken;

/* Per CPU: its request loop's state (protocol/vcpu_run.h). */
static struct vcpu_run loops[MAX_CPUS];

int guest_launch_relocate(struct launch_info *run)
{
	if (!run->cpuid_page_gpa)
		return 0;
	uint64_t pa = alloc_page();
	if (!pa)
		return -1;
	/* A launch page in guest RAM: the hypervisor could have taken it (guest_access.h). */
	if (guest_copy(phys_to_virt(pa), phys_to_virt(run->cpuid_page_gpa), PAGE_SIZE)) {
		free_page(pa);
		return -1;
	}
	cpuid_copy_pa = pa;
	run->cpuid_page_gpa = pa;
	return 0;
}

static bool range_ok(uint64_t gpa, uint64_t len)
{
	return len && !((gpa | len) & (PAGE_SIZE - 1)) && gpa + len > gpa;
}

/*
 * A page the launch did not validate becomes the guest's: validated, zeroed (its old
 * content, whatever it is, is nobody's business), recorded, VMPL2 RWX. Pages the tracker
 * already knows are left alone: the launch-validated firmware image, or a page of an
 * earlier range.
 */
static int give_page(uint64_t pa, const char *what)
{
	if (!proto_in_guest(&core, pa, PAGE_SIZE)) {
		pr_err("guest: %s page 0x%lx is not guest RAM", what, (unsigned long)pa);
		return -1;
	}
	if (vs_valid(&core.vs, pa))
		return 0;
	if (mem_shared && ghcb_msr_psc(pa, PSC_OP_PRIVATE) != 0) {
		pr_err("guest: page-state change of %s page 0x%lx refused", what, (unsigned long)pa);
		return -1;
	}
	enum rmp_result r = plat.pvalidate(plat.ctx, pa, false, true);
	if (r == RMP_UNCHANGED)
		pr_warn("guest: %s page 0x%lx was already validated; its content is discarded", what,
			(unsigned long)pa);
	else if (r != RMP_OK) {
		pr_err("guest: PVALIDATE of %s page 0x%lx: %s", what, (unsigned long)pa, rmp_result_name(r));
		return -1;
	}
	if (!plat.zero(plat.ctx, pa, PAGE_SIZE)) {
		pr_err("guest: %s page 0x%lx was taken away right after its validation", what, (unsigned long)pa);
		return -1;
	}
	if (proto_mark_validated(&core, pa, PAGE_SIZE))
		return -1;
	r = plat.rmpadjust(plat.ctx, pa, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false);
	if (r != RMP_OK) {
		pr_err("guest: RMPADJUST of %s page 0x%lx: %s", what, (unsigned long)pa, rmp_result_name(r));
		return -1;
	}
	pages_given++;
	return 0;
}

static int give_range(uint64_t gpa, uint64_t len, const char *what)
{
	if (!range_ok(gpa, len)) {
		pr_err("guest: %s range 0x%lx+0x%lx is not page aligned", what, (unsigned long)gpa, (unsigned long)len);
		return -1;
	}
	for (uint64_t a = gpa; a < gpa + len; a += PAGE_SIZE)
		if (give_page(a, what))
			return -1;
	return 0;
}

/*
 * One of the SVSM's launch pages goes back to the guest as RAM it has not validated.
 * Only guest RAM the tracker does not claim for the guest is touched. A page that
 * cannot be rescinded stays validated and is recorded so, which keeps tracker and RMP
 * equal; the guest then cannot validate it again (FAIL_UNCHANGED), which is the lesser
 * evil compared to a double validation.
 */
static void take_back(uint64_t gpa, uint64_t len, bool wipe, const char *what)
{
	static uint64_t taken[128];
	static unsigned ntaken;
	if (!len || gpa + len < gpa)
		return;
	uint64_t end = (gpa + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	for (uint64_t a = gpa & ~(PAGE_SIZE - 1); a < end; a += PAGE_SIZE) {
		if (!proto_in_guest(&core, a, PAGE_SIZE) || vs_valid(&core.vs, a))
			continue;
		/* Two launch fields may share a page (VP count and environment information):
		 * rescinding it twice would be a PVALIDATE into the state it already has. */
		bool seen = false;
		for (unsigned i = 0; i < ntaken && !seen; i++)
			seen = taken[i] == a;
		if (seen || ntaken == sizeof(taken) / sizeof(taken[0]))
			continue;
		taken[ntaken++] = a;
		/* If it cannot be wiped it is not validated any more; whoever validates it
		 * next does so through the core, which zeroes it first (G3). */
		if (wipe && !plat.zero(plat.ctx, a, PAGE_SIZE))
			pr_warn("guest: %s page 0x%lx could not be wiped", what, (unsigned long)a);
		enum rmp_result r = plat.pvalidate(plat.ctx, a, false, false);
		if (r == RMP_OK)
			pages_taken++;
		else if (r != RMP_UNCHANGED) {
			pr_warn("guest: %s page 0x%lx stays validated (%s)", what, (unsigned long)a, rmp_result_name(r));
			proto_mark_validated(&core, a, PAGE_SIZE);
		}
	}
}

/* Guest memory for the core: RAM outside the SVSM's region, plus the firmware image. */
static int guest_ranges(const struct launch_info *li, uint64_t *base, uint64_t *size, unsigned *n)
{
	/*
	 * The firmware validates every page of RAM the host's map reports (below 4 GiB
	 * while it boots, the rest when it accepts memory) and stops the guest when the
	 * SVSM refuses one. So the region must be in no RAM range: the builder puts it
	 * above guest RAM, and a VM given more memory than that would die in the
	 * firmware; say so now instead.
	 */
	const struct mem_range *hit = memmap_ram_overlap(&mm.host_map, mm.region_gpa, mm.region_size);
	if (hit) {
		pr_err("guest: the host's RAM 0x%lx-0x%lx overlaps the SVSM region 0x%lx-0x%lx: the firmware "
		       "would validate SVSM memory; give the VM less memory or build the image with a higher "
		       "<kernel-region>", (unsigned long)hit->base, (unsigned long)(hit->base + hit->size - 1),
		       (unsigned long)mm.region_gpa, (unsigned long)(mm.region_gpa + mm.region_size - 1));
		return -1;
	}
	unsigned k = 0;
	bool fw_inside = false;
	uint64_t fw_end = li->fw_gpa + li->fw_size;
	for (unsigned i = 0; i < mm.guest_map.count; i++) {
		const struct mem_range *r = &mm.guest_map.r[i];
		if (r->type != MEMMAP_TYPE_RAM || !r->size)
			continue;
		if (k == PROTO_MAX_RANGES) {
			pr_err("guest: more than %u RAM ranges", PROTO_MAX_RANGES);
			return -1;
		}
		if (li->fw_gpa >= r->base && fw_end <= r->base + r->size)
			fw_inside = true;
		else if (li->fw_gpa < r->base + r->size && r->base < fw_end) {
			pr_err("guest: firmware 0x%lx+0x%lx straddles a RAM range", (unsigned long)li->fw_gpa,
			       (unsigned long)li->fw_size);
			return -1;
		}
		base[k] = r->base;
		size[k++] = r->size;
	}
	if (!fw_inside) {
		if (k == PROTO_MAX_RANGES)
			return -1;
		/* Not RAM in the host's map, so not in the direct map yet either. */
		uint64_t lo = li->fw_gpa & ~(LARGE_SIZE - 1), hi = (fw_end + LARGE_SIZE - 1) & ~(LARGE_SIZE - 1);
		if (pgt_map(&mm.pgt, DMAP_BASE + lo, lo, hi - lo, PTE_W | PTE_NX | PTE_PS)) {
			pr_err("guest: cannot map the firmware image");
			return -1;
		}
		base[k] = li->fw_gpa;
		size[k++] = li->fw_size;
	}
	*n = k;
	return 0;
}

/* The SVSM CPU whose APIC ID is apic (an online one), or -1. */
static int cpu_of_apic(uint32_t apic)
{
	for (unsigned n = 0;; n++) {
		unsigned i = smp_online_index(n);
		if (i >= MAX_CPUS)
			return -1;
		if (percpu_get(i)->apic_id == apic)
			return (int)i;
	}
}

/* CREATE_VCPU (protocol/core.c): only a vCPU with a request loop of its own can run a VMSA ... */
static bool vcpu_exists(void *ctx, uint32_t apic)
{
	(void)ctx;
	return cpu_of_apic(apic) >= 0;
}

/* ... and that loop takes it over (vcpu_loop), woken by an IPI if it sleeps. */
static void vcpu_bind(void *ctx, uint32_t apic, unsigned slot, uint32_t gen)
{
	(void)ctx;
	int i = cpu_of_apic(apic);
	if (i < 0)
		return;
	vcpu_run_bind(&loops[i], slot, gen);
	if ((unsigned)i != this_cpu()->cpu_index)
		platform_snp_send_ipi(percpu_get((unsigned)i));
}

static int prepare(const struct launch_info *li, uint64_t li_gpa, struct reqloop_vcpu *boot)
{
	if (!li->fw_size || !range_ok(li->fw_gpa, li->fw_size) || !li->fw_caa_gpa ||
	    (li->fw_caa_gpa & (PAGE_SIZE - 1)) || li->fw_prevalidated_count > LAUNCH_FW_MAX_PREVALIDATED) {
		pr_err("guest: the launch information describes no usable firmware");
		return -1;
	}
	uint64_t base[PROTO_MAX_RANGES], size[PROTO_MAX_RANGES];
	unsigned n;
	if (guest_ranges(li, base, size, &n) || proto_snp_init(&snp, &plat, base, size, n))
		return -1;
	plat.vcpu_exists = vcpu_exists;
	plat.vcpu_bind = vcpu_bind;
	uint64_t feats = guest_vmsa_features(rdmsr(MSR_SEV_STATUS));
	if (proto_init(&core, &plat, base, size, n, feats)) {
		pr_err("guest: protocol core setup failed");
		return -1;
	}
	if (vtpm_attach(&core)) { /* protocol 2 and the vTPM attestation service, if a vTPM runs */
		pr_err("guest: the vTPM cannot be attached");
		return -1;
	}
	/* Launch pages are read with guest_copy (wherever the builder put them): a fault is
	 * recovered like any guest access (arch/guest_access.h). */
	uint32_t env = 0;
	if (li->env_info_gpa && guest_copy(&env, phys_to_virt(li->env_info_gpa), sizeof(env))) {
		pr_err("guest: the environment information page cannot be read");
		return -1;
	}
	mem_shared = env & 1;

	/* The firmware image: launch-validated page data. */
	if (proto_mark_validated(&core, li->fw_gpa, li->fw_size))
		return -1;
	for (uint64_t a = li->fw_gpa; a < li->fw_gpa + li->fw_size; a += PAGE_SIZE) {
		enum rmp_result r = plat.rmpadjust(plat.ctx, a, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false);
		if (r != RMP_OK) {
			pr_err("guest: RMPADJUST of firmware page 0x%lx: %s", (unsigned long)a, rmp_result_name(r));
			return -1;
		}
	}

	for (unsigned i = 0; i < li->fw_prevalidated_count; i++)
		if (give_range(li->fw_prevalidated[i].gpa, li->fw_prevalidated[i].size, "prevalidated"))
			return -1;
	if (li->fw_cpuid_gpa && cpuid_copy_pa) {
		if (give_range(li->fw_cpuid_gpa, PAGE_SIZE, "CPUID"))
			return -1;
		if (!plat.write(plat.ctx, li->fw_cpuid_gpa, phys_to_virt(cpuid_copy_pa), PAGE_SIZE)) {
			pr_err("guest: the firmware's CPUID page cannot be written");
			return -1;
		}
	}
	if (li->fw_secrets_gpa && li->secrets_page_gpa) {
		if (give_range(li->fw_secrets_gpa, PAGE_SIZE, "secrets"))
			return -1;
		struct secrets_svsm_info si = { mm.region_gpa, mm.region_size, li->fw_caa_gpa,
						SVSM_PROTOCOL_MAX_VERSION, PROTO_GUEST_VMPL };
		static uint8_t in[SECRETS_PAGE_SIZE], out[SECRETS_PAGE_SIZE];
		bool ok = !guest_copy(in, phys_to_virt(li->secrets_page_gpa), sizeof(in));
		if (ok) {
			secrets_page_for_guest(out, in, &si);
			ok = plat.write(plat.ctx, li->fw_secrets_gpa, out, sizeof(out));
		}
		memset(in, 0, sizeof(in));
		memset(out, 0, sizeof(out));
		if (!ok) {
			pr_err("guest: the secrets page cannot be copied for the firmware");
			return -1;
		}
	}
	if (give_range(li->fw_caa_gpa, PAGE_SIZE, "calling area"))
		return -1;

	/* Nothing reads the launch pages from here on (guest_launch_relocate moved the CPUID
	 * table; the guest-request code keeps its own copy of VMPCK0). */
	take_back(li->stage2_gpa, li->stage2_size, false, "stage 2");
	take_back(li_gpa, LAUNCH_INFO_SIZE, false, "launch information");
	take_back(li->cpuid_page_gpa, PAGE_SIZE, false, "CPUID");
	take_back(li->secrets_page_gpa, PAGE_SIZE, true, "secrets");
	take_back(li->vp_count_gpa, 8, false, "parameter");
	take_back(li->env_info_gpa, 4, false, "parameter");
	take_back(li->memory_map_gpa, li->memory_map_size, false, "memory map");
	take_back(li->vtpm_config_gpa, li->vtpm_config_size, false, "vTPM configuration");
	take_back(li->boot_stack_gpa, li->boot_stack_size, false, "boot stack");
	take_back(li->page_table_gpa, (uint64_t)li->page_table_count * PAGE_SIZE, false, "boot page tables");

	uint64_t vmsa_pa = platform_snp_vmsa_page();
	if (!vmsa_pa) {
		pr_err("guest: no page for the VMSA");
		return -1;
	}
	struct igvm_sev_vmsa *v = phys_to_virt(vmsa_pa);
	struct guest_vmsa_params vp = { GUEST_VMSA_RESET_IP, feats, li->vtom, PROTO_GUEST_VMPL };
	guest_vmsa_build(v, &vp);
	uint32_t raw = 0;
	enum rmp_result r = rmpadjust((uint64_t)(uintptr_t)v, RMP_PAGE_4K, rmpadjust_attrs(PROTO_GUEST_VMPL, 0, true), &raw);
	if (r != RMP_OK) {
		pr_err("guest: RMPADJUST of the VMSA: %s (%u)", rmp_result_name(r), raw);
		return -1;
	}
	struct percpu *cpu = this_cpu();
	int slot = proto_add_boot_vcpu(&core, vmsa_pa, li->fw_caa_gpa, cpu->apic_id);
	if (slot < 0)
		return -1;
	/* Nothing may log between building the GHCB request and its VMGEXIT. */
	unsigned term = snp_ap_creation(cpu->ghcb, cpu->ghcb_gpa, SNP_AP_CREATE_ON_INIT, cpu->apic_id,
					PROTO_GUEST_VMPL, vmsa_pa, feats);
	if (term) { /* the host cannot run a VMPL2 VMSA: say so (0/2), not as a general failure */
		pr_err("guest: the hypervisor refused the VMPL2 VMSA (AP creation)");
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, term);
	}
	plat.flush(plat.ctx, 0, ~0ull);
	pr_info("guest: firmware 0x%lx-0x%lx at VMPL%u, %lu pages given, %lu launch pages handed back, "
		"CAA 0x%lx, VMSA 0x%lx, SEV features 0x%lx, TLB flush %s", (unsigned long)li->fw_gpa,
		(unsigned long)(li->fw_gpa + li->fw_size - 1), PROTO_GUEST_VMPL, (unsigned long)pages_given,
		(unsigned long)pages_taken, (unsigned long)li->fw_caa_gpa, (unsigned long)vmsa_pa, (unsigned long)feats,
		proto_snp_flush_mode(&snp));
	if (!snp.invlpgb && smp_cpus_online() > 1 && !platform_snp_has_ipi())
		pr_warn("guest: no INVLPGB and no #HV IPIs: revoked guest access is flushed on this vCPU only");
	*boot = (struct reqloop_vcpu){ (unsigned)slot, core.vcpu[slot].gen, vmsa_pa, v };
	return 0;
}

/* The request loop of one vCPU (protocol/vcpu_run.h). */
static __attribute__((noreturn)) void vcpu_loop(struct vcpu_run *v)
{
	for (;;) {
		smp_tlb_poll();
		if (vcpu_run_prepare(v) == VCPU_IDLE) {
			smp_idle_enter();
			platform_snp_idle((const uint64_t *)&v->bind);
			smp_idle_exit();
			continue;
		}
		enum snp_run_result r = platform_snp_run_vmpl(PROTO_GUEST_VMPL); /* #HV events first */
		if (!vcpu_run_after(v, r == SNP_RAN ? VCPU_RAN : r == SNP_CANCELLED ? VCPU_CANCELLED : VCPU_REFUSED)) {
			pr_err("guest: the hypervisor refused to run VMPL%u", PROTO_GUEST_VMPL);
			ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_FEATURE);
		}
	}
}

int guest_launch_snp(const struct launch_info *li, uint64_t li_gpa)
{
	struct reqloop_vcpu boot;
	if (prepare(li, li_gpa, &boot))
		return -1;
	struct vcpu_run *v = &loops[this_cpu()->cpu_index];
	vcpu_run_init(v, &core, &boot);
	vcpu_loop(v);
}

void guest_launch_ap(struct percpu *cpu)
{
	struct vcpu_run *v = &loops[cpu->cpu_index];
	vcpu_run_init(v, &core, 0);
	vcpu_loop(v);
}
