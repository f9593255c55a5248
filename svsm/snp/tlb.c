/* SPDX-License-Identifier: MIT */
/* tlb.c — see tlb.h. */
#include "tlb.h"

uint64_t invlpgb_rax(uint64_t flags, uint64_t va)
{
	uint64_t rax = flags & 0x3Full;
	if (flags & INVLPGB_VA)
		rax |= va & ~0xFFFull;
	return rax;
}

uint32_t invlpgb_ecx(uint16_t extra, bool stride_2m)
{
	return (uint32_t)extra | (stride_2m ? INVLPGB_ECX_2M : 0u);
}

uint32_t invlpgb_edx(uint16_t pcid, uint16_t asid)
{
	return ((uint32_t)pcid << 16) | asid;
}

bool invlpgb_supported(uint32_t cpuid_80000008_ebx)
{
	return (cpuid_80000008_ebx & CPUID_80000008_EBX_INVLPGB) != 0;
}

void invlpgb(uint64_t rax, uint32_t ecx, uint32_t edx)
{
	/* Encoded as bytes: older assemblers and clang 14 lack the mnemonics. */
	__asm__ volatile(".byte 0x0F, 0x01, 0xFE" : : "a"(rax), "c"(ecx), "d"(edx) : "memory");
}

void tlbsync(void)
{
	__asm__ volatile(".byte 0x0F, 0x01, 0xFF" : : : "memory");
}
