/* SPDX-License-Identifier: MIT */
/*
 * fuzz_vtpm.c — the vTPM protocol entry (proto_dispatch, protocol 2) and the
 * TPM command bytes behind it: the real service (svsm/vtpm/service.h) over
 * Debian's libtpms.a and libcrypto.a, manufactured once from a manifest with
 * the fixed test seed, on the RMP model's guest memory.
 *
 * Input: 1 byte of flags (bit 0: TPM2_Startup(CLEAR) first, so commands reach
 * past TPM_RC_INITIALIZE), then records {u8 kind, u16 len (little endian),
 * len bytes}:
 *   kind & 3 == 0  the bytes are a TPM command, sent in a well-formed request
 *                  (TPM_SEND_COMMAND, locality 0) in a buffer at 0x10000 plus
 *                  (kind >> 2) * 0x40, so some span two pages;
 *   kind & 3 == 1  the bytes are the whole request buffer (header included);
 *   kind & 3 == 2  the first 8 bytes are RCX as is (any address);
 *   kind & 3 == 3  call number data[0] of protocol 2 with RCX from the buffer.
 * Every input starts from the manufactured state (vtpm_service_reset) and a
 * zeroed buffer region.
 *
 * Checked, abort() on failure: a refused SVSM_VTPM_CMD never reached the TPM
 * (the service's command count) and left the guest buffer unchanged; an
 * accepted one ran exactly one TPM command and wrote outbuf_size in
 * 10..4092 equal to the size field of the TPM response header; the model saw
 * no violation (SVSM memory touched, a VMSA written).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../igvmbuild/build.h"
#include "../../svsm/vtpm/service.h"
#include "../svsm/proto_test_env.h"

#define BUF_GPA 0x10000ull
#define REGION 0x8000u /* zeroed before every input: the buffers' pages */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static struct rmp_model *m;
static struct proto_core core;
static struct vtpm_service svc;
static int ready;

static const char manifest[] = "<vtpm-manifest version=\"1\">\n"
			       "  <pcr-banks><bank>sha256</bank><bank>sha384</bank></pcr-banks>\n"
			       "  <endorsement-key algorithm=\"ecc-nist-p256\" template=\"L-2\"/>\n"
			       "  <manufacturer id=\"FUZZ\" vendor=\"fuzz_vtpm\" firmware-version=\"1\"/>\n"
			       "  <persistence mode=\"ephemeral\"/>\n"
			       "  <nv-indices><nv-index handle=\"0x01500016\" size=\"16\">\n"
			       "    <attributes>ownerwrite ownerread authread authwrite no-da</attributes>\n"
			       "    <contents-hex>00112233445566778899aabbccddeeff</contents-hex></nv-index></nv-indices>\n"
			       "</vtpm-manifest>\n";

static void direct(void (*fn)(void *), void *arg)
{
	fn(arg);
}

static void setup(void)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	char err[256];
	if (build_vtpm_compile_mem("/fuzz/m.xml", (const uint8_t *)manifest, strlen(manifest), &blob, &len) ||
	    vtpm_service_start(&svc, direct, VTPM_RAND_TEST_SEED, blob, len, err, sizeof(err)) ||
	    env_setup(&m, &core) || vtpm_service_attach(&svc, &core))
		abort();
	free(blob);
	ready = 1;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One call of protocol 2 with the checks above. */
static void call(uint32_t fn, uint64_t rcx)
{
	/* The buffer's 4 KiB, when it lies in guest RAM below the SVSM: compared after a refusal. */
	bool inside = rcx <= ENV_SVSM_BASE - 4096;
	static uint8_t before[4096];
	if (inside)
		memcpy(before, rmp_sim_map(&m->sim, rcx, 4096), 4096);
	uint64_t cmds = svc.commands;
	struct proto_regs r = { (uint64_t)SVSM_VTPM_PROTOCOL << 32 | fn, rcx, 0, 0 };
	proto_dispatch(&core, 0, &r);
	if (fn != SVSM_VTPM_CMD) {
		if (svc.commands != cmds)
			abort();
		return;
	}
	if (r.rax != SVSM_SUCCESS) {
		if (svc.commands != cmds || (inside && memcmp(before, rmp_sim_map(&m->sim, rcx, 4096), 4096)))
			abort(); /* a refusal that reached the TPM or wrote guest memory */
		return;
	}
	if (svc.commands != cmds + 1 || !inside)
		abort();
	const uint8_t *o = rmp_sim_map(&m->sim, rcx, 4096);
	uint32_t size = le32(o);
	uint32_t hdr = (uint32_t)o[6] << 24 | (uint32_t)o[7] << 16 | (uint32_t)o[8] << 8 | o[9];
	if (size < 10 || size > 4092 || hdr != size)
		abort();
}

static void request(uint64_t gpa, const uint8_t *cmd, uint32_t len)
{
	uint8_t h[9] = { 8, 0, 0, 0, 0 };
	memcpy(h + 5, &len, 4);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, gpa, h, sizeof(h));
	if (len)
		rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, gpa + 9, cmd, len);
	call(SVSM_VTPM_CMD, gpa);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (!ready)
		setup();
	if (n < 1)
		return 0;
	static const uint8_t zero[REGION];
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, BUF_GPA, zero, sizeof(zero));
	if (vtpm_service_reset(&svc))
		abort();
	if (d[0] & 1) {
		static const uint8_t startup[12] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0 };
		request(BUF_GPA, startup, sizeof(startup));
	}
	size_t at = 1;
	for (unsigned rec = 0; rec < 16 && at + 3 <= n; rec++) {
		uint8_t kind = d[at];
		uint32_t len = (uint32_t)d[at + 1] | (uint32_t)d[at + 2] << 8;
		at += 3;
		if (len > n - at)
			len = (uint32_t)(n - at);
		const uint8_t *p = d + at;
		at += len;
		uint64_t gpa = BUF_GPA + (uint64_t)(kind >> 2) * 0x40;
		uint64_t rcx = 0;
		switch (kind & 3) {
		case 0:
			request(gpa, p, len < 4087 ? len : 4087);
			break;
		case 1:
			rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, gpa, p, len < 4096 ? len : 4096);
			call(SVSM_VTPM_CMD, gpa);
			break;
		case 2:
			memcpy(&rcx, p, len < 8 ? len : 8);
			call(SVSM_VTPM_CMD, rcx);
			break;
		default:
			call(len ? p[0] : 0, gpa);
			break;
		}
	}
	if (rmp_sim_violations(&m->sim))
		abort();
	return 0;
}
