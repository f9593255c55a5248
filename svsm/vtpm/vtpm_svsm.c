/* SPDX-License-Identifier: MIT */
/* vtpm_svsm.c — see vtpm_svsm.h. */
#include "vtpm_svsm.h"

#include <stdbool.h>

#include "../arch/cpu.h"
#include "../arch/guest_access.h"
#include "../arch/hwrng.h"
#include "../arch/userabi.h"
#include "../console.h"
#include "../lib/fmt.h"
#include "../lib/string.h"
#include "../mm/mm.h"
#include "../percpu.h"
#include "../protocol/proto_native.h"
#include "../smp.h"
#include "../vtpm_cfg.h"
#include "crypto.h"
#include "ek.h"
#include "ext_api.h"
#include "libc/libc.h"
#include "selftest.h"
#include "service.h"
#include "tpm2.h"

#ifndef VTPM_ARCHIVES
#define VTPM_ARCHIVES "package versions unknown"
#endif

void vtpm_call_on_stack(void (*fn)(void *), void *arg, void *top);

#define STACK_PAINT 0xA5u
#define SIM_BASE 0x100000000ull /* simulated guest memory of the self-test (like proto_selftest) */
#define SIM_PAGES 512ull
#define SIM_VMSA (SIM_BASE + 0x1000)
#define SIM_CA (SIM_BASE + 0x2000)
#define SIM_BUF (SIM_BASE + 0x4800) /* spans two pages on purpose */
#define SIM_SCRATCH (SIM_BASE + 0x8000)
#define SIM_VALID_PAGES 16u

static struct vtpm_service svc;
static uint8_t blob[VTPM_CONFIG_MAX_SIZE];
static size_t blob_len;
static uint8_t *stack_lo, *stack_hi;
static bool running;

/* Waiting for the service lock: other CPUs' TLB shootdowns are acknowledged meanwhile
 * (a TPM command can take a hundred milliseconds). */
static void tlb_relax(void *ctx)
{
	(void)ctx;
	smp_tlb_poll();
	__asm__ volatile("pause" ::: "memory");
}

/* Under the service lock, on whichever CPU's request loop took it: one stack for all. */
static void run_on_stack(void (*fn)(void *), void *arg)
{
	/* Every CPU that runs gets its canary at bring-up (smp.c refuses one that cannot). */
	if (!userabi_ready(this_cpu()->cpu_index))
		libc_sys_abort("vtpm: archive code on a CPU without a stack canary");
	vtpm_call_on_stack(fn, arg, stack_hi);
}

static size_t stack_used(void)
{
	size_t n = 0;
	while (stack_lo + n < stack_hi && stack_lo[n] == STACK_PAINT)
		n++;
	return (size_t)(stack_hi - stack_lo) - n;
}

static int memory(void)
{
	uint64_t heap = palloc_alloc(&mm.pool, VTPM_HEAP_PAGES, 1);
	uint64_t stack = palloc_alloc(&mm.pool, VTPM_STACK_PAGES + 1, 1);
	if (!heap || !stack) {
		pr_err("vtpm: no memory for the heap (%u KiB) and stack (%u KiB) in the SVSM region",
		       VTPM_HEAP_PAGES * 4, VTPM_STACK_PAGES * 4);
		return -1;
	}
	libc_heap_init(phys_to_virt(heap), (size_t)VTPM_HEAP_PAGES * PAGE_SIZE);
	/* The guard: the page below the stack is unmapped, so an overflow faults. */
	uint64_t guard = (uint64_t)(uintptr_t)phys_to_virt(stack);
	if (pgt_unmap(&mm.pgt, guard, PAGE_SIZE))
		return -1;
	invlpg(guard);
	stack_lo = (uint8_t *)(uintptr_t)(guard + PAGE_SIZE);
	stack_hi = stack_lo + (size_t)VTPM_STACK_PAGES * PAGE_SIZE;
	memset(stack_lo, STACK_PAINT, (size_t)VTPM_STACK_PAGES * PAGE_SIZE);
	return 0;
}

static uint64_t commands(void *ctx)
{
	return ((struct vtpm_service *)ctx)->commands;
}

/* The self-test's guest: a vCPU and a few validated pages of simulated memory. */
static int selftest(char *err, size_t errlen)
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
	    proto_add_boot_vcpu(&core, SIM_VMSA, SIM_CA, 0) != 0 || vtpm_service_attach(&svc, &core)) {
		fmt_snprintf(err, errlen, "self-test guest setup failed");
		goto out;
	}
	rmp_sim_flush(&sim, SIM_VMSA, PAGE_SIZE);
	struct vtpm_selftest_env env = { &core, 0, SIM_BUF, SIM_SCRATCH, commands, &svc,
					 vtpm_crypto_hash_cb, vtpm_crypto_verify_cb, NULL };
	rc = vtpm_selftest_run(&env, &svc.id, blob, blob_len, err, errlen);
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
	if (!userabi_ready(this_cpu()->cpu_index)) {
		pr_err("vtpm: no stack canary for the archives (the hardware random source failed)");
		return -1;
	}
	if (memory())
		return -1;
	vtpm_sys_init();
	svc.relax = tlb_relax;
#ifdef VTPM_TEST_SEED
	enum vtpm_rand_mode mode = VTPM_RAND_TEST_SEED;
	pr_warn("vtpm: TEST BUILD: entropy is the fixed, public test seed, not RDSEED");
#else
	enum vtpm_rand_mode mode = VTPM_RAND_HARDWARE;
#endif
	char err[200];
	uint64_t t0 = vtpm_sys_ms_since_entry();
	if (vtpm_service_start(&svc, run_on_stack, mode, blob, blob_len, err, sizeof(err))) {
		pr_err("vtpm: manufacture failed: %s", err);
		return -1;
	}
	uint32_t v = vtpm_tpm_libtpms_version();
	pr_info("vtpm: libtpms %u.%u.%u and %s linked from Debian's archives (%s)", (unsigned)(v >> 16) & 0xFF,
		(unsigned)(v >> 8) & 0xFF, (unsigned)v & 0xFF, vtpm_tpm_openssl_version(), VTPM_ARCHIVES);
	pr_info("vtpm: OpenSSL CPU capabilities 0x%08x:%08x:%08x:%08x (after OPENSSL_ia32cap), entropy from %s",
		OPENSSL_ia32cap_P[0], OPENSSL_ia32cap_P[1], OPENSSL_ia32cap_P[2], OPENSSL_ia32cap_P[3],
		mode == VTPM_RAND_HARDWARE ? hwrng_source() : "the test seed");
	char banks[48];
	vtpm_cfg_banks(svc.id.pcr_banks, banks, sizeof(banks));
	pr_info("vtpm: manufactured: TPM 2.0, PCR banks %s, EK %s (%s)%s, %u NV indices, firmware 0x%016lx",
		banks, vtpm_ek_alg_name(svc.id.ek_template), vtpm_ek_template_name(svc.id.ek_template),
		svc.id.ek_persistent ? ", persistent" : "", svc.id.nv_count, (unsigned long)svc.id.firmware_version);
	uint64_t t1 = vtpm_sys_ms_since_entry();
	if (selftest(err, sizeof(err))) {
		pr_err("vtpm: self-test failed: %s", err);
		return -1;
	}
	uint64_t t2 = vtpm_sys_ms_since_entry();
	if (vtpm_service_reset(&svc)) {
		pr_err("vtpm: cannot return to the manufactured state");
		return -1;
	}
	running = true;
	uint8_t h[32];
	char hx[65];
	SHA256(svc.id.ek_public, svc.id.ek_public_len, h);
	hex(h, sizeof(h), hx);
	pr_info("vtpm: self-test passed through the protocol entry (%lu TPM commands); stack %lu of %u KiB, heap peak %lu KiB",
		(unsigned long)svc.commands, (unsigned long)(stack_used() >> 10), VTPM_STACK_PAGES * 4,
		(unsigned long)(libc_heap_peak() >> 10));
	pr_info("vtpm: timing: manufacture %lu ms, self-test %lu ms, ready %lu ms after SVSM entry (TSC rate from %s)",
		(unsigned long)(t1 - t0), (unsigned long)(t2 - t1), (unsigned long)vtpm_sys_ms_since_entry(),
		vtpm_sys_clock_source());
	pr_info("vTPM ready: %s %s", vtpm_ek_alg_name(svc.id.ek_template), hx);
	return 0;
}

/* ---- every CPU (native: smp_run_all) ---- */

struct cpu_seen {
	bool ran, fs_ok, sse_ok;
	uint64_t guard;
	uint8_t digest[32];
	uint32_t tpm_rc;
};
static struct cpu_seen seen[MAX_CPUS];
static uint8_t probe[4096];

static void on_cpu(void *arg, unsigned cpu)
{
	(void)arg;
	if (cpu >= MAX_CPUS)
		return;
	struct cpu_seen *c = &seen[cpu];
	struct userabi_tcb *t = userabi_ready(cpu) ? userabi_tcb() : NULL;
	c->fs_ok = t && rdmsr(MSR_FS_BASE) == (uint64_t)(uintptr_t)t && t->cpu == cpu;
	c->sse_ok = (read_cr4() & (1ull << 9)) && !(read_cr0() & (1ull << 3));
	c->guard = t ? t->stack_guard : 0;
	if (!c->fs_ok || !c->sse_ok)
		return;
	/* libcrypto on this CPU's own stack (SHA-256: SSE/SHA-NI code, a stack-protected
	 * caller), then one TPM command through the service: all CPUs at once, so the
	 * service lock serializes them onto the one vTPM stack. Before the guest's
	 * TPM2_Startup the TPM answers TPM_RC_INITIALIZE and changes nothing. */
	SHA256(probe, sizeof(probe), c->digest);
	uint8_t cmd[12], rsp[64];
	cmd[0] = TPM_ST_NO_SESSIONS >> 8, cmd[1] = TPM_ST_NO_SESSIONS & 0xFF;
	tpm2_put_be32(cmd + 2, sizeof(cmd));
	tpm2_put_be32(cmd + 6, TPM_CC_GetRandom);
	cmd[10] = 0, cmd[11] = 16; /* bytesRequested */
	uint32_t n = vtpm_service_execute(&svc, cmd, sizeof(cmd), rsp, sizeof(rsp));
	c->tpm_rc = n >= 10 ? tpm2_be32(rsp + 6) : 0xFFFFFFFFu;
	c->ran = true;
}

int vtpm_check_cpus(void)
{
	if (!running)
		return 0;
	for (size_t i = 0; i < sizeof(probe); i++)
		probe[i] = (uint8_t)(i * 131 + 7);
	memset(seen, 0, sizeof(seen));
	uint64_t before = svc.commands;
	smp_run_all(on_cpu, NULL);
	unsigned n = smp_cpus_online(), bad = 0, same_guard = 0;
	for (unsigned k = 0; k < n; k++) {
		unsigned i = smp_online_index(k);
		if (i >= MAX_CPUS)
			return -1;
		const struct cpu_seen *c = &seen[i];
		bool good = c->ran && c->fs_ok && c->sse_ok && c->guard && !(c->guard & 0xFF) &&
			    !memcmp(c->digest, seen[smp_online_index(0)].digest, 32) &&
			    c->tpm_rc == 0x100 /* TPM_RC_INITIALIZE */;
		for (unsigned m = 0; m < k; m++)
			same_guard += seen[smp_online_index(m)].guard == c->guard;
		if (!good)
			pr_err("vtpm: CPU %u: ran %d, FS base %d, SSE %d, TPM response 0x%x", i, c->ran, c->fs_ok,
			       c->sse_ok, c->tpm_rc);
		bad += !good;
	}
	if (bad || same_guard || svc.commands - before != n) {
		pr_err("vtpm: archive code on every CPU: %u of %u CPUs failed, %u shared canaries", bad, n, same_guard);
		return -1;
	}
	pr_info("vtpm: archive code ran on every CPU (%u): own FS base and canary, SSE, one TPM command each", n);
	return 0;
}

int vtpm_attach(struct proto_core *c)
{
	return running ? vtpm_service_attach(&svc, c) : 0;
}
