/* SPDX-License-Identifier: MIT */
/*
 * userabi.h — what code compiled for Linux user space needs from the CPU, so
 * the core can run Debian's prebuilt libtpms.a and libcrypto.a (the vTPM,
 * svsm/vtpm/) unchanged. Set up once per CPU by userabi_cpu_init(), right
 * after percpu_init_bsp() (and, on an AP, after its own GDT load):
 *
 *  SSE   The archives were compiled for x86-64 user space, SSE2 throughout,
 *        and OpenSSL's assembly picks AES-NI, PCLMULQDQ and SHA-NI at run time.
 *        CR0: EM = 0, MP = 1, TS = 0, NE = 1; CR4: OSFXSR (9), OSXMMEXCPT (10);
 *        then FNINIT and MXCSR = 0x1F80 (all exceptions masked, round to
 *        nearest), the state a Linux process starts with. CR4.OSXSAVE stays
 *        clear: XCR0 is never set, so no AVX/AVX-512 state exists; OpenSSL
 *        sees OSXSAVE = 0 and drops AVX, AVX2, AVX-512 and FMA itself, and
 *        the vTPM also masks them through OPENSSL_ia32cap (svsm/vtpm/sys_svsm.c)
 *        in case a CPUID source (SNP's CPUID page) claims otherwise.
 *        Nothing that can interrupt vTPM code touches a vector register: the
 *        core's C is compiled -mgeneral-regs-only and the exception stubs save
 *        only general registers (arch/head.S); the core never enables
 *        interrupts.
 *  Canary  -fstack-protector reads its guard at %fs:0x28 (glibc's tcbhead_t:
 *        self pointer at 0, stack_guard at 0x28, pointer_guard at 0x30). FS
 *        base points at this CPU's struct userabi_tcb, whose guard is 64 bits
 *        from the hardware random source with its low byte zeroed (as glibc
 *        does, so string overflows stop at it). The archives have no TLS
 *        segment (checked at link time, svsm/vtpm/vtpm.mk), so nothing else
 *        lives at %fs; the C library keeps its per-thread state (errno,
 *        thread-specific keys) after the glibc-reserved part.
 *  Red zone  The archives may keep data in the 128 bytes below RSP, which an
 *        exception frame overwrites: see userabi_interrupted_redzone().
 */
#ifndef SVSM_ARCH_USERABI_H
#define SVSM_ARCH_USERABI_H

#include <stdbool.h>
#include <stdint.h>

#define USERABI_KEYS 64u /* thread-specific keys (pthread_key_create) */

struct userabi_tcb {
	struct userabi_tcb *self;  /* 0x00: glibc's tcb pointer */
	uint64_t dtv;              /* 0x08: unused, 0 */
	struct userabi_tcb *self2; /* 0x10: glibc's self */
	uint64_t reserved0[2];     /* 0x18 */
	uint64_t stack_guard;      /* 0x28: -fstack-protector's canary */
	uint64_t pointer_guard;    /* 0x30: unused by the archives, random anyway */
	uint64_t reserved1;        /* 0x38 */
	/* The C library's per-thread (= per-CPU) state. */
	int err;                   /* errno */
	unsigned cpu;
	const void *key_value[USERABI_KEYS];
};
_Static_assert(__builtin_offsetof(struct userabi_tcb, stack_guard) == 0x28, "glibc's stack_guard offset");
_Static_assert(__builtin_offsetof(struct userabi_tcb, pointer_guard) == 0x30, "glibc's pointer_guard offset");

/* Enables SSE and points FS at CPU cpu's TCB with a fresh random canary. 0, or -1 when
 * the hardware random source failed (then the canary is not set and nothing may run the
 * archives: userabi_ready(cpu) stays false). */
int userabi_cpu_init(unsigned cpu);
bool userabi_ready(unsigned cpu);
/* This CPU's TCB (through %fs:0): only once userabi_cpu_init() succeeded on it. */
struct userabi_tcb *userabi_tcb(void);

/*
 * The archives were compiled with the System V red zone: a leaf function may
 * keep data in the 128 bytes below RSP, which the CPU's exception frame
 * overwrites. Nothing in them raises an exception on purpose but CPUID in
 * OPENSSL_ia32_cpuid (a #VC on SNP), which uses no stack. So an exception
 * taken with RIP in archive text anywhere else has destroyed live data: only a
 * hostile hypervisor injecting #HV (SNP restricted injection) can cause one,
 * and the vTPM's state can no longer be trusted. The #VC and #HV paths call
 * this first; true means "stop the SVSM". Linker symbols bound the archive
 * text (svsm/svsm.ld).
 */
bool userabi_interrupted_redzone(uint64_t rip, bool is_cpuid);

#endif
