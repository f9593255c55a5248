/* SPDX-License-Identifier: MIT */
/*
 * run_stub.c — the 64 KiB reset stub ROM (loaders/resetstub.S), embedded into
 * igvmbuild at build time so `igvmbuild run` needs no file beside it.
 * The build passes RESETSTUB_BIN, the path of the assembled ROM.
 */
#include "run.h"

#ifndef RESETSTUB_BIN
#error "RESETSTUB_BIN must name build/loaders/resetstub.bin"
#endif

__asm__(".section .rodata\n"
	".balign 16\n"
	".globl ib_resetstub_rom\n"
	"ib_resetstub_rom:\n"
	".incbin \"" RESETSTUB_BIN "\"\n"
	".globl ib_resetstub_rom_end\n"
	"ib_resetstub_rom_end:\n"
	".previous\n");
