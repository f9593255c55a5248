/* SPDX-License-Identifier: MIT */
/*
 * reqloop.h — one step of the request loop: what the SVSM does with a guest
 * vCPU that has come back to VMPL0 (SVSM spec 58019, "calling convention";
 * COCONUT-SVSM vmm/execloop.rs does the same steps).
 *
 * The platform runs the guest's VMPL (SNP: snp/run_vmpl.h) and, when the
 * hypervisor brings the vCPU back to VMPL0, calls reqloop_step() with the
 * guest's VMSA, then runs the guest again. Every vCPU has its own loop; a
 * vCPU's VMSA may be deleted by another vCPU's call, or by its own, at any
 * time (SVSM spec §6.4), so the step reads the VMSA and writes it back only
 * with the VMSA's stripe lock held and after checking that the slot still
 * holds this vCPU (same VMSA, same generation) — the lock DELETE_VCPU holds
 * while it takes the page away. The call itself is dispatched with no lock
 * held. The step:
 *   1. clears EFER.SVME in the guest VMSA. A VMSA whose EFER.SVME is clear
 *      fails VMRUN, so a hypervisor that tries to run this vCPU's VMPL2 state
 *      elsewhere while the SVSM reads and rewrites it gets nothing;
 *   2. decides whether there is a call: only a guest exit code of VMGEXIT
 *      (SVM exit 0x403, written by the processor into the VMSA at the exit)
 *      together with a set call_pending in the vCPU's calling area. Any other
 *      exit — an interrupt, an #NPF, a VMPL switch the hypervisor made on its
 *      own — is not a call even when call_pending is set: the guest may be
 *      between setting the flag and loading the registers. The flag is then
 *      left alone so the call is served when the guest really makes it;
 *   3. for a call: RAX, RCX, RDX, R8 from the VMSA → proto_handle_request()
 *      (which clears call_pending atomically, so a flag is one call) → RAX =
 *      result and RCX, RDX, R8 as the call left them, back into the VMSA;
 *   4. sets EFER.SVME again, so the VMSA is runnable when the platform asks
 *      the hypervisor to resume the guest.
 * When the slot no longer holds the vCPU — at 1 or at 3 (its own DELETE_VCPU,
 * or another vCPU's meanwhile) — the step writes nothing, not even SVME
 * (the page is the guest's now), and says REQLOOP_GONE: the platform runs
 * that VMSA no more, and a call that deleted its own vCPU does not return.
 * A VMSA in guest memory (one CREATE_VCPU registered) is read and written
 * through the core's guest accessors (proto.h, G6): a page the hypervisor
 * took is REQLOOP_GONE too, never a fatal #VC. The SVSM's own VMSA for the
 * startup vCPU, in its own memory, is reached directly.
 *
 * What a hostile guest can and cannot do here: the VMSA is not writable by
 * the guest (the RMPADJUST that made it a VMSA took the guest's write access;
 * the boot vCPU's VMSA is SVSM memory altogether) and the processor, not the
 * guest, writes the exit code. The calling area is guest memory and may change
 * at any moment: it is read and cleared in one atomic exchange, and nothing
 * else of it is used. Register values are read once into a local copy; the
 * dispatcher validates every argument.
 *
 * Portable: the native self-test and the host tests drive it with a
 * simulated VMSA page.
 */
#ifndef SVSM_PROTOCOL_REQLOOP_H
#define SVSM_PROTOCOL_REQLOOP_H

#include <stddef.h>

#include "../../format/igvm_defs.h"
#include "proto.h"

#define SVM_EXIT_VMGEXIT 0x403ull

/* format/igvm_defs.h names the VMSA's guest exit code field (APM vol. 2 VMSA layout; Linux
 * sev_es_save_area.guest_exit_code) guest_error_code; this is where the processor puts it. */
#define VMSA_GUEST_EXIT_CODE(v) ((v)->guest_error_code)
_Static_assert(offsetof(struct igvm_sev_vmsa, guest_error_code) == 0x3C0, "guest exit code at 0x3C0");
_Static_assert(offsetof(struct igvm_sev_vmsa, efer) == VMSA_OFF_EFER, "");

enum reqloop_exit {
	REQLOOP_CALL,        /* a call was dispatched; its results are in the VMSA */
	REQLOOP_NO_CALL,     /* VMGEXIT, but call_pending was clear */
	REQLOOP_OTHER_EXIT,  /* any other exit code: not a call */
	REQLOOP_GONE,        /* the vCPU is no longer registered (or its VMSA unreachable): nothing written */
};

/* One vCPU as its request loop knows it: (slot, gen) from the registry (proto_vcpu_get). */
struct reqloop_vcpu {
	unsigned slot;
	uint32_t gen;
	uint64_t vmsa;              /* GPA */
	struct igvm_sev_vmsa *own;  /* the SVSM's own page for it, or NULL: a VMSA in guest memory */
};

/* The vCPU came back to VMPL0. Unless REQLOOP_GONE, EFER.SVME is set in its VMSA on return
 * whatever happened. */
enum reqloop_exit reqloop_step(struct proto_core *c, const struct reqloop_vcpu *v);

#endif
