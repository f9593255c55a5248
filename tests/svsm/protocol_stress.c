/* SPDX-License-Identifier: MIT */
/*
 * protocol_stress.c — vCPU threads hammer the protocol on the RMP model with
 * adversarial interleavings, checking the invariants after every step.
 *
 *   protocol-stress [--seconds S] [--threads T] [--seed N]   stress run
 *   protocol-stress --bench                                   make bench-svsm
 *
 * Every thread is a vCPU (own VMSA, CA and list page in the first MiB). Its
 * operations target the same 14 MiB of guest memory as everyone else's:
 * PVALIDATE lists of 4 KiB and 2 MiB entries (validate / rescind / ignore-
 * unchanged), also aimed at other vCPUs' VMSAs and calling areas; CREATE_VCPU
 * and DELETE_VCPU on random pages (DELETE also of other threads' vCPUs);
 * REMAP_CA to random pages while others' calls run; DEPOSIT_MEM and
 * WITHDRAW_MEM; attestation (pins guest buffers). A hypervisor thread turns
 * unvalidated 2 MiB ranges into 2 MiB RMP entries, so 2 MiB entries meet 4 KiB
 * state, and now and then takes a random page behind the core's back (shared,
 * or private and not validated: rmp_sim_hv_flip), also in the middle of a
 * call that works on it. After each operation the touched chunks are checked under their
 * stripe lock (model RMP == tracker, no VMSA/CA unprotected, no unzeroed page
 * visible, no deposited page visible, no page whose access was taken away
 * left without a TLB flush), and the model itself counts double PVALIDATEs,
 * PVALIDATEs of VMSAs, touches of SVSM memory, unzeroed grants and stale
 * pages handed on (granted, validated or used by the SVSM before a flush).
 * Prints operations run and violations found; exit status 1 on any violation.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto_test_env.h"

static struct rmp_model *m;
static struct proto_core core, *c = &core;
static atomic_bool stop;
static _Atomic uint64_t ops, entries, violations, checks, created, deleted, remapped, deposited, withdrawn, attested;
static char first_why[200];
static atomic_flag why_set = ATOMIC_FLAG_INIT;
static int nthreads = 4;

struct thr {
	int id;
	unsigned slot;
	uint64_t rng, list, vmsa, ca;
	uint64_t mine[8]; /* VMSAs this thread created */
	unsigned nmine;
	unsigned apic;
};

static uint64_t rnd(struct thr *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

/* A random page of the contested range (1 MiB .. 16 MiB, SVSM memory included on purpose). */
static uint64_t rpage(struct thr *t)
{
	if (rnd(t) % 16 == 0) { /* someone's VMSA or CA */
		unsigned k = (unsigned)(rnd(t) % (unsigned)nthreads);
		return rnd(t) & 1 ? 0x10000ull + k * 0x2000 : 0x11000ull + k * 0x2000;
	}
	return (1ull << 20) + (rnd(t) % ((ENV_MEM - (1ull << 20)) / 4096)) * 4096;
}

static void check(uint64_t gpa)
{
	if (gpa >= ENV_MEM)
		return;
	struct spinlock *l = proto_stripe_lock(c, gpa);
	spin_lock(l, m->plat.relax, 0);
	char why[200];
	unsigned bad = rmp_model_check_chunk(m, c, gpa, why, sizeof(why));
	spin_unlock(l);
	atomic_fetch_add(&checks, 1);
	if (bad) {
		atomic_fetch_add(&violations, bad);
		if (!atomic_flag_test_and_set(&why_set))
			snprintf(first_why, sizeof(first_why), "%s", why);
	}
}

static uint64_t call(struct thr *t, uint32_t proto, uint32_t fn, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	struct proto_regs r = { (uint64_t)proto << 32 | fn, rcx, rdx, r8 };
	if (rnd(t) & 1) {
		/* Through the calling area, as the request loop sees it. */
		uint8_t one = 1;
		rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, t->ca, &one, 1);
		if (!proto_handle_request(c, t->slot, &r))
			proto_dispatch(c, t->slot, &r);
	} else {
		proto_dispatch(c, t->slot, &r);
	}
	return r.rax;
}

static void write_list(struct thr *t, unsigned n, const uint64_t *e)
{
	uint8_t buf[8 + 8 * 8] = { 0 };
	uint16_t nn = (uint16_t)n;
	memcpy(buf, &nn, 2);
	memcpy(buf + 8, e, 8 * n);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, t->list, buf, 8 + 8 * n);
}

static void op_pvalidate(struct thr *t)
{
	uint64_t e[8];
	unsigned n = 1 + (unsigned)(rnd(t) % 8);
	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = rpage(t), f = rnd(t);
		if (f % 4 == 0)
			e[i] = (pa & ~0x1FFFFFull) | 1; /* 2 MiB over whatever 4 KiB state is there */
		else
			e[i] = pa;
		if (f & 8)
			e[i] |= PVAL_VALIDATE;
		if (f & 16)
			e[i] |= PVAL_IGNORE_CF;
	}
	write_list(t, n, e);
	call(t, 0, SVSM_CORE_PVALIDATE, t->list, 0, 0);
	atomic_fetch_add(&entries, n);
	for (unsigned i = 0; i < n; i++)
		check(e[i] & ~0xFFFull);
}

static void op_create(struct thr *t)
{
	if (t->nmine == 8)
		return;
	uint64_t vm = rpage(t), ca = rpage(t);
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES); /* refused by the RMP unless guest-writable */
	if (call(t, 0, SVSM_CORE_CREATE_VCPU, vm, ca, (uint64_t)(t->apic++)) == SVSM_SUCCESS) {
		t->mine[t->nmine++] = vm;
		atomic_fetch_add(&created, 1);
	}
	check(vm);
	check(ca);
}

static void op_delete(struct thr *t)
{
	uint64_t vm;
	unsigned k = 0;
	if (t->nmine && rnd(t) % 4) {
		k = (unsigned)(rnd(t) % t->nmine);
		vm = t->mine[k];
	} else {
		vm = rpage(t); /* maybe another thread's vCPU, maybe a running one */
	}
	if (call(t, 0, SVSM_CORE_DELETE_VCPU, vm, 0, 0) == SVSM_SUCCESS)
		atomic_fetch_add(&deleted, 1);
	if (t->nmine && t->mine[k] == vm && proto_find_vcpu(c, vm) < 0)
		t->mine[k] = t->mine[--t->nmine];
	for (unsigned i = 0; i < t->nmine;) /* deleted by someone else */
		if (proto_find_vcpu(c, t->mine[i]) < 0)
			t->mine[i] = t->mine[--t->nmine];
		else
			i++;
	check(vm);
}

static void op_remap(struct thr *t)
{
	uint64_t old = t->ca, ca = rnd(t) % 2 ? rpage(t) : 0x11000ull + (unsigned)t->id * 0x2000;
	if (call(t, 0, SVSM_CORE_REMAP_CA, ca, 0, 0) == SVSM_SUCCESS) {
		t->ca = ca;
		atomic_fetch_add(&remapped, 1);
	}
	check(old);
	check(ca);
}

static void op_deposit(struct thr *t)
{
	uint64_t e[2];
	unsigned n = 1 + (unsigned)(rnd(t) % 2);
	for (unsigned i = 0; i < n; i++)
		e[i] = rnd(t) % 4 ? rpage(t) : (rpage(t) & ~0x1FFFFFull) | 1;
	write_list(t, n, e);
	if (call(t, 0, SVSM_CORE_DEPOSIT_MEM, t->list, 0, 0) == SVSM_SUCCESS)
		atomic_fetch_add(&deposited, n);
	for (unsigned i = 0; i < n; i++)
		check(e[i] & ~0xFFFull);
}

static void op_withdraw(struct thr *t)
{
	/* Sometimes little room (a list near the end of its page), so 2 MiB deposits come back in parts. */
	uint64_t at = t->list + (rnd(t) % 2 ? 0 : 0xFF8 - 8 * (rnd(t) % 4 + 1));
	if (call(t, 0, SVSM_CORE_WITHDRAW_MEM, at, 0, 0) != SVSM_SUCCESS)
		return;
	uint16_t got;
	memcpy(&got, rmp_sim_map(&m->sim, at, 2), 2);
	const uint64_t *out = (const uint64_t *)rmp_sim_map(&m->sim, at + 8, 8 * (uint64_t)(got ? got : 1));
	atomic_fetch_add(&withdrawn, got);
	uint64_t last = ~0ull;
	for (unsigned i = 0; i < got; i++)
		if ((out[i] >> 21) != last) {
			last = out[i] >> 21;
			check(out[i]);
		}
}

static void op_attest(struct thr *t)
{
	/* Operation, nonce, manifest and report all in random pages: pins race rescinds. */
	uint64_t op = rpage(t), nonce = rpage(t), man = rpage(t), rep = rpage(t);
	uint8_t o[64] = { 0 };
	uint32_t rs = 4096, ms = 4096;
	uint16_t ns = 64;
	memcpy(o, &rep, 8), memcpy(o + 8, &rs, 4), memcpy(o + 16, &nonce, 8), memcpy(o + 24, &ns, 2);
	memcpy(o + 32, &man, 8), memcpy(o + 40, &ms, 4);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, op, o, sizeof(o));
	if (call(t, 1, SVSM_ATTEST_SERVICES, op, 0, 0) == SVSM_SUCCESS)
		atomic_fetch_add(&attested, 1);
	check(rep);
	check(man);
}

static void *vcpu(void *arg)
{
	struct thr *t = arg;
	while (!atomic_load(&stop)) {
		unsigned k = (unsigned)(rnd(t) % 100);
		if (k < 45)
			op_pvalidate(t);
		else if (k < 57)
			op_create(t);
		else if (k < 69)
			op_delete(t);
		else if (k < 79)
			op_remap(t);
		else if (k < 88)
			op_deposit(t);
		else if (k < 97)
			op_withdraw(t);
		else
			op_attest(t);
		atomic_fetch_add(&ops, 1);
	}
	return NULL;
}

static void *hypervisor(void *arg)
{
	struct thr *t = arg;
	while (!atomic_load(&stop)) {
		rmp_sim_make_large(&m->sim, (1 + rnd(t) % 7) * (2ull << 20));
		if (rnd(t) % 8 == 0) {
			uint64_t pg = (2ull << 20) + (rnd(t) % ((ENV_MEM - (2ull << 20)) / 4096)) * 4096;
			if (pg < ENV_SVSM_BASE || pg >= ENV_SVSM_BASE + ENV_SVSM_SIZE)
				rmp_sim_hv_flip(&m->sim, pg, rnd(t) & 1);
		}
		struct timespec ts = { 0, 200000 };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- bench ---- */
static enum rmp_result null_pv(void *ctx, uint64_t gpa, bool huge, bool v)
{
	(void)ctx, (void)gpa, (void)huge, (void)v;
	return RMP_OK;
}
static enum rmp_result null_adj(void *ctx, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms, bool vmsa)
{
	(void)ctx, (void)gpa, (void)huge, (void)vmpl, (void)perms, (void)vmsa;
	return RMP_OK;
}
static bool null_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx, (void)gpa, (void)len;
	return true;
}
static void null_flush(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx, (void)gpa, (void)len;
}

static double bench_entries(struct proto_core *bc, struct rmp_model *bm, unsigned rounds)
{
	/* 64-entry lists of 4 KiB pages in 2..6 MiB, validated then rescinded. */
	uint8_t buf[8 + 64 * 8];
	double t0 = now();
	uint64_t n = 0;
	for (unsigned r = 0; r < rounds; r++)
		for (int v = 1; v >= 0; v--)
			for (uint64_t base = 2ull << 20; base < (6ull << 20); base += 64 * 4096) {
				memset(buf, 0, sizeof(buf));
				buf[0] = 64;
				for (unsigned i = 0; i < 64; i++) {
					uint64_t e = (base + i * 4096) | (v ? PVAL_VALIDATE : 0);
					memcpy(buf + 8 + 8 * i, &e, 8);
				}
				memcpy(rmp_sim_map(&bm->sim, 0x3000, sizeof(buf)), buf, sizeof(buf));
				struct proto_regs q = { SVSM_CORE_PVALIDATE, 0x3000, 0, 0 };
				proto_dispatch(bc, 0, &q);
				if (q.rax != SVSM_SUCCESS) {
					fprintf(stderr, "bench: PVALIDATE failed 0x%llx\n", (unsigned long long)q.rax);
					return -1;
				}
				n += 64;
			}
	return (now() - t0) * 1e9 / (double)n;
}

static int bench(void)
{
	struct rmp_model *bm;
	struct proto_core bc;
	if (env_setup(&bm, &bc))
		return 2;
	double full = bench_entries(&bc, bm, 20);
	uint64_t used = vs_bytes(&bc.vs), fl = atomic_load(&bm->sim.n_flush), adj = atomic_load(&bm->sim.n_rmpadjust);
	uint64_t n = 20ull * 2 * (4ull << 20) / 4096; /* entries of bench_entries(…, 20) */
	proto_destroy(&bc);
	rmp_model_free(bm);
	/* Same calls with instructions and zeroing free: the cost of tracking, checks and locks. */
	if (env_setup(&bm, &bc))
		return 2;
	bm->plat.pvalidate = null_pv;
	bm->plat.rmpadjust = null_adj;
	bm->plat.zero = null_zero;
	bm->plat.flush = null_flush;
	double track = bench_entries(&bc, bm, 50);
	proto_destroy(&bc);
	rmp_model_free(bm);
	printf("bench-protocol: validation state %u bytes per GiB of guest memory (+%u per GiB holding deposited "
	       "memory); this 16 MiB run allocated %llu bytes\n",
	       (unsigned)VS_BYTES_PER_GIB, (unsigned)VS_OWNED_BYTES_PER_GIB, (unsigned long long)used);
	printf("bench-protocol: %.0f ns per 4 KiB PVALIDATE entry with the simulated RMP (incl. zeroing 4 KiB); "
	       "%.0f ns of it is tracking, checks and locking\n", full, track);
	printf("bench-protocol: per entry %.2f RMPADJUST (grant VMPL1-2 / revoke VMPL1-3) and %.2f TLB flushes "
	       "(one per rescinded entry)\n", (double)adj / (double)n, (double)fl / (double)n);
	return full < 0 || track < 0;
}

int main(int argc, char **argv)
{
	double seconds = 3;
	uint64_t seed = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--bench"))
			return bench();
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			nthreads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: protocol-stress [--seconds S] [--threads T] [--seed N] | --bench\n");
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 32 || seconds <= 0) {
		fprintf(stderr, "protocol-stress: 1..32 threads, positive seconds\n");
		return 2;
	}
	if (env_setup(&m, c))
		return 2;
	struct thr t[33];
	for (int i = 0; i < nthreads; i++) {
		uint64_t vm = 0x10000ull + (uint64_t)i * 0x2000, ca = vm + 0x1000;
		rmp_sim_rmpadjust(&m->sim, vm, false, PROTO_GUEST_VMPL, 0, true);
		int slot = i == 0 ? 0 : proto_add_boot_vcpu(c, vm, ca, (unsigned)i);
		if (i == 0) { /* slot 0 is the environment's boot vCPU: move it to this thread's pages */
			c->vcpu[0].vmsa = vm;
			c->vcpu[0].caa = ca;
			rmp_sim_rmpadjust(&m->sim, ENV_BOOT_VMSA, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false);
		}
		rmp_sim_flush(&m->sim, vm, 4096); /* launch state: no TLB holds the old permissions */
		t[i] = (struct thr){ .id = i, .slot = (unsigned)slot, .rng = seed * 0x9E3779B97F4A7C15ull + (uint64_t)i + 1,
				     .list = 0x80000ull + (uint64_t)i * 0x1000, .vmsa = vm, .ca = ca,
				     .apic = 1000u * (unsigned)(i + 1) };
	}
	t[nthreads] = (struct thr){ .rng = seed + 77 };
	pthread_t th[33];
	double t0 = now();
	for (int i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, vcpu, &t[i]);
	pthread_create(&th[nthreads], NULL, hypervisor, &t[nthreads]);
	while (now() - t0 < seconds) {
		struct timespec ts = { 0, 20000000 };
		nanosleep(&ts, NULL);
	}
	atomic_store(&stop, true);
	for (int i = 0; i <= nthreads; i++)
		pthread_join(th[i], NULL);
	for (uint64_t a = 0; a < ENV_MEM; a += 2ull << 20) /* quiescent: the whole memory once more */
		check(a);
	uint64_t hw = rmp_sim_violations(&m->sim), v = atomic_load(&violations) + hw;
	printf("protocol-stress: %d vCPU threads, %.1f s, seed %llu: %llu operations (%llu PVALIDATE entries, "
	       "%llu vCPUs created, %llu deleted, %llu CA remaps, %llu pages/ranges deposited, %llu withdrawn, "
	       "%llu attestations), %llu invariant checks, %llu PVALIDATE / %llu RMPADJUST executed, %llu TLB flushes\n",
	       nthreads, now() - t0, (unsigned long long)seed, (unsigned long long)ops, (unsigned long long)entries,
	       (unsigned long long)created, (unsigned long long)deleted, (unsigned long long)remapped,
	       (unsigned long long)deposited, (unsigned long long)withdrawn, (unsigned long long)attested,
	       (unsigned long long)checks, (unsigned long long)atomic_load(&m->sim.n_pvalidate),
	       (unsigned long long)atomic_load(&m->sim.n_rmpadjust), (unsigned long long)atomic_load(&m->sim.n_flush));
	printf("protocol-stress: refused as already in state %llu, as registered %llu, as busy %llu; %llu pages taken "
	       "behind the core's back, %llu guest accesses faulted, %llu deposited pages lost\n",
	       (unsigned long long)atomic_load(&c->st.refused_unchanged),
	       (unsigned long long)atomic_load(&c->st.refused_registered),
	       (unsigned long long)atomic_load(&c->st.refused_busy), (unsigned long long)atomic_load(&m->sim.n_hv_flip),
	       (unsigned long long)atomic_load(&c->st.guest_faults), (unsigned long long)atomic_load(&c->st.lost_pages));
	printf("protocol-stress: %llu invariant violations (double PVALIDATE %llu, VMSA PVALIDATE %llu, SVSM memory "
	       "touched %llu, unzeroed grants %llu, unflushed %llu, accessible VMSA %llu, state checks %llu)%s%s\n",
	       (unsigned long long)v, (unsigned long long)atomic_load(&m->sim.v_double),
	       (unsigned long long)atomic_load(&m->sim.v_vmsa), (unsigned long long)atomic_load(&m->sim.v_svsm),
	       (unsigned long long)atomic_load(&m->sim.v_unzeroed), (unsigned long long)atomic_load(&m->sim.v_unflushed),
	       (unsigned long long)atomic_load(&m->sim.v_vmsa_access),
	       (unsigned long long)atomic_load(&violations),
	       first_why[0] ? ": first: " : "", first_why);
	proto_destroy(c);
	rmp_model_free(m);
	return v ? 1 : 0;
}
