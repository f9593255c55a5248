/* SPDX-License-Identifier: MIT */
/*
 * cmds.h — the TPM 2.0 commands the vTPM sends to its own TPM (manufacture,
 * boot self-test, the EK for the attestation manifest), over any transport:
 * straight into libtpms during manufacture, through the SVSM vTPM protocol
 * in the self-test. Each returns the TPM response code, or TPM_RC_FAILURE
 * when the response is malformed or a value does not fit the caller's buffer.
 * Authorizations are the empty password (TPM_RS_PW), which is what every
 * hierarchy has right after manufacture.
 */
#ifndef SVSM_VTPM_CMDS_H
#define SVSM_VTPM_CMDS_H

#include <stdint.h>

#include "tpm2.h"

struct vtpm_io {
	/* Sends cmd, leaves the response in rsp; returns its length (0: transport failed). */
	uint32_t (*exec)(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap);
	void *ctx;
};

uint32_t vtpm_cmd_startup(const struct vtpm_io *io);
uint32_t vtpm_cmd_shutdown(const struct vtpm_io *io);
/* n TPM_PT values starting at property first, into val[0..n-1] (missing ones stay 0). */
uint32_t vtpm_cmd_get_props(const struct vtpm_io *io, uint32_t first, uint32_t n, uint32_t *val);
/* Allocates all 24 PCRs in the banks given (TPM_ALG_IDs) and none in the other
 * implemented ones; takes effect at the next _TPM_Init. */
uint32_t vtpm_cmd_pcr_allocate(const struct vtpm_io *io, const uint16_t *banks, unsigned n, const uint16_t *all,
			       unsigned nall);
/* The allocated banks (TPM_CAP_PCRS), as a bitmap of VTPM_PCR_BANK_* with all 24 PCRs. */
uint32_t vtpm_cmd_pcr_banks(const struct vtpm_io *io, uint32_t *banks);
/* pub receives the TPMT_PUBLIC (without its TPM2B size), *pub_len its size. */
uint32_t vtpm_cmd_create_primary(const struct vtpm_io *io, uint32_t hierarchy, const uint8_t *tmpl, uint32_t tlen,
				 uint32_t *handle, uint8_t *pub, uint32_t cap, uint32_t *pub_len);
uint32_t vtpm_cmd_read_public(const struct vtpm_io *io, uint32_t handle, uint8_t *pub, uint32_t cap,
			      uint32_t *pub_len);
uint32_t vtpm_cmd_flush(const struct vtpm_io *io, uint32_t handle);
uint32_t vtpm_cmd_evict(const struct vtpm_io *io, uint32_t handle, uint32_t persistent);
uint32_t vtpm_cmd_get_random(const struct vtpm_io *io, uint16_t n, uint8_t *out);
uint32_t vtpm_cmd_pcr_extend(const struct vtpm_io *io, uint32_t pcr, uint16_t alg, const uint8_t *digest);
uint32_t vtpm_cmd_pcr_read(const struct vtpm_io *io, uint32_t pcr, uint16_t alg, uint8_t *value);
uint32_t vtpm_cmd_nv_define(const struct vtpm_io *io, uint32_t auth, uint32_t index, uint16_t name_alg,
			    uint32_t attrs, uint16_t size);
uint32_t vtpm_cmd_nv_write(const struct vtpm_io *io, uint32_t auth, uint32_t index, const uint8_t *data,
			   uint16_t len, uint16_t offset);
uint32_t vtpm_cmd_nv_write_lock(const struct vtpm_io *io, uint32_t auth, uint32_t index);
uint32_t vtpm_cmd_nv_read(const struct vtpm_io *io, uint32_t auth, uint32_t index, uint16_t len, uint16_t offset,
			  uint8_t *out);
/* Quote of PCR pcr in bank alg with an ECDSA key (scheme from the key): the TPMS_ATTEST
 * bytes in quoted (*qlen), the signature's r and s (each up to 66 bytes). */
uint32_t vtpm_cmd_quote(const struct vtpm_io *io, uint32_t key, const uint8_t *nonce, uint16_t nlen, uint16_t alg,
			uint32_t pcr, uint8_t *quoted, uint32_t qcap, uint32_t *qlen, uint8_t *r, uint16_t *rlen,
			uint8_t *s, uint16_t *slen);

#endif
