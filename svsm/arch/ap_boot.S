/* SPDX-License-Identifier: MIT */
/*
 * ap_boot.S — how an application processor reaches the core's C code: the
 * only place where the CPU mode dictates the code.
 *
 * Native (smp_native.c): ap_tramp_start..ap_tramp_end is an image the boot
 * CPU copies into the launch's SIPI page (page C) and patches: the GDT
 * pointer's base, the two far pointers and the CR3 and entry slots. An AP
 * starts at C:0 in real mode (CS = C >> 4), loads the flat GDT, enters
 * protected mode, loads the transition table (page T, below 4 GiB), turns on
 * PAE, EFER.LME|NXE and paging, far-jumps to 64-bit code still in C, and
 * jumps to smp_ap_entry64 in the core's upper half. No stack is used until
 * smp_ap_entry64 has found the AP's own; nothing in C is written, so every
 * AP can run it at once.
 *
 * smp_ap_entry64 then takes the boot CPU's CR4, EFER, CR0 and CR3 (the
 * core's tables: the transition table stops mattering), reads its APIC ID
 * (CPUID 0xB EDX in x2APIC mode, else CPUID 1 EBX[31:24] — the ID the boot
 * CPU addressed), finds it among smp_ap_ids[] with a non-zero stack and calls
 * smp_ap_main(index) on that stack. An AP nobody expects halts.
 *
 * SNP (smp_snp.c): an AP's VMSA starts it in 64-bit mode on the core's
 * tables directly at smp_ap_entry_vmsa, with RDI = its index and RSP = its
 * stack.
 */
	.section .rodata.ap_tramp, "a"
	.balign 16
	.code16
	.globl ap_tramp_start
ap_tramp_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movzwl %ax, %ebx
	shll $4, %ebx                           /* EBX = C, the linear base of this page */
	lgdtl (ap_tramp_gdtr - ap_tramp_start)
	movl %cr0, %eax
	orl $1, %eax                            /* PE */
	movl %eax, %cr0
	ljmpl *(ap_tramp_pm - ap_tramp_start)

	.code32
	.globl ap_tramp_32
ap_tramp_32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0x20, %eax                         /* PAE */
	movl %eax, %cr4
	movl (ap_tramp_cr3 - ap_tramp_start)(%ebx), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx
	rdmsr
	orl $0x900, %eax                        /* EFER.LME | NXE */
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax                   /* PG | PE */
	movl %eax, %cr0
	ljmpl *(ap_tramp_lm - ap_tramp_start)(%ebx)

	.code64
	.globl ap_tramp_64
ap_tramp_64:
	movl %ebx, %ebx                         /* the upper half is undefined after the mode switch */
	movq (ap_tramp_entry - ap_tramp_start)(%rbx), %rax
	jmp *%rax

	.balign 8
	.globl ap_tramp_gdt
ap_tramp_gdt:
	.quad 0
	.quad 0x00CF9B000000FFFF                /* 0x08: 32-bit code */
	.quad 0x00CF93000000FFFF                /* 0x10: data */
	.quad 0x00AF9B000000FFFF                /* 0x18: 64-bit code */
	.globl ap_tramp_gdtr
ap_tramp_gdtr:
	.word 31
	.long 0                                 /* C + (ap_tramp_gdt - ap_tramp_start) */
	.balign 4
	.globl ap_tramp_pm, ap_tramp_lm, ap_tramp_cr3
ap_tramp_pm:
	.long 0                                 /* C + (ap_tramp_32 - ap_tramp_start) */
	.word 0                                 /* 0x08 */
	.balign 4
ap_tramp_lm:
	.long 0                                 /* C + (ap_tramp_64 - ap_tramp_start) */
	.word 0                                 /* 0x18 */
	.balign 4
ap_tramp_cr3:
	.long 0                                 /* T */
	.balign 8
	.globl ap_tramp_entry
ap_tramp_entry:
	.quad 0                                 /* smp_ap_entry64 */
	.globl ap_tramp_end
ap_tramp_end:

	.text
	.code64
	.globl smp_ap_entry64
smp_ap_entry64:
	movq smp_ap_cr4(%rip), %rax
	movq %rax, %cr4
	movl $0xC0000080, %ecx
	movl smp_ap_efer(%rip), %eax
	movl smp_ap_efer+4(%rip), %edx
	wrmsr
	movq smp_ap_cr0(%rip), %rax
	movq %rax, %cr0
	movq smp_ap_cr3(%rip), %rax
	movq %rax, %cr3
	cmpl $0, smp_ap_x2apic(%rip)
	je 1f
	movl $0xB, %eax
	xorl %ecx, %ecx
	cpuid
	movl %edx, %esi
	jmp 2f
1:	movl $1, %eax
	cpuid
	movl %ebx, %esi
	shrl $24, %esi
2:	leaq smp_ap_ids(%rip), %r8
	leaq smp_ap_stacks(%rip), %r9
	movl $1, %ecx                           /* index 0 is the boot CPU */
3:	cmpl smp_ap_count(%rip), %ecx
	jae 9f
	cmpl (%r8,%rcx,4), %esi
	jne 4f
	movq (%r9,%rcx,8), %rsp
	testq %rsp, %rsp
	jnz 5f
4:	incl %ecx
	jmp 3b
5:	xorl %ebp, %ebp
	movl %ecx, %edi
	call smp_ap_main
9:	cli
	hlt
	jmp 9b

	.globl smp_ap_entry_vmsa
smp_ap_entry_vmsa:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call smp_ap_main
	jmp 9b
