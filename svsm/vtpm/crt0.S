/* SPDX-License-Identifier: MIT */
/*
 * crt0.S — vtpmd's entry point. The kernel (the SVSM core's user loader, or
 * Linux in the host test) starts the process at _start with RSP at argc, 16-byte
 * aligned, and no FS base: nothing compiled with the stack protector may run
 * until vtpmd_start (sys_user.c) has set up the TCB, so this only clears the
 * frame pointer, aligns the stack as the ABI wants at a call, and calls it.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call vtpmd_start
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
