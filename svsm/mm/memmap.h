/* SPDX-License-Identifier: MIT */
/*
 * memmap.h — the guest's physical memory as the host describes it in the
 * IGVM MEMORY_MAP parameter area (array of IGVM_VHS_MEMORY_MAP_ENTRY, 24
 * bytes each, ended by a zero-page entry or the end of the area).
 *
 * The area is host-controlled: memmap_parse() bounds every read by the area
 * size, refuses GPA overflow, and requires entries sorted and disjoint
 * (what the IGVM specification promises) so later subtraction is simple.
 * Portable C: unit-tested on the host.
 */
#ifndef SVSM_MM_MEMMAP_H
#define SVSM_MM_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#define MEMMAP_MAX 64
#define MEMMAP_TYPE_RAM 0 /* IGVM_MEMORY_MAP_MEMORY */

struct mem_range {
	uint64_t base;
	uint64_t size;
	uint16_t type;
};

struct memmap {
	struct mem_range r[MEMMAP_MAX];
	unsigned count;
};

enum memmap_err {
	MEMMAP_OK = 0,
	MEMMAP_EMPTY = -1,     /* no entry at all */
	MEMMAP_OVERFLOW = -2,  /* base + size wraps */
	MEMMAP_UNSORTED = -3,  /* overlapping or out of order */
	MEMMAP_TOO_MANY = -4,  /* more than MEMMAP_MAX entries */
};

int memmap_parse(const void *area, size_t area_size, struct memmap *out);
/* RAM ranges of `in` minus [base, base + size) into `out`. */
int memmap_subtract(const struct memmap *in, uint64_t base, uint64_t size, struct memmap *out);
uint64_t memmap_ram_bytes(const struct memmap *m);
/* The first RAM range of m that overlaps [base, base + size), or NULL. */
const struct mem_range *memmap_ram_overlap(const struct memmap *m, uint64_t base, uint64_t size);
uint64_t memmap_end(const struct memmap *m);
const char *memmap_type_name(uint16_t type);

#endif
