/* SPDX-License-Identifier: MIT */
/*
 * golden_ek.c — the reference side of the golden EK test: Debian's libtpms0
 * (the shared library, through pkg-config libtpms) and the system's
 * libcrypto.so, given the test builds' fixed entropy stream
 * (svsm/vtpm/test_seed.h) through a RAND_METHOD, manufacture a TPM and create
 * the EK. Prints "<algorithm> <sha256 of the EK's TPMT_PUBLIC>" per template,
 * the same line the SVSM's fixed-seed build prints after "vTPM ready:".
 *
 * Independent of the SVSM's glue on purpose: the templates below are written
 * out from the TCG EK Credential Profile (L-1, L-2) rather than taken from
 * svsm/vtpm/ek.c, and the TPM is driven with raw command bytes; only the
 * entropy stream is shared, because "the same state" means the same seed.
 *
 *   vtpm-golden [L-1|L-2]...   (default: both)
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../svsm/vtpm/test_seed.h"

static unsigned char *nv;
static uint32_t nv_len;

static TPM_RESULT nv_init(void)
{
	return TPM_SUCCESS;
}

static TPM_RESULT nv_load(unsigned char **d, uint32_t *l, uint32_t n, const char *name)
{
	(void)n;
	if (strcmp(name, "permall") || !nv)
		return TPM_RETRY;
	*d = malloc(nv_len);
	if (!*d)
		return TPM_FAIL;
	memcpy(*d, nv, nv_len);
	*l = nv_len;
	return TPM_SUCCESS;
}

static TPM_RESULT nv_store(const unsigned char *d, uint32_t l, uint32_t n, const char *name)
{
	(void)n;
	if (strcmp(name, "permall"))
		return TPM_SUCCESS;
	free(nv);
	nv = malloc(l);
	if (!nv)
		return TPM_FAIL;
	memcpy(nv, d, l);
	nv_len = l;
	return TPM_SUCCESS;
}

static TPM_RESULT nv_delete(uint32_t n, const char *name, TPM_BOOL must)
{
	(void)n, (void)name, (void)must;
	return TPM_SUCCESS;
}

static TPM_RESULT io_init(void)
{
	return TPM_SUCCESS;
}

static TPM_RESULT locality(TPM_MODIFIER_INDICATOR *l, uint32_t n)
{
	(void)n;
	*l = 0;
	return TPM_SUCCESS;
}

static TPM_RESULT presence(TPM_BOOL *p, uint32_t n)
{
	(void)n;
	*p = 0;
	return TPM_SUCCESS;
}

static int rand_status(void)
{
	return 1;
}

static RAND_METHOD test_method = { NULL, vtpm_test_seed_bytes, NULL, NULL, vtpm_test_seed_bytes, rand_status };

/* TCG EK Credential Profile 2.x, templates L-1 and L-2, as TPMT_PUBLIC bytes. */
static const unsigned char policy_a[32] = {
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24,
	0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa,
};

static size_t put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v;
	return 2;
}

static size_t put32(unsigned char *p, unsigned long v)
{
	put16(p, (unsigned)(v >> 16));
	put16(p + 2, (unsigned)v);
	return 4;
}

static size_t template_l(int ecc, unsigned char *t)
{
	size_t n = 0;
	n += put16(t + n, ecc ? 0x0023 : 0x0001); /* TPM_ALG_ECC / TPM_ALG_RSA */
	n += put16(t + n, 0x000b);               /* nameAlg SHA-256 */
	n += put32(t + n, 0x000300b2);           /* fixedTPM fixedParent sensitiveDataOrigin adminWithPolicy restricted decrypt */
	n += put16(t + n, 32);
	memcpy(t + n, policy_a, 32);
	n += 32;
	n += put16(t + n, 0x0006); /* AES */
	n += put16(t + n, 128);
	n += put16(t + n, 0x0043); /* CFB */
	n += put16(t + n, 0x0010); /* scheme NULL */
	if (ecc) {
		n += put16(t + n, 0x0003); /* NIST P-256 */
		n += put16(t + n, 0x0010); /* kdf NULL */
		n += put16(t + n, 32);
		memset(t + n, 0, 32);
		n += 32;
		n += put16(t + n, 32);
		memset(t + n, 0, 32);
		n += 32;
	} else {
		n += put16(t + n, 2048);
		n += put32(t + n, 0);
		n += put16(t + n, 256);
		memset(t + n, 0, 256);
		n += 256;
	}
	return n;
}

static unsigned char *rsp;
static uint32_t rsp_len, rsp_size;

static unsigned transact(unsigned char *cmd, size_t len)
{
	put32(cmd + 2, (unsigned long)len);
	if (TPMLIB_Process(&rsp, &rsp_len, &rsp_size, cmd, (uint32_t)len) != TPM_SUCCESS || rsp_len < 10)
		return 0x101;
	return (unsigned)rsp[6] << 24 | (unsigned)rsp[7] << 16 | (unsigned)rsp[8] << 8 | rsp[9];
}

static int golden(const char *name)
{
	int ecc;
	if (!strcmp(name, "L-1"))
		ecc = 0;
	else if (!strcmp(name, "L-2"))
		ecc = 1;
	else {
		fprintf(stderr, "vtpm-golden: unknown template %s\n", name);
		return 2;
	}
	free(nv);
	nv = NULL;
	vtpm_test_seed_reset();
	struct libtpms_callbacks cb = { sizeof(cb), nv_init, nv_load, nv_store, nv_delete, io_init, locality, presence };
	if (TPMLIB_RegisterCallbacks(&cb) || TPMLIB_ChooseTPMVersion(TPMLIB_TPM_VERSION_2) || TPMLIB_MainInit()) {
		fprintf(stderr, "vtpm-golden: libtpms initialisation failed\n");
		return 1;
	}
	unsigned char cmd[1024];
	size_t n = 0;
	n += put16(cmd, 0x8001);
	n += 4;
	n += put32(cmd + n, 0x144); /* Startup(CLEAR) */
	n += put16(cmd + n, 0);
	if (transact(cmd, n))
		return 1;
	n = 0;
	n += put16(cmd, 0x8002);
	n += 4;
	n += put32(cmd + n, 0x131);      /* CreatePrimary */
	n += put32(cmd + n, 0x4000000b); /* TPM_RH_ENDORSEMENT */
	n += put32(cmd + n, 9);          /* authorization: empty password */
	n += put32(cmd + n, 0x40000009);
	n += put16(cmd + n, 0);
	cmd[n++] = 0;
	n += put16(cmd + n, 0);
	n += put16(cmd + n, 4); /* inSensitive */
	n += put32(cmd + n, 0);
	unsigned char t[512];
	size_t tl = template_l(ecc, t);
	n += put16(cmd + n, (unsigned)tl);
	memcpy(cmd + n, t, tl);
	n += tl;
	n += put16(cmd + n, 0); /* outsideInfo */
	n += put32(cmd + n, 0); /* creationPCR */
	unsigned rc = transact(cmd, n);
	if (rc || rsp_len < 20) {
		fprintf(stderr, "vtpm-golden: CreatePrimary: 0x%x\n", rc);
		return 1;
	}
	/* header 10, objectHandle 4, parameterSize 4, then TPM2B_PUBLIC */
	unsigned plen = (unsigned)rsp[18] << 8 | rsp[19];
	if (20u + plen > rsp_len)
		return 1;
	unsigned char h[32];
	SHA256(rsp + 20, plen, h);
	printf("%s ", ecc ? "ecc-nist-p256" : "rsa-2048");
	for (int i = 0; i < 32; i++)
		printf("%02x", h[i]);
	printf("\n");
	TPMLIB_Terminate();
	return 0;
}

int main(int argc, char **argv)
{
	if (!RAND_set_rand_method(&test_method)) {
		fprintf(stderr, "vtpm-golden: RAND_set_rand_method failed\n");
		return 1;
	}
	int rc = 0;
	if (argc < 2) {
		rc |= golden("L-1");
		rc |= golden("L-2");
	}
	for (int i = 1; i < argc; i++)
		rc |= golden(argv[i]);
	free(nv);
	free(rsp);
	return rc;
}
