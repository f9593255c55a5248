/* SPDX-License-Identifier: MIT */
/*
 * smp_native.c — starting application processors on the native platform
 * (smp.h): INIT-SIPI-SIPI through the local APIC (arch/lapic.h) into the
 * launch's AP pages (format/launch_info.h, ap_trampoline_gpa).
 *
 * The pages: T (the first) becomes the transition page table, C (the
 * second) the real-mode code, a copy of arch/ap_boot.S's trampoline with
 * its absolute addresses filled in. T is one table that serves as PML4,
 * PDPT, PD and PT at once: entry 0 points to T itself, so a virtual address
 * whose upper indices are all 0 walks T four times and its last index picks
 * the leaf; entry C >> 12 maps C at its own address; entry 511 is the core's
 * PML4 entry for the upper 512 GiB (kernel image, stacks, per-CPU areas).
 * An AP thus enters long mode in C, jumps to the core's upper half, and
 * loads the core's own tables there (arch/ap_boot.S). Only CR3's 32 bits in
 * protected mode force T below 4 GiB; a SIPI vector forces C below 1 MiB.
 *
 * Start: INIT (assert), 10 ms, STARTUP, 200 µs, STARTUP (Intel SDM vol. 3
 * §8.4.4.1; a second STARTUP to a running CPU is ignored), every AP in turn
 * without waiting for the earlier ones; smp.c then waits for all. A test
 * build (-DSVSM_TEST_SKIP_SIPI=n) leaves out the STARTUPs of CPU index n, so
 * that one never answers.
 *
 * IPIs: one fixed vector (IDT_IPI_VECTOR), taken by an AP in HLT (the only
 * place the core enables interrupts); a busy CPU answers shootdowns by
 * polling (mm/shootdown.h) instead.
 */
#include "smp.h"

#include "arch/cpu.h"
#include "arch/idt.h"
#include "arch/lapic.h"
#include "arch/tsc.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "percpu.h"

/* arch/ap_boot.S: the trampoline image and the slots it reads. */
extern const char ap_tramp_start[], ap_tramp_end[], ap_tramp_32[], ap_tramp_64[];
extern const char ap_tramp_gdt[], ap_tramp_gdtr[], ap_tramp_pm[], ap_tramp_lm[], ap_tramp_cr3[],
	ap_tramp_entry[];
extern const char smp_ap_entry64[];
/* What arch/ap_boot.S's upper-half entry loads, by CPU index (stack 0: not expected). */
uint64_t smp_ap_cr0, smp_ap_cr3, smp_ap_cr4, smp_ap_efer;
uint32_t smp_ap_x2apic, smp_ap_count = MAX_CPUS;
uint32_t smp_ap_ids[MAX_CPUS];
uint64_t smp_ap_stacks[MAX_CPUS];

#define TRAMP_SEL_CODE32 0x08u
#define TRAMP_SEL_CODE64 0x18u
#define MAX_VP_COUNT 4096u /* beyond this the parameter is not believable */

static uint64_t code_gpa;

static uint32_t off(const char *sym)
{
	return (uint32_t)(sym - ap_tramp_start);
}

static unsigned native_apic_ids(const struct launch_info *li, uint32_t *ids, unsigned max, uint32_t *self)
{
	*self = lapic_init() ? lapic_id() : 0;
	uint32_t vp = 1;
	if (li->vp_count_gpa)
		vp = *(volatile uint32_t *)phys_to_virt(li->vp_count_gpa);
	if (vp == 0 || vp > MAX_VP_COUNT)
		vp = 1;
	unsigned n = vp < max ? vp : max;
	for (unsigned i = 0; i < n; i++)
		ids[i] = i;
	return vp; /* beyond max: counted, never started, reported offline by smp.c's total */
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static const char *native_prepare(const struct launch_info *li)
{
	uint64_t t = li->ap_trampoline_gpa, c = t + PAGE_SIZE;
	if (!t)
		return "the image has no AP start-up pages (launch information ap_trampoline_gpa)";
	if ((t & (PAGE_SIZE - 1)) || c + PAGE_SIZE > 0xA0000 || t < PAGE_SIZE)
		return "the AP start-up pages are not two pages below 640 KiB";
	if (!lapic_init())
		return "no local APIC";
	if ((size_t)(ap_tramp_end - ap_tramp_start) > PAGE_SIZE)
		return "the trampoline does not fit its page";
	lapic_init_cpu();

	/* The transition table (see the top of this file). */
	uint64_t *tt = phys_to_virt(t);
	const uint64_t *root = phys_to_virt(mm.pgt.root);
	memset(tt, 0, PAGE_SIZE);
	tt[0] = t | PTE_P | PTE_W;
	tt[(c >> 12) & 511] = c | PTE_P | PTE_W;
	tt[511] = root[511];

	uint8_t *code = phys_to_virt(c);
	memcpy(code, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	uint32_t base = (uint32_t)c;
	put32(code + off(ap_tramp_gdtr) + 2, base + off(ap_tramp_gdt));
	put32(code + off(ap_tramp_pm), base + off(ap_tramp_32));
	memcpy(code + off(ap_tramp_pm) + 4, &(uint16_t){ TRAMP_SEL_CODE32 }, 2);
	put32(code + off(ap_tramp_lm), base + off(ap_tramp_64));
	memcpy(code + off(ap_tramp_lm) + 4, &(uint16_t){ TRAMP_SEL_CODE64 }, 2);
	put32(code + off(ap_tramp_cr3), (uint32_t)t);
	uint64_t entry = (uint64_t)(uintptr_t)smp_ap_entry64;
	memcpy(code + off(ap_tramp_entry), &entry, 8);
	code_gpa = c;

	smp_ap_cr0 = read_cr0();
	smp_ap_cr3 = read_cr3();
	smp_ap_cr4 = read_cr4();
	smp_ap_efer = rdmsr(MSR_EFER);
	smp_ap_x2apic = lapic_x2apic();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

static const char *native_start(struct percpu *cpu)
{
	unsigned i = cpu->cpu_index;
	smp_ap_ids[i] = cpu->apic_id;
	smp_ap_stacks[i] = cpu->stack_top;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lapic_send(cpu->apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	tsc_delay_us(10000);
#ifdef SVSM_TEST_SKIP_SIPI
	if (i == SVSM_TEST_SKIP_SIPI)
		return 0; /* test build: this AP gets INIT only, and never answers */
#endif
	uint32_t vec = (uint32_t)(code_gpa >> 12);
	lapic_send(cpu->apic_id, ICR_STARTUP | vec);
	tsc_delay_us(200);
	lapic_send(cpu->apic_id, ICR_STARTUP | vec);
	return 0;
}

static const char *native_ap_init(struct percpu *cpu)
{
	lapic_init_cpu();
	if (lapic_id() != cpu->apic_id)
		return "it reports another APIC ID";
	return 0;
}

static void native_send_ipi(struct percpu *cpu)
{
	lapic_send(cpu->apic_id, ICR_FIXED | IDT_IPI_VECTOR);
}

static void native_local_flush(void)
{
	tlb_flush_local();
}

static void native_idle_wait(void)
{
	/* STI's one-instruction shadow: an interrupt pending since before cannot slip in
	 * between STI and HLT, it ends the HLT. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

static const char *native_how(void)
{
	return lapic_x2apic() ? "INIT-SIPI-SIPI, x2APIC" : "INIT-SIPI-SIPI, xAPIC";
}

void smp_ipi_interrupt(void)
{
	lapic_eoi();
	smp_ipi_work();
}

const struct smp_ops smp_native_ops = {
	.how = native_how,
	.apic_ids = native_apic_ids,
	.prepare = native_prepare,
	.start = native_start,
	.ap_init = native_ap_init,
	.ap_run = 0,
	.send_ipi = native_send_ipi,
	.local_flush = native_local_flush,
	.idle_wait = native_idle_wait,
};
