/* SPDX-License-Identifier: MIT */
/*
 * run_vmpl.h — how VMPL0 hands its vCPU to a less privileged VMPL and tells
 * the hypervisor which VMSA that VMPL runs (AMD GHCB specification 56421,
 * "SNP Run VMPL" and "SNP AP Creation").
 *
 * Run VMPL has two encodings; the core uses the MSR-protocol one, as
 * COCONUT-SVSM does, because it needs no GHCB page and so cannot race a #VC
 * handler that uses the GHCB (the request itself is made by
 * arch/vmpl_switch.S, behind the #HV doorbell check of snp/hv_doorbell.h):
 *   MSR protocol  request  GHCBData[11:0] = 0x016, GHCBData[39:32] = VMPL,
 *                          every other bit zero;
 *                 response GHCBData[11:0] = 0x017, GHCBData[63:32] = error
 *                          (0: the VMPL ran and has come back).
 *   GHCB page     SW_EXITCODE 0x8000_0018, SW_EXITINFO1 = VMPL, SW_EXITINFO2 = 0.
 * The call returns when the hypervisor runs VMPL0 again: normally because
 * the guest asked for it (an SVSM call), but the hypervisor may do so at any
 * time, which is why the request loop decides from the guest's VMSA whether
 * a call happened (reqloop.h), never from this return.
 *
 * AP Creation (SW_EXITCODE 0x8000_0013) registers a VMSA with the hypervisor:
 * SW_EXITINFO1 = APIC ID << 32 | VMPL << 16 | request (0: create on INIT,
 * 1: create now, 2: destroy), SW_EXITINFO2 = VMSA GPA, RAX = the VMSA's
 * SEV_FEATURES. The guest VMSA of the boot vCPU is registered with request 0
 * (COCONUT's register_guest_vmsa): it becomes this vCPU's VMPL2 state and
 * runs when VMPL0 asks for VMPL2, not on its own.
 *
 * Encoders and decoders are portable (host unit tests); the function at the
 * end executes VMGEXIT and only works inside an SNP guest.
 */
#ifndef SVSM_SNP_RUN_VMPL_H
#define SVSM_SNP_RUN_VMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "ghcb.h"

#define GHCB_MSR_RUN_VMPL_REQ  0x016ull
#define GHCB_MSR_RUN_VMPL_RESP 0x017ull

#define SVM_EXIT_SNP_AP_CREATION 0x80000013ull
#define SVM_EXIT_SNP_RUN_VMPL    0x80000018ull

#define SNP_AP_CREATE_ON_INIT 0u
#define SNP_AP_CREATE         1u
#define SNP_AP_DESTROY        2u

/* vmpl 0..3; anything else is masked to its low 8 bits as the field is. */
uint64_t ghcb_msr_run_vmpl_req(unsigned vmpl);
/* true when v is a Run VMPL response; *error receives GHCBData[63:32]. */
bool ghcb_msr_run_vmpl_resp(uint64_t v, uint32_t *error);
/* Fills g (after ghcb_reset) for the GHCB-page form of Run VMPL. */
void ghcb_set_run_vmpl(struct ghcb *g, unsigned vmpl);
/* Fills g (after ghcb_reset) for AP Creation. */
void ghcb_set_ap_creation(struct ghcb *g, unsigned request, uint32_t apic_id, unsigned vmpl, uint64_t vmsa_gpa,
			  uint64_t sev_features);

/* After the AP Creation exchange in g: 0 when the host took the VMSA, else the GHCB
 * termination reason (set 0) to end the guest with. Any refusal — mainline KVM's
 * SW_EXITINFO1 = 2 / "invalid input" for a request with a VMPL in bits 19:16, a VMSA whose
 * SEV features it does not run, or an answer that is no answer — means the host cannot run
 * the firmware at VMPL2: code 2 (GHCB_TERM_FEATURE, hv_caps.h), like a missing feature bit. */
unsigned snp_ap_creation_verdict(const struct ghcb *g);
/* SNP only. AP Creation through the GHCB page g (registered at ghcb_gpa); the verdict above.
 * Nothing may use g in between, so the caller logs nothing while this runs. */
unsigned snp_ap_creation(struct ghcb *g, uint64_t ghcb_gpa, unsigned request, uint32_t apic_id, unsigned vmpl,
			 uint64_t vmsa_gpa, uint64_t sev_features);

#endif
