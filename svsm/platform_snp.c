/* SPDX-License-Identifier: MIT */
/*
 * platform_snp.c — VMPL0 in an SEV-SNP guest.
 *
 * init: checks SEV_STATUS says SNP is active and takes the C-bit from the
 * PSP-validated CPUID page (the hypervisor's CPUID is not trusted).
 * late init (after the core's page tables): one page of the pool becomes the
 * GHCB — rescinded (PVALIDATE off), made shared (MSR-protocol page-state
 * change), mapped without the C-bit, registered with the hypervisor — and
 * from then on port I/O and MSR accesses work through #VC, so the console
 * is enabled. Failures before that end the guest with a GHCB termination
 * request, the only channel that exists then.
 */
#include "platform.h"

#include "arch/cpu.h"
#include "arch/idt.h"
#include "console.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "percpu.h"
#include "snp/cpuid_page.h"
#include "snp/ghcb.h"
#include "snp/ghcb_msr.h"
#include "snp/guest_req.h"
#include "snp/pvalidate.h"
#include "snp/vc.h"

#define SEV_STATUS_SNP (1ull << 2)

static const struct snp_cpuid_page *cpuid_page;
static uint64_t cbit_mask;

static void snp_init(const struct launch_info *li)
{
	if (!(rdmsr(MSR_SEV_STATUS) & SEV_STATUS_SNP) || !li->cpuid_page_gpa)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_FEATURE);
	cpuid_page = (const struct snp_cpuid_page *)(uintptr_t)li->cpuid_page_gpa; /* identity map */
	int cbit = snp_cpuid_cbit(cpuid_page);
	if (cbit < 32 || cbit > 51)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_FEATURE);
	cbit_mask = 1ull << cbit;
}

void platform_snp_late_init(const struct launch_info *li)
{
	struct percpu *cpu = this_cpu();
	/* From here on the identity map is gone: reach the CPUID page through the direct map. */
	cpuid_page = phys_to_virt(li->cpuid_page_gpa);

	uint64_t pa = alloc_page();
	if (!pa)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
	uint64_t va = (uint64_t)(uintptr_t)phys_to_virt(pa);
	if (pvalidate(va, RMP_PAGE_4K, false, 0) != RMP_OK ||
	    ghcb_msr_psc(pa, PSC_OP_SHARED) != 0 ||
	    pgt_set_private(&mm.pgt, va, false) != PGT_OK)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_PROTOCOL);
	invlpg(va);
	memset((void *)(uintptr_t)va, 0, PAGE_SIZE);
	if (!ghcb_msr_reg_gpa_resp(ghcb_msr_call(ghcb_msr_reg_gpa_req(pa)), pa))
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_PROTOCOL);
	wrmsr(MSR_GHCB, pa);
	cpu->ghcb = (void *)(uintptr_t)va;
	cpu->ghcb_gpa = pa;
	console_enable();
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
	return vc_handle(f, cpu->ghcb, cpu->ghcb_gpa, cpuid_page);
}

static const char *snp_describe(void)
{
	return "SEV-SNP, VMPL0";
}

const struct platform platform_snp = {
	.name = "snp",
	.type = LAUNCH_PLATFORM_SNP,
	.init = snp_init,
	.pte_private_mask = snp_pte_mask,
	.handle_vc = snp_handle_vc,
	.describe = snp_describe,
};
