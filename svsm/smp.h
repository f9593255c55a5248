/* SPDX-License-Identifier: MIT */
/*
 * smp.h — the core on every CPU: bringing the application processors (APs)
 * up, the work they do, and TLB shootdowns between them.
 *
 * Which CPUs: the platform names them (smp_ops.apic_ids). M, the count, is
 * the IGVM VP_COUNT parameter (launch information vp_count_gpa). Their APIC
 * IDs: on SNP the host's list (GHCB "Get APIC IDs", NAE 0x8000_0017, when
 * HV feature bit 4 says the host has it — KVM fills it with its vCPU IDs,
 * which QEMU makes the APIC IDs); otherwise, and natively, 0..M-1. That is
 * what QEMU assigns for "-smp M" without an explicit topology (its
 * x86_apicid_from_cpu_idx(): socket, core and thread fields each as wide as
 * their count needs, so one socket of M cores or M one-core sockets count
 * 0..M-1), and what COCONUT-SVSM did from the IGVM VP count before it read
 * QEMU's MADT (fw_cfg, or the IGVM MADT parameter that QEMU gained in 2026:
 * more code — an ACPI parser — than this image's QEMU 7.2 path can use).
 * A topology with gaps in its APIC IDs shows up as CPUs that do not come
 * up, reported as such; the boot CPU is whichever ID it reads as its own.
 *
 * Bring-up (boot CPU, smp_start(), after the core's page tables, the
 * allocators and the platform are up, before the self-tests): every AP gets
 * a per-CPU area (percpu.h) with its own stack and IST stack (a guard page
 * below each, unmapped), GDT and TSS; the IDT is shared; all CPUs run on the
 * core's one set of page tables, so a mapping is the same everywhere (the
 * transition table of the native start-up is the only per-start table).
 * The platform starts them (native: INIT-SIPI-SIPI through the local APIC,
 * x2APIC when the CPU has it, real-mode code in the launch's AP page,
 * smp_native.c; SNP: a VMPL0 VMSA per vCPU and SNP AP Creation, smp_snp.c),
 * all at once; then the boot CPU waits up to SMP_START_TIMEOUT_MS for every
 * one to report (natively by the TSC; on SNP, where the core reads no clock —
 * RDTSC may be intercepted, the PIT is the host's — a bound of PAUSEs). An AP that has not reported by then is marked failed with
 * one atomic compare-and-exchange — if it comes up later it loses that race
 * and halts without touching anything shared (its stacks stay its own) —
 * and the boot goes on without it. The log then says
 *   smp: N of M CPUs online (...)
 * and, for each one missing, why.
 *
 * Once online, an AP does what the platform gives it (smp_ops.ap_run: on
 * SNP the request loop for its vCPU), or on the native platform waits for
 * smp_run_all() work with interrupts enabled in HLT only, woken by the IPI
 * (IDT_IPI_VECTOR).
 *
 * TLB shootdowns (mm/shootdown.h) use this CPU set: smp_tlb_flush_all() is
 * what the protocol platforms call when no broadcast flush instruction
 * exists; smp_tlb_poll() is the acknowledgement point for spin loops.
 */
#ifndef SVSM_SMP_H
#define SVSM_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "../format/launch_info.h"

#define SMP_START_TIMEOUT_MS 1000u /* TCG with 8 vCPUs on 2 host cores needs a few ms per AP */

struct percpu;

struct smp_ops {
	/* For the log: how APs are started (valid after prepare). */
	const char *(*how)(void);
	/* Boot CPU: the APIC IDs of all CPUs (its own included) into ids; their count (0: unknown,
	 * one CPU). *self: the boot CPU's own APIC ID. */
	unsigned (*apic_ids)(const struct launch_info *li, uint32_t *ids, unsigned max, uint32_t *self);
	/* Boot CPU, once before the first start; NULL when the reason is logged and no AP can start. */
	const char *(*prepare)(const struct launch_info *li);
	/* Starts the AP whose area cpu is filled in (index, APIC ID, stacks). NULL, or why not. */
	const char *(*start)(struct percpu *cpu);
	/* On the AP, first thing after its GDT and IDT: the platform's per-CPU state. NULL, or why
	 * the AP cannot serve (it halts; the boot CPU logs the reason). */
	const char *(*ap_init)(struct percpu *cpu);
	/* What an online AP runs (does not return); NULL: the smp_run_all() work loop. */
	void (*ap_run)(struct percpu *cpu);
	/* An IPI to cpu whose handler calls smp_ipi_work(). */
	void (*send_ipi)(struct percpu *cpu);
	/* This CPU's whole TLB, global entries included. */
	void (*local_flush)(void);
	/* Interrupts off before and after: waits for an IPI (native: STI; HLT; CLI). */
	void (*idle_wait)(void);
};

/* Boot CPU. Returns the number of CPUs online. */
unsigned smp_start(const struct launch_info *li);
unsigned smp_cpus_online(void);
unsigned smp_cpus_expected(void);
/* The index of the n-th online CPU (0 = the boot CPU), or MAX_CPUS-1 + 1 when none. */
unsigned smp_online_index(unsigned n);

/* Native: fn(arg, cpu index) on every online CPU, the caller's included; returns when all
 * returned. Boot CPU only, one at a time. */
void smp_run_all(void (*fn)(void *arg, unsigned cpu), void *arg);

/* TLB shootdown across the online CPUs (mm/shootdown.h); a no-op but for this CPU before
 * smp_start(). */
void smp_tlb_flush_all(void);
/* Acknowledgement point for spin loops: cheap when nothing is pending. */
void smp_tlb_poll(void);
/* Idle marks for the shootdown (an idle CPU flushes when it leaves). */
void smp_idle_enter(void);
void smp_idle_exit(void);

/* The native IPI's interrupt (idt.c): EOI, then the shootdown's acknowledgement. */
void smp_ipi_interrupt(void);
/* What any IPI handler does on this CPU (also the SNP #HV handler). */
void smp_ipi_work(void);

/* The AP's C entry (arch/ap_boot.S), on its own stack. */
__attribute__((noreturn)) void smp_ap_main(unsigned index);

extern const struct smp_ops smp_native_ops, smp_snp_ops;

#endif
