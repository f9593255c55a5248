/* SPDX-License-Identifier: MIT */
/*
 * igvm_sign.h — an IGVM file's SEV-SNP identity: its platform mask, guest
 * policy and ID block as QEMU/KVM would use them, and signing a file by
 * adding an SNP_ID_BLOCK directive (`igvmmeasure FILE sign`).
 *
 * Contract
 *   igvm_snp_view() only reads a parsed file. igvm_sign_buffer() takes the
 *   untrusted bytes of a whole file and produces a complete new file in
 *   memory or nothing: the caller writes it out atomically. Before it
 *   returns success it parses its own output again, recomputes the launch
 *   digest and re-derives the ID block exactly as QEMU does, and checks both
 *   signatures, so a file it hands back is one QEMU's loader accepts with
 *   this ID block.
 *
 * Decisions (documented in igvmmeasure(1)):
 *   - the directive is appended after the last header, as COCONUT's tool
 *     does; the ID block is not measured, so this does not change the digest
 *     nor the --check-kvm rules;
 *   - the output keeps the input's format version and architecture (COCONUT
 *     always writes version 1, which loses a v2 file's architecture);
 *   - a file that already has an ID block for SEV-SNP is refused (QEMU
 *     refuses two) unless `replace` is set; then the old directive is
 *     rewritten in place and nothing else moves;
 *   - the policy is the file's SEV-SNP GUEST_POLICY, which QEMU also passes
 *     to the firmware; files whose SNP guest policies disagree are refused,
 *     since which one QEMU applies depends on header order.
 */
#ifndef IB_MEASURE_IGVM_SIGN_H
#define IB_MEASURE_IGVM_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../format/igvm.h"
#include "ecdsa.h"
#include "id_block.h"
#include "igvm_digest.h"

/* Failures are reported in a struct igvm_digest_error (igvm_digest.h): rule, offset, detail. */

struct igvm_snp_view {
	uint32_t mask;            /* the SEV_SNP platform's compatibility mask */
	bool has_policy;
	uint64_t policy;          /* GUEST_POLICY that applies to SEV_SNP */
	size_t id_blocks;         /* SNP_ID_BLOCK headers that apply to SEV_SNP */
	size_t id_block_index;    /* index in f->hdr of the first one */
	uint64_t id_block_offset; /* its record's file offset */
};

/*
 * Finds the SEV-SNP platform, its policy and its ID blocks (mask & snp_mask,
 * as QEMU matches them). 0, or IB_EXIT_INVALID with e->rule "sign.platform"
 * (no SEV_SNP platform) or "sign.guest-policy" (policies that disagree).
 * A missing policy is not an error here: see has_policy.
 */
int igvm_snp_view(const struct igvm_file *f, struct igvm_snp_view *v, struct igvm_digest_error *e);

/* What a QEMU/KVM launch of an IGVM file presents to the SEV-SNP firmware. */
struct snp_igvm_launch {
	uint8_t digest[48];
	uint64_t policy;
	bool has_id_block;
	uint8_t id_block[SNP_ID_BLOCK_SIZE]; /* as QEMU builds them from the SNP_ID_BLOCK */
	uint8_t id_auth[SNP_ID_AUTH_SIZE];
	uint64_t id_block_offset;
};

/*
 * Parses the untrusted bytes of a whole IGVM file (reference rules, CoRIM
 * headers allowed) and works out its SEV-SNP launch: digest (native_zero and
 * jobs as in igvm_digest.h), policy (required) and the ID block QEMU would
 * hand over. With check_kvm the QEMU/KVM rules apply first: the first rule
 * broken fails with IB_EXIT_MISMATCH. Returns an exit code; e says why.
 */
int igvm_snp_launch(const uint8_t *data, size_t len, bool native_zero, unsigned jobs, bool check_kvm,
		    struct snp_igvm_launch *out, struct igvm_digest_error *e);

struct igvm_sign_opts {
	const struct ecdsa_key *id_key;
	const struct ecdsa_key *author_key; /* NULL: no author key */
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t guest_svn;
	bool replace;      /* replace an existing SEV-SNP ID block */
	bool native_zero;  /* digest model (see igvm_digest.h) */
	unsigned jobs;
};

struct igvm_sign_result {
	uint8_t digest[48];
	uint64_t policy;
	uint32_t mask;
	uint32_t format_version;
	bool replaced;
	uint8_t id_block[SNP_ID_BLOCK_SIZE];
	uint8_t id_auth[SNP_ID_AUTH_SIZE];
	uint8_t id_key_digest[48];
	uint8_t author_key_digest[48]; /* zero without an author key */
};

/*
 * Signs the IGVM file in[0..len): appends (or replaces) its SEV-SNP ID block.
 * out receives the new file. Returns 0; IB_EXIT_INVALID (e->rule: the input
 * breaks an IGVM rule — then the rule is the format library's name — or one
 * of the sign.* rules above, or "sign.no-policy"); IB_EXIT_INTERNAL.
 */
int igvm_sign_buffer(const uint8_t *in, size_t len, const struct igvm_sign_opts *o, struct ib_buf *out,
		     struct igvm_sign_result *res, struct igvm_digest_error *e);

#endif
