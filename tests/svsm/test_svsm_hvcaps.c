/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_hvcaps.c — the SVSM's boot-time host negotiation (svsm/snp/hv_caps.c)
 * against models of the hypervisor side as the real handlers answer:
 *
 *   mainline  KVM's sev_handle_vmgexit_msr_protocol() (Linux >= 6.11 through
 *             at least 6.18): SEV_INFO max = the VM's ghcb_version (2 with
 *             KVM_SEV_INIT2), min 1, C-bit = sev_enc_bit; HV_FEATURES =
 *             GHCB_HV_FT_SUPPORTED = SNP | AP_CREATION (0x3); an unknown
 *             request (Run VMPL 0x016) falls to the default arm and leaves
 *             the MSR as the guest wrote it.
 *   legacy    a VM made with KVM_SEV_ES_INIT: ghcb_version forced to 1.
 *   coconut   COCONUT-SVSM's KVM (coconut-svsm/linux, branch svsm):
 *             HV features SNP | AP_CREATION | RESTR_INJ | APIC_ID_LIST |
 *             MULTI_VMPL (0x37), Run VMPL answered with 0x017 / error 0.
 *
 * Each model answers exactly as its handler encodes the response; the SVSM's
 * decision and the termination reason it would send are checked.
 */
#include "../unit/tap.h"

#include "../../svsm/snp/ghcb_msr.h"
#include "../../svsm/snp/hv_caps.h"
#include "../../svsm/snp/run_vmpl.h"

struct hv_model {
	uint16_t ghcb_max, ghcb_min;
	unsigned cbit;
	uint64_t features;
	bool run_vmpl; /* handles request 0x016 */
	/* hostile variations */
	bool bad_info_code, bad_features_code;
	unsigned calls;
};

/* The GHCB MSR after VMGEXIT, as the model's handler leaves it. */
static uint64_t model_call(void *ctx, uint64_t req)
{
	struct hv_model *m = ctx;
	m->calls++;
	switch (req & GHCB_MSR_INFO_MASK) {
	case GHCB_MSR_SEV_INFO_REQ:
		if (m->bad_info_code)
			return req; /* left untouched */
		return ((uint64_t)m->ghcb_max << 48) | ((uint64_t)m->ghcb_min << 32) | ((uint64_t)m->cbit << 24) |
		       GHCB_MSR_SEV_INFO_RESP;
	case GHCB_MSR_HV_FEATURES_REQ:
		if (m->bad_features_code)
			return (m->features << 12) | GHCB_MSR_SEV_INFO_RESP;
		return (m->features << 12) | GHCB_MSR_HV_FEATURES_RESP;
	case GHCB_MSR_RUN_VMPL_REQ:
		return m->run_vmpl ? GHCB_MSR_RUN_VMPL_RESP : req;
	default:
		return req;
	}
}

static const struct hv_model mainline = { 2, 1, 51, GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION, false, false, false, 0 };
static const struct hv_model legacy = { 1, 1, 51, GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION, false, false, false, 0 };
static const struct hv_model coconut = { 2, 1, 51, 0x37, true, false, false, 0 };

static enum hv_caps_result run(const struct hv_model *tmpl, unsigned cbit, uint64_t need, struct hv_caps *c,
			       struct hv_model *out)
{
	*out = *tmpl;
	return hv_caps_negotiate(model_call, out, cbit, need, c);
}

/* KVM's sev_snp_ap_creation() on the request the launch makes (VMPL 2 in bits 19:16): mainline
 * takes the whole low 32 bits as the request type, so it is "invalid AP creation request",
 * SW_EXITINFO1 = 2, SW_EXITINFO2 = 5; COCONUT's KVM (VMPL field, RFC patch 2/7) takes it. */
static void kvm_ap_create(struct ghcb *g, bool vmpl_aware, uint64_t vm_features)
{
	uint64_t info1 = ghcb_get(g, GHCB_OFF_EXIT_INFO1), rax = ghcb_get(g, GHCB_OFF_RAX);
	unsigned req = vmpl_aware ? (unsigned)(info1 & 0xFFFF) : (unsigned)info1;
	bool bad = req > SNP_AP_DESTROY || rax != vm_features;
	ghcb_set(g, GHCB_OFF_EXIT_INFO1, bad ? 2 : 0);
	ghcb_set(g, GHCB_OFF_EXIT_INFO2, bad ? 5 : 0);
}

static void test_ap_creation(void)
{
	struct ghcb g;
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE_ON_INIT, 0, 2, 0x123000, 0x1);
	kvm_ap_create(&g, false, 0x1);
	unsigned term = snp_ap_creation_verdict(&g);
	is_u64(term, GHCB_TERM_FEATURE, "mainline KVM refuses the VMPL2 VMSA: the SVSM ends with code 2, not 0");
	is_u64(ghcb_msr_term_req(GHCB_TERM_SET_GENERAL, term), 0x20100ull, "... termination request set 0, code 2");
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE_ON_INIT, 0, 2, 0x123000, 0x1);
	kvm_ap_create(&g, true, 0x1);
	is_u64(snp_ap_creation_verdict(&g), 0, "COCONUT's KVM takes it");
	ghcb_reset(&g);
	ghcb_set_ap_creation(&g, SNP_AP_CREATE_ON_INIT, 0, 2, 0x123000, 0x9);
	kvm_ap_create(&g, true, 0x1);
	is_u64(snp_ap_creation_verdict(&g), GHCB_TERM_FEATURE, "SEV features the VM was not created with: code 2");
	ghcb_reset(&g);
	ghcb_set(&g, GHCB_OFF_EXIT_INFO1, 1); /* "inject an exception": no answer to this request */
	is_u64(snp_ap_creation_verdict(&g), GHCB_TERM_FEATURE, "an answer that is no answer: code 2");
}

int main(void)
{
	struct hv_caps c;
	struct hv_model m;
	const uint64_t ri = HV_CAPS_REQUIRED | GHCB_HV_FT_SNP_RESTR_INJ;

	ok(run(&coconut, 51, ri, &c, &m) == HV_CAPS_OK && c.min_version == 1 && c.max_version == 2 &&
		   c.features == 0x37 && m.calls == 2,
	   "COCONUT's KVM: protocol 1..2, features 0x37: everything the SVSM needs, in two calls");
	uint32_t err = 1;
	ok(ghcb_msr_run_vmpl_resp(model_call(&m, ghcb_msr_run_vmpl_req(2)), &err) && err == 0,
	   "COCONUT's KVM answers Run VMPL with 0x017, error 0");

	enum hv_caps_result r = run(&mainline, 51, ri, &c, &m);
	ok(r == HV_CAPS_MISSING && c.missing == (GHCB_HV_FT_SNP_MULTI_VMPL | GHCB_HV_FT_SNP_RESTR_INJ),
	   "mainline KVM (features 0x3): multi-VMPL and restricted injection missing (0x%lx)",
	   (unsigned long)c.missing);
	is_u64(ghcb_msr_term_req(GHCB_TERM_SET_GENERAL, hv_caps_term_reason(r)), 0x20100ull,
	       "... the SVSM terminates with set 0, code 2 (SNP feature not supported)");
	ok(run(&mainline, 51, HV_CAPS_REQUIRED, &c, &m) == HV_CAPS_MISSING && c.missing == GHCB_HV_FT_SNP_MULTI_VMPL,
	   "mainline KVM without restricted injection in the VMSA: still no multi-VMPL");
	ok(!ghcb_msr_run_vmpl_resp(model_call(&m, ghcb_msr_run_vmpl_req(2)), &err),
	   "mainline KVM leaves a Run VMPL request unanswered (the guest reads its own request back)");

	r = run(&legacy, 51, HV_CAPS_REQUIRED, &c, &m);
	ok(r == HV_CAPS_VERSION && m.calls == 1, "legacy KVM_SEV_ES_INIT VM (protocol 1 only): refused after SEV_INFO");
	is_u64(ghcb_msr_term_req(GHCB_TERM_SET_GENERAL, hv_caps_term_reason(r)), 0x10100ull,
	       "... with set 0, code 1 (protocol version not supported)");

	ok(run(&coconut, 47, ri, &c, &m) == HV_CAPS_CBIT && hv_caps_term_reason(HV_CAPS_CBIT) == GHCB_TERM_PROTOCOL,
	   "a C-bit different from the CPUID page's is refused (code 1)");
	struct hv_model hostile = coconut;
	hostile.bad_info_code = true;
	ok(run(&hostile, 51, ri, &c, &m) == HV_CAPS_NO_SEV_INFO, "no SEV_INFO response code: refused");
	hostile = coconut;
	hostile.bad_features_code = true;
	r = run(&hostile, 51, ri, &c, &m);
	ok(r == HV_CAPS_NO_FEATURES && hv_caps_term_reason(r) == GHCB_TERM_FEATURE,
	   "a HV_FEATURES answer with another response code: refused (code 2)");
	hostile = coconut;
	hostile.ghcb_min = 3;
	hostile.ghcb_max = 2;
	ok(run(&hostile, 51, ri, &c, &m) == HV_CAPS_VERSION, "min version above max: refused");
	hostile.ghcb_min = 3;
	hostile.ghcb_max = 5;
	ok(run(&hostile, 51, ri, &c, &m) == HV_CAPS_VERSION, "a range that starts above 2: refused");
	hostile.ghcb_min = 2;
	hostile.ghcb_max = 0xFFFF;
	ok(run(&hostile, 51, ri, &c, &m) == HV_CAPS_OK, "a range that includes 2: accepted");
	hostile = coconut;
	hostile.features = 0x37 & ~GHCB_HV_FT_SNP_AP_CREATION;
	ok(run(&hostile, 51, ri, &c, &m) == HV_CAPS_MISSING && c.missing == GHCB_HV_FT_SNP_AP_CREATION,
	   "no AP creation: missing");
	hostile.features = 0x33; /* no restricted injection */
	ok(run(&hostile, 51, ri, &c, &m) == HV_CAPS_MISSING && c.missing == GHCB_HV_FT_SNP_RESTR_INJ &&
		   run(&hostile, 51, HV_CAPS_REQUIRED, &c, &m) == HV_CAPS_OK,
	   "restricted injection is required only when the SVSM's VMSA uses it");
	hostile.features = ~0ull >> 12;
	ok(run(&hostile, 51, ri, &c, &m) == HV_CAPS_OK, "unknown extra feature bits are fine");
	test_ap_creation();
	ok(!strcmp(hv_caps_result_name(HV_CAPS_MISSING), "required hypervisor feature missing") &&
		   !strcmp(hv_caps_result_name((enum hv_caps_result)99), "?"),
	   "result names");
	return tap_done();
}
