/* SPDX-License-Identifier: MIT */
/*
 * build_idblock.c — signing the SNP ID block at build time.
 *
 * The signature covers the 96-byte SNP ID block {ld, family_id, image_id,
 * version, guest_svn, policy} (SNP ABI); keys and signatures are stored as
 * little-endian 72-byte integers (svsm-reference §2.4). The author key, when
 * given, signs the 0x404-byte SEV encoding of the ID public key. Signing is
 * deterministic (RFC 6979, measure/ecdsa.c), so rebuilding gives the same
 * bytes. This module only arranges bytes; all cryptography is measure/'s.
 */
#include "build.h"

#include <string.h>

#include "../common/digest.h"
#include "../common/status.h"
#include "../measure/ecdsa.h"

#define SEV_PUBKEY_LEN 0x404 /* curve u32, qx[72], qy[72], zero padding */

struct __attribute__((packed)) snp_id_block_signed {
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
};
_Static_assert(sizeof(struct snp_id_block_signed) == 96, "SNP ID block is 96 bytes");

static void be_to_le72(const uint8_t be[ECDSA_P384_BYTES], uint8_t le[72])
{
	memset(le, 0, 72);
	for (size_t i = 0; i < ECDSA_P384_BYTES; i++)
		le[i] = be[ECDSA_P384_BYTES - 1 - i];
}

static void key_cleanup(struct ecdsa_key **k)
{
	ecdsa_key_free(*k);
}

static int load(const struct build_input *in, struct ecdsa_key **k)
{
	char err[256] = "";
	int r = ecdsa_key_load_private(in->path, k, err, sizeof(err));
	if (r)
		ib_err("%s: %s", in->path, err[0] ? err : "cannot load the key");
	return r;
}

static int pubkey(const struct ecdsa_key *k, struct igvm_snp_public_key *pk, uint8_t sev[SEV_PUBKEY_LEN])
{
	uint8_t x[ECDSA_P384_BYTES], y[ECDSA_P384_BYTES];
	if (ecdsa_key_public_xy(k, x, y))
		return IB_EXIT_INTERNAL;
	memset(pk, 0, sizeof(*pk));
	pk->curve = IGVM_SNP_CURVE_P384;
	be_to_le72(x, pk->qx);
	be_to_le72(y, pk->qy);
	memset(sev, 0, SEV_PUBKEY_LEN);
	uint32_t curve = IGVM_SNP_CURVE_P384;
	memcpy(sev, &curve, 4);
	memcpy(sev + 4, pk->qx, 72);
	memcpy(sev + 4 + 72, pk->qy, 72);
	return 0;
}

static int sign(const struct ecdsa_key *k, const void *msg, size_t len, struct igvm_snp_signature *sig)
{
	uint8_t r[ECDSA_P384_BYTES], s[ECDSA_P384_BYTES];
	if (ecdsa_sign_sha384(k, msg, len, r, s))
		return IB_EXIT_INTERNAL;
	be_to_le72(r, sig->r_comp);
	be_to_le72(s, sig->s_comp);
	return 0;
}

int build_id_block(const struct build_config *cfg, const uint8_t ld[48], struct igvm_vhs_snp_id_block *out,
		   uint8_t id_key_digest[48], uint8_t author_key_digest[48])
{
	__attribute__((cleanup(key_cleanup))) struct ecdsa_key *idk = NULL;
	__attribute__((cleanup(key_cleanup))) struct ecdsa_key *authk = NULL;
	int r;
	if ((r = load(&cfg->id_key, &idk)))
		return r;
	if (cfg->author_key.path && (r = load(&cfg->author_key, &authk)))
		return r;

	memset(out, 0, sizeof(*out));
	out->compatibility_mask = BUILD_MASK_SNP;
	memcpy(out->ld, ld, 48);
	memcpy(out->family_id, cfg->family_id, 16);
	memcpy(out->image_id, cfg->image_id, 16);
	out->version = cfg->id_version;
	out->guest_svn = cfg->id_svn;
	out->id_key_algorithm = IGVM_SNP_ID_KEY_ALGORITHM_ECDSA_P384_SHA384;

	struct snp_id_block_signed sb;
	memset(&sb, 0, sizeof(sb));
	memcpy(sb.ld, ld, 48);
	memcpy(sb.family_id, cfg->family_id, 16);
	memcpy(sb.image_id, cfg->image_id, 16);
	sb.version = cfg->id_version;
	sb.guest_svn = cfg->id_svn;
	sb.policy = cfg->policy;
	uint8_t sev_id[SEV_PUBKEY_LEN], sev_auth[SEV_PUBKEY_LEN];
	if (sign(idk, &sb, sizeof(sb), &out->id_key_signature) || pubkey(idk, &out->id_public_key, sev_id) ||
	    ib_sha384(sev_id, sizeof(sev_id), id_key_digest))
		goto lib;
	memset(author_key_digest, 0, 48);
	if (authk) {
		out->author_key_enabled = 1;
		out->author_key_algorithm = IGVM_SNP_ID_KEY_ALGORITHM_ECDSA_P384_SHA384;
		if (sign(authk, sev_id, sizeof(sev_id), &out->author_key_signature) ||
		    pubkey(authk, &out->author_public_key, sev_auth) ||
		    ib_sha384(sev_auth, sizeof(sev_auth), author_key_digest))
			goto lib;
	}
	return 0;
lib:
	ib_err("libcrypto failed while signing the ID block");
	return IB_EXIT_INTERNAL;
}
