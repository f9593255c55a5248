/* SPDX-License-Identifier: MIT */
/* cpuid_page.c — see cpuid_page.h. */
#include "cpuid_page.h"

bool cpuid_leaf_has_subleaf(uint32_t leaf)
{
	switch (leaf) {
	case 0x4: case 0x7: case 0xB: case 0xD: case 0xF: case 0x10: case 0x12: case 0x14:
	case 0x17: case 0x18: case 0x1D: case 0x1F: case 0x8000001D: case 0x80000020: case 0x80000026:
		return true;
	}
	return false;
}

bool snp_cpuid_lookup(const struct snp_cpuid_page *p, uint32_t leaf, uint32_t subleaf, uint64_t xcr0,
		      uint32_t out[4])
{
	out[0] = out[1] = out[2] = out[3] = 0;
	if (p->count > SNP_CPUID_MAX_LEAVES)
		return false;
	bool sub = cpuid_leaf_has_subleaf(leaf);
	const struct snp_cpuid_leaf *found = 0;
	for (uint32_t i = 0; i < p->count; i++) {
		const struct snp_cpuid_leaf *l = &p->leaf[i];
		if (l->eax_in != leaf || (sub && l->ecx_in != subleaf))
			continue;
		if (leaf == 0xD && subleaf <= 1 && l->xcr0_in != xcr0) {
			if (!found)
				found = l; /* fallback */
			continue;
		}
		found = l;
		break;
	}
	if (!found)
		return false;
	out[0] = found->eax;
	out[1] = found->ebx;
	out[2] = found->ecx;
	out[3] = found->edx;
	return true;
}

int snp_cpuid_cbit(const struct snp_cpuid_page *p)
{
	uint32_t r[4];
	if (!snp_cpuid_lookup(p, 0x8000001F, 0, 0, r))
		return -1;
	return (int)(r[1] & 0x3F);
}

void snp_cpuid_postprocess(uint32_t leaf, uint32_t subleaf, uint64_t cr4, uint32_t out[4])
{
	if (leaf == 1)
		out[2] = (out[2] & ~(1u << 27)) | ((cr4 >> 18) & 1u) << 27;
	else if (leaf == 7 && subleaf == 0)
		out[2] = (out[2] & ~(1u << 4)) | ((cr4 >> 22) & 1u) << 4;
}
