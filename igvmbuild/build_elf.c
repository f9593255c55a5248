/* SPDX-License-Identifier: MIT */
/*
 * build_elf.c — the SVSM kernel ELF (libelf) -> loadable segments.
 *
 * The builder lays the kernel out at build time, so what it accepts here is
 * exactly what ends up measured: an x86-64 ELF64 executable whose PT_LOAD
 * segments start page aligned (so no page is shared by two segments and
 * validated twice), do not overlap, and carry no relocations the builder
 * would have to apply (it applies none: the kernel is linked at its final
 * virtual address). Anything else is refused by name.
 *
 * libelf parses the headers; every offset and size it hands back is still
 * checked against the buffer before use, because the input is hostile.
 */
#include "build.h"

#include <gelf.h>
#include <libelf.h>
#if __has_include(<elfutils/version.h>)
#include <elfutils/version.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/status.h"

static void elfp_end(Elf **e)
{
	if (*e)
		elf_end(*e);
}
#define _cleanup_elf_ _cleanup_(elfp_end)

void build_elf_free(struct build_elf *e)
{
	free(e->seg);
	memset(e, 0, sizeof(*e));
}

static int cmp_seg(const void *a, const void *b)
{
	const struct build_segment *x = a, *y = b;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* Relocation sections the loader would have to process: SHF_ALLOC REL/RELA, or DT_REL*. */
static int check_relocations(const char *path, Elf *elf)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		shstrndx = 0;
	Elf_Scn *scn = NULL;
	size_t guard = 0;
	while ((scn = elf_nextscn(elf, scn)) && guard++ < 65536) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if ((sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL) && (sh.sh_flags & SHF_ALLOC) && sh.sh_size) {
			const char *name = shstrndx ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
			ib_err("%s: section %s: unsupported relocations (%s, %llu bytes): the kernel must be linked "
			       "at its load address", path, name ? name : "?", sh.sh_type == SHT_RELA ? "SHT_RELA" : "SHT_REL",
			       (unsigned long long)sh.sh_size);
			return IB_EXIT_INVALID;
		}
	}
	return 0;
}

int build_elf_load(const char *path, const uint8_t *data, size_t len, struct build_elf *out)
{
	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE) {
		ib_err("libelf: %s", elf_errmsg(-1));
		return IB_EXIT_INTERNAL;
	}
	if (len < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG)) {
		ib_err("%s: offset 0: not an ELF file (bad magic)", path);
		return IB_EXIT_INVALID;
	}
	if (data[EI_CLASS] != ELFCLASS64) {
		ib_err("%s: offset 4: ELF class %u, need ELFCLASS64", path, data[EI_CLASS]);
		return IB_EXIT_INVALID;
	}
	if (data[EI_DATA] != ELFDATA2LSB) {
		ib_err("%s: offset 5: ELF data encoding %u, need little-endian", path, data[EI_DATA]);
		return IB_EXIT_INVALID;
	}
	/* elf_memory takes a non-const buffer but, opened read-only, does not write it. */
	_cleanup_elf_ Elf *elf = elf_memory((char *)(uintptr_t)data, len);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		ib_err("%s: not a valid ELF file: %s", path, elf_errmsg(-1));
		return IB_EXIT_INVALID;
	}
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh)) {
		ib_err("%s: offset 0: bad ELF header: %s", path, elf_errmsg(-1));
		return IB_EXIT_INVALID;
	}
	if (eh.e_machine != EM_X86_64) {
		ib_err("%s: offset 0x12: wrong machine %u, need EM_X86_64 (62)", path, eh.e_machine);
		return IB_EXIT_INVALID;
	}
	if (eh.e_type != ET_EXEC) {
		ib_err("%s: offset 0x10: ELF type %u, need ET_EXEC (a position-dependent executable)", path, eh.e_type);
		return IB_EXIT_INVALID;
	}
	int r = check_relocations(path, elf);
	if (r)
		return r;

	size_t phnum;
	if (elf_getphdrnum(elf, &phnum) != 0) {
		ib_err("%s: bad program header table: %s", path, elf_errmsg(-1));
		return IB_EXIT_INVALID;
	}
	if (phnum > 256) {
		ib_err("%s: %zu program headers, more than the 256 accepted", path, phnum);
		return IB_EXIT_INVALID;
	}
	out->seg = calloc(phnum ? phnum : 1, sizeof(*out->seg));
	if (!out->seg)
		return IB_EXIT_INTERNAL;

	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		uint64_t where = eh.e_phoff + i * (uint64_t)eh.e_phentsize;
		if (!gelf_getphdr(elf, (int)i, &ph)) {
			ib_err("%s: offset 0x%llx: bad program header %zu: %s", path, (unsigned long long)where, i,
			       elf_errmsg(-1));
			goto invalid;
		}
		if (ph.p_type == PT_DYNAMIC || ph.p_type == PT_INTERP || ph.p_type == PT_TLS) {
			ib_err("%s: offset 0x%llx: program header %zu is %s, which a build-time layout cannot honour",
			       path, (unsigned long long)where, i,
			       ph.p_type == PT_DYNAMIC ? "PT_DYNAMIC" : ph.p_type == PT_INTERP ? "PT_INTERP" : "PT_TLS");
			goto invalid;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_vaddr % BUILD_PAGE || ph.p_offset % BUILD_PAGE) {
			ib_err("%s: offset 0x%llx: PT_LOAD %zu at vaddr 0x%llx (file offset 0x%llx) is not page aligned",
			       path, (unsigned long long)where, i, (unsigned long long)ph.p_vaddr,
			       (unsigned long long)ph.p_offset);
			goto invalid;
		}
		if (ph.p_filesz > ph.p_memsz) {
			ib_err("%s: offset 0x%llx: PT_LOAD %zu has p_filesz 0x%llx > p_memsz 0x%llx", path,
			       (unsigned long long)where, i, (unsigned long long)ph.p_filesz,
			       (unsigned long long)ph.p_memsz);
			goto invalid;
		}
		if (!ib_range_ok(ph.p_offset, ph.p_filesz, len)) {
			ib_err("%s: offset 0x%llx: PT_LOAD %zu file range 0x%llx+0x%llx lies outside the %zu-byte file",
			       path, (unsigned long long)where, i, (unsigned long long)ph.p_offset,
			       (unsigned long long)ph.p_filesz, len);
			goto invalid;
		}
		if (ph.p_memsz > (1ull << 32) || ph.p_vaddr > UINT64_MAX - ph.p_memsz - BUILD_PAGE) {
			ib_err("%s: offset 0x%llx: PT_LOAD %zu size 0x%llx at 0x%llx is too large or wraps", path,
			       (unsigned long long)where, i, (unsigned long long)ph.p_memsz,
			       (unsigned long long)ph.p_vaddr);
			goto invalid;
		}
		struct build_segment *s = &out->seg[out->count++];
		s->vaddr = ph.p_vaddr;
		s->memsz = ph.p_memsz;
		s->filesz = ph.p_filesz;
		s->data = data + ph.p_offset;
		s->flags = ph.p_flags;
	}
	if (out->count == 0) {
		ib_err("%s: no PT_LOAD segments", path);
		goto invalid;
	}
	qsort(out->seg, out->count, sizeof(*out->seg), cmp_seg);
	for (size_t i = 1; i < out->count; i++) {
		const struct build_segment *a = &out->seg[i - 1], *b = &out->seg[i];
		uint64_t a_end = (a->vaddr + a->memsz + BUILD_PAGE - 1) & ~(uint64_t)(BUILD_PAGE - 1);
		if (b->vaddr < a_end) {
			ib_err("%s: PT_LOAD segments overlap: [0x%llx, 0x%llx) and one at 0x%llx", path,
			       (unsigned long long)a->vaddr, (unsigned long long)a_end, (unsigned long long)b->vaddr);
			goto invalid;
		}
	}
	const struct build_segment *last = &out->seg[out->count - 1];
	out->vaddr_start = out->seg[0].vaddr;
	out->vaddr_end = (last->vaddr + last->memsz + BUILD_PAGE - 1) & ~(uint64_t)(BUILD_PAGE - 1);
	out->entry = eh.e_entry;
	bool entry_ok = false;
	for (size_t i = 0; i < out->count; i++)
		if (out->seg[i].vaddr <= eh.e_entry && eh.e_entry - out->seg[i].vaddr < out->seg[i].memsz &&
		    (out->seg[i].flags & PF_X))
			entry_ok = true;
	if (!entry_ok) {
		ib_err("%s: offset 0x18: entry point 0x%llx is not inside an executable PT_LOAD segment", path,
		       (unsigned long long)eh.e_entry);
		goto invalid;
	}
	return 0;
invalid:
	build_elf_free(out);
	return IB_EXIT_INVALID;
}

struct ib_libversion build_elf_version(void)
{
#ifdef _ELFUTILS_VERSION
#define BUILD_STR2(x) #x
#define BUILD_STR(x) BUILD_STR2(x)
	/* elfutils numbers its releases 0.NNN; libelf has no run-time version query. */
	return (struct ib_libversion){ "libelf (elfutils)", "0." BUILD_STR(_ELFUTILS_VERSION), NULL };
#else
	return (struct ib_libversion){ "libelf", "unknown", NULL };
#endif
}
