/* SPDX-License-Identifier: MIT */
/*
 * cmd_sign.c — `igvmmeasure [GLOBAL] FILE sign --output OUT --id-key PEM ...`:
 * COCONUT igvmmeasure's sign command. Measures FILE for SEV-SNP (QEMU/KVM
 * model, or native-zero with -n), signs an ID block holding that digest and
 * the file's SEV-SNP guest policy with the ID key (and the ID key with the
 * author key), and writes FILE again with an SNP_ID_BLOCK directive.
 *
 * Beyond COCONUT: --family-id, --image-id, --svn, --version (1 only),
 * --replace, --json; the output keeps the input's format version; output is
 * atomic (nothing is written on any failure). See igvm_sign.h for the
 * decisions and igvmmeasure(1) for the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/status.h"
#include "cmds.h"
#include "ecdsa.h"
#include "igvm_sign.h"
#include "jsonw.h"
#include "snp_cli.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: igvmmeasure [GLOBAL...] FILE sign --output OUT --id-key PEM [--author-key PEM]\n"
		     "                   [--family-id HEX32] [--image-id HEX32] [--svn N] [--version 1]\n"
		     "                   [--replace] [--json]\n");
}

static void igvm_file_freep(struct igvm_file *f) { igvm_file_free(f); }
static void ib_buf_freep(struct ib_buf *b) { ib_buf_free(b); }

int cmd_sign(const struct measure_globals *g, const char *file, int argc, char **argv)
{
	enum { OPT_OUTPUT = 0x100, OPT_ID_KEY, OPT_AUTHOR_KEY, OPT_VERSION, OPT_REPLACE, OPT_JSON, OPT_HELP };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "id-key", required_argument, NULL, OPT_ID_KEY },
		{ "author-key", required_argument, NULL, OPT_AUTHOR_KEY },
		SNP_CLI_ID_FIELD_OPTIONS,
		{ "version", required_argument, NULL, OPT_VERSION },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *id_key_path = NULL, *author_key_path = NULL;
	struct igvm_sign_opts so;
	memset(&so, 0, sizeof(so));
	bool json = g->json;
	uint64_t v;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_OUTPUT: output = optarg; break;
		case OPT_ID_KEY: id_key_path = optarg; break;
		case OPT_AUTHOR_KEY: author_key_path = optarg; break;
		case SNP_CLI_OPT_FAMILY_ID:
		case SNP_CLI_OPT_IMAGE_ID:
		case SNP_CLI_OPT_SVN:
			if (snp_cli_id_field_option(c, optarg, so.family_id, so.image_id, &so.guest_svn))
				return IB_EXIT_USAGE;
			break;
		case OPT_VERSION:
			if (!snp_cli_u64("--version", optarg, UINT32_MAX, &v))
				return IB_EXIT_USAGE;
			if (v != SNP_ID_BLOCK_VERSION) {
				/* QEMU rebuilds the ID block with VERSION 1 whatever the header says, so any other
				 * value would make the signature fail at launch. */
				ib_err("--version: the ID block version must be 1 (the only one the SNP ABI defines; "
				       "QEMU's IGVM loader always uses 1)");
				return IB_EXIT_USAGE;
			}
			break;
		case OPT_REPLACE: so.replace = true; break;
		case OPT_JSON: json = true; break;
		case OPT_HELP: usage(stdout); return IB_EXIT_OK;
		default: usage(stderr); return IB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ib_err("sign: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	if (!output || !id_key_path) {
		ib_err("sign: %s is required", !output ? "--output" : "--id-key");
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	if (g->platform != MEASURE_SEV_SNP) {
		ib_err("sign: signing is only supported for SEV-SNP (the ID block is an SEV-SNP structure)");
		return IB_EXIT_USAGE;
	}

	_cleanup_ecdsa_key_ struct ecdsa_key *id_key = NULL;
	_cleanup_ecdsa_key_ struct ecdsa_key *author_key = NULL;
	int r = snp_cli_load_signing_keys(id_key_path, author_key_path, &id_key, &author_key);
	if (r)
		return r;
	so.id_key = id_key;
	so.author_key = author_key;
	so.native_zero = g->native_zero;
	so.jobs = g->jobs;

	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	if ((r = snp_cli_read_file(file, &data, &len)))
		return r;

	if (g->check_kvm) {
		/* The same rules `measure -c` applies: a file KVM cannot launch as measured is not worth signing. */
		_cleanup_(igvm_file_freep) struct igvm_file f;
		memset(&f, 0, sizeof(f));
		struct igvm_diag d;
		if (igvm_parse(data, len, 0, &f, &d) == 0 && (r = snp_cli_check_kvm(file, &f, IGVM_DIGEST_SEV_SNP)))
			return r;
	}

	_cleanup_(ib_buf_freep) struct ib_buf out = IB_BUF_INIT;
	struct igvm_sign_result res;
	struct igvm_digest_error e;
	r = igvm_sign_buffer(data, len, &so, &out, &res, &e);
	if (r)
		return snp_cli_rule_error(file, r, e.rule, e.offset, e.detail);
	const char *paths[] = { output };
	const void *blobs[] = { out.p };
	size_t lens[] = { out.len };
	if ((r = snp_cli_write_all(1, paths, blobs, lens)))
		return r;

	char hex[2 * 48 + 1];
	if (json) {
		struct jsonw w;
		jsonw_init(&w, stdout);
		jsonw_begin_object(&w, NULL);
		jsonw_str(&w, "input", file);
		jsonw_str(&w, "output", output);
		jsonw_u64(&w, "format_version", res.format_version);
		jsonw_str(&w, "loader_model", g->native_zero ? "native-zero" : "qemu-kvm");
		jsonw_bytes_hex(&w, "digest", res.digest, 48);
		jsonw_hex(&w, "policy", res.policy);
		jsonw_hex(&w, "compatibility_mask", res.mask);
		jsonw_bytes_hex(&w, "family_id", so.family_id, 16);
		jsonw_bytes_hex(&w, "image_id", so.image_id, 16);
		jsonw_u64(&w, "guest_svn", so.guest_svn);
		jsonw_bytes_hex(&w, "id_key_digest", res.id_key_digest, 48);
		if (author_key)
			jsonw_bytes_hex(&w, "author_key_digest", res.author_key_digest, 48);
		jsonw_bool(&w, "replaced", res.replaced);
		jsonw_end_object(&w);
		jsonw_finish(&w);
	} else {
		if (g->verbose) {
			ib_hex_upper(res.digest, 48, hex);
			printf("Launch Digest: %s\n", hex);
			printf("Policy: 0x%llx\n", (unsigned long long)res.policy);
			ib_hex_upper(res.id_key_digest, 48, hex);
			printf("ID key digest: %s\n", hex);
			if (author_key) {
				ib_hex_upper(res.author_key_digest, 48, hex);
				printf("Author key digest: %s\n", hex);
			}
		}
		printf("Successfully created signed file: %s\n", output);
	}
	return IB_EXIT_OK;
}
