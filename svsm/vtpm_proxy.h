/* SPDX-License-Identifier: MIT */
/*
 * vtpm_proxy.h — the core's half of the vTPM: the TPM itself (libtpms and OpenSSL, from
 * Debian's archives) runs in a ring-3 process, vtpmd (svsm/vtpm/, linked into the core's
 * image as data and measured with it); the core keeps the SVSM vTPM protocol's checks
 * (protocol/vtpm.c) and hands each TPM command to the process over the channel of
 * svsm/vtpm/chan.h, checking every reply before a byte of it reaches the guest.
 *
 * vtpm_boot():
 *   1. the configuration blob is copied out of its launch page (guest_copy);
 *   2. vtpmd starts (user_service_start) and is told START: it manufactures the TPM;
 *      the core keeps its identity (EK public, banks, ...) and the manufactured
 *      permanent state (its primary seeds: kept for restarts only, wiped otherwise);
 *   3. the boot self-test (vtpm/selftest.h) through the protocol entry on a simulated
 *      guest memory — each TPM command crosses the channel like a guest's — with the
 *      checks outside the TPM (hashes, ECDSA) asked of the process (HASH, VERIFY);
 *   4. RESET to the manufactured state, then "vTPM ready: <EK alg> <SHA-256 of the EK
 *      public>" (the hash computed by the process too: the core links no SHA-256).
 * Returns 0 also when the image has no vTPM configuration; -1 when one was configured
 * and could not be provided (the guest owner asked for a TPM: no guest without one).
 *
 * When the process breaks — a fault, a reply that breaks the channel's rules, an exit,
 * or no reply within the watchdog's budget (native platform; user/process.h) — the
 * command in flight is answered TPM_RC_FAILURE (a valid TPM response: the guest's TPM
 * stack reports a failed command), and a new process is started and told RESTORE: the
 * manufactured state again (same seeds, same EK), powered on, waiting for
 * TPM2_Startup, as after a TPM reset. After VTPM_MAX_RESTARTS restarts the vTPM is
 * unavailable for the rest of the run: every command is answered TPM_RC_FAILURE, the
 * SVSM itself goes on.
 *
 * Lock order: the proxy's lock is a leaf under the protocol's locks (taken with the
 * guest buffer's pages pinned, proto.h); waiting for it acknowledges TLB shootdowns.
 */
#ifndef SVSM_VTPM_PROXY_H
#define SVSM_VTPM_PROXY_H

#include <stdint.h>

#include "../format/launch_info.h"
#include "protocol/proto.h"

#define VTPM_MAX_RESTARTS 3u
/* Watchdog budgets (ms): manufacture creates the EK (RSA key generation under TCG takes
 * seconds), a command at most a primary key. */
#define VTPM_START_BUDGET_MS 120000u
#ifdef VTPM_TEST_SEED
#define VTPM_CMD_BUDGET_MS 5000u /* the test build's hang test waits for this */
#else
#define VTPM_CMD_BUDGET_MS 30000u
#endif

/* First thing at SVSM entry: the time base of the boot timings. */
void vtpm_mark_entry(void);
int vtpm_boot(const struct launch_info *li);
/* Native, after smp_start(): every online CPU sends one TPM command through the proxy
 * (all at once: the lock serializes them), so the process runs on each CPU; then the
 * cost per command (round trip against the time inside the TPM), and in the test build
 * (VTPM_TEST_SEED) a fault, a hang and the restart budget. 0 (also without a vTPM) or -1. */
int vtpm_check_cpus(void);
/* Serves protocol 2 and the vTPM attestation service on c, if a vTPM runs. 0 or -1. */
int vtpm_attach(struct proto_core *c);

#endif
