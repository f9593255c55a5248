/* SPDX-License-Identifier: MIT */
/*
 * vcpu_run.h — what one vCPU's request loop decides (SNP: guest_launch.c
 * runs it on every vCPU of the SVSM), portable so that the host tests drive
 * it against a model of the host (tests/svsm/test_svsm_snp_smp.c).
 *
 * A loop holds at most one guest vCPU: the boot vCPU's VMSA from the start,
 * or the one CREATE_VCPU hands it (vcpu_run_bind(), from whichever vCPU
 * served the call: a word with the registry's slot and generation, which
 * this loop takes with one atomic exchange). The platform's loop is:
 *
 *   for (;;) {
 *       if (vcpu_run_prepare(v) == VCPU_IDLE) { wait until v->bind is set; continue; }
 *       r = Run VMPL (the guest's VMPL);
 *       if (!vcpu_run_after(v, r)) end the guest;
 *   }
 *
 * vcpu_run_prepare() takes a bind (a VMSA gone again before it was taken is
 * ignored) and steps a newly taken VMSA once before it is first run: the
 * firmware's AP Creation makes the host switch the vCPU to that VMSA at once
 * (COCONUT's KVM: sev_snp_ap_creation() sets the target VMPL, the next VMRUN
 * switches), so the first call the new vCPU makes is what brings its VMPL0
 * back here — it must be served before the VMSA runs again.
 * vcpu_run_after() steps the VMSA after it ran (reqloop.h); one found gone
 * (deleted, also by its own call) is dropped, and the loop idles. A Run VMPL
 * the host refused is fatal while the VMSA is still registered (the host
 * will not run a VMSA it was given), and the expected outcome when it was
 * deleted meanwhile (the host let go of it first: the firmware's AP Destroy
 * precedes its DELETE_VCPU).
 */
#ifndef SVSM_PROTOCOL_VCPU_RUN_H
#define SVSM_PROTOCOL_VCPU_RUN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "reqloop.h"

struct vcpu_run {
	struct proto_core *c;
	_Atomic uint64_t bind;   /* 0, or VCPU_RUN_BIND | gen << 8 | slot */
	struct reqloop_vcpu cur;
	bool have, fresh;
	uint64_t steps, calls, dropped;
};

#define VCPU_RUN_BIND (1ull << 63)

enum vcpu_next { VCPU_IDLE, VCPU_RUN };
enum vcpu_ran { VCPU_RAN, VCPU_CANCELLED, VCPU_REFUSED };

/* boot: the vCPU this loop starts with (NULL: none, it waits for a bind). */
void vcpu_run_init(struct vcpu_run *v, struct proto_core *c, const struct reqloop_vcpu *boot);
/* Any vCPU: CREATE_VCPU registered a vCPU for this loop in (slot, gen). */
void vcpu_run_bind(struct vcpu_run *v, unsigned slot, uint32_t gen);
enum vcpu_next vcpu_run_prepare(struct vcpu_run *v);
/* false: the host refused to run a VMSA that is still registered (end the guest). */
bool vcpu_run_after(struct vcpu_run *v, enum vcpu_ran r);

#endif
