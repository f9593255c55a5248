/* SPDX-License-Identifier: MIT */
/* ecdsa.c — see ecdsa.h. */
#include "ecdsa.h"

#include "ext_api.h"

bool vtpm_ecdsa_p256_verify(const uint8_t point[65], const uint8_t digest[32], const uint8_t *rb, uint16_t rl,
			    const uint8_t *sb, uint16_t sl)
{
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
	BIGNUM *r = BN_bin2bn(rb, rl, NULL), *s = BN_bin2bn(sb, sl, NULL);
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
