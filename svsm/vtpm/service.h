/* SPDX-License-Identifier: MIT */
/*
 * service.h — the vTPM as the protocol sees it: one TPM (tpm.h), manufactured
 * from the configuration blob (manufacture.h), behind one lock, each call run
 * by a runner: in the SVSM on the vTPM's own stack (the archives' code was
 * written for megabytes of user-space stack), on the host directly.
 *
 * Lock order: the service lock is a leaf under the protocol's locks (it is
 * taken with the guest buffer's pages pinned, proto.h); nothing is taken while
 * it is held. Portable C.
 */
#ifndef SVSM_VTPM_SERVICE_H
#define SVSM_VTPM_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../protocol/proto.h"
#include "../protocol/spinlock.h"
#include "manufacture.h"
#include "tpm.h"

typedef void (*vtpm_runner)(void (*fn)(void *), void *arg);

struct vtpm_service {
	struct spinlock lock;
	vtpm_runner run;
	/* While waiting for the lock (SMP: acknowledge TLB shootdowns meanwhile); NULL: PAUSE.
	 * Set by the caller, kept across starts. */
	void (*relax)(void *);
	struct vtpm_identity id;
	struct proto_vtpm proto; /* execute -> vtpm_service_execute */
	bool ready;
	uint64_t commands;
};

/* s is zero before its first start. tpm init (once per process), manufacture from the blob, power on: the TPM then waits
 * for the guest's TPM2_Startup. 0, or -1 with a reason in err. */
int vtpm_service_start(struct vtpm_service *s, vtpm_runner run, enum vtpm_rand_mode mode, const void *blob,
		       size_t len, char *err, size_t errlen);
/* A restarted vTPM process (vtpmd): the TPM back to a state vtpm_service_start manufactured
 * earlier, in another process. id is that start's identity; its nv_state (id->nv_state_len
 * bytes) is copied. tpm init (once per process), the entropy source, the NV store from the
 * state, the identity, power on: the same seeds and EK as after that start, waiting for
 * TPM2_Startup. s is zero before its first start or restore. 0, or -1 with a reason in err. */
int vtpm_service_restore(struct vtpm_service *s, vtpm_runner run, enum vtpm_rand_mode mode,
			 const struct vtpm_identity *id, char *err, size_t errlen);
/* Back to the state right after manufacture, powered on (after the boot self-test; the
 * MSSIM server's power cycle keeps NV instead: vtpm_service_power). 0 or -1. */
int vtpm_service_reset(struct vtpm_service *s);
/* _TPM_Init without losing NV (on = false: power off). 0 or -1. */
int vtpm_service_power(struct vtpm_service *s, bool on);
/* struct proto_vtpm's execute. */
uint32_t vtpm_service_execute(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap);
/* Host builds: the TPM off, its NV store and the manufactured state wiped and freed. */
void vtpm_service_stop(struct vtpm_service *s);
void vtpm_service_free_state(struct vtpm_identity *id);
/* Attaches the service to a protocol core (vTPM protocol + attestation manifest entry). */
int vtpm_service_attach(struct vtpm_service *s, struct proto_core *c);

#endif
