/* SPDX-License-Identifier: MIT */
/*
 * fuzz_igvm_read.c — libFuzzer harness for the IGVM reader and writer.
 *
 * For every input: igvm_parse() under all eight flag combinations (strict,
 * skip-optional, CoRIM). It must never crash or leak (ASan/UBSan/LSan see to
 * that) and must report a rule when it fails. For inputs it accepts:
 *
 *   - the modes nest: a file accepted under IGVM_PARSE_STRICT is accepted
 *     without it, and a file accepted without IGVM_PARSE_SKIP_OPTIONAL (or,
 *     when optional headers are not skipped, without IGVM_PARSE_CORIM) is
 *     accepted with it (same other flags);
 *   - w1 = igvm_write(parse(x)) must succeed (the writer may only refuse for
 *     lack of memory: every valid file can be written) and parse again under
 *     the same flags;
 *   - w2 = igvm_write(parse(w1)) must equal w1 (the round trip is stable).
 *
 * Any violation calls abort(), which libFuzzer reports as a crash.
 *
 * Each input is checked as given and again with total_file_size and the
 * checksum repaired (so mutations get past the CRC). The input is copied into
 * an exactly-sized heap buffer so ASan catches any read past its end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../format/igvm.h"
#include "../tools/rawfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, unsigned flags, const struct igvm_diag *d)
{
	fprintf(stderr, "fuzz_igvm_read: %s (flags 0x%x): rule %s at 0x%llx: %s\n", what, flags,
		d ? igvm_rule_name(d->rule) : "-", d ? (unsigned long long)d->offset : 0ull, d ? d->detail : "");
	abort();
}

static void round_trip(const struct igvm_file *f, unsigned flags)
{
	struct igvm_diag d;
	struct ib_buf w1 = IB_BUF_INIT, w2 = IB_BUF_INIT;
	if (igvm_write(f, &w1, &d)) {
		if (d.rule == IGVM_RULE_NO_MEMORY)
			goto out;
		die("igvm_write refused a file igvm_parse accepted", flags, &d);
	}
	struct igvm_file g;
	if (igvm_parse(w1.p, w1.len, flags, &g, &d))
		die("the written file does not parse under the same flags", flags, &d);
	int r = igvm_write(&g, &w2, &d);
	igvm_file_free(&g);
	if (r) {
		if (d.rule == IGVM_RULE_NO_MEMORY)
			goto out;
		die("igvm_write refused its own output", flags, &d);
	}
	if (w1.len != w2.len || memcmp(w1.p, w2.p, w1.len))
		die("write(parse(write(parse(x)))) != write(parse(x))", flags, NULL);
out:
	ib_buf_free(&w1);
	ib_buf_free(&w2);
}

static void check_input(const uint8_t *buf, size_t size)
{
	bool accepted[8] = { false };
	for (unsigned flags = 0; flags < 8; flags++) {
		struct igvm_file f;
		struct igvm_diag d;
		memset(&d, 0, sizeof(d));
		int r = igvm_parse(buf, size, flags, &f, &d);
		if (r != 0 && r != -1)
			die("igvm_parse returned neither 0 nor -1", flags, &d);
		if (r) {
			if (d.rule == IGVM_RULE_NONE || d.rule >= IGVM_RULE_COUNT)
				die("igvm_parse failed without a rule", flags, &d);
			if (igvm_rule_api_code(&d) >= 0)
				die("a failure maps to a non-negative API code", flags, &d);
			if (f.count || f.hdr)
				die("a failed parse left headers in the model", flags, &d);
			continue;
		}
		accepted[flags] = true;
		if (f.count != f.section_count[0] + f.section_count[1] + f.section_count[2])
			die("section counts do not add up", flags, NULL);
		round_trip(&f, flags);
		igvm_file_free(&f);
	}
	for (unsigned flags = 0; flags < 8; flags++) {
		if ((flags & IGVM_PARSE_STRICT) && accepted[flags] && !accepted[flags & ~IGVM_PARSE_STRICT])
			die("accepted under the strict rules but not without them", flags, NULL);
		if (accepted[flags] && !accepted[flags | IGVM_PARSE_SKIP_OPTIONAL])
			die("accepted, but refused once optional headers may be skipped", flags, NULL);
		/* (With SKIP_OPTIONAL an optional CoRIM header is skipped unless CoRIM is on, then checked.) */
		if (!(flags & IGVM_PARSE_SKIP_OPTIONAL) && accepted[flags] && !accepted[flags | IGVM_PARSE_CORIM])
			die("accepted, but refused once CoRIM headers are allowed", flags, NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	check_input(copy, size);

	/*
	 * Almost every mutation of the headers breaks the CRC or the size field, so
	 * the input is also tried with both repaired: that lets the fuzzer reach
	 * the record and directive checks.
	 */
	if (size >= 24 && size <= UINT32_MAX) {
		uint32_t old_size = rf_rd32(copy, 16), old_crc = rf_rd32(copy, 0x14);
		rf_wr32(copy, 16, (uint32_t)size);
		if (rf_fix_crc(copy, size) && (rf_rd32(copy, 16) != old_size || rf_rd32(copy, 0x14) != old_crc))
			check_input(copy, size);
	}
	free(copy);
	return 0;
}
