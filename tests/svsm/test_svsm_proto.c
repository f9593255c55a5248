/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_proto.c — every core and attestation call against the RMP model:
 * argument checks and result codes as the SVSM specification gives them (the
 * rule each test pins is cited in svsm/protocol/core.c, attest.c,
 * dispatch.c), the tracker's refusals (double validation, registered pages,
 * SVSM memory, whole 2 MiB ranges) and the TLB flushes after access is taken
 * away. After every call no page may be left stale (access removed, no flush).
 */
#include <stdlib.h>

#include "../unit/tap.h"

#include "../../svsm/lib/sha512.h"
#include "proto_test_env.h"

static struct rmp_model *m;
static struct proto_core core, *c = &core;

/* A call from vCPU slot; afterwards nothing the call revoked may be left unflushed. */
static uint64_t call_from(unsigned slot, uint32_t proto, uint32_t fn, uint64_t rcx, uint64_t rdx, uint64_t r8,
			  struct proto_regs *out)
{
	struct proto_regs r = { (uint64_t)proto << 32 | fn, rcx, rdx, r8 };
	proto_dispatch(c, slot, &r);
	uint64_t stale = rmp_sim_check_flushed(&m->sim, 0, ENV_MEM);
	if (stale)
		ok(0, "call 0x%llx left %llu pages unflushed", (unsigned long long)r.rax, (unsigned long long)stale);
	if (out)
		*out = r;
	return r.rax;
}

static uint64_t call(uint32_t proto, uint32_t fn, uint64_t rcx, uint64_t rdx, uint64_t r8, struct proto_regs *out)
{
	return call_from(0, proto, fn, rcx, rdx, r8, out);
}

#define LIST 0x3000ull
/* Writes a list of n entries at LIST (as the guest) and calls fn (PVALIDATE or DEPOSIT_MEM). */
static uint64_t list_call(uint32_t fn, unsigned n, const uint64_t *e, uint16_t next, uint16_t *next_out)
{
	uint8_t buf[8 + 8 * 16] = { 0 };
	uint16_t nn = (uint16_t)n;
	memcpy(buf, &nn, 2);
	memcpy(buf + 2, &next, 2);
	memcpy(buf + 8, e, 8 * n);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, LIST, buf, 8 + 8 * n);
	uint64_t rc = call(0, fn, LIST, 0, 0, NULL);
	if (next_out)
		memcpy(next_out, (uint8_t *)rmp_sim_map(&m->sim, LIST, 8) + 2, 2);
	return rc;
}

static uint64_t pval(unsigned n, const uint64_t *e, uint16_t next, uint16_t *next_out)
{
	return list_call(SVSM_CORE_PVALIDATE, n, e, next, next_out);
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

static unsigned gperm(struct rmp_sim_page p)
{
	return p.perm[1] | p.perm[2] | p.perm[3];
}

static uint64_t flushes(void)
{
	return atomic_load(&m->sim.n_flush);
}

static void test_dispatch(void)
{
	struct proto_regs r;
	is_u64(call(0, SVSM_CORE_QUERY_PROTOCOL, 0x0000000000000001ull, 0, 0, &r), SVSM_SUCCESS, "QUERY_PROTOCOL core v1");
	is_u64(r.rcx, 0x0000000100000001ull, "core: max 1 << 32 | min 1");
	call(0, SVSM_CORE_QUERY_PROTOCOL, 0x0000000100000001ull, 0, 0, &r);
	is_u64(r.rcx, 0x0000000100000001ull, "attestation protocol v1 supported");
	is_u64(call(0, SVSM_CORE_QUERY_PROTOCOL, 0x0000000000000002ull, 0, 0, &r), SVSM_SUCCESS,
	       "QUERY_PROTOCOL of an unsupported version still succeeds");
	is_u64(r.rcx, 0, "core v2: 0 (unsupported)");
	call(0, SVSM_CORE_QUERY_PROTOCOL, 0x0000000900000001ull, 0, 0, &r);
	is_u64(r.rcx, 0, "protocol 9: 0");
	is_u64(call(9, 0, 0, 0, 0, NULL), SVSM_ERR_UNSUPPORTED_PROTOCOL, "unknown protocol: UNSUPPORTED_PROTOCOL");
	is_u64(call(0, 8, 0, 0, 0, NULL), SVSM_ERR_UNSUPPORTED_CALL, "core call 8: UNSUPPORTED_CALL");
	is_u64(call(1, 2, 0, 0, 0, NULL), SVSM_ERR_UNSUPPORTED_CALL, "attestation call 2: UNSUPPORTED_CALL");
	is_u64(call(0, SVSM_CORE_CONFIGURE_VTOM, 1, 0, 0, &r), SVSM_SUCCESS, "CONFIGURE_VTOM query succeeds");
	is_u64(r.rcx, 0, "CONFIGURE_VTOM query: bit 1 clear, vTOM configuration unsupported");
	is_u64(call(0, SVSM_CORE_CONFIGURE_VTOM, 3, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "CONFIGURE_VTOM query with bits 63:1 set: INVALID_PARAMETER");
	is_u64(call(0, SVSM_CORE_CONFIGURE_VTOM, 0x40000000ull, 0, 0, NULL), SVSM_ERR_INVALID_REQUEST,
	       "CONFIGURE_VTOM set: INVALID_REQUEST");
	is_u64(call(0, SVSM_CORE_CONFIGURE_VTOM, 0x40000020ull, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "CONFIGURE_VTOM set with bit 5 (reserved) set: INVALID_PARAMETER");
	struct proto_regs q = { 0, 0, 0, 0 };
	proto_dispatch(c, 5, &q);
	is_u64(q.rax, SVSM_ERR_INVALID_REQUEST, "call from an unknown vCPU slot refused");

	/* CALL_PENDING 2 is a reserved value (spec Table 4). */
	uint8_t two = 2;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, ENV_BOOT_CA, &two, 1);
	r = (struct proto_regs){ SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0 };
	ok(proto_handle_request(c, 0, &r) && r.rax == SVSM_ERR_INVALID_FORMAT && r.rcx == 1,
	   "CALL_PENDING = 2: answered INVALID_FORMAT, not dispatched");
	ok(*(uint8_t *)rmp_sim_map(&m->sim, ENV_BOOT_CA, 1) == 0, "… and cleared");
}

static enum rmp_result pv_unknown(void *ctx, uint64_t gpa, bool huge, bool validate)
{
	(void)ctx, (void)gpa, (void)huge, (void)validate;
	return RMP_FAIL_UNKNOWN;
}

static void test_pvalidate_4k(void)
{
	uint64_t pa = 0x200000, v = pa | PVAL_VALIDATE;
	uint16_t next;
	is_u64(pval(1, &v, 0, &next), SVSM_SUCCESS, "PVALIDATE 4K validate");
	ok(next == 1, "next advanced to 1");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, pa);
	ok(p.valid && p.perm[2] == RMP_PERM_ALL && p.perm[1] == RMP_PERM_ALL && !p.perm[3] && !p.secret &&
	   page_zero(pa), "validated page: RMP valid, VMPL1 and VMPL2 RWX (not VMPL3), zeroed before access");
	ok(vs_valid(&c->vs, pa), "tracker: valid");
	uint64_t before = atomic_load(&m->sim.n_pvalidate);
	is_u64(pval(1, &v, 0, &next), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED, "validating again: FAIL_UNCHANGED 0x80001010");
	ok(next == 0, "next stays on the failing entry");
	uint64_t vi = v | PVAL_IGNORE_CF;
	is_u64(pval(1, &vi, 0, NULL), SVSM_SUCCESS, "with ignore-unchanged: success");
	ok(atomic_load(&m->sim.n_pvalidate) == before, "no PVALIDATE executed for an already valid page");
	/* The guest lets VMPL3 in as well: rescinding must take every VMPL's access away. */
	rmp_sim_rmpadjust(&m->sim, pa, false, 3, RMP_PERM_READ, false);
	uint64_t f0 = flushes();
	is_u64(pval1(pa), SVSM_SUCCESS, "invalidate");
	p = rmp_sim_get(&m->sim, pa);
	ok(!p.valid && !gperm(p) && !vs_valid(&c->vs, pa), "invalidated: RMP invalid, VMPL1-3 revoked, tracker invalid");
	ok(flushes() > f0 && !p.stale, "rescind flushed the TLBs");
	is_u64(pval1(pa), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED, "invalidating again: FAIL_UNCHANGED");
	is_u64(pval1(pa | PVAL_IGNORE_CF), SVSM_SUCCESS, "invalidate again with ignore: success");

	/* The hardware disagrees with the tracker (validated behind its back): CF = 1. */
	uint64_t pb = 0x210000;
	rmp_sim_pvalidate(&m->sim, pb, false, true);
	is_u64(pval1(pb | PVAL_VALIDATE), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED, "hardware CF = 1: FAIL_UNCHANGED");
	ok(vs_valid(&c->vs, pb) && !gperm(rmp_sim_get(&m->sim, pb)), "… tracker follows the hardware, nothing granted");
	uint64_t pc = 0x211000;
	rmp_sim_pvalidate(&m->sim, pc, false, true);
	is_u64(pval1(pc | PVAL_VALIDATE | PVAL_IGNORE_CF), SVSM_SUCCESS, "hardware CF = 1 with ignore: success");
	p = rmp_sim_get(&m->sim, pc);
	ok(vs_valid(&c->vs, pc) && p.perm[2] == RMP_PERM_ALL && page_zero(pc), "… and the page is zeroed and granted");
	atomic_store(&m->sim.v_double, atomic_load(&m->sim.v_double) - 2); /* the two CF = 1 above were planted */

	const struct proto_platform saved = m->plat;
	m->plat.pvalidate = pv_unknown;
	is_u64(pval1(0x212000 | PVAL_VALIDATE), SVSM_ERR_PVALIDATE_FAIL_OTHER,
	       "PVALIDATE result outside the architected codes: 0x80001011");
	m->plat.pvalidate = saved.pvalidate;
	ok(!vs_valid(&c->vs, 0x212000), "… tracker unchanged");
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
	is_u64(pval1((ch + 0x5000) | PVAL_VALIDATE), SVSM_SUCCESS, "4K page revalidated: the range is all valid, as 4K entries");
	uint8_t junk = 0x5a;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, ch + 0x7000, &junk, 1);
	is_u64(pval1(ch | 1), SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH,
	       "2M rescind over 4K RMP entries: the hardware's SIZEMISMATCH 0x80001006");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, ch + 0x7000);
	ok(vs_count_valid(&c->vs, ch, 512) == 512 && p.valid && p.perm[2] == RMP_PERM_ALL && page_zero(ch + 0x7000),
	   "… access given back (zeroed: the guest gave the content up), tracker still valid");
	uint64_t ch2 = 6ull << 20;
	is_u64(pval1(ch2 | 1 | PVAL_VALIDATE), SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH,
	       "2M validate over 4K RMP entries: hardware SIZEMISMATCH 0x80001006");
	ok(vs_count_valid(&c->vs, ch2, 512) == 0, "tracker unchanged after a hardware failure");
	is_u64(pval1((ch2 + 0x1000) | 1 | PVAL_VALIDATE), SVSM_ERR_INVALID_PARAMETER, "misaligned 2M entry: INVALID_PARAMETER");
	is_u64(pval1(ch2 | 2 | PVAL_VALIDATE), SVSM_ERR_INVALID_PARAMETER, "page size 2: INVALID_PARAMETER");
	is_u64(pval1(ch2 | 0x10 | PVAL_VALIDATE), SVSM_ERR_INVALID_PARAMETER, "reserved bit 4: INVALID_PARAMETER");
	is_u64(pval1(ch2 | 0x800 | PVAL_VALIDATE), SVSM_ERR_INVALID_PARAMETER, "reserved bit 11: INVALID_PARAMETER");
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
	ok(next == 3 && vs_valid(&c->vs, 0x301000) && vs_valid(&c->vs, 0x302000), "all done, next = entries = 3");
	is_u64(pval(3, e, 5, NULL), SVSM_ERR_INVALID_PARAMETER, "next > entries: INVALID_PARAMETER");
	is_u64(pval(3, e, 3, NULL), SVSM_ERR_INVALID_PARAMETER, "next = entries: INVALID_PARAMETER");
	is_u64(pval(0, e, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "no entries: INVALID_PARAMETER (at least one)");
	is_u64(call(0, SVSM_CORE_PVALIDATE, LIST + 4, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "misaligned list: INVALID_PARAMETER");
	uint16_t most = 511, big = 512;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, LIST, &big, 2);
	is_u64(call(0, SVSM_CORE_PVALIDATE, LIST, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "512 entries cross the page: INVALID_PARAMETER");
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, LIST + 0xFF0, &most, 2);
	is_u64(call(0, SVSM_CORE_PVALIDATE, LIST + 0xFF0, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "a list at page offset 0xFF0 with 511 entries crosses: INVALID_PARAMETER");
	is_u64(call(0, SVSM_CORE_PVALIDATE, 0x680000, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "list in an unvalidated page: INVALID_ADDRESS");
	is_u64(call(0, SVSM_CORE_PVALIDATE, ENV_SVSM_BASE, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "list in SVSM memory: INVALID_ADDRESS");
}

static void test_vcpus(void)
{
	uint64_t vm = 0x5000, ca = 0x6000;
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm + 8, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: misaligned VMSA");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca + 8, 1, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "CREATE: CA not 4 KiB aligned (spec: 4 KiB)");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, vm, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: CA = VMSA page: INVALID_ADDRESS");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, 0x680000, ca, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: unvalidated VMSA");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, ENV_SVSM_BASE, ca, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: VMSA in SVSM memory");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ENV_SVSM_BASE, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: CA in SVSM memory");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ENV_BOOT_CA, 1, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "CREATE: CA already another vCPU's calling area");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ENV_BOOT_VMSA, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: CA on a VMSA");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: APIC ID in use");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, ENV_BOOT_VMSA, ca, 1, NULL), SVSM_ERR_INVALID_ADDRESS, "CREATE: VMSA already registered");
	/* The guest lets VMPL3 write it: creation must take that away too. */
	rmp_sim_rmpadjust(&m->sim, vm, false, 3, RMP_PERM_ALL, false);
	env_write_vmsa(m, vm, 1, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: VMSA for VMPL1");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, vm);
	ok(!p.vmsa && p.perm[2] == RMP_PERM_ALL && !p.perm[3] && proto_find_vcpu(c, vm) < 0,
	   "refused VMSA handed back to the guest (VMPL3's access stays revoked)");
	env_write_vmsa(m, vm, 0, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: VMSA for VMPL0");
	env_write_vmsa(m, vm, 3, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "CREATE: VMSA for VMPL3 (only the guest's own VMPL is supported)");
	env_write_vmsa(m, vm, 2, 0, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: EFER.SVME clear");
	env_write_vmsa(m, vm, 2, EFER_SVME, 0x5);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_ERR_INVALID_PARAMETER, "CREATE: other SEV features");
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	uint64_t f0 = flushes();
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 1, NULL), SVSM_SUCCESS, "CREATE_VCPU");
	p = rmp_sim_get(&m->sim, vm);
	ok(p.vmsa && !gperm(p) && !p.stale && flushes() > f0,
	   "VMSA bit set, no VMPL but 0 can access it (not even read), TLBs flushed");
	is_u64(pval1(vm), SVSM_ERR_INVALID_ADDRESS, "PVALIDATE of the new VMSA: INVALID_ADDRESS");
	is_u64(pval1(ca), SVSM_ERR_INVALID_ADDRESS, "PVALIDATE of the new CA page: INVALID_ADDRESS");
	int slot = proto_find_vcpu(c, vm);

	/* A second launch vCPU: executing, so it cannot be deleted. */
	uint64_t vm2 = 0x7000, ca2 = 0xD000;
	rmp_sim_rmpadjust(&m->sim, vm2, false, PROTO_GUEST_VMPL, 0, true);
	rmp_sim_flush(&m->sim, vm2, 4096);
	int slot2 = proto_add_boot_vcpu(c, vm2, ca2, 7);
	ok(slot2 > 0 && c->startup_slot == 0, "a second boot vCPU; the first is the startup vCPU");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, ENV_BOOT_VMSA, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "DELETE of the startup vCPU by itself: INVALID_PARAMETER (never deleted)");
	is_u64(call_from((unsigned)slot, 0, SVSM_CORE_DELETE_VCPU, ENV_BOOT_VMSA, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "DELETE of the startup vCPU from another vCPU: INVALID_PARAMETER");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm2, 0, 0, NULL), SVSM_ERR_CORE_FAIL_INUSE,
	       "DELETE of an executing vCPU: 0x80001003 (FAIL_INUSE)");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, 0x8000, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "DELETE of a non-VMSA");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm + 16, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "DELETE misaligned");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm, 0, 0, NULL), SVSM_SUCCESS, "DELETE_VCPU");
	p = rmp_sim_get(&m->sim, vm);
	uint64_t efer;
	memcpy(&efer, (uint8_t *)rmp_sim_map(&m->sim, vm, 4096) + VMSA_OFF_EFER, 8);
	ok(!p.vmsa && p.perm[2] == RMP_PERM_ALL && p.perm[1] == RMP_PERM_ALL && proto_find_vcpu(c, vm) < 0 &&
	   !(efer & EFER_SVME), "VMSA bit and EFER.SVME cleared, page back to VMPL1-2");
	is_u64(pval1(vm), SVSM_SUCCESS, "former VMSA can be invalidated");
	is_u64(pval1(ca), SVSM_SUCCESS, "former CA page can be invalidated");
	/* Leave the second launch vCPU as if it had never been (the later tests count on slot 0 alone). */
	c->vcpu[slot2].used = false;
	rmp_sim_rmpadjust(&m->sim, vm2, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false);
}

static void test_remap_ca(void)
{
	struct proto_regs r;
	is_u64(call(0, SVSM_CORE_REMAP_CA, 0x7004, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "REMAP_CA misaligned");
	is_u64(call(0, SVSM_CORE_REMAP_CA, 0x7008, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "REMAP_CA 8-byte but not 4 KiB aligned: INVALID_PARAMETER (spec: 4 KiB)");
	is_u64(call(0, SVSM_CORE_REMAP_CA, ENV_SVSM_BASE, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "REMAP_CA to SVSM memory");
	is_u64(call(0, SVSM_CORE_REMAP_CA, 0x600000, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "REMAP_CA to an unvalidated page");
	is_u64(call(0, SVSM_CORE_REMAP_CA, ENV_BOOT_VMSA, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "REMAP_CA onto a VMSA");
	is_u64(call(0, SVSM_CORE_REMAP_CA, ENV_BOOT_CA, 0, 0, NULL), SVSM_SUCCESS, "REMAP_CA to the current area");
	uint8_t one = 1;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x7000, &one, 1);
	is_u64(call(0, SVSM_CORE_REMAP_CA, 0x7000, 0, 0, NULL), SVSM_SUCCESS, "REMAP_CA");
	ok(*(uint8_t *)rmp_sim_map(&m->sim, 0x7000, 1) == 0, "the new area's CALL_PENDING set to 0");
	is_u64(pval1(0x7000), SVSM_ERR_INVALID_ADDRESS, "new CA page is protected");
	is_u64(pval1(ENV_BOOT_CA), SVSM_SUCCESS, "old CA page is released");
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x7000, &one, 1);
	r = (struct proto_regs){ SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0 };
	ok(proto_handle_request(c, 0, &r) && r.rax == SVSM_SUCCESS && r.rcx == 0x0000000100000001ull,
	   "request loop: pending call through the new CA dispatched, results in RAX/RCX");
	ok(*(uint8_t *)rmp_sim_map(&m->sim, 0x7000, 1) == 0, "call_pending cleared");
	r = (struct proto_regs){ SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0 };
	ok(!proto_handle_request(c, 0, &r) && r.rax == SVSM_CORE_QUERY_PROTOCOL, "no call pending: nothing dispatched");

	/* Another vCPU's calling area cannot become ours. */
	uint64_t vm = 0x5000, ca = 0x6000;
	pval1(vm | PVAL_VALIDATE);
	pval1(ca | PVAL_VALIDATE);
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 3, NULL), SVSM_SUCCESS, "CREATE_VCPU for the remap test");
	is_u64(call(0, SVSM_CORE_REMAP_CA, ca, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "REMAP_CA onto another vCPU's calling area: INVALID_ADDRESS");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm, 0, 0, NULL), SVSM_SUCCESS, "… deleted again");
}

static void test_deposit_withdraw(void)
{
	uint64_t ch = 12ull << 20;
	struct proto_ca *ca0 = rmp_sim_map(&m->sim, c->vcpu[c->startup_slot].caa, 8); /* its MEM_AVAILABLE */
	rmp_sim_make_large(&m->sim, ch);
	is_u64(pval1(ch | 1 | PVAL_VALIDATE), SVSM_SUCCESS, "2M range validated for the deposit");
	pval1(0x8000 | PVAL_VALIDATE);
	uint8_t junk[16];
	memset(junk, 0x77, sizeof(junk));
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0x8000, junk, sizeof(junk));
	rmp_sim_rmpadjust(&m->sim, 0x8000, false, 3, RMP_PERM_ALL, false); /* VMPL3 too: must go */
	uint64_t e[2] = { 0x8000, ch | 1 }, bad;
	uint16_t next;
	bad = 0x9000 | 4;
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 1, &bad, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "DEPOSIT entry bit 2 (reserved)");
	bad = 0x9000 | 2;
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 1, &bad, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "DEPOSIT entry size 2");
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 0, e, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "DEPOSIT of no entries");
	bad = 0x690000;
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 1, &bad, 0, &next), SVSM_ERR_INVALID_ADDRESS,
	       "DEPOSIT of unvalidated memory: INVALID_ADDRESS");
	ok(next == 0 && !vs_owned(&c->vs, 0x690000), "… next on the failing entry, nothing deposited");
	bad = c->vcpu[0].caa;
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 1, &bad, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "DEPOSIT of a calling area");
	bad = ENV_BOOT_VMSA;
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 1, &bad, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "DEPOSIT of a VMSA");
	bad = ENV_SVSM_BASE;
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 1, &bad, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "DEPOSIT of SVSM memory");
	uint64_t f0 = flushes();
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 2, e, 0, &next), SVSM_SUCCESS, "DEPOSIT_MEM a 4K and a 2M entry");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, 0x8000), q = rmp_sim_get(&m->sim, ch + 0x3000);
	ok(next == 2 && vs_owned(&c->vs, 0x8000) && vs_count_owned(&c->vs, ch, 512) == 512 && p.valid && !gperm(p) &&
	   q.valid && !gperm(q), "deposited: owned by the SVSM, validated, no VMPL but 0 has access");
	ok(flushes() >= f0 + 2, "TLBs flushed for each deposited entry");
	is_u64(pval1(0x8000), SVSM_ERR_INVALID_ADDRESS, "PVALIDATE of deposited memory: INVALID_ADDRESS");
	is_u64(pval1((ch + 0x1000) | PVAL_VALIDATE), SVSM_ERR_INVALID_ADDRESS, "… inside a deposited 2M range too");
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 2, e, 2, NULL), SVSM_ERR_INVALID_PARAMETER, "DEPOSIT with next = entries");
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 2, e, 0, &next), SVSM_ERR_INVALID_ADDRESS, "depositing twice: INVALID_ADDRESS");

	/* WITHDRAW: count at offset 0, then 4 KiB page gPAs, as many as fit in the page. */
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST + 0xFF8, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "WITHDRAW list with no room (page offset 0xFF8): INVALID_PARAMETER");
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST + 4, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "WITHDRAW misaligned");
	const uint16_t *cnt = rmp_sim_map(&m->sim, LIST, 2);
	const uint64_t *out = rmp_sim_map(&m->sim, LIST + 8, 511 * 8);
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST, 0, 0, NULL), SVSM_SUCCESS, "WITHDRAW_MEM");
	bool pages = *cnt == 511;
	for (unsigned i = 0; pages && i < 511; i++)
		pages = out[i] == ch + (1 + i) * 4096ull;
	ok(pages, "511 entries (a full list page), the 2M deposit's last 511 4K pages");
	ok(ca0->mem_available == 1, "startup vCPU's MEM_AVAILABLE says more remains");
	p = rmp_sim_get(&m->sim, ch + 0x5000);
	ok(!vs_owned(&c->vs, ch + 0x5000) && vs_owned(&c->vs, ch) && p.valid && p.perm[2] == RMP_PERM_ALL &&
	   p.perm[1] == RMP_PERM_ALL && page_zero(ch + 0x5000), "withdrawn pages: the guest's again, zeroed; the first stays");
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST + 0xFF0, 0, 0, NULL), SVSM_SUCCESS, "WITHDRAW into room for one entry");
	ok(*(uint16_t *)rmp_sim_map(&m->sim, LIST + 0xFF0, 2) == 1 &&
	   *(uint64_t *)rmp_sim_map(&m->sim, LIST + 0xFF8, 8) == ch, "… the last page of the 2M deposit");
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST, 0, 0, NULL), SVSM_SUCCESS, "WITHDRAW the rest");
	p = rmp_sim_get(&m->sim, 0x8000);
	ok(*cnt == 1 && out[0] == 0x8000 && !vs_owned(&c->vs, 0x8000) && p.valid && p.perm[2] == RMP_PERM_ALL &&
	   page_zero(0x8000), "the 4K deposit comes back zeroed");
	ok(ca0->mem_available == 0, "MEM_AVAILABLE cleared: nothing left");
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST, 0, 0, NULL), SVSM_SUCCESS, "WITHDRAW with nothing deposited");
	is_u64(*cnt, 0, "zero entries returned");
	is_u64(pval1(0x8000 | PVAL_VALIDATE), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED, "withdrawn page is known valid");
}

/* RMPADJUST's FAIL_INUSE (3): the processor runs a vCPU on the page or holds its RMP entry.
 * Every call path that executes RMPADJUST answers 0x80001003 and leaves no half-done state. */
static void test_inuse(void)
{
	uint64_t vm = 0x40000, ca = 0x41000;
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 9, NULL), SVSM_SUCCESS, "CREATE_VCPU for the in-use tests");
	rmp_sim_set_inuse(&m->sim, vm, true); /* the hypervisor runs it */
	uint64_t efer;
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm, 0, 0, NULL), SVSM_ERR_CORE_FAIL_INUSE,
	       "DELETE_VCPU while a vCPU executes the VMSA (RMPADJUST FAIL_INUSE): 0x80001003");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, vm);
	memcpy(&efer, (uint8_t *)rmp_sim_map(&m->sim, vm, 4096) + VMSA_OFF_EFER, 8);
	ok(p.vmsa && !gperm(p) && proto_find_vcpu(c, vm) >= 0 && (efer & EFER_SVME),
	   "… still a registered VMSA, VMSA bit kept, EFER.SVME set again");
	rmp_sim_set_inuse(&m->sim, vm, false);
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm, 0, 0, NULL), SVSM_SUCCESS, "… deleted once it has stopped");

	uint64_t pg = 0x42000;
	rmp_sim_set_inuse(&m->sim, pg, true);
	is_u64(pval1(pg), SVSM_ERR_CORE_FAIL_INUSE, "PVALIDATE rescind, RMPADJUST FAIL_INUSE: 0x80001003 (not 0x80001011)");
	p = rmp_sim_get(&m->sim, pg);
	ok(vs_valid(&c->vs, pg) && p.valid && p.perm[2] == RMP_PERM_ALL, "… tracker and RMP unchanged: still validated, still the guest's");
	uint64_t e = pg;
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 1, &e, 0, NULL), SVSM_ERR_CORE_FAIL_INUSE, "DEPOSIT_MEM of an in-use page: 0x80001003");
	ok(!vs_owned(&c->vs, pg) && rmp_sim_get(&m->sim, pg).perm[2] == RMP_PERM_ALL, "… not deposited");
	env_write_vmsa(m, pg, 2, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, pg, ca, 9, NULL), SVSM_ERR_CORE_FAIL_INUSE, "CREATE_VCPU on an in-use page: 0x80001003");
	ok(proto_find_vcpu(c, pg) < 0 && !rmp_sim_get(&m->sim, pg).vmsa, "… no vCPU, no VMSA bit");
	rmp_sim_set_inuse(&m->sim, pg, false);

	uint64_t nv = 0x230000;
	rmp_sim_set_inuse(&m->sim, nv, true);
	is_u64(pval1(nv | PVAL_VALIDATE), SVSM_ERR_CORE_FAIL_INUSE, "PVALIDATE validate whose grant hits FAIL_INUSE: 0x80001003");
	ok(!vs_valid(&c->vs, nv) && !rmp_sim_get(&m->sim, nv).valid, "… validation undone, tracker = RMP");
	rmp_sim_set_inuse(&m->sim, nv, false);

	uint64_t dp = 0x43000;
	e = dp;
	is_u64(list_call(SVSM_CORE_DEPOSIT_MEM, 1, &e, 0, NULL), SVSM_SUCCESS, "DEPOSIT_MEM for the withdraw test");
	rmp_sim_set_inuse(&m->sim, dp, true);
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST, 0, 0, NULL), SVSM_ERR_CORE_FAIL_INUSE, "WITHDRAW_MEM whose grant hits FAIL_INUSE: 0x80001003");
	ok(vs_owned(&c->vs, dp) && !gperm(rmp_sim_get(&m->sim, dp)), "… the page stays the SVSM's");
	rmp_sim_set_inuse(&m->sim, dp, false);
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST, 0, 0, NULL), SVSM_SUCCESS, "… withdrawn when the entry is free");
	ok(!vs_owned(&c->vs, dp) && rmp_sim_get(&m->sim, dp).perm[2] == RMP_PERM_ALL &&
	   *(uint64_t *)rmp_sim_map(&m->sim, LIST + 8, 8) == dp, "… and reported in the list");
}

static int report_fails(void *ctx, const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len)
{
	(void)ctx, (void)data, (void)out, (void)cap, (void)len;
	return -1;
}

#define OP 0x9000ull
static void op_put32(unsigned off, uint32_t v)
{
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, OP + off, &v, 4);
}

static void op_put64(unsigned off, uint64_t v)
{
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, OP + off, &v, 8);
}

static void test_attest(void)
{
	static const uint8_t svc_guid[16] = { 0xeb, 0xf1, 0x76, 0xc4, 0x23, 0x01, 0xa5, 0x45,
					      0x96, 0x41, 0xb4, 0xe7, 0xdd, 0x5b, 0xfe, 0xe3 };
	static const uint8_t svc_data[5] = { 'h', 'e', 'l', 'l', 'o' };
	proto_add_service(c, svc_guid, svc_data, sizeof(svc_data));
	for (uint64_t a = 0x9000; a < 0xD000; a += 0x1000)
		pval1(a | PVAL_VALIDATE | PVAL_IGNORE_CF);
	uint8_t nonce[64];
	for (int i = 0; i < 64; i++)
		nonce[i] = (uint8_t)i;
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, 0xA000, nonce, 64);
	uint8_t op[88] = { 0 };
	uint64_t rep = 0xC000, non = 0xA000, man = 0xB000;
	uint32_t rs = 4096, ms = 4096;
	uint32_t ns = 64; /* as Linux writes it: a u32 (the spec's u16 + reserved bytes) */
	memcpy(op, &rep, 8), memcpy(op + 8, &rs, 4), memcpy(op + 16, &non, 8), memcpy(op + 24, &ns, 4);
	memcpy(op + 32, &man, 8), memcpy(op + 40, &ms, 4);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, OP, op, 64);
	struct proto_regs r;
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, ~0ull, ~0ull, &r), SVSM_SUCCESS, "ATTEST_SERVICES");
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

	/* Buffers too small: the sizes come back so the guest can retry (Linux does). */
	op_put32(0x28, 10);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, ~0ull, ~0ull, &r), SVSM_ERR_INVALID_PARAMETER, "manifest buffer too small");
	ok(r.rcx == 53 && r.rdx == ~0ull && r.r8 == ~0ull, "… RCX = manifest size; no report requested, RDX/R8 untouched");
	op_put32(0x28, 4096);
	op_put32(0x08, 100);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, ~0ull, ~0ull, &r), SVSM_ERR_INVALID_PARAMETER, "report buffer too small");
	ok(r.rcx == 53 && r.rdx == 0 && r.r8 == RMP_MODEL_REPORT_SIZE, "… RCX, RDX, R8 = the three sizes");
	op_put32(0x08, 4096);
	const struct proto_platform saved = m->plat;
	m->plat.report = report_fails;
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, ~0ull, ~0ull, &r), SVSM_ERR_ATTEST_FAIL_SNP,
	       "the SNP report request fails: 0x80001000");
	ok(r.rcx == OP && r.rdx == ~0ull && r.r8 == ~0ull, "… registers left alone");
	m->plat.report = saved.report;

	/* Nonce: any size not crossing its page. */
	op_put32(0x18, 32);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, &r), SVSM_SUCCESS, "a 32-byte nonce");
	sha512_init(&h);
	sha512_update(&h, nonce, 32);
	sha512_update(&h, mf, 53);
	sha512_final(&h, want);
	is_mem((uint8_t *)rmp_sim_map(&m->sim, rep + 0x50, 64), want, 64, "… REPORT_DATA = SHA-512(32-byte nonce || manifest)");
	op_put32(0x18, 0);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "an empty nonce");
	op_put32(0x18, 64);
	op_put64(0x10, 0xAFE0);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "a nonce crossing a page");
	op_put64(0x10, non);

	/* Layout rules: alignment, MBZ fields, the operation itself within a page. */
	op_put64(0x00, rep + 8);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "report buffer not 4 KiB aligned");
	op_put64(0x00, rep);
	op_put64(0x20, man + 0x100);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "manifest buffer not 4 KiB aligned");
	op_put64(0x20, man);
	op_put64(0x30, 0xB010);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, NULL), SVSM_SUCCESS, "a misaligned certificate buffer of size 0 is ignored");
	op_put32(0x38, 4096);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "certificate buffer (size not 0) not 4 KiB aligned");
	op_put64(0x30, 0xD000);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, &r), SVSM_SUCCESS, "with a certificate buffer");
	is_u64(r.rdx, 0, "… RDX = 0: no certificate data");
	op_put32(0x0C, 1);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "MBZ at 0x0C set");
	op_put32(0x0C, 0);
	op_put32(0x3C, 0x100);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER, "MBZ at 0x3C set");
	op_put32(0x3C, 0);
	is_u64(call(1, SVSM_ATTEST_SERVICES, 0x9FC8, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "operation structure crossing its page");
	is_u64(call(1, SVSM_ATTEST_SERVICES, ENV_SVSM_BASE, 0, 0, &r), SVSM_ERR_INVALID_ADDRESS, "operation in SVSM memory");
	is_u64(call(1, SVSM_ATTEST_SERVICES, 0x9004, 0, 0, &r), SVSM_ERR_INVALID_PARAMETER, "misaligned operation");
	op_put64(0x20, ENV_SVSM_BASE);
	is_u64(call(1, SVSM_ATTEST_SERVICES, OP, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "manifest buffer in SVSM memory");
	op_put64(0x20, man);

	/* Single service. */
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, OP + 0x40, svc_guid, 16);
	op_put32(0x50, 0);
	op_put32(0x54, 0);
	is_u64(call(1, SVSM_ATTEST_SINGLE_SERVICE, OP, 0, 0, &r), SVSM_SUCCESS, "ATTEST_SINGLE_SERVICE");
	ok(r.rcx == 5 && !memcmp(rmp_sim_map(&m->sim, man, 5), "hello", 5), "single-service manifest is the service's");
	op_put32(0x50, 1);
	is_u64(call(1, SVSM_ATTEST_SINGLE_SERVICE, OP, 0, 0, &r), SVSM_ERR_INVALID_PARAMETER, "manifest version 1");
	op_put32(0x50, 0);
	op_put32(0x54, 1);
	is_u64(call(1, SVSM_ATTEST_SINGLE_SERVICE, OP, 0, 0, &r), SVSM_ERR_INVALID_PARAMETER, "MBZ at 0x54 set");
	op_put32(0x54, 0);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, OP + 0x40, nonce, 16);
	is_u64(call(1, SVSM_ATTEST_SINGLE_SERVICE, OP, 0, 0, &r), SVSM_ERR_INVALID_PARAMETER, "unknown service GUID");
	is_u64(call(1, SVSM_ATTEST_SINGLE_SERVICE, 0x9FB0, 0, 0, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "88-byte operation crossing its page (64 would fit)");
}

/* A list of n entries written by the guest at gpa, then fn called on it. */
static uint64_t list_at(uint64_t gpa, uint32_t fn, unsigned n, const uint64_t *e)
{
	uint8_t buf[8 + 8 * 4] = { 0 };
	uint16_t nn = (uint16_t)n;
	memcpy(buf, &nn, 2);
	memcpy(buf + 8, e, 8 * n);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, gpa, buf, 8 + 8 * n);
	return call(0, fn, gpa, 0, 0, NULL);
}

static bool no_pins(void)
{
	for (unsigned i = 0; i < PROTO_MAX_PINS; i++)
		if (c->pin[i].count)
			return false;
	return true;
}

static uint64_t faults(void)
{
	return atomic_load(&c->st.guest_faults);
}

/* The hypervisor takes the page the core is about to zero: the race a validation can lose. */
static bool (*zero_orig)(void *, uint64_t, uint64_t);
static bool zero_after_flip(void *ctx, uint64_t gpa, uint64_t len)
{
	rmp_sim_hv_flip(&m->sim, gpa, false);
	return zero_orig(ctx, gpa, len);
}

/* Guest buffers the hypervisor made shared (and perhaps private again, not validated)
 * behind the core's back: every access faults on SNP (#VC 0x404); each call answers
 * INVALID_ADDRESS (or the hardware's code where an RMPADJUST meets the page) and changes
 * nothing, the tracker stays as the core knew it, and a rescind teaches it the truth. */
static void test_hv_flip(void)
{
	uint64_t l = 0x50000, t = 0x250000, e;
	/* A PVALIDATE list the SVSM cannot read. */
	e = t | PVAL_VALIDATE;
	rmp_sim_hv_flip(&m->sim, l, true);
	uint64_t f0 = faults();
	is_u64(list_at(l, SVSM_CORE_PVALIDATE, 1, &e), SVSM_ERR_INVALID_ADDRESS,
	       "PVALIDATE with a list page the hypervisor made shared: INVALID_ADDRESS, no #VC");
	ok(faults() > f0 && !vs_valid(&c->vs, t) && !rmp_sim_get(&m->sim, t).valid && no_pins(),
	   "… the fault was recovered; the entry not done, the list page unpinned");
	rmp_sim_hv_flip(&m->sim, l, false);
	is_u64(list_at(l, SVSM_CORE_PVALIDATE, 1, &e), SVSM_ERR_INVALID_ADDRESS,
	       "… private again but not validated: still INVALID_ADDRESS");
	ok(vs_valid(&c->vs, l) && !rmp_sim_get(&m->sim, l).valid, "… the tracker still says validated (it cannot know)");
	e = l;
	uint16_t next;
	is_u64(pval(1, &e, 0, &next), SVSM_ERR_PVALIDATE_FAIL_UNCHANGED,
	       "rescinding the taken page: RMPADJUST says it is not validated, FAIL_UNCHANGED");
	uint64_t pv0 = atomic_load(&m->sim.n_pvalidate);
	ok(!vs_valid(&c->vs, l) && atomic_load(&m->sim.v_double) == 0, "… tracker = RMP again, no PVALIDATE executed twice");
	e = l | PVAL_VALIDATE;
	is_u64(pval(1, &e, 0, NULL), SVSM_SUCCESS, "… and the guest can validate it again");
	ok(atomic_load(&m->sim.n_pvalidate) == pv0 + 1 && page_zero(l) && rmp_sim_get(&m->sim, l).perm[2] == RMP_PERM_ALL,
	   "… one PVALIDATE, zeroed, the guest's");
	e = t | PVAL_VALIDATE;
	is_u64(list_at(l, SVSM_CORE_PVALIDATE, 1, &e), SVSM_SUCCESS, "the list works again");

	/* Validation racing the hypervisor: the page goes between PVALIDATE and the zeroing. */
	zero_orig = m->plat.zero;
	m->plat.zero = zero_after_flip;
	e = (t + 0x1000) | PVAL_VALIDATE;
	is_u64(pval(1, &e, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "page taken right after its PVALIDATE: INVALID_ADDRESS");
	m->plat.zero = zero_orig;
	struct rmp_sim_page p = rmp_sim_get(&m->sim, t + 0x1000);
	ok(!vs_valid(&c->vs, t + 0x1000) && !p.valid && !gperm(p), "… nothing granted, tracker = RMP (not validated)");

	/* The calling area. */
	uint64_t ca = c->vcpu[0].caa;
	*(uint8_t *)rmp_sim_map(&m->sim, ca, 1) = 1; /* a call was pending when the page went */
	rmp_sim_hv_flip(&m->sim, ca, true);
	struct proto_regs r = { SVSM_CORE_QUERY_PROTOCOL, 1, 2, 3 };
	f0 = faults();
	ok(!proto_handle_request(c, 0, &r) && r.rax == SVSM_CORE_QUERY_PROTOCOL && r.rcx == 1 && faults() == f0 + 1,
	   "calling area taken: no call seen, registers untouched, no #VC");
	is_u64(call(0, SVSM_CORE_REMAP_CA, 0x54000, 0, 0, NULL), SVSM_SUCCESS, "REMAP_CA away from it works");
	rmp_sim_hv_flip(&m->sim, 0x53000, true);
	is_u64(call(0, SVSM_CORE_REMAP_CA, 0x53000, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "REMAP_CA onto a taken page: INVALID_ADDRESS");
	is_u64(c->vcpu[0].caa, 0x54000, "… the calling area stays where it was");

	/* VMSAs. */
	uint64_t vm = 0x55000, vca = 0x56000;
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, vca, 11, NULL), SVSM_SUCCESS, "CREATE_VCPU for the flip tests");
	rmp_sim_hv_flip(&m->sim, vm, true);
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "DELETE_VCPU of a VMSA the hypervisor took: INVALID_ADDRESS");
	ok(proto_find_vcpu(c, vm) >= 0, "… still registered");
	env_write_vmsa(m, 0x57000, 2, EFER_SVME, ENV_SEV_FEATURES);
	rmp_sim_hv_flip(&m->sim, 0x57000, false);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, 0x57000, 0x58000, 12, NULL), SVSM_ERR_PVALIDATE_FAIL_INPUT,
	       "CREATE_VCPU on a taken page: the RMPADJUST's FAIL_INPUT (0x80001001)");
	ok(proto_find_vcpu(c, 0x57000) < 0, "… nothing registered");

	/* Attestation buffers. */
	uint64_t opg = 0x5A000, non = 0x5B000, rep = 0x5C000, man = 0x5D000;
	uint64_t op[8] = { rep, 4096, non, 64, man, 4096, 0, 0 };
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, opg, op, sizeof(op));
	is_u64(call(1, SVSM_ATTEST_SERVICES, opg, 0, 0, NULL), SVSM_SUCCESS, "ATTEST_SERVICES for the flip tests");
	rmp_sim_hv_flip(&m->sim, rep, true);
	is_u64(call(1, SVSM_ATTEST_SERVICES, opg, 7, 8, &r), SVSM_ERR_INVALID_ADDRESS, "report buffer taken: INVALID_ADDRESS");
	ok(r.rcx == opg && r.rdx == 7 && r.r8 == 8 && no_pins(), "… registers left alone, nothing pinned");
	rmp_sim_hv_flip(&m->sim, non, false);
	is_u64(call(1, SVSM_ATTEST_SERVICES, opg, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "nonce taken: INVALID_ADDRESS");
	rmp_sim_hv_flip(&m->sim, opg, true);
	is_u64(call(1, SVSM_ATTEST_SERVICES, opg, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS, "operation taken: INVALID_ADDRESS");

	/* Deposits and withdrawals. */
	uint64_t dl = 0x5E000, dp = 0x5F000;
	e = dp;
	is_u64(list_at(dl, SVSM_CORE_DEPOSIT_MEM, 1, &e), SVSM_SUCCESS, "DEPOSIT_MEM for the flip tests");
	rmp_sim_hv_flip(&m->sim, dl, true);
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, dl, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "WITHDRAW_MEM into a taken list: INVALID_ADDRESS");
	ok(vs_owned(&c->vs, dp) && c->pool_n == 1, "… the deposit stays in the pool");
	rmp_sim_hv_flip(&m->sim, dp, true);
	is_u64(call(0, SVSM_CORE_WITHDRAW_MEM, LIST, 0, 0, NULL), SVSM_ERR_INVALID_ADDRESS,
	       "WITHDRAW_MEM of a deposited page the hypervisor took: INVALID_ADDRESS");
	uint16_t cnt;
	memcpy(&cnt, rmp_sim_map(&m->sim, LIST, 2), 2);
	ok(cnt == 0 && vs_owned(&c->vs, dp) && c->pool_n == 0 && atomic_load(&c->st.lost_pages) == 1 &&
	   !gperm(rmp_sim_get(&m->sim, dp)), "… not handed out (count 0), the page is lost to the pool but stays the SVSM's");
	e = 0x61000;
	rmp_sim_hv_flip(&m->sim, e, false);
	is_u64(list_at(LIST, SVSM_CORE_DEPOSIT_MEM, 1, &e), SVSM_ERR_PVALIDATE_FAIL_INPUT,
	       "DEPOSIT_MEM of a taken page: the RMPADJUST's FAIL_INPUT");
	ok(!vs_owned(&c->vs, 0x61000), "… not deposited");
	is_u64(rmp_sim_violations(&m->sim), 0, "the RMP model saw no violation through all of it");
}

/* A missing flush must be caught: the model's own check, planted. */
static void test_flush_check(void)
{
	struct rmp_sim s;
	uint8_t *mem = malloc(1024 * 4096);
	struct rmp_sim_page *pg = malloc(1024 * sizeof(*pg));
	uint8_t large[2];
	if (!mem || !pg) {
		ok(0, "memory for the flush check");
		free(mem), free(pg);
		return;
	}
	rmp_sim_init(&s, 0, 1024, mem, pg, large);
	rmp_sim_prevalidate(&s, 0, 4, PROTO_GUEST_VMPL, RMP_PERM_ALL);
	rmp_sim_rmpadjust(&s, 0x1000, false, PROTO_GUEST_VMPL, RMP_PERM_READ, false);
	ok(rmp_sim_get(&s, 0x1000).stale && rmp_sim_violations(&s) == 0, "taking write away makes the page stale");
	rmp_sim_map(&s, 0x1000, 8);
	is_u64(atomic_load(&s.v_unflushed), 1, "mapping a stale page (a VMSA read before the flush) is a violation");
	rmp_sim_rmpadjust(&s, 0x1000, false, PROTO_GUEST_VMPL, RMP_PERM_ALL, false);
	is_u64(atomic_load(&s.v_unflushed), 2, "granting access again before the flush is a violation");
	is_u64(rmp_sim_check_flushed(&s, 0, 1024 * 4096), 1, "a call returning with the page stale is a violation");
	rmp_sim_flush(&s, 0x1000, 4096);
	is_u64(rmp_sim_check_flushed(&s, 0, 1024 * 4096), 0, "flushed: nothing stale");
	rmp_sim_pvalidate(&s, 0x2000, false, false);
	rmp_sim_pvalidate(&s, 0x2000, false, true);
	is_u64(atomic_load(&s.v_unflushed), 4, "validating a rescinded page before the flush is a violation");
	ok(rmp_sim_violations(&s) == 4, "all of it in rmp_sim_violations");
	memset(rmp_sim_map(&s, 0x3000, 4096), 0x11, 4096);
	rmp_sim_reset(&s);
	ok(rmp_sim_violations(&s) == 0 && !rmp_sim_get(&s, 0x2000).stale && !rmp_sim_get(&s, 0).valid &&
	   ((uint8_t *)rmp_sim_map(&s, 0x3000, 1))[0] == 0xA5, "rmp_sim_reset: counters, pages and content as at init");
	free(mem);
	free(pg);
}

/* Issue 15: a vCPU deleting itself, and CREATE_VCPU's hand-over to the vCPU that runs it. */
static uint32_t bound_apic, bound_gen;
static unsigned bound_slot, binds;
static bool exists_99(void *ctx, uint32_t apic)
{
	(void)ctx;
	return apic != 99;
}
static void bind_spy(void *ctx, uint32_t apic, unsigned slot, uint32_t gen)
{
	(void)ctx;
	bound_apic = apic, bound_slot = slot, bound_gen = gen, binds++;
}

static void test_self_and_bind(void)
{
	uint64_t vm = 0x40000, ca = 0x41000;
	m->plat.vcpu_exists = exists_99;
	m->plat.vcpu_bind = bind_spy;
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 99, NULL), SVSM_ERR_INVALID_PARAMETER,
	       "CREATE_VCPU for an APIC ID no vCPU of the SVSM has: INVALID_PARAMETER");
	struct rmp_sim_page p = rmp_sim_get(&m->sim, vm);
	ok(!p.vmsa && p.perm[2] == RMP_PERM_ALL && binds == 0 && proto_find_vcpu(c, vm) < 0,
	   "… nothing registered, nothing handed over, the page still the guest's");
	is_u64(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 5, NULL), SVSM_SUCCESS, "CREATE_VCPU for APIC ID 5");
	int slot = proto_find_vcpu(c, vm);
	ok(binds == 1 && bound_apic == 5 && (int)bound_slot == slot && bound_gen == c->vcpu[slot].gen,
	   "… handed over to the vCPU with APIC ID 5: slot %d, generation %u", slot, bound_gen);
	uint64_t v2 = vm;
	uint32_t g2 = bound_gen;
	ok(proto_vcpu_get(c, (unsigned)slot, &v2, &g2), "the registry names (slot, generation) as that vCPU");
	is_u64(call_from((unsigned)slot, 0, SVSM_CORE_DELETE_VCPU, vm, 0, 0, NULL), SVSM_SUCCESS,
	       "DELETE_VCPU of the caller's own vCPU: done (spec §6.4: the call does not return)");
	p = rmp_sim_get(&m->sim, vm);
	v2 = vm, g2 = bound_gen;
	ok(!p.vmsa && p.perm[2] == RMP_PERM_ALL && proto_find_vcpu(c, vm) < 0 &&
	   !proto_vcpu_get(c, (unsigned)slot, &v2, &g2), "… its VMSA is the guest's page again, the slot empty");
	env_write_vmsa(m, vm, 2, EFER_SVME, ENV_SEV_FEATURES);
	uint32_t old_gen = bound_gen;
	ok(call(0, SVSM_CORE_CREATE_VCPU, vm, ca, 5, NULL) == SVSM_SUCCESS && binds == 2 && bound_gen != old_gen &&
	   bound_gen == c->vcpu[bound_slot].gen, "the same page and APIC ID again: a new generation");
	is_u64(call(0, SVSM_CORE_DELETE_VCPU, vm, 0, 0, NULL), SVSM_SUCCESS, "… deleted by another vCPU");
	m->plat.vcpu_exists = 0;
	m->plat.vcpu_bind = 0;
}

int main(void)
{
	if (env_setup(&m, c)) {
		ok(0, "set up the model");
		return tap_done();
	}
	struct proto_core nf;
	struct proto_platform noflush = m->plat;
	noflush.flush = NULL;
	uint64_t b = 0, s = 1 << 20;
	ok(proto_init(&nf, &noflush, &b, &s, 1, 0) == -1, "proto_init refuses a platform without flush");
	test_flush_check();
	test_dispatch();
	test_pvalidate_4k();
	test_pvalidate_2m();
	test_pvalidate_list();
	test_vcpus();
	test_remap_ca();
	test_deposit_withdraw();
	test_inuse();
	test_attest();
	test_hv_flip();
	test_self_and_bind();
	unsigned bad = 0;
	char why[160] = "";
	for (uint64_t a = 0; a < ENV_MEM; a += 2ull << 20)
		bad += rmp_model_check_chunk(m, c, a, why, sizeof(why));
	ok(bad == 0, "model RMP == tracker, registry, zeroing and flush invariants hold (%s)", bad ? why : "all chunks");
	is_u64(rmp_sim_violations(&m->sim), 0,
	       "no double PVALIDATE, VMSA PVALIDATE, SVSM touch, unzeroed grant or unflushed page");
	ok(vs_bytes(&c->vs) <= 8 + VS_BYTES_PER_GIB + VS_OWNED_BYTES_PER_GIB, "state: %llu bytes for 16 MiB",
	   (unsigned long long)vs_bytes(&c->vs));
	proto_destroy(c);
	rmp_model_free(m);
	return tap_done();
}
