/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_proto.c — every core and attestation call against the RMP model:
 * argument checks and result codes as the SVSM specification gives them, and
 * the tracker's refusals (double validation, registered pages, SVSM memory,
 * whole 2 MiB ranges).
 */
#include "../unit/tap.h"

#include "../../svsm/lib/sha512.h"
#include "proto_test_env.h"

static struct rmp_model *m;
static struct proto_core core, *c = &core;

static uint64_t call(uint32_t proto, uint32_t fn, uint64_t rcx, uint64_t rdx, uint64_t r8, struct proto_regs *out)
{
	struct proto_regs r = { (uint64_t)proto << 32 | fn, rcx, rdx, r8 };
	proto_dispatch(c, 0, &r);
	if (out)
		*out = r;
	return r.rax;
}

#define LIST 0x3000ull
/* Writes a list of n entries at LIST (as the guest) and calls PVALIDATE. */
static uint64_t pval(unsigned n, const uint64_t *e, uint16_t next, uint16_t *next_out)
{
	uint8_t buf[8 + 8 * 16] = { 0 };
	uint16_t nn = (uint16_t)n;
	memcpy(buf, &nn, 2);
	memcpy(buf + 2, &next, 2);
	memcpy(buf + 8, e, 8 * n);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, LIST, buf, 8 + 8 * n);
	uint64_t rc = call(0, SVSM_CORE_PVALIDATE, LIST, 0, 0, NULL);
	if (next_out)
		memcpy(next_out, (uint8_t *)rmp_sim_map(&m->sim, LIST, 8) + 2, 2);
	return rc;
}

static uint64_t pval1(uint64_t e)
{
	return pval(1, &e, 0, NULL);
}

static bool page_zero(uint64_t gpa)
{
	const uint8_t *p = rmp_sim_map(&m->sim, gpa, 4096);
	for (int i = 0; i < 4096; i++)
		if (p[i])
			return false;
	return true;
}

static void test_dispatch(void)
{
	struct proto_regs r;
	is_u64(call(0, SVSM_CORE_QUERY_PROTOCOL, 0x0000000000000001ull, 0, 0, &r), SVSM_SUCCESS, "QUERY_PROTOCOL core v1");
	is_u64(r.rcx, 0x0000000100000001ull, "core: min 1, max 1");
	call(0, SVSM_CORE_QUERY_PROTOCOL, 0x0000000100000001ull, 0, 0, &r);
	is_u64(r.rcx, 0x0000000100000001ull, "attestation protocol v1 supported");
	call(0, SVSM_CORE_QUERY_PROTOCOL, 0x0000000000000002ull, 0, 0, &r);
	is_u64(r.rcx, 0, "core v2: 0 (unsupported)");
	call(0, SVSM_CORE_QUERY_PROTOCOL, 0x0000000900000001ull, 0, 0, &r);
	is_u64(r.rcx, 0, "protocol 9: 0");
	is_u64(call(9, 0, 0, 0, 0, NULL), SVSM_ERR_UNSUPPORTED_PROTOCOL, "unknown protocol: UNSUPPORTED_PROTOCOL");
	is_u64(call(0, 8, 0, 0, 0, NULL), SVSM_ERR_UNSUPPORTED_CALL, "core call 8: UNSUPPORTED_CALL");
	is_u64(call(1, 2, 0, 0, 0, NULL), SVSM_ERR_UNSUPPORTED_CALL, "attestation call 2: UNSUPPORTED_CALL");
	is_u64(call(0, SVSM_CORE_CONFIGURE_VTOM, 1, 0, 0, &r), SVSM_SUCCESS, "CONFIGURE_VTOM query succeeds");
	is_u64(r.rcx, 0, "CONFIGURE_VTOM query: no vTOM supported");
	is_u64(call(0, SVSM_CORE_CONFIGURE_VTOM, 0x40000000ull, 0, 0, NULL), SVSM_ERR_INVALID_REQUEST,
	       "CONFIGURE_VTOM set: INVALID_REQUEST");
	struct proto_regs q = { 0, 0, 0, 0 };
	proto_dispatch(c, 5, &q);
	is_u64(q.rax, SVSM_ERR_INVALID_REQUEST, "call from an unknown vCPU slot refused");
}

static void test_pvalidate_4k(void)
{
	uint64_t pa = 0x200000, v = pa | PVAL_VALIDATE;
	uint16_t next;
	is_u64(pval(1, &v, 0, &next), SVSM_SUCCESS, "PVALIDATE 4K validate");
	ok(next == 1, "next advanced to 1");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, pa);
	ok(p.valid && p.perm[2] == RMP_PERM_ALL && !p.secret && page_zero(pa),
	   "validated page: RMP valid, VMPL2 RWX, zeroed before access");
	ok(vs_valid(&c->vs, pa), "tracker: valid");
	uint64_t before = atomic_load(&m->sim.n_pvalidate);
	is_u64(pval(1, &v, 0, &next), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED, "validating again: FAIL_UNCHANGED 0x80001010");
	ok(next == 0, "next stays on the failing entry");
	uint64_t vi = v | PVAL_IGNORE_CF;
	is_u64(pval(1, &vi, 0, NULL), SVSM_SUCCESS, "with ignore-unchanged: success");
	ok(atomic_load(&m->sim.n_pvalidate) == before, "no PVALIDATE executed for an already valid page");
	is_u64(pval1(pa), SVSM_SUCCESS, "invalidate");
	p = rmp_sim_get(&m->sim, pa);
	ok(!p.valid && !(p.perm[1] | p.perm[2] | p.perm[3]) && !vs_valid(&c->vs, pa),
	   "invalidated: RMP invalid, access revoked, tracker invalid");
	is_u64(pval1(pa), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED, "invalidating again: FAIL_UNCHANGED");
	is_u64(pval1(pa | PVAL_IGNORE_CF), SVSM_SUCCESS, "invalidate again with ignore: success");
}

static void test_pvalidate_2m(void)
{
	uint64_t ch = 4ull << 20;
	rmp_sim_make_large(&m->sim, ch);
	is_u64(pval1(ch | 1 | PVAL_VALIDATE), SVSM_SUCCESS, "2M validate on a 2M RMP entry");
	ok(vs_count_valid(&c->vs, ch, 512) == 512, "tracker: all 512 pages valid");
	is_u64(pval1(ch | 1 | PVAL_VALIDATE), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED, "2M validate again: FAIL_UNCHANGED");
	is_u64(pval1((ch + 0x5000) | PVAL_VALIDATE), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED,
	       "4K validate inside a validated 2M range: FAIL_UNCHANGED (tracked per 4K page)");
	is_u64(pval1(ch + 0x5000), SVSM_SUCCESS, "4K invalidate inside the 2M range (entry split)");
	is_u64(pval1(ch | 1), SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH, "2M invalidate over mixed state: SIZEMISMATCH");
	is_u64(pval1(ch | 1 | PVAL_VALIDATE), SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH, "2M validate over mixed state: SIZEMISMATCH");
	ok(vs_count_valid(&c->vs, ch, 512) == 511, "tracker unchanged by refused 2M entries");
	uint64_t ch2 = 6ull << 20;
	is_u64(pval1(ch2 | 1 | PVAL_VALIDATE), SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH,
	       "2M validate over 4K RMP entries: hardware SIZEMISMATCH 0x80001006");
	ok(vs_count_valid(&c->vs, ch2, 512) == 0, "tracker unchanged after a hardware failure");
	is_u64(pval1((ch2 + 0x1000) | 1 | PVAL_VALIDATE), SVSM_ERR_INVALID_PARAMETER, "misaligned 2M entry: INVALID_PARAMETER");
	is_u64(pval1(ch2 | 2 | PVAL_VALIDATE), SVSM_ERR_INVALID_PARAMETER, "page size 2: INVALID_PARAMETER");
	is_u64(pval1(ch2 | 0x10 | PVAL_VALIDATE), SVSM_ERR_INVALID_PARAMETER, "reserved bit 4: INVALID_PARAMETER");
	is_u64(pval1(0 | 1), SVSM_ERR_INVALID_ADDRESS,
	       "2M entry over chunk 0 containing the boot VMSA (not its first page): INVALID_ADDRESS");
	is_u64(pval1(ENV_SVSM_BASE | PVAL_VALIDATE), SVSM_ERR_INVALID_ADDRESS, "SVSM memory: INVALID_ADDRESS");
	is_u64(pval1((ENV_SVSM_BASE + (1ull << 20)) | 1 | PVAL_VALIDATE), SVSM_ERR_INVALID_PARAMETER,
	       "misaligned 2M entry into SVSM memory: INVALID_PARAMETER");
	is_u64(pval1(ENV_SVSM_BASE | 1 | PVAL_VALIDATE), SVSM_ERR_INVALID_ADDRESS, "2M entry on SVSM memory: INVALID_ADDRESS");
	is_u64(pval1((ENV_MEM + (64ull << 20)) | PVAL_VALIDATE), SVSM_ERR_INVALID_ADDRESS, "beyond memory: INVALID_ADDRESS");
	is_u64(pval1(ENV_BOOT_VMSA), SVSM_ERR_INVALID_ADDRESS, "invalidate the boot VMSA: INVALID_ADDRESS");
	is_u64(pval1(ENV_BOOT_CA), SVSM_ERR_INVALID_ADDRESS, "invalidate the calling area: INVALID_ADDRESS");
	is_u64(pval1(LIST), SVSM_ERR_BUSY, "invalidate the list page in use: BUSY");
}

static void test_pvalidate_list(void)
{
	uint64_t e[3] = { 0x300000 | PVAL_VALIDATE, 0x301000 | 3 | PVAL_VALIDATE, 0x302000 | PVAL_VALIDATE };
	uint16_t next;
	is_u64(pval(3, e, 0, &next), SVSM_ERR_INVALID_PARAMETER, "bad entry 1: INVALID_PARAMETER");
	ok(next == 1 && vs_valid(&c->vs, 0x300000) && !vs_valid(&c->vs, 0x302000), "next = 1, entry 0 done, 2 not");
	e[1] = 0x301000 | PVAL_VALIDATE;
	is_u64(pval(3, e, 1, &next), SVSM_SUCCESS, "resumed at next = 1");
	ok(next == 3 && vs_valid(&c->vs, 0x301000) && vs_valid(&c->vs, 0x302000), "all done, next = 3");
	is_u64(pval(3, e, 5, NULL), SVSM_ERR_INVALID_PARAMETER, "next > entries: INVALID_PARAMETER");
	is_u64(pval(0, e, 0, NULL), SVSM_SUCCESS, "empty list: success");
	is_u64(call(0, SVSM_CORE_PVALIDATE, LIST + 4, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "misaligned list: INVALID_PARAMETER");
	uint16_t big = 600;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, LIST, &big, 2);
	is_u64(call(0, SVSM_CORE_PVALIDATE, LIST, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "list crossing its page: INVALID_PARAMETER");
	is_u64(call(0, SVSM_CORE_PVALIDATE, 0x680000, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "list in an unvalidated page: INVALID_ADDRESS");
	is_u64(call(0, SVSM_CORE_PVALIDATE, ENV_SVSM_BASE, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "list in SVSM memory: INVALID_ADDRESS");
}

static void test_vcpus(void)
{
	uint64_t vm = 0x5000, ca = 0x6010;
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm + 8, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: misaligned VMSA");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, vm + 8, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: CA in the VMSA page");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca + 4, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: misaligned CA");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, 0x680000, ca, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: unvalidated VMSA");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, ENV_SVSM_BASE, ca, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: VMSA in SVSM memory");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ENV_SVSM_BASE, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: CA in SVSM memory");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: APIC ID in use");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, ENV_BOOT_VMSA, ca, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: VMSA already registered");
	env_write_vmsa(m, vm, 1, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: VMSA for VMPL1");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, vm);
	ok(!p.vmsa && p.perm[2] == RMP_PERM_ALL && proto_find_vcpu(c, vm) < 0, "refused VMSA handed back to the guest");
	env_write_vmsa(m, vm, 2, 0, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: EFER.SVME clear");
	env_write_vmsa(m, vm, 2, EFER_SVME, 0x5);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: other SEV features");
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_SUCCESS, "CREATE_VCPU");
	p = rmp_sim_get(&m->sim, vm);
	ok(p.vmsa && !(p.perm[2] & RMP_PERM_WRITE), "VMSA bit set, guest cannot write it");
	is_u64(pval1(vm), SVSM_ERR_INVALID_ADDRESS, "PVALIDATE of the new VMSA: INVALID_ADDRESS");
	is_u64(pval1(0x6000), SVSM_ERR_INVALID_ADDRESS, "PVALIDATE of the new CA page: INVALID_ADDRESS");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, ENV_BOOT_VMSA, 0, 0, NULL), SVSM_ERR_BUSY, "DELETE of the running vCPU: BUSY");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, 0x7000, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "DELETE of a non-VMSA");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm + 16, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "DELETE misaligned");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm, 0, 0, NULL), SVSM_SUCCESS, "DELETE_VCPU");
	p = rmp_sim_get(&m->sim, vm);
	ok(!p.vmsa && p.perm[2] == RMP_PERM_ALL && proto_find_vcpu(c, vm) < 0, "VMSA bit cleared, page back to the guest");
	is_u64(pval1(vm), SVSM_SUCCESS, "former VMSA can be invalidated");
	is_u64(pval1(0x6000), SVSM_SUCCESS, "former CA page can be invalidated");
}

static void test_remap_ca(void)
{
	struct proto_regs r;
	is_u64(call(0, SVSM_CORE_REMAP_CA, 0x7004, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "REMAP_CA misaligned");
	is_u64(call(0, SVSM_CORE_REMAP_CA, ENV_SVSM_BASE, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "REMAP_CA to SVSM memory");
	is_u64(call(0, SVSM_CORE_REMAP_CA, 0x600000, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "REMAP_CA to an unvalidated page");
	is_u64(call(0, SVSM_CORE_REMAP_CA, ENV_BOOT_VMSA, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "REMAP_CA onto a VMSA");
	is_u64(call(0, SVSM_CORE_REMAP_CA, 0x7008, 0, 0, NULL), SVSM_SUCCESS, "REMAP_CA");
	is_u64(pval1(0x7000), SVSM_ERR_INVALID_ADDRESS, "new CA page is protected");
	is_u64(pval1(ENV_BOOT_CA), SVSM_SUCCESS, "old CA page is released");
	uint8_t one = 1;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x7008, &one, 1);
	r = (struct proto_regs){ SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0 };
	ok(proto_handle_request(c, 0, &r) && r.rax == SVSM_SUCCESS && r.rcx == 0x0000000100000001ull,
	   "request loop: pending call through the new CA dispatched, results in RAX/RCX");
	ok(*(uint8_t *)rmp_sim_map(&m->sim, 0x7008, 1) == 0, "call_pending cleared");
	r = (struct proto_regs){ SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0 };
	ok(!proto_handle_request(c, 0, &r) && r.rax == SVSM_CORE_QUERY_PROTOCOL, "no call pending: nothing dispatched");
}

static void test_deposit_withdraw(void)
{
	uint64_t ch = 12ull << 20;
	rmp_sim_make_large(&m->sim, ch);
	uint64_t v = 0x8000 | PVAL_VALIDATE;
	pval1(v);
	uint8_t junk[16];
	memset(junk, 0x77, sizeof(junk));
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x8000, junk, sizeof(junk));
	uint8_t buf[8 + 16] = { 2, 0 };
	uint64_t e[2] = { 0x8000, ch | 1 };
	memcpy(buf + 8, e, 16);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, LIST, buf, sizeof(buf));
	is_u64(call(0, SVSM_CORE_DEPOSIT_MEM, LIST, 0, 0, NULL), SVSM_SUCCESS, "DEPOSIT_MEM a 4K (validated) and a 2M (not) entry");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, 0x8000), q = rmp_sim_get(&m->sim, ch + 0x3000);
	ok(vs_owned(&c->vs, 0x8000) && vs_count_owned(&c->vs, ch, 512) == 512 && !p.perm[2] && q.valid && !q.perm[2],
	   "deposited: owned by the SVSM, validated, no guest access");
	is_u64(pval1(0x8000), SVSM_ERR_INVALID_ADDRESS, "PVALIDATE of deposited memory: INVALID_ADDRESS");
	is_u64(pval1((ch + 0x1000) | PVAL_VALIDATE), SVSM_ERR_INVALID_ADDRESS, "… inside a deposited 2M range too");
	is_u64(call(0, SVSM_CORE_DEPOSIT_MEM, LIST, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "DEPOSIT resumed past the end: next >= entries");
	buf[2] = 0;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, LIST, buf, sizeof(buf));
	is_u64(call(0, SVSM_CORE_DEPOSIT_MEM, LIST, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "depositing twice: INVALID_ADDRESS");
	uint8_t w[8] = { 4, 0 };
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, LIST, w, sizeof(w));
	struct proto_regs r;
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST, 0, 0, &r), SVSM_SUCCESS, "WITHDRAW_MEM");
	is_u64(r.rcx, 2, "two entries returned");
	p = rmp_sim_get(&m->sim, 0x8000);
	ok(!vs_owned(&c->vs, 0x8000) && !vs_count_owned(&c->vs, ch, 512) && p.valid && p.perm[2] == RMP_PERM_ALL &&
	   page_zero(0x8000), "withdrawn: guest's again, validated, zeroed");
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST, 0, 0, &r), SVSM_SUCCESS, "WITHDRAW with nothing deposited");
	is_u64(r.rcx, 0, "zero entries returned");
	is_u64(pval1(0x8000 | PVAL_VALIDATE), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED, "withdrawn page is known valid");
}

static void test_attest(void)
{
	static const uint8_t svc_guid[16] = { 0xeb, 0xf1, 0x76, 0xc4, 0x23, 0x01, 0xa5, 0x45,
					      0x96, 0x41, 0xb4, 0xe7, 0xdd, 0x5b, 0xfe, 0xe3 };
	static const uint8_t svc_data[5] = { 'h', 'e', 'l', 'l', 'o' };
	proto_add_service(c, svc_guid, svc_data, sizeof(svc_data));
	uint8_t nonce[64];
	for (int i = 0; i < 64; i++)
		nonce[i] = (uint8_t)i;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0xA000, nonce, 64);
	uint8_t op[88] = { 0 };
	uint64_t rep = 0xC000, non = 0xA000, man = 0xB000;
	uint32_t rs = 4096, ms = 4096;
	uint16_t ns = 64;
	memcpy(op, &rep, 8), memcpy(op + 8, &rs, 4), memcpy(op + 16, &non, 8), memcpy(op + 24, &ns, 2);
	memcpy(op + 32, &man, 8), memcpy(op + 40, &ms, 4);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x9000, op, 64);
	struct proto_regs r;
	is_u64(call(1, SVSM_ATTEST_SERVICES, 0x9000, 0, 0, &r), SVSM_SUCCESS, "ATTEST_SERVICES");
	is_u64(r.rcx, 24 + 24 + 5, "RCX = manifest size");
	is_u64(r.r8, RMP_MODEL_REPORT_SIZE, "R8 = report size");
	is_u64(r.rdx, 0, "RDX = 0: no certificates");
	const uint8_t *mf = rmp_sim_map(&m->sim, man, 53);
	static const uint8_t mguid[16] = { 0xbb, 0x9e, 0x84, 0x63, 0x92, 0x3d, 0x70, 0x46,
					   0xa1, 0xff, 0x58, 0xf9, 0xc9, 0x4b, 0x87, 0xbb };
	uint32_t tot, cnt, off, len;
	memcpy(&tot, mf + 16, 4), memcpy(&cnt, mf + 20, 4), memcpy(&off, mf + 40, 4), memcpy(&len, mf + 44, 4);
	ok(!memcmp(mf, mguid, 16) && tot == 53 && cnt == 1 && !memcmp(mf + 24, svc_guid, 16) && off == 48 && len == 5 &&
	   !memcmp(mf + 48, "hello", 5), "services manifest: GUID, size, count, table, data");
	uint8_t want[64];
	struct sha512_ctx h;
	sha512_init(&h);
	sha512_update(&h, nonce, 64);
	sha512_update(&h, mf, 53);
	sha512_final(&h, want);
	is_mem((uint8_t *)rmp_sim_map(&m->sim, rep + 0x50, 64), want, 64, "REPORT_DATA = SHA-512(nonce || manifest)");
	ms = 10;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x9000 + 40, &ms, 4);
	is_u64(call(1, SVSM_ATTEST_SERVICES, 0x9000, 0, 0, &r), SVSM_ERR_INVALID_PARAMETER, "manifest buffer too small");
	ok(r.rcx == 53 && r.r8 == RMP_MODEL_REPORT_SIZE, "… sizes still reported");
	ms = 4096;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x9000 + 40, &ms, 4);
	ns = 32;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x9000 + 24, &ns, 2);
	is_u64(call(1, SVSM_ATTEST_SERVICES, 0x9000, 0, 0, &r), SVSM_ERR_INVALID_PARAMETER, "nonce not 64 bytes");
	ns = 64;
	memcpy(op + 24, &ns, 2);
	memcpy(op + 64, svc_guid, 16);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x9000, op, 88);
	is_u64(call(1, SVSM_ATTEST_SINGLE_SERVICE, 0x9000, 0, 0, &r), SVSM_SUCCESS, "ATTEST_SINGLE_SERVICE");
	ok(r.rcx == 5 && !memcmp(rmp_sim_map(&m->sim, man, 5), "hello", 5), "single-service manifest is the service's");
	uint32_t ver = 1;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x9000 + 80, &ver, 4);
	is_u64(call(1, SVSM_ATTEST_SINGLE_SERVICE, 0x9000, 0, 0, &r), SVSM_ERR_INVALID_PARAMETER, "manifest version 1");
	ver = 0;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x9000 + 80, &ver, 4);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x9000 + 64, nonce, 16);
	is_u64(call(1, SVSM_ATTEST_SINGLE_SERVICE, 0x9000, 0, 0, &r), SVSM_ERR_INVALID_PARAMETER, "unknown service GUID");
	is_u64(call(1, SVSM_ATTEST_SERVICES, ENV_SVSM_BASE, 0, 0, &r), SVSM_ERR_INVALID_ADDRESS, "operation in SVSM memory");
	is_u64(call(1, SVSM_ATTEST_SERVICES, 0x9004, 0, 0, &r), SVSM_ERR_INVALID_PARAMETER, "misaligned operation");
}

int main(void)
{
	if (env_setup(&m, c)) {
		ok(0, "set up the model");
		return tap_done();
	}
	test_dispatch();
	test_pvalidate_4k();
	test_pvalidate_2m();
	test_pvalidate_list();
	test_vcpus();
	test_remap_ca();
	test_deposit_withdraw();
	test_attest();
	unsigned bad = 0;
	char why[160] = "";
	for (uint64_t a = 0; a < ENV_MEM; a += 2ull << 20)
		bad += rmp_model_check_chunk(m, c, a, why, sizeof(why));
	ok(bad == 0, "model RMP == tracker, registry and zeroing invariants hold (%s)", bad ? why : "all chunks");
	is_u64(rmp_sim_violations(&m->sim), 0, "no double PVALIDATE, VMSA PVALIDATE, SVSM touch or unzeroed grant");
	ok(vs_bytes(&c->vs) <= 8 + VS_BYTES_PER_GIB + VS_OWNED_BYTES_PER_GIB, "state: %llu bytes for 16 MiB",
	   (unsigned long long)vs_bytes(&c->vs));
	proto_destroy(c);
	rmp_model_free(m);
	return tap_done();
}
