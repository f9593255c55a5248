/* SPDX-License-Identifier: MIT */
/* gdt.c — see gdt.h. */
#include "gdt.h"

#include <stdint.h>

#include "../lib/string.h"
#include "../percpu.h"

extern char _ist_top[];

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

void gdt_load(struct percpu *cpu)
{
	memset(&cpu->tss, 0, sizeof(cpu->tss));
	cpu->tss.ist[0] = cpu->ist_top ? cpu->ist_top : (uint64_t)(uintptr_t)_ist_top; /* APs: their own */
	cpu->tss.iomap_base = sizeof(cpu->tss); /* no I/O bitmap */

	uint64_t base = (uint64_t)(uintptr_t)&cpu->tss;
	uint64_t limit = sizeof(cpu->tss) - 1;
	cpu->gdt[0] = 0;
	cpu->gdt[1] = 0x00AF9B000000FFFFull; /* 64-bit code, DPL 0 */
	cpu->gdt[2] = 0x00CF93000000FFFFull; /* data */
	cpu->gdt[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
		      (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	cpu->gdt[4] = base >> 32;
	cpu->gdt[5] = 0;                     /* SEL_UCODE32: unused */
	cpu->gdt[6] = 0x00CFF3000000FFFFull; /* SEL_UDATA: data, DPL 3 */
	cpu->gdt[7] = 0x00AFFB000000FFFFull; /* SEL_UCODE64: 64-bit code, DPL 3 */

	struct desc_ptr p = { (uint16_t)(sizeof(cpu->gdt) - 1), (uint64_t)(uintptr_t)cpu->gdt };
	__asm__ volatile("lgdt %0" : : "m"(p));
	/* Reload CS with a far return, then the data segments and TR. */
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %[ds], %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movw %%ax, %%fs\n\t"
			 "movw %%ax, %%gs\n\t"
			 "movw %[tss], %%ax\n\t"
			 "ltr %%ax"
			 :
			 : [cs] "i"(SEL_CODE64), [ds] "i"(SEL_DATA), [tss] "i"(SEL_TSS)
			 : "rax", "memory");
}
