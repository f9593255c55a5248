/* SPDX-License-Identifier: MIT */
/*
 * test_build_vtpm.c — the vTPM manifest compiler's blob (format/vtpm_config.h)
 * and the template reader's values, checked field by field.
 */
#include <stdlib.h>
#include <string.h>

#include "../../format/vtpm_config.h"
#include "../../igvmbuild/build.h"
#include "tap.h"

static const char manifest[] =
	"<vtpm-manifest version=\"1\">\n"
	"  <pcr-banks><bank>sha384</bank><bank>sha256</bank></pcr-banks>\n"
	"  <endorsement-key algorithm=\"ecc-nist-p384\" template=\"H-3\" persistent=\"true\"/>\n"
	"  <manufacturer id=\"AB\" vendor=\"vendor\" firmware-version=\"0x0102030405060708\"/>\n"
	"  <persistence mode=\"ephemeral\"/>\n"
	"  <nv-indices>\n"
	"    <nv-index handle=\"0x01000002\" size=\"16\"><attributes>authwrite authread</attributes>\n"
	"      <contents-hex>0a 0b 0c</contents-hex></nv-index>\n"
	"    <nv-index handle=\"0x01000001\" size=\"8\" type=\"counter\"><attributes>ownerwrite ownerread no-da</attributes></nv-index>\n"
	"  </nv-indices>\n"
	"</vtpm-manifest>\n";

static const char tmpl[] =
	"<igvmbuild-template version=\"1\">\n"
	"  <platforms><platform>native</platform><platform>snp</platform></platforms>\n"
	"  <hypervisor>qemu</hypervisor>\n"
	"  <guest-policy>0x30000</guest-policy>\n"
	"  <sev-features><feature>debug-swap</feature></sev-features>\n"
	"  <debug-serial port=\"0x2f8\"/>\n"
	"  <layout><stage2 base=\"0x10000\"/><kernel-region base=\"0x2000000\" size=\"0x400000\"/></layout>\n"
	"  <inputs><kernel>k/svsm.elf</kernel><stage2>/abs/s2.bin</stage2></inputs>\n"
	"  <id-block><id-key>id.pem</id-key><family-id>000102030405060708090a0b0c0d0e0f</family-id><svn>5</svn></id-block>\n"
	"</igvmbuild-template>\n";

int main(void)
{
	uint8_t *blob = NULL, *blob2 = NULL;
	size_t len = 0, len2 = 0;
	ok(build_vtpm_compile_mem("/d/m.xml", (const uint8_t *)manifest, strlen(manifest), &blob, &len) == 0,
	   "manifest compiles");
	if (blob) {
		struct vtpm_config_header h;
		memcpy(&h, blob, sizeof(h));
		is_u64(h.magic, VTPM_CONFIG_MAGIC, "magic");
		is_u64(h.version, 1, "version");
		is_u64(h.total_size, len, "total size");
		is_u64(len % 8, 0, "8-byte multiple");
		is_u64(h.pcr_banks, VTPM_PCR_BANK_SHA256 | VTPM_PCR_BANK_SHA384, "PCR banks");
		is_u64(h.ek_algorithm, VTPM_TPM_ALG_ECC, "EK algorithm");
		is_u64(h.ek_curve, VTPM_ECC_NIST_P384, "EK curve");
		is_u64(h.ek_template, VTPM_EK_TEMPLATE_H3, "EK template");
		is_u64(h.flags, VTPM_CONFIG_FLAG_CREATE_EK_AT_MANUFACTURE, "persistent EK flag");
		is_u64(h.persistence, VTPM_PERSIST_EPHEMERAL, "persistence");
		is_u64(h.manufacturer, 0x41422020u, "manufacturer 'AB  '");
		ok(!memcmp(h.vendor_string, "vendor\0\0\0\0\0\0\0\0\0\0", 16), "vendor string NUL padded");
		is_u64(h.firmware_version, 0x0102030405060708ull, "firmware version");
		is_u64(h.nv_count, 2, "two NV indices");
		struct vtpm_config_nv_index a, b;
		memcpy(&a, blob + h.nv_table_offset, sizeof(a));
		memcpy(&b, blob + h.nv_table_offset + sizeof(a), sizeof(b));
		is_u64(a.index, 0x01000001, "sorted by handle");
		is_u64(a.attributes, (1u << 4) | (1u << 1) | (1u << 17) | (1u << 25), "counter attributes");
		is_u64(b.data_len, 3, "contents length");
		ok(b.data_offset && !memcmp(blob + b.data_offset, "\x0a\x0b\x0c", 3), "contents bytes");
		ok(build_vtpm_compile_mem("/d/m.xml", (const uint8_t *)manifest, strlen(manifest), &blob2, &len2) == 0 &&
			   len2 == len && !memcmp(blob, blob2, len),
		   "deterministic");
	}
	free(blob);
	free(blob2);

	/* persistence other than ephemeral: refused at build time, until the SVSM can unseal state */
	static const char sealed[] = "<vtpm-manifest version=\"1\">\n"
				     "  <pcr-banks><bank>sha256</bank></pcr-banks>\n"
				     "  <endorsement-key algorithm=\"rsa-2048\" template=\"L-1\"/>\n"
				     "  <manufacturer id=\"AB\" vendor=\"v\" firmware-version=\"1\"/>\n"
				     "  <persistence mode=\"sealed\"/>\n"
				     "</vtpm-manifest>\n";
	blob = NULL;
	ok(build_vtpm_compile_mem("/d/s.xml", (const uint8_t *)sealed, strlen(sealed), &blob, &len) != 0 && !blob,
	   "persistence mode=sealed refused at build time");
	free(blob);

	struct build_config c;
	memset(&c, 0, sizeof(c));
	ok(build_template_load_mem("/t/dir/x.xml", (const uint8_t *)tmpl, strlen(tmpl), &c) == 0, "template loads");
	ok(c.snp && c.native, "platforms");
	is_u64(c.sev_features, SEV_FEAT_SNP | SEV_FEAT_DEBUG_SWAP, "SEV features");
	is_u64(c.serial_port, 0x2f8, "serial port");
	is_u64(c.kernel_base, 0x2000000, "kernel base");
	ok(c.kernel.path && !strcmp(c.kernel.path, "/t/dir/k/svsm.elf"), "relative path resolves against the template");
	ok(c.stage2.path && !strcmp(c.stage2.path, "/abs/s2.bin"), "absolute path kept");
	ok(c.id_block && c.family_id[15] == 0x0f && c.id_svn == 5 && c.id_version == 1, "ID block values");
	ok(c.fw_placement == BUILD_FW_END_AT_4G && !c.firmware.path, "firmware placement default");
	build_config_free(&c);
	return tap_done();
}
