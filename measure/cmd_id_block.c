/* SPDX-License-Identifier: MIT */
/*
 * cmd_id_block.c — `igvmmeasure id-block`: the SEV-SNP ID block and ID auth
 * structure for a launch digest and policy, as virtee's snp-create-id-block
 * makes them (same stdout, same options accepted), for VMMs that take them
 * directly (QEMU's sev-snp-guest id-block=/id-auth= properties).
 *
 *   igvmmeasure id-block (--digest HEX | --measurement BASE64 | --igvm FILE)
 *       [--policy N] --id-key PEM [--author-key PEM]
 *       [--family-id HEX32] [--image-id HEX32] [--svn N] [--version N]
 *       [--id-block-out FILE] [--id-auth-out FILE] [--json]
 *
 * stdout (snp-create-id-block's format):
 *   id-block=<base64 of 96 bytes>,id-auth=<base64 of 4096 bytes>
 *   id_key_hash: <base64 SHA-384 of the ID key>       (the report's ID_KEY_DIGEST)
 *   author_key: <base64 SHA-384 of the author key>    (with --author-key)
 * --id-block-out / --id-auth-out also write the binary structures.
 *
 * Differences from snp-create-id-block: the author key is optional; policy,
 * family and image IDs, SVN and version can be set (its are fixed to 0x30000,
 * zeros, 0 and 1; 0x30000 stays the default policy); the digest can be given
 * in hex or taken from an IGVM file; signatures are deterministic.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/status.h"
#include "cmds.h"
#include "ecdsa.h"
#include "id_block.h"
#include "jsonw.h"
#include "snp_cli.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: igvmmeasure id-block (--digest HEX | --measurement BASE64 | --igvm FILE) [--policy N]\n"
		"                   --id-key PEM [--author-key PEM] [--family-id HEX32] [--image-id HEX32]\n"
		"                   [--svn N] [--version N] [--id-block-out FILE] [--id-auth-out FILE] [--json]\n");
}

int cmd_id_block(const struct measure_globals *g, int argc, char **argv)
{
	enum { OPT_DIGEST = 0x100, OPT_MEASUREMENT, OPT_IGVM, OPT_POLICY, OPT_ID_KEY, OPT_AUTHOR_KEY, OPT_VERSION,
	       OPT_BLOCK_OUT, OPT_AUTH_OUT, OPT_JSON, OPT_HELP };
	static const struct option opts[] = {
		{ "digest", required_argument, NULL, OPT_DIGEST },
		{ "measurement", required_argument, NULL, OPT_MEASUREMENT },
		{ "igvm", required_argument, NULL, OPT_IGVM },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "id-key", required_argument, NULL, OPT_ID_KEY },
		{ "idkey", required_argument, NULL, OPT_ID_KEY },         /* snp-create-id-block's name */
		{ "author-key", required_argument, NULL, OPT_AUTHOR_KEY },
		{ "authorkey", required_argument, NULL, OPT_AUTHOR_KEY }, /* snp-create-id-block's name */
		SNP_CLI_ID_FIELD_OPTIONS,
		{ "version", required_argument, NULL, OPT_VERSION },
		{ "id-block-out", required_argument, NULL, OPT_BLOCK_OUT },
		{ "id-auth-out", required_argument, NULL, OPT_AUTH_OUT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct snp_id_fields f;
	memset(&f, 0, sizeof(f));
	f.version = SNP_ID_BLOCK_VERSION;
	f.policy = SNP_DEFAULT_POLICY;
	const char *id_key_path = NULL, *author_key_path = NULL, *igvm = NULL, *block_out = NULL, *auth_out = NULL;
	unsigned digest_sources = 0;
	bool policy_given = false, json = g->json;
	uint64_t v;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DIGEST:
			digest_sources++;
			if (!snp_cli_hex("--digest", optarg, f.ld, 48))
				return IB_EXIT_USAGE;
			break;
		case OPT_MEASUREMENT:
			digest_sources++;
			if (!snp_b64_decode(optarg, strlen(optarg), f.ld, 48)) {
				ib_err("--measurement: '%s' is not the base64 of 48 bytes", optarg);
				return IB_EXIT_USAGE;
			}
			break;
		case OPT_IGVM: digest_sources++; igvm = optarg; break;
		case OPT_POLICY:
			if (!snp_cli_u64("--policy", optarg, UINT64_MAX, &f.policy))
				return IB_EXIT_USAGE;
			policy_given = true;
			break;
		case OPT_ID_KEY: id_key_path = optarg; break;
		case OPT_AUTHOR_KEY: author_key_path = optarg; break;
		case SNP_CLI_OPT_FAMILY_ID:
		case SNP_CLI_OPT_IMAGE_ID:
		case SNP_CLI_OPT_SVN:
			if (snp_cli_id_field_option(c, optarg, f.family_id, f.image_id, &f.guest_svn))
				return IB_EXIT_USAGE;
			break;
		case OPT_VERSION:
			if (!snp_cli_u64("--version", optarg, UINT32_MAX, &v))
				return IB_EXIT_USAGE;
			f.version = (uint32_t)v;
			break;
		case OPT_BLOCK_OUT: block_out = optarg; break;
		case OPT_AUTH_OUT: auth_out = optarg; break;
		case OPT_JSON: json = true; break;
		case OPT_HELP: usage(stdout); return IB_EXIT_OK;
		default: usage(stderr); return IB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ib_err("id-block: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	if (digest_sources != 1) {
		ib_err("id-block: give exactly one of --digest, --measurement and --igvm");
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	if (!id_key_path) {
		ib_err("id-block: --id-key is required");
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	if (f.version != SNP_ID_BLOCK_VERSION)
		ib_warn("--version %u: the SNP ABI defines only ID block version %u; firmware will refuse this block",
			f.version, SNP_ID_BLOCK_VERSION);
	if (!(f.policy & SNP_POLICY_RESERVED_MBO))
		ib_warn("--policy 0x%llx: bit 17 must be one; the firmware refuses such a guest",
			(unsigned long long)f.policy);

	_cleanup_ecdsa_key_ struct ecdsa_key *id_key = NULL;
	_cleanup_ecdsa_key_ struct ecdsa_key *author_key = NULL;
	int r = snp_cli_load_signing_keys(id_key_path, author_key_path, &id_key, &author_key);
	if (r)
		return r;

	if (igvm) {
		struct snp_igvm_launch l;
		if ((r = snp_cli_igvm_launch(g, igvm, &l)))
			return r;
		memcpy(f.ld, l.digest, 48);
		/* The ID block must carry the policy QEMU will launch with: the file's. */
		if (policy_given && f.policy != l.policy) {
			ib_err("--policy 0x%llx: %s launches with policy 0x%llx, which the ID block must carry",
			       (unsigned long long)f.policy, igvm, (unsigned long long)l.policy);
			return IB_EXIT_USAGE;
		}
		f.policy = l.policy;
	}

	uint8_t block[SNP_ID_BLOCK_SIZE], auth[SNP_ID_AUTH_SIZE], id_digest[48], author_digest[48];
	if (snp_id_sign(&f, id_key, author_key, block, auth) || snp_pubkey_digest(id_key, id_digest) ||
	    (author_key && snp_pubkey_digest(author_key, author_digest))) {
		ib_err("id-block: signing failed");
		return IB_EXIT_INTERNAL;
	}

	const char *paths[2];
	const void *blobs[2];
	size_t lens[2], n = 0;
	if (block_out) {
		paths[n] = block_out, blobs[n] = block, lens[n++] = sizeof(block);
	}
	if (auth_out) {
		paths[n] = auth_out, blobs[n] = auth, lens[n++] = sizeof(auth);
	}
	if ((r = snp_cli_write_all(n, paths, blobs, lens)))
		return r;

	char b64_block[4 * ((SNP_ID_BLOCK_SIZE + 2) / 3) + 1];
	char b64_auth[4 * ((SNP_ID_AUTH_SIZE + 2) / 3) + 1];
	char b64_id[65], b64_author[65];
	snp_b64_encode(block, sizeof(block), b64_block);
	snp_b64_encode(auth, sizeof(auth), b64_auth);
	snp_b64_encode(id_digest, 48, b64_id);
	if (author_key)
		snp_b64_encode(author_digest, 48, b64_author);
	if (json) {
		struct jsonw w;
		jsonw_init(&w, stdout);
		jsonw_begin_object(&w, NULL);
		jsonw_str(&w, "id_block", b64_block);
		jsonw_str(&w, "id_auth", b64_auth);
		snp_cli_json_id_fields(&w, &f);
		jsonw_bytes_hex(&w, "id_key_digest", id_digest, 48);
		if (author_key)
			jsonw_bytes_hex(&w, "author_key_digest", author_digest, 48);
		jsonw_end_object(&w);
		jsonw_finish(&w);
	} else {
		printf("id-block=%s,id-auth=%s\n", b64_block, b64_auth);
		printf("id_key_hash: %s\n", b64_id);
		if (author_key)
			printf("author_key: %s\n", b64_author);
	}
	return IB_EXIT_OK;
}
