/* SPDX-License-Identifier: MIT */
/*
 * fuzz_svsm_protocol.c — arbitrary request sequences and guest memory contents
 * (calling area, lists, VMSAs, attestation structures) fed to the SVSM
 * protocol dispatcher on the RMP model.
 *
 * Input: 1 byte of flags (bit 0: the second 2 MiB chunk is one 2 MiB RMP
 * entry; bit 1: a second launch vCPU), then records of 32 bytes: {u8
 * protocol (bits 7:6 = calling vCPU slot), u8 call, u64 rcx, u64 rdx, u64 r8,
 * u32 write offset, u16 write length (bits 13:0; bit 15: call through the
 * calling area; bit 14: write at RCX instead of the offset, every u64 of the
 * data folded)} followed by that many bytes to write into guest memory first
 * (as the guest, through the RMP's permissions). In a record whose protocol
 * bits 5:0 are 48 or more the hypervisor acts behind the core's back between
 * the guest's write and the call (rmp_sim_hv_flip): the page at R8 (folded
 * like an address) becomes shared (R8 bit 0 set) or private but not
 * validated — a guest buffer, list, calling area, VMSA or deposited page the
 * call (or a later one) then meets faulting. Addresses are folded into
 * the model plus 2 MiB beyond it, keeping their low 12 bits (alignment, size
 * and flag bits); folding the words of a structure written at RCX turns
 * random list entries and attestation buffer addresses into pages of the
 * model, so the fuzzer reaches the deep paths (a rescind, a deposit, a
 * report) without first guessing addresses.
 *
 * The model is small so an input runs fast: 5 MiB, two 2 MiB chunks of guest
 * RAM (the first MiB validated at launch, boot VMSA 0x1000, calling area
 * 0x2000) and 1 MiB of SVSM memory. It is allocated once and reset between
 * inputs (rmp_sim_reset: only pages written since are refilled; a fresh
 * proto_init), so every input starts from the same state.
 *
 * Checked, abort() on failure: after every call, no page left with access
 * removed and no TLB flush, the tracker equal to the RMP's validated bit for
 * every guest page the hypervisor did not take behind the core's back (for
 * those the tracker may only still say "validated"), and no violation counted by the model (double PVALIDATE,
 * PVALIDATE of a VMSA, SVSM memory touched, unzeroed grant, stale page handed
 * on); after the input, the full per-chunk invariants (rmp_model_check_chunk).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../svsm/rmp_model.h"

#define FZ_GUEST (4ull << 20)
#define FZ_SVSM_BASE FZ_GUEST
#define FZ_SVSM_SIZE (1ull << 20)
#define FZ_MEM (FZ_GUEST + FZ_SVSM_SIZE)
#define FZ_VMSA 0x1000ull
#define FZ_CA 0x2000ull
#define FZ_VMSA2 0x4000ull
#define FZ_CA2 0x5000ull
#define FZ_SEV_FEATURES 0x1ull

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static struct rmp_model *m;
static struct proto_core c;

static void launch_vcpu(uint64_t vmsa, uint64_t caa, uint32_t apic)
{
	rmp_sim_rmpadjust(&m->sim, vmsa, false, PROTO_GUEST_VMPL, 0, true);
	if (proto_add_boot_vcpu(&c, vmsa, caa, apic) < 0)
		abort();
}

/* The launch state, the same for every input. */
static void setup(uint8_t flags)
{
	static const uint8_t guid[16] = { 1, 2, 3 };
	if (!m) {
		m = rmp_model_new(0, FZ_MEM / 4096, FZ_SVSM_BASE, FZ_SVSM_SIZE);
		if (!m)
			abort();
	} else {
		proto_destroy(&c);
		rmp_sim_reset(&m->sim);
	}
	uint64_t base = 0, size = FZ_GUEST;
	if (proto_init(&c, &m->plat, &base, &size, 1, FZ_SEV_FEATURES))
		abort();
	rmp_sim_prevalidate(&m->sim, 0, 256, PROTO_GUEST_VMPL, RMP_PERM_ALL);
	rmp_sim_prevalidate(&m->sim, FZ_SVSM_BASE, FZ_SVSM_SIZE / 4096, 0, 0);
	if (proto_mark_validated(&c, 0, 1ull << 20))
		abort();
	launch_vcpu(FZ_VMSA, FZ_CA, 0);
	if (flags & 2)
		launch_vcpu(FZ_VMSA2, FZ_CA2, 1);
	rmp_sim_flush(&m->sim, 0, FZ_MEM);
	proto_add_service(&c, guid, (const uint8_t *)"svc", 3);
	if (flags & 1)
		rmp_sim_make_large(&m->sim, 2ull << 20);
}

static uint64_t fold(uint64_t a)
{
	/* Mostly inside memory, keeping the low 12 bits as given (the modulus is page aligned). */
	return (a & 0x8000000000000000ull) ? a : a % (FZ_MEM + (2ull << 20));
}

/* The checks run after every call: kept out of the coverage feedback (they are not the
 * code under test, and instrumented they would cost more than the calls). */
#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage"), noinline))
#else
#define NO_COVERAGE
#endif

/* What must hold whenever no call is running (the fuzzer is single-threaded: the tracker's
 * bitmap and the model's pages are read directly). */
NO_COVERAGE static void check_quiet(void)
{
	if (rmp_sim_check_flushed(&m->sim, 0, FZ_MEM) || rmp_sim_violations(&m->sim))
		abort();
	const struct vs_region *r = atomic_load(&c.vs.regions[0]);
	for (uint64_t i = 0; i < FZ_GUEST / 4096; i++) {
		bool tracked = r && ((r->valid[i / 64] >> (i % 64)) & 1);
		if (tracked != (bool)m->sim.pg[i].valid && !(tracked && m->sim.pg[i].hv_flipped))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	setup(n ? d[0] : 0);
	size_t i = n ? 1 : 0;
	while (i + 32 <= n) {
		struct proto_regs r;
		uint32_t woff, wlen16;
		unsigned slot = d[i] >> 6;
		bool hv_flip = (d[i] & 0x3F) >= 48;
		r.rax = (uint64_t)((d[i] & 0x3F) % 3) << 32 | (d[i + 1] % 9);
		memcpy(&r.rcx, d + i + 2, 8);
		memcpy(&r.rdx, d + i + 10, 8);
		memcpy(&r.r8, d + i + 18, 8);
		memcpy(&woff, d + i + 26, 4);
		wlen16 = (uint32_t)d[i + 30] | (uint32_t)(d[i + 31] & 0x3F) << 8;
		bool via_ca = d[i + 31] & 0x80, at_rcx = d[i + 31] & 0x40;
		i += 32;
		size_t wlen = wlen16 > n - i ? n - i : wlen16;
		r.rcx = fold(r.rcx);
		r.rdx = fold(r.rdx);
		if (wlen && at_rcx) {
			static uint8_t buf[1 << 14];
			memcpy(buf, d + i, wlen);
			for (size_t k = 0; k + 8 <= wlen; k += 8) {
				uint64_t w;
				memcpy(&w, buf + k, 8);
				w = fold(w);
				memcpy(buf + k, &w, 8);
			}
			rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, r.rcx, buf, wlen);
		} else if (wlen) {
			rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, woff % FZ_MEM, d + i, wlen);
		}
		i += wlen;
		if (hv_flip)
			rmp_sim_hv_flip(&m->sim, fold(r.r8) & ~0xFFFull, r.r8 & 1);
		if (via_ca && c.vcpu[slot].used) {
			uint8_t one = 1;
			rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, c.vcpu[slot].caa, &one, 1);
			if (!proto_handle_request(&c, slot, &r))
				proto_dispatch(&c, slot, &r);
		} else {
			proto_dispatch(&c, slot, &r);
		}
		check_quiet();
	}
	char why[200];
	for (uint64_t a = 0; a < FZ_MEM; a += 2ull << 20)
		if (rmp_model_check_chunk(m, &c, a, why, sizeof(why)))
			abort();
	if (rmp_sim_violations(&m->sim))
		abort();
	return 0;
}
