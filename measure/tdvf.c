/* SPDX-License-Identifier: MIT */
/*
 * tdvf.c — TDX metadata parser and direct-launch MRTD (rules and models in
 * tdvf.h).
 */
#include "tdvf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"

#define PAGE TDX_PAGE_SIZE

static const char *const type_names[] = {
	[TDVF_SECTION_BFV] = "BFV",
	[TDVF_SECTION_CFV] = "CFV",
	[TDVF_SECTION_TD_HOB] = "TD_HOB",
	[TDVF_SECTION_TEMP_MEM] = "TEMP_MEM",
	[TDVF_SECTION_PERM_MEM] = "PERM_MEM",
	[TDVF_SECTION_PAYLOAD] = "PAYLOAD",
	[TDVF_SECTION_PAYLOAD_PARAM] = "PAYLOAD_PARAM",
	[TDVF_SECTION_TD_INFO] = "TD_INFO",
	[TDVF_SECTION_TD_PARAMS] = "TD_PARAMS",
};

const char *tdvf_section_type_name(uint32_t type)
{
	return type < sizeof(type_names) / sizeof(type_names[0]) ? type_names[type] : NULL;
}

const char *tdvf_order_name(enum tdvf_order order)
{
	return order == TDVF_ORDER_TWO_PASS ? "two-pass" : "single-pass";
}

bool tdvf_order_parse(const char *name, enum tdvf_order *order)
{
	if (!strcmp(name, "single-pass")) {
		*order = TDVF_ORDER_SINGLE_PASS;
		return true;
	}
	if (!strcmp(name, "two-pass")) {
		*order = TDVF_ORDER_TWO_PASS;
		return true;
	}
	return false;
}

void tdvf_image_free(struct tdvf_image *img)
{
	ovmf_image_free(&img->table);
	free(img->sections);
	img->sections = NULL;
	img->n_sections = 0;
}

static void warn(struct tdvf_image *img, const char *rule, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warn(struct tdvf_image *img, const char *rule, uint64_t offset, const char *fmt, ...)
{
	if (img->n_warnings < TDVF_MAX_WARNINGS) {
		struct tdvf_warning *w = &img->warnings[img->n_warnings];
		w->rule = rule;
		w->offset = offset;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(w->detail, sizeof(w->detail), fmt, ap);
		va_end(ap);
	}
	img->n_warnings++;
}

/* Sections that describe no guest memory at all (td-shim: MemoryAddress and MemoryDataSize zero). */
static bool holds_no_memory(uint32_t type)
{
	return type == TDVF_SECTION_TD_INFO || type == TDVF_SECTION_TD_PARAMS;
}

static int locate(struct tdvf_image *img, struct ovmf_error *err)
{
	int r = ovmf_parse_table(img->data, img->size, &img->table, err);
	if (r)
		return r;
	if (!img->table.has_table)
		return ovmf_fail(err, img->size >= OVMF_FOOTER_AREA ? img->size - OVMF_FOOTER_AREA : 0,
				 "tdvf.no-table",
				 "no OVMF footer GUID table (96b582de-1fb2-45f7-baea-a366c55a082d, 48 bytes before "
				 "the end): not a TDVF firmware");
	const struct ovmf_entry *e = ovmf_find_entry(&img->table, ovmf_guid_tdx_metadata);
	if (!e)
		return ovmf_fail(err, img->table.table_off, "tdvf.no-metadata",
				 "the GUID table has no TDX metadata entry (e47a6535-984a-4798-865e-4685a7bf8ec2): "
				 "this firmware cannot boot a TD");
	img->entry_off = e->hdr_off;
	if (e->data_len != 4)
		return ovmf_fail(err, e->hdr_off, "tdvf.metadata-entry",
				 "the TDX metadata entry has %zu data bytes; it must hold exactly the 4-byte offset "
				 "(QEMU reads the first four bytes, dstack-mr the last four)",
				 e->data_len);
	uint32_t from_end;
	struct ib_cursor c = ib_cursor_make(img->data, img->size);
	if (!ib_cursor_skip(&c, e->data_off) || !ib_cursor_get_u32(&c, &from_end))
		return ovmf_fail(err, e->data_off, "tdvf.metadata-entry", "cannot read the TDX metadata offset");
	if (from_end > img->size || from_end < TDVF_DESCRIPTOR_LEN)
		return ovmf_fail(err, e->data_off, "tdvf.metadata-offset",
				 "the descriptor %" PRIu32 " bytes before the end does not fit in the %zu-byte file",
				 from_end, img->size);
	img->descriptor_off = img->size - from_end;
	return 0;
}

static int read_descriptor(struct tdvf_image *img, struct ovmf_error *err)
{
	size_t d = img->descriptor_off;
	struct ib_cursor c = ib_cursor_make(img->data, img->size);
	const uint8_t *sig;
	uint32_t count;
	if (!ib_cursor_skip(&c, d) || !ib_cursor_view(&c, &sig, 4) || !ib_cursor_get_u32(&c, &img->length) ||
	    !ib_cursor_get_u32(&c, &img->version) || !ib_cursor_get_u32(&c, &count))
		return ovmf_fail(err, d, "tdvf.metadata-offset", "cannot read the 16-byte descriptor");
	if (memcmp(sig, "TDVF", 4))
		return ovmf_fail(err, d, "tdvf.signature",
				 "the descriptor starts with %02x %02x %02x %02x, not \"TDVF\"", sig[0], sig[1],
				 sig[2], sig[3]);
	if (img->version != 1)
		return ovmf_fail(err, d + 8, "tdvf.version", "descriptor version %" PRIu32 ", expected 1",
				 img->version);
	if (count == 0)
		return ovmf_fail(err, d + 12, "tdvf.count", "the descriptor lists no section");
	uint64_t want = TDVF_DESCRIPTOR_LEN + (uint64_t)count * TDVF_SECTION_LEN;
	if (img->length != want)
		return ovmf_fail(err, d + 4, "tdvf.length",
				 "descriptor length %" PRIu32 ", but 16 + 32 * %" PRIu32 " sections is %" PRIu64,
				 img->length, count, want);
	if (!ib_range_ok(d, want, img->size))
		return ovmf_fail(err, d + 4, "tdvf.length",
				 "%" PRIu32 " sections run past the end of the file (%zu bytes left after the "
				 "descriptor)",
				 count, img->size - d);
	/* Bounded by the file: count * 32 bytes lie inside it. */
	img->sections = calloc(count, sizeof(*img->sections));
	if (!img->sections)
		return -ENOMEM;
	for (uint32_t i = 0; i < count; i++) {
		struct tdvf_section *s = &img->sections[i];
		s->desc_off = c.off;
		if (!ib_cursor_get_u32(&c, &s->data_offset) || !ib_cursor_get_u32(&c, &s->raw_size) ||
		    !ib_cursor_get_u64(&c, &s->gpa) || !ib_cursor_get_u64(&c, &s->mem_size) ||
		    !ib_cursor_get_u32(&c, &s->type) || !ib_cursor_get_u32(&c, &s->attributes))
			return ovmf_fail(err, s->desc_off, "tdvf.length", "cannot read section %" PRIu32, i);
		img->n_sections++;
	}
	return 0;
}

static int check_section(struct tdvf_image *img, size_t i, struct ovmf_error *err)
{
	const struct tdvf_section *s = &img->sections[i];
	const char *name = tdvf_section_type_name(s->type);
	size_t at = s->desc_off;
	if (!name)
		return ovmf_fail(err, at + 24, "tdvf.section-type", "section %zu has unknown type %" PRIu32, i,
				 s->type);
	if (s->attributes & ~(TDVF_ATTR_MR_EXTEND | TDVF_ATTR_PAGE_AUG))
		return ovmf_fail(err, at + 28, "tdvf.section-attributes",
				 "section %zu (%s) has unknown attribute bits 0x%" PRIx32, i, name,
				 s->attributes & ~(TDVF_ATTR_MR_EXTEND | TDVF_ATTR_PAGE_AUG));
	if ((s->attributes & TDVF_ATTR_MR_EXTEND) && (s->attributes & TDVF_ATTR_PAGE_AUG))
		return ovmf_fail(err, at + 28, "tdvf.section-attributes",
				 "section %zu (%s) is both MR_EXTEND and PAGE_AUG: a page added after the TD runs "
				 "cannot be measured into the MRTD",
				 i, name);
	if (holds_no_memory(s->type)) {
		if (s->gpa || s->mem_size)
			return ovmf_fail(err, at + 8, "tdvf.section-size",
					 "section %zu (%s) describes no guest memory, yet has address 0x%" PRIx64
					 " and size 0x%" PRIx64,
					 i, name, s->gpa, s->mem_size);
	} else {
		if (s->gpa % PAGE)
			return ovmf_fail(err, at + 8, "tdvf.section-address",
					 "section %zu (%s) starts at 0x%" PRIx64 ", not on a 4 KiB page", i, name,
					 s->gpa);
		if (s->mem_size == 0 || s->mem_size % PAGE)
			return ovmf_fail(err, at + 16, "tdvf.section-size",
					 "section %zu (%s) is 0x%" PRIx64 " bytes of memory, not a non-zero multiple "
					 "of 4 KiB",
					 i, name, s->mem_size);
		if (s->mem_size - 1 > UINT64_MAX - s->gpa)
			return ovmf_fail(err, at + 8, "tdvf.section-address",
					 "section %zu (%s) at 0x%" PRIx64 " with 0x%" PRIx64
					 " bytes runs past the 64-bit address space",
					 i, name, s->gpa, s->mem_size);
		if (s->mem_size < s->raw_size)
			return ovmf_fail(err, at + 16, "tdvf.section-size",
					 "section %zu (%s) has 0x%" PRIx32 " raw bytes but only 0x%" PRIx64
					 " bytes of memory",
					 i, name, s->raw_size, s->mem_size);
	}
	bool needs_raw = s->type == TDVF_SECTION_BFV || s->type == TDVF_SECTION_CFV || holds_no_memory(s->type);
	bool no_raw = s->type == TDVF_SECTION_TD_HOB || s->type == TDVF_SECTION_TEMP_MEM ||
		      s->type == TDVF_SECTION_PERM_MEM;
	if (needs_raw && s->raw_size == 0)
		return ovmf_fail(err, at + 4, "tdvf.section-raw", "section %zu (%s) must have raw data in the file", i,
				 name);
	if (no_raw && s->raw_size != 0)
		return ovmf_fail(err, at + 4, "tdvf.section-raw",
				 "section %zu (%s) must have no raw data, it has 0x%" PRIx32 " bytes", i, name,
				 s->raw_size);
	if (s->raw_size == 0 && s->data_offset != 0)
		return ovmf_fail(err, at, "tdvf.section-data",
				 "section %zu (%s) has no raw data but a data offset 0x%" PRIx32, i, name,
				 s->data_offset);
	if (!ib_range_ok(s->data_offset, s->raw_size, img->size))
		return ovmf_fail(err, at, "tdvf.section-data",
				 "section %zu (%s): 0x%" PRIx32 " raw bytes at offset 0x%" PRIx32
				 " run past the end of the %zu-byte file",
				 i, name, s->raw_size, s->data_offset, img->size);
	if ((s->attributes & TDVF_ATTR_MR_EXTEND) && !ib_range_ok(s->data_offset, s->mem_size, img->size))
		return ovmf_fail(err, at, "tdvf.section-data",
				 "section %zu (%s) is measured: its 0x%" PRIx64 " bytes at offset 0x%" PRIx32
				 " run past the end of the %zu-byte file",
				 i, name, s->mem_size, s->data_offset, img->size);
	if (s->type == TDVF_SECTION_BFV && !(s->attributes & TDVF_ATTR_MR_EXTEND))
		return ovmf_fail(err, at + 28, "tdvf.bfv-unmeasured",
				 "section %zu (BFV) lacks MR_EXTEND: the firmware code would not be in the MRTD", i);
	if (s->type > TDVF_SECTION_TEMP_MEM)
		warn(img, "tdvf.qemu-section-type", at + 24,
		     "section %zu is %s: QEMU refuses every type but BFV, CFV, TD_HOB and TEMP_MEM", i, name);
	if ((s->attributes & TDVF_ATTR_MR_EXTEND) && s->raw_size < s->mem_size)
		warn(img, "tdvf.raw-shorter", at + 4,
		     "section %zu (%s) is measured over 0x%" PRIx64 " bytes but has 0x%" PRIx32
		     " raw bytes: the rest is measured from the file bytes after them, as QEMU, dstack-mr and "
		     "td-shim read them",
		     i, name, s->mem_size, s->raw_size);
	return 0;
}

static int cmp_gpa(const void *a, const void *b)
{
	const struct tdvf_section *x = *(const struct tdvf_section *const *)a;
	const struct tdvf_section *y = *(const struct tdvf_section *const *)b;
	if (x->gpa != y->gpa)
		return x->gpa < y->gpa ? -1 : 1;
	return x->desc_off < y->desc_off ? -1 : x->desc_off > y->desc_off;
}

static int check_overlap(struct tdvf_image *img, struct ovmf_error *err)
{
	size_t n = 0;
	for (size_t i = 0; i < img->n_sections; i++)
		n += !holds_no_memory(img->sections[i].type);
	if (n < 2)
		return 0;
	const struct tdvf_section **by_gpa = calloc(n, sizeof(*by_gpa));
	if (!by_gpa)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < img->n_sections; i++)
		if (!holds_no_memory(img->sections[i].type))
			by_gpa[n++] = &img->sections[i];
	qsort(by_gpa, n, sizeof(*by_gpa), cmp_gpa);
	int r = 0;
	for (size_t i = 1; i < n; i++) {
		const struct tdvf_section *a = by_gpa[i - 1], *b = by_gpa[i];
		/* a->gpa <= b->gpa; a's last byte is a->gpa + size - 1 (no wrap, checked). */
		if (a->gpa + (a->mem_size - 1) >= b->gpa) {
			const struct tdvf_section *later = a->desc_off > b->desc_off ? a : b;
			const struct tdvf_section *earlier = later == a ? b : a;
			r = ovmf_fail(err, later->desc_off, "tdvf.section-overlap",
				      "section %zu (%s, 0x%" PRIx64 "+0x%" PRIx64 ") overlaps section %zu (%s, 0x%" PRIx64
				      "+0x%" PRIx64 ")",
				      (size_t)(later - img->sections), tdvf_section_type_name(later->type), later->gpa,
				      later->mem_size, (size_t)(earlier - img->sections),
				      tdvf_section_type_name(earlier->type), earlier->gpa, earlier->mem_size);
			break;
		}
	}
	free(by_gpa);
	return r;
}

static int check_sections(struct tdvf_image *img, struct ovmf_error *err)
{
	size_t bfv = 0, hob = 0;
	for (size_t i = 0; i < img->n_sections; i++) {
		int r = check_section(img, i, err);
		if (r)
			return r;
		const struct tdvf_section *s = &img->sections[i];
		bfv += s->type == TDVF_SECTION_BFV;
		if (s->type == TDVF_SECTION_TD_HOB && ++hob > 1)
			return ovmf_fail(err, s->desc_off + 24, "tdvf.td-hob-count",
					 "section %zu is a second TD_HOB; a TD has one HOB list", i);
		if (s->attributes & TDVF_ATTR_PAGE_AUG)
			continue;
		uint64_t pages = s->mem_size / PAGE;
		if (pages > TDVF_MAX_PAGES - img->pages_added)
			return ovmf_fail(err, s->desc_off + 16, "tdvf.page-limit",
					 "section %zu brings the pages added at build time past %llu (64 GiB)", i,
					 (unsigned long long)TDVF_MAX_PAGES);
		img->pages_added += pages;
		if (s->attributes & TDVF_ATTR_MR_EXTEND)
			img->pages_extended += pages;
	}
	if (!bfv)
		return ovmf_fail(err, img->descriptor_off, "tdvf.no-bfv",
				 "no BFV section: the firmware code (and the reset vector) is not described");
	if (img->n_sections < 2)
		warn(img, "tdvf.qemu-count", img->descriptor_off + 12,
		     "one section only: QEMU refuses TDX metadata with fewer than two");
	return check_overlap(img, err);
}

int tdvf_parse(const uint8_t *data, size_t size, struct tdvf_image *img, struct ovmf_error *err)
{
	memset(img, 0, sizeof(*img));
	img->data = data;
	img->size = size;
	int r = locate(img, err);
	if (!r)
		r = read_descriptor(img, err);
	if (!r)
		r = check_sections(img, err);
	if (r)
		tdvf_image_free(img);
	return r;
}

/* ---- the MRTD ------------------------------------------------------------------------ */

struct run {
	struct tdx_mrtd m;
	tdx_op_fn on_op;
	void *op_ctx;
	const uint8_t *data;
};

static int add(struct run *run, uint64_t gpa)
{
	if (tdx_mrtd_page_add(&run->m, gpa))
		return -1;
	if (run->on_op)
		run->on_op(run->op_ctx, &(struct tdx_op){ TDX_OP_PAGE_ADD, gpa, false });
	return 0;
}

static int extend(struct run *run, const struct tdvf_section *s, uint64_t page)
{
	uint64_t gpa = s->gpa + page * PAGE;
	/* tdvf_parse() checked that data_offset + mem_size lies inside the file. */
	if (tdx_mrtd_extend_page(&run->m, gpa, run->data + s->data_offset + page * PAGE))
		return -1;
	if (run->on_op)
		run->on_op(run->op_ctx, &(struct tdx_op){ TDX_OP_MR_EXTEND, gpa, false });
	return 0;
}

static int measure_section(struct run *run, const struct tdvf_section *s, enum tdvf_order order)
{
	if (s->attributes & TDVF_ATTR_PAGE_AUG)
		return 0;
	bool ext = s->attributes & TDVF_ATTR_MR_EXTEND;
	uint64_t pages = s->mem_size / PAGE;
	for (uint64_t p = 0; p < pages; p++) {
		if (add(run, s->gpa + p * PAGE))
			return -1;
		if (ext && order == TDVF_ORDER_SINGLE_PASS && extend(run, s, p))
			return -1;
	}
	if (ext && order == TDVF_ORDER_TWO_PASS)
		for (uint64_t p = 0; p < pages; p++)
			if (extend(run, s, p))
				return -1;
	return 0;
}

int tdvf_mrtd(const struct tdvf_image *img, enum tdvf_order order, tdx_op_fn on_op, void *op_ctx,
	      uint8_t mrtd[TDX_MRTD_LEN])
{
	struct run run = { .on_op = on_op, .op_ctx = op_ctx, .data = img->data };
	if (tdx_mrtd_init(&run.m))
		return -1;
	int r = 0;
	for (size_t i = 0; i < img->n_sections && !r; i++)
		r = measure_section(&run, &img->sections[i], order);
	if (!r)
		r = tdx_mrtd_final(&run.m, mrtd);
	tdx_mrtd_free(&run.m);
	return r;
}
