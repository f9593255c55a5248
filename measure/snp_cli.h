/* SPDX-License-Identifier: MIT */
/*
 * snp_cli.h — command-line plumbing shared by igvmmeasure's verbs (measure,
 * sign, id-block, verify-id-block, report): option values, keys, IGVM inputs
 * and outputs, --check-kvm findings, each failure printed as the one line the
 * man page documents ("igvmmeasure: FILE: reason", "igvmmeasure: FILE: offset
 * 0x..: rule: detail" or "igvmmeasure: --option: reason") with the exit code
 * returned.
 */
#ifndef IB_MEASURE_SNP_CLI_H
#define IB_MEASURE_SNP_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../format/igvm.h"
#include "cmds.h"
#include "ecdsa.h"
#include "id_block.h"
#include "igvm_digest.h"
#include "igvm_sign.h"
#include "jsonw.h"

/* Exactly n bytes of hex for option opt; prints a usage error and returns false otherwise. */
bool snp_cli_hex(const char *opt, const char *arg, uint8_t *out, size_t n);
/* A decimal or 0x-hex number no larger than max for option opt. */
bool snp_cli_u64(const char *opt, const char *arg, uint64_t max, uint64_t *out);

/* Loads a P-384 key; need_private refuses public keys. Returns an exit code (message printed). */
int snp_cli_load_key(const char *path, bool need_private, struct ecdsa_key **out);
/* The private ID key and, when author_path is not NULL, the author key. Returns an exit code. */
int snp_cli_load_signing_keys(const char *id_path, const char *author_path, struct ecdsa_key **id_key,
			      struct ecdsa_key **author_key);

/*
 * The ID block fields that id-block and sign both take: --family-id HEX32,
 * --image-id HEX32 and --svn N. Callers put SNP_CLI_ID_FIELD_OPTIONS in their
 * getopt_long table and hand those options to snp_cli_id_field_option, which
 * stores the value and returns 0, or prints a usage error and returns
 * IB_EXIT_USAGE.
 */
enum { SNP_CLI_OPT_FAMILY_ID = 0x180, SNP_CLI_OPT_IMAGE_ID, SNP_CLI_OPT_SVN };
#define SNP_CLI_ID_FIELD_OPTIONS                                         \
	{ "family-id", required_argument, NULL, SNP_CLI_OPT_FAMILY_ID }, \
	{ "image-id", required_argument, NULL, SNP_CLI_OPT_IMAGE_ID },   \
	{ "svn", required_argument, NULL, SNP_CLI_OPT_SVN }
int snp_cli_id_field_option(int opt, const char *arg, uint8_t family_id[16], uint8_t image_id[16],
			    uint32_t *guest_svn);

/* Reads a whole IGVM file (at most 4 GiB). Returns an exit code (message printed). */
int snp_cli_read_file(const char *path, uint8_t **data, size_t *len);

/*
 * Parses an IGVM file and works out its launch: digest (the globals'
 * -n/-j apply), SEV-SNP policy (required) and ID block. With -c the QEMU/KVM
 * rules are checked first (exit 5 when broken). Returns an exit code
 * (messages printed).
 */
int snp_cli_igvm_launch(const struct measure_globals *g, const char *path, struct snp_igvm_launch *out);

/*
 * With -c (check_kvm): the QEMU/KVM rules of igvm_digest_check_kvm for
 * platform p; findings are printed ("FILE: offset 0x..: rule: detail"),
 * warnings as warnings. A file without p's platform header passes (the
 * digest names it). Returns 0 or IB_EXIT_MISMATCH.
 */
int snp_cli_check_kvm(const char *path, const struct igvm_file *f, enum igvm_digest_platform p);

/*
 * Prints a failure about FILE: "FILE: offset 0x..: rule: detail", or
 * "FILE: detail" when rule is NULL. Returns code.
 */
int snp_cli_rule_error(const char *path, int code, const char *rule, uint64_t offset, const char *detail);

/*
 * Writes n outputs atomically, in order. If one fails the outputs already
 * written by this call are removed, so a failed command leaves none of its
 * new files behind. Returns an exit code (message printed).
 */
/* The ID block's fields as JSON members: ld, family_id, image_id, version, guest_svn, policy. */
void snp_cli_json_id_fields(struct jsonw *w, const struct snp_id_fields *f);

int snp_cli_write_all(size_t n, const char *const *paths, const void *const *data, const size_t *lens);

#endif
