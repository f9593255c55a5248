/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_vtpm.c — the vTPM protocol (svsm/protocol/vtpm.c) and the glue
 * (svsm/vtpm/) on the host, against the RMP model and Debian's libtpms.a and
 * libcrypto.a, linked statically as in the SVSM:
 *
 *  - every refusal of SVSM_VTPM_CMD, each answered with its error code, with
 *    the TPM never called (a counting backend) and the guest buffer left as
 *    it was; the accepted edge cases (4087-byte command, a buffer spanning two
 *    pages, malformed TPM bytes answered by the TPM, not the protocol);
 *    QUERY_PROTOCOL and SVSM_VTPM_QUERY, protocol 2 absent without a vTPM;
 *  - manufacture from manifests compiled by igvmbuild's own compiler: every
 *    EK template, PCR banks, NV indices with data and write locks, a
 *    persistent EK, the identity; refusals (sealed persistence, SM3, unknown
 *    template); the boot self-test through the protocol entry;
 *  - the fixed test seed gives the same EK twice (and the golden test,
 *    tests/cli/t0660-vtpm.sh, the same as Debian's libtpms0);
 *  - ext_api.h's string constants as the OpenSSL headers spell them.
 */
#include <stdlib.h>

#include "../unit/tap.h"

#include "../../igvmbuild/build.h"
#include "../../svsm/vtpm/cmds.h"
#include "../../svsm/vtpm/ek.h"
#include "../../svsm/vtpm/crypto.h"
#include "../../svsm/vtpm/selftest.h"
#include "../../svsm/vtpm/service.h"
#include "proto_test_env.h"

int vtpm_ext_api_strings_match(void);

static struct rmp_model *m;
static struct proto_core core, *c = &core;

/* ---- a counting TPM for the protocol's refusals ---- */
static uint64_t mock_calls;
static uint32_t mock_len;

static uint32_t mock_execute(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap)
{
	(void)ctx, (void)cmd;
	mock_calls++;
	mock_len = len;
	static const uint8_t ok_rsp[10] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0 };
	if (cap < 10)
		return 0;
	memcpy(rsp, ok_rsp, 10);
	return 10;
}

static const struct proto_vtpm mock = { mock_execute, NULL };
static const uint8_t fake_ek[4] = { 1, 2, 3, 4 };

static uint64_t call(uint32_t proto, uint32_t fn, uint64_t rcx, struct proto_regs *out)
{
	struct proto_regs r = { (uint64_t)proto << 32 | fn, rcx, 0x55, 0x66 };
	proto_dispatch(c, 0, &r);
	if (out)
		*out = r;
	return r.rax;
}

static void put_req(uint64_t gpa, uint32_t cmd, uint8_t loc, uint32_t size)
{
	uint8_t h[9];
	memcpy(h, &cmd, 4);
	h[4] = loc;
	memcpy(h + 5, &size, 4);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, gpa, h, 9);
}

/* A refusal: the code, no TPM call, the 4 KiB at gpa untouched. */
static void refused(uint64_t gpa, uint64_t want, const char *what)
{
	uint8_t before[4096], after[4096];
	bool inside = gpa >= 0x100000 && gpa <= ENV_SVSM_BASE - 4096;
	if (inside)
		memcpy(before, rmp_sim_map(&m->sim, gpa, 4096), 4096);
	uint64_t calls = mock_calls;
	uint64_t rc = call(SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, gpa, NULL);
	if (inside)
		memcpy(after, rmp_sim_map(&m->sim, gpa, 4096), 4096);
	ok(rc == want && mock_calls == calls && (!inside || !memcmp(before, after, 4096)),
	   "VTPM_CMD refused (%s): 0x%llx, TPM not called, buffer unchanged", what, (unsigned long long)rc);
}

static void test_protocol(void)
{
	struct proto_regs r;
	ok(env_setup(&m, c) == 0, "model set up");
	/* validate some more guest pages for the buffers: 1 MiB .. 1 MiB + 64 KiB */
	rmp_sim_prevalidate(&m->sim, 0x100000, 16, PROTO_GUEST_VMPL, RMP_PERM_ALL);
	proto_mark_validated(c, 0x100000, 16 * 4096);

	ok(call(SVSM_VTPM_PROTOCOL, SVSM_VTPM_QUERY, 0, NULL) == SVSM_ERR_UNSUPPORTED_PROTOCOL,
	   "without a vTPM, protocol 2 is unsupported");
	ok(call(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 2ull << 32 | 1, &r) == 0 && r.rcx == 0,
	   "without a vTPM, QUERY_PROTOCOL(2) is 0");
	ok(proto_attach_vtpm(c, &mock, fake_ek, sizeof(fake_ek)) == 0, "attach");
	ok(proto_attach_vtpm(c, &mock, fake_ek, sizeof(fake_ek)) != 0, "a second attach is refused");
	ok(call(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 2ull << 32 | 1, &r) == 0 && r.rcx == (1ull << 32 | 1),
	   "QUERY_PROTOCOL(2, 1): versions 1..1");
	ok(call(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 2ull << 32 | 2, &r) == 0 && r.rcx == 0,
	   "QUERY_PROTOCOL(2, 2): not supported");
	ok(call(SVSM_VTPM_PROTOCOL, SVSM_VTPM_QUERY, 0, &r) == 0 && r.rcx == 1ull << 8 && r.rdx == 0 && r.r8 == 0x66,
	   "SVSM_VTPM_QUERY: TPM_SEND_COMMAND only, no features");
	ok(call(SVSM_VTPM_PROTOCOL, 2, 0, NULL) == SVSM_ERR_UNSUPPORTED_CALL &&
		   call(SVSM_VTPM_PROTOCOL, 0xFFFFFFFF, 0, NULL) == SVSM_ERR_UNSUPPORTED_CALL,
	   "other vTPM calls: UNSUPPORTED_CALL");

	uint64_t buf = 0x101000;
	put_req(buf, 8, 0, 12);
	ok(call(SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, buf, NULL) == 0 && mock_calls == 1 && mock_len == 12,
	   "a well-formed request reaches the TPM");
	uint32_t sz;
	memcpy(&sz, rmp_sim_map(&m->sim, buf, 4), 4);
	ok(sz == 10, "the response size lands at offset 0");

	refused(0, SVSM_ERR_INVALID_PARAMETER, "RCX = 0");
	refused(ENV_SVSM_BASE, SVSM_ERR_INVALID_ADDRESS, "SVSM memory");
	refused(ENV_SVSM_BASE - 0x800, SVSM_ERR_INVALID_ADDRESS, "runs into SVSM memory");
	refused(ENV_MEM - 0x800, SVSM_ERR_INVALID_ADDRESS, "runs past guest memory");
	refused(ENV_MEM + 0x10000, SVSM_ERR_INVALID_ADDRESS, "outside guest memory");
	refused(0xFFFFFFFFFFFFF800ull, SVSM_ERR_INVALID_ADDRESS, "wraps around");
	refused(0x300000, SVSM_ERR_INVALID_ADDRESS, "a page the guest has not validated");
	refused(0x10F800, SVSM_ERR_INVALID_ADDRESS, "second page not validated");
	refused(ENV_BOOT_VMSA, SVSM_ERR_INVALID_ADDRESS, "the VMSA");
	static const uint32_t bad_cmds[] = { 0, 1, 2, 7, 9, 10, 0x8000, 0xFFFFFFFF };
	for (size_t i = 0; i < sizeof(bad_cmds) / sizeof(bad_cmds[0]); i++) {
		char what[48];
		snprintf(what, sizeof(what), "platform command %u", bad_cmds[i]);
		put_req(buf, bad_cmds[i], 0, 12);
		refused(buf, SVSM_ERR_INVALID_PARAMETER, what);
	}
	static const uint8_t locs[] = { 1, 2, 3, 4, 0x80, 0xFF };
	for (size_t i = 0; i < sizeof(locs); i++) {
		char what[32];
		snprintf(what, sizeof(what), "locality %u", locs[i]);
		put_req(buf, 8, locs[i], 12);
		refused(buf, SVSM_ERR_INVALID_PARAMETER, what);
	}
	put_req(buf, 8, 0, 4088);
	refused(buf, SVSM_ERR_INVALID_PARAMETER, "inbuf_size 4088");
	put_req(buf, 8, 0, 0xFFFFFFFF);
	refused(buf, SVSM_ERR_INVALID_PARAMETER, "inbuf_size 0xffffffff");

	put_req(buf, 8, 0, 4087);
	uint64_t n0 = mock_calls;
	ok(call(SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, buf, NULL) == 0 && mock_calls == n0 + 1 && mock_len == 4087,
	   "inbuf_size 4087 (the maximum) is accepted");
	put_req(buf, 8, 0, 0);
	ok(call(SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, buf, NULL) == 0 && mock_len == 0,
	   "an empty command goes to the TPM, which answers it");
	uint64_t odd = 0x102ABC;
	put_req(odd, 8, 0, 12);
	ok(call(SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, odd, NULL) == 0, "a buffer spanning two pages (not aligned)");

	/* The hypervisor takes the buffer's second page between the guest's write and the call. */
	put_req(0x104800, 8, 0, 3000);
	rmp_sim_hv_flip(&m->sim, 0x105000, true);
	uint64_t calls = mock_calls;
	ok(call(SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, 0x104800, NULL) == SVSM_ERR_INVALID_ADDRESS && mock_calls == calls,
	   "a page taken behind the SVSM's back: INVALID_ADDRESS, TPM not called");
	/* ... or its first page: the header itself cannot be read. */
	rmp_sim_hv_flip(&m->sim, 0x106000, true);
	ok(call(SVSM_VTPM_PROTOCOL, SVSM_VTPM_CMD, 0x106000, NULL) == SVSM_ERR_INVALID_ADDRESS && mock_calls == calls,
	   "header page taken: INVALID_ADDRESS");
	ok(rmp_sim_violations(&m->sim) == 0, "the model saw no violation");
	ok(c->nsvc == 1 && !memcmp(c->svc[0].guid, "\xeb\xf1\x76\xc4\x23\x01\xa5\x45\x96\x41\xb4\xe7\xdd\xe5\xbf\xe3", 16),
	   "the vTPM service is in the attestation manifest under c476f1eb-0123-45a5-9641-b4e7dde5bfe3");
	proto_destroy(c);
	rmp_model_free(m);
}

/* ---- manufacture ---- */
static void direct(void (*fn)(void *), void *arg)
{
	fn(arg);
}

static uint64_t svc_commands(void *ctx)
{
	return ((struct vtpm_service *)ctx)->commands;
}

static struct vtpm_service svc;

static int manifest(const char *xml, uint8_t **blob, size_t *len)
{
	return build_vtpm_compile_mem("/t/m.xml", (const uint8_t *)xml, strlen(xml), blob, len);
}

static const char base_manifest[] =
	"<vtpm-manifest version=\"1\">\n"
	"  <pcr-banks><bank>%s</bank></pcr-banks>\n"
	"  <endorsement-key algorithm=\"%s\" template=\"%s\"%s/>\n"
	"  <manufacturer id=\"TEST\" vendor=\"vendor string 16\" firmware-version=\"0x0102030405060708\"/>\n"
	"  <persistence mode=\"ephemeral\"/>\n"
	"%s"
	"</vtpm-manifest>\n";

static const char nv_part[] =
	"  <nv-indices>\n"
	"    <nv-index handle=\"0x01C00002\" size=\"1500\"><attributes>ppwrite ppread ownerread authread no-da platformcreate</attributes>\n"
	"      <contents-hex>%s</contents-hex></nv-index>\n"
	"    <nv-index handle=\"0x01500016\" size=\"16\"><attributes>ownerwrite ownerread writedefine</attributes>\n"
	"      <contents-hex>00112233445566778899aabbccddeeff</contents-hex></nv-index>\n"
	"    <nv-index handle=\"0x01000001\" size=\"8\" type=\"counter\"><attributes>authwrite authread</attributes></nv-index>\n"
	"    <nv-index handle=\"0x01000002\" size=\"32\" write-lock=\"true\"><attributes>authwrite authread writedefine</attributes>\n"
	"      <contents-hex>cafe</contents-hex></nv-index>\n"
	"  </nv-indices>\n";

/* Self-test through the protocol entry, on a fresh model. */
static int run_selftest(const uint8_t *blob, size_t len, char *err, size_t errlen)
{
	struct rmp_model *mm;
	static struct proto_core cc;
	if (env_setup(&mm, &cc) || vtpm_service_attach(&svc, &cc))
		return -1;
	rmp_sim_prevalidate(&mm->sim, 0x100000, 16, PROTO_GUEST_VMPL, RMP_PERM_ALL);
	proto_mark_validated(&cc, 0x100000, 16 * 4096);
	struct vtpm_selftest_env env = { &cc, 0, 0x100800, 0x108000, svc_commands, &svc,
					 vtpm_crypto_hash_cb, vtpm_crypto_verify_cb, NULL };
	int rc = vtpm_selftest_run(&env, &svc.id, blob, len, err, errlen);
	proto_destroy(&cc);
	rmp_model_free(mm);
	return rc;
}

static void test_manufacture(void)
{
	static const struct {
		const char *alg, *tmpl, *bank;
		uint16_t type;
	} eks[] = {
		{ "rsa-2048", "L-1", "sha256", TPM_ALG_RSA },      { "ecc-nist-p256", "L-2", "sha384", TPM_ALG_ECC },
		{ "rsa-2048", "H-1", "sha1", TPM_ALG_RSA },        { "ecc-nist-p256", "H-2", "sha512", TPM_ALG_ECC },
		{ "ecc-nist-p384", "H-3", "sha384", TPM_ALG_ECC }, { "ecc-nist-p521", "H-4", "sha256", TPM_ALG_ECC },
		{ "rsa-3072", "H-6", "sha256", TPM_ALG_RSA },
	};
	char xml[8192], nv[4096], hexdata[3001], err[256];
	for (int i = 0; i < 1500; i++)
		snprintf(hexdata + 2 * i, 3, "%02x", (unsigned)(i * 7 + 3) & 0xFF);
	snprintf(nv, sizeof(nv), nv_part, hexdata);
	for (size_t i = 0; i < sizeof(eks) / sizeof(eks[0]); i++) {
		bool persistent = i % 2 == 0;
		snprintf(xml, sizeof(xml), base_manifest, eks[i].bank, eks[i].alg, eks[i].tmpl,
			 persistent ? " persistent=\"true\"" : "", i == 0 ? nv : "");
		uint8_t *blob = NULL;
		size_t len = 0;
		if (!ok(manifest(xml, &blob, &len) == 0, "%s manifest compiles", eks[i].tmpl))
			continue;
		int rc = vtpm_service_start(&svc, direct, VTPM_RAND_HARDWARE, blob, len, err, sizeof(err));
		ok(rc == 0, "%s: manufactured%s%s", eks[i].tmpl, rc ? ": " : "", rc ? err : "");
		if (!rc) {
			uint8_t tmpl[512];
			uint32_t tl = vtpm_ek_template(svc.id.ek_template, tmpl, sizeof(tmpl));
			ok(svc.id.ek_public_len > tl - 8 && !memcmp(svc.id.ek_public, tmpl, 10) &&
				   (persistent ? svc.id.ek_persistent == vtpm_ek_persistent_handle(svc.id.ek_template)
					       : !svc.id.ek_persistent),
			   "%s: EK type, name algorithm and attributes as the template%s", eks[i].tmpl,
			   persistent ? ", persistent" : "");
			rc = run_selftest(blob, len, err, sizeof(err));
			ok(rc == 0, "%s: self-test through the protocol entry%s%s", eks[i].tmpl, rc ? ": " : "",
			   rc ? err : "");
			ok(vtpm_service_reset(&svc) == 0, "%s: back to the manufactured state", eks[i].tmpl);
		}
		free(blob);
	}

	/* Refused at manufacture (the builder refuses some too; the SVSM checks again). */
	uint8_t *blob = NULL;
	size_t len = 0;
	snprintf(xml, sizeof(xml), base_manifest, "sha256", "rsa-2048", "L-1", "", "");
	if (manifest(xml, &blob, &len) == 0) {
		struct vtpm_config_header h;
		memcpy(&h, blob, sizeof(h));
		h.persistence = VTPM_PERSIST_SEALED;
		memcpy(blob, &h, sizeof(h));
		ok(vtpm_service_start(&svc, direct, VTPM_RAND_HARDWARE, blob, len, err, sizeof(err)) != 0 &&
			   strstr(err, "ephemeral"),
		   "sealed persistence refused: %s", err);
		h.persistence = 0;
		h.pcr_banks = VTPM_PCR_BANK_SM3;
		memcpy(blob, &h, sizeof(h));
		ok(vtpm_service_start(&svc, direct, VTPM_RAND_HARDWARE, blob, len, err, sizeof(err)) != 0 &&
			   strstr(err, "not implemented"),
		   "an SM3 bank refused: %s", err);
		h.pcr_banks = VTPM_PCR_BANK_SHA256;
		h.ek_template = 99;
		memcpy(blob, &h, sizeof(h));
		ok(vtpm_service_start(&svc, direct, VTPM_RAND_HARDWARE, blob, len, err, sizeof(err)) != 0,
		   "an unknown EK template refused: %s", err);
		h.ek_template = VTPM_EK_TEMPLATE_L1;
		h.magic ^= 1;
		memcpy(blob, &h, sizeof(h));
		ok(vtpm_service_start(&svc, direct, VTPM_RAND_HARDWARE, blob, len, err, sizeof(err)) != 0 &&
			   strstr(err, "magic"),
		   "a blob with a bad magic refused: %s", err);
		h.magic ^= 1;
		memcpy(blob, &h, sizeof(h));

		/* The fixed test seed: the same EK every time. */
		uint8_t ek1[VTPM_EK_PUBLIC_MAX];
		uint32_t l1 = 0;
		ok(vtpm_service_start(&svc, direct, VTPM_RAND_TEST_SEED, blob, len, err, sizeof(err)) == 0,
		   "fixed seed: manufactured");
		memcpy(ek1, svc.id.ek_public, svc.id.ek_public_len);
		l1 = svc.id.ek_public_len;
		ok(vtpm_service_start(&svc, direct, VTPM_RAND_TEST_SEED, blob, len, err, sizeof(err)) == 0 &&
			   l1 == svc.id.ek_public_len && !memcmp(ek1, svc.id.ek_public, l1),
		   "fixed seed: the same EK again");
		ok(vtpm_service_start(&svc, direct, VTPM_RAND_HARDWARE, blob, len, err, sizeof(err)) == 0 &&
			   memcmp(ek1, svc.id.ek_public, l1),
		   "hardware entropy: another EK");
		free(blob);
	}
}

/* Malformed TPM bytes through the real TPM: the protocol succeeds, the TPM answers an error. */
static void test_tpm_errors(void)
{
	struct rmp_model *mm;
	static struct proto_core cc;
	if (!ok(env_setup(&mm, &cc) == 0 && vtpm_service_attach(&svc, &cc) == 0, "real TPM attached"))
		return;
	static const struct {
		const char *what;
		uint8_t b[16];
		uint32_t n;
	} cases[] = {
		{ "empty", { 0 }, 0 },
		{ "short header", { 0x80, 0x01, 0, 0 }, 4 },
		{ "size field larger than the bytes", { 0x80, 0x01, 0, 0, 0x10, 0, 0, 0, 1, 0x44, 0, 0 }, 12 },
		{ "unknown tag", { 0x12, 0x34, 0, 0, 0, 12, 0, 0, 1, 0x44, 0, 0 }, 12 },
		{ "unknown command", { 0x80, 0x01, 0, 0, 0, 10, 0x7F, 0xFF, 0xFF, 0xFF }, 10 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t req[9 + 16];
		uint32_t cmd = 8, n = cases[i].n;
		memcpy(req, &cmd, 4);
		req[4] = 0;
		memcpy(req + 5, &n, 4);
		memcpy(req + 9, cases[i].b, n);
		rmp_sim_guest_write(&mm->sim, PROTO_GUEST_VMPL, 0x10000, req, 9 + n);
		struct proto_regs r = { (uint64_t)SVSM_VTPM_PROTOCOL << 32 | SVSM_VTPM_CMD, 0x10000, 0, 0 };
		proto_dispatch(&cc, 0, &r);
		const uint8_t *o = rmp_sim_map(&mm->sim, 0x10000, 14);
		uint32_t sz, rc = (uint32_t)o[10] << 24 | (uint32_t)o[11] << 16 | (uint32_t)o[12] << 8 | o[13];
		memcpy(&sz, o, 4);
		ok(r.rax == 0 && sz >= 10 && rc != 0, "malformed TPM command (%s): a TPM error response 0x%x", cases[i].what,
		   rc);
	}
	proto_destroy(&cc);
	rmp_model_free(mm);
}

int main(void)
{
	ok(vtpm_ext_api_strings_match(), "ext_api.h's OpenSSL parameter names match the headers");
	test_protocol();
	test_manufacture();
	test_tpm_errors();
	vtpm_service_stop(&svc);
	return tap_done();
}
