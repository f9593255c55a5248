/* SPDX-License-Identifier: MIT */
/*
 * run.h — pieces of `igvmbuild run` (igvmbuild/cmd_run.c) that are testable alone.
 */
#ifndef IGVMBUILD_RUN_H
#define IGVMBUILD_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "../format/igvm_defs.h"

extern const uint8_t ib_resetstub_rom[];
extern const uint8_t ib_resetstub_rom_end[];

/*
 * Patches a copy of the reset stub (RESETSTUB_SIZE bytes in rom) with a
 * native VP context. Returns NULL, or the reason the stub cannot express the
 * context (the message names the register).
 */
const char *run_patch_stub(uint8_t *rom, size_t len, const struct igvm_native_vp_context_x64 *vp);

/*
 * The memory map QEMU's q35 machine gives a guest with mem bytes of RAM, as
 * IGVM memory-map entries: RAM below the PCI hole (all of it below 2.75 GiB,
 * else 2 GiB) and the rest from 4 GiB. Returns the number of entries (≤ 2).
 */
unsigned run_memory_map(uint64_t mem, struct igvm_vhs_memory_map_entry out[2]);

#endif
