/* SPDX-License-Identifier: MIT */
/* mm.c — see mm.h. */
#include "mm.h"

#include "../arch/cpu.h"
#include "../console.h"
#include "../lib/string.h"
#include "../platform.h"
#include "../protocol/spinlock.h"

struct mm mm;
/* Pool and heap are shared by every CPU (smp.h): one lock, a leaf (nothing else is
 * taken while it is held), around each allocator call. */
static struct spinlock alloc_lock;

#define MAX_POOL_PAGES (256u * 1024u * 1024u / 4096u)
static uint8_t pool_bitmap[PALLOC_BITMAP_BYTES(MAX_POOL_PAGES)];
static int own_tables;

extern char _kernel_start[], _text_end[], _rodata_end[], _kernel_end[], _stack_guard[], _stack_bottom[];

void *phys_to_virt(uint64_t pa)
{
	/* The kernel region is mapped at the same place by the boot tables and ours. */
	if (pa >= mm.region_gpa && pa - mm.region_gpa < mm.region_size)
		return (void *)(uintptr_t)(LAUNCH_KERNEL_VBASE + (pa - mm.region_gpa));
	if (!own_tables)
		return (void *)(uintptr_t)pa; /* boot identity map */
	return (void *)(uintptr_t)(DMAP_BASE + pa);
}

static uint64_t pool_alloc_table(void *arg)
{
	(void)arg;
	return alloc_page();
}

static void *pgt_p2v(void *arg, uint64_t pa)
{
	(void)arg;
	return phys_to_virt(pa);
}

uint64_t alloc_pages(unsigned n, unsigned align)
{
	spin_lock(&alloc_lock, 0, 0);
	uint64_t pa = palloc_alloc(&mm.pool, n, align);
	spin_unlock(&alloc_lock);
	return pa;
}

bool free_pages(uint64_t pa, unsigned n)
{
	spin_lock(&alloc_lock, 0, 0);
	bool ok = palloc_free(&mm.pool, pa, n);
	spin_unlock(&alloc_lock);
	return ok;
}

uint64_t alloc_page(void)
{
	uint64_t pa = alloc_pages(1, 1);
	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void free_page(uint64_t pa)
{
	if (!free_pages(pa, 1))
		pr_warn("free_page: 0x%lx was not allocated", (unsigned long)pa);
}

void *kmalloc(uint64_t n)
{
	spin_lock(&alloc_lock, 0, 0);
	void *p = heap_alloc(&mm.heap, n);
	spin_unlock(&alloc_lock);
	return p;
}

void kfree(void *p)
{
	spin_lock(&alloc_lock, 0, 0);
	bool ok = heap_free(&mm.heap, p);
	spin_unlock(&alloc_lock);
	if (!ok)
		pr_warn("kfree: bad pointer %p", p);
}

static uint64_t kva_to_pa(const void *va)
{
	return mm.region_gpa + ((uint64_t)(uintptr_t)va - LAUNCH_KERNEL_VBASE);
}

static int map_kernel_region(void)
{
	uint64_t base = LAUNCH_KERNEL_VBASE;
	struct {
		const char *lo, *hi;
		uint64_t flags;
	} parts[] = {
		{ _kernel_start, _text_end, 0 },                       /* text: RX */
		{ _text_end, _rodata_end, PTE_NX },                    /* rodata: R */
		{ _rodata_end, _stack_guard, PTE_W | PTE_NX },         /* data, bss */
		{ _stack_bottom, _kernel_end, PTE_W | PTE_NX },        /* stacks */
	};
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		uint64_t lo = (uint64_t)(uintptr_t)parts[i].lo, hi = (uint64_t)(uintptr_t)parts[i].hi;
		int rc = pgt_map(&mm.pgt, lo, kva_to_pa(parts[i].lo), hi - lo, parts[i].flags | PTE_G);
		if (rc)
			return rc;
	}
	/* Everything past the image: the packed filesystem read-only, the pool read-write. */
	uint64_t img = (uint64_t)(uintptr_t)_kernel_end - base;
	uint64_t fs = mm.fs_size ? mm.fs_gpa - mm.region_gpa : img, fs_end = fs + mm.fs_size;
	int rc = 0;
	if (fs > img)
		rc = pgt_map(&mm.pgt, base + img, mm.region_gpa + img, fs - img, PTE_W | PTE_NX | PTE_G);
	if (!rc && mm.fs_size)
		rc = pgt_map(&mm.pgt, base + fs, mm.fs_gpa, mm.fs_size, PTE_NX | PTE_G);
	if (!rc)
		rc = pgt_map(&mm.pgt, base + fs_end, mm.region_gpa + fs_end, mm.region_size - fs_end,
			     PTE_W | PTE_NX | PTE_G);
	return rc;
}

/* The packed filesystem only where the builder puts it: page aligned, after the image, populated. */
static void take_fs(const struct launch_info *li)
{
	uint64_t lo = mm.region_gpa + mm.image_size, hi = mm.region_gpa + li->kernel_populated_size;
	if (!li->fs_size && !li->fs_gpa)
		return;
	if (li->fs_gpa % PAGE_SIZE || li->fs_size % PAGE_SIZE || !li->fs_size || li->fs_gpa < lo || li->fs_gpa > hi ||
	    li->fs_size > hi - li->fs_gpa) {
		pr_err("fs: 0x%lx+0x%lx is not a page-aligned range of the kernel region's populated part after the "
		       "image: ignored", (unsigned long)li->fs_gpa, (unsigned long)li->fs_size);
		return;
	}
	mm.fs_gpa = li->fs_gpa;
	mm.fs_size = li->fs_size;
}

static int map_direct(uint64_t pa, uint64_t size)
{
	uint64_t lo = pa & ~(LARGE_SIZE - 1);
	uint64_t hi = (pa + size + LARGE_SIZE - 1) & ~(LARGE_SIZE - 1);
	return pgt_map(&mm.pgt, DMAP_BASE + lo, lo, hi - lo, PTE_W | PTE_NX | PTE_PS);
}

int mm_init(const struct launch_info *li)
{
	mm.region_gpa = li->kernel_region_gpa;
	mm.region_size = li->kernel_region_size;
	mm.image_size = (uint64_t)(uintptr_t)_kernel_end - LAUNCH_KERNEL_VBASE;

	int rc = memmap_parse(phys_to_virt(li->memory_map_gpa), li->memory_map_size, &mm.host_map);
	if (rc) {
		pr_err("memory map at 0x%lx (%lu bytes) is unusable (%d)", (unsigned long)li->memory_map_gpa,
		       (unsigned long)li->memory_map_size, rc);
		return -1;
	}
	rc = memmap_subtract(&mm.host_map, mm.region_gpa, mm.region_size, &mm.guest_map);
	if (rc)
		return -1;

	if (li->kernel_populated_size <= mm.region_size)
		take_fs(li);
	uint64_t pool_start = mm.region_gpa + li->kernel_populated_size;
	uint64_t pool_pages = (mm.region_gpa + mm.region_size - pool_start) >> 12;
	if (li->kernel_populated_size < mm.image_size || pool_pages > MAX_POOL_PAGES || pool_pages < HEAP_PAGES * 2) {
		pr_err("kernel region 0x%lx+0x%lx cannot hold image and pool", (unsigned long)mm.region_gpa,
		       (unsigned long)mm.region_size);
		return -1;
	}
	palloc_init(&mm.pool, pool_start, pool_pages, pool_bitmap);
	uint64_t heap_pa = palloc_alloc(&mm.pool, HEAP_PAGES, 1);
	if (!heap_pa)
		return -1;
	heap_init(&mm.heap, phys_to_virt(heap_pa), HEAP_PAGES * PAGE_SIZE);

	mm.pgt.enc = platform->pte_private_mask();
	mm.pgt.alloc_table = pool_alloc_table;
	mm.pgt.p2v = pgt_p2v;
	mm.pgt.arg = 0;
	if (pgt_create(&mm.pgt) || map_kernel_region() || map_direct(0, LARGE_SIZE))
		return -1;
	for (unsigned i = 0; i < mm.host_map.count; i++)
		if (mm.host_map.r[i].type == MEMMAP_TYPE_RAM && map_direct(mm.host_map.r[i].base, mm.host_map.r[i].size))
			return -1;
	/* NX in our tables needs EFER.NXE; stage 2 set it. */
	write_cr3(mm.pgt.root);
	own_tables = 1;
	return 0;
}
