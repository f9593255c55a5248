/* SPDX-License-Identifier: MIT */
/*
 * cmd_measure.c — `igvmmeasure [GLOBAL...] FILE measure [-i] [-b] [--json] [-j N]`:
 * prints the launch digest an IGVM file gives, in the output format of
 * COCONUT-SVSM's igvmmeasure so scripts can switch tools by changing a path;
 * with -p tdx, the MRTD (the microsoft/igvm crate's TDX model, igvm_digest.h).
 *
 * Reading the file. The file is mapped read-only (MAP_PRIVATE) and handed
 * to the format library, whose validator touches the fixed header, the
 * variable-header section and the few VP contexts it checks, never the page
 * data. The digest module then reads the page data with pread() into a
 * buffer per hashing thread (igvm_digest.c says why that beats hashing in
 * place from the mapping), so the resident set is the header model plus a
 * few MiB whatever the image size. Inputs that cannot be mapped (pipes,
 * /dev/stdin) are read whole instead.
 * A mapped file that someone truncates while it is parsed makes the kernel
 * raise SIGBUS on the next access past the new end; the handler turns that
 * into the usual one-line I/O error and exit status 3. Truncation while the
 * pages are read is an I/O error from pread().
 *
 * Exit codes: 0 digest printed; 1 invalid file or a measurement rule (named
 * on stderr); 2 usage (also --check-kvm with -p tdx: QEMU/KVM load no IGVM
 * file on TDX, so there are no rules to check); 3 I/O; 4 internal; 5
 * --check-kvm refused the file, or an ID block holds a different digest
 * (unless -i).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "../format/igvm.h"
#include "cmds.h"
#include "igvm_digest.h"
#include "jsonw.h"
#include "snp_cli.h"
#include "snp_digest.h"

/* The largest file the format can describe (offsets are u32). */
#define IGVM_MAX_FILE_SIZE 0xFFFFFFFFull

struct measure_args {
	bool ignore_idblock;
	bool bare;
	bool json;
	bool stats;
	unsigned jobs;
};

struct input {
	int fd;
	uint8_t *map;  /* mapping of a regular file */
	size_t len;
	uint8_t *heap; /* or the whole input, read */
};

static void usage(FILE *out)
{
	fprintf(out, "usage: igvmmeasure [-v] [-c|--check-kvm] [-p|--platform sev|sev-es|sev-snp|tdx] [-n|--native-zero]\n"
		     "                   [-j|--jobs N] [--json] FILE measure [-i|--ignore-idblock] [-b|--bare]\n"
		     "                   [--json] [-j|--jobs N]\n");
}

static int parse_jobs(const char *arg, unsigned *jobs)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(arg, &end, 10);
	if (*arg == '\0' || *arg == '-' || *end || errno || n > 1024) {
		ib_err("--jobs: '%s' is not a number of workers (0-1024)", arg);
		return IB_EXIT_USAGE;
	}
	*jobs = (unsigned)n;
	return 0;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(const struct measure_globals *g, int argc, char **argv, struct measure_args *a)
{
	enum { OPT_JSON = 0x100, OPT_STATS };
	static const struct option opts[] = {
		{ "ignore-idblock", no_argument, NULL, 'i' },
		{ "bare", no_argument, NULL, 'b' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*a = (struct measure_args){ .json = g->json, .jobs = g->jobs };
	int c;
	while ((c = getopt_long(argc, argv, "+ibj:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			a->ignore_idblock = true;
			break;
		case 'b':
			a->bare = true;
			break;
		case 'j':
			if (parse_jobs(optarg, &a->jobs))
				return IB_EXIT_USAGE;
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_STATS:
			a->stats = true;
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
		ib_err("measure: unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	return -1;
}

/*
 * SIGBUS while the mapping is in use means the file shrank under us. Only
 * async-signal-safe calls here: the message is prepared before the mapping
 * exists.
 */
static char sigbus_msg[512];
static size_t sigbus_len;

static void on_sigbus(int sig)
{
	(void)sig;
	ssize_t r = write(STDERR_FILENO, sigbus_msg, sigbus_len);
	(void)r;
	_exit(IB_EXIT_IO);
}

static void catch_sigbus(const char *path)
{
	int n = snprintf(sigbus_msg, sizeof(sigbus_msg),
			 "%s: %s: the file got shorter while it was being measured\n", ib_progname, path);
	sigbus_len = n < 0 ? 0 : (size_t)n < sizeof(sigbus_msg) ? (size_t)n : sizeof(sigbus_msg) - 1;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/* ---- input ------------------------------------------------------------------------ */

static void close_input(struct input *in)
{
	if (in->map)
		munmap(in->map, in->len);
	free(in->heap);
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	in->map = in->heap = NULL;
}

static int read_whole(const char *path, struct input *in)
{
	int r = ib_read_file(path, IGVM_MAX_FILE_SIZE, &in->heap, &in->len);
	if (r == -EFBIG) {
		/* Too large to be IGVM: let the validator name the rule. */
		ib_err("%s: offset 0x10: %s: the input is larger than 4 GiB, the most an IGVM file can be", path,
		       igvm_rule_name(IGVM_RULE_TOTAL_FILE_SIZE));
		return IB_EXIT_INVALID;
	}
	if (r < 0) {
		ib_err("%s: cannot read: %s", path, strerror(-r));
		return r == -ENOMEM ? IB_EXIT_INTERNAL : IB_EXIT_IO;
	}
	return 0;
}

static int open_input(const char *path, struct input *in)
{
	*in = (struct input){ .fd = -1 };
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		ib_err("%s: cannot open: %s", path, strerror(errno));
		return IB_EXIT_IO;
	}
	struct stat st;
	if (fstat(in->fd, &st) < 0) {
		ib_err("%s: cannot stat: %s", path, strerror(errno));
		return IB_EXIT_IO;
	}
	if (S_ISDIR(st.st_mode)) {
		ib_err("%s: cannot read: %s", path, strerror(EISDIR));
		return IB_EXIT_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		close(in->fd);
		in->fd = -1;
		return read_whole(path, in);
	}
	in->len = (size_t)st.st_size;
	if (in->len == 0)
		return 0; /* the validator reports the empty file */
	catch_sigbus(path);
	void *p = mmap(NULL, in->len, PROT_READ, MAP_PRIVATE, in->fd, 0);
	if (p == MAP_FAILED) {
		ib_err("%s: cannot map: %s", path, strerror(errno));
		return IB_EXIT_IO;
	}
	in->map = p;
	return 0;
}

static const uint8_t *input_bytes(const struct input *in)
{
	static const uint8_t empty[1];
	return in->map ? in->map : in->heap ? in->heap : empty;
}

/* ---- diagnostics ------------------------------------------------------------------- */

/*
 * The format library's strict findings (warning.mask-no-platform for the mask
 * bits of platforms a file does not carry, which every file COCONUT's builder
 * writes draws, and the like) do not change the digest. As a drop-in for
 * COCONUT's igvmmeasure, standard error stays quiet about them unless -v asks;
 * `igvmbuild inspect` reports them always.
 */
static void print_parse_warnings(const char *file, const struct igvm_file *f, bool verbose)
{
	if (!verbose)
		return;
	for (size_t i = 0; i < f->warning_count; i++) {
		const struct igvm_diag *d = &f->warnings[i];
		ib_warn("%s: offset 0x%llx: %s: %s", file, (unsigned long long)d->offset, igvm_rule_name(d->rule),
			d->detail);
	}
}


/* ---- ID blocks ------------------------------------------------------------------------ */

struct id_blocks {
	size_t count;
	struct igvm_vhs_snp_id_block last; /* what QEMU would use (it refuses more than one) */
	uint32_t last_offset;
	size_t mismatches;
	struct igvm_vhs_snp_id_block first_bad;
	uint32_t first_bad_offset;
};

static void check_id_blocks(const struct igvm_file *f, uint32_t mask, const struct igvm_digest_result *r,
			    struct id_blocks *ib)
{
	memset(ib, 0, sizeof(*ib));
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		struct igvm_vhs_snp_id_block id;
		if (!igvm_header_id_block(h, &id) || !(id.compatibility_mask & mask))
			continue;
		ib->count++;
		ib->last = id;
		ib->last_offset = h->record_offset;
		if (r->digest_len == sizeof(id.ld) && !memcmp(id.ld, r->digest, sizeof(id.ld)))
			continue;
		if (!ib->mismatches++) {
			ib->first_bad = id;
			ib->first_bad_offset = h->record_offset;
		}
	}
}

/* ---- output ------------------------------------------------------------------------- */

static void print_runs(const struct igvm_digest_result *r)
{
	/* COCONUT's -v line, so scripts parsing it keep working. */
	for (size_t i = 0; i < r->nruns; i++)
		printf("gpa 0x%llx len 0x%llx (%s page)\n", (unsigned long long)r->runs[i].gpa,
		       (unsigned long long)(r->runs[i].pages * 4096), igvm_digest_page_type_name(r->runs[i].type));
}

static void print_text(const char *file, const struct igvm_digest_result *r, bool bare, bool verbose)
{
	/* COCONUT's banner: 111 '=' signs. */
	static const char rule[] = "=========================================================="
				   "=====================================================";
	_Static_assert(sizeof(rule) == 112, "the banner is 111 characters");
	char hex[2 * IGVM_DIGEST_MAX_LEN + 1];
	ib_hex_upper(r->digest, r->digest_len, hex);
	if (verbose)
		print_runs(r);
	if (bare) {
		printf("%s\n", hex);
		return;
	}
	printf("\n%s\nigvmmeasure '%s'\nLaunch Digest: %s\n%s\n\n", rule, file, hex, rule);
}

static void print_json(const char *file, const struct measure_globals *g, const struct igvm_digest_result *r,
		       const struct id_blocks *ib)
{
	struct jsonw w;
	jsonw_init(&w, stdout);
	jsonw_begin_object(&w, NULL);
	jsonw_str(&w, "file", file);
	jsonw_str(&w, "platform", igvm_digest_platform_name((enum igvm_digest_platform)g->platform));
	jsonw_str(&w, "loader_model", g->platform != MEASURE_SEV_SNP ? "coconut-igvmmeasure"
				      : g->native_zero		 ? "native-zero"
								 : "qemu-kvm");
	jsonw_str(&w, "digest_algorithm", r->digest_len == SNP_LD_LEN ? "sha384" : "sha256");
	jsonw_bytes_hex(&w, "digest", r->digest, r->digest_len);
	jsonw_begin_object(&w, "pages");
	for (uint8_t t = SNP_PAGE_NORMAL; t <= SNP_PAGE_CPUID; t++)
		jsonw_u64(&w, igvm_digest_page_type_key(t), r->pages[t]);
	jsonw_end_object(&w);
	jsonw_u64(&w, "hashed_pages", r->hashed_pages);
	jsonw_u64(&w, "repeated_pages", r->repeated_pages);
	jsonw_u64(&w, "shared_pages_skipped", r->shared_skipped);
	if (g->verbose) {
		jsonw_begin_array(&w, "runs");
		for (size_t i = 0; i < r->nruns; i++) {
			jsonw_begin_object(&w, NULL);
			jsonw_hex(&w, "gpa", r->runs[i].gpa);
			jsonw_u64(&w, "pages", r->runs[i].pages);
			jsonw_str(&w, "type", igvm_digest_page_type_key(r->runs[i].type));
			jsonw_end_object(&w);
		}
		jsonw_end_array(&w);
	}
	if (ib->count) {
		jsonw_begin_object(&w, "id_block");
		jsonw_hex(&w, "offset", ib->last_offset);
		jsonw_bytes_hex(&w, "ld", ib->last.ld, sizeof(ib->last.ld));
		jsonw_bool(&w, "matches", ib->mismatches == 0);
		jsonw_u64(&w, "count", ib->count);
		jsonw_end_object(&w);
	}
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

/* ---- --stats (used by `make bench`) ---------------------------------------------------- */

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* VmHWM from /proc, so the benchmark needs no GNU time. 0 if unknown. */
static unsigned long long peak_rss_kib(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long kib = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %llu kB", &kib) == 1)
			break;
	return kib;
}

static void print_stats(const struct igvm_digest_result *r, double seconds)
{
	uint64_t pages = 0;
	for (size_t t = 0; t < ARRAY_SIZE(r->pages); t++)
		pages += r->pages[t];
	fprintf(stderr, "igvmmeasure: stats: workers=%u pages=%llu hashed_pages=%llu hashed_bytes=%llu repeated_pages=%llu "
			"data_bytes=%llu seconds=%.6f peak_rss_kib=%llu\n",
		r->workers, (unsigned long long)pages, (unsigned long long)r->hashed_pages,
		(unsigned long long)r->hashed_pages * 4096, (unsigned long long)r->repeated_pages,
		(unsigned long long)(r->hashed_pages + r->repeated_pages) * 4096, seconds, peak_rss_kib());
}

/* ---- the verb ---------------------------------------------------------------------------- */

static int parse_file(const char *file, const struct input *in, struct igvm_file *f)
{
	struct igvm_diag d;
	/* Reference rules (what libigvm-based loaders accept); CoRIM headers do not change a digest. */
	if (igvm_parse(input_bytes(in), in->len, IGVM_PARSE_CORIM, f, &d) == 0)
		return 0;
	return snp_cli_rule_error(file, d.rule == IGVM_RULE_NO_MEMORY ? IB_EXIT_INTERNAL : IB_EXIT_INVALID,
				  igvm_rule_name(d.rule), d.offset, d.detail);
}

static int report_id_blocks(const char *file, const struct igvm_digest_result *r, const struct id_blocks *ib,
			    bool ignore)
{
	if (!ib->mismatches)
		return IB_EXIT_OK;
	char want[2 * SNP_LD_LEN + 1], got[2 * IGVM_DIGEST_MAX_LEN + 1];
	ib_hex_upper(ib->first_bad.ld, SNP_LD_LEN, want);
	ib_hex_upper(r->digest, r->digest_len, got);
	if (ignore) {
		ib_warn("%s: offset 0x%x: id-block.ld-mismatch: ignored (-i): the ID block expects %s", file,
			ib->first_bad_offset, want);
		return IB_EXIT_OK;
	}
	ib_err("%s: offset 0x%x: id-block.ld-mismatch: the ID block expects %s, the computed digest is %s", file,
	       ib->first_bad_offset, want, got);
	return IB_EXIT_MISMATCH;
}

/* ---- TDX: the MRTD ------------------------------------------------------------------------ */

/* -v: one line (or JSON object) per operation, printed as the MRTD is computed. */
struct tdx_printer {
	struct jsonw *w; /* NULL: text */
};

static void print_tdx_op(void *ctx, const struct tdx_op *op)
{
	struct tdx_printer *p = ctx;
	if (p->w) {
		jsonw_begin_object(p->w, NULL);
		jsonw_str(p->w, "op", op->kind == TDX_OP_PAGE_ADD ? "MEM.PAGE.ADD" : "MR.EXTEND");
		jsonw_hex(p->w, "gpa", op->gpa);
		if (op->kind == TDX_OP_MR_EXTEND) {
			jsonw_u64(p->w, "chunks", TDX_CHUNKS_PER_PAGE);
			jsonw_str(p->w, "contents", op->zero ? "zeros" : "data");
		}
		jsonw_end_object(p->w);
	} else if (op->kind == TDX_OP_PAGE_ADD) {
		printf("gpa 0x%llx MEM.PAGE.ADD\n", (unsigned long long)op->gpa);
	} else {
		printf("gpa 0x%llx MR.EXTEND x%u (%s)\n", (unsigned long long)op->gpa, TDX_CHUNKS_PER_PAGE,
		       op->zero ? "zeros" : "data");
	}
}

static void print_tdx_counts(struct jsonw *w, const struct igvm_digest_result *r)
{
	uint64_t measured = r->pages[SNP_PAGE_NORMAL], added_only = r->pages[SNP_PAGE_UNMEASURED];
	jsonw_u64(w, "page_adds", measured + added_only);
	jsonw_u64(w, "mr_extends", measured * TDX_CHUNKS_PER_PAGE);
	jsonw_u64(w, "measured_pages", measured);
	jsonw_u64(w, "unmeasured_pages", added_only);
	jsonw_u64(w, "zero_pages", measured - r->hashed_pages);
	jsonw_u64(w, "hashed_pages", r->hashed_pages);
	jsonw_u64(w, "shared_pages_skipped", r->shared_skipped);
	jsonw_u64(w, "large_pages_as_4k", r->large_pages);
}

static int measure_tdx(const struct measure_globals *g, const char *file, const struct measure_args *a,
		       const struct input *in, const struct igvm_file *f, double t0)
{
	struct jsonw w;
	struct tdx_printer pr = { a->json ? &w : NULL };
	uint32_t mask = 0;
	igvm_digest_platform_mask(f, IGVM_DIGEST_TDX, &mask);
	if (a->json) {
		jsonw_init(&w, stdout);
		jsonw_begin_object(&w, NULL);
		jsonw_str(&w, "file", file);
		jsonw_str(&w, "platform", "tdx");
		jsonw_str(&w, "loader_model", "igvm-crate");
		jsonw_str(&w, "digest_algorithm", "sha384");
		jsonw_hex(&w, "compatibility_mask", mask);
		if (g->verbose)
			jsonw_begin_array(&w, "operations");
	}
	struct igvm_digest_opts o = { .platform = IGVM_DIGEST_TDX, .on_op = g->verbose ? print_tdx_op : NULL,
				      .op_ctx = &pr };
	struct igvm_digest_source src = { .fd = in->fd, .mem = in->map ? NULL : input_bytes(in),
					  .mem_len = in->map ? 0 : in->len };
	struct igvm_digest_result r;
	struct igvm_digest_error e;
	int rc = igvm_digest_compute(f, &src, &o, &r, &e);
	if (rc) {
		/* -v output already printed stops here; the status says why. */
		fflush(stdout);
		igvm_digest_result_free(&r);
		return snp_cli_rule_error(file, rc, e.rule, e.offset, e.detail);
	}
	char hex[2 * TDX_MRTD_LEN + 1];
	ib_hex_upper(r.digest, r.digest_len, hex);
	if (a->json) {
		if (g->verbose)
			jsonw_end_array(&w);
		jsonw_bytes_hex(&w, "mrtd", r.digest, r.digest_len);
		jsonw_bytes_hex(&w, "digest", r.digest, r.digest_len);
		print_tdx_counts(&w, &r);
		jsonw_end_object(&w);
		jsonw_finish(&w);
	} else if (a->bare) {
		printf("%s\n", hex);
	} else {
		static const char rule[] = "=========================================================="
					   "=====================================================";
		printf("\n%s\nigvmmeasure '%s'\nMRTD: %s\n%s\n\n", rule, file, hex, rule);
	}
	igvm_digest_result_free(&r); /* no runs for TDX; the counts stay readable */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ib_err("%s: writing the output failed: %s", file, strerror(errno));
		return IB_EXIT_IO;
	}
	if (r.large_pages)
		ib_warn("%s: tdx.2mb-page: %llu page(s) flagged is_2mb_page are measured as one 4 KiB page each, "
			"as the microsoft/igvm crate does; a loader that adds all 2 MiB measures differently",
			file, (unsigned long long)r.large_pages);
	if (a->stats)
		print_stats(&r, now_seconds() - t0);
	return IB_EXIT_OK;
}

static int measure_file(const struct measure_globals *g, const char *file, const struct measure_args *a,
			const struct input *in, const struct igvm_file *f, double t0)
{
	if (g->platform == MEASURE_TDX)
		return measure_tdx(g, file, a, in, f, t0);
	enum igvm_digest_platform p = (enum igvm_digest_platform)g->platform;
	if (g->check_kvm) {
		int rc = snp_cli_check_kvm(file, f, p);
		if (rc)
			return rc;
	}
	struct igvm_digest_opts o = { .platform = p, .native_zero = g->native_zero, .jobs = a->jobs,
				      .want_runs = g->verbose };
	/* Page data is read with pread() (see the top of this file); memory only for inputs read whole. */
	struct igvm_digest_source src = { .fd = in->fd, .mem = in->map ? NULL : input_bytes(in),
					  .mem_len = in->map ? 0 : in->len };
	struct igvm_digest_result r;
	struct igvm_digest_error e;
	int rc = igvm_digest_compute(f, &src, &o, &r, &e);
	if (rc) {
		igvm_digest_result_free(&r);
		return snp_cli_rule_error(file, rc, e.rule, e.offset, e.detail);
	}
	struct id_blocks ib = { 0 };
	uint32_t mask;
	if (p == IGVM_DIGEST_SEV_SNP && igvm_digest_platform_mask(f, p, &mask))
		check_id_blocks(f, mask, &r, &ib);
	if (a->json)
		print_json(file, g, &r, &ib);
	else
		print_text(file, &r, a->bare, g->verbose);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ib_err("%s: writing the output failed: %s", file, strerror(errno));
		igvm_digest_result_free(&r);
		return IB_EXIT_IO;
	}
	if (r.shared_skipped && !g->check_kvm)
		ib_warn("%s: %llu shared page(s) are not part of this digest; QEMU/KVM would measure them "
			"(see --check-kvm)",
			file, (unsigned long long)r.shared_skipped);
	rc = report_id_blocks(file, &r, &ib, a->ignore_idblock);
	if (a->stats)
		print_stats(&r, now_seconds() - t0);
	igvm_digest_result_free(&r);
	return rc;
}

int cmd_measure(const struct measure_globals *g, const char *file, int argc, char **argv)
{
	double t0 = now_seconds();
	struct measure_args a;
	int rc = parse_args(g, argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (g->check_kvm && g->platform == MEASURE_TDX) {
		ib_err("--check-kvm: QEMU/KVM load no IGVM file on TDX (QEMU's IGVM loader handles the SEV "
		       "platforms and native only), so there are no QEMU/KVM rules to check");
		return IB_EXIT_USAGE;
	}

	_cleanup_(close_input) struct input in = { .fd = -1 };
	rc = open_input(file, &in);
	if (rc)
		return rc;
	_cleanup_(igvm_file_free) struct igvm_file f;
	memset(&f, 0, sizeof(f));
	rc = parse_file(file, &in, &f);
	if (rc)
		return rc;
	print_parse_warnings(file, &f, g->verbose);
	return measure_file(g, file, &a, &in, &f, t0);
}
