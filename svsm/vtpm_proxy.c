/* SPDX-License-Identifier: MIT */
/* vtpm_proxy.c — see vtpm_proxy.h. */
#include "vtpm_proxy.h"

#include <stdbool.h>

#include "arch/guest_access.h"
#include "arch/tsc.h"
#include "console.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "percpu.h"
#include "protocol/proto_native.h"
#include "protocol/spinlock.h"
#include "smp.h"
#include "user/process.h"
#include "vtpm/chan.h"
#include "vtpm/ek.h"
#include "vtpm/manufacture.h"
#include "vtpm/selftest.h"
#include "vtpm/tpm.h"
#include "vtpm/tpm2.h"
#include "vtpm_cfg.h"

_Static_assert(USER_SERVE_SYSCALL == VTPM_CHAN_SYSCALL, "one serve call");
_Static_assert(VTPM_CHAN_MAX % PAGE_SIZE == 0, "channel buffers are whole pages");

/* vtpm_image.S: vtpmd's ELF image, part of the core's measured image. */
extern const uint8_t vtpmd_image[], vtpmd_image_end[];

#define SIM_BASE 0x100000000ull /* simulated guest memory of the self-test (like proto_selftest) */
#define SIM_PAGES 512ull
#define SIM_VMSA (SIM_BASE + 0x1000)
#define SIM_CA (SIM_BASE + 0x2000)
#define SIM_BUF (SIM_BASE + 0x4800) /* spans two pages on purpose */
#define SIM_SCRATCH (SIM_BASE + 0x8000)
#define SIM_VALID_PAGES 16u
#define HDR sizeof(struct vtpm_chan_hdr)
#define CHAN_PAGES (VTPM_CHAN_MAX / PAGE_SIZE)

static struct {
	struct spinlock lock;
	struct uproc *proc;
	struct proto_vtpm proto;
	struct vtpm_chan_identity id;
	uint8_t *state; /* the manufactured permanent state, id.state_len bytes (its seeds) */
	uint8_t *req, *rsp;
	enum vtpm_rand_mode mode;
	bool running, unavailable;
	unsigned restarts;
	uint64_t commands, failures;
	uint64_t rt_cycles, tpm_cycles, timed; /* EXECUTE round trips and their time inside the TPM */
} vt;

static uint8_t blob[VTPM_CONFIG_MAX_SIZE];
static size_t blob_len;
static uint64_t entry_tsc;

void vtpm_mark_entry(void)
{
	entry_tsc = rdtsc();
}

/* Waiting for the lock: other CPUs' TLB shootdowns are acknowledged meanwhile (a TPM
 * command can take a hundred milliseconds). */
static void tlb_relax(void *ctx)
{
	(void)ctx;
	smp_tlb_poll();
	__asm__ volatile("pause" ::: "memory");
}

/*
 * One request to the process: 0 and the reply's payload at vt.rsp + HDR (*n bytes), 1
 * for an error reply (its message in err), -1 when the process is gone: it ended, or its
 * reply broke chan.h's rules (then it is stopped here). The payload is at vt.req + HDR.
 */
static int roundtrip(uint32_t op, uint32_t arg, uint32_t len, unsigned budget, uint32_t *n, char *err,
		     size_t errlen)
{
	vtpm_chan_hdr_init((struct vtpm_chan_hdr *)(void *)vt.req, op, arg, len);
	err[0] = 0;
	long r = user_service_call(&vt.proc, vt.req, HDR + len, vt.rsp, VTPM_CHAN_MAX, budget);
	if (r < 0) {
		fmt_snprintf(err, errlen, "the vTPM process %s", r == USER_RUN_HUNG ? "hung" : "ended");
		return -1;
	}
	if (vtpm_chan_check_reply(vt.rsp, (size_t)r, op, err, errlen)) {
		user_service_stop(&vt.proc);
		return -1;
	}
	const struct vtpm_chan_hdr *h = (const void *)vt.rsp;
	*n = h->len;
	if (h->status) {
		fmt_snprintf(err, errlen, "%.*s", (int)h->len, (const char *)vt.rsp + HDR);
		return 1;
	}
	return 0;
}

/* A new process at the manufactured state (RESTORE), or the vTPM is unavailable. */
static void restart(const char *why)
{
	vt.failures++;
	if (vt.restarts >= VTPM_MAX_RESTARTS) {
		user_service_stop(&vt.proc);
		vt.unavailable = true;
		pr_err("vtpm: unavailable: %s after %u restarts; TPM commands are answered TPM_RC_FAILURE", why,
		       vt.restarts);
		return;
	}
	vt.restarts++;
	pr_warn("vtpm: %s; restarting it (%u of %u) at the manufactured state", why, vt.restarts, VTPM_MAX_RESTARTS);
	user_service_stop(&vt.proc);
	char err[VTPM_CHAN_ERRMSG_MAX + 1];
	uint32_t n;
	vt.proc = user_service_start("vtpmd", vtpmd_image, (uint64_t)(vtpmd_image_end - vtpmd_image),
				     VTPM_START_BUDGET_MS);
	if (vt.proc) {
		memcpy(vt.req + HDR, &vt.id, sizeof(vt.id));
		memcpy(vt.req + HDR + sizeof(vt.id), vt.state, vt.id.state_len);
		int r = roundtrip(VTPM_CHAN_RESTORE, vt.mode, (uint32_t)sizeof(vt.id) + vt.id.state_len,
				  VTPM_START_BUDGET_MS, &n, err, sizeof(err));
		memset(vt.req + HDR + sizeof(vt.id), 0, vt.id.state_len); /* the seeds */
		if (!r && !n) {
			pr_info("vtpm: the vTPM process is back (TPM reset: it waits for TPM2_Startup)");
			return;
		}
		if (!r)
			fmt_snprintf(err, sizeof(err), "RESTORE answered with a payload");
	} else {
		fmt_snprintf(err, sizeof(err), "the vTPM process did not start");
	}
	restart(err);
}

/* TPM_RC_FAILURE, the response of a TPM in failure mode: 10 bytes. */
static uint32_t failure(uint8_t *rsp, uint32_t cap)
{
	if (cap < 10)
		return 0;
	rsp[0] = TPM_ST_NO_SESSIONS >> 8, rsp[1] = TPM_ST_NO_SESSIONS & 0xFF;
	tpm2_put_be32(rsp + 2, 10);
	tpm2_put_be32(rsp + 6, 0x101); /* TPM_RC_FAILURE */
	return 10;
}

static uint32_t execute_locked(const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap)
{
	vt.commands++;
	if (vt.unavailable || !vt.proc || len > VTPM_CHAN_MAX - HDR)
		return failure(rsp, cap);
	char err[VTPM_CHAN_ERRMSG_MAX + 1];
	uint32_t n;
	memcpy(vt.req + HDR, cmd, len);
	uint64_t t0 = rdtsc();
	int r = roundtrip(VTPM_CHAN_EXECUTE, 0, len, VTPM_CMD_BUDGET_MS, &n, err, sizeof(err));
	uint64_t dt = rdtsc() - t0;
	memset(vt.req + HDR, 0, len); /* commands carry authorization values */
	if (!r && n >= 10 && n <= cap) {
		memcpy(rsp, vt.rsp + HDR, n);
		const struct vtpm_chan_hdr *h = (const void *)vt.rsp;
		if (h->tsc <= dt) {
			vt.rt_cycles += dt;
			vt.tpm_cycles += h->tsc;
			vt.timed++;
		}
		memset(vt.rsp + HDR, 0, n);
		return n;
	}
	if (r == 1) {
		pr_err("vtpm: the vTPM process refused a command: %s", err);
		return failure(rsp, cap);
	}
	if (!r) { /* a response outside 10..cap bytes: it broke the contract */
		fmt_snprintf(err, sizeof(err), "the vTPM process answered %u bytes", n);
		user_service_stop(&vt.proc);
	}
	restart(err);
	return failure(rsp, cap);
}

static uint32_t proxy_execute(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap)
{
	(void)ctx;
	spin_lock(&vt.lock, tlb_relax, NULL);
	uint32_t n = execute_locked(cmd, len, rsp, cap);
	spin_unlock(&vt.lock);
	return n;
}

/* ---- the self-test's checks outside the TPM, asked of the process ---- */

static int proxy_hash(void *ctx, uint16_t alg, const void *data, size_t len, uint8_t *out)
{
	(void)ctx;
	char err[VTPM_CHAN_ERRMSG_MAX + 1];
	uint32_t n;
	uint16_t want = tpm2_hash_size(alg);
	if (len > VTPM_CHAN_MAX - HDR || !want)
		return -1;
	spin_lock(&vt.lock, tlb_relax, NULL);
	memcpy(vt.req + HDR, data, len);
	int r = vt.proc ? roundtrip(VTPM_CHAN_HASH, alg, (uint32_t)len, VTPM_CMD_BUDGET_MS, &n, err, sizeof(err)) : -1;
	if (!r && n == want)
		memcpy(out, vt.rsp + HDR, n);
	spin_unlock(&vt.lock);
	return !r && n == want ? (int)n : -1;
}

static int proxy_verify(void *ctx, const struct vtpm_chan_ecdsa *sig)
{
	(void)ctx;
	char err[VTPM_CHAN_ERRMSG_MAX + 1];
	uint32_t n;
	spin_lock(&vt.lock, tlb_relax, NULL);
	memcpy(vt.req + HDR, sig, sizeof(*sig));
	int r = vt.proc ? roundtrip(VTPM_CHAN_VERIFY, 0, sizeof(*sig), VTPM_CMD_BUDGET_MS, &n, err, sizeof(err)) : -1;
	spin_unlock(&vt.lock);
	if (r < 0)
		return -1;
	return r == 0 && n == 0;
}

static uint64_t commands(void *ctx)
{
	(void)ctx;
	return vt.commands;
}

/* The self-test's guest: a vCPU and a few validated pages of simulated memory. */
static int selftest(const struct vtpm_identity *id, char *err, size_t errlen)
{
	static struct proto_core core;
	static struct rmp_sim sim;
	static struct proto_platform plat;
	int rc = -1;
	if (proto_native_init(&sim, &plat, SIM_BASE, SIM_PAGES)) {
		fmt_snprintf(err, errlen, "no memory for the self-test's simulated guest");
		return -1;
	}
	uint64_t base = SIM_BASE, size = SIM_PAGES * PAGE_SIZE;
	if (proto_init(&core, &plat, &base, &size, 1, 1)) {
		fmt_snprintf(err, errlen, "protocol core setup failed");
		goto out;
	}
	rmp_sim_prevalidate(&sim, SIM_BASE, SIM_VALID_PAGES, PROTO_GUEST_VMPL, RMP_PERM_ALL);
	if (proto_mark_validated(&core, SIM_BASE, SIM_VALID_PAGES * PAGE_SIZE) ||
	    rmp_sim_rmpadjust(&sim, SIM_VMSA, false, PROTO_GUEST_VMPL, 0, true) != RMP_OK ||
	    proto_add_boot_vcpu(&core, SIM_VMSA, SIM_CA, 0) != 0 || vtpm_attach(&core)) {
		fmt_snprintf(err, errlen, "self-test guest setup failed");
		goto out;
	}
	rmp_sim_flush(&sim, SIM_VMSA, PAGE_SIZE);
	struct vtpm_selftest_env env = { &core, 0, SIM_BUF, SIM_SCRATCH, commands, NULL,
					 proxy_hash, proxy_verify, NULL };
	rc = vtpm_selftest_run(&env, id, blob, blob_len, err, errlen);
	if (!rc && rmp_sim_violations(&sim)) {
		fmt_snprintf(err, errlen, "the simulated RMP saw a violation");
		rc = -1;
	}
out:
	proto_destroy(&core);
	proto_native_fini(&sim);
	return rc;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = 0;
}

/* START: manufacture in the process; its identity and state kept here. 0 or -1 (logged). */
static int start(void)
{
	char err[VTPM_CHAN_ERRMSG_MAX + 1];
	uint32_t n;
	memcpy(vt.req + HDR, blob, blob_len);
	int r = roundtrip(VTPM_CHAN_START, vt.mode, (uint32_t)blob_len, VTPM_START_BUDGET_MS, &n, err, sizeof(err));
	if (!r && vtpm_chan_check_identity(vt.rsp + HDR, n, err, sizeof(err)))
		r = -1;
	if (!r && (uint64_t)sizeof(vt.id) + (n - sizeof(vt.id)) > VTPM_CHAN_MAX - HDR) {
		fmt_snprintf(err, sizeof(err), "a state too large to send back");
		r = -1;
	}
	if (r) {
		pr_err("vtpm: manufacture failed: %s", err);
		return -1;
	}
	memcpy(&vt.id, vt.rsp + HDR, sizeof(vt.id));
	uint64_t pages = (vt.id.state_len + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t pa = alloc_pages((unsigned)pages, 1);
	if (!pa) {
		pr_err("vtpm: no memory for the manufactured state (%u bytes)", vt.id.state_len);
		return -1;
	}
	vt.state = phys_to_virt(pa);
	memcpy(vt.state, vt.rsp + HDR + sizeof(vt.id), vt.id.state_len);
	memset(vt.rsp + HDR, 0, n); /* the seeds: only vt.state keeps them */
	return 0;
}

int vtpm_boot(const struct launch_info *li)
{
	if (!li->vtpm_config_gpa || !li->vtpm_config_size)
		return 0;
	if (li->vtpm_config_size > sizeof(blob) ||
	    guest_copy(blob, phys_to_virt(li->vtpm_config_gpa), li->vtpm_config_size)) {
		pr_err("vtpm: the configuration at 0x%lx (%lu bytes) cannot be read",
		       (unsigned long)li->vtpm_config_gpa, (unsigned long)li->vtpm_config_size);
		return -1;
	}
	blob_len = li->vtpm_config_size;
	uint64_t req = alloc_pages(CHAN_PAGES, 1), rsp = alloc_pages(CHAN_PAGES, 1);
	if (!req || !rsp) {
		pr_err("vtpm: no memory for the channel buffers (2 x %u KiB)", VTPM_CHAN_MAX >> 10);
		return -1;
	}
	vt.req = phys_to_virt(req);
	vt.rsp = phys_to_virt(rsp);
	spin_init(&vt.lock);
	vt.proto.execute = proxy_execute;
	vt.proto.ctx = &vt;
#ifdef VTPM_TEST_SEED
	vt.mode = VTPM_RAND_TEST_SEED;
	pr_warn("vtpm: TEST BUILD: entropy is the fixed, public test seed, not RDSEED; test command codes enabled");
#else
	vt.mode = VTPM_RAND_HARDWARE;
#endif
	uint64_t t0 = tsc_ms_since(entry_tsc);
	pr_info("vtpm: starting the vTPM process (vtpmd, %lu KiB, ring 3)",
		(unsigned long)((vtpmd_image_end - vtpmd_image) >> 10));
	vt.proc = user_service_start("vtpmd", vtpmd_image, (uint64_t)(vtpmd_image_end - vtpmd_image),
				     VTPM_START_BUDGET_MS);
	if (!vt.proc || start())
		return -1;
	const struct vtpm_chan_identity *x = &vt.id;
	uint32_t v = x->libtpms_version;
	pr_info("vtpm: libtpms %u.%u.%u and %s, in the vTPM process", (unsigned)(v >> 16) & 0xFF,
		(unsigned)(v >> 8) & 0xFF, (unsigned)v & 0xFF, x->openssl_version);
	pr_info("vtpm: OpenSSL CPU capabilities 0x%08x:%08x:%08x:%08x (after OPENSSL_ia32cap)", x->ia32cap[0],
		x->ia32cap[1], x->ia32cap[2], x->ia32cap[3]);
	char banks[48];
	vtpm_cfg_banks(x->pcr_banks, banks, sizeof(banks));
	pr_info("vtpm: manufactured: TPM 2.0, PCR banks %s, EK %s (%s)%s, %u NV indices, firmware 0x%016lx",
		banks, vtpm_ek_alg_name(x->ek_template), vtpm_ek_template_name(x->ek_template),
		x->ek_persistent ? ", persistent" : "", x->nv_count, (unsigned long)x->firmware_version);
	vt.running = true;

	/* The self-test sees the identity the way manufacture.h describes it. */
	static struct vtpm_identity id;
	memset(&id, 0, sizeof(id));
	id.ek_template = x->ek_template;
	id.ek_public_len = x->ek_public_len;
	memcpy(id.ek_public, x->ek_public, x->ek_public_len);
	id.ek_persistent = x->ek_persistent;
	id.pcr_banks = x->pcr_banks;
	id.manufacturer = x->manufacturer;
	memcpy(id.vendor, x->vendor, sizeof(id.vendor));
	id.firmware_version = x->firmware_version;
	id.nv_count = x->nv_count;
	char err[200];
	uint64_t t1 = tsc_ms_since(entry_tsc), c0 = vt.commands;
	if (selftest(&id, err, sizeof(err))) {
		pr_err("vtpm: self-test failed: %s", err);
		vt.running = false;
		return -1;
	}
	uint64_t t2 = tsc_ms_since(entry_tsc), ran = vt.commands - c0;
	uint32_t n;
	if (roundtrip(VTPM_CHAN_RESET, 0, 0, VTPM_CMD_BUDGET_MS, &n, err, sizeof(err)) || n) {
		pr_err("vtpm: cannot return to the manufactured state: %s", err[0] ? err : "RESET with a payload");
		vt.running = false;
		return -1;
	}
	uint8_t h[32];
	char hx[65];
	if (proxy_hash(NULL, TPM_ALG_SHA256, x->ek_public, x->ek_public_len, h) != 32) {
		pr_err("vtpm: the vTPM process cannot hash the EK");
		vt.running = false;
		return -1;
	}
	hex(h, sizeof(h), hx);
	pr_info("vtpm: self-test passed through the protocol entry (%lu TPM commands across the channel)",
		(unsigned long)ran);
	pr_info("vtpm: timing: process start and manufacture %lu ms, self-test %lu ms, ready %lu ms after SVSM entry",
		(unsigned long)(t1 - t0), (unsigned long)(t2 - t1), (unsigned long)tsc_ms_since(entry_tsc));
	pr_info("vTPM ready: %s %s", vtpm_ek_alg_name(x->ek_template), hx);
	vt.rt_cycles = vt.tpm_cycles = vt.timed = 0;
	return 0;
}

/* ---- every CPU (native: smp_run_all), the cost, the test build's breakage ---- */

struct cpu_seen {
	bool ran;
	uint32_t tpm_rc;
};
static struct cpu_seen seen[MAX_CPUS];

static uint32_t get_random(uint8_t *rsp, uint32_t cap)
{
	uint8_t cmd[12];
	cmd[0] = TPM_ST_NO_SESSIONS >> 8, cmd[1] = TPM_ST_NO_SESSIONS & 0xFF;
	tpm2_put_be32(cmd + 2, sizeof(cmd));
	tpm2_put_be32(cmd + 6, TPM_CC_GetRandom);
	cmd[10] = 0, cmd[11] = 16; /* bytesRequested */
	uint32_t n = proxy_execute(NULL, cmd, sizeof(cmd), rsp, cap);
	return n >= 10 ? tpm2_be32(rsp + 6) : 0xFFFFFFFFu;
}

static void on_cpu(void *arg, unsigned cpu)
{
	(void)arg;
	if (cpu >= MAX_CPUS)
		return;
	/* Before the guest's TPM2_Startup the TPM answers TPM_RC_INITIALIZE and changes nothing. */
	uint8_t rsp[64];
	seen[cpu].tpm_rc = get_random(rsp, sizeof(rsp));
	seen[cpu].ran = true;
}

/* The cost of the channel: n commands, round trip against the time inside the TPM. */
static void cost(void)
{
	uint8_t rsp[64];
	vt.rt_cycles = vt.tpm_cycles = vt.timed = 0;
	uint64_t t0 = rdtsc();
	for (unsigned i = 0; i < 200; i++)
		(void)get_random(rsp, sizeof(rsp));
	uint64_t call = tsc_to_ns((rdtsc() - t0) / 200);
	if (!vt.timed)
		return;
	uint64_t rt = tsc_to_ns(vt.rt_cycles / vt.timed), in = tsc_to_ns(vt.tpm_cycles / vt.timed);
	/* "per call": what the protocol layer waits for, lock and copies included; the in-kernel
	 * vTPM before this process (its call through the same lock) is measured the same way. */
	pr_info("vtpm: cost per TPM command (%lu x GetRandom): %lu ns round trip, %lu ns inside the TPM, %lu ns for the ring-3 channel; %lu ns per call",
		(unsigned long)vt.timed, (unsigned long)rt, (unsigned long)in, (unsigned long)(rt - in),
		(unsigned long)call);
}

#ifdef VTPM_TEST_SEED
/* A command the test build of vtpmd breaks on (chan.h), through the protocol path's proxy. */
static uint32_t breaker(uint32_t cc)
{
	uint8_t cmd[10], rsp[64];
	cmd[0] = TPM_ST_NO_SESSIONS >> 8, cmd[1] = TPM_ST_NO_SESSIONS & 0xFF;
	tpm2_put_be32(cmd + 2, sizeof(cmd));
	tpm2_put_be32(cmd + 6, cc);
	uint32_t n = proxy_execute(NULL, cmd, sizeof(cmd), rsp, sizeof(rsp));
	return n == 10 ? tpm2_be32(rsp + 6) : 0xFFFFFFFFu;
}

/* Startup(CLEAR) then GetRandom: TPM_RC_SUCCESS twice when the (restarted) TPM serves. */
static bool serves(void)
{
	uint8_t cmd[12], rsp[64];
	cmd[0] = TPM_ST_NO_SESSIONS >> 8, cmd[1] = TPM_ST_NO_SESSIONS & 0xFF;
	tpm2_put_be32(cmd + 2, 12);
	tpm2_put_be32(cmd + 6, TPM_CC_Startup);
	cmd[10] = 0, cmd[11] = 0; /* TPM_SU_CLEAR */
	uint32_t n = proxy_execute(NULL, cmd, 12, rsp, sizeof(rsp));
	return n >= 10 && tpm2_be32(rsp + 6) == 0 && get_random(rsp, sizeof(rsp)) == 0;
}

static int breakage(void)
{
	int bad = 0;
	uint64_t before = vt.failures;
	uint32_t rc = breaker(VTPM_TEST_CC_FAULT);
	bool ok = rc == 0x101 && vt.failures == before + 1 && vt.proc && serves();
	pr_info("vtpm: test: a fault in the vTPM process: TPM_RC_FAILURE to the guest, restarted, serves again: %s",
		ok ? "ok" : "FAILED");
	bad += !ok;
	if (user_watchdog()) {
		rc = breaker(VTPM_TEST_CC_HANG);
		ok = rc == 0x101 && vt.failures == before + 2 && vt.proc && serves();
		pr_info("vtpm: test: a hung vTPM process: ended by the watchdog, TPM_RC_FAILURE, restarted, serves again: %s",
			ok ? "ok" : "FAILED");
		bad += !ok;
	}
	/* Past the restart budget: unavailable, and the core goes on. */
	while (!vt.unavailable && vt.failures < before + 16)
		(void)breaker(VTPM_TEST_CC_FAULT);
	uint8_t rsp[64];
	ok = vt.unavailable && !vt.proc && get_random(rsp, sizeof(rsp)) == 0x101;
	pr_info("vtpm: test: after %u restarts the vTPM is unavailable, commands answer TPM_RC_FAILURE: %s",
		VTPM_MAX_RESTARTS, ok ? "ok" : "FAILED");
	bad += !ok;
	return bad ? -1 : 0;
}
#endif

int vtpm_check_cpus(void)
{
	if (!vt.running)
		return 0;
	memset(seen, 0, sizeof(seen));
	uint64_t before = vt.commands;
	smp_run_all(on_cpu, NULL);
	unsigned n = smp_cpus_online(), bad = 0;
	for (unsigned k = 0; k < n; k++) {
		unsigned i = smp_online_index(k);
		if (i >= MAX_CPUS)
			return -1;
		bool good = seen[i].ran && seen[i].tpm_rc == 0x100 /* TPM_RC_INITIALIZE */;
		if (!good)
			pr_err("vtpm: CPU %u: ran %d, TPM response 0x%x", i, seen[i].ran, seen[i].tpm_rc);
		bad += !good;
	}
	if (bad || vt.commands - before != n) {
		pr_err("vtpm: the vTPM process on every CPU: %u of %u CPUs failed", bad, n);
		return -1;
	}
	pr_info("vtpm: the vTPM process served a command on every CPU (%u), in ring 3", n);
	cost();
#ifdef VTPM_TEST_SEED
	return breakage();
#else
	return 0;
#endif
}

int vtpm_attach(struct proto_core *c)
{
	return vt.running ? proto_attach_vtpm(c, &vt.proto, vt.id.ek_public, vt.id.ek_public_len) : 0;
}
