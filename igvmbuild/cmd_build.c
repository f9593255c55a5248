/* SPDX-License-Identifier: MIT */
/*
 * cmd_build.c — `igvmbuild build`: template + inputs -> one IGVM file, its
 * SNP launch digest and its TDX MRTD. See igvmbuild(1) (BUILD) and
 * igvmbuild-template(5).
 *
 * Order of work, chosen so that a failure leaves nothing behind:
 *   1. template, then command-line overrides, then cross-field checks;
 *   2. read every input whole (size-capped) and SHA-256 it for the summary;
 *   3. lay out and serialise in memory; re-parse the bytes with the strict
 *      reader and compute the digest (and the MRTD) with measure/'s code from
 *      those bytes, exactly as igvmmeasure would from the file; the MRTD must
 *      equal that of a direct launch of the firmware (build_tdx.c says why);
 *   4. with an ID key: sign the digest and build again with the ID block
 *      (it is not measured, so the digest must not change: checked);
 *   5. only then write the output (and --reference-values) atomically.
 */
#define _GNU_SOURCE
#include "build.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/emit.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "../format/igfs.h"
#include "../format/launch_info.h"
#include "../measure/id_block.h"
#include "../measure/igvm_digest.h"
#include "../measure/tdvf.h"
#include "cmds.h"

#ifndef IGVMBUILD_DATADIR
#define IGVMBUILD_DATADIR "/usr/local/share/igvmbuild"
#endif

static void usage(FILE *o)
{
	fprintf(o,
		"usage: igvmbuild build [-t TEMPLATE] -o OUTPUT [options]\n"
		"\n"
		"Builds an IGVM image from a template (igvmbuild-template(5)); options override it.\n"
		"  -t, --template FILE        template (default: $IGVMBUILD_TEMPLATE_DIR or " IGVMBUILD_DATADIR
		"/templates, qemu-snp.xml)\n"
		"  -o, --output FILE          the IGVM file to write\n"
		"      --kernel FILE          SVSM kernel ELF\n"
		"      --stage2 FILE          stage-2 loader (flat binary)\n"
		"      --firmware FILE        OVMF image, placed to end at 4 GiB\n"
		"      --no-firmware          no firmware\n"
		"      --vtpm-manifest FILE   vTPM manifest (igvm-vtpm-manifest(5))\n"
		"      --no-vtpm              no vTPM configuration\n"
		"      --filesystem PATH      directory tree or cpio newc archive packed for the SVSM\n"
		"      --no-filesystem        no packed filesystem\n"
		"      --platform LIST        comma-separated: snp, native, tdx\n"
		"      --policy N             SNP guest policy\n"
		"      --tdx-policy N         TDX guest policy (bit 0 debug, 1 SEPT #VE disabled, 2 migratable)\n"
		"      --sev-features LIST    comma-separated SEV features (replaces the template's)\n"
		"      --serial-port N        debug serial port, 0 = none\n"
		"      --kernel-base N, --kernel-size N   kernel region\n"
		"      --id-key PEM           sign an SNP ID block with this P-384 key\n"
		"      --author-key PEM       and this author key\n"
		"      --family-id HEX32, --image-id HEX32, --id-version 1, --svn N\n"
		"      --json                 print a JSON summary instead of the digest line\n"
		"      --reference-values FILE   write the JSON summary to FILE for attestation servers\n"
		"  -h, --help\n");
}

enum {
	OPT_KERNEL = 256, OPT_STAGE2, OPT_FIRMWARE, OPT_NO_FIRMWARE, OPT_VTPM, OPT_NO_VTPM, OPT_PLATFORM,
	OPT_POLICY, OPT_SEV_FEATURES, OPT_SERIAL, OPT_KBASE, OPT_KSIZE, OPT_ID_KEY, OPT_AUTHOR_KEY,
	OPT_FAMILY_ID, OPT_IMAGE_ID, OPT_ID_VERSION, OPT_SVN, OPT_JSON, OPT_REFVALS, OPT_FS, OPT_NO_FS, OPT_TDX_POLICY,
};

static const struct option longopts[] = {
	{ "template", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "stage2", required_argument, NULL, OPT_STAGE2 },
	{ "firmware", required_argument, NULL, OPT_FIRMWARE },
	{ "no-firmware", no_argument, NULL, OPT_NO_FIRMWARE },
	{ "vtpm-manifest", required_argument, NULL, OPT_VTPM },
	{ "no-vtpm", no_argument, NULL, OPT_NO_VTPM },
	{ "filesystem", required_argument, NULL, OPT_FS },
	{ "no-filesystem", no_argument, NULL, OPT_NO_FS },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "tdx-policy", required_argument, NULL, OPT_TDX_POLICY },
	{ "sev-features", required_argument, NULL, OPT_SEV_FEATURES },
	{ "serial-port", required_argument, NULL, OPT_SERIAL },
	{ "kernel-base", required_argument, NULL, OPT_KBASE },
	{ "kernel-size", required_argument, NULL, OPT_KSIZE },
	{ "id-key", required_argument, NULL, OPT_ID_KEY },
	{ "author-key", required_argument, NULL, OPT_AUTHOR_KEY },
	{ "family-id", required_argument, NULL, OPT_FAMILY_ID },
	{ "image-id", required_argument, NULL, OPT_IMAGE_ID },
	{ "id-version", required_argument, NULL, OPT_ID_VERSION },
	{ "svn", required_argument, NULL, OPT_SVN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "reference-values", required_argument, NULL, OPT_REFVALS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Command-line values, applied over the template once it is loaded. */
struct overrides {
	const char *tmpl, *output, *refvals;
	const char *kernel, *stage2, *firmware, *vtpm, *fs, *id_key, *author_key;
	bool no_firmware, no_vtpm, no_fs, json;
	const char *platform, *policy, *tdx_policy, *sev_features, *serial, *kbase, *ksize;
	const char *family_id, *image_id, *id_version, *svn;
};

static int set_input(struct build_input *in, const char *path)
{
	free(in->path);
	in->path = strdup(path);
	in->from = (struct build_origin){ NULL, 0 };
	return in->path ? 0 : IB_EXIT_INTERNAL;
}

static int apply_list(const char *list, const char *what, struct build_config *c, bool platforms)
{
	_cleanup_free_ char *dup = strdup(list);
	if (!dup)
		return IB_EXIT_INTERNAL;
	if (platforms)
		c->snp = c->native = c->tdx = false;
	else
		c->sev_features = BUILD_SEV_FEATURES_REQUIRED;
	char *save = NULL;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint64_t bit;
		if (platforms && !strcmp(t, "snp"))
			c->snp = true;
		else if (platforms && !strcmp(t, "native"))
			c->native = true;
		else if (platforms && !strcmp(t, "tdx"))
			c->tdx = true;
		else if (!platforms && !build_sev_feature_bit(t, &bit))
			c->sev_features |= bit;
		else {
			ib_err("%s: unknown %s '%s'", what, platforms ? "platform" : "SEV feature", t);
			return IB_EXIT_USAGE;
		}
	}
	return 0;
}

static int apply_overrides(const struct overrides *o, struct build_config *c)
{
	int r;
	uint64_t v;
	if ((o->kernel && (r = set_input(&c->kernel, o->kernel))) ||
	    (o->stage2 && (r = set_input(&c->stage2, o->stage2))) ||
	    (o->firmware && (r = set_input(&c->firmware, o->firmware))) ||
	    (o->vtpm && (r = set_input(&c->vtpm_manifest, o->vtpm))) ||
	    (o->fs && (r = set_input(&c->filesystem, o->fs))))
		return r;
	if (o->firmware)
		c->fw_placement = BUILD_FW_END_AT_4G;
	if (o->no_firmware) {
		c->fw_placement = BUILD_FW_NONE;
		free(c->firmware.path);
		c->firmware.path = NULL;
	}
	if (c->fw_placement == BUILD_FW_NONE && c->firmware.path) {
		free(c->firmware.path);
		c->firmware.path = NULL;
	}
	if (o->no_vtpm) {
		free(c->vtpm_manifest.path);
		c->vtpm_manifest.path = NULL;
	}
	if (o->no_fs) {
		free(c->filesystem.path);
		c->filesystem.path = NULL;
	}
	if (o->platform && (r = apply_list(o->platform, "--platform", c, true)))
		return r;
	if (o->sev_features && (r = apply_list(o->sev_features, "--sev-features", c, false)))
		return r;
	if (o->policy) {
		if (build_parse_u64(o->policy, UINT64_MAX, &c->policy, NULL, 0, "--policy"))
			return IB_EXIT_USAGE;
		c->policy_from = (struct build_origin){ NULL, 0 };
	}
	if (o->tdx_policy) {
		if (build_parse_u64(o->tdx_policy, UINT64_MAX, &c->tdx_policy, NULL, 0, "--tdx-policy"))
			return IB_EXIT_USAGE;
		c->tdx_policy_from = (struct build_origin){ NULL, 0 };
	}
	if (o->serial) {
		if (build_parse_u64(o->serial, 0xFFFF, &v, NULL, 0, "--serial-port"))
			return IB_EXIT_USAGE;
		c->serial_port = (uint16_t)v;
	}
	if (o->kbase && build_parse_u64(o->kbase, UINT64_MAX, &c->kernel_base, NULL, 0, "--kernel-base"))
		return IB_EXIT_USAGE;
	if (o->ksize && build_parse_u64(o->ksize, UINT64_MAX, &c->kernel_size, NULL, 0, "--kernel-size"))
		return IB_EXIT_USAGE;
	if (o->kbase || o->ksize)
		c->layout_from = (struct build_origin){ NULL, 0 };
	if (o->id_key) {
		if ((r = set_input(&c->id_key, o->id_key)))
			return r;
		c->id_block = true;
	}
	if (o->author_key && (r = set_input(&c->author_key, o->author_key)))
		return r;
	if ((o->family_id && build_parse_hex_bytes(o->family_id, c->family_id, 16, NULL, 0, "--family-id")) ||
	    (o->image_id && build_parse_hex_bytes(o->image_id, c->image_id, 16, NULL, 0, "--image-id")))
		return IB_EXIT_USAGE;
	if (o->id_version) {
		if (build_parse_u64(o->id_version, UINT32_MAX, &v, NULL, 0, "--id-version"))
			return IB_EXIT_USAGE;
		if (v != SNP_ID_BLOCK_VERSION) {
			/* QEMU rebuilds the ID block with VERSION 1 whatever the header says, so any other
			 * value would make the signature fail at launch. */
			ib_err("--id-version: the ID block version must be 1 (the only one the SNP ABI defines; "
			       "QEMU's IGVM loader always uses 1)");
			return IB_EXIT_USAGE;
		}
		c->id_version = (uint32_t)v;
	}
	if (o->svn) {
		if (build_parse_u64(o->svn, UINT32_MAX, &v, NULL, 0, "--svn"))
			return IB_EXIT_USAGE;
		c->id_svn = (uint32_t)v;
	}
	if ((o->author_key || o->family_id || o->image_id || o->id_version || o->svn) && !c->id_block) {
		ib_err("--author-key, --family-id, --image-id, --id-version and --svn need an ID key (--id-key)");
		return IB_EXIT_USAGE;
	}
	return 0;
}

/* ---- inputs ----------------------------------------------------------------- */

struct loaded {
	uint8_t *data;
	size_t len;
	uint8_t sha256[IB_SHA256_LEN];
	bool present;
};

static int load_input(const struct build_input *in, const char *what, uint64_t max, struct loaded *l)
{
	int r = ib_read_file(in->path, max, &l->data, &l->len);
	char where[600] = "";
	if (in->from.file)
		snprintf(where, sizeof(where), " (named at %s:%d)", in->from.file, in->from.line);
	if (r == -EFBIG) {
		ib_err("%s: %s is larger than the %llu-byte limit%s", in->path, what, (unsigned long long)max, where);
		return IB_EXIT_INVALID;
	}
	if (r < 0) {
		ib_err("%s: cannot read %s: %s%s", in->path, what, strerror(-r), where);
		return IB_EXIT_IO;
	}
	l->present = true;
	if (ib_sha256(l->data, l->len, l->sha256))
		return IB_EXIT_INTERNAL;
	return 0;
}

/*
 * The packed filesystem: a directory is walked; anything else is read whole (as
 * every input, size-capped and hashed for the summary) and must be a cpio newc archive.
 */
static int load_filesystem(const struct build_input *in, struct loaded *l, struct build_fs *fs)
{
	struct stat st;
	char where[600] = "";
	if (in->from.file)
		snprintf(where, sizeof(where), " (named at %s:%d)", in->from.file, in->from.line);
	if (stat(in->path, &st) < 0) {
		ib_err("%s: cannot read the filesystem: %s%s", in->path, strerror(errno), where);
		return IB_EXIT_IO;
	}
	if (S_ISDIR(st.st_mode))
		return build_fs_pack_dir(in->path, fs);
	int r = load_input(in, "filesystem archive", IGFS_MAX_IMAGE, l);
	return r ? r : build_fs_pack_cpio(in->path, l->data, l->len, fs);
}

/* ---- digest ------------------------------------------------------------------ */

struct kvm_ctx {
	const char *out;
	size_t broken;
};

/*
 * The one KVM warning worth a line: a SEV feature stock QEMU/KVM refuse before
 * launch. Printed once the image is written, so a refused build still says
 * exactly one thing.
 */
static char host_warning[400];

static void kvm_report(void *ctx, const struct igvm_kvm_finding *f)
{
	struct kvm_ctx *k = ctx;
	if (f->warning) {
		if (!strcmp(f->rule, "kvm.sev-features-host"))
			snprintf(host_warning, sizeof(host_warning), "%s: %s: %s", k->out, f->rule, f->detail);
		return;
	}
	ib_err("%s: offset 0x%llx: %s: %s", k->out, (unsigned long long)f->offset, f->rule, f->detail);
}

/*
 * The MRTD of the image's TDX part, from the parsed bytes as igvmmeasure -p tdx
 * computes it, checked against the direct launch of the same firmware in KVM's
 * (single-pass) order: the TDX directives are that launch (build_tdx.c).
 */
static int tdx_mrtd(const char *out, const struct igvm_file *pf, const struct ib_buf *bytes,
		    const struct tdvf_image *tdvf, uint8_t mrtd[48])
{
	struct igvm_digest_source src = { .fd = -1, .mem = bytes->p, .mem_len = bytes->len };
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_TDX };
	struct igvm_digest_result res;
	struct igvm_digest_error e;
	memset(&e, 0, sizeof(e));
	int rc = igvm_digest_compute(pf, &src, &o, &res, &e);
	igvm_digest_result_free(&res);
	if (rc) {
		ib_err("%s: internal error: measuring the TDX part failed: %s: %s", out, e.rule ? e.rule : "error",
		       e.detail);
		return rc;
	}
	uint8_t direct[TDX_MRTD_LEN];
	if (tdvf_mrtd(tdvf, TDVF_ORDER_SINGLE_PASS, NULL, NULL, direct)) {
		ib_err("%s: internal error: the hash library failed", out);
		return IB_EXIT_INTERNAL;
	}
	if (memcmp(direct, res.digest, TDX_MRTD_LEN)) {
		ib_err("%s: internal error: the TDX part's MRTD differs from the firmware's direct launch", out);
		return IB_EXIT_INTERNAL;
	}
	memcpy(mrtd, res.digest, TDX_MRTD_LEN);
	return 0;
}

/* Serialises f, re-parses it strictly and measures it from the bytes (SNP digest, TDX MRTD). */
static int finish_file(const struct build_config *cfg, const char *out, struct igvm_file *f, struct ib_buf *bytes,
		       const struct tdvf_image *tdvf, uint8_t digest[48], uint8_t mrtd[48])
{
	struct igvm_diag d;
	if (igvm_write(f, bytes, &d)) {
		ib_err("%s: internal error: the writer refused the image: header %llu: %s: %s", out,
		       (unsigned long long)d.offset, igvm_rule_name(d.rule), d.detail);
		return IB_EXIT_INTERNAL;
	}
	struct igvm_file pf;
	if (igvm_parse(bytes->p, bytes->len, IGVM_PARSE_STRICT, &pf, &d)) {
		ib_err("%s: internal error: the image breaks rule %s at offset 0x%llx: %s", out, igvm_rule_name(d.rule),
		       (unsigned long long)d.offset, d.detail);
		return IB_EXIT_INTERNAL;
	}
	int rc = 0;
	if (cfg->snp) {
		struct igvm_digest_source src = { .fd = -1, .mem = bytes->p, .mem_len = bytes->len };
		struct igvm_digest_opts o = { .platform = IGVM_DIGEST_SEV_SNP, .jobs = 1 };
		struct igvm_digest_result res;
		struct igvm_digest_error e;
		memset(&res, 0, sizeof(res));
		memset(&e, 0, sizeof(e));
		rc = igvm_digest_compute(&pf, &src, &o, &res, &e);
		if (rc)
			ib_err("%s: internal error: measuring the image failed: %s: %s", out, e.rule ? e.rule : "error",
			       e.detail);
		else
			memcpy(digest, res.digest, 48);
		igvm_digest_result_free(&res);
		uint32_t mask;
		if (!rc && igvm_digest_platform_mask(&pf, IGVM_DIGEST_SEV_SNP, &mask)) {
			struct kvm_ctx k = { out, 0 };
			if (igvm_digest_check_kvm(&pf, IGVM_DIGEST_SEV_SNP, mask, kvm_report, &k)) {
				ib_err("%s: internal error: QEMU/KVM would not measure the image as computed", out);
				rc = IB_EXIT_INTERNAL;
			}
		}
	}
	if (!rc && tdvf)
		rc = tdx_mrtd(out, &pf, bytes, tdvf, mrtd);
	igvm_file_free(&pf);
	return rc;
}

/* ---- summary ----------------------------------------------------------------- */

static void emit_input(struct emit *e, const char *key, const struct build_input *in, const struct loaded *l)
{
	char hex[2 * IB_SHA256_LEN + 1];
	if (!l->present) {
		emit_null(e, key);
		return;
	}
	ib_hex(l->sha256, IB_SHA256_LEN, hex);
	emit_begin_object(e, key);
	emit_str(e, "path", in->path);
	emit_u64(e, "size", l->len);
	emit_str(e, "sha256", hex);
	emit_end_object(e);
}

struct summary {
	const struct build_config *cfg;
	const char *output;
	const struct launch_info *li; /* NULL: no SVSM platform */
	const uint8_t *digest;
	const uint8_t *mrtd;             /* NULL: no TDX platform */
	const struct tdvf_image *tdvf;
	const struct ib_buf *bytes;
	const struct loaded *tmpl, *kernel, *stage2, *fw, *manifest;
	const uint8_t *vtpm_sha256; /* of the compiled blob, or NULL */
	const uint8_t *id_key_digest, *author_key_digest;
	const struct loaded *fs_archive; /* present only for an archive */
	const struct build_fs *fs;       /* NULL: no filesystem */
};

static int emit_summary(struct emit *e, const struct summary *s)
{
	const struct build_config *c = s->cfg;
	char hex[2 * 48 + 1];
	if (s->digest) {
		ib_hex(s->digest, 48, hex);
		emit_str(e, "snp_launch_digest", hex);
	} else {
		emit_null(e, "snp_launch_digest");
	}
	emit_str(e, "measurement_model", "qemu-kvm");
	if (s->mrtd) {
		ib_hex(s->mrtd, 48, hex);
		emit_str(e, "tdx_mrtd", hex);
	} else {
		emit_null(e, "tdx_mrtd");
	}
	const char *plats[3];
	size_t np = 0;
	if (c->snp)
		plats[np++] = "snp";
	if (c->tdx)
		plats[np++] = "tdx";
	if (c->native)
		plats[np++] = "native";
	emit_flags(e, "platforms", plats, np);
	if (c->snp) {
		emit_hex(e, "guest_policy", c->policy, 0);
		emit_hex(e, "sev_features", c->sev_features, 0);
		const char *names[16];
		size_t nf = 0;
		for (unsigned b = 0; b < 64 && nf < 16; b++)
			if (c->sev_features & (1ull << b))
				names[nf++] = build_sev_feature_name(1ull << b) ? build_sev_feature_name(1ull << b) : "?";
		emit_flags(e, "sev_feature_names", names, nf);
	}

	if (c->tdx) {
		emit_hex(e, "tdx_policy", c->tdx_policy, 0);
		static const char *const bit_names[] = { "debug", "sept-ve-disable", "migratable" };
		const char *names[3];
		size_t nb = 0;
		for (unsigned b = 0; b < 3; b++)
			if (c->tdx_policy & (1ull << b))
				names[nb++] = bit_names[b];
		emit_flags(e, "tdx_policy_names", names, nb);
		/* The crate's model, equal to KVM's single-pass direct launch of the firmware. */
		emit_str(e, "tdx_measurement_model", "igvm-crate");
		emit_u64(e, "tdx_pages_added", s->tdvf->pages_added);
		emit_u64(e, "tdx_pages_measured", s->tdvf->pages_extended);
	}

	const struct launch_info *li = s->li;
	if (!li)
		goto inputs;
	emit_begin_object(e, "layout");
	emit_hex(e, "stage2_gpa", li->stage2_gpa, 0);
	emit_hex(e, "stage2_size", li->stage2_size, 0);
	emit_hex(e, "launch_info_gpa", LAUNCH_INFO_GPA, 0);
	emit_hex(e, "cpuid_page_gpa", li->cpuid_page_gpa, 0);
	emit_hex(e, "secrets_page_gpa", li->secrets_page_gpa, 0);
	emit_hex(e, "params_gpa", li->vp_count_gpa, 0);
	emit_hex(e, "memory_map_gpa", li->memory_map_gpa, 0);
	emit_hex(e, "vtpm_config_gpa", li->vtpm_config_gpa, 0);
	emit_hex(e, "vtpm_config_size", li->vtpm_config_size, 0);
	emit_hex(e, "boot_stack_gpa", li->boot_stack_gpa, 0);
	emit_hex(e, "boot_stack_size", li->boot_stack_size, 0);
	emit_hex(e, "ap_trampoline_gpa", li->ap_trampoline_gpa, 0);
	emit_hex(e, "kernel_region_gpa", li->kernel_region_gpa, 0);
	emit_hex(e, "kernel_region_size", li->kernel_region_size, 0);
	emit_hex(e, "kernel_populated_size", li->kernel_populated_size, 0);
	emit_hex(e, "kernel_vbase", li->kernel_vbase, 0);
	emit_hex(e, "kernel_entry", li->kernel_entry, 0);
	emit_hex(e, "page_table_gpa", li->page_table_gpa, 0);
	emit_u64(e, "page_table_count", li->page_table_count);
	emit_hex(e, "filesystem_gpa", li->fs_gpa, 0);
	emit_hex(e, "filesystem_size", li->fs_size, 0);
	emit_hex(e, "firmware_gpa", li->fw_gpa, 0);
	emit_hex(e, "firmware_size", li->fw_size, 0);
	if (c->snp)
		emit_hex(e, "vmsa_gpa", BUILD_VMSA_GPA, 0);
	emit_end_object(e);

inputs:
	emit_begin_object(e, "inputs");
	struct build_input t = { .path = c->template_path };
	emit_input(e, "template", &t, s->tmpl);
	emit_input(e, "kernel", &c->kernel, s->kernel);
	emit_input(e, "stage2", &c->stage2, s->stage2);
	emit_input(e, "firmware", &c->firmware, s->fw);
	emit_input(e, "vtpm_manifest", &c->vtpm_manifest, s->manifest);
	if (s->fs && s->fs->archive) {
		emit_input(e, "filesystem", &c->filesystem, s->fs_archive);
	} else if (s->fs) {
		/* A directory has no one file to hash: the packed image's digest below stands for it. */
		emit_begin_object(e, "filesystem");
		emit_str(e, "path", c->filesystem.path);
		emit_str(e, "type", "directory");
		emit_end_object(e);
	} else {
		emit_null(e, "filesystem");
	}
	emit_end_object(e);
	if (s->fs) {
		uint8_t fsha[IB_SHA256_LEN];
		char fh[2 * IB_SHA256_LEN + 1];
		if (ib_sha256(s->fs->image, s->fs->len, fsha))
			return -EIO;
		ib_hex(fsha, IB_SHA256_LEN, fh);
		emit_begin_object(e, "filesystem");
		emit_u64(e, "entries", s->fs->entries);
		emit_u64(e, "directories", s->fs->dirs);
		emit_u64(e, "files", s->fs->files);
		emit_u64(e, "symlinks", s->fs->symlinks);
		emit_u64(e, "file_bytes", s->fs->file_bytes);
		emit_u64(e, "image_size", s->fs->len);
		emit_str(e, "image_sha256", fh);
		emit_end_object(e);
	}
	if (s->vtpm_sha256) {
		char h[2 * IB_SHA256_LEN + 1];
		ib_hex(s->vtpm_sha256, IB_SHA256_LEN, h);
		emit_str(e, "vtpm_config_sha256", h);
	}
	if (c->id_block && s->id_key_digest) {
		char h[33];
		emit_begin_object(e, "id_block");
		ib_hex(c->family_id, 16, h);
		emit_str(e, "family_id", h);
		ib_hex(c->image_id, 16, h);
		emit_str(e, "image_id", h);
		emit_u64(e, "version", c->id_version);
		emit_u64(e, "guest_svn", c->id_svn);
		ib_hex(s->id_key_digest, 48, hex);
		emit_str(e, "id_key_digest", hex);
		if (c->author_key.path) {
			ib_hex(s->author_key_digest, 48, hex);
			emit_str(e, "author_key_digest", hex);
		} else {
			emit_null(e, "author_key_digest");
		}
		emit_end_object(e);
	}
	emit_begin_object(e, "output");
	emit_str(e, "path", s->output);
	emit_u64(e, "size", s->bytes->len);
	uint8_t osha[IB_SHA256_LEN];
	char oh[2 * IB_SHA256_LEN + 1];
	if (ib_sha256(s->bytes->p, s->bytes->len, osha))
		return -EIO;
	ib_hex(osha, IB_SHA256_LEN, oh);
	emit_str(e, "sha256", oh);
	emit_end_object(e);
	return 0;
}

static int write_refvals(const char *path, const struct summary *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return IB_EXIT_INTERNAL;
	struct emit *e = emit_new(true, m);
	int r = e ? emit_summary(e, s) : -ENOMEM;
	if (!r)
		r = emit_finish(e);
	emit_free(e);
	fclose(m);
	if (r) {
		free(text);
		ib_err("out of memory while writing the reference values");
		return IB_EXIT_INTERNAL;
	}
	r = ib_write_file_atomic(path, text, len, 0644);
	free(text);
	if (r) {
		ib_err("%s: cannot write reference values: %s", path, strerror(-r));
		return IB_EXIT_IO;
	}
	return 0;
}

static int default_template(char **out)
{
	const char *dir = getenv("IGVMBUILD_TEMPLATE_DIR");
	if (!dir || !*dir)
		dir = IGVMBUILD_DATADIR "/templates";
	if (asprintf(out, "%s/qemu-snp.xml", dir) < 0)
		return IB_EXIT_INTERNAL;
	return 0;
}

int cmd_build(int argc, char **argv)
{
	struct overrides o = { 0 };
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't': o.tmpl = optarg; break;
		case 'o': o.output = optarg; break;
		case OPT_KERNEL: o.kernel = optarg; break;
		case OPT_STAGE2: o.stage2 = optarg; break;
		case OPT_FIRMWARE: o.firmware = optarg; break;
		case OPT_NO_FIRMWARE: o.no_firmware = true; break;
		case OPT_VTPM: o.vtpm = optarg; break;
		case OPT_NO_VTPM: o.no_vtpm = true; break;
		case OPT_FS: o.fs = optarg; break;
		case OPT_NO_FS: o.no_fs = true; break;
		case OPT_PLATFORM: o.platform = optarg; break;
		case OPT_POLICY: o.policy = optarg; break;
		case OPT_TDX_POLICY: o.tdx_policy = optarg; break;
		case OPT_SEV_FEATURES: o.sev_features = optarg; break;
		case OPT_SERIAL: o.serial = optarg; break;
		case OPT_KBASE: o.kbase = optarg; break;
		case OPT_KSIZE: o.ksize = optarg; break;
		case OPT_ID_KEY: o.id_key = optarg; break;
		case OPT_AUTHOR_KEY: o.author_key = optarg; break;
		case OPT_FAMILY_ID: o.family_id = optarg; break;
		case OPT_IMAGE_ID: o.image_id = optarg; break;
		case OPT_ID_VERSION: o.id_version = optarg; break;
		case OPT_SVN: o.svn = optarg; break;
		case OPT_JSON: o.json = true; break;
		case OPT_REFVALS: o.refvals = optarg; break;
		case 'h': usage(stdout); return IB_EXIT_OK;
		case ':':
			ib_err("build: option '%s' needs an argument (see igvmbuild build --help)", argv[optind - 1]);
			return IB_EXIT_USAGE;
		default:
			ib_err("build: unknown option '%s' (see igvmbuild build --help)", argv[optind - 1]);
			return IB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ib_err("build: unexpected argument '%s' (see igvmbuild build --help)", argv[optind]);
		return IB_EXIT_USAGE;
	}
	if (!o.output) {
		ib_err("build: no output file (-o FILE; see igvmbuild build --help)");
		return IB_EXIT_USAGE;
	}
	if (o.no_firmware && o.firmware) {
		ib_err("build: --firmware and --no-firmware exclude each other");
		return IB_EXIT_USAGE;
	}
	if (o.no_vtpm && o.vtpm) {
		ib_err("build: --vtpm-manifest and --no-vtpm exclude each other");
		return IB_EXIT_USAGE;
	}
	if (o.no_fs && o.fs) {
		ib_err("build: --filesystem and --no-filesystem exclude each other");
		return IB_EXIT_USAGE;
	}

	_cleanup_free_ char *tmpl_default = NULL;
	if (!o.tmpl) {
		if (default_template(&tmpl_default))
			return IB_EXIT_INTERNAL;
		o.tmpl = tmpl_default;
	}

	struct build_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	struct build_elf elf = { 0 };
	struct loaded lt = { 0 }, lk = { 0 }, ls = { 0 }, lf = { 0 }, lm = { 0 }, lfs = { 0 };
	struct build_fs fsimg = { 0 };
	uint8_t *vtpm = NULL;
	size_t vtpm_len = 0;
	struct igvm_file f1, f2;
	struct ib_buf bytes1 = IB_BUF_INIT, bytes2 = IB_BUF_INIT;
	bool f1_init = false, f2_init = false;
	struct launch_info li;
	struct tdvf_image tdvf;
	bool tdvf_init = false;
	uint8_t digest[48] = { 0 }, mrtd[48] = { 0 }, idk_digest[48] = { 0 }, authk_digest[48] = { 0 };
	uint8_t vtpm_sha[IB_SHA256_LEN];
	int r;

	struct build_input tin = { .path = (char *)o.tmpl };
	if ((r = load_input(&tin, "template", BUILD_MAX_XML, &lt)))
		goto out;
	if ((r = build_template_load_mem(o.tmpl, lt.data, lt.len, &cfg)))
		goto out;
	if ((r = apply_overrides(&o, &cfg)) || (r = build_config_check(&cfg)))
		goto out;

	bool svsm = cfg.snp || cfg.native; /* the platforms that carry the SVSM */
	if (svsm && ((r = load_input(&cfg.kernel, "kernel ELF", BUILD_MAX_ELF, &lk)) ||
		     (r = load_input(&cfg.stage2, "stage 2", BUILD_MAX_STAGE2, &ls))))
		goto out;
	if (cfg.firmware.path && (r = load_input(&cfg.firmware, "firmware", BUILD_MAX_FW, &lf)))
		goto out;
	if (cfg.tdx) {
		if ((r = build_tdx_parse(cfg.firmware.path, lf.data, lf.len, &tdvf)))
			goto out;
		tdvf_init = true;
	}
	if (cfg.vtpm_manifest.path) {
		if ((r = load_input(&cfg.vtpm_manifest, "vTPM manifest", BUILD_MAX_XML, &lm)))
			goto out;
		if ((r = build_vtpm_compile_mem(cfg.vtpm_manifest.path, lm.data, lm.len, &vtpm, &vtpm_len)))
			goto out;
		if (ib_sha256(vtpm, vtpm_len, vtpm_sha)) {
			r = IB_EXIT_INTERNAL;
			goto out;
		}
	}
	if (svsm && cfg.filesystem.path && (r = load_filesystem(&cfg.filesystem, &lfs, &fsimg)))
		goto out;
	if (svsm && (r = build_elf_load(cfg.kernel.path, lk.data, lk.len, &elf)))
		goto out;

	/* The SVSM platforms place the firmware at the top of 4 GiB for SNP; TDX reads its metadata. */
	const uint8_t *svsm_fw = lf.present && cfg.fw_placement == BUILD_FW_END_AT_4G && svsm ? lf.data : NULL;
	struct build_blobs blobs = { ls.data, ls.len, svsm_fw, lf.len, vtpm, vtpm_len, fsimg.image, fsimg.len };
	const struct tdvf_image *tdx = tdvf_init ? &tdvf : NULL;
	uint32_t fv = cfg.native ? 2 : 1;
	igvm_file_init(&f1, fv, IGVM_ARCH_X64);
	f1_init = true;
	r = svsm ? build_image_make(&cfg, &elf, &blobs, NULL, tdx, &f1, &li) : build_tdx_image(&cfg, tdx, &f1);
	if (r || (r = finish_file(&cfg, o.output, &f1, &bytes1, tdx, digest, mrtd)))
		goto out;
	struct ib_buf *final = &bytes1;

	if (cfg.id_block) {
		struct igvm_vhs_snp_id_block idb;
		uint8_t d2[48];
		if ((r = build_id_block(&cfg, digest, &idb, idk_digest, authk_digest)))
			goto out;
		igvm_file_init(&f2, fv, IGVM_ARCH_X64);
		f2_init = true;
		uint8_t m2[48];
		if ((r = build_image_make(&cfg, &elf, &blobs, &idb, tdx, &f2, &li)) ||
		    (r = finish_file(&cfg, o.output, &f2, &bytes2, tdx, d2, m2)))
			goto out;
		if (memcmp(d2, digest, 48)) {
			ib_err("%s: internal error: adding the ID block changed the launch digest", o.output);
			r = IB_EXIT_INTERNAL;
			goto out;
		}
		final = &bytes2;
	}

	struct summary s = { &cfg, o.output, svsm ? &li : NULL, cfg.snp ? digest : NULL, tdx ? mrtd : NULL, tdx,
			     final, &lt, &lk, &ls, &lf, &lm, vtpm ? vtpm_sha : NULL,
			     cfg.id_block ? idk_digest : NULL, authk_digest, &lfs,
			     svsm && cfg.filesystem.path ? &fsimg : NULL };

	r = ib_write_file_atomic(o.output, final->p, final->len, 0644);
	if (r) {
		ib_err("%s: cannot write: %s", o.output, strerror(-r));
		r = IB_EXIT_IO;
		goto out;
	}
	if (o.refvals && (r = write_refvals(o.refvals, &s))) {
		unlink(o.output);
		goto out;
	}
	if (*host_warning)
		ib_warn("%s", host_warning);
	if (o.json) {
		struct emit *e = emit_new(true, stdout);
		r = e ? emit_summary(e, &s) : -ENOMEM;
		if (!r)
			r = emit_finish(e);
		emit_free(e);
		r = r ? IB_EXIT_IO : 0;
	} else {
		char hex[97];
		if (cfg.snp) {
			ib_hex_upper(digest, 48, hex);
			printf("SNP launch digest: %s\n", hex);
		}
		if (tdx) {
			ib_hex_upper(mrtd, 48, hex);
			printf("TDX MRTD: %s\n", hex);
		}
		if (!cfg.snp && !tdx)
			printf("%s: no SNP platform, no launch digest\n", o.output);
	}
out:
	if (f1_init)
		igvm_file_free(&f1);
	if (f2_init)
		igvm_file_free(&f2);
	ib_buf_free(&bytes1);
	ib_buf_free(&bytes2);
	build_elf_free(&elf);
	if (tdvf_init)
		tdvf_image_free(&tdvf);
	build_config_free(&cfg);
	free(vtpm);
	free(lt.data);
	free(lk.data);
	free(ls.data);
	free(lf.data);
	free(lm.data);
	free(lfs.data);
	build_fs_free(&fsimg);
	return r;
}
