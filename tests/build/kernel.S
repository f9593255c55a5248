/* SPDX-License-Identifier: MIT */
/* A tiny stand-in for the SVSM kernel: code, data and BSS segments linked in
 * the higher half, as format/launch_info.h requires. Never run; only laid out. */
	.section .text, "ax"
	.globl _start
_start:
	cli
1:	hlt
	jmp 1b

	.section .data, "aw"
	.globl marker
marker:
	.ascii "igvmbuild test kernel data\0"
	.quad _start

	.section .bss, "aw", @nobits
	.globl scratch
scratch:
	.skip 3 * 4096 + 100
