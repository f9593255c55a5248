/* SPDX-License-Identifier: MIT */
/*
 * lapic.h — the local APIC as the native platform's SMP code uses it: its ID,
 * inter-processor interrupts (INIT, STARTUP, fixed vector), EOI (Intel SDM
 * vol. 3 ch. 11, AMD64 APM vol. 2 ch. 16).
 *
 * x2APIC when CPUID.1:ECX[21] says the processor has it: IA32_APIC_BASE
 * (MSR 0x1B) gets EN | EXTD, registers are MSRs 0x800 + offset / 16, the ICR
 * is one 64-bit write to MSR 0x830 with the 32-bit destination in bits
 * 63:32 and no delivery-status bit to wait for. Otherwise xAPIC: the
 * registers are MMIO at the base IA32_APIC_BASE names, mapped uncached into
 * the core's address space by lapic_init(); the ICR is written high half
 * (destination in bits 31:24) first, low half last, which sends, and the
 * sender waits for delivery status (bit 12) to clear. QEMU's TCG APIC has
 * x2APIC from QEMU 8; QEMU 7.2 boots the xAPIC path.
 *
 * Every processor calls lapic_init_cpu() for itself (x2APIC mode is per
 * processor); lapic_init() once on the boot processor first, which picks the
 * mode. Both only after the core's page tables are live. Native platform only:
 * an SNP guest reaches its APIC through the hypervisor and starts APs with
 * VMSAs (smp.h).
 *
 * The timer (LVT 0x320, initial/current count 0x380/0x390, divide 0x3E0) is the native
 * platform's watchdog for ring-3 service processes (user/process.h).
 */
#ifndef SVSM_ARCH_LAPIC_H
#define SVSM_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_APIC_BASE        0x1Bu
#define APIC_BASE_BSP        (1ull << 8)
#define APIC_BASE_EXTD       (1ull << 10)
#define APIC_BASE_EN         (1ull << 11)
#define CPUID_1_ECX_X2APIC   (1u << 21)

/* Register offsets (xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16). */
#define LAPIC_ID      0x020u
#define LAPIC_EOI     0x0B0u
#define LAPIC_SVR     0x0F0u
#define LAPIC_ICR_LO  0x300u
#define LAPIC_ICR_HI  0x310u
#define LAPIC_LVT_TIMER 0x320u
#define LAPIC_TIMER_INIT 0x380u
#define LAPIC_TIMER_CUR  0x390u
#define LAPIC_TIMER_DIV  0x3E0u
#define LAPIC_LVT_MASKED (1u << 16)

/* ICR low word: delivery mode, level, trigger; vector in bits 7:0. */
#define ICR_FIXED        0x00000u
#define ICR_NMI          0x00400u
#define ICR_INIT         0x00500u
#define ICR_STARTUP      0x00600u
#define ICR_BUSY         0x01000u /* xAPIC delivery status */
#define ICR_ASSERT       0x04000u
#define ICR_LEVEL        0x08000u

#define LAPIC_SVR_ENABLE 0x100u
#define LAPIC_SPURIOUS_VECTOR 0xFFu

/* ICR value for message mode | vector to dest: the 64-bit x2APIC form (destination in
 * 63:32). xAPIC takes the destination's low byte in bits 63:56 of the same value. Portable. */
static inline uint64_t lapic_icr(uint32_t mode_vector, uint32_t dest, bool x2apic)
{
	uint64_t d = x2apic ? (uint64_t)dest << 32 : (uint64_t)(dest & 0xFFu) << 56;
	return d | mode_vector;
}

/* Boot processor: picks x2APIC or xAPIC, maps the xAPIC page. false: no usable APIC. */
bool lapic_init(void);
/* This processor: the mode lapic_init() chose, software-enabled (spurious vector 0xFF). */
void lapic_init_cpu(void);
bool lapic_x2apic(void);
/* This processor's APIC ID as the ICR addresses it (32 bits in x2APIC mode, 8 in xAPIC). */
uint32_t lapic_id(void);
/* Sends an IPI (ICR_* mode | vector) to the APIC ID dest and waits until it left (xAPIC). */
void lapic_send(uint32_t dest, uint32_t mode_vector);
void lapic_eoi(void);
/* The timer, one-shot, on this processor: vector after `ticks` timer ticks (divide by 16),
 * or stopped (masked, count 0). lapic_timer_hz() calibrates the tick rate against the TSC
 * once (10 ms; 0 when the TSC rate is unknown or the timer does not count). */
void lapic_timer_oneshot(uint8_t vector, uint32_t ticks);
void lapic_timer_stop(void);
uint64_t lapic_timer_hz(void);

#endif
