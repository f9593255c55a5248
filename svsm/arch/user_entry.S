/* SPDX-License-Identifier: MIT */
/*
 * user_entry.S — the ways into and out of ring 3 (user/process.h):
 *
 *   user_enter(frame, ctx)  saves the kernel's callee-saved registers and stack in ctx,
 *                           makes the stack below them the one system calls and ring-3
 *                           exceptions arrive on (percpu syscall_rsp, tss.rsp0), and
 *                           IRETs into ring 3 with the registers of `frame`. It returns
 *                           only through user_leave(ctx, value), with value.
 *   syscall_entry           LSTAR: SWAPGS, the kernel stack, a struct trap_frame (as the
 *                           exception path builds it: vector USER_SYSCALL_VECTOR), then
 *                           user_syscall(frame) in C, then SYSRET. C refuses to return
 *                           to a RIP outside the user range (SYSRET to a non-canonical
 *                           RIP faults in ring 0 on the program's stack), so RCX here is
 *                           always a user address.
 *   user_copy_in/out        the only instructions that touch user memory: STAC/CLAC
 *                           around them when SMAP is on; a #PF between user_access_begin
 *                           and user_access_end resumes at user_access_fault (-1).
 *
 * Interrupts stay disabled in ring 3 and in the kernel (FMASK clears IF, TF, DF, AC, NT on
 * SYSCALL): nothing preempts a program; the one running ends by exit or by a fault.
 */
#include "gdt.h"

	.text
	.balign 16
/* long user_enter(const struct trap_frame *f, struct user_kctx *ctx) */
	.globl user_enter
user_enter:
	pushq %rbx; pushq %rbp; pushq %r12; pushq %r13; pushq %r14; pushq %r15
	movq %rsp, (%rsi)
	/* Below the saved registers, 16-byte aligned: the stack from ring 3. */
	movq %rsp, %rax
	andq $-16, %rax
	movq %rax, %gs:PCPU_SYSCALL_RSP
	movq %rax, %gs:PCPU_TSS_RSP0
	/* A copy of the frame on that stack, then the common return. */
	subq $176, %rsp
	movq %rdi, %rsi
	movq %rsp, %rdi
	movl $22, %ecx
	rep movsq
	jmp user_return_iret

/* void user_leave(struct user_kctx *ctx, long value): back to user_enter's caller. */
	.globl user_leave
user_leave:
	movq (%rdi), %rsp
	movq %rsi, %rax
	popq %r15; popq %r14; popq %r13; popq %r12; popq %rbp; popq %rbx
	ret

/* RSP at a struct trap_frame: its registers, then IRET to ring 3 with the user's GS. */
user_return_iret:
	popq %rax; popq %rbx; popq %rcx; popq %rdx
	popq %rsi; popq %rdi; popq %rbp; popq %r8
	popq %r9;  popq %r10; popq %r11; popq %r12
	popq %r13; popq %r14; popq %r15
	addq $16, %rsp
	swapgs
	iretq

	.balign 16
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:PCPU_USER_RSP
	movq %gs:PCPU_SYSCALL_RSP, %rsp
	pushq $USER_SS
	pushq %gs:PCPU_USER_RSP
	pushq %r11                   /* RFLAGS */
	pushq $USER_CS
	pushq %rcx                   /* RIP */
	pushq $0                     /* error code */
	pushq $USER_SYSCALL_VECTOR
	pushq %r15; pushq %r14; pushq %r13; pushq %r12
	pushq %r11; pushq %r10; pushq %r9;  pushq %r8
	pushq %rbp; pushq %rdi; pushq %rsi; pushq %rdx
	pushq %rcx; pushq %rbx; pushq %rax
	movq %rsp, %rdi              /* 176 bytes below a 16-byte aligned top: aligned */
	call user_syscall
	popq %rax; popq %rbx; popq %rcx; popq %rdx
	popq %rsi; popq %rdi; popq %rbp; popq %r8
	popq %r9;  popq %r10; popq %r11; popq %r12
	popq %r13; popq %r14; popq %r15
	/* RSP at vector: RIP at +16, RFLAGS at +32, RSP at +40 (checked and cleaned in C). */
	movq 16(%rsp), %rcx
	movq 32(%rsp), %r11
	movq 40(%rsp), %rsp
	swapgs
	sysretq

	.balign 16
	.globl user_access_begin
user_access_begin:
/* int user_copy(void *dst, const void *src, size_t n): either side may be user memory. */
	.globl user_copy
user_copy:
	cmpb $0, user_smap_on(%rip)
	je 1f
	stac
1:	movq %rdx, %rcx
	rep movsb
	cmpb $0, user_smap_on(%rip)
	je 2f
	clac
2:	xorl %eax, %eax
	ret
	.globl user_access_end
user_access_end:

	.globl user_access_fault
user_access_fault:
	cmpb $0, user_smap_on(%rip)
	je 3f
	clac
3:	movl $-1, %eax
	ret
