/* SPDX-License-Identifier: MIT */
/*
 * ek.h — the endorsement key templates of the TCG EK Credential Profile for
 * TPM Family 2.0 (version 2.x, appendix B): the low range L-1 (RSA 2048) and
 * L-2 (ECC NIST P-256), and the high range templates the vTPM manifest schema
 * allows, H-1 (RSA 2048), H-2 (P-256), H-3 (P-384), H-4 (P-521), H-6 (RSA
 * 3072). As public implementations spell them out (tpm2-tools' tpm2_createek
 * for L-1/L-2, wolfTPM's EK index templates for the high range):
 *
 *   attributes  fixedTPM, fixedParent, sensitiveDataOrigin, adminWithPolicy,
 *               restricted, decrypt (0x000300B2); the high range adds
 *               userWithAuth (0x000300F2)
 *   authPolicy  low: PolicyA (PolicySecret(TPM_RH_ENDORSEMENT), SHA-256);
 *               high: PolicyB for the name algorithm (PolicyOR of PolicyA and
 *               PolicyC), SHA-256, SHA-384 or SHA-512
 *   symmetric   AES-128-CFB (L-1, L-2, H-1, H-2), AES-256-CFB (H-3, H-4, H-6)
 *   scheme, kdf TPM_ALG_NULL; RSA exponent 0 (65537)
 *   unique      low: 256 (RSA) or 2 x 32 (ECC) zero bytes; high: empty
 *
 * Persistent handle when the manifest asks for one (TCG EK Credential
 * Profile / Provisioning Guidance): 0x81010001 for an RSA EK, 0x81010002 for
 * an ECC EK. Also the attestation key the boot self-test quotes with.
 */
#ifndef SVSM_VTPM_EK_H
#define SVSM_VTPM_EK_H

#include <stdint.h>

#include "../../format/vtpm_config.h"

#define VTPM_EK_HANDLE_RSA 0x81010001u
#define VTPM_EK_HANDLE_ECC 0x81010002u

/* Writes the template's TPMT_PUBLIC into out; its length, or 0 for an unknown template
 * or a buffer too small. */
uint32_t vtpm_ek_template(uint16_t tmpl, uint8_t *out, uint32_t cap);
/* "rsa-2048", "ecc-nist-p256", ...; NULL for an unknown template. */
const char *vtpm_ek_alg_name(uint16_t tmpl);
/* "L-1", "H-3", ...; NULL for an unknown template. */
const char *vtpm_ek_template_name(uint16_t tmpl);
uint32_t vtpm_ek_persistent_handle(uint16_t tmpl);
/* A restricted ECDSA-P256-SHA256 signing key (fixedTPM, fixedParent,
 * sensitiveDataOrigin, userWithAuth, restricted, sign): the self-test's AK. */
uint32_t vtpm_ak_template(uint8_t *out, uint32_t cap);

#endif
