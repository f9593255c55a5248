/* SPDX-License-Identifier: MIT */
/*
 * snp_digest.h — the SEV-SNP launch digest chain (AMD SEV-SNP firmware ABI,
 * SNP_LAUNCH_UPDATE and PAGE_INFO).
 *
 * The digest starts as 48 zero bytes (or a seed, e.g. sev-snp-measure's
 * --snp-ovmf-hash) and every measured page replaces it with
 *   LD = SHA-384(PAGE_INFO{ LD, contents, 0x70, page_type, 0, 0,0,0,0, gpa })
 * where contents is SHA-384 of the page for NORMAL and VMSA pages and zero for
 * every other type. Both igvmmeasure's IGVM and direct-OVMF paths use this
 * one implementation.
 */
#ifndef IB_SNP_DIGEST_H
#define IB_SNP_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define SNP_LD_LEN 48

enum snp_page_type {
	SNP_PAGE_NORMAL = 1,
	SNP_PAGE_VMSA = 2,
	SNP_PAGE_ZERO = 3,
	SNP_PAGE_UNMEASURED = 4,
	SNP_PAGE_SECRETS = 5,
	SNP_PAGE_CPUID = 6,
};

/* The PAGE_INFO structure hashed at each step (SNP ABI, 0x70 bytes). */
struct snp_page_info {
	uint8_t digest_cur[48];
	uint8_t contents[48];
	uint16_t length;
	uint8_t page_type;
	uint8_t imi_page;
	uint8_t vmpl3_perms;
	uint8_t vmpl2_perms;
	uint8_t vmpl1_perms;
	uint8_t reserved;
	uint64_t gpa;
};
_Static_assert(sizeof(struct snp_page_info) == 0x70, "PAGE_INFO is 0x70 bytes");
_Static_assert(__builtin_offsetof(struct snp_page_info, contents) == 0x30, "");
_Static_assert(__builtin_offsetof(struct snp_page_info, length) == 0x60, "");
_Static_assert(__builtin_offsetof(struct snp_page_info, page_type) == 0x62, "");
_Static_assert(__builtin_offsetof(struct snp_page_info, gpa) == 0x68, "");

struct snp_ld {
	uint8_t ld[SNP_LD_LEN];
};

/* seed may be NULL (48 zero bytes). */
void snp_ld_init(struct snp_ld *s, const uint8_t *seed);
/* One step with precomputed contents (NULL = 48 zero bytes). 0, or -1 if libcrypto failed. */
int snp_ld_extend(struct snp_ld *s, enum snp_page_type type, uint64_t gpa, const uint8_t *contents);
/* NORMAL/VMSA step for a 4 KiB page: hashes the page, then extends. */
int snp_ld_extend_page(struct snp_ld *s, enum snp_page_type type, uint64_t gpa, const uint8_t page[4096]);
/* SHA-384 of 4096 zero bytes, computed once. */
const uint8_t *snp_zero_page_hash(void);

#endif
