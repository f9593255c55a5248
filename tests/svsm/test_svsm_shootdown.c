/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_shootdown.c — svsm/mm/shootdown.c: first step by step on one
 * thread (who gets an IPI, who is skipped, what an idle CPU does when it
 * leaves), then with threads as CPUs that work, spin on locks, sit idle, or
 * run "guest code" that only an IPI interrupts, some of them shooting down
 * at the same time. The invariant: a CPU doing work never holds a TLB older
 * than the last shootdown that returned before the work began; and nobody
 * waits forever (a watchdog).
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "../unit/tap.h"

#include "../../svsm/mm/shootdown.h"

#define NCPU 5

static struct shootdown s;
static struct shootdown_cpu cpus[NCPU];
static _Thread_local unsigned me;
static _Atomic uint64_t tlb_gen[NCPU]; /* the generation this CPU's "TLB" was flushed at */
static atomic_int ipi_pending[NCPU];
static _Atomic uint64_t flushes[NCPU];
static int sync_ipi;                  /* step tests: the IPI handler runs at once, on the target's behalf */

static void local_flush(void *ctx)
{
	(void)ctx;
	atomic_store(&tlb_gen[me], atomic_load(&s.gen));
	atomic_fetch_add(&flushes[me], 1);
}

static void send_ipi(void *ctx, unsigned cpu)
{
	(void)ctx;
	if (sync_ipi) {
		unsigned saved = me;
		me = cpu;
		shootdown_poll(&s, cpu);
		me = saved;
		return;
	}
	atomic_store(&ipi_pending[cpu], 1);
}

static void relax(void *ctx)
{
	(void)ctx;
	sched_yield();
}

static void test_steps(void)
{
	shootdown_init(&s, cpus, NCPU, 0, local_flush, send_ipi, relax);
	sync_ipi = 1;
	me = 0;
	shootdown_online(&s, 0);
	me = 1;
	shootdown_online(&s, 1);
	me = 2;
	shootdown_online(&s, 2);
	me = 0;
	shootdown_all(&s, 0);
	ok(atomic_load(&s.gen) == 1 && atomic_load(&cpus[1].ack) == 1 && atomic_load(&cpus[2].ack) == 1,
	   "generation 1 acknowledged by both other online CPUs");
	is_u64(atomic_load(&s.ipis), 2, "one IPI to each (CPUs 3 and 4 are offline: none)");
	shootdown_all(&s, 0);
	is_u64(atomic_load(&s.ipis), 4, "a new generation, a new IPI each");

	me = 2;
	shootdown_idle_enter(&s, 2);
	me = 0;
	shootdown_all(&s, 0);
	ok(atomic_load(&s.ipis) == 5 && atomic_load(&cpus[2].ack) == 2, "an idle CPU gets no IPI and is not waited for");
	uint64_t before = atomic_load(&flushes[2]);
	me = 2;
	shootdown_idle_exit(&s, 2);
	ok(atomic_load(&flushes[2]) == before + 1 && atomic_load(&cpus[2].ack) == 3 && atomic_load(&tlb_gen[2]) == 3,
	   "leaving idle flushes and acknowledges the generation it missed");
	before = atomic_load(&flushes[2]);
	shootdown_poll(&s, 2);
	is_u64(atomic_load(&flushes[2]), before, "a poll with nothing pending flushes nothing");

	/* Before the IPI arrives the target may answer by polling: no IPI then is needed twice. */
	sync_ipi = 0;
	me = 1;
	shootdown_poll(&s, 1);
	me = 0;
	atomic_store(&ipi_pending[1], 0);
	atomic_store(&ipi_pending[2], 0);
	sync_ipi = 1;
}

/* ---- threads ---- */

static atomic_bool stop;
static _Atomic uint64_t completed;       /* a lower bound of the last generation that returned */
static _Atomic uint64_t violations, works, shootdowns_done, idles, guests;
static _Atomic uint64_t last_progress_ns;

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void take_ipi(unsigned i)
{
	if (atomic_exchange(&ipi_pending[i], 0))
		shootdown_poll(&s, i); /* the handler */
}

static void *cpu_thread(void *arg)
{
	me = (unsigned)(uintptr_t)arg;
	unsigned i = me;
	uint64_t rng = 0x12345 + i;
	shootdown_online(&s, i);
	while (!atomic_load(&stop)) {
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		unsigned k = (unsigned)(rng % 100);
		take_ipi(i);
		if (k < 40) { /* work: must see every shootdown that returned before */
			uint64_t c = atomic_load(&completed);
			if (atomic_load(&tlb_gen[i]) < c)
				atomic_fetch_add(&violations, 1);
			atomic_fetch_add(&works, 1);
		} else if (k < 60) { /* revoke something: shoot down */
			uint64_t g0 = atomic_load(&s.gen);
			shootdown_all(&s, i);
			uint64_t c = atomic_load(&completed);
			while (c < g0 + 1 && !atomic_compare_exchange_weak(&completed, &c, g0 + 1))
				;
			atomic_fetch_add(&shootdowns_done, 1);
			atomic_store(&last_progress_ns, now_ns());
		} else if (k < 75) { /* spin on a lock: the relax hook polls */
			for (int n = 0; n < 50; n++) {
				shootdown_poll(&s, i);
				sched_yield();
			}
		} else if (k < 85) { /* idle: nobody waits for it */
			shootdown_idle_enter(&s, i);
			struct timespec t = { 0, 200000 };
			nanosleep(&t, NULL);
			shootdown_idle_exit(&s, i);
			atomic_fetch_add(&idles, 1);
		} else { /* guest code: only an IPI gets its attention */
			for (int n = 0; n < 20; n++) {
				struct timespec t = { 0, 50000 };
				nanosleep(&t, NULL);
				take_ipi(i);
			}
			atomic_fetch_add(&guests, 1);
		}
	}
	/* Stay responsive until everyone stopped (a late shooter may wait for us). */
	shootdown_idle_enter(&s, i);
	return NULL;
}

static void test_threads(void)
{
	shootdown_init(&s, cpus, NCPU, 0, local_flush, send_ipi, relax);
	sync_ipi = 0;
	atomic_store(&last_progress_ns, now_ns());
	pthread_t th[NCPU];
	for (unsigned i = 0; i < NCPU; i++)
		pthread_create(&th[i], NULL, cpu_thread, (void *)(uintptr_t)i);
	uint64_t t0 = now_ns();
	int stuck = 0;
	/* Run at least 2 s and until a shootdown completes after that; a deadlock is no progress for
	 * 30 s. Wall-clock bounds this generous keep a loaded machine (a niced package build next to
	 * two compilers) from starving the threads into a false failure. */
	for (;;) {
		struct timespec t = { 0, 10000000 };
		nanosleep(&t, NULL);
		uint64_t now = now_ns(), last = atomic_load(&last_progress_ns);
		if (now - t0 >= 2000000000ull && last >= t0 + 2000000000ull)
			break;
		if (now > last && now - last > 30000000000ull) {
			stuck = 1;
			break;
		}
	}
	atomic_store(&stop, true);
	if (stuck) {
		ok(0, "a shootdown waited more than 30 s (deadlock)");
		exit(tap_done());
	}
	for (unsigned i = 0; i < NCPU; i++)
		pthread_join(th[i], NULL);
	ok(atomic_load(&shootdowns_done) > 50, "%llu shootdowns, several at once",
	   (unsigned long long)atomic_load(&shootdowns_done));
	ok(atomic_load(&s.ipis) > 0 && atomic_load(&idles) > 0 && atomic_load(&guests) > 0,
	   "IPIs sent (%llu), idle CPUs skipped, guest-mode CPUs interrupted", (unsigned long long)atomic_load(&s.ipis));
	ok(atomic_load(&works) > 100, "%llu work steps checked", (unsigned long long)atomic_load(&works));
	is_u64(atomic_load(&violations), 0, "no work step ran on a TLB older than a shootdown that had returned");
}

int main(void)
{
	test_steps();
	test_threads();
	return tap_done();
}
