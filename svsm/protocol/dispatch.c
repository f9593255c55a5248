/* SPDX-License-Identifier: MIT */
/*
 * dispatch.c — the request loop's step (calling area) and the dispatcher;
 * QUERY_PROTOCOL and CONFIGURE_VTOM of the core protocol (SVSM spec, core
 * protocol calls 6 and 7). Protocol 2 (vTPM) exists only with a vTPM attached.
 */
#include "proto.h"

/* QUERY_PROTOCOL (spec §6.7): RCX = protocol << 32 | version wanted; RCX out = highest
 * supported version << 32 | lowest when the wanted version is supported, else 0; always
 * SVSM_SUCCESS. Matches COCONUT and the AMD SVSM. */
static uint32_t query_protocol(const struct proto_core *c, struct proto_regs *r)
{
	uint32_t proto = (uint32_t)(r->rcx >> 32), ver = (uint32_t)r->rcx;
	bool known = proto == SVSM_CORE_PROTOCOL || proto == SVSM_ATTEST_PROTOCOL ||
		     (proto == SVSM_VTPM_PROTOCOL && c->vtpm);
	r->rcx = known && ver == 1 ? (1ull << 32) | 1u : 0;
	return SVSM_SUCCESS;
}

/* CONFIGURE_VTOM (spec §6.8, Table 9): RCX bit 0 = 1 is a query, whose bits 63:1 must be
 * 0; a configuration (bit 0 = 0) must have bits 11:5 clear. Reserved bits set:
 * INVALID_PARAMETER. vTOM configuration is not supported: the query answers RCX = 0
 * (bit 1 "supported" clear; RDX/R8 are then undefined and left alone), a configuration
 * is INVALID_REQUEST ("cannot be supported"). */
static uint32_t configure_vtom(struct proto_regs *r)
{
	if (r->rcx & 1) {
		if (r->rcx & ~1ull)
			return SVSM_ERR_INVALID_PARAMETER;
		r->rcx = 0;
		return SVSM_SUCCESS;
	}
	if (r->rcx & 0xFE0ull)
		return SVSM_ERR_INVALID_PARAMETER;
	return SVSM_ERR_INVALID_REQUEST;
}

void proto_dispatch(struct proto_core *c, unsigned slot, struct proto_regs *r)
{
	uint32_t proto = (uint32_t)(r->rax >> 32), call = (uint32_t)r->rax, rc;
	atomic_fetch_add(&c->st.calls, 1);
	if (slot >= PROTO_MAX_VCPUS || !c->vcpu[slot].used) {
		rc = SVSM_ERR_INVALID_REQUEST;
	} else if (proto == SVSM_CORE_PROTOCOL) {
		if (call == SVSM_CORE_QUERY_PROTOCOL)
			rc = query_protocol(c, r);
		else if (call == SVSM_CORE_CONFIGURE_VTOM)
			rc = configure_vtom(r);
		else
			rc = proto_core_call(c, slot, call, r);
	} else if (proto == SVSM_ATTEST_PROTOCOL) {
		rc = proto_attest_call(c, call, r);
	} else if (proto == SVSM_VTPM_PROTOCOL && c->vtpm) {
		rc = proto_vtpm_call(c, call, r);
	} else {
		rc = SVSM_ERR_UNSUPPORTED_PROTOCOL;
	}
	r->rax = rc;
}

bool proto_handle_request(struct proto_core *c, unsigned slot, struct proto_regs *r)
{
	return proto_handle_request_gen(c, slot, 0, false, r);
}

bool proto_handle_request_gen(struct proto_core *c, unsigned slot, uint32_t gen, bool check_gen, struct proto_regs *r)
{
	if (slot >= PROTO_MAX_VCPUS)
		return false;
	/* Our own CA cannot move under us: only this vCPU's REMAP_CA changes it, and the
	 * guest cannot invalidate a registered CA page through the SVSM. The hypervisor can
	 * take it (a page-state change the guest asked it for directly): the exchange then
	 * faults, and a call nobody can see is no call — registers and flag stay as they are. */
	proto_lock(c, &c->reg_lock);
	bool used = c->vcpu[slot].used && (!check_gen || c->vcpu[slot].gen == gen);
	uint64_t caa = c->vcpu[slot].caa;
	spin_unlock(&c->reg_lock);
	if (!used)
		return false;
	/* Exchange, not read-then-write: one pending flag is one call, even if the
	 * guest writes the flag concurrently. */
	uint8_t pending = 0;
	if (!proto_xchg8(c, caa + offsetof(struct proto_ca, call_pending), 0, &pending) || !pending)
		return false;
	if (pending != 1)
		r->rax = SVSM_ERR_INVALID_FORMAT; /* a reserved value: answered, not dispatched */
	else
		proto_dispatch(c, slot, r);
	return true;
}
