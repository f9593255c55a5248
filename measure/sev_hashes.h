/* SPDX-License-Identifier: MIT */
/*
 * sev_hashes.h — the kernel/initrd/cmdline hashes table that QEMU writes into
 * guest memory for measured direct boot (OVMF's SEV hash table, read by
 * OvmfPkg's BlobVerifierLib). The same 168-byte table is measured by SEV,
 * SEV-ES and SEV-SNP:
 *
 *   GUID 9438d606-4f22-4cc9-b479-a793d411fd21, u16 168
 *   GUID 97d02dd8-bd20-4c94-aa78-e7714d36ab2a (cmdline), u16 50, sha256[32]
 *   GUID 44baf731-3a2f-4bd7-9af1-41e29169781d (initrd),  u16 50, sha256[32]
 *   GUID 4de79437-abd2-427f-b835-d5b172d2045b (kernel),  u16 50, sha256[32]
 *
 * zero-padded to 176 bytes (a multiple of 16). GUIDs are in EFI byte order.
 * What is hashed, as QEMU and sev-snp-measure do it:
 *   kernel  — the raw file bytes, never parsed (an empty file is fine);
 *   initrd  — the raw file bytes; an absent initrd hashes as SHA-256("");
 *   cmdline — the command-line bytes plus one terminating NUL; an absent or
 *             empty command line hashes as SHA-256("\0").
 */
#ifndef IB_MEASURE_SEV_HASHES_H
#define IB_MEASURE_SEV_HASHES_H

#include <stddef.h>
#include <stdint.h>

#define SEV_HASHES_TABLE_LEN 168
#define SEV_HASHES_TABLE_PADDED_LEN 176
#define SEV_HASHES_ENTRY_LEN 50

struct sev_hashes {
	uint8_t cmdline[32];
	uint8_t initrd[32];
	uint8_t kernel[32];
};

/* initrd may be NULL (absent); cmdline may be NULL (absent). Returns 0, or -1 if libcrypto failed. */
int sev_hashes_compute(struct sev_hashes *h, const uint8_t *kernel, size_t kernel_len, const uint8_t *initrd,
		       size_t initrd_len, const char *cmdline);
/* The padded 176-byte table. */
void sev_hashes_table(const struct sev_hashes *h, uint8_t out[SEV_HASHES_TABLE_PADDED_LEN]);
/*
 * The 4 KiB page that SNP measures: zeros with the padded table at
 * offset_in_page. Returns 0, or -1 when the table would run past the page
 * (offset_in_page > 4096 - 176), which sev-snp-measure cannot build either.
 */
int sev_hashes_page(const struct sev_hashes *h, uint32_t offset_in_page, uint8_t page[4096]);

#endif
