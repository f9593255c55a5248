/* SPDX-License-Identifier: MIT */
/* shootdown.c — see shootdown.h. */
#include "shootdown.h"

void shootdown_init(struct shootdown *s, struct shootdown_cpu *cpu, unsigned ncpus, void *ctx,
		    void (*local_flush)(void *), void (*send_ipi)(void *, unsigned), void (*relax)(void *))
{
	atomic_init(&s->gen, 0);
	s->cpu = cpu;
	s->ncpus = ncpus;
	s->ctx = ctx;
	s->local_flush = local_flush;
	s->send_ipi = send_ipi;
	s->relax = relax;
	atomic_init(&s->shootdowns, 0);
	atomic_init(&s->ipis, 0);
	atomic_init(&s->polls_flushed, 0);
	for (unsigned i = 0; i < ncpus; i++) {
		atomic_init(&cpu[i].ack, 0);
		atomic_init(&cpu[i].ipi_gen, 0);
		atomic_init(&cpu[i].idle, 0);
		atomic_init(&cpu[i].online, 0);
	}
}

/* Flush, then acknowledge what was read before it (never less than a CPU's own ack). */
static void flush_ack(struct shootdown *s, unsigned self)
{
	uint64_t g = atomic_load(&s->gen);
	s->local_flush(s->ctx);
	uint64_t a = atomic_load(&s->cpu[self].ack);
	while (a < g && !atomic_compare_exchange_weak(&s->cpu[self].ack, &a, g))
		;
}

void shootdown_online(struct shootdown *s, unsigned self)
{
	atomic_store(&s->cpu[self].online, 1);
	flush_ack(s, self);
}

void shootdown_poll(struct shootdown *s, unsigned self)
{
	if (atomic_load(&s->cpu[self].ack) < atomic_load(&s->gen)) {
		flush_ack(s, self);
		atomic_fetch_add_explicit(&s->polls_flushed, 1, memory_order_relaxed);
	}
}

void shootdown_all(struct shootdown *s, unsigned self)
{
	uint64_t g = atomic_fetch_add(&s->gen, 1) + 1;
	atomic_fetch_add_explicit(&s->shootdowns, 1, memory_order_relaxed);
	flush_ack(s, self);
	for (unsigned i = 0; i < s->ncpus; i++) {
		struct shootdown_cpu *c = &s->cpu[i];
		if (i == self)
			continue;
		while (atomic_load(&c->online) && atomic_load(&c->ack) < g && !atomic_load(&c->idle)) {
			uint64_t sent = atomic_load(&c->ipi_gen);
			if (sent < g && atomic_compare_exchange_strong(&c->ipi_gen, &sent, g)) {
				atomic_fetch_add_explicit(&s->ipis, 1, memory_order_relaxed);
				s->send_ipi(s->ctx, i);
			}
			shootdown_poll(s, self); /* another CPU may be waiting for us meanwhile */
			if (s->relax)
				s->relax(s->ctx);
		}
	}
}

void shootdown_idle_enter(struct shootdown *s, unsigned self)
{
	atomic_store(&s->cpu[self].idle, 1);
}

void shootdown_idle_exit(struct shootdown *s, unsigned self)
{
	atomic_store(&s->cpu[self].idle, 0);
	flush_ack(s, self); /* unconditionally: a generation it skipped while idle has no IPI behind it */
}
