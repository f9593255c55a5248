/* SPDX-License-Identifier: MIT */
/* proto_stress.c — see proto_stress.h. */
#include "proto_stress.h"

#include "../lib/string.h"

#define PAGE 4096ull
#define CHUNK (2ull << 20)
#define MIB (1ull << 20)
#define VMSA_AT(s, k) ((s)->base + 0x10000ull + (uint64_t)(k) * 0x2000ull)
#define LIST_AT(s, k) ((s)->base + 0x80000ull + (uint64_t)(k) * 0x1000ull)

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A random page of the contested range (SVSM memory included on purpose); one time in 16
 * some vCPU's VMSA or calling area. */
static uint64_t rpage(struct pstress *s, struct pstress_vcpu *v)
{
	if (rnd(&v->rng) % 16 == 0) {
		unsigned k = (unsigned)(rnd(&v->rng) % s->nvcpus);
		return VMSA_AT(s, k) + (rnd(&v->rng) & 1 ? 0 : PAGE);
	}
	return s->base + MIB + (rnd(&v->rng) % ((s->mem - MIB) / PAGE)) * PAGE;
}

static void check(struct pstress *s, struct pstress_vcpu *v, uint64_t gpa)
{
	if (gpa < s->base || gpa - s->base >= s->mem)
		return;
	struct spinlock *l = proto_stripe_lock(s->c, gpa);
	proto_lock(s->c, l);
	struct proto_check_fail f;
	unsigned bad = proto_check_chunk(s->c, s->sim, gpa, v->scratch, &f);
	spin_unlock(l);
	atomic_fetch_add(&s->checks, 1);
	if (bad) {
		atomic_fetch_add(&s->violations, bad);
		if (!atomic_flag_test_and_set(&s->first_set))
			s->first = f;
	}
}

static uint64_t call(struct pstress *s, struct pstress_vcpu *v, uint32_t proto, uint32_t fn, uint64_t rcx,
		     uint64_t rdx, uint64_t r8)
{
	struct proto_regs r = { (uint64_t)proto << 32 | fn, rcx, rdx, r8 };
	if (rnd(&v->rng) & 1) {
		/* Through the calling area, as the request loop sees it. */
		uint8_t one = 1;
		rmp_sim_guest_write(s->sim, PROTO_GUEST_VMPL, v->ca, &one, 1);
		if (!proto_handle_request(s->c, v->slot, &r))
			proto_dispatch(s->c, v->slot, &r);
	} else {
		proto_dispatch(s->c, v->slot, &r);
	}
	return r.rax;
}

static void write_list(struct pstress *s, struct pstress_vcpu *v, unsigned n, const uint64_t *e)
{
	uint8_t buf[8 + 8 * 8] = { 0 };
	uint16_t nn = (uint16_t)n;
	memcpy(buf, &nn, 2);
	memcpy(buf + 8, e, 8 * n);
	rmp_sim_guest_write(s->sim, PROTO_GUEST_VMPL, v->list, buf, 8 + 8 * n);
}

static void op_pvalidate(struct pstress *s, struct pstress_vcpu *v)
{
	uint64_t e[8];
	unsigned n = 1 + (unsigned)(rnd(&v->rng) % 8);
	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = rpage(s, v), f = rnd(&v->rng);
		e[i] = f % 4 == 0 ? (pa & ~(CHUNK - 1)) | 1 : pa; /* 2 MiB over whatever 4 KiB state */
		if (f & 8)
			e[i] |= PVAL_VALIDATE;
		if (f & 16)
			e[i] |= PVAL_IGNORE_CF;
	}
	write_list(s, v, n, e);
	call(s, v, 0, SVSM_CORE_PVALIDATE, v->list, 0, 0);
	atomic_fetch_add(&s->entries, n);
	for (unsigned i = 0; i < n; i++)
		check(s, v, e[i] & ~(PAGE - 1));
}

/* A VMSA image of the guest's VMPL at gpa (refused by the RMP unless guest-writable). */
static void plant_vmsa(struct pstress *s, struct pstress_vcpu *v, uint64_t gpa)
{
	uint64_t efer = EFER_SVME, feat = s->c->sev_features;
	memset(v->page, 0, sizeof(v->page));
	v->page[VMSA_OFF_VMPL] = PROTO_GUEST_VMPL;
	memcpy(v->page + VMSA_OFF_EFER, &efer, 8);
	memcpy(v->page + VMSA_OFF_SEV_FEATURES, &feat, 8);
	rmp_sim_guest_write(s->sim, PROTO_GUEST_VMPL, gpa, v->page, sizeof(v->page));
}

static void op_create(struct pstress *s, struct pstress_vcpu *v)
{
	if (v->nmine == 8)
		return;
	uint64_t vm = rpage(s, v), ca = rpage(s, v);
	plant_vmsa(s, v, vm);
	if (call(s, v, 0, SVSM_CORE_CREATE_VCPU, vm, ca, (uint64_t)(v->apic++)) == SVSM_SUCCESS) {
		v->mine[v->nmine++] = vm;
		atomic_fetch_add(&s->created, 1);
	}
	check(s, v, vm);
	check(s, v, ca);
}

static void op_delete(struct pstress *s, struct pstress_vcpu *v)
{
	uint64_t vm;
	unsigned k = 0;
	if (v->nmine && rnd(&v->rng) % 4) {
		k = (unsigned)(rnd(&v->rng) % v->nmine);
		vm = v->mine[k];
	} else {
		vm = rpage(s, v); /* maybe another vCPU's, maybe a running one, maybe its own */
	}
	if (call(s, v, 0, SVSM_CORE_DELETE_VCPU, vm, 0, 0) == SVSM_SUCCESS)
		atomic_fetch_add(&s->deleted, 1);
	for (unsigned i = 0; i < v->nmine;) /* deleted, by this vCPU or another one */
		if (proto_find_vcpu(s->c, v->mine[i]) < 0)
			v->mine[i] = v->mine[--v->nmine];
		else
			i++;
	check(s, v, vm);
}

static void op_remap(struct pstress *s, struct pstress_vcpu *v)
{
	uint64_t old = v->ca, ca = rnd(&v->rng) % 2 ? rpage(s, v) : VMSA_AT(s, v->id) + PAGE;
	if (call(s, v, 0, SVSM_CORE_REMAP_CA, ca, 0, 0) == SVSM_SUCCESS) {
		v->ca = ca;
		atomic_fetch_add(&s->remapped, 1);
	}
	check(s, v, old);
	check(s, v, ca);
}

static void op_deposit(struct pstress *s, struct pstress_vcpu *v)
{
	uint64_t e[2];
	unsigned n = 1 + (unsigned)(rnd(&v->rng) % 2);
	for (unsigned i = 0; i < n; i++)
		e[i] = rnd(&v->rng) % 4 ? rpage(s, v) : (rpage(s, v) & ~(CHUNK - 1)) | 1;
	write_list(s, v, n, e);
	if (call(s, v, 0, SVSM_CORE_DEPOSIT_MEM, v->list, 0, 0) == SVSM_SUCCESS)
		atomic_fetch_add(&s->deposited, n);
	for (unsigned i = 0; i < n; i++)
		check(s, v, e[i] & ~(PAGE - 1));
}

static void op_withdraw(struct pstress *s, struct pstress_vcpu *v)
{
	/* Sometimes little room (a list near the end of its page), so 2 MiB deposits come back in parts. */
	uint64_t at = v->list + (rnd(&v->rng) % 2 ? 0 : 0xFF8 - 8 * (rnd(&v->rng) % 4 + 1));
	if (call(s, v, 0, SVSM_CORE_WITHDRAW_MEM, at, 0, 0) != SVSM_SUCCESS)
		return;
	uint16_t got;
	memcpy(&got, rmp_sim_map(s->sim, at, 2), 2);
	const uint8_t *out = rmp_sim_map(s->sim, at + 8, 8 * (uint64_t)(got ? got : 1));
	atomic_fetch_add(&s->withdrawn, got);
	uint64_t last = ~0ull;
	for (unsigned i = 0; i < got; i++) {
		uint64_t a;
		memcpy(&a, out + 8 * i, 8);
		if ((a >> 21) != last) {
			last = a >> 21;
			check(s, v, a);
		}
	}
}

static void op_attest(struct pstress *s, struct pstress_vcpu *v)
{
	/* Operation, nonce, manifest and report all in random pages: pins race rescinds. */
	uint64_t op = rpage(s, v), nonce = rpage(s, v), man = rpage(s, v), rep = rpage(s, v);
	uint8_t o[64] = { 0 };
	uint32_t rs = 4096, ms = 4096;
	uint16_t ns = 64;
	memcpy(o, &rep, 8);
	memcpy(o + 8, &rs, 4);
	memcpy(o + 16, &nonce, 8);
	memcpy(o + 24, &ns, 2);
	memcpy(o + 32, &man, 8);
	memcpy(o + 40, &ms, 4);
	rmp_sim_guest_write(s->sim, PROTO_GUEST_VMPL, op, o, sizeof(o));
	if (call(s, v, 1, SVSM_ATTEST_SERVICES, op, 0, 0) == SVSM_SUCCESS)
		atomic_fetch_add(&s->attested, 1);
	check(s, v, rep);
	check(s, v, man);
}

void pstress_step(struct pstress *s, struct pstress_vcpu *v)
{
	unsigned k = (unsigned)(rnd(&v->rng) % 100);
	if (k < 45)
		op_pvalidate(s, v);
	else if (k < 57)
		op_create(s, v);
	else if (k < 69)
		op_delete(s, v);
	else if (k < 79)
		op_remap(s, v);
	else if (k < 88)
		op_deposit(s, v);
	else if (k < 97)
		op_withdraw(s, v);
	else
		op_attest(s, v);
	atomic_fetch_add(&s->ops, 1);
}

void pstress_hv_step(struct pstress *s, uint64_t *rng)
{
	uint64_t chunks = s->mem / CHUNK;
	if (chunks > 1)
		rmp_sim_make_large(s->sim, s->base + (1 + rnd(rng) % (chunks - 1)) * CHUNK);
	if (rnd(rng) % 8 == 0) {
		uint64_t pg = s->base + CHUNK + (rnd(rng) % ((s->mem - CHUNK) / PAGE)) * PAGE;
		if (pg < s->svsm_base || pg >= s->svsm_base + s->svsm_size)
			rmp_sim_hv_flip(s->sim, pg, rnd(rng) & 1);
	}
	atomic_fetch_add(&s->hv_steps, 1);
}

void pstress_finish(struct pstress *s, struct pstress_vcpu *v)
{
	for (uint64_t a = s->base; a < s->base + s->mem; a += CHUNK)
		check(s, v, a);
}

uint64_t pstress_violations(struct pstress *s)
{
	return atomic_load(&s->violations) + rmp_sim_violations(s->sim);
}

int pstress_setup(struct pstress *s, struct proto_core *c, const struct proto_platform *plat, struct rmp_sim *sim,
		  uint64_t base, uint64_t mem, uint64_t svsm_off, uint64_t svsm_size, unsigned nvcpus,
		  struct pstress_vcpu *v, uint64_t seed)
{
	if (nvcpus < 1 || nvcpus > PSTRESS_MAX_VCPUS || mem % CHUNK || svsm_off % CHUNK || svsm_size % CHUNK ||
	    svsm_off < CHUNK || svsm_off + svsm_size > mem || sim->base != base || sim->npages != mem / PAGE)
		return -1;
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->sim = sim;
	s->base = base;
	s->mem = mem;
	s->svsm_base = base + svsm_off;
	s->svsm_size = svsm_size;
	s->nvcpus = nvcpus;
	atomic_flag_clear(&s->first_set);
	sim->svsm_base = s->svsm_base;
	sim->svsm_size = svsm_size;
	uint64_t rb[2] = { base, s->svsm_base + svsm_size }, rs[2] = { svsm_off, mem - svsm_off - svsm_size };
	if (proto_init(c, plat, rb, rs, rs[1] ? 2 : 1, 0x1 /* SEV_FEATURES: SNP active */))
		return -1;
	rmp_sim_prevalidate(sim, base, MIB / PAGE, PROTO_GUEST_VMPL, RMP_PERM_ALL);
	rmp_sim_prevalidate(sim, s->svsm_base, svsm_size / PAGE, 0, 0);
	if (proto_mark_validated(c, base, MIB))
		return -1;
	for (unsigned k = 0; k < nvcpus; k++) {
		uint64_t vm = VMSA_AT(s, k);
		rmp_sim_rmpadjust(sim, vm, false, PROTO_GUEST_VMPL, 0, true);
		int slot = proto_add_boot_vcpu(c, vm, vm + PAGE, k);
		if (slot < 0)
			return -1;
		memset(&v[k], 0, sizeof(v[k])); /* field by field: no 12 KiB temporary on a small stack */
		v[k].id = k;
		v[k].slot = (unsigned)slot;
		v[k].rng = seed * 0x9E3779B97F4A7C15ull + k + 1;
		v[k].list = LIST_AT(s, k);
		v[k].vmsa = vm;
		v[k].ca = vm + PAGE;
		v[k].apic = 1000u * (k + 1);
	}
	rmp_sim_flush(sim, base, mem); /* launch state: no TLB holds anything yet */
	return 0;
}
