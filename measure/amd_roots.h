/* SPDX-License-Identifier: MIT */
/*
 * amd_roots.h — AMD's SEV-SNP certificate authorities, built in: for each
 * product line the self-signed AMD Root Key (ARK), the AMD SEV Signing Key
 * (ASK, which signs VCEKs) and the AMD SEV VLEK Signing Key (ASVK, which signs
 * VLEKs), as AMD's Key Distribution Service publishes them
 * (https://kdsintf.amd.com/vcek/v1/PRODUCT/cert_chain and
 * .../vlek/v1/PRODUCT/cert_chain). amd_roots.c says where each copy came from.
 *
 * Product lines. AMD's KDS knows Milan, Genoa and Turin. A version 3+
 * attestation report names the part by CPUID family and model:
 *   family 19h, model 00h-0Fh        Milan
 *   family 19h, model 10h-1Fh, A0h-AFh  Genoa (A0h-AFh: the Zen 4c parts,
 *                                    Bergamo and Siena, which KDS serves
 *                                    under Genoa; there is no Siena ARK)
 *   family 1Ah, model 00h-1Fh        Turin
 * A version 2 report has no CPUID fields: the product comes from --product
 * or from the certificate that signed the VCEK/VLEK.
 */
#ifndef IB_MEASURE_AMD_ROOTS_H
#define IB_MEASURE_AMD_ROOTS_H

#include <stdint.h>

enum amd_product {
	AMD_PRODUCT_UNKNOWN = 0,
	AMD_PRODUCT_MILAN,
	AMD_PRODUCT_GENOA,
	AMD_PRODUCT_TURIN,
};
#define AMD_PRODUCT_COUNT 3

struct amd_product_info {
	enum amd_product id;
	const char *name;     /* "Milan": KDS's spelling, the prefix of a VCEK's product name */
	const char *ark_pem;  /* one certificate each, PEM */
	const char *ask_pem;
	const char *asvk_pem;
};

/* AMD_PRODUCT_MILAN .. AMD_PRODUCT_TURIN; NULL for anything else. */
const struct amd_product_info *amd_product_info(enum amd_product p);
/* "Milan", "genoa", "TURIN", "Siena", "Bergamo" (case-insensitive); AMD_PRODUCT_UNKNOWN otherwise. */
enum amd_product amd_product_by_name(const char *name);
/* From a report's CPUID_FAM_ID and CPUID_MOD_ID (see above); AMD_PRODUCT_UNKNOWN otherwise. */
enum amd_product amd_product_from_cpuid(uint8_t family, uint8_t model);

#endif
