/* SPDX-License-Identifier: MIT */
/*
 * proto_check.h — the invariants of proto.h checked against the simulated
 * RMP (rmp_sim.h), one 2 MiB chunk at a time: what the host tests, the
 * fuzzer, the host stress test and the in-guest stress (proto_stress.h) all
 * assert after every step.
 *
 * Per page of the chunk (SVSM memory skipped): the tracker equals the RMP's
 * validated bit (G2; a page the hypervisor flipped behind the core's back
 * may still be "validated" in the tracker); no VMPL but 0 has access to an
 * unvalidated page, a deposited page, a page with content not zeroed since
 * the SVSM had it (G3), or a VMSA; deposited pages stay validated; a
 * registered VMSA has the VMSA bit and is validated, a registered calling
 * area is validated; the VMSA bit is on no page but a registered VMSA (G4);
 * no page is stale — access taken away without a TLB flush since (G5).
 *
 * The caller holds the chunk's stripe lock, or no call runs. Portable.
 */
#ifndef SVSM_PROTOCOL_PROTO_CHECK_H
#define SVSM_PROTOCOL_PROTO_CHECK_H

#include <stdint.h>

#include "proto.h"
#include "rmp_sim.h"

enum proto_check_kind {
	PCHK_TRACKER,            /* tracker and RMP disagree on "validated" */
	PCHK_GUEST_UNVALIDATED,  /* a VMPL has access to an unvalidated page */
	PCHK_DEPOSIT_VISIBLE,    /* a deposited page is accessible to the guest */
	PCHK_DEPOSIT_INVALID,    /* a deposited page is not validated */
	PCHK_UNZEROED,           /* the guest sees content the SVSM has not zeroed */
	PCHK_VMSA_UNPROTECTED,   /* a registered VMSA lacks the VMSA bit or validation */
	PCHK_CA_INVALID,         /* a registered calling area is not validated */
	PCHK_VMSA_UNREGISTERED,  /* the VMSA bit on a page that is no registered VMSA */
	PCHK_VMSA_ACCESSIBLE,    /* a VMSA page accessible to a VMPL but 0 */
	PCHK_STALE,              /* access removed, TLBs not flushed */
};

struct proto_check_fail {
	enum proto_check_kind kind;
	uint64_t gpa;
	int tracker_valid, rmp_valid; /* for PCHK_TRACKER */
};

/* Returns the number of violated invariants in the 2 MiB chunk holding gpa; the first one in
 * *first (may be NULL). scratch: room for one chunk's RMP entries. A stale page also counts
 * in the simulator's v_unflushed. */
unsigned proto_check_chunk(struct proto_core *c, struct rmp_sim *sim, uint64_t gpa, struct rmp_sim_page *scratch,
			   struct proto_check_fail *first);
/* What the kind means, in words. */
const char *proto_check_name(enum proto_check_kind k);

#endif
