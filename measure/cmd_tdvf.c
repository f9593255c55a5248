/* SPDX-License-Identifier: MIT */
/*
 * cmd_tdvf.c — `igvmmeasure tdvf --firmware FILE`: the MRTD of a TD that the
 * VMM builds directly from a TDVF firmware's TDX metadata (no IGVM file),
 * in either page-add order deployed VMMs use (tdvf.h).
 *
 * Output: the MRTD as one line of upper-case hex; -v prints every operation
 * before it ("gpa 0x... MEM.PAGE.ADD", "gpa 0x... MR.EXTEND x16 (data)") and
 * labels the result; --json prints the descriptor, every section, both
 * orders' MRTDs and the warnings.
 *
 * Exit codes: 0 printed; 1 the firmware breaks a rule of tdvf.h (one line:
 * "FILE: offset 0x..: RULE: DETAIL"); 2 usage; 3 I/O; 4 internal.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "cmds.h"
#include "jsonw.h"
#include "tdvf.h"

/* Firmware images are a few MiB; TDVF offsets are u32, and this is far below. */
#define FIRMWARE_MAX_SIZE (256ull << 20)

struct tdvf_opts {
	const char *firmware;
	enum tdvf_order order;
	bool json, verbose;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: igvmmeasure tdvf --firmware FILE [--page-order single-pass|two-pass] [--json] [-v]\n"
		     "See igvmmeasure(1).\n");
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(struct tdvf_opts *o, int argc, char **argv)
{
	enum { OPT_JSON = 0x100, OPT_ORDER };
	static const struct option opts[] = {
		{ "firmware", required_argument, NULL, 'f' },
		{ "ovmf", required_argument, NULL, 'f' },
		{ "page-order", required_argument, NULL, OPT_ORDER },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "+f:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->firmware = optarg;
			break;
		case OPT_ORDER:
			if (!tdvf_order_parse(optarg, &o->order)) {
				ib_err("tdvf: --page-order: '%s' is not single-pass or two-pass", optarg);
				return IB_EXIT_USAGE;
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return IB_EXIT_OK;
		default:
			usage(stderr);
			return IB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ib_err("tdvf: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	if (!o->firmware || !*o->firmware) {
		ib_err("tdvf: --firmware FILE is required");
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	return -1;
}

static void print_op(void *ctx, const struct tdx_op *op)
{
	struct jsonw *w = ctx;
	if (w) {
		jsonw_begin_object(w, NULL);
		jsonw_str(w, "op", op->kind == TDX_OP_PAGE_ADD ? "MEM.PAGE.ADD" : "MR.EXTEND");
		jsonw_hex(w, "gpa", op->gpa);
		if (op->kind == TDX_OP_MR_EXTEND)
			jsonw_u64(w, "chunks", TDX_CHUNKS_PER_PAGE);
		jsonw_end_object(w);
	} else if (op->kind == TDX_OP_PAGE_ADD) {
		printf("gpa 0x%" PRIx64 " MEM.PAGE.ADD\n", op->gpa);
	} else {
		printf("gpa 0x%" PRIx64 " MR.EXTEND x%u (data)\n", op->gpa, TDX_CHUNKS_PER_PAGE);
	}
}

static void json_sections(struct jsonw *w, const struct tdvf_image *img)
{
	jsonw_begin_array(w, "sections");
	for (size_t i = 0; i < img->n_sections; i++) {
		const struct tdvf_section *s = &img->sections[i];
		jsonw_begin_object(w, NULL);
		jsonw_u64(w, "index", i);
		jsonw_hex(w, "entry_offset", s->desc_off);
		jsonw_u64(w, "type", s->type);
		jsonw_str(w, "type_name", tdvf_section_type_name(s->type));
		jsonw_hex(w, "data_offset", s->data_offset);
		jsonw_hex(w, "raw_data_size", s->raw_size);
		jsonw_hex(w, "memory_address", s->gpa);
		jsonw_hex(w, "memory_data_size", s->mem_size);
		jsonw_hex(w, "attributes", s->attributes);
		jsonw_bool(w, "mr_extend", s->attributes & TDVF_ATTR_MR_EXTEND);
		jsonw_bool(w, "page_aug", s->attributes & TDVF_ATTR_PAGE_AUG);
		jsonw_u64(w, "pages", s->mem_size / TDX_PAGE_SIZE);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static void json_warnings(struct jsonw *w, const struct tdvf_image *img)
{
	size_t n = img->n_warnings < TDVF_MAX_WARNINGS ? img->n_warnings : TDVF_MAX_WARNINGS;
	jsonw_begin_array(w, "warnings");
	for (size_t i = 0; i < n; i++) {
		jsonw_begin_object(w, NULL);
		jsonw_str(w, "rule", img->warnings[i].rule);
		jsonw_hex(w, "offset", img->warnings[i].offset);
		jsonw_str(w, "detail", img->warnings[i].detail);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static void print_warnings(const char *path, const struct tdvf_image *img)
{
	size_t n = img->n_warnings < TDVF_MAX_WARNINGS ? img->n_warnings : TDVF_MAX_WARNINGS;
	for (size_t i = 0; i < n; i++)
		ib_warn("%s: offset 0x%" PRIx64 ": %s: %s", path, img->warnings[i].offset, img->warnings[i].rule,
			img->warnings[i].detail);
	if (img->n_warnings > n)
		ib_warn("%s: and %zu more warnings", path, img->n_warnings - n);
}

static int measure(const struct tdvf_opts *o, const uint8_t *fw, size_t len, const struct tdvf_image *img)
{
	uint8_t mrtd[2][TDX_MRTD_LEN];
	struct jsonw w;
	if (o->json) {
		uint8_t sha[IB_SHA256_LEN];
		if (ib_sha256(fw, len, sha))
			goto crypto;
		jsonw_init(&w, stdout);
		jsonw_begin_object(&w, NULL);
		jsonw_begin_object(&w, "firmware");
		jsonw_str(&w, "path", o->firmware);
		jsonw_u64(&w, "size", len);
		jsonw_bytes_hex(&w, "sha256", sha, sizeof(sha));
		jsonw_end_object(&w);
		jsonw_hex(&w, "metadata_entry_offset", img->entry_off);
		jsonw_hex(&w, "descriptor_offset", img->descriptor_off);
		jsonw_u64(&w, "version", img->version);
		json_sections(&w, img);
		jsonw_str(&w, "page_order", tdvf_order_name(o->order));
		if (o->verbose)
			jsonw_begin_array(&w, "operations");
	}
	if (tdvf_mrtd(img, o->order, o->verbose ? print_op : NULL, o->json ? &w : NULL, mrtd[o->order]))
		goto crypto;
	enum tdvf_order other = o->order == TDVF_ORDER_SINGLE_PASS ? TDVF_ORDER_TWO_PASS : TDVF_ORDER_SINGLE_PASS;
	if (o->json) {
		if (tdvf_mrtd(img, other, NULL, NULL, mrtd[other]))
			goto crypto;
		if (o->verbose)
			jsonw_end_array(&w);
		jsonw_bytes_hex(&w, "mrtd", mrtd[o->order], TDX_MRTD_LEN);
		jsonw_bytes_hex(&w, "mrtd_single_pass", mrtd[TDVF_ORDER_SINGLE_PASS], TDX_MRTD_LEN);
		jsonw_bytes_hex(&w, "mrtd_two_pass", mrtd[TDVF_ORDER_TWO_PASS], TDX_MRTD_LEN);
		jsonw_u64(&w, "page_adds", img->pages_added);
		jsonw_u64(&w, "mr_extends", img->pages_extended * TDX_CHUNKS_PER_PAGE);
		json_warnings(&w, img);
		jsonw_end_object(&w);
		jsonw_finish(&w);
	} else {
		char hex[2 * TDX_MRTD_LEN + 1];
		ib_hex_upper(mrtd[o->order], TDX_MRTD_LEN, hex);
		if (o->verbose)
			printf("MRTD (%s): %s\n", tdvf_order_name(o->order), hex);
		else
			printf("%s\n", hex);
	}
	return -1;
crypto:
	fflush(stdout);
	ib_err("%s: the hash library failed", o->firmware);
	return IB_EXIT_INTERNAL;
}

int cmd_tdvf(const struct measure_globals *g, int argc, char **argv)
{
	struct tdvf_opts o = { .order = TDVF_ORDER_SINGLE_PASS, .json = g->json, .verbose = g->verbose };
	int r = parse_args(&o, argc, argv);
	if (r >= 0)
		return r;
	_cleanup_free_ uint8_t *fw = NULL;
	size_t len = 0;
	r = ib_read_file(o.firmware, FIRMWARE_MAX_SIZE, &fw, &len);
	if (r == -EFBIG) {
		ib_err("%s: offset 0x%llx: file-size: larger than the %llu MiB this tool reads", o.firmware,
		       FIRMWARE_MAX_SIZE, FIRMWARE_MAX_SIZE >> 20);
		return IB_EXIT_INVALID;
	}
	if (r) {
		ib_err("%s: cannot read: %s", o.firmware, strerror(-r));
		return r == -ENOMEM ? IB_EXIT_INTERNAL : IB_EXIT_IO;
	}
	_cleanup_(tdvf_image_free) struct tdvf_image img;
	struct ovmf_error err;
	r = tdvf_parse(fw, len, &img, &err);
	if (r == -ENOMEM) {
		ib_err("%s: out of memory", o.firmware);
		return IB_EXIT_INTERNAL;
	}
	if (r) {
		ib_err("%s: offset 0x%" PRIx64 ": %s: %s", o.firmware, err.offset, err.rule, err.detail);
		return IB_EXIT_INVALID;
	}
	print_warnings(o.firmware, &img);
	if ((r = measure(&o, fw, len, &img)) >= 0)
		return r;
	if (fflush(stdout) || ferror(stdout)) {
		ib_err("tdvf: cannot write the result: %s", strerror(errno));
		return IB_EXIT_IO;
	}
	return IB_EXIT_OK;
}
