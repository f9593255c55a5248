/* SPDX-License-Identifier: MIT */
/*
 * proto_native.h — the protocol's platform on the native platform: no RMP
 * exists, so the in-kernel self-test runs the protocol against the simulated
 * RMP (rmp_sim) over a block of the core's page pool standing in for guest
 * memory at a made-up guest-physical base.
 */
#ifndef SVSM_PROTOCOL_PROTO_NATIVE_H
#define SVSM_PROTOCOL_PROTO_NATIVE_H

#include "proto_platform.h"
#include "rmp_sim.h"

/* Sets up npages (multiple of 512) of simulated guest memory at gpa base. 0 or -1. */
int proto_native_init(struct rmp_sim *sim, struct proto_platform *plat, uint64_t base, uint64_t npages);
void proto_native_fini(struct rmp_sim *sim);

/* Runs the in-kernel protocol self-test; check(name, ok) records each result. */
void proto_selftest_run(void (*check)(const char *name, int ok));
/* The protocol stress (proto_stress.h) on every online CPU for ms milliseconds, its own
 * simulated RMP, a TLB shootdown across the CPUs at every flush: one check, which fails on
 * any invariant violation. Native platform, boot CPU. */
void proto_stress_selftest(void (*check)(const char *name, int ok), unsigned ms);

#endif
