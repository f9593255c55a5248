/* SPDX-License-Identifier: MIT */
/*
 * percpu.h — per-CPU data, reached through GS base (self pointer at %gs:0).
 * The GDT and TSS are per CPU because the TSS descriptor's busy bit is.
 * Index 0 is the boot CPU; the others are filled in by smp.c before the
 * application processor they describe starts, each with a stack and an IST
 * stack of its own (guard page below each), and become this_cpu() on it
 * through percpu_init_ap(). Every CPU runs on the core's one set of page
 * tables (mm.h).
 */
#ifndef SVSM_PERCPU_H
#define SVSM_PERCPU_H

#include <stddef.h>
#include <stdint.h>

#include "arch/gdt.h"

#define MAX_CPUS 64

struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

/* A fault a self-test provokes on purpose: the handler resumes at fixup_rip. */
struct expected_fault {
	int vector;           /* -1: none armed */
	uint64_t fixup_rip;
	int hit;
	uint64_t error_code;
	uint64_t cr2;
};

struct percpu {
	struct percpu *self; /* at offset 0: %gs:0 */
	uint64_t user_rsp;   /* ring 3 (user/process.h): scratch for SYSCALL's entry */
	uint64_t syscall_rsp; /* ring 3: the kernel stack SYSCALL's entry switches to */
	unsigned cpu_index;
	uint32_t apic_id;
	uint64_t gdt[GDT_ENTRIES]; /* null, code64, data, tss (2 slots), user code32 (null), user data, user code64 */
	struct tss64 tss;
	struct expected_fault expect;
	void *ghcb;          /* SNP: this CPU's GHCB page (virtual), NULL natively */
	uint64_t ghcb_gpa;
	int in_vc;           /* SNP: a #VC is being handled (its GHCB exchange may be half done) */
	void *user_proc;     /* the ring-3 process running on this CPU (user/process.c), or NULL */
	void *hv_doorbell;   /* SNP with restricted injection: this CPU's #HV doorbell page */
	uint64_t hv_count;   /* #HV exceptions taken */
	/* Guest-memory accesses that faulted and were recovered (arch/guest_access.h). */
	struct {
		uint64_t count, last_error;
		unsigned last_vector;
	} guest_fault;
	/* SMP (smp.h): this CPU's stack and IST1 stack tops; 0 on the boot CPU (the image's). */
	uint64_t stack_top, ist_top;
	uint64_t hv_doorbell_gpa;  /* SNP: where hv_doorbell lies */
	uint64_t vmsa_gpa;         /* SNP: this CPU's own VMPL0 VMSA (0 on the boot CPU: the launch's) */
};

_Static_assert(offsetof(struct percpu, user_rsp) == PCPU_USER_RSP, "arch/gdt.h offsets");
_Static_assert(offsetof(struct percpu, syscall_rsp) == PCPU_SYSCALL_RSP, "arch/gdt.h offsets");
_Static_assert(offsetof(struct percpu, tss) + 4 == PCPU_TSS_RSP0, "arch/gdt.h offsets");

struct percpu *this_cpu(void);
void percpu_init_bsp(void);
/* The area of CPU index (0..MAX_CPUS-1), or NULL. */
struct percpu *percpu_get(unsigned index);
/* On the application processor itself, first thing: its GDT, TSS and GS base. */
void percpu_init_ap(struct percpu *p);

#endif
