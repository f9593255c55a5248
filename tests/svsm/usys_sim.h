/* SPDX-License-Identifier: MIT */
/*
 * usys_sim.h — a simulated process for the system-call layer (svsm/user/usys.h), shared by
 * its unit test (test_svsm_usys.c) and its fuzzer (tests/fuzz/fuzz_user_syscall.c): user
 * pages as malloc'd 4 KiB blocks keyed by address (the kernel's map, unmap and protect),
 * copies that fail on a missing page or a missing permission as the kernel's fault-recovering
 * ones do (a write needs W, a read any access but PROT_NONE), a console that keeps what it
 * is given, and a small packed filesystem: /etc/motd ("hello\n") and /lnk -> /etc/motd.
 * sim_check() compares the layer's bookkeeping with the pages really mapped.
 */
#ifndef TESTS_SVSM_USYS_SIM_H
#define TESTS_SVSM_USYS_SIM_H

#include <stdlib.h>
#include <string.h>

#include "../../svsm/fs/igfs.h"
#include "../../svsm/user/usys.h"

#define SIM_MAX_PAGES 1024u

struct sim_page {
	uint64_t va;
	uint32_t prot;
	uint8_t *mem;
};

struct sim {
	struct usys u;
	struct igfs fs;
	uint8_t image[8192];
	struct sim_page page[SIM_MAX_PAGES];
	unsigned npages;
	int map_fail;     /* the next map fails (the pool ran dry) */
	char out[4096];   /* console output, truncated */
	size_t out_len;
	uint64_t fs_base;
	uint64_t clock;
};

static struct sim_page *sim_find(struct sim *s, uint64_t va)
{
	for (unsigned i = 0; i < s->npages; i++)
		if (s->page[i].va == va)
			return &s->page[i];
	return NULL;
}

static int sim_copy(struct sim *s, uint64_t ua, uint8_t *k, uint64_t n, int out)
{
	if (!usys_range_ok(ua, n)) /* the layer checks first: a range it passes must be checked */
		abort();
	while (n) {
		struct sim_page *p = sim_find(s, ua & ~4095ull);
		uint64_t c = 4096 - (ua & 4095);
		if (c > n)
			c = n;
		if (!p || !p->prot || (out && !(p->prot & USYS_PROT_W)))
			return -1;
		if (out)
			memcpy(p->mem + (ua & 4095), k, c);
		else
			memcpy(k, p->mem + (ua & 4095), c);
		ua += c;
		k += c;
		n -= c;
	}
	return 0;
}

static int sim_copy_in(void *ctx, void *dst, uint64_t ua, uint64_t n)
{
	return sim_copy(ctx, ua, dst, n, 0);
}

static int sim_copy_out(void *ctx, uint64_t ua, const void *src, uint64_t n)
{
	return sim_copy(ctx, ua, (uint8_t *)(uintptr_t)src, n, 1);
}

static void sim_unmap(void *ctx, uint64_t va, uint64_t len)
{
	struct sim *s = ctx;
	for (uint64_t off = 0; off < len; off += 4096) {
		struct sim_page *p = sim_find(s, va + off);
		if (!p)
			abort(); /* the layer unmaps only what it mapped */
		free(p->mem);
		*p = s->page[--s->npages];
	}
}

static int sim_map(void *ctx, uint64_t va, uint64_t len, uint32_t prot)
{
	struct sim *s = ctx;
	if (s->map_fail || len / 4096 > SIM_MAX_PAGES - s->npages) {
		s->map_fail = 0;
		return -1;
	}
	for (uint64_t off = 0; off < len; off += 4096) {
		if (sim_find(s, va + off))
			abort(); /* mapped twice */
		s->page[s->npages++] = (struct sim_page){ va + off, prot, calloc(1, 4096) };
	}
	return 0;
}

static void sim_protect(void *ctx, uint64_t va, uint64_t len, uint32_t prot)
{
	struct sim *s = ctx;
	for (uint64_t off = 0; off < len; off += 4096) {
		struct sim_page *p = sim_find(s, va + off);
		if (!p)
			abort();
		p->prot = prot;
	}
}

static void sim_console(void *ctx, int fd, const char *buf, uint64_t n)
{
	struct sim *s = ctx;
	(void)fd;
	for (uint64_t i = 0; i < n && s->out_len < sizeof(s->out) - 1; i++)
		s->out[s->out_len++] = buf[i];
	s->out[s->out_len] = 0;
}

static int sim_random(void *ctx, void *buf, uint64_t n)
{
	(void)ctx;
	memset(buf, 0xA5, n);
	return 0;
}

static uint64_t sim_clock(void *ctx)
{
	struct sim *s = ctx;
	return s->clock += 1234567891ull;
}

static void sim_set_fs(void *ctx, uint64_t base)
{
	((struct sim *)ctx)->fs_base = base;
}

static const struct usys_ops sim_ops = { sim_copy_in, sim_copy_out, sim_map, sim_unmap, sim_protect,
					  sim_console, sim_random, sim_clock, sim_set_fs };

static void sim_put_entry(uint8_t *img, unsigned i, uint32_t name, uint16_t len, uint16_t mode, uint32_t parent,
			  uint64_t off, uint64_t size)
{
	struct igfs_entry e = { name, len, mode, parent, 0, off, size };
	memcpy(img + 64 + 32 * i, &e, sizeof(e));
}

/* A process with an image page at 0x400000, a stack page, the break at 0x401000. */
static int sim_init(struct sim *s, uint64_t max_pages)
{
	memset(s, 0, sizeof(*s));
	static const char strings[] = "etclnk/etc/motdmotd";
	struct igfs_header h = { IGFS_MAGIC, IGFS_VERSION, 64, 4, 32, 0, 192, 19, 4096, 4096, 8192, { 0, 0 } };
	memcpy(s->image, &h, sizeof(h));
	sim_put_entry(s->image, 0, 0, 0, IGFS_S_IFDIR | 0755, 0, 1, 2);
	sim_put_entry(s->image, 1, 0, 3, IGFS_S_IFDIR | 0755, 0, 3, 1);
	sim_put_entry(s->image, 2, 3, 3, IGFS_S_IFLNK | 0777, 0, 6, 9);
	sim_put_entry(s->image, 3, 15, 4, IGFS_S_IFREG | 0644, 1, 0, 6);
	memcpy(s->image + 192, strings, 19);
	memcpy(s->image + 4096, "hello\n", 6);
	if (igfs_init(&s->fs, s->image, sizeof(s->image)))
		return -1;
	usys_init(&s->u, &sim_ops, s, &s->fs, max_pages);
	if (usys_map_fixed(&s->u, 0x400000, 4096, USYS_PROT_R | USYS_PROT_X) ||
	    usys_map_fixed(&s->u, USYS_STACK_TOP - 4096, 4096, USYS_PROT_R | USYS_PROT_W))
		return -1;
	usys_set_brk(&s->u, 0x401000);
	return 0;
}

/* The layer's promises: pages counted = pages mapped, within the budget; mappings sorted,
 * disjoint, page aligned, inside the mmap range, mapped with their protection; the break's
 * pages mapped. Returns a description of the first broken one, or NULL. */
static const char *sim_check(struct sim *s)
{
	struct usys *u = &s->u;
	if (u->pages != s->npages)
		return "pages counted != pages mapped";
	if (u->pages > u->max_pages)
		return "over the budget";
	if (u->nvma > USYS_MAX_VMAS)
		return "too many mappings";
	for (uint32_t i = 0; i < u->nvma; i++) {
		const struct usys_vma *v = &u->vma[i];
		if (v->lo % 4096 || v->hi % 4096 || v->lo >= v->hi || v->lo < USYS_MMAP_LO || v->hi > USYS_MMAP_HI)
			return "a mapping out of shape";
		if (i && v->lo < u->vma[i - 1].hi)
			return "mappings unsorted or overlapping";
		for (uint64_t va = v->lo; va < v->hi; va += 4096) {
			struct sim_page *p = sim_find(s, va);
			if (!p || p->prot != v->prot)
				return "a mapping's page missing or with another protection";
		}
	}
	for (uint64_t va = u->brk_lo; va < u->brk; va += 4096)
		if (!sim_find(s, va))
			return "a page of the break missing";
	return NULL;
}

static void sim_free(struct sim *s)
{
	for (unsigned i = 0; i < s->npages; i++)
		free(s->page[i].mem);
	s->npages = 0;
}

#endif
