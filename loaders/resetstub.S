/* SPDX-License-Identifier: MIT */
/*
 * resetstub.S — a 64 KiB ROM for QEMU's -bios that starts the BSP in the state
 * of an IGVM native VP context (32-bit protected mode, paging off).
 *
 * Why: QEMU before 10.1 cannot load IGVM files and `-device loader,cpu-num`
 * only sets EIP in real mode. The runner lays the image's pages into RAM with
 * -device loader and patches the parameter block (resetstub.h) of this ROM.
 * Linked at 0 (offsets inside the ROM): real-mode code addresses the ROM
 * through CS (base 0xFFFF0000 at reset), 32-bit code through RESETSTUB_BASE + offset.
 */
#include "resetstub.h"

#define ABS(x) (RESETSTUB_BASE + (x))

	.section .rom.params, "a"
	.globl resetstub_params
resetstub_params:
	.long RESETSTUB_MAGIC
	.long RESETSTUB_VERSION
	.fill RSP_END - 8, 1, 0

	.section .rom.gdt, "a"
	.balign 8
gdt:
	.quad 0
	.quad 0x00CF9B000000FFFF /* 0x08: 32-bit code, base 0, limit 4 GiB */
	.quad 0x00CF93000000FFFF /* 0x10: data, base 0, limit 4 GiB */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long ABS(gdt)

	.text
	.code16
rm_start:
	cli
	cld
	lgdtl %cs:gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $ABS(pm_start)

	.code32
pm_start:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	/* Control state first, in the order that keeps every step legal:
	 * CR4 and CR3 mean nothing while paging is off, EFER before CR0. */
	movl ABS(RSP_CR4), %eax
	movl %eax, %cr4
	movl ABS(RSP_CR3), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx
	movl ABS(RSP_EFER_LO), %eax
	movl ABS(RSP_EFER_HI), %edx
	wrmsr
	movl ABS(RSP_CR0), %eax
	movl %eax, %cr0
	/* The segment registers keep their hidden flat descriptors when the
	 * context's own GDTR/IDTR are loaded (as a VMM applying the context does). */
	lgdtl ABS(RSP_GDTR)
	lidtl ABS(RSP_IDTR)
	movl ABS(RSP_ESP), %esp
	pushl ABS(RSP_EFLAGS)
	popfl
	movl ABS(RSP_EAX), %eax
	movl ABS(RSP_ECX), %ecx
	movl ABS(RSP_EDX), %edx
	movl ABS(RSP_EBX), %ebx
	movl ABS(RSP_EBP), %ebp
	movl ABS(RSP_ESI), %esi
	movl ABS(RSP_EDI), %edi
	jmp *ABS(RSP_EIP)

	.section .rom.reset, "ax"
	.code16
	.globl reset_vector
reset_vector:
	jmp rm_start
	.balign 16, 0xF4 /* hlt */
