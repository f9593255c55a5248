/* SPDX-License-Identifier: MIT */
/*
 * proto_stress.h — the core protocol's adversarial stress: many vCPUs make
 * racing calls on the simulated RMP (rmp_sim.h) while a hypervisor changes
 * pages behind the core's back, and the invariants (proto_check.h) are
 * checked after every step. Two drivers run it: host threads
 * (tests/svsm/protocol_stress.c) and the SVSM's own CPUs with its own
 * spinlocks and atomics (the native platform's boot self-test,
 * protocol/proto_selftest.c) — the same steps, the same checks.
 *
 * Layout of the simulated guest memory [base, base + mem): the first MiB is
 * validated at launch (VMPL2 full access); vCPU k has its boot VMSA at
 * base + 0x10000 + k * 0x2000, its calling area in the next page and its
 * list page at base + 0x80000 + k * 0x1000; SVSM memory [base + svsm_off,
 * + svsm_size) is in the simulation but not guest memory (the core must
 * never touch it). Every step picks its pages in [base + 1 MiB, base + mem)
 * — SVSM memory included on purpose — and one time in 16 another vCPU's
 * VMSA or calling area.
 *
 * A step is one of: PVALIDATE lists of 1..8 4 KiB or 2 MiB entries
 * (validate, rescind, ignore-unchanged); CREATE_VCPU / DELETE_VCPU (also of
 * other vCPUs' VMSAs); REMAP_CA; DEPOSIT_MEM / WITHDRAW_MEM; attestation (it
 * pins guest buffers). Half of the calls go through the calling area as the
 * request loop sees them. After each, the chunks it touched are checked
 * under their stripe lock. A hypervisor step turns an unvalidated 2 MiB range
 * into one RMP entry, or (one time in 8) takes a random page behind the
 * core's back. Counters are atomics; every vCPU may step concurrently.
 *
 * Portable: hosted or freestanding, no libc beyond lib/string.h.
 */
#ifndef SVSM_PROTOCOL_PROTO_STRESS_H
#define SVSM_PROTOCOL_PROTO_STRESS_H

#include <stdatomic.h>
#include <stdint.h>

#include "proto.h"
#include "proto_check.h"
#include "rmp_sim.h"

#define PSTRESS_MAX_VCPUS 32u

struct pstress_vcpu {
	unsigned id, slot;
	uint64_t rng, list, vmsa, ca;
	uint64_t mine[8]; /* VMSAs this vCPU created */
	unsigned nmine;
	uint32_t apic;
	struct rmp_sim_page scratch[512]; /* the checker's snapshot */
	uint8_t page[4096];               /* a VMSA image to plant */
};

struct pstress {
	struct proto_core *c;
	struct rmp_sim *sim;
	uint64_t base, mem, svsm_base, svsm_size;
	unsigned nvcpus;
	_Atomic uint64_t ops, entries, violations, checks, created, deleted, remapped, deposited, withdrawn,
		attested, hv_steps;
	atomic_flag first_set;
	struct proto_check_fail first;
};

/*
 * Sets up core c over plat (whose ctx is sim, initialised over [base, base + mem)) with the
 * layout above for nvcpus vCPUs (1..PSTRESS_MAX_VCPUS) whose states v[] it fills; seed makes
 * the run reproducible per vCPU. 0 or -1.
 */
int pstress_setup(struct pstress *s, struct proto_core *c, const struct proto_platform *plat, struct rmp_sim *sim,
		  uint64_t base, uint64_t mem, uint64_t svsm_off, uint64_t svsm_size, unsigned nvcpus,
		  struct pstress_vcpu *v, uint64_t seed);
/* One random call of vCPU v, and the checks after it. */
void pstress_step(struct pstress *s, struct pstress_vcpu *v);
/* One step of the hypervisor (rng: its own state). */
void pstress_hv_step(struct pstress *s, uint64_t *rng);
/* Quiescent (no step running): every chunk once more. */
void pstress_finish(struct pstress *s, struct pstress_vcpu *v);
/* Violations found by the checks plus those the simulated RMP counted itself. */
uint64_t pstress_violations(struct pstress *s);

#endif
