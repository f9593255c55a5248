/* SPDX-License-Identifier: MIT */
/*
 * snp_verify.h — the whole offline verification of an SEV-SNP attestation
 * report: is it signed by a genuine AMD part (chain to a built-in AMD root,
 * VCEK/VLEK bound to the report's TCB and chip), is anything on the chain
 * revoked, and does the report meet the caller's policy. What go-sev-guest's
 * verify + validate (its `check` tool) and `snpguest verify certs` /
 * `snpguest verify attestation` check, each check reported by name.
 *
 * Use: snp_verifier_new(); snp_verifier_set(v, "option", "value") once per
 * option (the names are `igvmmeasure report`'s long options, listed in
 * snp_verify_options[]; this table is the one list both the CLI and the
 * libigvm API take); snp_verify() on the report bytes; read the result.
 *
 * Checks, by class (the class decides the exit code):
 *   authenticity (IB_EXIT_NOT_AUTHENTIC, 8), run when a VCEK or VLEK is given:
 *     product       the product line: --product, the report's CPUID (v3+), or
 *                   the certificate that issued the VCEK/VLEK; they must agree
 *     ark           the root: built in (or --trusted-roots); a given ARK must
 *                   be that very certificate; self-signature (RSASSA-PSS)
 *     ask | asvk    signed by the ARK (RSASSA-PSS SHA-384), a CA, valid at --at
 *     vcek | vlek   signed by the ASK / ASVK, EC P-384 key, valid at --at, the
 *                   kind the report's SIGNING_KEY names
 *     chain         libcrypto's X509_verify_cert over the same path
 *     signature     the report's ECDSA P-384 signature over 0x000-0x29F
 *     vcek.tcb      the certificate's boot loader, TEE, SNP, microcode (and
 *                   FMC on Turin) SPLs compose REPORTED_TCB exactly
 *     vcek.hwid     hwID equals CHIP_ID (VCEK; skipped when CHIP_ID is all
 *                   zero, i.e. MASK_CHIP_ID; a VLEK has none)
 *     vcek.product  the product name extension names the product line
 *   revocation (IB_EXIT_REVOKED, 9), with --crl:
 *     crl           issued and signed by the ARK, current at --at
 *     revocation    the ASK / ASVK is not listed
 *   policy (IB_EXIT_MISMATCH, 5), each only when asked for: measurement,
 *     policy, policy.debug, policy.migrate_ma, policy.smt,
 *     policy.single_socket, tcb, launch_tcb, firmware.build,
 *     firmware.version, report_data, host_data, family_id, image_id, chip_id,
 *     guest_svn, vmpl, id_key_digest, author_key_digest, author_key_en,
 *     id_block, platform_info, signing_key.
 * A check that cannot run because one it depends on failed is listed as
 * skipped, with the reason. The exit code is the worst class that failed:
 * 8, then 9, then 5; 0 when nothing failed.
 *
 * Errors: snp_verifier_set and snp_verify return an exit code; for input
 * that is malformed (IB_EXIT_INVALID), missing (IB_EXIT_IO) or a bad option
 * value (IB_EXIT_USAGE) the struct snp_verify_error names the input (a file
 * path or "report"), the rule and the offset.
 */
#ifndef IB_MEASURE_SNP_VERIFY_H
#define IB_MEASURE_SNP_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "amd_roots.h"
#include "snp_report.h"

enum snp_check_class {
	SNP_CLASS_AUTHENTICITY = 0,
	SNP_CLASS_REVOCATION = 1,
	SNP_CLASS_POLICY = 2,
};

enum snp_check_status {
	SNP_CHECK_PASS = 0,
	SNP_CHECK_FAIL = 1,
	SNP_CHECK_SKIP = 2,
};

struct snp_check_result {
	const char *name;
	enum snp_check_class cls;
	enum snp_check_status status;
	char detail[400];
};

#define SNP_VERIFY_MAX_CHECKS 64

struct snp_verify_result {
	struct snp_report report;
	unsigned n;
	struct snp_check_result c[SNP_VERIFY_MAX_CHECKS];
	bool certs_given;     /* a VCEK or VLEK was given: authenticity was checked */
	bool authentic;       /* certs_given and every authenticity check passed */
	bool crl_checked;
	enum amd_product product;
	char roots[300];      /* "AMD's, built in" or "--trusted-roots FILE" */
	int exit_code;        /* 0, IB_EXIT_MISMATCH, IB_EXIT_NOT_AUTHENTIC or IB_EXIT_REVOKED */
};

struct snp_verify_error {
	char input[256];  /* the file, option or "report" concerned */
	const char *rule; /* NULL when the failure has no rule (I/O, usage) */
	uint64_t offset;
	char detail[320];
};

/* The options, in the order the man page lists them. value: whether it takes one. */
struct snp_verify_option {
	const char *name;
	bool value;
	bool repeatable;
	const char *arg; /* the value's name in usage text */
};
extern const struct snp_verify_option snp_verify_options[];
extern const size_t snp_verify_option_count;

struct snp_verifier;

struct snp_verifier *snp_verifier_new(void);
void snp_verifier_free(struct snp_verifier *v);

/*
 * Sets one option. Options that take no value accept NULL, "", "1", "yes" or
 * "true" (and "0", "no", "false" to clear). Files are read here, so an
 * unreadable or malformed certificate, CRL or table fails at once.
 */
int snp_verifier_set(struct snp_verifier *v, const char *name, const char *value, struct snp_verify_error *e);

/*
 * A certificate, certificate table or CRL from memory, by option name
 * ("vcek", "vlek", "ask", "asvk", "ark", "cert-table", "crl",
 * "trusted-roots"); label names it in messages.
 */
int snp_verifier_set_data(struct snp_verifier *v, const char *name, const uint8_t *data, size_t len, const char *label,
			  struct snp_verify_error *e);

/*
 * Runs every check on the report bytes. 0 when the report could be checked
 * (r->exit_code says how that went), IB_EXIT_INVALID for a report that is not
 * one (e names the rule), IB_EXIT_IO / IB_EXIT_INTERNAL otherwise. r is
 * filled in either way.
 */
int snp_verify(struct snp_verifier *v, const uint8_t *report, size_t len, struct snp_verify_result *r,
	       struct snp_verify_error *e);

const char *snp_check_class_name(enum snp_check_class c);     /* "authenticity", ... */
const char *snp_check_status_name(enum snp_check_status s);   /* "pass", "fail", "skip" */

/* The report's fields, then "Checks:" and a verdict line. */
void snp_verify_print_text(const struct snp_verify_result *r, FILE *out);
/* One JSON document: file, report, checks, authentic, verdict, exit_code, ok. */
void snp_verify_print_json(const struct snp_verify_result *r, const char *file, FILE *out);

#endif
