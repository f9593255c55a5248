/* SPDX-License-Identifier: MIT */
/*
 * stage2.c — the long-mode half of the stage-2 loader (entered from stage2.S).
 *
 * Runs on the builder's page tables (identity map + kernel higher half, C-bit
 * applied on SNP). On SNP it validates the part of the kernel region the
 * launch did not (the core's page pool), so the core starts with its whole
 * region private and validated; then it returns the kernel entry to the
 * assembly, which jumps there with RDI = launch information, RSI = platform.
 * Port I/O is used only on the native platform: on SNP it would raise #VC,
 * and stage 2 has no #VC handler.
 */
#include <stdint.h>

#include "../format/launch_info.h"
#include "../svsm/arch/cpu.h"
#include "../svsm/snp/ghcb_msr.h"
#include "../svsm/snp/pvalidate.h"

uint64_t stage2_main(uint64_t li_gpa, uint32_t platform, uint32_t cbit);

/* Read by stage2.S after stage2_main returns. */
uint64_t stage2_li;
uint64_t stage2_kernel_rsp;

static uint16_t serial_port;

static void putc_native(char c)
{
	if (!serial_port)
		return;
	for (int i = 0; i < 100000 && !(inb((uint16_t)(serial_port + 5)) & 0x20); i++)
		;
	outb(serial_port, (uint8_t)c);
}

static void puts_native(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc_native('\r');
		putc_native(*s++);
	}
}

static void puthex_native(uint64_t v)
{
	char buf[19] = "0x";
	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xF];
	buf[18] = 0;
	puts_native(buf);
}

static __attribute__((noreturn)) void fail(uint32_t platform, const char *why)
{
	if (platform == LAUNCH_PLATFORM_SNP)
		ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
	puts_native("stage2: fatal: ");
	puts_native(why);
	puts_native("\n");
	halt_forever();
}

/* SNP: make [start, end) private and validated, 4 KiB at a time. */
static void snp_validate_range(uint64_t start, uint64_t end, int shared_first)
{
	for (uint64_t pa = start; pa < end; pa += 4096) {
		if (shared_first && ghcb_msr_psc(pa, PSC_OP_PRIVATE) != 0)
			fail(LAUNCH_PLATFORM_SNP, "page-state change refused");
		/* Identity mapped, so the virtual address is the physical one. An
		 * "unchanged" result means someone validated the page before us:
		 * refuse, that is the replay a double validation allows. */
		if (pvalidate(pa, RMP_PAGE_4K, 1, 0) != RMP_OK)
			fail(LAUNCH_PLATFORM_SNP, "PVALIDATE of the kernel region failed");
	}
}

uint64_t stage2_main(uint64_t li_gpa, uint32_t platform, uint32_t cbit)
{
	const struct launch_info *li = (const struct launch_info *)(uintptr_t)li_gpa;
	(void)cbit;

	if (platform == LAUNCH_PLATFORM_NATIVE)
		serial_port = li->debug_serial_port;
	else if (platform != LAUNCH_PLATFORM_SNP)
		fail(platform, "unknown platform type");

	if (li->size < 0xC0 || li->kernel_populated_size > li->kernel_region_size ||
	    (li->kernel_region_gpa | li->kernel_region_size | li->kernel_populated_size) & 0xFFF)
		fail(platform, "inconsistent launch information");

	if (platform == LAUNCH_PLATFORM_SNP) {
		int shared = 0;
		if (li->env_info_gpa)
			shared = (*(const volatile uint32_t *)(uintptr_t)li->env_info_gpa) & 1;
		snp_validate_range(li->kernel_region_gpa + li->kernel_populated_size,
				   li->kernel_region_gpa + li->kernel_region_size, shared);
	} else {
		puts_native("stage2: long mode, kernel entry ");
		puthex_native(li->kernel_entry);
		puts_native("\n");
	}

	stage2_li = li_gpa;
	stage2_kernel_rsp = li->boot_stack_gpa + li->boot_stack_size;
	return li->kernel_entry;
}
