/* SPDX-License-Identifier: MIT */
/*
 * tpm2.h — just enough TPM 2.0 wire format (TPM 2.0 Library Part 2 types, Part
 * 3 commands; big-endian, size-prefixed TPM2B) for the vTPM to talk to its own
 * TPM: manufacture, the boot self-test, the EK for the attestation manifest.
 * A writer that appends into a fixed buffer and a reader that never reads
 * past its end; both remember the first failure, so a caller checks once.
 * Portable C (compiled into the SVSM and the host tests).
 */
#ifndef SVSM_VTPM_TPM2_H
#define SVSM_VTPM_TPM2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TPM2_MAX_CMD 4096u

#define TPM_ST_NO_SESSIONS 0x8001u
#define TPM_ST_SESSIONS 0x8002u
#define TPM_ST_ATTEST_QUOTE 0x8018u
#define TPM_GENERATED_VALUE 0xFF544347u

#define TPM_RC_SUCCESS 0x000u
#define TPM_RC_FAILURE 0x101u
#define TPM_RC_INITIALIZE 0x100u

#define TPM_CC_EvictControl 0x120u
#define TPM_CC_NV_DefineSpace 0x12Au
#define TPM_CC_PCR_Allocate 0x12Bu
#define TPM_CC_CreatePrimary 0x131u
#define TPM_CC_NV_Write 0x137u
#define TPM_CC_NV_WriteLock 0x138u
#define TPM_CC_Startup 0x144u
#define TPM_CC_Shutdown 0x145u
#define TPM_CC_NV_Read 0x14Eu
#define TPM_CC_Quote 0x158u
#define TPM_CC_FlushContext 0x165u
#define TPM_CC_GetCapability 0x17Au
#define TPM_CC_GetRandom 0x17Bu
#define TPM_CC_PCR_Read 0x17Eu
#define TPM_CC_PCR_Extend 0x182u

#define TPM_RH_OWNER 0x40000001u
#define TPM_RS_PW 0x40000009u
#define TPM_RH_ENDORSEMENT 0x4000000Bu
#define TPM_RH_PLATFORM 0x4000000Cu
#define TPM_SU_CLEAR 0x0000u
#define TPM_CAP_TPM_PROPERTIES 6u

#define TPM_ALG_RSA 0x0001u
#define TPM_ALG_SHA1 0x0004u
#define TPM_ALG_AES 0x0006u
#define TPM_ALG_SHA256 0x000Bu
#define TPM_ALG_SHA384 0x000Cu
#define TPM_ALG_SHA512 0x000Du
#define TPM_ALG_NULL 0x0010u
#define TPM_ALG_SM3_256 0x0012u
#define TPM_ALG_ECDSA 0x0018u
#define TPM_ALG_ECC 0x0023u
#define TPM_ALG_CFB 0x0043u
#define TPM_ECC_NIST_P256 0x0003u

/* TPM_PT_* (Part 2, 6.13) the vTPM sets or checks */
#define TPM_PT_MANUFACTURER 0x105u
#define TPM_PT_VENDOR_STRING_1 0x106u
#define TPM_PT_VENDOR_STRING_4 0x109u
#define TPM_PT_FIRMWARE_VERSION_1 0x10Bu
#define TPM_PT_FIRMWARE_VERSION_2 0x10Cu

#define TPMA_NV_PPWRITE (1u << 0)
#define TPMA_NV_OWNERWRITE (1u << 1)
#define TPMA_NV_AUTHWRITE (1u << 2)
#define TPMA_NV_PPREAD (1u << 16)
#define TPMA_NV_OWNERREAD (1u << 17)
#define TPMA_NV_AUTHREAD (1u << 18)
#define TPMA_NV_PLATFORMCREATE (1u << 30)

#define TPM2_PCRS 24u
#define TPM2_MAX_DIGEST 64u

struct tpm2_w {
	uint8_t *b;
	uint32_t cap, len;
	bool bad;
	uint32_t auth_at, param_at; /* where the authorization / parameter size fields sit */
};

struct tpm2_r {
	const uint8_t *b;
	uint32_t len, pos;
	bool bad;
};

/* ---- writing ---- */
void tpm2_w_init(struct tpm2_w *w, uint8_t *buf, uint32_t cap);
void tpm2_w_u8(struct tpm2_w *w, uint8_t v);
void tpm2_w_u16(struct tpm2_w *w, uint16_t v);
void tpm2_w_u32(struct tpm2_w *w, uint32_t v);
void tpm2_w_u64(struct tpm2_w *w, uint64_t v);
void tpm2_w_bytes(struct tpm2_w *w, const void *p, uint32_t n);
void tpm2_w_b2(struct tpm2_w *w, const void *p, uint16_t n); /* TPM2B: u16 size + bytes */
/* Header with tag, size placeholder and command code; handles follow. */
void tpm2_w_cmd(struct tpm2_w *w, uint16_t tag, uint32_t cc);
/* An authorization area with one empty-password session (TPM_RS_PW). */
void tpm2_w_pw_session(struct tpm2_w *w);
/* Patches commandSize; returns the length (0 if anything overflowed). */
uint32_t tpm2_w_done(struct tpm2_w *w);
/* TPML_PCR_SELECTION of all 24 PCRs in one bank (none when all = false). */
void tpm2_w_pcr_sel(struct tpm2_w *w, uint16_t hash, bool all);

/* ---- reading ---- */
void tpm2_r_init(struct tpm2_r *r, const uint8_t *buf, uint32_t len);
uint8_t tpm2_r_u8(struct tpm2_r *r);
uint16_t tpm2_r_u16(struct tpm2_r *r);
uint32_t tpm2_r_u32(struct tpm2_r *r);
uint64_t tpm2_r_u64(struct tpm2_r *r);
/* n bytes at the cursor (NULL if fewer are left). */
const uint8_t *tpm2_r_bytes(struct tpm2_r *r, uint32_t n);
/* A TPM2B: its size in *n and a pointer to its bytes (NULL on underflow or > max). */
const uint8_t *tpm2_r_b2(struct tpm2_r *r, uint16_t *n, uint16_t max);
/* Response header: checks tag/size against len; returns the response code (or
 * TPM_RC_FAILURE when the header itself is broken). Leaves r after the header. */
uint32_t tpm2_r_rsp(struct tpm2_r *r, const uint8_t *rsp, uint32_t len);

/* Digest size of a TPM_ALG_ID hash, 0 if unknown. */
uint16_t tpm2_hash_size(uint16_t alg);

static inline uint32_t tpm2_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t tpm2_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void tpm2_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

#endif
