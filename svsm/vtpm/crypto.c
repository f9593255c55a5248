/* SPDX-License-Identifier: MIT */
/* crypto.c — see crypto.h. */
#include "crypto.h"

#include <stdbool.h>

#include "ext_api.h"
#include "tpm2.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

int vtpm_crypto_hash(uint16_t alg, const void *data, size_t n, uint8_t *out)
{
	const unsigned char *d = data;
	switch (alg) {
	case TPM_ALG_SHA1: return SHA1(d, n, out) ? 20 : -1;
	case TPM_ALG_SHA256: return SHA256(d, n, out) ? 32 : -1;
	case TPM_ALG_SHA384: return SHA384(d, n, out) ? 48 : -1;
	case TPM_ALG_SHA512: return SHA512(d, n, out) ? 64 : -1;
	default: return -1;
	}
}

/* ECDSA P-256 verification of sig (r, s) over digest, by OpenSSL, not the TPM. */
bool vtpm_crypto_ecdsa_p256(const struct vtpm_chan_ecdsa *e)
{
	const uint8_t *point = e->point, *digest = e->digest;
	bool ok = false;
	char group[] = "prime256v1";
	struct vtpm_ossl_param params[3] = {
		{ "group", VTPM_OSSL_PARAM_UTF8_STRING, group, sizeof(group) - 1, 0 },
		{ "pub", VTPM_OSSL_PARAM_OCTET_STRING, (void *)point, 65, 0 },
		{ NULL, 0, NULL, 0, 0 },
	};
	EVP_PKEY *key = NULL;
	EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL), *vc = NULL;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(e->r, 32, NULL), *s = BN_bin2bn(e->s, 32, NULL);
	unsigned char der[80], *dp = der;
	if (!kc || !sig || !r || !s || EVP_PKEY_fromdata_init(kc) <= 0 ||
	    EVP_PKEY_fromdata(kc, &key, VTPM_EVP_PKEY_PUBLIC_KEY, (struct ossl_param_st *)(void *)params) <= 0)
		goto out;
	if (!ECDSA_SIG_set0(sig, r, s))
		goto out;
	r = s = NULL; /* owned by sig now */
	int dl = i2d_ECDSA_SIG(sig, NULL);
	if (dl <= 0 || dl > (int)sizeof(der) || i2d_ECDSA_SIG(sig, &dp) != dl)
		goto out;
	vc = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	ok = vc && EVP_PKEY_verify_init(vc) > 0 && EVP_PKEY_verify(vc, der, (size_t)dl, digest, 32) == 1;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	EVP_PKEY_CTX_free(vc);
	EVP_PKEY_CTX_free(kc);
	EVP_PKEY_free(key);
	return ok;
}

int vtpm_crypto_hash_cb(void *ctx, uint16_t alg, const void *data, size_t n, uint8_t *out)
{
	(void)ctx;
	return vtpm_crypto_hash(alg, data, n, out);
}

int vtpm_crypto_verify_cb(void *ctx, const struct vtpm_chan_ecdsa *e)
{
	(void)ctx;
	return vtpm_crypto_ecdsa_p256(e);
}
