/* SPDX-License-Identifier: MIT */
/*
 * qemu_walk.h — QEMU's IGVM loader (backends/igvm.c, shared spec §9.1),
 * re-enacted through the public C API only, against the simulated host of
 * qw_host.h with a confidential-guest backend that supports SEV, SEV-ES and
 * SEV-SNP.
 *
 * The walk makes the same calls in the same order as QEMU: platform selection
 * from the SUPPORTED_PLATFORM headers (SEV-SNP > SEV-ES > SEV > NATIVE), one
 * pass over every directive through QEMU's handler table (PAGE_DATA with its
 * region merging, VP_CONTEXT, PARAMETER_AREA, PARAMETER_INSERT, MEMORY_MAP,
 * VP_COUNT_PARAMETER, ENVIRONMENT_INFO_PARAMETER, REQUIRED_MEMORY,
 * SNP_ID_BLOCK; anything else is fatal), then the initialization headers
 * (GUEST_POLICY), the last region, and the launch policy.
 *
 * Every effect on the guest is written to `out` as one line (see
 * oracle.h for the vocabulary); the oracle produces the same lines from the
 * format library's parse, so equal traces mean the API gave QEMU every field
 * exactly as the file holds it.
 *
 * Where QEMU would write outside a parameter area (it does not check
 * byte_offset), the walk stops with an error line instead.
 *
 * Returns 0 when the file loads, 1 when the loader refuses it (an "error:"
 * line was written).
 */
#ifndef LIBIGVM_TEST_QEMU_WALK_H
#define LIBIGVM_TEST_QEMU_WALK_H

#include <stdint.h>
#include <stdio.h>

int qw_run(const uint8_t *file, uint32_t len, FILE *out);

#endif /* LIBIGVM_TEST_QEMU_WALK_H */
