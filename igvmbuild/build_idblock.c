/* SPDX-License-Identifier: MIT */
/*
 * build_idblock.c — signing the SNP ID block at build time.
 *
 * The layout, signing and IGVM encoding are measure/id_block.c's (the same
 * code `igvmmeasure sign` and `id-block` run): snp_id_sign signs the 96-byte
 * SNP ID block {ld, family_id, image_id, version, guest_svn, policy} with the
 * ID key and, when given, the ID key's 0x404-byte SEV encoding with the
 * author key; snp_id_to_igvm turns the pair into the SNP_ID_BLOCK body.
 * Signing is deterministic (RFC 6979, measure/ecdsa.c), so rebuilding gives
 * the same bytes. This module only loads the keys and reports failures.
 */
#include "build.h"

#include <string.h>

#include "../common/status.h"
#include "../measure/ecdsa.h"
#include "../measure/id_block.h"

static int load(const struct build_input *in, struct ecdsa_key **k)
{
	char err[256] = "";
	int r = ecdsa_key_load_private(in->path, k, err, sizeof(err));
	if (r)
		ib_err("%s: %s", in->path, err[0] ? err : "cannot load the key");
	return r;
}

int build_id_block(const struct build_config *cfg, const uint8_t ld[48], struct igvm_vhs_snp_id_block *out,
		   uint8_t id_key_digest[48], uint8_t author_key_digest[48])
{
	_cleanup_ecdsa_key_ struct ecdsa_key *idk = NULL;
	_cleanup_ecdsa_key_ struct ecdsa_key *authk = NULL;
	int r;
	if ((r = load(&cfg->id_key, &idk)))
		return r;
	if (cfg->author_key.path && (r = load(&cfg->author_key, &authk)))
		return r;

	struct snp_id_fields f;
	memset(&f, 0, sizeof(f));
	memcpy(f.ld, ld, 48);
	memcpy(f.family_id, cfg->family_id, 16);
	memcpy(f.image_id, cfg->image_id, 16);
	f.version = cfg->id_version;
	f.guest_svn = cfg->id_svn;
	f.policy = cfg->policy;
	uint8_t block[SNP_ID_BLOCK_SIZE], auth[SNP_ID_AUTH_SIZE];
	memset(author_key_digest, 0, 48);
	if (snp_id_sign(&f, idk, authk, block, auth) || snp_pubkey_digest(idk, id_key_digest) ||
	    (authk && snp_pubkey_digest(authk, author_key_digest))) {
		ib_err("libcrypto failed while signing the ID block");
		return IB_EXIT_INTERNAL;
	}
	snp_id_to_igvm(block, auth, authk != NULL, BUILD_MASK_SNP, out);
	/* The builder has always left the algorithm of an absent author key zero. */
	if (!authk)
		out->author_key_algorithm = 0;
	return 0;
}
