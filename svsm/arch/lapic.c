/* SPDX-License-Identifier: MIT */
/* lapic.c — see lapic.h. */
#include "lapic.h"

#include "../mm/mm.h"
#include "cpu.h"

static bool x2;
static volatile uint32_t *mmio; /* xAPIC page, uncached */

static uint32_t rd(uint32_t reg)
{
	if (x2)
		return (uint32_t)rdmsr(0x800u + reg / 16u);
	return mmio[reg / 4u];
}

static void wr(uint32_t reg, uint32_t v)
{
	if (x2)
		wrmsr(0x800u + reg / 16u, v);
	else
		mmio[reg / 4u] = v;
}

bool lapic_init(void)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	if (!(r[3] & (1u << 9))) /* CPUID.1:EDX[9]: no APIC at all */
		return false;
	x2 = (r[2] & CPUID_1_ECX_X2APIC) != 0;
	if (x2)
		return true;
	uint64_t base = rdmsr(MSR_APIC_BASE) & 0x000FFFFFFFFFF000ull;
	/* PCD | PWT: the registers must not be cached. A page of its own in the direct map's
	 * range (never RAM: the APIC window is not in any memory map). */
	if (pgt_map(&mm.pgt, DMAP_BASE + base, base, PAGE_SIZE, PTE_W | PTE_NX | PTE_PCD | PTE_PWT) != PGT_OK)
		return false;
	mmio = (volatile uint32_t *)(uintptr_t)(DMAP_BASE + base);
	return true;
}

void lapic_init_cpu(void)
{
	uint64_t b = rdmsr(MSR_APIC_BASE);
	if (!(b & APIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, b |= APIC_BASE_EN);
	if (x2 && !(b & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, b | APIC_BASE_EXTD); /* xAPIC → x2APIC is allowed from enabled */
	wr(LAPIC_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
}

bool lapic_x2apic(void)
{
	return x2;
}

uint32_t lapic_id(void)
{
	return x2 ? rd(LAPIC_ID) : rd(LAPIC_ID) >> 24;
}

void lapic_send(uint32_t dest, uint32_t mode_vector)
{
	uint64_t icr = lapic_icr(mode_vector, dest, x2);
	if (x2) {
		wrmsr(0x830u, icr);
		return;
	}
	wr(LAPIC_ICR_HI, (uint32_t)(icr >> 32));
	wr(LAPIC_ICR_LO, (uint32_t)icr);
	/* Bounded: an APIC that never clears the bit must not hang the core. */
	for (int i = 0; i < 1000000 && (rd(LAPIC_ICR_LO) & ICR_BUSY); i++)
		__asm__ volatile("pause");
}

void lapic_eoi(void)
{
	wr(LAPIC_EOI, 0);
}
