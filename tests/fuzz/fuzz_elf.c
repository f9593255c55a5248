/* SPDX-License-Identifier: MIT */
/*
 * fuzz_elf.c — libFuzzer harness for the kernel ELF loader
 * (igvmbuild/build_elf.c over libelf). Accepted segments are re-checked:
 * their file bytes lie inside the input, they are sorted, page aligned and
 * disjoint, and every byte is read so ASan sees any stray pointer.
 */
#include <stdlib.h>

#include "../../igvmbuild/build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct build_elf e;
	if (build_elf_load("fuzz/kernel.elf", data, size, &e) != 0)
		return 0;
	volatile uint8_t sink = 0;
	for (size_t i = 0; i < e.count; i++) {
		const struct build_segment *s = &e.seg[i];
		if (s->data < data || s->filesz > size || (size_t)(s->data - data) > size - s->filesz)
			abort();
		if (s->vaddr % BUILD_PAGE || s->filesz > s->memsz)
			abort();
		if (i && s->vaddr < e.seg[i - 1].vaddr + e.seg[i - 1].memsz)
			abort();
		for (uint64_t k = 0; k < s->filesz; k++)
			sink ^= s->data[k];
	}
	(void)sink;
	build_elf_free(&e);
	return 0;
}
