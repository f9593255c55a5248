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
 * #HV: the handler only moves RIP out of the Run VMPL window
 * (arch/vmpl_switch.S); platform_snp_run_vmpl() takes the events before every
 * Run VMPL request and ends the guest on a #MC.
 */
#include "platform.h"

#include "arch/cpu.h"
#include "arch/idt.h"
#include "arch/userabi.h"
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

#define SEV_STATUS_SNP       (1ull << 2)
#define SEV_STATUS_RESTR_INJ (1ull << 5) /* SEV_FEATURES bit 3, two places up */

static const struct snp_cpuid_page *cpuid_page;
static uint64_t cbit_mask;
static struct hv_caps host_caps;
static struct hvdb_stats hv_stats;

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
	if (rdmsr(MSR_SEV_STATUS) & SEV_STATUS_RESTR_INJ)
		need |= GHCB_HV_FT_SNP_RESTR_INJ;
	enum hv_caps_result r = hv_caps_negotiate(msr_call, 0, (unsigned)cbit, need, &host_caps);
	if (r != HV_CAPS_OK)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, hv_caps_term_reason(r));
}

/* A page of the pool made shared (rescinded, page-state change, mapped without the C-bit)
 * and zeroed; its GPA in *pa. */
static void *shared_page(uint64_t *pa)
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

void platform_snp_late_init(const struct launch_info *li)
{
	struct percpu *cpu = this_cpu();
	/* From here on the identity map is gone: reach the CPUID page through the direct map. */
	cpuid_page = phys_to_virt(li->cpuid_page_gpa);

	uint64_t pa;
	void *ghcb = shared_page(&pa);
	if (!ghcb_msr_reg_gpa_resp(ghcb_msr_call(ghcb_msr_reg_gpa_req(pa)), pa))
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_PROTOCOL);
	wrmsr(MSR_GHCB, pa);
	cpu->ghcb = ghcb;
	cpu->ghcb_gpa = pa;

	/* Restricted injection: #HV is all the host can inject; register where it says why. */
	if (rdmsr(MSR_SEV_STATUS) & SEV_STATUS_RESTR_INJ) {
		uint64_t db_pa;
		struct hv_doorbell *db = shared_page(&db_pa);
		ghcb_reset(cpu->ghcb);
		ghcb_set_hvdb_register(cpu->ghcb, db_pa);
		ghcb_vmgexit(cpu->ghcb_gpa);
		if (!hvdb_register_ok(cpu->ghcb, db_pa))
			ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_FEATURE);
		cpu->hv_doorbell = db;
	}
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
	/* An exception inside the vTPM's archives may have overwritten their red zone. */
	if (userabi_interrupted_redzone(f->rip, f->error_code == SVM_EXIT_CPUID))
		return false;
	cpu->in_vc = 1;
	bool handled = vc_handle(f, cpu->ghcb, cpu->ghcb_gpa, cpuid_page);
	cpu->in_vc = 0;
	return handled;
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
	/* Injected into the vTPM's archive code: their red zone may be gone (arch/userabi.h). */
	if (userabi_interrupted_redzone(f->rip, false))
		return false;
	static const struct hvdb_window w = { (uint64_t)(uintptr_t)hv_window_start, (uint64_t)(uintptr_t)hv_window_end,
					      (uint64_t)(uintptr_t)hv_window_cancel };
	cpu->hv_count++;
	f->rip = hvdb_trap_rip(f->rip, &w);
	return true;
}

static int switch_vmpl(void *ctx, struct hv_doorbell *db, unsigned vmpl)
{
	(void)ctx;
	return snp_run_vmpl_window(db, vmpl);
}

/* The first time an event of a kind shows up it is logged; after that only counted. */
static void log_events(const struct hvdb_stats *before)
{
	if (hv_stats.nmis && !before->nmis)
		pr_warn("#HV: NMI delivered to VMPL0 (ignored: the SVSM raises none)");
	if (hv_stats.vectors && !before->vectors)
		pr_warn("#HV: interrupt vector %u delivered to VMPL0 (discarded, no EOI)", hv_stats.last_vector);
	if (hv_stats.bad_vectors && !before->bad_vectors)
		pr_warn("#HV: doorbell names vector %u, not an interrupt vector (discarded)", hv_stats.last_vector);
	if (hv_stats.reserved && !before->reserved)
		pr_warn("#HV: reserved doorbell bits set (ignored)");
}

bool platform_snp_run_vmpl(unsigned vmpl)
{
	struct percpu *cpu = this_cpu();
	struct hvdb_stats before = hv_stats;
	enum hvdb_run r = hvdb_run_vmpl(cpu->hv_doorbell, &hv_stats, vmpl, switch_vmpl, 0);
	if (cpu->hv_doorbell)
		log_events(&before);
	switch (r) {
	case HVDB_RAN:
		return true;
	case HVDB_CANCELLED:
		return false;
	case HVDB_MC:
		pr_err("#HV: machine check delivered to VMPL0: ending the guest");
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
	case HVDB_REFUSED:
		break;
	}
	pr_err("guest: the hypervisor refused to run VMPL%u", vmpl);
	ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_FEATURE);
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
	.name = "snp",
	.type = LAUNCH_PLATFORM_SNP,
	.init = snp_init,
	.pte_private_mask = snp_pte_mask,
	.handle_vc = snp_handle_vc,
	.handle_hv = snp_handle_hv,
	.describe = snp_describe,
	.can_print = snp_can_print,
	.terminate = snp_terminate,
};
