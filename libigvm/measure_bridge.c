/* SPDX-License-Identifier: MIT */
/*
 * measure_bridge.c — launch digests, OVMF digests and ID blocks for
 * libigvm's measurement API (measure_bridge.h), over igvmmeasure's modules.
 */
#include "measure_bridge.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/status.h"
#include "../format/igvm.h"
#include "../measure/ecdsa.h"
#include "../measure/id_block.h"
#include "../measure/igvm_digest.h"
#include "../measure/ovmf_measure.h"
#include "../measure/tdvf.h"

/* What measure_api.c promises for the public constants. */
_Static_assert(IGVM_DIGEST_SEV_SNP == 0 && IGVM_DIGEST_SEV == 1 && IGVM_DIGEST_SEV_ES == 2, "platforms");
_Static_assert(SNP_PAGE_NORMAL == 1 && SNP_PAGE_VMSA == 2 && SNP_PAGE_ZERO == 3 && SNP_PAGE_UNMEASURED == 4 &&
		       SNP_PAGE_SECRETS == 5 && SNP_PAGE_CPUID == 6,
	       "page types");
_Static_assert(OVMF_MODE_SEV == 0 && OVMF_MODE_SEV_ES == 1 && OVMF_MODE_SNP == 2 && OVMF_MODE_SNP_OVMF_HASH == 3 &&
		       OVMF_MODE_SNP_SVSM == 4,
	       "OVMF modes");
_Static_assert(SNP_VMM_QEMU == 0 && SNP_VMM_EC2 == 1 && SNP_VMM_GCE == 2, "VMMs");

int mb_fail(struct mb_error *e, int code, const char *input, const char *rule, uint64_t offset, const char *fmt, ...)
{
	if (!e)
		return code;
	memset(e, 0, sizeof(*e));
	snprintf(e->input, sizeof(e->input), "%s", input ? input : "");
	snprintf(e->rule, sizeof(e->rule), "%s", rule ? rule : "");
	e->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return code;
}

/* ---- IGVM launch digests ------------------------------------------------------------------------------ */

struct first_rule {
	bool failed;
	char rule[64];
	uint64_t offset;
	char detail[256];
};

static void first_rule(void *ctx, const struct igvm_kvm_finding *k)
{
	struct first_rule *f = ctx;
	if (k->warning || f->failed)
		return;
	f->failed = true;
	snprintf(f->rule, sizeof(f->rule), "%s", k->rule);
	f->offset = k->offset;
	snprintf(f->detail, sizeof(f->detail), "%s", k->detail);
}

static void file_freep(struct igvm_file *f) { igvm_file_free(f); }
static void result_freep(struct igvm_digest_result *r) { igvm_digest_result_free(r); }

int mb_launch_digest(const char *label, const uint8_t *mem, uint64_t len, int fd, bool mapped,
		     const struct mb_digest_opts *o, struct mb_digest_out *out, struct mb_error *e)
{
	memset(out, 0, sizeof(*out));
	if (len > UINT32_MAX)
		return mb_fail(e, IB_EXIT_INVALID, label, igvm_rule_name(IGVM_RULE_TOTAL_FILE_SIZE), 0,
			       "%llu bytes: an IGVM file is at most 4 GiB", (unsigned long long)len);
	_cleanup_(file_freep) struct igvm_file f;
	memset(&f, 0, sizeof(f));
	struct igvm_diag d;
	if (igvm_parse(mem, (size_t)len, IGVM_PARSE_CORIM, &f, &d))
		return mb_fail(e, d.rule == IGVM_RULE_NO_MEMORY ? IB_EXIT_INTERNAL : IB_EXIT_INVALID, label,
			       igvm_rule_name(d.rule), d.offset, "%s", d.detail);
	enum igvm_digest_platform p = (enum igvm_digest_platform)o->platform;
	uint32_t mask;
	if (o->check_kvm && igvm_digest_platform_mask(&f, p, &mask)) {
		struct first_rule fr = { 0 };
		igvm_digest_check_kvm(&f, p, o->mask ? o->mask : mask, first_rule, &fr);
		if (fr.failed)
			return mb_fail(e, IB_EXIT_MISMATCH, label, fr.rule, fr.offset, "%s", fr.detail);
	}
	struct igvm_digest_source src = { .fd = fd, .mem = fd >= 0 ? NULL : mem, .mem_len = fd >= 0 ? 0 : (size_t)len,
					  .mem_is_mapping = fd < 0 && mapped };
	struct igvm_digest_opts dopts = { .platform = p, .native_zero = o->loader == 1, .jobs = o->threads,
					  .want_runs = o->run_fn != NULL, .mask = o->mask };
	_cleanup_(result_freep) struct igvm_digest_result r;
	memset(&r, 0, sizeof(r));
	struct igvm_digest_error de;
	int rc = igvm_digest_compute(&f, &src, &dopts, &r, &de);
	if (rc)
		return mb_fail(e, rc, label, de.rule, de.offset, "%s", de.detail);
	out->digest_len = (uint32_t)r.digest_len;
	memcpy(out->digest, r.digest, r.digest_len);
	memcpy(out->pages, r.pages, sizeof(out->pages));
	out->hashed_pages = r.hashed_pages;
	out->shared_skipped = r.shared_skipped;
	out->threads = r.workers;
	out->mask = o->mask;
	if (!out->mask)
		igvm_digest_platform_mask(&f, p, &out->mask);
	for (size_t i = 0; o->run_fn && i < r.nruns; i++)
		o->run_fn(o->run_ctx, r.runs[i].gpa, r.runs[i].pages, r.runs[i].type);
	return 0;
}

/* ---- TDX ---------------------------------------------------------------------------------------------- */

_Static_assert(TDVF_ORDER_SINGLE_PASS == 0 && TDVF_ORDER_TWO_PASS == 1, "TDVF orders");

int mb_tdx_mrtd(const char *label, const uint8_t *mem, uint64_t len, int fd, uint32_t mask, struct mb_tdx_out *out,
		struct mb_error *e)
{
	memset(out, 0, sizeof(*out));
	if (len > UINT32_MAX)
		return mb_fail(e, IB_EXIT_INVALID, label, igvm_rule_name(IGVM_RULE_TOTAL_FILE_SIZE), 0,
			       "%llu bytes: an IGVM file is at most 4 GiB", (unsigned long long)len);
	_cleanup_(file_freep) struct igvm_file f;
	memset(&f, 0, sizeof(f));
	struct igvm_diag d;
	if (igvm_parse(mem, (size_t)len, IGVM_PARSE_CORIM, &f, &d))
		return mb_fail(e, d.rule == IGVM_RULE_NO_MEMORY ? IB_EXIT_INTERNAL : IB_EXIT_INVALID, label,
			       igvm_rule_name(d.rule), d.offset, "%s", d.detail);
	struct igvm_digest_source src = { .fd = fd, .mem = fd >= 0 ? NULL : mem, .mem_len = fd >= 0 ? 0 : (size_t)len };
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_TDX, .mask = mask };
	_cleanup_(result_freep) struct igvm_digest_result r;
	memset(&r, 0, sizeof(r));
	struct igvm_digest_error de;
	int rc = igvm_digest_compute(&f, &src, &o, &r, &de);
	if (rc)
		return mb_fail(e, rc, label, de.rule, de.offset, "%s", de.detail);
	memcpy(out->mrtd, r.digest, sizeof(out->mrtd));
	out->page_adds = r.pages[SNP_PAGE_NORMAL] + r.pages[SNP_PAGE_UNMEASURED];
	out->mr_extends = r.pages[SNP_PAGE_NORMAL] * TDX_CHUNKS_PER_PAGE;
	out->hashed_pages = r.hashed_pages;
	out->shared_skipped = r.shared_skipped;
	out->large_pages = r.large_pages;
	out->mask = mask;
	if (!out->mask)
		igvm_digest_platform_mask(&f, IGVM_DIGEST_TDX, &out->mask);
	return 0;
}

static void tdvf_freep(struct tdvf_image *img) { tdvf_image_free(img); }

int mb_tdvf(const uint8_t *fw, uint64_t len, uint32_t order, uint8_t mrtd[48], struct mb_error *e)
{
	if (len > SIZE_MAX)
		return mb_fail(e, IB_EXIT_USAGE, "firmware", NULL, 0, "input too large");
	struct ovmf_error oe;
	memset(&oe, 0, sizeof(oe));
	_cleanup_(tdvf_freep) struct tdvf_image img;
	int r = tdvf_parse(fw, (size_t)len, &img, &oe);
	if (r)
		return r == -ENOMEM ? mb_fail(e, IB_EXIT_INTERNAL, "firmware", NULL, 0, "out of memory")
				    : mb_fail(e, IB_EXIT_INVALID, "firmware", oe.rule, oe.offset, "%s", oe.detail);
	if (tdvf_mrtd(&img, (enum tdvf_order)order, NULL, NULL, mrtd))
		return mb_fail(e, IB_EXIT_INTERNAL, "firmware", NULL, 0, "libcrypto failed");
	return 0;
}

/* ---- OVMF --------------------------------------------------------------------------------------------- */

static void ovmf_freep(struct ovmf_image *img) { ovmf_image_free(img); }

int mb_ovmf(const uint8_t *ovmf, uint64_t len, const struct mb_ovmf_opts *o, uint8_t digest[48], uint32_t *digest_len,
	    struct mb_error *e)
{
	uint64_t sig = o->vcpu_sig;
	if (o->vcpu_type) {
		uint32_t s;
		if (!snp_cpu_sig_by_name(o->vcpu_type, &s))
			return mb_fail(e, IB_EXIT_USAGE, "vcpu_type", NULL, 0, "unknown CPU model '%s'", o->vcpu_type);
		sig = s;
	}
	if (len > SIZE_MAX || o->kernel_len > SIZE_MAX || o->initrd_len > SIZE_MAX || o->svsm_len > SIZE_MAX)
		return mb_fail(e, IB_EXIT_USAGE, "ovmf", NULL, 0, "input too large");
	struct ovmf_error oe;
	_cleanup_(ovmf_freep) struct ovmf_image img = { 0 };
	_cleanup_(ovmf_freep) struct ovmf_image svsm = { 0 };
	int r = ovmf_parse(ovmf, (size_t)len, OVMF_FOUR_GIB, &img, &oe);
	if (r)
		return r == -ENOMEM ? mb_fail(e, IB_EXIT_INTERNAL, "ovmf", NULL, 0, "out of memory")
				    : mb_fail(e, IB_EXIT_INVALID, "ovmf", oe.rule, oe.offset, "%s", oe.detail);
	if (o->mode == OVMF_MODE_SNP_SVSM) {
		if (!o->svsm)
			return mb_fail(e, IB_EXIT_USAGE, "svsm", NULL, 0, "SNP_SVSM needs the SVSM image");
		if (o->vars_size > img.gpa)
			return mb_fail(e, IB_EXIT_USAGE, "vars_size", NULL, 0,
				       "a %llu-byte variable store leaves no room for the SVSM below the firmware",
				       (unsigned long long)o->vars_size);
		r = ovmf_parse(o->svsm, (size_t)o->svsm_len, img.gpa - o->vars_size, &svsm, &oe);
		if (r)
			return r == -ENOMEM ? mb_fail(e, IB_EXIT_INTERNAL, "svsm", NULL, 0, "out of memory")
					    : mb_fail(e, IB_EXIT_INVALID, "svsm", oe.rule, oe.offset, "%s", oe.detail);
	}
	struct sev_hashes hashes;
	bool use_kernel = o->kernel && o->mode != OVMF_MODE_SNP_SVSM && o->mode != OVMF_MODE_SNP_OVMF_HASH;
	if (use_kernel && sev_hashes_compute(&hashes, o->kernel, (size_t)o->kernel_len, o->initrd,
					     (size_t)o->initrd_len, o->append))
		return mb_fail(e, IB_EXIT_INTERNAL, "kernel", NULL, 0, "SHA-256 failed");
	struct ovmf_measure_args a = {
		.mode = (enum ovmf_mode)o->mode,
		.ovmf = &img,
		.svsm = o->mode == OVMF_MODE_SNP_SVSM ? &svsm : NULL,
		.hashes = use_kernel ? &hashes : NULL,
		.vcpus = o->vcpus,
		.vcpu_sig = sig,
		.vmm = (enum snp_vmm)o->vmm,
		.guest_features = o->guest_features,
		.seed = o->mode == OVMF_MODE_SNP ? o->ovmf_hash : NULL,
	};
	const struct ovmf_image *bad = &img;
	uint8_t out[SNP_LD_LEN];
	r = ovmf_measure(&a, out, &oe, &bad);
	if (r == -EINVAL)
		return mb_fail(e, IB_EXIT_INVALID, bad == &svsm ? "svsm" : "ovmf", oe.rule, oe.offset, "%s", oe.detail);
	if (r)
		return mb_fail(e, IB_EXIT_INTERNAL, "ovmf", NULL, 0, "%s",
			       r == -ENOMEM ? "out of memory" : "libcrypto failed");
	*digest_len = (uint32_t)ovmf_digest_len(a.mode);
	memset(digest, 0, 48);
	memcpy(digest, out, *digest_len);
	return 0;
}

/* ---- ID blocks ---------------------------------------------------------------------------------------- */

int mb_id_block(const struct mb_id_params *p, const char *id_key_pem, uint64_t id_key_len, const char *author_key_pem,
		uint64_t author_key_len, uint8_t id_block[96], uint8_t id_auth[4096], struct mb_error *e)
{
	char why[320];
	_cleanup_ecdsa_key_ struct ecdsa_key *idk = NULL;
	_cleanup_ecdsa_key_ struct ecdsa_key *ak = NULL;
	if (id_key_len > SIZE_MAX || author_key_len > SIZE_MAX)
		return mb_fail(e, IB_EXIT_USAGE, "id_key", NULL, 0, "key too large");
	int r = ecdsa_key_parse_pem((const uint8_t *)id_key_pem, (size_t)id_key_len, false, &idk, why, sizeof(why));
	if (r)
		return mb_fail(e, r, "id_key", NULL, 0, "%s", why);
	if (author_key_pem && (r = ecdsa_key_parse_pem((const uint8_t *)author_key_pem, (size_t)author_key_len, false,
						       &ak, why, sizeof(why))))
		return mb_fail(e, r, "author_key", NULL, 0, "%s", why);
	struct snp_id_fields f = { .version = SNP_ID_BLOCK_VERSION, .guest_svn = p->guest_svn, .policy = p->policy };
	memcpy(f.ld, p->ld, 48);
	memcpy(f.family_id, p->family_id, 16);
	memcpy(f.image_id, p->image_id, 16);
	if (snp_id_sign(&f, idk, ak, id_block, id_auth))
		return mb_fail(e, IB_EXIT_INTERNAL, "id_key", NULL, 0, "libcrypto failed to sign");
	return 0;
}
