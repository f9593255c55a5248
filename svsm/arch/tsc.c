/* SPDX-License-Identifier: MIT */
/* tsc.c — see tsc.h. */
#include "tsc.h"

#include "cpu.h"

#define PIT_HZ 1193182u
#define CAL_MS 10u
#define NOMINAL_KHZ 3000000u /* 3 GHz: a bound computed with it is long on slower TSCs, never short by more */

static uint64_t khz = NOMINAL_KHZ;

bool tsc_calibrate(void)
{
	const uint16_t latch = (uint16_t)(PIT_HZ / (1000u / CAL_MS));
	uint8_t p61 = inb(0x61);
	outb(0x61, (uint8_t)((p61 & ~0x02u) | 0x01u)); /* gate 2 high, speaker off */
	outb(0x43, 0xB0);                              /* channel 2, lo/hi byte, mode 0, binary */
	outb(0x42, (uint8_t)latch);
	outb(0x42, (uint8_t)(latch >> 8));
	uint64_t t0 = rdtsc();
	/* Bounded: 10 ms of PIT is far fewer port reads than this on any machine. */
	bool fired = false;
	for (unsigned long n = 0; n < 50000000ul && !fired; n++)
		fired = (inb(0x61) & 0x20) != 0;
	uint64_t t1 = rdtsc();
	outb(0x61, p61);
	if (!fired)
		return false;
	uint64_t k = (t1 - t0) / CAL_MS;
	if (k < 1000) /* under 1 MHz: not a believable TSC */
		return false;
	khz = k;
	return true;
}

uint64_t tsc_khz(void)
{
	return khz;
}

uint64_t tsc_deadline_ms(uint64_t ms)
{
	return rdtsc() + ms * khz;
}

uint64_t tsc_deadline_us(uint64_t us)
{
	return rdtsc() + us * khz / 1000u;
}

bool tsc_passed(uint64_t deadline)
{
	return (int64_t)(rdtsc() - deadline) >= 0;
}

void tsc_delay_us(uint64_t us)
{
	uint64_t d = tsc_deadline_us(us);
	while (!tsc_passed(d))
		__asm__ volatile("pause");
}

uint64_t tsc_ms_since(uint64_t t0)
{
	return (rdtsc() - t0) / khz;
}

uint64_t tsc_to_ns(uint64_t cycles)
{
	/* No 128-bit division in the core: whole milliseconds, then the rest. */
	return cycles / khz * 1000000u + cycles % khz * 1000000u / khz;
}
