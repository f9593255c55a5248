/* SPDX-License-Identifier: MIT */
/*
 * pgtable.h — 4-level x86-64 page tables: map, unmap, translate.
 *
 * The tables are reached through a caller-supplied physical-to-virtual
 * function and new table pages come from a caller-supplied allocator, so the
 * same code runs in the core (direct map, page pool) and in host unit tests
 * (a malloc'd arena). `enc` is ORed into every entry the code writes (the SNP
 * C-bit; 0 natively) and stripped when reading addresses back.
 */
#ifndef SVSM_MM_PGTABLE_H
#define SVSM_MM_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_P   0x001ull
#define PTE_W   0x002ull
#define PTE_U   0x004ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_A   0x020ull
#define PTE_D   0x040ull
#define PTE_PS  0x080ull
#define PTE_G   0x100ull
#define PTE_NX  (1ull << 63)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull

#define PAGE_SIZE  0x1000ull
#define LARGE_SIZE 0x200000ull

struct pgt {
	uint64_t root;                          /* physical address of the PML4 */
	uint64_t enc;                           /* C-bit mask or 0 */
	uint64_t (*alloc_table)(void *arg);     /* zeroed page, physical address, 0 if none */
	void *(*p2v)(void *arg, uint64_t pa);
	void *arg;
};

enum pgt_err {
	PGT_OK = 0,
	PGT_NOMEM = -1,
	PGT_ALIGN = -2,     /* va, pa or size not aligned to the page size asked for */
	PGT_CONFLICT = -3,  /* would replace a large page with a table, or vice versa */
	PGT_NOT_MAPPED = -4,
};

/* flags: PTE_W, PTE_NX, PTE_G, PTE_PCD|PTE_PWT (uncached MMIO), PTE_U (a ring-3 page: the tables on the way get U
 * too, so only a process's own lower half may ask for it); PTE_PS asks for 2 MiB pages (all three aligned to 2 MiB). */
int pgt_map(struct pgt *t, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags);
/* 4 KiB mappings only (a large page in the range is PGT_CONFLICT). */
int pgt_unmap(struct pgt *t, uint64_t va, uint64_t size);
/* *pa gets the physical address va maps to, *flags the leaf entry flags (without enc and address). */
bool pgt_translate(const struct pgt *t, uint64_t va, uint64_t *pa, uint64_t *flags);
/* Sets or clears the encryption bit (enc) of the 4 KiB leaf mapping va (SNP shared pages). */
int pgt_set_private(struct pgt *t, uint64_t va, bool private_page);
/* A new, empty root. */
int pgt_create(struct pgt *t);

#endif
