/* SPDX-License-Identifier: MIT */
/* vcpu_run.c — see vcpu_run.h. */
#include "vcpu_run.h"

_Static_assert(PROTO_MAX_VCPUS <= 256, "a slot fits the bind word's low byte");

void vcpu_run_init(struct vcpu_run *v, struct proto_core *c, const struct reqloop_vcpu *boot)
{
	v->c = c;
	atomic_init(&v->bind, 0);
	v->have = v->fresh = boot != 0;
	if (boot)
		v->cur = *boot;
	v->steps = v->calls = v->dropped = 0;
}

void vcpu_run_bind(struct vcpu_run *v, unsigned slot, uint32_t gen)
{
	atomic_store(&v->bind, VCPU_RUN_BIND | (uint64_t)gen << 8 | (slot & 0xFFu));
}

static void step(struct vcpu_run *v)
{
	enum reqloop_exit e = reqloop_step(v->c, &v->cur);
	v->steps++;
	v->calls += e == REQLOOP_CALL;
	if (e == REQLOOP_GONE) {
		v->have = false;
		v->dropped++;
	}
}

enum vcpu_next vcpu_run_prepare(struct vcpu_run *v)
{
	uint64_t b = atomic_exchange(&v->bind, 0);
	if (b) {
		unsigned slot = (unsigned)(b & 0xFFu);
		uint32_t want = (uint32_t)(b >> 8), gen = want;
		uint64_t vmsa = 0;
		proto_vcpu_get(v->c, slot, &vmsa, &gen);
		if (vmsa && gen == want) {
			v->cur = (struct reqloop_vcpu){ slot, gen, vmsa, 0 };
			v->have = v->fresh = true;
		}
	}
	if (v->have && v->fresh) {
		v->fresh = false;
		step(v);
	}
	return v->have ? VCPU_RUN : VCPU_IDLE;
}

bool vcpu_run_after(struct vcpu_run *v, enum vcpu_ran r)
{
	if (r == VCPU_CANCELLED)
		return true;
	if (r == VCPU_REFUSED) {
		uint64_t vmsa = v->cur.vmsa;
		uint32_t gen = v->cur.gen;
		if (proto_vcpu_get(v->c, v->cur.slot, &vmsa, &gen))
			return false;
		v->have = false;
		v->dropped++;
		return true;
	}
	step(v);
	return true;
}
