/* SPDX-License-Identifier: MIT */
/*
 * mkfixtures — writes the test fixtures (tests/tools/fixtures.h) from source,
 * and makes corrupted copies of a file for the CLI tests.
 *
 *   mkfixtures OUTDIR                  writes OUTDIR/<name>.igvm for every fixture
 *   mkfixtures --corrupt MODE IN OUT   writes a copy of IN broken in one way
 *   mkfixtures --list                  prints the fixture names
 *   mkfixtures --modes                 prints the corruption modes
 *
 * Corruptions repair the checksum unless the checksum is what they break, so
 * the reader gets past the CRC to the rule under test. Exit: 0 ok, 1 the mode
 * does not apply to IN (no such record), 2 usage, 3 I/O, 4 internal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/fileio.h"
#include "../../common/status.h"
#include "fixtures.h"
#include "rawfile.h"

static int write_out(const char *path, const void *p, size_t n)
{
	int r = ib_write_file_atomic(path, p, n, 0644);
	if (r < 0) {
		fprintf(stderr, "mkfixtures: %s: %s\n", path, strerror(-r));
		return IB_EXIT_IO;
	}
	return 0;
}

static int make_all(const char *dir)
{
	for (size_t i = 0; i < FX_COUNT; i++) {
		struct ib_buf out = IB_BUF_INIT;
		struct igvm_diag d;
		if (fx_write(&fx_fixtures[i], &out, &d) < 0) {
			fprintf(stderr, "mkfixtures: %s: the writer refused it: %s: %s\n", fx_fixtures[i].name,
				igvm_rule_name(d.rule), d.detail);
			ib_buf_free(&out);
			return IB_EXIT_INTERNAL;
		}
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.igvm", dir, fx_fixtures[i].name);
		int r = write_out(path, out.p, out.len);
		ib_buf_free(&out);
		if (r)
			return r;
	}
	return 0;
}

/* ---- corruptions ---------------------------------------------------------------- */

struct mode {
	const char *name;
	const char *what;
};

static const struct mode modes[] = {
	{ "short", "truncate to 16 bytes (fixed-header.size)" },
	{ "truncate", "drop the last byte (fixed-header.total-file-size)" },
	{ "magic", "break the magic (fixed-header.magic)" },
	{ "checksum", "flip a bit of the checksum (fixed-header.checksum)" },
	{ "header-byte", "flip a byte inside the variable headers, CRC not repaired (fixed-header.checksum)" },
	{ "version", "format_version 3 (fixed-header.format-version)" },
	{ "vh-offset", "variable_header_offset past the end (fixed-header.variable-header-offset)" },
	{ "empty-data", "variable headers reach the end of the file (fixed-header.variable-header-size)" },
	{ "data-offset", "first PAGE_DATA's data runs past the end (data.range)" },
	{ "gpa", "first PAGE_DATA's gpa not 4 KiB aligned (field.gpa-alignment)" },
	{ "length", "first PAGE_DATA's length 28 (record.length)" },
	{ "order", "last initialization header moved after the first directive (record.section-order)" },
	{ "unknown-type", "first PAGE_DATA's type 0x399 (record.unknown-type)" },
	{ "optional-type", "first PAGE_DATA's type 0x80000399 (record.type-range; skipped with --allow-optional)" },
	{ "platform-mask", "first platform's mask 0x3 (platform.mask)" },
	{ "area-index", "first VP_COUNT_PARAMETER uses area 99 (parameter-area.index)" },
	{ "padding", "non-zero padding after the first VP_CONTEXT (record.padding, strict only)" },
};

static int corrupt(const char *mode, uint8_t *b, size_t *len)
{
	struct rf_rec r;
	size_t n = *len;

	if (n < 24)
		return 1;
	if (!strcmp(mode, "short")) {
		*len = 16;
		return 0;
	}
	if (!strcmp(mode, "truncate")) {
		*len = n - 1;
		return 0;
	}
	if (!strcmp(mode, "magic")) {
		b[0] ^= 0xFF;
		return 0;
	}
	if (!strcmp(mode, "checksum")) {
		b[0x14] ^= 0x01;
		return 0;
	}
	if (!strcmp(mode, "header-byte")) {
		uint32_t vho = rf_rd32(b, 8);
		if (vho + 8 >= n)
			return 1;
		b[vho + 8] ^= 0x40; /* inside the first record's body */
		return 0;
	}
	if (!strcmp(mode, "version")) {
		rf_wr32(b, 4, 3);
		return rf_fix_crc(b, n) ? 0 : 1;
	}
	if (!strcmp(mode, "vh-offset")) {
		rf_wr32(b, 8, (uint32_t)n);
		rf_wr32(b, 0x14, 0); /* the CRC cannot be computed over a section past the end */
		return 0;
	}
	if (!strcmp(mode, "empty-data")) {
		rf_wr32(b, 12, (uint32_t)(n - rf_rd32(b, 8)));
		return rf_fix_crc(b, n) ? 0 : 1;
	}
	if (!strcmp(mode, "platform-mask")) {
		if (!rf_find(b, n, IGVM_VHT_SUPPORTED_PLATFORM, 0, &r))
			return 1;
		rf_wr32(b, r.body, 0x3);
		return rf_fix_crc(b, n) ? 0 : 1;
	}
	if (!strcmp(mode, "area-index")) {
		if (!rf_find(b, n, IGVM_VHT_VP_COUNT_PARAMETER, 0, &r))
			return 1;
		rf_wr32(b, r.body, 99);
		return rf_fix_crc(b, n) ? 0 : 1;
	}
	if (!strcmp(mode, "padding")) {
		if (!rf_find(b, n, IGVM_VHT_VP_CONTEXT, 0, &r))
			return 1;
		b[r.body + 20] = 0x01;
		return rf_fix_crc(b, n) ? 0 : 1;
	}
	if (!strcmp(mode, "order")) {
		struct rf_rec recs[512];
		size_t nr = rf_records(b, n, recs, 512), last_init = SIZE_MAX, first_dir = SIZE_MAX;
		for (size_t i = 0; i < nr; i++) {
			enum igvm_section s;
			if (!igvm_type_section(recs[i].type, &s))
				continue;
			if (s == IGVM_SECTION_INITIALIZATION)
				last_init = i;
			if (s == IGVM_SECTION_DIRECTIVE && first_dir == SIZE_MAX)
				first_dir = i;
		}
		if (last_init == SIZE_MAX || first_dir != last_init + 1)
			return 1;
		/* Rotate [init][dir] into [dir][init]. */
		size_t a = recs[last_init].off, mid = recs[first_dir].off;
		size_t end = mid + 8 + ((recs[first_dir].length + 7u) & ~7u);
		uint8_t *tmp = malloc(end - a);
		if (!tmp)
			return IB_EXIT_INTERNAL;
		memcpy(tmp, b + mid, end - mid);
		memcpy(tmp + (end - mid), b + a, mid - a);
		memcpy(b + a, tmp, end - a);
		free(tmp);
		return rf_fix_crc(b, n) ? 0 : 1;
	}
	if (!rf_find(b, n, IGVM_VHT_PAGE_DATA, 0, &r))
		return 1;
	if (!strcmp(mode, "data-offset")) {
		rf_wr32(b, r.body + 0x0C, (uint32_t)(n - 100));
	} else if (!strcmp(mode, "gpa")) {
		rf_wr64(b, r.body, rf_rd64(b, r.body) | 0x800);
	} else if (!strcmp(mode, "length")) {
		rf_wr32(b, r.off + 4, 28);
	} else if (!strcmp(mode, "unknown-type")) {
		rf_wr32(b, r.off, 0x399);
	} else if (!strcmp(mode, "optional-type")) {
		rf_wr32(b, r.off, 0x80000399u);
	} else {
		return -1;
	}
	return rf_fix_crc(b, n) ? 0 : 1;
}

static int make_corrupt(const char *mode, const char *in, const char *out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int r = ib_read_file(in, 1ull << 32, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "mkfixtures: %s: %s\n", in, strerror(-r));
		return IB_EXIT_IO;
	}
	r = corrupt(mode, buf, &len);
	if (r < 0) {
		fprintf(stderr, "mkfixtures: unknown corruption mode '%s' (see --modes)\n", mode);
		free(buf);
		return IB_EXIT_USAGE;
	}
	if (r > 0) {
		if (r == 1)
			fprintf(stderr, "mkfixtures: %s: mode '%s' does not apply to this file\n", in, mode);
		free(buf);
		return r;
	}
	r = write_out(out, buf, len);
	free(buf);
	return r;
}

static int usage(void)
{
	fprintf(stderr, "usage: mkfixtures OUTDIR\n"
			"       mkfixtures --corrupt MODE IN OUT\n"
			"       mkfixtures --list | --modes\n");
	return IB_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < FX_COUNT; i++)
			printf("%s\n", fx_fixtures[i].name);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--modes")) {
		for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			printf("%-14s %s\n", modes[i].name, modes[i].what);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "--corrupt"))
		return make_corrupt(argv[2], argv[3], argv[4]);
	if (argc == 2 && argv[1][0] != '-')
		return make_all(argv[1]);
	return usage();
}
