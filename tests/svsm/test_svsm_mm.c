/* SPDX-License-Identifier: MIT */
/* test_svsm_mm.c — host unit tests of the core's portable memory code, formatter and vTPM blob reader. */
#include "../unit/tap.h"

#include <stdlib.h>

#include "../../svsm/lib/fmt.h"
#include "../../svsm/mm/heap.h"
#include "../../svsm/mm/memmap.h"
#include "../../svsm/mm/palloc.h"
#include "../../svsm/mm/pgtable.h"
#include "../../svsm/vtpm_cfg.h"

static void put_entry(uint8_t *p, uint64_t gfn, uint64_t pages, uint16_t type)
{
	memcpy(p, &gfn, 8);
	memcpy(p + 8, &pages, 8);
	memcpy(p + 16, &type, 2);
}

static void test_memmap(void)
{
	uint8_t area[4096] = { 0 };
	struct memmap m, g;
	put_entry(area, 0, 0x80000, 0);
	put_entry(area + 24, 0x100000, 0x40000, 0);
	ok(memmap_parse(area, sizeof(area), &m) == MEMMAP_OK && m.count == 2, "two entries, zero terminator");
	is_u64(memmap_ram_bytes(&m), 3ull << 30, "3 GiB of RAM");
	ok(memmap_subtract(&m, 0x1000000, 0x1000000, &g) == MEMMAP_OK && g.count == 3, "SVSM region splits a range");
	is_u64(memmap_ram_bytes(&g), (3ull << 30) - 0x1000000, "guest RAM excludes the region");
	ok(g.r[1].base == 0x2000000, "range resumes after the region");
	ok(memmap_parse(area, 30, &m) == MEMMAP_OK && m.count == 1, "area size bounds the walk");
	put_entry(area + 24, 0x10, 1, 0);
	ok(memmap_parse(area, sizeof(area), &m) == MEMMAP_UNSORTED, "overlap refused");
	put_entry(area + 24, 0xFFFFFFFFFFFFFull, 2, 0);
	ok(memmap_parse(area, sizeof(area), &m) == MEMMAP_OVERFLOW, "wrapping range refused");
	memset(area, 0, sizeof(area));
	ok(memmap_parse(area, sizeof(area), &m) == MEMMAP_EMPTY, "empty map refused");
	for (int i = 0; i < 70; i++)
		put_entry(area + 24 * i, (uint64_t)i * 2, 1, 0);
	ok(memmap_parse(area, sizeof(area), &m) == MEMMAP_TOO_MANY, "more than 64 entries refused");
}

static void test_palloc(void)
{
	uint8_t bm[PALLOC_BITMAP_BYTES(100)];
	struct palloc p;
	palloc_init(&p, 0x1003000, 100, bm);
	uint64_t a = palloc_alloc(&p, 1, 1);
	is_u64(a, 0x1003000, "first page");
	uint64_t b = palloc_alloc(&p, 4, 4);
	ok(b && !(b & 0x3FFF), "aligned run of 4 (0x%llx)", (unsigned long long)b);
	ok(p.nfree == 95, "free count");
	ok(!palloc_free(&p, 0x1003000 + 50 * 0x1000, 1), "free of a free page refused");
	ok(!palloc_free(&p, 0x1000, 1), "free outside the pool refused");
	ok(!palloc_free(&p, a + 1, 1), "unaligned free refused");
	ok(palloc_free(&p, a, 1) && !palloc_free(&p, a, 1), "double free refused");
	ok(!palloc_alloc(&p, 200, 1), "too large run fails");
	ok(palloc_reserve(&p, 0x1003000 + 99 * 0x1000, 1) && !palloc_reserve(&p, 0x1003000 + 99 * 0x1000, 1),
	   "reserve, then reserve again refused");
	ok(!palloc_reserve(&p, 0x1003000 + 99 * 0x1000, 2), "reserve past the end refused");
}

static void test_heap(void)
{
	static unsigned char mem[65536];
	struct heap h;
	heap_init(&h, mem + 3, sizeof(mem) - 3);
	size_t all = heap_free_bytes(&h);
	void *a = heap_alloc(&h, 100), *b = heap_alloc(&h, 1), *c = heap_alloc(&h, 5000);
	ok(a && b && c && !((uintptr_t)a & 15) && !((uintptr_t)b & 15), "allocations aligned to 16");
	ok(!heap_alloc(&h, 0) && !heap_alloc(&h, 1u << 20), "zero and oversized requests fail");
	ok(heap_free(&h, b) && !heap_free(&h, b), "double free refused");
	ok(!heap_free(&h, (char *)a + 16), "interior pointer refused");
	ok(heap_free(&h, c) && heap_free(&h, a), "frees");
	ok(heap_free_bytes(&h) == all && heap_largest(&h) == all, "coalesced back to one block");
}

/* Page tables in a malloc'd arena: "physical" addresses are offsets + a base. */
#define ARENA_PAGES 64
static uint8_t *arena;
static unsigned arena_next;
static uint64_t arena_alloc(void *arg)
{
	(void)arg;
	if (arena_next == ARENA_PAGES)
		return 0;
	memset(arena + arena_next * 4096ull, 0, 4096);
	return 0x40000000ull + 4096ull * arena_next++;
}
static void *arena_p2v(void *arg, uint64_t pa)
{
	(void)arg;
	return arena + (pa - 0x40000000ull);
}

static void test_pgtable(void)
{
	arena = aligned_alloc(4096, ARENA_PAGES * 4096);
	arena_next = 0;
	struct pgt t = { .enc = 1ull << 51, .alloc_table = arena_alloc, .p2v = arena_p2v };
	uint64_t pa, fl;
	ok(pgt_create(&t) == PGT_OK, "root allocated");
	ok(pgt_map(&t, 0xFFFFFFFF80001000ull, 0x123000, 0x2000, PTE_W | PTE_NX) == PGT_OK, "map two 4 KiB pages");
	ok(pgt_translate(&t, 0xFFFFFFFF80002ABCull, &pa, &fl) && pa == 0x124ABC, "translate second page");
	ok((fl & PTE_W) && (fl & PTE_NX) && !(fl & (1ull << 51)), "flags back without the C-bit");
	uint64_t raw = ((uint64_t *)arena_p2v(0, t.root))[511];
	ok(raw & (1ull << 51), "C-bit in table entries");
	ok(pgt_map(&t, 0x200000, 0x400000, 0x400000, PTE_PS | PTE_W) == PGT_OK, "map 2 MiB pages");
	ok(pgt_translate(&t, 0x3FFFFF, &pa, &fl) && pa == 0x5FFFFF && (fl & PTE_PS), "large translation");
	ok(pgt_map(&t, 0x201000, 0x1000, 0x1000, 0) == PGT_CONFLICT, "4 KiB inside a large page: conflict");
	ok(pgt_unmap(&t, 0x200000, 0x1000) == PGT_CONFLICT, "unmap of a large page refused");
	ok(pgt_map(&t, 0x1000, 0x1000, 0x1000, PTE_PS) == PGT_ALIGN, "misaligned large mapping refused");
	ok(pgt_unmap(&t, 0xFFFFFFFF80001000ull, 0x1000) == PGT_OK, "unmap");
	ok(!pgt_translate(&t, 0xFFFFFFFF80001000ull, &pa, &fl), "unmapped page does not translate");
	ok(pgt_unmap(&t, 0xFFFFFFFF80001000ull, 0x1000) == PGT_NOT_MAPPED, "second unmap reports not mapped");
	ok(pgt_set_private(&t, 0xFFFFFFFF80002000ull, false) == PGT_OK &&
	   pgt_translate(&t, 0xFFFFFFFF80002000ull, &pa, &fl) && pa == 0x124000, "clear C-bit of one page");
	arena_next = ARENA_PAGES;
	ok(pgt_map(&t, 0x7F0000000000ull, 0x1000, 0x1000, 0) == PGT_NOMEM, "out of table pages reported");
	free(arena);
}

static void test_fmt(void)
{
	char b[64];
	fmt_snprintf(b, sizeof(b), "%s=%d %u %x %05x %-3s| %lx %p %c%%", "a", -12, 7u, 0xABu, 0x1Fu, "z",
		     0xFFFFFFFF80000000ul, (void *)0x10, 'q');
	ok(!strcmp(b, "a=-12 7 ab 0001f z  | ffffffff80000000 0x0000000000000010 q%"), "formatting: %s", b);
	ok(fmt_snprintf(b, 4, "%s", "abcdef") == 6 && !strcmp(b, "abc"), "truncation, C99 return value");
}

static void test_vtpm(void)
{
	static uint8_t blob[512];
	struct vtpm_config_header h = { 0 };
	h.magic = VTPM_CONFIG_MAGIC;
	h.version = VTPM_CONFIG_VERSION;
	h.header_size = sizeof(h);
	h.total_size = 256;
	h.pcr_banks = VTPM_PCR_BANK_SHA256 | VTPM_PCR_BANK_SHA384;
	h.ek_algorithm = VTPM_TPM_ALG_ECC;
	h.ek_key_bits = 384;
	h.manufacturer = 0x49424D20; /* "IBM " */
	h.nv_count = 1;
	h.nv_entry_size = sizeof(struct vtpm_config_nv_index);
	h.nv_table_offset = 96;
	struct vtpm_config_nv_index e = { .index = 0x01C00002, .size = 64, .data_offset = 128, .data_len = 32 };
	memcpy(blob, &h, sizeof(h));
	memcpy(blob + 96, &e, sizeof(e));
	struct vtpm_cfg_summary s;
	ok(vtpm_cfg_parse(blob, 256, &s) == VTPM_CFG_OK && s.nv_count == 1 && s.nv_data_bytes == 32 &&
	   s.ek_key_bits == 384 && !strcmp(s.manufacturer, "IBM "), "valid blob summarised");
	char banks[32];
	vtpm_cfg_banks(s.pcr_banks, banks, sizeof(banks));
	ok(!strcmp(banks, "sha256,sha384"), "bank list %s", banks);
	ok(vtpm_cfg_parse(blob, 200, &s) == VTPM_CFG_BAD_SIZE, "total_size beyond the launch-info size refused");
	ok(vtpm_cfg_parse(blob, 50, &s) == VTPM_CFG_TOO_SHORT, "truncated header refused");
	e.data_len = 65;
	memcpy(blob + 96, &e, sizeof(e));
	ok(vtpm_cfg_parse(blob, 256, &s) == VTPM_CFG_BAD_NV_DATA, "data_len > size refused");
	h.nv_table_offset = 250;
	memcpy(blob, &h, sizeof(h));
	ok(vtpm_cfg_parse(blob, 256, &s) == VTPM_CFG_BAD_NV_TABLE, "NV table past the end refused");
	h.magic ^= 1;
	memcpy(blob, &h, sizeof(h));
	ok(vtpm_cfg_parse(blob, 256, &s) == VTPM_CFG_BAD_MAGIC, "bad magic refused");
}

int main(void)
{
	test_memmap();
	test_palloc();
	test_heap();
	test_pgtable();
	test_fmt();
	test_vtpm();
	return tap_done();
}
