/* SPDX-License-Identifier: MIT */
/*
 * gdt.h — per-CPU GDT and TSS (IST1 for #DF/NMI/#MC, so a blown stack still reports),
 * and the ring-3 segments. SYSRET takes its selectors from STAR[63:48] = S: SS = S + 8,
 * CS = S + 16 (64-bit), so the user data and 64-bit code descriptors follow a placeholder
 * for 32-bit code (left null: no 32-bit programs) in that order. Shared with assembly.
 */
#ifndef SVSM_ARCH_GDT_H
#define SVSM_ARCH_GDT_H

#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define SEL_TSS    0x18 /* two slots */
#define SEL_UCODE32 0x28 /* null: STAR's base for SYSRET */
#define SEL_UDATA  0x30
#define SEL_UCODE64 0x38
#define USER_SS (SEL_UDATA | 3)
#define USER_CS (SEL_UCODE64 | 3)
#define GDT_ENTRIES 8
/* The vector field of a system call's struct trap_frame (not a CPU vector). */
#define USER_SYSCALL_VECTOR 0x100

/* Offsets in struct percpu the entry code uses (percpu.h asserts them). */
#define PCPU_USER_RSP    8  /* the program's RSP while SYSCALL's entry switches stacks */
#define PCPU_SYSCALL_RSP 16 /* the kernel stack top for system calls */
#define PCPU_TSS_RSP0    100 /* tss.rsp[0]: the kernel stack top for exceptions from ring 3 */

#ifndef __ASSEMBLER__
struct percpu;
void gdt_load(struct percpu *cpu);
#endif

#endif
