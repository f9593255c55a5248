/* SPDX-License-Identifier: MIT */
/*
 * spinlock.h — a test-and-test-and-set spinlock on C11 atomics. Header-only so
 * the same code serves the freestanding core (<stdatomic.h> is one of the
 * headers a freestanding implementation provides) and the host builds (unit
 * tests, stress test, fuzzer), where real threads contend for it.
 *
 * relax(ctx) is called while waiting: PAUSE in the core, sched_yield() on the
 * host so that a preempted holder gets the CPU back on an oversubscribed host.
 */
#ifndef SVSM_PROTOCOL_SPINLOCK_H
#define SVSM_PROTOCOL_SPINLOCK_H

#include <stdatomic.h>
#include <stdbool.h>

struct spinlock {
	atomic_bool held;
};

static inline void spin_init(struct spinlock *l)
{
	atomic_init(&l->held, false);
}

static inline bool spin_trylock(struct spinlock *l)
{
	return !atomic_load_explicit(&l->held, memory_order_relaxed) &&
	       !atomic_exchange_explicit(&l->held, true, memory_order_acquire);
}

static inline void spin_lock(struct spinlock *l, void (*relax)(void *), void *ctx)
{
	while (!spin_trylock(l)) {
		if (relax)
			relax(ctx);
		else
			__asm__ volatile("pause" ::: "memory");
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	atomic_store_explicit(&l->held, false, memory_order_release);
}

#endif
