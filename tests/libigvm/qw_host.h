/* SPDX-License-Identifier: MIT */
/*
 * qw_host.h — the simulated host that both the QEMU-style walk (qemu_walk.c,
 * public API) and its oracle (oracle.c, format library) load files into, so
 * their traces can be compared line for line.
 *
 * Deliberately free of any IGVM header: qemu_walk.c includes <igvm/igvm.h>
 * and oracle.c format/igvm.h, which cannot meet in one file.
 */
#ifndef LIBIGVM_TEST_QW_HOST_H
#define LIBIGVM_TEST_QW_HOST_H

#include <stddef.h>
#include <stdint.h>

/* CPUs the host starts (what a VP_COUNT parameter receives). */
#define QW_CPUS 4u

/* QEMU's confidential-guest memory types (CGS_MEM_*), mapped like backends/igvm.c maps them. */
enum qw_mem { QW_RAM, QW_RESERVED, QW_ACPI, QW_NVS, QW_UNUSABLE };

struct qw_mem_entry {
	uint64_t gpa, size;
	enum qw_mem type;
};

/* The guest memory map the host reports, deliberately unsorted (the loader must sort it). */
static const struct qw_mem_entry qw_mem_map[] = {
	{ 0x100000, 0x7FF00000, QW_RAM },
	{ 0x0, 0xA0000, QW_RAM },
	{ 0xF0000, 0x10000, QW_RESERVED },
	{ 0xFEC00000, 0x1000, QW_NVS },
	{ 0xFED00000, 0x1000, QW_ACPI },
};
#define QW_MEM_ENTRIES (sizeof(qw_mem_map) / sizeof(qw_mem_map[0]))

/* IGVM memory-map entry type for a host type (0 MEMORY, 1 PLATFORM_RESERVED, 2 PERSISTENT). */
static inline uint16_t qw_igvm_mem_type(enum qw_mem t)
{
	return t == QW_RAM ? 0 : t == QW_NVS ? 2 : 1;
}

/* FNV-1a, 64 bits: a cheap fingerprint of memory contents for the traces. */
static inline uint64_t qw_hash(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* Page types QEMU hands its backend (CGS_PAGE_TYPE_*), as trace words. */
static inline const char *qw_cgs_name(int t)
{
	static const char *const n[] = { "NORMAL", "ZERO", "UNMEASURED", "SECRETS", "CPUID", "VMSA", "REQUIRED" };
	return t >= 0 && t < 7 ? n[t] : "INVALID";
}
enum { QW_CGS_NORMAL, QW_CGS_ZERO, QW_CGS_UNMEASURED, QW_CGS_SECRETS, QW_CGS_CPUID };

#endif /* LIBIGVM_TEST_QW_HOST_H */
