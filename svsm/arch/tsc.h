/* SPDX-License-Identifier: MIT */
/*
 * tsc.h — time for bounded waits on the native platform: the time-stamp
 * counter, calibrated once against the 8254 PIT's channel 2 (1.193182 MHz,
 * ports 0x42/0x43, gate and output through port 0x61), as Linux's
 * pit_calibrate_tsc() does: one-shot count of 10 ms, TSC read before and
 * after OUT2 rises.
 *
 * A PIT that never signals (no 8254) leaves a nominal rate (the boundary
 * in tsc_calibrate()), so a bound still holds, only less exactly. Waits
 * are for the SMP start-up and the boot self-test; nothing keeps wall-clock
 * time. Native platform only (on SNP the PIT is the hypervisor's to fake).
 */
#ifndef SVSM_ARCH_TSC_H
#define SVSM_ARCH_TSC_H

#include <stdbool.h>
#include <stdint.h>

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Once, on the boot processor, before the first wait: true when the PIT answered. */
bool tsc_calibrate(void);
uint64_t tsc_khz(void);
/* The TSC value ms milliseconds (us microseconds) from now. */
uint64_t tsc_deadline_ms(uint64_t ms);
uint64_t tsc_deadline_us(uint64_t us);
bool tsc_passed(uint64_t deadline);
void tsc_delay_us(uint64_t us);
/* Milliseconds since the TSC value t0. */
uint64_t tsc_ms_since(uint64_t t0);
/* TSC cycles as nanoseconds. */
uint64_t tsc_to_ns(uint64_t cycles);

#endif
