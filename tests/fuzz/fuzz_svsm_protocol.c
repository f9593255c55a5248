/* SPDX-License-Identifier: MIT */
/*
 * fuzz_svsm_protocol.c — arbitrary request sequences and guest memory contents
 * (calling area, lists, VMSAs, attestation structures) fed to the SVSM
 * protocol dispatcher on the RMP model. Input: 1 byte of flags, then records
 * of 34 bytes: {u8 protocol, u8 call, u64 rcx, u64 rdx, u64 r8, u32 write
 * offset, u16 write length} followed by that many bytes to write into guest
 * memory first (as the guest, through the RMP's permissions). Addresses are
 * folded into the model's 16 MiB (plus a little beyond, to reach the edges).
 * After the run the model's invariants must hold and the simulated RMP must
 * have seen no double PVALIDATE, VMSA PVALIDATE, SVSM touch or unzeroed grant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../svsm/proto_test_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static uint64_t fold(uint64_t a)
{
	/* Mostly inside memory, keeping low bits (alignment, size, flag bits) as given. */
	return (a & 0x8000000000000000ull) ? a : a % (ENV_MEM + (4ull << 20));
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct rmp_model *m;
	static struct proto_core c;
	if (env_setup(&m, &c))
		abort();
	static const uint8_t guid[16] = { 1, 2, 3 };
	proto_add_service(&c, guid, (const uint8_t *)"svc", 3);
	if (n && (d[0] & 1))
		rmp_sim_make_large(&m->sim, 4ull << 20);
	size_t i = n ? 1 : 0;
	while (i + 32 <= n) {
		struct proto_regs r;
		uint32_t woff, wlen16 = 0;
		r.rax = (uint64_t)(d[i] % 3) << 32 | (d[i + 1] % 9);
		memcpy(&r.rcx, d + i + 2, 8);
		memcpy(&r.rdx, d + i + 10, 8);
		memcpy(&r.r8, d + i + 18, 8);
		memcpy(&woff, d + i + 26, 4);
		if (i + 32 <= n)
			wlen16 = (uint32_t)d[i + 30] | (uint32_t)d[i + 31] << 8;
		i += 32;
		size_t wlen = wlen16 > n - i ? n - i : wlen16;
		if (wlen)
			rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, woff % ENV_MEM, d + i, wlen);
		i += wlen;
		r.rcx = fold(r.rcx);
		r.rdx = fold(r.rdx);
		if (d[i - 1 - wlen] & 0x80) {
			uint8_t one = 1;
			rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, c.vcpu[0].caa, &one, 1);
			if (!proto_handle_request(&c, 0, &r))
				proto_dispatch(&c, 0, &r);
		} else {
			proto_dispatch(&c, 0, &r);
		}
	}
	char why[200];
	unsigned bad = 0;
	for (uint64_t a = 0; a < ENV_MEM; a += 2ull << 20)
		bad += rmp_model_check_chunk(m, &c, a, why, sizeof(why));
	if (bad || rmp_sim_violations(&m->sim))
		abort();
	proto_destroy(&c);
	rmp_model_free(m);
	return 0;
}
