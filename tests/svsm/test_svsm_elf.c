/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_elf.c — host tests of the ring-3 loader's portable half (svsm/user/elf_load.c):
 * plans of a small ET_EXEC and a static PIE written here, one broken file per check (error
 * and program header or relocation index), and the initial stack read back word by word.
 * Real programs (musl-gcc, compared with readelf, and run from the plan) are
 * tests/cli/t0260-user-elf.sh's.
 */
#include "../unit/tap.h"

#include <elf.h>
#include <stdlib.h>

#include "../../svsm/user/elf_load.h"

static const struct uelf_limits lim = { 0x10000, 0x7FFF00000000ull, 64u << 20 };

struct img {
	uint8_t b[0x3000];
	struct elf64_ehdr eh;
	struct elf64_phdr ph[UELF_MAX_PHDRS + 2];
};

static void flush(struct img *m)
{
	memcpy(m->b, &m->eh, sizeof(m->eh));
	memcpy(m->b + m->eh.e_phoff, m->ph, (size_t)m->eh.e_phnum * sizeof(m->ph[0]));
}

static struct elf64_phdr load(uint32_t flags, uint64_t off, uint64_t va, uint64_t filesz, uint64_t memsz)
{
	return (struct elf64_phdr){ ELF64_PT_LOAD, flags, off, va, va, filesz, memsz, 0x1000 };
}

/* ET_EXEC at 0x400000: headers (R), text (RX), data + BSS (RW), TLS in the data, a non-executable stack. */
static void exec_image(struct img *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->eh.e_ident, "\177ELF\2\1\1", 7);
	m->eh.e_type = ELF64_ET_EXEC;
	m->eh.e_machine = ELF64_EM_X86_64;
	m->eh.e_version = 1;
	m->eh.e_entry = 0x401010;
	m->eh.e_phoff = 64;
	m->eh.e_ehsize = 64;
	m->eh.e_phentsize = 56;
	m->eh.e_phnum = 5;
	m->ph[0] = load(ELF64_PF_R, 0, 0x400000, 0x1000, 0x1000);
	m->ph[1] = load(ELF64_PF_R | ELF64_PF_X, 0x1000, 0x401000, 0x100, 0x100);
	m->ph[2] = load(ELF64_PF_R | ELF64_PF_W, 0x2000, 0x402000, 0x100, 0x3000);
	m->ph[3] = (struct elf64_phdr){ ELF64_PT_TLS, ELF64_PF_R, 0x2000, 0x402000, 0x402000, 8, 16, 8 };
	m->ph[4] = (struct elf64_phdr){ ELF64_PT_GNU_STACK, ELF64_PF_R | ELF64_PF_W, 0, 0, 0, 0, 0, 16 };
	flush(m);
}

static void put64(struct img *m, uint64_t off, uint64_t v)
{
	memcpy(m->b + off, &v, 8);
}

/*
 * Static PIE linked at 0: the same three segments, PT_DYNAMIC at 0x2040 (RELA 0x2080, two
 * relocations of the words at 0x2000 and 0x2008), PT_PHDR.
 */
static void pie_image(struct img *m)
{
	exec_image(m);
	m->eh.e_type = ELF64_ET_DYN;
	m->eh.e_entry = 0x1010;
	m->eh.e_phnum = 7;
	for (int i = 0; i < 4; i++) {
		m->ph[i].p_vaddr -= 0x400000;
		m->ph[i].p_paddr = m->ph[i].p_vaddr;
	}
	m->ph[5] = (struct elf64_phdr){ ELF64_PT_DYNAMIC, ELF64_PF_R | ELF64_PF_W, 0x2040, 0x2040, 0x2040, 0x40, 0x40, 8 };
	m->ph[6] = (struct elf64_phdr){ ELF64_PT_PHDR, ELF64_PF_R, 64, 64, 64, 7 * 56, 7 * 56, 8 };
	put64(m, 0x2040, ELF64_DT_RELA);
	put64(m, 0x2048, 0x2080);
	put64(m, 0x2050, ELF64_DT_RELASZ);
	put64(m, 0x2058, 48);
	put64(m, 0x2060, ELF64_DT_RELAENT);
	put64(m, 0x2068, 24);
	put64(m, 0x2070, ELF64_DT_NULL);
	put64(m, 0x2078, 0);
	uint64_t rela[6] = { 0x2000, ELF64_R_X86_64_RELATIVE, 0x1010, 0x2008, ELF64_R_X86_64_RELATIVE, 0x1020 };
	memcpy(m->b + 0x2080, rela, sizeof(rela));
	flush(m);
}

#define SIZE 0x2100 /* the file: everything up to the end of the data's file bytes */

static int plan(struct img *m, uint64_t base, struct uelf_plan *p)
{
	flush(m);
	return uelf_plan(m->b, SIZE, &lim, base, p);
}

static void test_good(void)
{
	struct img m;
	struct uelf_plan p;
	exec_image(&m);
	ok(plan(&m, 0, &p) == UELF_OK, "a static ET_EXEC is planned");
	ok(p.type == ELF64_ET_EXEC && p.bias == 0 && p.entry == 0x401010 && p.phdr == 0x400040 && p.phent == 56 &&
		   p.phnum == 5, "entry, AT_PHDR, phent, phnum");
	ok(p.nseg == 3 && p.lo == 0x400000 && p.hi == 0x405000 && p.brk == 0x405000, "three segments, span, break");
	const struct uelf_segment *d = &p.seg[2];
	ok(d->vaddr == 0x402000 && d->size == 0x3000 && d->data_vaddr == 0x402000 && d->file_offset == 0x2000 &&
		   d->file_size == 0x100 && d->prot == (UELF_PROT_R | UELF_PROT_W), "data and BSS: mapping, file bytes, RW");
	ok(p.seg[1].prot == (UELF_PROT_R | UELF_PROT_X) && p.seg[0].prot == UELF_PROT_R, "text RX, headers R");
	ok(p.tls_vaddr == 0x402000 && p.tls_filesz == 8 && p.tls_memsz == 16 && p.tls_align == 8, "PT_TLS reported");
	ok(p.rela_count == 0 && p.bad_index == UINT32_MAX, "no relocations");
	ok(plan(&m, 0x12345000, &p) == UELF_OK && p.bias == 0, "an ET_EXEC ignores the load base");

	pie_image(&m);
	ok(plan(&m, 0x10000000, &p) == UELF_OK, "a static PIE is planned");
	ok(p.type == ELF64_ET_DYN && p.bias == 0x10000000 && p.entry == 0x10001010 && p.phdr == 0x10000040 &&
		   p.lo == 0x10000000 && p.hi == 0x10005000, "biased entry, AT_PHDR and span");
	uint64_t w, v;
	ok(p.rela_count == 2 && !uelf_reloc(&p, m.b, SIZE, 1, &w, &v) && w == 0x10002008 && v == 0x10001020,
	   "relative relocations, biased");
	ok(uelf_reloc(&p, m.b, SIZE, 2, &w, &v) == UELF_E_RELOC, "relocation index past the table");
	m.ph[2].p_offset = 0x2000 + 0x10;
	m.ph[2].p_vaddr = m.ph[2].p_paddr = 0x2010;
	m.ph[2].p_filesz = 0xF0;
	m.ph[3].p_offset = 0x2010;
	m.ph[3].p_vaddr = m.ph[3].p_paddr = 0x2010;
	int rc = plan(&m, 0x10000000, &p);
	ok(rc == UELF_E_RELOC && p.bad_index == 0, "refuses a relocation below its segment's start: %s",
	   uelf_strerror(rc));
}

/* expect: build with `change` applied to a fresh image, then plan. */
#define EXPECT(kind, base, want, index, what, ...)                                                                     \
	do {                                                                                                           \
		struct img m_;                                                                                         \
		struct uelf_plan p_;                                                                                   \
		kind##_image(&m_);                                                                                     \
		struct img *m = &m_;                                                                                   \
		__VA_ARGS__;                                                                                           \
		int rc_ = plan(m, base, &p_);                                                                          \
		ok(rc_ == (want) && p_.bad_index == (uint32_t)(index), "refuses %s: %s (index %d)", what,             \
		   uelf_strerror(rc_), p_.bad_index == UINT32_MAX ? -1 : (int)p_.bad_index);                          \
	} while (0)

static void test_refusals(void)
{
	const uint32_t N = UINT32_MAX;
	{
		struct img t;
		struct uelf_plan p;
		exec_image(&t);
		ok(uelf_plan(t.b, 63, &lim, 0, &p) == UELF_E_TRUNCATED, "refuses a file shorter than its header");
		ok(uelf_plan(NULL, 64, &lim, 0, &p) == UELF_E_TRUNCATED, "refuses no file");
	}

	EXPECT(exec, 0, UELF_E_IDENT, N, "a bad magic", m->eh.e_ident[1] = 'X');
	EXPECT(exec, 0, UELF_E_IDENT, N, "ELFCLASS32", m->eh.e_ident[4] = 1);
	EXPECT(exec, 0, UELF_E_IDENT, N, "big-endian", m->eh.e_ident[5] = 2);
	EXPECT(exec, 0, UELF_E_IDENT, N, "EI_VERSION 0", m->eh.e_ident[6] = 0);
	EXPECT(exec, 0, UELF_E_IDENT, N, "e_version 2", m->eh.e_version = 2);
	EXPECT(exec, 0, UELF_E_IDENT, N, "another OS ABI", m->eh.e_ident[7] = 9);
	EXPECT(exec, 0, UELF_OK, N, "(accepts the GNU/Linux OS ABI)", m->eh.e_ident[7] = 3);
	EXPECT(exec, 0, UELF_E_TYPE, N, "ET_REL", m->eh.e_type = 1);
	EXPECT(exec, 0, UELF_E_TYPE, N, "ET_CORE", m->eh.e_type = 4);
	EXPECT(exec, 0, UELF_E_MACHINE, N, "an i386 program", m->eh.e_machine = 3);
	EXPECT(exec, 0, UELF_E_PHDRS, N, "e_ehsize 60", m->eh.e_ehsize = 60);
	EXPECT(exec, 0, UELF_E_PHDRS, N, "e_phentsize 32", m->eh.e_phentsize = 32);
	EXPECT(exec, 0, UELF_E_PHDRS, N, "no program headers", m->eh.e_phnum = 0);
	EXPECT(exec, 0, UELF_E_PHDRS, N, "65 program headers", m->eh.e_phnum = 65);
	EXPECT(exec, 0, UELF_E_PHDRS, N, "a misaligned program header table", m->eh.e_phoff = 68);
	EXPECT(exec, 0, UELF_E_PHDRS, N, "a program header table past the end", m->eh.e_phoff = SIZE - 64);
	EXPECT(exec, 0, UELF_E_PHDRS, N, "program headers outside every loaded segment", m->ph[0].p_filesz = 0x40;
	       m->ph[0].p_memsz = 0x40);
	EXPECT(pie, 0x10000000, UELF_E_PHDRS, 6, "a PT_PHDR that is not where the headers are", m->ph[6].p_vaddr = 0x80);
	EXPECT(pie, 0x10000000, UELF_E_PHDRS, 6, "two PT_PHDR", m->ph[5] = m->ph[6]);
	EXPECT(exec, 0, UELF_E_INTERP, 4, "PT_INTERP",
	       m->ph[4] = (struct elf64_phdr){ ELF64_PT_INTERP, ELF64_PF_R, 0x200, 0x400200, 0, 20, 20, 1 });
	EXPECT(pie, 0x10000000, UELF_E_INTERP, 5, "DT_NEEDED", put64(m, 0x2060, ELF64_DT_NEEDED));
	EXPECT(exec, 0, UELF_E_SEGMENT, 2, "p_filesz > p_memsz", m->ph[2].p_filesz = 0x4000);
	EXPECT(exec, 0, UELF_E_SEGMENT, 2, "file bytes past the end", m->ph[2].p_filesz = 0x200);
	EXPECT(exec, 0, UELF_E_SEGMENT, 2, "p_offset past the end", m->ph[2].p_offset = 0x1000000;
	       m->ph[2].p_vaddr = 0x1402000);
	EXPECT(exec, 0, UELF_E_SEGMENT, 2, "p_vaddr + p_memsz wrapping", m->ph[2].p_memsz = UINT64_MAX - 0x401000);
	EXPECT(exec, 0, UELF_E_SEGMENT, 2, "p_vaddr + p_memsz at the top of the address space",
	       m->ph[2].p_memsz = UINT64_MAX - 0x402000);
	EXPECT(exec, 0, UELF_E_SEGMENT, 2, "p_align 3", m->ph[2].p_align = 3);
	EXPECT(exec, 0, UELF_E_SEGMENT, 2, "p_vaddr and p_offset in different page positions",
	       m->ph[2].p_vaddr = 0x402010);
	EXPECT(exec, 0, UELF_E_SEGMENT, 16, "17 PT_LOAD segments", m->eh.e_phnum = 17;
	       for (int i = 3; i < 17; i++) m->ph[i] = load(ELF64_PF_R, 0x2000, 0x403000 + 0x1000ull * (uint64_t)i, 0, 8));
	EXPECT(exec, 0, UELF_E_SEGMENT, N, "no PT_LOAD", for (int i = 0; i < 3; i++) m->ph[i].p_type = 4);
	EXPECT(exec, 0, UELF_OK, N, "(skips a PT_LOAD of no memory)", m->ph[3] = load(ELF64_PF_R, 0, 0x300000, 0, 0));
	EXPECT(exec, 0, UELF_E_OVERLAP, 2, "PT_LOADs out of address order", m->ph[2].p_vaddr = 0x3FF000;
	       m->ph[2].p_offset = 0x2000);
	EXPECT(exec, 0, UELF_E_OVERLAP, 1, "two PT_LOADs in one page", m->ph[1].p_vaddr = 0x400800;
	       m->ph[1].p_offset = 0x800; m->eh.e_entry = 0x400810);
	EXPECT(exec, 0, UELF_E_WX, 1, "a writable and executable segment", m->ph[1].p_flags = 7);
	EXPECT(exec, 0, UELF_E_RANGE, N, "a segment below user_lo", for (int i = 0; i < 3; i++) m->ph[i].p_vaddr -= 0x3F8000;
	       m->eh.e_entry -= 0x3F8000; m->ph[3].p_vaddr -= 0x3F8000);
	EXPECT(exec, 0, UELF_E_RANGE, N, "a segment above user_hi", m->ph[2].p_vaddr = 0x7FFF00000000ull;
	       m->ph[2].p_offset = 0x2000; m->ph[3].p_type = 4);
	EXPECT(exec, 0, UELF_E_RANGE, N, "an image larger than the limit", m->ph[2].p_memsz = 64u << 20);
	EXPECT(pie, 0x10000800, UELF_E_RANGE, N, "an unaligned load base", (void)0);
	EXPECT(pie, 0x7FFEFFFFF000ull, UELF_E_RANGE, N, "a load base that puts the image above user_hi", (void)0);
	EXPECT(pie, 0xFFFFFFFFFFFFF000ull, UELF_E_RANGE, N, "a load base that wraps", (void)0);
	EXPECT(exec, 0, UELF_E_ENTRY, N, "an entry in a data segment", m->eh.e_entry = 0x402000);
	EXPECT(exec, 0, UELF_E_ENTRY, N, "an entry past the text's file bytes", m->eh.e_entry = 0x401100);
	EXPECT(exec, 0, UELF_E_ENTRY, N, "entry 0", m->eh.e_entry = 0);
	EXPECT(pie, 0x10000000, UELF_E_DYNAMIC, 6, "two PT_DYNAMIC", m->ph[6] = m->ph[5]);
	EXPECT(pie, 0x10000000, UELF_E_DYNAMIC, 5, "PT_DYNAMIC of 0x38 bytes", m->ph[5].p_filesz = 0x38);
	EXPECT(pie, 0x10000000, UELF_E_DYNAMIC, 5, "PT_DYNAMIC outside the loaded bytes", m->ph[5].p_vaddr = 0x2100);
	EXPECT(pie, 0x10000000, UELF_E_DYNAMIC, 5, "PT_DYNAMIC without DT_NULL", put64(m, 0x2070, ELF64_DT_RELAENT);
	       put64(m, 0x2078, 24));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 5, "DT_REL", put64(m, 0x2060, ELF64_DT_REL));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 5, "DT_RELR (packed relocations)", put64(m, 0x2060, ELF64_DT_RELR));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 5, "DT_TEXTREL", put64(m, 0x2060, ELF64_DT_TEXTREL));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 5, "DF_TEXTREL", put64(m, 0x2060, ELF64_DT_FLAGS); put64(m, 0x2068, 4));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 5, "PLT relocations (DT_PLTRELSZ)", put64(m, 0x2060, ELF64_DT_PLTRELSZ));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 5, "DT_RELAENT 16", put64(m, 0x2068, 16));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 5, "DT_RELASZ not a multiple of 24", put64(m, 0x2058, 40));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 5, "DT_RELASZ without DT_RELA", put64(m, 0x2040, ELF64_DT_RELAENT));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 5, "a RELA table outside the loaded bytes", put64(m, 0x2048, 0x20F0));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 1, "an R_X86_64_GLOB_DAT relocation", put64(m, 0x2080 + 24 + 8, 6));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 0, "a relocation with a symbol", put64(m, 0x2088, (1ull << 32) | 8));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 0, "a relocation of read-only memory", put64(m, 0x2080, 0x1000));
	EXPECT(pie, 0x10000000, UELF_E_RELOC, 1, "a relocation straddling the segment's end", put64(m, 0x2098, 0x4FFC));
	EXPECT(pie, 0x10000000, UELF_OK, N, "(a relocation of the segment's last word, in BSS)", put64(m, 0x2098, 0x4FF8));
	EXPECT(exec, 0, UELF_E_TLS, 4, "two PT_TLS", m->ph[4] = m->ph[3]);
	EXPECT(exec, 0, UELF_E_TLS, 3, "PT_TLS p_align 3", m->ph[3].p_align = 3);
	EXPECT(exec, 0, UELF_E_TLS, 3, "PT_TLS p_align 8192", m->ph[3].p_align = 8192);
	EXPECT(exec, 0, UELF_E_TLS, 3, "PT_TLS p_filesz > p_memsz", m->ph[3].p_filesz = 32);
	EXPECT(exec, 0, UELF_E_TLS, 3, "PT_TLS outside the loaded bytes", m->ph[3].p_vaddr = 0x402100);
	EXPECT(exec, 0, UELF_E_STACK, 4, "an executable stack", m->ph[4].p_flags = 7);
}

/* ---- the initial stack ---------------------------------------------------------------------------- */

static uint64_t word(const uint8_t *buf, uint64_t base, uint64_t addr)
{
	uint64_t v;
	memcpy(&v, buf + (addr - base), 8);
	return v;
}

static const char *str(const uint8_t *buf, uint64_t base, uint64_t addr)
{
	return (const char *)buf + (addr - base);
}

static void test_stack(void)
{
	struct img m;
	struct uelf_plan p;
	exec_image(&m);
	plan(&m, 0, &p);
	static uint8_t buf[65536];
	const uint64_t top = 0x7FFF0000, base = top - sizeof(buf);
	const char *argv[] = { "prog", "-v" }, *envp[] = { "A=1" };
	uint8_t rnd[16];
	for (int i = 0; i < 16; i++)
		rnd[i] = (uint8_t)(i * 17);
	struct uelf_stack_args a = { argv, 2, envp, 1, "/bin/prog", rnd, 0x178BFBFF, 2, 100, 0, 0, false, 0 };
	memset(buf, 0xEE, sizeof(buf));
	uint64_t sp = 0;
	ok(uelf_stack(&p, &a, buf, sizeof(buf), top, &sp) == UELF_OK, "the initial stack is built");
	ok(sp % 16 == 0 && sp >= base && sp < top, "RSP is 16-byte aligned, in the stack (0x%llx)", (unsigned long long)sp);
	ok(word(buf, base, top - 8) == 0, "8 zero bytes at the very top");
	ok(word(buf, base, sp) == 2, "argc");
	ok(!strcmp(str(buf, base, word(buf, base, sp + 8)), "prog") && !strcmp(str(buf, base, word(buf, base, sp + 16)), "-v") &&
		   word(buf, base, sp + 24) == 0, "argv[0], argv[1], NULL");
	ok(!strcmp(str(buf, base, word(buf, base, sp + 32)), "A=1") && word(buf, base, sp + 40) == 0, "envp[0], NULL");
	uint64_t at = sp + 48, want[][2] = { { AT_PHDR, p.phdr }, { AT_PHENT, 56 }, { AT_PHNUM, 5 }, { AT_PAGESZ, 4096 },
					     { AT_BASE, 0 }, { AT_FLAGS, 0 }, { AT_ENTRY, p.entry }, { AT_UID, 0 },
					     { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 },
					     { AT_HWCAP, 0x178BFBFF }, { AT_HWCAP2, 2 }, { AT_CLKTCK, 100 } };
	uint64_t got[64][2];
	unsigned n = 0;
	for (; n < 64; n++, at += 16) {
		got[n][0] = word(buf, base, at);
		got[n][1] = word(buf, base, at + 8);
		if (got[n][0] == AT_NULL)
			break;
	}
	ok(n < 64 && got[n][1] == 0, "auxv ends with AT_NULL after %u entries", n);
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		bool found = false;
		for (unsigned i = 0; i < n; i++)
			found |= got[i][0] == want[k][0] && got[i][1] == want[k][1];
		ok(found, "auxv type %llu = 0x%llx", (unsigned long long)want[k][0], (unsigned long long)want[k][1]);
	}
	bool sysinfo = false;
	uint64_t rnd_at = 0, execfn = 0, platform = 0;
	for (unsigned i = 0; i < n; i++) {
		sysinfo |= got[i][0] == AT_SYSINFO_EHDR;
		if (got[i][0] == AT_RANDOM)
			rnd_at = got[i][1];
		if (got[i][0] == AT_EXECFN)
			execfn = got[i][1];
		if (got[i][0] == AT_PLATFORM)
			platform = got[i][1];
	}
	ok(!sysinfo, "no AT_SYSINFO_EHDR without a vDSO");
	ok(rnd_at > sp && rnd_at + 16 <= top && !memcmp(buf + (rnd_at - base), rnd, 16), "AT_RANDOM's 16 bytes");
	ok(execfn && !strcmp(str(buf, base, execfn), "/bin/prog"), "AT_EXECFN");
	ok(platform && !strcmp(str(buf, base, platform), "x86_64"), "AT_PLATFORM");
	a.sysinfo_ehdr = 0x7FFF1000;
	ok(uelf_stack(&p, &a, buf, sizeof(buf), top, &sp) == UELF_OK && word(buf, base, sp + 48) == AT_SYSINFO_EHDR &&
		   word(buf, base, sp + 56) == 0x7FFF1000, "AT_SYSINFO_EHDR first when given");
	a.sysinfo_ehdr = 0;

	ok(uelf_stack(&p, &a, buf, 200, top, &sp) == UELF_E_NOSPACE, "refuses a stack too small for the vectors");
	ok(uelf_stack(&p, &a, buf, 20, top, &sp) == UELF_E_NOSPACE, "refuses a stack too small for the strings");
	ok(uelf_stack(&p, &a, buf, sizeof(buf), top - 8, &sp) == UELF_E_NOSPACE, "refuses a top not 16-byte aligned");
	ok(uelf_stack(&p, &a, buf, sizeof(buf), 0x1000, &sp) == UELF_E_NOSPACE, "refuses a stack below address 0");
	a.argc = UELF_MAX_ARGS + 1;
	ok(uelf_stack(&p, &a, buf, sizeof(buf), top, &sp) == UELF_E_ARGS, "refuses 1025 arguments");
	a.argc = 2;
	a.envc = UELF_MAX_ARGS + 1;
	ok(uelf_stack(&p, &a, buf, sizeof(buf), top, &sp) == UELF_E_ARGS, "refuses 1025 environment strings");
	a.envc = 1;
	char *big = malloc(UELF_MAX_STRING + 1);
	memset(big, 'a', UELF_MAX_STRING + 1);
	const char *bigv[] = { big };
	a.envp = bigv;
	ok(uelf_stack(&p, &a, buf, sizeof(buf), top, &sp) == UELF_E_ARGS, "refuses a string of more than 128 KiB");
	big[UELF_MAX_STRING - 1] = 0;
	ok(uelf_stack(&p, &a, buf, sizeof(buf), top, &sp) == UELF_E_NOSPACE, "a 128 KiB string does not fit 64 KiB");
	free(big);
	a.envp = envp;
	a.execfn = NULL;
	ok(uelf_stack(&p, &a, buf, sizeof(buf), top, &sp) == UELF_E_ARGS, "refuses no AT_EXECFN");
	a.execfn = "/bin/prog";
	a.random = NULL;
	ok(uelf_stack(&p, &a, buf, sizeof(buf), top, &sp) == UELF_E_ARGS, "refuses no AT_RANDOM bytes");
}

static void test_layouts(void)
{
	ok(sizeof(Elf64_Ehdr) == sizeof(struct elf64_ehdr) && sizeof(Elf64_Phdr) == sizeof(struct elf64_phdr) &&
		   sizeof(Elf64_Dyn) == sizeof(struct elf64_dyn) && sizeof(Elf64_Rela) == sizeof(struct elf64_rela),
	   "layouts match <elf.h>");
	ok(PT_GNU_STACK == ELF64_PT_GNU_STACK && PT_TLS == ELF64_PT_TLS && PT_PHDR == ELF64_PT_PHDR &&
		   DT_TEXTREL == ELF64_DT_TEXTREL && DT_FLAGS == ELF64_DT_FLAGS && DF_TEXTREL == ELF64_DF_TEXTREL &&
		   R_X86_64_RELATIVE == ELF64_R_X86_64_RELATIVE && EM_X86_64 == ELF64_EM_X86_64 &&
		   ELFOSABI_GNU == ELF64_OSABI_GNU,
	   "numbers match <elf.h>");
	ok(AT_EXECFN == 31 && AT_RANDOM == 25 && AT_SECURE == 23 && AT_SYSINFO_EHDR == 33 && AT_HWCAP2 == 26,
	   "auxv numbers are Linux's");
	ok(!strcmp(uelf_strerror(UELF_E_ARGS), "elf.args: too many arguments, or one too long") &&
		   !strcmp(uelf_strerror(1), "unknown error"), "error names");
	int unnamed = 0;
	for (int e = UELF_E_ARGS; e <= 0; e++)
		unnamed += !strcmp(uelf_strerror(e), "unknown error");
	ok(unnamed == 0, "every error has a message");
}

int main(void)
{
	test_good();
	test_refusals();
	test_stack();
	test_layouts();
	return tap_done();
}
