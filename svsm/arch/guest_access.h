/* SPDX-License-Identifier: MIT */
/*
 * guest_access.h — the only instructions with which the core touches guest
 * memory (guest_access.S), and the fixup that lets them fail instead of
 * killing the core.
 *
 * On SNP a page the guest validated can stop being validated at any moment:
 * the hypervisor's RMPUPDATE (after a page-state change the guest asked it
 * for directly, or on its own) takes it away, and the SVSM's next access with
 * the C-bit raises #VC with error code 0x404 ("page not validated"); a page
 * the hypervisor keeps may also come back as anything, and a missing mapping
 * is a #PF. Each function below is a leaf that uses no stack, all of them lie
 * between guest_access_begin and guest_access_end, and exception_dispatch()
 * sends a #PF or #VC whose RIP is in that range to guest_access_fault, which
 * returns -1 to the function's caller (the same idea as Linux's exception
 * table for copy_from_user, or COCONUT-SVSM's __exception_table, with a
 * range per accessor family: arch/idt.c holds this one and user memory's). How far a copy got before the fault is unknown.
 * The per-CPU guest_fault record (percpu.h) keeps the last fault for the log.
 *
 * Addresses are the core's own virtual addresses (the direct map); callers
 * check that the range is guest memory first.
 */
#ifndef SVSM_ARCH_GUEST_ACCESS_H
#define SVSM_ARCH_GUEST_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0, or -1 when the access faulted. */
int guest_copy(void *dst, const void *src, size_t n);
int guest_zero(void *dst, size_t n);
/* The old byte (0..255) after storing v atomically, or -1. */
int guest_xchg8(uint8_t *p, uint8_t v);
/* Atomic *p &= mask / *p |= mask: 0, or -1. */
int guest_and64(uint64_t *p, uint64_t mask);
int guest_or64(uint64_t *p, uint64_t mask);

extern const char guest_access_begin[], guest_access_end[], guest_access_fault[];

#endif
