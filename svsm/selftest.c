/* SPDX-License-Identifier: MIT */
/* selftest.c — see selftest.h. Faults are provoked with a fixup armed in the per-CPU area. */
#include "selftest.h"

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/vmpl_switch.h"
#include "console.h"
#include "fs/rootfs.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "percpu.h"
#include "platform.h"
#include "protocol/proto_native.h"
#include "smp.h"
#include "snp/hv_doorbell.h"

#define TEST_VA 0xFFFFC00000000000ull /* a PML4 slot nothing else uses */
#ifndef SVSM_STRESS_MS
#define SVSM_STRESS_MS 300 /* the boot self-test's share; make bench runs it longer */
#endif

static int failures, passes;

static void check(const char *name, int ok)
{
	if (ok)
		passes++;
	else
		failures++;
	log_msg(ok ? LOG_INFO : LOG_ERR, "selftest: %s: %s", name, ok ? "ok" : "FAILED");
}

static void test_allocator(void)
{
	size_t before = mm.pool.nfree;
	uint64_t a = alloc_page(), b = alloc_page();
	uint64_t c = palloc_alloc(&mm.pool, 8, 8);
	int ok = a && b && c && a != b && !(c & 0x7FFF) && mm.pool.nfree == before - 10;
	if (ok) {
		uint64_t *pa = phys_to_virt(a), *pb = phys_to_virt(b);
		for (int i = 0; i < 512; i++) {
			pa[i] = 0xA5A5A5A5A5A5A5A5ull ^ (uint64_t)i;
			pb[i] = (uint64_t)i;
		}
		for (int i = 0; i < 512 && ok; i++)
			ok = pa[i] == (0xA5A5A5A5A5A5A5A5ull ^ (uint64_t)i) && pb[i] == (uint64_t)i;
	}
	free_page(a);
	int dbl = palloc_free(&mm.pool, a, 1); /* a double free must be refused */
	free_page(b);
	palloc_free(&mm.pool, c, 8);
	uint64_t again = alloc_page();
	ok = ok && !dbl && again == a;
	free_page(again);
	check("page allocator", ok && mm.pool.nfree == before);
}

static void test_heap(void)
{
	size_t before = heap_free_bytes(&mm.heap);
	void *p[16];
	int ok = 1;
	for (int i = 0; i < 16; i++) {
		p[i] = kmalloc((uint64_t)(i * 37 + 1));
		ok = ok && p[i] && !((uintptr_t)p[i] & 15);
		if (p[i])
			memset(p[i], i, (size_t)(i * 37 + 1));
	}
	for (int i = 0; i < 16 && ok; i++)
		ok = ((unsigned char *)p[i])[i * 37] == (unsigned char)i;
	for (int i = 0; i < 16; i += 2)
		kfree(p[i]);
	for (int i = 1; i < 16; i += 2)
		kfree(p[i]);
	ok = ok && !heap_free(&mm.heap, p[3]); /* double free refused */
	check("heap", ok && heap_free_bytes(&mm.heap) == before && heap_largest(&mm.heap) == before);
}

/* Reads va with a #PF fixup armed; returns 1 if the read faulted. */
static int read_faults(uint64_t va, uint64_t *err, uint64_t *cr2)
{
	struct percpu *cpu = this_cpu();
	cpu->expect.hit = 0;
	cpu->expect.vector = 14;
	__asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
			 "movq %%rax, %0\n\t"
			 "movq (%1), %%rax\n"
			 "1:"
			 : "=m"(cpu->expect.fixup_rip)
			 : "r"(va)
			 : "rax", "memory");
	cpu->expect.vector = -1;
	*err = cpu->expect.error_code;
	*cr2 = cpu->expect.cr2;
	return cpu->expect.hit;
}

static void test_page_tables(void)
{
	uint64_t pa = alloc_page(), got = 0, fl = 0, err = 0, cr2 = 0;
	int ok = pa && pgt_map(&mm.pgt, TEST_VA, pa, PAGE_SIZE, PTE_W | PTE_NX) == PGT_OK;
	if (ok) {
		volatile uint64_t *v = (volatile uint64_t *)(uintptr_t)TEST_VA;
		*v = 0x5356534D54455354ull;
		ok = *(uint64_t *)phys_to_virt(pa) == 0x5356534D54455354ull;
		ok = ok && pgt_translate(&mm.pgt, TEST_VA + 0x123, &got, &fl) && got == pa + 0x123 &&
		     (fl & PTE_NX) && (fl & PTE_W);
	}
	check("page tables: map, write through the new mapping, translate", ok);

	ok = pgt_unmap(&mm.pgt, TEST_VA, PAGE_SIZE) == PGT_OK;
	invlpg(TEST_VA);
	ok = ok && !pgt_translate(&mm.pgt, TEST_VA, &got, &fl);
	check("page tables: unmap", ok);

	ok = read_faults(TEST_VA + 8, &err, &cr2) && cr2 == TEST_VA + 8 && !(err & 1);
	check("exception path: #PF on the unmapped page, CR2 and error code", ok);

	/* Large-page translation of the direct map. */
	ok = pgt_translate(&mm.pgt, DMAP_BASE + 0x345678, &got, &fl) && got == 0x345678 && (fl & PTE_PS);
	check("page tables: 2 MiB direct map", ok);

	extern char _stack_guard[];
	ok = !pgt_translate(&mm.pgt, (uint64_t)(uintptr_t)_stack_guard, &got, &fl) &&
	     read_faults((uint64_t)(uintptr_t)_stack_guard, &err, &cr2);
	check("stack guard page is unmapped", ok);
	free_page(pa);
}

/* The guest-memory accessors on this processor's own exceptions: a #PF inside them (the
 * unmapped TEST_VA) comes back as -1 through the fixup range, as a #VC 0x404 does on SNP. */
static void test_guest_access(void)
{
	struct percpu *cpu = this_cpu();
	uint64_t before = cpu->guest_fault.count, word = 0x10;
	uint8_t src[24], dst[24], byte = 7;
	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 11 + 3);
	int ok = guest_copy(dst, src, sizeof(src)) == 0 && !memcmp(dst, src, sizeof(src)) &&
		 guest_zero(dst, 5) == 0 && dst[4] == 0 && dst[5] == src[5] && guest_xchg8(&byte, 9) == 7 && byte == 9 &&
		 guest_or64(&word, 1) == 0 && guest_and64(&word, ~0x10ull) == 0 && word == 1 &&
		 cpu->guest_fault.count == before;
	check("guest accessors: copy, zero, exchange, and/or", ok);
	void *bad = (void *)(uintptr_t)(TEST_VA + 0x40);
	ok = guest_copy(dst, bad, 8) == -1 && guest_copy(bad, src, 8) == -1 && guest_zero(bad, 8) == -1 &&
	     guest_xchg8(bad, 1) == -1 && guest_and64(bad, 0) == -1 && guest_or64(bad, 1) == -1 &&
	     cpu->guest_fault.count == before + 6 && cpu->guest_fault.last_vector == 14;
	check("guest accessors: a fault inside them is recovered (-1), not fatal", ok);
}

/* The Run VMPL window as the #HV handler sees it, on the real labels; and the switch itself
 * with NoFurtherSignal set, which must cancel before it touches the GHCB MSR (so it runs
 * natively too). */
static void test_hv_window(void)
{
	const struct hvdb_window w = { (uint64_t)(uintptr_t)hv_window_start, (uint64_t)(uintptr_t)hv_window_end,
				       (uint64_t)(uintptr_t)hv_window_cancel };
	int ok = w.start < w.end && (w.cancel < w.start || w.cancel >= w.end) &&
		 hvdb_trap_rip(w.start, &w) == w.cancel && hvdb_trap_rip(w.end - 1, &w) == w.cancel &&
		 hvdb_trap_rip(w.end, &w) == w.end && hvdb_trap_rip(w.start - 1, &w) == w.start - 1;
	check("#HV: an #HV in the Run VMPL window goes to its cancel exit, nowhere else", ok);
	static struct hv_doorbell db;
	db.events = HVDB_EV_NO_FURTHER_SIGNAL | 0x41;
	check("#HV: Run VMPL with NoFurtherSignal set is cancelled before any request",
	      snp_run_vmpl_window(&db, 2) == 0 && db.events == (HVDB_EV_NO_FURTHER_SIGNAL | 0x41));
}

static void test_exceptions(void)
{
	struct percpu *cpu = this_cpu();
	cpu->expect.hit = 0;
	cpu->expect.vector = 6;
	__asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
			 "movq %%rax, %0\n\t"
			 "ud2\n"
			 "1:"
			 : "=m"(cpu->expect.fixup_rip)
			 :
			 : "rax", "memory");
	check("exception path: #UD delivered and resumed", cpu->expect.hit);

	cpu->expect.hit = 0;
	cpu->expect.vector = 3;
	__asm__ volatile("leaq 1f(%%rip), %%rax\n\t"
			 "movq %%rax, %0\n\t"
			 "int3\n"
			 "1:"
			 : "=m"(cpu->expect.fixup_rip)
			 :
			 : "rax", "memory");
	check("exception path: #BP delivered and resumed", cpu->expect.hit);
	check("per-CPU data through GS", this_cpu() == cpu && cpu->self == cpu);
}

/* The packed filesystem, when the image has one: mapped read-only, and every entry found by its path. */
static void test_rootfs(void)
{
	const struct igfs *fs = rootfs();
	if (!fs)
		return;
	uint64_t pa, flags;
	bool mapped = pgt_translate(&mm.pgt, (uint64_t)(uintptr_t)rootfs_base(), &pa, &flags);
	check("filesystem: pages mapped read-only, not executable",
	      mapped && pa == mm.fs_gpa && !(flags & PTE_W) && (flags & PTE_NX));
	char path[IGFS_PATH_MAX + 1];
	uint32_t found = 0;
	for (uint32_t i = 0; i < fs->count; i++) {
		uint32_t ino;
		if (!igfs_path(fs, i, path, sizeof(path)) && !igfs_lookup(fs, path, strlen(path), false, &ino) && ino == i)
			found++;
	}
	check("filesystem: every entry found by its path", found == fs->count);
}

/* Every CPU on its own: per-CPU area through GS, its GDT (with its TSS), its stack, the one
 * IDT and the one set of page tables; an AP's stack has its guard page unmapped below. */
struct cpu_view {
	uint64_t gdt, idt, cr3, rsp, self;
	unsigned index, tr;
	int seen;
};
static struct cpu_view cpu_view[MAX_CPUS];

struct __attribute__((packed)) desc_reg {
	uint16_t limit;
	uint64_t base;
};

static void look(void *arg, unsigned cpu)
{
	(void)arg;
	struct desc_reg g, i;
	uint16_t tr;
	uint64_t rsp;
	__asm__ volatile("sgdt %0; sidt %1; str %2; movq %%rsp, %3" : "=m"(g), "=m"(i), "=r"(tr), "=r"(rsp));
	struct percpu *p = this_cpu();
	cpu_view[cpu] = (struct cpu_view){ g.base, i.base, read_cr3(), rsp, (uint64_t)(uintptr_t)p->self, p->cpu_index,
					   tr, 1 };
}

static void test_every_cpu(void)
{
	unsigned n = smp_cpus_online(), bad = 0;
	memset(cpu_view, 0, sizeof(cpu_view));
	smp_run_all(look, 0);
	for (unsigned k = 0; k < n; k++) {
		unsigned i = smp_online_index(k);
		struct percpu *p = percpu_get(i);
		uint64_t pa, fl;
		bool ok = i < MAX_CPUS && cpu_view[i].seen && cpu_view[i].index == i &&
			  cpu_view[i].self == (uint64_t)(uintptr_t)p && cpu_view[i].gdt == (uint64_t)(uintptr_t)p->gdt &&
			  cpu_view[i].tr == 0x18 && cpu_view[i].idt == cpu_view[0].idt && cpu_view[i].cr3 == cpu_view[0].cr3;
		if (ok && i) /* an AP: on its own stack, above its unmapped guard page */
			ok = cpu_view[i].rsp < p->stack_top && cpu_view[i].rsp >= p->stack_top - 4 * PAGE_SIZE &&
			     !pgt_translate(&mm.pgt, p->stack_top - 5 * PAGE_SIZE, &pa, &fl) && p->ist_top &&
			     p->tss.ist[0] == p->ist_top;
		bad += !ok;
	}
	char name[96];
	fmt_snprintf(name, sizeof(name), "every CPU (%u) on its own per-CPU area, GDT/TSS, stack and IST; one IDT, one CR3", n);
	check(name, n >= 1 && bad == 0);
}

int selftest_run(void)
{
	failures = passes = 0;
	test_allocator();
	test_heap();
	test_page_tables();
	test_exceptions();
	test_guest_access();
	test_hv_window();
	test_rootfs();
	proto_selftest_run(check); /* issue 6: the protocol through a simulated calling area */
	if (platform->type == LAUNCH_PLATFORM_NATIVE) { /* issue 15: on every CPU at once */
		test_every_cpu();
		proto_stress_selftest(check, SVSM_STRESS_MS);
	}
	log_msg(failures ? LOG_ERR : LOG_INFO, "self-tests: %d passed, %d failed", passes, failures);
	return failures;
}
