/* SPDX-License-Identifier: MIT */
/*
 * sys_user.c — what the C library (libc/libc.h) and the vTPM glue (tpm.h) need,
 * for vtpmd, the vTPM as a ring-3 process, made of Linux x86-64 system calls (the subset
 * svsm/user/usys.h implements; on a Linux host the real kernel serves them, which
 * is how tests/vtpm/vtpmd_host.c runs the very same binary). Also the process
 * start (vtpmd_start, called by crt0.S): TCB, canary, heap, environment.
 *
 *  console   one write(2, line + "\n") per line (the core prefixes and logs it);
 *  abort     the message on stderr, then exit_group(127): the core sees the
 *            process end and restarts it from the kept state;
 *  clock     clock_gettime(CLOCK_MONOTONIC), counted from the process start;
 *  entropy   getrandom(2), looped over short reads and EINTR. In the core it is
 *            served from the hardware random source (RDSEED first, RDRAND after:
 *            svsm/arch/hwrng.h);
 *  TCB       FS base points at a TCB laid out like glibc's tcbhead_t (self at 0,
 *            stack_guard at 0x28): Debian's archives were compiled with
 *            -fstack-protector and read the canary at %fs:0x28. errno lives in it
 *            after the glibc-reserved part. One thread: CPU index 0.
 *
 * Compiled, like all of vtpmd's own code, without the stack protector (the guest
 * flags): vtpmd_start runs before the canary exists.
 */
#include <stdbool.h>
#include <stdint.h>

#include "libc/libc.h"
#include "tpm.h"
#include "vtpmd.h"

/* Linux x86-64 system-call numbers and constants (no system headers here: -nostdinc). */
#define NR_write 1
#define NR_mmap 9
#define NR_arch_prctl 158
#define NR_clock_gettime 228
#define NR_exit_group 231
#define NR_getrandom 318
#define ARCH_SET_FS 0x1002
#define CLOCK_MONOTONIC 1
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define EINTR 4

/* The heap libc/malloc.c manages: one anonymous mapping (the process may have 16 MiB
 * of pages in all; the archives' peak during manufacture is well below this). */
#define VTPMD_HEAP_BYTES (6ul << 20)

/* The TCB, in the layout glibc imposes on code compiled for it (the archives). */
struct vtpmd_tcb {
	struct vtpmd_tcb *self;  /* 0x00: glibc's tcb pointer */
	uint64_t dtv;            /* 0x08: unused, 0 */
	struct vtpmd_tcb *self2; /* 0x10: glibc's self */
	uint64_t reserved0[2];   /* 0x18 */
	uint64_t stack_guard;    /* 0x28: -fstack-protector's canary */
	uint64_t pointer_guard;  /* 0x30: unused by the archives, random anyway */
	uint64_t reserved1;      /* 0x38 */
	int err;                 /* errno */
	unsigned cpu;
	const void *key_value[64];
};
_Static_assert(__builtin_offsetof(struct vtpmd_tcb, self) == 0x00, "glibc's tcb pointer offset");
_Static_assert(__builtin_offsetof(struct vtpmd_tcb, self2) == 0x10, "glibc's self offset");
_Static_assert(__builtin_offsetof(struct vtpmd_tcb, stack_guard) == 0x28, "glibc's stack_guard offset");
_Static_assert(__builtin_offsetof(struct vtpmd_tcb, pointer_guard) == 0x30, "glibc's pointer_guard offset");

static struct vtpmd_tcb tcb __attribute__((aligned(64)));

/* The AVX/AVX-512 family masked, whatever CPUID claims (an SNP CPUID page may claim
 * them): the core's user mode saves FXSAVE state only, and never sets XCR0. */
static const char *const environment[] = {
	"OPENSSL_ia32cap=~0x1800180000000000:~0x00005e42dc230020",
	NULL,
};

static uint64_t start_ns;

long vtpmd_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long ret;
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static void put(const char *s, size_t n)
{
	while (n) {
		long w = vtpmd_syscall(NR_write, 2, (long)s, (long)n, 0, 0, 0);
		if (w == -EINTR)
			continue;
		if (w <= 0)
			return; /* no console: nothing else to tell it with */
		s += w;
		n -= (size_t)w;
	}
}

__attribute__((noreturn)) void vtpmd_exit(int status)
{
	for (;;)
		vtpmd_syscall(NR_exit_group, status, 0, 0, 0, 0, 0);
}

/* No prefix of its own: the core logs each line as "vtpmd> ..." (user/process.c). */
void libc_sys_line(const char *buf, size_t n)
{
	char line[256];
	if (n > sizeof(line) - 1)
		n = sizeof(line) - 1;
	memcpy(line, buf, n);
	line[n] = '\n';
	put(line, n + 1);
}

void libc_sys_abort(const char *why)
{
	static const char m[] = "fatal: ";
	char line[240];
	size_t n = strlen(why), p = sizeof(m) - 1;
	if (n > sizeof(line) - p)
		n = sizeof(line) - p;
	memcpy(line, m, p);
	memcpy(line + p, why, n);
	libc_sys_line(line, p + n);
	vtpmd_exit(127);
}

static uint64_t monotonic_ns(void)
{
	struct {
		int64_t sec, nsec;
	} ts = { 0, 0 };
	if (vtpmd_syscall(NR_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0, 0, 0))
		libc_sys_abort("clock_gettime(CLOCK_MONOTONIC) failed");
	return (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
}

uint64_t libc_sys_ns(void)
{
	return monotonic_ns() - start_ns;
}

int libc_sys_entropy(void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n) {
		long got = vtpmd_syscall(NR_getrandom, (long)p, (long)n, 0, 0, 0, 0);
		if (got == -EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int *libc_sys_errno(void)
{
	return &tcb.err;
}

const void **libc_sys_keys(void)
{
	return tcb.key_value;
}

unsigned libc_sys_cpu(void)
{
	return 0; /* one thread */
}

void libc_sys_relax(void)
{
	__asm__ volatile("pause");
}

int vtpm_plat_entropy(void *buf, uint32_t n)
{
	return libc_sys_entropy(buf, n);
}

void vtpm_plat_log(bool error, const char *msg)
{
	char line[240];
	static const char e[] = "error: ";
	size_t p = error ? sizeof(e) - 1 : 0, n = strlen(msg);
	if (n > sizeof(line) - p)
		n = sizeof(line) - p;
	memcpy(line, e, p);
	memcpy(line + p, msg, n);
	libc_sys_line(line, p + n);
}

/* From crt0.S, on the initial stack (16-byte aligned): nothing of the archives has run. */
__attribute__((noreturn)) void vtpmd_start(void);
void vtpmd_start(void)
{
	uint64_t guard;
	if (libc_sys_entropy(&guard, sizeof(guard)))
		libc_sys_abort("getrandom failed: no stack canary");
	tcb.self = tcb.self2 = &tcb;
	tcb.stack_guard = guard & ~(uint64_t)0xFF; /* as glibc: a string overflow stops at the zero byte */
	if (libc_sys_entropy(&tcb.pointer_guard, sizeof(tcb.pointer_guard)))
		libc_sys_abort("getrandom failed");
	if (vtpmd_syscall(NR_arch_prctl, ARCH_SET_FS, (long)&tcb, 0, 0, 0, 0))
		libc_sys_abort("arch_prctl(ARCH_SET_FS) failed");
	start_ns = monotonic_ns();
	long heap = vtpmd_syscall(NR_mmap, 0, (long)VTPMD_HEAP_BYTES, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (heap < 0 && heap > -4096)
		libc_sys_abort("mmap of the heap failed");
	libc_heap_init((void *)heap, VTPMD_HEAP_BYTES);
	LIBC(libc_ctype_init)();
	libc_set_environ(environment);
	vtpmd_exit(vtpmd_main());
}
