/* SPDX-License-Identifier: MIT */
/*
 * vtpmd.c — the vTPM as a ring-3 process of the SVSM core: the serve loop of the
 * channel (chan.h) over the same service, TPM and manufacture code the core ran
 * in-kernel (service.h, tpm.h, manufacture.h).
 *
 * The loop hands the core the last reply and receives the next request in one
 * system call (VTPM_CHAN_SYSCALL); the first call carries no reply ("ready").
 * Every request gets exactly one reply with the request's op, arg 0, and either
 * status 0 and the op's payload, or status != 0 and a short printable message
 * (chan.h). Nothing a request says is trusted further than its lengths: each op
 * checks its payload's size before reading it.
 *
 * The process has one thread and its own stack, so the service's runner calls
 * the function directly (the core needed a separate big stack for the archives).
 *
 * Test builds (-DVTPM_TEST_SEED, vtpmd-seed.elf) also accept the fixed entropy
 * stream (tpm.h) and react to two vendor command codes (chan.h): a write to
 * address 0 (VTPM_TEST_CC_FAULT) and an endless loop (VTPM_TEST_CC_HANG), so the
 * core's handling of a broken vTPM process can be shown. Production builds pass
 * those codes to the TPM like any other.
 */
#include <stdbool.h>
#include <stdint.h>

#include "chan.h"
#include "crypto.h"
#include "ext_api.h"
#include "libc/libc.h"
#include "manufacture.h"
#include "service.h"
#include "tpm.h"
#include "tpm2.h"
#include "vtpmd.h"

/* What the core sends and what vtpmd answers, each at most VTPM_CHAN_MAX bytes. */
static uint8_t req[VTPM_CHAN_MAX] __attribute__((aligned(16)));
static uint8_t rep[VTPM_CHAN_MAX] __attribute__((aligned(16)));
static struct vtpm_service svc;
static bool started;

#define HDR sizeof(struct vtpm_chan_hdr)
#define PAYLOAD_MAX (VTPM_CHAN_MAX - HDR)

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void direct(void (*fn)(void *), void *arg)
{
	fn(arg);
}

static long serve(const void *reply, uint64_t reply_len, void *request, uint64_t cap)
{
	return vtpmd_syscall(VTPM_CHAN_SYSCALL, (long)reply, (long)reply_len, (long)request, (long)cap, 0, 0);
}

/* The entropy modes this build has: the fixed test seed only in the test build. */
static bool mode_known(uint32_t mode)
{
#ifdef VTPM_TEST_SEED
	return mode == VTPM_RAND_HARDWARE || mode == VTPM_RAND_TEST_SEED;
#else
	return mode == VTPM_RAND_HARDWARE;
#endif
}

/* Fills rep's header: returns the reply's total length. */
static uint64_t reply(uint32_t op, uint32_t status, uint32_t len, uint64_t tsc)
{
	struct vtpm_chan_hdr h = { op, 0, status, len, tsc };
	memcpy(rep, &h, sizeof(h));
	return HDR + len;
}

/* An error reply: the message cut to VTPM_CHAN_ERRMSG_MAX, anything unprintable as '?'. */
static uint64_t fail(uint32_t op, const char *msg)
{
	size_t n = strlen(msg);
	if (n > VTPM_CHAN_ERRMSG_MAX)
		n = VTPM_CHAN_ERRMSG_MAX;
	for (size_t i = 0; i < n; i++)
		rep[HDR + i] = (uint8_t)(msg[i] >= 0x20 && msg[i] <= 0x7E ? msg[i] : '?');
	return reply(op, 1, (uint32_t)n, 0);
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static uint64_t op_start(uint32_t arg, const uint8_t *p, uint32_t len)
{
	char err[VTPM_CHAN_ERRMSG_MAX];
	if (!mode_known(arg))
		return fail(VTPM_CHAN_START, "entropy mode unknown or not in this build");
	started = false; /* a failed start leaves no TPM to run commands on */
	if (vtpm_service_start(&svc, direct, (enum vtpm_rand_mode)arg, p, len, err, sizeof(err)))
		return fail(VTPM_CHAN_START, err);
	const struct vtpm_identity *id = &svc.id;
	struct vtpm_chan_identity ci;
	if (id->nv_state_len > PAYLOAD_MAX - sizeof(ci) || id->ek_public_len > sizeof(ci.ek_public))
		return fail(VTPM_CHAN_START, "the manufactured state does not fit a channel message");
	memset(&ci, 0, sizeof(ci));
	ci.ek_template = id->ek_template;
	ci.ek_public_len = id->ek_public_len;
	ci.ek_persistent = id->ek_persistent;
	ci.pcr_banks = id->pcr_banks;
	ci.manufacturer = id->manufacturer;
	ci.nv_count = id->nv_count;
	ci.firmware_version = id->firmware_version;
	memcpy(ci.vendor, id->vendor, sizeof(ci.vendor));
	ci.libtpms_version = vtpm_tpm_libtpms_version();
	memcpy(ci.ia32cap, OPENSSL_ia32cap_P, sizeof(ci.ia32cap));
	ci.state_len = id->nv_state_len;
	copy_str(ci.openssl_version, sizeof(ci.openssl_version), vtpm_tpm_openssl_version());
	memcpy(ci.ek_public, id->ek_public, id->ek_public_len);
	memcpy(rep + HDR, &ci, sizeof(ci));
	memcpy(rep + HDR + sizeof(ci), id->nv_state, id->nv_state_len);
	started = true;
	/* For sizing the process's page budget (heap: sys_user.c). */
	char m[120];
	LIBC(snprintf)(m, sizeof(m), "manufactured: permanent state %u bytes, heap peak %lu KiB",
		       (unsigned)id->nv_state_len, (unsigned long)(libc_heap_peak() >> 10));
	vtpm_plat_log(false, m);
	return reply(VTPM_CHAN_START, 0, (uint32_t)(sizeof(ci) + id->nv_state_len), 0);
}

static uint64_t op_restore(uint32_t arg, const uint8_t *p, uint32_t len)
{
	char err[VTPM_CHAN_ERRMSG_MAX];
	struct vtpm_chan_identity ci;
	if (!mode_known(arg))
		return fail(VTPM_CHAN_RESTORE, "entropy mode unknown or not in this build");
	/* The same checks the core makes of a START reply: this is one coming back. */
	if (vtpm_chan_check_identity(p, len, err, sizeof(err)))
		return fail(VTPM_CHAN_RESTORE, err);
	memcpy(&ci, p, sizeof(ci));
	struct vtpm_identity id;
	memset(&id, 0, sizeof(id));
	id.ek_template = ci.ek_template;
	id.ek_public_len = ci.ek_public_len;
	memcpy(id.ek_public, ci.ek_public, ci.ek_public_len);
	id.ek_persistent = ci.ek_persistent;
	id.pcr_banks = ci.pcr_banks;
	id.manufacturer = ci.manufacturer;
	memcpy(id.vendor, ci.vendor, sizeof(id.vendor));
	id.firmware_version = ci.firmware_version;
	id.nv_count = ci.nv_count;
	id.nv_state = (uint8_t *)(uintptr_t)(p + sizeof(ci)); /* copied by the service */
	id.nv_state_len = ci.state_len;
	started = false;
	if (vtpm_service_restore(&svc, direct, (enum vtpm_rand_mode)arg, &id, err, sizeof(err)))
		return fail(VTPM_CHAN_RESTORE, err);
	started = true;
	return reply(VTPM_CHAN_RESTORE, 0, 0, 0);
}

#ifdef VTPM_TEST_SEED
/* The test command codes (chan.h), recognised by the command code at bytes 6..9. */
static void test_codes(const uint8_t *cmd, uint32_t len)
{
	if (len < 10)
		return;
	uint32_t cc = tpm2_be32(cmd + 6);
	if (cc == VTPM_TEST_CC_FAULT) {
		vtpm_plat_log(false, "test command: writing to address 0");
		*(volatile uint32_t *)(uintptr_t)0 = 0xDEAD;
	}
	if (cc == VTPM_TEST_CC_HANG) {
		vtpm_plat_log(false, "test command: spinning forever");
		for (volatile int spin = 1; spin;)
			;
	}
}
#endif

static uint64_t op_execute(const uint8_t *p, uint32_t len)
{
	if (!started)
		return fail(VTPM_CHAN_EXECUTE, "no TPM yet (START or RESTORE first)");
#ifdef VTPM_TEST_SEED
	test_codes(p, len);
#endif
	uint64_t t0 = rdtsc();
	uint32_t n = vtpm_service_execute(&svc, p, len, rep + HDR, (uint32_t)PAYLOAD_MAX);
	uint64_t t1 = rdtsc();
	if (n < 10)
		return fail(VTPM_CHAN_EXECUTE, "the TPM left no response");
	return reply(VTPM_CHAN_EXECUTE, 0, n, t1 - t0);
}

static uint64_t op_reset(void)
{
	if (!started)
		return fail(VTPM_CHAN_RESET, "no TPM yet (START or RESTORE first)");
	if (vtpm_service_reset(&svc))
		return fail(VTPM_CHAN_RESET, "reset to the manufactured state failed");
	return reply(VTPM_CHAN_RESET, 0, 0, 0);
}

static uint64_t op_hash(uint32_t alg, const uint8_t *p, uint32_t len)
{
	int n = alg <= 0xFFFF ? vtpm_crypto_hash((uint16_t)alg, p, len, rep + HDR) : -1;
	if (n < 0)
		return fail(VTPM_CHAN_HASH, "unknown hash algorithm");
	return reply(VTPM_CHAN_HASH, 0, (uint32_t)n, 0);
}

static uint64_t op_verify(const uint8_t *p, uint32_t len)
{
	struct vtpm_chan_ecdsa e;
	if (len != sizeof(e))
		return fail(VTPM_CHAN_VERIFY, "VERIFY payload is not a struct vtpm_chan_ecdsa");
	memcpy(&e, p, sizeof(e));
	if (!vtpm_crypto_ecdsa_p256(&e))
		return fail(VTPM_CHAN_VERIFY, "the signature does not verify");
	return reply(VTPM_CHAN_VERIFY, 0, 0, 0);
}

static uint64_t handle(uint64_t n)
{
	struct vtpm_chan_hdr h;
	if (n < HDR)
		return fail(0, "request shorter than its header");
	memcpy(&h, req, sizeof(h));
	if (h.len != n - HDR)
		return fail(h.op, "request length field disagrees with its size");
	const uint8_t *p = req + HDR;
	switch (h.op) {
	case VTPM_CHAN_START: return op_start(h.arg, p, h.len);
	case VTPM_CHAN_RESTORE: return op_restore(h.arg, p, h.len);
	case VTPM_CHAN_EXECUTE: return op_execute(p, h.len);
	case VTPM_CHAN_RESET: return op_reset();
	case VTPM_CHAN_HASH: return op_hash(h.arg, p, h.len);
	case VTPM_CHAN_VERIFY: return op_verify(p, h.len);
	default: return fail(h.op, "unknown operation");
	}
}

int vtpmd_main(void)
{
	uint64_t rlen = 0;
	for (;;) {
		long n = serve(rep, rlen, req, sizeof(req));
		if (n < 0) {
			char m[64];
			LIBC(snprintf)(m, sizeof(m), "the channel failed (%ld)", n);
			vtpm_plat_log(true, m);
			return 126;
		}
		if ((uint64_t)n > sizeof(req))
			n = (long)sizeof(req); /* a core bug; its length check then fails the request */
		rlen = handle((uint64_t)n);
	}
}
