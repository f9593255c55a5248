/* SPDX-License-Identifier: MIT */
#include "digest.h"

#include <openssl/evp.h>

static int evp_digest(const EVP_MD *md, const void *data, size_t len, uint8_t *out)
{
	unsigned int outlen = 0;
	return EVP_Digest(data, len, out, &outlen, md, NULL) == 1 ? 0 : -1;
}

int ib_sha256(const void *data, size_t len, uint8_t out[IB_SHA256_LEN])
{
	return evp_digest(EVP_sha256(), data, len, out);
}

int ib_sha384(const void *data, size_t len, uint8_t out[IB_SHA384_LEN])
{
	return evp_digest(EVP_sha384(), data, len, out);
}

void ib_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}
