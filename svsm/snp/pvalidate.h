/* SPDX-License-Identifier: MIT */
/*
 * pvalidate.h — PVALIDATE and RMPADJUST (AMD64 APM vol. 3), with every
 * hardware outcome reported.
 *
 * PVALIDATE: RAX = virtual address, ECX = page size (0 = 4 KiB, 1 = 2 MiB),
 * EDX = 1 validate / 0 rescind. EAX returns 0 (success), 1 (FAIL_INPUT) or
 * 6 (FAIL_SIZEMISMATCH: a 2 MiB request over a 4 KiB RMP entry); on success
 * rFLAGS.CF = 1 means the RMP entry already had the requested state
 * ("unchanged"), which matters because a double validation is how a
 * malicious hypervisor replays pages.
 * RMPADJUST: RAX = virtual address, RCX = page size, RDX = target VMPL
 * (bits 7:0) | permission mask (bits 15:8) | VMSA (bit 16). EAX returns 0,
 * 1 (FAIL_INPUT), 2 (FAIL_PERMISSION), 3 (FAIL_INUSE) or 6
 * (FAIL_SIZEMISMATCH). FAIL_INUSE: the RMP entry may not change now — the
 * page is a VMSA some vCPU is executing (the processor marks it in use from
 * VMRUN to #VMEXIT) or another processor is updating the entry (Linux's
 * psmash()/rmpupdate() retry on the same code 3; AMD's linux-svsm returns it
 * to the guest as 0x8000_1000 + 3). Nothing changed; a later attempt may
 * succeed.
 *
 * The mapping functions are plain C and unit-tested on the host; the
 * instruction wrappers are only ever executed inside an SNP guest.
 */
#ifndef SVSM_SNP_PVALIDATE_H
#define SVSM_SNP_PVALIDATE_H

#include <stdbool.h>
#include <stdint.h>

enum rmp_result {
	RMP_OK = 0,            /* the RMP entry changed as requested */
	RMP_UNCHANGED,         /* PVALIDATE only: already in the requested state (CF = 1) */
	RMP_FAIL_INPUT,        /* bad operand: address, size or VMPL */
	RMP_FAIL_PERMISSION,   /* RMPADJUST only: target VMPL not less privileged */
	RMP_FAIL_SIZEMISMATCH, /* 2 MiB request over 4 KiB RMP entries */
	RMP_FAIL_INUSE,        /* RMPADJUST only: the entry is in use (a running VMSA), nothing changed */
	RMP_FAIL_UNKNOWN,      /* any other return code (reported with its raw value) */
};

#define RMP_PAGE_4K 0u
#define RMP_PAGE_2M 1u

/* RMPADJUST permission bits (bits 15:8 of RDX). */
#define RMP_PERM_READ      0x01u
#define RMP_PERM_WRITE     0x02u
#define RMP_PERM_EXEC_USER 0x04u
#define RMP_PERM_EXEC_SUPV 0x08u
#define RMP_PERM_ALL       0x0Fu

enum rmp_result pvalidate_result(uint32_t eax, bool cf);
enum rmp_result rmpadjust_result(uint32_t eax);
const char *rmp_result_name(enum rmp_result r);
/* RDX operand of RMPADJUST; vmpl must be 1..3. */
uint64_t rmpadjust_attrs(unsigned vmpl, unsigned perms, bool vmsa);

/* The instructions. *raw (may be NULL) receives EAX as returned. */
enum rmp_result pvalidate(uint64_t va, unsigned size, bool validate, uint32_t *raw);
enum rmp_result rmpadjust(uint64_t va, unsigned size, uint64_t attrs, uint32_t *raw);

#endif
