/* SPDX-License-Identifier: MIT */
/*
 * test_libigvm_qemu.c — QEMU's loader, run through the C API (qemu_walk.c),
 * must see every field exactly as the format library parses it (oracle.c).
 *
 *   test_libigvm_qemu                 the built-in fixtures (fixtures.h)
 *   test_libigvm_qemu --compare F...  any IGVM files, e.g. the builder's
 *                                     images or tests/tools/mkfixtures output
 *
 * Each file gives one TAP line: the two traces are equal (the first
 * differing line is printed on failure).
 */
#include <stdlib.h>
#include <string.h>

#include "../../common/fileio.h"
#include "../unit/tap.h"
#include "fixtures.h"
#include "oracle.h"
#include "qemu_walk.h"

struct trace {
	char *text;
	size_t len;
	int rc;
};

static void run(const uint8_t *p, size_t n, bool api, struct trace *t)
{
	FILE *m = open_memstream(&t->text, &t->len);
	if (!m) {
		t->text = NULL;
		t->rc = -1;
		return;
	}
	t->rc = api ? qw_run(p, (uint32_t)n, m) : oracle_qemu_trace(p, n, m);
	fclose(m);
}

/* Prints the first line where the traces part. */
static void show_difference(const char *a, const char *b)
{
	size_t line = 1;
	while (*a && *a == *b) {
		if (*a == '\n')
			line++;
		a++, b++;
	}
	while (line > 1 && a[-1] != '\n')
		a--, b--;
	diag("line %zu:\n#   api:    %.*s\n#   oracle: %.*s", line, (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

/* Returns the API trace's status (0 loaded, 1 refused) or -1 when the traces differ. */
static int compare(const char *name, const uint8_t *p, size_t n, bool show)
{
	struct trace api, want;
	run(p, n, true, &api);
	run(p, n, false, &want);
	bool same = api.text && want.text && api.rc == want.rc && !strcmp(api.text, want.text);
	ok(same, "%s: QEMU's walk through the API agrees with the format library on every field", name);
	if (!same && api.text && want.text)
		show_difference(api.text, want.text);
	if (show && api.text)
		diag("%s trace:\n%s", name, api.text);
	int rc = same ? api.rc : -1;
	free(api.text);
	free(want.text);
	return rc;
}

static int compare_files(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		uint8_t *data = NULL;
		size_t len = 0;
		int r = ib_read_file(argv[i], UINT32_MAX, &data, &len);
		if (r) {
			ok(0, "%s: readable", argv[i]);
			continue;
		}
		compare(argv[i], data, len, false);
		free(data);
	}
	return tap_done();
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--compare"))
		return compare_files(argc - 2, argv + 2);
	for (const struct fx *x = fx_all; x->name; x++) {
		struct ib_buf f = IB_BUF_INIT;
		if (!ok(x->build(&f) == 0, "fixture %s builds", x->name))
			continue;
		int rc = compare(x->name, f.p, f.len, false);
		ok(rc == (x->qemu_loads ? 0 : 1), "%s: QEMU %s it", x->name, x->qemu_loads ? "loads" : "refuses");
		ib_buf_free(&f);
	}

	/* The SEV-SNP fixture exercises every handler; check the trace says so. */
	struct ib_buf f = IB_BUF_INIT;
	fx_all[1].build(&f);
	struct trace t;
	run(f.p, f.len, true, &t);
	const char *want[] = {
		"platform SEV_SNP mask=0x1\n",
		"region gpa=0x0 pages=4 first=0 type=NORMAL",
		"region gpa=0x4000 pages=2 first=4 type=ZERO",
		"type=UNMEASURED", "type=SECRETS", "type=CPUID",
		"area index=0 size=0x2000\n", "vp-count index=0 offset=0x0\n", "env-info index=0 offset=0x8\n",
		"memory-map index=1 entries=5\n", "insert gpa=0x20000 index=0", "insert gpa=0x30000 index=1",
		"required gpa=0x100000 size=0x10000\n", "id-block ld=a0a1a2", " svn=7 id-alg=1 author-alg=1",
		"vmsa gpa=0xfffffffff000 vp=0 size=4096", "policy 0x30000\n", "launch policy=0x30000 id-block=yes\n",
	};
	bool all = t.text != NULL;
	for (size_t i = 0; all && i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(t.text, want[i])) {
			diag("missing in the snp trace: %s", want[i]);
			all = false;
		}
	ok(all, "snp: platform choice, every region type, parameters, insert, ID block, VMSA and policy seen");
	ok(t.text && !strstr(t.text, "gpa=0xb000"), "snp: the native-only page is skipped on SEV-SNP");
	free(t.text);
	ib_buf_free(&f);
	return tap_done();
}
