/* SPDX-License-Identifier: MIT */
/*
 * proto_platform.h — the operations the protocol code needs from whatever it
 * runs on. Three implementations:
 *   - SNP (svsm/protocol/proto_snp.c): PVALIDATE/RMPADJUST instructions on the
 *     direct map, guest memory through the fault-recovering accessors of
 *     svsm/arch/guest_access.h;
 *   - native (svsm/protocol/proto_native.c): the in-kernel self-test, on top of
 *     the simulated RMP (rmp_sim.c) and a buffer standing in for guest memory;
 *   - host (tests/svsm/rmp_model.c): the same simulator under threads.
 *
 * Contract: pvalidate/rmpadjust behave exactly as the instructions (one RMP
 * entry, atomically), reporting every hardware outcome.
 *
 * Guest memory is only ever touched through read, write, zero, xchg8 and
 * update64, never through a pointer: a page the guest validated can stop
 * being validated at any moment behind the SVSM's back (the hypervisor's
 * RMPUPDATE after a page-state change the guest asked it for directly, or on
 * its own), and the SVSM's next access to it then raises #VC "page not
 * validated" (error code 0x404) or, for a page the hypervisor owns, an #NPF it
 * may answer with anything, also a #PF of the SVSM's own mapping. Each
 * accessor returns false when that happened — the fault was recovered, how
 * much was copied is unknown, nothing else changed — and true when the whole
 * range was accessed. [gpa, gpa+len) must lie in guest memory (false
 * otherwise). zero() is also the only way the protocol erases memory, so a
 * model can observe it.
 */
#ifndef SVSM_PROTOCOL_PROTO_PLATFORM_H
#define SVSM_PROTOCOL_PROTO_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../snp/pvalidate.h"

struct proto_platform {
	void *ctx;
	enum rmp_result (*pvalidate)(void *ctx, uint64_t gpa, bool huge, bool validate);
	/* Sets the permissions of VMPL vmpl (1..3) to perms (RMP_PERM_*), and the VMSA bit. */
	enum rmp_result (*rmpadjust)(void *ctx, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms, bool vmsa);
	bool (*read)(void *ctx, uint64_t gpa, void *dst, uint64_t len);
	bool (*write)(void *ctx, uint64_t gpa, const void *src, uint64_t len);
	bool (*zero)(void *ctx, uint64_t gpa, uint64_t len);
	/* Atomically: *old = the guest byte at gpa, the byte = v. */
	bool (*xchg8)(void *ctx, uint64_t gpa, uint8_t v, uint8_t *old);
	/* On the u64 at gpa (8-byte aligned): &= ~clear, then |= set, each step atomic. */
	bool (*update64)(void *ctx, uint64_t gpa, uint64_t clear, uint64_t set);
	/* An attestation report with REPORT_DATA = data, requested at VMPL0; 0 or -1. */
	int (*report)(void *ctx, const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len);
	void *(*alloc)(void *ctx, size_t bytes); /* zeroed; NULL when out of memory */
	void (*free)(void *ctx, void *p, size_t bytes);
	void (*relax)(void *ctx); /* while spinning */
	/* After a page's guest access was revoked or it was rescinded: no TLB anywhere may
	 * still translate to [gpa, gpa+len) with the old permissions when this returns. */
	void (*flush)(void *ctx, uint64_t gpa, uint64_t len);
	/* Optional (NULL: any APIC ID, nobody to tell). Whether a vCPU with this APIC ID exists
	 * to run a VMSA, i.e. has a request loop of its own (CREATE_VCPU answers
	 * INVALID_PARAMETER otherwise) ... */
	bool (*vcpu_exists)(void *ctx, uint32_t apic_id);
	/* ... and, once CREATE_VCPU registered the VMSA in slot (generation gen), the hand-over
	 * to that vCPU's request loop, which serves the new vCPU's calls from then on. */
	void (*vcpu_bind)(void *ctx, uint32_t apic_id, unsigned slot, uint32_t gen);
};

#endif
