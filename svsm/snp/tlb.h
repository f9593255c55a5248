/* SPDX-License-Identifier: MIT */
/*
 * tlb.h — broadcast TLB invalidation (AMD64 APM vol. 3, INVLPGB and TLBSYNC).
 *
 * INVLPGB (0F 01 FE) asks every processor to drop TLB entries; the operands:
 *   RAX  bit 0 VA valid, bit 1 PCID valid, bit 2 ASID valid, bit 3 include
 *        global entries, bit 4 final translation only, bit 5 include nested
 *        translations; bits 63:12 the virtual address when bit 0 is set;
 *   ECX  bits 15:0 number of further pages after the first, bit 31 stride
 *        2 MiB instead of 4 KiB (only meaningful with a VA);
 *   EDX  bits 31:16 PCID, bits 15:0 ASID.
 * Executed by a guest, the ASID field is ignored and the guest's own ASID is
 * used. TLBSYNC (0F 01 FF) waits until every INVLPGB this processor issued
 * has completed everywhere. Support: CPUID 0x8000_0008 EBX bit 3 (both
 * instructions); the hypervisor must also let the guest execute them, or
 * they raise #UD.
 *
 * Encoders are portable (host unit tests); the wrappers only run in a guest
 * whose hypervisor allows them.
 */
#ifndef SVSM_SNP_TLB_H
#define SVSM_SNP_TLB_H

#include <stdbool.h>
#include <stdint.h>

#define INVLPGB_VA          (1ull << 0)
#define INVLPGB_PCID        (1ull << 1)
#define INVLPGB_ASID        (1ull << 2)
#define INVLPGB_GLOBAL      (1ull << 3)
#define INVLPGB_FINAL_ONLY  (1ull << 4)
#define INVLPGB_NESTED      (1ull << 5)
#define INVLPGB_ECX_2M      (1u << 31)

#define CPUID_80000008_EBX_INVLPGB (1u << 3)

/* RAX: flags | the page-aligned va when INVLPGB_VA is among the flags. */
uint64_t invlpgb_rax(uint64_t flags, uint64_t va);
/* ECX: extra pages after the first (count - 1, at most 0xFFFF), 2 MiB stride or 4 KiB. */
uint32_t invlpgb_ecx(uint16_t extra, bool stride_2m);
uint32_t invlpgb_edx(uint16_t pcid, uint16_t asid);
bool invlpgb_supported(uint32_t cpuid_80000008_ebx);

void invlpgb(uint64_t rax, uint32_t ecx, uint32_t edx);
void tlbsync(void);

#endif
