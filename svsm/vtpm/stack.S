/* SPDX-License-Identifier: MIT */
/*
 * stack.S — vtpm_call_on_stack(fn, arg, top): calls fn(arg) with RSP = top
 * (16-byte aligned, the end of the vTPM's own stack) and returns on the
 * caller's stack. RBP carries the caller's RSP across the call (callee-saved
 * by the ABI, so fn keeps it). The caller serializes: there is one vTPM stack.
 */
	.text
	.globl vtpm_call_on_stack
	.type vtpm_call_on_stack, @function
vtpm_call_on_stack:
	pushq %rbp
	movq %rsp, %rbp
	movq %rdx, %rsp
	movq %rdi, %rax
	movq %rsi, %rdi
	call *%rax
	movq %rbp, %rsp
	popq %rbp
	ret
	.size vtpm_call_on_stack, . - vtpm_call_on_stack
	.section .note.GNU-stack, "", @progbits
