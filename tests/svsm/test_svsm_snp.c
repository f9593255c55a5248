/* SPDX-License-Identifier: MIT */
/* test_svsm_snp.c — host unit tests of the SVSM core's SNP logic (same sources as the guest). */
#include "../unit/tap.h"

#include "../../svsm/arch/idt.h"
#include "../../svsm/snp/cpuid_page.h"
#include "../../svsm/snp/ghcb.h"
#include "../../svsm/snp/ghcb_msr.h"
#include "../../svsm/snp/psc.h"
#include "../../svsm/snp/pvalidate.h"
#include "../../svsm/snp/vc.h"

static void test_msr_protocol(void)
{
	is_u64(ghcb_msr_cpuid_req(0x8000001F, 1), 0x8000001F40000004ull, "CPUID request: fn in 63:32, reg in 31:30");
	uint32_t v = 0;
	ok(ghcb_msr_cpuid_resp(0x0000003300000005ull, &v) && v == 0x33, "CPUID response decoded");
	ok(!ghcb_msr_cpuid_resp(0x0000003300000004ull, &v), "CPUID response with wrong code refused");
	is_u64(ghcb_msr_reg_gpa_req(0x12345000), 0x12345012ull, "GHCB GPA registration request");
	ok(ghcb_msr_reg_gpa_resp(0x12345013ull, 0x12345000), "registration response echoes the GFN");
	ok(!ghcb_msr_reg_gpa_resp(0x54321013ull, 0x12345000), "registration of another GFN is a refusal");
	is_u64(ghcb_msr_psc_req(0xABCDE000, PSC_OP_PRIVATE), 0x00100000ABCDE014ull, "PSC request: GFN, op 1 in 55:52");
	is_u64(ghcb_msr_psc_req(0xABCDE000, PSC_OP_SHARED), 0x00200000ABCDE014ull, "PSC request: op 2 (shared)");
	uint32_t err = 1;
	ok(ghcb_msr_psc_resp(0x0000000000000015ull, &err) && err == 0, "PSC response success");
	ok(ghcb_msr_psc_resp(0x0000000700000015ull, &err) && err == 7, "PSC response error code in 63:32");
	uint16_t mn, mx;
	unsigned cbit;
	ok(ghcb_msr_sev_info(0x0002000133000001ull, &mn, &mx, &cbit) && mn == 1 && mx == 2 && cbit == 0x33,
	   "SEV information response: versions and C-bit");
	uint64_t feat;
	ok(ghcb_msr_hv_features(0x0000000000003081ull, &feat) && feat == 3, "hypervisor features response");
	is_u64(ghcb_msr_term_req(0, 2), 0x0000000000020100ull, "termination request: set 15:12, reason 23:16");
}

static void test_pvalidate(void)
{
	ok(pvalidate_result(0, false) == RMP_OK, "PVALIDATE 0, CF=0: changed");
	ok(pvalidate_result(0, true) == RMP_UNCHANGED, "PVALIDATE 0, CF=1: unchanged");
	ok(pvalidate_result(1, false) == RMP_FAIL_INPUT, "PVALIDATE 1: fail-input");
	ok(pvalidate_result(6, false) == RMP_FAIL_SIZEMISMATCH, "PVALIDATE 6: size mismatch");
	ok(pvalidate_result(2, false) == RMP_FAIL_UNKNOWN, "PVALIDATE other: unknown");
	ok(rmpadjust_result(0) == RMP_OK && rmpadjust_result(1) == RMP_FAIL_INPUT &&
	   rmpadjust_result(2) == RMP_FAIL_PERMISSION && rmpadjust_result(6) == RMP_FAIL_SIZEMISMATCH &&
	   rmpadjust_result(9) == RMP_FAIL_UNKNOWN, "RMPADJUST outcomes");
	ok(rmpadjust_result(3) == RMP_FAIL_INUSE && !strcmp(rmp_result_name(RMP_FAIL_INUSE), "fail-inuse"),
	   "RMPADJUST 3: FAIL_INUSE (an in-use VMSA), not an unknown code");
	is_u64(rmpadjust_attrs(2, RMP_PERM_ALL, false), 0x0F02ull, "RMPADJUST attrs: VMPL2 RWX");
	is_u64(rmpadjust_attrs(1, 0, true), 0x10001ull, "RMPADJUST attrs: VMSA bit 16");
	ok(!strcmp(rmp_result_name(RMP_UNCHANGED), "unchanged"), "result names");
}

static void test_psc(void)
{
	static struct psc_desc d;
	uint64_t gpa = 0x200000 - 0x2000;
	unsigned n = psc_build(&d, &gpa, 0x600000, PSC_OP_PRIVATE, true);
	ok(n == 4 && gpa == 0x600000, "PSC: 2 small + 2 large entries cover the range (n=%u)", n);
	is_u64(d.entry[0], psc_entry(0x1FE000, PSC_OP_PRIVATE, false), "PSC: first 4 KiB entry");
	is_u64(d.entry[2], 0x0010000000200000ull | (1ull << 56), "PSC: 2 MiB entry: size bit 56, op 1");
	ok(d.cur_entry == 0 && d.end_entry == 3 && !psc_done(&d), "PSC header: cur 0, end n-1");
	d.cur_entry = 4;
	ok(psc_done(&d), "PSC: done when cur_entry > end_entry");
	gpa = 0;
	n = psc_build(&d, &gpa, 0x200000 * 2, PSC_OP_SHARED, false);
	ok(n == PSC_MAX_ENTRIES && gpa == PSC_MAX_ENTRIES * 0x1000ull, "PSC: one request holds at most 253 entries");
	is_u64(psc_entry(0xFFFFFFFFF000ull, PSC_OP_SHARED, false), 0x0020FFFFFFFFF000ull, "PSC: entry op 2");
}

static void test_vc_decode(void)
{
	struct vc_insn in;
	const uint8_t out_dx_al[] = { 0xEE };
	ok(!vc_decode(out_dx_al, 1, &in) && in.kind == VC_INSN_OUT && in.size == 1 && in.port_in_dx && in.len == 1,
	   "decode OUT DX, AL");
	const uint8_t in_ax_dx[] = { 0x66, 0xED };
	ok(!vc_decode(in_ax_dx, 2, &in) && in.kind == VC_INSN_IN && in.size == 2 && in.len == 2, "decode IN AX, DX");
	const uint8_t out_imm_eax[] = { 0xE7, 0xF4 };
	ok(!vc_decode(out_imm_eax, 2, &in) && in.kind == VC_INSN_OUT && in.size == 4 && !in.port_in_dx &&
	   in.imm_port == 0xF4 && in.len == 2, "decode OUT 0xF4, EAX");
	const uint8_t in_imm_al[] = { 0xE4, 0x60 };
	ok(!vc_decode(in_imm_al, 2, &in) && in.kind == VC_INSN_IN && in.size == 1 && in.imm_port == 0x60,
	   "decode IN AL, 0x60");
	ok(vc_decode(in_imm_al, 1, &in) == -1, "truncated immediate refused");
	const uint8_t cpuid[] = { 0x0F, 0xA2 }, rdmsr[] = { 0x0F, 0x32 }, wrmsr[] = { 0x48, 0x0F, 0x30 };
	ok(!vc_decode(cpuid, 2, &in) && in.kind == VC_INSN_CPUID && in.len == 2 && vc_insn_exit_code(&in) == 0x72,
	   "decode CPUID, exit 0x72");
	ok(!vc_decode(rdmsr, 2, &in) && in.kind == VC_INSN_RDMSR && vc_insn_exit_code(&in) == 0x7C, "decode RDMSR");
	ok(!vc_decode(wrmsr, 3, &in) && in.kind == VC_INSN_WRMSR && in.len == 3, "decode WRMSR with REX");
	const uint8_t outsb[] = { 0x6E }, rep_outsb[] = { 0xF3, 0x6E }, nop[] = { 0x90 }, ud[] = { 0x0F, 0x0B };
	ok(vc_decode(outsb, 1, &in) == -1 && vc_decode(rep_outsb, 2, &in) == -1, "string I/O refused");
	ok(vc_decode(nop, 1, &in) == -1 && vc_decode(ud, 2, &in) == -1, "other instructions refused");
	const uint8_t o16cpuid[] = { 0x66, 0x0F, 0xA2 };
	ok(vc_decode(o16cpuid, 3, &in) == -1, "operand-size prefix on CPUID refused");

	ok(!vc_decode(out_dx_al, 1, &in), "decode for IOIO info");
	is_u64(vc_ioio_info(&in, 0x3F8), 0x03F80210ull, "IOIO info OUT 8-bit port 0x3F8: SZ8, A64");
	ok(!vc_decode(in_ax_dx, 2, &in), "decode for IOIO info (IN 16)");
	is_u64(vc_ioio_info(&in, 0x60), 0x00600221ull, "IOIO info IN 16-bit: type bit 0, SZ16 bit 5");
}

static void test_ghcb_and_cpuid(void)
{
	static struct ghcb g;
	memset(&g, 0xEE, sizeof(g));
	ghcb_reset(&g);
	ok(!ghcb_valid(&g, GHCB_OFF_RAX), "reset clears the valid bitmap");
	ghcb_set(&g, GHCB_OFF_RAX, 0x1122334455667788ull);
	ok(ghcb_valid(&g, GHCB_OFF_RAX) && ghcb_get(&g, GHCB_OFF_RAX) == 0x1122334455667788ull, "RAX set and valid");
	ok(g.bytes[GHCB_OFF_VALID_BITMAP + (0x1F8 / 8) / 8] == (1u << ((0x1F8 / 8) % 8)), "RAX valid bit is bit 63");
	ghcb_set_exit(&g, SVM_EXIT_IOIO, 0x3F80210, 0);
	ok(ghcb_get(&g, GHCB_OFF_EXIT_CODE) == 0x7B && ghcb_valid(&g, GHCB_OFF_EXIT_INFO2), "exit fields set");
	ok(g.bytes[GHCB_OFF_VERSION] == GHCB_PROTOCOL_VERSION, "protocol version 2 written");
	ghcb_set(&g, GHCB_OFF_EXIT_INFO1, 0);
	ok(ghcb_exit_status(&g) == 0, "EXIT_INFO1 0: success");
	ghcb_set(&g, GHCB_OFF_EXIT_INFO1, 1);
	ok(ghcb_exit_status(&g) == 1, "EXIT_INFO1 1: exception to inject");
	ghcb_set(&g, GHCB_OFF_EXIT_INFO1, 5);
	ok(ghcb_exit_status(&g) == -1, "EXIT_INFO1 other: protocol error");

	static struct snp_cpuid_page p;
	memset(&p, 0, sizeof(p));
	p.count = 3;
	p.leaf[0].eax_in = 0x8000001F;
	p.leaf[0].ebx = 0x3F | (1u << 6) | 0x40 * 0; /* C-bit 51 in the low bits */
	p.leaf[0].ebx = 0x33;
	p.leaf[1].eax_in = 7;
	p.leaf[1].ecx_in = 1;
	p.leaf[1].eax = 0x71;
	p.leaf[2].eax_in = 7;
	p.leaf[2].ecx_in = 0;
	p.leaf[2].ebx = 0x70;
	uint32_t r[4];
	ok(snp_cpuid_cbit(&p) == 0x33, "C-bit from leaf 0x8000001F EBX[5:0]");
	ok(snp_cpuid_lookup(&p, 7, 0, 1, r) && r[1] == 0x70, "leaf 7 subleaf 0");
	ok(snp_cpuid_lookup(&p, 7, 1, 1, r) && r[0] == 0x71, "leaf 7 subleaf 1");
	ok(!snp_cpuid_lookup(&p, 7, 2, 1, r) && !r[0] && !r[1], "missing subleaf: zeros");
	ok(snp_cpuid_lookup(&p, 0x8000001F, 5, 1, r), "subleaf ignored for leaves without one");
	p.count = 65;
	ok(!snp_cpuid_lookup(&p, 7, 0, 1, r) && snp_cpuid_cbit(&p) == -1, "malformed count refused");
}

/* A #VC from ring 3 (user/process.c hands over the instruction's bytes it could read): only
 * CPUID is answered, from the CPUID page, and only when the bytes are the instruction the
 * exit code names. */
static void test_vc_user(void)
{
	static struct snp_cpuid_page p;
	memset(&p, 0, sizeof(p));
	p.count = 1;
	p.leaf[0].eax_in = 0x80000001;
	p.leaf[0].eax = 0xA0;
	p.leaf[0].ebx = 0xB0;
	p.leaf[0].ecx = 0xC0;
	p.leaf[0].edx = 0xD0;
	const uint8_t cpuid[] = { 0x0F, 0xA2 }, in_al[] = { 0xEC }, rdmsr[] = { 0x0F, 0x32 };
	struct trap_frame f;
	memset(&f, 0, sizeof(f));
	f.vector = 29;
	f.error_code = SVM_EXIT_CPUID;
	f.rip = 0x401000;
	f.rax = 0x80000001;
	ok(vc_handle_user(&f, cpuid, sizeof(cpuid), &p) && f.rax == 0xA0 && f.rbx == 0xB0 && f.rcx == 0xC0 &&
	   f.rdx == 0xD0 && f.rip == 0x401002, "ring-3 CPUID answered from the CPUID page, RIP past it");
	f.rax = 0x80000002;
	f.rip = 0x401000;
	ok(vc_handle_user(&f, cpuid, sizeof(cpuid), &p) && !f.rax && !f.rbx && !f.rcx && !f.rdx,
	   "ring-3 CPUID of a leaf the page lacks: zeros");
	f.rip = 0x401000;
	ok(!vc_handle_user(&f, cpuid, 1, &p) && f.rip == 0x401000, "ring-3 CPUID with one readable byte: refused");
	f.error_code = SVM_EXIT_IOIO;
	ok(!vc_handle_user(&f, in_al, sizeof(in_al), &p), "ring-3 IN: refused (the process ends)");
	f.error_code = SVM_EXIT_MSR;
	ok(!vc_handle_user(&f, rdmsr, sizeof(rdmsr), &p), "ring-3 RDMSR: refused");
	f.error_code = SVM_EXIT_IOIO;
	ok(!vc_handle_user(&f, cpuid, sizeof(cpuid), &p) && f.rip == 0x401000,
	   "CPUID bytes under another exit code (the page changed under the #VC): refused");
}

int main(void)
{
	test_msr_protocol();
	test_pvalidate();
	test_psc();
	test_vc_decode();
	test_ghcb_and_cpuid();
	test_vc_user();
	return tap_done();
}
