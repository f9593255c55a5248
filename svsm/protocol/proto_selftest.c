/* SPDX-License-Identifier: MIT */
/*
 * proto_selftest.c — the in-kernel protocol self-test on the native
 * platform's simulated RMP. Every call goes the way a guest's call goes on
 * SNP: registers in the guest's VMSA page, guest exit code VMGEXIT,
 * call_pending in the calling area, then the request loop's step
 * (reqloop.h), whose register read and write-back is thereby what the boot
 * test exercises; the results are read back from the VMSA.
 */
#include "proto.h"
#include "proto_kmem.h"
#include "proto_native.h"
#include "proto_stress.h"
#include "reqloop.h"

#include "../arch/tsc.h"
#include "../lib/fmt.h"
#include "../lib/sha512.h"
#include "../lib/string.h"
#include "../smp.h"

#define SIM_BASE 0x100000000ull /* a made-up guest-physical base for the simulated guest */
#define SIM_PAGES 1024ull       /* 4 MiB: two 2 MiB chunks */
#define VMSA (SIM_BASE + 0x1000)
#define CA (SIM_BASE + 0x2000)
#define LIST (SIM_BASE + 0x3000)
#define SVM_EXIT_INTR 0x60ull

static struct proto_core core;
static struct rmp_sim sim;
static struct proto_platform plat;
static struct reqloop_vcpu rv = { 0, 0, VMSA, 0 }; /* the boot vCPU as its request loop knows it */

/* The processor's side of a guest exit: registers and exit code land in the VMSA. */
static struct igvm_sev_vmsa *guest_exit(uint64_t code, uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	struct igvm_sev_vmsa *v = rmp_sim_map(&sim, VMSA, sizeof(*v));
	v->guest_error_code = code;
	v->rax = rax;
	v->rcx = rcx;
	v->rdx = rdx;
	v->r8 = r8;
	return v;
}

/* What the guest does: call_pending, registers, VMGEXIT; then the request loop's step. */
static uint64_t guest_call(uint32_t proto, uint32_t fn, uint64_t rcx, uint64_t rdx, uint64_t r8,
			   struct proto_regs *out)
{
	struct proto_ca *ca = rmp_sim_map(&sim, CA, sizeof(*ca));
	ca->call_pending = 1;
	struct igvm_sev_vmsa *v = guest_exit(SVM_EXIT_VMGEXIT, (uint64_t)proto << 32 | fn, rcx, rdx, r8);
	if (reqloop_step(&core, &rv) != REQLOOP_CALL || ca->call_pending || !(v->efer & EFER_SVME))
		return ~0ull;
	if (out)
		*out = (struct proto_regs){ v->rax, v->rcx, v->rdx, v->r8 };
	return v->rax;
}

static uint64_t pval1(uint64_t e)
{
	uint64_t *l = rmp_sim_map(&sim, LIST, 16);
	l[0] = 1; /* entries 1, next 0 */
	l[1] = e;
	return guest_call(0, SVSM_CORE_PVALIDATE, LIST, 0, 0, 0);
}

void proto_selftest_run(void (*check)(const char *name, int ok))
{
	if (proto_native_init(&sim, &plat, SIM_BASE, SIM_PAGES)) {
		check("protocol: simulated guest memory", 0);
		return;
	}
	uint64_t base = SIM_BASE, size = SIM_PAGES * 4096;
	int ok = !proto_init(&core, &plat, &base, &size, 1, 1);
	rmp_sim_prevalidate(&sim, SIM_BASE, 16, PROTO_GUEST_VMPL, RMP_PERM_ALL);
	ok = ok && !proto_mark_validated(&core, SIM_BASE, 16 * 4096);
	ok = ok && rmp_sim_rmpadjust(&sim, VMSA, false, PROTO_GUEST_VMPL, 0, true) == RMP_OK;
	ok = ok && proto_add_boot_vcpu(&core, VMSA, CA, 0) == 0;
	rv.gen = core.vcpu[0].gen;
	rmp_sim_flush(&sim, VMSA, 4096); /* the launch flushes once after its RMPADJUSTs */
	struct igvm_sev_vmsa *gv = rmp_sim_map(&sim, VMSA, sizeof(*gv));
	gv->efer = EFER_SVME;
	check("protocol: core set up on the simulated RMP", ok);

	/* Not calls: another exit with call_pending set (the guest may be between setting
	 * the flag and loading the registers), and a VMGEXIT without call_pending. Neither
	 * may touch the registers or the flag; both leave the VMSA runnable. */
	struct proto_ca *ca = rmp_sim_map(&sim, CA, sizeof(*ca));
	ca->call_pending = 1;
	gv = guest_exit(SVM_EXIT_INTR, (uint64_t)SVSM_CORE_QUERY_PROTOCOL, 1, 2, 3);
	ok = reqloop_step(&core, &rv) == REQLOOP_OTHER_EXIT && ca->call_pending == 1 &&
	     gv->rax == SVSM_CORE_QUERY_PROTOCOL && gv->rcx == 1 && (gv->efer & EFER_SVME);
	ca->call_pending = 0;
	gv = guest_exit(SVM_EXIT_VMGEXIT, (uint64_t)SVSM_CORE_QUERY_PROTOCOL, 1, 2, 3);
	ok = ok && reqloop_step(&core, &rv) == REQLOOP_NO_CALL && gv->rax == SVSM_CORE_QUERY_PROTOCOL &&
	     gv->rcx == 1 && gv->rdx == 2 && gv->r8 == 3 && (gv->efer & EFER_SVME) &&
	     atomic_load(&core.st.calls) == 0;
	check("protocol: request loop ignores other exits and VMGEXIT without call_pending", ok);

	struct proto_regs r;
	ok = guest_call(0, SVSM_CORE_QUERY_PROTOCOL, 1, 0x55, 0x66, &r) == SVSM_SUCCESS && r.rcx == 0x100000001ull &&
	     r.rdx == 0x55 && r.r8 == 0x66 && guest_call(7, 0, 0, 0, 0, 0) == SVSM_ERR_UNSUPPORTED_PROTOCOL;
	check("protocol: request loop + dispatcher, results in the VMSA (QUERY_PROTOCOL, unknown protocol)", ok);

	uint64_t pg = SIM_BASE + 0x200000;
	ok = pval1(pg | PVAL_VALIDATE) == SVSM_SUCCESS && pval1(pg | PVAL_VALIDATE) == SVSM_ERR_PVALIDATE_FAIL_UNCHANGED &&
	     pval1(pg | PVAL_VALIDATE | PVAL_IGNORE_CF) == SVSM_SUCCESS && pval1(pg) == SVSM_SUCCESS &&
	     atomic_load(&sim.v_double) == 0;
	check("protocol: PVALIDATE tracked, double validation refused", ok);

	ok = pval1(SIM_BASE | 1) == SVSM_ERR_INVALID_ADDRESS && pval1(VMSA) == SVSM_ERR_INVALID_ADDRESS &&
	     pval1(CA) == SVSM_ERR_INVALID_ADDRESS;
	check("protocol: VMSA / calling area refused, whole 2 MiB range checked", ok);

	rmp_sim_make_large(&sim, SIM_BASE + 0x200000);
	ok = pval1((SIM_BASE + 0x200000) | 1 | PVAL_VALIDATE) == SVSM_SUCCESS &&
	     vs_count_valid(&core.vs, SIM_BASE + 0x200000, 512) == 512 &&
	     pval1((SIM_BASE + 0x201000) | PVAL_VALIDATE) == SVSM_ERR_PVALIDATE_FAIL_UNCHANGED;
	check("protocol: 2 MiB entry validated, its 4 KiB pages known valid", ok);

	uint8_t *v = rmp_sim_map(&sim, SIM_BASE + 0x5000, 4096);
	uint64_t efer = EFER_SVME, feat = 1;
	memset(v, 0, 4096);
	v[VMSA_OFF_VMPL] = PROTO_GUEST_VMPL;
	memcpy(v + VMSA_OFF_EFER, &efer, 8);
	memcpy(v + VMSA_OFF_SEV_FEATURES, &feat, 8);
	ok = guest_call(0, SVSM_CORE_CREATE_VCPU, SIM_BASE + 0x5000, SIM_BASE + 0x6000, 1, 0) == SVSM_SUCCESS &&
	     pval1(SIM_BASE + 0x5000) == SVSM_ERR_INVALID_ADDRESS &&
	     guest_call(0, SVSM_CORE_DELETE_VCPU, SIM_BASE + 0x5000, 0, 0, 0) == SVSM_SUCCESS &&
	     guest_call(0, SVSM_CORE_DELETE_VCPU, VMSA, 0, 0, 0) == SVSM_ERR_INVALID_PARAMETER;
	check("protocol: CREATE_VCPU / DELETE_VCPU", ok);

	/* Attestation: REPORT_DATA = SHA-512(nonce || manifest) of an empty services manifest. */
	uint64_t *op = rmp_sim_map(&sim, SIM_BASE + 0x7000, 64);
	uint8_t *nonce = rmp_sim_map(&sim, SIM_BASE + 0x8000, 64);
	memset(op, 0, 64);
	for (int i = 0; i < 64; i++)
		nonce[i] = (uint8_t)(i * 3);
	op[0] = SIM_BASE + 0x9000, op[1] = 4096, op[2] = SIM_BASE + 0x8000, op[3] = 64;
	op[4] = SIM_BASE + 0xA000, op[5] = 4096;
	uint8_t want[64];
	ok = guest_call(1, SVSM_ATTEST_SERVICES, SIM_BASE + 0x7000, 0, 0, &r) == SVSM_SUCCESS && r.rcx == 24;
	struct sha512_ctx h;
	sha512_init(&h);
	sha512_update(&h, nonce, 64);
	sha512_update(&h, rmp_sim_map(&sim, SIM_BASE + 0xA000, 24), 24);
	sha512_final(&h, want);
	ok = ok && !memcmp(rmp_sim_map(&sim, SIM_BASE + 0x9050, 64), want, 64);
	check("protocol: attestation, REPORT_DATA = SHA-512(nonce || manifest)", ok);

	check("protocol: simulated RMP saw no double PVALIDATE, VMSA or SVSM touch, unzeroed grant",
	      rmp_sim_violations(&sim) == 0);
	proto_destroy(&core);
	proto_native_fini(&sim);
}

/* ---- the stress on every CPU (proto_stress.h) ---- */

#define STRESS_BASE 0x200000000ull /* another made-up guest-physical base */
#define STRESS_MEM (8ull << 20)     /* guest 0-4 MiB and 6-8 MiB, SVSM memory 4-6 MiB */
#define STRESS_SVSM_OFF (4ull << 20)
#define STRESS_SVSM_SIZE (2ull << 20)

static struct {
	struct pstress s;
	struct proto_core core;
	struct rmp_sim sim;
	struct proto_platform plat;
	struct pstress_vcpu *v;
	unsigned nv;
	atomic_uint next;
	uint64_t deadline;
} stress;

/* The protocol's flush on this platform: the simulated RMP's (what the invariants check) and a
 * real shootdown across the CPUs, so the stress also drives mm/shootdown.h under contention. */
static void stress_flush(void *ctx, uint64_t gpa, uint64_t len)
{
	rmp_sim_flush(ctx, gpa, len);
	smp_tlb_flush_all();
}

static void stress_cpu(void *arg, unsigned cpu)
{
	(void)arg;
	(void)cpu;
	unsigned id = atomic_fetch_add(&stress.next, 1);
	if (id >= stress.nv)
		return;
	struct pstress_vcpu *v = &stress.v[id];
	uint64_t hv = 0x5DEECE66Dull + id;
	for (unsigned n = 0; !tsc_passed(stress.deadline); n++) {
		if (n % 8 == (id % 8))
			pstress_hv_step(&stress.s, &hv); /* every CPU plays the hypervisor now and then */
		pstress_step(&stress.s, v);
		smp_tlb_poll();
	}
}

void proto_stress_selftest(void (*check)(const char *name, int ok), unsigned ms)
{
	unsigned ncpu = smp_cpus_online();
	stress.nv = ncpu < PSTRESS_MAX_VCPUS ? ncpu : PSTRESS_MAX_VCPUS;
	stress.v = proto_kmem_alloc(0, stress.nv * sizeof(*stress.v));
	if (!stress.v || proto_native_init(&stress.sim, &stress.plat, STRESS_BASE, STRESS_MEM / 4096)) {
		check("protocol stress: simulated guest memory", 0);
		return;
	}
	stress.plat.flush = stress_flush;
	if (pstress_setup(&stress.s, &stress.core, &stress.plat, &stress.sim, STRESS_BASE, STRESS_MEM,
			  STRESS_SVSM_OFF, STRESS_SVSM_SIZE, stress.nv, stress.v, 15)) {
		check("protocol stress: set up", 0);
		return;
	}
	atomic_store(&stress.next, 0);
	uint64_t t0 = rdtsc();
	stress.deadline = tsc_deadline_ms(ms);
	smp_run_all(stress_cpu, 0);
	pstress_finish(&stress.s, &stress.v[0]);
	unsigned took = (unsigned)tsc_ms_since(t0);
	struct pstress *s = &stress.s;
	uint64_t bad = pstress_violations(s);
	char name[400];
	fmt_snprintf(name, sizeof(name),
		     "protocol stress on %u CPUs, %u ms: %lu operations (%lu PVALIDATE entries, %lu vCPUs created, "
		     "%lu deleted, %lu deposits, %lu withdrawn), %lu checks, %lu flushes, "
		     "%lu invariant violations (double PVALIDATE %lu)%s%s",
		     stress.nv, took, (unsigned long)s->ops, (unsigned long)s->entries, (unsigned long)s->created,
		     (unsigned long)s->deleted, (unsigned long)s->deposited, (unsigned long)s->withdrawn,
		     (unsigned long)s->checks, (unsigned long)atomic_load(&stress.sim.n_flush), (unsigned long)bad,
		     (unsigned long)atomic_load(&stress.sim.v_double),
		     atomic_load(&s->violations) ? ", first: " : "",
		     atomic_load(&s->violations) ? proto_check_name(s->first.kind) : "");
	check(name, bad == 0 && s->ops > 0);
	proto_destroy(&stress.core);
	proto_native_fini(&stress.sim);
	proto_kmem_free(0, stress.v, stress.nv * sizeof(*stress.v));
}
