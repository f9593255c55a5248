/* SPDX-License-Identifier: MIT */
/* reqloop.c — see reqloop.h. */
#include "reqloop.h"

/* Each VMSA field is read and written exactly once per step, never re-read: what we
 * acted on is what we checked. */
static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void st(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

enum reqloop_exit reqloop_step(struct proto_core *c, unsigned slot, struct igvm_sev_vmsa *v)
{
	uint64_t efer = ld(&v->efer);
	st(&v->efer, efer & ~EFER_SVME);
	/* Unrunnable before anything of the exit is looked at. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	enum reqloop_exit e = REQLOOP_OTHER_EXIT;
	if (ld(&VMSA_GUEST_EXIT_CODE(v)) == SVM_EXIT_VMGEXIT) {
		struct proto_regs r = { ld(&v->rax), ld(&v->rcx), ld(&v->rdx), ld(&v->r8) };
		e = REQLOOP_NO_CALL;
		if (proto_handle_request(c, slot, &r)) {
			st(&v->rax, r.rax);
			st(&v->rcx, r.rcx);
			st(&v->rdx, r.rdx);
			st(&v->r8, r.r8);
			e = REQLOOP_CALL;
		}
	}

	/* Every result is in place before the VMSA can run again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	st(&v->efer, efer | EFER_SVME);
	return e;
}
