/* SPDX-License-Identifier: MIT */
/*
 * test_reader_rules.c — every rule of the spec §1.4 and §5 (and the strict
 * extras listed at the end of §5), one corruption at a time.
 *
 * Each case starts from a valid file (made by the writer from a fixture, or,
 * where the writer cannot be made to produce the base, by the raw assembler in
 * rawfile.h), changes one thing, repairs the CRC unless the CRC is the point,
 * and asserts that igvm_parse() fails with the expected rule, a sensible
 * offset (inside the field, record or data it is about) and the reference's
 * IgvmResult code (igvm_rule_api_code()). Strict-only rules are checked both
 * ways: accepted without IGVM_PARSE_STRICT, rejected with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../format/igvm.h"
#include "../tools/fixtures.h"
#include "../tools/rawfile.h"
#include "tap.h"

#define STRICT IGVM_PARSE_STRICT
#define SKIPOPT IGVM_PARSE_SKIP_OPTIONAL
#define CORIM IGVM_PARSE_CORIM

/* IgvmResult codes (spec §9). */
enum {
	API_NO_PLATFORM_HEADERS = -5,
	API_PLATFORM = -9,
	API_INIT = -10,
	API_DIRECTIVE = -11,
	API_MULTIPLE_PLATFORMS = -12,
	API_PARAMETER_AREA_INDEX = -13,
	API_FIXED_HEADER = -16,
	API_VARIABLE_HEADER_SECTION = -17,
	API_CHECKSUM = -18,
	API_MULTIPLE_PT_RELOCATION = -19,
	API_RELOCATION_OVERLAP = -20,
	API_INSERT_IN_PT = -21,
	API_NO_MATCHING_VP_CONTEXT = -22,
	API_PLATFORM_ARCH = -23,
	API_HEADER_ARCH = -24,
	API_PAGE_SIZE = -25,
	API_CCA_MASK = -28,
};

/* ---- bases ------------------------------------------------------------------------ */

static struct ib_buf base_conf, base_snp, base_native, base_arm, base_multi, base_vbs, base_reloc, base_sersnp;

static void make_base(struct ib_buf *out, const char *name)
{
	for (size_t i = 0; i < FX_COUNT; i++) {
		if (strcmp(fx_fixtures[i].name, name))
			continue;
		struct igvm_diag d;
		int r = fx_write(&fx_fixtures[i], out, &d);
		if (!ok(r == 0, "base file %s is written", name))
			diag("%s: %s", igvm_rule_name(d.rule), d.detail);
		return;
	}
	ok(0, "fixture %s exists", name);
}

static struct ib_buf copy(const struct ib_buf *b)
{
	struct ib_buf c = IB_BUF_INIT;
	ib_buf_append(&c, b->p, b->len);
	return c;
}

/* The nth record of a type in a base file; a failed assertion if missing. */
static struct rf_rec rec_of(const struct ib_buf *b, uint32_t type, unsigned nth)
{
	struct rf_rec r = { 0, 0, 0, 0 };
	if (!b->p || !rf_find(b->p, b->len, type, nth, &r))
		ok(0, "record 0x%x #%u present in the base file", type, nth);
	return r;
}

/* ---- expectations ------------------------------------------------------------------- */

struct range {
	uint64_t lo, hi; /* [lo, hi) */
};

static struct range R(uint64_t lo, uint64_t hi)
{
	struct range r = { lo, hi };
	return r;
}

/* The whole record, TLV header included. */
static struct range REC(struct rf_rec r) { return R(r.off, (uint64_t)r.off + 8 + ((r.length + 7u) & ~7u)); }

static void show(const struct igvm_diag *d)
{
	diag("got rule %s (%d) at offset 0x%llx, api %d: %s", igvm_rule_name(d->rule), (int)d->rule,
	     (unsigned long long)d->offset, igvm_rule_api_code(d), d->detail);
}

/*
 * Asserts that parsing fails with `rule` and API code `api`, at an offset inside
 * `where` or `alt` (alt may be empty: R(0,0)). Three assertions.
 */
static void expect_fail2(const uint8_t *p, size_t len, unsigned flags, enum igvm_rule rule, int api,
			 struct range where, struct range alt, const char *name)
{
	struct igvm_file f;
	struct igvm_diag d;
	memset(&d, 0, sizeof(d));
	int r = igvm_parse(p, len, flags, &f, &d);
	if (r == 0) {
		ok(0, "%s: rejected with %s", name, igvm_rule_name(rule));
		diag("igvm_parse accepted the file");
		igvm_file_free(&f);
		ok(0, "%s: API code %d", name, api);
		ok(0, "%s: offset is sensible", name);
		return;
	}
	if (!ok(r == -1 && d.rule == rule, "%s: rejected with %s", name, igvm_rule_name(rule)))
		show(&d);
	if (!is_u64((uint64_t)(int64_t)igvm_rule_api_code(&d), (uint64_t)(int64_t)api, "%s: API code %d", name, api))
		show(&d);
	bool in = (d.offset >= where.lo && d.offset < where.hi) || (d.offset >= alt.lo && d.offset < alt.hi);
	if (!ok(in, "%s: offset 0x%llx is sensible", name, (unsigned long long)d.offset))
		diag("expected an offset in [0x%llx, 0x%llx)%s", (unsigned long long)where.lo, (unsigned long long)where.hi,
		     alt.hi > alt.lo ? " or the alternative range" : "");
	ok(f.count == 0 && f.hdr == NULL && f.warning_count == 0, "%s: the model is left empty", name);
}

static void expect_fail(const struct ib_buf *b, unsigned flags, enum igvm_rule rule, int api, struct range where,
			const char *name)
{
	expect_fail2(b->p, b->len, flags, rule, api, where, R(0, 0), name);
}

static bool expect_ok(const struct ib_buf *b, unsigned flags, const char *name)
{
	struct igvm_file f;
	struct igvm_diag d;
	int r = igvm_parse(b->p, b->len, flags, &f, &d);
	if (!ok(r == 0, "%s: accepted", name)) {
		show(&d);
		return false;
	}
	igvm_file_free(&f);
	return true;
}

/* ---- one-field corruptions -------------------------------------------------------------- */

enum width { W8 = 1, W16 = 2, W32 = 4, W64 = 8 };

static void put(uint8_t *p, size_t off, enum width w, uint64_t v)
{
	switch (w) {
	case W8:
		rf_wr8(p, off, (uint8_t)v);
		break;
	case W16:
		rf_wr16(p, off, (uint16_t)v);
		break;
	case W32:
		rf_wr32(p, off, (uint32_t)v);
		break;
	case W64:
		rf_wr64(p, off, v);
		break;
	}
}

/* A copy of base with one field set and the checksum repaired. */
static struct ib_buf with(const struct ib_buf *base, size_t off, enum width w, uint64_t v)
{
	struct ib_buf c = copy(base);
	if (c.p && off + w <= c.len) {
		put(c.p, off, w, v);
		rf_fix_crc(c.p, c.len);
	}
	return c;
}

static void fail_field(const struct ib_buf *base, size_t off, enum width w, uint64_t v, unsigned flags,
		       enum igvm_rule rule, int api, struct range where, const char *name)
{
	struct ib_buf c = with(base, off, w, v);
	expect_fail(&c, flags, rule, api, where, name);
	ib_buf_free(&c);
}

static void ok_field(const struct ib_buf *base, size_t off, enum width w, uint64_t v, unsigned flags, const char *name)
{
	struct ib_buf c = with(base, off, w, v);
	expect_ok(&c, flags, name);
	ib_buf_free(&c);
}

/* A strict-only rule: accepted by default, rejected under IGVM_PARSE_STRICT. */
static void strict_field(const struct ib_buf *base, size_t off, enum width w, uint64_t v, enum igvm_rule rule,
			 int api, struct range where, const char *name)
{
	struct ib_buf c = with(base, off, w, v);
	char n[200];
	snprintf(n, sizeof(n), "%s (default rules)", name);
	expect_ok(&c, 0, n);
	snprintf(n, sizeof(n), "%s (strict)", name);
	expect_fail(&c, STRICT, rule, api, where, n);
	/* field.reserved is shared: the reference enforces it for some headers, strict mode for the rest. */
	if (rule != IGVM_RULE_RESERVED)
		ok(igvm_rule_is_strict(rule), "%s: %s is listed as a strict-only rule", name, igvm_rule_name(rule));
	ib_buf_free(&c);
}

/* Swaps two adjacent records [a][b] into [b][a] and repairs the CRC. */
static struct ib_buf rotate(const struct ib_buf *base, struct rf_rec a, struct rf_rec b)
{
	struct ib_buf c = copy(base);
	size_t la = 8 + ((a.length + 7u) & ~7u), lb = 8 + ((b.length + 7u) & ~7u);
	if (c.p && a.off + la == b.off) {
		memcpy(c.p + a.off, base->p + b.off, lb);
		memcpy(c.p + a.off + lb, base->p + a.off, la);
		rf_fix_crc(c.p, c.len);
	} else {
		ok(0, "records to rotate are adjacent");
	}
	return c;
}

/* ---- §1.4 fixed header ----------------------------------------------------------------- */

static void test_fixed_header(void)
{
	const struct ib_buf *b = &base_conf;
	const uint32_t len = (uint32_t)b->len;
	uint8_t tiny[31];
	memcpy(tiny, base_native.p, sizeof(tiny));

	/* 1. size */
	expect_fail2(b->p, 0, 0, IGVM_RULE_FILE_TOO_SHORT, API_FIXED_HEADER, R(0, 32), R(0, 0), "empty file");
	expect_fail2(b->p, 23, 0, IGVM_RULE_FILE_TOO_SHORT, API_FIXED_HEADER, R(0, 32), R(0, 0), "23-byte file");
	expect_fail2(tiny, 31, 0, IGVM_RULE_FILE_TOO_SHORT, API_FIXED_HEADER, R(0, 32), R(0, 0),
		     "v2 file of 31 bytes (v2 header needs 32)");
	expect_fail2(tiny, 24, 0, IGVM_RULE_FILE_TOO_SHORT, API_FIXED_HEADER, R(0, 32), R(0, 0),
		     "v2 file of 24 bytes");

	/* 2. magic */
	fail_field(b, 0, W32, 0x4D564748, 0, IGVM_RULE_MAGIC, API_FIXED_HEADER, R(0, 4), "magic off by one");
	fail_field(b, 0, W32, 0x49475649, 0, IGVM_RULE_MAGIC, API_FIXED_HEADER, R(0, 4), "magic byte-swapped");

	/* 3. version, architecture, page size */
	fail_field(b, 4, W32, 0, 0, IGVM_RULE_FORMAT_VERSION, API_FIXED_HEADER, R(4, 8), "format_version 0");
	fail_field(b, 4, W32, 3, 0, IGVM_RULE_FORMAT_VERSION, API_FIXED_HEADER, R(4, 8), "format_version 3");
	fail_field(b, 4, W32, 0x100, 0, IGVM_RULE_FORMAT_VERSION, API_FIXED_HEADER, R(4, 8), "format_version 0x100");
	fail_field(&base_native, 0x18, W32, 2, 0, IGVM_RULE_ARCHITECTURE, API_FIXED_HEADER, R(0x18, 0x1C),
		   "v2 architecture 2");
	fail_field(&base_native, 0x18, W32, 0xFFFFFFFF, 0, IGVM_RULE_ARCHITECTURE, API_FIXED_HEADER, R(0x18, 0x1C),
		   "v2 architecture 0xFFFFFFFF");
	fail_field(&base_native, 0x1C, W32, 8192, 0, IGVM_RULE_PAGE_SIZE, API_PAGE_SIZE, R(0x1C, 0x20),
		   "v2 page_size 8192 (UnsupportedPageSize)");
	fail_field(&base_native, 0x1C, W32, 0, 0, IGVM_RULE_PAGE_SIZE, API_PAGE_SIZE, R(0x1C, 0x20), "v2 page_size 0");
	fail_field(&base_native, 0x1C, W32, 2u << 20, 0, IGVM_RULE_PAGE_SIZE, API_PAGE_SIZE, R(0x1C, 0x20),
		   "v2 page_size 2 MiB");

	/* 4. total_file_size */
	fail_field(b, 0x10, W32, len + 1, 0, IGVM_RULE_TOTAL_FILE_SIZE, API_FIXED_HEADER, R(0x10, 0x14),
		   "total_file_size one more than the file");
	fail_field(b, 0x10, W32, len - 1, 0, IGVM_RULE_TOTAL_FILE_SIZE, API_FIXED_HEADER, R(0x10, 0x14),
		   "total_file_size one less than the file");
	{
		struct ib_buf c = copy(b);
		ib_buf_append(&c, "", 1);
		expect_fail(&c, 0, IGVM_RULE_TOTAL_FILE_SIZE, API_FIXED_HEADER, R(0x10, 0x14), "one byte appended");
		ib_buf_free(&c);
	}

	/* 5. variable_header_offset inside the file */
	fail_field(b, 8, W32, len, 0, IGVM_RULE_VAR_HEADER_OFFSET, API_FIXED_HEADER, R(8, 12),
		   "variable_header_offset == file length");
	fail_field(b, 8, W32, 0xFFFFFFFF, 0, IGVM_RULE_VAR_HEADER_OFFSET, API_FIXED_HEADER, R(8, 12),
		   "variable_header_offset 0xFFFFFFFF");

	/* 6. offset + size strictly less than the length: the data section may not be empty */
	fail_field(b, 12, W32, len - 24, 0, IGVM_RULE_VAR_HEADER_SIZE, API_FIXED_HEADER, R(8, 16),
		   "variable headers reach the end of the file (empty data section)");
	fail_field(b, 12, W32, len, 0, IGVM_RULE_VAR_HEADER_SIZE, API_FIXED_HEADER, R(8, 16),
		   "variable headers run past the end");
	fail_field(b, 12, W32, 0xFFFFFFE8, 0, IGVM_RULE_VAR_HEADER_SIZE, API_FIXED_HEADER, R(8, 16),
		   "offset + size wraps to 0 in u32 arithmetic");
	fail_field(b, 12, W32, 0xFFFFFFFF, 0, IGVM_RULE_VAR_HEADER_SIZE, API_FIXED_HEADER, R(8, 16),
		   "offset + size overflows u32");
	{
		struct ib_buf c = with(b, 8, W32, 0xFFFFFF00u & (len - 1));
		put(c.p, 12, W32, 0x200);
		rf_wr32(c.p, 0x14, 0);
		expect_fail(&c, 0, IGVM_RULE_VAR_HEADER_SIZE, API_FIXED_HEADER, R(8, 16),
			    "offset near the end + size past the end");
		ib_buf_free(&c);
	}

	/* 7. checksum */
	{
		struct ib_buf c = copy(b);
		c.p[0x14] ^= 0x80;
		expect_fail(&c, 0, IGVM_RULE_CHECKSUM, API_CHECKSUM, R(0x14, 0x18), "checksum bit flipped");
		rf_wr32(c.p, 0x14, 0);
		expect_fail(&c, 0, IGVM_RULE_CHECKSUM, API_CHECKSUM, R(0x14, 0x18),
			    "checksum left 0 (svsm PR #193, igvm-tooling #49)");
		ib_buf_free(&c);
		c = copy(b);
		c.p[0x18 + 20] ^= 1; /* platform body */
		expect_fail(&c, 0, IGVM_RULE_CHECKSUM, API_CHECKSUM, R(0x14, 0x18), "variable-header byte changed");
		ib_buf_free(&c);
		/* ASCII '0' padding (igvm-tooling PR #59): padding is covered by the CRC. */
		c = copy(&base_snp);
		struct rf_rec vp = rec_of(&base_snp, IGVM_VHT_VP_CONTEXT, 0);
		memset(c.p + vp.body + 20, '0', 4);
		expect_fail(&c, 0, IGVM_RULE_CHECKSUM, API_CHECKSUM, R(0x14, 0x18),
			    "padding changed without a new CRC");
		ib_buf_free(&c);
	}
	/* The checksum covers the v2 fields too. */
	{
		struct ib_buf c = copy(&base_native);
		rf_wr32(c.p, 0x18, 1); /* aarch64: also breaks NATIVE, but the CRC is checked first */
		struct igvm_file f;
		struct igvm_diag d;
		int r = igvm_parse(c.p, c.len, 0, &f, &d);
		ok(r == -1 && (d.rule == IGVM_RULE_CHECKSUM || d.rule == IGVM_RULE_PLATFORM_ARCH),
		   "v2 architecture changed without a new CRC is rejected");
		ib_buf_free(&c);
	}
}

/* Strict: variable headers not right after the fixed header. */
static void test_placement(void)
{
	/* Insert `gap` zero bytes between the fixed header and the records, fixing every data offset. */
	static const uint32_t gaps[] = { 8, 4 };
	for (size_t g = 0; g < 2; g++) {
		uint32_t gap = gaps[g];
		const struct ib_buf *b = &base_conf;
		struct ib_buf c = IB_BUF_INIT;
		ib_buf_append(&c, b->p, 24);
		ib_buf_append_zero(&c, gap);
		ib_buf_append(&c, b->p + 24, b->len - 24);
		rf_wr32(c.p, 8, 24 + gap);
		rf_wr32(c.p, 16, (uint32_t)c.len);
		struct rf_rec recs[64];
		size_t n = rf_records(c.p, c.len, recs, 64);
		for (size_t i = 0; i < n; i++)
			if (recs[i].type == IGVM_VHT_PAGE_DATA)
				rf_wr32(c.p, recs[i].body + 12, rf_rd32(c.p, recs[i].body + 12) + gap);
		rf_fix_crc(c.p, c.len);
		char name[100];
		snprintf(name, sizeof(name), "%u-byte gap before the variable headers (reference rules)", gap);
		expect_ok(&c, 0, name);
		snprintf(name, sizeof(name), "%u-byte gap before the variable headers (strict)", gap);
		expect_fail(&c, STRICT, IGVM_RULE_VAR_HEADER_PLACEMENT, API_FIXED_HEADER, R(8, 16), name);
		ok(igvm_rule_is_strict(IGVM_RULE_VAR_HEADER_PLACEMENT), "variable-header placement is a strict rule");
		/* The gap is not covered by the CRC (§1.3). */
		c.p[24] = 0x55;
		snprintf(name, sizeof(name), "%u-byte gap: its bytes are outside the CRC", gap);
		expect_ok(&c, 0, name);
		ib_buf_free(&c);
	}
}

/* ---- §5 A: framing and section order ---------------------------------------------------- */

static void test_framing(void)
{
	const struct ib_buf *b = &base_conf;
	struct rf_rec plat = rec_of(b, IGVM_VHT_SUPPORTED_PLATFORM, 0);
	struct rf_rec pol0 = rec_of(b, IGVM_VHT_GUEST_POLICY, 0);
	struct rf_rec pol1 = rec_of(b, IGVM_VHT_GUEST_POLICY, 1);
	struct rf_rec page0 = rec_of(b, IGVM_VHT_PAGE_DATA, 0);
	struct rf_rec vpc = rec_of(b, IGVM_VHT_VP_COUNT_PARAMETER, 0);
	struct rf_rec ins = rec_of(b, IGVM_VHT_PARAMETER_INSERT, 0);

	/* 1. fewer than 8 bytes left for a record header */
	{
		struct ib_buf m = IB_BUF_INIT;
		struct igvm_file f;
		igvm_file_init(&f, 1, IGVM_ARCH_X64);
		fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
		struct igvm_diag d;
		ok(igvm_write(&f, &m, &d) == 0, "a platform-only file is written");
		igvm_file_free(&f);
		uint32_t vhs = rf_rd32(m.p, 12);
		for (uint32_t extra = 1; extra < 8 && m.p; extra += 3) {
			/* Grow the section into the (zero) data bytes the writer appended. */
			struct ib_buf c = with(&m, 12, W32, vhs + extra);
			char name[80];
			snprintf(name, sizeof(name), "%u stray bytes after the last record", extra);
			expect_fail(&c, 0, IGVM_RULE_RECORD_TRUNCATED, API_VARIABLE_HEADER_SECTION,
				    R(24 + vhs, 24 + vhs + extra), name);
			ib_buf_free(&c);
		}
		ib_buf_free(&m);
	}

	/* 1. types outside the three ranges, including bit 31 */
	static const uint32_t out_of_range[] = { 0x0, 0x201, 0x250, 0x300, 0x401, 0x1000, 0x80000302u,
						 0x80000101u, 0x80000001u, 0xFFFFFFFFu };
	for (size_t i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++) {
		char name[80];
		snprintf(name, sizeof(name), "type 0x%x in place of PAGE_DATA", out_of_range[i]);
		fail_field(b, page0.off, W32, out_of_range[i], 0, IGVM_RULE_TYPE_RANGE, API_VARIABLE_HEADER_SECTION,
			   REC(page0), name);
	}

	/* 2. section order */
	{
		struct ib_buf c = rotate(b, pol1, page0);
		expect_fail(&c, 0, IGVM_RULE_SECTION_ORDER, API_VARIABLE_HEADER_SECTION, R(pol1.off, page0.off + 32),
			    "initialization header after a directive");
		ib_buf_free(&c);
		struct rf_rec p2 = rec_of(&base_multi, IGVM_VHT_SUPPORTED_PLATFORM, 2);
		struct rf_rec i0 = rec_of(&base_multi, IGVM_VHT_GUEST_POLICY, 0);
		c = rotate(&base_multi, p2, i0);
		expect_fail(&c, 0, IGVM_RULE_SECTION_ORDER, API_VARIABLE_HEADER_SECTION, R(p2.off, i0.off + 24),
			    "platform header after an initialization header");
		ib_buf_free(&c);
		/* A platform record type in the directive section. */
		fail_field(b, ins.off, W32, IGVM_VHT_SUPPORTED_PLATFORM, 0, IGVM_RULE_SECTION_ORDER,
			   API_VARIABLE_HEADER_SECTION, REC(ins), "platform header after the directives");
		/* An empty initialization section is fine; so is going straight to directives. */
		c = copy(&base_multi);
		expect_ok(&c, 0, "multi-platform base");
		ib_buf_free(&c);
		expect_ok(&base_native, STRICT, "no initialization section at all");
	}

	/* 3. wrong length for a known type, per section */
	fail_field(b, plat.off + 4, W32, 24, 0, IGVM_RULE_RECORD_LENGTH, API_PLATFORM, REC(plat),
		   "SUPPORTED_PLATFORM length 24");
	fail_field(b, plat.off + 4, W32, 8, 0, IGVM_RULE_RECORD_LENGTH, API_PLATFORM, REC(plat),
		   "SUPPORTED_PLATFORM length 8");
	fail_field(b, pol0.off + 4, W32, 8, 0, IGVM_RULE_RECORD_LENGTH, API_INIT, REC(pol0), "GUEST_POLICY length 8");
	fail_field(b, page0.off + 4, W32, 16, 0, IGVM_RULE_RECORD_LENGTH, API_DIRECTIVE, REC(page0),
		   "PAGE_DATA length 16");
	fail_field(b, page0.off + 4, W32, 0, 0, IGVM_RULE_RECORD_LENGTH, API_DIRECTIVE, REC(page0), "PAGE_DATA length 0");
	fail_field(b, page0.off + 4, W32, 0xFFFFFFF8u, 0, IGVM_RULE_RECORD_LENGTH, API_DIRECTIVE, REC(page0),
		   "PAGE_DATA length 0xFFFFFFF8");
	fail_field(b, vpc.off + 4, W32, 16, 0, IGVM_RULE_RECORD_LENGTH, API_DIRECTIVE, REC(vpc),
		   "VP_COUNT_PARAMETER length 16");
	{
		struct rf_rec vp = rec_of(&base_snp, IGVM_VHT_VP_CONTEXT, 0);
		fail_field(&base_snp, vp.off + 4, W32, 24, 0, IGVM_RULE_RECORD_LENGTH, API_DIRECTIVE, REC(vp),
			   "VP_CONTEXT length 24 (sizeof an 8-aligned C struct)");
		struct rf_rec mm = rec_of(&base_snp, IGVM_VHT_MEMORY_MAP, 0);
		/* igvm-tooling's old layout: MMIO_RANGES with a 32-byte body (spec §11 #15). */
		fail_field(&base_snp, mm.off + 4, W32, 32, 0, IGVM_RULE_RECORD_LENGTH, API_DIRECTIVE, REC(mm),
			   "MEMORY_MAP length 32");
	}

	/* 3. unknown types inside a range, 0x306, and CoRIM without the option */
	fail_field(b, plat.off, W32, 0x002, 0, IGVM_RULE_UNKNOWN_TYPE, API_PLATFORM, REC(plat), "type 0x002 (platform range)");
	fail_field(b, plat.off, W32, 0x100, 0, IGVM_RULE_UNKNOWN_TYPE, API_PLATFORM, REC(plat), "type 0x100 (platform range)");
	fail_field(b, pol0.off, W32, 0x107, 0, IGVM_RULE_UNKNOWN_TYPE, API_INIT, REC(pol0), "type 0x107 (init range)");
	fail_field(b, pol0.off, W32, 0x200, 0, IGVM_RULE_UNKNOWN_TYPE, API_INIT, REC(pol0), "type 0x200 (init range)");
	fail_field(b, pol0.off, W32, IGVM_VHT_CORIM_DOCUMENT, 0, IGVM_RULE_UNKNOWN_TYPE, API_INIT, REC(pol0),
		   "CORIM_DOCUMENT without IGVM_PARSE_CORIM");
	fail_field(b, pol0.off, W32, IGVM_VHT_CORIM_SIGNATURE, 0, IGVM_RULE_UNKNOWN_TYPE, API_INIT, REC(pol0),
		   "CORIM_SIGNATURE without IGVM_PARSE_CORIM");
	fail_field(b, page0.off, W32, IGVM_VHT_RESERVED_DO_NOT_USE, 0, IGVM_RULE_UNKNOWN_TYPE, API_DIRECTIVE, REC(page0),
		   "type 0x306 (RESERVED_DO_NOT_USE)");
	fail_field(b, page0.off, W32, 0x314, 0, IGVM_RULE_UNKNOWN_TYPE, API_DIRECTIVE, REC(page0), "type 0x314");
	fail_field(b, page0.off, W32, 0x400, 0, IGVM_RULE_UNKNOWN_TYPE, API_DIRECTIVE, REC(page0), "type 0x400");

	/* 4. a body running past the end of the section */
	{
		uint32_t vhs = rf_rd32(b->p, 12);
		fail_field(b, 12, W32, vhs - 8, 0, IGVM_RULE_RECORD_PAST_SECTION, API_DIRECTIVE, REC(ins),
			   "last record cut by the section end");
		fail_field(b, 12, W32, vhs - 1, 0, IGVM_RULE_RECORD_PAST_SECTION, API_DIRECTIVE, REC(ins),
			   "last record's final byte outside the section");
		struct rf_rec vp = rec_of(&base_snp, IGVM_VHT_VP_CONTEXT, 0);
		uint32_t svhs = rf_rd32(base_snp.p, 12);
		if (ok(vp.off + 32 == 24 + svhs, "the VMSA record is the last one of snp-kvm"))
			fail_field(&base_snp, 12, W32, svhs - 4, 0, IGVM_RULE_RECORD_PAST_SECTION, API_DIRECTIVE, REC(vp),
				   "VP_CONTEXT as last record without its 4 padding bytes");
	}

	/* Strict: non-zero padding (it is inside the CRC, which is repaired here). */
	{
		struct rf_rec vp = rec_of(&base_snp, IGVM_VHT_VP_CONTEXT, 0);
		strict_field(&base_snp, vp.body + 20, W8, 0x30, IGVM_RULE_PADDING, API_VARIABLE_HEADER_SECTION, REC(vp),
			     "VP_CONTEXT padding byte '0'");
		strict_field(&base_snp, vp.body + 23, W8, 0x01, IGVM_RULE_PADDING, API_VARIABLE_HEADER_SECTION, REC(vp),
			     "VP_CONTEXT last padding byte 1");
	}
}

/* Unknown types: reference behaviour by default, spec behaviour with IGVM_PARSE_SKIP_OPTIONAL. */
static void test_unknown_types(void)
{
	const struct ib_buf *b = &base_conf;
	struct rf_rec page0 = rec_of(b, IGVM_VHT_PAGE_DATA, 0);
	struct rf_rec pol1 = rec_of(b, IGVM_VHT_GUEST_POLICY, 1);
	static const struct {
		uint32_t type;
		bool init;
		const char *what;
	} optional[] = {
		{ 0x80000399u, false, "optional 0x399 (directive range)" },
		{ 0x80000500u, false, "optional 0x500 (no range)" },
		{ 0x80000000u, false, "optional 0x000" },
		{ 0x80000150u, true, "optional 0x150 (init range)" },
	};
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		struct rf_rec at = optional[i].init ? pol1 : page0;
		struct ib_buf c = with(b, at.off, W32, optional[i].type);
		char name[100];
		snprintf(name, sizeof(name), "%s, default rules", optional[i].what);
		expect_fail(&c, 0, IGVM_RULE_TYPE_RANGE, API_VARIABLE_HEADER_SECTION, REC(at), name);
		snprintf(name, sizeof(name), "%s, strict rules", optional[i].what);
		expect_fail(&c, STRICT, IGVM_RULE_TYPE_RANGE, API_VARIABLE_HEADER_SECTION, REC(at), name);

		struct igvm_file f;
		struct igvm_diag d;
		int r = igvm_parse(c.p, c.len, SKIPOPT, &f, &d);
		if (!ok(r == 0, "%s: kept with IGVM_PARSE_SKIP_OPTIONAL", optional[i].what)) {
			show(&d);
		} else {
			const struct igvm_header *h = NULL;
			for (size_t k = 0; k < f.count; k++)
				if (f.hdr[k].record_offset == at.off)
					h = &f.hdr[k];
			ok(h && !h->known, "%s: the header is kept as unknown (known == false)", optional[i].what);
			is_u64(h ? h->type : 0, optional[i].type, "%s: its type is kept as stored, bit 31 included",
			       optional[i].what);
			is_u64(h ? h->length : 0, at.length, "%s: its length is kept", optional[i].what);
			ok(h && h->raw && !memcmp(h->raw, c.p + at.body, at.length), "%s: its raw body points at the record",
			   optional[i].what);
			is_u64(f.count, 14, "%s: all 14 headers are listed", optional[i].what);
			is_u64(f.section_count[IGVM_SECTION_PLATFORM] + f.section_count[IGVM_SECTION_INITIALIZATION] +
				       f.section_count[IGVM_SECTION_DIRECTIVE],
			       14, "%s: section counts add up", optional[i].what);
			/* The writer keeps the opaque header: same place, type, length and body. */
			size_t idx = h ? (size_t)(h - f.hdr) : 0;
			struct ib_buf out = IB_BUF_INIT;
			r = igvm_write(&f, &out, &d);
			igvm_file_free(&f);
			bool kept = false;
			if (r == 0 && igvm_parse(out.p, out.len, SKIPOPT, &f, &d) == 0) {
				const struct igvm_header *k = idx < f.count ? &f.hdr[idx] : NULL;
				kept = k && !k->known && k->type == optional[i].type && k->length == at.length &&
				       k->record_offset == at.off && !memcmp(k->raw, c.p + at.body, at.length);
				igvm_file_free(&f);
			} else {
				show(&d);
			}
			ok(kept, "%s: igvm_write keeps the opaque header", optional[i].what);
			if (optional[i].init)
				ok(r == 0 && out.len == c.len && !memcmp(out.p, c.p, c.len),
				   "%s: round trip is byte-identical", optional[i].what);
			ib_buf_free(&out);
		}
		r = igvm_parse(c.p, c.len, SKIPOPT | STRICT, &f, &d);
		if (ok(r == 0, "%s: kept with SKIP_OPTIONAL | STRICT", optional[i].what))
			igvm_file_free(&f);
		else
			show(&d);
		ib_buf_free(&c);
	}

	/* Without bit 31, an unknown type fails in both modes. */
	static const struct {
		uint32_t type;
		enum igvm_rule rule;
		int api;
	} required[] = {
		{ 0x399, IGVM_RULE_UNKNOWN_TYPE, API_DIRECTIVE },
		{ 0x306, IGVM_RULE_UNKNOWN_TYPE, API_DIRECTIVE },
		{ 0x500, IGVM_RULE_TYPE_RANGE, API_VARIABLE_HEADER_SECTION },
		{ 0x7FFFFFFF, IGVM_RULE_TYPE_RANGE, API_VARIABLE_HEADER_SECTION },
	};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		char name[100];
		snprintf(name, sizeof(name), "type 0x%x without bit 31, SKIP_OPTIONAL", required[i].type);
		fail_field(b, page0.off, W32, required[i].type, SKIPOPT, required[i].rule, required[i].api, REC(page0), name);
		snprintf(name, sizeof(name), "type 0x%x without bit 31, default", required[i].type);
		fail_field(b, page0.off, W32, required[i].type, 0, required[i].rule, required[i].api, REC(page0), name);
	}

	/* An unknown optional header with a huge length cannot run past the section. */
	{
		struct ib_buf c = with(b, page0.off, W32, 0x80000399u);
		put(c.p, page0.off + 4, W32, 0xFFFFFFF9u);
		rf_fix_crc(c.p, c.len);
		expect_fail(&c, SKIPOPT, IGVM_RULE_RECORD_PAST_SECTION, API_DIRECTIVE, REC(page0),
			    "optional unknown header of length 0xFFFFFFF9");
		ib_buf_free(&c);
	}

	/* A known type with bit 31 set is still that type in spec mode, and must round-trip unchanged. */
	{
		struct rf_rec pol0 = rec_of(b, IGVM_VHT_GUEST_POLICY, 0);
		struct ib_buf c = with(b, pol0.off, W32, 0x80000000u | IGVM_VHT_GUEST_POLICY);
		expect_fail(&c, 0, IGVM_RULE_TYPE_RANGE, API_VARIABLE_HEADER_SECTION, REC(pol0),
			    "GUEST_POLICY with bit 31, default rules");
		struct igvm_file f;
		struct igvm_diag d;
		int r = igvm_parse(c.p, c.len, SKIPOPT, &f, &d);
		if (ok(r == 0, "GUEST_POLICY with bit 31 is accepted with SKIP_OPTIONAL")) {
			const struct igvm_header *h = &f.hdr[1];
			ok(h->record_offset == pol0.off && h->section == IGVM_SECTION_INITIALIZATION,
			   "... as an initialization header");
			is_u64(h->type, IGVM_VHT_GUEST_POLICY,
			       "... with its type code without bit 31 (igvm.h: struct igvm_header.type)");
			ok(h->known && h->optional, "... known, and marked optional");
			struct ib_buf out = IB_BUF_INIT;
			r = igvm_write(&f, &out, &d);
			ok(r == 0 && out.len == c.len && !memcmp(out.p, c.p, c.len),
			   "... and igvm_write gives the same bytes back (the optional bit is not lost)");
			ib_buf_free(&out);
			igvm_file_free(&f);
		} else {
			show(&d);
		}
		ib_buf_free(&c);
	}
}

/* ---- §5 B: platform headers -------------------------------------------------------------- */

static void test_platform(void)
{
	const struct ib_buf *b = &base_conf;
	struct rf_rec plat = rec_of(b, IGVM_VHT_SUPPORTED_PLATFORM, 0);
	const uint32_t pb = plat.body;

	/* 5. no platform header */
	{
		struct ib_buf c = copy(b);
		static const uint8_t policy_rec[24] = { 0x01, 0x01, 0, 0, 0x10, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 1 };
		memcpy(c.p + plat.off, policy_rec, sizeof(policy_rec));
		rf_fix_crc(c.p, c.len);
		expect_fail(&c, 0, IGVM_RULE_NO_PLATFORM, API_NO_PLATFORM_HEADERS, R(24, plat.off + 24),
			    "platform header replaced by a GUEST_POLICY");
		ib_buf_free(&c);
		fail_field(b, 12, W32, 0, 0, IGVM_RULE_NO_PLATFORM, API_NO_PLATFORM_HEADERS, R(0, 32),
			   "empty variable-header section");
		struct rf_rec page0 = rec_of(b, IGVM_VHT_PAGE_DATA, 0);
		c = copy(b);
		/* Drop platform and policies: make the section start at the first directive. */
		put(c.p, 8, W32, page0.off);
		put(c.p, 12, W32, rf_rd32(b->p, 12) - (page0.off - 24));
		rf_wr32(c.p, 0x14, 0);
		rf_fix_crc(c.p, c.len);
		expect_fail(&c, 0, IGVM_RULE_NO_PLATFORM, API_NO_PLATFORM_HEADERS, R(0, page0.off + 32),
			    "a file with directives only");
		ib_buf_free(&c);
	}

	/* 6. fields */
	static const uint32_t bad_masks[] = { 0, 3, 0x80000001u, 0xFFFFFFFFu };
	for (size_t i = 0; i < 4; i++) {
		char name[60];
		snprintf(name, sizeof(name), "platform mask 0x%x", bad_masks[i]);
		fail_field(b, pb, W32, bad_masks[i], 0, IGVM_RULE_PLATFORM_MASK, API_PLATFORM, REC(plat), name);
	}
	ok_field(b, pb, W32, 0x80000000u, 0, "platform mask 0x80000000 (bit 31 alone is one bit)");
	fail_field(b, pb + 4, W8, 1, 0, IGVM_RULE_PLATFORM_VTL, API_PLATFORM, REC(plat), "highest_vtl 1");
	fail_field(b, pb + 4, W8, 3, 0, IGVM_RULE_PLATFORM_VTL, API_PLATFORM, REC(plat), "highest_vtl 3");
	fail_field(b, pb + 4, W8, 0xFF, 0, IGVM_RULE_PLATFORM_VTL, API_PLATFORM, REC(plat), "highest_vtl 0xFF");
	ok_field(b, pb + 4, W8, 2, STRICT, "highest_vtl 2");
	fail_field(b, pb + 6, W16, 0, 0, IGVM_RULE_PLATFORM_VERSION, API_PLATFORM, REC(plat), "platform_version 0");
	fail_field(b, pb + 6, W16, 2, 0, IGVM_RULE_PLATFORM_VERSION, API_PLATFORM, REC(plat), "platform_version 2");
	fail_field(b, pb + 8, W64, 1ull << 40, 0, IGVM_RULE_PLATFORM_SHARED_GPA, API_PLATFORM, REC(plat),
		   "shared_gpa_boundary for VSM_ISOLATION");
	{
		struct rf_rec np = rec_of(&base_native, IGVM_VHT_SUPPORTED_PLATFORM, 0);
		fail_field(&base_native, np.body + 8, W64, 0x1000, 0, IGVM_RULE_PLATFORM_SHARED_GPA, API_PLATFORM, REC(np),
			   "shared_gpa_boundary for NATIVE");
		struct rf_rec sp = rec_of(&base_sersnp, IGVM_VHT_SUPPORTED_PLATFORM, 0);
		ok_field(&base_sersnp, sp.body + 8, W64, 1ull << 46, STRICT, "shared_gpa_boundary for SEV_SNP is allowed");
		struct rf_rec tp = rec_of(&base_multi, IGVM_VHT_SUPPORTED_PLATFORM, 1);
		ok_field(&base_multi, tp.body + 8, W64, 1ull << 47, STRICT, "shared_gpa_boundary for TDX is allowed");
	}
	fail_field(b, pb + 5, W8, 7, 0, IGVM_RULE_PLATFORM_TYPE, API_PLATFORM, REC(plat), "platform_type 7");
	fail_field(b, pb + 5, W8, 0xFF, 0, IGVM_RULE_PLATFORM_TYPE, API_PLATFORM, REC(plat), "platform_type 0xFF");

	/* 7. the same platform type twice */
	{
		struct rf_rec p1 = rec_of(&base_multi, IGVM_VHT_SUPPORTED_PLATFORM, 1);
		fail_field(&base_multi, p1.body + 5, W8, IGVM_PLATFORM_SEV_SNP, 0, IGVM_RULE_PLATFORM_DUPLICATE,
			   API_MULTIPLE_PLATFORMS, REC(p1), "two SEV_SNP platforms");
	}

	/* 8. platform not on this architecture */
	fail_field(b, pb + 5, W8, IGVM_PLATFORM_CCA, 0, IGVM_RULE_PLATFORM_ARCH, API_PLATFORM_ARCH, REC(plat),
		   "CCA in an x64 (v1) file");
	{
		struct rf_rec ap = rec_of(&base_arm, IGVM_VHT_SUPPORTED_PLATFORM, 0);
		struct ib_buf c = with(&base_arm, ap.body + 5, W8, IGVM_PLATFORM_SEV_SNP);
		expect_fail(&c, 0, IGVM_RULE_PLATFORM_ARCH, API_PLATFORM_ARCH, REC(ap), "SEV_SNP in an AArch64 file");
		ib_buf_free(&c);
		struct rf_rec np = rec_of(&base_native, IGVM_VHT_SUPPORTED_PLATFORM, 0);
		fail_field(&base_native, 0x18, W32, IGVM_ARCH_AARCH64, 0, IGVM_RULE_PLATFORM_ARCH, API_PLATFORM_ARCH,
			   REC(np), "NATIVE in an AArch64 file");
	}

	/* Strict: two platforms sharing a mask bit. */
	{
		struct rf_rec p1 = rec_of(&base_multi, IGVM_VHT_SUPPORTED_PLATFORM, 1);
		strict_field(&base_multi, p1.body, W32, 0x1, IGVM_RULE_PLATFORM_MASK_DUPLICATE, API_PLATFORM, REC(p1),
			     "TDX with the SNP platform's mask");
	}
}

/* ---- §5 C: initialization headers ------------------------------------------------------- */

/* Structural variants of the relocation fixture, made with the raw assembler. */
enum {
	RV_SECOND_PT = 1 << 0,
	RV_OVERLAP = 1 << 1,
	RV_NO_VBS = 1 << 2,
	RV_VBS_VTL2 = 1 << 3,
	RV_INSERT_IN_PT = 1 << 4,
	RV_CONTEXT_OTHER_MASK = 1 << 5,
};

static bool build_reloc(struct ib_buf *out, unsigned v)
{
	struct rb r;
	rb_init(&r, 1, IGVM_ARCH_X64);
	struct igvm_vhs_supported_platform p = { 0x1, 2, IGVM_PLATFORM_VSM_ISOLATION, 1, 0 };
	rb_rec(&r, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p), -1, 0);
	if (v & RV_CONTEXT_OTHER_MASK) {
		struct igvm_vhs_supported_platform p2 = { 0x2, 0, IGVM_PLATFORM_SEV_SNP, 1, 0 };
		rb_rec(&r, IGVM_VHT_SUPPORTED_PLATFORM, &p2, sizeof(p2), -1, 0);
	}
	struct igvm_vhs_relocatable_region rr = { 0x1, 0, 0, IGVM_RELOC_FLAG_APPLY_RIP, 0x200000, FX_RELOC_REGION_GPA,
						  0x200000, 0x1000000, 0x8000000 };
	rb_rec(&r, IGVM_VHT_RELOCATABLE_REGION, &rr, sizeof(rr), -1, 0);
	struct igvm_vhs_page_table_relocation pt = { 0x1, 0, 0, 0, (v & RV_OVERLAP) ? FX_RELOC_REGION_GPA + 0x100000
										      : FX_PT_REGION_GPA,
						     0x10000, 0x4000 };
	rb_rec(&r, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, &pt, sizeof(pt), -1, 0);
	if (v & RV_SECOND_PT) {
		struct igvm_vhs_page_table_relocation pt2 = { 0x1, 0, 0, 0, 0x3000000, 0x1000, 0x1000 };
		rb_rec(&r, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, &pt2, sizeof(pt2), -1, 0);
	}
	uint8_t page[4096];
	memset(page, 0x11, sizeof(page));
	uint32_t code = rb_blob(&r, page, sizeof(page), 0);
	memset(page, 0x22, sizeof(page));
	uint32_t tables = rb_blob(&r, page, sizeof(page), 0);
	struct igvm_vhs_page_data pd = { FX_RELOC_REGION_GPA, 0x1, 0, 0, 0, 0 };
	rb_rec(&r, IGVM_VHT_PAGE_DATA, &pd, sizeof(pd), 12, code);
	pd.gpa = FX_PT_REGION_GPA;
	rb_rec(&r, IGVM_VHT_PAGE_DATA, &pd, sizeof(pd), 12, tables);
	struct igvm_vhs_parameter_area pa = { 0x1000, 0, 0 };
	rb_rec(&r, IGVM_VHT_PARAMETER_AREA, &pa, sizeof(pa), -1, 0);
	struct igvm_vhs_parameter pu = { 0, 0 };
	rb_rec(&r, IGVM_VHT_VP_COUNT_PARAMETER, &pu, sizeof(pu), -1, 0);
	struct igvm_vhs_parameter_insert in = { (v & RV_INSERT_IN_PT) ? FX_PT_REGION_GPA + 0x1000 : 0x4000000, 0x1, 0 };
	rb_rec(&r, IGVM_VHT_PARAMETER_INSERT, &in, sizeof(in), -1, 0);
	if (!(v & RV_NO_VBS)) {
		uint8_t ctx[4 + 64];
		uint32_t count = 2;
		uint8_t vtl = (v & RV_VBS_VTL2) ? 2 : 0;
		memcpy(ctx, &count, 4);
		fx_vbs_reg(ctx + 4, vtl, FX_REG_X64_RIP, FX_RELOC_REGION_GPA);
		fx_vbs_reg(ctx + 36, vtl, 0x40002, FX_PT_REGION_GPA);
		uint32_t c = rb_blob(&r, ctx, sizeof(ctx), 0);
		struct igvm_vhs_vp_context vp = { 0, 0x1, 0, 0, 0 };
		rb_rec(&r, IGVM_VHT_VP_CONTEXT, &vp, sizeof(vp), 12, c);
	}
	bool okay = rb_finish(&r, out);
	rb_free(&r);
	return okay;
}

static void test_init(void)
{
	/* The raw assembler and the writer agree on the valid relocation file. */
	{
		struct ib_buf raw = IB_BUF_INIT;
		ok(build_reloc(&raw, 0), "raw relocation file is assembled");
		ok(raw.len == base_reloc.len && !memcmp(raw.p, base_reloc.p, raw.len),
		   "the raw assembler and igvm_write agree byte for byte (vbs-reloc)");
		expect_ok(&raw, STRICT, "valid relocation file");
		ib_buf_free(&raw);
	}

	const struct ib_buf *b = &base_conf;
	struct rf_rec pol0 = rec_of(b, IGVM_VHT_GUEST_POLICY, 0);

	/* 9. reserved fields */
	fail_field(b, pol0.body + 12, W32, 1, 0, IGVM_RULE_RESERVED, API_INIT, REC(pol0), "GUEST_POLICY reserved");
	{
		struct rf_rec cp = rec_of(&base_arm, IGVM_VHT_CCA_POLICY, 0);
		fail_field(&base_arm, cp.body + 4, W32, 1, 0, IGVM_RULE_RESERVED, API_INIT, REC(cp), "CCA_POLICY reserved");
		fail_field(&base_arm, cp.body + 0x1F, W8, 1, 0, IGVM_RULE_RESERVED, API_INIT, REC(cp),
			   "CCA_POLICY reserved2 last byte");
		fail_field(&base_arm, cp.body + 0x1A, W8, 0x80, 0, IGVM_RULE_RESERVED, API_INIT, REC(cp),
			   "CCA_POLICY reserved2 first byte");

		/* 13. CCA policy */
		fail_field(&base_arm, cp.body + 0x10, W64, IGVM_CCA_ATTR_MEC, 0, IGVM_RULE_CCA_ONES_ZEROES, API_INIT,
			   REC(cp), "CCA attribute required both zero and one");
		fail_field(&base_arm, cp.body, W32, 0x3, 0, IGVM_RULE_CCA_MASK, API_CCA_MASK, REC(cp),
			   "CCA_POLICY mask includes the VSM platform's bit");
		fail_field(&base_arm, cp.body, W32, 0x6, 0, IGVM_RULE_CCA_MASK, API_CCA_MASK, REC(cp),
			   "CCA_POLICY mask includes a bit no platform owns");
	}
	{
		/* CCA_POLICY in an x64 file (its mask names the SNP platform). */
		struct rb r;
		rb_init(&r, 1, IGVM_ARCH_X64);
		struct igvm_vhs_supported_platform p = { 0x1, 0, IGVM_PLATFORM_SEV_SNP, 1, 0 };
		rb_rec(&r, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p), -1, 0);
		struct igvm_vhs_cca_policy cp = { 0x1, 0, 0, 0, 0, 0, { 0 } };
		size_t at = rb_rec(&r, IGVM_VHT_CCA_POLICY, &cp, sizeof(cp), -1, 0);
		uint8_t page[4096] = { 1 };
		uint32_t d = rb_blob(&r, page, sizeof(page), 0);
		struct igvm_vhs_page_data pd = { 0, 0x1, 0, 0, 0, 0 };
		rb_rec(&r, IGVM_VHT_PAGE_DATA, &pd, sizeof(pd), 12, d);
		struct ib_buf c = IB_BUF_INIT;
		rb_finish(&r, &c);
		rb_free(&r);
		expect_fail(&c, 0, IGVM_RULE_HEADER_ARCH, API_HEADER_ARCH, R(24 + at, 24 + at + 40), "CCA_POLICY in an x64 file");
		ib_buf_free(&c);
	}

	const struct ib_buf *rl = &base_reloc;
	struct rf_rec rr = rec_of(rl, IGVM_VHT_RELOCATABLE_REGION, 0);
	struct rf_rec pt = rec_of(rl, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, 0);
	fail_field(rl, pt.body + 7, W8, 1, 0, IGVM_RULE_RESERVED, API_INIT, REC(pt), "PAGE_TABLE_RELOCATION reserved");

	/* 10. vtl > 2 */
	fail_field(rl, rr.body + 6, W8, 3, 0, IGVM_RULE_VTL, API_INIT, REC(rr), "RELOCATABLE_REGION vtl 3");
	fail_field(rl, pt.body + 6, W8, 3, 0, IGVM_RULE_VTL, API_INIT, REC(pt), "PAGE_TABLE_RELOCATION vtl 3");

	/* 11. relocatable region arithmetic */
	fail_field(rl, rr.body + 0x18, W64, 0x200800, 0, IGVM_RULE_RELOCATION_SIZE, API_INIT, REC(rr),
		   "relocation size not a 4 KiB multiple");
	fail_field(rl, rr.body + 0x18, W64, 0, 0, IGVM_RULE_RELOCATION_SIZE, API_INIT, REC(rr),
		   "relocation size 0 (reference hazard)");
	fail_field(rl, rr.body + 8, W64, 0x1800, 0, IGVM_RULE_RELOCATION_ALIGNMENT, API_INIT, REC(rr),
		   "relocation alignment not a 4 KiB multiple");
	fail_field(rl, rr.body + 8, W64, 0, 0, IGVM_RULE_RELOCATION_ALIGNMENT, API_INIT, REC(rr),
		   "relocation alignment 0 (reference divides by zero)");
	fail_field(rl, rr.body + 0x10, W64, FX_RELOC_REGION_GPA + 0x1000, 0, IGVM_RULE_RELOCATION_ADDRESS, API_INIT,
		   REC(rr), "relocation gpa not a multiple of the alignment");
	fail_field(rl, rr.body + 0x20, W64, 0x1001000, 0, IGVM_RULE_RELOCATION_ADDRESS, API_INIT, REC(rr),
		   "minimum relocation gpa not a multiple of the alignment");
	fail_field(rl, rr.body + 0x28, W64, 0x8001000, 0, IGVM_RULE_RELOCATION_ADDRESS, API_INIT, REC(rr),
		   "maximum relocation gpa not a multiple of the alignment");
	ok_field(rl, rr.body + 8, W64, 0x1000, STRICT, "relocation alignment 4 KiB");

	/* 12. page-table region */
	fail_field(rl, pt.body + 8, W64, FX_PT_REGION_GPA + 0x800, 0, IGVM_RULE_GPA_ALIGNMENT, API_INIT, REC(pt),
		   "page-table region gpa not 4 KiB aligned");
	fail_field(rl, pt.body + 0x10, W64, 0x10001, 0, IGVM_RULE_SIZE_ALIGNMENT, API_INIT, REC(pt),
		   "page-table region size not a 4 KiB multiple");
	fail_field(rl, pt.body + 0x18, W64, 0x4004, 0, IGVM_RULE_SIZE_ALIGNMENT, API_INIT, REC(pt),
		   "page-table used_size not a 4 KiB multiple");
	fail_field(rl, pt.body + 0x18, W64, 0x11000, 0, IGVM_RULE_PAGE_TABLE_REGION_SIZE, API_INIT, REC(pt),
		   "page-table used_size > size");
	{
		struct ib_buf c = with(rl, pt.body + 0x10, W64, 0);
		put(c.p, pt.body + 0x18, W64, 0);
		rf_fix_crc(c.p, c.len);
		expect_fail(&c, 0, IGVM_RULE_PAGE_TABLE_REGION_SIZE, API_INIT, REC(pt),
			    "page-table region of size 0 (reference hazard)");
		ib_buf_free(&c);
	}
	ok_field(rl, pt.body + 0x18, W64, 0x10000, STRICT, "page-table used_size == size");

	/* 14. a second page-table region for the same mask bit */
	{
		struct ib_buf c = IB_BUF_INIT;
		build_reloc(&c, RV_SECOND_PT);
		struct rf_rec pt2 = rec_of(&c, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, 1);
		expect_fail(&c, 0, IGVM_RULE_PAGE_TABLE_MULTIPLE, API_MULTIPLE_PT_RELOCATION, REC(pt2),
			    "two page-table regions for one platform");
		ib_buf_free(&c);
	}

	/* 15. overlapping regions */
	{
		struct ib_buf c = IB_BUF_INIT;
		build_reloc(&c, RV_OVERLAP);
		struct rf_rec a = rec_of(&c, IGVM_VHT_RELOCATABLE_REGION, 0);
		struct rf_rec p2 = rec_of(&c, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, 0);
		expect_fail(&c, 0, IGVM_RULE_RELOCATION_OVERLAP, API_RELOCATION_OVERLAP, R(a.off, p2.off + 40),
			    "page-table region inside the relocatable region");
		ib_buf_free(&c);
		/* Adjacent regions do not overlap. */
		ok_field(rl, pt.body + 8, W64, FX_RELOC_REGION_GPA + 0x200000, STRICT,
			 "page-table region right after the relocatable region");
		fail_field(rl, pt.body + 8, W64, FX_RELOC_REGION_GPA + 0x1FF000, 0, IGVM_RULE_RELOCATION_OVERLAP,
			   API_RELOCATION_OVERLAP, R(rr.off, pt.off + 40), "regions overlapping by one page");
	}

	/* 24 and 25 are tested here too: they need the relocation headers. */
	{
		struct ib_buf c = IB_BUF_INIT;
		build_reloc(&c, RV_INSERT_IN_PT);
		struct rf_rec in = rec_of(&c, IGVM_VHT_PARAMETER_INSERT, 0);
		expect_fail(&c, 0, IGVM_RULE_INSERT_IN_PAGE_TABLE, API_INSERT_IN_PT, REC(in),
			    "parameter insert inside the page-table region");
		ib_buf_free(&c);

		c = (struct ib_buf)IB_BUF_INIT;
		build_reloc(&c, RV_NO_VBS);
		struct rf_rec a = rec_of(&c, IGVM_VHT_RELOCATABLE_REGION, 0);
		struct rf_rec p2 = rec_of(&c, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, 0);
		expect_fail(&c, 0, IGVM_RULE_NO_MATCHING_VP_CONTEXT, API_NO_MATCHING_VP_CONTEXT, R(a.off, p2.off + 40),
			    "relocation regions without a VBS context");
		ib_buf_free(&c);

		c = (struct ib_buf)IB_BUF_INIT;
		build_reloc(&c, RV_VBS_VTL2);
		a = rec_of(&c, IGVM_VHT_RELOCATABLE_REGION, 0);
		p2 = rec_of(&c, IGVM_VHT_PAGE_TABLE_RELOCATION_REGION, 0);
		expect_fail(&c, 0, IGVM_RULE_NO_MATCHING_VP_CONTEXT, API_NO_MATCHING_VP_CONTEXT, R(a.off, p2.off + 40),
			    "relocation regions for VTL 0, VBS context for VTL 2");
		ib_buf_free(&c);
	}

	/* 16, 17: CoRIM headers */
	{
		static const uint8_t doc[8] = { 0xA1, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
		static const uint8_t sig[8] = { 0xD2, 0x84, 0x43, 0xA1, 0x01, 0x26, 0xA0, 0x44 };
		struct igvm_file f;
		igvm_file_init(&f, 1, IGVM_ARCH_X64);
		fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
		fx_platform(&f, 2, IGVM_PLATFORM_TDX, 0);
		fx_policy(&f, 0x30000, 1);
		struct igvm_vhs_corim_data cd = { .compatibility_mask = 1 };
		fx_add(&f, IGVM_VHT_CORIM_DOCUMENT, &cd, doc, sizeof(doc));
		fx_add(&f, IGVM_VHT_CORIM_SIGNATURE, &cd, sig, sizeof(sig));
		cd.compatibility_mask = 2;
		fx_add(&f, IGVM_VHT_CORIM_DOCUMENT, &cd, doc, sizeof(doc));
		uint8_t *page = fx_page(&f, 0x33);
		fx_page_data(&f, 0, 1, 0, 0, page, 4096);
		struct ib_buf c = IB_BUF_INIT;
		struct igvm_diag d;
		int r = igvm_write(&f, &c, &d);
		igvm_file_free(&f);
		if (!ok(r == 0, "a file with CoRIM headers is written"))
			show(&d);
		struct rf_rec cdoc = rec_of(&c, IGVM_VHT_CORIM_DOCUMENT, 0);
		struct rf_rec csig = rec_of(&c, IGVM_VHT_CORIM_SIGNATURE, 0);
		struct rf_rec cdoc2 = rec_of(&c, IGVM_VHT_CORIM_DOCUMENT, 1);
		is_u64(c.p ? rf_rd32(c.p, cdoc.body + 8) : 0, 8, "CoRIM document size_bytes is set by the writer");
		expect_fail(&c, 0, IGVM_RULE_UNKNOWN_TYPE, API_INIT, REC(cdoc), "CoRIM document without IGVM_PARSE_CORIM");
		struct igvm_file p;
		r = igvm_parse(c.p, c.len, CORIM | STRICT, &p, &d);
		if (ok(r == 0, "CoRIM headers accepted with IGVM_PARSE_CORIM")) {
			bool warned = false;
			for (size_t i = 0; i < p.warning_count; i++)
				warned |= p.warnings[i].rule == IGVM_RULE_WARN_CORIM;
			ok(warned, "... with a warning that libigvm usually refuses them");
			const struct igvm_header *h = &p.hdr[3];
			ok(h->type == IGVM_VHT_CORIM_DOCUMENT && h->data_len == 8 && h->data && !memcmp(h->data, doc, 8),
			   "... and the document's 8 bytes attached");
			igvm_file_free(&p);
		} else {
			show(&d);
		}
		fail_field(&c, cdoc.body + 12, W32, 1, CORIM, IGVM_RULE_RESERVED, API_INIT, REC(cdoc), "CoRIM reserved");
		fail_field(&c, cdoc2.body, W32, 1, CORIM, IGVM_RULE_CORIM_DUPLICATE, API_INIT, REC(cdoc2),
			   "two CoRIM documents for one platform");
		{
			struct ib_buf s2 = with(&c, cdoc2.off, W32, IGVM_VHT_CORIM_SIGNATURE);
			put(s2.p, cdoc2.body, W32, 1);
			rf_fix_crc(s2.p, s2.len);
			expect_fail(&s2, CORIM, IGVM_RULE_CORIM_DUPLICATE, API_INIT, REC(cdoc2),
				    "two CoRIM signatures for one platform");
			ib_buf_free(&s2);
		}
		fail_field(&c, cdoc2.off, W32, IGVM_VHT_CORIM_SIGNATURE, CORIM, IGVM_RULE_CORIM_MISSING_DOCUMENT, API_INIT,
			   REC(cdoc2), "CoRIM signature for a platform with no document");
		{
			/* Signature first, then the document: the signature has no earlier document. */
			struct ib_buf s = rotate(&c, cdoc, csig);
			expect_fail(&s, CORIM, IGVM_RULE_CORIM_MISSING_DOCUMENT, API_INIT, R(cdoc.off, cdoc.off + 24),
				    "CoRIM signature before its document");
			ib_buf_free(&s);
		}
		fail_field(&c, cdoc.body + 4, W32, (uint32_t)c.len - 4, CORIM, IGVM_RULE_DATA_RANGE, API_INIT, REC(cdoc),
			   "CoRIM document past the end of the file");
		fail_field(&c, cdoc.body + 4, W32, 0x20, CORIM, IGVM_RULE_DATA_RANGE, API_INIT, REC(cdoc),
			   "CoRIM document inside the headers");
		{
			struct ib_buf o = with(&c, cdoc.body + 4, W32, 0xFFFFFFF8u);
			put(o.p, cdoc.body + 8, W32, 0x10);
			rf_fix_crc(o.p, o.len);
			expect_fail(&o, CORIM, IGVM_RULE_DATA_RANGE, API_INIT, REC(cdoc),
				    "CoRIM offset + size overflows u32");
			ib_buf_free(&o);
		}
		ib_buf_free(&c);
	}

	/* Strict: reserved relocation flag bits. */
	strict_field(rl, rr.body + 7, W8, 0x8 | IGVM_RELOC_FLAG_APPLY_RIP, IGVM_RULE_RESERVED_BITS, API_INIT, REC(rr),
		     "RELOCATABLE_REGION flag bit 3");
}

/* ---- §5 D: directives ------------------------------------------------------------------- */

static void test_directives(void)
{
	const struct ib_buf *b = &base_conf;
	const uint32_t len = (uint32_t)b->len;
	struct rf_rec page0 = rec_of(b, IGVM_VHT_PAGE_DATA, 0);
	struct rf_rec area = rec_of(b, IGVM_VHT_PARAMETER_AREA, 0);
	struct rf_rec vpc = rec_of(b, IGVM_VHT_VP_COUNT_PARAMETER, 0);
	struct rf_rec ins = rec_of(b, IGVM_VHT_PARAMETER_INSERT, 0);
	const uint32_t p0 = page0.body;

	/* 18. PAGE_DATA */
	fail_field(b, p0 + 0x16, W16, 1, 0, IGVM_RULE_RESERVED, API_DIRECTIVE, REC(page0), "PAGE_DATA reserved");
	fail_field(b, p0, W64, 0x800, 0, IGVM_RULE_GPA_ALIGNMENT, API_DIRECTIVE, REC(page0), "PAGE_DATA gpa 0x800");
	fail_field(b, p0, W64, 0xFFFFFFFFFFFFFFFFull, 0, IGVM_RULE_GPA_ALIGNMENT, API_DIRECTIVE, REC(page0),
		   "PAGE_DATA gpa all ones");
	fail_field(b, p0 + 0x14, W16, 4, 0, IGVM_RULE_PAGE_DATA_TYPE, API_DIRECTIVE, REC(page0), "PAGE_DATA data_type 4");
	fail_field(b, p0 + 0x14, W16, 0xFFFF, 0, IGVM_RULE_PAGE_DATA_TYPE, API_DIRECTIVE, REC(page0),
		   "PAGE_DATA data_type 0xFFFF");
	ok_field(b, p0 + 0x14, W16, IGVM_PAGE_DATA_CPUID_XF, STRICT, "PAGE_DATA data_type 3 (CPUID_XF)");
	fail_field(b, p0 + 0x0C, W32, len - 4095, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(page0),
		   "page data one byte short at the end of the file");
	fail_field(b, p0 + 0x0C, W32, 0x20, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(page0),
		   "page data offset inside the headers (reference underflows)");
	fail_field(b, p0 + 0x0C, W32, 0x1A0 - 1, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(page0),
		   "page data offset one byte before the data section");
	fail_field(b, p0 + 0x0C, W32, 0xFFFFF001u, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(page0),
		   "page data offset + 4096 overflows u32");
	fail_field(b, p0 + 0x0C, W32, 0xFFFFFFFFu, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(page0),
		   "page data offset 0xFFFFFFFF");
	ok_field(b, p0 + 0x0C, W32, len - 4096, STRICT, "page data exactly at the end of the file");
	ok_field(b, p0 + 0x0C, W32, 0x1A0 + 1, STRICT, "page data at an unaligned offset inside the section");
	ok_field(b, p0 + 0x0C, W32, 0, STRICT, "page data offset 0 (a page of zeros)");

	/* 19. PARAMETER_AREA */
	fail_field(b, area.body, W64, 0x1800, 0, IGVM_RULE_SIZE_ALIGNMENT, API_DIRECTIVE, REC(area),
		   "parameter area size not a 4 KiB multiple");
	ok_field(b, area.body + 12, W32, 0x31A0, STRICT, "parameter area initial data shared with a page");
	{
		struct ib_buf c = with(b, area.body + 12, W32, 0x31A0);
		put(c.p, area.body, W64, 0x2000);
		rf_fix_crc(c.p, c.len);
		expect_fail(&c, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(area),
			    "parameter area initial data past the end of the file");
		put(c.p, area.body, W64, 0xFFFFFFFFFFFFF000ull);
		rf_fix_crc(c.p, c.len);
		expect_fail(&c, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(area),
			    "parameter area of 2^64 - 4096 bytes with initial data");
		ib_buf_free(&c);
	}

	/* 20. alignment of the other directives */
	fail_field(b, ins.body, W64, 0x14001, 0, IGVM_RULE_GPA_ALIGNMENT, API_DIRECTIVE, REC(ins),
		   "PARAMETER_INSERT gpa not 4 KiB aligned");
	{
		const struct ib_buf *s = &base_snp;
		struct rf_rec vp = rec_of(s, IGVM_VHT_VP_CONTEXT, 0);
		struct rf_rec rm = rec_of(s, IGVM_VHT_REQUIRED_MEMORY, 0);
		fail_field(s, vp.body, W64, FX_SNP_KVM_VMSA_GPA + 0x800, 0, IGVM_RULE_GPA_ALIGNMENT, API_DIRECTIVE, REC(vp),
			   "SNP VP_CONTEXT (VMSA) gpa not 4 KiB aligned");
		fail_field(s, rm.body, W64, 0x200010, 0, IGVM_RULE_GPA_ALIGNMENT, API_DIRECTIVE, REC(rm),
			   "REQUIRED_MEMORY gpa not 4 KiB aligned");
		fail_field(s, rm.body + 12, W32, 0x400001, 0, IGVM_RULE_SIZE_ALIGNMENT, API_DIRECTIVE, REC(rm),
			   "REQUIRED_MEMORY size not a 4 KiB multiple");
		fail_field(s, rm.body + 0x14, W32, 1, 0, IGVM_RULE_RESERVED, API_DIRECTIVE, REC(rm),
			   "REQUIRED_MEMORY reserved");
		ok_field(s, rm.body + 0x10, W32, IGVM_REQUIRED_MEMORY_VTL2_PROTECTABLE, STRICT,
			 "REQUIRED_MEMORY vtl2_protectable flag");
		strict_field(s, rm.body + 0x10, W32, 0x2, IGVM_RULE_RESERVED_BITS, API_DIRECTIVE, REC(rm),
			     "REQUIRED_MEMORY flag bit 1");
	}

	/* 21. VP contexts */
	{
		const struct ib_buf *s = &base_snp;
		struct rf_rec vp = rec_of(s, IGVM_VHT_VP_CONTEXT, 0);
		fail_field(s, vp.body + 8, W32, 0x3, 0, IGVM_RULE_VP_CONTEXT_PLATFORM, API_DIRECTIVE, REC(vp),
			   "VP_CONTEXT mask with two bits");
		fail_field(s, vp.body + 8, W32, 0x2, 0, IGVM_RULE_VP_CONTEXT_PLATFORM, API_DIRECTIVE, REC(vp),
			   "VP_CONTEXT mask of no platform");
		/* The reference checks a VP context's mask while parsing it, before it drops mask-0 headers. */
		fail_field(s, vp.body + 8, W32, 0x0, 0, IGVM_RULE_VP_CONTEXT_PLATFORM, API_DIRECTIVE, REC(vp),
			   "VP_CONTEXT mask 0");
		struct rf_rec mvp = rec_of(&base_multi, IGVM_VHT_VP_CONTEXT, 1);
		fail_field(&base_multi, mvp.body + 8, W32, 0x2, 0, IGVM_RULE_VP_CONTEXT_PLATFORM, API_DIRECTIVE, REC(mvp),
			   "VP_CONTEXT for TDX");
		fail_field(s, vp.body + 12, W32, 0, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(vp),
			   "VMSA with file_offset 0 (reference underflows)");
		fail_field(s, vp.body + 12, W32, (uint32_t)s->len - 100, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(vp),
			   "VMSA running past the end of the file");
		strict_field(s, vp.body + 0x12, W16, 1, IGVM_RULE_RESERVED, API_DIRECTIVE, REC(vp), "VP_CONTEXT reserved");
	}
	{
		/* Native and CCA contexts: the rest of the page must be zero (file data: no CRC repair needed). */
		struct rf_rec vp = rec_of(&base_native, IGVM_VHT_VP_CONTEXT, 0);
		uint32_t at = rf_rd32(base_native.p, vp.body + 12);
		struct ib_buf c = copy(&base_native);
		c.p[at + 231] = 0xFF;
		expect_ok(&c, STRICT, "native context: its last byte (231) may be non-zero");
		c.p[at + 232] = 0x01;
		expect_fail2(c.p, c.len, 0, IGVM_RULE_VP_CONTEXT_CONTENT, API_DIRECTIVE, REC(vp), R(at, at + 4096),
			     "native context: byte 232 non-zero");
		c.p[at + 232] = 0;
		c.p[at + 4095] = 0x80;
		expect_fail2(c.p, c.len, 0, IGVM_RULE_VP_CONTEXT_CONTENT, API_DIRECTIVE, REC(vp), R(at, at + 4096),
			     "native context: last byte of the page non-zero");
		ib_buf_free(&c);
		fail_field(&base_native, vp.body + 12, W32, 0, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(vp),
			   "native context with file_offset 0");
		strict_field(&base_native, vp.body, W64, 0x1000, IGVM_RULE_VP_CONTEXT_GPA, API_DIRECTIVE, REC(vp),
			     "native context with a gpa");

		struct rf_rec cvp = rec_of(&base_arm, IGVM_VHT_VP_CONTEXT, 1);
		uint32_t cat = rf_rd32(base_arm.p, cvp.body + 12);
		c = copy(&base_arm);
		c.p[cat + 79] = 0x7;
		expect_ok(&c, STRICT, "CCA context: byte 79 may be non-zero");
		c.p[cat + 80] = 0x7;
		expect_fail2(c.p, c.len, 0, IGVM_RULE_VP_CONTEXT_CONTENT, API_DIRECTIVE, REC(cvp), R(cat, cat + 4096),
			     "CCA context: byte 80 non-zero");
		ib_buf_free(&c);
	}
	{
		/* VBS contexts. */
		const struct ib_buf *v = &base_vbs;
		struct rf_rec vp = rec_of(v, IGVM_VHT_VP_CONTEXT, 0);
		uint32_t at = rf_rd32(v->p, vp.body + 12);
		struct ib_buf c = copy(v);
		rf_wr32(c.p, at, 0);
		expect_fail2(c.p, c.len, 0, IGVM_RULE_VBS_NO_REGISTERS, API_DIRECTIVE, REC(vp), R(at, at + 36),
			     "VBS context with 0 registers");
		rf_wr32(c.p, at, 0xFFFFFFFFu);
		expect_fail2(c.p, c.len, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(vp), R(at, at + 36),
			     "VBS context with 0xFFFFFFFF registers");
		rf_wr32(c.p, at, 0x08000000u); /* 32 * count == 2^32 */
		expect_fail2(c.p, c.len, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(vp), R(at, at + 36),
			     "VBS context whose register bytes overflow u32");
		rf_wr32(c.p, at, 2);
		expect_fail2(c.p, c.len, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(vp), R(at, at + 36),
			     "VBS context with one register more than the file holds");
		rf_wr32(c.p, at, 1);
		expect_ok(&c, STRICT, "restored VBS context");
		rf_wr32(c.p, at + 5, 0x20000); /* RAX: not accepted (§3.3) */
		expect_fail2(c.p, c.len, 0, IGVM_RULE_VBS_UNSUPPORTED_REGISTER, API_DIRECTIVE, REC(vp), R(at, at + 36),
			     "VBS context setting RAX");
		rf_wr32(c.p, at + 5, 0x2000D); /* R13 */
		expect_fail2(c.p, c.len, 0, IGVM_RULE_VBS_UNSUPPORTED_REGISTER, API_DIRECTIVE, REC(vp), R(at, at + 36),
			     "VBS context setting R13");
		rf_wr32(c.p, at + 5, 0x8007A); /* MtrrFix4kF8000: the last accepted x64 name */
		expect_ok(&c, STRICT, "VBS context setting MtrrFix4kF8000");
		ib_buf_free(&c);
		fail_field(v, vp.body + 12, W32, 0, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(vp),
			   "VBS context with file_offset 0 (reference panics)");
		fail_field(v, vp.body + 12, W32, (uint32_t)v->len, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(vp),
			   "VBS context at the end of the file (reference panics)");
		fail_field(v, vp.body + 12, W32, 0x20, 0, IGVM_RULE_DATA_RANGE, API_DIRECTIVE, REC(vp),
			   "VBS context inside the headers (reference panics)");
		fail_field(v, vp.body + 0x10, W16, 1, 0, IGVM_RULE_VBS_VTL_MIXED, API_DIRECTIVE, REC(vp),
			   "VBS context for VP 1 (reference asserts)");
		strict_field(v, vp.body, W64, 0x1000, IGVM_RULE_VP_CONTEXT_GPA, API_DIRECTIVE, REC(vp),
			     "VBS context with a gpa");

		/* Mixed VTLs: multi's VBS context has two registers. */
		struct rf_rec mvp = rec_of(&base_multi, IGVM_VHT_VP_CONTEXT, 0);
		uint32_t mat = rf_rd32(base_multi.p, mvp.body + 12);
		c = copy(&base_multi);
		c.p[mat + 4 + 32] = 2;
		expect_fail2(c.p, c.len, 0, IGVM_RULE_VBS_VTL_MIXED, API_DIRECTIVE, REC(mvp), R(mat, mat + 68),
			     "VBS context with registers for VTL 0 and VTL 2 (reference asserts)");
		ib_buf_free(&c);

		/* An x64 register name in an AArch64 VBS context. */
		struct rf_rec avp = rec_of(&base_arm, IGVM_VHT_VP_CONTEXT, 0);
		uint32_t aat = rf_rd32(base_arm.p, avp.body + 12);
		c = copy(&base_arm);
		rf_wr32(c.p, aat + 4 + 1, FX_REG_X64_RIP);
		expect_fail2(c.p, c.len, 0, IGVM_RULE_VBS_UNSUPPORTED_REGISTER, API_DIRECTIVE, REC(avp), R(aat, aat + 68),
			     "x64 RIP in an AArch64 VBS context");
		ib_buf_free(&c);
	}

	/* 23. parameter-area state machine */
	fail_field(b, vpc.body, W32, 1, 0, IGVM_RULE_PARAMETER_AREA_INDEX, API_PARAMETER_AREA_INDEX, REC(vpc),
		   "parameter use of an undeclared area");
	fail_field(b, ins.body + 12, W32, 1, 0, IGVM_RULE_PARAMETER_AREA_INDEX, API_PARAMETER_AREA_INDEX, REC(ins),
		   "insert of an undeclared area");
	{
		struct ib_buf c = rotate(b, vpc, ins);
		expect_fail(&c, 0, IGVM_RULE_PARAMETER_AREA_INDEX, API_PARAMETER_AREA_INDEX, R(vpc.off, ins.off + 24 + 16),
			    "parameter use after the area was inserted");
		ib_buf_free(&c);
		const struct ib_buf *s = &base_snp;
		struct rf_rec a1 = rec_of(s, IGVM_VHT_PARAMETER_AREA, 1);
		struct rf_rec i1 = rec_of(s, IGVM_VHT_PARAMETER_INSERT, 1);
		fail_field(s, a1.body + 8, W32, 0, 0, IGVM_RULE_PARAMETER_AREA_INDEX, API_PARAMETER_AREA_INDEX, REC(a1),
			   "parameter area index declared twice");
		fail_field(s, i1.body + 12, W32, 0, 0, IGVM_RULE_PARAMETER_AREA_INDEX, API_PARAMETER_AREA_INDEX, REC(i1),
			   "area inserted twice");
		struct rf_rec mm = rec_of(s, IGVM_VHT_MEMORY_MAP, 0);
		struct ib_buf big = with(s, a1.body + 8, W32, 0xFFFFFFFFu);
		put(big.p, mm.body, W32, 0xFFFFFFFFu);
		put(big.p, i1.body + 12, W32, 0xFFFFFFFFu);
		rf_fix_crc(big.p, big.len);
		expect_ok(&big, STRICT, "parameter area index 0xFFFFFFFF");
		ib_buf_free(&big);
	}
	{
		/* Re-declaring an index after its insert is still a re-declaration. */
		struct rb r;
		rb_init(&r, 1, IGVM_ARCH_X64);
		struct igvm_vhs_supported_platform p = { 0x1, 0, IGVM_PLATFORM_SEV_SNP, 1, 0 };
		rb_rec(&r, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p), -1, 0);
		struct igvm_vhs_parameter_area pa = { 0x1000, 5, 0 };
		rb_rec(&r, IGVM_VHT_PARAMETER_AREA, &pa, sizeof(pa), -1, 0);
		struct igvm_vhs_parameter_insert in = { 0x10000, 0x1, 5 };
		rb_rec(&r, IGVM_VHT_PARAMETER_INSERT, &in, sizeof(in), -1, 0);
		size_t at = rb_rec(&r, IGVM_VHT_PARAMETER_AREA, &pa, sizeof(pa), -1, 0);
		rb_blob(&r, "\0\0\0\0\0\0\0\0", 8, 0);
		struct ib_buf c = IB_BUF_INIT;
		rb_finish(&r, &c);
		rb_free(&r);
		expect_fail(&c, 0, IGVM_RULE_PARAMETER_AREA_INDEX, API_PARAMETER_AREA_INDEX, R(24 + at, 24 + at + 24),
			    "parameter area re-declared after its insert");
		ib_buf_free(&c);
	}

	/* Strict: parameter byte offsets must fit their area. */
	strict_field(b, vpc.body + 4, W32, 0x1000, IGVM_RULE_PARAMETER_OFFSET, API_DIRECTIVE, REC(vpc),
		     "VP_COUNT at the end of its 4 KiB area");
	strict_field(b, vpc.body + 4, W32, 0xFFD, IGVM_RULE_PARAMETER_OFFSET, API_DIRECTIVE, REC(vpc),
		     "VP_COUNT's u32 crossing the end of its area");
	ok_field(b, vpc.body + 4, W32, 0xFFC, STRICT, "VP_COUNT in the last 4 bytes of its area");
	{
		struct rf_rec mm = rec_of(&base_snp, IGVM_VHT_MEMORY_MAP, 0);
		strict_field(&base_snp, mm.body + 4, W32, 0x2000 - 23, IGVM_RULE_PARAMETER_OFFSET, API_DIRECTIVE, REC(mm),
			     "MEMORY_MAP with room for less than one entry");
		ok_field(&base_snp, mm.body + 4, W32, 0x2000 - 24, STRICT, "MEMORY_MAP with room for exactly one entry");
	}

	/* Strict: masks of 0 and reserved flag bits. */
	strict_field(b, p0 + 8, W32, 0, IGVM_RULE_MASK_ZERO, API_DIRECTIVE, REC(page0), "PAGE_DATA mask 0");
	strict_field(b, ins.body + 8, W32, 0, IGVM_RULE_MASK_ZERO, API_DIRECTIVE, REC(ins), "PARAMETER_INSERT mask 0");
	{
		struct rf_rec pol0 = rec_of(b, IGVM_VHT_GUEST_POLICY, 0);
		strict_field(b, pol0.body + 8, W32, 0, IGVM_RULE_MASK_ZERO, API_INIT, REC(pol0), "GUEST_POLICY mask 0");
	}
	strict_field(b, p0 + 0x10, W32, 0x8, IGVM_RULE_RESERVED_BITS, API_DIRECTIVE, REC(page0), "PAGE_DATA flag bit 3");
	strict_field(b, p0 + 0x10, W32, 0x80000000u, IGVM_RULE_RESERVED_BITS, API_DIRECTIVE, REC(page0),
		     "PAGE_DATA flag bit 31");
	ok_field(b, p0 + 0x10, W32, IGVM_PAGE_FLAG_UNMEASURED | IGVM_PAGE_FLAG_SHARED, STRICT,
		 "PAGE_DATA unmeasured|shared flags");
	{
		struct ib_buf c = with(b, p0 + 0x10, W32, IGVM_PAGE_FLAG_2MB);
		struct igvm_file f;
		struct igvm_diag d;
		int r = igvm_parse(c.p, c.len, STRICT, &f, &d);
		if (ok(r == 0, "PAGE_DATA is_2mb_page is accepted")) {
			bool warned = false;
			for (size_t i = 0; i < f.warning_count; i++)
				warned |= f.warnings[i].rule == IGVM_RULE_WARN_2MB_PAGE;
			ok(warned, "... with a 2 MiB page warning");
			igvm_file_free(&f);
		} else {
			show(&d);
		}
		ib_buf_free(&c);
	}
}

/* Directives the fixtures lack: ERROR_RANGE, SNP_ID_BLOCK, VBS_MEASUREMENT, several VMSAs. */
static void test_more_directives(void)
{
	struct igvm_file f;
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_policy(&f, 0x30000, 1);
	uint8_t *page = fx_page(&f, 0x44);
	fx_page_data(&f, 0, 1, 0, 0, page, 4096);
	struct igvm_vhs_error_range er = { .gpa = 0x10000, .compatibility_mask = 1, .size_bytes = 0x2000 };
	fx_add(&f, IGVM_VHT_ERROR_RANGE, &er, NULL, 0);
	struct igvm_vhs_snp_id_block id;
	memset(&id, 0, sizeof(id));
	id.compatibility_mask = 1;
	id.version = 1;
	id.id_key_algorithm = 1;
	fx_add(&f, IGVM_VHT_SNP_ID_BLOCK, &id, NULL, 0);
	struct igvm_vhs_vbs_measurement vm;
	memset(&vm, 0, sizeof(vm));
	vm.compatibility_mask = 1;
	vm.boot_digest_algo = 1;
	fx_add(&f, IGVM_VHT_VBS_MEASUREMENT, &vm, NULL, 0);
	uint8_t *v0 = fx_vmsa(&f, 0xFFF0), *v1 = fx_vmsa(&f, 0x1000);
	fx_vp(&f, 0xFFFFFFFFF000ull, 1, 0, v0, 4096);
	fx_vp(&f, 0xFFFFFFFFE000ull, 1, 1, v1, 4096);
	struct ib_buf b = IB_BUF_INIT;
	struct igvm_diag d;
	int r = igvm_write(&f, &b, &d);
	igvm_file_free(&f);
	if (!ok(r == 0, "a file with ERROR_RANGE, SNP_ID_BLOCK, VBS_MEASUREMENT and two VMSAs is written")) {
		show(&d);
		ib_buf_free(&b);
		return;
	}
	expect_ok(&b, STRICT, "ERROR_RANGE/ID block/VBS measurement file");
	struct rf_rec e = rec_of(&b, IGVM_VHT_ERROR_RANGE, 0);
	struct rf_rec ib = rec_of(&b, IGVM_VHT_SNP_ID_BLOCK, 0);
	struct rf_rec vb = rec_of(&b, IGVM_VHT_VBS_MEASUREMENT, 0);
	struct rf_rec vp1 = rec_of(&b, IGVM_VHT_VP_CONTEXT, 1);
	is_u64(ib.length, 696, "SNP_ID_BLOCK record length 696");
	is_u64(vb.length, 864, "VBS_MEASUREMENT record length 864");
	fail_field(&b, e.body, W64, 0x10800, 0, IGVM_RULE_GPA_ALIGNMENT, API_DIRECTIVE, REC(e), "ERROR_RANGE gpa");
	strict_field(&b, e.body + 12, W32, 0x1001, IGVM_RULE_ERROR_RANGE_SIZE, API_DIRECTIVE, REC(e),
		     "ERROR_RANGE size not page-aligned");
	strict_field(&b, ib.body + 5, W8, 1, IGVM_RULE_RESERVED, API_DIRECTIVE, REC(ib), "SNP_ID_BLOCK reserved");
	fail_field(&b, ib.off + 4, W32, 704, 0, IGVM_RULE_RECORD_LENGTH, API_DIRECTIVE, REC(ib),
		   "SNP_ID_BLOCK length 704");
	fail_field(&b, vb.off + 4, W32, 860, 0, IGVM_RULE_RECORD_LENGTH, API_DIRECTIVE, REC(vb),
		   "VBS_MEASUREMENT length 860");
	strict_field(&b, vp1.body + 0x10, W16, 0, IGVM_RULE_VP_CONTEXT_DUPLICATE, API_DIRECTIVE, REC(vp1),
		     "two VMSAs for VP 0");
	ib_buf_free(&b);
}

/* ---- robustness: truncation and the empty data section ---------------------------------- */

static void test_truncation(void)
{
	const struct ib_buf *bases[] = { &base_conf, &base_snp, &base_vbs, &base_native, &base_arm, &base_reloc };
	static const char *const names[] = { "conformance", "snp-kvm", "ser-vbs", "native", "v2-aarch64", "vbs-reloc" };
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		const struct ib_buf *b = bases[i];
		size_t accepted = 0, first = SIZE_MAX, fixed_accepted = 0, fixed_first = SIZE_MAX;
		uint8_t *c = malloc(b->len ? b->len : 1);
		for (size_t n = 0; c && n < b->len; n++) {
			/* Each prefix in its own allocation, so ASan sees any read past it. */
			uint8_t *p = malloc(n ? n : 1);
			memcpy(p, b->p, n);
			struct igvm_file f;
			struct igvm_diag d;
			if (igvm_parse(p, n, 0, &f, &d) == 0) {
				igvm_file_free(&f);
				accepted++;
				if (first == SIZE_MAX)
					first = n;
			}
			/* Same prefix with total_file_size and the CRC made consistent. */
			if (n >= 32) {
				rf_wr32(p, 16, (uint32_t)n);
				rf_fix_crc(p, n);
				if (igvm_parse(p, n, STRICT | SKIPOPT, &f, &d) == 0) {
					igvm_file_free(&f);
					fixed_accepted++;
					if (fixed_first == SIZE_MAX)
						fixed_first = n;
				}
			}
			free(p);
		}
		free(c);
		ok(accepted == 0, "%s: all %zu truncations rejected cleanly (first accepted: %lld)", names[i], b->len,
		   first == SIZE_MAX ? -1LL : (long long)first);
		ok(fixed_accepted == 0,
		   "%s: all truncations with a consistent size and CRC rejected (first accepted: %lld)", names[i],
		   fixed_first == SIZE_MAX ? -1LL : (long long)fixed_first);
	}
}

static void test_empty_data_section(void)
{
	/* §1.4 item 6: the reference writer's 104-byte SNP file with one data-less page. */
	struct rb r;
	rb_init(&r, 1, IGVM_ARCH_X64);
	struct igvm_vhs_supported_platform p = { 0x1, 0, IGVM_PLATFORM_SEV_SNP, 1, 0 };
	rb_rec(&r, IGVM_VHT_SUPPORTED_PLATFORM, &p, sizeof(p), -1, 0);
	struct igvm_vhs_guest_policy gp = { 0x30000, 1, 0 };
	rb_rec(&r, IGVM_VHT_GUEST_POLICY, &gp, sizeof(gp), -1, 0);
	struct igvm_vhs_page_data pd = { 0, 1, 0, 0, 0, 0 };
	rb_rec(&r, IGVM_VHT_PAGE_DATA, &pd, sizeof(pd), -1, 0);
	struct ib_buf c = IB_BUF_INIT;
	rb_finish(&r, &c);
	rb_free(&r);
	is_u64(c.len, 104, "reference-style file with an empty data section is 104 bytes");
	is_u64(rf_rd32(c.p, 12), 0x50, "... variable_header_size 0x50");
	expect_fail(&c, 0, IGVM_RULE_VAR_HEADER_SIZE, API_FIXED_HEADER, R(8, 16), "file with an empty data section");
	expect_fail(&c, STRICT | SKIPOPT | CORIM, IGVM_RULE_VAR_HEADER_SIZE, API_FIXED_HEADER, R(8, 16),
		    "file with an empty data section, all flags");
	ib_buf_free(&c);

	/* Our writer pads such a file so that it loads. */
	struct igvm_file f;
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_policy(&f, 0x30000, 1);
	fx_page_data(&f, 0, 1, 0, 0, NULL, 0);
	fx_area(&f, 0, 0x1000, NULL, 0);
	fx_param(&f, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0);
	fx_insert(&f, 0x10000, 1, 0);
	struct ib_buf out = IB_BUF_INIT;
	struct igvm_diag d;
	int rc = igvm_write(&f, &out, &d);
	igvm_file_free(&f);
	if (ok(rc == 0, "the writer writes a file with no data at all")) {
		uint32_t vho = rf_rd32(out.p, 8), vhs = rf_rd32(out.p, 12);
		ok(out.len > (size_t)vho + vhs, "... with a non-empty data section (%zu > %u)", out.len, vho + vhs);
		expect_ok(&out, STRICT, "... which parses under the strict rules");
	} else {
		show(&d);
	}
	ib_buf_free(&out);
}

int main(void)
{
	make_base(&base_conf, "conformance");
	make_base(&base_snp, "snp-kvm");
	make_base(&base_native, "native");
	make_base(&base_arm, "v2-aarch64");
	make_base(&base_multi, "multi");
	make_base(&base_vbs, "ser-vbs");
	make_base(&base_reloc, "vbs-reloc");
	make_base(&base_sersnp, "ser-snp");
	const struct ib_buf *all[] = { &base_conf, &base_snp, &base_native, &base_arm,
				       &base_multi, &base_vbs, &base_reloc, &base_sersnp };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!all[i]->p)
			return tap_done();
	expect_ok(&base_arm, STRICT, "v2-aarch64 base");
	expect_ok(&base_multi, STRICT, "multi base");

	test_fixed_header();
	test_placement();
	test_framing();
	test_unknown_types();
	test_platform();
	test_init();
	test_directives();
	test_more_directives();
	test_empty_data_section();
	test_truncation();

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		ib_buf_free((struct ib_buf *)all[i]);
	return tap_done();
}
