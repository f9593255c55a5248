/* SPDX-License-Identifier: MIT */
/*
 * test_libigvm_api.c — the IGVM C API, through <igvm/igvm.h> only.
 *
 * 1. Our writer rebuilds microsoft/igvm's C conformance file byte for byte
 *    (shared spec §10.1), and the API answers everything its C tests ask.
 * 2. Every header of every fixture, every section, compared with the format
 *    library's parse (oracle.h): counts, types, records (equal to the bytes on
 *    disk except for the documented canonical fields), data.
 * 3. Every error code for bad handles, sections and indexes, in the
 *    reference's order of checks.
 * 4. Handle semantics: one counter, a file owns its buffers, input copied.
 * 5. The same IgvmResult as the reference for the same broken file.
 * 6. Thousands of randomly damaged files: no crash, only valid codes, and
 *    whatever parses is self-consistent and agrees with the format library.
 */
#include <stdlib.h>
#include <string.h>

#include <igvm/igvm.h>

#include "../../common/digest.h"
#include "../../libigvm/tools/dump_format.h"
#include "../unit/tap.h"
#include "fixtures.h"
#include "oracle.h"
#include "qemu_walk.h"
#include "rawfile.h"

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* ---- 1. the conformance file ---------------------------------------------------------- */

/* Bytes 0x000-0x19F of the conformance file (headers), from shared spec §10.1. */
static const uint8_t conformance_head[416] = {
	0x49, 0x47, 0x56, 0x4D, 0x01, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x88, 0x01, 0x00, 0x00,
	0xA0, 0x41, 0x00, 0x00, 0x20, 0xC5, 0x64, 0x23, 0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xA0, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xA0, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xA0, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xA0, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xA0, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xA0, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xA0, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x03, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0xE0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0xA0, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x03, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
	0x00, 0x40, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_conformance_bytes(const struct ib_buf *f)
{
	is_u64(f->len, 16800, "the writer rebuilds the conformance file at 16800 bytes");
	is_mem(f->p, conformance_head, sizeof(conformance_head),
	       "its 416 header bytes are the reference's, byte for byte");
	is_u64(rd32(f->p + 0x14), 0x2364C520, "its checksum is 0x2364C520");
	bool blobs = f->len == 16800;
	for (size_t k = 0; k < 4 && blobs; k++)
		for (size_t i = 0; i < 4096; i++)
			if (f->p[0x1A0 + k * 4096 + i] != k + 1)
				blobs = false;
	ok(blobs, "its four data pages (0x01.., 0x02.., 0x03.., 0x04..) follow at 0x1A0");
	uint8_t d[IB_SHA256_LEN];
	char hex[2 * IB_SHA256_LEN + 1] = "";
	if (!ib_sha256(f->p, f->len, d))
		ib_hex(d, sizeof(d), hex);
	ok(!strcmp(hex, "effc7663b1f9669b6534453ad5e26f5f29d16cd9f3c953b24cd45858b23dd215"),
	   "its SHA-256 is the reference file's");
}

/* A header record's body, at the offset QEMU and the reference's tests read it. */
static const void *body_of(IgvmHandle file, IgvmHandle buf)
{
	const uint8_t *p = igvm_get_buffer(file, buf);
	return p ? p + sizeof(IGVM_VHS_VARIABLE_HEADER) : NULL;
}

static void test_conformance_api(const struct ib_buf *f)
{
	IgvmHandle h = igvm_new_from_binary(f->p, (uint32_t)f->len);
	if (!ok(h > 0, "the conformance file parses (handle %d)", (int)h))
		return;
	is_u64(igvm_header_count(h, IGVM_HEADER_SECTION_PLATFORM), 1, "1 platform header");
	is_u64(igvm_header_count(h, IGVM_HEADER_SECTION_INITIALIZATION), 2, "2 initialization headers");
	is_u64(igvm_header_count(h, IGVM_HEADER_SECTION_DIRECTIVE), 11, "11 directive headers");

	IgvmHandle b = igvm_get_header(h, IGVM_HEADER_SECTION_PLATFORM, 0);
	ok(b > 0, "platform header 0 gives a buffer");
	const IGVM_VHS_VARIABLE_HEADER *vh = (const IGVM_VHS_VARIABLE_HEADER *)igvm_get_buffer(h, b);
	const IGVM_VHS_SUPPORTED_PLATFORM *p = body_of(h, b);
	ok(vh && p, "the buffer has bytes");
	if (vh && p) {
		is_u64(vh->typ, IGVM_VHT_SUPPORTED_PLATFORM, "its type is SUPPORTED_PLATFORM");
		is_u64(vh->length, sizeof(IGVM_VHS_SUPPORTED_PLATFORM), "its length is the structure size");
		is_u64(igvm_get_buffer_size(h, b), 24, "the record is 24 bytes");
		ok(p->platform_type == IGVM_PLATFORM_TYPE_VSM_ISOLATION && p->compatibility_mask == 1 &&
			   p->platform_version == 1 && p->highest_vtl == 0 && p->shared_gpa_boundary == 0,
		   "platform: VSM_ISOLATION, mask 1, version 1, VTL 0, boundary 0");
	}
	igvm_free_buffer(h, b);

	for (uint32_t i = 0; i < 2; i++) {
		b = igvm_get_header(h, IGVM_HEADER_SECTION_INITIALIZATION, i);
		vh = (const IGVM_VHS_VARIABLE_HEADER *)igvm_get_buffer(h, b);
		const IGVM_VHS_GUEST_POLICY *g = body_of(h, b);
		ok(b > 0 && vh && g && vh->typ == IGVM_VHT_GUEST_POLICY && vh->length == sizeof(*g) &&
			   g->policy == 0x30000 && g->compatibility_mask == i + 1 && g->reserved == 0,
		   "initialization header %u: GUEST_POLICY 0x30000, mask %u", i, i + 1);
		igvm_free_buffer(h, b);
	}

	static const uint32_t types[11] = { 0x302, 0x302, 0x302, 0x302, 0x302, 0x302, 0x302, 0x302, 0x301, 0x307, 0x303 };
	bool types_ok = true;
	for (uint32_t i = 0; i < 11; i++)
		types_ok &= igvm_get_header_type(h, IGVM_HEADER_SECTION_DIRECTIVE, i) == (int32_t)types[i];
	ok(types_ok, "directive types: 8 PAGE_DATA, PARAMETER_AREA, VP_COUNT_PARAMETER, PARAMETER_INSERT");

	b = igvm_get_header(h, IGVM_HEADER_SECTION_DIRECTIVE, 1);
	vh = (const IGVM_VHS_VARIABLE_HEADER *)igvm_get_buffer(h, b);
	const IGVM_VHS_PAGE_DATA *pd = body_of(h, b);
	ok(b > 0 && vh && pd && vh->typ == IGVM_VHT_PAGE_DATA && vh->length == sizeof(*pd),
	   "directive 1 is a PAGE_DATA record");
	if (pd) {
		ok(pd->gpa == 0x1000 && pd->compatibility_mask == 1 && pd->data_type == IGVM_PAGE_DATA_TYPE_NORMAL &&
			   pd->flags.is_2mb_page == 0 && pd->flags.unmeasured == 0 && pd->flags.reserved == 0 &&
			   pd->reserved == 0,
		   "directive 1: gpa 0x1000, mask 1, NORMAL, no flags");
		is_u64(pd->file_offset, 0, "directive 1's file_offset reads 0 through the API (the reference's quirk)");
	}
	igvm_free_buffer(h, b);

	b = igvm_get_header(h, IGVM_HEADER_SECTION_DIRECTIVE, 8);
	const IGVM_VHS_PARAMETER_AREA *pa = body_of(h, b);
	ok(pa && pa->number_of_bytes == 0x1000 && pa->parameter_area_index == 0 && pa->file_offset == 0,
	   "directive 8: PARAMETER_AREA of 0x1000 bytes, index 0");
	igvm_free_buffer(h, b);
	b = igvm_get_header(h, IGVM_HEADER_SECTION_DIRECTIVE, 9);
	const IGVM_VHS_PARAMETER *pp = body_of(h, b);
	ok(pp && pp->parameter_area_index == 0 && pp->byte_offset == 0, "directive 9: VP_COUNT at area 0, offset 0");
	igvm_free_buffer(h, b);
	b = igvm_get_header(h, IGVM_HEADER_SECTION_DIRECTIVE, 10);
	const IGVM_VHS_PARAMETER_INSERT *pi = body_of(h, b);
	ok(pi && pi->gpa == 0x14000 && pi->compatibility_mask == 1 && pi->parameter_area_index == 0,
	   "directive 10: PARAMETER_INSERT of area 0 at 0x14000");
	igvm_free_buffer(h, b);

	bool data_ok = true;
	for (uint32_t i = 0; i < 8; i++) {
		IgvmHandle d = igvm_get_header_data(h, IGVM_HEADER_SECTION_DIRECTIVE, i);
		const uint8_t *bytes = igvm_get_buffer(h, d);
		if (d <= 0 || !bytes || igvm_get_buffer_size(h, d) != 4096) {
			data_ok = false;
			continue;
		}
		for (size_t k = 0; k < 4096; k++)
			data_ok &= bytes[k] == i % 4 + 1;
		igvm_free_buffer(h, d);
	}
	ok(data_ok, "every page's data is its 4096 bytes (directive 3: all 0x04)");
	for (uint32_t i = 8; i < 11; i++)
		is_u64((int64_t)igvm_get_header_data(h, IGVM_HEADER_SECTION_DIRECTIVE, i), (int64_t)IGVMAPI_NO_DATA,
		       "directive %u has no data (IGVMAPI_NO_DATA)", i);
	is_u64((int64_t)igvm_get_header_data(h, IGVM_HEADER_SECTION_INITIALIZATION, 0), (int64_t)IGVMAPI_NO_DATA,
	       "initialization headers have no data");
	is_u64((int64_t)igvm_get_header_data(h, IGVM_HEADER_SECTION_PLATFORM, 0), (int64_t)IGVMAPI_INVALID_PARAMETER,
	       "asking for platform data is IGVMAPI_INVALID_PARAMETER");
	igvm_free(h);

	static const uint8_t junk[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	is_u64((int64_t)igvm_new_from_binary(junk, sizeof(junk)), (int64_t)IGVMAPI_INVALID_FIXED_HEADER,
	       "16 bytes of junk: IGVMAPI_INVALID_FIXED_HEADER");
}

/* ---- 2. every fixture against the format library ------------------------------------------- */

/* What the reference's C API makes of a record on disk (the canonical fields of view.h). */
static void canonical_record(uint8_t *rec, const struct oracle_rec *r)
{
	uint8_t *b = rec + sizeof(IGVM_VHS_VARIABLE_HEADER);
	static const uint8_t zero[8];
	switch (r->type) {
	case IGVM_VHT_PAGE_DATA:
		memcpy(b + offsetof(IGVM_VHS_PAGE_DATA, file_offset), zero, 4);
		memcpy(b + offsetof(IGVM_VHS_PAGE_DATA, reserved), zero, 2);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		memcpy(b + offsetof(IGVM_VHS_PARAMETER_AREA, file_offset), zero, 4);
		break;
	case IGVM_VHT_VP_CONTEXT:
		if (r->platform != IGVM_PLATFORM_TYPE_SEV_SNP && r->platform != IGVM_PLATFORM_TYPE_SEV_ES)
			memcpy(b + offsetof(IGVM_VHS_VP_CONTEXT, gpa), zero, 8);
		memcpy(b + offsetof(IGVM_VHS_VP_CONTEXT, file_offset), zero, 4);
		memcpy(b + offsetof(IGVM_VHS_VP_CONTEXT, reserved), zero, 2);
		break;
	case IGVM_VHT_RELOCATABLE_REGION:
		b[offsetof(IGVM_VHS_RELOCATABLE_REGION, flags)] &= 0x7;
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		b[offsetof(IGVM_VHS_REQUIRED_MEMORY, flags)] &= 0x1;
		memset(b + offsetof(IGVM_VHS_REQUIRED_MEMORY, flags) + 1, 0, 3);
		break;
	default:
		break;
	}
	/* Padding comes back as zeros. */
	uint32_t len = rd32(rec + 4);
	memset(b + len, 0, r->record_len - 8 - len);
}

/* A VBS context as the reference re-serializes it from typed registers. */
static void canonical_vbs(uint8_t *d, uint32_t n, uint32_t arch)
{
	for (uint32_t off = 4; off + 32 <= n; off += 32) {
		uint8_t *reg = d + off;
		uint32_t name = rd32(reg + 1);
		memset(reg + 5, 0, 11);
		if (arch == 0 && name >> 16 == 6)
			continue;
		if (arch == 0 && name >> 16 == 7)
			memset(reg + 16, 0, 6);
		else
			memset(reg + 24, 0, 8);
	}
}

static void test_fixture(const struct fx *x)
{
	struct ib_buf f = IB_BUF_INIT;
	if (!ok(x->build(&f) == 0, "fixture %s builds", x->name)) {
		ib_buf_free(&f);
		return;
	}
	struct oracle *o = NULL;
	int oc = oracle_open(f.p, f.len, &o);
	IgvmHandle h = igvm_new_from_binary(f.p, (uint32_t)f.len);
	if (!ok(oc == 0 && h > 0, "%s: parsed by the format library and by the API", x->name)) {
		oracle_close(o);
		ib_buf_free(&f);
		return;
	}
	bool counts = true, types = true, recs = true, data = true;
	for (uint32_t s = 0; s < 3; s++) {
		uint32_t n = oracle_count(o, s);
		counts &= igvm_header_count(h, s) == (int32_t)n;
		for (uint32_t i = 0; i < n; i++) {
			struct oracle_rec r;
			oracle_record(o, s, i, &r);
			types &= igvm_get_header_type(h, s, i) == (int32_t)r.type;

			IgvmHandle b = igvm_get_header(h, s, i);
			const uint8_t *rec = igvm_get_buffer(h, b);
			uint8_t want[1024];
			memcpy(want, r.record, r.record_len);
			canonical_record(want, &r);
			bool rec_ok = rec && igvm_get_buffer_size(h, b) == (int32_t)r.record_len &&
				      !memcmp(rec, want, r.record_len);
			if (!rec_ok)
				diag("%s: section %u header %u (type 0x%x): record differs", x->name, s, i, r.type);
			recs &= rec_ok;
			igvm_free_buffer(h, b);

			if (s == IGVM_HEADER_SECTION_PLATFORM)
				continue;
			IgvmHandle d = igvm_get_header_data(h, s, i);
			bool data_ok;
			if (!r.data) {
				data_ok = d == IGVMAPI_NO_DATA;
			} else {
				uint8_t *exp = malloc(r.data_len);
				memcpy(exp, r.data, r.data_len);
				if (r.type == IGVM_VHT_VP_CONTEXT && r.platform == IGVM_PLATFORM_TYPE_VSM_ISOLATION)
					canonical_vbs(exp, r.data_len, r.architecture);
				data_ok = d > 0 && igvm_get_buffer_size(h, d) == (int32_t)r.data_len &&
					  !memcmp(igvm_get_buffer(h, d), exp, r.data_len);
				free(exp);
			}
			if (!data_ok)
				diag("%s: section %u header %u (type 0x%x): data differs", x->name, s, i, r.type);
			data &= data_ok;
			if (d > 0)
				igvm_free_buffer(h, d);
		}
	}
	ok(counts, "%s: header counts agree in every section", x->name);
	ok(types, "%s: every header type agrees", x->name);
	ok(recs, "%s: every record is the file's, with only the documented canonical fields changed", x->name);
	ok(data, "%s: every header's data agrees", x->name);
	igvm_free(h);
	oracle_close(o);
	ib_buf_free(&f);
}

/* Values the fixtures put in on purpose, as the API must show them. */
static void test_canonical_values(void)
{
	struct ib_buf f = IB_BUF_INIT;
	fx_all[1].build(&f); /* snp */
	IgvmHandle h = igvm_new_from_binary(f.p, (uint32_t)f.len);
	int32_t n = igvm_header_count(h, IGVM_HEADER_SECTION_DIRECTIVE);
	int seen = 0;
	for (int32_t i = 0; i < n; i++) {
		int32_t t = igvm_get_header_type(h, IGVM_HEADER_SECTION_DIRECTIVE, (uint32_t)i);
		IgvmHandle b = igvm_get_header(h, IGVM_HEADER_SECTION_DIRECTIVE, (uint32_t)i);
		const void *body = body_of(h, b);
		if (t == IGVM_VHT_VP_CONTEXT) {
			const IGVM_VHS_VP_CONTEXT *v = body;
			is_u64(igvm_get_buffer_size(h, b), 32, "a VP_CONTEXT record is 32 bytes (20 + 4 padding + 8)");
			if (v->compatibility_mask == 1) {
				ok(v->gpa == 0xFFFFFFFFF000ull && v->reserved == 0 && v->file_offset == 0,
				   "SNP VP context: gpa kept, reserved 0x55 shown as 0, file_offset 0");
				seen++;
			} else if (v->compatibility_mask == 2) {
				ok(v->gpa == 0, "native VP context: gpa shown as 0 (the reference keeps none)");
				IgvmHandle d = igvm_get_header_data(h, IGVM_HEADER_SECTION_DIRECTIVE, (uint32_t)i);
				is_u64(igvm_get_buffer_size(h, d), 4096, "native VP context data is one 4 KiB page");
				seen++;
			}
		} else if (t == IGVM_VHT_REQUIRED_MEMORY) {
			const IGVM_VHS_REQUIRED_MEMORY *m = body;
			ok(m->flags.vtl2_protectable == 1 && IGVM_UINT32_FLAGS_VALUE(m->flags) == 1,
			   "REQUIRED_MEMORY flags: vtl2_protectable kept, undefined bit 7 dropped");
			seen++;
		} else if (t == IGVM_VHT_PAGE_DATA) {
			const IGVM_VHS_PAGE_DATA *p = body;
			if (p->gpa == 0x9000) {
				is_u64(IGVM_UINT32_FLAGS_VALUE(p->flags), 0x100, "PAGE_DATA keeps undefined flag bits");
				seen++;
			} else if (p->gpa == 0xA000) {
				ok(p->flags.reserved == 1, "PAGE_DATA's shared bit (bit 2) is reserved bit 0 in C");
				seen++;
			} else if (p->gpa == 0x8000) {
				IgvmHandle d = igvm_get_header_data(h, IGVM_HEADER_SECTION_DIRECTIVE, (uint32_t)i);
				const uint8_t *c = igvm_get_buffer(h, d);
				ok(igvm_get_buffer_size(h, d) == 4096 && c && c[63] == (uint8_t)(63 * 7) && c[64] == 0,
				   "64 bytes of CPUID data come back padded to a page");
				seen++;
			}
		} else if (t == IGVM_VHT_PARAMETER_AREA) {
			const IGVM_VHS_PARAMETER_AREA *a = body;
			if (a->parameter_area_index == 0) {
				IgvmHandle d = igvm_get_header_data(h, IGVM_HEADER_SECTION_DIRECTIVE, (uint32_t)i);
				const uint8_t *c = igvm_get_buffer(h, d);
				ok(igvm_get_buffer_size(h, d) == 0x2000 && c && c[99] == 0xE1 && c[100] == 0,
				   "parameter area initial data comes back padded to number_of_bytes");
				seen++;
			}
		} else if (t == IGVM_VHT_SNP_ID_BLOCK) {
			const IGVM_VHS_SNP_ID_BLOCK *id = body;
			ok(id->reserved[0] == 1 && id->reserved[2] == 3 && id->guest_svn == 7 &&
				   id->id_public_key.curve == 2 && id->author_public_key.qy[71] == 71 + 7,
			   "SNP_ID_BLOCK comes back whole, reserved bytes included");
			seen++;
		}
		igvm_free_buffer(h, b);
	}
	is_u64(seen, 8, "all eight canonical-value cases were found in the snp fixture");
	igvm_free(h);

	f.len = 0;
	fx_all[2].build(&f); /* vbs */
	h = igvm_new_from_binary(f.p, (uint32_t)f.len);
	n = igvm_header_count(h, IGVM_HEADER_SECTION_DIRECTIVE);
	for (int32_t i = 0; i < n; i++) {
		if (igvm_get_header_type(h, IGVM_HEADER_SECTION_DIRECTIVE, (uint32_t)i) != IGVM_VHT_VP_CONTEXT)
			continue;
		IgvmHandle d = igvm_get_header_data(h, IGVM_HEADER_SECTION_DIRECTIVE, (uint32_t)i);
		const uint8_t *c = igvm_get_buffer(h, d);
		if (!ok(c && igvm_get_buffer_size(h, d) == 4 + 4 * 32, "VBS context data: count + 4 packed registers"))
			break;
		static const uint8_t zero[16];
		ok(!memcmp(c + 4 + 5, zero, 11) && !memcmp(c + 36 + 5, zero, 11), "VBS registers: mbz bytes are 0");
		ok(rd32(c + 4 + 16) == 0x200000 && !memcmp(c + 4 + 24, zero, 8), "Rip: value kept, high half 0");
		ok(rd32(c + 36 + 24) == 0xFFFFFFFF && rd32(c + 36 + 28) == 0x209B0008, "Cs: all 16 value bytes kept");
		ok(!memcmp(c + 68 + 16, zero, 6) && c[68 + 22] == 0x27 && rd32(c + 68 + 24) == 0x201000,
		   "Gdtr: padding 0, limit and base kept");
	}
	igvm_free(h);

	f.len = 0;
	fx_all[5].build(&f); /* mask0 */
	h = igvm_new_from_binary(f.p, (uint32_t)f.len);
	ok(igvm_header_count(h, IGVM_HEADER_SECTION_INITIALIZATION) == 1 &&
		   igvm_header_count(h, IGVM_HEADER_SECTION_DIRECTIVE) == 2,
	   "headers with compatibility mask 0 are not shown (as the reference drops them)");
	IgvmHandle b = igvm_get_header(h, IGVM_HEADER_SECTION_DIRECTIVE, 1);
	const IGVM_VHS_PAGE_DATA *p = body_of(h, b);
	ok(p && p->gpa == 0x2000, "the directive after a dropped one moves up an index");
	igvm_free(h);
	ib_buf_free(&f);
}

/* ---- 3. error codes ------------------------------------------------------------------------- */

static void test_errors(const struct ib_buf *f)
{
	IgvmHandle h = igvm_new_from_binary(f->p, (uint32_t)f->len);
	IgvmHandle freed = igvm_new_from_binary(f->p, (uint32_t)f->len);
	igvm_free(freed);
	const IgvmHandle bad[] = { 0, -1, -4, INT32_MAX, INT32_MIN, freed };
	bool all = true;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		IgvmHandle x = bad[k];
		all &= igvm_header_count(x, IGVM_HEADER_SECTION_DIRECTIVE) == IGVMAPI_INVALID_HANDLE;
		all &= igvm_get_header_type(x, IGVM_HEADER_SECTION_DIRECTIVE, 0) == IGVMAPI_INVALID_HANDLE;
		all &= igvm_get_header(x, IGVM_HEADER_SECTION_DIRECTIVE, 0) == IGVMAPI_INVALID_HANDLE;
		all &= igvm_get_header_data(x, IGVM_HEADER_SECTION_DIRECTIVE, 0) == IGVMAPI_INVALID_HANDLE;
		/* The handle is checked before the section and the index. */
		all &= igvm_header_count(x, 9) == IGVMAPI_INVALID_HANDLE;
		all &= igvm_get_header(x, 9, 99) == IGVMAPI_INVALID_HANDLE;
		all &= igvm_get_header_data(x, IGVM_HEADER_SECTION_PLATFORM, 0) == IGVMAPI_INVALID_HANDLE;
		all &= igvm_get_buffer(x, 1) == NULL && igvm_get_buffer_size(x, 1) == IGVMAPI_INVALID_HANDLE;
		igvm_free_buffer(x, 1);
		igvm_free(x);
	}
	ok(all, "every function: IGVMAPI_INVALID_HANDLE (or NULL) for 0, negative, unknown and freed handles");

	all = true;
	const uint32_t sections[] = { 3, 7, 0x80000000u, 0xFFFFFFFFu };
	for (size_t k = 0; k < 4; k++) {
		all &= igvm_header_count(h, sections[k]) == IGVMAPI_INVALID_PARAMETER;
		all &= igvm_get_header_type(h, sections[k], 0) == IGVMAPI_INVALID_PARAMETER;
		all &= igvm_get_header(h, sections[k], 0) == IGVMAPI_INVALID_PARAMETER;
		all &= igvm_get_header_data(h, sections[k], 0) == IGVMAPI_INVALID_PARAMETER;
	}
	ok(all, "sections 3, 7, 2^31, 2^32-1: IGVMAPI_INVALID_PARAMETER");

	all = true;
	for (uint32_t s = 0; s < 3; s++) {
		uint32_t n = (uint32_t)igvm_header_count(h, s);
		const uint32_t idx[] = { n, n + 1, 0x7FFFFFFFu, 0xFFFFFFFFu };
		for (size_t k = 0; k < 4; k++) {
			all &= igvm_get_header_type(h, s, idx[k]) == IGVMAPI_INVALID_PARAMETER;
			all &= igvm_get_header(h, s, idx[k]) == IGVMAPI_INVALID_PARAMETER;
			all &= igvm_get_header_data(h, s, idx[k]) == IGVMAPI_INVALID_PARAMETER;
		}
	}
	ok(all, "indexes count, count+1, 2^31-1, 2^32-1 in every section: IGVMAPI_INVALID_PARAMETER");
	ok(igvm_get_header_data(h, IGVM_HEADER_SECTION_PLATFORM, 99) == IGVMAPI_INVALID_PARAMETER,
	   "platform data with a bad index: IGVMAPI_INVALID_PARAMETER (section refused first)");

	is_u64((int64_t)igvm_new_from_binary(NULL, 0), (int64_t)IGVMAPI_INVALID_FIXED_HEADER,
	       "an empty input: IGVMAPI_INVALID_FIXED_HEADER");
	is_u64((int64_t)igvm_new_from_binary(NULL, 100), (int64_t)IGVMAPI_INVALID_PARAMETER,
	       "NULL data with a length: IGVMAPI_INVALID_PARAMETER (the reference has undefined behaviour)");
	is_u64((int64_t)igvm_new_from_binary(f->p, 23), (int64_t)IGVMAPI_INVALID_FIXED_HEADER,
	       "23 bytes: IGVMAPI_INVALID_FIXED_HEADER");
	igvm_free(h);
}

/* ---- 4. handle semantics ------------------------------------------------------------------------ */

static void test_handles(const struct ib_buf *f)
{
	IgvmHandle h1 = igvm_new_from_binary(f->p, (uint32_t)f->len);
	IgvmHandle b1 = igvm_get_header(h1, IGVM_HEADER_SECTION_PLATFORM, 0);
	IgvmHandle b2 = igvm_get_header(h1, IGVM_HEADER_SECTION_PLATFORM, 0);
	igvm_get_header_data(h1, IGVM_HEADER_SECTION_DIRECTIVE, 9); /* NO_DATA: takes no handle */
	igvm_new_from_binary(f->p, 16);                                /* failure: takes no handle */
	IgvmHandle d1 = igvm_get_header_data(h1, IGVM_HEADER_SECTION_DIRECTIVE, 0);
	IgvmHandle h2 = igvm_new_from_binary(f->p, (uint32_t)f->len);
	ok(h1 > 0 && b1 == h1 + 1 && b2 == h1 + 2 && d1 == h1 + 3 && h2 == h1 + 4,
	   "files and buffers draw from one counter, +1 per success (%d %d %d %d %d)", (int)h1, (int)b1, (int)b2,
	   (int)d1, (int)h2);
	ok(igvm_get_buffer_size(h1, b1) == 24 && igvm_get_buffer(h1, b1) != igvm_get_buffer(h1, b2) &&
		   !memcmp(igvm_get_buffer(h1, b1), igvm_get_buffer(h1, b2), 24),
	   "two requests for one header give two buffers with the same bytes");
	igvm_free_buffer(h1, b1);
	ok(igvm_get_buffer(h1, b1) == NULL && igvm_get_buffer_size(h1, b1) == IGVMAPI_INVALID_HANDLE &&
		   igvm_get_buffer_size(h1, b2) == 24,
	   "a freed buffer is gone, the other one stays");
	igvm_free_buffer(h1, b1); /* twice: ignored */
	ok(igvm_get_buffer(h2, b2) == NULL && igvm_get_buffer_size(h2, b2) == IGVMAPI_INVALID_HANDLE,
	   "a buffer is found only through the file that made it");
	ok(igvm_header_count(b2, IGVM_HEADER_SECTION_PLATFORM) == IGVMAPI_INVALID_HANDLE &&
		   igvm_get_buffer(h1, h1) == NULL,
	   "buffer handles are not file handles, and file handles are not buffers");
	igvm_free(h1);
	ok(igvm_get_buffer(h1, b2) == NULL && igvm_get_buffer_size(h1, d1) == IGVMAPI_INVALID_HANDLE &&
		   igvm_header_count(h1, IGVM_HEADER_SECTION_PLATFORM) == IGVMAPI_INVALID_HANDLE,
	   "igvm_free() releases the file and every buffer it owns");
	igvm_free_buffer(h1, d1);
	igvm_free(h1);
	ok(igvm_header_count(h2, IGVM_HEADER_SECTION_DIRECTIVE) == 11, "other files are untouched");
	igvm_free(h2);

	/* The library keeps its own copy of the input. */
	uint8_t *copy = malloc(f->len);
	memcpy(copy, f->p, f->len);
	IgvmHandle h = igvm_new_from_binary(copy, (uint32_t)f->len);
	memset(copy, 0xFF, f->len);
	free(copy);
	IgvmHandle d = igvm_get_header_data(h, IGVM_HEADER_SECTION_DIRECTIVE, 3);
	const uint8_t *p = igvm_get_buffer(h, d);
	ok(h > 0 && p && p[0] == 4 && p[4095] == 4 && igvm_header_count(h, IGVM_HEADER_SECTION_DIRECTIVE) == 11,
	   "the caller's buffer may be overwritten and freed right after parsing");
	igvm_free(h);
}

/* ---- 5. the same IgvmResult as the reference for the same broken file -------------------------- */

/* Parses a copy of f with n bytes at off replaced (and the CRC recomputed over vhs header bytes if asked). */
static IgvmHandle mutated(const struct ib_buf *f, size_t off, const void *bytes, size_t n, int fix_vhs)
{
	uint8_t *c = malloc(f->len);
	memcpy(c, f->p, f->len);
	memcpy(c + off, bytes, n);
	if (fix_vhs > 0)
		raw_fix_crc(c, 24, 24, (uint32_t)fix_vhs);
	IgvmHandle h = igvm_new_from_binary(c, (uint32_t)f->len);
	if (h > 0)
		igvm_free(h);
	free(c);
	return h;
}

static IgvmHandle mut32(const struct ib_buf *f, size_t off, uint32_t v, bool crc)
{
	return mutated(f, off, &v, 4, crc ? 0x188 : 0);
}

static IgvmHandle mut8(const struct ib_buf *f, size_t off, uint8_t v)
{
	return mutated(f, off, &v, 1, 0x188);
}

static IgvmHandle raw_parse(struct rawfile *r)
{
	struct ib_buf b = IB_BUF_INIT;
	raw_finish(r, &b);
	IgvmHandle h = igvm_new_from_binary(b.p, (uint32_t)b.len);
	if (h > 0)
		igvm_free(h);
	ib_buf_free(&b);
	return h;
}

#define EXPECT(got, code, ...) is_u64((int64_t)(got), (int64_t)(code), __VA_ARGS__)

static void test_result_codes(const struct ib_buf *f)
{
	/* Record offsets in the conformance file: platform 0x18, policies 0x30/0x48, pages 0x60 + 0x20 k,
	 * parameter area 0x160, VP count 0x178, insert 0x188. Bodies start 8 bytes later. */
	EXPECT(mutated(f, 0, "XGVM", 4, 0), IGVMAPI_INVALID_FIXED_HEADER, "bad magic");
	EXPECT(mut32(f, 4, 3, false), IGVMAPI_INVALID_FIXED_HEADER, "format_version 3");
	EXPECT(mut32(f, 0x10, 16801, false), IGVMAPI_INVALID_FIXED_HEADER, "total_file_size too large");
	EXPECT(mut32(f, 8, 16800, false), IGVMAPI_INVALID_FIXED_HEADER, "variable_header_offset at the end");
	EXPECT(mut32(f, 0xC, 16800 - 24, false), IGVMAPI_INVALID_FIXED_HEADER, "no file data left");
	EXPECT(mutated(f, 0x6A, "\x10", 1, 0), IGVMAPI_INVALID_CHECKSUM,
	       "one changed header byte: IGVMAPI_INVALID_CHECKSUM");
	EXPECT(mut32(f, 0x20, 3, true), IGVMAPI_INVALID_BINARY_PLATFORM_HEADER, "platform mask with two bits");
	EXPECT(mut8(f, 0x24, 1), IGVMAPI_INVALID_BINARY_PLATFORM_HEADER, "platform highest_vtl 1");
	EXPECT(mut8(f, 0x25, 9), IGVMAPI_INVALID_BINARY_PLATFORM_HEADER, "platform type 9");
	EXPECT(mut8(f, 0x26, 2), IGVMAPI_INVALID_BINARY_PLATFORM_HEADER, "platform version 2");
	EXPECT(mut32(f, 0x38 + 12, 1, true), IGVMAPI_INVALID_BINARY_INITIALIZATION_HEADER, "policy reserved != 0");
	EXPECT(mut32(f, 0x30, 0x1FF, true), IGVMAPI_INVALID_BINARY_INITIALIZATION_HEADER, "unknown init type 0x1FF");
	EXPECT(mut32(f, 0x30, 0x104, true), IGVMAPI_INVALID_BINARY_INITIALIZATION_HEADER,
	       "CoRIM document without the corim feature");
	EXPECT(mut32(f, 0x30, 0x250, true), IGVMAPI_INVALID_BINARY_VARIABLE_HEADER_SECTION, "type 0x250 in no section");
	EXPECT(mut32(f, 0x30, 0x200, true), IGVMAPI_INVALID_BINARY_INITIALIZATION_HEADER, "unknown type 0x200, the last of the init range");
	EXPECT(mut32(f, 0x30, 0x80000101u, true), IGVMAPI_INVALID_BINARY_VARIABLE_HEADER_SECTION,
	       "optional bit 31 set: refused like the reference");
	EXPECT(mut32(f, 0x80, 0x101, true), IGVMAPI_INVALID_BINARY_VARIABLE_HEADER_SECTION,
	       "an initialization header after a directive");
	EXPECT(mut32(f, 0x18, 0x101, true), IGVMAPI_NO_PLATFORM_HEADERS, "no platform header");
	EXPECT(mut32(f, 0x68, 0x10, true), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER, "page gpa not aligned");
	EXPECT(mutated(f, 0x68 + 0x14, "\x09\x00", 2, 0x188), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER,
	       "page data_type 9");
	EXPECT(mutated(f, 0x68 + 0x16, "\x01\x00", 2, 0x188), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER,
	       "page reserved != 0");
	EXPECT(mut32(f, 0x64, 20, true), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER, "page record length 20");
	EXPECT(mut32(f, 0x60, 0x3FF, true), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER, "unknown directive type 0x3FF");
	EXPECT(mut32(f, 0x60, 0x306, true), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER, "RESERVED_DO_NOT_USE");
	EXPECT(mut32(f, 0x68 + 0x0C, 0x10, true), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER,
	       "page data pointing into the headers");
	EXPECT(mut32(f, 0x68 + 0x0C, 16800 - 100, true), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER,
	       "page data running past the end");
	EXPECT(mut32(f, 0x168, 0x1001, true), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER, "parameter area size not aligned");
	EXPECT(mut32(f, 0x180, 7, true), IGVMAPI_INVALID_PARAMETER_AREA_INDEX, "VP count of an undeclared area");
	EXPECT(mut32(f, 0x190 + 12, 5, true), IGVMAPI_INVALID_PARAMETER_AREA_INDEX, "insert of an undeclared area");
	{
		uint32_t v = 0x18 + 4;
		EXPECT(mutated(f, 0xC, &v, 4, 0x18 + 4), IGVMAPI_INVALID_BINARY_VARIABLE_HEADER_SECTION,
		       "4 bytes left where a record header should start");
		v = 0x18 + 12;
		EXPECT(mutated(f, 0xC, &v, 4, 0x18 + 12), IGVMAPI_INVALID_BINARY_INITIALIZATION_HEADER,
		       "a record body running past the section");
	}

	struct rawfile r;
	uint8_t plat[16] = { 1, 0, 0, 0, 0, 2, 1, 0 }; /* mask 1, VTL 0, SEV_SNP, version 1 */
	uint8_t plat2[16] = { 2, 0, 0, 0, 0, 2, 1, 0 };
	raw_init(&r, 1, 0);
	EXPECT(raw_parse(&r), IGVMAPI_NO_PLATFORM_HEADERS, "no variable headers at all");
	raw_init(&r, 1, 0);
	raw_rec(&r, 1, plat, 16, NULL, 0, 0);
	raw_rec(&r, 1, plat2, 16, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_MULTIPLE_PLATFORM_HEADERS_WITH_SAME_ISOLATION, "SEV_SNP twice");
	uint8_t vsm_b[16] = { 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1 }; /* VSM with a shared GPA boundary */
	raw_init(&r, 1, 0);
	raw_rec(&r, 1, vsm_b, 16, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_INVALID_BINARY_PLATFORM_HEADER, "VSM with a shared GPA boundary");
	uint8_t cca[16] = { 1, 0, 0, 0, 0, 6, 1, 0 };
	raw_init(&r, 1, 0);
	raw_rec(&r, 1, cca, 16, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_PLATFORM_ARCH_UNSUPPORTED, "CCA in an x64 file");
	raw_init(&r, 2, 0);
	r.page_size = 8192;
	raw_rec(&r, 1, plat, 16, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_UNSUPPORTED_PAGE_SIZE, "v2 with 8 KiB pages");
	raw_init(&r, 2, 7);
	raw_rec(&r, 1, plat, 16, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_INVALID_FIXED_HEADER, "v2 with architecture 7");

	uint8_t vsm[16] = { 1, 0, 0, 0, 2, 1, 1, 0 }; /* mask 1, VTL 2, VSM_ISOLATION */
	uint8_t ccapol[32] = { 1 };                    /* mask 1: not a CCA platform's */
	raw_init(&r, 2, 1);
	raw_rec(&r, 1, vsm, 16, NULL, 0, 0);
	raw_rec(&r, 0x106, ccapol, 32, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_INVALID_CCA_POLICY_COMPATIBILITY_MASK, "CCA policy for a VSM platform");

	raw_init(&r, 1, 0);
	raw_rec(&r, 1, plat, 16, NULL, 0, 0);
	raw_rec(&r, 0x106, ccapol, 32, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_INVALID_HEADER_ARCH, "CCA policy in an x64 file (checked before its mask)");

	uint8_t tdx[16] = { 1, 0, 0, 0, 0, 3, 1, 0 };
	uint8_t vp[24] = { 0, 0, 0, 0, 0, 0, 0, 0, 1 }; /* gpa 0, mask 1 */
	uint8_t page4k[4096] = { 0 };
	raw_init(&r, 1, 0);
	raw_rec(&r, 1, tdx, 16, NULL, 0, 0);
	raw_rec(&r, 0x304, vp, 20, page4k, 4096, 12);
	EXPECT(raw_parse(&r), IGVMAPI_INVALID_BINARY_DIRECTIVE_HEADER, "a VP context for TDX");

	/* Page-table region at 0x100000 (16 pages), relocatable region at 0x200000. */
	uint8_t pt[32] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x10 };
	uint8_t rr[48] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, /* alignment 0x1000 */
			   0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0,   /* gpa 0x200000, size 0x100000 */
			   0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 };    /* min 0x200000, max 0x1000000 */
	raw_init(&r, 1, 0);
	raw_rec(&r, 1, vsm, 16, NULL, 0, 0);
	raw_rec(&r, 0x103, pt, 32, NULL, 0, 0);
	raw_rec(&r, 0x103, pt, 32, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_MULTIPLE_PAGE_TABLE_RELOCATION_HEADERS, "two page-table regions for one mask");
	uint8_t rr_over[48];
	memcpy(rr_over, rr, 48);
	rr_over[18] = 0x10; /* gpa 0x100000: on top of the page-table region */
	rr_over[34] = 0x10;
	raw_init(&r, 1, 0);
	raw_rec(&r, 1, vsm, 16, NULL, 0, 0);
	raw_rec(&r, 0x103, pt, 32, NULL, 0, 0);
	raw_rec(&r, 0x102, rr_over, 48, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_RELOCATION_REGIONS_OVERLAP, "overlapping relocation regions");
	uint8_t area[16] = { 0, 0x10 };                          /* 0x1000 bytes, index 0 */
	uint8_t ins[16] = { 0, 0x20, 0x10, 0, 0, 0, 0, 0, 1 };   /* gpa 0x102000, mask 1, index 0 */
	raw_init(&r, 1, 0);
	raw_rec(&r, 1, vsm, 16, NULL, 0, 0);
	raw_rec(&r, 0x103, pt, 32, NULL, 0, 0);
	raw_rec(&r, 0x301, area, 16, NULL, 0, 0);
	raw_rec(&r, 0x303, ins, 16, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_PARAMETER_INSERT_INSIDE_PAGE_TABLE_REGION, "an insert inside the page tables");
	raw_init(&r, 1, 0);
	raw_rec(&r, 1, vsm, 16, NULL, 0, 0);
	raw_rec(&r, 0x102, rr, 48, NULL, 0, 0);
	raw_rec(&r, 0x301, area, 16, NULL, 0, 0);
	EXPECT(raw_parse(&r), IGVMAPI_NO_MATCHING_VP_CONTEXT, "a relocatable region without a VBS VP context");
}

/* ---- 6. hostile input: random damage to every fixture's headers ------------------------------ */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Walks everything the API offers for a file and checks it is self-consistent. */
static bool walk_consistent(IgvmHandle h)
{
	bool good = true;
	for (uint32_t s = 0; s < 3; s++) {
		int32_t n = igvm_header_count(h, s);
		good &= n >= 0;
		for (int32_t i = 0; i < n; i++) {
			int32_t t = igvm_get_header_type(h, s, (uint32_t)i);
			IgvmHandle b = igvm_get_header(h, s, (uint32_t)i);
			const uint8_t *rec = igvm_get_buffer(h, b);
			int32_t size = igvm_get_buffer_size(h, b);
			good &= b > 0 && rec && size >= 8 && rd32(rec) == (uint32_t)t &&
				(uint32_t)size == 8 + ((rd32(rec + 4) + 7) & ~7u);
			IgvmHandle d = igvm_get_header_data(h, s, (uint32_t)i);
			good &= d > 0 ? igvm_get_buffer_size(h, d) > 0 && igvm_get_buffer(h, d) != NULL
				      : d == IGVMAPI_NO_DATA || (s == 0 && d == IGVMAPI_INVALID_PARAMETER);
		}
	}
	return good;
}

static void test_hostile(void)
{
	FILE *null = fopen("/dev/null", "w");
	unsigned parsed = 0, refused = 0, bad_code = 0, inconsistent = 0, disagree = 0;
	for (const struct fx *x = fx_all; x->name; x++) {
		struct ib_buf f = IB_BUF_INIT;
		x->build(&f);
		uint32_t fixed = rd32(f.p + 8), vhs = rd32(f.p + 12);
		for (int k = 0; k < 400; k++) {
			uint8_t *c = malloc(f.len);
			memcpy(c, f.p, f.len);
			/* Damage the headers (where the rules are), sometimes anywhere, then usually fix the CRC. */
			for (uint32_t m = rnd() % 4 + 1; m; m--) {
				uint32_t at = rnd() % 8 ? fixed + rnd() % vhs : rnd() % (uint32_t)f.len;
				c[at] = rnd() % 3 ? (uint8_t)rnd() : (uint8_t)(c[at] ^ (1u << (rnd() % 8)));
			}
			if (rnd() % 8)
				raw_fix_crc(c, fixed, fixed, vhs);
			uint32_t len = rnd() % 16 ? (uint32_t)f.len : rnd() % (uint32_t)f.len;
			IgvmHandle h = igvm_new_from_binary(c, len);
			struct oracle *o = NULL;
			int oc = oracle_open(c, len, &o);
			oracle_close(o);
			if (h > 0) {
				parsed++;
				inconsistent += !walk_consistent(h);
				disagree += oc != 0;
				igvm_free(h);
				/* The two consumers of the API must cope with whatever parses. */
				if (null) {
					qw_run(c, len, null);
					igvmdump_print(null, c, len, 64);
				}
			} else {
				refused++;
				bad_code += h < IGVMAPI_MEASUREMENT_FAILED || h == IGVMAPI_NO_DATA || h == IGVMAPI_INVALID_HANDLE;
				disagree += oc != h;
			}
			free(c);
		}
		ib_buf_free(&f);
	}
	if (null)
		fclose(null);
	ok(parsed > 100 && refused > 1000, "%u damaged files parsed, %u refused, none crashed", parsed, refused);
	is_u64(bad_code, 0, "every refusal is an IgvmResult a parse can give");
	is_u64(inconsistent, 0, "every damaged file that parses gives consistent records and data");
	is_u64(disagree, 0, "the API and the format library agree on every damaged file");
}

int main(void)
{
	struct ib_buf conf = IB_BUF_INIT;
	if (!ok(fx_conformance(&conf) == 0, "the conformance file builds"))
		return tap_done();
	test_conformance_bytes(&conf);
	test_conformance_api(&conf);
	for (const struct fx *x = fx_all; x->name; x++)
		test_fixture(x);
	test_canonical_values();
	test_errors(&conf);
	test_handles(&conf);
	test_result_codes(&conf);
	test_hostile();
	ib_buf_free(&conf);
	return tap_done();
}
