/* SPDX-License-Identifier: MIT */
/*
 * pthread.c — the thread functions OpenSSL's threading layer calls
 * (crypto/threads_pthread.c) with glibc's types, where a "thread" is a CPU:
 *
 *  pthread_once      pthread_once_t is glibc's int, PTHREAD_ONCE_INIT 0. The first
 *                    caller moves it 0 -> 1 (running) with a compare-exchange, runs
 *                    the routine and stores 2 (done, release); every other caller,
 *                    on any CPU, waits until it reads 2 (acquire). So the routine
 *                    runs exactly once and its effects are visible to everyone who
 *                    returns. (A routine that calls pthread_once on its own control
 *                    deadlocks, as in glibc.)
 *  keys              LIBC_KEYS slots; a value per (key, CPU). Creating a key gives
 *                    NULL on every CPU (POSIX). Destructors run at thread exit,
 *                    which never happens here: they are recorded, not called.
 *  read/write locks  pthread_rwlock_t is glibc's 56-byte union; ours uses its first
 *                    12 bytes: a count (readers, or -1 for the writer), the writer's
 *                    CPU and the number of writers waiting. Writers are preferred: a
 *                    new reader waits while a writer does, so a stream of readers
 *                    cannot starve one. Write-locking or read-locking a lock this CPU
 *                    holds for writing is EDEADLK, as glibc reports, instead of
 *                    spinning forever. (Read-locking again while another CPU's
 *                    writer waits would wait for ever, as with any writer-preferring
 *                    lock; the vTPM runs on one CPU at a time, service.h.)
 *  pthread_self      the CPU index + 1 (never 0).
 */
#include <stdatomic.h>
#include <stdbool.h>

#include "libc.h"

#define LIBC_KEYS 64u
#define LIBC_MAX_CPUS 64u
#define LIBC_EBUSY 16
#define LIBC_EDEADLK 35

int LIBC(pthread_once)(atomic_int *once, void (*init)(void));
int LIBC(pthread_once)(atomic_int *once, void (*init)(void))
{
	if (atomic_load_explicit(once, memory_order_acquire) == 2)
		return 0;
	int expect = 0;
	if (atomic_compare_exchange_strong_explicit(once, &expect, 1, memory_order_acq_rel, memory_order_acquire)) {
		init();
		atomic_store_explicit(once, 2, memory_order_release);
		return 0;
	}
	while (atomic_load_explicit(once, memory_order_acquire) != 2)
		libc_sys_relax();
	return 0;
}

static atomic_flag key_lock = ATOMIC_FLAG_INIT;
static bool key_used[LIBC_KEYS];
static void (*key_dtor[LIBC_KEYS])(void *);
static const void *key_value[LIBC_MAX_CPUS][LIBC_KEYS];

static void lock_keys(void)
{
	while (atomic_flag_test_and_set_explicit(&key_lock, memory_order_acquire))
		libc_sys_relax();
}

static void unlock_keys(void)
{
	atomic_flag_clear_explicit(&key_lock, memory_order_release);
}

static unsigned cpu_slot(void)
{
	unsigned c = libc_sys_cpu();
	if (c >= LIBC_MAX_CPUS)
		libc_sys_abort("pthread: CPU index beyond LIBC_MAX_CPUS");
	return c;
}

int LIBC(pthread_key_create)(unsigned *key, void (*dtor)(void *));
int LIBC(pthread_key_create)(unsigned *key, void (*dtor)(void *))
{
	lock_keys();
	for (unsigned k = 0; k < LIBC_KEYS; k++) {
		if (key_used[k])
			continue;
		key_used[k] = true;
		key_dtor[k] = dtor;
		for (unsigned c = 0; c < LIBC_MAX_CPUS; c++)
			key_value[c][k] = NULL;
		unlock_keys();
		*key = k;
		return 0;
	}
	unlock_keys();
	return LIBC_EAGAIN;
}

int LIBC(pthread_key_delete)(unsigned key);
int LIBC(pthread_key_delete)(unsigned key)
{
	lock_keys();
	int rc = key < LIBC_KEYS && key_used[key] ? 0 : LIBC_EINVAL;
	if (!rc)
		key_used[key] = false;
	unlock_keys();
	return rc;
}

void *LIBC(pthread_getspecific)(unsigned key);
void *LIBC(pthread_getspecific)(unsigned key)
{
	return key < LIBC_KEYS ? (void *)key_value[cpu_slot()][key] : NULL;
}

int LIBC(pthread_setspecific)(unsigned key, const void *v);
int LIBC(pthread_setspecific)(unsigned key, const void *v)
{
	if (key >= LIBC_KEYS || !key_used[key])
		return LIBC_EINVAL;
	key_value[cpu_slot()][key] = v;
	return 0;
}

unsigned long LIBC(pthread_self)(void);
unsigned long LIBC(pthread_self)(void)
{
	return (unsigned long)cpu_slot() + 1;
}

struct rwlock {
	atomic_int count;   /* > 0 readers, -1 a writer, 0 free */
	atomic_uint writer; /* CPU index + 1 of the writer, 0 none */
	atomic_int waiting; /* writers waiting */
};
_Static_assert(sizeof(struct rwlock) <= 56, "fits glibc's pthread_rwlock_t");

int LIBC(pthread_rwlock_init)(struct rwlock *l, const void *attr);
int LIBC(pthread_rwlock_init)(struct rwlock *l, const void *attr)
{
	(void)attr;
	atomic_init(&l->count, 0);
	atomic_init(&l->writer, 0);
	atomic_init(&l->waiting, 0);
	return 0;
}

int LIBC(pthread_rwlock_destroy)(struct rwlock *l);
int LIBC(pthread_rwlock_destroy)(struct rwlock *l)
{
	return atomic_load(&l->count) ? LIBC_EBUSY : 0;
}

static bool self_writes(struct rwlock *l)
{
	return atomic_load_explicit(&l->writer, memory_order_relaxed) == cpu_slot() + 1;
}

int LIBC(pthread_rwlock_rdlock)(struct rwlock *l);
int LIBC(pthread_rwlock_rdlock)(struct rwlock *l)
{
	if (self_writes(l))
		return LIBC_EDEADLK;
	for (;;) {
		int c = atomic_load_explicit(&l->count, memory_order_relaxed);
		if (c >= 0 && !atomic_load_explicit(&l->waiting, memory_order_relaxed) &&
		    atomic_compare_exchange_weak_explicit(&l->count, &c, c + 1, memory_order_acquire, memory_order_relaxed))
			return 0;
		libc_sys_relax();
	}
}

int LIBC(pthread_rwlock_wrlock)(struct rwlock *l);
int LIBC(pthread_rwlock_wrlock)(struct rwlock *l)
{
	if (self_writes(l))
		return LIBC_EDEADLK;
	atomic_fetch_add_explicit(&l->waiting, 1, memory_order_relaxed);
	for (;;) {
		int c = 0;
		if (atomic_compare_exchange_weak_explicit(&l->count, &c, -1, memory_order_acquire, memory_order_relaxed)) {
			atomic_fetch_sub_explicit(&l->waiting, 1, memory_order_relaxed);
			atomic_store_explicit(&l->writer, cpu_slot() + 1, memory_order_relaxed);
			return 0;
		}
		libc_sys_relax();
	}
}

int LIBC(pthread_rwlock_unlock)(struct rwlock *l);
int LIBC(pthread_rwlock_unlock)(struct rwlock *l)
{
	int c = atomic_load_explicit(&l->count, memory_order_relaxed);
	if (c == -1) {
		atomic_store_explicit(&l->writer, 0, memory_order_relaxed);
		atomic_store_explicit(&l->count, 0, memory_order_release);
		return 0;
	}
	if (c <= 0)
		return LIBC_EPERM;
	atomic_fetch_sub_explicit(&l->count, 1, memory_order_release);
	return 0;
}
