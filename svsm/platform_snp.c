/* SPDX-License-Identifier: MIT */
/*
 * platform_snp.c — VMPL0 in an SEV-SNP guest.
 *
 * init: checks SEV_STATUS says SNP is active, takes the C-bit from the
 * PSP-validated CPUID page (the hypervisor's CPUID is not trusted), and asks
 * the host whether it can run an SVSM (hv_caps.h: GHCB protocol 2, SNP, AP
 * creation, multi-VMPL, and restricted injection when our VMSA uses it).
 * late init (after the core's page tables): one page of the pool becomes the
 * GHCB — rescinded (PVALIDATE off), made shared (MSR-protocol page-state
 * change), mapped without the C-bit, registered with the hypervisor — and
 * from then on port I/O and MSR accesses work through #VC, so the console
 * is enabled. With restricted injection (SEV_STATUS bit 5) a second page
 * becomes this vCPU's #HV doorbell the same way and is registered with NAE
 * event 0x8000_0014 (snp/hv_doorbell.h); a host that refuses it ends the
 * guest with set 0, code 2. Failures before that end the guest with a GHCB
 * termination request, the only channel that exists then.
 *
 * #HV: the handler moves RIP out of the Run VMPL window and the idle window
 * (arch/vmpl_switch.S) and acknowledges a pending TLB shootdown (smp.h), and
 * does nothing else; platform_snp_run_vmpl() takes the events before every
 * Run VMPL request (EOIs the SVSM's own IPI vector through the x2APIC) and
 * ends the guest on a #MC.
 *
 * Every vCPU of the SVSM (smp_snp.c) has its own GHCB page and, with
 * restricted injection, its own doorbell, both prepared by the boot CPU and
 * registered by the vCPU itself (platform_snp_register_cpu(): the host keys
 * both by vCPU); with restricted injection its APIC is switched to x2APIC
 * mode, which is how its EOIs reach the host.
 */
#include "platform.h"

#include "arch/cpu.h"
#include "arch/idt.h"
#include "arch/vmpl_switch.h"
#include "console.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "percpu.h"
#include "snp/cpuid_page.h"
#include "snp/ghcb.h"
#include "snp/ghcb_msr.h"
#include "snp/hv_caps.h"
#include "snp/hv_doorbell.h"
#include "snp/guest_req.h"
#include "snp/pvalidate.h"
#include "snp/vc.h"
#include "snp/ap.h"
#include "smp.h"

#define SEV_STATUS_SNP       (1ull << 2)
#define SEV_STATUS_RESTR_INJ (1ull << 5) /* SEV_FEATURES bit 3, two places up */

static const struct snp_cpuid_page *cpuid_page;
static uint64_t cbit_mask;
static struct hv_caps host_caps;
static struct hvdb_stats hv_stats[MAX_CPUS]; /* by CPU index */
static bool restr_inj;

static uint64_t msr_call(void *ctx, uint64_t request)
{
	(void)ctx;
	return ghcb_msr_call(request);
}

static void snp_init(const struct launch_info *li)
{
	if (!(rdmsr(MSR_SEV_STATUS) & SEV_STATUS_SNP) || !li->cpuid_page_gpa)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_FEATURE);
	cpuid_page = (const struct snp_cpuid_page *)(uintptr_t)li->cpuid_page_gpa; /* identity map */
	int cbit = snp_cpuid_cbit(cpuid_page);
	if (cbit < 32 || cbit > 51)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_FEATURE);
	cbit_mask = 1ull << cbit;

	/* Before anything else goes to the hypervisor: can it run an SVSM at all? */
	uint64_t need = HV_CAPS_REQUIRED;
	restr_inj = (rdmsr(MSR_SEV_STATUS) & SEV_STATUS_RESTR_INJ) != 0;
	if (restr_inj)
		need |= GHCB_HV_FT_SNP_RESTR_INJ;
	enum hv_caps_result r = hv_caps_negotiate(msr_call, 0, (unsigned)cbit, need, &host_caps);
	if (r != HV_CAPS_OK)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, hv_caps_term_reason(r));
}

/* A page of the pool made shared (rescinded, page-state change, mapped without the C-bit)
 * and zeroed; its GPA in *pa. */
void *platform_snp_shared_page(uint64_t *pa)
{
	*pa = alloc_page();
	if (!*pa)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
	uint64_t va = (uint64_t)(uintptr_t)phys_to_virt(*pa);
	if (pvalidate(va, RMP_PAGE_4K, false, 0) != RMP_OK ||
	    ghcb_msr_psc(*pa, PSC_OP_SHARED) != 0 ||
	    pgt_set_private(&mm.pgt, va, false) != PGT_OK)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_PROTOCOL);
	invlpg(va);
	memset((void *)(uintptr_t)va, 0, PAGE_SIZE);
	return (void *)(uintptr_t)va;
}

/* An MSR access through this CPU's GHCB directly (not RDMSR/WRMSR through #VC, whose refusal
 * would be fatal): false when the host refused it. */
static bool ghcb_msr(struct percpu *cpu, uint32_t msr, bool write, uint64_t *val)
{
	struct ghcb *g = cpu->ghcb;
	ghcb_reset(g);
	ghcb_set(g, GHCB_OFF_RCX, msr);
	if (write) {
		ghcb_set(g, GHCB_OFF_RAX, *val & 0xFFFFFFFFull);
		ghcb_set(g, GHCB_OFF_RDX, *val >> 32);
	}
	ghcb_set_exit(g, SVM_EXIT_MSR, write, 0);
	ghcb_vmgexit(cpu->ghcb_gpa);
	if (ghcb_exit_status(g))
		return false;
	if (!write) {
		if (!ghcb_valid(g, GHCB_OFF_RAX) || !ghcb_valid(g, GHCB_OFF_RDX))
			return false;
		*val = (ghcb_get(g, GHCB_OFF_RAX) & 0xFFFFFFFFull) | ghcb_get(g, GHCB_OFF_RDX) << 32;
	}
	return true;
}

static const char why_ghcb[] = "the host refused its GHCB";
static const char why_doorbell[] = "the host refused its #HV doorbell";

void platform_snp_prepare_cpu(struct percpu *cpu)
{
	cpu->ghcb = platform_snp_shared_page(&cpu->ghcb_gpa);
	/* Restricted injection: #HV is all the host can inject; a doorbell says why. */
	if (restr_inj)
		cpu->hv_doorbell = platform_snp_shared_page(&cpu->hv_doorbell_gpa);
}

const char *platform_snp_register_cpu(struct percpu *cpu)
{
	if (!ghcb_msr_reg_gpa_resp(ghcb_msr_call(ghcb_msr_reg_gpa_req(cpu->ghcb_gpa)), cpu->ghcb_gpa))
		return why_ghcb;
	wrmsr(MSR_GHCB, cpu->ghcb_gpa);
	if (cpu->hv_doorbell) {
		ghcb_reset(cpu->ghcb);
		ghcb_set_hvdb_register(cpu->ghcb, cpu->hv_doorbell_gpa);
		ghcb_vmgexit(cpu->ghcb_gpa);
		if (!hvdb_register_ok(cpu->ghcb, cpu->hv_doorbell_gpa)) {
			cpu->hv_doorbell = 0;
			return why_doorbell;
		}
		/* x2APIC mode (IA32_APIC_BASE EN | EXTD), best effort: the EOI of the SVSM's own IPIs
		 * is the x2APIC EOI register (COCONUT-SVSM writes it through the GHCB the same way). */
		uint64_t b;
		if (ghcb_msr(cpu, 0x1Bu, false, &b) && (b & 0xC00) != 0xC00) {
			b |= 0xC00;
			ghcb_msr(cpu, 0x1Bu, true, &b);
		}
	}
	return 0;
}

void platform_snp_late_init(const struct launch_info *li)
{
	struct percpu *cpu = this_cpu();
	/* From here on the identity map is gone: reach the CPUID page through the direct map. */
	cpuid_page = phys_to_virt(li->cpuid_page_gpa);

	platform_snp_prepare_cpu(cpu);
	const char *e = platform_snp_register_cpu(cpu);
	if (e) /* GHCB: a protocol failure; doorbell: a feature the host lacks */
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, e == why_doorbell ? GHCB_TERM_FEATURE : GHCB_TERM_PROTOCOL);
	console_enable();
	if (cpu->hv_doorbell)
		pr_info("restricted injection: #HV doorbell page registered");
	/* Attestation needs VMPCK0; without it the SVSM still runs, and reports fail with -1. */
	if (li->secrets_page_gpa && snp_guest_req_setup(phys_to_virt(li->secrets_page_gpa)) != 0)
		pr_err("SNP guest requests unavailable: attestation reports will fail");
}

static uint64_t snp_pte_mask(void)
{
	return cbit_mask;
}

static bool snp_handle_vc(struct trap_frame *f)
{
	struct percpu *cpu = this_cpu();
	/* Without a GHCB, or inside another #VC (whose GHCB exchange is half done), there is
	 * nothing safe to do: the fatal path then terminates without printing. */
	if (!cpu->ghcb || cpu->in_vc)
		return false;
	cpu->in_vc = 1;
	bool handled = vc_handle(f, cpu->ghcb, cpu->ghcb_gpa, cpuid_page);
	cpu->in_vc = 0;
	return handled;
}

static bool snp_handle_vc_user(struct trap_frame *f, const uint8_t *insn, unsigned n)
{
	return vc_handle_user(f, insn, n, cpuid_page);
}

/*
 * #HV: nothing is processed here — the SVSM may be in the middle of anything (a GHCB
 * exchange, a console line, a spinlock) and runs with IF = 0 — except that an #HV in the
 * Run VMPL window cancels the request (hv_doorbell.h). No doorbell: not ours to handle.
 */
static bool snp_handle_hv(struct trap_frame *f)
{
	struct percpu *cpu = this_cpu();
	if (!cpu || !cpu->hv_doorbell)
		return false;
	static const struct hvdb_window w = { (uint64_t)(uintptr_t)hv_window_start, (uint64_t)(uintptr_t)hv_window_end,
					      (uint64_t)(uintptr_t)hv_window_cancel };
	static const struct hvdb_window idle = { (uint64_t)(uintptr_t)hv_idle_start, (uint64_t)(uintptr_t)hv_idle_end,
						 (uint64_t)(uintptr_t)hv_idle_end };
	cpu->hv_count++;
	f->rip = hvdb_trap_rip(hvdb_trap_rip(f->rip, &w), &idle);
	smp_ipi_work(); /* a shootdown acknowledgement is safe anywhere: a TLB flush and two atomics */
	return true;
}

static int switch_vmpl(void *ctx, struct hv_doorbell *db, unsigned vmpl)
{
	(void)ctx;
	return snp_run_vmpl_window(db, vmpl);
}

/* The first time an event of a kind shows up it is logged; after that only counted. */
static void log_events(const struct hvdb_stats *st, const struct hvdb_stats *before)
{
	if (st->nmis && !before->nmis)
		pr_warn("#HV: NMI delivered to VMPL0 (ignored: the SVSM raises none)");
	if (st->vectors > before->vectors && st->last_vector != SNP_IPI_VECTOR && !before->vectors)
		pr_warn("#HV: interrupt vector %u delivered to VMPL0 (discarded, no EOI)", st->last_vector);
	if (st->bad_vectors && !before->bad_vectors)
		pr_warn("#HV: doorbell names vector %u, not an interrupt vector (discarded)", st->last_vector);
	if (st->reserved && !before->reserved)
		pr_warn("#HV: reserved doorbell bits set (ignored)");
}

/* The SVSM's own IPI, taken off the doorbell: its EOI (the x2APIC EOI register; a refusal is
 * ignored, as COCONUT-SVSM ignores it: at worst the next IPI waits for the next hand-over). */
static void eoi_own(struct percpu *cpu, const struct hvdb_stats *st)
{
	uint64_t zero = 0;
	if (st->eoi_vector == SNP_IPI_VECTOR)
		(void)ghcb_msr(cpu, 0x80Bu, true, &zero);
}

enum snp_run_result platform_snp_run_vmpl(unsigned vmpl)
{
	struct percpu *cpu = this_cpu();
	struct hvdb_stats *st = &hv_stats[cpu->cpu_index % MAX_CPUS];
	struct hvdb_stats before = *st;
	enum hvdb_run r = hvdb_run_vmpl(cpu->hv_doorbell, st, vmpl, switch_vmpl, 0);
	if (cpu->hv_doorbell) {
		eoi_own(cpu, st);
		log_events(st, &before);
	}
	switch (r) {
	case HVDB_RAN:
		return SNP_RAN;
	case HVDB_CANCELLED:
		return SNP_CANCELLED;
	case HVDB_MC:
		pr_err("#HV: machine check delivered to VMPL0: ending the guest");
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
	case HVDB_REFUSED:
		break;
	}
	return SNP_REFUSED;
}

void platform_snp_idle(const uint64_t *wake)
{
	struct percpu *cpu = this_cpu();
	if (cpu->hv_doorbell) {
		/* Take what is pending first: a vector left in the doorbell holds back the next
		 * IPI, the one that would end this HLT. */
		struct hvdb_stats *st = &hv_stats[cpu->cpu_index % MAX_CPUS];
		struct hvdb_stats before = *st;
		if (hvdb_process(cpu->hv_doorbell, st) == HVDB_MACHINE_CHECK) {
			pr_err("#HV: machine check delivered to VMPL0: ending the guest");
			ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
		}
		eoi_own(cpu, st);
		log_events(st, &before);
	}
	snp_idle_halt(wake);
}

bool platform_snp_has_ipi(void)
{
	return restr_inj;
}

void platform_snp_send_ipi(struct percpu *target)
{
	struct percpu *cpu = this_cpu();
	if (!restr_inj || !cpu->ghcb)
		return;
	ghcb_reset(cpu->ghcb);
	ghcb_set_hv_ipi(cpu->ghcb, target->apic_id, SNP_IPI_VECTOR);
	ghcb_vmgexit(cpu->ghcb_gpa);
}

uint64_t platform_snp_host_features(void)
{
	return host_caps.features;
}

uint64_t platform_snp_vmsa_page(void)
{
	/* COCONUT-SVSM, edk2: some processors mishandle a VMSA on a 2 MiB boundary (erratum 1467). */
	uint64_t skipped[4], pa;
	unsigned ns = 0;
	while ((pa = alloc_page()) && !(pa & (LARGE_SIZE - 1)) && ns < 4)
		skipped[ns++] = pa;
	for (unsigned i = 0; i < ns; i++)
		free_page(skipped[i]);
	if (pa && !(pa & (LARGE_SIZE - 1))) {
		free_page(pa);
		pa = 0;
	}
	return pa;
}

static bool snp_can_print(void)
{
	struct percpu *cpu = this_cpu();
	return cpu && cpu->ghcb && !cpu->in_vc;
}

/*
 * Every end of the SVSM on SNP is a GHCB termination request (MSR protocol: it needs
 * no GHCB page): a halt would look like a hang to the host. Reason set 0, code 0
 * ("general"), as edk2 and COCONUT send; the serial log, when the GHCB was up, says
 * what happened. Host-capability failures use codes 1 and 2 (hv_caps.h) directly.
 */
static void snp_terminate(enum platform_exit_code code)
{
	(void)code;
	ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
}

static const char *snp_describe(void)
{
	static char buf[128];
	fmt_snprintf(buf, sizeof(buf), "SEV-SNP, VMPL0; host GHCB protocol %u..%u, features 0x%lx%s",
		     host_caps.min_version, host_caps.max_version, (unsigned long)host_caps.features,
		     this_cpu()->hv_doorbell ? "; restricted injection (#HV doorbell)" : "");
	return buf;
}

const struct platform platform_snp = {
	.smp = &smp_snp_ops,
	.name = "snp",
	.type = LAUNCH_PLATFORM_SNP,
	.init = snp_init,
	.pte_private_mask = snp_pte_mask,
	.handle_vc = snp_handle_vc,
	.handle_vc_user = snp_handle_vc_user,
	.handle_hv = snp_handle_hv,
	.describe = snp_describe,
	.can_print = snp_can_print,
	.terminate = snp_terminate,
};
