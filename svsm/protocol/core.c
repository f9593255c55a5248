/* SPDX-License-Identifier: MIT */
/*
 * core.c — the core protocol (protocol 0): REMAP_CA, PVALIDATE, CREATE_VCPU,
 * DELETE_VCPU, DEPOSIT_MEM, WITHDRAW_MEM (QUERY_PROTOCOL and CONFIGURE_VTOM
 * are in dispatch.c). Guarantees and locking: proto.h.
 *
 * Checked against the primary sources, in this order of authority: the AMD
 * "Secure VM Service Module for SEV-SNP Guests" spec (pub. 58019, rev. 1.00,
 * July 2023 — the table numbers below are its; read through a faithful
 * translation of chapters 5–6, the English PDF text was not available), the
 * AMD reference SVSM (AMD/IBM linux-svsm, src/protocols/core.rs), Linux
 * (arch/x86/include/asm/sev.h: struct svsm_pvalidate_call / _entry, result
 * codes) and COCONUT-SVSM (kernel/src/protocols/core.rs). Where we choose
 * differently from one of them it says so.
 *
 * General rules (§5): an input not meeting its alignment is
 * SVSM_ERR_INVALID_PARAMETER; a gPA that cannot be accessed (outside guest
 * memory, SVSM memory, a VMSA) is SVSM_ERR_INVALID_ADDRESS; SVSM_ERR_BUSY is
 * implementation-defined and must leave nothing half done — we use it for a
 * page pinned by another call in flight and for a full vCPU table. We never return SVSM_ERR_INCOMPLETE: every list is
 * processed in one call (allowed: INCOMPLETE is "may", and WITHDRAW_MEM must
 * never return it).
 *
 * REMAP_CA (§6.1): RCX = gPA of the new calling area, 4 KiB aligned (the spec
 * table; COCONUT accepts 8-byte alignment, the AMD reference SVSM wants 4 KiB
 * like the spec). On success the new area's CALL_PENDING is set to 0 and the
 * old area is no longer touched (it is released from the registry).
 *
 * PVALIDATE (§6.2, Table 6): RCX = gPA (8-byte aligned) of {u16 entries,
 * u16 next, u32 reserved, u64 entry[]}; the list must not cross its 4 KiB
 * page, entries >= 1 and next < entries, else INVALID_PARAMETER. Entry bits
 * 1:0 page size (0 = 4 KiB, 1 = 2 MiB, other values INVALID_PARAMETER),
 * bit 2 validate, bit 3 ignore CF (the "unchanged" warning), bits 11:4
 * reserved, 63:12 gPA page number (bits 20:12 zero for 2 MiB, else
 * INVALID_PARAMETER). Reserved bits: the spec does not say; Linux writes
 * them as 0, COCONUT and the AMD SVSM ignore them, we refuse them
 * (INVALID_PARAMETER) so that a future meaning cannot be misread. On return
 * `next` is the number of entries done: = entries on success, the failing
 * entry on an error. An entry touching SVSM memory, a VMSA, a calling area,
 * deposited memory or anything outside guest memory is INVALID_ADDRESS (the
 * whole 2 MiB is checked). Rescinding first revokes every VMPL but 0 with
 * RMPADJUST; validating zeroes the page and then grants full access to the
 * guest's VMPL and every VMPL above it (1..PROTO_GUEST_VMPL). Hardware
 * results: CF = 1 without the ignore bit is 0x80001010; EAX != 0 from
 * PVALIDATE or RMPADJUST is 0x80001000 + EAX (FAIL_INPUT 1, FAIL_PERMISSION
 * 2, FAIL_INUSE 3, FAIL_SIZEMISMATCH 6); a code outside 0..15 is 0x80001011.
 * The platform hook reports outcomes as enum rmp_result, so an undefined
 * code inside 0..15 also comes out as 0x80001011 (the raw EAX does not cross
 * the hook). FAIL_INUSE is the same 0x80001003 on every path that executes
 * RMPADJUST (PVALIDATE's revoke and grant, CREATE_VCPU, DELETE_VCPU,
 * DEPOSIT_MEM, WITHDRAW_MEM): the spec's "0x8000_1000 + return code", as
 * AMD's linux-svsm (SVSM_ERR_PROTOCOL_BASE + ret, SVSM_ERR_PROTOCOL_FAIL_INUSE
 * = 0x80001003) and COCONUT (SvsmResultCode::PROTOCOL_BASE(ret)) compute it.
 *
 * CREATE_VCPU (§6.3): RCX = VMSA gPA, RDX = calling-area gPA (both 4 KiB
 * aligned, else INVALID_PARAMETER), R8 = APIC ID (32 bits). A gPA that
 * conflicts with SVSM memory, an active VMSA or an active calling area (or
 * the two with each other) is INVALID_ADDRESS. Write access of all VMPLs but
 * 0 is taken away before the VMSA is read (the guest VMPL keeps read access
 * while the fields are checked: reading cannot tamper), then VMPL 0 or a VMPL
 * below the caller's, EFER.SVME clear, or SEV_FEATURES different from the
 * startup vCPU's is INVALID_PARAMETER. Narrower than the spec: only VMSAs for
 * the guest's own VMPL (PROTO_GUEST_VMPL) are accepted, as in COCONUT — a
 * VMPL3 vCPU would need a request loop for VMPL3. A duplicate APIC ID is
 * INVALID_PARAMETER, and so is an APIC ID no vCPU of the SVSM's answers to
 * (the platform's vcpu_exists: on SNP a vCPU without a request loop of its
 * own could never run the VMSA; COCONUT answers the same). The RMPADJUST
 * that sets the VMSA bit also takes the
 * guest VMPL's read access: a VMSA page is accessible to no VMPL but 0 (as
 * Linux's snp_set_vmsa() and COCONUT do for their own VMSAs; the guest has
 * no business with the encrypted save area of a running vCPU), and the TLBs
 * are flushed again. The platform's vcpu_bind then hands the new vCPU to
 * the request loop of the vCPU with that APIC ID, so that vCPU serves it —
 * whichever vCPU made the call.
 *
 * DELETE_VCPU (§6.4): RCX = VMSA gPA (4 KiB aligned). Not a known VMSA, or
 * the startup vCPU: INVALID_PARAMETER. EFER.SVME is cleared first; a VMSA
 * that is executing (cannot be stopped: a launch vCPU, or the RMPADJUST that
 * clears the VMSA bit answers FAIL_INUSE because a vCPU runs on it) is
 * 0x80001003 (FAIL_INUSE) with EFER.SVME set again and the vCPU still
 * registered. Then the page becomes a normal page with full access for VMPL
 * 1..PROTO_GUEST_VMPL.
 * A vCPU may delete itself (spec §6.4: the call then does not return): its
 * VMSA is not executing while its own call is served, so the deletion goes
 * through as for any other vCPU, and the request loop, which finds the
 * vCPU gone when it comes to write the results back (reqloop.h), writes
 * nothing into the page — now the guest's again — and runs it no more. The
 * startup vCPU is never deleted, by itself neither.
 *
 * DEPOSIT_MEM (§6.5, Table 7): the PVALIDATE list format and rules (entries,
 * next, page crossing) with entry bits 1:0 size, 11:2 reserved. Memory
 * already the SVSM's, or overlapping a calling area or VMSA: INVALID_ADDRESS.
 * The SVSM revokes every VMPL but 0 with RMPADJUST, so the memory must be
 * validated guest memory (RMPADJUST of an unvalidated page fails); memory
 * that is not is INVALID_ADDRESS. The pool is PROTO_POOL_MAX deposits; a
 * deposit beyond it is INVALID_REQUEST.
 *
 * WITHDRAW_MEM (§6.6, Table 8): RCX = gPA (8-byte aligned) of {u16 entries
 * (out), 6 bytes unused, u64 gPA[]}: the SVSM fills in the gPAs of 4 KiB
 * pages (a 2 MiB deposit comes back page by page, over several calls) and
 * their count, as many as fit before the 4 KiB boundary; no room at all (gPA
 * at page offset 0xFF8) is INVALID_PARAMETER, nothing to give back is a count
 * of 0. No register output. Each page is zeroed (G3) and granted full access
 * for VMPL 1..PROTO_GUEST_VMPL. Afterwards the startup vCPU's MEM_AVAILABLE
 * says whether deposited memory remains.
 *
 * Pages taken behind the SVSM's back (proto_platform.h, G6): every guest
 * structure is read or written through the accessors, and an access that
 * faults is INVALID_ADDRESS: a PVALIDATE / DEPOSIT_MEM list (before any
 * entry is done when it is the list's header that fails), a VMSA whose
 * fields CREATE_VCPU reads or whose EFER.SVME DELETE_VCPU clears (the vCPU
 * stays registered), REMAP_CA's new area (the old one stays), WITHDRAW_MEM's
 * list (nothing leaves the pool; each run's addresses are written before the
 * run is handed over, the count after it), attestation buffers. The page the
 * guest asked to validate may be taken between the PVALIDATE and the zeroing:
 * the validation is undone, INVALID_ADDRESS. A deposited page taken so can no
 * longer be zeroed: it stays the SVSM's and leaves the pool (st.lost_pages).
 * RMPADJUST on a taken page answers FAIL_INPUT (0x80001001), except in a 4 KiB
 * rescind, where it is what PVALIDATE's CF = 1 would be: the page is not
 * validated, the tracker learns it (FAIL_UNCHANGED unless ignored), and the
 * guest can validate it again — without a PVALIDATE on an unvalidated page.
 *
 * TLB: wherever a VMPL loses access (RMPADJUST) or a page is rescinded, the
 * platform's flush runs before the page is handed on and before its stripe
 * lock is dropped: before the tracker records the rescind, before a deposited
 * page enters the pool, before a new VMSA's fields are read, before access is
 * given back on an error path.
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
	case RMP_FAIL_INUSE: return SVSM_ERR_CORE_FAIL_INUSE;
	case RMP_FAIL_UNKNOWN: break;
	}
	return SVSM_ERR_PVALIDATE_FAIL_OTHER;
}

static void flush(struct proto_core *c, uint64_t gpa, uint64_t len)
{
	c->plat->flush(c->plat->ctx, gpa, len);
}

/* RMPADJUST of one VMPL over a 4 KiB or 2 MiB range; a 2 MiB range the hypervisor
 * keeps as 4 KiB RMP entries is adjusted page by page. A grant stops at the first page
 * that fails; a revocation (perms 0) goes on over the other pages, so that a page the
 * hypervisor took from the guest meanwhile does not leave its neighbours accessible.
 * The first failure is returned. */
static enum rmp_result adjust(struct proto_core *c, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms,
			      bool vmsa)
{
	const struct proto_platform *p = c->plat;
	enum rmp_result r = p->rmpadjust(p->ctx, gpa, huge, vmpl, perms, vmsa), first = RMP_OK;
	if (r != RMP_FAIL_SIZEMISMATCH || !huge)
		return r;
	for (uint64_t a = gpa; a < gpa + HUGE; a += PAGE) {
		r = p->rmpadjust(p->ctx, a, false, vmpl, perms, vmsa);
		if (r != RMP_OK && first == RMP_OK)
			first = r;
		if (r != RMP_OK && perms)
			break;
	}
	return first;
}

/* Full access for the guest's VMPL and every VMPL above it (spec §6.2). */
static enum rmp_result grant(struct proto_core *c, uint64_t gpa, bool huge)
{
	enum rmp_result r = RMP_OK;
	for (unsigned v = 1; v <= PROTO_GUEST_VMPL && r == RMP_OK; v++)
		r = adjust(c, gpa, huge, v, RMP_PERM_ALL, false);
	return r;
}

/* No access for any VMPL but 0: every VMPL is tried, the first failure returned. The
 * caller flushes, also when this fails half way. */
static enum rmp_result revoke(struct proto_core *c, uint64_t gpa, bool huge)
{
	enum rmp_result r = RMP_OK;
	for (unsigned v = 1; v <= 3; v++) {
		enum rmp_result a = adjust(c, gpa, huge, v, 0, false);
		if (r == RMP_OK)
			r = a;
	}
	return r;
}

/* Gives a range whose access was (perhaps partly) taken away back to the guest, zeroed:
 * the guest gave up its content by asking to rescind or deposit it, and the SVSM may
 * have seen it in between. Stripe lock held, TLBs flushed since the revocation. A page
 * that cannot be zeroed any more (the hypervisor took it: no longer validated) is left
 * alone — no VMPL can be granted an unvalidated page anyway. */
static void give_back(struct proto_core *c, uint64_t gpa, bool huge)
{
	if (proto_zero(c, gpa, huge ? HUGE : PAGE)) {
		grant(c, gpa, huge);
		return;
	}
	for (uint64_t a = gpa; huge && a < gpa + HUGE; a += PAGE)
		if (proto_zero(c, a, PAGE))
			grant(c, a, false);
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

/* Takes a validation back that the tracker cannot keep or the grant failed after:
 * nothing may stay validated that the tracker does not know of (G2). */
static void undo_validate(struct proto_core *c, uint64_t gpa, bool huge)
{
	const struct proto_platform *p = c->plat;
	uint64_t len = huge ? HUGE : PAGE;
	revoke(c, gpa, huge);
	if (p->pvalidate(p->ctx, gpa, huge, false) == RMP_FAIL_SIZEMISMATCH && huge)
		/* The hypervisor split the entry meanwhile (to take a page of it): 4 KiB steps. */
		for (uint64_t a = gpa; a < gpa + len; a += PAGE)
			p->pvalidate(p->ctx, a, false, false);
	flush(c, gpa, len);
	vs_set_valid(&c->vs, gpa, (unsigned)(len / PAGE), false);
}

/* Stripe lock held, tracker says unvalidated. */
static uint32_t validate_locked(struct proto_core *c, uint64_t gpa, bool huge, bool ignore_cf)
{
	const struct proto_platform *p = c->plat;
	uint64_t len = huge ? HUGE : PAGE;
	unsigned n = (unsigned)(len / PAGE);
	enum rmp_result r = p->pvalidate(p->ctx, gpa, huge, true);
	if (r != RMP_OK && r != RMP_UNCHANGED)
		return hw_err(r);
	/* Unchanged = validated behind the tracker's back: believe the hardware. */
	if (vs_set_valid(&c->vs, gpa, n, true)) {
		undo_validate(c, gpa, huge);
		return SVSM_ERR_INVALID_REQUEST; /* no memory for the tracker */
	}
	if (r == RMP_UNCHANGED && !ignore_cf)
		return SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
	/* G3: the page may hold anything (an SVSM page remapped by the hypervisor). A fault:
	 * the hypervisor took the page again right after the PVALIDATE. */
	if (!proto_zero(c, gpa, len)) {
		undo_validate(c, gpa, huge);
		return SVSM_ERR_INVALID_ADDRESS;
	}
	r = grant(c, gpa, huge);
	if (r != RMP_OK) {
		undo_validate(c, gpa, huge);
		return hw_err(r);
	}
	return SVSM_SUCCESS;
}

/* Stripe lock held, tracker says validated. */
static uint32_t rescind_locked(struct proto_core *c, uint64_t gpa, bool huge, bool ignore_cf)
{
	const struct proto_platform *p = c->plat;
	uint64_t len = huge ? HUGE : PAGE;
	/* Revoke before rescinding, so every VMPL sees one consistent state (spec §6.2). */
	enum rmp_result r = revoke(c, gpa, huge);
	if (r == RMP_OK)
		r = p->pvalidate(p->ctx, gpa, huge, false);
	else if (r == RMP_FAIL_INPUT && !huge)
		/* RMPADJUST refuses a page that is not validated: the hypervisor rescinded it
		 * behind the SVSM's back (a page-state change the guest asked it for directly).
		 * The tracker learns it, as from PVALIDATE's "unchanged", and the guest can
		 * validate the page again; no PVALIDATE runs on it. */
		r = RMP_UNCHANGED;
	flush(c, gpa, len);
	if (r == RMP_OK || r == RMP_UNCHANGED) {
		vs_set_valid(&c->vs, gpa, (unsigned)(len / PAGE), false);
		return r == RMP_OK || ignore_cf ? SVSM_SUCCESS : SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
	}
	give_back(c, gpa, huge);
	return hw_err(r);
}

/* One PVALIDATE entry, under its stripe lock from check to tracker update (G1, G2). A test
 * build (svsm.mk: svsm-nolock.elf, -DSVSM_TEST_NO_PVALIDATE_LOCK) leaves this one lock out,
 * to show that the boot self-test's stress on several CPUs finds the race it closes. */
static uint32_t pvalidate_one(struct proto_core *c, uint64_t gpa, bool huge, bool validate, bool ignore_cf)
{
	uint64_t len = huge ? HUGE : PAGE;
	unsigned n = (unsigned)(len / PAGE);
	struct spinlock *l = proto_stripe_lock(c, gpa);
#ifndef SVSM_TEST_NO_PVALIDATE_LOCK
	proto_lock(c, l);
#endif
	uint32_t rc = check_free(c, gpa, len);
	if (rc != SVSM_SUCCESS)
		goto out;
	unsigned nv = vs_count_valid(&c->vs, gpa, n);
	if ((validate && nv == n) || (!validate && nv == 0)) {
		/* Already in the requested state: the instruction is never executed twice. */
		atomic_fetch_add(&c->st.refused_unchanged, 1);
		rc = ignore_cf ? SVSM_SUCCESS : SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
	} else if (nv != n && nv != 0) {
		/* Mixed state inside a 2 MiB range means 4 KiB RMP entries: what the hardware says. */
		rc = SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH;
	} else {
		rc = validate ? validate_locked(c, gpa, huge, ignore_cf) : rescind_locked(c, gpa, huge, ignore_cf);
	}
out:
#ifndef SVSM_TEST_NO_PVALIDATE_LOCK
	spin_unlock(l);
#else
	(void)l;
#endif
	return rc;
}

/* Opens a PVALIDATE / DEPOSIT_MEM list at gpa (spec Tables 6, 7): 8-byte aligned, in one
 * page, 1 <= entries, next < entries. Pins the page; *n and *next are read once. A list
 * page the SVSM cannot read (the hypervisor took it) is INVALID_ADDRESS. */
static uint32_t list_open(struct proto_core *c, uint64_t gpa, unsigned *n, unsigned *next)
{
	if (gpa & 7)
		return SVSM_ERR_INVALID_PARAMETER;
	uint64_t rest = PAGE - (gpa & (PAGE - 1)), room = (rest - sizeof(struct proto_list_hdr)) / 8;
	uint32_t rc = proto_pin(c, gpa, rest);
	if (rc != SVSM_SUCCESS)
		return rc;
	/* Read once: the guest may rewrite the list while we work (TOCTOU). */
	struct proto_list_hdr h;
	if (!proto_read(c, gpa, &h, sizeof(h)))
		rc = SVSM_ERR_INVALID_ADDRESS;
	else if (h.entries == 0 || h.entries > room || h.next >= h.entries)
		rc = SVSM_ERR_INVALID_PARAMETER;
	if (rc != SVSM_SUCCESS) {
		proto_unpin(c, gpa, rest);
		return rc;
	}
	*n = h.entries;
	*next = h.next;
	return SVSM_SUCCESS;
}

static void list_close(struct proto_core *c, uint64_t gpa)
{
	proto_unpin(c, gpa, PAGE - (gpa & (PAGE - 1)));
}

static bool entry_at(struct proto_core *c, uint64_t list, unsigned i, uint64_t *e)
{
	return proto_read(c, list + sizeof(struct proto_list_hdr) + 8ull * i, e, 8);
}

static bool set_next(struct proto_core *c, uint64_t list, unsigned i)
{
	uint16_t v = (uint16_t)i;
	return proto_write(c, list + offsetof(struct proto_list_hdr, next), &v, 2);
}

/* Entry → address and size; false when the size or alignment is invalid or a reserved bit is set. */
static bool entry_decode(uint64_t e, uint64_t rsvd_mask, uint64_t *gpa, bool *huge)
{
	uint64_t sz = e & PVAL_SIZE_MASK;
	*gpa = e & ~(PAGE - 1);
	*huge = sz == 1;
	return sz <= 1 && !(e & rsvd_mask) && !(*huge && (*gpa & (HUGE - 1)));
}

static uint32_t core_pvalidate(struct proto_core *c, struct proto_regs *r)
{
	unsigned n, i;
	uint32_t rc = list_open(c, r->rcx, &n, &i);
	if (rc != SVSM_SUCCESS)
		return rc;
	for (; i < n; i++) {
		uint64_t e, gpa;
		bool huge;
		if (!entry_at(c, r->rcx, i, &e)) {
			rc = SVSM_ERR_INVALID_ADDRESS;
			break;
		}
		if (!entry_decode(e, PVAL_RSVD_MASK, &gpa, &huge)) {
			rc = SVSM_ERR_INVALID_PARAMETER;
			break;
		}
		atomic_fetch_add(&c->st.pvalidate_entries, 1);
		rc = pvalidate_one(c, gpa, huge, e & PVAL_VALIDATE, e & PVAL_IGNORE_CF);
		if (rc != SVSM_SUCCESS)
			break;
		if (!set_next(c, r->rcx, i + 1)) {
			rc = SVSM_ERR_INVALID_ADDRESS;
			break;
		}
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

/* Stripe lock of caa held: the page-aligned caa may become the calling area of vCPU
 * self (PROTO_MAX_VCPUS: a new one): validated guest memory, not deposited, neither a
 * VMSA nor another vCPU's calling area (spec §6.3: no conflict with active CAs). */
static uint32_t ca_ok(struct proto_core *c, uint64_t caa, unsigned self)
{
	if (!proto_in_guest(c, caa, PAGE) || !vs_valid(&c->vs, caa) || vs_owned(&c->vs, caa))
		return SVSM_ERR_INVALID_ADDRESS;
	uint32_t rc = SVSM_SUCCESS;
	proto_lock(c, &c->reg_lock);
	for (unsigned i = 0; i < PROTO_MAX_VCPUS; i++)
		if (c->vcpu[i].used && (c->vcpu[i].vmsa == caa || (c->vcpu[i].caa == caa && i != self)))
			rc = SVSM_ERR_INVALID_ADDRESS;
	spin_unlock(&c->reg_lock);
	return rc;
}

static uint32_t core_remap_ca(struct proto_core *c, unsigned slot, struct proto_regs *r)
{
	uint64_t caa = r->rcx;
	if (caa & (PAGE - 1))
		return SVSM_ERR_INVALID_PARAMETER;
	struct spinlock *l = proto_stripe_lock(c, caa);
	proto_lock(c, l);
	uint32_t rc = ca_ok(c, caa, slot);
	/* A pending flag left in the new area is not a call of this guest (spec §6.1). An
	 * area the SVSM cannot write is refused before anything changes. */
	uint8_t old;
	if (rc == SVSM_SUCCESS && !proto_xchg8(c, caa + offsetof(struct proto_ca, call_pending), 0, &old))
		rc = SVSM_ERR_INVALID_ADDRESS;
	if (rc == SVSM_SUCCESS) {
		proto_lock(c, &c->reg_lock);
		c->vcpu[slot].caa = caa; /* the old area is released */
		spin_unlock(&c->reg_lock);
	}
	spin_unlock(l);
	return rc;
}

/* The VMSA page (stripe locks held, access taken away and flushed) passes the spec's checks. */
static uint32_t vmsa_ok(struct proto_core *c, uint64_t vmsa)
{
	uint64_t efer, feat;
	uint8_t vmpl;
	if (!proto_read(c, vmsa + VMSA_OFF_VMPL, &vmpl, 1) || !proto_read(c, vmsa + VMSA_OFF_EFER, &efer, 8) ||
	    !proto_read(c, vmsa + VMSA_OFF_SEV_FEATURES, &feat, 8))
		return SVSM_ERR_INVALID_ADDRESS;
	if (vmpl != PROTO_GUEST_VMPL || !(efer & EFER_SVME) || feat != c->sev_features)
		return SVSM_ERR_INVALID_PARAMETER;
	return SVSM_SUCCESS;
}

static uint32_t core_create_vcpu(struct proto_core *c, struct proto_regs *r)
{
	const struct proto_platform *p = c->plat;
	uint64_t vmsa = r->rcx, caa = r->rdx;
	uint32_t apic = (uint32_t)r->r8;
	if ((vmsa | caa) & (PAGE - 1))
		return SVSM_ERR_INVALID_PARAMETER;
	if (vmsa == caa)
		return SVSM_ERR_INVALID_ADDRESS;
	if (p->vcpu_exists && !p->vcpu_exists(p->ctx, apic))
		return SVSM_ERR_INVALID_PARAMETER;
	struct spinlock *la, *lb;
	lock2(c, vmsa, caa, &la, &lb);
	uint32_t rc = check_free(c, vmsa, PAGE);
	if (rc == SVSM_SUCCESS && !vs_valid(&c->vs, vmsa))
		rc = SVSM_ERR_INVALID_ADDRESS;
	if (rc == SVSM_SUCCESS)
		rc = ca_ok(c, caa, PROTO_MAX_VCPUS);
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
		if (rc == SVSM_SUCCESS) /* reserved now, so nobody can validate, pin or register it */
			c->vcpu[slot] = (struct proto_vcpu_slot){ vmsa, caa, apic, true, false, c->vcpu[slot].gen + 1 };
		spin_unlock(&c->reg_lock);
	}
	if (rc != SVSM_SUCCESS) {
		unlock2(la, lb);
		return rc;
	}
	/* Take write access away everywhere and flush before reading: no TOCTOU on the fields. */
	enum rmp_result a = adjust(c, vmsa, false, 1, 0, false);
	if (a == RMP_OK)
		a = adjust(c, vmsa, false, 3, 0, false);
	if (a == RMP_OK)
		a = adjust(c, vmsa, false, PROTO_GUEST_VMPL, RMP_PERM_READ, false);
	flush(c, vmsa, PAGE);
	rc = a != RMP_OK ? hw_err(a) : vmsa_ok(c, vmsa);
	if (rc == SVSM_SUCCESS) {
		/* VMSA bit and the guest's last (read) access in one instruction. */
		a = p->rmpadjust(p->ctx, vmsa, false, PROTO_GUEST_VMPL, 0, true);
		flush(c, vmsa, PAGE);
		rc = hw_err(a);
	}
	if (rc != SVSM_SUCCESS) {
		grant(c, vmsa, false); /* the guest's page again, as it was (its content untouched) */
		proto_lock(c, &c->reg_lock);
		c->vcpu[slot].used = false;
		spin_unlock(&c->reg_lock);
	}
	uint32_t gen = c->vcpu[slot < PROTO_MAX_VCPUS ? slot : 0].gen;
	unlock2(la, lb);
	if (rc == SVSM_SUCCESS && p->vcpu_bind)
		p->vcpu_bind(p->ctx, apic, slot, gen);
	return rc;
}

/* Clears or sets EFER.SVME of a registered VMSA (stripe lock held): a VMSA with SVME
 * clear cannot be entered (spec §6.4). */
static bool vmsa_set_svme(struct proto_core *c, uint64_t vmsa, bool on)
{
	return proto_update64(c, vmsa + VMSA_OFF_EFER, on ? 0 : EFER_SVME, on ? EFER_SVME : 0);
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
	(void)self; /* itself too: reqloop.h makes such a call not return */
	if (slot == PROTO_MAX_VCPUS)
		rc = SVSM_ERR_INVALID_PARAMETER;
	else if ((int)slot == c->startup_slot)
		rc = SVSM_ERR_INVALID_PARAMETER;
	else if (c->vcpu[slot].running)
		rc = SVSM_ERR_CORE_FAIL_INUSE;
	spin_unlock(&c->reg_lock);
	if (rc == SVSM_SUCCESS && !vmsa_set_svme(c, vmsa, false))
		rc = SVSM_ERR_INVALID_ADDRESS;
	if (rc == SVSM_SUCCESS) {
		/* One instruction clears the VMSA bit and gives the page back; the registry entry
		 * goes last, so the page is never free while it is still a VMSA. */
		enum rmp_result a = p->rmpadjust(p->ctx, vmsa, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false);
		if (a != RMP_OK) {
			vmsa_set_svme(c, vmsa, true);
			rc = hw_err(a);
		} else {
			grant(c, vmsa, false);
			proto_lock(c, &c->reg_lock);
			c->vcpu[slot].used = false;
			spin_unlock(&c->reg_lock);
		}
	}
	spin_unlock(l);
	return rc;
}

/* One DEPOSIT_MEM entry under its stripe lock: validated guest memory, free, revoked,
 * flushed, then the SVSM's. A pool slot is already reserved. */
static uint32_t deposit_one(struct proto_core *c, uint64_t gpa, bool huge)
{
	uint64_t len = huge ? HUGE : PAGE;
	unsigned np = (unsigned)(len / PAGE);
	struct spinlock *l = proto_stripe_lock(c, gpa);
	proto_lock(c, l);
	uint32_t rc = check_free(c, gpa, len);
	if (rc == SVSM_SUCCESS && vs_count_valid(&c->vs, gpa, np) != np)
		rc = SVSM_ERR_INVALID_ADDRESS;
	if (rc == SVSM_SUCCESS) {
		enum rmp_result a = revoke(c, gpa, huge);
		flush(c, gpa, len); /* no TLB may reach it once it is pooled */
		if (a != RMP_OK || vs_set_owned(&c->vs, gpa, np, true)) {
			give_back(c, gpa, huge);
			rc = a != RMP_OK ? hw_err(a) : SVSM_ERR_INVALID_REQUEST;
		}
	}
	spin_unlock(l);
	return rc;
}

static uint32_t core_deposit(struct proto_core *c, struct proto_regs *r)
{
	unsigned n, i;
	uint32_t rc = list_open(c, r->rcx, &n, &i);
	if (rc != SVSM_SUCCESS)
		return rc;
	for (; i < n; i++) {
		uint64_t e, gpa;
		bool huge;
		if (!entry_at(c, r->rcx, i, &e)) {
			rc = SVSM_ERR_INVALID_ADDRESS;
			break;
		}
		if (!entry_decode(e, DEPOSIT_RSVD_MASK, &gpa, &huge)) {
			rc = SVSM_ERR_INVALID_PARAMETER;
			break;
		}
		proto_lock(c, &c->pool_lock); /* reserve a pool slot up front: nothing to undo later */
		bool room = c->pool_n + c->pool_reserved < PROTO_POOL_MAX;
		if (room)
			c->pool_reserved++;
		spin_unlock(&c->pool_lock);
		if (!room) {
			rc = SVSM_ERR_INVALID_REQUEST;
			break;
		}
		rc = deposit_one(c, gpa, huge);
		proto_lock(c, &c->pool_lock);
		c->pool_reserved--;
		if (rc == SVSM_SUCCESS)
			c->pool[c->pool_n++] = gpa | (huge ? 511 : 0);
		spin_unlock(&c->pool_lock);
		if (rc != SVSM_SUCCESS)
			break;
		if (!set_next(c, r->rcx, i + 1)) {
			rc = SVSM_ERR_INVALID_ADDRESS;
			break;
		}
	}
	list_close(c, r->rcx);
	return rc;
}

/* Takes up to max pages off the top pool entry: *first and the count (0: pool empty). */
static unsigned pool_take(struct proto_core *c, unsigned max, uint64_t *first)
{
	unsigned k = 0;
	proto_lock(c, &c->pool_lock);
	if (c->pool_n) {
		uint64_t e = c->pool[c->pool_n - 1], base = e & ~(PAGE - 1);
		unsigned cnt = (unsigned)(e & (PAGE - 1)) + 1;
		k = cnt < max ? cnt : max;
		*first = base + (uint64_t)(cnt - k) * PAGE; /* from the end: the entry keeps its base */
		if (k == cnt)
			c->pool_n--;
		else
			c->pool[c->pool_n - 1] = base | (cnt - k - 1);
	}
	spin_unlock(&c->pool_lock);
	return k;
}

/* The startup vCPU's MEM_AVAILABLE = whether deposited memory remains (spec §6.6). */
static void update_mem_available(struct proto_core *c)
{
	proto_lock(c, &c->pool_lock);
	uint8_t more = c->pool_n != 0;
	spin_unlock(&c->pool_lock);
	proto_lock(c, &c->reg_lock);
	bool have = c->startup_slot >= 0 && c->vcpu[c->startup_slot].used;
	uint64_t caa = have ? c->vcpu[c->startup_slot].caa : 0;
	spin_unlock(&c->reg_lock);
	/* Best effort: a calling area the hypervisor took from the guest just misses it. */
	if (have)
		(void)proto_write(c, caa + offsetof(struct proto_ca, mem_available), &more, 1);
}

/* Puts k pooled-out pages from first back into the pool if there is room, else they stay
 * owned and unused, which is safe. */
static void pool_put(struct proto_core *c, uint64_t first, unsigned k)
{
	proto_lock(c, &c->pool_lock);
	if (c->pool_n + c->pool_reserved < PROTO_POOL_MAX)
		c->pool[c->pool_n++] = first | (k - 1);
	spin_unlock(&c->pool_lock);
}

/* Hands k pooled pages from first (one chunk) back to the guest: zeroed, granted, not owned.
 * A page the SVSM cannot zero any more (the hypervisor took it) is lost: it stays owned and
 * leaves the pool, the rest of the run goes back to the pool, INVALID_ADDRESS. */
static uint32_t withdraw_run(struct proto_core *c, uint64_t first, unsigned k)
{
	struct spinlock *l = proto_stripe_lock(c, first);
	proto_lock(c, l);
	if (!proto_zero(c, first, k * PAGE)) { /* G3: SVSM data never reaches the guest */
		for (unsigned j = 0; j < k; j++) {
			if (proto_zero(c, first + j * PAGE, PAGE))
				pool_put(c, first + j * PAGE, 1);
			else
				atomic_fetch_add(&c->st.lost_pages, 1);
		}
		spin_unlock(l);
		return SVSM_ERR_INVALID_ADDRESS;
	}
	enum rmp_result a = RMP_OK;
	for (unsigned j = 0; j < k && a == RMP_OK; j++)
		a = grant(c, first + j * PAGE, false);
	if (a == RMP_OK) {
		vs_set_owned(&c->vs, first, k, false);
	} else {
		/* Still the SVSM's: shut it again and return it to the pool. */
		for (unsigned j = 0; j < k; j++)
			revoke(c, first + j * PAGE, false);
		flush(c, first, k * PAGE);
		pool_put(c, first, k);
	}
	spin_unlock(l);
	return hw_err(a);
}

static uint32_t core_withdraw(struct proto_core *c, struct proto_regs *r)
{
	uint64_t gpa = r->rcx, rest = PAGE - (gpa & (PAGE - 1));
	if (gpa & 7)
		return SVSM_ERR_INVALID_PARAMETER;
	unsigned room = (unsigned)((rest - sizeof(struct proto_list_hdr)) / 8);
	if (!room)
		return SVSM_ERR_INVALID_PARAMETER;
	uint32_t rc = proto_pin(c, gpa, rest);
	if (rc != SVSM_SUCCESS)
		return rc;
	/* A list the SVSM cannot write is refused before a page leaves the pool; then each
	 * run's addresses are written before the run is handed over (a list lost meanwhile
	 * puts the run back), and the count after it, so the list never claims a page the
	 * guest did not get. */
	uint16_t got = 0;
	if (!proto_write(c, gpa, &got, 2))
		rc = SVSM_ERR_INVALID_ADDRESS;
	uint64_t first = 0;
	unsigned k;
	while (rc == SVSM_SUCCESS && got < room && (k = pool_take(c, room - got, &first)) != 0) {
		bool ok = true;
		for (unsigned j = 0; ok && j < k; j++) {
			uint64_t a = first + j * PAGE;
			ok = proto_write(c, gpa + sizeof(struct proto_list_hdr) + 8ull * (got + j), &a, 8);
		}
		if (!ok) {
			pool_put(c, first, k);
			rc = SVSM_ERR_INVALID_ADDRESS;
			break;
		}
		rc = withdraw_run(c, first, k);
		if (rc != SVSM_SUCCESS)
			break;
		got = (uint16_t)(got + k);
		if (!proto_write(c, gpa, &got, 2))
			rc = SVSM_ERR_INVALID_ADDRESS;
	}
	proto_unpin(c, gpa, rest);
	update_mem_available(c);
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
