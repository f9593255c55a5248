/* SPDX-License-Identifier: MIT */
/*
 * valstate.h — validation state of every guest page: 1 bit per 4 KiB page
 * ("validated"), plus 1 bit per page "owned by the SVSM" (deposited memory).
 *
 * Storage is per 1 GiB region, allocated on first use:
 *   valid bitmap 32 KiB + per-2 MiB summary (u16 valid count, u16 owned
 *   count: 2 KiB) = 34 KiB per GiB of guest memory that was ever validated;
 *   the owned bitmap (another 32 KiB) exists only for regions that ever held
 *   deposited memory. The summary answers "all / none / mixed" for a 2 MiB
 *   entry without scanning 512 bits.
 *
 * Concurrency: a 2 MiB chunk's bits and counts are only read or written by
 * a holder of that chunk's stripe lock (see proto.h). Different chunks never
 * share a word, so no further locking is needed; region blocks are installed
 * with a compare-and-swap so two chunks of one region may allocate at once.
 */
#ifndef SVSM_PROTOCOL_VALSTATE_H
#define SVSM_PROTOCOL_VALSTATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto_platform.h"

#define VS_REGION_SHIFT 30
#define VS_PAGES_PER_REGION (1u << (VS_REGION_SHIFT - 12))
#define VS_CHUNKS_PER_REGION (1u << (VS_REGION_SHIFT - 21))

struct vs_region {
	uint64_t valid[VS_PAGES_PER_REGION / 64];
	uint16_t nvalid[VS_CHUNKS_PER_REGION];
	uint16_t nowned[VS_CHUNKS_PER_REGION];
	_Atomic(uint64_t *) owned; /* VS_PAGES_PER_REGION bits, lazily */
};

struct valstate {
	const struct proto_platform *plat;
	unsigned nregions;
	_Atomic(struct vs_region *) *regions;
};

/* Bytes of state for one GiB of guest memory (without / with deposits). */
#define VS_BYTES_PER_GIB (sizeof(((struct vs_region *)0)->valid) + sizeof(((struct vs_region *)0)->nvalid) + \
			  sizeof(((struct vs_region *)0)->nowned))
#define VS_OWNED_BYTES_PER_GIB (VS_PAGES_PER_REGION / 8)

/* limit: one past the highest guest-physical address tracked. 0 or -1 (no memory). */
int vs_init(struct valstate *vs, const struct proto_platform *plat, uint64_t limit);
void vs_destroy(struct valstate *vs);
/* Caller holds the stripe lock of every chunk the range touches (ranges never cross a chunk). */
bool vs_valid(const struct valstate *vs, uint64_t gpa);
bool vs_owned(const struct valstate *vs, uint64_t gpa);
/* Pages of [gpa, gpa + n pages) that are validated / owned; the range lies in one 2 MiB chunk. */
unsigned vs_count_valid(const struct valstate *vs, uint64_t gpa, unsigned n);
unsigned vs_count_owned(const struct valstate *vs, uint64_t gpa, unsigned n);
/* 0, or -1 when a region block could not be allocated (nothing changed then). */
int vs_set_valid(struct valstate *vs, uint64_t gpa, unsigned n, bool v);
int vs_set_owned(struct valstate *vs, uint64_t gpa, unsigned n, bool v);
/* Bytes currently allocated for state. */
uint64_t vs_bytes(const struct valstate *vs);

#endif
