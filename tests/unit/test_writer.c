/* SPDX-License-Identifier: MIT */
/*
 * test_writer.c — igvm_write() lays files out as the reference writer does
 * (spec §4): fixed header, records padded with zeros to 8 bytes, blobs in
 * order of first reference, identical blobs once, absolute offsets, CRC; and it
 * refuses what it cannot write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../format/igvm.h"
#include "../tools/fixtures.h"
#include "../tools/rawfile.h"
#include "tap.h"

static void show(const struct igvm_diag *d)
{
	diag("rule %s at 0x%llx: %s", igvm_rule_name(d->rule), (unsigned long long)d->offset, d->detail);
}

/* Writes f (and frees it); false on failure, with a diagnostic. */
static bool write_model(struct igvm_file *f, struct ib_buf *out)
{
	struct igvm_diag d;
	int r = igvm_write(f, out, &d);
	igvm_file_free(f);
	if (r)
		show(&d);
	return r == 0;
}

/* file_offset of the nth record of `type` in a written file (0 if absent). */
static uint32_t offset_of(const struct ib_buf *b, uint32_t type, unsigned nth)
{
	struct rf_rec r;
	if (!rf_find(b->p, b->len, type, nth, &r))
		return 0;
	switch (type) {
	case IGVM_VHT_PAGE_DATA:
	case IGVM_VHT_VP_CONTEXT:
	case IGVM_VHT_PARAMETER_AREA:
		return rf_rd32(b->p, r.body + 12);
	default:
		return 0;
	}
}

static uint32_t data_start(const struct ib_buf *b) { return rf_rd32(b->p, 8) + rf_rd32(b->p, 12); }

/* Every record on an 8-byte boundary, every padding byte zero, the section a multiple of 8. */
static bool records_aligned(const struct ib_buf *b, const char *name)
{
	struct rf_rec recs[256];
	size_t n = rf_records(b->p, b->len, recs, 256);
	bool good = n > 0 && rf_rd32(b->p, 12) % 8 == 0;
	for (size_t i = 0; i < n && good; i++) {
		if (recs[i].off % 8) {
			diag("%s: record %zu at 0x%x", name, i, recs[i].off);
			good = false;
		}
		for (uint32_t k = recs[i].length; k < ((recs[i].length + 7u) & ~7u); k++)
			if (b->p[recs[i].body + k]) {
				diag("%s: record %zu padding byte %u is 0x%02x", name, i, k, b->p[recs[i].body + k]);
				good = false;
			}
	}
	if (n && recs[n - 1].body + ((recs[n - 1].length + 7u) & ~7u) != data_start(b)) {
		diag("%s: the records do not fill the section exactly", name);
		good = false;
	}
	return good;
}

static void test_dedup_and_order(void)
{
	struct igvm_file f;
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_policy(&f, 0x30000, 1);
	uint8_t *c1 = fx_page(&f, 0xC0), *a1 = fx_page(&f, 0xA0), *b1 = fx_page(&f, 0xB0);
	uint8_t *a2 = fx_page(&f, 0xA0), *c2 = fx_page(&f, 0xC0);
	uint8_t *z = fx_page(&f, 0), *z2 = fx_page(&f, 0);
	static const uint8_t shortdata[3] = { 'a', 'b', 'c' };
	uint8_t *longdata = fx_page(&f, 0);
	memcpy(longdata, shortdata, 3);
	/* Pages: C A B A' C' — blobs stored C, A, B. */
	fx_page_data(&f, 0x0000, 1, 0, 0, c1, 4096);
	fx_page_data(&f, 0x1000, 1, 0, 0, a1, 4096);
	fx_page_data(&f, 0x2000, 1, 0, 0, b1, 4096);
	fx_page_data(&f, 0x3000, 1, 0, 0, a2, 4096);
	fx_page_data(&f, 0x4000, 1, 0, 0, c2, 4096);
	/* A data-less page: offset 0, no blob. Explicit zero pages: one shared blob. */
	fx_page_data(&f, 0x5000, 1, 0, 0, NULL, 0);
	fx_page_data(&f, 0x6000, 1, 0, 0, z, 4096);
	fx_page_data(&f, 0x7000, 1, 0, 0, z2, 4096);
	/* 3 bytes padded to a page equal the same 3 bytes followed by zeros. */
	fx_page_data(&f, 0x8000, 1, 0, 0, shortdata, 3);
	fx_page_data(&f, 0x9000, 1, 0, 0, longdata, 4096);
	/* Across header kinds: the parameter area's initial data and the VMSA equal page B. */
	fx_area(&f, 0, 0x1000, b1, 4096);
	fx_param(&f, IGVM_VHT_VP_COUNT_PARAMETER, 0, 0);
	fx_insert(&f, 0x20000, 1, 0);
	fx_vp(&f, 0xFFFFFFFFF000ull, 1, 0, a2, 4096);
	struct ib_buf b = IB_BUF_INIT;
	if (!ok(write_model(&f, &b), "dedup model is written"))
		return;
	uint32_t ds = data_start(&b);
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 0), ds, "first referenced blob (C) is first in the data section");
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 1), ds + 0x1000, "A is second");
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 2), ds + 0x2000, "B is third");
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 3), ds + 0x1000, "a second copy of A shares A's blob");
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 4), ds, "a second copy of C shares C's blob");
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 5), 0, "a page without data has file_offset 0");
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 6), ds + 0x3000, "an explicit zero page gets a blob");
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 7), ds + 0x3000, "two explicit zero pages share it");
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 8), ds + 0x4000, "3 bytes of data get their own (padded) blob");
	is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 9), ds + 0x4000,
	       "the same 3 bytes given as a full zero-padded page share it (dedup after padding)");
	is_u64(offset_of(&b, IGVM_VHT_PARAMETER_AREA, 0), ds + 0x2000, "parameter area data equal to B shares B's blob");
	is_u64(offset_of(&b, IGVM_VHT_VP_CONTEXT, 0), ds + 0x1000, "a VMSA equal to A shares A's blob");
	is_u64(b.len, ds + 5 * 0x1000, "five distinct blobs are stored");
	is_u64(rf_rd32(b.p, 16), b.len, "total_file_size is the file length");
	ok(b.p[ds + 0x4000] == 'a' && b.p[ds + 0x4002] == 'c' && b.p[ds + 0x4003] == 0 && b.p[ds + 0x4FFF] == 0,
	   "the short blob is its data followed by zeros");
	ok(records_aligned(&b, "dedup"), "records are 8-byte aligned with zero padding");
	struct igvm_file p;
	struct igvm_diag d;
	int r = igvm_parse(b.p, b.len, IGVM_PARSE_STRICT, &p, &d);
	if (ok(r == 0, "dedup file parses under the strict rules"))
		igvm_file_free(&p);
	else
		show(&d);
	ib_buf_free(&b);
}

static void test_vp_context_record(void)
{
	struct igvm_file f;
	struct ib_buf b = IB_BUF_INIT;
	if (fx_ser_vbs(&f) < 0 || !write_model(&f, &b)) {
		ok(0, "ser-vbs is written");
		return;
	}
	struct rf_rec vp;
	if (!ok(rf_find(b.p, b.len, IGVM_VHT_VP_CONTEXT, 0, &vp), "VP_CONTEXT record present")) {
		ib_buf_free(&b);
		return;
	}
	is_u64(vp.length, 20, "VP_CONTEXT length field is 20 (not sizeof an 8-aligned struct)");
	is_u64(data_start(&b) - vp.off, 32, "VP_CONTEXT takes 32 bytes on disk (the last record here)");
	ok(!memcmp(b.p + vp.body + 20, "\0\0\0\0", 4), "its 4 padding bytes are zero");
	is_u64(rf_rd64(b.p, vp.body), 0, "VBS context gpa 0");
	is_u64(rf_rd32(b.p, vp.body + 8), 1, "VBS context mask 1");
	uint32_t at = rf_rd32(b.p, vp.body + 12);
	is_u64(at, data_start(&b) + 0x2000, "VBS context data after the two pages");
	is_u64(b.len - at, 36, "VBS context data is 4 + 32 bytes, not padded to a page");
	is_u64(rf_rd32(b.p, at), 1, "register_count 1");
	is_u64(b.p[at + 4], 0, "register VTL 0");
	is_u64(rf_rd32(b.p, at + 5), FX_REG_X64_RIP, "register name RIP at byte 1 (packed)");
	is_u64(rf_rd64(b.p, at + 4 + 16), 0x1000, "register value 0x1000 at byte 16");
	ib_buf_free(&b);

	/* A context blob first leaves every later page at an unaligned offset. */
	static const uint32_t names[] = { FX_REG_X64_RIP };
	static const uint64_t values[] = { 0x1000 };
	igvm_file_init(&f, 2, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_VSM_ISOLATION, 0);
	uint32_t clen;
	uint8_t *ctx = fx_vbs_context(&f, 0, names, values, 1, &clen);
	fx_vp(&f, 0, 1, 0, ctx, clen);
	fx_page_data(&f, 0, 1, 0, 0, fx_page(&f, 0x5A), 4096);
	b = (struct ib_buf)IB_BUF_INIT;
	if (ok(write_model(&f, &b), "context-first VBS file is written")) {
		is_u64(offset_of(&b, IGVM_VHT_VP_CONTEXT, 0), data_start(&b), "context blob first");
		is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 0), data_start(&b) + 36, "page blob right after it, not aligned");
		struct rf_rec pg;
		ok(rf_find(b.p, b.len, IGVM_VHT_PAGE_DATA, 0, &pg) && pg.off % 8 == 0 && vp.off % 8 == 0,
		   "the record after a VP_CONTEXT is still 8-byte aligned");
	}
	ib_buf_free(&b);
}

static void test_short_page_padding(void)
{
	static const uint8_t nine[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct igvm_file f;
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_page_data(&f, 0x12340000, 1, 0, 0, nine, 9);
	struct ib_buf b = IB_BUF_INIT;
	if (!ok(write_model(&f, &b), "9-byte page file is written"))
		return;
	uint32_t at = offset_of(&b, IGVM_VHT_PAGE_DATA, 0);
	is_u64(at, data_start(&b), "page data at the start of the data section");
	is_u64(b.len - at, 4096, "9 bytes of page data are stored as 4096");
	ok(!memcmp(b.p + at, nine, 9), "the 9 bytes come first");
	bool zero = true;
	for (size_t i = at + 9; i < b.len; i++)
		zero &= b.p[i] == 0;
	ok(zero, "followed by 4087 zero bytes");
	struct igvm_file p;
	struct igvm_diag d;
	if (ok(igvm_parse(b.p, b.len, IGVM_PARSE_STRICT, &p, &d) == 0, "the file parses")) {
		is_u64(p.hdr[1].data_len, 4096, "the reader sees 4096 bytes of page data");
		igvm_file_free(&p);
	}
	ib_buf_free(&b);

	/* Parameter-area initial data is padded to the area size. */
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_area(&f, 3, 0x3000, nine, 9);
	fx_insert(&f, 0x100000, 1, 3);
	b = (struct ib_buf)IB_BUF_INIT;
	if (ok(write_model(&f, &b), "parameter area with 9 bytes of initial data is written")) {
		at = offset_of(&b, IGVM_VHT_PARAMETER_AREA, 0);
		is_u64(b.len - at, 0x3000, "the initial data is padded to number_of_bytes (0x3000)");
		ok(at && !memcmp(b.p + at, nine, 9) && b.p[b.len - 1] == 0, "data first, zeros after");
	}
	ib_buf_free(&b);

	/* A native context of 232 bytes is padded to a page. */
	b = (struct ib_buf)IB_BUF_INIT;
	if (fx_native(&f) == 0 && ok(write_model(&f, &b), "native fixture is written")) {
		at = offset_of(&b, IGVM_VHT_VP_CONTEXT, 0);
		is_u64(b.len - at, 4096, "the native context (last blob) is stored as 4096 bytes");
		is_u64(rf_rd64(b.p, at + 0x80), 0x100000, "native context rip at 0x80");
	}
	ib_buf_free(&b);
}

static void test_fixed_headers(void)
{
	struct igvm_file f;
	struct ib_buf b = IB_BUF_INIT;
	if (fx_ser_snp(&f) == 0 && ok(write_model(&f, &b), "v1 file is written")) {
		is_u64(rf_rd32(b.p, 0), IGVM_MAGIC, "v1: magic");
		is_u64(rf_rd32(b.p, 4), 1, "v1: format_version 1");
		is_u64(rf_rd32(b.p, 8), 24, "v1: variable headers at 0x18");
		is_u64(rf_rd32(b.p, 24), IGVM_VHT_SUPPORTED_PLATFORM, "v1: first record right after 24 header bytes");
		uint32_t crc;
		ok(rf_header_crc(b.p, b.len, &crc) && crc == rf_rd32(b.p, 0x14), "v1: CRC over 24 + %u bytes",
		   rf_rd32(b.p, 12));
	}
	ib_buf_free(&b);
	b = (struct ib_buf)IB_BUF_INIT;
	if (fx_v2_aarch64(&f) == 0 && ok(write_model(&f, &b), "v2 AArch64 file is written")) {
		is_u64(rf_rd32(b.p, 4), 2, "v2: format_version 2");
		is_u64(rf_rd32(b.p, 8), 32, "v2: variable headers at 0x20");
		is_u64(rf_rd32(b.p, 0x18), IGVM_ARCH_AARCH64, "v2: architecture 1 (AArch64)");
		is_u64(rf_rd32(b.p, 0x1C), 4096, "v2: page_size 4096");
		is_u64(rf_rd32(b.p, 32), IGVM_VHT_SUPPORTED_PLATFORM, "v2: first record right after 32 header bytes");
		uint32_t crc;
		ok(rf_header_crc(b.p, b.len, &crc) && crc == rf_rd32(b.p, 0x14),
		   "v2: CRC covers the 32-byte header (architecture, page_size)");
		ok(records_aligned(&b, "v2-aarch64"), "v2: records 8-byte aligned with zero padding");
	}
	ib_buf_free(&b);
	b = (struct ib_buf)IB_BUF_INIT;
	if (fx_native(&f) == 0 && ok(write_model(&f, &b), "v2 x64 file is written"))
		is_u64(rf_rd32(b.p, 0x18), IGVM_ARCH_X64, "v2 x64: architecture 0");
	ib_buf_free(&b);

	/* What cannot be written. */
	struct igvm_diag d;
	igvm_file_init(&f, 1, IGVM_ARCH_AARCH64);
	fx_platform(&f, 1, IGVM_PLATFORM_VSM_ISOLATION, 0);
	b = (struct ib_buf)IB_BUF_INIT;
	ok(igvm_write(&f, &b, &d) == -1 && b.len == 0, "a v1 AArch64 file is refused (v1 means x64)");
	igvm_file_free(&f);
	igvm_file_init(&f, 3, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_VSM_ISOLATION, 0);
	ok(igvm_write(&f, &b, &d) == -1 && d.rule == IGVM_RULE_FORMAT_VERSION && b.len == 0,
	   "format version 3 is refused");
	igvm_file_free(&f);
}

static void test_round_trips(void)
{
	for (size_t i = 0; i < FX_COUNT; i++) {
		const struct fx_fixture *fx = &fx_fixtures[i];
		struct ib_buf b = IB_BUF_INIT;
		struct igvm_diag d;
		if (!ok(fx_write(fx, &b, &d) == 0, "%s: written", fx->name)) {
			show(&d);
			ib_buf_free(&b);
			continue;
		}
		ok(records_aligned(&b, fx->name), "%s: records 8-byte aligned, zero padding", fx->name);
		is_u64(rf_rd32(b.p, 16), b.len, "%s: total_file_size is the length", fx->name);
		uint32_t crc;
		ok(rf_header_crc(b.p, b.len, &crc) && crc == rf_rd32(b.p, 0x14), "%s: independent CRC agrees", fx->name);
		ok(b.len > data_start(&b), "%s: the data section is not empty", fx->name);
		static const unsigned flags[] = { 0, IGVM_PARSE_STRICT };
		for (size_t k = 0; k < 2; k++) {
			struct igvm_file p;
			int r = igvm_parse(b.p, b.len, flags[k], &p, &d);
			if (!ok(r == 0, "%s: parses (%s)", fx->name, k ? "strict" : "reference rules")) {
				show(&d);
				continue;
			}
			struct ib_buf again = IB_BUF_INIT;
			r = igvm_write(&p, &again, &d);
			ok(r == 0 && again.len == b.len && !memcmp(again.p, b.p, b.len),
			   "%s: write(parse(file)) == file (%s)", fx->name, k ? "strict" : "reference rules");
			ib_buf_free(&again);
			igvm_file_free(&p);
		}
		ib_buf_free(&b);
	}
}

static void test_refusals(void)
{
	struct igvm_file f;
	struct igvm_diag d;
	struct ib_buf b = IB_BUF_INIT;
	uint8_t *big = malloc(4097);
	memset(big, 0x77, 4097);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_page_data(&f, 0, 1, 0, 0, big, 4096);
	fx_page_data(&f, 0x1000, 1, 0, 0, big, 4097);
	int r = igvm_write(&f, &b, &d);
	ok(r == -1 && d.rule == IGVM_RULE_WRITE_DATA_TOO_LONG, "PAGE_DATA with 4097 bytes is refused (%s)",
	   igvm_rule_name(IGVM_RULE_WRITE_DATA_TOO_LONG));
	is_u64(d.offset, 2, "the diagnostic names header index 2");
	is_u64(b.len, 0, "nothing is appended on failure");
	igvm_file_free(&f);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_page_data(&f, 0, 1, IGVM_PAGE_FLAG_2MB, 0, big, 4097);
	r = igvm_write(&f, &b, &d);
	ok(r == -1 && d.rule == IGVM_RULE_WRITE_DATA_TOO_LONG, "a 2 MiB-flagged page with more than 4096 bytes is refused");
	igvm_file_free(&f);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_page_data(&f, 0, 1, 0, 0, big, 4096);
	fx_vp(&f, 0, 1, 0, big, 4097);
	r = igvm_write(&f, &b, &d);
	ok(r == -1 && d.rule == IGVM_RULE_WRITE_DATA_TOO_LONG, "a VMSA of 4097 bytes is refused");
	igvm_file_free(&f);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_area(&f, 0, 0x1000, big, 4097);
	r = igvm_write(&f, &b, &d);
	ok(r == -1 && d.rule == IGVM_RULE_WRITE_DATA_TOO_LONG, "parameter area data longer than the area is refused");
	igvm_file_free(&f);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_page_data(&f, 0, 1, 0, 0, big, 4096);
	fx_vp(&f, 0, 1, 0, NULL, 0);
	r = igvm_write(&f, &b, &d);
	ok(r == -1 && d.rule == IGVM_RULE_WRITE_UNSUPPORTED, "a VP context without data is refused");
	igvm_file_free(&f);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	struct igvm_vhs_guest_policy gp = { 0x30000, 1, 0 };
	igvm_file_add(&f, IGVM_VHT_GUEST_POLICY, &gp, big, 16);
	r = igvm_write(&f, &b, &d);
	ok(r == -1 && d.rule == IGVM_RULE_WRITE_UNSUPPORTED, "data on a GUEST_POLICY is refused");
	igvm_file_free(&f);

	/* The writer checks its output against the reference rules. */
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_page_data(&f, 0x800, 1, 0, 0, big, 4096);
	r = igvm_write(&f, &b, &d);
	ok(r == -1 && d.rule == IGVM_RULE_GPA_ALIGNMENT, "a misaligned page is refused with the reader's rule");
	igvm_file_free(&f);
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_page_data(&f, 0, 1, 0, 0, big, 4096);
	r = igvm_write(&f, &b, &d);
	ok(r == -1 && d.rule == IGVM_RULE_NO_PLATFORM, "a file without a platform is refused");
	igvm_file_free(&f);
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_param(&f, IGVM_VHT_VP_COUNT_PARAMETER, 9, 0);
	r = igvm_write(&f, &b, &d);
	ok(r == -1 && d.rule == IGVM_RULE_PARAMETER_AREA_INDEX, "a parameter use of an undeclared area is refused");
	igvm_file_free(&f);
	is_u64(b.len, 0, "no refused file left anything in the output buffer");

	/* igvm_file_add knows the types. */
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	struct igvm_vhs_parameter pp = { 0, 0 };
	ok(igvm_file_add(&f, 0x399, &pp, NULL, 0) == NULL, "igvm_file_add refuses an unknown type");
	ok(igvm_file_add(&f, IGVM_VHT_RESERVED_DO_NOT_USE, &pp, NULL, 0) == NULL, "igvm_file_add refuses 0x306");
	is_u64(f.count, 0, "refused adds leave the model empty");
	igvm_file_free(&f);
	free(big);
}

static void test_offsets_assigned(void)
{
	/* The writer assigns file_offset itself: whatever the caller leaves there is ignored. */
	struct igvm_file f;
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	struct igvm_vhs_page_data pd = { .gpa = 0, .compatibility_mask = 1, .file_offset = 0xDEADBEEF };
	igvm_file_add(&f, IGVM_VHT_PAGE_DATA, &pd, fx_page(&f, 0x42), 4096);
	pd.gpa = 0x1000;
	igvm_file_add(&f, IGVM_VHT_PAGE_DATA, &pd, NULL, 0);
	struct igvm_vhs_parameter_area pa = { .number_of_bytes = 0x1000, .parameter_area_index = 0, .file_offset = 0x1234 };
	igvm_file_add(&f, IGVM_VHT_PARAMETER_AREA, &pa, NULL, 0);
	fx_insert(&f, 0x10000, 1, 0);
	struct ib_buf b = IB_BUF_INIT;
	if (ok(write_model(&f, &b), "model with stale file offsets is written")) {
		is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 0), data_start(&b), "page offset assigned (absolute)");
		is_u64(offset_of(&b, IGVM_VHT_PAGE_DATA, 1), 0, "data-less page offset 0");
		is_u64(offset_of(&b, IGVM_VHT_PARAMETER_AREA, 0), 0, "data-less parameter area offset 0");
	}
	ib_buf_free(&b);

	/* No data at all: the writer appends 8 zero bytes (igvm.h) so the data section is not empty. */
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_policy(&f, 0x30000, 1);
	fx_page_data(&f, 0, 1, 0, 0, NULL, 0);
	b = (struct ib_buf)IB_BUF_INIT;
	if (ok(write_model(&f, &b), "data-less SNP file is written")) {
		is_u64(rf_rd32(b.p, 12), 0x50, "variable_header_size 0x50, as the reference writes it");
		is_u64(b.len, 0x68 + 8, "0x68 bytes plus 8 bytes of file data");
		ok(!memcmp(b.p + 0x68, "\0\0\0\0\0\0\0\0", 8), "the 8 appended bytes are zero");
	}
	ib_buf_free(&b);

	/* A parameter area larger than 4 GiB carries no blob, so it can be written (and it parses). */
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	fx_platform(&f, 1, IGVM_PLATFORM_SEV_SNP, 0);
	fx_area(&f, 0, 0x200000000ull, NULL, 0);
	fx_param(&f, IGVM_VHT_MEMORY_MAP, 0, 0);
	fx_insert(&f, 0x100000000ull, 1, 0);
	b = (struct ib_buf)IB_BUF_INIT;
	ok(write_model(&f, &b), "an 8 GiB parameter area without initial data is written");
	ib_buf_free(&b);
	/* The same file assembled by hand is valid for the reader. */
	struct rb r;
	rb_init(&r, 1, IGVM_ARCH_X64);
	struct igvm_vhs_supported_platform sp = { 1, 0, IGVM_PLATFORM_SEV_SNP, 1, 0 };
	rb_rec(&r, IGVM_VHT_SUPPORTED_PLATFORM, &sp, sizeof(sp), -1, 0);
	struct igvm_vhs_parameter_area big = { 0x200000000ull, 0, 0 };
	rb_rec(&r, IGVM_VHT_PARAMETER_AREA, &big, sizeof(big), -1, 0);
	struct igvm_vhs_parameter mm = { 0, 0 };
	rb_rec(&r, IGVM_VHT_MEMORY_MAP, &mm, sizeof(mm), -1, 0);
	struct igvm_vhs_parameter_insert in = { 0x100000000ull, 1, 0 };
	rb_rec(&r, IGVM_VHT_PARAMETER_INSERT, &in, sizeof(in), -1, 0);
	rb_blob(&r, "\0\0\0\0\0\0\0\0", 8, 0);
	b = (struct ib_buf)IB_BUF_INIT;
	rb_finish(&r, &b);
	rb_free(&r);
	struct igvm_file p;
	struct igvm_diag d;
	int rc = igvm_parse(b.p, b.len, IGVM_PARSE_STRICT, &p, &d);
	if (ok(rc == 0, "... and such a file (assembled by hand) is valid for the reader")) {
		struct ib_buf again = IB_BUF_INIT;
		rc = igvm_write(&p, &again, &d);
		if (!ok(rc == 0 && again.len == b.len && !memcmp(again.p, b.p, b.len),
			"... and write(parse(file)) == file"))
			show(&d);
		ib_buf_free(&again);
		igvm_file_free(&p);
	} else {
		show(&d);
	}
	ib_buf_free(&b);
}

/*
 * Whatever the reader accepts, the writer must be able to write back. Mask-0
 * headers are the delicate case: the reference drops most of them silently
 * (spec §2.4) but a VP_CONTEXT's mask is looked up among the platforms first.
 */
static void test_reader_writer_agree(void)
{
	struct igvm_file f;
	struct ib_buf b = IB_BUF_INIT;
	struct igvm_diag d;
	if (fx_snp_kvm(&f) < 0 || !write_model(&f, &b)) {
		ok(0, "snp-kvm is written");
		ib_buf_free(&b);
		return;
	}
	static const struct {
		uint32_t type;
		unsigned nth;
		size_t mask_at;
		const char *what;
	} cases[] = {
		{ IGVM_VHT_VP_CONTEXT, 0, 8, "VP_CONTEXT" },
		{ IGVM_VHT_PAGE_DATA, 0, 8, "PAGE_DATA" },
		{ IGVM_VHT_PARAMETER_INSERT, 0, 8, "PARAMETER_INSERT" },
		{ IGVM_VHT_REQUIRED_MEMORY, 0, 8, "REQUIRED_MEMORY" },
		{ IGVM_VHT_GUEST_POLICY, 0, 8, "GUEST_POLICY" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rf_rec r;
		if (!rf_find(b.p, b.len, cases[i].type, cases[i].nth, &r)) {
			ok(0, "%s present", cases[i].what);
			continue;
		}
		struct ib_buf c = IB_BUF_INIT;
		ib_buf_append(&c, b.p, b.len);
		rf_wr32(c.p, r.body + cases[i].mask_at, 0);
		rf_fix_crc(c.p, c.len);
		struct igvm_file p;
		if (igvm_parse(c.p, c.len, 0, &p, &d) != 0) {
			ok(1, "%s with mask 0: rejected by the reader (%s), nothing to write", cases[i].what,
			   igvm_rule_name(d.rule));
			ib_buf_free(&c);
			continue;
		}
		struct ib_buf w = IB_BUF_INIT;
		int rc = igvm_write(&p, &w, &d);
		igvm_file_free(&p);
		if (!ok(rc == 0, "%s with mask 0: accepted by the reader, so the writer writes it back", cases[i].what))
			show(&d);
		ib_buf_free(&w);
		ib_buf_free(&c);
	}
	ib_buf_free(&b);
}

int main(void)
{
	test_dedup_and_order();
	test_vp_context_record();
	test_short_page_padding();
	test_fixed_headers();
	test_round_trips();
	test_refusals();
	test_offsets_assigned();
	test_reader_writer_agree();
	return tap_done();
}
