/* SPDX-License-Identifier: MIT */
/*
 * fuzz_igvm_tdx.c — libFuzzer harness for the TDX paths over IGVM files: the
 * MRTD in the microsoft/igvm crate's model (measure/igvm_digest.c with
 * IGVM_DIGEST_TDX) and the TDX VP-context recognizer for reset pages
 * (format/igvm_describe.c).
 *
 * Each input is parsed (as given, and with total_file_size and the CRC
 * repaired so mutations reach the directives). For a file with a TDX
 * platform, the MRTD is computed from memory; the operations reported must
 * add up to the page counts (every page added once, every measured page
 * extended once), a failure must name a "measure.*" rule, and the digest must
 * be 48 bytes. Files whose parameter areas would add more than 64 MiB are
 * skipped to keep runs short (the page limit itself is unit-tested). Every
 * page of data, wherever it lies, goes through igvm_tdx_reset_context(), and
 * a recognized layout must fit in the page and yield its entry register.
 */
#include <stdlib.h>
#include <string.h>

#include "../../common/status.h"
#include "../../format/igvm.h"
#include "../../format/igvm_describe.h"
#include "../../measure/igvm_digest.h"
#include "../../measure/snp_digest.h"
#include "../tools/rawfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_AREA_BYTES (64ull << 20)

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

static void check_file(const struct igvm_file *f, const uint8_t *buf, size_t size)
{
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (!h->known || h->type != IGVM_VHT_PAGE_DATA)
			continue;
		const struct igvm_layout *l = igvm_tdx_reset_context(h->data, h->data_len);
		if (l && (l->size > h->data_len || (igvm_tdx_context_rip(l, h->data) == 0 && l == &igvm_tdx_coconut_layout)))
			abort();
	}
	uint32_t mask;
	if (!igvm_digest_platform_mask(f, IGVM_DIGEST_TDX, &mask))
		return;
	for (size_t i = 0; i < f->count; i++)
		if (f->hdr[i].known && f->hdr[i].type == IGVM_VHT_PARAMETER_AREA &&
		    f->hdr[i].body.param_area.number_of_bytes > MAX_AREA_BYTES)
			return;
	struct count c = { 0, 0 };
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_TDX, .on_op = count_op, .op_ctx = &c };
	struct igvm_digest_source src = { .fd = -1, .mem = buf, .mem_len = size };
	struct igvm_digest_result r;
	struct igvm_digest_error e;
	int rc = igvm_digest_compute(f, &src, &o, &r, &e);
	igvm_digest_result_free(&r);
	if (rc) {
		if (rc != IB_EXIT_INVALID || !e.rule || strncmp(e.rule, "measure.", 8))
			abort();
		return;
	}
	uint64_t measured = r.pages[SNP_PAGE_NORMAL], added = measured + r.pages[SNP_PAGE_UNMEASURED];
	if (r.digest_len != 48 || c.adds != added || c.extends != measured || r.hashed_pages > measured ||
	    r.workers != 1)
		abort();
}

static void check_input(const uint8_t *buf, size_t size)
{
	struct igvm_file f;
	struct igvm_diag d;
	if (igvm_parse(buf, size, IGVM_PARSE_CORIM, &f, &d))
		return;
	check_file(&f, buf, size);
	igvm_file_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	check_input(copy, size);
	if (size >= 24 && size <= UINT32_MAX) {
		uint32_t old_size = rf_rd32(copy, 16), old_crc = rf_rd32(copy, 0x14);
		rf_wr32(copy, 16, (uint32_t)size);
		if (rf_fix_crc(copy, size) && (rf_rd32(copy, 16) != old_size || rf_rd32(copy, 0x14) != old_crc))
			check_input(copy, size);
	}
	free(copy);
	return 0;
}
