/* SPDX-License-Identifier: MIT */
/*
 * elf64.h — the ELF64 layouts and numbers the ring-3 program loader reads
 * (System V gABI, AMD64 psABI), little-endian, pinned with _Static_assert.
 * The core is built with -nostdinc, so these are spelled out here; the host
 * tests compare them with <elf.h>.
 */
#ifndef SVSM_USER_ELF64_H
#define SVSM_USER_ELF64_H

#include <stdint.h>

#define ELF64_EI_NIDENT 16
#define ELF64_EI_CLASS 4
#define ELF64_EI_DATA 5
#define ELF64_EI_VERSION 6
#define ELF64_EI_OSABI 7
#define ELF64_CLASS64 2
#define ELF64_DATA2LSB 1
#define ELF64_EV_CURRENT 1
#define ELF64_OSABI_SYSV 0
#define ELF64_OSABI_GNU 3 /* "Linux" */

#define ELF64_ET_EXEC 2
#define ELF64_ET_DYN 3
#define ELF64_EM_X86_64 62

#define ELF64_PT_LOAD 1
#define ELF64_PT_DYNAMIC 2
#define ELF64_PT_INTERP 3
#define ELF64_PT_PHDR 6
#define ELF64_PT_TLS 7
#define ELF64_PT_GNU_STACK 0x6474e551u

#define ELF64_PF_X 1u
#define ELF64_PF_W 2u
#define ELF64_PF_R 4u

#define ELF64_DT_NULL 0
#define ELF64_DT_NEEDED 1
#define ELF64_DT_PLTRELSZ 2
#define ELF64_DT_RELA 7
#define ELF64_DT_RELASZ 8
#define ELF64_DT_RELAENT 9
#define ELF64_DT_REL 17
#define ELF64_DT_RELSZ 18
#define ELF64_DT_TEXTREL 22
#define ELF64_DT_JMPREL 23
#define ELF64_DT_FLAGS 30
#define ELF64_DT_RELRSZ 35
#define ELF64_DT_RELR 36
#define ELF64_DF_TEXTREL 0x4u

#define ELF64_R_X86_64_RELATIVE 8u

/* Auxiliary vector types (Linux's include/uapi/linux/auxvec.h, x86's AT_* numbers). */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33

struct elf64_ehdr {
	uint8_t e_ident[ELF64_EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_dyn {
	int64_t d_tag;
	uint64_t d_val;
};

struct elf64_rela {
	uint64_t r_offset;
	uint64_t r_info; /* symbol << 32 | type */
	int64_t r_addend;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, e_entry) == 24, "");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, e_phoff) == 32, "");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, e_ehsize) == 52, "");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, e_phnum) == 56, "");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr is 56 bytes");
_Static_assert(__builtin_offsetof(struct elf64_phdr, p_offset) == 8, "");
_Static_assert(__builtin_offsetof(struct elf64_phdr, p_filesz) == 32, "");
_Static_assert(sizeof(struct elf64_dyn) == 16, "Elf64_Dyn is 16 bytes");
_Static_assert(sizeof(struct elf64_rela) == 24, "Elf64_Rela is 24 bytes");

#endif
