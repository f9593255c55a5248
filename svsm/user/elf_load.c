/* SPDX-License-Identifier: MIT */
/*
 * elf_load.c — see elf_load.h. Every structure is copied out of the file
 * before it is read (the file need not be aligned), every offset and size is
 * checked against the file, every address sum against overflow, before use.
 * Section headers are never read: loading needs none.
 */
#include "elf_load.h"

#include "../lib/string.h"

#define PAGE UELF_PAGE

static uint64_t page_down(uint64_t v)
{
	return v & ~(PAGE - 1);
}

/* Rounds up, or returns false when that overflows. */
static bool page_up(uint64_t v, uint64_t *out)
{
	if (v > UINT64_MAX - (PAGE - 1))
		return false;
	*out = (v + PAGE - 1) & ~(PAGE - 1);
	return true;
}

static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static void get_phdr(const uint8_t *f, const struct elf64_ehdr *eh, unsigned i, struct elf64_phdr *ph)
{
	memcpy(ph, f + eh->e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

/* The PT_LOAD whose file bytes hold [vaddr, vaddr + len) (unbiased), or -1. */
static int load_holding(const struct elf64_phdr *load, unsigned n, uint64_t vaddr, uint64_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (vaddr >= load[i].p_vaddr && vaddr - load[i].p_vaddr <= load[i].p_filesz &&
		    len <= load[i].p_filesz - (vaddr - load[i].p_vaddr))
			return (int)i;
	return -1;
}

static int fail(struct uelf_plan *out, int err, uint32_t index)
{
	out->bad_index = index;
	return err;
}

/* PT_DYNAMIC: no DT_NEEDED, only RELA relative relocations, all of them inside writable memory. */
static int check_dynamic(const uint8_t *f, uint64_t size, const struct elf64_phdr *dyn, unsigned dyn_index,
			 const struct elf64_phdr *load, unsigned nload, struct uelf_plan *out)
{
	if (dyn->p_filesz % sizeof(struct elf64_dyn) || !in_file(dyn->p_offset, dyn->p_filesz, size) ||
	    load_holding(load, nload, dyn->p_vaddr, dyn->p_filesz) < 0)
		return fail(out, UELF_E_DYNAMIC, dyn_index);
	uint64_t rela = 0, relasz = 0, relaent = sizeof(struct elf64_rela), pltrelsz = 0;
	bool have_rela = false, ended = false;
	for (uint64_t k = 0; k < dyn->p_filesz / sizeof(struct elf64_dyn); k++) {
		struct elf64_dyn d;
		memcpy(&d, f + dyn->p_offset + k * sizeof(d), sizeof(d));
		if (d.d_tag == ELF64_DT_NULL) {
			ended = true;
			break;
		}
		switch (d.d_tag) {
		case ELF64_DT_NEEDED:
			return fail(out, UELF_E_INTERP, dyn_index);
		case ELF64_DT_REL:
		case ELF64_DT_RELSZ:
		case ELF64_DT_RELR:
		case ELF64_DT_RELRSZ:
		case ELF64_DT_TEXTREL:
			return fail(out, UELF_E_RELOC, dyn_index);
		case ELF64_DT_FLAGS:
			if (d.d_val & ELF64_DF_TEXTREL)
				return fail(out, UELF_E_RELOC, dyn_index);
			break;
		case ELF64_DT_PLTRELSZ:
			pltrelsz = d.d_val;
			break;
		case ELF64_DT_RELA:
			rela = d.d_val;
			have_rela = true;
			break;
		case ELF64_DT_RELASZ:
			relasz = d.d_val;
			break;
		case ELF64_DT_RELAENT:
			relaent = d.d_val;
			break;
		default:
			break;
		}
	}
	if (!ended)
		return fail(out, UELF_E_DYNAMIC, dyn_index);
	/* PLT relocations bind symbols: only a dynamic linker does that. */
	if (pltrelsz || relaent != sizeof(struct elf64_rela) || relasz % sizeof(struct elf64_rela) ||
	    (relasz && !have_rela))
		return fail(out, UELF_E_RELOC, dyn_index);
	if (!relasz)
		return UELF_OK;
	int s = load_holding(load, nload, rela, relasz);
	if (s < 0)
		return fail(out, UELF_E_RELOC, dyn_index);
	out->rela_offset = load[s].p_offset + (rela - load[s].p_vaddr);
	out->rela_count = relasz / sizeof(struct elf64_rela);
	for (uint64_t k = 0; k < out->rela_count; k++) {
		struct elf64_rela r;
		memcpy(&r, f + out->rela_offset + k * sizeof(r), sizeof(r));
		bool inside = false;
		for (unsigned i = 0; i < nload && !inside; i++)
			inside = (load[i].p_flags & ELF64_PF_W) && r.r_offset >= load[i].p_vaddr &&
				 r.r_offset - load[i].p_vaddr <= load[i].p_memsz && load[i].p_memsz - (r.r_offset - load[i].p_vaddr) >= 8;
		if (r.r_info != ELF64_R_X86_64_RELATIVE || !inside)
			return fail(out, UELF_E_RELOC, k > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)k);
	}
	return UELF_OK;
}

int uelf_plan(const void *file, uint64_t size, const struct uelf_limits *lim, uint64_t load_base,
	      struct uelf_plan *out)
{
	const uint8_t *f = file;
	struct elf64_ehdr eh;
	memset(out, 0, sizeof(*out));
	out->bad_index = UINT32_MAX;
	if (!f || size < sizeof(eh))
		return UELF_E_TRUNCATED;
	memcpy(&eh, f, sizeof(eh));
	if (eh.e_ident[0] != 0x7F || eh.e_ident[1] != 'E' || eh.e_ident[2] != 'L' || eh.e_ident[3] != 'F' ||
	    eh.e_ident[ELF64_EI_CLASS] != ELF64_CLASS64 || eh.e_ident[ELF64_EI_DATA] != ELF64_DATA2LSB ||
	    eh.e_ident[ELF64_EI_VERSION] != ELF64_EV_CURRENT || eh.e_version != ELF64_EV_CURRENT ||
	    (eh.e_ident[ELF64_EI_OSABI] != ELF64_OSABI_SYSV && eh.e_ident[ELF64_EI_OSABI] != ELF64_OSABI_GNU))
		return UELF_E_IDENT;
	if (eh.e_type != ELF64_ET_EXEC && eh.e_type != ELF64_ET_DYN)
		return UELF_E_TYPE;
	if (eh.e_machine != ELF64_EM_X86_64)
		return UELF_E_MACHINE;
	if (eh.e_ehsize != sizeof(eh) || eh.e_phentsize != sizeof(struct elf64_phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > UELF_MAX_PHDRS || eh.e_phoff % 8 ||
	    !in_file(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(struct elf64_phdr), size))
		return UELF_E_PHDRS;

	/* Pass 1: each header alone. */
	struct elf64_phdr load[UELF_MAX_SEGMENTS], ph, dyn, tls, phdr_seg;
	memset(&dyn, 0, sizeof(dyn));
	memset(&tls, 0, sizeof(tls));
	memset(&phdr_seg, 0, sizeof(phdr_seg));
	unsigned nload = 0, dyn_index = 0, tls_index = 0, phdr_index = 0;
	bool have_dyn = false, have_tls = false, have_phdr = false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		get_phdr(f, &eh, i, &ph);
		switch (ph.p_type) {
		case ELF64_PT_INTERP:
			return fail(out, UELF_E_INTERP, i);
		case ELF64_PT_GNU_STACK:
			if (ph.p_flags & ELF64_PF_X)
				return fail(out, UELF_E_STACK, i);
			break;
		case ELF64_PT_DYNAMIC:
			if (have_dyn)
				return fail(out, UELF_E_DYNAMIC, i);
			have_dyn = true;
			dyn = ph;
			dyn_index = i;
			break;
		case ELF64_PT_TLS:
			if (have_tls)
				return fail(out, UELF_E_TLS, i);
			have_tls = true;
			tls = ph;
			tls_index = i;
			break;
		case ELF64_PT_PHDR:
			if (have_phdr)
				return fail(out, UELF_E_PHDRS, i);
			have_phdr = true;
			phdr_seg = ph;
			phdr_index = i;
			break;
		case ELF64_PT_LOAD: {
			if (ph.p_memsz == 0)
				break; /* maps nothing */
			uint64_t end;
			if (ph.p_filesz > ph.p_memsz || !in_file(ph.p_offset, ph.p_filesz, size) ||
			    ph.p_vaddr > UINT64_MAX - ph.p_memsz || !page_up(ph.p_vaddr + ph.p_memsz, &end) ||
			    (ph.p_align > 1 && (ph.p_align & (ph.p_align - 1))) || ph.p_vaddr % PAGE != ph.p_offset % PAGE)
				return fail(out, UELF_E_SEGMENT, i);
			if ((ph.p_flags & ELF64_PF_W) && (ph.p_flags & ELF64_PF_X))
				return fail(out, UELF_E_WX, i);
			if (nload == UELF_MAX_SEGMENTS)
				return fail(out, UELF_E_SEGMENT, i);
			/* Sorted by address (the gABI's rule), and no page shared: permissions are per page. */
			if (nload && page_down(ph.p_vaddr) < page_down(load[nload - 1].p_vaddr + load[nload - 1].p_memsz - 1) + PAGE)
				return fail(out, UELF_E_OVERLAP, i);
			load[nload++] = ph;
			break;
		}
		default:
			break; /* notes, GNU_RELRO, GNU_PROPERTY, EH_FRAME: nothing to load */
		}
	}
	if (!nload)
		return UELF_E_SEGMENT;

	/* Where it goes. */
	uint64_t lo = page_down(load[0].p_vaddr), hi = 0;
	page_up(load[nload - 1].p_vaddr + load[nload - 1].p_memsz, &hi); /* checked in pass 1 */
	uint64_t bias = 0;
	if (eh.e_type == ELF64_ET_DYN) {
		if (load_base % PAGE)
			return UELF_E_RANGE;
		bias = load_base - lo; /* modulo 2^64; the range check below catches a wrap */
	}
	uint64_t blo = lo + bias, bhi = hi + bias;
	if (hi - lo > lim->max_image || blo < lim->user_lo || bhi < blo || bhi > lim->user_hi)
		return UELF_E_RANGE;

	/* The entry point in executable file bytes. */
	bool entry_ok = false;
	for (unsigned i = 0; i < nload && !entry_ok; i++)
		entry_ok = (load[i].p_flags & ELF64_PF_X) && eh.e_entry >= load[i].p_vaddr &&
			   eh.e_entry - load[i].p_vaddr < load[i].p_filesz;
	if (!entry_ok)
		return UELF_E_ENTRY;

	/* AT_PHDR: the program headers must be in the loaded image, for musl's TLS and static-PIE setup. */
	uint64_t phsize = (uint64_t)eh.e_phnum * sizeof(struct elf64_phdr), phvaddr = 0;
	bool ph_loaded = false;
	for (unsigned i = 0; i < nload && !ph_loaded; i++)
		if (eh.e_phoff >= load[i].p_offset && eh.e_phoff - load[i].p_offset <= load[i].p_filesz &&
		    phsize <= load[i].p_filesz - (eh.e_phoff - load[i].p_offset)) {
			ph_loaded = true;
			phvaddr = load[i].p_vaddr + (eh.e_phoff - load[i].p_offset);
		}
	if (!ph_loaded)
		return UELF_E_PHDRS;
	if (have_phdr && (phdr_seg.p_vaddr != phvaddr || phdr_seg.p_offset != eh.e_phoff))
		return fail(out, UELF_E_PHDRS, phdr_index);

	if (have_tls) {
		if (tls.p_filesz > tls.p_memsz || tls.p_align > PAGE || (tls.p_align > 1 && (tls.p_align & (tls.p_align - 1))) ||
		    load_holding(load, nload, tls.p_vaddr, tls.p_filesz) < 0 || tls.p_memsz > lim->max_image)
			return fail(out, UELF_E_TLS, tls_index);
		out->tls_vaddr = tls.p_vaddr + bias;
		out->tls_filesz = tls.p_filesz;
		out->tls_memsz = tls.p_memsz;
		out->tls_align = tls.p_align;
	}
	if (have_dyn) {
		int rc = check_dynamic(f, size, &dyn, dyn_index, load, nload, out);
		if (rc)
			return rc;
	}

	out->type = eh.e_type;
	out->bias = bias;
	out->entry = eh.e_entry + bias;
	out->phdr = phvaddr + bias;
	out->phent = eh.e_phentsize;
	out->phnum = eh.e_phnum;
	out->lo = blo;
	out->hi = out->brk = bhi;
	for (unsigned i = 0; i < nload; i++) {
		struct uelf_segment *s = &out->seg[i];
		uint64_t end = 0;
		page_up(load[i].p_vaddr + load[i].p_memsz, &end);
		s->vaddr = page_down(load[i].p_vaddr) + bias;
		s->size = end - page_down(load[i].p_vaddr);
		s->data_vaddr = load[i].p_vaddr + bias;
		s->file_offset = load[i].p_offset;
		s->file_size = load[i].p_filesz;
		s->prot = ((load[i].p_flags & ELF64_PF_R) ? UELF_PROT_R : 0) | ((load[i].p_flags & ELF64_PF_W) ? UELF_PROT_W : 0) |
			  ((load[i].p_flags & ELF64_PF_X) ? UELF_PROT_X : 0);
	}
	out->nseg = nload;
	return UELF_OK;
}

int uelf_reloc(const struct uelf_plan *p, const void *file, uint64_t size, uint64_t i, uint64_t *where,
	       uint64_t *value)
{
	if (i >= p->rela_count || !in_file(p->rela_offset, p->rela_count * sizeof(struct elf64_rela), size))
		return UELF_E_RELOC;
	struct elf64_rela r;
	memcpy(&r, (const uint8_t *)file + p->rela_offset + i * sizeof(r), sizeof(r));
	*where = r.r_offset + p->bias;
	*value = (uint64_t)r.r_addend + p->bias;
	return UELF_OK;
}

const char *uelf_strerror(int err)
{
	switch (err) {
	case UELF_OK: return "ok";
	case UELF_E_TRUNCATED: return "elf.truncated: shorter than an ELF header";
	case UELF_E_IDENT: return "elf.ident: not a little-endian ELF64 file of version 1 for the System V or Linux ABI";
	case UELF_E_TYPE: return "elf.type: not an executable (ET_EXEC) or static PIE (ET_DYN)";
	case UELF_E_MACHINE: return "elf.machine: not an x86-64 program";
	case UELF_E_PHDRS: return "elf.phdrs: the program header table is malformed or not in a loaded segment";
	case UELF_E_INTERP: return "elf.interp: a dynamically linked program (PT_INTERP or DT_NEEDED)";
	case UELF_E_SEGMENT: return "elf.segment: a PT_LOAD with bad sizes, offsets or alignment, none, or too many";
	case UELF_E_OVERLAP: return "elf.overlap: PT_LOAD segments unsorted or sharing a page";
	case UELF_E_WX: return "elf.wx: a segment both writable and executable";
	case UELF_E_RANGE: return "elf.range: the image lies outside user space or exceeds the size limit";
	case UELF_E_ENTRY: return "elf.entry: the entry point is not in executable file bytes";
	case UELF_E_DYNAMIC: return "elf.dynamic: PT_DYNAMIC outside the loaded file bytes, unterminated, or twice";
	case UELF_E_RELOC: return "elf.reloc: a relocation other than R_X86_64_RELATIVE in writable memory";
	case UELF_E_TLS: return "elf.tls: PT_TLS outside the loaded file bytes, misaligned, or twice";
	case UELF_E_STACK: return "elf.stack: PT_GNU_STACK asks for an executable stack";
	case UELF_E_NOSPACE: return "elf.nospace: the arguments and environment do not fit the stack";
	case UELF_E_ARGS: return "elf.args: too many arguments, or one too long";
	}
	return "unknown error";
}

/* ---- the initial stack -------------------------------------------------------------------------- */

struct stk {
	uint8_t *buf;
	uint64_t base, top; /* the program's addresses of buf[0] and of its end */
	uint64_t cur;       /* next free byte, growing down */
};

/* Reserves n bytes below cur; *addr is their program address. False when they do not fit. */
static bool push(struct stk *s, uint64_t n, uint64_t *addr)
{
	if (n > s->cur - s->base)
		return false;
	s->cur -= n;
	*addr = s->cur;
	return true;
}

static void put_bytes(struct stk *s, uint64_t addr, const void *src, uint64_t n)
{
	memcpy(s->buf + (addr - s->base), src, n);
}

static void put_word(struct stk *s, uint64_t addr, uint64_t v)
{
	memcpy(s->buf + (addr - s->base), &v, 8);
}

static bool str_len(const char *str, uint64_t *n)
{
	for (uint64_t i = 0; i < UELF_MAX_STRING; i++)
		if (!str[i]) {
			*n = i + 1;
			return true;
		}
	return false;
}

int uelf_stack(const struct uelf_plan *p, const struct uelf_stack_args *a, uint8_t *buf, uint64_t size, uint64_t top,
	       uint64_t *sp)
{
	if (a->argc > UELF_MAX_ARGS || a->envc > UELF_MAX_ARGS || !a->random || !a->execfn)
		return UELF_E_ARGS;
	if (size > top || top % 16)
		return UELF_E_NOSPACE;
	struct stk s = { buf, top - size, top, top };

	/* Strings, in one block under 8 zero bytes at the very top: argv, envp, AT_EXECFN. */
	uint64_t total = 0, n = 0;
	for (uint32_t i = 0; i < a->argc; i++) {
		if (!str_len(a->argv[i], &n))
			return UELF_E_ARGS;
		total += n;
	}
	for (uint32_t i = 0; i < a->envc; i++) {
		if (!str_len(a->envp[i], &n))
			return UELF_E_ARGS;
		total += n;
	}
	uint64_t execfn_len;
	if (!str_len(a->execfn, &execfn_len))
		return UELF_E_ARGS;
	total += execfn_len;
	uint64_t end, strings;
	if (!push(&s, 8, &end) || !push(&s, total, &strings))
		return UELF_E_NOSPACE;
	put_word(&s, end, 0);
	uint64_t at = strings;
	for (uint32_t i = 0; i < a->argc; i++) {
		str_len(a->argv[i], &n);
		put_bytes(&s, at, a->argv[i], n);
		at += n;
	}
	for (uint32_t i = 0; i < a->envc; i++) {
		str_len(a->envp[i], &n);
		put_bytes(&s, at, a->envp[i], n);
		at += n;
	}
	uint64_t execfn = at;
	put_bytes(&s, execfn, a->execfn, execfn_len);

	static const char platform[] = "x86_64";
	uint64_t plat, rnd;
	if (!push(&s, sizeof(platform), &plat) || !push(&s, 16, &rnd))
		return UELF_E_NOSPACE;
	put_bytes(&s, plat, platform, sizeof(platform));
	put_bytes(&s, rnd, a->random, 16);

	uint64_t aux[][2] = {
		{ AT_SYSINFO_EHDR, a->sysinfo_ehdr },
		{ AT_HWCAP, a->hwcap },
		{ AT_PAGESZ, PAGE },
		{ AT_CLKTCK, a->clktck },
		{ AT_PHDR, p->phdr },
		{ AT_PHENT, p->phent },
		{ AT_PHNUM, p->phnum },
		{ AT_BASE, 0 },
		{ AT_FLAGS, 0 },
		{ AT_ENTRY, p->entry },
		{ AT_UID, a->uid },
		{ AT_EUID, a->uid },
		{ AT_GID, a->gid },
		{ AT_EGID, a->gid },
		{ AT_SECURE, a->secure },
		{ AT_RANDOM, rnd },
		{ AT_HWCAP2, a->hwcap2 },
		{ AT_EXECFN, execfn },
		{ AT_PLATFORM, plat },
		{ AT_NULL, 0 },
	};
	unsigned first_aux = a->sysinfo_ehdr ? 0 : 1;
	uint64_t naux = sizeof(aux) / sizeof(aux[0]) - first_aux;
	uint64_t words = 1 + (uint64_t)a->argc + 1 + a->envc + 1 + 2 * naux;
	s.cur &= ~15ull;
	if (s.cur < s.base || words * 8 > s.cur - s.base)
		return UELF_E_NOSPACE;
	uint64_t v = (s.cur - words * 8) & ~15ull;
	if (v < s.base)
		return UELF_E_NOSPACE;
	s.cur = v;

	uint64_t w = v;
	put_word(&s, w, a->argc);
	w += 8;
	at = strings;
	for (uint32_t i = 0; i < a->argc; i++, w += 8) {
		put_word(&s, w, at);
		str_len(a->argv[i], &n);
		at += n;
	}
	put_word(&s, w, 0);
	w += 8;
	for (uint32_t i = 0; i < a->envc; i++, w += 8) {
		put_word(&s, w, at);
		str_len(a->envp[i], &n);
		at += n;
	}
	put_word(&s, w, 0);
	w += 8;
	for (unsigned i = first_aux; i < sizeof(aux) / sizeof(aux[0]); i++, w += 16) {
		put_word(&s, w, aux[i][0]);
		put_word(&s, w + 8, aux[i][1]);
	}
	*sp = v;
	return UELF_OK;
}
