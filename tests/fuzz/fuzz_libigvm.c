/* SPDX-License-Identifier: MIT */
/*
 * fuzz_libigvm.c — libFuzzer harness for libigvm, the IGVM C API.
 *
 * For every input: igvm_new_from_binary() must return a handle or a result
 * code a parse can give (never abort, never leak); for a file it accepts,
 * every section, header, record and data blob is fetched the way QEMU and
 * dump_igvm fetch them, and must be self-consistent: the record's type is
 * igvm_get_header_type()'s, its size is 8 + the length rounded up to 8, data
 * buffers are non-empty, and out-of-range indexes and sections are refused
 * with IGVMAPI_INVALID_PARAMETER. Violations abort(), which libFuzzer reports.
 *
 * libigvm's sources come in through FUZZ_EXTRA_SRC (libigvm/libigvm.mk).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../libigvm/include/igvm/igvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_libigvm: %s\n", what);
		abort();
	}
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > UINT32_MAX)
		return 0;
	IgvmHandle h = igvm_new_from_binary(data, (uint32_t)size);
	if (h <= 0) {
		check(h < 0 && h >= IGVMAPI_MEASUREMENT_FAILED && h != IGVMAPI_NO_DATA && h != IGVMAPI_INVALID_HANDLE,
		      "a refusal must be a parse result code");
		return 0;
	}
	for (uint32_t s = 0; s < 3; s++) {
		int32_t n = igvm_header_count(h, s);
		check(n >= 0, "a section count");
		for (int32_t i = 0; i < n; i++) {
			int32_t t = igvm_get_header_type(h, s, (uint32_t)i);
			IgvmHandle b = igvm_get_header(h, s, (uint32_t)i);
			check(b > 0, "every header has a record");
			const uint8_t *rec = igvm_get_buffer(h, b);
			int32_t len = igvm_get_buffer_size(h, b);
			check(rec && len >= 8 && rd32(rec) == (uint32_t)t, "the record's type");
			check((uint32_t)len == 8 + ((rd32(rec + 4) + 7) & ~7u), "the record's size");
			if (i % 2)
				igvm_free_buffer(h, b);
			IgvmHandle d = igvm_get_header_data(h, s, (uint32_t)i);
			if (d > 0) {
				const uint8_t *p = igvm_get_buffer(h, d);
				int32_t dn = igvm_get_buffer_size(h, d);
				check(p && dn > 0, "a data buffer");
				/* Touch both ends so ASan sees a short buffer. */
				volatile uint8_t x = p[0] ^ p[dn - 1];
				(void)x;
			} else {
				check(d == IGVMAPI_NO_DATA || (s == IGVM_HEADER_SECTION_PLATFORM && d == IGVMAPI_INVALID_PARAMETER),
				      "no data is IGVMAPI_NO_DATA");
			}
		}
		check(igvm_get_header(h, s, (uint32_t)n) == IGVMAPI_INVALID_PARAMETER, "index count is refused");
	}
	check(igvm_header_count(h, 3) == IGVMAPI_INVALID_PARAMETER, "section 3 is refused");
	igvm_free(h);
	check(igvm_header_count(h, 0) == IGVMAPI_INVALID_HANDLE, "a freed file is gone");
	return 0;
}
