/* SPDX-License-Identifier: MIT */
/*
 * shootdown.h — TLB shootdown across the core's CPUs by generations and
 * acknowledgements, for processors without a broadcast flush (INVLPGB):
 * "when shootdown_all() returns, no TLB of any CPU still holds a
 * translation made before it was called".
 *
 * shootdown_all(self) takes the next generation g (one sequentially
 * consistent increment, after every change it must publish: the caller's
 * RMPADJUST / PVALIDATE / page-table update), flushes its own TLB, and
 * waits until every other online CPU has acknowledged g or a later one. A
 * CPU acknowledges in shootdown_poll(): it reads the generation, flushes
 * its own TLB, and stores what it read as its acknowledgement. Every place
 * a CPU may wait calls shootdown_poll(): the spinlock relax hook of the
 * protocol platforms, the shootdown's own wait (two CPUs shooting down
 * at once acknowledge each other), the IPI handler, the request loop and
 * the stress loop between steps. So a CPU the caller waits for is either
 * running code that reaches a poll soon, or it is not running the core's
 * code at all — then it gets an IPI (send_ipi, once per generation per CPU)
 * whose handler polls: natively a fixed-vector interrupt, which an idle CPU
 * takes in HLT; on SNP an #HV IPI, which reaches a vCPU also while it
 * runs the guest's VMPL (the hypervisor switches it to VMPL0).
 *
 * An idle CPU (parked with nothing to run: no guest VMSA on SNP) is not
 * waited for: shootdown_idle_enter() marks it, shootdown_idle_exit()
 * unmarks it and then flushes before it runs anything that could use a
 * stale translation. Both sides order their store before their load
 * (sequentially consistent), so either the shooter sees the CPU idle
 * and the CPU sees the new generation when it leaves, or the shooter waits
 * for its acknowledgement — never neither (Dekker's argument).
 *
 * Waiting has no time bound: returning before every acknowledgement would
 * hand on a page some TLB may still reach (protocol G5). A CPU that never
 * answers stops the shooter; natively that cannot happen to an online CPU,
 * on SNP only a hypervisor that withholds the #HV can do it, and it can stop
 * the guest anyway.
 *
 * Portable: the core binds it to the local APIC (native) or to #HV IPIs
 * (SNP); tests/svsm/test_svsm_shootdown.c runs it with threads.
 */
#ifndef SVSM_MM_SHOOTDOWN_H
#define SVSM_MM_SHOOTDOWN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct shootdown_cpu {
	_Atomic uint64_t ack;      /* the last generation this CPU flushed for */
	_Atomic uint64_t ipi_gen;  /* the last generation it was sent an IPI for */
	atomic_int idle;           /* parked: flushes on shootdown_idle_exit() */
	atomic_int online;         /* counted in shootdowns */
};

struct shootdown {
	_Atomic uint64_t gen;
	struct shootdown_cpu *cpu;
	unsigned ncpus;
	void *ctx;
	void (*local_flush)(void *ctx);             /* this CPU's TLB, global entries included */
	void (*send_ipi)(void *ctx, unsigned cpu);   /* its handler calls shootdown_poll() */
	void (*relax)(void *ctx);                    /* while waiting (PAUSE); may be NULL */
	_Atomic uint64_t shootdowns, ipis, polls_flushed;
};

/* ncpus entries of cpu[], all offline. */
void shootdown_init(struct shootdown *s, struct shootdown_cpu *cpu, unsigned ncpus, void *ctx,
		    void (*local_flush)(void *), void (*send_ipi)(void *, unsigned), void (*relax)(void *));
/* CPU self joins (it flushes first: nothing it cached before counts as acknowledged). */
void shootdown_online(struct shootdown *s, unsigned self);
/* Flush everywhere; returns when every online, non-idle CPU acknowledged. */
void shootdown_all(struct shootdown *s, unsigned self);
/* The acknowledgement point: flushes and acknowledges when a generation is pending. */
void shootdown_poll(struct shootdown *s, unsigned self);
void shootdown_idle_enter(struct shootdown *s, unsigned self);
void shootdown_idle_exit(struct shootdown *s, unsigned self);

#endif
