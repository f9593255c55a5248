/* SPDX-License-Identifier: MIT */
/*
 * vtpm_config.h — the vTPM configuration blob: what `igvmbuild build` compiles
 * from a vTPM manifest (igvm-vtpm-manifest(5)) and what the SVSM core reads to
 * manufacture its vTPM.
 *
 * Why a blob in measured pages: the vTPM's identity (PCR banks, EK algorithm,
 * vendor strings, provisioned NV indices such as an EK certificate) becomes
 * part of the SNP launch digest, so a verifier who checks the measurement also
 * checks the vTPM configuration. The launch information (format/launch_info.h)
 * gives the blob's guest-physical address and size.
 *
 * Shared by host and guest: freestanding (stdint only), little-endian, every
 * layout pinned by _Static_assert, no pointers, all references are byte
 * offsets from the start of the blob.
 *
 * Layout (all offsets from the blob start, every part 8-byte aligned):
 *
 *   struct vtpm_config_header                     at 0
 *   struct vtpm_config_nv_index [nv_count]        at nv_table_offset
 *   NV initial contents, each 8-byte aligned      at nv_index[i].data_offset
 *   zero padding up to total_size
 *
 * Versioning: `version` is VTPM_CONFIG_VERSION (1). A reader must refuse a
 * different major version. Later minor revisions may only append fields to
 * the header (header_size grows) or to an NV entry (nv_entry_size grows);
 * readers use header_size/nv_entry_size to skip what they do not know, and
 * fields they do know keep their offsets forever.
 *
 * Guest-side validation contract (the blob is measured, but a reader must
 * still not trust arithmetic): magic and version match; header_size >=
 * sizeof(struct vtpm_config_header); total_size <= the size the launch
 * information gives; nv_table_offset + nv_count * nv_entry_size <= total_size;
 * each data_offset + data_len <= total_size and data_len <= nv size. The
 * builder guarantees all of this; nv indices are unique and sorted ascending.
 */
#ifndef IGVM_FORMAT_VTPM_CONFIG_H
#define IGVM_FORMAT_VTPM_CONFIG_H

#include <stdint.h>

#define VTPM_CONFIG_MAGIC   0x4643505456424749ull /* "IGBVTPCF" little-endian */
#define VTPM_CONFIG_VERSION 1u
/* Upper bound the builder enforces, so the guest can map it in one window. */
#define VTPM_CONFIG_MAX_SIZE (16u * 1024u) /* = LAUNCH_VTPM_CONFIG_MAX in launch_info.h */
#define VTPM_CONFIG_MAX_NV   32u

/* pcr_banks: bit set = the bank is allocated at manufacture (TPM2_PCR_Allocate). */
#define VTPM_PCR_BANK_SHA1   (1u << 0)
#define VTPM_PCR_BANK_SHA256 (1u << 1)
#define VTPM_PCR_BANK_SHA384 (1u << 2)
#define VTPM_PCR_BANK_SHA512 (1u << 3)
#define VTPM_PCR_BANK_SM3    (1u << 4)
#define VTPM_PCR_BANK_KNOWN  0x1Fu

/* ek_algorithm: TPM_ALG_ID values (TPM 2.0 Part 2). */
#define VTPM_TPM_ALG_RSA    0x0001u
#define VTPM_TPM_ALG_SHA256 0x000Bu
#define VTPM_TPM_ALG_SHA384 0x000Cu
#define VTPM_TPM_ALG_SHA512 0x000Du
#define VTPM_TPM_ALG_ECC    0x0023u

/*
 * ek_template: which TCG EK Credential Profile template the EK is created
 * from (TCG EK Credential Profile 2.x, "low" L-x and "high" H-x templates).
 */
enum vtpm_ek_template {
	VTPM_EK_TEMPLATE_L1 = 1, /* RSA 2048, SHA-256, AES-128 CFB, policy A */
	VTPM_EK_TEMPLATE_L2 = 2, /* ECC NIST P-256, SHA-256, AES-128 CFB, policy A */
	VTPM_EK_TEMPLATE_H1 = 3, /* RSA 2048 high range (unique zero-filled) */
	VTPM_EK_TEMPLATE_H2 = 4, /* ECC NIST P-256 high range */
	VTPM_EK_TEMPLATE_H3 = 5, /* ECC NIST P-384, SHA-384, AES-256 CFB */
	VTPM_EK_TEMPLATE_H4 = 6, /* ECC NIST P-521, SHA-512, AES-256 CFB */
	VTPM_EK_TEMPLATE_H6 = 7, /* RSA 3072, SHA-384, AES-256 CFB */
};

/* ek_curve: TPM_ECC_CURVE values; 0 for RSA. */
#define VTPM_ECC_NIST_P256 0x0003u
#define VTPM_ECC_NIST_P384 0x0004u
#define VTPM_ECC_NIST_P521 0x0005u

enum vtpm_persistence {
	VTPM_PERSIST_EPHEMERAL = 0, /* manufacture on every boot; NV lives in SVSM memory */
	VTPM_PERSIST_SEALED = 1,    /* keep NV across boots when the SVSM has a persistent store;
	                               manufacture (and provision the indices below) only once */
};

/* flags */
#define VTPM_CONFIG_FLAG_CREATE_EK_AT_MANUFACTURE (1u << 0) /* make the EK persistent at 0x81010001 */
#define VTPM_CONFIG_FLAG_KNOWN 0x1u

struct vtpm_config_header {
	uint64_t magic;             /* VTPM_CONFIG_MAGIC */
	uint32_t version;           /* VTPM_CONFIG_VERSION */
	uint32_t header_size;       /* sizeof(struct vtpm_config_header) for version 1 */
	uint32_t total_size;        /* whole blob incl. padding, a multiple of 8 */
	uint32_t flags;             /* VTPM_CONFIG_FLAG_* */
	uint32_t pcr_banks;         /* VTPM_PCR_BANK_* */
	uint16_t ek_algorithm;      /* VTPM_TPM_ALG_RSA or VTPM_TPM_ALG_ECC */
	uint16_t ek_template;       /* enum vtpm_ek_template */
	uint16_t ek_key_bits;       /* RSA modulus bits, or curve size in bits */
	uint16_t ek_curve;          /* VTPM_ECC_*, 0 for RSA */
	uint16_t ek_name_alg;       /* VTPM_TPM_ALG_SHA* */
	uint16_t persistence;       /* enum vtpm_persistence */
	uint32_t manufacturer;      /* TPM_PT_MANUFACTURER: 4 ASCII chars, first char in bits 31..24 */
	uint32_t reserved0;
	char vendor_string[16];     /* TPM_PT_VENDOR_STRING_1..4, NUL padded, not NUL terminated */
	uint64_t firmware_version;  /* TPM_PT_FIRMWARE_VERSION_1 (high 32) and _2 (low 32) */
	uint32_t nv_count;          /* entries in the NV table (<= VTPM_CONFIG_MAX_NV) */
	uint32_t nv_entry_size;     /* sizeof(struct vtpm_config_nv_index) for version 1 */
	uint32_t nv_table_offset;   /* from the blob start; 0 when nv_count == 0 */
	uint32_t reserved1;
};
_Static_assert(sizeof(struct vtpm_config_header) == 88, "vTPM config header is 88 bytes");
_Static_assert(__builtin_offsetof(struct vtpm_config_header, version) == 8, "");
_Static_assert(__builtin_offsetof(struct vtpm_config_header, pcr_banks) == 24, "");
_Static_assert(__builtin_offsetof(struct vtpm_config_header, ek_algorithm) == 28, "");
_Static_assert(__builtin_offsetof(struct vtpm_config_header, persistence) == 38, "");
_Static_assert(__builtin_offsetof(struct vtpm_config_header, manufacturer) == 40, "");
_Static_assert(__builtin_offsetof(struct vtpm_config_header, vendor_string) == 48, "");
_Static_assert(__builtin_offsetof(struct vtpm_config_header, firmware_version) == 64, "");
_Static_assert(__builtin_offsetof(struct vtpm_config_header, nv_count) == 72, "");
_Static_assert(__builtin_offsetof(struct vtpm_config_header, nv_table_offset) == 80, "");

/* NV index flags (builder side; the TPMA_NV attributes are in `attributes`). */
#define VTPM_NV_FLAG_WRITE_LOCK (1u << 0) /* TPM2_NV_WriteLock after provisioning */
#define VTPM_NV_FLAG_KNOWN 0x1u

struct vtpm_config_nv_index {
	uint32_t index;       /* TPM handle, 0x01000000..0x01FFFFFF */
	uint32_t attributes;  /* TPMA_NV, passed to TPM2_NV_DefineSpace as is */
	uint16_t name_alg;    /* VTPM_TPM_ALG_SHA* */
	uint16_t reserved0;
	uint32_t size;        /* dataSize of the index (bytes) */
	uint32_t data_offset; /* initial contents, from the blob start; 0 when data_len == 0 */
	uint32_t data_len;    /* bytes written at manufacture, <= size */
	uint32_t flags;       /* VTPM_NV_FLAG_* */
	uint32_t reserved1;
};
_Static_assert(sizeof(struct vtpm_config_nv_index) == 32, "vTPM NV entry is 32 bytes");
_Static_assert(__builtin_offsetof(struct vtpm_config_nv_index, size) == 12, "");
_Static_assert(__builtin_offsetof(struct vtpm_config_nv_index, data_offset) == 16, "");

#endif /* IGVM_FORMAT_VTPM_CONFIG_H */
