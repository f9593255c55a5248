/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_snp_smp.c — the SVSM on every vCPU of an SNP guest, against a
 * model of the host as COCONUT-SVSM's KVM implements it
 * (coconut-svsm/linux, arch/x86/kvm/svm/sev.c):
 *
 *   AP Creation  sev_snp_ap_creation(): request = EXITINFO1[31:0] with the
 *                VMPL in [19:16], APIC ID in [63:32]; refused (EXITINFO1 =
 *                1, a #GP in EXITINFO2) for a VMPL > 3, an unknown APIC ID, a
 *                VMPL0 VMSA created by the target itself or by a vCPU not
 *                running its VMPL0 VMSA, a RAX whose injection-mode bits
 *                (restricted / alternate injection) differ from the VMPL's
 *                first vCPU's, and a GPA that is not a page address.
 *                CREATE switches the target to that VMPL at once (the next
 *                VMRUN), CREATE_ON_INIT does not, DESTROY drops the VMSA
 *                (the vCPU stops until the next creation).
 *                Mainline KVM (no multi-VMPL) takes the whole EXITINFO1[31:0]
 *                as the request and wants RAX equal to the VM's features.
 *   Run VMPL     __sev_run_vmpl_vmsa(): an error when the target VMPL has no
 *                VMSA; the response is preset to success, so a vCPU that the
 *                host switched away and back resumes with "ran".
 *   Get APIC IDs sev_get_apic_ids(): {count, ids} when RAX pages suffice,
 *                else RAX = pages needed; a bad GPA is EXITINFO1 2 / 5.
 *
 * Then the firmware's way of bringing up APs (edk2 MpInitLib AmdSev.c:
 * CREATE_VCPU through the SVSM, then its own AP Creation at VMPL2; on every
 * later wake-up AP Destroy, DELETE_VCPU, and the same again) is played on
 * three vCPUs, each with the SVSM's real request loop (protocol/vcpu_run.c,
 * reqloop.c, core.c over the RMP model): every call is served on the vCPU
 * that made it, a vCPU that deletes itself gets no answer, a VMSA deleted
 * under a loop that is still inside its Run VMPL is dropped when the loop
 * comes back, a refused Run VMPL is fatal only while the VMSA is registered.
 */
#include <string.h>

#include "../unit/tap.h"

#include "../../svsm/arch/lapic.h"
#include "../../svsm/protocol/vcpu_run.h"
#include "../../svsm/snp/ap.h"
#include "../../svsm/snp/hv_caps.h"
#include "../../svsm/snp/run_vmpl.h"
#include "proto_test_env.h"

#define NV 3
#define FEAT_RI (1ull << 3)
#define FEAT_AI (1ull << 4)
#define GP_EVENT 0x8000030Dull /* X86_TRAP_GP | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID */

/* ---- the host ---- */

struct kvcpu {
	uint32_t apic_id;
	uint64_t vmsa[4];  /* per VMPL, 0: none */
	unsigned cur_vmpl;
};

struct kvm {
	struct kvcpu v[NV];
	uint64_t features[4]; /* sev_features[vmpl]: fixed by the first vCPU created at that VMPL */
	bool mainline;
	uint64_t vm_features;
};

static void refuse(struct ghcb *g)
{
	ghcb_set(g, GHCB_OFF_EXIT_INFO1, 1);
	ghcb_set(g, GHCB_OFF_EXIT_INFO2, GP_EVENT);
}

static void kvm_ap_creation(struct kvm *k, unsigned caller, struct ghcb *g)
{
	uint64_t info1 = ghcb_get(g, GHCB_OFF_EXIT_INFO1), gpa = ghcb_get(g, GHCB_OFF_EXIT_INFO2);
	uint32_t request = (uint32_t)info1, apic = (uint32_t)(info1 >> 32);
	unsigned vmpl = k->mainline ? 0 : (request >> 16) & 0xF;
	if (!k->mainline)
		request &= ~0xF0000u;
	ghcb_set(g, GHCB_OFF_EXIT_INFO1, 0);
	ghcb_set(g, GHCB_OFF_EXIT_INFO2, 0);
	struct kvcpu *t = NULL;
	for (unsigned i = 0; i < NV; i++)
		if (k->v[i].apic_id == apic)
			t = &k->v[i];
	if (vmpl >= 4 || !t || request > SNP_AP_DESTROY) {
		refuse(g);
		return;
	}
	if (vmpl == 0 && !k->mainline && (t == &k->v[caller] || k->v[caller].cur_vmpl != 0)) {
		refuse(g);
		return;
	}
	if (request < SNP_AP_DESTROY) {
		uint64_t f = ghcb_get(g, GHCB_OFF_RAX);
		if (k->mainline) {
			if (f != k->vm_features) {
				refuse(g);
				return;
			}
		} else {
			if (!k->features[vmpl])
				k->features[vmpl] = f | 1;
			if ((f ^ k->features[vmpl]) & (FEAT_RI | FEAT_AI)) {
				refuse(g);
				return;
			}
		}
		if (gpa & 0xFFF) {
			refuse(g);
			return;
		}
	}
	if (request == SNP_AP_DESTROY) {
		t->vmsa[vmpl] = 0;
	} else {
		t->vmsa[vmpl] = gpa;
		if (request == SNP_AP_CREATE)
			t->cur_vmpl = vmpl;
	}
}

static void kvm_get_apic_ids(struct kvm *k, struct ghcb *g, uint8_t *page, size_t page_len)
{
	uint64_t pages = ghcb_get(g, GHCB_OFF_RAX), gpa = ghcb_get(g, GHCB_OFF_EXIT_INFO1);
	size_t need = 4 + 4 * NV;
	ghcb_set(g, GHCB_OFF_EXIT_INFO1, 0);
	ghcb_set(g, GHCB_OFF_EXIT_INFO2, 0);
	if (need > pages * 4096 || need > page_len) {
		ghcb_set(g, GHCB_OFF_RAX, (need + 4095) / 4096 + (need > page_len));
		return;
	}
	if (gpa & 0xFFF) {
		ghcb_set(g, GHCB_OFF_EXIT_INFO1, 2);
		ghcb_set(g, GHCB_OFF_EXIT_INFO2, 5);
		return;
	}
	uint32_t n = NV;
	memcpy(page, &n, 4);
	for (unsigned i = 0; i < NV; i++)
		memcpy(page + 4 + 4 * i, &k->v[i].apic_id, 4);
}

/* ---- encodings against the host ---- */

static void test_ap_creation(void)
{
	struct kvm k = { .v = { { 0, { 0x1000 }, 0 }, { 1, { 0 }, 0 }, { 2, { 0 }, 0 } } };
	k.features[0] = 0x29; /* the launch VMSA: SNP | restricted injection | debug swap */
	struct ghcb g;
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE, 1, 0, 0x7F001000ull, 0x29);
	ok(ghcb_get(&g, GHCB_OFF_EXIT_INFO1) == 0x0000000100000001ull && ghcb_get(&g, GHCB_OFF_RAX) == 0x29,
	   "VMPL0 AP Creation: EXITINFO1 = APIC ID << 32 | VMPL 0 << 16 | CREATE, RAX = SEV_FEATURES");
	kvm_ap_creation(&k, 0, &g);
	ok(snp_ap_creation_verdict(&g) == 0 && k.v[1].vmsa[0] == 0x7F001000ull && k.v[1].cur_vmpl == 0,
	   "COCONUT's KVM: accepted, vCPU 1 starts on it at once");
	struct {
		const char *what;
		uint32_t apic;
		uint64_t gpa, feat;
		unsigned caller_vmpl;
	} bad[] = {
		{ "an APIC ID the host has no vCPU for", 9, 0x7F002000, 0x29, 0 },
		{ "the caller's own APIC ID (VMPL0 is replaced by another vCPU only)", 0, 0x7F002000, 0x29, 0 },
		{ "a caller not running its VMPL0 VMSA", 2, 0x7F002000, 0x29, 2 },
		{ "injection mode differing from VMPL0's (no restricted injection)", 2, 0x7F002000, 0x21, 0 },
		{ "a VMSA address that is not a page address", 2, 0x7F002010, 0x29, 0 },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		k.v[0].cur_vmpl = bad[i].caller_vmpl;
		ghcb_reset(&g);
		ghcb_set_ap_creation(&g, SNP_AP_CREATE, bad[i].apic, 0, bad[i].gpa, bad[i].feat);
		kvm_ap_creation(&k, 0, &g);
		ok(ghcb_get(&g, GHCB_OFF_EXIT_INFO1) == 1 && ghcb_get(&g, GHCB_OFF_EXIT_INFO2) == GP_EVENT &&
		   snp_ap_creation_verdict(&g) == GHCB_TERM_FEATURE && !k.v[2].vmsa[0],
		   "refused (EXITINFO1 1, #GP): %s; the SVSM reports the CPU offline", bad[i].what);
	}
	k.v[0].cur_vmpl = 0;

	struct kvm ml = { .v = { { 0, { 0x1000 }, 0 }, { 1, { 0 }, 0 } }, .mainline = true, .vm_features = 0x21 };
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE, 1, 0, 0x7F001000ull, 0x21);
	kvm_ap_creation(&ml, 0, &g);
	ok(snp_ap_creation_verdict(&g) == 0, "mainline KVM: a VMPL0 request with the VM's features exactly is taken");
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE, 1, 0, 0x7F001000ull, 0x29);
	kvm_ap_creation(&ml, 0, &g);
	ok(snp_ap_creation_verdict(&g) == GHCB_TERM_FEATURE, "… other features are refused");
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE, 1, 2, 0x7F001000ull, 0x21);
	kvm_ap_creation(&ml, 0, &g);
	ok(snp_ap_creation_verdict(&g) == GHCB_TERM_FEATURE,
	   "… and so is any VMPL in [19:16] (the firmware's VMPL2 VMSAs: hv_caps already requires multi-VMPL)");
}

static void test_apic_ids(void)
{
	struct kvm k;
	memset(&k, 0, sizeof(k));
	k.v[1].apic_id = 4;
	k.v[2].apic_id = 8;
	static uint8_t page[4096];
	uint32_t ids[8];
	struct ghcb g;
	ghcb_reset(&g);
	ghcb_set_get_apic_ids(&g, 0x5000, 1);
	ok(ghcb_get(&g, GHCB_OFF_EXIT_CODE) == 0x80000017ull && ghcb_get(&g, GHCB_OFF_EXIT_INFO1) == 0x5000 &&
	   ghcb_get(&g, GHCB_OFF_RAX) == 1 && ghcb_valid(&g, GHCB_OFF_RAX),
	   "Get APIC IDs: NAE 0x8000_0017, EXITINFO1 = GPA, RAX = pages (marked valid)");
	kvm_get_apic_ids(&k, &g, page, sizeof(page));
	unsigned n = snp_apic_ids_parse(&g, 1, page, sizeof(page), ids, 8);
	ok(n == 3 && ids[0] == 0 && ids[1] == 4 && ids[2] == 8, "the host's IDs in its order (with gaps: 0, 4, 8)");
	ghcb_reset(&g);
	ghcb_set_get_apic_ids(&g, 0x5000, 1);
	kvm_get_apic_ids(&k, &g, page, 8); /* a buffer too small for the host */
	ok(snp_apic_ids_parse(&g, 1, page, 8, ids, 8) == 0, "the host wants more pages (RAX = %llu): no list",
	   (unsigned long long)ghcb_get(&g, GHCB_OFF_RAX));
	ghcb_reset(&g);
	ghcb_set_get_apic_ids(&g, 0x5008, 1);
	kvm_get_apic_ids(&k, &g, page, sizeof(page));
	ok(snp_apic_ids_parse(&g, 1, page, sizeof(page), ids, 8) == 0, "a refused request (2/5): no list");
	/* Hostile content. */
	ghcb_reset(&g);
	ghcb_set(&g, GHCB_OFF_RAX, 1);
	uint32_t evil[6] = { 0xFFFFFFFFu, 3, 3, 7, 3, 7 };
	memcpy(page, evil, sizeof(evil));
	n = snp_apic_ids_parse(&g, 1, page, sizeof(evil), ids, 8);
	ok(n == 2 && ids[0] == 3 && ids[1] == 7, "a count beyond the buffer is clipped, duplicates dropped");
	ok(snp_apic_ids_parse(&g, 1, page, sizeof(evil), ids, 1) == 1, "never more than the caller's room");
}

static void test_vmsa_and_ipi(void)
{
	struct igvm_sev_vmsa v;
	memset(&v, 0xEE, sizeof(v));
	struct snp_ap_vmsa_params p = { .cr0 = 0x80050033, .cr3 = 0x8000123000ull, .cr4 = 0x6A0, .efer = 0xD01,
					.xcr0 = 1, .pat = 0x0007040600070406ull, .rip = 0xFFFFFFFF80001000ull,
					.rsp = 0xFFFFFFFF80900000ull, .rdi = 3, .gs_base = 0xFFFFFFFF80040000ull,
					.gdt_base = 0xFFFFFFFF80040010ull, .gdt_limit = 55,
					.idt_base = 0xFFFFFFFF80050000ull, .idt_limit = 4095,
					.tss_base = 0xFFFFFFFF80040048ull, .sev_features = 0x29 };
	snp_ap_vmsa_build(&v, &p);
	ok(v.cs.selector == 0x08 && v.cs.attrib == 0xA9B && v.ss.selector == 0x10 && v.ss.attrib == 0xC93 &&
	   v.ds.attrib == 0xC93, "64-bit code 0x08 (L, G), data 0x10");
	ok(v.gs.base == p.gs_base && v.gdtr.base == p.gdt_base && v.gdtr.limit == 55 && v.idtr.base == p.idt_base &&
	   v.tr.selector == 0x18 && v.tr.attrib == 0x8B && v.tr.base == p.tss_base && v.tr.limit == 0x67,
	   "GS base = per-CPU area, its GDT and TSS, the shared IDT");
	ok(v.cr0 == p.cr0 && v.cr3 == p.cr3 && v.cr4 == p.cr4 && v.efer == (0xD01 | 0x1000) && v.rip == p.rip &&
	   v.rsp == p.rsp && v.rdi == 3 && v.rflags == 2, "the boot CPU's CR0/CR3/CR4, EFER | SVME, entry, stack, index");
	ok(v.vmpl == 0 && v.sev_features == 0x29 && v.rax == 0 && v.guest_error_code == 0, "VMPL 0, the SVSM's features");
	struct ghcb g;
	ghcb_reset(&g);
	ghcb_set_hv_ipi(&g, 5, SNP_IPI_VECTOR);
	ok(ghcb_get(&g, GHCB_OFF_EXIT_CODE) == 0x80000015ull && ghcb_get(&g, GHCB_OFF_EXIT_INFO1) == 0x00000005000000F2ull &&
	   ghcb_get(&g, GHCB_OFF_EXIT_INFO2) == 0, "#HV IPI: NAE 0x8000_0015, EXITINFO1 = x2APIC ICR (fixed, dest 5)");
	ok(ghcb_get(&g, GHCB_OFF_EXIT_INFO1) == lapic_icr(ICR_FIXED | SNP_IPI_VECTOR, 5, true),
	   "… the same ICR value the native x2APIC path writes to MSR 0x830");
	/* The native platform's ICR values (arch/lapic.h); QEMU 7.2's TCG has no x2APIC to boot them on. */
	ok(lapic_icr(ICR_INIT | ICR_ASSERT | ICR_LEVEL, 0x123, true) == 0x000001230000C500ull &&
	   lapic_icr(ICR_STARTUP | 0x0F, 7, true) == 0x000000070000060Full,
	   "x2APIC: INIT (level, assert) and STARTUP vector 0x0F, destination in bits 63:32");
	ok(lapic_icr(ICR_STARTUP | 0x0F, 0x107, false) == 0x070000000000060Full,
	   "xAPIC: the destination's 8 bits in 63:56 (ICR high bits 31:24)");
}

/* ---- three vCPUs, the firmware bringing its APs up ---- */

static struct rmp_model *m;
static struct proto_core core, *c = &core;
static struct kvm host;
static struct vcpu_run loops[NV];
static unsigned wakes[NV];

static bool exists(void *ctx, uint32_t apic)
{
	(void)ctx;
	for (unsigned i = 0; i < NV; i++)
		if (host.v[i].apic_id == apic)
			return true;
	return false;
}

static void bind(void *ctx, uint32_t apic, unsigned slot, uint32_t gen)
{
	(void)ctx;
	for (unsigned i = 0; i < NV; i++)
		if (host.v[i].apic_id == apic) {
			vcpu_run_bind(&loops[i], slot, gen);
			wakes[i]++; /* the IPI that ends its idle wait */
		}
}

/* The guest at VMPL2 on vCPU i makes a call: registers into its VMSA, call_pending in its CA,
 * the VMGEXIT; the host switches the vCPU to VMPL0. */
static void guest_call(unsigned i, uint64_t ca, uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	struct igvm_sev_vmsa *v = rmp_sim_map(&m->sim, host.v[i].vmsa[2], sizeof(*v));
	v->guest_error_code = SVM_EXIT_VMGEXIT;
	v->rax = rax;
	v->rcx = rcx;
	v->rdx = rdx;
	v->r8 = r8;
	uint8_t one = 1;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, ca, &one, 1);
	host.v[i].cur_vmpl = 0;
}

static uint64_t guest_rax(unsigned i)
{
	return ((struct igvm_sev_vmsa *)rmp_sim_map(&m->sim, host.v[i].vmsa[2], 4096))->rax;
}

/* The SVSM's loop on vCPU i until it asks to run VMPL2 (or idles): returns VCPU_RUN/IDLE. */
static enum vcpu_next svsm_resume(unsigned i, bool was_in_run)
{
	if (was_in_run && !vcpu_run_after(&loops[i], VCPU_RAN))
		return VCPU_IDLE;
	return vcpu_run_prepare(&loops[i]);
}

/* The firmware on the boot vCPU: CREATE_VCPU through the SVSM, then AP Creation at VMPL2. */
static uint64_t fw_create(unsigned ap, uint64_t vmsa, uint64_t ca)
{
	env_write_vmsa(m, vmsa, 2, EFER_SVME, ENV_SEV_FEATURES);
	guest_call(0, ENV_BOOT_CA, SVSM_CORE_CREATE_VCPU, vmsa, ca, host.v[ap].apic_id);
	svsm_resume(0, true); /* served on vCPU 0 */
	host.v[0].cur_vmpl = 2;
	uint64_t rc = guest_rax(0);
	if (rc != SVSM_SUCCESS)
		return rc;
	struct ghcb g;
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE, host.v[ap].apic_id, 2, vmsa, ENV_SEV_FEATURES);
	kvm_ap_creation(&host, 0, &g);
	return ghcb_exit_status(&g) == 0 ? SVSM_SUCCESS : ~0ull;
}

static void test_bringup(void)
{
	if (env_setup(&m, c)) {
		ok(0, "environment");
		return;
	}
	m->plat.vcpu_exists = exists;
	m->plat.vcpu_bind = bind;
	for (unsigned i = 0; i < NV; i++)
		host.v[i].apic_id = i * 2; /* APIC IDs 0, 2, 4 */
	host.features[0] = 0x29;
	host.features[2] = ENV_SEV_FEATURES;
	host.v[0].vmsa[2] = ENV_BOOT_VMSA;
	host.v[0].cur_vmpl = 2;
	struct igvm_sev_vmsa *bv = rmp_sim_map(&m->sim, ENV_BOOT_VMSA, sizeof(*bv));
	memset(bv, 0, sizeof(*bv));
	bv->efer = EFER_SVME;
	struct reqloop_vcpu boot = { 0, c->vcpu[0].gen, ENV_BOOT_VMSA, NULL };
	vcpu_run_init(&loops[0], c, &boot);
	for (unsigned i = 1; i < NV; i++)
		vcpu_run_init(&loops[i], c, NULL);
	ok(vcpu_run_prepare(&loops[0]) == VCPU_RUN, "vCPU 0: the boot VMSA, stepped once, then run");
	ok(vcpu_run_prepare(&loops[1]) == VCPU_IDLE && vcpu_run_prepare(&loops[2]) == VCPU_IDLE,
	   "vCPUs 1 and 2: nothing to run yet, idle");

	uint64_t A = 0x40000, CA = 0x41000, B = 0x42000, C2 = 0x44000;
	rmp_sim_rmpadjust(&m->sim, CA, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false);
	env_write_vmsa(m, A, 2, EFER_SVME, ENV_SEV_FEATURES);
	guest_call(0, ENV_BOOT_CA, SVSM_CORE_CREATE_VCPU, A, CA, 7);
	svsm_resume(0, true);
	host.v[0].cur_vmpl = 2;
	is_u64(guest_rax(0), SVSM_ERR_INVALID_PARAMETER, "CREATE_VCPU for APIC ID 7 (no such vCPU): INVALID_PARAMETER");

	is_u64(fw_create(1, A, CA), SVSM_SUCCESS, "the firmware creates vCPU 1 (APIC ID 2): CREATE_VCPU, AP Creation");
	ok(wakes[1] == 1 && host.v[1].cur_vmpl == 2 && host.v[1].vmsa[2] == A,
	   "… served on vCPU 0, handed to vCPU 1's loop (an IPI), the host switched vCPU 1 to the new VMSA");
	/* vCPU 1's first instructions at VMPL2 make a call: its VMPL0 resumes in the idle loop. */
	guest_call(1, CA, SVSM_CORE_QUERY_PROTOCOL, 1ull << 32 | 1, 0, 0);
	ok(svsm_resume(1, false) == VCPU_RUN && loops[1].calls == 1, "vCPU 1's loop takes its VMSA and serves the call "
	   "that woke it before running it");
	ok(guest_rax(1) == SVSM_SUCCESS, "… on vCPU 1, not on the vCPU that created it");
	uint64_t calls0 = loops[0].calls;
	guest_call(1, CA, SVSM_CORE_QUERY_PROTOCOL, 1ull << 32 | 1, 0, 0);
	svsm_resume(1, true);
	ok(loops[1].calls == 2 && loops[0].calls == calls0, "its next call too");

	guest_call(1, CA, SVSM_CORE_DELETE_VCPU, A, 0, 0);
	ok(svsm_resume(1, true) == VCPU_IDLE && guest_rax(1) == SVSM_CORE_DELETE_VCPU && proto_find_vcpu(c, A) < 0,
	   "vCPU 1 deletes itself: no answer, its loop idles, the VMSA is gone");

	is_u64(fw_create(1, B, CA), SVSM_SUCCESS, "created again (VMSA B)");
	guest_call(1, CA, SVSM_CORE_QUERY_PROTOCOL, 1ull << 32 | 1, 0, 0);
	ok(svsm_resume(1, false) == VCPU_RUN && guest_rax(1) == SVSM_SUCCESS, "… and served");
	/* vCPU 1 now runs B at VMPL2 (its loop inside Run VMPL). */
	rmp_sim_set_inuse(&m->sim, B, true);
	guest_call(0, ENV_BOOT_CA, SVSM_CORE_DELETE_VCPU, B, 0, 0);
	svsm_resume(0, true);
	host.v[0].cur_vmpl = 2;
	is_u64(guest_rax(0), SVSM_ERR_CORE_FAIL_INUSE, "DELETE_VCPU of a VMSA a vCPU executes: FAIL_INUSE");
	/* The firmware's re-creation: AP Destroy (the host stops vCPU 1), DELETE_VCPU, create anew. */
	struct ghcb g;
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_DESTROY, 2, 2, B, 0);
	kvm_ap_creation(&host, 0, &g);
	rmp_sim_set_inuse(&m->sim, B, false);
	guest_call(0, ENV_BOOT_CA, SVSM_CORE_DELETE_VCPU, B, 0, 0);
	svsm_resume(0, true);
	host.v[0].cur_vmpl = 2;
	ok(ghcb_exit_status(&g) == 0 && guest_rax(0) == SVSM_SUCCESS, "AP Destroy, then DELETE_VCPU: done");
	is_u64(fw_create(1, C2, CA), SVSM_SUCCESS, "created anew (VMSA C)");
	guest_call(1, CA, SVSM_CORE_QUERY_PROTOCOL, 1ull << 32 | 1, 0, 0);
	/* vCPU 1's VMPL0 comes back from the Run VMPL it made for B (the preset answer: ran). */
	ok(svsm_resume(1, true) == VCPU_RUN && loops[1].dropped == 2 && loops[1].cur.vmsa == C2 &&
	   guest_rax(1) == SVSM_SUCCESS, "vCPU 1's loop drops B (deleted under it) and serves C's call");
	ok(vcpu_run_after(&loops[1], VCPU_CANCELLED), "a cancelled hand-over: nothing to do");
	ok(!vcpu_run_after(&loops[1], VCPU_REFUSED), "Run VMPL refused for a registered VMSA: fatal");
	guest_call(0, ENV_BOOT_CA, SVSM_CORE_DELETE_VCPU, C2, 0, 0);
	svsm_resume(0, true);
	ok(guest_rax(0) == SVSM_SUCCESS && vcpu_run_after(&loops[1], VCPU_REFUSED) && vcpu_run_prepare(&loops[1]) ==
	   VCPU_IDLE, "… but not once it was deleted: dropped, idle");
	ok(rmp_sim_violations(&m->sim) == 0, "the RMP model saw no violation");
	proto_destroy(c);
	rmp_model_free(m);
}

int main(void)
{
	test_ap_creation();
	test_apic_ids();
	test_vmsa_and_ipi();
	test_bringup();
	return tap_done();
}
