/* SPDX-License-Identifier: MIT */
/*
 * test_libigvm_dump.c — igvm-dump prints what microsoft/igvm's dump_igvm
 * prints. The expected text for the conformance file is assembled here from
 * the documented rules (shared spec §9.2), independently of dump_format.c.
 *
 *   test_libigvm_dump                          the TAP tests
 *   test_libigvm_dump --write-conformance F    writes the conformance file to F
 *   test_libigvm_dump --expected N             prints the expected dump with --hex N
 * (the last two serve tests/cli/t0701-igvm-dump.sh, which runs the real binary).
 */
#include <stdlib.h>
#include <string.h>

#include "../../common/fileio.h"
#include "../../libigvm/tools/dump_format.h"
#include "../unit/tap.h"
#include "fixtures.h"

static void dashes(FILE *o, const char *section, unsigned count)
{
	for (int i = 0; i < 58; i++)
		fputc('-', o);
	fprintf(o, "\n%s count = %u\n\n", section, count);
}

/* A page of `fill` bytes (none printable) dumped in rows of 32, up to hex bytes. */
static void page_rows(FILE *o, unsigned fill, uint32_t hex)
{
	uint32_t n = hex < 4096 ? hex : 4096;
	for (uint32_t row = 0; row * 32 < n; row++) {
		fprintf(o, "| %08X | ", row * 32);
		for (uint32_t c = 0; c < 32; c++)
			if (row * 32 + c < n)
				fprintf(o, "%02X ", fill);
			else
				fputs("   ", o);
		fputs("| ", o);
		for (uint32_t c = 0; c < 32; c++)
			fputc(row * 32 + c < n ? '.' : ' ', o);
		fputs(" |\n", o);
	}
}

static void expected_conformance(FILE *o, uint32_t hex)
{
	dashes(o, "platform", 1);
	fputs("IGVM_VHT_SUPPORTED_PLATFORM:\n  CompatibilityMask: 00000001\n  HighestVtl: 00\n  PlatformType: 01\n"
	      "  PlatformVersion: 0001\n  SharedGPABoundary: 0\n\n",
	      o);
	dashes(o, "initialization", 2);
	for (unsigned m = 1; m <= 2; m++)
		fprintf(o, "IGVM_VHT_GUEST_POLICY:\n  Policy: 0000000000030000\n  CompatibilityMask: %08X\n"
			   "  Reserved: 00000000\n\n",
			m);
	dashes(o, "directive", 11);
	static const unsigned pages[8] = { 0, 1, 2, 4, 10, 11, 12, 14 };
	for (unsigned i = 0; i < 8; i++) {
		fprintf(o, "IGVM_VHT_PAGE_DATA:\n  GPA: %016X\n  CompatibilityMask: 00000001\n  FileOffset: 00000000\n"
			   "  Flags: 00000000\n  Reserved: 00000000\n\nGot 4096 bytes of file data:\n",
			pages[i] * 4096);
		page_rows(o, i % 4 + 1, hex);
	}
	fputs("IGVM_VHT_PARAMETER_AREA:\n  NumberOfBytes: 0000000000001000\n  ParameterAreaIndex: 00000000\n"
	      "  FileOffset: 00000000\n\n",
	      o);
	fputs("IGVM_VHT_VP_COUNT_PARAMETER:\n  IGVM_VHS_PARAMETER:\n    ParameterPageIndex: 00000000\n"
	      "    ByteOffset: 00000000\n\n\n",
	      o);
	fputs("IGVM_VHT_PARAMETER_INSERT:\n  GPA: 0000000000014000\n  CompatibilityMask: 00000001\n"
	      "  ParameterAreaIndex: 00000000\n\n",
	      o);
}

static char *dump(const struct ib_buf *f, uint32_t hex, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return NULL;
	*rc = igvmdump_print(m, f->p, (uint32_t)f->len, hex);
	fclose(m);
	return text;
}

static char *expected(uint32_t hex)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return NULL;
	expected_conformance(m, hex);
	fclose(m);
	return text;
}

static void check_same(const char *got, const char *want, const char *what)
{
	bool same = got && want && !strcmp(got, want);
	ok(same, "%s", what);
	if (!same && got && want) {
		size_t i = 0;
		while (got[i] && got[i] == want[i])
			i++;
		diag("first difference at byte %zu: got \"%.40s\", expected \"%.40s\"", i, got + i, want + i);
	}
}

int main(int argc, char **argv)
{
	struct ib_buf conf = IB_BUF_INIT;
	if (fx_conformance(&conf)) {
		ok(0, "the conformance file builds");
		return tap_done();
	}
	if (argc == 3 && !strcmp(argv[1], "--write-conformance")) {
		int r = ib_write_file_atomic(argv[2], conf.p, conf.len, 0644);
		ib_buf_free(&conf);
		return r ? 3 : 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--expected")) {
		char *e = expected((uint32_t)strtoul(argv[2], NULL, 10));
		fputs(e ? e : "", stdout);
		free(e);
		ib_buf_free(&conf);
		return 0;
	}

	int rc = -1;
	char *got = dump(&conf, 64, &rc);
	char *want = expected(64);
	ok(rc == 0, "the conformance file dumps");
	check_same(got, want, "conformance file, --hex 64: exactly dump_igvm's text");
	static const char head[] = "----------------------------------------------------------\nplatform count = 1\n\n"
				   "IGVM_VHT_SUPPORTED_PLATFORM:\n  CompatibilityMask: 00000001\n  HighestVtl: 00\n";
	ok(got && !strncmp(got, head, sizeof(head) - 1), "it starts with the lines shown in the spec");
	ok(got && strstr(got, "Got 4096 bytes of file data:\n| 00000000 | 01 01 01 "),
	   "a page's hexdump follows its header block directly");
	free(got);
	free(want);

	got = dump(&conf, UINT32_MAX, &rc);
	want = expected(UINT32_MAX);
	check_same(got, want, "conformance file, whole blobs (no --hex): 128 rows per page");
	free(got);
	free(want);
	got = dump(&conf, 0, &rc);
	want = expected(0);
	check_same(got, want, "--hex 0: the 'Got N bytes' line without rows");
	free(got);
	free(want);
	got = dump(&conf, 40, &rc);
	want = expected(40);
	check_same(got, want, "--hex 40: a short last row padded with blanks");
	free(got);
	free(want);

	/* The SEV-SNP fixture: ID block, VP contexts, parameters, printable data. */
	struct ib_buf snp = IB_BUF_INIT;
	fx_all[1].build(&snp);
	got = dump(&snp, 64, &rc);
	ok(rc == 0 && got, "the snp fixture dumps");
	if (got) {
		ok(strstr(got, "  Ld:\n| 00000000 | A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD AE AF | ") &&
			   strstr(got, "| 00000010 | B0 B1 "),
		   "ID block: Ld shows 32 bytes in rows of 16");
		ok(strstr(got, "  FamilyId:\n| 00000000 | A0 A1 ") && strstr(got, "  ImageId:\n| 00000000 | A0 A1 "),
		   "ID block: FamilyId and ImageId show ld again, as dump_igvm does");
		ok(strstr(got, "  Reserved: 010203\n"), "ID block reserved bytes");
		ok(strstr(got, "IGVM_VHT_VP_CONTEXT:\n  GPA: 0000FFFFFFFFF000\n  CompatibilityMask: 00000001\n"
			       "  FileOffset: 00000000\n  VPIndex: 0000\n  Reserved: 0000\n\nGot 4096 bytes of file data:\n"),
		   "VP context fields and its data");
		ok(strstr(got, "| 20 21 22 23 24 25 26 27 28 29 2A 2B 2C 2D 2E 2F 30 31 32 33 34 35 36 37 38 39 3A "
				       "3B 3C 3D 3E 3F |  !\"#$%&'()*+,-./0123456789:;<=>? |\n") != NULL,
		   "printable data shows in the ASCII column");
		ok(strstr(got, "IGVM_VHT_REQUIRED_MEMORY:\n  GPA: 0000000000100000\n  CompatibilityMask: 00000001\n"
			       "  NumberOfBytes: 00010000\n  Flags: 00000001\n  Reserved: 00000000\n\n"),
		   "REQUIRED_MEMORY fields (the undefined flag bit is not shown, as the reference drops it)");
		ok(strstr(got, "IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:\n  IGVM_VHS_PARAMETER:\n    ParameterPageIndex: "
			       "00000000\n    ByteOffset: 00000008\n\n\n"),
		   "parameter kinds print their IGVM_VHS_PARAMETER block and an extra blank line");
		ok(strstr(got, "Got 8192 bytes of file data:\n"), "parameter-area initial data is shown (0x2000 bytes)");
	}
	free(got);
	ib_buf_free(&snp);

	struct ib_buf vbs = IB_BUF_INIT;
	fx_all[2].build(&vbs);
	got = dump(&vbs, 16, &rc);
	ok(got && strstr(got, "IGVM_VHT_DEVICE_TREE:\n\n") && strstr(got, "IGVM_VHT_VBS_MEASUREMENT:\n\n") &&
		   strstr(got, "IGVM_VHT_ERROR_RANGE:\n  GPA: 0000000000090000\n  CompatibilityMask: 00000001\n"
			       "  SizeBytes: 00002000\n\n") &&
		   strstr(got, "  Flags: 03\n"),
	   "DEVICE_TREE and VBS_MEASUREMENT print no fields; ERROR_RANGE and relocation flags do");
	free(got);
	ib_buf_free(&vbs);

	struct ib_buf cca = IB_BUF_INIT;
	fx_all[4].build(&cca);
	got = dump(&cca, 16, &rc);
	ok(got && strstr(got, "initialization count = 1\n\nUnknown type:\n\n"), "CCA_POLICY is an 'Unknown type'");
	free(got);
	ib_buf_free(&cca);

	struct ib_buf junk = IB_BUF_INIT;
	ib_buf_append(&junk, "0123456789abcdef", 16);
	got = dump(&junk, 64, &rc);
	ok(rc == 1 && got && !strcmp(got, "Failed to parse IGVM file. Error code: -16\n"),
	   "a file that does not parse: dump_igvm's failure line");
	free(got);
	ib_buf_free(&junk);
	ib_buf_free(&conf);
	return tap_done();
}
