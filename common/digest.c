/* SPDX-License-Identifier: MIT */
#include "digest.h"

#include <pthread.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

/*
 * Measurement hashes one small buffer per page, millions of times. A plain
 * EVP_Digest(EVP_sha384()) fetches the algorithm and allocates a context on
 * every call, which costs about as much as hashing a PAGE_INFO. So the
 * algorithms are fetched once, and each thread keeps one context, freed by a
 * thread-specific-data destructor when the thread exits.
 */
struct tls_ctx {
	EVP_MD_CTX *ctx;
};

static EVP_MD *md_sha256, *md_sha384;
static pthread_key_t ctx_key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_ok;

static void ctx_free(void *p)
{
	EVP_MD_CTX_free(p);
}

static void free_globals(void)
{
	EVP_MD_free(md_sha256);
	EVP_MD_free(md_sha384);
	/* The main thread's context is not passed to the key destructor at exit(). */
	ctx_free(pthread_getspecific(ctx_key));
}

static void init_once(void)
{
	md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	md_sha384 = EVP_MD_fetch(NULL, "SHA384", NULL);
	if (!md_sha256 || !md_sha384 || pthread_key_create(&ctx_key, ctx_free))
		return;
	atexit(free_globals);
	init_ok = 1;
}

static EVP_MD_CTX *thread_ctx(void)
{
	EVP_MD_CTX *c = pthread_getspecific(ctx_key);
	if (!c) {
		c = EVP_MD_CTX_new();
		if (!c || pthread_setspecific(ctx_key, c)) {
			EVP_MD_CTX_free(c);
			return NULL;
		}
	}
	return c;
}

static int evp_digest(int which, const void *data, size_t len, uint8_t *out)
{
	pthread_once(&once, init_once);
	if (!init_ok)
		return -1;
	EVP_MD_CTX *c = thread_ctx();
	if (!c)
		return -1;
	unsigned int outlen = 0;
	const EVP_MD *md = which == 256 ? md_sha256 : md_sha384;
	if (EVP_DigestInit_ex(c, md, NULL) != 1 || EVP_DigestUpdate(c, data, len) != 1 ||
	    EVP_DigestFinal_ex(c, out, &outlen) != 1)
		return -1;
	return 0;
}

int ib_sha256(const void *data, size_t len, uint8_t out[IB_SHA256_LEN])
{
	return evp_digest(256, data, len, out);
}

int ib_sha384(const void *data, size_t len, uint8_t out[IB_SHA384_LEN])
{
	return evp_digest(384, data, len, out);
}

static void hex_with(const char digits[16], const uint8_t *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}

void ib_hex(const uint8_t *in, size_t n, char *out)
{
	hex_with("0123456789abcdef", in, n, out);
}

void ib_hex_upper(const uint8_t *in, size_t n, char *out)
{
	hex_with("0123456789ABCDEF", in, n, out);
}

struct ib_libversion ib_crypto_version(void)
{
#ifdef OPENSSL_VERSION_STR
	return (struct ib_libversion){ "OpenSSL", OPENSSL_VERSION_STR, OpenSSL_version(OPENSSL_VERSION_STRING) };
#else
	return (struct ib_libversion){ "OpenSSL", OPENSSL_VERSION_TEXT, OpenSSL_version(OPENSSL_VERSION) };
#endif
}
