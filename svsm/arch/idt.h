/* SPDX-License-Identifier: MIT */
/*
 * idt.h — the IDT and the exception path.
 *
 * Every exception reaches exception_dispatch() with a full register frame.
 * In order: one from ring 3 goes to user_trap() (user/process.h; exc_common
 * has swapped GS), which ends the process unless it is an interrupt or a #VC/#HV
 * the platform handles; the watchdog vector in ring 0 is a stale one (EOI, return); a #PF raised by user_copy resumes at its failure return; a #PF or #VC raised by a guest-memory accessor resumes at the
 * accessor's failure return (guest_access.h); a fault a self-test armed
 * (percpu expect) resumes at its fixup;
 * #VC goes to the platform (SNP decodes and forwards it to the hypervisor);
 * #HV goes to the platform (SNP with restricted injection: hv_doorbell.h);
 * the two interrupt vectors the core uses go to smp.h (IDT_IPI_VECTOR, the
 * native platform's inter-processor interrupt) or are dropped (the APIC's
 * spurious vector, which takes no EOI); every other vector has no gate;
 * anything else prints the vector name, error code, faulting address (RIP,
 * and CR2 for #PF) and every register, then ends the run through the
 * platform (QEMU test device: "crash" code) or halts.
 */
#ifndef SVSM_ARCH_IDT_H
#define SVSM_ARCH_IDT_H

#include <stdint.h>

struct trap_frame {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define IDT_IPI_VECTOR      0xF2u /* 242: arch/head.S has its stub */
#define IDT_TIMER_VECTOR    0xF3u /* 243: the ring-3 watchdog (user/process.h) */
#define IDT_SPURIOUS_VECTOR 0xFFu /* 255 */

/* Boot CPU: builds the one IDT every CPU shares, and loads it. */
void idt_init(void);
/* An application processor: loads the shared IDT. */
void idt_load(void);
void exception_dispatch(struct trap_frame *f);
/* "#PF page fault" for 14, ... ("interrupt" past 31). */
const char *exception_name(unsigned v);
__attribute__((noreturn)) void fatal_frame(const struct trap_frame *f, const char *why);

#endif
