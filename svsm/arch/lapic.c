/* SPDX-License-Identifier: MIT */
/* lapic.c — see lapic.h. */
#include "lapic.h"

#include "../mm/mm.h"
#include "cpu.h"
#include "tsc.h"

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
	static int done; /* 1: found (x2 and mmio set), -1: none */
	if (done)
		return done > 0;
	done = -1;
	uint32_t r[4];
	cpuid(1, 0, r);
	if (!(r[3] & (1u << 9))) /* CPUID.1:EDX[9]: no APIC at all */
		return false;
	x2 = (r[2] & CPUID_1_ECX_X2APIC) != 0;
	if (x2) {
		done = 1;
		return true;
	}
	uint64_t base = rdmsr(MSR_APIC_BASE) & 0x000FFFFFFFFFF000ull;
	/* PCD | PWT: the registers must not be cached. A page of its own in the direct map's
	 * range (never RAM: the APIC window is not in any memory map). */
	if (pgt_map(&mm.pgt, DMAP_BASE + base, base, PAGE_SIZE, PTE_W | PTE_NX | PTE_PCD | PTE_PWT) != PGT_OK)
		return false;
	mmio = (volatile uint32_t *)(uintptr_t)(DMAP_BASE + base);
	done = 1;
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

void lapic_timer_oneshot(uint8_t vector, uint32_t ticks)
{
	wr(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	wr(LAPIC_LVT_TIMER, vector); /* one-shot, unmasked */
	wr(LAPIC_TIMER_INIT, ticks ? ticks : 1);
}

void lapic_timer_stop(void)
{
	wr(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	wr(LAPIC_TIMER_INIT, 0);
}

uint64_t lapic_timer_hz(void)
{
	static uint64_t hz;
	if (hz || !tsc_khz())
		return hz;
	uint64_t wait = tsc_khz() * 10; /* 10 ms of TSC ticks */
	wr(LAPIC_TIMER_DIV, 0x3);
	wr(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	wr(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
	uint64_t t0 = rdtsc();
	while (rdtsc() - t0 < wait)
		__asm__ volatile("pause");
	uint32_t left = rd(LAPIC_TIMER_CUR);
	wr(LAPIC_TIMER_INIT, 0);
	hz = (uint64_t)(0xFFFFFFFFu - left) * 100u;
	return hz;
}
