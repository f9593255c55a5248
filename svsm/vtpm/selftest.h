/* SPDX-License-Identifier: MIT */
/*
 * selftest.h — the vTPM's boot self-test, run through the protocol entry
 * exactly as a guest's calls arrive (proto_dispatch with SVSM_VTPM_CMD and a
 * request buffer in guest memory — the SVSM's simulated guest memory at boot,
 * the host model in the tests), after manufacture and before the TPM is
 * handed to the guest:
 *
 *   QUERY_PROTOCOL(2, 1) and SVSM_VTPM_QUERY; a request with locality 1 is
 *   refused without reaching the TPM; TPM2_Startup(CLEAR); two GetRandom(32)
 *   that differ; GetCapability: manufacturer, vendor strings and firmware
 *   version are the manifest's; CreatePrimary with the EK template gives the
 *   EK manufacture made (the seed persists), ReadPublic of its persistent
 *   handle too when there is one; every provisioned NV index with initial
 *   data reads back as the manifest says (when readable by platform, owner or
 *   its own empty auth value); PCR_Extend of PCR 16 in one allocated bank,
 *   PCR_Read gives H(0...0 || digest); an ECDSA P-256 AK (endorsement
 *   hierarchy), TPM2_Quote of PCR 16 with a fresh nonce, and the quote checked
 *   outside the TPM: the signature with OpenSSL's ECDSA (env->verify) over the AK's public
 *   point, magic, type, nonce, firmware version and PCR digest;
 *   SVSM_ATTEST_SINGLE_SERVICE for the vTPM service returns the EK's
 *   TPMT_PUBLIC as manifest and a report whose REPORT_DATA is
 *   SHA-512(nonce || manifest).
 *
 * The buffer address is deliberately not page aligned, so the request spans
 * two pages. The caller resets the TPM to its manufactured state afterwards.
 * Portable C.
 */
#ifndef SVSM_VTPM_SELFTEST_H
#define SVSM_VTPM_SELFTEST_H

#include <stddef.h>
#include <stdint.h>

#include "../protocol/proto.h"
#include "chan.h"
#include "manufacture.h"

struct vtpm_selftest_env {
	struct proto_core *core;      /* with the vTPM attached */
	unsigned slot;                /* a registered vCPU */
	uint64_t buf_gpa;             /* 4096 bytes of validated guest memory */
	uint64_t scratch_gpa;         /* 4 validated, page-aligned guest pages */
	uint64_t (*commands)(void *ctx); /* TPM commands run so far (the refusal check) */
	void *commands_ctx;
	/* The checks outside the TPM (crypto.h; in the core: through the vTPM process).
	 * hash: the digest's size or -1; verify: 1 valid, 0 invalid, -1 could not check. */
	int (*hash)(void *ctx, uint16_t alg, const void *data, size_t n, uint8_t *out);
	int (*verify)(void *ctx, const struct vtpm_chan_ecdsa *sig);
	void *crypto_ctx;
};

/* 0, or -1 with what failed in err. */
int vtpm_selftest_run(const struct vtpm_selftest_env *env, const struct vtpm_identity *id, const void *blob,
		      size_t len, char *err, size_t errlen);

#endif
