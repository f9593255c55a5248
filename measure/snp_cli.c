/* SPDX-License-Identifier: MIT */
/*
 * snp_cli.c — shared plumbing of the signing and report verbs (snp_cli.h).
 */
#include "snp_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "igvm_digest.h"
#include "igvm_sign.h"

/* IGVM sizes are u32 (total_file_size). */
#define IGVM_FILE_MAX 0xFFFFFFFFull

bool snp_cli_hex(const char *opt, const char *arg, uint8_t *out, size_t n)
{
	if (snp_parse_hex(arg, out, n))
		return true;
	ib_err("%s: '%s' is not %zu bytes of hex (%zu hex digits)", opt, arg, n, 2 * n);
	return false;
}

bool snp_cli_u64(const char *opt, const char *arg, uint64_t max, uint64_t *out)
{
	if (snp_parse_u64(arg, max, out))
		return true;
	ib_err("%s: '%s' is not a number from 0 to %llu (decimal or 0x-hex)", opt, arg, (unsigned long long)max);
	return false;
}

int snp_cli_load_key(const char *path, bool need_private, struct ecdsa_key **out)
{
	char err[320];
	int r = need_private ? ecdsa_key_load_private(path, out, err, sizeof(err))
			     : ecdsa_key_load_any(path, out, err, sizeof(err));
	if (r)
		ib_err("%s: %s", path, err);
	return r;
}

int snp_cli_load_signing_keys(const char *id_path, const char *author_path, struct ecdsa_key **id_key,
			      struct ecdsa_key **author_key)
{
	int r = snp_cli_load_key(id_path, true, id_key);
	if (!r && author_path)
		r = snp_cli_load_key(author_path, true, author_key);
	return r;
}

int snp_cli_id_field_option(int opt, const char *arg, uint8_t family_id[16], uint8_t image_id[16],
			    uint32_t *guest_svn)
{
	uint64_t v;
	switch (opt) {
	case SNP_CLI_OPT_FAMILY_ID:
		return snp_cli_hex("--family-id", arg, family_id, 16) ? 0 : IB_EXIT_USAGE;
	case SNP_CLI_OPT_IMAGE_ID:
		return snp_cli_hex("--image-id", arg, image_id, 16) ? 0 : IB_EXIT_USAGE;
	case SNP_CLI_OPT_SVN:
		if (!snp_cli_u64("--svn", arg, UINT32_MAX, &v))
			return IB_EXIT_USAGE;
		*guest_svn = (uint32_t)v;
		return 0;
	default:
		return IB_EXIT_INTERNAL;
	}
}

void snp_cli_json_id_fields(struct jsonw *w, const struct snp_id_fields *f)
{
	jsonw_bytes_hex(w, "ld", f->ld, 48);
	jsonw_bytes_hex(w, "family_id", f->family_id, 16);
	jsonw_bytes_hex(w, "image_id", f->image_id, 16);
	jsonw_u64(w, "version", f->version);
	jsonw_u64(w, "guest_svn", f->guest_svn);
	jsonw_hex(w, "policy", f->policy);
}

int snp_cli_read_file(const char *path, uint8_t **data, size_t *len)
{
	int r = ib_read_file(path, IGVM_FILE_MAX, data, len);
	if (r == -EFBIG) {
		ib_err("%s: larger than 4 GiB, which no IGVM file can be", path);
		return IB_EXIT_INVALID;
	}
	if (r < 0) {
		ib_err("%s: cannot read: %s", path, strerror(-r));
		return IB_EXIT_IO;
	}
	return 0;
}

static void report_kvm(void *ctx, const struct igvm_kvm_finding *k)
{
	const char *file = ctx;
	if (k->warning)
		ib_warn("%s: offset 0x%llx: %s: %s", file, (unsigned long long)k->offset, k->rule, k->detail);
	else
		ib_err("%s: offset 0x%llx: %s: %s", file, (unsigned long long)k->offset, k->rule, k->detail);
}

int snp_cli_check_kvm(const char *path, const struct igvm_file *f, enum igvm_digest_platform p)
{
	uint32_t mask;
	if (!igvm_digest_platform_mask(f, p, &mask))
		return 0; /* the digest names the missing platform */
	return igvm_digest_check_kvm(f, p, mask, report_kvm, (void *)path) ? IB_EXIT_MISMATCH : 0;
}

int snp_cli_rule_error(const char *path, int code, const char *rule, uint64_t offset, const char *detail)
{
	if (rule)
		ib_err("%s: offset 0x%llx: %s: %s", path, (unsigned long long)offset, rule, detail);
	else
		ib_err("%s: %s", path, detail);
	return code;
}

static void igvm_file_freep(struct igvm_file *f) { igvm_file_free(f); }

int snp_cli_igvm_launch(const struct measure_globals *g, const char *path, struct snp_igvm_launch *out)
{
	memset(out, 0, sizeof(*out));
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	int r = snp_cli_read_file(path, &data, &len);
	if (r)
		return r;
	if (g->check_kvm) {
		/* Every QEMU/KVM finding on its own line, as `measure -c` prints them. */
		_cleanup_(igvm_file_freep) struct igvm_file f;
		memset(&f, 0, sizeof(f));
		struct igvm_diag d;
		if (igvm_parse(data, len, IGVM_PARSE_CORIM, &f, &d) == 0 &&
		    (r = snp_cli_check_kvm(path, &f, IGVM_DIGEST_SEV_SNP)))
			return r;
	}
	struct igvm_digest_error e;
	r = igvm_snp_launch(data, len, g->native_zero, g->jobs, false, out, &e);
	return r ? snp_cli_rule_error(path, r, e.rule, e.offset, e.detail) : 0;
}

int snp_cli_write_all(size_t n, const char *const *paths, const void *const *data, const size_t *lens)
{
	for (size_t i = 0; i < n; i++) {
		int r = ib_write_file_atomic(paths[i], data[i], lens[i], 0644);
		if (r < 0) {
			ib_err("%s: cannot write: %s", paths[i], strerror(-r));
			/* Best effort: take back what this command already wrote, so it leaves no partial result. */
			for (size_t j = 0; j < i; j++)
				if (unlink(paths[j]) < 0)
					ib_warn("%s: could not remove after the failure: %s", paths[j], strerror(errno));
			return IB_EXIT_IO;
		}
	}
	return 0;
}
