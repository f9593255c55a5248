/* SPDX-License-Identifier: MIT */
/*
 * proto_platform.h — the operations the protocol code needs from whatever it
 * runs on. Three implementations:
 *   - SNP (svsm/protocol/proto_snp.c): PVALIDATE/RMPADJUST instructions on the
 *     direct map, guest memory through the direct map;
 *   - native (svsm/protocol/proto_native.c): the in-kernel self-test, on top of
 *     the simulated RMP (rmp_sim.c) and a buffer standing in for guest memory;
 *   - host (tests/svsm/rmp_model.c): the same simulator under threads.
 *
 * Contract: pvalidate/rmpadjust behave exactly as the instructions (one RMP
 * entry, atomically), reporting every hardware outcome; map() returns the
 * core's view of [gpa, gpa+len) or NULL; zero() clears [gpa, gpa+len) and is
 * the only way the protocol erases memory, so a model can observe it.
 */
#ifndef SVSM_PROTOCOL_PROTO_PLATFORM_H
#define SVSM_PROTOCOL_PROTO_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../snp/pvalidate.h"

struct proto_platform {
	void *ctx;
	enum rmp_result (*pvalidate)(void *ctx, uint64_t gpa, bool huge, bool validate);
	/* Sets the permissions of VMPL vmpl (1..3) to perms (RMP_PERM_*), and the VMSA bit. */
	enum rmp_result (*rmpadjust)(void *ctx, uint64_t gpa, bool huge, unsigned vmpl, unsigned perms, bool vmsa);
	void *(*map)(void *ctx, uint64_t gpa, uint64_t len);
	void (*zero)(void *ctx, uint64_t gpa, uint64_t len);
	/* An attestation report with REPORT_DATA = data, requested at VMPL0; 0 or -1. */
	int (*report)(void *ctx, const uint8_t data[64], uint8_t *out, uint32_t cap, uint32_t *len);
	void *(*alloc)(void *ctx, size_t bytes); /* zeroed; NULL when out of memory */
	void (*free)(void *ctx, void *p, size_t bytes);
	void (*relax)(void *ctx); /* while spinning */
	/* After a page's guest access was revoked or it was rescinded: no TLB anywhere may
	 * still translate to [gpa, gpa+len) with the old permissions when this returns. */
	void (*flush)(void *ctx, uint64_t gpa, uint64_t len);
};

#endif
