/* SPDX-License-Identifier: MIT */
/* ghcb.c — see ghcb.h. */
#include "ghcb.h"

#include "../arch/cpu.h"
#include "ghcb_msr.h"

static void put(struct ghcb *g, unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		g->bytes[off + i] = (uint8_t)(v >> (8 * i));
}

uint64_t ghcb_get(const struct ghcb *g, unsigned off)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | g->bytes[off + (unsigned)i];
	return v;
}

void ghcb_reset(struct ghcb *g)
{
	for (unsigned i = 0; i < 16; i++)
		g->bytes[GHCB_OFF_VALID_BITMAP + i] = 0;
	put(g, GHCB_OFF_EXIT_CODE, 0, 8);
	put(g, GHCB_OFF_EXIT_INFO1, 0, 8);
	put(g, GHCB_OFF_EXIT_INFO2, 0, 8);
	put(g, GHCB_OFF_VERSION, GHCB_PROTOCOL_VERSION, 2);
	put(g, GHCB_OFF_USAGE, 0, 4);
}

void ghcb_set(struct ghcb *g, unsigned off, uint64_t v)
{
	put(g, off, v, 8);
	unsigned bit = off / 8;
	g->bytes[GHCB_OFF_VALID_BITMAP + bit / 8] |= (uint8_t)(1u << (bit % 8));
}

bool ghcb_valid(const struct ghcb *g, unsigned off)
{
	unsigned bit = off / 8;
	return (g->bytes[GHCB_OFF_VALID_BITMAP + bit / 8] >> (bit % 8)) & 1;
}

void ghcb_set_exit(struct ghcb *g, uint64_t code, uint64_t info1, uint64_t info2)
{
	ghcb_set(g, GHCB_OFF_EXIT_CODE, code);
	ghcb_set(g, GHCB_OFF_EXIT_INFO1, info1);
	ghcb_set(g, GHCB_OFF_EXIT_INFO2, info2);
}

int ghcb_exit_status(const struct ghcb *g)
{
	uint32_t info1 = (uint32_t)ghcb_get(g, GHCB_OFF_EXIT_INFO1);
	if (info1 == 0)
		return 0;
	return info1 == 1 ? 1 : -1;
}

void ghcb_vmgexit(uint64_t ghcb_gpa)
{
	wrmsr(MSR_GHCB, ghcb_gpa);
	__asm__ volatile("rep; vmmcall" : : : "memory");
}
