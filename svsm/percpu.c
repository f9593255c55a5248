/* SPDX-License-Identifier: MIT */
/* percpu.c — per-CPU areas; only the boot CPU runs for now (APs stay halted). */
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
