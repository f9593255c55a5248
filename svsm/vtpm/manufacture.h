/* SPDX-License-Identifier: MIT */
/*
 * manufacture.h — turns the vTPM configuration blob (format/vtpm_config.h,
 * compiled by `igvmbuild build` from the manifest, igvm-vtpm-manifest(5))
 * into a TPM, on an empty NV store, at every boot:
 *
 *   1. TPMLIB_MainInit on the empty store: libtpms manufactures, drawing the
 *      primary seeds from its DRBG, seeded from the hardware (tpm.h);
 *   2. Startup(CLEAR); PCR_Allocate(platform) with all 24 PCRs in each listed
 *      bank and none in the others; the firmware version libtpms compiled in
 *      is read back; Shutdown(CLEAR), power off;
 *   3. the manifest's firmware version is written into the NV blob
 *      (tpm.h); power on, Startup(CLEAR): the PCR allocation and the version
 *      are now in effect, and both are checked through GetCapability;
 *   4. each NV index: NV_DefineSpace (platform authorization when it has
 *      TPMA_NV_PLATFORMCREATE, else owner) with the manifest's attributes,
 *      name algorithm and size and an empty auth value and policy; its initial
 *      data written with NV_Write in chunks of TPM_PT_NV_BUFFER_MAX (platform
 *      authorization if ppwrite, else owner if ownerwrite, else the index's
 *      own empty auth value); NV_WriteLock with the same authorization when the
 *      manifest asks for it;
 *   5. the EK: CreatePrimary(TPM_RH_ENDORSEMENT) from the template named
 *      (ek.h); EvictControl to its persistent handle when the manifest asks;
 *      its TPMT_PUBLIC kept for the attestation manifest; FlushContext;
 *   6. Shutdown(CLEAR), power off; the permanent state is kept as the
 *      "manufactured" snapshot.
 *
 * Refused, with a message: a blob vtpm_cfg_parse() rejects, persistence other
 * than ephemeral (the SVSM cannot unseal state yet; the builder refuses it
 * too), a PCR bank or EK template this libtpms does not implement, flags it
 * does not know, and any TPM error on the way (with the command and code).
 * Runs inside the service's serialization, on the vTPM stack.
 */
#ifndef SVSM_VTPM_MANUFACTURE_H
#define SVSM_VTPM_MANUFACTURE_H

#include <stddef.h>
#include <stdint.h>

#define VTPM_EK_PUBLIC_MAX 1024u

struct vtpm_identity {
	uint16_t ek_template;
	uint32_t ek_public_len;
	uint8_t ek_public[VTPM_EK_PUBLIC_MAX]; /* TPMT_PUBLIC, as TPM2_CreatePrimary returned it */
	uint32_t ek_persistent;                /* its persistent handle, 0 if none */
	uint32_t pcr_banks;                    /* VTPM_PCR_BANK_* */
	uint32_t manufacturer;
	char vendor[16];
	uint64_t firmware_version;
	uint32_t nv_count;
	uint8_t *nv_state;                     /* the manufactured permanent state (malloc'd) */
	uint32_t nv_state_len;
};

/* 0, or -1 with a reason in err. On success the TPM is powered off and its NV store holds
 * the manufactured state (also in id->nv_state). */
int vtpm_manufacture(const void *blob, size_t len, struct vtpm_identity *id, char *err, size_t errlen);

#endif
