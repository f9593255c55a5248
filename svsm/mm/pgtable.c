/* SPDX-License-Identifier: MIT */
/* pgtable.c — see pgtable.h. */
#include "pgtable.h"

static unsigned idx(uint64_t va, int level) /* level 3 = PML4 ... 0 = PT */
{
	return (unsigned)((va >> (12 + 9 * level)) & 511);
}

static uint64_t *table(const struct pgt *t, uint64_t entry_or_root)
{
	return t->p2v(t->arg, entry_or_root & PTE_ADDR_MASK & ~t->enc);
}

int pgt_create(struct pgt *t)
{
	t->root = t->alloc_table(t->arg);
	return t->root ? PGT_OK : PGT_NOMEM;
}

/* The entry for va at `level` (1 = PD, 0 = PT), creating tables on the way. */
static int walk(struct pgt *t, uint64_t va, int level, uint64_t user, uint64_t **out)
{
	uint64_t *tab = table(t, t->root);
	for (int l = 3; l > level; l--) {
		uint64_t *e = &tab[idx(va, l)];
		if (!(*e & PTE_P)) {
			uint64_t pa = t->alloc_table(t->arg);
			if (!pa)
				return PGT_NOMEM;
			/* Tables are permissive; the leaf decides. */
			*e = pa | t->enc | PTE_P | PTE_W | user;
		} else if (*e & PTE_PS) {
			return PGT_CONFLICT;
		} else {
			*e |= user; /* a user leaf needs U on the way down too */
		}
		tab = table(t, *e);
	}
	*out = &tab[idx(va, level)];
	return PGT_OK;
}

int pgt_map(struct pgt *t, uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	int large = (flags & PTE_PS) != 0;
	uint64_t step = large ? LARGE_SIZE : PAGE_SIZE;
	if ((va | pa | size) & (step - 1))
		return PGT_ALIGN;
	for (uint64_t off = 0; off < size; off += step) {
		uint64_t *e;
		int rc = walk(t, va + off, large ? 1 : 0, flags & PTE_U, &e);
		if (rc)
			return rc;
		if (large && (*e & PTE_P) && !(*e & PTE_PS))
			return PGT_CONFLICT; /* a table already lives there */
		*e = ((pa + off) & PTE_ADDR_MASK) | t->enc | PTE_P | (flags & (PTE_W | PTE_NX | PTE_G | PTE_PS | PTE_PCD | PTE_PWT | PTE_U));
	}
	return PGT_OK;
}

static uint64_t *lookup(const struct pgt *t, uint64_t va, int *level)
{
	uint64_t *tab = table(t, t->root);
	for (int l = 3; l >= 0; l--) {
		uint64_t *e = &tab[idx(va, l)];
		if (!(*e & PTE_P))
			return 0;
		if (l == 0 || (l <= 2 && (*e & PTE_PS))) {
			*level = l;
			return e;
		}
		tab = table(t, *e);
	}
	return 0;
}

int pgt_unmap(struct pgt *t, uint64_t va, uint64_t size)
{
	if ((va | size) & (PAGE_SIZE - 1))
		return PGT_ALIGN;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		int level;
		uint64_t *e = lookup(t, va + off, &level);
		if (!e)
			return PGT_NOT_MAPPED;
		if (level != 0)
			return PGT_CONFLICT;
		*e = 0;
	}
	return PGT_OK;
}

bool pgt_translate(const struct pgt *t, uint64_t va, uint64_t *pa, uint64_t *flags)
{
	int level;
	uint64_t *e = lookup(t, va, &level);
	if (!e)
		return false;
	uint64_t span = 1ull << (12 + 9 * level);
	uint64_t addr = *e & PTE_ADDR_MASK & ~t->enc & ~(span - 1);
	*pa = addr | (va & (span - 1));
	if (flags)
		*flags = *e & ~(PTE_ADDR_MASK & ~(span - 1)) & ~t->enc;
	return true;
}

int pgt_set_private(struct pgt *t, uint64_t va, bool private_page)
{
	int level;
	uint64_t *e = lookup(t, va, &level);
	if (!e)
		return PGT_NOT_MAPPED;
	if (level != 0)
		return PGT_CONFLICT;
	*e = private_page ? (*e | t->enc) : (*e & ~t->enc);
	return PGT_OK;
}
