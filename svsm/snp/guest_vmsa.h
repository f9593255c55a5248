/* SPDX-License-Identifier: MIT */
/*
 * guest_vmsa.h — the VMSA of a guest vCPU the SVSM starts at a lower VMPL:
 * the x86 state after RESET (AMD64 APM vol. 2, "Processor Initialization
 * State") in the VMSA layout of format/igvm_defs.h.
 *
 *   real mode: CS selector 0xF000, base reset_ip & 0xFFFF0000, RIP reset_ip
 *   & 0xFFFF (0xFFFFFFF0 gives the architectural F000:FFF0 with base
 *   0xFFFF0000; another address keeps selector F000 as COCONUT-SVSM does — a
 *   base above 1 MiB has no real-mode selector anyway); data segments
 *   selector 0, base 0; limits 0xFFFF; attributes
 *   in the VMSA's 12-bit form: code 0x9B, data 0x93, LDTR 0x82, TR 0x8B;
 *   GDTR/IDTR base 0 limit 0xFFFF; CR0 0x60000010 (CD, NW, ET); RFLAGS 2;
 *   DR6 0xFFFF0FF0, DR7 0x400; G_PAT 0x0007040600070406; XCR0 1; MXCSR
 *   0x1F80; x87 FCW 0x40, FTW 0x5555 (as COCONUT-SVSM and KVM's reset);
 *   EFER = SVME only (a VMSA whose EFER.SVME is clear does not run);
 *   VMPL and SEV_FEATURES as given; VIRTUAL_TOM when SEV_FEATURES has vTOM.
 * Everything else is zero.
 *
 * Which RIP: the boot vCPU of OVMF starts at the architectural reset vector
 * 0xFFFFFFF0. The launch information's fw_reset_vector is the SEV-ES *AP*
 * reset address from OVMF's footer, for application processors only.
 *
 * Portable C; unit-tested on the host.
 */
#ifndef SVSM_SNP_GUEST_VMSA_H
#define SVSM_SNP_GUEST_VMSA_H

#include <stdint.h>

#include "../../format/igvm_defs.h"

#define GUEST_VMSA_RESET_IP 0xFFFFFFF0ull

/* SEV_STATUS MSR bit positions sit two above SEV_FEATURES' (SNP: bit 2 vs 0, ...). */
#define SEV_STATUS_TO_FEATURES(s) ((s) >> 2)

struct guest_vmsa_params {
	uint64_t reset_ip;     /* linear address of the first instruction, below 4 GiB */
	uint64_t sev_features;
	uint64_t vtom;         /* used when sev_features has SEV_FEAT_VTOM */
	uint8_t vmpl;
};

/*
 * SEV_FEATURES for a guest VMSA from the SVSM's SEV_STATUS, as COCONUT-SVSM
 * derives them: the SVSM's own features minus restricted injection (the guest
 * takes ordinary interrupts from the hypervisor, not only #HV) and minus
 * debug-register swap (guests written for plain SNP expect their DR7
 * accesses to reach the hypervisor through #VC and the GHCB, which that
 * feature turns off).
 */
uint64_t guest_vmsa_features(uint64_t sev_status);
void guest_vmsa_build(struct igvm_sev_vmsa *v, const struct guest_vmsa_params *p);

#endif
