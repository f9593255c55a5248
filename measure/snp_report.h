/* SPDX-License-Identifier: MIT */
/*
 * snp_report.h — the SEV-SNP attestation report (AMD SEV-SNP firmware ABI,
 * ATTESTATION_REPORT structure): a parser for untrusted report bytes, its
 * printed forms, and the signature check against a VCEK/VLEK public key.
 *
 * Layout (0x4A0 bytes, little-endian; the signature covers 0x000-0x29F):
 *   0x000 VERSION u32        0x004 GUEST_SVN u32     0x008 POLICY u64
 *   0x010 FAMILY_ID[16]      0x020 IMAGE_ID[16]      0x030 VMPL u32
 *   0x034 SIGNATURE_ALGO u32 0x038 CURRENT_TCB u64   0x040 PLATFORM_INFO u64
 *   0x048 KEY_INFO u32: bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY,
 *         bits 4:2 SIGNING_KEY (0 VCEK, 1 VLEK, 7 none)
 *   0x050 REPORT_DATA[64]    0x090 MEASUREMENT[48]   0x0C0 HOST_DATA[32]
 *   0x0E0 ID_KEY_DIGEST[48]  0x110 AUTHOR_KEY_DIGEST[48]
 *   0x140 REPORT_ID[32]      0x160 REPORT_ID_MA[32]  0x180 REPORTED_TCB u64
 *   0x188 CPUID_FAM_ID, 0x189 CPUID_MOD_ID, 0x18A CPUID_STEP (version >= 3)
 *   0x1A0 CHIP_ID[64]        0x1E0 COMMITTED_TCB u64
 *   0x1E8 CURRENT_BUILD, _MINOR, _MAJOR u8   0x1EC COMMITTED_BUILD, _MINOR, _MAJOR u8
 *   0x1F0 LAUNCH_TCB u64
 *   0x1F8 LAUNCH_MIT_VECTOR u64, 0x200 CURRENT_MIT_VECTOR u64 (version >= 5)
 *   0x2A0 SIGNATURE: R[72] S[72] reserved, little-endian (ECDSA P-384 / SHA-384)
 * Versions 3 and 4 share a layout. A TCB_VERSION is bytes {boot loader, TEE,
 * 0, 0, 0, 0, SNP, microcode} before Turin and {FMC, boot loader, TEE, SNP,
 * 0, 0, 0, microcode} on Turin (CPUID family 0x1A, known from version 3 on).
 *
 * Parser contract: snp_report_parse() accepts exactly 0x4A0 bytes of version
 * 2 or later and never reads outside them. Shorter and longer inputs and
 * versions 0 and 1 are refused with the offset and a stable rule name.
 * Versions newer than SNP_REPORT_NEWEST_VERSION are decoded with the newest
 * known layout and flagged (r->newer_version plus a warning): AMD has only
 * ever added fields in reserved space, so every field named here keeps its
 * offset, and the signature still covers 0x000-0x29F. Reserved bytes that
 * are not zero are warnings, not errors, for the same reason.
 */
#ifndef IB_MEASURE_SNP_REPORT_H
#define IB_MEASURE_SNP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jsonw.h"

#define SNP_REPORT_SIZE 0x4A0
#define SNP_REPORT_SIGNED_SIZE 0x2A0
#define SNP_REPORT_OLDEST_VERSION 2
#define SNP_REPORT_NEWEST_VERSION 5

#define SNP_SIGNING_KEY_VCEK 0
#define SNP_SIGNING_KEY_VLEK 1
#define SNP_SIGNING_KEY_NONE 7

struct snp_tcb {
	uint64_t raw;
	bool turin; /* decoded with the Turin layout (has an FMC field) */
	uint8_t fmc, boot_loader, tee, snp, microcode;
};

#define SNP_REPORT_MAX_WARNINGS 16

struct snp_report {
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t vmpl;
	uint32_t signature_algo;
	struct snp_tcb current_tcb;
	uint64_t platform_info;
	uint32_t key_info;
	bool author_key_en;
	bool mask_chip_key;
	uint8_t signing_key;
	uint8_t report_data[64];
	uint8_t measurement[48];
	uint8_t host_data[32];
	uint8_t id_key_digest[48];
	uint8_t author_key_digest[48];
	uint8_t report_id[32];
	uint8_t report_id_ma[32];
	struct snp_tcb reported_tcb;
	bool has_cpuid; /* version >= 3 */
	uint8_t cpuid_fam_id, cpuid_mod_id, cpuid_step;
	uint8_t chip_id[64];
	struct snp_tcb committed_tcb;
	uint8_t current_build, current_minor, current_major;
	uint8_t committed_build, committed_minor, committed_major;
	struct snp_tcb launch_tcb;
	bool has_mit_vectors; /* version >= 5 */
	uint64_t launch_mit_vector, current_mit_vector;
	uint8_t sig_r[72], sig_s[72]; /* as stored: little-endian */
	bool newer_version;           /* version > SNP_REPORT_NEWEST_VERSION */

	unsigned nwarnings;
	char warnings[SNP_REPORT_MAX_WARNINGS][160];
};

struct snp_report_error {
	uint64_t offset;
	const char *rule; /* "report.size", "report.version" */
	char detail[160];
};

/* 0, or IB_EXIT_INVALID with *e filled in. */
int snp_report_parse(const uint8_t *buf, size_t len, struct snp_report *r, struct snp_report_error *e);

/* Human-readable listing of every field, one per line. */
void snp_report_print_text(const struct snp_report *r, FILE *out);
/* The same as members of the JSON object currently open in w. */
void snp_report_print_json(const struct snp_report *r, struct jsonw *w);

/*
 * Checks the report signature with the P-384 public key (x, y), big-endian,
 * over bytes 0x000-0x29F of the raw report. Returns 1 (valid), 0 (invalid;
 * why says which way: unsigned report, unknown algorithm, r/s out of range,
 * no match) or -1 (libcrypto failed).
 */
int snp_report_verify_signature(const uint8_t report[SNP_REPORT_SIZE], const struct snp_report *r,
				const uint8_t x[48], const uint8_t y[48], char *why, size_t whylen);

/* "VCEK", "VLEK", "none", "reserved". */
const char *snp_signing_key_name(uint8_t k);
/* Comma-separated names of the set policy / platform-info bits, into buf. */
const char *snp_policy_describe(uint64_t policy, char *buf, size_t len);
const char *snp_platform_info_describe(uint64_t info, char *buf, size_t len);

#endif
