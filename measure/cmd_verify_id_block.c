/* SPDX-License-Identifier: MIT */
/*
 * cmd_verify_id_block.c — `igvmmeasure verify-id-block`: checks an SEV-SNP
 * ID block / ID auth pair the way the firmware does at SNP_LAUNCH_FINISH
 * (id_block.h, snp_id_verify), plus what the caller expects of it.
 *
 *   igvmmeasure verify-id-block (--id-block FILE --id-auth FILE | --igvm FILE)
 *       [--expect-digest HEX] [--expect-policy N] [--id-key PEM] [--author-key PEM] [--json]
 *
 * --id-block/--id-auth take the binary structures or their base64 (what
 * `id-block` and snp-create-id-block print). --igvm takes the SNP_ID_BLOCK
 * of an IGVM file, expanded exactly as QEMU does (version 1, the file's
 * policy), and expects the file's own launch digest unless --expect-digest
 * says otherwise. --id-key/--author-key (private or public PEM) require the
 * structure to hold those keys.
 *
 * Exit 0 when everything holds, 5 (naming each failure on stderr) when a
 * signature, key or expectation does not, 1 for unreadable structures.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/status.h"
#include "cmds.h"
#include "ecdsa.h"
#include "id_block.h"
#include "jsonw.h"
#include "snp_cli.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: igvmmeasure verify-id-block (--id-block FILE --id-auth FILE | --igvm FILE)\n"
		     "                   [--expect-digest HEX] [--expect-policy N] [--id-key PEM] [--author-key PEM]\n"
		     "                   [--json]\n");
}

#define MAX_FAILS 24

struct outcome {
	const char *subject; /* the file named in messages */
	unsigned n;
	char fails[MAX_FAILS][240];
};

static void failure(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void failure(struct outcome *o, const char *fmt, ...)
{
	if (o->n >= MAX_FAILS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->fails[o->n++], sizeof(o->fails[0]), fmt, ap);
	va_end(ap);
}

/* The stored key field must be this key's encoding. */
static int expect_key(struct outcome *o, const char *what, const char *path, const uint8_t stored[SNP_PUBKEY_SIZE])
{
	_cleanup_ecdsa_key_ struct ecdsa_key *k = NULL;
	int r = snp_cli_load_key(path, false, &k);
	if (r)
		return r;
	uint8_t enc[SNP_PUBKEY_SIZE];
	if (snp_pubkey_encode(k, enc))
		return IB_EXIT_INTERNAL;
	if (memcmp(enc, stored, sizeof(enc)))
		failure(o, "%s is not the key in %s", what, path);
	return 0;
}

int cmd_verify_id_block(const struct measure_globals *g, int argc, char **argv)
{
	enum { OPT_BLOCK = 0x100, OPT_AUTH, OPT_IGVM, OPT_DIGEST, OPT_POLICY, OPT_ID_KEY, OPT_AUTHOR_KEY, OPT_JSON,
	       OPT_HELP };
	static const struct option opts[] = {
		{ "id-block", required_argument, NULL, OPT_BLOCK },
		{ "id-auth", required_argument, NULL, OPT_AUTH },
		{ "igvm", required_argument, NULL, OPT_IGVM },
		{ "expect-digest", required_argument, NULL, OPT_DIGEST },
		{ "expect-measurement", required_argument, NULL, OPT_DIGEST },
		{ "expect-policy", required_argument, NULL, OPT_POLICY },
		{ "id-key", required_argument, NULL, OPT_ID_KEY },
		{ "author-key", required_argument, NULL, OPT_AUTHOR_KEY },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *block_path = NULL, *auth_path = NULL, *igvm = NULL, *id_key = NULL, *author_key = NULL;
	uint8_t want_digest[48];
	uint64_t want_policy = 0;
	bool have_digest = false, have_policy = false, json = g->json;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_BLOCK: block_path = optarg; break;
		case OPT_AUTH: auth_path = optarg; break;
		case OPT_IGVM: igvm = optarg; break;
		case OPT_DIGEST:
			if (!snp_cli_hex("--expect-digest", optarg, want_digest, 48))
				return IB_EXIT_USAGE;
			have_digest = true;
			break;
		case OPT_POLICY:
			if (!snp_cli_u64("--expect-policy", optarg, UINT64_MAX, &want_policy))
				return IB_EXIT_USAGE;
			have_policy = true;
			break;
		case OPT_ID_KEY: id_key = optarg; break;
		case OPT_AUTHOR_KEY: author_key = optarg; break;
		case OPT_JSON: json = true; break;
		case OPT_HELP: usage(stdout); return IB_EXIT_OK;
		default: usage(stderr); return IB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ib_err("verify-id-block: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	if (igvm ? (block_path || auth_path) : (!block_path || !auth_path)) {
		ib_err("verify-id-block: give --id-block and --id-auth, or --igvm");
		usage(stderr);
		return IB_EXIT_USAGE;
	}

	uint8_t block[SNP_ID_BLOCK_SIZE], auth[SNP_ID_AUTH_SIZE];
	char err[300];
	struct outcome o = { .subject = igvm ? igvm : block_path };
	int r;
	if (igvm) {
		struct snp_igvm_launch l;
		if ((r = snp_cli_igvm_launch(g, igvm, &l)))
			return r;
		if (!l.has_id_block) {
			ib_err("%s: no SNP_ID_BLOCK applies to SEV_SNP", igvm);
			return IB_EXIT_MISMATCH;
		}
		memcpy(block, l.id_block, sizeof(block));
		memcpy(auth, l.id_auth, sizeof(auth));
		if (!have_digest) {
			/* An ID block in a file must hold that file's digest. */
			memcpy(want_digest, l.digest, 48);
			have_digest = true;
		}
	} else {
		if ((r = snp_id_read_blob(block_path, block, sizeof(block), err, sizeof(err)))) {
			ib_err("%s: %s", block_path, err);
			return r;
		}
		if ((r = snp_id_read_blob(auth_path, auth, sizeof(auth), err, sizeof(err)))) {
			ib_err("%s: %s", auth_path, err);
			return r;
		}
	}

	struct snp_id_check chk;
	if (snp_id_verify(block, auth, &chk)) {
		ib_err("verify-id-block: libcrypto failed");
		return IB_EXIT_INTERNAL;
	}
	for (unsigned i = 0; i < chk.nproblems; i++)
		failure(&o, "%s", chk.problems[i]);
	for (unsigned i = 0; i < chk.nwarnings; i++)
		ib_warn("%s: %s", o.subject, chk.warnings[i]);

	struct snp_id_fields f;
	snp_id_block_decode(block, &f);
	char hex_a[97], hex_b[97];
	if (have_digest && memcmp(f.ld, want_digest, 48)) {
		ib_hex_upper(f.ld, 48, hex_a);
		ib_hex_upper(want_digest, 48, hex_b);
		failure(&o, "LD mismatch: the ID block holds %s, expected %s", hex_a, hex_b);
	}
	if (have_policy && f.policy != want_policy)
		failure(&o, "POLICY mismatch: the ID block holds 0x%llx, expected 0x%llx", (unsigned long long)f.policy,
			(unsigned long long)want_policy);
	const struct snp_id_auth_raw *a = (const struct snp_id_auth_raw *)auth;
	if (id_key && (r = expect_key(&o, "ID_KEY", id_key, (const uint8_t *)&a->id_key)))
		return r;
	if (author_key) {
		if (!chk.author_present)
			failure(&o, "no AUTHOR_KEY, but --author-key %s was expected", author_key);
		else if ((r = expect_key(&o, "AUTHOR_KEY", author_key, (const uint8_t *)&a->author_key)))
			return r;
	}

	for (unsigned i = 0; i < o.n; i++)
		ib_err("%s: %s", o.subject, o.fails[i]);
	if (json) {
		struct jsonw w;
		jsonw_init(&w, stdout);
		jsonw_begin_object(&w, NULL);
		jsonw_bool(&w, "ok", o.n == 0);
		snp_cli_json_id_fields(&w, &f);
		jsonw_bytes_hex(&w, "id_key_digest", chk.id_key_digest, 48);
		jsonw_bool(&w, "author_key", chk.author_present);
		if (chk.author_present)
			jsonw_bytes_hex(&w, "author_key_digest", chk.author_key_digest, 48);
		jsonw_begin_array(&w, "failures");
		for (unsigned i = 0; i < o.n; i++)
			jsonw_str(&w, NULL, o.fails[i]);
		jsonw_end_array(&w);
		jsonw_begin_array(&w, "warnings");
		for (unsigned i = 0; i < chk.nwarnings; i++)
			jsonw_str(&w, NULL, chk.warnings[i]);
		jsonw_end_array(&w);
		jsonw_end_object(&w);
		jsonw_finish(&w);
	} else {
		ib_hex_upper(f.ld, 48, hex_a);
		printf("%-19s%s\n", "LD:", hex_a);
		ib_hex_upper(f.family_id, 16, hex_a);
		printf("%-19s%s\n", "Family ID:", hex_a);
		ib_hex_upper(f.image_id, 16, hex_a);
		printf("%-19s%s\n", "Image ID:", hex_a);
		printf("%-19s%u\n", "Version:", f.version);
		printf("%-19s%u\n", "Guest SVN:", f.guest_svn);
		printf("%-19s0x%llx\n", "Policy:", (unsigned long long)f.policy);
		ib_hex_upper(chk.id_key_digest, 48, hex_a);
		printf("%-19s%s\n", "ID key digest:", hex_a);
		if (chk.author_present)
			ib_hex_upper(chk.author_key_digest, 48, hex_a);
		printf("%-19s%s\n", "Author key digest:", chk.author_present ? hex_a : "none");
		printf("%s\n", o.n ? "ID block: FAILED" : "ID block: OK");
	}
	return o.n ? IB_EXIT_MISMATCH : IB_EXIT_OK;
}
