/* SPDX-License-Identifier: MIT */
/*
 * igvm_sign.c — the SEV-SNP view of an IGVM file and `sign` (igvm_sign.h).
 */
#include "igvm_sign.h"

#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/status.h"
#include "igvm_digest.h"

static void igvm_file_freep(struct igvm_file *f) { igvm_file_free(f); }
static void digest_result_freep(struct igvm_digest_result *r) { igvm_digest_result_free(r); }

int igvm_snp_view(const struct igvm_file *f, struct igvm_snp_view *v, struct igvm_digest_error *e)
{
	memset(v, 0, sizeof(*v));
	memset(e, 0, sizeof(*e));
	if (!igvm_digest_platform_mask(f, IGVM_DIGEST_SEV_SNP, &v->mask))
		return igvm_digest_fail(e, IB_EXIT_INVALID, "sign.platform", f->variable_header_offset,
			    "the file has no SEV_SNP platform header");
	uint64_t policy_offset = 0;
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (!h->known)
			continue;
		/* QEMU applies a header when its mask shares a bit with the chosen platform's. */
		if (h->type == IGVM_VHT_GUEST_POLICY && (h->body.policy.compatibility_mask & v->mask)) {
			if (v->has_policy && h->body.policy.policy != v->policy)
				return igvm_digest_fail(e, IB_EXIT_INVALID, "sign.guest-policy", h->record_offset,
					    "GUEST_POLICY 0x%llx disagrees with 0x%llx (at offset 0x%llx) for SEV_SNP: "
					    "QEMU would apply whichever comes last",
					    (unsigned long long)h->body.policy.policy, (unsigned long long)v->policy,
					    (unsigned long long)policy_offset);
			v->has_policy = true;
			v->policy = h->body.policy.policy;
			policy_offset = h->record_offset;
		}
		uint32_t m = 0;
		if (h->type == IGVM_VHT_SNP_ID_BLOCK && igvm_header_mask(h, &m) && (m & v->mask)) {
			if (!v->id_blocks++) {
				v->id_block_index = i;
				v->id_block_offset = h->record_offset;
			}
		}
	}
	return 0;
}

/*
 * Parses the file we wrote, recomputes its digest, rebuilds the ID block and
 * ID auth as QEMU would and checks them against what we signed. Anything
 * that differs is a bug of ours (or of the writer), hence IB_EXIT_INTERNAL.
 */
static int self_check(const struct ib_buf *out, const struct igvm_sign_opts *o, const struct igvm_sign_result *res,
		      struct igvm_digest_error *e)
{
	_cleanup_(igvm_file_freep) struct igvm_file f;
	struct igvm_diag d;
	memset(&f, 0, sizeof(f));
	if (igvm_parse(out->p, out->len, 0, &f, &d))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, d.offset, "the signed file does not parse: %s: %s",
			    igvm_rule_name(d.rule), d.detail);
	struct igvm_snp_view v;
	if (igvm_snp_view(&f, &v, e) || v.id_blocks != 1 || v.policy != res->policy || f.format_version != res->format_version)
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "the signed file has not exactly one matching ID block");

	struct igvm_digest_source src = { .fd = -1, .mem = out->p, .mem_len = out->len };
	struct igvm_digest_opts dopt = { .platform = IGVM_DIGEST_SEV_SNP, .native_zero = o->native_zero, .jobs = o->jobs };
	_cleanup_(digest_result_freep) struct igvm_digest_result dr;
	struct igvm_digest_error de;
	memset(&dr, 0, sizeof(dr));
	memset(&de, 0, sizeof(de));
	if (igvm_digest_compute(&f, &src, &dopt, &dr, &de) || dr.digest_len != 48 || memcmp(dr.digest, res->digest, 48))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "the signed file's launch digest differs from the input's");

	struct igvm_vhs_snp_id_block body;
	uint8_t blk[SNP_ID_BLOCK_SIZE], auth[SNP_ID_AUTH_SIZE];
	if (!igvm_header_id_block(&f.hdr[v.id_block_index], &body))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "the signed file's ID block cannot be read back");
	snp_id_from_igvm(&body, v.policy, blk, auth);
	if (memcmp(blk, res->id_block, sizeof(blk)) || memcmp(auth, res->id_auth, sizeof(auth)))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "the ID block QEMU would build differs from the one signed");
	struct snp_id_check c;
	if (snp_id_verify(blk, auth, &c) || !c.ok)
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "the signed ID block does not verify: %s",
			    c.nproblems ? c.problems[0] : "libcrypto failed");
	return 0;
}

int igvm_sign_buffer(const uint8_t *in, size_t len, const struct igvm_sign_opts *o, struct ib_buf *out,
		     struct igvm_sign_result *res, struct igvm_digest_error *e)
{
	memset(res, 0, sizeof(*res));
	memset(e, 0, sizeof(*e));
	_cleanup_(igvm_file_freep) struct igvm_file f;
	memset(&f, 0, sizeof(f));
	struct igvm_diag d;
	if (igvm_parse(in, len, 0, &f, &d))
		return igvm_digest_fail(e, IB_EXIT_INVALID, igvm_rule_name(d.rule), d.offset, "%s", d.detail);
	res->format_version = f.format_version;

	struct igvm_snp_view v;
	int r = igvm_snp_view(&f, &v, e);
	if (r)
		return r;
	if (!v.has_policy)
		return igvm_digest_fail(e, IB_EXIT_INVALID, "sign.no-policy", f.variable_header_offset,
			    "no GUEST_POLICY header applies to SEV_SNP (mask 0x%x): the ID block must carry the policy",
			    v.mask);
	if (v.id_blocks > 1)
		return igvm_digest_fail(e, IB_EXIT_INVALID, "sign.id-block-count", v.id_block_offset,
			    "%zu SNP_ID_BLOCK headers apply to SEV_SNP; QEMU refuses more than one", v.id_blocks);
	if (v.id_blocks && !o->replace)
		return igvm_digest_fail(e, IB_EXIT_INVALID, "sign.id-block-exists", v.id_block_offset,
			    "the file already has an SNP_ID_BLOCK for SEV_SNP and QEMU accepts only one "
			    "(--replace re-signs it)");
	res->mask = v.mask;
	res->policy = v.policy;

	/* The launch digest the ID block must carry: QEMU/KVM's, or native-zero's on request. */
	struct igvm_digest_source src = { .fd = -1, .mem = in, .mem_len = len };
	struct igvm_digest_opts dopt = { .platform = IGVM_DIGEST_SEV_SNP, .native_zero = o->native_zero, .jobs = o->jobs };
	_cleanup_(digest_result_freep) struct igvm_digest_result dr;
	struct igvm_digest_error de;
	memset(&dr, 0, sizeof(dr));
	memset(&de, 0, sizeof(de));
	r = igvm_digest_compute(&f, &src, &dopt, &dr, &de);
	if (r)
		return igvm_digest_fail(e, r, de.rule, de.offset, "%s", de.detail);
	if (dr.digest_len != 48)
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "SEV-SNP digest of %zu bytes", dr.digest_len);
	memcpy(res->digest, dr.digest, 48);

	struct snp_id_fields fields;
	memset(&fields, 0, sizeof(fields));
	memcpy(fields.ld, res->digest, 48);
	memcpy(fields.family_id, o->family_id, 16);
	memcpy(fields.image_id, o->image_id, 16);
	fields.version = SNP_ID_BLOCK_VERSION; /* the only one the ABI defines, and what QEMU rebuilds */
	fields.guest_svn = o->guest_svn;
	fields.policy = v.policy;
	if (snp_id_sign(&fields, o->id_key, o->author_key, res->id_block, res->id_auth) ||
	    snp_pubkey_digest(o->id_key, res->id_key_digest) ||
	    (o->author_key && snp_pubkey_digest(o->author_key, res->author_key_digest)))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "signing failed");

	struct igvm_vhs_snp_id_block body;
	snp_id_to_igvm(res->id_block, res->id_auth, o->author_key != NULL, v.mask, &body);
	if (v.id_blocks) {
		/* Replace in place: the new body lives as long as the model, which owns it. */
		void *copy = malloc(sizeof(body));
		if (!copy || !igvm_file_own(&f, copy))
			return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");
		memcpy(copy, &body, sizeof(body));
		f.hdr[v.id_block_index].raw = copy;
		res->replaced = true;
	} else if (!igvm_file_add(&f, IGVM_VHT_SNP_ID_BLOCK, &body, NULL, 0)) {
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");
	}

	if (igvm_write(&f, out, &d)) {
		int code = d.rule == IGVM_RULE_NO_MEMORY ? IB_EXIT_INTERNAL : IB_EXIT_INVALID;
		return igvm_digest_fail(e, code, igvm_rule_name(d.rule), 0, "cannot write the signed file: %s", d.detail);
	}
	return self_check(out, o, res, e);
}

/* ---- the launch of a file, for report checks ----------------------------------------------- */

static void launch_file_freep(struct igvm_file *f) { igvm_file_free(f); }
static void launch_result_freep(struct igvm_digest_result *r) { igvm_digest_result_free(r); }

struct first_kvm {
	struct igvm_digest_error *e;
	bool failed;
};

static void first_kvm_rule(void *ctx, const struct igvm_kvm_finding *k)
{
	struct first_kvm *fk = ctx;
	if (k->warning || fk->failed)
		return;
	fk->failed = true;
	igvm_digest_fail(fk->e, IB_EXIT_MISMATCH, k->rule, k->offset, "%s", k->detail);
}

int igvm_snp_launch(const uint8_t *data, size_t len, bool native_zero, unsigned jobs, bool check_kvm,
		    struct snp_igvm_launch *out, struct igvm_digest_error *e)
{
	memset(out, 0, sizeof(*out));
	memset(e, 0, sizeof(*e));
	_cleanup_(launch_file_freep) struct igvm_file f;
	memset(&f, 0, sizeof(f));
	struct igvm_diag d;
	/* As `measure` does: the reference rules; CoRIM headers do not change what the firmware sees. */
	if (igvm_parse(data, len, IGVM_PARSE_CORIM, &f, &d))
		return igvm_digest_fail(e, d.rule == IGVM_RULE_NO_MEMORY ? IB_EXIT_INTERNAL : IB_EXIT_INVALID,
					igvm_rule_name(d.rule), d.offset, "%s", d.detail);
	struct igvm_snp_view v;
	int r = igvm_snp_view(&f, &v, e);
	if (r)
		return r;
	if (check_kvm) {
		struct first_kvm fk = { e, false };
		igvm_digest_check_kvm(&f, IGVM_DIGEST_SEV_SNP, v.mask, first_kvm_rule, &fk);
		if (fk.failed)
			return IB_EXIT_MISMATCH;
	}
	struct igvm_digest_source src = { .fd = -1, .mem = data, .mem_len = len };
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_SEV_SNP, .native_zero = native_zero, .jobs = jobs };
	_cleanup_(launch_result_freep) struct igvm_digest_result dr;
	memset(&dr, 0, sizeof(dr));
	r = igvm_digest_compute(&f, &src, &o, &dr, e);
	if (r)
		return r;
	if (dr.digest_len != sizeof(out->digest))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "unexpected SEV-SNP digest length");
	memcpy(out->digest, dr.digest, sizeof(out->digest));
	out->policy = v.policy; /* igvm_digest_compute refuses a file without one */
	if (v.id_blocks > 1)
		return igvm_digest_fail(e, IB_EXIT_INVALID, "sign.id-block-count", v.id_block_offset,
					"several SNP_ID_BLOCK headers apply to SEV_SNP; QEMU refuses more than one");
	if (v.id_blocks) {
		struct igvm_vhs_snp_id_block body;
		if (!igvm_header_id_block(&f.hdr[v.id_block_index], &body))
			return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "cannot read the SNP_ID_BLOCK");
		snp_id_from_igvm(&body, v.policy, out->id_block, out->id_auth);
		out->has_id_block = true;
		out->id_block_offset = v.id_block_offset;
	}
	return 0;
}
