/* SPDX-License-Identifier: MIT */
/*
 * cpu.h — one-instruction wrappers (port I/O, MSRs, control registers).
 * Header-only so that both the stage-2 loader and the core use the same ones.
 */
#ifndef SVSM_ARCH_CPU_H
#define SVSM_ARCH_CPU_H

#include <stdint.h>

#define MSR_EFER     0xC0000080u
#define MSR_FS_BASE  0xC0000100u
#define MSR_GS_BASE  0xC0000101u
#define MSR_SEV_STATUS 0xC0010131u
#define EFER_NXE     (1u << 11)

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
/* This CPU's whole TLB: toggling CR4.PGE drops global entries too; without PGE a CR3 reload does. */
static inline void tlb_flush_local(void)
{
	uint64_t cr4 = read_cr4();
	if (cr4 & (1ull << 7)) {
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~(1ull << 7)) : "memory");
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	} else {
		write_cr3(read_cr3());
	}
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
