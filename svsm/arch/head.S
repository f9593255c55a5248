/* SPDX-License-Identifier: MIT */
/*
 * head.S — the core's 64-bit entry and exception entry stubs: the only places
 * where the stack layout is dictated by the CPU rather than the C ABI.
 * Entry (format/launch_info.h): RDI = launch information GPA, RSI = platform.
 */
	.section .text.head, "ax"
	.globl svsm_start
svsm_start:
	cli
	cld
	movq $_stack_top, %rsp
	xorl %ebp, %ebp
	call svsm_main
1:	cli
	hlt
	jmp 1b

/* Every vector gets a frame with the same shape: vector, error code (0 when
 * the CPU pushes none), then the CPU's RIP/CS/RFLAGS/RSP/SS. */
.macro EXC vec, has_err
	.balign 16
exc_\vec:
	.if \has_err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp exc_common
.endm

	.text
	EXC 0,0;  EXC 1,0;  EXC 2,0;  EXC 3,0;  EXC 4,0;  EXC 5,0;  EXC 6,0;  EXC 7,0
	EXC 8,1;  EXC 9,0;  EXC 10,1; EXC 11,1; EXC 12,1; EXC 13,1; EXC 14,1; EXC 15,0
	EXC 16,0; EXC 17,1; EXC 18,0; EXC 19,0; EXC 20,0; EXC 21,1; EXC 22,0; EXC 23,0
	EXC 24,0; EXC 25,0; EXC 26,0; EXC 27,0; EXC 28,0; EXC 29,1; EXC 30,1; EXC 31,0
	/* Interrupts the core takes (idt.h): the SMP IPI, the watchdog timer, the APIC's
	 * spurious vector. */
	EXC 242,0; EXC 243,0; EXC 255,0

exc_common:
	/* From ring 3 (the saved CS's RPL; user/process.h): the kernel's GS first, then no
	 * trust in the program's flags — DF clear for C, AC clear so SMAP holds. */
	cld
	testb $3, 24(%rsp)
	jz 1f
	swapgs
1:	cmpb $0, user_smap_on(%rip)
	je 2f
	clac
2:	pushq %r15; pushq %r14; pushq %r13; pushq %r12
	pushq %r11; pushq %r10; pushq %r9;  pushq %r8
	pushq %rbp; pushq %rdi; pushq %rsi; pushq %rdx
	pushq %rcx; pushq %rbx; pushq %rax
	movq %rsp, %rdi
	/* The C ABI wants a 16-byte aligned stack at the call. */
	movq %rsp, %rbx
	andq $-16, %rsp
	call exception_dispatch
	movq %rbx, %rsp
	popq %rax; popq %rbx; popq %rcx; popq %rdx
	popq %rsi; popq %rdi; popq %rbp; popq %r8
	popq %r9;  popq %r10; popq %r11; popq %r12
	popq %r13; popq %r14; popq %r15
	testb $3, 24(%rsp)
	jz 3f
	swapgs
3:	addq $16, %rsp
	iretq

	.section .rodata
	.balign 8
	.globl exc_stub_table
exc_stub_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad exc_\v
	.endr
	.globl irq_stub_ipi, irq_stub_timer, irq_stub_spurious
irq_stub_ipi:
	.quad exc_242
irq_stub_timer:
	.quad exc_243
irq_stub_spurious:
	.quad exc_255
