/* SPDX-License-Identifier: MIT */
/*
 * proto_test_env.h — the guest memory layout the protocol tests share (16 MiB
 * model: guest RAM 0–8 MiB and 10–16 MiB, SVSM memory 8–10 MiB; the first
 * MiB validated at launch; boot vCPU 0 with VMSA 0x1000, CA 0x2000).
 */
#ifndef TESTS_SVSM_PROTO_TEST_ENV_H
#define TESTS_SVSM_PROTO_TEST_ENV_H

#include <string.h>

#include "rmp_model.h"

#define ENV_MEM (16ull << 20)
#define ENV_SVSM_BASE (8ull << 20)
#define ENV_SVSM_SIZE (2ull << 20)
#define ENV_BOOT_VMSA 0x1000ull
#define ENV_BOOT_CA 0x2000ull
#define ENV_SEV_FEATURES 0x1ull

static inline int env_setup(struct rmp_model **mp, struct proto_core *c)
{
	struct rmp_model *m = rmp_model_new(0, ENV_MEM / 4096, ENV_SVSM_BASE, ENV_SVSM_SIZE);
	if (!m)
		return -1;
	uint64_t base[2] = { 0, ENV_SVSM_BASE + ENV_SVSM_SIZE };
	uint64_t size[2] = { ENV_SVSM_BASE, ENV_MEM - ENV_SVSM_BASE - ENV_SVSM_SIZE };
	if (proto_init(c, &m->plat, base, size, 2, ENV_SEV_FEATURES))
		return -1;
	rmp_sim_prevalidate(&m->sim, 0, 256, PROTO_GUEST_VMPL, RMP_PERM_ALL);
	rmp_sim_prevalidate(&m->sim, ENV_SVSM_BASE, ENV_SVSM_SIZE / 4096, 0, 0);
	proto_mark_validated(c, 0, 1ull << 20);
	rmp_sim_rmpadjust(&m->sim, ENV_BOOT_VMSA, false, PROTO_GUEST_VMPL, 0, true);
	rmp_sim_flush(&m->sim, 0, ENV_MEM); /* launch: no TLB holds anything yet */
	if (proto_add_boot_vcpu(c, ENV_BOOT_VMSA, ENV_BOOT_CA, 0) != 0)
		return -1;
	*mp = m;
	return 0;
}

static inline void env_write_vmsa(struct rmp_model *m, uint64_t gpa, uint8_t vmpl, uint64_t efer, uint64_t feat)
{
	uint8_t v[4096] = { 0 };
	v[VMSA_OFF_VMPL] = vmpl;
	memcpy(v + VMSA_OFF_EFER, &efer, 8);
	memcpy(v + VMSA_OFF_SEV_FEATURES, &feat, 8);
	rmp_sim_guest_write(&m->sim, PROTO_GUEST_VMPL, gpa, v, sizeof(v));
}

#endif
