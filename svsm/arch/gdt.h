/* SPDX-License-Identifier: MIT */
/* gdt.h — per-CPU GDT and TSS (IST1 for #DF/NMI/#MC, so a blown stack still reports). */
#ifndef SVSM_ARCH_GDT_H
#define SVSM_ARCH_GDT_H

#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define SEL_TSS    0x18

struct percpu;
void gdt_load(struct percpu *cpu);

#endif
