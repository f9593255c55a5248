/* SPDX-License-Identifier: MIT */
/*
 * fuzz_user_elf.c — libFuzzer harness for the ring-3 ELF loader (svsm/user/elf_load.c).
 * Each input is planned at two load bases; an accepted plan is checked against its
 * promises (segments sorted, page aligned, disjoint, inside the limits, their file bytes
 * inside the input, entry in executable file bytes, AT_PHDR inside a segment's data,
 * relocations inside a writable segment), every file byte a segment names is read, and
 * the initial stack is built and read back.
 */
#include <stdlib.h>
#include <string.h>

#include "../../svsm/user/elf_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct uelf_limits lim = { 0x10000, 0x800000000000ull, 64u << 20 };

static const struct uelf_segment *holding(const struct uelf_plan *p, uint64_t va, uint64_t len)
{
	for (unsigned i = 0; i < p->nseg; i++)
		if (va >= p->seg[i].vaddr && va - p->seg[i].vaddr <= p->seg[i].size && len <= p->seg[i].size - (va - p->seg[i].vaddr))
			return &p->seg[i];
	return NULL;
}

static void check(const uint8_t *f, size_t size, uint64_t base)
{
	struct uelf_plan p;
	if (uelf_plan(f, size, &lim, base, &p))
		return;
	volatile uint8_t sink = 0;
	if (!p.nseg || p.nseg > UELF_MAX_SEGMENTS || p.lo < lim.user_lo || p.hi > lim.user_hi || p.hi - p.lo > lim.max_image)
		abort();
	for (unsigned i = 0; i < p.nseg; i++) {
		const struct uelf_segment *s = &p.seg[i];
		if (s->vaddr % UELF_PAGE || s->size % UELF_PAGE || !s->size || s->vaddr < p.lo || s->vaddr + s->size > p.hi)
			abort();
		if (i && s->vaddr < p.seg[i - 1].vaddr + p.seg[i - 1].size)
			abort();
		if ((s->prot & UELF_PROT_W) && (s->prot & UELF_PROT_X))
			abort();
		if (s->data_vaddr < s->vaddr || s->data_vaddr - s->vaddr >= UELF_PAGE ||
		    s->file_size > s->size - (s->data_vaddr - s->vaddr))
			abort();
		if (s->file_offset > size || s->file_size > size - s->file_offset)
			abort();
		for (uint64_t k = 0; k < s->file_size; k++)
			sink ^= f[s->file_offset + k];
	}
	const struct uelf_segment *e = holding(&p, p.entry, 1);
	if (!e || !(e->prot & UELF_PROT_X) || !holding(&p, p.phdr, (uint64_t)p.phnum * p.phent))
		abort();
	for (uint64_t i = 0; i < p.rela_count; i++) {
		uint64_t where, value;
		const struct uelf_segment *s;
		if (uelf_reloc(&p, f, size, i, &where, &value) || !(s = holding(&p, where, 8)) || !(s->prot & UELF_PROT_W))
			abort();
	}
	static uint8_t stack[16384];
	const char *argv[] = { "/init", "x" }, *envp[] = { "A=1" };
	uint8_t rnd[16] = { 0 };
	struct uelf_stack_args a = { argv, 2, envp, 1, "/init", rnd, 0, 0, 100, 0, 0, false, 0 };
	uint64_t top = 0x7FFFFFFFF000ull, sp;
	if (uelf_stack(&p, &a, stack, sizeof(stack), top, &sp) || sp % 16 || sp < top - sizeof(stack))
		abort();
	uint64_t argc;
	memcpy(&argc, stack + (sp - (top - sizeof(stack))), 8);
	if (argc != 2)
		abort();
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* From a copy: the loader must not need the file aligned. */
	uint8_t *f = malloc(size ? size : 1);
	if (!f)
		return 0;
	memcpy(f, data, size);
	check(f, size, 0x10000);
	check(f, size, 0x555555554000ull);
	free(f);
	return 0;
}
