/* SPDX-License-Identifier: MIT */
/*
 * fuzz_tdvf.c — libFuzzer harness for the TDVF metadata parser and the
 * direct-launch MRTD (measure/tdvf.c). The input is the firmware image.
 *
 * A refusal must name a rule ("tdvf.*", or one of the footer-table rules of
 * ovmf.h) at an offset inside the file. What the parser accepts is re-checked
 * against its contract (tdvf.h) from the raw bytes: the descriptor and every
 * section entry lie inside the file, types and attributes are known, memory
 * ranges are aligned, non-empty (except TD_INFO/TD_PARAMS), do not wrap and
 * do not overlap, the bytes a measured section extends lie inside the file,
 * and the page counts are what the sections say. Then both MRTDs are
 * computed (for at most 4096 pages, to keep runs fast) and the operations
 * counted against those page counts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../measure/tdvf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MEASURED_PAGES 4096u

struct count {
	uint64_t adds, extends;
};

static void count_op(void *ctx, const struct tdx_op *op)
{
	struct count *c = ctx;
	if (op->kind == TDX_OP_PAGE_ADD)
		c->adds++;
	else
		c->extends++;
}

static uint64_t rd(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void check_accepted(const struct tdvf_image *img, const uint8_t *data, size_t size)
{
	size_t d = img->descriptor_off;
	if (d > size || size - d < TDVF_DESCRIPTOR_LEN || memcmp(data + d, "TDVF", 4) || rd(data + d + 8, 4) != 1)
		abort();
	if (img->n_sections == 0 || rd(data + d + 12, 4) != img->n_sections ||
	    rd(data + d + 4, 4) != TDVF_DESCRIPTOR_LEN + TDVF_SECTION_LEN * img->n_sections ||
	    img->n_sections > (size - d - TDVF_DESCRIPTOR_LEN) / TDVF_SECTION_LEN)
		abort();
	uint64_t adds = 0, extends = 0, bfv = 0;
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct tdvf_section *s = &img->sections[i];
		const uint8_t *e = data + d + TDVF_DESCRIPTOR_LEN + TDVF_SECTION_LEN * i;
		if (s->desc_off != (size_t)(e - data) || s->data_offset != rd(e, 4) || s->raw_size != rd(e + 4, 4) ||
		    s->gpa != rd(e + 8, 8) || s->mem_size != rd(e + 16, 8) || s->type != rd(e + 24, 4) ||
		    s->attributes != rd(e + 28, 4))
			abort();
		if (!tdvf_section_type_name(s->type) || (s->attributes & ~3u) || s->attributes == 3u)
			abort();
		bool nomem = s->type == TDVF_SECTION_TD_INFO || s->type == TDVF_SECTION_TD_PARAMS;
		if (nomem ? (s->gpa || s->mem_size)
			  : (s->gpa % 4096 || !s->mem_size || s->mem_size % 4096 || s->gpa + (s->mem_size - 1) < s->gpa ||
			     s->mem_size < s->raw_size))
			abort();
		if ((uint64_t)s->data_offset + s->raw_size > size || (!s->raw_size && s->data_offset))
			abort();
		if ((s->attributes & TDVF_ATTR_MR_EXTEND) && (uint64_t)s->data_offset + s->mem_size > size)
			abort();
		if (s->type == TDVF_SECTION_BFV && !(s->attributes & TDVF_ATTR_MR_EXTEND))
			abort();
		bfv += s->type == TDVF_SECTION_BFV;
		for (size_t j = 0; j < i && !nomem; j++) {
			const struct tdvf_section *t = &img->sections[j];
			if (t->type == TDVF_SECTION_TD_INFO || t->type == TDVF_SECTION_TD_PARAMS)
				continue;
			if (s->gpa <= t->gpa + (t->mem_size - 1) && t->gpa <= s->gpa + (s->mem_size - 1))
				abort();
		}
		if (!(s->attributes & TDVF_ATTR_PAGE_AUG)) {
			adds += s->mem_size / 4096;
			if (s->attributes & TDVF_ATTR_MR_EXTEND)
				extends += s->mem_size / 4096;
		}
	}
	if (!bfv || adds != img->pages_added || extends != img->pages_extended || adds > TDVF_MAX_PAGES)
		abort();
	if (adds > MAX_MEASURED_PAGES)
		return;
	for (int order = TDVF_ORDER_SINGLE_PASS; order <= TDVF_ORDER_TWO_PASS; order++) {
		struct count c = { 0, 0 };
		uint8_t mrtd[TDX_MRTD_LEN];
		if (tdvf_mrtd(img, (enum tdvf_order)order, count_op, &c, mrtd))
			abort();
		if (c.adds != adds || c.extends != extends)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exactly-sized copy, so ASan sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	struct tdvf_image img;
	struct ovmf_error err;
	memset(&err, 0, sizeof(err));
	int r = tdvf_parse(copy, size, &img, &err);
	if (r == -EINVAL) {
		if (!err.rule || !err.rule[0] || (size && err.offset >= size) || (!size && err.offset))
			abort();
	} else if (r == 0) {
		check_accepted(&img, copy, size);
		tdvf_image_free(&img);
	} else if (r != -ENOMEM) {
		abort();
	}
	free(copy);
	return 0;
}
