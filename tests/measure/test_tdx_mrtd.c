/* SPDX-License-Identifier: MIT */
/*
 * The TDX MRTD: records (measure/tdx_mrtd.c), IGVM files measured with the
 * microsoft/igvm crate's model (measure/igvm_digest.c, -p tdx), and the TDVF
 * metadata parser and direct-launch MRTD (measure/tdvf.c).
 *
 * Golden values from sources independent of this code:
 *  - the crate's serializer test file for TDX (igvm/src/serializer.rs: TDX
 *    mask 1, page 0 filled with 0xEE, page 1 with 0xFF) and its MRTD
 *    D8585C0F…: spec igvm-format.md §10.2, verified against the crate at
 *    e6c3ff1; test_conformance.c shows our file is byte for byte the crate's
 *    (size 8304, CRC 0x2EE2BA8F, SHA-256 8dd24207…);
 *  - every other IGVM and TDVF case against the oracle below: the records
 *    written out byte by byte from their documented layout (spec §7.2, the
 *    crate's TdxPageAdd/TdxMrExtend, the TDX module's TDH.MEM.PAGE.ADD and
 *    TDH.MR.EXTEND), walked from the file model in the crate's order or the
 *    TDVF sections in dstack-mr's and td-shim's orders, and hashed once with
 *    ib_sha384. It shares no code with measure/tdx_mrtd.c, igvm_digest.c or
 *    tdvf.c. The command-line test (t0310) checks the smallest cases again
 *    with `openssl dgst -sha384` over records it writes with printf, and the
 *    Debian firmware with a Python implementation.
 *
 * Run with "--fixtures DIR" the program writes the IGVM files, a synthetic
 * TDVF firmware and the raw page bytes that tests/cli/t0310-tdx.sh uses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/tap.h"

#include "../../common/buf.h"
#include "../../common/cleanup.h"
#include "../../common/digest.h"
#include "../../common/fileio.h"
#include "../../common/status.h"
#include "../../format/igvm.h"
#include "../../measure/igvm_digest.h"
#include "../../measure/snp_digest.h"
#include "../../measure/tdvf.h"
#include "../../measure/tdx_mrtd.h"
#include "../tools/fixtures.h"
#include "../tools/rawfile.h"

#define PAGE 4096u

static const char SERIALIZER_TDX_MRTD[] =
	"D8585C0FE9F500F7EC21936BE616A9FF16969A6A47E9483C9561B2E2FD9412BDCCED56518174F17DC0A85326FF4B5AA8";

static void hex_upper(const uint8_t *p, size_t n, char *out)
{
	ib_hex_upper(p, n, out);
}

/* ---- the oracle ------------------------------------------------------------------------- */

struct oracle {
	struct ib_buf stream; /* every record, in order */
};

static void le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void o_page_add(struct oracle *o, uint64_t gpa)
{
	uint8_t r[128];
	memset(r, 0, sizeof(r));
	static const char op[] = { 'M', 'E', 'M', '.', 'P', 'A', 'G', 'E', '.', 'A', 'D', 'D' };
	memcpy(r, op, sizeof(op));
	le64(r + 16, gpa);
	ib_buf_append(&o->stream, r, sizeof(r));
}

static void o_extend(struct oracle *o, uint64_t gpa, const uint8_t *page)
{
	static const uint8_t zeros[PAGE];
	if (!page)
		page = zeros;
	for (unsigned c = 0; c < 16; c++) {
		uint8_t r[384];
		memset(r, 0, sizeof(r));
		static const char op[] = { 'M', 'R', '.', 'E', 'X', 'T', 'E', 'N', 'D' };
		memcpy(r, op, sizeof(op));
		le64(r + 16, gpa + c * 256u);
		memcpy(r + 128, page + c * 256u, 256);
		ib_buf_append(&o->stream, r, sizeof(r));
	}
}

static void o_final(struct oracle *o, uint8_t out[48])
{
	if (ib_sha384(o->stream.p ? o->stream.p : (const uint8_t *)"", o->stream.len, out))
		abort();
	ib_buf_free(&o->stream);
}

/* The crate's generate_tdx_measurement, restated over the in-memory model. */
static void oracle_igvm(const struct igvm_file *f, uint32_t mask, uint8_t out[48])
{
	struct oracle o = { IB_BUF_INIT };
	struct { uint32_t index; uint64_t size; } areas[16];
	size_t nareas = 0;
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (h->type == IGVM_VHT_PARAMETER_AREA && nareas < 16) {
			areas[nareas].index = h->body.param_area.parameter_area_index;
			areas[nareas++].size = h->body.param_area.number_of_bytes;
		} else if (h->type == IGVM_VHT_PAGE_DATA) {
			const struct igvm_vhs_page_data *p = &h->body.page;
			if ((p->compatibility_mask & mask) != mask || (p->flags & IGVM_PAGE_FLAG_SHARED))
				continue;
			o_page_add(&o, p->gpa);
			if (!(p->flags & IGVM_PAGE_FLAG_UNMEASURED))
				o_extend(&o, p->gpa, h->data_len ? h->data : NULL);
		} else if (h->type == IGVM_VHT_PARAMETER_INSERT) {
			const struct igvm_vhs_parameter_insert *in = &h->body.insert;
			if ((in->compatibility_mask & mask) != mask)
				continue;
			for (size_t a = 0; a < nareas; a++)
				if (areas[a].index == in->parameter_area_index)
					for (uint64_t g = in->gpa; g < in->gpa + areas[a].size; g += PAGE)
						o_page_add(&o, g);
		}
	}
	o_final(&o, out);
}

/* ---- IGVM helpers ---------------------------------------------------------------------------- */

static uint8_t *page_of(struct igvm_file *f, uint8_t fill)
{
	uint8_t *p = fx_page(f, fill);
	if (!p)
		abort();
	return p;
}

static uint8_t *page_pattern(struct igvm_file *f, uint32_t seed)
{
	uint8_t *p = page_of(f, 0);
	for (unsigned i = 0; i < PAGE; i++)
		p[i] = (uint8_t)(i * 7 + seed * 31 + (i >> 8));
	return p;
}

static void must(int r)
{
	if (r)
		abort();
}

static void tdx_file(struct igvm_file *f, uint32_t mask)
{
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	must(fx_platform(f, mask, IGVM_PLATFORM_TDX, 0));
}

struct m {
	int rc;
	struct igvm_digest_result r;
	struct igvm_digest_error e;
};

/* Serializes f, parses it back (the model the oracle walks too) and measures it. */
static struct m measure_file(const struct igvm_file *built, bool via_fd, struct igvm_file *parsed,
			     const struct igvm_digest_opts *o)
{
	struct m m;
	memset(&m, 0, sizeof(m));
	struct ib_buf b = IB_BUF_INIT;
	struct igvm_diag d;
	if (igvm_write(built, &b, &d) || igvm_parse(b.p, b.len, 0, parsed, &d)) {
		diag("%s: %s", igvm_rule_name(d.rule), d.detail);
		abort();
	}
	struct igvm_digest_source src = { .fd = -1, .mem = b.p, .mem_len = b.len };
	char path[] = "/tmp/test_tdx_mrtd.XXXXXX";
	if (via_fd) {
		src.fd = mkstemp(path);
		if (src.fd < 0 || write(src.fd, b.p, b.len) != (ssize_t)b.len)
			abort();
		unlink(path);
		src.mem = NULL;
	}
	m.rc = igvm_digest_compute(parsed, &src, o, &m.r, &m.e);
	igvm_digest_result_free(&m.r);
	if (src.fd >= 0)
		close(src.fd);
	/* The parsed model points into b: keep the bytes alive with the model. */
	if (!igvm_file_own(parsed, b.p))
		abort();
	return m;
}

/* Measures f with the TDX model and compares with the oracle. */
static void check_against_oracle(const struct igvm_file *built, const char *what)
{
	struct igvm_file parsed;
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_TDX };
	struct m m = measure_file(built, false, &parsed, &o);
	uint32_t mask = 0;
	igvm_digest_platform_mask(&parsed, IGVM_DIGEST_TDX, &mask);
	uint8_t want[48];
	oracle_igvm(&parsed, mask, want);
	if (ok(m.rc == 0 && m.r.digest_len == 48, "%s: measured (%s)", what, m.rc ? m.e.detail : "ok"))
		is_mem(m.r.digest, want, 48, "%s: MRTD equals the oracle's", what);
	igvm_file_free(&parsed);
}

/* ---- records and the golden vector ----------------------------------------------------------- */

static void test_records(void)
{
	uint8_t rec[128], want[128];
	memset(want, 0, sizeof(want));
	memcpy(want, "MEM.PAGE.ADD", 12);
	want[16] = 0x00, want[17] = 0x30, want[18] = 0x12, want[23] = 0x80; /* 0x8000000000123000 */
	tdx_mrtd_page_add_record(0x8000000000123000ull, rec);
	is_mem(rec, want, 128, "PAGE.ADD record: name NUL-padded to 16, GPA little-endian at 16, zeros to 128");
	memset(want, 0, sizeof(want));
	memcpy(want, "MR.EXTEND", 9);
	want[16] = 0x00, want[17] = 0x0f;
	tdx_mrtd_extend_header(0xf00, rec);
	is_mem(rec, want, 128, "MR.EXTEND header: name NUL-padded to 16, GPA at 16, zeros to 128");

	/* One page added, nothing else: SHA-384 of the one 128-byte record. */
	struct tdx_mrtd m;
	uint8_t got[48], exp[48];
	must(tdx_mrtd_init(&m));
	must(tdx_mrtd_page_add(&m, 0x1000));
	must(tdx_mrtd_final(&m, got));
	tdx_mrtd_free(&m);
	struct oracle o = { IB_BUF_INIT };
	o_page_add(&o, 0x1000);
	o_final(&o, exp);
	is_mem(got, exp, 48, "one PAGE.ADD: SHA-384 of its record");

	/* A measured zero page: PAGE.ADD and 16 extends of zeros; counters. */
	must(tdx_mrtd_init(&m));
	must(tdx_mrtd_page_add(&m, 0));
	must(tdx_mrtd_extend_page(&m, 0, NULL));
	must(tdx_mrtd_final(&m, got));
	is_u64(m.page_adds, 1, "counters: one PAGE.ADD");
	is_u64(m.extends, 16, "counters: sixteen MR.EXTENDs");
	tdx_mrtd_free(&m);
	o_page_add(&o, 0);
	o_extend(&o, 0, NULL);
	o_final(&o, exp);
	is_mem(got, exp, 48, "one zero page: PAGE.ADD then 16 MR.EXTEND records of zeros");
}

static void test_golden(void)
{
	struct igvm_file f, parsed;
	must(fx_ser_tdx(&f));
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_TDX };
	struct m m = measure_file(&f, false, &parsed, &o);
	char hex[97];
	hex_upper(m.r.digest, 48, hex);
	ok(m.rc == 0 && !strcmp(hex, SERIALIZER_TDX_MRTD), "crate serializer TDX file: MRTD D8585C0F... (got %s)", hex);
	is_u64(m.r.pages[SNP_PAGE_NORMAL], 2, "crate serializer TDX file: two pages added and extended");
	igvm_file_free(&parsed);
	struct m m2 = measure_file(&f, true, &parsed, &o);
	ok(m2.rc == 0 && !memcmp(m2.r.digest, m.r.digest, 48), "the same MRTD when the pages are read with pread()");
	is_u64(m2.r.workers, 1, "one thread: the MRTD is one hash stream");
	igvm_file_free(&parsed);
	igvm_file_free(&f);

	must(fx_multi(&f));
	check_against_oracle(&f, "multi fixture (SNP, TDX, VSM sharing pages)");
	igvm_file_free(&f);
	must(fx_tdx_openvmm(&f));
	check_against_oracle(&f, "OpenVMM-style TDX fixture (reset page, parameter area)");
	igvm_file_free(&f);
	must(fx_tdx_coconut(&f));
	check_against_oracle(&f, "COCONUT-style TDX fixture (mask 0x4)");
	igvm_file_free(&f);
}

/* ---- the crate's model, case by case -------------------------------------------------------- */

static void test_kinds(void)
{
	struct igvm_file f;
	tdx_file(&f, 0x1);
	must(fx_page_data(&f, 0x1000, 1, 0, IGVM_PAGE_DATA_NORMAL, page_pattern(&f, 1), PAGE));
	check_against_oracle(&f, "one measured page with data");
	igvm_file_free(&f);

	tdx_file(&f, 0x1);
	must(fx_page_data(&f, 0x2000, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	check_against_oracle(&f, "one page without data: extended with zeros");
	igvm_file_free(&f);

	tdx_file(&f, 0x1);
	must(fx_page_data(&f, 0x3000, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, page_pattern(&f, 2), PAGE));
	check_against_oracle(&f, "one unmeasured page: PAGE.ADD only");
	igvm_file_free(&f);

	/* Everything at once, with pages for other platforms and SNP-only kinds. */
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	must(fx_platform(&f, 0x1, IGVM_PLATFORM_SEV_SNP, 0));
	must(fx_platform(&f, 0x4, IGVM_PLATFORM_TDX, 0));
	must(fx_policy(&f, 0x30000, 0x1));
	must(fx_policy(&f, TDX_POLICY_SEPT_VE_DISABLE, 0x4));
	must(fx_page_data(&f, 0x100000, 0x5, 0, IGVM_PAGE_DATA_NORMAL, page_pattern(&f, 3), PAGE));
	must(fx_page_data(&f, 0x101000, 0x1, 0, IGVM_PAGE_DATA_NORMAL, page_pattern(&f, 4), PAGE)); /* SNP only */
	must(fx_page_data(&f, 0x102000, 0x4, IGVM_PAGE_FLAG_SHARED, IGVM_PAGE_DATA_NORMAL, page_pattern(&f, 5), PAGE));
	must(fx_page_data(&f, 0x200000, 0x4, IGVM_PAGE_FLAG_2MB, IGVM_PAGE_DATA_NORMAL, page_pattern(&f, 6), PAGE));
	must(fx_page_data(&f, 0x8000, 0x4, 0, IGVM_PAGE_DATA_SECRETS, NULL, 0));
	must(fx_page_data(&f, 0x9000, 0x4, 0, IGVM_PAGE_DATA_CPUID_DATA, page_pattern(&f, 7), PAGE));
	must(fx_area(&f, 3, 0x3000, NULL, 0));
	must(fx_param(&f, IGVM_VHT_MEMORY_MAP, 3, 0));
	must(fx_insert(&f, 0x40000, 0x4, 3));
	must(fx_area(&f, 4, 0x1000, NULL, 0));
	must(fx_insert(&f, 0x50000, 0x1, 4)); /* SNP only */
	must(fx_vp(&f, 0xFFFFFFFFF000ull, 0x1, 0, fx_vmsa(&f, 0xfff0), PAGE));
	check_against_oracle(&f, "every kind of directive, SNP and TDX in one file");

	struct igvm_file parsed;
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_TDX };
	struct m m = measure_file(&f, false, &parsed, &o);
	is_u64(m.r.pages[SNP_PAGE_NORMAL], 4, "counts: 4 pages extended (data, 2 MiB as 4 KiB, secrets, CPUID)");
	is_u64(m.r.pages[SNP_PAGE_UNMEASURED], 3, "counts: 3 pages added only (the parameter area)");
	is_u64(m.r.shared_skipped, 1, "counts: 1 shared page skipped");
	is_u64(m.r.large_pages, 1, "counts: 1 is_2mb_page header measured as one 4 KiB page");
	is_u64(m.r.hashed_pages, 3, "counts: 3 pages whose data was read");
	igvm_file_free(&parsed);

	/* A compatibility mask given by the caller must belong to the TDX header. */
	o.mask = 0x1;
	m = measure_file(&f, false, &parsed, &o);
	ok(m.rc == IB_EXIT_INVALID && m.e.rule && !strcmp(m.e.rule, "measure.mask"),
	   "a mask the TDX header does not own: measure.mask");
	igvm_file_free(&parsed);
	igvm_file_free(&f);
}

/* Operations seen by the -v callback, in order. */
struct ops {
	struct tdx_op op[64];
	size_t n;
};

static void collect(void *ctx, const struct tdx_op *op)
{
	struct ops *s = ctx;
	if (s->n < 64)
		s->op[s->n] = *op;
	s->n++;
}

static void test_ops_and_errors(void)
{
	struct igvm_file f, parsed;
	tdx_file(&f, 0x1);
	must(fx_page_data(&f, 0x1000, 1, 0, IGVM_PAGE_DATA_NORMAL, page_pattern(&f, 9), PAGE));
	must(fx_page_data(&f, 0x2000, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	must(fx_page_data(&f, 0x3000, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	struct ops s = { .n = 0 };
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_TDX, .on_op = collect, .op_ctx = &s };
	struct m m = measure_file(&f, true, &parsed, &o);
	ok(m.rc == 0 && s.n == 5, "operations: 5 reported (%zu)", s.n);
	ok(s.op[0].kind == TDX_OP_PAGE_ADD && s.op[0].gpa == 0x1000 && s.op[1].kind == TDX_OP_MR_EXTEND &&
		   s.op[1].gpa == 0x1000 && !s.op[1].zero,
	   "operations: PAGE.ADD 0x1000, MR.EXTEND 0x1000 of data");
	ok(s.op[2].kind == TDX_OP_PAGE_ADD && s.op[3].kind == TDX_OP_MR_EXTEND && s.op[3].zero && s.op[3].gpa == 0x2000,
	   "operations: PAGE.ADD 0x2000, MR.EXTEND 0x2000 of zeros");
	ok(s.op[4].kind == TDX_OP_PAGE_ADD && s.op[4].gpa == 0x3000, "operations: PAGE.ADD 0x3000 only (unmeasured)");
	igvm_file_free(&parsed);
	igvm_file_free(&f);

	/* No TDX platform. */
	must(fx_ser_snp(&f));
	o = (struct igvm_digest_opts){ .platform = IGVM_DIGEST_TDX };
	m = measure_file(&f, false, &parsed, &o);
	ok(m.rc == IB_EXIT_INVALID && m.e.rule && !strcmp(m.e.rule, "measure.platform") &&
		   strstr(m.e.detail, "no TDX platform header"),
	   "an SNP-only file: measure.platform (%s)", m.e.detail);
	igvm_file_free(&parsed);
	igvm_file_free(&f);

	/* A parameter area inserted at the top of the address space runs past it. */
	tdx_file(&f, 0x1);
	must(fx_area(&f, 0, 0x2000, NULL, 0));
	must(fx_insert(&f, 0xFFFFFFFFFFFFF000ull, 1, 0));
	m = measure_file(&f, false, &parsed, &o);
	ok(m.rc == IB_EXIT_INVALID && m.e.rule && !strcmp(m.e.rule, "measure.gpa-overflow"),
	   "an insert past 2^64: measure.gpa-overflow");
	igvm_file_free(&parsed);
	igvm_file_free(&f);

	/* No GUEST_POLICY needed for TDX (the crate asks for one on SNP only). */
	must(fx_ser_tdx(&f));
	m = measure_file(&f, false, &parsed, &o);
	ok(m.rc == 0, "no GUEST_POLICY: TDX measures anyway");
	igvm_file_free(&parsed);
	igvm_file_free(&f);
}

/* ---- TDVF ----------------------------------------------------------------------------------- */

/*
 * A synthetic TDVF firmware of FW_SIZE bytes: the data of four pages at the
 * start, the descriptor (after its GUID) at DESC_OFF, and the OVMF GUID table
 * at the end: [TDX entry u32][u16 22][TDX GUID][u16 40][footer GUID][32 bytes].
 */
#define FW_SIZE 0x5000u
#define DESC_OFF 0x4100u

struct fw {
	uint8_t b[FW_SIZE];
	uint32_t count;
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static const uint8_t tdvf_guid_le[16] = { 0xf3, 0xf9, 0xea, 0xe9, 0x8e, 0x16, 0xd5, 0x44,
					  0xa8, 0xeb, 0x7f, 0x4d, 0x87, 0x38, 0xf6, 0xae };

static void fw_section(struct fw *fw, uint32_t i, uint32_t data_off, uint32_t raw, uint64_t gpa, uint64_t mem,
		       uint32_t type, uint32_t attr)
{
	uint8_t *s = fw->b + DESC_OFF + 16 + 32 * i;
	put32(s, data_off);
	put32(s + 4, raw);
	le64(s + 8, gpa);
	le64(s + 16, mem);
	put32(s + 24, type);
	put32(s + 28, attr);
}

static void fw_descriptor(struct fw *fw, uint32_t count)
{
	fw->count = count;
	memcpy(fw->b + DESC_OFF - 16, tdvf_guid_le, 16);
	memcpy(fw->b + DESC_OFF, "TDVF", 4);
	put32(fw->b + DESC_OFF + 4, 16 + 32 * count);
	put32(fw->b + DESC_OFF + 8, 1);
	put32(fw->b + DESC_OFF + 12, count);
}

/* The GUID table; entry_len is the TDX entry's data length (4 normally). */
static void fw_table(struct fw *fw, uint32_t entry_len)
{
	size_t foot = FW_SIZE - 50;
	uint16_t esize = (uint16_t)(18 + entry_len), fsize = (uint16_t)(18 + esize);
	memcpy(fw->b + foot, &fsize, 2);
	memcpy(fw->b + foot + 2, ovmf_guid_footer, 16);
	memcpy(fw->b + foot - 18, &esize, 2);
	memcpy(fw->b + foot - 16, ovmf_guid_tdx_metadata, 16);
	memset(fw->b + foot - esize, 0, entry_len);
	put32(fw->b + foot - 18 - 4, FW_SIZE - DESC_OFF);
}

/* BFV 2 pages measured (file 0x1000), CFV 1 page (file 0), TD_HOB 2 pages, TEMP_MEM 1 page. */
static void fw_default(struct fw *fw)
{
	memset(fw->b, 0, sizeof(fw->b));
	for (unsigned i = 0; i < 0x4000; i++)
		fw->b[i] = (uint8_t)(i * 13 + (i >> 9));
	fw_descriptor(fw, 4);
	fw_section(fw, 0, 0x1000, 0x2000, 0xFFFFE000ull - 0x1000, 0x2000, TDVF_SECTION_BFV, TDVF_ATTR_MR_EXTEND);
	fw_section(fw, 1, 0, 0x1000, 0xFFFFC000ull, 0x1000, TDVF_SECTION_CFV, 0);
	fw_section(fw, 2, 0, 0, 0x809000, 0x2000, TDVF_SECTION_TD_HOB, 0);
	fw_section(fw, 3, 0, 0, 0x800000, 0x1000, TDVF_SECTION_TEMP_MEM, 0);
	fw_table(fw, 4);
}

/* The direct launch as dstack-mr and td-shim compute it, from the bytes of the descriptor. */
static void oracle_tdvf(const uint8_t *b, size_t desc, uint32_t count, bool two_pass, uint8_t out[48])
{
	struct oracle o = { IB_BUF_INIT };
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *s = b + desc + 16 + 32 * i;
		uint32_t off, attr;
		uint64_t gpa, mem;
		memcpy(&off, s, 4);
		memcpy(&gpa, s + 8, 8);
		memcpy(&mem, s + 16, 8);
		memcpy(&attr, s + 28, 4);
		if (attr & 2)
			continue;
		for (uint64_t p = 0; p < mem / PAGE; p++) {
			o_page_add(&o, gpa + p * PAGE);
			if ((attr & 1) && !two_pass)
				o_extend(&o, gpa + p * PAGE, b + off + p * PAGE);
		}
		if ((attr & 1) && two_pass)
			for (uint64_t p = 0; p < mem / PAGE; p++)
				o_extend(&o, gpa + p * PAGE, b + off + p * PAGE);
	}
	o_final(&o, out);
}

static int parse_fw(const struct fw *fw, struct tdvf_image *img, struct ovmf_error *err)
{
	return tdvf_parse(fw->b, sizeof(fw->b), img, err);
}

static void expect_rule(const struct fw *fw, const char *rule, const char *what)
{
	struct tdvf_image img;
	struct ovmf_error err = { 0, NULL, "" };
	int r = parse_fw(fw, &img, &err);
	ok(r == -EINVAL && err.rule && !strcmp(err.rule, rule), "%s: %s (got %s: %s)", what, rule,
	   r ? err.rule : "accepted", r ? err.detail : "");
	if (!r)
		tdvf_image_free(&img);
}

static void expect_warning(const struct fw *fw, const char *rule, const char *what)
{
	struct tdvf_image img;
	struct ovmf_error err = { 0, NULL, "" };
	int r = parse_fw(fw, &img, &err);
	bool found = false;
	for (size_t i = 0; !r && i < img.n_warnings && i < TDVF_MAX_WARNINGS; i++)
		found |= !strcmp(img.warnings[i].rule, rule);
	ok(r == 0 && found, "%s: accepted with warning %s", what, rule);
	if (!r)
		tdvf_image_free(&img);
}

static void test_tdvf_rules(void)
{
	struct fw fw;
	fw_default(&fw);
	struct tdvf_image img;
	struct ovmf_error err = { 0, NULL, "" };
	if (ok(parse_fw(&fw, &img, &err) == 0, "the synthetic TDVF parses")) {
		is_u64(img.n_sections, 4, "four sections");
		is_u64(img.descriptor_off, DESC_OFF, "descriptor where the table entry points");
		is_u64(img.pages_added, 6, "six pages added");
		is_u64(img.pages_extended, 2, "two pages extended");
		is_u64(img.n_warnings, 0, "no warning");
		tdvf_image_free(&img);
	}

	fw_default(&fw);
	memset(fw.b + FW_SIZE - 48, 0, 16);
	expect_rule(&fw, "tdvf.no-table", "no footer GUID");
	fw_default(&fw);
	fw.b[FW_SIZE - 50 - 16] ^= 1; /* the TDX entry's GUID */
	expect_rule(&fw, "tdvf.no-metadata", "no TDX metadata entry");
	fw_default(&fw);
	fw_table(&fw, 8);
	put32(fw.b + FW_SIZE - 50 - 18 - 8, FW_SIZE - DESC_OFF);
	expect_rule(&fw, "tdvf.metadata-entry", "an 8-byte TDX entry");
	fw_default(&fw);
	put32(fw.b + FW_SIZE - 50 - 22, FW_SIZE + 1);
	expect_rule(&fw, "tdvf.metadata-offset", "an offset past the start of the file");
	fw_default(&fw);
	put32(fw.b + FW_SIZE - 50 - 22, 8);
	expect_rule(&fw, "tdvf.metadata-offset", "an offset leaving no room for the descriptor");
	fw_default(&fw);
	fw.b[DESC_OFF] = 'X';
	expect_rule(&fw, "tdvf.signature", "a wrong signature");
	fw_default(&fw);
	put32(fw.b + DESC_OFF + 8, 2);
	expect_rule(&fw, "tdvf.version", "version 2");
	fw_default(&fw);
	fw_descriptor(&fw, 0);
	expect_rule(&fw, "tdvf.count", "no section");
	fw_default(&fw);
	put32(fw.b + DESC_OFF + 4, 16 + 32 * 4 + 1);
	expect_rule(&fw, "tdvf.length", "a length that is not 16 + 32 n");
	fw_default(&fw);
	fw_descriptor(&fw, 0x1000);
	expect_rule(&fw, "tdvf.length", "4096 sections past the end of the file");

	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0x800000, 0x1000, 9, 0);
	expect_rule(&fw, "tdvf.section-type", "type 9");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0x800000, 0x1000, TDVF_SECTION_TEMP_MEM, 0x4);
	expect_rule(&fw, "tdvf.section-attributes", "attribute bit 2");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0x800000, 0x1000, TDVF_SECTION_TEMP_MEM, TDVF_ATTR_MR_EXTEND | TDVF_ATTR_PAGE_AUG);
	expect_rule(&fw, "tdvf.section-attributes", "MR_EXTEND with PAGE_AUG");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0x800800, 0x1000, TDVF_SECTION_TEMP_MEM, 0);
	expect_rule(&fw, "tdvf.section-address", "an unaligned address");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0xFFFFFFFFFFFFF000ull, 0x2000, TDVF_SECTION_TEMP_MEM, 0);
	expect_rule(&fw, "tdvf.section-address", "a range past 2^64");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0x800000, 0, TDVF_SECTION_TEMP_MEM, 0);
	expect_rule(&fw, "tdvf.section-size", "no memory");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0x800000, 0x1800, TDVF_SECTION_TEMP_MEM, 0);
	expect_rule(&fw, "tdvf.section-size", "an unaligned size");
	fw_default(&fw);
	fw_section(&fw, 1, 0, 0x2000, 0xFFFFC000ull, 0x1000, TDVF_SECTION_CFV, 0);
	expect_rule(&fw, "tdvf.section-size", "less memory than raw data");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0x100, 0x800000, 0x1000, TDVF_SECTION_TD_INFO, 0);
	expect_rule(&fw, "tdvf.section-size", "TD_INFO with memory");
	fw_default(&fw);
	fw_section(&fw, 1, 0, 0, 0xFFFFC000ull, 0x1000, TDVF_SECTION_CFV, 0);
	expect_rule(&fw, "tdvf.section-raw", "a CFV without raw data");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0x100, 0x800000, 0x1000, TDVF_SECTION_TEMP_MEM, 0);
	expect_rule(&fw, "tdvf.section-raw", "TEMP_MEM with raw data");
	fw_default(&fw);
	fw_section(&fw, 3, 0x100, 0, 0x800000, 0x1000, TDVF_SECTION_TEMP_MEM, 0);
	expect_rule(&fw, "tdvf.section-data", "a data offset without raw data");
	fw_default(&fw);
	fw_section(&fw, 1, FW_SIZE - 0x800, 0x1000, 0xFFFFC000ull, 0x1000, TDVF_SECTION_CFV, 0);
	expect_rule(&fw, "tdvf.section-data", "raw data past the end of the file");
	fw_default(&fw);
	fw_section(&fw, 0, 0x1000, 0x1000, 0xFFFFD000ull, 0x5000, TDVF_SECTION_BFV, TDVF_ATTR_MR_EXTEND);
	expect_rule(&fw, "tdvf.section-data", "measured memory past the end of the file");
	fw_default(&fw);
	fw_section(&fw, 0, 0x1000, 0x2000, 0xFFFFD000ull, 0x2000, TDVF_SECTION_BFV, 0);
	expect_rule(&fw, "tdvf.bfv-unmeasured", "a BFV without MR_EXTEND");
	fw_default(&fw);
	fw_section(&fw, 0, 0x1000, 0x2000, 0xFFFFD000ull, 0x2000, TDVF_SECTION_PAYLOAD, TDVF_ATTR_MR_EXTEND);
	expect_rule(&fw, "tdvf.no-bfv", "no BFV");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0x800000, 0x1000, TDVF_SECTION_TD_HOB, 0);
	expect_rule(&fw, "tdvf.td-hob-count", "two TD_HOBs");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0x80A000, 0x1000, TDVF_SECTION_TEMP_MEM, 0);
	expect_rule(&fw, "tdvf.section-overlap", "TEMP_MEM inside the TD_HOB");
	fw_default(&fw);
	fw_section(&fw, 3, 0, 0, 0x100000000ull, (TDVF_MAX_PAGES - 4) * PAGE, TDVF_SECTION_TEMP_MEM, 0);
	expect_rule(&fw, "tdvf.page-limit", "2^24 + 1 pages added");

	/* Table rules of ovmf.h apply first. */
	fw_default(&fw);
	uint16_t tiny = 10;
	memcpy(fw.b + FW_SIZE - 50, &tiny, 2);
	expect_rule(&fw, "footer-table-size", "a footer table smaller than its header");

	/* Warnings. */
	fw_default(&fw);
	fw_section(&fw, 3, 0x3000, 0x800, 0x900000, 0x1000, TDVF_SECTION_PAYLOAD, TDVF_ATTR_MR_EXTEND);
	expect_warning(&fw, "tdvf.qemu-section-type", "a PAYLOAD section");
	expect_warning(&fw, "tdvf.raw-shorter", "a measured PAYLOAD with fewer raw bytes than memory");
	fw_default(&fw);
	fw_descriptor(&fw, 1);
	expect_warning(&fw, "tdvf.qemu-count", "one section only");
}

static void test_tdvf_mrtd(void)
{
	struct fw fw;
	fw_default(&fw);
	struct tdvf_image img;
	struct ovmf_error err = { 0, NULL, "" };
	if (parse_fw(&fw, &img, &err)) {
		ok(0, "the synthetic TDVF parses: %s", err.detail);
		return;
	}
	uint8_t one[48], two[48], want[48];
	struct ops s = { .n = 0 };
	ok(tdvf_mrtd(&img, TDVF_ORDER_SINGLE_PASS, collect, &s, one) == 0, "single-pass MRTD computed");
	oracle_tdvf(fw.b, DESC_OFF, fw.count, false, want);
	is_mem(one, want, 48, "single-pass: per page PAGE.ADD then MR.EXTEND, as the oracle");
	ok(tdvf_mrtd(&img, TDVF_ORDER_TWO_PASS, NULL, NULL, two) == 0, "two-pass MRTD computed");
	oracle_tdvf(fw.b, DESC_OFF, fw.count, true, want);
	is_mem(two, want, 48, "two-pass: per section every PAGE.ADD, then every MR.EXTEND, as the oracle");
	ok(memcmp(one, two, 48) != 0, "a two-page measured BFV tells the orders apart");
	is_u64(s.n, 8, "operations: 6 PAGE.ADDs and 2 MR.EXTENDs (pages)");
	ok(s.op[0].kind == TDX_OP_PAGE_ADD && s.op[0].gpa == 0xFFFFD000ull && s.op[1].kind == TDX_OP_MR_EXTEND &&
		   s.op[2].kind == TDX_OP_PAGE_ADD && s.op[2].gpa == 0xFFFFE000ull,
	   "operations: single-pass interleaves PAGE.ADD and MR.EXTEND");
	tdvf_image_free(&img);

	/* A PAGE_AUG section and a TD_INFO section add nothing. */
	uint8_t base[48];
	memcpy(base, one, 48);
	fw_descriptor(&fw, 6);
	fw_section(&fw, 4, 0, 0, 0x10000000ull, 0x100000, TDVF_SECTION_PERM_MEM, TDVF_ATTR_PAGE_AUG);
	fw_section(&fw, 5, 0x1000, 0x40, 0, 0, TDVF_SECTION_TD_INFO, 0);
	if (ok(parse_fw(&fw, &img, &err) == 0, "PERM_MEM (PAGE_AUG) and TD_INFO parse: %s", err.detail)) {
		ok(tdvf_mrtd(&img, TDVF_ORDER_SINGLE_PASS, NULL, NULL, one) == 0 && !memcmp(one, base, 48),
		   "PAGE_AUG and TD_INFO sections do not change the MRTD");
		is_u64(img.pages_added, 6, "PAGE_AUG pages are not added at build time");
		tdvf_image_free(&img);
	}

	/* One section of one page: the two orders agree. */
	fw_default(&fw);
	fw_descriptor(&fw, 1);
	fw_section(&fw, 0, 0x3000, 0x1000, 0xFFFFF000ull, 0x1000, TDVF_SECTION_BFV, TDVF_ATTR_MR_EXTEND);
	if (ok(parse_fw(&fw, &img, &err) == 0, "a one-page BFV parses")) {
		ok(tdvf_mrtd(&img, TDVF_ORDER_SINGLE_PASS, NULL, NULL, one) == 0 &&
			   tdvf_mrtd(&img, TDVF_ORDER_TWO_PASS, NULL, NULL, two) == 0 && !memcmp(one, two, 48),
		   "one measured page: both orders give the same MRTD");
		oracle_tdvf(fw.b, DESC_OFF, 1, false, want);
		is_mem(one, want, 48, "one measured page: the oracle's MRTD");
		tdvf_image_free(&img);
	}

	ok(!strcmp(tdvf_section_type_name(TDVF_SECTION_PAYLOAD_PARAM), "PAYLOAD_PARAM") && !tdvf_section_type_name(9),
	   "section type names");
	enum tdvf_order order;
	ok(tdvf_order_parse("two-pass", &order) && order == TDVF_ORDER_TWO_PASS && !tdvf_order_parse("both", &order),
	   "order names");
}

/* The firmware Debian ships (and the one the build fetches), if present: every check passes, and
 * both orders give the oracle's MRTD. */
static void test_tdvf_debian(const char *path, const char *what)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	if (ib_read_file(path, 64u << 20, &data, &len)) {
		char why[256];
		snprintf(why, sizeof(why), "%s: %s not present", what, path);
		skip(why);
		skip(why);
		return;
	}
	struct tdvf_image img;
	struct ovmf_error err = { 0, NULL, "" };
	int r = tdvf_parse(data, len, &img, &err);
	if (!ok(r == 0, "%s: TDX metadata parses (%s)", what, r ? err.detail : "ok")) {
		skip("not parsed");
		return;
	}
	bool same = true;
	for (int two = 0; two < 2; two++) {
		uint8_t got[48], want[48];
		same &= tdvf_mrtd(&img, two ? TDVF_ORDER_TWO_PASS : TDVF_ORDER_SINGLE_PASS, NULL, NULL, got) == 0;
		oracle_tdvf(data, img.descriptor_off, (uint32_t)img.n_sections, two, want);
		same &= !memcmp(got, want, 48);
	}
	ok(same, "%s: single-pass and two-pass MRTDs equal the oracle's", what);
	tdvf_image_free(&img);
}

/* ---- fixtures for t0310 ---------------------------------------------------------------------- */

static int write_model(const char *dir, const char *name, const struct igvm_file *f)
{
	struct ib_buf b = IB_BUF_INIT;
	struct igvm_diag d;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int r = igvm_write(f, &b, &d) ? -1 : ib_write_file_atomic(path, b.p, b.len, 0644);
	ib_buf_free(&b);
	return r;
}

static int write_bytes(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return ib_write_file_atomic(path, p, n, 0644);
}

static int write_fixtures(const char *dir)
{
	struct igvm_file f;
	int r = 0;
	/* tdx-one-page: one measured page at 0x1000 (bytes in tdx-one-page.bin). */
	tdx_file(&f, 0x1);
	uint8_t *p = page_pattern(&f, 1);
	must(fx_page_data(&f, 0x1000, 1, 0, IGVM_PAGE_DATA_NORMAL, p, PAGE));
	r |= write_model(dir, "tdx-one-page.igvm", &f);
	r |= write_bytes(dir, "tdx-one-page.bin", p, PAGE);
	igvm_file_free(&f);
	/* tdx-add-only: one unmeasured page at 0x2000: a single PAGE.ADD record. */
	tdx_file(&f, 0x1);
	must(fx_page_data(&f, 0x2000, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, page_pattern(&f, 2), PAGE));
	r |= write_model(dir, "tdx-add-only.igvm", &f);
	igvm_file_free(&f);
	/* tdx-2mb: an is_2mb_page header (warning), a shared page. */
	tdx_file(&f, 0x1);
	must(fx_page_data(&f, 0x200000, 1, IGVM_PAGE_FLAG_2MB, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	must(fx_page_data(&f, 0x400000, 1, IGVM_PAGE_FLAG_SHARED, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	r |= write_model(dir, "tdx-2mb.igvm", &f);
	igvm_file_free(&f);
	/* tdx-odd-boundary: a shared_gpa_boundary that is no TDX shared bit (inspect says so). */
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	struct igvm_vhs_supported_platform plat = { 0x1, 0, IGVM_PLATFORM_TDX, 1, 0x1000 };
	must(fx_add(&f, IGVM_VHT_SUPPORTED_PLATFORM, &plat, NULL, 0));
	must(fx_page_data(&f, 0x1000, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL, 0));
	r |= write_model(dir, "tdx-odd-boundary.igvm", &f);
	igvm_file_free(&f);
	/* tdx-vp-context: a VP_CONTEXT whose mask selects the TDX platform (written for SNP, then patched). */
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	must(fx_platform(&f, 0x1, IGVM_PLATFORM_TDX, 0));
	must(fx_platform(&f, 0x2, IGVM_PLATFORM_SEV_SNP, 0));
	must(fx_vp(&f, 0xFFFFFFFFF000ull, 0x2, 0, fx_vmsa(&f, 0xfff0), PAGE));
	struct ib_buf raw = IB_BUF_INIT;
	struct igvm_diag d;
	struct rf_rec vp;
	if (igvm_write(&f, &raw, &d) || !rf_find(raw.p, raw.len, IGVM_VHT_VP_CONTEXT, 0, &vp))
		r = 1;
	else {
		rf_wr32(raw.p, vp.body + 8, 0x1);
		r |= !rf_fix_crc(raw.p, raw.len) || write_bytes(dir, "tdx-vp-context.igvm", raw.p, raw.len);
	}
	ib_buf_free(&raw);
	igvm_file_free(&f);
	/* The synthetic TDVF and a one-page one. */
	struct fw fw;
	fw_default(&fw);
	r |= write_bytes(dir, "tdvf-small.fd", fw.b, sizeof(fw.b));
	fw_descriptor(&fw, 1);
	fw_section(&fw, 0, 0x3000, 0x1000, 0xFFFFF000ull, 0x1000, TDVF_SECTION_BFV, TDVF_ATTR_MR_EXTEND);
	r |= write_bytes(dir, "tdvf-one-page.fd", fw.b, sizeof(fw.b));
	r |= write_bytes(dir, "tdvf-one-page.bin", fw.b + 0x3000, PAGE);
	fw_default(&fw);
	fw.b[DESC_OFF] = 'X';
	r |= write_bytes(dir, "tdvf-bad-signature.fd", fw.b, sizeof(fw.b));
	fw_default(&fw);
	fw_section(&fw, 3, 0x3000, 0x800, 0x900000, 0x1000, TDVF_SECTION_PAYLOAD, TDVF_ATTR_MR_EXTEND);
	r |= write_bytes(dir, "tdvf-payload.fd", fw.b, sizeof(fw.b));
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--fixtures")) {
		if (mkdir(argv[2], 0755) && errno != EEXIST)
			return 1;
		return write_fixtures(argv[2]);
	}
	test_records();
	test_golden();
	test_kinds();
	test_ops_and_errors();
	test_tdvf_rules();
	test_tdvf_mrtd();
	test_tdvf_debian("/usr/share/ovmf/OVMF.fd", "Debian 12 OVMF");
	char pinned[4096];
	const char *b = getenv("B");
	snprintf(pinned, sizeof(pinned), "%s/firmware/OVMF-svsm.fd", b && *b ? b : "build");
	test_tdvf_debian(pinned, "pinned Debian 13 OVMF");
	return tap_done();
}
