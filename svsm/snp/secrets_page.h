/* SPDX-License-Identifier: MIT */
/*
 * secrets_page.h — the copy of the SNP secrets page the SVSM gives the guest
 * firmware (SEV-SNP ABI "Secrets Page Format"; SVSM spec 58019, "SVSM
 * discovery"; Linux struct snp_secrets_page agrees on every offset below).
 *
 *   0x020 + 32 n  VMPCKn (n = 0..3)
 *   0x140  u64    SVSM base (GPA of the SVSM's memory)
 *   0x148  u64    SVSM size (bytes)
 *   0x150  u64    calling area GPA of the boot vCPU
 *   0x158  u32    highest SVSM protocol version supported
 *   0x15C  u8     VMPL the guest runs at
 *
 * The guest finds the SVSM through these fields (a non-zero guest VMPL and
 * a page-aligned CAA are what Linux and OVMF check). The keys of every VMPL
 * more privileged than the guest are wiped: VMPCK0 would let the guest ask
 * the PSP for reports in the SVSM's name, VMPCK1 belongs to a VMPL the guest
 * is not. Portable; unit-tested on the host.
 */
#ifndef SVSM_SNP_SECRETS_PAGE_H
#define SVSM_SNP_SECRETS_PAGE_H

#include <stdint.h>

#define SECRETS_PAGE_SIZE        4096u
#define SECRETS_VMPCK(n)         (0x20u + 32u * (n))
#define SECRETS_VMPCK_SIZE       32u
#define SECRETS_SVSM_BASE        0x140u
#define SECRETS_SVSM_SIZE        0x148u
#define SECRETS_SVSM_CAA         0x150u
#define SECRETS_SVSM_MAX_VERSION 0x158u
#define SECRETS_SVSM_GUEST_VMPL  0x15Cu

struct secrets_svsm_info {
	uint64_t base, size, caa;
	uint32_t max_version;
	uint8_t guest_vmpl; /* 1..3 */
};

/* out = in with VMPCK0..guest_vmpl-1 zeroed and the SVSM fields set; out and in may not overlap. */
void secrets_page_for_guest(uint8_t out[SECRETS_PAGE_SIZE], const uint8_t in[SECRETS_PAGE_SIZE],
			    const struct secrets_svsm_info *info);

#endif
