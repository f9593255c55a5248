/* SPDX-License-Identifier: MIT */
/* ghcb_msr.c — GHCB MSR protocol encoders and the VMGEXIT round trip (see ghcb_msr.h). */
#include "ghcb_msr.h"

#include "../arch/cpu.h"

uint64_t ghcb_msr_cpuid_req(uint32_t fn, unsigned reg)
{
	return ((uint64_t)fn << 32) | ((uint64_t)(reg & 3u) << 30) | GHCB_MSR_CPUID_REQ;
}

bool ghcb_msr_cpuid_resp(uint64_t v, uint32_t *value)
{
	if ((v & GHCB_MSR_INFO_MASK) != GHCB_MSR_CPUID_RESP)
		return false;
	*value = (uint32_t)(v >> 32);
	return true;
}

uint64_t ghcb_msr_reg_gpa_req(uint64_t gpa)
{
	return (gpa & ~0xFFFull) | GHCB_MSR_REG_GPA_REQ;
}

bool ghcb_msr_reg_gpa_resp(uint64_t v, uint64_t gpa)
{
	/* The hypervisor echoes the GFN; anything else is a refusal. */
	return (v & GHCB_MSR_INFO_MASK) == GHCB_MSR_REG_GPA_RESP && (v & ~0xFFFull) == (gpa & ~0xFFFull);
}

uint64_t ghcb_msr_psc_req(uint64_t gpa, unsigned op)
{
	/* GFN in bits 51:12, operation in bits 55:52. */
	return (gpa & 0x000FFFFFFFFFF000ull) | ((uint64_t)(op & 0xFu) << 52) | GHCB_MSR_PSC_REQ;
}

bool ghcb_msr_psc_resp(uint64_t v, uint32_t *error)
{
	if ((v & GHCB_MSR_INFO_MASK) != GHCB_MSR_PSC_RESP)
		return false;
	*error = (uint32_t)(v >> 32);
	return true;
}

bool ghcb_msr_sev_info(uint64_t v, uint16_t *min_ver, uint16_t *max_ver, unsigned *cbit)
{
	if ((v & GHCB_MSR_INFO_MASK) != GHCB_MSR_SEV_INFO_RESP)
		return false;
	*max_ver = (uint16_t)(v >> 48);
	*min_ver = (uint16_t)(v >> 32);
	*cbit = (unsigned)((v >> 24) & 0xFFu);
	return true;
}

bool ghcb_msr_hv_features(uint64_t v, uint64_t *features)
{
	if ((v & GHCB_MSR_INFO_MASK) != GHCB_MSR_HV_FEATURES_RESP)
		return false;
	*features = v >> 12;
	return true;
}

uint64_t ghcb_msr_term_req(unsigned set, unsigned reason)
{
	return ((uint64_t)(reason & 0xFFu) << 16) | ((uint64_t)(set & 0xFu) << 12) | GHCB_MSR_TERM_REQ;
}

uint64_t ghcb_msr_call(uint64_t request)
{
	wrmsr(MSR_GHCB, request);
	/* VMGEXIT is REP VMMCALL. */
	__asm__ volatile("rep; vmmcall" : : : "memory");
	return rdmsr(MSR_GHCB);
}

int64_t ghcb_msr_psc(uint64_t gpa, unsigned op)
{
	uint32_t err;
	if (!ghcb_msr_psc_resp(ghcb_msr_call(ghcb_msr_psc_req(gpa, op)), &err))
		return -1;
	return err;
}

void ghcb_msr_terminate(unsigned set, unsigned reason)
{
	for (;;)
		(void)ghcb_msr_call(ghcb_msr_term_req(set, reason));
}
