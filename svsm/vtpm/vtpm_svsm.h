/* SPDX-License-Identifier: MIT */
/*
 * vtpm_svsm.h — the vTPM in the SVSM core: brought up at boot from the
 * configuration blob the launch information points to, and attached to the
 * protocol core that serves the guest.
 *
 * vtpm_boot():
 *   1. the blob is copied out of its launch page (guest_copy: the page goes
 *      back to the guest later, and the hypervisor could take it);
 *   2. the vTPM's memory comes from the page pool: a heap for the archives'
 *      malloc (VTPM_HEAP_PAGES) and a stack of VTPM_STACK_PAGES with an
 *      unmapped guard page below it — every call into the archives runs there
 *      (service.h), never on the small boot or request-loop stack;
 *   3. the C library's tables, OpenSSL's environment (OPENSSL_ia32cap) and the
 *      clock (sys_svsm.c); SSE and the FS canary were set up per CPU at entry
 *      (arch/userabi.h);
 *   4. manufacture (manufacture.h) and the boot self-test through the protocol
 *      entry (selftest.h) on a simulated guest memory, then the TPM back to its
 *      manufactured state, powered on, waiting for the guest's TPM2_Startup;
 *   5. "vTPM ready: <EK algorithm> <SHA-256 of the EK's TPMT_PUBLIC>" — the
 *      boot test compares the hash for the fixed test seed.
 * Returns 0 also when the image has no vTPM configuration (no vTPM then);
 * -1 when one was configured and could not be provided: the guest owner asked
 * for a TPM, so the SVSM does not start the guest without one.
 *
 * Test builds (-DVTPM_TEST_SEED, build/svsm/test/svsm-vtpm-seed.elf only) take
 * the fixed entropy stream of test_seed.h instead of RDSEED.
 */
#ifndef SVSM_VTPM_VTPM_SVSM_H
#define SVSM_VTPM_VTPM_SVSM_H

#include <stdint.h>

#include "../../format/launch_info.h"
#include "../protocol/proto.h"

#define VTPM_HEAP_PAGES 1024u  /* 4 MiB: the boot self-test peaks below 0.5 MiB */
#define VTPM_STACK_PAGES 32u   /* 128 KiB: the boot self-test uses ~12 KiB */

/* First thing at SVSM entry: the time base of the boot timings. */
void vtpm_mark_entry(void);
int vtpm_boot(const struct launch_info *li);
/* Native, after smp_start(): every online CPU runs libcrypto on its own stack and one TPM
 * command through the service (all at once: the lock serializes them), with its own FS
 * base and canary; checked and logged. 0 (also without a vTPM) or -1. */
int vtpm_check_cpus(void);
/* Serves protocol 2 and the vTPM attestation service on c, if a vTPM runs. 0 or -1. */
int vtpm_attach(struct proto_core *c);

/* sys_svsm.c */
void vtpm_sys_init(void);
uint64_t vtpm_sys_ms_since_entry(void);
const char *vtpm_sys_clock_source(void);

#endif
