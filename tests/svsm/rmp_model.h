/* SPDX-License-Identifier: MIT */
/*
 * rmp_model.h — the host side of the simulated platform: svsm/protocol/rmp_sim
 * with heap storage, a struct proto_platform over it (calloc/free, sched_yield
 * while spinning, a fake VMPL0 report carrying REPORT_DATA at 0x50 as the SNP
 * report does), and the invariant checker of the tests.
 */
#ifndef TESTS_SVSM_RMP_MODEL_H
#define TESTS_SVSM_RMP_MODEL_H

#include "../../svsm/protocol/proto.h"
#include "../../svsm/protocol/rmp_sim.h"

struct rmp_model {
	struct rmp_sim sim;
	struct proto_platform plat;
};

#define RMP_MODEL_REPORT_SIZE 1184u

/* Guest memory [base, base + npages pages); svsm: a range the protocol must never touch. */
struct rmp_model *rmp_model_new(uint64_t base, uint64_t npages, uint64_t svsm_base, uint64_t svsm_size);
void rmp_model_free(struct rmp_model *m);
/* svsm/protocol/proto_check.h's checker for the 2 MiB chunk at gpa against core c (caller
 * holds its stripe lock, or nothing runs), the first violation described in why (may be
 * NULL). Returns the number of violated invariants. */
unsigned rmp_model_check_chunk(struct rmp_model *m, struct proto_core *c, uint64_t gpa, char *why, size_t whylen);

#endif
