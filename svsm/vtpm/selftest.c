/* SPDX-License-Identifier: MIT */
/* selftest.c — see selftest.h. */
#include "selftest.h"

#include <stdbool.h>

#include "../lib/fmt.h"
#include "../lib/sha512.h"
#include "../vtpm_cfg.h"
#include "cmds.h"
#include "ecdsa.h"
#include "ek.h"
#include "ext_api.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define FAIL(...)                                       \
	do {                                            \
		fmt_snprintf(err, errlen, __VA_ARGS__); \
		goto fail;                              \
	} while (0)
#define TPM_OK(call, what)                                                        \
	do {                                                                      \
		uint32_t rc_ = (call);                                            \
		if (rc_)                                                          \
			FAIL("%s: TPM response code 0x%x", (what), (unsigned)rc_); \
	} while (0)

static uint64_t call(const struct vtpm_selftest_env *env, uint32_t proto, uint32_t fn, uint64_t rcx,
		     struct proto_regs *out)
{
	struct proto_regs r = { (uint64_t)proto << 32 | fn, rcx, 0, 0 };
	proto_dispatch(env->core, env->slot, &r);
	if (out)
		*out = r;
	return r.rax;
}

static bool guest_write(const struct vtpm_selftest_env *env, uint64_t gpa, const void *p, uint64_t n)
{
	const struct proto_platform *pl = env->core->plat;
	return pl->write(pl->ctx, gpa, p, n);
}

static bool guest_read(const struct vtpm_selftest_env *env, uint64_t gpa, void *p, uint64_t n)
{
	const struct proto_platform *pl = env->core->plat;
	return pl->read(pl->ctx, gpa, p, n);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* A TPM command the way a guest sends it: the request into the buffer, SVSM_VTPM_CMD. */
static uint32_t proto_exec(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap)
{
	const struct vtpm_selftest_env *env = ctx;
	static uint8_t req[4096];
	if (len > sizeof(req) - 9)
		return 0;
	put_le32(req, 8);
	req[4] = 0;
	put_le32(req + 5, len);
	memcpy(req + 9, cmd, len);
	if (!guest_write(env, env->buf_gpa, req, 9 + len) ||
	    call(env, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, env->buf_gpa, NULL) != SVSM_SUCCESS)
		return 0;
	uint8_t sz[4];
	if (!guest_read(env, env->buf_gpa, sz, 4))
		return 0;
	uint32_t n = (uint32_t)sz[0] | (uint32_t)sz[1] << 8 | (uint32_t)sz[2] << 16 | (uint32_t)sz[3] << 24;
	if (n < 10 || n > cap || !guest_read(env, env->buf_gpa + 4, rsp, n))
		return 0;
	return n;
}

static void hash(uint16_t alg, const uint8_t *d, size_t n, uint8_t *out)
{
	switch (alg) {
	case TPM_ALG_SHA1: SHA1(d, n, out); break;
	case TPM_ALG_SHA256: SHA256(d, n, out); break;
	case TPM_ALG_SHA384: SHA384(d, n, out); break;
	default: SHA512(d, n, out); break;
	}
}

/* The AK's public point from its TPMT_PUBLIC (the ECC template of ek.h). */
static bool ak_point(const uint8_t *pub, uint32_t len, uint8_t point[65])
{
	struct tpm2_r r;
	uint16_t n, xn, yn;
	tpm2_r_init(&r, pub, len);
	if (tpm2_r_u16(&r) != TPM_ALG_ECC)
		return false;
	tpm2_r_u16(&r);
	tpm2_r_u32(&r);
	tpm2_r_b2(&r, &n, 64);
	if (tpm2_r_u16(&r) != TPM_ALG_NULL || tpm2_r_u16(&r) != TPM_ALG_ECDSA)
		return false;
	tpm2_r_u16(&r);
	if (tpm2_r_u16(&r) != TPM_ECC_NIST_P256 || tpm2_r_u16(&r) != TPM_ALG_NULL)
		return false;
	const uint8_t *x = tpm2_r_b2(&r, &xn, 32), *y = tpm2_r_b2(&r, &yn, 32);
	if (!x || !y || r.bad)
		return false;
	memset(point, 0, 65);
	point[0] = 4;
	memcpy(point + 1 + 32 - xn, x, xn);
	memcpy(point + 33 + 32 - yn, y, yn);
	return true;
}

/* TPMS_ATTEST of a quote: the checks that do not need the TPM. */
static const char *check_attest(const uint8_t *q, uint32_t qlen, const uint8_t *nonce, uint16_t nlen,
				uint64_t fw, const uint8_t *pcr_digest)
{
	struct tpm2_r r;
	uint16_t n;
	tpm2_r_init(&r, q, qlen);
	if (tpm2_r_u32(&r) != TPM_GENERATED_VALUE)
		return "magic";
	if (tpm2_r_u16(&r) != TPM_ST_ATTEST_QUOTE)
		return "type";
	tpm2_r_b2(&r, &n, 68); /* qualifiedSigner */
	const uint8_t *extra = tpm2_r_b2(&r, &n, 64);
	if (!extra || n != nlen || memcmp(extra, nonce, nlen))
		return "qualifying data (nonce)";
	tpm2_r_bytes(&r, 17); /* clockInfo */
	if (tpm2_r_u64(&r) != fw)
		return "firmware version";
	uint32_t nsel = tpm2_r_u32(&r);
	for (uint32_t i = 0; i < nsel && !r.bad; i++) {
		tpm2_r_u16(&r);
		tpm2_r_bytes(&r, tpm2_r_u8(&r));
	}
	const uint8_t *d = tpm2_r_b2(&r, &n, 64);
	if (!d || n != 32 || memcmp(d, pcr_digest, 32) || r.bad)
		return "PCR digest";
	return NULL;
}

static uint32_t read_auth(uint32_t attrs, uint32_t index)
{
	if (attrs & TPMA_NV_PPREAD)
		return TPM_RH_PLATFORM;
	if (attrs & TPMA_NV_OWNERREAD)
		return TPM_RH_OWNER;
	if (attrs & TPMA_NV_AUTHREAD)
		return index;
	return 0;
}

static int check_nv(const struct vtpm_io *io, const void *blob, char *err, size_t errlen)
{
	struct vtpm_config_header h;
	vtpm_cfg_header(blob, &h);
	static uint8_t got[2048];
	for (uint32_t i = 0; i < h.nv_count; i++) {
		struct vtpm_config_nv_index e;
		const uint8_t *data;
		vtpm_cfg_nv(blob, &h, i, &e, &data);
		uint32_t ra = read_auth(e.attributes, e.index);
		if (!e.data_len || !ra || e.data_len > sizeof(got))
			continue;
		for (uint32_t off = 0; off < e.data_len; off += 512) {
			uint16_t n = (uint16_t)(e.data_len - off < 512 ? e.data_len - off : 512);
			TPM_OK(vtpm_cmd_nv_read(io, ra, e.index, n, (uint16_t)off, got + off), "NV_Read");
		}
		if (memcmp(got, data, e.data_len))
			FAIL("NV index 0x%08x does not read back as provisioned", e.index);
	}
	return 0;
fail:
	return -1;
}

static uint16_t quote_bank(uint32_t banks)
{
	if (banks & VTPM_PCR_BANK_SHA256)
		return TPM_ALG_SHA256;
	if (banks & VTPM_PCR_BANK_SHA384)
		return TPM_ALG_SHA384;
	if (banks & VTPM_PCR_BANK_SHA512)
		return TPM_ALG_SHA512;
	return TPM_ALG_SHA1;
}

static int attestation(const struct vtpm_selftest_env *env, const struct vtpm_identity *id, char *err,
		       size_t errlen)
{
	uint64_t op = env->scratch_gpa, nonce_gpa = op + 4096, man = op + 2 * 4096, rep = op + 3 * 4096;
	uint8_t o[88], nonce[64], got[VTPM_EK_PUBLIC_MAX], data[64], want[64];
	static const uint8_t guid[16] = { 0xeb, 0xf1, 0x76, 0xc4, 0x23, 0x01, 0xa5, 0x45,
					  0x96, 0x41, 0xb4, 0xe7, 0xdd, 0xe5, 0xbf, 0xe3 };
	memset(o, 0, sizeof(o));
	for (int i = 0; i < 64; i++)
		nonce[i] = (uint8_t)(0xA0 + i);
	uint64_t f[6] = { rep, 4096, nonce_gpa, 64, man, 4096 };
	memcpy(o, f, sizeof(f));
	memcpy(o + 0x40, guid, 16);
	struct proto_regs r;
	if (!guest_write(env, op, o, sizeof(o)) || !guest_write(env, nonce_gpa, nonce, sizeof(nonce)))
		FAIL("attestation: cannot set up the request");
	uint64_t rc = call(env, SVSM_ATTEST_PROTOCOL, SVSM_ATTEST_SINGLE_SERVICE, op, &r);
	if (rc != SVSM_SUCCESS || r.rcx != id->ek_public_len || !r.r8)
		FAIL("SVSM_ATTEST_SINGLE_SERVICE(vTPM): 0x%lx, manifest %lu bytes", (unsigned long)rc,
		     (unsigned long)r.rcx);
	if (!guest_read(env, man, got, id->ek_public_len) || memcmp(got, id->ek_public, id->ek_public_len))
		FAIL("SVSM_ATTEST_SINGLE_SERVICE(vTPM): the manifest is not the EK's TPMT_PUBLIC");
	struct sha512_ctx h;
	sha512_init(&h);
	sha512_update(&h, nonce, sizeof(nonce));
	sha512_update(&h, id->ek_public, id->ek_public_len);
	sha512_final(&h, want);
	if (!guest_read(env, rep + 0x50, data, 64) || memcmp(data, want, 64))
		FAIL("SVSM_ATTEST_SINGLE_SERVICE(vTPM): REPORT_DATA is not SHA-512(nonce || EK public)");
	return 0;
fail:
	return -1;
}

int vtpm_selftest_run(const struct vtpm_selftest_env *env, const struct vtpm_identity *id, const void *blob,
		      size_t len, char *err, size_t errlen)
{
	struct vtpm_io io = { proto_exec, (void *)env };
	struct proto_regs r;
	(void)len;

	/* The protocol itself. */
	if (call(env, SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, (uint64_t)SVSM_VTPM_PROTOCOL << 32 | 1, &r) ||
	    r.rcx != (1ull << 32 | 1))
		FAIL("QUERY_PROTOCOL does not report the vTPM protocol");
	if (call(env, SVSM_VTPM_PROTOCOL, SVSM_VTPM_QUERY, 0, &r) || r.rcx != 1ull << 8 || r.rdx)
		FAIL("SVSM_VTPM_QUERY: 0x%lx 0x%lx", (unsigned long)r.rcx, (unsigned long)r.rdx);
	uint8_t bad[9] = { 8, 0, 0, 0, 1, 0, 0, 0, 0 };
	uint64_t before = env->commands(env->commands_ctx);
	if (!guest_write(env, env->buf_gpa, bad, sizeof(bad)) ||
	    call(env, SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, env->buf_gpa, NULL) != SVSM_ERR_INVALID_PARAMETER ||
	    env->commands(env->commands_ctx) != before)
		FAIL("a request for locality 1 was not refused before the TPM");

	/* Startup, randomness, identity. */
	TPM_OK(vtpm_cmd_startup(&io), "Startup");
	uint8_t r1[32], r2[32];
	TPM_OK(vtpm_cmd_get_random(&io, 32, r1), "GetRandom");
	TPM_OK(vtpm_cmd_get_random(&io, 32, r2), "GetRandom");
	if (!memcmp(r1, r2, 32))
		FAIL("GetRandom returned the same bytes twice");
	uint32_t p[5], fw[2];
	TPM_OK(vtpm_cmd_get_props(&io, TPM_PT_MANUFACTURER, 5, p), "GetCapability(manufacturer)");
	TPM_OK(vtpm_cmd_get_props(&io, TPM_PT_FIRMWARE_VERSION_1, 2, fw), "GetCapability(firmware)");
	bool same = p[0] == id->manufacturer;
	for (int i = 0; i < 4; i++)
		same = same && p[1 + i] == tpm2_be32((const uint8_t *)id->vendor + 4 * i);
	if (!same)
		FAIL("manufacturer/vendor properties are 0x%08x 0x%08x..., not the manifest's", p[0], p[1]);
	if (((uint64_t)fw[0] << 32 | fw[1]) != id->firmware_version)
		FAIL("firmware version 0x%08x%08x is not the manifest's", fw[0], fw[1]);

	/* The EK again: same seed, same key. */
	static uint8_t tmpl[512], pub[VTPM_EK_PUBLIC_MAX];
	uint32_t tlen = vtpm_ek_template(id->ek_template, tmpl, sizeof(tmpl)), handle, plen;
	TPM_OK(vtpm_cmd_create_primary(&io, TPM_RH_ENDORSEMENT, tmpl, tlen, &handle, pub, sizeof(pub), &plen),
	       "CreatePrimary(EK)");
	TPM_OK(vtpm_cmd_flush(&io, handle), "FlushContext(EK)");
	if (plen != id->ek_public_len || memcmp(pub, id->ek_public, plen))
		FAIL("CreatePrimary(EK) differs from the manufactured EK");
	if (id->ek_persistent) {
		TPM_OK(vtpm_cmd_read_public(&io, id->ek_persistent, pub, sizeof(pub), &plen), "ReadPublic(EK)");
		if (plen != id->ek_public_len || memcmp(pub, id->ek_public, plen))
			FAIL("the persistent EK 0x%08x differs from the manufactured EK", id->ek_persistent);
	}
	if (check_nv(&io, blob, err, errlen))
		goto fail;

	/* PCR 16: extend, read. */
	uint16_t bank = quote_bank(id->pcr_banks), ds = tpm2_hash_size(bank);
	uint8_t digest[TPM2_MAX_DIGEST], pcr[TPM2_MAX_DIGEST], buf[2 * TPM2_MAX_DIGEST], want[TPM2_MAX_DIGEST];
	static const char msg[] = "igvmbuild vTPM boot self-test";
	hash(bank, (const uint8_t *)msg, sizeof(msg) - 1, digest);
	TPM_OK(vtpm_cmd_pcr_extend(&io, 16, bank, digest), "PCR_Extend");
	TPM_OK(vtpm_cmd_pcr_read(&io, 16, bank, pcr), "PCR_Read");
	memset(buf, 0, ds);
	memcpy(buf + ds, digest, ds);
	hash(bank, buf, 2u * ds, want);
	if (memcmp(pcr, want, ds))
		FAIL("PCR 16 is not H(0 || digest) after PCR_Extend");

	/* Quote with an AK, verified outside the TPM. */
	uint8_t nonce[32], point[65], quoted[1024], sr[66], ss[66], qd[32], pd[32];
	uint32_t ak, qlen;
	uint16_t rl, sl;
	TPM_OK(vtpm_cmd_get_random(&io, sizeof(nonce), nonce), "GetRandom");
	tlen = vtpm_ak_template(tmpl, sizeof(tmpl));
	TPM_OK(vtpm_cmd_create_primary(&io, TPM_RH_ENDORSEMENT, tmpl, tlen, &ak, pub, sizeof(pub), &plen),
	       "CreatePrimary(AK)");
	uint32_t qrc = vtpm_cmd_quote(&io, ak, nonce, sizeof(nonce), bank, 16, quoted, sizeof(quoted), &qlen, sr, &rl,
				      ss, &sl);
	TPM_OK(vtpm_cmd_flush(&io, ak), "FlushContext(AK)");
	TPM_OK(qrc, "Quote");
	if (!ak_point(pub, plen, point))
		FAIL("the AK's public area is not an ECDSA P-256 key");
	SHA256(quoted, qlen, qd);
	SHA256(pcr, ds, pd);
	const char *why = check_attest(quoted, qlen, nonce, sizeof(nonce), id->firmware_version, pd);
	if (why)
		FAIL("Quote: %s does not match", why);
	if (!vtpm_ecdsa_p256_verify(point, qd, sr, rl, ss, sl))
		FAIL("Quote: the signature does not verify with the AK's public key");

	return attestation(env, id, err, errlen);
fail:
	return -1;
}
