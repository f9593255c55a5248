/* SPDX-License-Identifier: MIT */
/* smp.c — see smp.h. The platform-independent part: areas, stacks, the wait, the work loop. */
#include "smp.h"

#include <stdatomic.h>

#include "arch/cpu.h"
#include "arch/idt.h"
#include "arch/tsc.h"
#include "console.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/shootdown.h"
#include "percpu.h"
#include "platform.h"
#include "user/process.h"

#define STACK_PAGES 4u /* as the boot stack: 16 KiB */
#define IST_PAGES   2u /* as the boot IST stack: 8 KiB */
#define SNP_WAIT_SPINS 100000000ull /* PAUSEs: the bound on SNP, where the core reads no clock
				     * (RDTSC may be intercepted, and the PIT is the host's) */

/* STARTING → FAILED (the boot CPU gave up, or the AP could not initialise), or STARTING →
 * JOINING (the AP claimed its place; it cannot fail from here) → ONLINE (in the shootdown set,
 * counted, in its loop). */
enum { CPU_OFFLINE, CPU_STARTING, CPU_JOINING, CPU_ONLINE, CPU_FAILED };

static atomic_int state[MAX_CPUS];
static const char *fail_why[MAX_CPUS];
static atomic_uint online = 1;
static unsigned expected = 1, ncpus = 1; /* ncpus: areas in use, indices 0..ncpus-1 */
static const struct smp_ops *ops;

static struct shootdown_cpu sd_cpu[MAX_CPUS];
static struct shootdown sd;

static struct {
	void (*fn)(void *arg, unsigned cpu);
	void *arg;
	_Atomic uint64_t seq;
	atomic_uint done;
} work;

static unsigned self_index(void)
{
	struct percpu *p = this_cpu();
	return p ? p->cpu_index : 0;
}

static void sd_flush(void *ctx)
{
	(void)ctx;
	ops->local_flush();
}

static void sd_ipi(void *ctx, unsigned cpu)
{
	(void)ctx;
	ops->send_ipi(percpu_get(cpu));
}

static void sd_relax(void *ctx)
{
	(void)ctx;
	__asm__ volatile("pause");
}

unsigned smp_cpus_online(void)
{
	return atomic_load(&online);
}

unsigned smp_cpus_expected(void)
{
	return expected;
}

unsigned smp_online_index(unsigned n)
{
	for (unsigned i = 0; i < ncpus; i++)
		if (atomic_load(&state[i]) == CPU_ONLINE && n-- == 0)
			return i;
	return MAX_CPUS;
}

void smp_tlb_flush_all(void)
{
	if (!ops) {
		/* Before smp_start(): this CPU is the only one. */
		write_cr3(read_cr3());
		return;
	}
	shootdown_all(&sd, self_index());
}

void smp_tlb_poll(void)
{
	if (ops)
		shootdown_poll(&sd, self_index());
}

void smp_idle_enter(void)
{
	if (ops)
		shootdown_idle_enter(&sd, self_index());
}

void smp_idle_exit(void)
{
	if (ops)
		shootdown_idle_exit(&sd, self_index());
}

void smp_ipi_work(void)
{
	smp_tlb_poll();
}

/* A stack of pages from the pool with an unmapped guard page below it; its top, or 0. */
static uint64_t alloc_stack(unsigned pages)
{
	uint64_t pa = alloc_pages(pages + 1, 1);
	if (!pa)
		return 0;
	uint64_t va = (uint64_t)(uintptr_t)phys_to_virt(pa);
	memset((void *)(uintptr_t)(va + PAGE_SIZE), 0, pages * PAGE_SIZE);
	if (pgt_unmap(&mm.pgt, va, PAGE_SIZE) != PGT_OK)
		return 0;
	invlpg(va);
	return va + (pages + 1) * PAGE_SIZE;
}

static bool ap_area(unsigned index, uint32_t apic_id)
{
	struct percpu *p = percpu_get(index);
	memset(p, 0, sizeof(*p));
	p->self = p;
	p->cpu_index = index;
	p->apic_id = apic_id;
	p->expect.vector = -1;
	p->stack_top = alloc_stack(STACK_PAGES);
	p->ist_top = alloc_stack(IST_PAGES);
	return p->stack_top && p->ist_top;
}

static void fail(unsigned i, const char *why)
{
	int s = CPU_STARTING;
	if (atomic_compare_exchange_strong(&state[i], &s, CPU_FAILED))
		fail_why[i] = why;
}

static bool all_reported(int pending)
{
	for (unsigned i = 1; i < ncpus; i++)
		if (atomic_load(&state[i]) == pending)
			return false;
	return true;
}

unsigned smp_start(const struct launch_info *li)
{
	ops = platform->smp;
	shootdown_init(&sd, sd_cpu, MAX_CPUS, 0, sd_flush, sd_ipi, sd_relax);
	this_cpu()->cpu_index = 0;
	atomic_store(&state[0], CPU_ONLINE);
	shootdown_online(&sd, 0);

	bool native = platform->type == LAUNCH_PLATFORM_NATIVE;
	if (native && !tsc_calibrate()) /* the bound of the waits below and of the boot stress */
		pr_warn("smp: the PIT did not answer; waits use a nominal %lu MHz TSC", (unsigned long)(tsc_khz() / 1000));
	static uint32_t ids[MAX_CPUS];
	uint32_t self = 0;
	unsigned m = ops->apic_ids(li, ids, MAX_CPUS, &self);
	this_cpu()->apic_id = self;
	expected = m ? m : 1;
	const char *why = expected > 1 ? ops->prepare(li) : "one CPU";
	if (expected > 1 && why) {
		pr_err("smp: application processors cannot be started: %s", why);
		pr_info("smp: 1 of %u CPUs online", expected);
		return 1;
	}
	uint64_t t0 = native ? rdtsc() : 0;
	unsigned listed = m < MAX_CPUS ? m : MAX_CPUS;
	if (m > MAX_CPUS)
		pr_err("smp: %u CPUs reported; the core runs on %u at most, the rest stay offline", m, MAX_CPUS);
	for (unsigned k = 0; expected > 1 && k < listed && ncpus < MAX_CPUS; k++) {
		if (ids[k] == self)
			continue;
		unsigned i = ncpus++;
		atomic_store(&state[i], CPU_STARTING);
		if (!ap_area(i, ids[k])) {
			fail(i, "no memory for its stacks");
			continue;
		}
		const char *e = ops->start(percpu_get(i));
		if (e)
			fail(i, e);
	}
	uint64_t deadline = native ? tsc_deadline_ms(SMP_START_TIMEOUT_MS) : 0;
	for (uint64_t spins = 0; !all_reported(CPU_STARTING); spins++) {
		if (native ? tsc_passed(deadline) : spins > SNP_WAIT_SPINS)
			break;
		smp_tlb_poll();
		__asm__ volatile("pause");
	}
	for (unsigned i = 1; i < ncpus; i++)
		fail(i, "it did not come up in time");
	while (!all_reported(CPU_JOINING)) /* claimed in time: a few instructions from ONLINE */
		__asm__ volatile("pause");
	for (unsigned i = 1; i < ncpus; i++)
		if (atomic_load(&state[i]) == CPU_FAILED)
			pr_err("smp: CPU %u (APIC ID %u) is offline: %s", i, percpu_get(i)->apic_id, fail_why[i]);
	if (native)
		pr_info("smp: %u of %u CPUs online (%s, %u ms)", smp_cpus_online(), expected, ops->how(),
			(unsigned)tsc_ms_since(t0));
	else
		pr_info("smp: %u of %u CPUs online (%s)", smp_cpus_online(), expected, ops->how());
	return smp_cpus_online();
}

void smp_run_all(void (*fn)(void *arg, unsigned cpu), void *arg)
{
	unsigned others = smp_cpus_online() - 1;
	work.fn = fn;
	work.arg = arg;
	atomic_store(&work.done, 0);
	atomic_fetch_add(&work.seq, 1); /* publishes fn and arg */
	for (unsigned i = 1; i < ncpus; i++)
		if (atomic_load(&state[i]) == CPU_ONLINE)
			ops->send_ipi(percpu_get(i));
	fn(arg, 0);
	while (atomic_load(&work.done) < others) {
		smp_tlb_poll();
		__asm__ volatile("pause");
	}
}

/* The native AP's loop: work when there is some, else HLT until the IPI. */
static __attribute__((noreturn)) void work_loop(unsigned index, uint64_t seen)
{
	for (;;) {
		shootdown_poll(&sd, index);
		uint64_t s = atomic_load(&work.seq);
		if (s != seen) {
			seen = s;
			work.fn(work.arg, index);
			atomic_fetch_add(&work.done, 1);
			continue;
		}
		shootdown_idle_enter(&sd, index);
		/* An IPI sent after this check is held pending (IF = 0) and ends the HLT at once. */
		if (atomic_load(&work.seq) == seen)
			ops->idle_wait();
		shootdown_idle_exit(&sd, index);
	}
}

void smp_ap_main(unsigned index)
{
	struct percpu *cpu = percpu_get(index);
	percpu_init_ap(cpu);
	idt_load();
	const char *e = ops->ap_init(cpu);
	if (e) {
		fail(index, e);
		halt_forever();
	}
	user_cpu_init(); /* the vTPM process runs on whichever CPU a guest request arrives */
	int s = CPU_STARTING;
	if (!atomic_compare_exchange_strong(&state[index], &s, CPU_JOINING))
		halt_forever(); /* reported offline already: stay out of everything shared */
	shootdown_online(&sd, index);
	atomic_fetch_add(&online, 1);
	uint64_t seen = atomic_load(&work.seq); /* before ONLINE: smp_run_all() waits for that */
	atomic_store(&state[index], CPU_ONLINE);
	if (ops->ap_run)
		ops->ap_run(cpu);
	work_loop(index, seen);
}
