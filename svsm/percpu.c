/* SPDX-License-Identifier: MIT */
/* percpu.c — per-CPU areas (percpu.h). */
#include "percpu.h"

#include "arch/cpu.h"
#include "arch/gdt.h"

static struct percpu cpus[MAX_CPUS];

struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

void percpu_init_bsp(void)
{
	struct percpu *p = &cpus[0];
	p->self = p;
	p->cpu_index = 0;
	p->expect.vector = -1;
	gdt_load(p);
	/* After gdt_load: reloading GS clears the base, so set it last. */
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)p);
}

struct percpu *percpu_get(unsigned index)
{
	return index < MAX_CPUS ? &cpus[index] : 0;
}

void percpu_init_ap(struct percpu *p)
{
	p->self = p;
	gdt_load(p);
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)p);
}
