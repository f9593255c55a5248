/* SPDX-License-Identifier: MIT */
/*
 * fuzz_report.c — libFuzzer harness for the SEV-SNP attestation report parser
 * (measure/snp_report.c) and the text decoders the signing verbs apply to
 * untrusted input (base64 and hex in measure/id_block.c).
 *
 * The parser's contract (snp_report.h) is re-checked on every input: it
 * accepts exactly 0x4A0 bytes of version 2 or later and nothing else; an
 * accepted report's fields are the bytes at their ABI offsets; a refusal
 * names a rule at an offset no larger than the input. Accepted reports are
 * printed in both forms (to /dev/null) so the formatting code runs too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../measure/id_block.h"
#include "../../measure/jsonw.h"
#include "../../measure/snp_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

static void check_report(const uint8_t *data, size_t size)
{
	struct snp_report r;
	struct snp_report_error e;
	if (snp_report_parse(data, size, &r, &e)) {
		if (!e.rule || e.offset > size || !e.detail[0])
			abort();
		if (size == SNP_REPORT_SIZE && (data[0] | data[1] << 8 | (uint32_t)data[2] << 16 |
						(uint32_t)data[3] << 24) >= SNP_REPORT_OLDEST_VERSION)
			abort(); /* a full-size report of a known-or-newer version must be accepted */
		return;
	}
	if (size != SNP_REPORT_SIZE || r.version < SNP_REPORT_OLDEST_VERSION)
		abort();
	if (memcmp(r.measurement, data + 0x90, 48) || memcmp(r.report_data, data + 0x50, 64) ||
	    memcmp(r.chip_id, data + 0x1A0, 64) || memcmp(r.sig_r, data + 0x2A0, 72) ||
	    memcmp(r.sig_s, data + 0x2E8, 72))
		abort();
	if (r.has_cpuid != (r.version >= 3) || r.has_mit_vectors != (r.version >= 5) ||
	    r.newer_version != (r.version > SNP_REPORT_NEWEST_VERSION) || r.nwarnings > SNP_REPORT_MAX_WARNINGS)
		abort();
	snp_report_print_text(&r, sink());
	struct jsonw w;
	jsonw_init(&w, sink());
	jsonw_begin_object(&w, NULL);
	snp_report_print_json(&r, &w);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

static void check_text(const uint8_t *data, size_t size)
{
	uint8_t out[SNP_ID_BLOCK_SIZE];
	/* The decoder must stay inside `want` bytes whatever it is fed. */
	(void)snp_b64_decode((const char *)data, size, out, sizeof(out));
	if (size < 256) {
		char s[256];
		memcpy(s, data, size);
		s[size] = 0;
		uint8_t h[48];
		uint64_t v;
		(void)snp_parse_hex(s, h, sizeof(h));
		(void)snp_parse_u64(s, UINT64_MAX, &v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_report(data, size);
	check_text(data, size);
	return 0;
}
