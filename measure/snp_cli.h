/* SPDX-License-Identifier: MIT */
/*
 * snp_cli.h — command-line plumbing shared by the sign, id-block,
 * verify-id-block and report verbs: option values, keys, IGVM inputs and
 * outputs, each failure printed as the one line the man page documents
 * ("igvmmeasure: FILE: reason" or "igvmmeasure: --option: reason") with the
 * exit code returned.
 */
#ifndef IB_MEASURE_SNP_CLI_H
#define IB_MEASURE_SNP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../format/igvm.h"
#include "cmds.h"
#include "ecdsa.h"
#include "id_block.h"

/* Exactly n bytes of hex for option opt; prints a usage error and returns false otherwise. */
bool snp_cli_hex(const char *opt, const char *arg, uint8_t *out, size_t n);
/* A decimal or 0x-hex number no larger than max for option opt. */
bool snp_cli_u64(const char *opt, const char *arg, uint64_t max, uint64_t *out);

/* Loads a P-384 key; need_private refuses public keys. Returns an exit code (message printed). */
int snp_cli_load_key(const char *path, bool need_private, struct ecdsa_key **out);

/* Reads a whole IGVM file (at most 4 GiB). Returns an exit code (message printed). */
int snp_cli_read_file(const char *path, uint8_t **data, size_t *len);

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
 * Parses an IGVM file and works out its launch: digest (the globals'
 * -n/-j apply), SEV-SNP policy (required) and ID block. With -c the QEMU/KVM
 * rules are checked first (exit 5 when broken). Returns an exit code
 * (messages printed).
 */
int snp_cli_igvm_launch(const struct measure_globals *g, const char *path, struct snp_igvm_launch *out);

/*
 * With -c (check_kvm): the QEMU/KVM rules of igvm_digest_check_kvm for the
 * SEV-SNP platform; findings are printed ("FILE: offset 0x..: rule: detail"),
 * warnings as warnings. Returns 0 or IB_EXIT_MISMATCH.
 */
int snp_cli_check_kvm(const char *path, const struct igvm_file *f);

/*
 * Writes n outputs atomically, in order. If one fails the outputs already
 * written by this call are removed, so a failed command leaves none of its
 * new files behind. Returns an exit code (message printed).
 */
int snp_cli_write_all(size_t n, const char *const *paths, const void *const *data, const size_t *lens);

/* Upper-case hex of n bytes into out (2n + 1 bytes). */
void snp_cli_hex_upper(const uint8_t *in, size_t n, char *out);

#endif
