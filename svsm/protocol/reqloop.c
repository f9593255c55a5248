/* SPDX-License-Identifier: MIT */
/* reqloop.c — see reqloop.h. */
#include "reqloop.h"

#define OFF_RAX  offsetof(struct igvm_sev_vmsa, rax)
#define OFF_RCX  offsetof(struct igvm_sev_vmsa, rcx)
#define OFF_RDX  offsetof(struct igvm_sev_vmsa, rdx)
#define OFF_R8   offsetof(struct igvm_sev_vmsa, r8)
#define OFF_EXIT offsetof(struct igvm_sev_vmsa, guest_error_code)

/* Each VMSA field is read and written exactly once per step, never re-read: what we acted on
 * is what we checked. false: the guest page faulted. */
static bool ld(struct proto_core *c, const struct reqloop_vcpu *v, size_t off, uint64_t *val)
{
	if (v->own) {
		*val = __atomic_load_n((const uint64_t *)((const uint8_t *)v->own + off), __ATOMIC_RELAXED);
		return true;
	}
	return proto_read(c, v->vmsa + off, val, 8);
}

static bool st(struct proto_core *c, const struct reqloop_vcpu *v, size_t off, uint64_t val)
{
	if (v->own) {
		__atomic_store_n((uint64_t *)((uint8_t *)v->own + off), val, __ATOMIC_RELAXED);
		return true;
	}
	return proto_write(c, v->vmsa + off, &val, 8);
}

static bool still_ours(struct proto_core *c, const struct reqloop_vcpu *v)
{
	uint64_t vmsa = v->vmsa;
	uint32_t gen = v->gen;
	return proto_vcpu_get(c, v->slot, &vmsa, &gen);
}

enum reqloop_exit reqloop_step(struct proto_core *c, const struct reqloop_vcpu *v)
{
	struct spinlock *l = proto_stripe_lock(c, v->vmsa);
	uint64_t efer = 0, code = 0;
	struct proto_regs r = { 0, 0, 0, 0 };
	proto_lock(c, l);
	bool ok = still_ours(c, v) && ld(c, v, VMSA_OFF_EFER, &efer) && st(c, v, VMSA_OFF_EFER, efer & ~EFER_SVME);
	/* Unrunnable before anything of the exit is looked at. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ok = ok && ld(c, v, OFF_EXIT, &code);
	bool vmgexit = ok && code == SVM_EXIT_VMGEXIT;
	if (vmgexit)
		ok = ld(c, v, OFF_RAX, &r.rax) && ld(c, v, OFF_RCX, &r.rcx) && ld(c, v, OFF_RDX, &r.rdx) &&
		     ld(c, v, OFF_R8, &r.r8);
	spin_unlock(l);
	if (!ok)
		return REQLOOP_GONE;

	enum reqloop_exit e = vmgexit ? REQLOOP_NO_CALL : REQLOOP_OTHER_EXIT;
	if (vmgexit && proto_handle_request_gen(c, v->slot, v->gen, true, &r)) /* no lock held: it takes its own */
		e = REQLOOP_CALL;

	proto_lock(c, l);
	ok = still_ours(c, v); /* deleted meanwhile, by this very call or another vCPU's: write nothing */
	if (ok && e == REQLOOP_CALL)
		ok = st(c, v, OFF_RAX, r.rax) && st(c, v, OFF_RCX, r.rcx) && st(c, v, OFF_RDX, r.rdx) &&
		     st(c, v, OFF_R8, r.r8);
	/* Every result is in place before the VMSA can run again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ok = ok && st(c, v, VMSA_OFF_EFER, efer | EFER_SVME);
	spin_unlock(l);
	return ok ? e : REQLOOP_GONE;
}
