/* SPDX-License-Identifier: MIT */
/* rmp_sim.c — see rmp_sim.h. One lock: each instruction is atomic, as in hardware. */
#include "rmp_sim.h"

#include "../lib/string.h"

#define PAGE 4096ull
#define JUNK 0xA5

static void lock(struct rmp_sim *s)
{
	spin_lock(&s->lock, 0, 0);
}

static void clear_counters(struct rmp_sim *s)
{
	atomic_init(&s->v_double, 0);
	atomic_init(&s->v_vmsa, 0);
	atomic_init(&s->v_svsm, 0);
	atomic_init(&s->v_unzeroed, 0);
	atomic_init(&s->v_unflushed, 0);
	atomic_init(&s->v_vmsa_access, 0);
	atomic_init(&s->n_pvalidate, 0);
	atomic_init(&s->n_rmpadjust, 0);
	atomic_init(&s->n_flush, 0);
	atomic_init(&s->n_fault, 0);
	atomic_init(&s->n_hv_flip, 0);
}

static void clear_pages(struct rmp_sim *s)
{
	s->n_stale = 0;
	memset(s->pg, 0, s->npages * sizeof(*s->pg));
	memset(s->large, 0, (s->npages + 511) / 512);
	for (uint64_t i = 0; i < s->npages; i++)
		s->pg[i].secret = 1;
}

void rmp_sim_init(struct rmp_sim *s, uint64_t base, uint64_t npages, uint8_t *mem, struct rmp_sim_page *pg,
		  uint8_t *large)
{
	s->base = base;
	s->npages = npages;
	s->mem = mem;
	s->pg = pg;
	s->large = large;
	s->svsm_base = s->svsm_size = 0;
	spin_init(&s->lock);
	clear_counters(s);
	memset(mem, JUNK, npages * PAGE); /* what was there before: never assume zero */
	clear_pages(s);
}

void rmp_sim_reset(struct rmp_sim *s)
{
	for (uint64_t i = 0; i < s->npages; i++)
		if (s->pg[i].dirty)
			memset(s->mem + i * PAGE, JUNK, PAGE);
	clear_pages(s);
	clear_counters(s);
	spin_init(&s->lock);
}

/* Lock held. */
static void make_stale(struct rmp_sim *s, struct rmp_sim_page *p)
{
	s->n_stale += !p->stale;
	p->stale = 1;
}

static bool in_range(const struct rmp_sim *s, uint64_t gpa, uint64_t len)
{
	return gpa >= s->base && len <= s->npages * PAGE && gpa - s->base <= s->npages * PAGE - len;
}

static uint64_t idx(const struct rmp_sim *s, uint64_t gpa)
{
	return (gpa - s->base) / PAGE;
}

static bool touches_svsm(const struct rmp_sim *s, uint64_t gpa, uint64_t len)
{
	return s->svsm_size && gpa < s->svsm_base + s->svsm_size && s->svsm_base < gpa + len;
}

void rmp_sim_prevalidate(struct rmp_sim *s, uint64_t gpa, uint64_t npages, unsigned vmpl, unsigned perms)
{
	lock(s);
	for (uint64_t i = 0; i < npages; i++) {
		struct rmp_sim_page *p = &s->pg[idx(s, gpa) + i];
		p->valid = 1;
		s->n_stale -= p->stale;
		p->stale = 0;
		p->secret = 0; /* measured launch content belongs to the guest */
		if (vmpl >= 1 && vmpl <= 3)
			p->perm[vmpl] = (uint8_t)perms;
	}
	spin_unlock(&s->lock);
}

bool rmp_sim_make_large(struct rmp_sim *s, uint64_t gpa)
{
	if ((gpa & 0x1FFFFF) || !in_range(s, gpa, 512 * PAGE) || ((gpa - s->base) & 0x1FFFFF))
		return false;
	lock(s);
	bool ok = true;
	for (uint64_t i = idx(s, gpa); i < idx(s, gpa) + 512 && ok; i++)
		ok = !s->pg[i].valid && !s->pg[i].vmsa;
	if (ok) {
		for (uint64_t i = idx(s, gpa); i < idx(s, gpa) + 512; i++)
			s->pg[i].perm[1] = s->pg[i].perm[2] = s->pg[i].perm[3] = 0;
		s->large[idx(s, gpa) / 512] = 1;
	}
	spin_unlock(&s->lock);
	return ok;
}

/* Size rules shared by both instructions; lock held. Returns RMP_OK to go on. */
static enum rmp_result size_rules(struct rmp_sim *s, uint64_t gpa, bool huge)
{
	uint64_t len = huge ? 512 * PAGE : PAGE;
	if ((gpa & (len - 1)) || !in_range(s, gpa, len) || ((gpa - s->base) & (len - 1)))
		return RMP_FAIL_INPUT;
	uint8_t *lg = &s->large[idx(s, gpa) / 512];
	if (huge && !*lg)
		return RMP_FAIL_SIZEMISMATCH;
	if (!huge && *lg)
		*lg = 0; /* PSMASH by the hypervisor: 512 entries with the same state */
	return RMP_OK;
}

/* What both instructions check first (lock held): the size rules, and whether the
 * SVSM's own memory is touched (a violation, counted). */
static enum rmp_result instr_begin(struct rmp_sim *s, uint64_t gpa, bool huge, uint64_t *first, uint64_t *n)
{
	enum rmp_result r = size_rules(s, gpa, huge);
	if (r != RMP_OK)
		return r;
	*n = huge ? 512 : 1;
	*first = idx(s, gpa);
	if (touches_svsm(s, gpa, *n * PAGE))
		atomic_fetch_add(&s->v_svsm, 1);
	/* A shared page: the hypervisor's #NPF handler makes it private (not validated). */
	for (uint64_t i = *first; i < *first + *n; i++)
		s->pg[i].shared = 0;
	return RMP_OK;
}

enum rmp_result rmp_sim_pvalidate(struct rmp_sim *s, uint64_t gpa, bool huge, bool validate)
{
	atomic_fetch_add(&s->n_pvalidate, 1);
	lock(s);
	uint64_t n, first;
	enum rmp_result r = instr_begin(s, gpa, huge, &first, &n);
	if (r != RMP_OK)
		goto out;
	for (uint64_t i = first; i < first + n; i++)
		if (s->pg[i].vmsa)
			atomic_fetch_add(&s->v_vmsa, 1);
	/* A 2 MiB entry has one state; a 4 KiB entry is its own. */
	if (s->pg[first].valid == validate) {
		/* Only the core's own history counts: a page the hypervisor flipped behind its
		 * back may meet a PVALIDATE the core could not know to be redundant. */
		if (!s->pg[first].hv_flipped)
			atomic_fetch_add(&s->v_double, 1);
		r = RMP_UNCHANGED;
		goto out;
	}
	for (uint64_t i = first; i < first + n; i++) {
		struct rmp_sim_page *p = &s->pg[i];
		if (validate && p->stale)
			atomic_fetch_add(&s->v_unflushed, 1);
		p->valid = validate;
		p->secret = 1;
		if (validate)
			p->hv_flipped = 0; /* the core knows its state again */
		if (!validate) {
			/* The hypervisor may now do anything with it: junk, as at init (so not dirty). */
			memset(s->mem + i * PAGE, JUNK, PAGE);
			p->dirty = 0;
			make_stale(s, p);
		}
	}
out:
	spin_unlock(&s->lock);
	return r;
}

enum rmp_result rmp_sim_rmpadjust(struct rmp_sim *s, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms,
				  bool vmsa)
{
	atomic_fetch_add(&s->n_rmpadjust, 1);
	if (vmpl < 1 || vmpl > 3)
		return RMP_FAIL_PERMISSION;
	lock(s);
	uint64_t n, first;
	enum rmp_result r = instr_begin(s, gpa, huge, &first, &n);
	if (r != RMP_OK)
		goto out;
	if (!s->pg[first].valid || (vmsa && huge)) {
		r = RMP_FAIL_INPUT;
		goto out;
	}
	for (uint64_t i = first; i < first + n; i++)
		if (s->pg[i].inuse) {
			r = RMP_FAIL_INUSE;
			goto out;
		}
	for (uint64_t i = first; i < first + n; i++) {
		struct rmp_sim_page *p = &s->pg[i];
		bool had = p->perm[1] | p->perm[2] | p->perm[3];
		if (perms && !had && p->secret)
			atomic_fetch_add(&s->v_unzeroed, 1);
		if ((perms & ~p->perm[vmpl]) && p->stale)
			atomic_fetch_add(&s->v_unflushed, 1);
		if (p->perm[vmpl] & ~perms)
			make_stale(s, p);
		p->perm[vmpl] = (uint8_t)perms;
		p->vmsa = vmsa;
		if (!(p->perm[1] | p->perm[2] | p->perm[3]) && !vmsa)
			p->secret = 1; /* only the SVSM sees it now: it may hold SVSM data */
		if (p->vmsa && (p->perm[1] | p->perm[2] | p->perm[3]))
			atomic_fetch_add(&s->v_vmsa_access, 1);
	}
out:
	spin_unlock(&s->lock);
	return r;
}

void rmp_sim_set_inuse(struct rmp_sim *s, uint64_t gpa, bool inuse)
{
	if (!in_range(s, gpa, 1))
		return;
	lock(s);
	s->pg[idx(s, gpa)].inuse = inuse;
	spin_unlock(&s->lock);
}

/* Lock held: the SVSM is about to use [gpa, gpa+len) (in range); counts stale pages, marks dirty. */
static void use_locked(struct rmp_sim *s, uint64_t gpa, uint64_t len)
{
	for (uint64_t i = idx(s, gpa); i <= idx(s, gpa + len - 1); i++) {
		if (s->pg[i].stale)
			atomic_fetch_add(&s->v_unflushed, 1);
		s->pg[i].dirty = 1;
	}
}

void *rmp_sim_map(struct rmp_sim *s, uint64_t gpa, uint64_t len)
{
	if (!len || !in_range(s, gpa, len))
		return 0;
	lock(s);
	use_locked(s, gpa, len);
	spin_unlock(&s->lock);
	return s->mem + (gpa - s->base);
}

/* Lock held: the SVSM's access to [gpa, gpa+len) may go ahead (every page validated); else
 * the fault is counted. */
static bool access_ok_locked(struct rmp_sim *s, uint64_t gpa, uint64_t len)
{
	if (!len || !in_range(s, gpa, len))
		return false;
	for (uint64_t i = idx(s, gpa); i <= idx(s, gpa + len - 1); i++)
		if (!s->pg[i].valid) {
			atomic_fetch_add(&s->n_fault, 1);
			return false;
		}
	use_locked(s, gpa, len);
	return true;
}

bool rmp_sim_read(struct rmp_sim *s, uint64_t gpa, void *dst, uint64_t len)
{
	lock(s);
	bool ok = access_ok_locked(s, gpa, len);
	if (ok)
		memcpy(dst, s->mem + (gpa - s->base), len);
	spin_unlock(&s->lock);
	return ok;
}

bool rmp_sim_write(struct rmp_sim *s, uint64_t gpa, const void *src, uint64_t len)
{
	lock(s);
	bool ok = access_ok_locked(s, gpa, len);
	if (ok)
		memcpy(s->mem + (gpa - s->base), src, len);
	spin_unlock(&s->lock);
	return ok;
}

bool rmp_sim_zero(struct rmp_sim *s, uint64_t gpa, uint64_t len)
{
	lock(s);
	bool ok = access_ok_locked(s, gpa, len);
	if (ok) {
		memset(s->mem + (gpa - s->base), 0, len);
		for (uint64_t a = (gpa + PAGE - 1) & ~(PAGE - 1); a + PAGE <= gpa + len; a += PAGE)
			s->pg[idx(s, a)].secret = 0;
	}
	spin_unlock(&s->lock);
	return ok;
}

bool rmp_sim_xchg8(struct rmp_sim *s, uint64_t gpa, uint8_t v, uint8_t *old)
{
	lock(s);
	bool ok = access_ok_locked(s, gpa, 1);
	if (ok) {
		*old = s->mem[gpa - s->base];
		s->mem[gpa - s->base] = v;
	}
	spin_unlock(&s->lock);
	return ok;
}

bool rmp_sim_update64(struct rmp_sim *s, uint64_t gpa, uint64_t clear, uint64_t set)
{
	lock(s);
	bool ok = !(gpa & 7) && access_ok_locked(s, gpa, 8);
	if (ok) {
		uint64_t v;
		memcpy(&v, s->mem + (gpa - s->base), 8);
		v = (v & ~clear) | set;
		memcpy(s->mem + (gpa - s->base), &v, 8);
	}
	spin_unlock(&s->lock);
	return ok;
}

void rmp_sim_hv_flip(struct rmp_sim *s, uint64_t gpa, bool shared)
{
	if (!in_range(s, gpa, 1))
		return;
	atomic_fetch_add(&s->n_hv_flip, 1);
	lock(s);
	struct rmp_sim_page *p = &s->pg[idx(s, gpa)];
	s->large[idx(s, gpa) / 512] = 0; /* PSMASH first: the RMPUPDATE is for one 4 KiB page */
	p->valid = 0;
	p->perm[1] = p->perm[2] = p->perm[3] = 0;
	p->vmsa = 0;
	p->secret = 1; /* whatever it holds now is nobody's to see */
	p->shared = shared;
	p->hv_flipped = 1;
	spin_unlock(&s->lock);
}

/* Lock held: [*first, *end) = the pages of [gpa, gpa+len) inside the simulated memory. */
static bool clip(const struct rmp_sim *s, uint64_t gpa, uint64_t len, uint64_t *first, uint64_t *end)
{
	uint64_t lo = gpa < s->base ? s->base : gpa, top = s->base + s->npages * PAGE;
	uint64_t hi = gpa + len < gpa || gpa + len > top ? top : gpa + len;
	if (!len || lo >= hi)
		return false;
	*first = idx(s, lo);
	*end = idx(s, hi - 1) + 1;
	return true;
}

void rmp_sim_flush(struct rmp_sim *s, uint64_t gpa, uint64_t len)
{
	atomic_fetch_add(&s->n_flush, 1);
	uint64_t first, end;
	lock(s);
	if (s->n_stale && clip(s, gpa, len, &first, &end))
		for (uint64_t i = first; i < end; i++) {
			s->n_stale -= s->pg[i].stale;
			s->pg[i].stale = 0;
		}
	spin_unlock(&s->lock);
}

uint64_t rmp_sim_check_flushed(struct rmp_sim *s, uint64_t gpa, uint64_t len)
{
	uint64_t first, end, n = 0;
	lock(s);
	if (s->n_stale && clip(s, gpa, len, &first, &end))
		for (uint64_t i = first; i < end; i++)
			n += s->pg[i].stale;
	spin_unlock(&s->lock);
	atomic_fetch_add(&s->v_unflushed, n);
	return n;
}

bool rmp_sim_guest_write(struct rmp_sim *s, unsigned vmpl, uint64_t gpa, const void *data, uint64_t len)
{
	if (!in_range(s, gpa, len) || vmpl < 1 || vmpl > 3 || !len)
		return false;
	lock(s);
	bool ok = true;
	for (uint64_t a = gpa & ~(PAGE - 1); a < gpa + len && ok; a += PAGE) {
		const struct rmp_sim_page *p = &s->pg[idx(s, a)];
		ok = p->valid && (p->perm[vmpl] & RMP_PERM_WRITE) && !p->vmsa;
	}
	if (ok) {
		memcpy(s->mem + (gpa - s->base), data, len);
		for (uint64_t i = idx(s, gpa); i <= idx(s, gpa + len - 1); i++)
			s->pg[i].dirty = 1;
	}
	spin_unlock(&s->lock);
	return ok;
}

struct rmp_sim_page rmp_sim_get(struct rmp_sim *s, uint64_t gpa)
{
	lock(s);
	struct rmp_sim_page p = s->pg[idx(s, gpa)];
	spin_unlock(&s->lock);
	return p;
}

void rmp_sim_get_range(struct rmp_sim *s, uint64_t gpa, uint64_t n, struct rmp_sim_page *out)
{
	lock(s);
	memcpy(out, &s->pg[idx(s, gpa)], n * sizeof(*out));
	spin_unlock(&s->lock);
}

uint64_t rmp_sim_violations(struct rmp_sim *s)
{
	return atomic_load(&s->v_double) + atomic_load(&s->v_vmsa) + atomic_load(&s->v_svsm) +
	       atomic_load(&s->v_unzeroed) + atomic_load(&s->v_unflushed) + atomic_load(&s->v_vmsa_access);
}
