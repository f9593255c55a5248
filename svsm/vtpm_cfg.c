/* SPDX-License-Identifier: MIT */
/* vtpm_cfg.c — see vtpm_cfg.h. Reads through byte copies: the blob need not be aligned. */
#include "vtpm_cfg.h"

#include "lib/string.h"

int vtpm_cfg_parse(const void *blob, size_t avail, struct vtpm_cfg_summary *out)
{
	struct vtpm_config_header h;
	if (avail < sizeof(h))
		return VTPM_CFG_TOO_SHORT;
	memcpy(&h, blob, sizeof(h));
	if (h.magic != VTPM_CONFIG_MAGIC)
		return VTPM_CFG_BAD_MAGIC;
	if (h.version != VTPM_CONFIG_VERSION)
		return VTPM_CFG_BAD_VERSION;
	if (h.header_size < sizeof(h) || h.total_size > avail || h.header_size > h.total_size ||
	    h.total_size > VTPM_CONFIG_MAX_SIZE)
		return VTPM_CFG_BAD_SIZE;
	if (h.nv_count > VTPM_CONFIG_MAX_NV)
		return VTPM_CFG_BAD_NV_TABLE;
	if (h.nv_count) {
		if (h.nv_entry_size < sizeof(struct vtpm_config_nv_index))
			return VTPM_CFG_BAD_SIZE;
		uint64_t end = (uint64_t)h.nv_table_offset + (uint64_t)h.nv_count * h.nv_entry_size;
		if (end > h.total_size || h.nv_table_offset < h.header_size)
			return VTPM_CFG_BAD_NV_TABLE;
	}
	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < h.nv_count; i++) {
		struct vtpm_config_nv_index e;
		memcpy(&e, (const unsigned char *)blob + h.nv_table_offset + (uint64_t)i * h.nv_entry_size, sizeof(e));
		if ((uint64_t)e.data_offset + e.data_len > h.total_size || e.data_len > e.size ||
		    (e.data_len && e.data_offset < h.header_size))
			return VTPM_CFG_BAD_NV_DATA;
		out->nv_data_bytes += e.data_len;
	}
	out->pcr_banks = h.pcr_banks;
	out->ek_algorithm = h.ek_algorithm;
	out->ek_key_bits = h.ek_key_bits;
	out->ek_curve = h.ek_curve;
	out->persistence = h.persistence;
	out->nv_count = h.nv_count;
	for (int i = 0; i < 4; i++) {
		char c = (char)(h.manufacturer >> (24 - 8 * i));
		out->manufacturer[i] = (c >= 0x20 && c < 0x7F) ? c : '?';
	}
	out->manufacturer[4] = 0;
	return VTPM_CFG_OK;
}

void vtpm_cfg_header(const void *blob, struct vtpm_config_header *h)
{
	memcpy(h, blob, sizeof(*h));
}

void vtpm_cfg_nv(const void *blob, const struct vtpm_config_header *h, uint32_t i, struct vtpm_config_nv_index *e,
		 const uint8_t **data)
{
	const unsigned char *b = blob;
	memcpy(e, b + h->nv_table_offset + (uint64_t)i * h->nv_entry_size, sizeof(*e));
	*data = e->data_len ? b + e->data_offset : NULL;
}

const char *vtpm_cfg_strerror(int err)
{
	switch (err) {
	case VTPM_CFG_OK: return "ok";
	case VTPM_CFG_TOO_SHORT: return "shorter than its header";
	case VTPM_CFG_BAD_MAGIC: return "bad magic";
	case VTPM_CFG_BAD_VERSION: return "unsupported version";
	case VTPM_CFG_BAD_SIZE: return "sizes out of bounds";
	case VTPM_CFG_BAD_NV_TABLE: return "NV table out of bounds";
	case VTPM_CFG_BAD_NV_DATA: return "NV initial data out of bounds";
	}
	return "unknown error";
}

void vtpm_cfg_banks(uint32_t banks, char *buf, size_t size)
{
	static const char *const names[] = { "sha1", "sha256", "sha384", "sha512", "sm3" };
	size_t len = 0;
	if (!size)
		return;
	buf[0] = 0;
	for (unsigned i = 0; i < 5; i++) {
		if (!(banks & (1u << i)))
			continue;
		const char *n = names[i];
		size_t nl = strlen(n) + (len ? 1 : 0);
		if (len + nl + 1 > size)
			break;
		if (len)
			buf[len++] = ',';
		memcpy(buf + len, n, strlen(n));
		len += strlen(n);
		buf[len] = 0;
	}
	if (!len && size > 4)
		memcpy(buf, "none", 5);
}
