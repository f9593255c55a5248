/* SPDX-License-Identifier: MIT */
/*
 * vtpm_cfg.h — checks the vTPM configuration blob (format/vtpm_config.h)
 * the builder placed in measured pages, following that header's guest-side
 * validation contract, and summarises it. Portable C: unit-tested on the host.
 */
#ifndef SVSM_VTPM_CFG_H
#define SVSM_VTPM_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "../format/vtpm_config.h"

enum vtpm_cfg_err {
	VTPM_CFG_OK = 0,
	VTPM_CFG_TOO_SHORT = -1,
	VTPM_CFG_BAD_MAGIC = -2,
	VTPM_CFG_BAD_VERSION = -3,
	VTPM_CFG_BAD_SIZE = -4,     /* header_size / total_size / entry size out of bounds */
	VTPM_CFG_BAD_NV_TABLE = -5,
	VTPM_CFG_BAD_NV_DATA = -6,
};

struct vtpm_cfg_summary {
	uint32_t pcr_banks;
	uint16_t ek_algorithm, ek_key_bits, ek_curve, persistence;
	uint32_t nv_count;
	uint32_t nv_data_bytes;
	char manufacturer[5];
};

int vtpm_cfg_parse(const void *blob, size_t avail, struct vtpm_cfg_summary *out);
/* After vtpm_cfg_parse() accepted blob: a copy of its header, and of NV entry i
 * (i < nv_count) with a pointer to its initial data (NULL when data_len is 0). */
void vtpm_cfg_header(const void *blob, struct vtpm_config_header *h);
void vtpm_cfg_nv(const void *blob, const struct vtpm_config_header *h, uint32_t i, struct vtpm_config_nv_index *e,
		 const uint8_t **data);
const char *vtpm_cfg_strerror(int err);
/* "sha1,sha256" style list into buf. */
void vtpm_cfg_banks(uint32_t banks, char *buf, size_t size);

#endif
