/* SPDX-License-Identifier: MIT */
/*
 * stage2.S — stage-2 entry: 32-bit protected mode, paging off → long mode.
 *
 * Contract (format/launch_info.h): EAX = platform type, ESI = launch
 * information GPA, ESP = boot stack top. Only what needs a particular CPU mode
 * is here: the C-bit must be in the page tables before paging is enabled on
 * SNP (with paging off every data access is private; with paging on, an
 * entry without the C-bit would make the tables' targets shared), and the
 * mode switch itself. The rest is C (stage2.c), in long mode.
 */
#define LI_MAGIC       0x494C4749
#define LI_VERSION_OFF 0x04
#define LI_PT_GPA      0x50
#define LI_PT_COUNT    0x58
#define LI_CPUID_GPA   0x98
#define PLATFORM_SNP   1

	.section .text.entry, "ax"
	.code32
	.globl stage2_entry32
stage2_entry32:
	cli
	cld
	movl %eax, %ebp /* platform type, kept until the jump to C */
	lgdtl gdt_desc
	ljmpl $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss

	cmpl $LI_MAGIC, (%esi)
	jne fail32
	cmpw $1, LI_VERSION_OFF(%esi)
	jne fail32

	xorl %edi, %edi /* C-bit mask, high dword (0 on native) */
	cmpl $PLATFORM_SNP, %ebp
	jne 3f
	/* SNP: C-bit position from CPUID leaf 0x8000001F (EBX[5:0]) in the CPUID page. */
	movl LI_CPUID_GPA(%esi), %ebx
	testl %ebx, %ebx
	jz fail32
	movl (%ebx), %ecx /* count */
	cmpl $64, %ecx
	ja fail32
	leal 16(%ebx), %edx
2:	testl %ecx, %ecx
	jz fail32
	cmpl $0x8000001F, (%edx)
	je 4f
	addl $48, %edx
	decl %ecx
	jmp 2b
4:	movl 28(%edx), %ecx
	andl $0x3F, %ecx
	cmpl $32, %ecx /* the C-bit lives in the high dword on every SNP part */
	jb fail32
	movl %ecx, snp_cbit
	subl $32, %ecx
	movl $1, %edi
	shll %cl, %edi
	/* OR it into every present entry of the builder's tables. */
	movl LI_PT_GPA(%esi), %ebx
	movl LI_PT_COUNT(%esi), %ecx
	shll $9, %ecx /* 512 entries per page */
5:	testl %ecx, %ecx
	jz 3f
	testl $1, (%ebx)
	jz 6f
	orl %edi, 4(%ebx)
6:	addl $8, %ebx
	decl %ecx
	jmp 5b

3:	/* PAE, then EFER.LME|NXE, CR3, paging. */
	movl %cr4, %eax
	orl $0x20, %eax
	movl %eax, %cr4
	movl $0xC0000080, %ecx
	rdmsr
	orl $0x900, %eax
	wrmsr
	movl LI_PT_GPA(%esi), %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $0x80000001, %eax
	movl %eax, %cr0
	ljmpl $0x18, $long_entry

fail32:
	/* No console is safe here on SNP (port I/O would raise #VC without a
	 * handler): stop, and let the VMM's timeout report the hang. */
	cli
	hlt
	jmp fail32

	.code64
long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movl %esi, %edi /* launch information (zero-extended) */
	movl %ebp, %esi /* platform type */
	movl snp_cbit, %edx
	andq $-16, %rsp
	call stage2_main /* returns only the kernel entry */
	/* stage2_main left the kernel's arguments in the launch-info copy: */
	movq %rax, %rbx
	movq stage2_li, %rdi
	movl %ebp, %esi
	movq stage2_kernel_rsp, %rsp
	xorl %ebp, %ebp
	jmp *%rbx

	.section .rodata
	.balign 8
gdt:
	.quad 0
	.quad 0x00CF9B000000FFFF /* 0x08: 32-bit code */
	.quad 0x00CF93000000FFFF /* 0x10: data */
	.quad 0x00AF9B000000FFFF /* 0x18: 64-bit code */
gdt_end:
	.balign 2
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.data
	.balign 4
	.globl snp_cbit
snp_cbit:
	.long 0
