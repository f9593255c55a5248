/* SPDX-License-Identifier: MIT */
/*
 * elf_load.h — the ring-3 program loader's portable half: a hostile ELF file
 * in, a load plan and an initial stack out, with no page table touched.
 *
 * Programs: static x86-64 executables — ET_EXEC, and static PIE (ET_DYN
 * without PT_INTERP whose only relocations are R_X86_64_RELATIVE), as Debian's
 * musl-gcc and gcc -static-pie link them. Every field the plan depends on is
 * checked against the file and the limits before it is used; anything else is
 * refused with a named reason (uelf_strerror) and the program header index.
 *
 * What the ring-3 work does with a plan (the kernel half, not here):
 *   1. for each segment: map [vaddr, vaddr + size) with prot (R/W/X per page,
 *      NX where no X, never W and X together: the loader refuses such
 *      segments), zero-filled, then copy file bytes [file_offset, file_offset +
 *      file_size) to data_vaddr; the rest of the pages (BSS, and the head of
 *      the first page) stays zero. Segments never share a page.
 *   2. the program break starts at plan.brk (page aligned, above every segment);
 *   3. map a stack, build its top with uelf_stack() in a kernel buffer of the
 *      same size (or in place), and enter ring 3 at plan.entry with RSP = the
 *      returned sp and the other registers zero (RDX = 0: no atexit function).
 *   Relocations: a static PIE relocates itself before main (musl's rcrt1 runs
 *   _dlstart_c, glibc's _dl_relocate_static_pie): it finds its base from
 *   AT_PHDR and PT_DYNAMIC, so AT_PHDR must be the biased address (AT_BASE is 0,
 *   there being no interpreter). The loader only checks that every relocation
 *   is one a program can do alone and that it stays inside a writable segment;
 *   uelf_reloc() hands them out for tests and for a kernel that would rather
 *   apply them itself (RELA relative relocations are idempotent).
 *
 * Portable C, no allocation: compiled into the core, and on the host for unit
 * tests, the fuzzer and tests/tools/uelfrun (which runs musl programs on the
 * host from a plan, to test the plan and the stack against real binaries).
 */
#ifndef SVSM_USER_ELF_LOAD_H
#define SVSM_USER_ELF_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "elf64.h"

#define UELF_PAGE 4096ull
#define UELF_MAX_PHDRS 64u      /* program headers in a file */
#define UELF_MAX_SEGMENTS 16u   /* PT_LOAD segments */
#define UELF_MAX_ARGS 1024u     /* argv and envp entries, each */
#define UELF_MAX_STRING 131072u /* bytes of one argument or environment string (Linux: 32 pages) */

#define UELF_PROT_R 1u
#define UELF_PROT_W 2u
#define UELF_PROT_X 4u

enum uelf_err {
	UELF_OK = 0,
	UELF_E_TRUNCATED = -1, /* shorter than an ELF header */
	UELF_E_IDENT = -2,     /* not ELF64, little-endian, version 1, System V or Linux ABI */
	UELF_E_TYPE = -3,      /* not ET_EXEC or ET_DYN */
	UELF_E_MACHINE = -4,   /* not x86-64 */
	UELF_E_PHDRS = -5,     /* header sizes, program header table bounds, PT_PHDR, not loaded */
	UELF_E_INTERP = -6,    /* PT_INTERP or DT_NEEDED: a dynamically linked program */
	UELF_E_SEGMENT = -7,   /* a PT_LOAD with bad sizes, offsets, alignment; none; too many */
	UELF_E_OVERLAP = -8,   /* PT_LOADs unsorted or sharing a page */
	UELF_E_WX = -9,        /* a segment both writable and executable */
	UELF_E_RANGE = -10,    /* the image outside user space, larger than the limit, bad base */
	UELF_E_ENTRY = -11,    /* the entry point outside executable file bytes */
	UELF_E_DYNAMIC = -12,  /* PT_DYNAMIC outside the loaded file bytes, unterminated, twice */
	UELF_E_RELOC = -13,    /* a relocation the program cannot do alone, or outside writable memory */
	UELF_E_TLS = -14,      /* PT_TLS outside the loaded file bytes, bad alignment, twice */
	UELF_E_STACK = -15,    /* PT_GNU_STACK asks for an executable stack */
	UELF_E_NOSPACE = -16,  /* uelf_stack: the arguments do not fit the stack */
	UELF_E_ARGS = -17,     /* uelf_stack: too many arguments, or one too long */
};

struct uelf_limits {
	uint64_t user_lo;   /* lowest address a segment may use (keep page 0 and a guard unmapped) */
	uint64_t user_hi;   /* first address a segment may not use */
	uint64_t max_image; /* bytes the segments may span, first page to last */
};

struct uelf_segment {
	uint64_t vaddr;       /* page aligned, bias applied */
	uint64_t size;        /* page multiple: what to map */
	uint64_t data_vaddr;  /* where the first file byte goes (vaddr + p_vaddr's page offset) */
	uint64_t file_offset; /* file bytes to copy there ... */
	uint64_t file_size;   /* ... this many; everything else in the mapping is zero */
	uint32_t prot;        /* UELF_PROT_* */
};

struct uelf_plan {
	uint16_t type;     /* ELF64_ET_EXEC or ELF64_ET_DYN */
	uint64_t bias;     /* added to every p_vaddr: 0 for ET_EXEC */
	uint64_t entry;    /* AT_ENTRY, where ring 3 starts */
	uint64_t phdr;     /* AT_PHDR: the program headers in the loaded image */
	uint16_t phent, phnum;
	uint64_t lo, hi;   /* page-aligned span of the segments */
	uint64_t brk;      /* the initial program break (= hi) */
	uint32_t nseg;
	struct uelf_segment seg[UELF_MAX_SEGMENTS];
	uint64_t rela_offset, rela_count; /* RELA table in the file (R_X86_64_RELATIVE only); 0 = none */
	uint64_t tls_vaddr, tls_filesz, tls_memsz, tls_align; /* PT_TLS, bias applied; memsz 0 = none */
	/* after a failure: the program header (or relocation, for UELF_E_RELOC) at fault, else UINT32_MAX */
	uint32_t bad_index;
};

/*
 * Plans the load of `size` bytes at `file`. load_base (page aligned) is where an
 * ET_DYN's lowest page goes; an ET_EXEC loads where it was linked and ignores it.
 */
int uelf_plan(const void *file, uint64_t size, const struct uelf_limits *lim, uint64_t load_base,
	      struct uelf_plan *out);
const char *uelf_strerror(int err);

/* The i-th relocation of a plan: the 8 bytes at *where (biased) receive *value. */
int uelf_reloc(const struct uelf_plan *p, const void *file, uint64_t size, uint64_t i, uint64_t *where,
	       uint64_t *value);

struct uelf_stack_args {
	const char *const *argv; /* argc strings */
	uint32_t argc;
	const char *const *envp; /* envc strings */
	uint32_t envc;
	const char *execfn;      /* AT_EXECFN: the path the program was started from */
	const uint8_t *random;   /* AT_RANDOM: 16 random bytes (musl's stack protector and hash seeds) */
	uint64_t hwcap, hwcap2;  /* AT_HWCAP (CPUID 1 EDX), AT_HWCAP2 */
	uint64_t clktck;         /* AT_CLKTCK */
	uint32_t uid, gid;       /* AT_UID = AT_EUID, AT_GID = AT_EGID */
	/* AT_SECURE. Leave it false: musl then polls fds 0..2 and opens /dev/null for closed ones. */
	bool secure;
	uint64_t sysinfo_ehdr;   /* AT_SYSINFO_EHDR (a vDSO), 0 = none: the entry is left out */
};

/*
 * Lays out the SysV initial stack (AMD64 psABI §3.4.1) at the top of `buf`, which
 * the program sees at [top - size, top): from the top down, 8 zero bytes, the
 * argument and environment strings and AT_EXECFN's, "x86_64" (AT_PLATFORM), the
 * 16 AT_RANDOM bytes, then 16-byte aligned: argc, argv[], NULL, envp[], NULL,
 * auxv pairs ending with AT_NULL. *sp receives the address of argc (16-byte
 * aligned), the program's RSP at entry.
 */
int uelf_stack(const struct uelf_plan *p, const struct uelf_stack_args *a, uint8_t *buf, uint64_t size, uint64_t top,
	       uint64_t *sp);

#endif
