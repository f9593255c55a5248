/* SPDX-License-Identifier: MIT */
/* psc.c — see psc.h. */
#include "psc.h"

uint64_t psc_entry(uint64_t gpa, unsigned op, bool large)
{
	return (gpa & 0x000FFFFFFFFFF000ull) | ((uint64_t)(op & 0xF) << 52) | ((uint64_t)large << 56);
}

unsigned psc_build(struct psc_desc *d, uint64_t *gpa, uint64_t end, unsigned op, bool allow_large)
{
	unsigned n = 0;
	uint64_t a = *gpa & ~0xFFFull;
	while (a < end && n < PSC_MAX_ENTRIES) {
		bool large = allow_large && !(a & 0x1FFFFF) && end - a >= 0x200000;
		d->entry[n++] = psc_entry(a, op, large);
		a += large ? 0x200000 : 0x1000;
	}
	d->cur_entry = 0;
	d->end_entry = (uint16_t)(n ? n - 1 : 0);
	d->reserved = 0;
	*gpa = a;
	return n;
}

bool psc_done(const struct psc_desc *d)
{
	return d->cur_entry > d->end_entry;
}
