/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_reqloop.c — the request loop's step against the RMP model: the
 * register round trip through the guest's VMSA, which exits are calls,
 * call_pending consumed exactly once, EFER.SVME clear while a call is handled
 * and set when the step returns; and the portable SNP pieces the launch uses
 * (Run VMPL and AP Creation encodings, the guest's reset VMSA, the guest's
 * secrets page, INVLPGB operands).
 */
#include "../unit/tap.h"

#include "../../svsm/protocol/reqloop.h"
#include "../../svsm/snp/guest_vmsa.h"
#include "../../svsm/snp/run_vmpl.h"
#include "../../svsm/snp/secrets_page.h"
#include "../../svsm/snp/tlb.h"
#include "proto_test_env.h"

#define SVM_EXIT_INTR 0x60ull
#define SVM_EXIT_NPF  0x400ull

static struct rmp_model *m;
static struct proto_core core, *c = &core;
static struct igvm_sev_vmsa *vmsa;

static struct proto_ca *ca(void)
{
	return rmp_sim_map(&m->sim, ENV_BOOT_CA, sizeof(struct proto_ca));
}

static void set_pending(uint8_t v)
{
	ok(rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, ENV_BOOT_CA, &v, 1), "guest writes call_pending = %u", v);
}

/* The processor's side of an exit: exit code and registers into the VMSA. */
static void exit_with(uint64_t code, uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	vmsa->guest_error_code = code;
	vmsa->rax = rax;
	vmsa->rcx = rcx;
	vmsa->rdx = rdx;
	vmsa->r8 = r8;
}

/* The boot vCPU (slot 0) as its request loop knows it; another slot as if it were there. */
static enum reqloop_exit step(unsigned slot)
{
	struct reqloop_vcpu v = { slot, slot < PROTO_MAX_VCPUS ? c->vcpu[slot].gen : 0, ENV_BOOT_VMSA, NULL };
	return reqloop_step(c, &v);
}

static uint64_t calls(void)
{
	return atomic_load(&c->st.calls);
}

/* EFER as the platform sees it while the core handles a call (its first guest access is
 * the exchange of call_pending). */
static bool (*orig_xchg8)(void *, uint64_t, uint8_t, uint8_t *);
static uint64_t efer_seen;
static unsigned maps_seen;
static bool spy_xchg8(void *ctx, uint64_t gpa, uint8_t v, uint8_t *old)
{
	efer_seen = vmsa->efer;
	maps_seen++;
	return orig_xchg8(ctx, gpa, v, old);
}

static void test_round_trip(void)
{
	set_pending(1);
	exit_with(SVM_EXIT_VMGEXIT, (uint64_t)SVSM_CORE_PROTOCOL << 32 | SVSM_CORE_QUERY_PROTOCOL, 1ull << 32 | 1,
		  0x1111, 0x2222);
	is_u64(step(0), REQLOOP_CALL, "VMGEXIT with call_pending: a call");
	is_u64(vmsa->rax, SVSM_SUCCESS, "RAX = result (SUCCESS)");
	is_u64(vmsa->rcx, 0x0000000100000001ull, "QUERY_PROTOCOL output in RCX (attestation v1..v1)");
	ok(vmsa->rdx == 0x1111 && vmsa->r8 == 0x2222, "RDX, R8 the call did not touch come back unchanged");
	is_u64(ca()->call_pending, 0, "call_pending cleared");
	ok(vmsa->efer & EFER_SVME, "EFER.SVME set when the step returns");

	/* The same exit seen again (the hypervisor re-entered VMPL0 without running the guest). */
	uint64_t n = calls();
	is_u64(step(0), REQLOOP_NO_CALL, "stale VMGEXIT, call_pending clear: no call");
	ok(calls() == n && vmsa->rax == SVSM_SUCCESS && vmsa->rcx == 0x0000000100000001ull,
	   "… nothing dispatched, registers untouched: call_pending is consumed exactly once");

	set_pending(1);
	exit_with(SVM_EXIT_VMGEXIT, 0xDEADBEEF00000000ull | 3, 5, 6, 7);
	is_u64(step(0), REQLOOP_CALL, "unknown protocol: still a call");
	is_u64(vmsa->rax, SVSM_ERR_UNSUPPORTED_PROTOCOL, "RAX = UNSUPPORTED_PROTOCOL, upper half zero");

	set_pending(1);
	exit_with(SVM_EXIT_VMGEXIT, SVSM_CORE_CONFIGURE_VTOM, 1, 0, 0);
	ok(step(0) == REQLOOP_CALL && vmsa->rax == SVSM_SUCCESS && vmsa->rcx == 0,
	   "CONFIGURE_VTOM query: RCX = 0 written back");

	n = calls();
	set_pending(0x80);
	exit_with(SVM_EXIT_VMGEXIT, SVSM_CORE_CONFIGURE_VTOM, 1, 0, 0);
	ok(step(0) == REQLOOP_CALL && vmsa->rax == SVSM_ERR_INVALID_FORMAT && vmsa->rcx == 1 &&
	   ca()->call_pending == 0 && calls() == n,
	   "reserved call_pending value: consumed and answered (INVALID_FORMAT), nothing dispatched");
}

static void test_attest_registers(void)
{
	/* ATTEST_SERVICES writes RCX (manifest size), RDX (certificate size 0) and R8 (report size). */
	uint64_t op[8] = { 0x9000, 4096, 0x8000, 64, 0xA000, 4096, 0, 0 };
	uint8_t nonce[64];
	for (int i = 0; i < 64; i++)
		nonce[i] = (uint8_t)(i * 7);
	ok(rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x7000, op, sizeof(op)) &&
	   rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x8000, nonce, sizeof(nonce)), "guest writes the operation");
	set_pending(1);
	exit_with(SVM_EXIT_VMGEXIT, (uint64_t)SVSM_ATTEST_PROTOCOL << 32 | SVSM_ATTEST_SERVICES, 0x7000, 0xAAAA,
		  0xBBBB);
	is_u64(step(0), REQLOOP_CALL, "ATTEST_SERVICES through the request loop");
	is_u64(vmsa->rax, SVSM_SUCCESS, "… succeeds");
	ok(vmsa->rcx > 0 && vmsa->rcx <= 4096, "… RCX = manifest size (%llu)", (unsigned long long)vmsa->rcx);
	is_u64(vmsa->rdx, 0, "… RDX = 0 (no certificates), the guest's value replaced");
	is_u64(vmsa->r8, RMP_MODEL_REPORT_SIZE, "… R8 = report size");
}

static void test_not_calls(void)
{
	uint64_t n = calls();
	set_pending(1);
	exit_with(SVM_EXIT_INTR, SVSM_CORE_QUERY_PROTOCOL, 1, 2, 3);
	is_u64(step(0), REQLOOP_OTHER_EXIT, "interrupt exit with call_pending set: not a call");
	ok(ca()->call_pending == 1, "… call_pending left for the real VMGEXIT");
	exit_with(SVM_EXIT_NPF, SVSM_CORE_QUERY_PROTOCOL, 1, 2, 3);
	is_u64(step(0), REQLOOP_OTHER_EXIT, "#NPF exit: not a call");
	exit_with(SVM_EXIT_VMGEXIT | (1ull << 32), SVSM_CORE_QUERY_PROTOCOL, 1, 2, 3);
	is_u64(step(0), REQLOOP_OTHER_EXIT, "exit code compared in full (0x1_0000_0403 is not VMGEXIT)");
	ok(calls() == n && vmsa->rax == SVSM_CORE_QUERY_PROTOCOL && vmsa->rcx == 1 && vmsa->rdx == 2 && vmsa->r8 == 3,
	   "… nothing dispatched, registers untouched");
	ok(vmsa->efer & EFER_SVME, "… VMSA left runnable");

	exit_with(SVM_EXIT_VMGEXIT, SVSM_CORE_QUERY_PROTOCOL, 1, 2, 3);
	is_u64(step(7), REQLOOP_GONE, "a slot with no vCPU: gone, no call");
	ok(ca()->call_pending == 1 && calls() == n, "… the registered vCPU's call_pending untouched");
	is_u64(step(PROTO_MAX_VCPUS + 3), REQLOOP_GONE, "an out-of-range slot: gone, no call");
	is_u64(step(0), REQLOOP_CALL, "the pending call is served at the VMGEXIT");
	ok(calls() == n + 1 && ca()->call_pending == 0 && vmsa->rcx == 0x0000000100000001ull, "… once");
}

static void test_svme(void)
{
	orig_xchg8 = m->plat.xchg8;
	m->plat.xchg8 = spy_xchg8;
	maps_seen = 0;
	vmsa->efer = EFER_SVME | 0x500; /* LME|LMA-like bits must survive */
	set_pending(1);
	exit_with(SVM_EXIT_VMGEXIT, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0);
	is_u64(step(0), REQLOOP_CALL, "a call with the map spy installed");
	ok(maps_seen > 0 && !(efer_seen & EFER_SVME), "EFER.SVME clear while the call is handled");
	is_u64(vmsa->efer, EFER_SVME | 0x500, "EFER.SVME set again, other EFER bits kept");
	m->plat.xchg8 = orig_xchg8;

	vmsa->efer = 0x500;
	exit_with(SVM_EXIT_INTR, 0, 0, 0, 0);
	step(0);
	is_u64(vmsa->efer, EFER_SVME | 0x500, "a VMSA found without SVME is made runnable (non-call exit)");
}

/* ---- issue 15: a VMSA in guest memory, deleted by its own call or by another vCPU's ---- */

static struct reqloop_vcpu created(uint64_t vm, uint64_t ca, uint32_t apic)
{
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	struct proto_regs r = { SVSM_CORE_CREATE_VCPU, vm, ca, apic };
	proto_dispatch(c, 0, &r);
	int slot = proto_find_vcpu(c, vm);
	ok(r.rax == SVSM_SUCCESS && slot > 0, "CREATE_VCPU: VMSA 0x%llx in slot %d", (unsigned long long)vm, slot);
	struct reqloop_vcpu v = { (unsigned)slot, slot > 0 ? c->vcpu[slot].gen : 0, vm, NULL };
	return v;
}

/* The processor's side of an exit of the VMSA at gpa, and the guest's call_pending at ca. */
static struct igvm_sev_vmsa *guest_exit(uint64_t gpa, uint64_t ca, uint64_t rax, uint64_t rcx)
{
	struct igvm_sev_vmsa *v = rmp_sim_map(&m->sim, gpa, sizeof(*v));
	v->guest_error_code = SVM_EXIT_VMGEXIT;
	v->rax = rax;
	v->rcx = rcx;
	v->rdx = 0x77;
	uint8_t one = 1;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, ca, &one, 1);
	return v;
}

static struct reqloop_vcpu other_victim; /* deleted by "another vCPU" in the middle of a call */
static bool (*orig_xchg8b)(void *, uint64_t, uint8_t, uint8_t *);
static bool delete_spy(void *ctx, uint64_t gpa, uint8_t v, uint8_t *old)
{
	struct proto_regs r = { SVSM_CORE_DELETE_VCPU, other_victim.vmsa, 0, 0 };
	m->plat.xchg8 = orig_xchg8b;
	proto_dispatch(c, 0, &r); /* slot 0 deletes it while its own call is being served */
	ok(r.rax == SVSM_SUCCESS, "another vCPU deletes it while its call is served (no lock held then)");
	return orig_xchg8b(ctx, gpa, v, old);
}

static void test_gone(void)
{
	uint64_t vm = 0x30000, ca = 0x31000;
	rmp_sim_rmpadjust(&m->sim, ca, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false); /* prevalidated RAM */
	struct reqloop_vcpu v = created(vm, ca, 11);
	struct igvm_sev_vmsa *x = guest_exit(vm, ca, SVSM_CORE_QUERY_PROTOCOL, 1ull << 32 | 1);
	is_u64(reqloop_step(c, &v), REQLOOP_CALL, "a call of a vCPU whose VMSA is guest memory");
	ok(x->rax == SVSM_SUCCESS && x->rcx == 0x0000000100000001ull && (x->efer & EFER_SVME),
	   "… results written through the guest accessors, SVME set");

	x = guest_exit(vm, ca, SVSM_CORE_DELETE_VCPU, vm);
	is_u64(reqloop_step(c, &v), REQLOOP_GONE, "DELETE_VCPU of its own VMSA: gone");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, vm);
	ok(x->rax == SVSM_CORE_DELETE_VCPU && x->rcx == vm && x->rdx == 0x77 && !(x->efer & EFER_SVME),
	   "… the call does not return: nothing written back, SVME stays clear");
	ok(!p.vmsa && p.perm[2] == RMP_PERM_ALL && proto_find_vcpu(c, vm) < 0, "… the page is the guest's again");
	is_u64(reqloop_step(c, &v), REQLOOP_GONE, "the loop steps it again: still gone, nothing touched");

	v = created(vm, ca, 12);
	other_victim = v;
	x = guest_exit(vm, ca, SVSM_CORE_QUERY_PROTOCOL, 1ull << 32 | 1);
	orig_xchg8b = m->plat.xchg8;
	m->plat.xchg8 = delete_spy;
	is_u64(reqloop_step(c, &v), REQLOOP_GONE, "deleted by another vCPU during its call: gone");
	ok(x->rax == SVSM_CORE_QUERY_PROTOCOL && !(x->efer & EFER_SVME), "… no result written into the page");

	v = created(vm, ca, 13);
	struct reqloop_vcpu stale = v;
	stale.gen--;
	x = guest_exit(vm, ca, SVSM_CORE_QUERY_PROTOCOL, 1ull << 32 | 1);
	is_u64(reqloop_step(c, &stale), REQLOOP_GONE, "an older generation of the slot: not this vCPU");
	uint8_t pending = *(uint8_t *)rmp_sim_map(&m->sim, ca, 1);
	ok(pending == 1 && x->rax == SVSM_CORE_QUERY_PROTOCOL, "… the new vCPU's call left for its own loop");
	is_u64(reqloop_step(c, &v), REQLOOP_CALL, "… which serves it");

	rmp_sim_hv_flip(&m->sim, vm, true);
	is_u64(reqloop_step(c, &v), REQLOOP_GONE, "a VMSA page the hypervisor took: gone, not a fatal fault");
	struct proto_regs r = { SVSM_CORE_DELETE_VCPU, vm, 0, 0 };
	proto_dispatch(c, 0, &r);
	ok(r.rax == SVSM_ERR_INVALID_ADDRESS, "… its DELETE_VCPU cannot clear SVME: INVALID_ADDRESS (0x%llx)",
	   (unsigned long long)r.rax);
}

static void test_run_vmpl(void)
{
	is_u64(ghcb_msr_run_vmpl_req(2), 0x0000000200000016ull, "MSR Run VMPL request: GHCBData[39:32] = 2, code 0x016");
	is_u64(ghcb_msr_run_vmpl_req(0x1FF), 0x000000FF00000016ull, "VMPL field is 8 bits");
	uint32_t err = 99;
	ok(ghcb_msr_run_vmpl_resp(0x0000000000000017ull, &err) && err == 0, "response 0x017, error 0");
	ok(ghcb_msr_run_vmpl_resp(0x0000000500000017ull, &err) && err == 5, "response 0x017, error GHCBData[63:32]");
	ok(!ghcb_msr_run_vmpl_resp(0x0000000200000016ull, &err), "the request echoed back is no response");

	struct ghcb g;
	memset(&g, 0xCC, sizeof(g));
	ghcb_reset(&g);
	ghcb_set_run_vmpl(&g, 2);
	ok(ghcb_get(&g, GHCB_OFF_EXIT_CODE) == 0x80000018ull && ghcb_get(&g, GHCB_OFF_EXIT_INFO1) == 2 &&
	   ghcb_get(&g, GHCB_OFF_EXIT_INFO2) == 0 && ghcb_valid(&g, GHCB_OFF_EXIT_CODE) &&
	   ghcb_valid(&g, GHCB_OFF_EXIT_INFO1) && ghcb_valid(&g, GHCB_OFF_EXIT_INFO2),
	   "GHCB Run VMPL: exit 0x8000_0018, EXIT_INFO1 = VMPL, EXIT_INFO2 = 0");

	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE_ON_INIT, 3, 2, 0x1234000, 0x1);
	ok(ghcb_get(&g, GHCB_OFF_EXIT_CODE) == 0x80000013ull && ghcb_get(&g, GHCB_OFF_EXIT_INFO1) == 0x0000000300020000ull &&
	   ghcb_get(&g, GHCB_OFF_EXIT_INFO2) == 0x1234000 && ghcb_get(&g, GHCB_OFF_RAX) == 1 &&
	   ghcb_valid(&g, GHCB_OFF_RAX), "AP Creation: APIC ID << 32 | VMPL << 16 | request, VMSA GPA, RAX = SEV_FEATURES");
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE, 0, 2, 0x5000, 0x1);
	is_u64(ghcb_get(&g, GHCB_OFF_EXIT_INFO1), 0x0000000000020001ull, "AP Creation 'create now' is request 1");
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void test_guest_vmsa(void)
{
	struct igvm_sev_vmsa v;
	memset(&v, 0xEE, sizeof(v));
	struct guest_vmsa_params p = { GUEST_VMSA_RESET_IP, SEV_FEAT_SNP, 0x123456789000ull, 2 };
	guest_vmsa_build(&v, &p);
	ok(v.cs.selector == 0xF000 && v.cs.base == 0xFFFF0000ull && v.cs.limit == 0xFFFF && v.cs.attrib == 0x9B &&
	   v.rip == 0xFFF0, "reset vector: CS F000 base FFFF0000, RIP FFF0, code attributes 0x9B");
	ok(v.ds.selector == 0 && v.ds.base == 0 && v.ds.limit == 0xFFFF && v.ds.attrib == 0x93 && v.ss.attrib == 0x93 &&
	   v.es.attrib == 0x93 && v.fs.attrib == 0x93 && v.gs.attrib == 0x93, "data segments: base 0, limit FFFF, 0x93");
	ok(v.ldtr.attrib == 0x82 && v.tr.attrib == 0x8B && v.gdtr.limit == 0xFFFF && v.idtr.limit == 0xFFFF &&
	   v.gdtr.base == 0 && v.idtr.base == 0, "LDTR 0x82, TR 0x8B, GDTR/IDTR limit FFFF");
	ok(v.cr0 == 0x60000010ull && v.cr3 == 0 && v.cr4 == 0 && v.rflags == 2, "CR0 60000010, CR3 = CR4 = 0, RFLAGS 2");
	ok(v.efer == 0x1000 && v.dr6 == 0xFFFF0FF0ull && v.dr7 == 0x400, "EFER = SVME only, DR6 FFFF0FF0, DR7 400");
	ok(v.pat == 0x0007040600070406ull && v.xcr0 == 1 && v.mxcsr == 0x1F80 && v.x87_fcw == 0x40 &&
	   v.x87_ftw == 0x5555, "G_PAT, XCR0 1 (as the builder's KVM VMSA), MXCSR 1F80, FCW 40, FTW 5555");
	ok(v.vmpl == 2 && v.cpl == 0 && v.sev_features == SEV_FEAT_SNP && v.virtual_tom == 0,
	   "VMPL 2, CPL 0, SEV_FEATURES as given, no vTOM without the feature");
	ok(v.rax == 0 && v.rsp == 0 && v.rcx == 0 && v.guest_error_code == 0 && v.event_inject == 0 &&
	   all_zero(v.padding, sizeof(v.padding)) && all_zero(v.fpreg_xmm, sizeof(v.fpreg_xmm)),
	   "everything else zero");

	p.reset_ip = 0x0080B004ull;
	p.sev_features = SEV_FEAT_SNP | SEV_FEAT_VTOM;
	guest_vmsa_build(&v, &p);
	ok(v.cs.base == 0x00800000ull && v.cs.selector == 0xF000 && v.rip == 0xB004 && v.virtual_tom == 0x123456789000ull,
	   "another reset address: CS base from it (selector F000); vTOM set with the feature");

	/* SEV_STATUS: SEV | SEV-ES | SNP | restricted injection (5) | debug swap (7) | BTB isolation (9). */
	uint64_t status = 0x7 | (1u << 5) | (1u << 7) | (1u << 9);
	is_u64(guest_vmsa_features(status), SEV_FEAT_SNP | SEV_FEAT_BTB_ISOLATION,
	       "guest features = SVSM's >> 2, minus restricted injection and debug swap");
	is_u64(guest_vmsa_features(0x7 | (1u << 3)), SEV_FEAT_SNP | SEV_FEAT_VTOM, "vTOM carries over");
}

static void test_secrets(void)
{
	static uint8_t in[SECRETS_PAGE_SIZE], out[SECRETS_PAGE_SIZE];
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 13 + 1);
	struct secrets_svsm_info si = { 0x1000000, 0x1000000, 0x80E000, 1, 2 };
	secrets_page_for_guest(out, in, &si);
	ok(all_zero(out + 0x20, 32) && all_zero(out + 0x40, 32), "VMPCK0 and VMPCK1 wiped");
	ok(!memcmp(out + 0x60, in + 0x60, 64), "VMPCK2 and VMPCK3 kept");
	uint64_t base, size, caa;
	uint32_t ver;
	memcpy(&base, out + 0x140, 8);
	memcpy(&size, out + 0x148, 8);
	memcpy(&caa, out + 0x150, 8);
	memcpy(&ver, out + 0x158, 4);
	ok(base == 0x1000000 && size == 0x1000000 && caa == 0x80E000 && ver == 1 && out[0x15C] == 2,
	   "SVSM base 0x140, size 0x148, CAA 0x150, max version 0x158, guest VMPL 0x15C");
	ok(!memcmp(out, in, 0x20) && !memcmp(out + 0xA0, in + 0xA0, 0x140 - 0xA0) &&
	   !memcmp(out + 0x15D, in + 0x15D, sizeof(in) - 0x15D), "every other byte copied");
}

static void test_tlb(void)
{
	is_u64(invlpgb_rax(INVLPGB_ASID | INVLPGB_GLOBAL, 0x12345), 0xC, "INVLPGB RAX: ASID valid | global, no VA");
	is_u64(invlpgb_rax(INVLPGB_VA | INVLPGB_ASID, 0x7FFF12345678ull), 0x7FFF12345005ull,
	       "INVLPGB RAX: VA in 63:12 when VA valid");
	is_u64(invlpgb_ecx(3, true), 0x80000003u, "ECX: 3 more pages, 2 MiB stride in bit 31");
	is_u64(invlpgb_edx(1, 2), 0x00010002u, "EDX: PCID 31:16, ASID 15:0");
	ok(invlpgb_supported(1u << 3) && !invlpgb_supported(~(1u << 3)), "support: CPUID 0x8000_0008 EBX[3]");
}

int main(void)
{
	if (env_setup(&m, c)) {
		ok(0, "environment");
		return tap_done();
	}
	rmp_sim_flush(&m->sim, ENV_BOOT_VMSA, 4096); /* as the launch does after its RMPADJUSTs */
	vmsa = rmp_sim_map(&m->sim, ENV_BOOT_VMSA, sizeof(*vmsa));
	memset(vmsa, 0, sizeof(*vmsa));
	vmsa->efer = EFER_SVME;
	test_round_trip();
	test_attest_registers();
	test_not_calls();
	test_svme();
	test_gone();
	ok(rmp_sim_violations(&m->sim) == 0, "the RMP model saw no violation");
	proto_destroy(c);
	rmp_model_free(m);
	test_run_vmpl();
	test_guest_vmsa();
	test_secrets();
	test_tlb();
	return tap_done();
}
