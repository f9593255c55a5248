/* SPDX-License-Identifier: MIT */
/*
 * mm.h — the core's memory: its page pool (the kernel region past the
 * image), its heap, its own page tables, and the physical-to-virtual rules.
 *
 * Virtual layout once mm_init() returns:
 *   LAUNCH_KERNEL_VBASE + off  the whole kernel region (image with per-section
 *                              permissions, guard page below the boot stack
 *                              unmapped, the packed filesystem R+NX, the pool RW+NX)
 *   DMAP_BASE + pa             direct map (2 MiB pages, RW+NX) of every RAM
 *                              range of the memory map and of the low 2 MiB
 *                              (launch information, parameter pages, CPUID page)
 */
#ifndef SVSM_MM_MM_H
#define SVSM_MM_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "../../format/launch_info.h"
#include "heap.h"
#include "memmap.h"
#include "palloc.h"
#include "pgtable.h"

#define DMAP_BASE 0xFFFF800000000000ull
#define HEAP_PAGES 64u /* 256 KiB */

struct mm {
	uint64_t region_gpa, region_size;
	uint64_t image_size;
	uint64_t fs_gpa, fs_size; /* the packed filesystem (launch_info fs_*), checked; 0 = none */
	struct palloc pool;
	struct heap heap;
	struct pgt pgt;
	struct memmap host_map;   /* as the host gave it */
	struct memmap guest_map;  /* RAM minus the SVSM region */
};

extern struct mm mm;

/* Returns 0 or a negative reason; logs what it did. */
int mm_init(const struct launch_info *li);
void *phys_to_virt(uint64_t pa);
/* The allocators below may be called on any CPU at once (one lock inside). */
uint64_t alloc_page(void);    /* zeroed, 0 if none */
void free_page(uint64_t pa);
uint64_t alloc_pages(unsigned n, unsigned align_pages); /* not zeroed, 0 if none */
bool free_pages(uint64_t pa, unsigned n);               /* false: not allocated */
void *kmalloc(uint64_t n);
void kfree(void *p);

#endif
