/* SPDX-License-Identifier: MIT */
/*
 * resetstub.h — the parameter block of the 64 KiB reset stub (loaders/resetstub.S).
 *
 * Shared by the stub (assembly, offsets only) and the host runner
 * (igvmbuild/run_stub.c), which patches the block with the 32-bit state of
 * an IGVM native VP context before handing the ROM to QEMU as -bios.
 *
 * The ROM is mapped at RESETSTUB_BASE (top 64 KiB of the 4 GiB space); the
 * block sits at its offset 0. The stub goes real mode → flat 32-bit protected
 * mode (its own GDT: 0x08 code, 0x10 data, base 0, limit 4 GiB), loads CR4,
 * CR3, EFER, CR0, GDTR and IDTR from the block, then ESP, EFLAGS and the
 * general registers, and jumps to EIP. It can only express a 32-bit,
 * paging-off entry with flat segments 0x08/0x10: the runner refuses anything
 * else (long mode cannot be entered from a ROM stub safely).
 */
#ifndef IGVMBUILD_LOADERS_RESETSTUB_H
#define IGVMBUILD_LOADERS_RESETSTUB_H

#define RESETSTUB_BASE     0xFFFF0000
#define RESETSTUB_SIZE     0x10000
#define RESETSTUB_MAGIC    0x50545352 /* "RSTP" */
#define RESETSTUB_VERSION  1

#define RSP_MAGIC    0x00
#define RSP_VERSION  0x04
#define RSP_EAX      0x08
#define RSP_ECX      0x0C
#define RSP_EDX      0x10
#define RSP_EBX      0x14
#define RSP_ESP      0x18
#define RSP_EBP      0x1C
#define RSP_ESI      0x20
#define RSP_EDI      0x24
#define RSP_EIP      0x28
#define RSP_EFLAGS   0x2C
#define RSP_CR0      0x30
#define RSP_CR3      0x34
#define RSP_CR4      0x38
#define RSP_EFER_LO  0x3C
#define RSP_EFER_HI  0x40
#define RSP_GDTR     0x48 /* limit u16, base u32 (lgdt operand) */
#define RSP_IDTR     0x50 /* limit u16, base u32 (lidt operand) */
#define RSP_END      0x58

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

struct __attribute__((packed)) resetstub_desc {
	uint16_t limit;
	uint32_t base;
};

struct __attribute__((packed)) resetstub_params {
	uint32_t magic, version;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t eip, eflags, cr0, cr3, cr4, efer_lo, efer_hi;
	uint32_t pad;
	struct resetstub_desc gdtr;
	uint16_t pad2;
	struct resetstub_desc idtr;
	uint16_t pad3;
};
_Static_assert(sizeof(struct resetstub_params) == RSP_END, "parameter block size");
_Static_assert(offsetof(struct resetstub_params, eip) == RSP_EIP, "");
_Static_assert(offsetof(struct resetstub_params, efer_hi) == RSP_EFER_HI, "");
_Static_assert(offsetof(struct resetstub_params, gdtr) == RSP_GDTR, "");
_Static_assert(offsetof(struct resetstub_params, idtr) == RSP_IDTR, "");
#endif

#endif
