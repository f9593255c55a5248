/* SPDX-License-Identifier: MIT */
/*
 * core.c — the core protocol (SVSM spec, "Core Protocol", protocol 0):
 * REMAP_CA, PVALIDATE, CREATE_VCPU, DELETE_VCPU, DEPOSIT_MEM, WITHDRAW_MEM
 * (QUERY_PROTOCOL and CONFIGURE_VTOM are in dispatch.c). Guarantees and
 * locking: proto.h.
 */
#include "proto.h"

#include "../lib/string.h"

#define PAGE 4096ull
#define HUGE (2ull << 20)

int proto_conflict_locked(struct proto_core *c, uint64_t gpa, uint64_t len);

static uint32_t hw_err(enum rmp_result r)
{
	switch (r) {
	case RMP_OK: return SVSM_SUCCESS;
	case RMP_UNCHANGED: return SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
	case RMP_FAIL_INPUT: return SVSM_ERR_PVALIDATE_FAIL_INPUT;
	case RMP_FAIL_PERMISSION: return SVSM_ERR_PVALIDATE_FAIL_PERMISSION;
	case RMP_FAIL_SIZEMISMATCH: return SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH;
	case RMP_FAIL_UNKNOWN: break;
	}
	return SVSM_ERR_PROTOCOL_BASE | 0xFFu;
}

/* RMPADJUST of the guest VMPL over a 4 KiB or 2 MiB range; a 2 MiB range the
 * hypervisor keeps as 4 KiB RMP entries is adjusted page by page. */
static enum rmp_result adjust(struct proto_core *c, uint64_t gpa, bool huge, unsigned perms, bool vmsa)
{
	const struct proto_platform *p = c->plat;
	enum rmp_result r = p->rmpadjust(p->ctx, gpa, huge, PROTO_GUEST_VMPL, perms, vmsa);
	if (r != RMP_FAIL_SIZEMISMATCH || !huge)
		return r;
	for (uint64_t a = gpa; a < gpa + HUGE; a += PAGE) {
		r = p->rmpadjust(p->ctx, a, false, PROTO_GUEST_VMPL, perms, vmsa);
		if (r != RMP_OK)
			return r;
	}
	return RMP_OK;
}

/* Checks every page of [gpa, gpa+len) (one chunk; stripe lock held) may change hands:
 * guest memory, not deposited, not a VMSA/CA (INVALID_ADDRESS), not pinned (BUSY). */
static uint32_t check_free(struct proto_core *c, uint64_t gpa, uint64_t len)
{
	if (!proto_in_guest(c, gpa, len) || vs_count_owned(&c->vs, gpa, (unsigned)(len / PAGE)))
		return SVSM_ERR_INVALID_ADDRESS;
	proto_lock(c, &c->reg_lock);
	int k = proto_conflict_locked(c, gpa, len);
	spin_unlock(&c->reg_lock);
	if (k == 1) {
		atomic_fetch_add(&c->st.refused_registered, 1);
		return SVSM_ERR_INVALID_ADDRESS;
	}
	if (k == 2) {
		atomic_fetch_add(&c->st.refused_busy, 1);
		return SVSM_ERR_BUSY;
	}
	return SVSM_SUCCESS;
}

/* One PVALIDATE entry, under its stripe lock from check to tracker update (G1, G2). */
static uint32_t pvalidate_one(struct proto_core *c, uint64_t gpa, bool huge, bool validate, bool ignore_cf)
{
	const struct proto_platform *p = c->plat;
	uint64_t len = huge ? HUGE : PAGE;
	unsigned n = (unsigned)(len / PAGE);
	struct spinlock *l = proto_stripe_lock(c, gpa);
	proto_lock(c, l);
	uint32_t rc = check_free(c, gpa, len);
	if (rc != SVSM_SUCCESS)
		goto out;
	unsigned nv = vs_count_valid(&c->vs, gpa, n);
	if ((validate && nv == n) || (!validate && nv == 0)) {
		/* Already in the requested state: the instruction is never executed twice. */
		atomic_fetch_add(&c->st.refused_unchanged, 1);
		rc = ignore_cf ? SVSM_SUCCESS : SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
		goto out;
	}
	if (nv != 0 && nv != n) {
		/* Mixed state inside a 2 MiB range means 4 KiB RMP entries: what the hardware says. */
		rc = SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH;
		goto out;
	}
	enum rmp_result r;
	if (validate) {
		r = p->pvalidate(p->ctx, gpa, huge, true);
		if (r == RMP_UNCHANGED) {
			/* Out of step (validated behind our back): believe the hardware, grant nothing. */
			vs_set_valid(&c->vs, gpa, n, true);
			rc = SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
			goto out;
		}
		if (r != RMP_OK) {
			rc = hw_err(r);
			goto out;
		}
		if (vs_set_valid(&c->vs, gpa, n, true)) {
			p->pvalidate(p->ctx, gpa, huge, false);
			rc = SVSM_ERR_INVALID_REQUEST; /* no memory for the tracker */
			goto out;
		}
		/* G3: the page may hold anything (an SVSM page remapped by the hypervisor). */
		p->zero(p->ctx, gpa, len);
		r = adjust(c, gpa, huge, RMP_PERM_ALL, false);
		if (r != RMP_OK) {
			p->pvalidate(p->ctx, gpa, huge, false);
			vs_set_valid(&c->vs, gpa, n, false);
			rc = hw_err(r);
		}
	} else {
		/* Revoke the guest's access before rescinding, so no access sees a half state. */
		r = adjust(c, gpa, huge, 0, false);
		if (r != RMP_OK) {
			rc = hw_err(r);
			goto out;
		}
		r = p->pvalidate(p->ctx, gpa, huge, false);
		if (r == RMP_OK || r == RMP_UNCHANGED) {
			vs_set_valid(&c->vs, gpa, n, false);
			rc = r == RMP_OK ? SVSM_SUCCESS : SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
		} else {
			adjust(c, gpa, huge, RMP_PERM_ALL, false);
			rc = hw_err(r);
		}
	}
out:
	spin_unlock(l);
	return rc;
}

/* Reads a list header at gpa: 8-byte aligned, the whole list in one page. Pins the page. */
static uint32_t list_open(struct proto_core *c, uint64_t gpa, struct proto_list_hdr **h)
{
	if (gpa & 7)
		return SVSM_ERR_INVALID_PARAMETER;
	uint64_t room = (PAGE - (gpa & (PAGE - 1)) - sizeof(**h)) / 8;
	void *m;
	uint32_t rc = proto_pin(c, gpa, PAGE - (gpa & (PAGE - 1)), true, &m);
	if (rc != SVSM_SUCCESS)
		return rc;
	*h = m;
	if (__atomic_load_n(&(*h)->entries, __ATOMIC_RELAXED) > room) {
		proto_unpin(c, gpa, PAGE - (gpa & (PAGE - 1)));
		return SVSM_ERR_INVALID_PARAMETER;
	}
	return SVSM_SUCCESS;
}

static void list_close(struct proto_core *c, uint64_t gpa)
{
	proto_unpin(c, gpa, PAGE - (gpa & (PAGE - 1)));
}

static uint64_t entry_at(struct proto_list_hdr *h, unsigned i)
{
	/* Read once: the guest may rewrite the list while we work (TOCTOU). */
	return __atomic_load_n((uint64_t *)(void *)(h + 1) + i, __ATOMIC_RELAXED);
}

static uint32_t core_pvalidate(struct proto_core *c, struct proto_regs *r)
{
	struct proto_list_hdr *h;
	uint32_t rc = list_open(c, r->rcx, &h);
	if (rc != SVSM_SUCCESS)
		return rc;
	unsigned n = __atomic_load_n(&h->entries, __ATOMIC_RELAXED);
	unsigned i = __atomic_load_n(&h->next, __ATOMIC_RELAXED);
	if (n > 0 && i >= n)
		rc = SVSM_ERR_INVALID_PARAMETER;
	for (; rc == SVSM_SUCCESS && i < n; i++) {
		uint64_t e = entry_at(h, i), sz = e & PVAL_SIZE_MASK, gpa = e & ~(PAGE - 1);
		if (sz > 1 || (e & PVAL_RSVD_MASK) || (sz == 1 && (gpa & (HUGE - 1)))) {
			rc = SVSM_ERR_INVALID_PARAMETER;
			break;
		}
		atomic_fetch_add(&c->st.pvalidate_entries, 1);
		rc = pvalidate_one(c, gpa, sz == 1, e & PVAL_VALIDATE, e & PVAL_IGNORE_CF);
		if (rc != SVSM_SUCCESS)
			break;
		__atomic_store_n(&h->next, (uint16_t)(i + 1), __ATOMIC_RELAXED); /* resumable progress */
	}
	list_close(c, r->rcx);
	return rc;
}

/* Both stripes of two pages, ascending stripe order (L1). */
static void lock2(struct proto_core *c, uint64_t a, uint64_t b, struct spinlock **la, struct spinlock **lb)
{
	*la = proto_stripe_lock(c, a);
	*lb = proto_stripe_lock(c, b);
	if (*la == *lb) {
		*lb = 0;
		proto_lock(c, *la);
	} else if (*la < *lb) {
		proto_lock(c, *la);
		proto_lock(c, *lb);
	} else {
		proto_lock(c, *lb);
		proto_lock(c, *la);
	}
}

static void unlock2(struct spinlock *la, struct spinlock *lb)
{
	if (lb)
		spin_unlock(lb);
	spin_unlock(la);
}

/* Stripe lock(s) held: the CA at caa may be registered (validated guest page, not SVSM/VMSA). */
static uint32_t ca_ok(struct proto_core *c, uint64_t caa, uint64_t vmsa)
{
	uint64_t page = caa & ~(PAGE - 1);
	if (caa & 7)
		return SVSM_ERR_INVALID_PARAMETER;
	if (!proto_in_guest(c, page, PAGE) || !vs_valid(&c->vs, page) || vs_owned(&c->vs, page))
		return SVSM_ERR_INVALID_ADDRESS;
	if (page == vmsa)
		return SVSM_ERR_INVALID_PARAMETER;
	bool is_vmsa = false;
	if (proto_page_registered(c, page, &is_vmsa) && is_vmsa)
		return SVSM_ERR_INVALID_ADDRESS;
	return SVSM_SUCCESS;
}

static uint32_t core_remap_ca(struct proto_core *c, unsigned slot, struct proto_regs *r)
{
	uint64_t caa = r->rcx;
	struct spinlock *l = proto_stripe_lock(c, caa);
	proto_lock(c, l);
	uint32_t rc = ca_ok(c, caa, ~0ull);
	if (rc == SVSM_SUCCESS) {
		proto_lock(c, &c->reg_lock);
		c->vcpu[slot].caa = caa; /* the old CA page is released (unless shared) */
		spin_unlock(&c->reg_lock);
	}
	spin_unlock(l);
	return rc;
}

static uint32_t core_create_vcpu(struct proto_core *c, struct proto_regs *r)
{
	const struct proto_platform *p = c->plat;
	uint64_t vmsa = r->rcx, caa = r->rdx;
	uint32_t apic = (uint32_t)r->r8;
	if (vmsa & (PAGE - 1))
		return SVSM_ERR_INVALID_PARAMETER;
	struct spinlock *la, *lb;
	lock2(c, vmsa, caa, &la, &lb);
	uint32_t rc = check_free(c, vmsa, PAGE);
	if (rc == SVSM_SUCCESS && !vs_valid(&c->vs, vmsa))
		rc = SVSM_ERR_INVALID_ADDRESS;
	if (rc == SVSM_SUCCESS)
		rc = ca_ok(c, caa, vmsa);
	unsigned slot = PROTO_MAX_VCPUS;
	if (rc == SVSM_SUCCESS) {
		proto_lock(c, &c->reg_lock);
		for (unsigned i = 0; i < PROTO_MAX_VCPUS; i++) {
			if (c->vcpu[i].used && c->vcpu[i].apic_id == apic) {
				rc = SVSM_ERR_INVALID_PARAMETER;
				break;
			}
			if (!c->vcpu[i].used && slot == PROTO_MAX_VCPUS)
				slot = i;
		}
		if (rc == SVSM_SUCCESS && slot == PROTO_MAX_VCPUS)
			rc = SVSM_ERR_BUSY;
		if (rc == SVSM_SUCCESS) /* reserved now; filled in below, still under our stripe lock */
			c->vcpu[slot] = (struct proto_vcpu_slot){ vmsa, caa, apic, true, false };
		spin_unlock(&c->reg_lock);
	}
	if (rc == SVSM_SUCCESS) {
		/* Make it a VMSA first (guest loses write access), then check: no TOCTOU on its fields. */
		enum rmp_result a = p->rmpadjust(p->ctx, vmsa, false, PROTO_GUEST_VMPL, RMP_PERM_READ, true);
		const uint8_t *v = p->map(p->ctx, vmsa, PAGE);
		if (a != RMP_OK)
			rc = hw_err(a);
		else if (!v)
			rc = SVSM_ERR_INVALID_ADDRESS;
		else {
			uint64_t efer, feat;
			memcpy(&efer, v + VMSA_OFF_EFER, 8);
			memcpy(&feat, v + VMSA_OFF_SEV_FEATURES, 8);
			if (v[VMSA_OFF_VMPL] != PROTO_GUEST_VMPL || !(efer & EFER_SVME) || feat != c->sev_features)
				rc = SVSM_ERR_INVALID_PARAMETER;
		}
		if (rc != SVSM_SUCCESS) {
			if (a == RMP_OK)
				p->rmpadjust(p->ctx, vmsa, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false);
			proto_lock(c, &c->reg_lock);
			c->vcpu[slot].used = false;
			spin_unlock(&c->reg_lock);
		}
	}
	unlock2(la, lb);
	return rc;
}

static uint32_t core_delete_vcpu(struct proto_core *c, unsigned self, struct proto_regs *r)
{
	const struct proto_platform *p = c->plat;
	uint64_t vmsa = r->rcx;
	if (vmsa & (PAGE - 1))
		return SVSM_ERR_INVALID_PARAMETER;
	struct spinlock *l = proto_stripe_lock(c, vmsa);
	proto_lock(c, l);
	uint32_t rc = SVSM_SUCCESS;
	proto_lock(c, &c->reg_lock);
	unsigned slot = PROTO_MAX_VCPUS;
	for (unsigned i = 0; i < PROTO_MAX_VCPUS; i++)
		if (c->vcpu[i].used && c->vcpu[i].vmsa == vmsa)
			slot = i;
	if (slot == PROTO_MAX_VCPUS)
		rc = SVSM_ERR_INVALID_PARAMETER;
	else if (slot == self || c->vcpu[slot].running)
		rc = SVSM_ERR_BUSY;
	spin_unlock(&c->reg_lock);
	if (rc == SVSM_SUCCESS) {
		/* Clear the VMSA bit and give the page back; registry entry goes last so the
		 * page is never free while it is still a VMSA. */
		enum rmp_result a = p->rmpadjust(p->ctx, vmsa, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false);
		if (a != RMP_OK) {
			rc = hw_err(a);
		} else {
			proto_lock(c, &c->reg_lock);
			c->vcpu[slot].used = false;
			spin_unlock(&c->reg_lock);
		}
	}
	spin_unlock(l);
	return rc;
}

static uint32_t core_deposit(struct proto_core *c, struct proto_regs *r)
{
	const struct proto_platform *p = c->plat;
	struct proto_list_hdr *h;
	uint32_t rc = list_open(c, r->rcx, &h);
	if (rc != SVSM_SUCCESS)
		return rc;
	unsigned n = __atomic_load_n(&h->entries, __ATOMIC_RELAXED);
	unsigned i = __atomic_load_n(&h->next, __ATOMIC_RELAXED);
	if (n > 0 && i >= n)
		rc = SVSM_ERR_INVALID_PARAMETER;
	for (; rc == SVSM_SUCCESS && i < n; i++) {
		uint64_t e = entry_at(h, i), sz = e & PVAL_SIZE_MASK, gpa = e & ~(PAGE - 1);
		if (sz > 1 || (e & 0xFFCull) || (sz == 1 && (gpa & (HUGE - 1)))) {
			rc = SVSM_ERR_INVALID_PARAMETER;
			break;
		}
		bool huge = sz == 1;
		uint64_t len = huge ? HUGE : PAGE;
		unsigned np = (unsigned)(len / PAGE);
		proto_lock(c, &c->pool_lock); /* reserve a pool slot up front: nothing to undo later */
		bool room = c->pool_n + c->pool_reserved < PROTO_POOL_MAX;
		if (room)
			c->pool_reserved++;
		spin_unlock(&c->pool_lock);
		if (!room) {
			rc = SVSM_ERR_INVALID_REQUEST;
			break;
		}
		struct spinlock *l = proto_stripe_lock(c, gpa);
		proto_lock(c, l);
		rc = check_free(c, gpa, len);
		unsigned nv = rc == SVSM_SUCCESS ? vs_count_valid(&c->vs, gpa, np) : 0;
		if (rc == SVSM_SUCCESS && nv != 0 && nv != np)
			rc = SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH;
		if (rc == SVSM_SUCCESS && nv == 0) {
			enum rmp_result v = p->pvalidate(p->ctx, gpa, huge, true);
			if (v != RMP_OK)
				rc = hw_err(v);
			else if (vs_set_valid(&c->vs, gpa, np, true)) {
				p->pvalidate(p->ctx, gpa, huge, false);
				rc = SVSM_ERR_INVALID_REQUEST;
			}
		}
		if (rc == SVSM_SUCCESS) {
			enum rmp_result a = adjust(c, gpa, huge, 0, false);
			if (a != RMP_OK || vs_set_owned(&c->vs, gpa, np, true)) {
				if (a == RMP_OK)
					adjust(c, gpa, huge, RMP_PERM_ALL, false);
				rc = a != RMP_OK ? hw_err(a) : SVSM_ERR_INVALID_REQUEST;
			}
		}
		spin_unlock(l);
		proto_lock(c, &c->pool_lock);
		c->pool_reserved--;
		if (rc == SVSM_SUCCESS)
			c->pool[c->pool_n++] = gpa | (huge ? 1 : 0);
		spin_unlock(&c->pool_lock);
		if (rc == SVSM_SUCCESS)
			__atomic_store_n(&h->next, (uint16_t)(i + 1), __ATOMIC_RELAXED);
	}
	list_close(c, r->rcx);
	return rc;
}

static uint32_t core_withdraw(struct proto_core *c, struct proto_regs *r)
{
	const struct proto_platform *p = c->plat;
	struct proto_list_hdr *h;
	uint32_t rc = list_open(c, r->rcx, &h);
	if (rc != SVSM_SUCCESS)
		return rc;
	unsigned want = __atomic_load_n(&h->entries, __ATOMIC_RELAXED), got = 0;
	uint64_t *out = (uint64_t *)(void *)(h + 1);
	while (got < want) {
		uint64_t e = 0;
		proto_lock(c, &c->pool_lock);
		if (c->pool_n)
			e = c->pool[--c->pool_n];
		spin_unlock(&c->pool_lock);
		if (!e)
			break;
		bool huge = e & 1;
		uint64_t gpa = e & ~(PAGE - 1), len = huge ? HUGE : PAGE;
		struct spinlock *l = proto_stripe_lock(c, gpa);
		proto_lock(c, l);
		p->zero(p->ctx, gpa, len); /* G3: SVSM data never reaches the guest */
		enum rmp_result a = adjust(c, gpa, huge, RMP_PERM_ALL, false);
		if (a == RMP_OK)
			vs_set_owned(&c->vs, gpa, (unsigned)(len / PAGE), false);
		spin_unlock(l);
		if (a != RMP_OK) {
			rc = hw_err(a);
			break;
		}
		__atomic_store_n(&out[got++], gpa | (huge ? 1 : 0), __ATOMIC_RELAXED);
	}
	__atomic_store_n(&h->next, (uint16_t)got, __ATOMIC_RELAXED);
	list_close(c, r->rcx);
	r->rcx = got;
	return rc;
}

uint32_t proto_core_call(struct proto_core *c, unsigned slot, uint32_t call, struct proto_regs *r)
{
	switch (call) {
	case SVSM_CORE_REMAP_CA: return core_remap_ca(c, slot, r);
	case SVSM_CORE_PVALIDATE: return core_pvalidate(c, r);
	case SVSM_CORE_CREATE_VCPU: return core_create_vcpu(c, r);
	case SVSM_CORE_DELETE_VCPU: return core_delete_vcpu(c, slot, r);
	case SVSM_CORE_DEPOSIT_MEM: return core_deposit(c, r);
	case SVSM_CORE_WITHDRAW_MEM: return core_withdraw(c, r);
	}
	return SVSM_ERR_UNSUPPORTED_CALL;
}
