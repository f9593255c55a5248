/* SPDX-License-Identifier: MIT */
/*
 * ext_api_check.c — compile-time proof that svsm/vtpm/ext_api.h matches the
 * installed libtpms and OpenSSL headers: both are included in this one
 * translation unit, so a prototype that differs fails to compile, and every
 * structure and constant the SVSM declares itself is pinned below. Built by
 * the host test build (svsm/vtpm/vtpm.mk); it has no run-time part besides
 * the string constants, which test_svsm_vtpm checks.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "../../svsm/vtpm/ext_api.h"

#define SAME_LAYOUT(ours, theirs, field) \
	_Static_assert(offsetof(ours, field) == offsetof(theirs, field), #theirs "." #field)

_Static_assert(sizeof(struct vtpm_libtpms_callbacks) == sizeof(struct libtpms_callbacks), "callbacks size");
SAME_LAYOUT(struct vtpm_libtpms_callbacks, struct libtpms_callbacks, tpm_nvram_init);
SAME_LAYOUT(struct vtpm_libtpms_callbacks, struct libtpms_callbacks, tpm_nvram_loaddata);
SAME_LAYOUT(struct vtpm_libtpms_callbacks, struct libtpms_callbacks, tpm_nvram_storedata);
SAME_LAYOUT(struct vtpm_libtpms_callbacks, struct libtpms_callbacks, tpm_nvram_deletename);
SAME_LAYOUT(struct vtpm_libtpms_callbacks, struct libtpms_callbacks, tpm_io_init);
SAME_LAYOUT(struct vtpm_libtpms_callbacks, struct libtpms_callbacks, tpm_io_getlocality);
SAME_LAYOUT(struct vtpm_libtpms_callbacks, struct libtpms_callbacks, tpm_io_getphysicalpresence);

_Static_assert(sizeof(struct vtpm_rand_method) == sizeof(RAND_METHOD), "RAND_METHOD size");
SAME_LAYOUT(struct vtpm_rand_method, RAND_METHOD, seed);
SAME_LAYOUT(struct vtpm_rand_method, RAND_METHOD, bytes);
SAME_LAYOUT(struct vtpm_rand_method, RAND_METHOD, cleanup);
SAME_LAYOUT(struct vtpm_rand_method, RAND_METHOD, add);
SAME_LAYOUT(struct vtpm_rand_method, RAND_METHOD, pseudorand);
SAME_LAYOUT(struct vtpm_rand_method, RAND_METHOD, status);

_Static_assert(sizeof(struct vtpm_ossl_param) == sizeof(OSSL_PARAM), "OSSL_PARAM size");
SAME_LAYOUT(struct vtpm_ossl_param, OSSL_PARAM, key);
SAME_LAYOUT(struct vtpm_ossl_param, OSSL_PARAM, data_type);
SAME_LAYOUT(struct vtpm_ossl_param, OSSL_PARAM, data);
SAME_LAYOUT(struct vtpm_ossl_param, OSSL_PARAM, data_size);
SAME_LAYOUT(struct vtpm_ossl_param, OSSL_PARAM, return_size);

_Static_assert(VTPM_TPMLIB_TPM_VERSION_2 == TPMLIB_TPM_VERSION_2, "");
_Static_assert(VTPM_TPMLIB_STATE_PERMANENT == TPMLIB_STATE_PERMANENT, "");
_Static_assert(VTPM_TPM_SUCCESS == TPM_SUCCESS, "");
_Static_assert(VTPM_TPM_FAIL == TPM_FAIL, "");
_Static_assert(VTPM_TPM_RETRY == TPM_RETRY, "");
_Static_assert(VTPM_OSSL_PARAM_UTF8_STRING == OSSL_PARAM_UTF8_STRING, "");
_Static_assert(VTPM_OSSL_PARAM_OCTET_STRING == OSSL_PARAM_OCTET_STRING, "");
_Static_assert(VTPM_EVP_PKEY_PUBLIC_KEY == EVP_PKEY_PUBLIC_KEY, "");
_Static_assert(VTPM_OPENSSL_VERSION == OPENSSL_VERSION, "");
_Static_assert(VTPM_OPENSSL_INIT_NO_LOAD_CONFIG == OPENSSL_INIT_NO_LOAD_CONFIG, "");
_Static_assert(VTPM_OPENSSL_INIT_NO_ATEXIT == OPENSSL_INIT_NO_ATEXIT, "");

/* The string constants, for test_svsm_vtpm. */
int vtpm_ext_api_strings_match(void);
int vtpm_ext_api_strings_match(void)
{
	return !strcmp(OSSL_PKEY_PARAM_GROUP_NAME, "group") && !strcmp(OSSL_PKEY_PARAM_PUB_KEY, "pub") &&
	       !strcmp(SN_X9_62_prime256v1, "prime256v1");
}
