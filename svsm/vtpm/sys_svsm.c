/* SPDX-License-Identifier: MIT */
/*
 * sys_svsm.c — what the C library (libc/libc.h) and the vTPM glue (tpm.h)
 * need from the SVSM core: console lines, the stop path, a clock, entropy,
 * the per-CPU TCB, and the environment OpenSSL reads.
 *
 * Clock: the TSC, counted from SVSM entry (vtpm_mark_entry). Its rate comes
 * from CPUID leaf 0x15 (crystal clock and ratio) or 0x16 (base frequency),
 * else from counting TSC ticks over 10 ms of the PIT's channel 2 (on SNP
 * through #VC, and as much under the host's control as the TSC itself). The
 * rate only scales the TPM's clock and the reported timings; nothing
 * security-relevant depends on it.
 *
 * OPENSSL_ia32cap: "~A:~B" clears capability bits after OpenSSL's own CPUID
 * probe (crypto/cpuid.c): A from CPUID.1 (high word ECX: OSXSAVE, AVX, FMA and
 * XOP), B from CPUID.7.0 (EBX: AVX2 and the AVX-512 family; ECX: VAES,
 * VPCLMULQDQ, AVX512_VBMI/VBMI2/VNNI/BITALG/VPOPCNTDQ). Everything left
 * (SSE2..SSE4.2, AES-NI, PCLMULQDQ, SHA-NI, BMI/ADX on general registers) runs
 * with the SSE state arch/userabi.h enables; nothing needs XSAVE state.
 */
#include <stdbool.h>
#include <stdint.h>

#include "../arch/cpu.h"
#include "../arch/hwrng.h"
#include "../arch/userabi.h"
#include "../console.h"
#include "../lib/string.h"
#include "../platform.h"
#include "libc/libc.h"
#include "tpm.h"
#include "vtpm_svsm.h"

static const char *const environment[] = {
	"OPENSSL_ia32cap=~0x1800180000000000:~0x00005e42dc230020",
	NULL,
};

static uint64_t entry_tsc, tsc_hz;
static const char *tsc_source = "none";

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void vtpm_mark_entry(void)
{
	entry_tsc = rdtsc();
}

/* PIT channel 2, mode 0, gate on, speaker off: count 11932 ticks of 1.193182 MHz = 10 ms. */
static uint64_t pit_calibrate(void)
{
	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));
	outb(0x43, 0xB0);
	outb(0x42, 11932 & 0xFF);
	outb(0x42, 11932 >> 8);
	uint64_t t0 = rdtsc(), t1 = t0;
	while (!(inb(0x61) & 0x20)) {
		t1 = rdtsc();
		if (t1 - t0 > (1ull << 36)) /* no PIT counting down: give up */
			return 0;
	}
	return (t1 - t0) * 100;
}

static void clock_init(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	uint32_t max = r[0];
	if (max >= 0x15) {
		cpuid(0x15, 0, r);
		if (r[0] && r[1] && r[2]) {
			tsc_hz = (uint64_t)r[2] * r[1] / r[0];
			tsc_source = "CPUID 0x15";
		}
	}
	if (!tsc_hz && max >= 0x16) {
		cpuid(0x16, 0, r);
		if (r[0] & 0xFFFF) {
			tsc_hz = (uint64_t)(r[0] & 0xFFFF) * 1000000u;
			tsc_source = "CPUID 0x16";
		}
	}
	if (!tsc_hz) {
		tsc_hz = pit_calibrate();
		tsc_source = "PIT";
	}
	if (tsc_hz < 100000000ull || tsc_hz > 20000000000ull) {
		pr_warn("vtpm: TSC rate %lu Hz from %s is implausible; the TPM clock assumes 2 GHz",
			(unsigned long)tsc_hz, tsc_source);
		tsc_hz = 2000000000ull;
		tsc_source = "assumed";
	}
}

uint64_t libc_sys_ns(void)
{
	uint64_t d = rdtsc() - entry_tsc;
	return d / tsc_hz * 1000000000ull + d % tsc_hz * 1000000000ull / tsc_hz;
}

void libc_sys_line(const char *buf, size_t n)
{
	char line[240];
	if (n > sizeof(line) - 1)
		n = sizeof(line) - 1;
	memcpy(line, buf, n);
	line[n] = 0;
	pr_info("vtpm: %s", line);
}

void libc_sys_abort(const char *why)
{
	pr_err("vtpm: fatal: %s", why);
	platform_exit(PLATFORM_EXIT_CRASH);
}

int libc_sys_entropy(void *buf, size_t n)
{
	return hwrng_seed(buf, n);
}

int *libc_sys_errno(void)
{
	return &userabi_tcb()->err;
}

unsigned libc_sys_cpu(void)
{
	return userabi_tcb()->cpu;
}

void libc_sys_relax(void)
{
	__asm__ volatile("pause");
}

int vtpm_plat_entropy(void *buf, uint32_t n)
{
	return hwrng_seed(buf, n);
}

void vtpm_plat_log(bool error, const char *msg)
{
	log_msg(error ? LOG_ERR : LOG_INFO, "vtpm: %s", msg);
}

void vtpm_sys_init(void)
{
	LIBC(libc_ctype_init)();
	libc_set_environ(environment);
	clock_init();
}

uint64_t vtpm_sys_ms_since_entry(void)
{
	return libc_sys_ns() / 1000000u;
}

const char *vtpm_sys_clock_source(void)
{
	return tsc_source;
}
