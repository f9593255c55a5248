/* SPDX-License-Identifier: MIT */
/* cmds.c — see cmds.h. Layouts: TPM 2.0 Library Part 3, the command and response tables. */
#include "cmds.h"

#include <stdbool.h>

#include "../../format/vtpm_config.h"

void *memcpy(void *dst, const void *src, size_t n);

struct txn {
	uint8_t cmd[TPM2_MAX_CMD];
	uint8_t rsp[TPM2_MAX_CMD];
	struct tpm2_w w;
	struct tpm2_r r;
};

/* One transaction buffer: the functions here run at boot only (manufacture, self-test),
 * one at a time; 8 KiB is too much for the boot stack. */
static struct txn txn;

static struct txn *begin(uint16_t tag, uint32_t cc)
{
	struct txn *t = &txn;
	tpm2_w_init(&t->w, t->cmd, sizeof(t->cmd));
	tpm2_w_cmd(&t->w, tag, cc);
	return t;
}

#define TPM_RC_YIELDED 0x908u
#define TPM_RC_TESTING 0x90Au
#define TPM_RC_RETRY 0x922u
#define SEND_TRIES 8

/* Sends t's command; on TPM_RC_SUCCESS t->r is positioned after the response header.
 * The warnings that mean "send it again" (TPM_RC_RETRY, _YIELDED, _TESTING; Part 2, 6.6)
 * are retried, as a TSS does: libtpms answers an ECDSA signature with TPM_RC_RETRY now
 * and then. */
static uint32_t send(const struct vtpm_io *io, struct txn *t)
{
	uint32_t len = tpm2_w_done(&t->w), rc = TPM_RC_FAILURE;
	if (!len)
		return TPM_RC_FAILURE;
	for (int i = 0; i < SEND_TRIES; i++) {
		uint32_t rlen = io->exec(io->ctx, t->cmd, len, t->rsp, sizeof(t->rsp));
		if (rlen < 10 || rlen > sizeof(t->rsp))
			return TPM_RC_FAILURE;
		rc = tpm2_r_rsp(&t->r, t->rsp, rlen);
		if (rc != TPM_RC_RETRY && rc != TPM_RC_YIELDED && rc != TPM_RC_TESTING)
			break;
	}
	return rc;
}

/* Handles, then (with sessions) the empty-password session, then the parameters. */
static uint32_t simple(const struct vtpm_io *io, uint16_t tag, uint32_t cc, const uint32_t *handles, unsigned nh,
		       const uint8_t *params, uint32_t plen, struct txn **out)
{
	struct txn *t = begin(tag, cc);
	for (unsigned i = 0; i < nh; i++)
		tpm2_w_u32(&t->w, handles[i]);
	if (tag == TPM_ST_SESSIONS)
		tpm2_w_pw_session(&t->w);
	tpm2_w_bytes(&t->w, params, plen);
	if (out)
		*out = t;
	return send(io, t);
}

uint32_t vtpm_cmd_startup(const struct vtpm_io *io)
{
	static const uint8_t p[2] = { 0, 0 }; /* TPM_SU_CLEAR */
	return simple(io, TPM_ST_NO_SESSIONS, TPM_CC_Startup, NULL, 0, p, 2, NULL);
}

uint32_t vtpm_cmd_shutdown(const struct vtpm_io *io)
{
	static const uint8_t p[2] = { 0, 0 };
	return simple(io, TPM_ST_NO_SESSIONS, TPM_CC_Shutdown, NULL, 0, p, 2, NULL);
}

static uint32_t get_capability(const struct vtpm_io *io, uint32_t cap, uint32_t prop, uint32_t n, struct txn **out)
{
	uint8_t p[12];
	tpm2_put_be32(p, cap);
	tpm2_put_be32(p + 4, prop);
	tpm2_put_be32(p + 8, n);
	uint32_t rc = simple(io, TPM_ST_NO_SESSIONS, TPM_CC_GetCapability, NULL, 0, p, sizeof(p), out);
	if (rc)
		return rc;
	tpm2_r_u8(&(*out)->r); /* moreData */
	return tpm2_r_u32(&(*out)->r) == cap && !(*out)->r.bad ? TPM_RC_SUCCESS : TPM_RC_FAILURE;
}

uint32_t vtpm_cmd_get_props(const struct vtpm_io *io, uint32_t first, uint32_t n, uint32_t *val)
{
	struct txn *t;
	for (uint32_t i = 0; i < n; i++)
		val[i] = 0;
	uint32_t rc = get_capability(io, TPM_CAP_TPM_PROPERTIES, first, n, &t);
	if (rc)
		return rc;
	uint32_t count = tpm2_r_u32(&t->r);
	for (uint32_t i = 0; i < count && !t->r.bad; i++) {
		uint32_t prop = tpm2_r_u32(&t->r), v = tpm2_r_u32(&t->r);
		if (prop >= first && prop - first < n)
			val[prop - first] = v;
	}
	return t->r.bad ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
}

uint32_t vtpm_cmd_pcr_allocate(const struct vtpm_io *io, const uint16_t *banks, unsigned n, const uint16_t *all,
			       unsigned nall)
{
	struct txn *t = begin(TPM_ST_SESSIONS, TPM_CC_PCR_Allocate);
	tpm2_w_u32(&t->w, TPM_RH_PLATFORM);
	tpm2_w_pw_session(&t->w);
	tpm2_w_u32(&t->w, nall);
	for (unsigned i = 0; i < nall; i++) {
		bool on = false;
		for (unsigned k = 0; k < n; k++)
			on = on || banks[k] == all[i];
		tpm2_w_u16(&t->w, all[i]);
		tpm2_w_u8(&t->w, 3);
		for (int b = 0; b < 3; b++)
			tpm2_w_u8(&t->w, on ? 0xFF : 0);
	}
	uint32_t rc = send(io, t);
	if (rc)
		return rc;
	tpm2_r_u32(&t->r); /* parameterSize */
	uint8_t ok = tpm2_r_u8(&t->r);
	return t->r.bad || ok != 1 ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
}

static uint32_t bank_bit(uint16_t alg)
{
	switch (alg) {
	case TPM_ALG_SHA1: return VTPM_PCR_BANK_SHA1;
	case TPM_ALG_SHA256: return VTPM_PCR_BANK_SHA256;
	case TPM_ALG_SHA384: return VTPM_PCR_BANK_SHA384;
	case TPM_ALG_SHA512: return VTPM_PCR_BANK_SHA512;
	case TPM_ALG_SM3_256: return VTPM_PCR_BANK_SM3;
	}
	return 0;
}

uint32_t vtpm_cmd_pcr_banks(const struct vtpm_io *io, uint32_t *banks)
{
	struct txn *t;
	*banks = 0;
	uint32_t rc = get_capability(io, 5 /* TPM_CAP_PCRS */, 0, 1, &t);
	if (rc)
		return rc;
	uint32_t count = tpm2_r_u32(&t->r);
	for (uint32_t i = 0; i < count && !t->r.bad; i++) {
		uint16_t alg = tpm2_r_u16(&t->r);
		uint8_t n = tpm2_r_u8(&t->r);
		const uint8_t *sel = tpm2_r_bytes(&t->r, n);
		if (!sel)
			break;
		bool full = n >= 3;
		for (uint8_t k = 0; k < 3 && full; k++)
			full = sel[k] == 0xFF;
		if (full)
			*banks |= bank_bit(alg);
	}
	return t->r.bad ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
}

static uint32_t read_tpm2b(struct tpm2_r *r, uint8_t *out, uint32_t cap, uint32_t *len)
{
	uint16_t n;
	const uint8_t *p = tpm2_r_b2(r, &n, (uint16_t)(cap < 0xFFFF ? cap : 0xFFFF));
	if (!p)
		return TPM_RC_FAILURE;
	memcpy(out, p, n);
	*len = n;
	return TPM_RC_SUCCESS;
}

uint32_t vtpm_cmd_create_primary(const struct vtpm_io *io, uint32_t hierarchy, const uint8_t *tmpl, uint32_t tlen,
				 uint32_t *handle, uint8_t *pub, uint32_t cap, uint32_t *pub_len)
{
	if (tlen > 0xFFFF)
		return TPM_RC_FAILURE;
	struct txn *t = begin(TPM_ST_SESSIONS, TPM_CC_CreatePrimary);
	tpm2_w_u32(&t->w, hierarchy);
	tpm2_w_pw_session(&t->w);
	tpm2_w_u16(&t->w, 4); /* inSensitive: TPMS_SENSITIVE_CREATE, empty userAuth and data */
	tpm2_w_u16(&t->w, 0);
	tpm2_w_u16(&t->w, 0);
	tpm2_w_b2(&t->w, tmpl, (uint16_t)tlen);
	tpm2_w_u16(&t->w, 0); /* outsideInfo */
	tpm2_w_u32(&t->w, 0); /* creationPCR: none */
	uint32_t rc = send(io, t);
	if (rc)
		return rc;
	*handle = tpm2_r_u32(&t->r);
	tpm2_r_u32(&t->r); /* parameterSize */
	rc = read_tpm2b(&t->r, pub, cap, pub_len);
	return rc || !*pub_len ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
}

uint32_t vtpm_cmd_read_public(const struct vtpm_io *io, uint32_t handle, uint8_t *pub, uint32_t cap,
			      uint32_t *pub_len)
{
	struct txn *t;
	uint32_t rc = simple(io, TPM_ST_NO_SESSIONS, 0x173u /* TPM_CC_ReadPublic */, &handle, 1, NULL, 0, &t);
	if (rc)
		return rc;
	rc = read_tpm2b(&t->r, pub, cap, pub_len);
	return rc || !*pub_len ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
}

uint32_t vtpm_cmd_flush(const struct vtpm_io *io, uint32_t handle)
{
	uint8_t p[4];
	tpm2_put_be32(p, handle);
	return simple(io, TPM_ST_NO_SESSIONS, TPM_CC_FlushContext, NULL, 0, p, 4, NULL);
}

uint32_t vtpm_cmd_evict(const struct vtpm_io *io, uint32_t handle, uint32_t persistent)
{
	uint32_t h[2] = { TPM_RH_OWNER, handle };
	uint8_t p[4];
	tpm2_put_be32(p, persistent);
	return simple(io, TPM_ST_SESSIONS, TPM_CC_EvictControl, h, 2, p, 4, NULL);
}

uint32_t vtpm_cmd_get_random(const struct vtpm_io *io, uint16_t n, uint8_t *out)
{
	struct txn *t;
	uint8_t p[2] = { (uint8_t)(n >> 8), (uint8_t)n };
	uint32_t rc = simple(io, TPM_ST_NO_SESSIONS, TPM_CC_GetRandom, NULL, 0, p, 2, &t);
	if (rc)
		return rc;
	uint32_t got;
	rc = read_tpm2b(&t->r, out, n, &got);
	return rc || got != n ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
}

uint32_t vtpm_cmd_pcr_extend(const struct vtpm_io *io, uint32_t pcr, uint16_t alg, const uint8_t *digest)
{
	uint16_t ds = tpm2_hash_size(alg);
	if (!ds)
		return TPM_RC_FAILURE;
	struct txn *t = begin(TPM_ST_SESSIONS, TPM_CC_PCR_Extend);
	tpm2_w_u32(&t->w, pcr);
	tpm2_w_pw_session(&t->w);
	tpm2_w_u32(&t->w, 1); /* TPML_DIGEST_VALUES */
	tpm2_w_u16(&t->w, alg);
	tpm2_w_bytes(&t->w, digest, ds);
	return send(io, t);
}

static void pcr_select(struct tpm2_w *w, uint32_t pcr, uint16_t alg)
{
	tpm2_w_u32(w, 1);
	tpm2_w_u16(w, alg);
	tpm2_w_u8(w, 3);
	for (uint32_t b = 0; b < 3; b++)
		tpm2_w_u8(w, pcr / 8 == b ? (uint8_t)(1u << (pcr % 8)) : 0);
}

uint32_t vtpm_cmd_pcr_read(const struct vtpm_io *io, uint32_t pcr, uint16_t alg, uint8_t *value)
{
	uint16_t ds = tpm2_hash_size(alg);
	if (!ds || pcr >= TPM2_PCRS)
		return TPM_RC_FAILURE;
	struct txn *t = begin(TPM_ST_NO_SESSIONS, TPM_CC_PCR_Read);
	pcr_select(&t->w, pcr, alg);
	uint32_t rc = send(io, t);
	if (rc)
		return rc;
	tpm2_r_u32(&t->r); /* pcrUpdateCounter */
	uint32_t nsel = tpm2_r_u32(&t->r);
	for (uint32_t i = 0; i < nsel && !t->r.bad; i++) {
		tpm2_r_u16(&t->r);
		tpm2_r_bytes(&t->r, tpm2_r_u8(&t->r));
	}
	if (tpm2_r_u32(&t->r) != 1) /* TPML_DIGEST: exactly the one PCR asked for */
		return TPM_RC_FAILURE;
	uint32_t got;
	rc = read_tpm2b(&t->r, value, ds, &got);
	return rc || got != ds ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
}

uint32_t vtpm_cmd_nv_define(const struct vtpm_io *io, uint32_t auth, uint32_t index, uint16_t name_alg,
			    uint32_t attrs, uint16_t size)
{
	struct txn *t = begin(TPM_ST_SESSIONS, TPM_CC_NV_DefineSpace);
	tpm2_w_u32(&t->w, auth);
	tpm2_w_pw_session(&t->w);
	tpm2_w_u16(&t->w, 0);  /* auth: empty */
	tpm2_w_u16(&t->w, 14); /* TPM2B_NV_PUBLIC */
	tpm2_w_u32(&t->w, index);
	tpm2_w_u16(&t->w, name_alg);
	tpm2_w_u32(&t->w, attrs);
	tpm2_w_u16(&t->w, 0); /* authPolicy: empty */
	tpm2_w_u16(&t->w, size);
	return send(io, t);
}

uint32_t vtpm_cmd_nv_write(const struct vtpm_io *io, uint32_t auth, uint32_t index, const uint8_t *data,
			   uint16_t len, uint16_t offset)
{
	struct txn *t = begin(TPM_ST_SESSIONS, TPM_CC_NV_Write);
	tpm2_w_u32(&t->w, auth);
	tpm2_w_u32(&t->w, index);
	tpm2_w_pw_session(&t->w);
	tpm2_w_b2(&t->w, data, len);
	tpm2_w_u16(&t->w, offset);
	return send(io, t);
}

uint32_t vtpm_cmd_nv_write_lock(const struct vtpm_io *io, uint32_t auth, uint32_t index)
{
	uint32_t h[2] = { auth, index };
	return simple(io, TPM_ST_SESSIONS, TPM_CC_NV_WriteLock, h, 2, NULL, 0, NULL);
}

uint32_t vtpm_cmd_nv_read(const struct vtpm_io *io, uint32_t auth, uint32_t index, uint16_t len, uint16_t offset,
			  uint8_t *out)
{
	uint32_t h[2] = { auth, index };
	uint8_t p[4] = { (uint8_t)(len >> 8), (uint8_t)len, (uint8_t)(offset >> 8), (uint8_t)offset };
	struct txn *t;
	uint32_t rc = simple(io, TPM_ST_SESSIONS, TPM_CC_NV_Read, h, 2, p, 4, &t);
	if (rc)
		return rc;
	tpm2_r_u32(&t->r); /* parameterSize */
	uint32_t got;
	rc = read_tpm2b(&t->r, out, len, &got);
	return rc || got != len ? TPM_RC_FAILURE : TPM_RC_SUCCESS;
}

uint32_t vtpm_cmd_quote(const struct vtpm_io *io, uint32_t key, const uint8_t *nonce, uint16_t nlen, uint16_t alg,
			uint32_t pcr, uint8_t *quoted, uint32_t qcap, uint32_t *qlen, uint8_t *r, uint16_t *rlen,
			uint8_t *s, uint16_t *slen)
{
	struct txn *t = begin(TPM_ST_SESSIONS, TPM_CC_Quote);
	tpm2_w_u32(&t->w, key);
	tpm2_w_pw_session(&t->w);
	tpm2_w_b2(&t->w, nonce, nlen);
	tpm2_w_u16(&t->w, TPM_ALG_NULL); /* inScheme: the key's */
	pcr_select(&t->w, pcr, alg);
	uint32_t rc = send(io, t);
	if (rc)
		return rc;
	tpm2_r_u32(&t->r); /* parameterSize */
	if (read_tpm2b(&t->r, quoted, qcap, qlen))
		return TPM_RC_FAILURE;
	if (tpm2_r_u16(&t->r) != TPM_ALG_ECDSA)
		return TPM_RC_FAILURE;
	tpm2_r_u16(&t->r); /* hash */
	uint32_t a, b;
	if (read_tpm2b(&t->r, r, 66, &a) || read_tpm2b(&t->r, s, 66, &b))
		return TPM_RC_FAILURE;
	*rlen = (uint16_t)a;
	*slen = (uint16_t)b;
	return TPM_RC_SUCCESS;
}
