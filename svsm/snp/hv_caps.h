/* SPDX-License-Identifier: MIT */
/*
 * hv_caps.h — what the SVSM needs from the host, asked at boot over the GHCB
 * MSR protocol before anything else talks to the hypervisor (AMD GHCB
 * specification 56421; the encodings as Linux's sev-common.h, KVM's
 * sev_handle_vmgexit_msr_protocol() and edk2's Ghcb.h implement them).
 *
 *   SEV_INFO     request 0x002, response 0x001: [63:48] highest and [47:32]
 *                lowest GHCB protocol version the hypervisor speaks, [31:24]
 *                the C-bit position.
 *   HV_FEATURES  request 0x080, response 0x081: [63:12] feature bitmap.
 *
 * The SVSM speaks GHCB protocol version 2 only (SNP needs 2; KVM answers
 * min 1, max 2, or max 1 for a VM made with the legacy KVM_SEV_ES_INIT). The
 * C-bit the hypervisor reports must equal the one in the PSP-validated CPUID
 * page (a hypervisor that lies about it is not one to run under). Feature
 * bits required:
 *
 *   bit 0  SNP                    every SNP host
 *   bit 1  AP creation            to register the firmware's VMPL2 VMSA
 *   bit 5  multi-VMPL             Run VMPL (MSR 0x016) and VMPL-tagged AP
 *                                 creation: COCONUT-SVSM's KVM (linux branch
 *                                 `svsm`) and the KVM planes series; mainline
 *                                 KVM (up to at least 6.18/7.1-rc) answers
 *                                 0x3 and cannot run an SVSM at all
 *   bit 2  restricted injection   only when the SVSM's own VMSA asks for it
 *                                 (SEV_STATUS bit 5): #HV is then the only
 *                                 event the host can deliver (hv_doorbell.h)
 *
 * Bits 6 and 7 are left alone: COCONUT and Linux define them differently.
 *
 * A host without what is needed gets a GHCB termination request whose reason
 * says why, from reason-code set 0 as Linux and edk2 use it:
 *   set 0, code 1  GHCB protocol version 2 not in the hypervisor's range, or
 *                  no (well-formed) SEV_INFO response, or a C-bit mismatch
 *   set 0, code 2  a required feature bit is missing (or no HV_FEATURES
 *                  response), and later: Run VMPL or AP creation refused
 *                  (snp_ap_creation_verdict, run_vmpl.h), or the #HV
 *                  doorbell registration refused (hv_doorbell.h)
 * KVM only logs the pair ("SEV-ES guest requested termination: 0:2") and
 * stops the VM, which is what the operator then reads.
 *
 * hv_caps_negotiate() takes the hypervisor round trip as a function, so the
 * host tests run it against models of the hypervisor handlers.
 */
#ifndef SVSM_SNP_HV_CAPS_H
#define SVSM_SNP_HV_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#define GHCB_HV_FT_SNP              (1ull << 0)
#define GHCB_HV_FT_SNP_AP_CREATION  (1ull << 1)
#define GHCB_HV_FT_SNP_RESTR_INJ    (1ull << 2)
#define GHCB_HV_FT_SNP_RESTR_INJ_TMR (1ull << 3)
#define GHCB_HV_FT_APIC_ID_LIST     (1ull << 4)
#define GHCB_HV_FT_SNP_MULTI_VMPL   (1ull << 5)

/* Always needed by an SVSM at VMPL0 that runs a firmware at VMPL2. */
#define HV_CAPS_REQUIRED (GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION | GHCB_HV_FT_SNP_MULTI_VMPL)

/* GHCB termination reasons, set 0 (GHCB specification, "Termination Request"). */
#define GHCB_TERM_SET_GENERAL     0u
#define GHCB_TERM_GENERAL         0u /* any other fatal error */
#define GHCB_TERM_PROTOCOL        1u /* GHCB protocol version range not supported */
#define GHCB_TERM_FEATURE         2u /* SEV-SNP feature not supported by the host */

enum hv_caps_result {
	HV_CAPS_OK = 0,
	HV_CAPS_NO_SEV_INFO,    /* the SEV_INFO answer is not a SEV_INFO response */
	HV_CAPS_VERSION,        /* version 2 outside [min, max], or min > max */
	HV_CAPS_CBIT,           /* the hypervisor's C-bit differs from the CPUID page's */
	HV_CAPS_NO_FEATURES,    /* the HV_FEATURES answer is not a HV_FEATURES response */
	HV_CAPS_MISSING,        /* a required feature bit is clear (see hv_caps.missing) */
};

struct hv_caps {
	uint16_t min_version, max_version; /* as the hypervisor reported them */
	unsigned cbit;                     /* as the hypervisor reported it */
	uint64_t features;                 /* HV_FEATURES bitmap */
	uint64_t missing;                  /* required bits the host lacks (HV_CAPS_MISSING) */
};

typedef uint64_t (*hv_call_fn)(void *ctx, uint64_t request);

/*
 * Asks SEV_INFO then HV_FEATURES through call(). `cbit` is the C-bit position
 * from the CPUID page; `need` the feature bits required (HV_CAPS_REQUIRED,
 * plus GHCB_HV_FT_SNP_RESTR_INJ when the SVSM's VMSA has restricted
 * injection). Fills *caps as far as the answers went.
 */
enum hv_caps_result hv_caps_negotiate(hv_call_fn call, void *ctx, unsigned cbit, uint64_t need,
				      struct hv_caps *caps);
/* The termination reason (set 0) for a failed negotiation. */
unsigned hv_caps_term_reason(enum hv_caps_result r);
const char *hv_caps_result_name(enum hv_caps_result r);

#endif
