/* SPDX-License-Identifier: MIT */
/*
 * cpuid_page.h — lookups in the SNP CPUID page (layout in format/launch_info.h),
 * which the PSP checked at launch: in an SNP guest the hypervisor's CPUID
 * answers are untrusted, so CPUID is served from this page. Portable C.
 */
#ifndef SVSM_SNP_CPUID_PAGE_H
#define SVSM_SNP_CPUID_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../format/launch_info.h"

/* True when the leaf's output depends on ECX (the subleaf). */
bool cpuid_leaf_has_subleaf(uint32_t leaf);
/*
 * Finds (leaf, subleaf) — subleaf ignored for leaves without one; for leaf
 * 0xD subleaves 0/1 the entry whose xcr0_in matches is preferred. Returns
 * false (out zeroed) when the page has no such entry or is malformed.
 */
bool snp_cpuid_lookup(const struct snp_cpuid_page *p, uint32_t leaf, uint32_t subleaf, uint64_t xcr0,
		      uint32_t out[4]);
/*
 * What the processor itself would change in a CPUID answer: the bits that
 * mirror control registers of the caller (Linux's snp_cpuid_postprocess does
 * the same). The page holds the hypervisor's view; leaf 1 ECX[27] OSXSAVE and
 * leaf 7.0 ECX[4] OSPKE must instead say whether CR4.OSXSAVE (bit 18) and
 * CR4.PKE (bit 22) are set, or code such as OpenSSL's CPU probe runs XGETBV
 * with OSXSAVE off and takes #UD.
 */
void snp_cpuid_postprocess(uint32_t leaf, uint32_t subleaf, uint64_t cr4, uint32_t out[4]);
/* C-bit position from leaf 0x8000001F EBX[5:0], or -1. */
int snp_cpuid_cbit(const struct snp_cpuid_page *p);

#endif
