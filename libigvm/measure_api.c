/* SPDX-License-Identifier: MIT */
/*
 * measure_api.c — <igvm/measure.h>: libigvm's measurement API, a thin layer
 * over igvmmeasure's modules (measure/): igvm_digest.c for IGVM launch
 * digests, ovmf_measure.c for direct OVMF boots, id_block.c for ID blocks
 * (through measure_bridge.c, which can see their internal IGVM headers),
 * snp_verify.c for attestation reports. This file checks arguments, converts
 * structures and maps each module's exit code (common/status.h) to an
 * IgvmResult; igvmmeasure calls the same functions.
 *
 * Exported through libigvm.map's IGVM_MEASURE_0.1 node (and IGVM_MEASURE_0.2
 * for the TDX functions, added in igvmbuild 0.2.0); everything else in the
 * library stays hidden.
 */
#include "include/igvm/measure.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "../measure/snp_verify.h"
#include "measure_bridge.h"

#define IGVM_EXPORT __attribute__((visibility("default")))

/* measure_bridge.c pins the internal values of the platform, page type, mode and VMM constants. */
_Static_assert(IGVM_MEASURE_SEV_SNP == 0 && IGVM_MEASURE_SEV == 1 && IGVM_MEASURE_SEV_ES == 2, "platforms");
_Static_assert(IGVM_MEASURE_PAGE_NORMAL == 1 && IGVM_MEASURE_PAGE_VMSA == 2 && IGVM_MEASURE_PAGE_ZERO == 3 &&
		       IGVM_MEASURE_PAGE_UNMEASURED == 4 && IGVM_MEASURE_PAGE_SECRETS == 5 && IGVM_MEASURE_PAGE_CPUID == 6,
	       "page types");
_Static_assert(IGVM_OVMF_MODE_SEV == 0 && IGVM_OVMF_MODE_SEV_ES == 1 && IGVM_OVMF_MODE_SNP == 2 &&
		       IGVM_OVMF_MODE_SNP_OVMF_HASH == 3 && IGVM_OVMF_MODE_SNP_SVSM == 4,
	       "OVMF modes");
_Static_assert(IGVM_OVMF_VMM_QEMU == 0 && IGVM_OVMF_VMM_EC2 == 1 && IGVM_OVMF_VMM_GCE == 2, "VMMs");
_Static_assert(IGVM_REPORT_POLICY_FAILED == IB_EXIT_MISMATCH && IGVM_REPORT_NOT_AUTHENTIC == IB_EXIT_NOT_AUTHENTIC &&
		       IGVM_REPORT_REVOKED == IB_EXIT_REVOKED,
	       "verdicts are igvmmeasure's exit codes");
_Static_assert(IGVM_REPORT_CLASS_AUTHENTICITY == SNP_CLASS_AUTHENTICITY &&
		       IGVM_REPORT_CLASS_REVOCATION == SNP_CLASS_REVOCATION && IGVM_REPORT_CLASS_POLICY == SNP_CLASS_POLICY,
	       "classes");
_Static_assert(IGVM_REPORT_CHECK_PASS == SNP_CHECK_PASS && IGVM_REPORT_CHECK_FAIL == SNP_CHECK_FAIL &&
		       IGVM_REPORT_CHECK_SKIP == SNP_CHECK_SKIP,
	       "statuses");
/* The ABI of the structures (LP64). */
_Static_assert(sizeof(IgvmMeasureError) == 648 && __builtin_offsetof(IgvmMeasureError, offset) == 320, "error");
_Static_assert(sizeof(struct mb_error) == sizeof(IgvmMeasureError) &&
		       __builtin_offsetof(struct mb_error, rule) == __builtin_offsetof(IgvmMeasureError, rule) &&
		       __builtin_offsetof(struct mb_error, offset) == __builtin_offsetof(IgvmMeasureError, offset) &&
		       __builtin_offsetof(struct mb_error, message) == __builtin_offsetof(IgvmMeasureError, message),
	       "the bridge's error is the public one");
_Static_assert(sizeof(IgvmMeasureDetails) == 144 && __builtin_offsetof(IgvmMeasureDetails, pages) == 56, "details");
_Static_assert(__builtin_offsetof(IgvmIdBlockParams, ld) == 8 && __builtin_offsetof(IgvmIdBlockParams, policy) == 88,
	       "ID block params");
_Static_assert(sizeof(IgvmTdxDetails) == 96 && __builtin_offsetof(IgvmTdxDetails, page_adds) == 56, "TDX details");
_Static_assert(IGVM_TDVF_ORDER_SINGLE_PASS == 0 && IGVM_TDVF_ORDER_TWO_PASS == 1, "TDVF orders");

static IgvmResult result_of(int code)
{
	switch (code) {
	case IB_EXIT_OK: return IGVMAPI_OK;
	case IB_EXIT_INVALID: return IGVMAPI_INVALID_FILE;
	case IB_EXIT_USAGE: return IGVMAPI_INVALID_PARAMETER;
	case IB_EXIT_IO: return IGVM_MEASURE_IO_ERROR;
	case IB_EXIT_MISMATCH: return IGVM_MEASURE_CHECK_FAILED;
	default: return IGVM_MEASURE_INTERNAL_ERROR;
	}
}

/* Runs a bridge call: its error lands in err (when given), its code becomes an IgvmResult. */
static IgvmResult bridged(int code, const struct mb_error *e, IgvmMeasureError *err)
{
	if (err) {
		if (code)
			memcpy(err, e, sizeof(*err));
		else
			memset(err, 0, sizeof(*err));
	}
	return result_of(code);
}

static IgvmResult fail(IgvmMeasureError *err, int code, const char *input, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static IgvmResult fail(IgvmMeasureError *err, int code, const char *input, const char *fmt, ...)
{
	if (err) {
		memset(err, 0, sizeof(*err));
		snprintf(err->input, sizeof(err->input), "%s", input ? input : "");
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return result_of(code);
}

/* Copies the caller's structure (as much as it has) over the defaults. */
static void take(void *dst, size_t dst_size, const void *src, uint32_t src_size)
{
	memcpy(dst, src, src_size < dst_size ? src_size : dst_size);
}

/* ---- IGVM launch digests ------------------------------------------------------------------------------ */

static IgvmResult launch_digest(const char *label, const uint8_t *mem, uint64_t len, int fd,
				const IgvmMeasureOptions *opts, IgvmMeasureDetails *details, IgvmMeasureError *err)
{
	IgvmMeasureOptions o = { sizeof(o), IGVM_MEASURE_SEV_SNP, IGVM_MEASURE_LOADER_QEMU_KVM, 0, 0, 0, NULL, NULL };
	if (opts) {
		if (opts->struct_size < __builtin_offsetof(IgvmMeasureOptions, run_fn))
			return fail(err, IB_EXIT_USAGE, "opts", "struct_size %u is too small", opts->struct_size);
		take(&o, sizeof(o), opts, opts->struct_size);
	}
	if (!details || details->struct_size < __builtin_offsetof(IgvmMeasureDetails, pages))
		return fail(err, IB_EXIT_USAGE, "details", "details is NULL or its struct_size is too small");
	if (o.platform > IGVM_MEASURE_SEV_ES || o.loader > IGVM_MEASURE_LOADER_NATIVE_ZERO ||
	    (o.flags & ~(IGVM_MEASURE_FLAG_CHECK_KVM | IGVM_MEASURE_FLAG_MAPPED)) || o.threads > 1024)
		return fail(err, IB_EXIT_USAGE, "opts", "platform %u, loader %u, flags 0x%x or threads %u out of range",
			    o.platform, o.loader, o.flags, o.threads);
	struct mb_digest_opts mo = { o.platform, o.loader, o.compatibility_mask, o.threads,
				     (o.flags & IGVM_MEASURE_FLAG_CHECK_KVM) != 0, o.run_fn, o.run_ctx };
	struct mb_digest_out out;
	struct mb_error e;
	static const uint8_t empty[1];
	int rc = mb_launch_digest(label, mem ? mem : empty, len, fd, (o.flags & IGVM_MEASURE_FLAG_MAPPED) != 0, &mo,
				  &out, &e);
	if (rc)
		return bridged(rc, &e, err);
	IgvmMeasureDetails d;
	memset(&d, 0, sizeof(d));
	d.struct_size = details->struct_size;
	d.digest_len = out.digest_len;
	memcpy(d.digest, out.digest, sizeof(d.digest));
	memcpy(d.pages, out.pages, sizeof(d.pages));
	d.hashed_pages = out.hashed_pages;
	d.shared_pages_skipped = out.shared_skipped;
	d.threads = out.threads;
	d.compatibility_mask = out.mask;
	take(details, sizeof(d), &d, details->struct_size);
	return bridged(0, &e, err);
}

IGVM_EXPORT IgvmResult igvm_measure_launch_digest(const uint8_t *data, uint64_t len, const IgvmMeasureOptions *opts,
						  IgvmMeasureDetails *details, IgvmMeasureError *err)
{
	if (!data && len)
		return fail(err, IB_EXIT_USAGE, "data", "NULL data of non-zero length");
	return launch_digest("igvm", data, len, -1, opts, details, err);
}

/* A measurement of the IGVM file whose headers are at mem[0..len), page data read from fd when fd >= 0. */
typedef IgvmResult (*file_fn)(const char *label, const uint8_t *mem, uint64_t len, int fd, void *ctx,
			      IgvmMeasureError *err);

/*
 * Runs fn over the file at path: regular files mapped for the headers, page
 * data read with pread() (so a file that shrinks is an I/O error, not
 * SIGBUS); pipes and the like read whole; a file over 4 GiB handed on without
 * data so the bridge names the size rule.
 */
static IgvmResult over_path(const char *path, file_fn fn, void *ctx, IgvmMeasureError *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, IB_EXIT_IO, path, "cannot open: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail(err, IB_EXIT_IO, path, "cannot stat: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return fail(err, IB_EXIT_IO, path, "cannot read: %s", strerror(EISDIR));
	if ((uint64_t)st.st_size > UINT32_MAX) /* the bridge names the size rule before touching data */
		return fn(path, NULL, (uint64_t)st.st_size, -1, ctx, err);
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		/* Pipes and the like are read whole. */
		_cleanup_free_ uint8_t *data = NULL;
		size_t len = 0;
		int r = ib_read_file(path, UINT32_MAX, &data, &len);
		if (r == -EFBIG)
			return fn(path, NULL, (uint64_t)UINT32_MAX + 1, -1, ctx, err);
		if (r < 0)
			return fail(err, r == -ENOMEM ? IB_EXIT_INTERNAL : IB_EXIT_IO, path, "cannot read: %s",
				    strerror(-r));
		return fn(path, data, len, -1, ctx, err);
	}
	uint64_t len = (uint64_t)st.st_size;
	void *map = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return fail(err, IB_EXIT_IO, path, "cannot map: %s", strerror(errno));
	IgvmResult r = fn(path, map, len, fd, ctx, err);
	munmap(map, (size_t)len);
	return r;
}

struct digest_call {
	const IgvmMeasureOptions *opts;
	IgvmMeasureDetails *details;
};

static IgvmResult digest_file(const char *label, const uint8_t *mem, uint64_t len, int fd, void *ctx,
			      IgvmMeasureError *err)
{
	struct digest_call *c = ctx;
	return launch_digest(label, mem, len, fd, c->opts, c->details, err);
}

IGVM_EXPORT IgvmResult igvm_measure_launch_digest_path(const char *path, const IgvmMeasureOptions *opts,
						       IgvmMeasureDetails *details, IgvmMeasureError *err)
{
	if (!path)
		return fail(err, IB_EXIT_USAGE, "path", "NULL path");
	if (opts && opts->struct_size >= __builtin_offsetof(IgvmMeasureOptions, run_fn) &&
	    (opts->flags & IGVM_MEASURE_FLAG_MAPPED))
		return fail(err, IB_EXIT_USAGE, "opts", "IGVM_MEASURE_FLAG_MAPPED is for data the caller mapped");
	struct digest_call c = { opts, details };
	return over_path(path, digest_file, &c, err);
}

/* ---- TDX ---------------------------------------------------------------------------------------------- */

struct tdx_call {
	uint32_t mask;
	IgvmTdxDetails *details;
};

static IgvmResult tdx_file(const char *label, const uint8_t *mem, uint64_t len, int fd, void *ctx,
			   IgvmMeasureError *err)
{
	struct tdx_call *c = ctx;
	struct mb_tdx_out out;
	struct mb_error e;
	static const uint8_t empty[1];
	int rc = mb_tdx_mrtd(label, mem ? mem : empty, len, fd, c->mask, &out, &e);
	if (rc)
		return bridged(rc, &e, err);
	IgvmTdxDetails d;
	memset(&d, 0, sizeof(d));
	d.struct_size = c->details->struct_size;
	d.compatibility_mask = out.mask;
	memcpy(d.mrtd, out.mrtd, sizeof(d.mrtd));
	d.page_adds = out.page_adds;
	d.mr_extends = out.mr_extends;
	d.hashed_pages = out.hashed_pages;
	d.shared_pages_skipped = out.shared_skipped;
	d.large_pages = out.large_pages;
	take(c->details, sizeof(d), &d, c->details->struct_size);
	return bridged(0, &e, err);
}

static bool tdx_details_ok(const IgvmTdxDetails *details)
{
	return details && details->struct_size >= __builtin_offsetof(IgvmTdxDetails, page_adds);
}

IGVM_EXPORT IgvmResult igvm_measure_tdx_mrtd(const uint8_t *data, uint64_t len, uint32_t compatibility_mask,
					     IgvmTdxDetails *details, IgvmMeasureError *err)
{
	if (!data && len)
		return fail(err, IB_EXIT_USAGE, "data", "NULL data of non-zero length");
	if (!tdx_details_ok(details))
		return fail(err, IB_EXIT_USAGE, "details", "details is NULL or its struct_size is too small");
	struct tdx_call c = { compatibility_mask, details };
	return tdx_file("igvm", data, len, -1, &c, err);
}

IGVM_EXPORT IgvmResult igvm_measure_tdx_mrtd_path(const char *path, uint32_t compatibility_mask,
						  IgvmTdxDetails *details, IgvmMeasureError *err)
{
	if (!path)
		return fail(err, IB_EXIT_USAGE, "path", "NULL path");
	if (!tdx_details_ok(details))
		return fail(err, IB_EXIT_USAGE, "details", "details is NULL or its struct_size is too small");
	struct tdx_call c = { compatibility_mask, details };
	return over_path(path, tdx_file, &c, err);
}

IGVM_EXPORT IgvmResult igvm_measure_tdvf(const uint8_t *firmware, uint64_t len, uint32_t order, uint8_t mrtd[48],
					 IgvmMeasureError *err)
{
	if (!firmware && len)
		return fail(err, IB_EXIT_USAGE, "firmware", "NULL firmware of non-zero length");
	if (!mrtd)
		return fail(err, IB_EXIT_USAGE, "mrtd", "NULL output");
	if (order > IGVM_TDVF_ORDER_TWO_PASS)
		return fail(err, IB_EXIT_USAGE, "order", "page order %u is neither single-pass (0) nor two-pass (1)",
			    order);
	static const uint8_t empty[1];
	struct mb_error e;
	return bridged(mb_tdvf(firmware ? firmware : empty, len, order, mrtd, &e), &e, err);
}

/* ---- OVMF --------------------------------------------------------------------------------------------- */

IGVM_EXPORT IgvmResult igvm_measure_ovmf(const uint8_t *ovmf, uint64_t len, const IgvmOvmfOptions *opts,
					 uint8_t digest[48], uint32_t *digest_len, IgvmMeasureError *err)
{
	IgvmOvmfOptions o;
	memset(&o, 0, sizeof(o));
	o.mode = IGVM_OVMF_MODE_SNP;
	o.vcpus = 1;
	o.guest_features = 1;
	if (!opts || opts->struct_size < __builtin_offsetof(IgvmOvmfOptions, vcpu_type))
		return fail(err, IB_EXIT_USAGE, "opts", "opts is NULL or its struct_size is too small");
	take(&o, sizeof(o), opts, opts->struct_size);
	if (!ovmf || !digest || !digest_len)
		return fail(err, IB_EXIT_USAGE, "ovmf", "NULL firmware or output");
	if (o.mode > IGVM_OVMF_MODE_SNP_SVSM || o.vmm > IGVM_OVMF_VMM_GCE || o.vcpus > 4096 ||
	    (o.vcpus == 0 && o.mode != IGVM_OVMF_MODE_SEV && o.mode != IGVM_OVMF_MODE_SNP_OVMF_HASH))
		return fail(err, IB_EXIT_USAGE, "opts", "mode %u, vmm %u or vcpus %u out of range", o.mode, o.vmm, o.vcpus);
	if ((o.kernel == NULL) != (o.kernel_len == 0) || (o.initrd && !o.kernel))
		return fail(err, IB_EXIT_USAGE, "kernel", "a kernel needs data and a length; an initrd needs a kernel");
	struct mb_ovmf_opts mo = { o.mode,   o.vcpus,	  o.vmm,    o.vcpu_type,  o.vcpu_sig,	o.guest_features,
				   o.kernel, o.initrd,	  o.svsm,   o.ovmf_hash,  o.kernel_len, o.initrd_len,
				   o.svsm_len, o.vars_size, o.append };
	struct mb_error e;
	return bridged(mb_ovmf(ovmf, len, &mo, digest, digest_len, &e), &e, err);
}

/* ---- ID blocks ---------------------------------------------------------------------------------------- */

IGVM_EXPORT IgvmResult igvm_measure_id_block(const IgvmIdBlockParams *params, const char *id_key_pem,
					     uint64_t id_key_len, const char *author_key_pem, uint64_t author_key_len,
					     uint8_t id_block[96], uint8_t id_auth[4096], IgvmMeasureError *err)
{
	if (!params || params->struct_size < sizeof(IgvmIdBlockParams))
		return fail(err, IB_EXIT_USAGE, "params", "params is NULL or its struct_size is too small");
	if (!id_key_pem || !id_block || !id_auth)
		return fail(err, IB_EXIT_USAGE, "id_key", "NULL key or output");
	struct mb_id_params p = { .guest_svn = params->guest_svn, .policy = params->policy };
	memcpy(p.ld, params->ld, 48);
	memcpy(p.family_id, params->family_id, 16);
	memcpy(p.image_id, params->image_id, 16);
	struct mb_error e;
	return bridged(mb_id_block(&p, id_key_pem, id_key_len, author_key_pem, author_key_len, id_block, id_auth, &e), &e,
		       err);
}

/* ---- attestation reports ---------------------------------------------------------------------------------- */

struct IgvmReportResult {
	struct snp_verify_result r;
};

static IgvmResult from_verify_error(IgvmMeasureError *err, int code, const struct snp_verify_error *e)
{
	if (err) {
		memset(err, 0, sizeof(*err));
		snprintf(err->input, sizeof(err->input), "%s", e->input);
		snprintf(err->rule, sizeof(err->rule), "%s", e->rule ? e->rule : "");
		err->offset = e->offset;
		snprintf(err->message, sizeof(err->message), "%s", e->detail);
	}
	return result_of(code);
}

static IgvmResult ok(IgvmMeasureError *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	return IGVMAPI_OK;
}

IGVM_EXPORT IgvmReportVerifier *igvm_report_verifier_new(void)
{
	return (IgvmReportVerifier *)snp_verifier_new();
}

IGVM_EXPORT void igvm_report_verifier_free(IgvmReportVerifier *verifier)
{
	snp_verifier_free((struct snp_verifier *)verifier);
}

IGVM_EXPORT IgvmResult igvm_report_verifier_set(IgvmReportVerifier *verifier, const char *option, const char *value,
						IgvmMeasureError *err)
{
	if (!verifier || !option)
		return fail(err, IB_EXIT_USAGE, "option", "NULL verifier or option");
	struct snp_verify_error e;
	int r = snp_verifier_set((struct snp_verifier *)verifier, option, value, &e);
	return r ? from_verify_error(err, r, &e) : ok(err);
}

IGVM_EXPORT IgvmResult igvm_report_verifier_set_data(IgvmReportVerifier *verifier, const char *input,
						     const uint8_t *data, uint64_t len, IgvmMeasureError *err)
{
	if (!verifier || !input || (!data && len) || len > SIZE_MAX)
		return fail(err, IB_EXIT_USAGE, "input", "NULL verifier, input or data");
	static const uint8_t empty[1];
	struct snp_verify_error e;
	int r = snp_verifier_set_data((struct snp_verifier *)verifier, input, data ? data : empty, (size_t)len, input, &e);
	return r ? from_verify_error(err, r, &e) : ok(err);
}

IGVM_EXPORT const char *igvm_report_option_name(uint32_t index, int32_t *takes_value)
{
	if (index >= snp_verify_option_count)
		return NULL;
	if (takes_value)
		*takes_value = snp_verify_options[index].value;
	return snp_verify_options[index].name;
}

IGVM_EXPORT IgvmResult igvm_report_verify(IgvmReportVerifier *verifier, const uint8_t *report, uint64_t len,
					  IgvmReportResult **result, IgvmMeasureError *err)
{
	if (result)
		*result = NULL;
	if (!verifier || !result || (!report && len) || len > SIZE_MAX)
		return fail(err, IB_EXIT_USAGE, "report", "NULL verifier, report or result");
	IgvmReportResult *res = calloc(1, sizeof(*res));
	if (!res)
		return fail(err, IB_EXIT_INTERNAL, "report", "out of memory");
	static const uint8_t empty[1];
	struct snp_verify_error e;
	int r = snp_verify((struct snp_verifier *)verifier, report ? report : empty, (size_t)len, &res->r, &e);
	if (r) {
		free(res);
		return from_verify_error(err, r, &e);
	}
	*result = res;
	return ok(err);
}

IGVM_EXPORT int32_t igvm_report_result_verdict(const IgvmReportResult *result)
{
	return result ? result->r.exit_code : IGVMAPI_INVALID_PARAMETER;
}

IGVM_EXPORT int32_t igvm_report_result_authenticated(const IgvmReportResult *result)
{
	return result && result->r.authentic;
}

IGVM_EXPORT uint32_t igvm_report_result_check_count(const IgvmReportResult *result)
{
	return result ? result->r.n : 0;
}

static const struct snp_check_result *check_at(const IgvmReportResult *result, uint32_t index)
{
	return result && index < result->r.n ? &result->r.c[index] : NULL;
}

IGVM_EXPORT const char *igvm_report_result_check_name(const IgvmReportResult *result, uint32_t index)
{
	const struct snp_check_result *c = check_at(result, index);
	return c ? c->name : NULL;
}

IGVM_EXPORT int32_t igvm_report_result_check_class(const IgvmReportResult *result, uint32_t index)
{
	const struct snp_check_result *c = check_at(result, index);
	return c ? (int32_t)c->cls : -1;
}

IGVM_EXPORT int32_t igvm_report_result_check_status(const IgvmReportResult *result, uint32_t index)
{
	const struct snp_check_result *c = check_at(result, index);
	return c ? (int32_t)c->status : -1;
}

IGVM_EXPORT const char *igvm_report_result_check_detail(const IgvmReportResult *result, uint32_t index)
{
	const struct snp_check_result *c = check_at(result, index);
	return c ? c->detail : NULL;
}

IGVM_EXPORT const char *igvm_report_result_warning(const IgvmReportResult *result, uint32_t index)
{
	return result && index < result->r.report.nwarnings ? result->r.report.warnings[index] : NULL;
}

static char *to_string(const IgvmReportResult *result, const char *file, bool json)
{
	if (!result)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (json)
		snp_verify_print_json(&result->r, file, f);
	else
		snp_verify_print_text(&result->r, f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

IGVM_EXPORT char *igvm_report_result_json(const IgvmReportResult *result, const char *file)
{
	return to_string(result, file, true);
}

IGVM_EXPORT char *igvm_report_result_text(const IgvmReportResult *result)
{
	return to_string(result, NULL, false);
}

IGVM_EXPORT void igvm_report_result_free(IgvmReportResult *result)
{
	free(result);
}

IGVM_EXPORT void igvm_measure_free(void *p)
{
	free(p);
}
