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

static void igvm_file_freep(struct igvm_file *f) { igvm_file_free(f); }
static void digest_result_freep(struct igvm_digest_result *r) { igvm_digest_result_free(r); }

int snp_cli_rule_error(const char *path, int code, const char *rule, uint64_t offset, const char *detail)
{
	if (rule)
		ib_err("%s: offset 0x%llx: %s: %s", path, (unsigned long long)offset, rule, detail);
	else
		ib_err("%s: %s", path, detail);
	return code;
}

int snp_cli_igvm_launch(const struct measure_globals *g, const char *path, struct snp_igvm_launch *out)
{
	memset(out, 0, sizeof(*out));
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	int r = snp_cli_read_file(path, &data, &len);
	if (r)
		return r;
	_cleanup_(igvm_file_freep) struct igvm_file f;
	memset(&f, 0, sizeof(f));
	struct igvm_diag d;
	/* As `measure` does: the reference rules; CoRIM headers do not change what the firmware sees. */
	if (igvm_parse(data, len, IGVM_PARSE_CORIM, &f, &d))
		return snp_cli_rule_error(path, d.rule == IGVM_RULE_NO_MEMORY ? IB_EXIT_INTERNAL : IB_EXIT_INVALID,
				  igvm_rule_name(d.rule), d.offset, d.detail);
	struct igvm_snp_view v;
	struct igvm_digest_error e;
	r = igvm_snp_view(&f, &v, &e);
	if (r)
		return snp_cli_rule_error(path, r, e.rule, e.offset, e.detail);
	if (g->check_kvm && (r = snp_cli_check_kvm(path, &f, IGVM_DIGEST_SEV_SNP)))
		return r;

	struct igvm_digest_source src = { .fd = -1, .mem = data, .mem_len = len };
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_SEV_SNP, .native_zero = g->native_zero, .jobs = g->jobs };
	_cleanup_(digest_result_freep) struct igvm_digest_result dr;
	struct igvm_digest_error de;
	memset(&dr, 0, sizeof(dr));
	memset(&de, 0, sizeof(de));
	r = igvm_digest_compute(&f, &src, &o, &dr, &de);
	if (r)
		return snp_cli_rule_error(path, r, de.rule, de.offset, de.detail);
	if (dr.digest_len != sizeof(out->digest))
		return snp_cli_rule_error(path, IB_EXIT_INTERNAL, NULL, 0, "unexpected SEV-SNP digest length");
	memcpy(out->digest, dr.digest, sizeof(out->digest));
	out->policy = v.policy; /* igvm_digest_compute refuses a file without one */

	if (v.id_blocks > 1)
		return snp_cli_rule_error(path, IB_EXIT_INVALID, "sign.id-block-count", v.id_block_offset,
				  "several SNP_ID_BLOCK headers apply to SEV_SNP; QEMU refuses more than one");
	if (v.id_blocks) {
		struct igvm_vhs_snp_id_block body;
		if (!igvm_header_id_block(&f.hdr[v.id_block_index], &body))
			return snp_cli_rule_error(path, IB_EXIT_INTERNAL, NULL, 0, "cannot read the SNP_ID_BLOCK");
		snp_id_from_igvm(&body, v.policy, out->id_block, out->id_auth);
		out->has_id_block = true;
		out->id_block_offset = v.id_block_offset;
	}
	return 0;
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
