/* SPDX-License-Identifier: MIT */
/* proto_kmem.c — see proto_kmem.h. */
#include "proto_kmem.h"

#include <stdint.h>

#include "../lib/string.h"
#include "../mm/mm.h"
#include "../smp.h"

void *proto_kmem_alloc(void *ctx, size_t n)
{
	(void)ctx;
	if (n < PAGE_SIZE) {
		void *p = kmalloc(n);
		if (p)
			memset(p, 0, n);
		return p;
	}
	size_t pages = (n + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t pa = alloc_pages((unsigned)pages, 1);
	if (!pa)
		return 0;
	void *p = phys_to_virt(pa);
	memset(p, 0, pages * PAGE_SIZE);
	return p;
}

void proto_kmem_free(void *ctx, void *p, size_t n)
{
	(void)ctx;
	if (n < PAGE_SIZE) {
		kfree(p);
		return;
	}
	/* Pool pages live in the kernel region, mapped at LAUNCH_KERNEL_VBASE (see mm.h). */
	uint64_t pa = (uint64_t)(uintptr_t)p - LAUNCH_KERNEL_VBASE + mm.region_gpa;
	free_pages(pa, (unsigned)((n + PAGE_SIZE - 1) / PAGE_SIZE));
}

void proto_kmem_relax(void *ctx)
{
	(void)ctx;
	smp_tlb_poll(); /* a CPU waiting for a lock still answers TLB shootdowns (mm/shootdown.h) */
	__asm__ volatile("pause");
}
