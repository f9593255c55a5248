/* SPDX-License-Identifier: MIT */
/*
 * protocol_stress.c — vCPU threads hammer the protocol on the RMP model with
 * adversarial interleavings, checking the invariants after every step: the
 * host driver of svsm/protocol/proto_stress.h (the SVSM's boot self-test runs
 * the same steps on its own CPUs).
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
#include "../../svsm/protocol/proto_stress.h"

static struct rmp_model *m;
static struct proto_core core, *c = &core;
static struct pstress st;
static atomic_bool stop;
static int nthreads = 4;

static void *vcpu(void *arg)
{
	struct pstress_vcpu *v = arg;
	while (!atomic_load(&stop))
		pstress_step(&st, v);
	return NULL;
}

static void *hypervisor(void *arg)
{
	uint64_t *rng = arg;
	while (!atomic_load(&stop)) {
		pstress_hv_step(&st, rng);
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
	if (nthreads < 1 || nthreads > (int)PSTRESS_MAX_VCPUS || seconds <= 0) {
		fprintf(stderr, "protocol-stress: 1..32 threads, positive seconds\n");
		return 2;
	}
	m = rmp_model_new(0, ENV_MEM / 4096, ENV_SVSM_BASE, ENV_SVSM_SIZE);
	static struct pstress_vcpu t[PSTRESS_MAX_VCPUS];
	if (!m || pstress_setup(&st, c, &m->plat, &m->sim, 0, ENV_MEM, ENV_SVSM_BASE, ENV_SVSM_SIZE, (unsigned)nthreads,
				t, seed))
		return 2;
	uint64_t hv_rng = seed + 77;
	pthread_t th[PSTRESS_MAX_VCPUS + 1];
	double t0 = now();
	for (int i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, vcpu, &t[i]);
	pthread_create(&th[nthreads], NULL, hypervisor, &hv_rng);
	while (now() - t0 < seconds) {
		struct timespec ts = { 0, 20000000 };
		nanosleep(&ts, NULL);
	}
	atomic_store(&stop, true);
	for (int i = 0; i <= nthreads; i++)
		pthread_join(th[i], NULL);
	pstress_finish(&st, &t[0]); /* quiescent: the whole memory once more */
	uint64_t v = pstress_violations(&st);
	char first[160] = "";
	if (atomic_load(&st.violations))
		snprintf(first, sizeof(first), ": first: 0x%llx: %s", (unsigned long long)st.first.gpa,
			 proto_check_name(st.first.kind));
	printf("protocol-stress: %d vCPU threads, %.1f s, seed %llu: %llu operations (%llu PVALIDATE entries, "
	       "%llu vCPUs created, %llu deleted, %llu CA remaps, %llu pages/ranges deposited, %llu withdrawn, "
	       "%llu attestations), %llu invariant checks, %llu PVALIDATE / %llu RMPADJUST executed, %llu TLB flushes\n",
	       nthreads, now() - t0, (unsigned long long)seed, (unsigned long long)st.ops,
	       (unsigned long long)st.entries, (unsigned long long)st.created, (unsigned long long)st.deleted,
	       (unsigned long long)st.remapped, (unsigned long long)st.deposited, (unsigned long long)st.withdrawn,
	       (unsigned long long)st.attested, (unsigned long long)st.checks,
	       (unsigned long long)atomic_load(&m->sim.n_pvalidate), (unsigned long long)atomic_load(&m->sim.n_rmpadjust),
	       (unsigned long long)atomic_load(&m->sim.n_flush));
	printf("protocol-stress: refused as already in state %llu, as registered %llu, as busy %llu; %llu pages taken "
	       "behind the core's back, %llu guest accesses faulted, %llu deposited pages lost\n",
	       (unsigned long long)atomic_load(&c->st.refused_unchanged),
	       (unsigned long long)atomic_load(&c->st.refused_registered),
	       (unsigned long long)atomic_load(&c->st.refused_busy), (unsigned long long)atomic_load(&m->sim.n_hv_flip),
	       (unsigned long long)atomic_load(&c->st.guest_faults), (unsigned long long)atomic_load(&c->st.lost_pages));
	printf("protocol-stress: %llu invariant violations (double PVALIDATE %llu, VMSA PVALIDATE %llu, SVSM memory "
	       "touched %llu, unzeroed grants %llu, unflushed %llu, accessible VMSA %llu, state checks %llu)%s\n",
	       (unsigned long long)v, (unsigned long long)atomic_load(&m->sim.v_double),
	       (unsigned long long)atomic_load(&m->sim.v_vmsa), (unsigned long long)atomic_load(&m->sim.v_svsm),
	       (unsigned long long)atomic_load(&m->sim.v_unzeroed), (unsigned long long)atomic_load(&m->sim.v_unflushed),
	       (unsigned long long)atomic_load(&m->sim.v_vmsa_access), (unsigned long long)atomic_load(&st.violations),
	       first);
	proto_destroy(c);
	rmp_model_free(m);
	return v ? 1 : 0;
}
