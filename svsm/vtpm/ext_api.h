/* SPDX-License-Identifier: MIT */
/*
 * ext_api.h — the parts of libtpms (<libtpms/tpm_library.h>, 0.9) and
 * OpenSSL 3.0 that the vTPM calls, declared here because the SVSM build sees
 * no system header (-nostdinc). Plain functions on opaque pointers, plus
 * three structures we fill in, under our own tags.
 *
 * These declarations must stay identical to the real ones: the host build
 * compiles tests/vtpm/ext_api_check.c, which includes the real headers and
 * this file in one translation unit (a prototype that differs is a compile
 * error) and pins every structure layout and constant with _Static_assert.
 */
#ifndef SVSM_VTPM_EXT_API_H
#define SVSM_VTPM_EXT_API_H

#include <stddef.h>
#include <stdint.h>

/* ---- the C library (svsm/vtpm/libc in the SVSM, glibc on the host) ---- */
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

/* ---- libtpms ---- */
typedef uint32_t TPM_RESULT;
typedef unsigned char TPM_BOOL;
typedef uint32_t TPM_MODIFIER_INDICATOR;

#define VTPM_TPMLIB_TPM_VERSION_2 1u
#define VTPM_TPMLIB_STATE_PERMANENT 1u
#define VTPM_TPM_SUCCESS 0u
#define VTPM_TPM_FAIL 9u
#define VTPM_TPM_RETRY 0x800u /* "no such state": start fresh */

/* struct libtpms_callbacks */
struct vtpm_libtpms_callbacks {
	int sizeOfStruct;
	TPM_RESULT (*tpm_nvram_init)(void);
	TPM_RESULT (*tpm_nvram_loaddata)(unsigned char **data, uint32_t *length, uint32_t tpm_number, const char *name);
	TPM_RESULT (*tpm_nvram_storedata)(const unsigned char *data, uint32_t length, uint32_t tpm_number,
					  const char *name);
	TPM_RESULT (*tpm_nvram_deletename)(uint32_t tpm_number, const char *name, TPM_BOOL mustExist);
	TPM_RESULT (*tpm_io_init)(void);
	TPM_RESULT (*tpm_io_getlocality)(TPM_MODIFIER_INDICATOR *localityModifer, uint32_t tpm_number);
	TPM_RESULT (*tpm_io_getphysicalpresence)(TPM_BOOL *physicalPresence, uint32_t tpm_number);
};
struct libtpms_callbacks;

uint32_t TPMLIB_GetVersion(void);
TPM_RESULT TPMLIB_ChooseTPMVersion(unsigned int ver);
TPM_RESULT TPMLIB_MainInit(void);
void TPMLIB_Terminate(void);
TPM_RESULT TPMLIB_Process(unsigned char **respbuffer, uint32_t *resp_size, uint32_t *respbufsize,
			  unsigned char *command, uint32_t command_size);
TPM_RESULT TPMLIB_RegisterCallbacks(struct libtpms_callbacks *);
uint32_t TPMLIB_SetBufferSize(uint32_t wanted_size, uint32_t *min_size, uint32_t *max_size);

/* ---- OpenSSL 3.0 ---- */
typedef struct bignum_st BIGNUM;
typedef struct bignum_ctx BN_CTX;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;
typedef struct ECDSA_SIG_st ECDSA_SIG;
typedef struct ossl_lib_ctx_st OSSL_LIB_CTX;
typedef struct ossl_init_settings_st OPENSSL_INIT_SETTINGS;

/* struct rand_meth_st (RAND_METHOD); add() takes a double, which the SVSM's
 * general-registers-only code never calls or defines: it stays NULL. */
struct vtpm_rand_method {
	int (*seed)(const void *buf, int num);
	int (*bytes)(unsigned char *buf, int num);
	void (*cleanup)(void);
	void *add;
	int (*pseudorand)(unsigned char *buf, int num);
	int (*status)(void);
};
struct rand_meth_st;

/* struct ossl_param_st (OSSL_PARAM) */
struct vtpm_ossl_param {
	const char *key;
	unsigned int data_type;
	void *data;
	size_t data_size;
	size_t return_size;
};
struct ossl_param_st;
#define VTPM_OSSL_PARAM_UTF8_STRING 4u
#define VTPM_OSSL_PARAM_OCTET_STRING 5u
#define VTPM_EVP_PKEY_PUBLIC_KEY 0x86 /* OSSL_KEYMGMT_SELECT_ALL_PARAMETERS | _PUBLIC_KEY */

#define VTPM_OPENSSL_VERSION 0
#define VTPM_OPENSSL_INIT_NO_LOAD_CONFIG 0x00000080ull
#define VTPM_OPENSSL_INIT_NO_ATEXIT 0x00080000ull

const char *OpenSSL_version(int type);
int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
/* The x86 capability probe OpenSSL's .init section would have called (x86_64cpuid.pl). */
void OPENSSL_cpuid_setup(void);
int RAND_set_rand_method(const struct rand_meth_st *meth);
/* The capability vector OpenSSL's dispatch reads (crypto/cpuid.c; not in a public header:
 * a common symbol of libcrypto.a, logged at boot to show the OPENSSL_ia32cap mask). */
extern unsigned int OPENSSL_ia32cap_P[4];

unsigned char *SHA1(const unsigned char *d, size_t n, unsigned char *md);
unsigned char *SHA256(const unsigned char *d, size_t n, unsigned char *md);
unsigned char *SHA384(const unsigned char *d, size_t n, unsigned char *md);
unsigned char *SHA512(const unsigned char *d, size_t n, unsigned char *md);

BIGNUM *BN_bin2bn(const unsigned char *s, int len, BIGNUM *ret);
void BN_free(BIGNUM *a);
ECDSA_SIG *ECDSA_SIG_new(void);
void ECDSA_SIG_free(ECDSA_SIG *sig);
int ECDSA_SIG_set0(ECDSA_SIG *sig, BIGNUM *r, BIGNUM *s);
int i2d_ECDSA_SIG(const ECDSA_SIG *sig, unsigned char **pp);

EVP_PKEY_CTX *EVP_PKEY_CTX_new_from_name(OSSL_LIB_CTX *libctx, const char *name, const char *propquery);
EVP_PKEY_CTX *EVP_PKEY_CTX_new_from_pkey(OSSL_LIB_CTX *libctx, EVP_PKEY *pkey, const char *propquery);
void EVP_PKEY_CTX_free(EVP_PKEY_CTX *ctx);
int EVP_PKEY_fromdata_init(EVP_PKEY_CTX *ctx);
int EVP_PKEY_fromdata(EVP_PKEY_CTX *ctx, EVP_PKEY **ppkey, int selection, struct ossl_param_st *params);
void EVP_PKEY_free(EVP_PKEY *pkey);
int EVP_PKEY_verify_init(EVP_PKEY_CTX *ctx);
int EVP_PKEY_verify(EVP_PKEY_CTX *ctx, const unsigned char *sig, size_t siglen, const unsigned char *tbs,
		    size_t tbslen);

#endif
