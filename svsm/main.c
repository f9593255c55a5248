/* SPDX-License-Identifier: MIT */
/*
 * main.c — SVSM core bring-up: console → per-CPU/GDT → IDT → platform → own
 * page tables and allocators → memory summary → vTPM configuration →
 * packed filesystem (validated, entries counted) → application processors (smp.h) →
 * self-tests → natively, /init from the packed filesystem in ring 3 (user/process.h) →
 * "SVSM core ready"; then, on SNP with a firmware in the image, the
 * firmware at VMPL2 and the request loops (guest_launch.h), else exit.
 */
#include <stdint.h>

#include "../format/launch_info.h"
#include "arch/cpu.h"
#include "arch/idt.h"
#include "console.h"
#include "fs/rootfs.h"
#include "guest_launch.h"
#include "mm/mm.h"
#include "percpu.h"
#include "platform.h"
#include "selftest.h"
#include "smp.h"
#include "snp/ghcb_msr.h"
#include "user/process.h"
#include "vtpm_cfg.h"
#include "vtpm_proxy.h"

#ifndef SVSM_VERSION
#define SVSM_VERSION "unknown"
#endif

__attribute__((noreturn)) void svsm_main(uint64_t li_gpa, uint64_t platform_type);

static struct launch_info li; /* a private copy: the page stays where the builder put it */

static void log_memory(void)
{
	pr_info("memory map (%u entries from the host):", mm.host_map.count);
	for (unsigned i = 0; i < mm.host_map.count; i++) {
		const struct mem_range *r = &mm.host_map.r[i];
		pr_info("  [mem 0x%016lx-0x%016lx] %s", (unsigned long)r->base,
			(unsigned long)(r->base + r->size - 1), memmap_type_name(r->type));
	}
	uint64_t ram = memmap_ram_bytes(&mm.host_map), guest = memmap_ram_bytes(&mm.guest_map);
	pr_info("memory: total RAM %lu MiB (%lu bytes), guest RAM %lu MiB in %u ranges", (unsigned long)(ram >> 20),
		(unsigned long)ram, (unsigned long)(guest >> 20), mm.guest_map.count);
	pr_info("memory: SVSM region 0x%lx-0x%lx (%lu MiB), image %lu KiB, pool %lu pages free, heap %lu KiB",
		(unsigned long)mm.region_gpa, (unsigned long)(mm.region_gpa + mm.region_size - 1),
		(unsigned long)(mm.region_size >> 20), (unsigned long)(mm.image_size >> 10),
		(unsigned long)mm.pool.nfree, (unsigned long)(heap_free_bytes(&mm.heap) >> 10));
}

static void log_vtpm(void)
{
	if (!li.vtpm_config_gpa || !li.vtpm_config_size) {
		pr_info("vtpm: no vTPM configuration");
		return;
	}
	struct vtpm_cfg_summary s;
	int rc = vtpm_cfg_parse(phys_to_virt(li.vtpm_config_gpa), li.vtpm_config_size, &s);
	if (rc) {
		pr_err("vtpm: configuration at 0x%lx rejected: %s", (unsigned long)li.vtpm_config_gpa,
		       vtpm_cfg_strerror(rc));
		return;
	}
	char banks[48];
	vtpm_cfg_banks(s.pcr_banks, banks, sizeof(banks));
	pr_info("vtpm: configuration found: PCR banks %s, EK %s-%u, manufacturer \"%s\", %u NV indices (%u bytes), %s",
		banks, s.ek_algorithm == VTPM_TPM_ALG_RSA ? "rsa" : s.ek_algorithm == VTPM_TPM_ALG_ECC ? "ecc" : "?",
		s.ek_key_bits, s.manufacturer, s.nv_count, s.nv_data_bytes,
		s.persistence == VTPM_PERSIST_SEALED ? "sealed" : "ephemeral");
}

void svsm_main(uint64_t li_gpa, uint64_t platform_type)
{
	/* The boot identity map still covers the launch information. */
	const struct launch_info *src = (const struct launch_info *)(uintptr_t)li_gpa;
	const unsigned char *s = (const unsigned char *)src;
	unsigned char *d = (unsigned char *)&li;
	for (unsigned i = 0; i < sizeof(li); i++)
		d[i] = i < src->size ? s[i] : 0;

	vtpm_mark_entry();
	console_init(li.debug_serial_port, LOG_INFO);
	percpu_init_bsp();
	idt_init();
	platform_select((uint32_t)platform_type, &li);
	if (li.magic != LAUNCH_INFO_MAGIC || li.version != LAUNCH_INFO_VERSION) {
		if (platform_can_print())
			console_enable();
		pr_err("launch information at 0x%lx is not version %u", (unsigned long)li_gpa, LAUNCH_INFO_VERSION);
		platform_exit(PLATFORM_EXIT_FAILURE);
	}
	platform->init(&li);
	if (platform->type == LAUNCH_PLATFORM_NATIVE)
		console_enable();

	if (mm_init(&li)) {
		if (platform_can_print())
			console_enable();
		pr_err("memory initialisation failed");
		platform_exit(PLATFORM_EXIT_FAILURE);
	}
	if (platform->type == LAUNCH_PLATFORM_SNP) {
		/* The platform keeps using the CPUID table it is given; the launch page holding
		 * it goes back to the guest when a firmware starts, so give it a copy in our pool. */
		struct launch_info run = li;
		if (guest_launch_relocate(&run))
			ghcb_msr_terminate(GHCB_TERM_SET_GENERAL, GHCB_TERM_GENERAL);
		platform_snp_late_init(&run); /* GHCB: needs the page pool and our page tables */
	}

	pr_info("IGVM SVSM core %s", SVSM_VERSION);
	pr_info("platform: %s", platform->describe());
	log_memory();
	log_vtpm();
	rootfs_init(mm.fs_gpa, mm.fs_size);
	user_cpu_init(); /* ring 3 on the boot CPU: the vTPM process, /init */
	int vtpm_failed = vtpm_boot(&li);
	smp_start(&li); /* "smp: N of M CPUs online" */
	if (!vtpm_failed && platform->type == LAUNCH_PLATFORM_NATIVE)
		vtpm_failed = vtpm_check_cpus();

	int failed = selftest_run();
#ifdef SVSM_TEST_FAULT
	pr_info("test build: writing to an unmapped address");
	*(volatile uint64_t *)(uintptr_t)0xDEAD0000ull = 1;
#endif
#ifdef SVSM_TEST_HANG
	pr_info("test build: hanging");
	for (;;)
		__asm__ volatile("cli; hlt");
#endif
	if (failed || vtpm_failed) {
		pr_err(vtpm_failed ? "the configured vTPM could not be provided" : "self-tests failed");
		platform_exit(PLATFORM_EXIT_FAILURE);
	}
	/* Ring 3 (issue 13): /init from the packed filesystem, natively; on SNP the firmware comes
	 * next and nothing has been run in ring 3 there yet. */
	if (platform->type == LAUNCH_PLATFORM_NATIVE)
		user_run_init();
	pr_info("SVSM core ready");
	if (platform->type == LAUNCH_PLATFORM_SNP && li.fw_gpa) {
		guest_launch_snp(&li, li_gpa); /* returns only when the firmware could not start */
		platform_exit(PLATFORM_EXIT_FAILURE);
	}
	platform_exit(PLATFORM_EXIT_SUCCESS);
}
