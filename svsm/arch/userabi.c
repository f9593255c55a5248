/* SPDX-License-Identifier: MIT */
/* userabi.c — see userabi.h. */
#include "userabi.h"

#include "../lib/string.h"
#include "../percpu.h"
#include "cpu.h"
#include "hwrng.h"

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)

static struct userabi_tcb tcbs[MAX_CPUS];
static bool ready[MAX_CPUS];

/* Bounds of the archives' text (svsm/svsm.ld) and the one function that raises #VC on SNP. */
extern char _archive_text_start[], _archive_text_end[];
extern char OPENSSL_ia32_cpuid[];
#define IA32_CPUID_MAX_LEN 0x400u /* the function is ~0x190 bytes in OpenSSL 3.0 */

static void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

int userabi_cpu_init(unsigned cpu)
{
	if (cpu >= MAX_CPUS)
		return -1;
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	uint32_t mxcsr = 0x1F80;
	__asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr));

	struct userabi_tcb *t = &tcbs[cpu];
	memset(t, 0, sizeof(*t));
	t->self = t;
	t->self2 = t;
	t->cpu = cpu;
	uint64_t g[2];
	if (hwrng_seed(g, sizeof(g)))
		return -1;
	t->stack_guard = g[0] & ~0xFFull;
	t->pointer_guard = g[1];
	wrmsr(MSR_FS_BASE, (uint64_t)(uintptr_t)t);
	ready[cpu] = true;
	return 0;
}

bool userabi_ready(unsigned cpu)
{
	return cpu < MAX_CPUS && ready[cpu];
}

struct userabi_tcb *userabi_tcb(void)
{
	struct userabi_tcb *t;
	__asm__ volatile("movq %%fs:0, %0" : "=r"(t));
	return t;
}

bool userabi_interrupted_redzone(uint64_t rip, bool is_cpuid)
{
	uint64_t lo = (uint64_t)(uintptr_t)_archive_text_start, hi = (uint64_t)(uintptr_t)_archive_text_end;
	if (rip < lo || rip >= hi)
		return false;
	uint64_t f = (uint64_t)(uintptr_t)OPENSSL_ia32_cpuid;
	return !(is_cpuid && rip >= f && rip < f + IA32_CPUID_MAX_LEN);
}
