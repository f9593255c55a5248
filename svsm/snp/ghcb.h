/* SPDX-License-Identifier: MIT */
/*
 * ghcb.h — the GHCB page (AMD GHCB specification, "GHCB layout"): a shared
 * (unencrypted) 4 KiB page through which a guest hands one exit's registers
 * to the hypervisor at a VMGEXIT. Every register the guest sets must also be
 * marked in the valid bitmap (bit = save-area offset / 8), and the
 * hypervisor marks the ones it returns.
 *
 * Accessors work on raw offsets (the layout is the save-area layout, mostly
 * reserved); building and checking exits is portable and unit-tested.
 */
#ifndef SVSM_SNP_GHCB_H
#define SVSM_SNP_GHCB_H

#include <stdbool.h>
#include <stdint.h>

#define GHCB_OFF_CPL          0x0CB
#define GHCB_OFF_RAX          0x1F8
#define GHCB_OFF_RCX          0x308
#define GHCB_OFF_RDX          0x310
#define GHCB_OFF_RBX          0x318
#define GHCB_OFF_EXIT_CODE    0x390
#define GHCB_OFF_EXIT_INFO1   0x398
#define GHCB_OFF_EXIT_INFO2   0x3A0
#define GHCB_OFF_SCRATCH      0x3A8
#define GHCB_OFF_XCR0         0x3E8
#define GHCB_OFF_VALID_BITMAP 0x3F0
#define GHCB_OFF_SHARED_BUF   0x800
#define GHCB_SHARED_BUF_SIZE  2032
#define GHCB_OFF_VERSION      0xFFA
#define GHCB_OFF_USAGE        0xFFC

#define GHCB_PROTOCOL_VERSION 2

/* SVM exit codes used with the GHCB. */
#define SVM_EXIT_CPUID  0x72ull
#define SVM_EXIT_IOIO   0x7Bull
#define SVM_EXIT_MSR    0x7Cull
#define SVM_EXIT_SNP_PSC 0x80000010ull

struct ghcb {
	uint8_t bytes[4096];
};
_Static_assert(sizeof(struct ghcb) == 4096, "GHCB is one page");

/* Zeroes the valid bitmap and the exit fields, sets version and usage. */
void ghcb_reset(struct ghcb *g);
void ghcb_set(struct ghcb *g, unsigned off, uint64_t v); /* value + valid bit */
bool ghcb_valid(const struct ghcb *g, unsigned off);
uint64_t ghcb_get(const struct ghcb *g, unsigned off);
void ghcb_set_exit(struct ghcb *g, uint64_t code, uint64_t info1, uint64_t info2);
/*
 * After the VMGEXIT: 0 when EXIT_INFO1[31:0] is 0 (success), 1 when the
 * hypervisor asks for an exception to be injected (EXIT_INFO2 holds it),
 * -1 for any other value (protocol error).
 */
int ghcb_exit_status(const struct ghcb *g);

/* Writes the GHCB MSR and executes VMGEXIT (SNP only). */
void ghcb_vmgexit(uint64_t ghcb_gpa);

#endif
