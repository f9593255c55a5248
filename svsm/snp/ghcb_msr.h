/* SPDX-License-Identifier: MIT */
/*
 * ghcb_msr.h — the GHCB MSR protocol (AMD GHCB specification, "GHCB MSR
 * protocol"): requests and responses packed into the GHCB MSR (0xC0010130)
 * around a VMGEXIT, usable before a GHCB page exists.
 *
 * Bits 11:0 hold the request/response code; the rest is code-specific data.
 * Encoders and decoders are plain C (unit-tested on the host); msr_protocol()
 * does the WRMSR / VMGEXIT / RDMSR round trip inside an SEV-ES/SNP guest.
 */
#ifndef SVSM_SNP_GHCB_MSR_H
#define SVSM_SNP_GHCB_MSR_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_GHCB 0xC0010130u

#define GHCB_MSR_INFO_MASK          0xFFFull
#define GHCB_MSR_SEV_INFO_RESP      0x001ull
#define GHCB_MSR_SEV_INFO_REQ       0x002ull
#define GHCB_MSR_CPUID_REQ          0x004ull
#define GHCB_MSR_CPUID_RESP         0x005ull
#define GHCB_MSR_REG_GPA_REQ        0x012ull
#define GHCB_MSR_REG_GPA_RESP       0x013ull
#define GHCB_MSR_PSC_REQ            0x014ull
#define GHCB_MSR_PSC_RESP           0x015ull
#define GHCB_MSR_HV_FEATURES_REQ    0x080ull
#define GHCB_MSR_HV_FEATURES_RESP   0x081ull
#define GHCB_MSR_TERM_REQ           0x100ull

/* Page-state-change operations (MSR protocol and GHCB PSC entries). */
#define PSC_OP_PRIVATE 1u
#define PSC_OP_SHARED  2u

/* Termination reasons: hv_caps.h. */
#include "hv_caps.h"

uint64_t ghcb_msr_cpuid_req(uint32_t fn, unsigned reg); /* reg: 0 EAX, 1 EBX, 2 ECX, 3 EDX */
bool ghcb_msr_cpuid_resp(uint64_t v, uint32_t *value);
uint64_t ghcb_msr_reg_gpa_req(uint64_t gpa);
bool ghcb_msr_reg_gpa_resp(uint64_t v, uint64_t gpa);
uint64_t ghcb_msr_psc_req(uint64_t gpa, unsigned op);
/* true when v is a PSC response; *error receives bits 63:32 (0 = success). */
bool ghcb_msr_psc_resp(uint64_t v, uint32_t *error);
bool ghcb_msr_sev_info(uint64_t v, uint16_t *min_ver, uint16_t *max_ver, unsigned *cbit);
bool ghcb_msr_hv_features(uint64_t v, uint64_t *features);
uint64_t ghcb_msr_term_req(unsigned set, unsigned reason);

/* Round trip through the hypervisor (SEV-ES/SNP only). Returns the MSR value after VMGEXIT. */
uint64_t ghcb_msr_call(uint64_t request);
/* Page-state change of one 4 KiB page through the MSR protocol: 0 or the hypervisor's error (or -1). */
int64_t ghcb_msr_psc(uint64_t gpa, unsigned op);
__attribute__((noreturn)) void ghcb_msr_terminate(unsigned set, unsigned reason);

#endif
