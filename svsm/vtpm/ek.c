/* SPDX-License-Identifier: MIT */
/* ek.c — see ek.h. */
#include "ek.h"

#include <stdbool.h>

#include "tpm2.h"

#define ATTR_LOW 0x000300B2u
#define ATTR_USER_WITH_AUTH 0x00000040u

static const uint8_t policy_a_sha256[32] = {
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xB3, 0xF8, 0x1A, 0x90, 0xCC, 0x8D, 0x46, 0xA5, 0xD7, 0x24,
	0xFD, 0x52, 0xD7, 0x6E, 0x06, 0x52, 0x0B, 0x64, 0xF2, 0xA1, 0xDA, 0x1B, 0x33, 0x14, 0x69, 0xAA,
};
static const uint8_t policy_b_sha256[32] = {
	0xCA, 0x3D, 0x0A, 0x99, 0xA2, 0xB9, 0x39, 0x06, 0xF7, 0xA3, 0x34, 0x24, 0x14, 0xEF, 0xCF, 0xB3,
	0xA3, 0x85, 0xD4, 0x4C, 0xD1, 0xFD, 0x45, 0x90, 0x89, 0xD1, 0x9B, 0x50, 0x71, 0xC0, 0xB7, 0xA0,
};
static const uint8_t policy_b_sha384[48] = {
	0xB2, 0x6E, 0x7D, 0x28, 0xD1, 0x1A, 0x50, 0xBC, 0x53, 0xD8, 0x82, 0xBC, 0xF5, 0xFD, 0x3A, 0x1A,
	0x07, 0x41, 0x48, 0xBB, 0x35, 0xD3, 0xB4, 0xE4, 0xCB, 0x1C, 0x0A, 0xD9, 0xBD, 0xE4, 0x19, 0xCA,
	0xCB, 0x47, 0xBA, 0x09, 0x69, 0x96, 0x46, 0x15, 0x0F, 0x9F, 0xC0, 0x00, 0xF3, 0xF8, 0x0E, 0x12,
};
static const uint8_t policy_b_sha512[64] = {
	0xB8, 0x22, 0x1C, 0xA6, 0x9E, 0x85, 0x50, 0xA4, 0x91, 0x4D, 0xE3, 0xFA, 0xA6, 0xA1, 0x8C, 0x07,
	0x2C, 0xC0, 0x12, 0x08, 0x07, 0x3A, 0x92, 0x8D, 0x5D, 0x66, 0xD5, 0x9E, 0xF7, 0x9E, 0x49, 0xA4,
	0x29, 0xC4, 0x1A, 0x6B, 0x26, 0x95, 0x71, 0xD5, 0x7E, 0xDB, 0x25, 0xFB, 0xDB, 0x18, 0x38, 0x42,
	0x56, 0x08, 0xB4, 0x13, 0xCD, 0x61, 0x6A, 0x5F, 0x6D, 0xB5, 0xB6, 0x07, 0x1A, 0xF9, 0x9B, 0xEA,
};

struct ek_def {
	uint16_t id;
	const char *tmpl, *alg;
	uint16_t type, name_alg, sym_bits, key_bits, curve;
	bool high;
};

static const struct ek_def defs[] = {
	{ VTPM_EK_TEMPLATE_L1, "L-1", "rsa-2048", TPM_ALG_RSA, TPM_ALG_SHA256, 128, 2048, 0, false },
	{ VTPM_EK_TEMPLATE_L2, "L-2", "ecc-nist-p256", TPM_ALG_ECC, TPM_ALG_SHA256, 128, 256, VTPM_ECC_NIST_P256, false },
	{ VTPM_EK_TEMPLATE_H1, "H-1", "rsa-2048", TPM_ALG_RSA, TPM_ALG_SHA256, 128, 2048, 0, true },
	{ VTPM_EK_TEMPLATE_H2, "H-2", "ecc-nist-p256", TPM_ALG_ECC, TPM_ALG_SHA256, 128, 256, VTPM_ECC_NIST_P256, true },
	{ VTPM_EK_TEMPLATE_H3, "H-3", "ecc-nist-p384", TPM_ALG_ECC, TPM_ALG_SHA384, 256, 384, VTPM_ECC_NIST_P384, true },
	{ VTPM_EK_TEMPLATE_H4, "H-4", "ecc-nist-p521", TPM_ALG_ECC, TPM_ALG_SHA512, 256, 521, VTPM_ECC_NIST_P521, true },
	{ VTPM_EK_TEMPLATE_H6, "H-6", "rsa-3072", TPM_ALG_RSA, TPM_ALG_SHA384, 256, 3072, 0, true },
};

static const struct ek_def *find(uint16_t id)
{
	for (unsigned i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (defs[i].id == id)
			return &defs[i];
	return NULL;
}

static void zeros(struct tpm2_w *w, uint16_t n)
{
	tpm2_w_u16(w, n);
	for (uint16_t i = 0; i < n; i++)
		tpm2_w_u8(w, 0);
}

uint32_t vtpm_ek_template(uint16_t tmpl, uint8_t *out, uint32_t cap)
{
	const struct ek_def *d = find(tmpl);
	if (!d)
		return 0;
	struct tpm2_w w;
	tpm2_w_init(&w, out, cap);
	tpm2_w_u16(&w, d->type);
	tpm2_w_u16(&w, d->name_alg);
	tpm2_w_u32(&w, ATTR_LOW | (d->high ? ATTR_USER_WITH_AUTH : 0));
	if (!d->high)
		tpm2_w_b2(&w, policy_a_sha256, sizeof(policy_a_sha256));
	else if (d->name_alg == TPM_ALG_SHA256)
		tpm2_w_b2(&w, policy_b_sha256, sizeof(policy_b_sha256));
	else if (d->name_alg == TPM_ALG_SHA384)
		tpm2_w_b2(&w, policy_b_sha384, sizeof(policy_b_sha384));
	else
		tpm2_w_b2(&w, policy_b_sha512, sizeof(policy_b_sha512));
	tpm2_w_u16(&w, TPM_ALG_AES); /* symmetric: AES-n-CFB */
	tpm2_w_u16(&w, d->sym_bits);
	tpm2_w_u16(&w, TPM_ALG_CFB);
	tpm2_w_u16(&w, TPM_ALG_NULL); /* scheme */
	if (d->type == TPM_ALG_RSA) {
		tpm2_w_u16(&w, d->key_bits);
		tpm2_w_u32(&w, 0); /* exponent: 65537 */
		zeros(&w, d->high ? 0 : (uint16_t)(d->key_bits / 8));
	} else {
		tpm2_w_u16(&w, d->curve);
		tpm2_w_u16(&w, TPM_ALG_NULL); /* kdf */
		zeros(&w, d->high ? 0 : 32);
		zeros(&w, d->high ? 0 : 32);
	}
	return w.bad ? 0 : w.len;
}

const char *vtpm_ek_alg_name(uint16_t tmpl)
{
	const struct ek_def *d = find(tmpl);
	return d ? d->alg : NULL;
}

const char *vtpm_ek_template_name(uint16_t tmpl)
{
	const struct ek_def *d = find(tmpl);
	return d ? d->tmpl : NULL;
}

uint32_t vtpm_ek_persistent_handle(uint16_t tmpl)
{
	const struct ek_def *d = find(tmpl);
	return !d ? 0 : d->type == TPM_ALG_RSA ? VTPM_EK_HANDLE_RSA : VTPM_EK_HANDLE_ECC;
}

uint32_t vtpm_ak_template(uint8_t *out, uint32_t cap)
{
	struct tpm2_w w;
	tpm2_w_init(&w, out, cap);
	tpm2_w_u16(&w, TPM_ALG_ECC);
	tpm2_w_u16(&w, TPM_ALG_SHA256);
	tpm2_w_u32(&w, 0x00050072u); /* fixedTPM fixedParent sensitiveDataOrigin userWithAuth restricted sign */
	tpm2_w_u16(&w, 0);           /* authPolicy: none */
	tpm2_w_u16(&w, TPM_ALG_NULL); /* symmetric */
	tpm2_w_u16(&w, TPM_ALG_ECDSA);
	tpm2_w_u16(&w, TPM_ALG_SHA256);
	tpm2_w_u16(&w, TPM_ECC_NIST_P256);
	tpm2_w_u16(&w, TPM_ALG_NULL); /* kdf */
	tpm2_w_u16(&w, 0);            /* unique x */
	tpm2_w_u16(&w, 0);            /* unique y */
	return w.bad ? 0 : w.len;
}
