/* SPDX-License-Identifier: MIT */
/*
 * guest_access.S — see guest_access.h. Every function here is a leaf that
 * pushes nothing, so guest_access_fault can return to its caller with the
 * stack exactly as the call left it. SysV ABI: RDI, RSI, RDX in, EAX out;
 * DF is clear at every call.
 */
	.text
	.balign 16
	.globl guest_access_begin
guest_access_begin:

/* int guest_copy(void *dst, const void *src, size_t n) */
	.globl guest_copy
guest_copy:
	movq %rdx, %rcx
	rep movsb
	xorl %eax, %eax
	ret

/* int guest_zero(void *dst, size_t n) */
	.globl guest_zero
guest_zero:
	movq %rsi, %rcx
	xorl %eax, %eax
	rep stosb
	ret

/* int guest_xchg8(uint8_t *p, uint8_t v) */
	.globl guest_xchg8
guest_xchg8:
	movl %esi, %eax
	xchgb %al, (%rdi)
	movzbl %al, %eax
	ret

/* int guest_and64(uint64_t *p, uint64_t mask) */
	.globl guest_and64
guest_and64:
	lock andq %rsi, (%rdi)
	xorl %eax, %eax
	ret

/* int guest_or64(uint64_t *p, uint64_t mask) */
	.globl guest_or64
guest_or64:
	lock orq %rsi, (%rdi)
	xorl %eax, %eax
	ret

	.globl guest_access_end
guest_access_end:

/* Not inside the range: where a fault in it resumes. */
	.globl guest_access_fault
guest_access_fault:
	movl $-1, %eax
	ret
