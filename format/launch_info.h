/* SPDX-License-Identifier: MIT */
/*
 * launch_info.h — the boot contract between the image builder (host, `igvmbuild build`),
 * the stage-2 loader (loaders/) and the SVSM core (svsm/).
 *
 * Freestanding: only <stdint.h> and <stddef.h>; every layout is pinned with
 * _Static_assert, so host and guest agree byte for byte. Everything is
 * little-endian. Guest code reads this structure; it never trusts it beyond
 * the checks launch_info_check() describes (magic, version, size, alignment).
 *
 * ---- Guest-physical layout (defaults; the builder may move anything except the
 *      stage-2 base, and records the real addresses in the launch information) ----
 *
 *   0x0000E000  native platform only: the APs' transition page table (one zero page)
 *   0x0000F000  native platform only: the AP start-up (SIPI) page (one zero page)
 *   0x00010000  stage-2 loader, flat binary linked at LAUNCH_STAGE2_BASE (≤ 64 KiB)
 *   0x00020000  launch information page (this structure at offset 0, rest zero; measured)
 *   0x00021000  SNP CPUID page (IGVM page type CPUID_DATA, SNP mask only)
 *   0x00022000  SNP secrets page (IGVM page type SECRETS, SNP mask only)
 *   0x00023000  general parameter page (PARAMETER_INSERT): VP count u32 @0 (VP_COUNT),
 *               environment info u32 @4 (ENVIRONMENT_INFO; bit 0 = memory is shared)
 *   0x00024000  memory-map parameter page(s) (PARAMETER_INSERT of a MEMORY_MAP
 *               parameter area): IGVM_VHS_MEMORY_MAP_ENTRY array, terminated by an
 *               entry with number_of_pages 0 or by the end of the area
 *   0x00028000  vTPM configuration blob (format/vtpm_config.h), measured, if any
 *   0x0002C000  boot stack, LAUNCH_BOOT_STACK_SIZE (4 zero pages), top at 0x00030000
 *   0x00030000  initial page tables (at most LAUNCH_PAGE_TABLES_MAX pages)
 *   0x8000000000 kernel region (LAUNCH_KERNEL_REGION_GPA, 512 GiB; 2 MiB aligned, 64 MiB):
 *                kernel image (the core with the vTPM is ~4.5 MiB), then the packed
 *                filesystem if any, then the page pool (the vTPM's heap and stack come from it)
 *
 *   Where the kernel region may go: on SNP the firmware (OVMF) validates every
 *   page of RAM below 4 GiB through the SVSM's PVALIDATE call and dies on any
 *   error, and later accepts RAM above 4 GiB the same way, so the region must lie
 *   in no RAM range of the host's memory map: above the guest's RAM, clear of the
 *   AMD HyperTransport hole [0xFD_0000_0000, 1 TiB), below the guest's physical
 *   address width. The IGVM REQUIRED_MEMORY directive for it makes QEMU create
 *   private memory there that no memory map reports (backends/igvm.c), which is
 *   what COCONUT-SVSM did under QEMU until 2026 (igvmbuilder: 512 GiB). A region
 *   inside RAM needs a firmware that takes its memory map from the SVSM (edk2's
 *   IGVM memory-map parameter, 2025-09 and later); the builder refuses it for an
 *   SNP image with firmware.
 *
 * ---- What the builder lays out ----
 *
 *   Kernel region, from kernel_region_gpa upwards, contiguous: the SVSM kernel
 *     image; each PT_LOAD segment with virtual address V goes to GPA
 *     kernel_region_gpa + (V - kernel_vbase); the bytes between p_filesz and
 *     p_memsz (BSS) are zero pages. Segments start page aligned. That is the
 *     "populated" part: kernel_populated_size bytes from the region base, page
 *     aligned (a writer may put more after the image, e.g. the page tables when
 *     the region lies below 4 GiB). The rest of the region up to
 *     kernel_region_size has no IGVM page directives: the core uses it as its
 *     page pool and heap; the builder leaves at least LAUNCH_KERNEL_POOL_MIN
 *     bytes for it. The region lies within one 1 GiB-aligned block.
 *   Packed filesystem (fs_gpa, fs_size; format/igfs.h), when the build names
 *     one: right after the kernel image (fs_gpa = kernel_region_gpa +
 *     kernel_image_size), inside the populated part, fs_size bytes of page
 *     data. Why there: its pages are measured like the image's; the region
 *     lies outside guest RAM (512 GiB by default), so the firmware, which
 *     validates every RAM page through the SVSM, never asks for them, and the
 *     core, which hands the low launch pages back to the guest before the
 *     firmware starts (svsm/guest_launch.c), keeps them; the boot tables and
 *     the core's own map it in the higher half at kernel_vbase + (fs_gpa -
 *     kernel_region_gpa) with no page table of its own; and the page pool
 *     starts after it, so nothing allocates over it. The cost is pool space: a
 *     large filesystem needs a larger <kernel-region size>.
 *   Initial page tables: page_table_count 4 KiB pages starting at page_table_gpa,
 *     below 4 GiB (stage 2 patches them before paging is on), the first one the
 *     PML4 (CR3 value). Every entry that is present is either a table pointer
 *     (flags P|RW = 0x003) or a 2 MiB leaf (P|RW|PS = 0x083); no C-bit (stage 2
 *     adds it on SNP). They map:
 *       - identity: [0, identity_map_limit) in 2 MiB pages, covering at least
 *         stage 2, this page, the boot stack, the parameter pages, the CPUID and
 *         secrets pages, the vTPM blob and the page tables; and the kernel region,
 *         inside that range or on its own;
 *       - higher half: kernel_vbase → kernel_region_gpa, for kernel_region_size.
 *     kernel_vbase is LAUNCH_KERNEL_VBASE (the top 2 GiB, -mcmodel=kernel).
 *   Boot stack: zero pages; its top (boot_stack_gpa + boot_stack_size) is ESP at
 *   stage-2 entry.
 *   AP start-up pages (native platform only; ap_trampoline_gpa, 0 = none): two
 *     zero pages with NATIVE-only page directives, below 1 MiB because a
 *     STARTUP IPI names a real-mode page (vector = GPA >> 12). The core writes
 *     them before it starts the application processors with INIT-SIPI-SIPI
 *     (svsm/smp.h): the first is the APs' transition page table (it maps
 *     the second page at its own address and the core's upper half), the
 *     second the real-mode code they start in (SIPI vector 0x0F). The same
 *     place as COCONUT-SVSM's SIPI stub (0xF000, low page tables below it).
 *     On SNP the pages are not in the image at all: SNP application
 *     processors start from VMSAs the core creates (AP Creation), so there is
 *     nothing for the firmware launch to hand back (guest_launch.c).
 *   VP context (native: IGVM native x64 context; SNP: VMSA) — 32-bit protected mode,
 *   paging off: CS 0x08 flat 32-bit code (attr 0xC09B), DS/ES/FS/GS/SS 0x10 flat data
 *   (attr 0xC093), CR0 = 0x11 (PE|ET), CR3 = CR4 = 0 (native) (stage 2 sets them),
 *   EFER = 0 (native; SNP: SVME as the VMSA requires), RFLAGS = 2,
 *   RIP = stage2_gpa (entry at offset 0),
 *   EAX = platform type (LAUNCH_PLATFORM_*), ESI = GPA of this structure,
 *   ESP = boot stack top. Other registers zero.
 *   Which platform the processor runs is told by EAX, not by this page, so one
 *   measured launch-information page serves every platform of a multi-platform file.
 *
 * ---- What stage 2 does ----
 *
 *   1. checks the launch information (magic, version, size) — on failure it writes
 *      a message to the debug serial port (native) and halts;
 *   2. SNP: finds CPUID leaf 0x8000001F in the CPUID page, takes EBX[5:0] as the
 *      C-bit position and ORs the C-bit into every present entry of the
 *      page_table_count pages at page_table_gpa;
 *   3. enables PAE, EFER.LME|NXE, loads CR3 = page_table_gpa, enables paging,
 *      loads its own GDT with a 64-bit code segment and enters long mode;
 *   4. SNP: PVALIDATEs the unpopulated part of the kernel region
 *      [kernel_region_gpa + kernel_populated_size, kernel_region_gpa +
 *      kernel_region_size) (page-state change to private first when the
 *      environment info says memory is shared);
 *   5. jumps to kernel_entry (a virtual address in the higher half) with
 *      RDI = launch information GPA (identity mapped), RSI = platform type,
 *      RSP = boot stack top (identity mapped), interrupts disabled.
 *
 * ---- What the kernel assumes at entry ----
 *   The boot page tables are live; it may build and switch to its own. The
 *   kernel region is private and validated; everything else in the identity map
 *   except the pages listed here is untouched guest memory.
 *
 * ---- Versioning ----
 *   version is LAUNCH_INFO_VERSION. New fields are appended in the reserved
 *   space; size says how many bytes the writer knew about; a reader ignores
 *   bytes beyond what it knows and treats fields beyond `size` as zero.
 */
#ifndef IGVMBUILD_FORMAT_LAUNCH_INFO_H
#define IGVMBUILD_FORMAT_LAUNCH_INFO_H

#include <stddef.h>
#include <stdint.h>

#define LAUNCH_INFO_MAGIC   0x494C4749u /* "IGLI" little-endian */
#define LAUNCH_INFO_VERSION 1u
#define LAUNCH_INFO_SIZE    512u         /* sizeof(struct launch_info) */

/* Platform type in EAX at stage-2 entry and in RSI at kernel entry. */
#define LAUNCH_PLATFORM_NATIVE 0u
#define LAUNCH_PLATFORM_SNP    1u

/* Defaults of the layout above. */
#define LAUNCH_STAGE2_BASE         0x00010000ull
#define LAUNCH_STAGE2_MAX_SIZE     0x00010000ull
#define LAUNCH_INFO_GPA            0x00020000ull
#define LAUNCH_CPUID_GPA           0x00021000ull
#define LAUNCH_SECRETS_GPA         0x00022000ull
#define LAUNCH_PARAMS_GPA          0x00023000ull /* VP count @0, environment info @4 */
#define LAUNCH_MEMORY_MAP_GPA      0x00024000ull
#define LAUNCH_MEMORY_MAP_SIZE     0x00001000ull
#define LAUNCH_VTPM_CONFIG_GPA     0x00028000ull
#define LAUNCH_VTPM_CONFIG_MAX     0x00004000ull
#define LAUNCH_BOOT_STACK_GPA      0x0002C000ull
#define LAUNCH_BOOT_STACK_SIZE     0x00004000ull
#define LAUNCH_PAGE_TABLES_GPA     0x00030000ull
#define LAUNCH_PAGE_TABLES_MAX     16u          /* pages: [0x30000, 0x40000) */
#define LAUNCH_AP_TRAMPOLINE_GPA   0x0000E000ull /* native: transition page table, then the SIPI page */
#define LAUNCH_AP_TRAMPOLINE_SIZE  0x00002000ull
#define LAUNCH_KERNEL_REGION_GPA   0x8000000000ull /* 512 GiB, outside guest RAM */
#define LAUNCH_KERNEL_REGION_SIZE  0x04000000ull
#define LAUNCH_KERNEL_VBASE        0xFFFFFFFF80000000ull
#define LAUNCH_IDENTITY_MAP_LIMIT  0x40000000ull /* 1 GiB: one PD of 2 MiB pages */
#define LAUNCH_KERNEL_POOL_MIN     0x00100000ull /* 1 MiB of the region left for pool and heap */

/* Page-table entry flags the builder uses (stage 2 adds the C-bit on SNP). */
#define LAUNCH_PTE_TABLE 0x003ull /* present | writable */
#define LAUNCH_PTE_LARGE 0x083ull /* present | writable | 2 MiB page */

#define LAUNCH_FW_MAX_PREVALIDATED 8u /* fw_prevalidated[] entries */

/* flags */
#define LAUNCH_FLAG_DEBUG_EXIT 0x1u /* a QEMU isa-debug-exit device sits at debug_exit_port */

struct launch_info {
	uint32_t magic;                 /* 0x00 LAUNCH_INFO_MAGIC */
	uint16_t version;               /* 0x04 LAUNCH_INFO_VERSION */
	uint16_t size;                  /* 0x06 bytes the writer filled: LAUNCH_INFO_SIZE */
	uint32_t flags;                 /* 0x08 LAUNCH_FLAG_* */
	uint16_t debug_serial_port;     /* 0x0C 16550 I/O port for the console, 0 = none (0x3F8) */
	uint16_t debug_exit_port;       /* 0x0E isa-debug-exit port when LAUNCH_FLAG_DEBUG_EXIT (0xF4) */

	uint64_t stage2_gpa;            /* 0x10 */
	uint64_t stage2_size;           /* 0x18 bytes of the loaded image, page rounded */

	uint64_t kernel_region_gpa;     /* 0x20 2 MiB aligned */
	uint64_t kernel_region_size;    /* 0x28 2 MiB multiple */
	uint64_t kernel_populated_size; /* 0x30 bytes from the region base with page directives */
	uint64_t kernel_vbase;          /* 0x38 virtual address of kernel_region_gpa */
	uint64_t kernel_entry;          /* 0x40 virtual address of the 64-bit entry */
	uint64_t kernel_image_size;     /* 0x48 bytes of the ELF image incl. BSS, page rounded */

	uint64_t page_table_gpa;        /* 0x50 PML4 (CR3); the tables are contiguous */
	uint32_t page_table_count;      /* 0x58 number of 4 KiB table pages */
	uint32_t reserved0;             /* 0x5C zero */
	uint64_t identity_map_limit;    /* 0x60 end of the identity map */

	uint64_t boot_stack_gpa;        /* 0x68 */
	uint64_t boot_stack_size;       /* 0x70 */

	uint64_t memory_map_gpa;        /* 0x78 inserted MEMORY_MAP parameter area */
	uint64_t memory_map_size;       /* 0x80 bytes */
	uint64_t vp_count_gpa;          /* 0x88 u32 inserted by VP_COUNT, 0 = none */
	uint64_t env_info_gpa;          /* 0x90 u32 inserted by ENVIRONMENT_INFO, 0 = none */

	uint64_t cpuid_page_gpa;        /* 0x98 SNP CPUID page, 0 = none */
	uint64_t secrets_page_gpa;      /* 0xA0 SNP secrets page, 0 = none */

	uint64_t vtpm_config_gpa;       /* 0xA8 format/vtpm_config.h blob, 0 = none */
	uint64_t vtpm_config_size;      /* 0xB0 bytes, 0 = none */

	uint64_t vtom;                  /* 0xB8 virtual top of memory (SNP vTOM mode), 0 = off */

	/*
	 * Firmware (OVMF) the core launches at VMPL2, from its SEV metadata; all
	 * zero when the image has no firmware. Appended by the builder (still
	 * version 1: a writer that did not know them left zeros = "no firmware").
	 * fw_prevalidated lists the ranges OVMF expects validated at entry (SEC_MEM,
	 * KERNEL_HASHES), merged and sorted; the core validates and zeroes them. The
	 * firmware's own CPUID and secrets pages are where the core copies the CPUID
	 * table and the (VMPCK0-cleared) secrets page; no IGVM page directive
	 * covers them.
	 */
	uint64_t fw_gpa;                /* 0xC0 first byte of the image (ends at 4 GiB), 0 = none */
	uint64_t fw_size;               /* 0xC8 bytes, page multiple */
	uint64_t fw_cpuid_gpa;          /* 0xD0 metadata CPUID section, 0 = none */
	uint64_t fw_secrets_gpa;        /* 0xD8 metadata SECRETS section, 0 = none */
	uint64_t fw_caa_gpa;            /* 0xE0 metadata SVSM_CAA section, 0 = none */
	uint64_t fw_kernel_hashes_gpa;  /* 0xE8 metadata KERNEL_HASHES section, 0 = none */
	uint32_t fw_kernel_hashes_size; /* 0xF0 bytes */
	uint32_t fw_reset_vector;       /* 0xF4 SEV-ES AP reset address (footer entry), 0 = none */
	uint32_t fw_prevalidated_count; /* 0xF8 entries used in fw_prevalidated */
	uint32_t reserved1;             /* 0xFC zero */
	struct {
		uint64_t gpa;
		uint64_t size;
	} fw_prevalidated[LAUNCH_FW_MAX_PREVALIDATED]; /* 0x100 */

	/*
	 * Packed filesystem (format/igfs.h), see "What the builder lays out". Appended
	 * (still version 1: a writer that did not know them left zeros = "no filesystem").
	 * The core checks that the range is page aligned and lies in the populated part
	 * of the kernel region after the image before it reads a byte of it.
	 */
	uint64_t fs_gpa;                /* 0x180 first byte of the IGFS image, 0 = none */
	uint64_t fs_size;               /* 0x188 bytes (its image_size), a page multiple, 0 = none */

	/* Appended (still version 1: zero = "no AP start-up pages", a one-CPU native boot). */
	uint64_t ap_trampoline_gpa;     /* 0x190 native: LAUNCH_AP_TRAMPOLINE_SIZE bytes, 0 = none */

	uint8_t reserved[LAUNCH_INFO_SIZE - 0x198]; /* 0x198 zero; appended fields go here */
};

_Static_assert(sizeof(struct launch_info) == LAUNCH_INFO_SIZE, "launch info is 512 bytes");
_Static_assert(offsetof(struct launch_info, flags) == 0x08, "");
_Static_assert(offsetof(struct launch_info, debug_serial_port) == 0x0C, "");
_Static_assert(offsetof(struct launch_info, stage2_gpa) == 0x10, "");
_Static_assert(offsetof(struct launch_info, kernel_region_gpa) == 0x20, "");
_Static_assert(offsetof(struct launch_info, kernel_entry) == 0x40, "");
_Static_assert(offsetof(struct launch_info, page_table_gpa) == 0x50, "");
_Static_assert(offsetof(struct launch_info, page_table_count) == 0x58, "");
_Static_assert(offsetof(struct launch_info, identity_map_limit) == 0x60, "");
_Static_assert(offsetof(struct launch_info, boot_stack_gpa) == 0x68, "");
_Static_assert(offsetof(struct launch_info, memory_map_gpa) == 0x78, "");
_Static_assert(offsetof(struct launch_info, vp_count_gpa) == 0x88, "");
_Static_assert(offsetof(struct launch_info, cpuid_page_gpa) == 0x98, "");
_Static_assert(offsetof(struct launch_info, vtpm_config_gpa) == 0xA8, "");
_Static_assert(offsetof(struct launch_info, vtom) == 0xB8, "");
_Static_assert(offsetof(struct launch_info, fw_gpa) == 0xC0, "");
_Static_assert(offsetof(struct launch_info, fw_kernel_hashes_size) == 0xF0, "");
_Static_assert(offsetof(struct launch_info, fw_prevalidated) == 0x100, "");
_Static_assert(offsetof(struct launch_info, fs_gpa) == 0x180, "");
_Static_assert(offsetof(struct launch_info, fs_size) == 0x188, "");
_Static_assert(offsetof(struct launch_info, ap_trampoline_gpa) == 0x190, "");
_Static_assert(offsetof(struct launch_info, reserved) == 0x198, "");
_Static_assert(LAUNCH_AP_TRAMPOLINE_GPA + LAUNCH_AP_TRAMPOLINE_SIZE <= LAUNCH_STAGE2_BASE,
	       "the AP pages lie below stage 2 (and below 1 MiB, as a SIPI vector needs)");

/*
 * The SNP CPUID page (what the PSP validates), read by stage 2 for the C-bit
 * and by the core's #VC handler.
 */
#define SNP_CPUID_MAX_LEAVES 64u
struct snp_cpuid_leaf {
	uint32_t eax_in;
	uint32_t ecx_in;
	uint64_t xcr0_in;
	uint64_t xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
};
struct snp_cpuid_page {
	uint32_t count;
	uint32_t reserved[3];
	struct snp_cpuid_leaf leaf[SNP_CPUID_MAX_LEAVES];
};
_Static_assert(sizeof(struct snp_cpuid_leaf) == 48, "CPUID leaf is 48 bytes");
_Static_assert(sizeof(struct snp_cpuid_page) == 16 + 64 * 48, "CPUID page header + 64 leaves");
_Static_assert(offsetof(struct snp_cpuid_leaf, ebx) == 28, "stage 2 reads EBX at +28");

#endif /* IGVMBUILD_FORMAT_LAUNCH_INFO_H */
