/* SPDX-License-Identifier: MIT */
/*
 * tpm.h — the one libtpms TPM 2.0 instance the vTPM runs (libtpms is a
 * process-wide singleton), its NV store and its entropy.
 *
 * Not thread-safe, and deep in stack: the caller serializes every function
 * here and, in the SVSM, runs them on the vTPM's own stack (service.h).
 *
 * NV store. libtpms keeps its NV memory as named blobs ("permall", and
 * "volatilestate"/"savestate" it does not use here) that it loads at
 * TPMLIB_MainInit and stores after every NV change through the callbacks
 * registered here; they live in SVSM memory only (persistence "ephemeral").
 * An empty store makes MainInit manufacture a new TPM: fresh primary seeds
 * from the TPM's DRBG. vtpm_tpm_nv_snapshot/restore copy the permanent blob,
 * so the state after manufacture can be brought back after the boot
 * self-test.
 *
 * Entropy. libtpms takes entropy through OpenSSL's RAND_bytes
 * (_plat__GetEntropy), which OpenSSL serves from the RAND_METHOD installed
 * here: in production every byte comes from the hardware (vtpm_plat_entropy:
 * RDSEED, RDRAND as fallback, arch/hwrng.h), so the endorsement primary seed
 * is drawn from RDSEED at every boot and never leaves SVSM memory. Test builds
 * can choose VTPM_RAND_TEST_SEED instead: a fixed, public byte stream
 * (test_seed.h) that the golden test feeds Debian's libtpms0 as well.
 *
 * Identity. TPM_PT_MANUFACTURER and TPM_PT_VENDOR_STRING_1..4 are compile-time
 * constants in libtpms ("IBM", "SW   TPM"): the vTPM rewrites them to the
 * manifest's in TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES) responses without
 * sessions (in a response with sessions the values are covered by the
 * session's HMAC and stay libtpms's). The firmware version is persistent state
 * (it also goes into every TPMS_ATTEST), set once at manufacture in the NV
 * blob (vtpm_tpm_patch_firmware).
 */
#ifndef SVSM_VTPM_TPM_H
#define SVSM_VTPM_TPM_H

#include <stdbool.h>
#include <stdint.h>

enum vtpm_rand_mode { VTPM_RAND_HARDWARE, VTPM_RAND_TEST_SEED };

/* Provided by the platform (svsm/vtpm/sys_user.c, tests/vtpm/host_plat.c). */
int vtpm_plat_entropy(void *buf, uint32_t n); /* 0 or -1 */
void vtpm_plat_log(bool error, const char *msg);

/* Once, before anything else: OpenSSL initialisation, the callbacks, TPM 2.0, a
 * 4092-byte command/response buffer (what the SVSM vTPM protocol carries). 0 or -1. */
int vtpm_tpm_init(void);
/* Before each manufacture: where OpenSSL's RAND_bytes (and so libtpms's seeds) come
 * from; the test stream restarts at its first byte. -1 for the test seed in a build
 * without it. */
int vtpm_tpm_set_rand(enum vtpm_rand_mode mode);
/* _TPM_Init: TPMLIB_MainInit from the NV store (manufacturing when it is empty). 0 or -1. */
int vtpm_tpm_power_on(void);
void vtpm_tpm_power_off(void);
bool vtpm_tpm_powered(void);

/* One command. Always leaves a TPM response in rsp (a 10-byte TPM_RC_FAILURE one when
 * libtpms fails or its response does not fit cap) and returns its length; cap >= 10. */
uint32_t vtpm_tpm_execute(const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap);

void vtpm_tpm_set_identity(uint32_t manufacturer, const char vendor[16]);

/* NV store. */
void vtpm_tpm_nv_clear(void);
/* A copy of the permanent blob (malloc'd, *len bytes), or NULL. */
uint8_t *vtpm_tpm_nv_snapshot(uint32_t *len);
int vtpm_tpm_nv_restore(const uint8_t *blob, uint32_t len);
/* Replaces the firmware version in the permanent blob (TPM powered off): the 8 bytes
 * old_v1||old_v2 must occur exactly once. 0 or -1. */
int vtpm_tpm_patch_firmware(uint64_t old_version, uint64_t new_version);

/* "OpenSSL 3.0.x ..." and libtpms's version (0x00MMmmpp) as the archives report them. */
const char *vtpm_tpm_openssl_version(void);
uint32_t vtpm_tpm_libtpms_version(void);

struct vtpm_tpm_stats {
	uint64_t commands, failures, entropy_bytes, identity_rewrites;
};
extern struct vtpm_tpm_stats vtpm_tpm_stats;

#endif
