/* SPDX-License-Identifier: MIT */
/* run_vmpl.c — see run_vmpl.h. */
#include "run_vmpl.h"

#include "ghcb_msr.h"

uint64_t ghcb_msr_run_vmpl_req(unsigned vmpl)
{
	return ((uint64_t)(vmpl & 0xFFu) << 32) | GHCB_MSR_RUN_VMPL_REQ;
}

bool ghcb_msr_run_vmpl_resp(uint64_t v, uint32_t *error)
{
	if ((v & GHCB_MSR_INFO_MASK) != GHCB_MSR_RUN_VMPL_RESP)
		return false;
	*error = (uint32_t)(v >> 32);
	return true;
}

void ghcb_set_run_vmpl(struct ghcb *g, unsigned vmpl)
{
	ghcb_set_exit(g, SVM_EXIT_SNP_RUN_VMPL, vmpl & 0xFFu, 0);
}

void ghcb_set_ap_creation(struct ghcb *g, unsigned request, uint32_t apic_id, unsigned vmpl, uint64_t vmsa_gpa,
			  uint64_t sev_features)
{
	uint64_t info1 = ((uint64_t)apic_id << 32) | ((uint64_t)(vmpl & 0xFu) << 16) | (request & 0xFFFFu);
	ghcb_set(g, GHCB_OFF_RAX, sev_features);
	ghcb_set_exit(g, SVM_EXIT_SNP_AP_CREATION, info1, vmsa_gpa);
}

unsigned snp_ap_creation_verdict(const struct ghcb *g)
{
	return ghcb_exit_status(g) == 0 ? 0 : GHCB_TERM_FEATURE;
}

unsigned snp_ap_creation(struct ghcb *g, uint64_t ghcb_gpa, unsigned request, uint32_t apic_id, unsigned vmpl,
			 uint64_t vmsa_gpa, uint64_t sev_features)
{
	ghcb_reset(g);
	ghcb_set_ap_creation(g, request, apic_id, vmpl, vmsa_gpa, sev_features);
	ghcb_vmgexit(ghcb_gpa);
	return snp_ap_creation_verdict(g);
}
