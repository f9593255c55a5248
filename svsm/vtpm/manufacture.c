/* SPDX-License-Identifier: MIT */
/* manufacture.c — see manufacture.h. */
#include "manufacture.h"

#include <stdbool.h>

#include "../lib/fmt.h"
#include "../vtpm_cfg.h"
#include "cmds.h"
#include "ek.h"
#include "ext_api.h"
#include "tpm.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* The banks libtpms 0.9 implements, and what the manifest's bits mean. */
static const uint16_t implemented[] = { TPM_ALG_SHA1, TPM_ALG_SHA256, TPM_ALG_SHA384, TPM_ALG_SHA512 };
static const struct {
	uint32_t bit;
	uint16_t alg;
} bank_map[] = {
	{ VTPM_PCR_BANK_SHA1, TPM_ALG_SHA1 },     { VTPM_PCR_BANK_SHA256, TPM_ALG_SHA256 },
	{ VTPM_PCR_BANK_SHA384, TPM_ALG_SHA384 }, { VTPM_PCR_BANK_SHA512, TPM_ALG_SHA512 },
	{ VTPM_PCR_BANK_SM3, TPM_ALG_SM3_256 },
};

static uint32_t direct_exec(void *ctx, const uint8_t *cmd, uint32_t len, uint8_t *rsp, uint32_t cap)
{
	(void)ctx;
	return vtpm_tpm_execute(cmd, len, rsp, cap);
}

static const struct vtpm_io io = { direct_exec, NULL };

#define FAIL(...)                                       \
	do {                                            \
		fmt_snprintf(err, errlen, __VA_ARGS__); \
		goto fail;                              \
	} while (0)
#define TPM_OK(call, what)                                                        \
	do {                                                                      \
		uint32_t rc_ = (call);                                            \
		if (rc_)                                                          \
			FAIL("%s: TPM response code 0x%x", (what), (unsigned)rc_); \
	} while (0)

static bool implemented_bank(uint16_t alg)
{
	for (unsigned i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++)
		if (implemented[i] == alg)
			return true;
	return false;
}

static uint32_t write_auth(uint32_t attrs, uint32_t index)
{
	if (attrs & TPMA_NV_PPWRITE)
		return TPM_RH_PLATFORM;
	if (attrs & TPMA_NV_OWNERWRITE)
		return TPM_RH_OWNER;
	if (attrs & TPMA_NV_AUTHWRITE)
		return index;
	return 0;
}

static int provision_nv(const void *blob, const struct vtpm_config_header *h, uint32_t chunk, char *err,
			size_t errlen)
{
	for (uint32_t i = 0; i < h->nv_count; i++) {
		struct vtpm_config_nv_index e;
		const uint8_t *data;
		vtpm_cfg_nv(blob, h, i, &e, &data);
		if (e.index < 0x01000000u || e.index > 0x01FFFFFFu || e.size > 0xFFFF || (e.flags & ~VTPM_NV_FLAG_KNOWN))
			FAIL("NV index 0x%08x: not an NV index, too large, or unknown flags", e.index);
		uint32_t def_auth = (e.attributes & TPMA_NV_PLATFORMCREATE) ? TPM_RH_PLATFORM : TPM_RH_OWNER;
		uint32_t rc = vtpm_cmd_nv_define(&io, def_auth, e.index, e.name_alg, e.attributes, (uint16_t)e.size);
		if (rc)
			FAIL("NV_DefineSpace 0x%08x (attributes 0x%08x, %u bytes): TPM response code 0x%x", e.index,
			     e.attributes, e.size, (unsigned)rc);
		uint32_t wa = write_auth(e.attributes, e.index);
		if ((e.data_len || (e.flags & VTPM_NV_FLAG_WRITE_LOCK)) && !wa)
			FAIL("NV index 0x%08x: initial data or a write lock need ppwrite, ownerwrite or authwrite",
			     e.index);
		for (uint32_t off = 0; off < e.data_len; off += chunk) {
			uint32_t n = e.data_len - off < chunk ? e.data_len - off : chunk;
			rc = vtpm_cmd_nv_write(&io, wa, e.index, data + off, (uint16_t)n, (uint16_t)off);
			if (rc)
				FAIL("NV_Write 0x%08x at %u: TPM response code 0x%x", e.index, off, (unsigned)rc);
		}
		if (e.flags & VTPM_NV_FLAG_WRITE_LOCK) {
			rc = vtpm_cmd_nv_write_lock(&io, wa, e.index);
			if (rc)
				FAIL("NV_WriteLock 0x%08x: TPM response code 0x%x", e.index, (unsigned)rc);
		}
	}
	return 0;
fail:
	return -1;
}

int vtpm_manufacture(const void *blob, size_t len, struct vtpm_identity *id, char *err, size_t errlen)
{
	struct vtpm_cfg_summary s;
	struct vtpm_config_header h;
	int rc = vtpm_cfg_parse(blob, len, &s);
	memset(id, 0, sizeof(*id));
	if (rc)
		FAIL("configuration rejected: %s", vtpm_cfg_strerror(rc));
	vtpm_cfg_header(blob, &h);
	if (h.persistence != VTPM_PERSIST_EPHEMERAL)
		FAIL("persistence %u: only ephemeral is possible (the SVSM cannot unseal state)", h.persistence);
	if (h.flags & ~VTPM_CONFIG_FLAG_KNOWN)
		FAIL("unknown configuration flags 0x%x", h.flags);
	uint8_t tmpl[512];
	uint32_t tlen = vtpm_ek_template(h.ek_template, tmpl, sizeof(tmpl));
	if (!tlen)
		FAIL("EK template %u is not one this vTPM implements", h.ek_template);
	uint16_t banks[5];
	unsigned nb = 0;
	if (!h.pcr_banks || (h.pcr_banks & ~VTPM_PCR_BANK_KNOWN))
		FAIL("PCR banks 0x%x: none, or unknown ones", h.pcr_banks);
	for (unsigned i = 0; i < sizeof(bank_map) / sizeof(bank_map[0]); i++) {
		if (!(h.pcr_banks & bank_map[i].bit))
			continue;
		if (!implemented_bank(bank_map[i].alg))
			FAIL("PCR bank with algorithm 0x%x is not implemented by libtpms %x.%x.%x", bank_map[i].alg,
			     (unsigned)(vtpm_tpm_libtpms_version() >> 16) & 0xFF,
			     (unsigned)(vtpm_tpm_libtpms_version() >> 8) & 0xFF, (unsigned)vtpm_tpm_libtpms_version() & 0xFF);
		banks[nb++] = bank_map[i].alg;
	}
	id->ek_template = h.ek_template;
	id->pcr_banks = h.pcr_banks;
	id->manufacturer = h.manufacturer;
	memcpy(id->vendor, h.vendor_string, sizeof(id->vendor));
	id->firmware_version = h.firmware_version;
	id->nv_count = h.nv_count;

	/* 1, 2: a new TPM, its PCR banks */
	vtpm_tpm_power_off();
	vtpm_tpm_nv_clear();
	if (vtpm_tpm_power_on())
		FAIL("TPMLIB_MainInit failed on an empty NV store");
	TPM_OK(vtpm_cmd_startup(&io), "Startup");
	TPM_OK(vtpm_cmd_pcr_allocate(&io, banks, nb, implemented, sizeof(implemented) / sizeof(implemented[0])),
	       "PCR_Allocate");
	uint32_t fw[2];
	TPM_OK(vtpm_cmd_get_props(&io, TPM_PT_FIRMWARE_VERSION_1, 2, fw), "GetCapability(firmware version)");
	TPM_OK(vtpm_cmd_shutdown(&io), "Shutdown");
	vtpm_tpm_power_off();

	/* 3: the firmware version, then everything in effect */
	uint64_t have = (uint64_t)fw[0] << 32 | fw[1];
	if (have != h.firmware_version && vtpm_tpm_patch_firmware(have, h.firmware_version))
		FAIL("the firmware version 0x%08x%08x is not where libtpms keeps it in its NV state", fw[0], fw[1]);
	if (vtpm_tpm_power_on())
		FAIL("TPMLIB_MainInit failed on the manufactured state");
	TPM_OK(vtpm_cmd_startup(&io), "Startup");
	uint32_t allocated;
	TPM_OK(vtpm_cmd_pcr_banks(&io, &allocated), "GetCapability(PCRs)");
	if (allocated != h.pcr_banks)
		FAIL("PCR banks after PCR_Allocate are 0x%x, not 0x%x", allocated, h.pcr_banks);
	uint32_t props[2];
	TPM_OK(vtpm_cmd_get_props(&io, TPM_PT_FIRMWARE_VERSION_1, 2, props), "GetCapability(firmware version)");
	if (((uint64_t)props[0] << 32 | props[1]) != h.firmware_version)
		FAIL("firmware version reads 0x%08x%08x after manufacture", props[0], props[1]);
	uint32_t nvmax;
	TPM_OK(vtpm_cmd_get_props(&io, 0x12C /* TPM_PT_NV_BUFFER_MAX */, 1, &nvmax), "GetCapability(NV buffer)");
	if (nvmax < 64 || nvmax > 4000)
		FAIL("TPM_PT_NV_BUFFER_MAX %u", nvmax);

	/* 4: NV indices */
	if (provision_nv(blob, &h, nvmax, err, errlen))
		goto fail;

	/* 5: the EK */
	uint32_t handle, plen;
	TPM_OK(vtpm_cmd_create_primary(&io, TPM_RH_ENDORSEMENT, tmpl, tlen, &handle, id->ek_public,
				       sizeof(id->ek_public), &plen),
	       "CreatePrimary(EK)");
	id->ek_public_len = plen;
	if (h.flags & VTPM_CONFIG_FLAG_CREATE_EK_AT_MANUFACTURE) {
		id->ek_persistent = vtpm_ek_persistent_handle(h.ek_template);
		TPM_OK(vtpm_cmd_evict(&io, handle, id->ek_persistent), "EvictControl(EK)");
	}
	TPM_OK(vtpm_cmd_flush(&io, handle), "FlushContext(EK)");

	/* 6 */
	TPM_OK(vtpm_cmd_shutdown(&io), "Shutdown");
	vtpm_tpm_power_off();
	id->nv_state = vtpm_tpm_nv_snapshot(&id->nv_state_len);
	if (!id->nv_state)
		FAIL("no memory for the manufactured state");
	return 0;
fail:
	vtpm_tpm_power_off();
	return -1;
}
