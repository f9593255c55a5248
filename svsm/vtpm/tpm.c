/* SPDX-License-Identifier: MIT */
/* tpm.c — see tpm.h. */
#include "tpm.h"

#include "ext_api.h"
#ifdef VTPM_TEST_SEED
#include "test_seed.h"
#endif
#include "tpm2.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int strcmp(const char *a, const char *b);

struct vtpm_tpm_stats vtpm_tpm_stats;

#define VTPM_IO_BUFFER 4092u /* the protocol's 4096-byte buffer minus its 4-byte size field */

/* ---- entropy ---- */

static int hw_bytes(unsigned char *buf, int num)
{
	if (num < 0 || vtpm_plat_entropy(buf, (uint32_t)num))
		return 0;
	vtpm_tpm_stats.entropy_bytes += (uint64_t)num;
	return 1;
}

static int rand_status(void)
{
	return 1;
}

static const struct vtpm_rand_method hw_method = { NULL, hw_bytes, NULL, NULL, hw_bytes, rand_status };
#ifdef VTPM_TEST_SEED
static const struct vtpm_rand_method test_method = { NULL, vtpm_test_seed_bytes, NULL, NULL, vtpm_test_seed_bytes,
						     rand_status };
#endif

/* ---- NV store: named blobs ---- */

#define NV_SLOTS 3
static const char *const nv_names[NV_SLOTS] = { "permall", "volatilestate", "savestate" };
static uint8_t *nv_data[NV_SLOTS];
static uint32_t nv_len[NV_SLOTS];

static int nv_slot(const char *name)
{
	for (int i = 0; i < NV_SLOTS; i++)
		if (name && !strcmp(name, nv_names[i]))
			return i;
	return -1;
}

static TPM_RESULT cb_nvram_init(void)
{
	return VTPM_TPM_SUCCESS;
}

static TPM_RESULT cb_load(unsigned char **data, uint32_t *length, uint32_t tpm_number, const char *name)
{
	(void)tpm_number;
	int s = nv_slot(name);
	if (s < 0 || !nv_data[s])
		return VTPM_TPM_RETRY;
	unsigned char *p = malloc(nv_len[s]);
	if (!p)
		return VTPM_TPM_FAIL;
	memcpy(p, nv_data[s], nv_len[s]);
	*data = p;
	*length = nv_len[s];
	return VTPM_TPM_SUCCESS;
}

static void nv_set(int s, uint8_t *p, uint32_t len)
{
	if (nv_data[s]) {
		memset(nv_data[s], 0, nv_len[s]); /* the seeds live in here */
		free(nv_data[s]);
	}
	nv_data[s] = p;
	nv_len[s] = p ? len : 0;
}

static TPM_RESULT cb_store(const unsigned char *data, uint32_t length, uint32_t tpm_number, const char *name)
{
	(void)tpm_number;
	int s = nv_slot(name);
	if (s < 0)
		return VTPM_TPM_FAIL;
	uint8_t *p = malloc(length ? length : 1);
	if (!p)
		return VTPM_TPM_FAIL;
	memcpy(p, data, length);
	nv_set(s, p, length);
	return VTPM_TPM_SUCCESS;
}

static TPM_RESULT cb_delete(uint32_t tpm_number, const char *name, TPM_BOOL must_exist)
{
	(void)tpm_number;
	int s = nv_slot(name);
	if (s < 0 || !nv_data[s])
		return must_exist ? VTPM_TPM_FAIL : VTPM_TPM_SUCCESS;
	nv_set(s, NULL, 0);
	return VTPM_TPM_SUCCESS;
}

static TPM_RESULT cb_io_init(void)
{
	return VTPM_TPM_SUCCESS;
}

/* The SVSM vTPM protocol carries locality 0 only (the request's locality byte must be 0). */
static TPM_RESULT cb_locality(TPM_MODIFIER_INDICATOR *loc, uint32_t tpm_number)
{
	(void)tpm_number;
	*loc = 0;
	return VTPM_TPM_SUCCESS;
}

static TPM_RESULT cb_physical_presence(TPM_BOOL *pp, uint32_t tpm_number)
{
	(void)tpm_number;
	*pp = 0;
	return VTPM_TPM_SUCCESS;
}

static struct vtpm_libtpms_callbacks callbacks = {
	sizeof(struct vtpm_libtpms_callbacks), cb_nvram_init, cb_load, cb_store, cb_delete, cb_io_init, cb_locality,
	cb_physical_presence,
};

void vtpm_tpm_nv_clear(void)
{
	for (int s = 0; s < NV_SLOTS; s++)
		nv_set(s, NULL, 0);
}

uint8_t *vtpm_tpm_nv_snapshot(uint32_t *len)
{
	if (!nv_data[0])
		return NULL;
	uint8_t *p = malloc(nv_len[0]);
	if (p) {
		memcpy(p, nv_data[0], nv_len[0]);
		*len = nv_len[0];
	}
	return p;
}

int vtpm_tpm_nv_restore(const uint8_t *blob, uint32_t len)
{
	vtpm_tpm_nv_clear();
	return cb_store(blob, len, 0, "permall") == VTPM_TPM_SUCCESS ? 0 : -1;
}

int vtpm_tpm_patch_firmware(uint64_t old_version, uint64_t new_version)
{
	uint8_t old[8], neu[8];
	tpm2_put_be32(old, (uint32_t)(old_version >> 32));
	tpm2_put_be32(old + 4, (uint32_t)old_version);
	tpm2_put_be32(neu, (uint32_t)(new_version >> 32));
	tpm2_put_be32(neu + 4, (uint32_t)new_version);
	uint8_t *p = nv_data[0];
	if (!p || nv_len[0] < 8)
		return -1;
	uint32_t hits = 0, at = 0;
	for (uint32_t i = 0; i + 8 <= nv_len[0]; i++)
		if (!memcmp(p + i, old, 8))
			hits++, at = i;
	if (hits != 1)
		return -1;
	memcpy(p + at, neu, 8);
	return 0;
}

/* ---- the instance ---- */

static bool powered;
static unsigned char *rsp_buf; /* libtpms (re)allocates it */
static uint32_t rsp_buf_size;
static uint8_t cmd_copy[VTPM_IO_BUFFER];
static bool identity_set;
static uint32_t id_manufacturer;
static uint32_t id_vendor[4];

int vtpm_tpm_init(void)
{
	/* What OpenSSL's .init section would have run (x86_64cpuid.pl); it reads
	 * OPENSSL_ia32cap from the environment the platform set up. */
	OPENSSL_cpuid_setup();
	if (!OPENSSL_init_crypto(VTPM_OPENSSL_INIT_NO_LOAD_CONFIG | VTPM_OPENSSL_INIT_NO_ATEXIT, NULL))
		return -1;
	if (vtpm_tpm_set_rand(VTPM_RAND_HARDWARE))
		return -1;
	if (TPMLIB_RegisterCallbacks((struct libtpms_callbacks *)(void *)&callbacks) != VTPM_TPM_SUCCESS ||
	    TPMLIB_ChooseTPMVersion(VTPM_TPMLIB_TPM_VERSION_2) != VTPM_TPM_SUCCESS)
		return -1;
	uint32_t lo, hi;
	if (TPMLIB_SetBufferSize(VTPM_IO_BUFFER, &lo, &hi) != VTPM_IO_BUFFER)
		return -1;
	return 0;
}

int vtpm_tpm_set_rand(enum vtpm_rand_mode mode)
{
	const struct vtpm_rand_method *m = &hw_method;
#ifdef VTPM_TEST_SEED
	if (mode == VTPM_RAND_TEST_SEED) {
		vtpm_test_seed_reset();
		m = &test_method;
	}
#else
	if (mode != VTPM_RAND_HARDWARE)
		return -1; /* the test seed is not even compiled into a production build */
#endif
	return RAND_set_rand_method((const struct rand_meth_st *)(const void *)m) ? 0 : -1;
}

int vtpm_tpm_power_on(void)
{
	if (powered)
		return 0;
	if (TPMLIB_MainInit() != VTPM_TPM_SUCCESS)
		return -1;
	powered = true;
	return 0;
}

void vtpm_tpm_power_off(void)
{
	if (!powered)
		return;
	TPMLIB_Terminate();
	powered = false;
	free(rsp_buf);
	rsp_buf = NULL;
	rsp_buf_size = 0;
}

bool vtpm_tpm_powered(void)
{
	return powered;
}

void vtpm_tpm_set_identity(uint32_t manufacturer, const char vendor[16])
{
	id_manufacturer = manufacturer;
	for (int i = 0; i < 4; i++)
		id_vendor[i] = tpm2_be32((const uint8_t *)vendor + 4 * i);
	identity_set = true;
}

/* GetCapability(TPM_CAP_TPM_PROPERTIES) without sessions: header, moreData, capability,
 * count, count x {property, value}. */
static void rewrite_identity(const uint8_t *cmd, uint32_t clen, uint8_t *rsp, uint32_t rlen)
{
	if (!identity_set || clen < 10 || tpm2_be16(cmd) != TPM_ST_NO_SESSIONS ||
	    tpm2_be32(cmd + 6) != TPM_CC_GetCapability || rlen < 19 || tpm2_be16(rsp) != TPM_ST_NO_SESSIONS ||
	    tpm2_be32(rsp + 6) != TPM_RC_SUCCESS || tpm2_be32(rsp + 11) != TPM_CAP_TPM_PROPERTIES)
		return;
	uint32_t count = tpm2_be32(rsp + 15);
	if (count > (rlen - 19) / 8)
		return;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t *e = rsp + 19 + 8 * i;
		uint32_t prop = tpm2_be32(e);
		if (prop == TPM_PT_MANUFACTURER)
			tpm2_put_be32(e + 4, id_manufacturer);
		else if (prop >= TPM_PT_VENDOR_STRING_1 && prop <= TPM_PT_VENDOR_STRING_4)
			tpm2_put_be32(e + 4, id_vendor[prop - TPM_PT_VENDOR_STRING_1]);
		else
			continue;
		vtpm_tpm_stats.identity_rewrites++;
	}
}

static uint32_t failure(uint8_t *rsp)
{
	static const uint8_t f[10] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, (TPM_RC_FAILURE >> 8) & 0xFF,
				       TPM_RC_FAILURE & 0xFF };
	memcpy(rsp, f, sizeof(f));
	vtpm_tpm_stats.failures++;
	return sizeof(f);
}

uint32_t vtpm_tpm_execute(const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap)
{
	vtpm_tpm_stats.commands++;
	if (!powered || len > sizeof(cmd_copy))
		return failure(rsp);
	/* libtpms works in place (parameter decryption): it gets a private copy. */
	memcpy(cmd_copy, cmd, len);
	uint32_t rlen = 0;
	TPM_RESULT r = TPMLIB_Process(&rsp_buf, &rlen, &rsp_buf_size, cmd_copy, len);
	memset(cmd_copy, 0, len);
	if (r != VTPM_TPM_SUCCESS || !rsp_buf || rlen < 10 || rlen > cap || rlen > rsp_buf_size)
		return failure(rsp);
	memcpy(rsp, rsp_buf, rlen);
	rewrite_identity(cmd, len, rsp, rlen);
	return rlen;
}

const char *vtpm_tpm_openssl_version(void)
{
	return OpenSSL_version(VTPM_OPENSSL_VERSION);
}

uint32_t vtpm_tpm_libtpms_version(void)
{
	return TPMLIB_GetVersion();
}
