/* SPDX-License-Identifier: MIT */
/*
 * fuzz_snp_certs.c — libFuzzer harness for the attestation verifier's
 * parsers of untrusted bytes (measure/snp_certs.c, measure/snp_verify.c):
 * certificates (DER framing and PEM), CRLs, the SNP_GET_EXT_REPORT
 * certificate table, AMD's KDS extensions, and a whole verification of a
 * report against a certificate table.
 *
 * The first byte picks the path; the rest is the input. Contracts re-checked
 * on every input (abort() on a breach):
 *   - a refusal names a rule and an offset no larger than the input;
 *   - a parsed table's entries lie inside the input and after the entry array;
 *   - a parsed certificate's extensions read without crashing, an hwID is 8 or
 *     64 bytes;
 *   - a verification of arbitrary report + table bytes either refuses the
 *     input with a rule or returns a verdict among 0, 5, 8, 9 — and, with no
 *     root of trust that could have signed fuzz bytes, never "authentic".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/status.h"
#include "../../measure/snp_certs.h"
#include "../../measure/snp_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void refusal(int r, const struct snp_error *e, size_t size)
{
	if (r == IB_EXIT_INVALID && (!e->rule || !e->detail[0] || e->offset > (uint64_t)size + SNP_CERT_TABLE_MAX_SIZE))
		abort();
	if (r != 0 && r != IB_EXIT_INVALID && r != IB_EXIT_INTERNAL)
		abort();
}

static void cert(const uint8_t *d, size_t n)
{
	struct snp_cert *c = NULL;
	struct snp_error e;
	int r = snp_cert_parse(d, n, &c, &e);
	refusal(r, &e, n);
	if (r)
		return;
	if (e.rule)
		abort();
	struct snp_kds_ext x;
	if (snp_cert_kds_ext(c, &x, &e) == 0 && x.hwid_len != 0 && x.hwid_len != 8 && x.hwid_len != 64)
		abort();
	char buf[200];
	uint8_t px[48], py[48];
	snp_cert_subject(c, buf, sizeof(buf));
	snp_cert_issuer(c, buf, sizeof(buf));
	snp_cert_serial(c, buf, sizeof(buf));
	(void)snp_cert_p384(c, px, py, buf, sizeof(buf));
	/* A fuzz certificate linking to itself exercises the signature profile checks. */
	(void)snp_cert_link(c, c, 1788220800, buf, sizeof(buf));
	snp_cert_free(c);
}

static void crl(const uint8_t *d, size_t n)
{
	struct snp_crl *c = NULL;
	struct snp_error e;
	int r = snp_crl_parse(d, n, &c, &e);
	refusal(r, &e, n);
	snp_crl_free(c);
}

static void table(const uint8_t *d, size_t n)
{
	struct snp_cert_table t;
	struct snp_error e;
	int r = snp_cert_table_parse(d, n, &t, &e);
	refusal(r, &e, n);
	if (r)
		return;
	uint64_t array_end = (uint64_t)(t.entries + 1) * 24;
	for (int s = 0; s < SNP_SLOTS; s++) {
		if (!t.len[s])
			continue;
		if ((uint64_t)t.off[s] + t.len[s] > n || t.off[s] < array_end)
			abort();
		cert(d + t.off[s], t.len[s]);
	}
}

static void verify(const uint8_t *d, size_t n)
{
	if (n < SNP_REPORT_SIZE)
		return;
	struct snp_verifier *v = snp_verifier_new();
	if (!v)
		abort();
	struct snp_verify_error e;
	static struct snp_verify_result r;
	if (snp_verifier_set_data(v, "cert-table", d + SNP_REPORT_SIZE, n - SNP_REPORT_SIZE, "table", &e) == 0 &&
	    snp_verifier_set(v, "require-no-debug", NULL, &e) == 0 && snp_verifier_set(v, "min-tcb", "snp=1", &e) == 0) {
		int rc = snp_verify(v, d, SNP_REPORT_SIZE, &r, &e);
		if (rc == 0) {
			if (r.exit_code != 0 && r.exit_code != IB_EXIT_MISMATCH && r.exit_code != IB_EXIT_NOT_AUTHENTIC &&
			    r.exit_code != IB_EXIT_REVOKED)
				abort();
			/* Nothing an attacker can write is signed by AMD's keys. */
			if (r.authentic)
				abort();
			FILE *null = fopen("/dev/null", "w");
			if (null) {
				snp_verify_print_text(&r, null);
				snp_verify_print_json(&r, "fuzz", null);
				fclose(null);
			}
		} else if (rc == IB_EXIT_INVALID && !e.rule) {
			abort();
		}
	}
	snp_verifier_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *d = data + 1;
	size_t n = size - 1;
	switch (data[0] & 3) {
	case 0: cert(d, n); break;
	case 1: crl(d, n); break;
	case 2: table(d, n); break;
	default: verify(d, n); break;
	}
	return 0;
}
