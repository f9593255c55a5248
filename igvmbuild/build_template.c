/* SPDX-License-Identifier: MIT */
/*
 * build_template.c — a validated template document -> struct build_config.
 *
 * The schema (templates/igvmbuild-template.xsd) has already fixed the shape
 * and the token values; what is left here is what a schema cannot say: number
 * ranges, alignment, and relations between fields. Paths in <inputs> and
 * <id-block> resolve against the template's directory, so a template and
 * its inputs can move together.
 */
#define _GNU_SOURCE
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "../format/launch_info.h"

void build_config_free(struct build_config *c)
{
	free(c->template_path);
	free(c->kernel.path);
	free(c->stage2.path);
	free(c->firmware.path);
	free(c->vtpm_manifest.path);
	free(c->filesystem.path);
	free(c->id_key.path);
	free(c->author_key.path);
	memset(c, 0, sizeof(*c));
}

static void docp_free(xmlDocPtr *d)
{
	if (*d)
		xmlFreeDoc(*d);
}

struct feature_name {
	const char *name;
	uint64_t bit;
};

static const struct feature_name features[] = {
	{ "restricted-injection", SEV_FEAT_RESTRICTED_INJECTION },
	{ "alternate-injection", SEV_FEAT_ALTERNATE_INJECTION },
	{ "debug-swap", SEV_FEAT_DEBUG_SWAP },
	{ "reflect-vc", SEV_FEAT_REFLECT_VC },
	{ "prevent-host-ibs", SEV_FEAT_PREVENT_HOST_IBS },
	{ "btb-isolation", SEV_FEAT_BTB_ISOLATION },
	{ "vmpl-sss", SEV_FEAT_VMPL_SSS },
	{ "secure-tsc", SEV_FEAT_SECURE_TSC },
	{ "vmsa-reg-prot", SEV_FEAT_VMSA_REG_PROT },
	{ "smt-protection", SEV_FEAT_SMT_PROTECTION },
};

int build_sev_feature_bit(const char *name, uint64_t *bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		if (!strcmp(features[i].name, name)) {
			*bit = features[i].bit;
			return 0;
		}
	return -1;
}

const char *build_sev_feature_name(uint64_t bit)
{
	if (bit == SEV_FEAT_SNP)
		return "snp";
	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		if (features[i].bit == bit)
			return features[i].name;
	return NULL;
}

/* Sets *in from an element's text, resolved against the template. */
static int take_path(const char *tpath, xmlNodePtr n, struct build_input *in)
{
	_cleanup_free_ char *t = build_xml_text(n);
	if (!t)
		return IB_EXIT_INTERNAL;
	if (!*t) {
		ib_err("%s:%d: element <%s>: empty path", tpath, build_xml_line(n), (const char *)n->name);
		return IB_EXIT_INVALID;
	}
	free(in->path);
	in->path = build_path_relative(tpath, t);
	if (!in->path)
		return IB_EXIT_INTERNAL;
	in->from.file = tpath;
	in->from.line = build_xml_line(n);
	return 0;
}

static int num_attr(const char *tpath, xmlNodePtr n, const char *attr, uint64_t max, uint64_t *out)
{
	_cleanup_free_ char *v = build_xml_attr(n, attr);
	char what[96];
	snprintf(what, sizeof(what), "<%s %s>", (const char *)n->name, attr);
	if (!v) {
		ib_err("%s:%d: %s: missing", tpath, build_xml_line(n), what);
		return IB_EXIT_INVALID;
	}
	return build_parse_u64(v, max, out, tpath, build_xml_line(n), what);
}

static int num_text(const char *tpath, xmlNodePtr n, uint64_t max, uint64_t *out)
{
	_cleanup_free_ char *v = build_xml_text(n);
	char what[96];
	snprintf(what, sizeof(what), "<%s>", (const char *)n->name);
	if (!v)
		return IB_EXIT_INTERNAL;
	return build_parse_u64(v, max, out, tpath, build_xml_line(n), what);
}

static int read_tree(const char *tpath, xmlNodePtr root, struct build_config *c)
{
	int r;
	xmlNodePtr n;

	/* platforms (the schema guarantees 1..4 unique names) */
	c->snp = c->native = c->tdx = false;
	for (n = build_xml_child(build_xml_child(root, "platforms"), "platform"); n; n = build_xml_next(n, "platform")) {
		_cleanup_free_ char *t = build_xml_text(n);
		if (!t)
			return IB_EXIT_INTERNAL;
		if (!strcmp(t, "snp"))
			c->snp = true;
		else if (!strcmp(t, "native"))
			c->native = true;
		else if (!strcmp(t, "tdx"))
			c->tdx = true;
	}
	c->hypervisor = BUILD_HV_QEMU;

	if ((n = build_xml_child(root, "guest-policy"))) {
		if ((r = num_text(tpath, n, UINT64_MAX, &c->policy)))
			return r;
		c->policy_from = (struct build_origin){ tpath, build_xml_line(n) };
	}
	if ((n = build_xml_child(root, "tdx-policy"))) {
		if ((r = num_text(tpath, n, UINT64_MAX, &c->tdx_policy)))
			return r;
		c->tdx_policy_from = (struct build_origin){ tpath, build_xml_line(n) };
	}
	if ((n = build_xml_child(root, "sev-features"))) {
		c->sev_features = BUILD_SEV_FEATURES_REQUIRED;
		for (xmlNodePtr f = build_xml_child(n, "feature"); f; f = build_xml_next(f, "feature")) {
			_cleanup_free_ char *t = build_xml_text(f);
			uint64_t bit;
			if (!t)
				return IB_EXIT_INTERNAL;
			if (build_sev_feature_bit(t, &bit)) {
				ib_err("%s:%d: element <feature>: unknown SEV feature '%s'", tpath, build_xml_line(f), t);
				return IB_EXIT_INVALID;
			}
			c->sev_features |= bit;
		}
	}
	if ((n = build_xml_child(root, "debug-serial"))) {
		uint64_t port;
		if ((r = num_attr(tpath, n, "port", 0xFFFF, &port)))
			return r;
		c->serial_port = (uint16_t)port;
	}

	if ((n = build_xml_child(root, "debug-exit"))) {
		uint64_t port;
		if ((r = num_attr(tpath, n, "port", 0xFFFF, &port)))
			return r;
		c->debug_exit_port = (uint16_t)port;
	}

	/* The layout of the SVSM platforms; a TDX-only template (the firmware alone) needs none. */
	xmlNodePtr lay = build_xml_child(root, "layout");
	c->layout_from = (struct build_origin){ tpath, build_xml_line(lay ? lay : root) };
	xmlNodePtr s2 = lay ? build_xml_child(lay, "stage2") : NULL;
	n = lay ? build_xml_child(lay, "kernel-region") : NULL;
	if (!s2 != !n) {
		ib_err("%s:%d: element <layout>: <stage2> and <kernel-region> go together", tpath,
		       build_xml_line(lay));
		return IB_EXIT_INVALID;
	}
	c->have_layout = s2 != NULL;
	if (s2 && ((r = num_attr(tpath, s2, "base", UINT64_MAX, &c->stage2_base)) ||
		   (r = num_attr(tpath, n, "base", UINT64_MAX, &c->kernel_base)) ||
		   (r = num_attr(tpath, n, "size", UINT64_MAX, &c->kernel_size))))
		return r;
	c->fw_placement = BUILD_FW_END_AT_4G;
	if (lay && (n = build_xml_child(lay, "firmware"))) {
		_cleanup_free_ char *p = build_xml_attr(n, "placement");
		if (p && !strcmp(p, "none"))
			c->fw_placement = BUILD_FW_NONE;
	}

	xmlNodePtr in = build_xml_child(root, "inputs");
	static const char *const names[] = { "kernel", "stage2", "firmware", "vtpm-manifest", "filesystem" };
	struct build_input *slots[] = { &c->kernel, &c->stage2, &c->firmware, &c->vtpm_manifest, &c->filesystem };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if ((n = build_xml_child(in, names[i])) && (r = take_path(tpath, n, slots[i])))
			return r;

	c->model = BUILD_MEASURE_QEMU_KVM;

	if ((n = build_xml_child(root, "id-block"))) {
		xmlNodePtr k;
		c->id_block = true;
		if ((r = take_path(tpath, build_xml_child(n, "id-key"), &c->id_key)))
			return r;
		if ((k = build_xml_child(n, "author-key")) && (r = take_path(tpath, k, &c->author_key)))
			return r;
		static const char *const ids[] = { "family-id", "image-id" };
		uint8_t *dst[] = { c->family_id, c->image_id };
		for (size_t i = 0; i < 2; i++) {
			if (!(k = build_xml_child(n, ids[i])))
				continue;
			_cleanup_free_ char *t = build_xml_text(k);
			char what[32];
			snprintf(what, sizeof(what), "<%s>", ids[i]);
			if (!t)
				return IB_EXIT_INTERNAL;
			if ((r = build_parse_hex_bytes(t, dst[i], 16, tpath, build_xml_line(k), what)))
				return r;
		}
		uint64_t v;
		if ((k = build_xml_child(n, "version"))) {
			if ((r = num_text(tpath, k, UINT32_MAX, &v)))
				return r;
			/* The SNP ABI defines ID block version 1 only; firmware refuses others at launch. */
			if (v != 1) {
				ib_err("%s:%d: element <version>: ID block version %llu is not 1, the only version the SNP ABI defines",
				       tpath, build_xml_line(k), (unsigned long long)v);
				return IB_EXIT_INVALID;
			}
			c->id_version = (uint32_t)v;
		}
		if ((k = build_xml_child(n, "svn"))) {
			if ((r = num_text(tpath, k, UINT32_MAX, &v)))
				return r;
			c->id_svn = (uint32_t)v;
		}
	}
	return 0;
}

static void set_defaults(struct build_config *c)
{
	c->policy = 0x30000;
	c->tdx_policy = BUILD_TDX_POLICY_DEFAULT;
	c->sev_features = BUILD_SEV_FEATURES_DEFAULT;
	c->serial_port = 0;
	c->id_version = 1;
	c->id_svn = 0;
}

int build_template_load_mem(const char *path, const uint8_t *data, size_t len, struct build_config *cfg)
{
	_cleanup_(docp_free) xmlDocPtr doc = NULL;
	int r = build_xml_load(path, data, len, BUILD_SCHEMA_TEMPLATE, &doc);
	if (r)
		return r;
	free(cfg->template_path);
	cfg->template_path = strdup(path);
	if (!cfg->template_path)
		return IB_EXIT_INTERNAL;
	set_defaults(cfg);
	return read_tree(cfg->template_path, xmlDocGetRootElement(doc), cfg);
}

int build_template_load(const char *path, struct build_config *cfg)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	int r = ib_read_file(path, BUILD_MAX_XML, &data, &len);
	if (r == -EFBIG) {
		ib_err("%s: larger than the %u-byte limit for templates", path, BUILD_MAX_XML);
		return IB_EXIT_INVALID;
	}
	if (r < 0) {
		ib_err("%s: cannot read template: %s", path, strerror(-r));
		return IB_EXIT_IO;
	}
	return build_template_load_mem(path, data, len, cfg);
}

static void origin_str(char *buf, size_t n, struct build_origin o)
{
	if (o.file)
		snprintf(buf, n, "%s:%d", o.file, o.line);
	else
		snprintf(buf, n, "command line");
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The highest end of the kernel region: the AMD HyperTransport hole begins here. */
#define LAYOUT_MAX_END 0xFD00000000ull

int build_config_check(const struct build_config *c)
{
	char w[512];
	origin_str(w, sizeof(w), c->layout_from);

	if (!c->snp && !c->native && !c->tdx) {
		ib_err("%s: no platform selected (snp, native, tdx)", w);
		return IB_EXIT_INVALID;
	}
	if (c->tdx) {
		char pw[512];
		origin_str(pw, sizeof(pw), c->tdx_policy_from);
		if (c->tdx_policy & ~BUILD_TDX_POLICY_KNOWN) {
			ib_err("%s: TDX guest policy 0x%llx: bits 63..3 are reserved and must be zero (0 debug, "
			       "1 SEPT #VE disabled, 2 migratable)", pw, (unsigned long long)c->tdx_policy);
			return IB_EXIT_INVALID;
		}
		if (!c->firmware.path) {
			ib_err("%s: the tdx platform is the firmware alone (no SVSM on TDX): give a TDVF firmware "
			       "(<inputs><firmware> or --firmware)", w);
			return IB_EXIT_USAGE;
		}
	}
	if (!c->snp && !c->native) {
		/* TDX only: nothing of the SVSM's. */
		static const char *const what[] = { "a kernel", "a stage 2", "a vTPM manifest" };
		const struct build_input *in[] = { &c->kernel, &c->stage2, &c->vtpm_manifest };
		for (size_t i = 0; i < ARRAY_SIZE(in); i++)
			if (in[i]->path) {
				char iw[512];
				origin_str(iw, sizeof(iw), in[i]->from);
				ib_err("%s: %s is given, but only the SVSM platforms (snp, native) use it: a tdx-only "
				       "image is the firmware alone", iw, what[i]);
				return IB_EXIT_USAGE;
			}
		if (c->id_block) {
			ib_err("%s: an ID block needs the snp platform", w);
			return IB_EXIT_INVALID;
		}
		return 0;
	}
	if (!c->have_layout) {
		ib_err("%s: the snp and native platforms need <layout> with <stage2> and <kernel-region>", w);
		return IB_EXIT_INVALID;
	}
	if (c->snp) {
		char pw[512];
		origin_str(pw, sizeof(pw), c->policy_from);
		if (!(c->policy & SNP_POLICY_RESERVED_MBO)) {
			ib_err("%s: guest policy 0x%llx: bit 17 is reserved and must be one", pw,
			       (unsigned long long)c->policy);
			return IB_EXIT_INVALID;
		}
		if (c->policy >> 25) {
			ib_err("%s: guest policy 0x%llx: bits 63..25 are reserved and must be zero", pw,
			       (unsigned long long)c->policy);
			return IB_EXIT_INVALID;
		}
	}
	if (c->stage2_base % BUILD_PAGE || c->stage2_base == 0 ||
	    c->stage2_base + LAUNCH_STAGE2_MAX_SIZE > LAUNCH_INFO_GPA) {
		ib_err("%s: <stage2 base=0x%llx>: must be page aligned, non-zero and leave %llu KiB below the "
		       "launch information page at 0x%llx", w, (unsigned long long)c->stage2_base,
		       (unsigned long long)LAUNCH_STAGE2_MAX_SIZE / 1024, (unsigned long long)LAUNCH_INFO_GPA);
		return IB_EXIT_INVALID;
	}
	const uint64_t two_mib = 2ull << 20;
	if (c->kernel_base % two_mib || c->kernel_size % two_mib || c->kernel_size == 0) {
		ib_err("%s: <kernel-region base=0x%llx size=0x%llx>: base and size must be non-zero 2 MiB multiples",
		       w, (unsigned long long)c->kernel_base, (unsigned long long)c->kernel_size);
		return IB_EXIT_INVALID;
	}
	const uint64_t gib = 1ull << 30;
	if (c->kernel_size > gib || c->kernel_base % gib + c->kernel_size > gib) {
		ib_err("%s: <kernel-region base=0x%llx size=0x%llx>: must lie within one 1 GiB-aligned block", w,
		       (unsigned long long)c->kernel_base, (unsigned long long)c->kernel_size);
		return IB_EXIT_INVALID;
	}
	/* AMD's HyperTransport hole starts at 1012 GiB, and QEMU's default guest address width is 40 bits. */
	if (c->kernel_base > LAYOUT_MAX_END || c->kernel_size > LAYOUT_MAX_END - c->kernel_base) {
		ib_err("%s: <kernel-region base=0x%llx size=0x%llx>: must end at or below 0x%llx (the AMD "
		       "HyperTransport hole and the 40-bit guest address width are above)", w,
		       (unsigned long long)c->kernel_base, (unsigned long long)c->kernel_size,
		       (unsigned long long)LAYOUT_MAX_END);
		return IB_EXIT_INVALID;
	}
	if (overlaps(c->kernel_base, c->kernel_size, 0, LAUNCH_PAGE_TABLES_GPA + LAUNCH_PAGE_TABLES_MAX * BUILD_PAGE)) {
		ib_err("%s: <kernel-region base=0x%llx>: overlaps the loader area below 0x%llx", w,
		       (unsigned long long)c->kernel_base,
		       (unsigned long long)(LAUNCH_PAGE_TABLES_GPA + LAUNCH_PAGE_TABLES_MAX * BUILD_PAGE));
		return IB_EXIT_INVALID;
	}
	/*
	 * On SNP the firmware validates all RAM below 4 GiB through the SVSM (edk2
	 * PlatformPei: [1 MiB, top of low RAM) as one range, whatever the memory map
	 * reserves inside it) and dies when the SVSM refuses a page of its own region.
	 * Only a region outside guest RAM works with a firmware that reads QEMU's
	 * memory map; above 4 GiB it must be above all RAM too, which the SVSM checks
	 * at boot (RAM then accepted lazily would be refused the same way).
	 */
	if (c->snp && c->fw_placement != BUILD_FW_NONE && c->kernel_base < BUILD_4G) {
		ib_err("%s: <kernel-region base=0x%llx>: with firmware on SNP the SVSM region must lie outside guest "
		       "RAM, above 4 GiB (the firmware validates all RAM below 4 GiB through the SVSM); the default "
		       "is 0x%llx", w, (unsigned long long)c->kernel_base, (unsigned long long)LAUNCH_KERNEL_REGION_GPA);
		return IB_EXIT_INVALID;
	}
	if (!c->kernel.path) {
		ib_err("%s: no kernel given (<inputs><kernel> or --kernel)", w);
		return IB_EXIT_USAGE;
	}
	if (!c->stage2.path) {
		ib_err("%s: no stage 2 given (<inputs><stage2> or --stage2)", w);
		return IB_EXIT_USAGE;
	}
	if (c->fw_placement == BUILD_FW_END_AT_4G && !c->firmware.path) {
		ib_err("%s: <firmware placement=end-at-4g> but no firmware given (<inputs><firmware>, --firmware, or "
		       "--no-firmware)", w);
		return IB_EXIT_USAGE;
	}
	if (c->id_block && !c->snp) {
		ib_err("%s: an ID block needs the snp platform", w);
		return IB_EXIT_INVALID;
	}
	return 0;
}
