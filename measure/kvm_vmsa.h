/* SPDX-License-Identifier: MIT */
/*
 * kvm_vmsa.h — would QEMU and KVM measure this SEV-ES/SNP VMSA as it is?
 *
 * QEMU (backends/igvm.c → target/i386/sev.c: check_vmsa_supported,
 * sev_apply_cpu_context) never hands an IGVM VMSA to KVM. It loads the
 * fields it knows into the vCPU (KVM_SET_SREGS, _REGS, _DEBUGREGS, _XCRS,
 * _MSRS for PAT, _XSAVE for FCW/MXCSR, KVM_SEV_INIT2 for sev_features) and
 * KVM rebuilds the VMSA from vCPU state in sev_es_sync_vmsa() before
 * SNP_LAUNCH_FINISH measures it. On that way some fields change, some are
 * refused and the rest must be zero. These rules say which, one per field,
 * checked against the mainline sources (Linux 6.11+ with KVM_SEV_INIT2,
 * through 7.0-rc: svm.c svm_set_cr0/cr4/efer/segment, x86.c __set_regs,
 * __kvm_set_xcr, sev.c sev_es_sync_vmsa; QEMU 10.x) and COCONUT's KVM,
 * which syncs the VMSA the same way:
 *
 *   kvm.vmsa-cr4-mce    CR4.MCE (0x40) clear: svm_set_cr4 ORs the host's
 *                       CR4.MCE into the VMCB save area the VMSA is copied
 *                       from, so the measured CR4 has it (sev-snp-measure
 *                       and COCONUT's builder write 0x40 for this reason)
 *   kvm.vmsa-efer-svme  EFER.SVME (0x1000) clear: svm_set_efer always sets it
 *   kvm.vmsa-efer-lma   EFER.LME and CR0.PG set but LMA clear: KVM sets LMA
 *   kvm.vmsa-cr0        CR0.ET clear (QEMU's cpu_x86_update_cr0 sets it),
 *                       CD or NW set (KVM's CD_NW_CLEARED quirk, on by
 *                       default, clears them), bits 63:32 set (QEMU keeps
 *                       32), or PG without PE (KVM refuses)
 *   kvm.vmsa-rflags     RFLAGS bit 1 clear: __set_regs sets it
 *   kvm.vmsa-dr7        DR7 other than 0 or 0x400: sev_es_sync_vmsa refuses
 *                       the launch
 *   kvm.vmsa-dr6        DR6 bits 63:32 set: KVM_SET_DEBUGREGS refuses
 *   kvm.vmsa-xcr0       XCR0 bit 0 clear, or YMM without SSE: __kvm_set_xcr
 *                       refuses
 *   kvm.vmsa-cpl        CPL not 0, or not SS.DPL: KVM derives CPL from SS
 *                       and QEMU refuses a CPL field
 *   kvm.vmsa-vmpl       VMPL not 0: QEMU refuses it, KVM writes 0
 *   kvm.vmsa-segment    a segment attribute with bits 15:12 set: only 12
 *                       bits survive the VMSA → SegmentCache → kvm_segment
 *                       → VMCB round trip
 *   kvm.vmsa-tr-base    TR.base differs from LDTR.base: QEMU loads the TR
 *                       base from the LDTR field
 *   kvm.vmsa-dtable     GDTR/IDTR with a selector, attributes or a limit
 *                       above 0xFFFF: QEMU drops them
 *   kvm.vmsa-pat        G_PAT with a byte that is no memory type: the MSR
 *                       write fails
 *   kvm.vmsa-mxcsr      MXCSR bits 31:16 set: KVM_SET_XSAVE refuses
 *   kvm.vmsa-features   sev_features without SNP (SNP) or with it (SEV-ES):
 *                       QEMU's check_sev_features refuses
 *   kvm.vmsa-field      any other field non-zero (XSS, PKRU, CR2, DR0-3,
 *                       CET, syscall MSRs, TSC fields, exit fields,
 *                       virtual TOM, x87/SSE/AVX registers, reserved bytes,
 *                       bytes 0x670-0xFFF): QEMU refuses the fields it
 *                       does not pass on, and KVM writes zero in all of them
 *
 * and two warnings, which depend on the host rather than the file:
 *
 *   kvm.sev-features-host  bits outside {SNP, DebugSwap, SecureTSC}: mainline
 *                       KVM and stock QEMU 10.x refuse them before launch
 *                       (restricted injection needs COCONUT-SVSM's KVM/QEMU
 *                       or the KVM planes series)
 *   kvm.debug-swap      (igvm_digest.c) DebugSwap set or clear
 *
 * Every rule is about the bytes the PSP measures. A file that passes is
 * measured as written on a host whose CR4 has MCE (every host that does not
 * boot with mce=off) and whose KVM supports its sev_features.
 */
#ifndef IB_MEASURE_KVM_VMSA_H
#define IB_MEASURE_KVM_VMSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../format/igvm_defs.h"

#define KVM_VMSA_MAX_FINDINGS 24

struct kvm_vmsa_finding {
	const char *rule;   /* "kvm.vmsa-cr4-mce" */
	const char *field;  /* "cr4" */
	uint32_t offset;    /* of the field inside the VMSA page */
	bool warning;
	char detail[200];
};

/* SNP bits mainline KVM (sev_supported_vmsa_features) and stock QEMU 10.x accept. */
#define KVM_MAINLINE_SEV_FEATURES (SEV_FEAT_SNP | SEV_FEAT_DEBUG_SWAP | SEV_FEAT_SECURE_TSC)

/*
 * Checks one VMSA page (4096 bytes). `snp`: the guest is SEV-SNP (else
 * SEV-ES). Writes at most `max` findings, failures first in field order,
 * and returns how many there are in all (failures and warnings).
 */
size_t kvm_vmsa_check(const uint8_t page[4096], bool snp, struct kvm_vmsa_finding *out, size_t max);

#endif
