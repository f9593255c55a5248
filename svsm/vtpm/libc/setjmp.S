/* SPDX-License-Identifier: MIT */
/*
 * setjmp.S — _setjmp, _longjmp and __longjmp_chk for the archives, in the
 * layout of glibc's jmp_buf (struct __jmp_buf_tag, 200 bytes, which the
 * callers allocate): __jmpbuf[8] = RBX, RBP, R12, R13, R14, R15, RSP, RIP
 * (the System V callee-saved registers, RSP as after the return, the return
 * address), then __mask_was_saved = 0. glibc also mangles RBP/RSP/RIP with a
 * pointer guard; both sides are ours here, so the values are stored plainly.
 * _setjmp saves no signal mask (there are no signals). __longjmp_chk is
 * glibc's fortified longjmp: it refuses to jump to a frame below the current
 * stack pointer (a frame that has already returned) and stops the SVSM
 * instead. A value of 0 is returned as 1, as longjmp requires. (The host
 * tests assemble this file with -DLIBC_TEST: every name gets libc_test_.)
 */
#ifdef LIBC_TEST
#define SYM(x) libc_test_##x
#else
#define SYM(x) x
#endif

	.text
	.globl SYM(_setjmp)
	.type SYM(_setjmp), @function
SYM(_setjmp):
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rdx
	movq %rdx, 48(%rdi)
	movq (%rsp), %rdx
	movq %rdx, 56(%rdi)
	movl $0, 64(%rdi)
	xorl %eax, %eax
	ret
	.size SYM(_setjmp), . - SYM(_setjmp)

	.globl SYM(_longjmp)
	.type SYM(_longjmp), @function
SYM(_longjmp):
	movl %esi, %eax
	testl %eax, %eax
	jnz 1f
	incl %eax
1:	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	jmpq *56(%rdi)
	.size SYM(_longjmp), . - SYM(_longjmp)

	.globl SYM(__longjmp_chk)
	.type SYM(__longjmp_chk), @function
SYM(__longjmp_chk):
	cmpq %rsp, 48(%rdi)
	jb 2f
	jmp SYM(_longjmp)
2:	leaq longjmp_msg(%rip), %rdi
	andq $-16, %rsp
	call libc_sys_abort
	.size SYM(__longjmp_chk), . - SYM(__longjmp_chk)

	.section .rodata
longjmp_msg:
	.asciz "longjmp causes uninitialized stack frame"
	.section .note.GNU-stack, "", @progbits
