/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c — `igvmbuild run`: boot the native-platform part of an IGVM file
 * under QEMU (TCG) and report pass / guest failure / crash / hang.
 *
 *   igvmbuild run [--memory SIZE] [--vcpus N] [--timeout S] [--serial LOG]
 *                 [--qemu PATH] [--expect-ready] [--no-igvm-cfg] FILE
 *
 * With a QEMU that has -object igvm-cfg (10.1+) the file is handed over as is.
 * Otherwise (Debian 12's QEMU 7.2) the runner does what QEMU's IGVM loader
 * would: every native PAGE_DATA page goes to its GPA (runs of pages coalesced
 * into one -device loader blob each; pages without data are left to RAM's
 * zero fill), parameter areas get the VP count, environment info and an
 * e820-like memory map matching --memory and are copied to their insert
 * GPAs, and the CPU starts from the 64 KiB reset stub patched with the VP
 * context (32-bit protected mode, paging off only). A REQUIRED_MEMORY range
 * outside RAM (the SVSM region at 512 GiB) becomes a pc-dimm at its GPA,
 * which, like the memory QEMU's IGVM loader creates there, no memory map
 * reports.
 *
 * Outcome, read from QEMU's exit status (isa-debug-exit at 0xF4 writes
 * (v << 1) | 1) and the clock:
 *   0x10 → 33 pass; 0x11 → 35 the guest reported a failure; 0x12 → 37 the guest
 *   crashed (its exception dump is in the log); QEMU exit 0 with -no-reboot →
 *   triple fault or reset: crash; our timeout → hang.
 * Exit codes: 0 pass, 1 invalid or unsupported image, 2 usage, 3 I/O, 4
 * QEMU could not run, 5 guest failure (or no "SVSM core ready" with
 * --expect-ready), 6 crash, 7 hang.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "../format/igvm.h"
#include "../loaders/resetstub.h"
#include "cmds.h"
#include "run.h"

#define PG 4096u
#define MAX_AREAS 16

/* ---- reset stub and memory map (run.h) -------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

const char *run_patch_stub(uint8_t *rom, size_t len, const struct igvm_native_vp_context_x64 *vp)
{
	if (len != RESETSTUB_SIZE)
		return "reset stub ROM has the wrong size";
	uint32_t magic;
	memcpy(&magic, rom, 4);
	if (magic != RESETSTUB_MAGIC)
		return "reset stub ROM has no parameter block";
	const uint64_t gprs[] = { vp->rax, vp->rcx, vp->rdx, vp->rbx, vp->rsp, vp->rbp, vp->rsi, vp->rdi, vp->rip,
				  vp->rflags, vp->cr0, vp->cr3, vp->cr4, vp->gdtr_base, vp->idtr_base };
	static const char *const names[] = { "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI", "RIP",
					     "RFLAGS", "CR0", "CR3", "CR4", "GDTR base", "IDTR base" };
	static char why[160];
	for (size_t i = 0; i < ARRAY_SIZE(gprs); i++)
		if (gprs[i] >> 32) {
			snprintf(why, sizeof(why), "%s = 0x%llx does not fit in 32 bits", names[i],
				 (unsigned long long)gprs[i]);
			return why;
		}
	if (vp->r8 | vp->r9 | vp->r10 | vp->r11 | vp->r12 | vp->r13 | vp->r14 | vp->r15)
		return "R8-R15 are not zero (a 32-bit entry cannot receive them)";
	if (!(vp->cr0 & 1))
		return "CR0.PE is clear (the stub enters protected mode only)";
	if (vp->cr0 & 0x80000000u)
		return "CR0.PG is set (paged entry cannot be started from a ROM stub; use a 32-bit paging-off entry)";
	if (vp->efer & 0x500)
		return "EFER.LME/LMA is set (long-mode entry is not supported by the reset stub)";
	if (vp->code_selector != 0x08 || vp->data_selector != 0x10)
		return "segment selectors are not 0x08 (code) / 0x10 (data)";
	if (vp->code_base || vp->data_base || vp->code_limit != 0xFFFFFFFFu || vp->data_limit != 0xFFFFFFFFu)
		return "segments are not flat (base 0, limit 4 GiB)";
	if ((vp->code_attributes & 0xE0FF) != 0xC09B || (vp->data_attributes & 0xE0FF) != 0xC093)
		return "segment attributes are not 32-bit flat code 0xC09B / data 0xC093";
	const uint32_t vals[] = { (uint32_t)vp->rax, (uint32_t)vp->rcx, (uint32_t)vp->rdx, (uint32_t)vp->rbx,
				  (uint32_t)vp->rsp, (uint32_t)vp->rbp, (uint32_t)vp->rsi, (uint32_t)vp->rdi,
				  (uint32_t)vp->rip, (uint32_t)vp->rflags | 2u, (uint32_t)vp->cr0, (uint32_t)vp->cr3,
				  (uint32_t)vp->cr4, (uint32_t)vp->efer, (uint32_t)(vp->efer >> 32) };
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
		put32(rom + RSP_EAX + 4 * i, vals[i]);
	memcpy(rom + RSP_GDTR, &vp->gdtr_limit, 2);
	put32(rom + RSP_GDTR + 2, (uint32_t)vp->gdtr_base);
	memcpy(rom + RSP_IDTR, &vp->idtr_limit, 2);
	put32(rom + RSP_IDTR + 2, (uint32_t)vp->idtr_base);
	return NULL;
}

unsigned run_memory_map(uint64_t mem, struct igvm_vhs_memory_map_entry out[2])
{
	/* q35: all RAM below 4 GiB when it ends before 0xB0000000, else 2 GiB below and the rest above. */
	uint64_t low = mem >= 0xB0000000ull ? 0x80000000ull : mem;
	unsigned n = 0;
	memset(out, 0, 2 * sizeof(*out));
	out[n].starting_gpa_page_number = 0;
	out[n].number_of_pages = low / PG;
	out[n++].entry_type = IGVM_MEMORY_MAP_MEMORY;
	if (mem > low) {
		out[n].starting_gpa_page_number = 0x100000000ull / PG;
		out[n].number_of_pages = (mem - low) / PG;
		out[n++].entry_type = IGVM_MEMORY_MAP_MEMORY;
	}
	return n;
}

/* ---- the guest image -------------------------------------------------------------------------- */

struct gpage {
	uint64_t gpa;
	const uint8_t *data; /* PG bytes */
};

#define MAX_REQUIRED 4

struct image {
	struct gpage *pg;
	size_t n, cap;
	struct {
		uint64_t gpa, size;
	} req[MAX_REQUIRED]; /* REQUIRED_MEMORY outside RAM */
	unsigned nreq;
	uint8_t *area[MAX_AREAS];
	uint64_t area_size[MAX_AREAS];
	const struct igvm_native_vp_context_x64 *vp;
	uint8_t *owned[64 + MAX_AREAS];
	size_t nowned;
};

static int add_page(struct image *im, uint64_t gpa, const uint8_t *data)
{
	if (im->n == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 256;
		struct gpage *p = realloc(im->pg, cap * sizeof(*p));
		if (!p)
			return -1;
		im->pg = p;
		im->cap = cap;
	}
	im->pg[im->n].gpa = gpa;
	im->pg[im->n].data = data;
	im->n++;
	return 0;
}

static int cmp_page(const void *a, const void *b)
{
	const struct gpage *x = a, *y = b;
	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

static void image_free(struct image *im)
{
	free(im->pg);
	for (size_t i = 0; i < MAX_AREAS; i++)
		free(im->area[i]);
	for (size_t i = 0; i < im->nowned; i++)
		free(im->owned[i]);
}

/* Builds the page list for the platform mask; returns an exit code. */
static int build_image(const char *path, const struct igvm_file *f, uint32_t mask, uint64_t mem, unsigned vcpus,
		       struct image *im)
{
	static uint8_t zero[PG];
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		uint32_t type = h->type & ~IGVM_OPTIONAL_BIT, m;
		if (igvm_header_mask(h, &m) && !(m & mask))
			continue;
		switch (type) {
		case IGVM_VHT_SUPPORTED_PLATFORM:
		case IGVM_VHT_GUEST_POLICY:
			break;
		case IGVM_VHT_REQUIRED_MEMORY: {
			const struct igvm_vhs_required_memory *r = &h->body.required_memory;
			struct igvm_vhs_memory_map_entry e[2];
			unsigned ne = run_memory_map(mem, e), where = 0; /* 0 outside RAM, 1 inside, 2 across */
			for (unsigned k = 0; k < ne; k++) {
				uint64_t lo = e[k].starting_gpa_page_number * PG, hi = lo + e[k].number_of_pages * PG;
				if (r->gpa >= lo && r->gpa + r->number_of_bytes <= hi)
					where = 1;
				else if (r->gpa < hi && lo < r->gpa + r->number_of_bytes)
					where = 2;
			}
			if (where == 2 || (where == 0 && (r->gpa % (2u << 20) || r->number_of_bytes % (2u << 20) ||
							 im->nreq == MAX_REQUIRED))) {
				ib_err("%s: REQUIRED_MEMORY 0x%llx+0x%x cannot be set up beside %llu MiB of RAM", path,
				       (unsigned long long)r->gpa, r->number_of_bytes, (unsigned long long)(mem >> 20));
				return IB_EXIT_INVALID;
			}
			if (where == 0) {
				im->req[im->nreq].gpa = r->gpa;
				im->req[im->nreq++].size = r->number_of_bytes;
			}
			break;
		}
		case IGVM_VHT_PAGE_DATA: {
			const struct igvm_vhs_page_data *p = &h->body.page;
			if (p->flags & IGVM_PAGE_FLAG_2MB) {
				ib_err("%s: 2 MiB page at 0x%llx is not supported by the runner", path,
				       (unsigned long long)p->gpa);
				return IB_EXIT_INVALID;
			}
			bool in_req = false;
			for (unsigned k = 0; k < im->nreq; k++)
				in_req |= p->gpa >= im->req[k].gpa && p->gpa + PG <= im->req[k].gpa + im->req[k].size;
			if (p->gpa + PG > mem && !in_req) {
				ib_err("%s: page at 0x%llx lies outside the guest's %llu MiB of RAM", path,
				       (unsigned long long)p->gpa, (unsigned long long)(mem >> 20));
				return IB_EXIT_INVALID;
			}
			if (h->data && h->data_len) {
				const uint8_t *d = h->data;
				if (h->data_len < PG) {
					uint8_t *c = calloc(1, PG);
					if (!c || im->nowned == ARRAY_SIZE(im->owned)) {
						free(c);
						return IB_EXIT_INTERNAL;
					}
					memcpy(c, h->data, h->data_len);
					im->owned[im->nowned++] = c;
					d = c;
				}
				if (add_page(im, p->gpa, d))
					return IB_EXIT_INTERNAL;
			} else if (add_page(im, p->gpa, zero)) {
				return IB_EXIT_INTERNAL;
			}
			break;
		}
		case IGVM_VHT_PARAMETER_AREA: {
			const struct igvm_vhs_parameter_area *a = &h->body.param_area;
			if (a->parameter_area_index >= MAX_AREAS || a->number_of_bytes > (1u << 20) ||
			    im->area[a->parameter_area_index]) {
				ib_err("%s: parameter area %u is not supported", path, a->parameter_area_index);
				return IB_EXIT_INVALID;
			}
			/* Initial data is ignored, as QEMU does: areas start zero-filled. */
			uint64_t sz = (a->number_of_bytes + PG - 1) & ~(uint64_t)(PG - 1);
			im->area[a->parameter_area_index] = calloc(1, sz ? sz : PG);
			if (!im->area[a->parameter_area_index])
				return IB_EXIT_INTERNAL;
			im->area_size[a->parameter_area_index] = a->number_of_bytes;
			break;
		}
		case IGVM_VHT_VP_COUNT_PARAMETER:
		case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
		case IGVM_VHT_MEMORY_MAP: {
			const struct igvm_vhs_parameter *p = &h->body.param;
			uint8_t *a = p->parameter_area_index < MAX_AREAS ? im->area[p->parameter_area_index] : NULL;
			uint64_t asz = a ? im->area_size[p->parameter_area_index] : 0;
			if (!a || p->byte_offset > asz) {
				ib_err("%s: parameter refers to a missing area %u", path, p->parameter_area_index);
				return IB_EXIT_INVALID;
			}
			if (type == IGVM_VHT_MEMORY_MAP) {
				struct igvm_vhs_memory_map_entry e[2];
				unsigned n = run_memory_map(mem, e);
				if (asz - p->byte_offset < n * sizeof(e[0]) + sizeof(e[0])) {
					ib_err("%s: memory-map area too small", path);
					return IB_EXIT_INVALID;
				}
				memcpy(a + p->byte_offset, e, n * sizeof(e[0]));
			} else {
				if (asz - p->byte_offset < 4)
					return IB_EXIT_INVALID;
				put32(a + p->byte_offset, type == IGVM_VHT_VP_COUNT_PARAMETER ? vcpus : 0);
			}
			break;
		}
		case IGVM_VHT_PARAMETER_INSERT: {
			const struct igvm_vhs_parameter_insert *in = &h->body.insert;
			uint8_t *a = in->parameter_area_index < MAX_AREAS ? im->area[in->parameter_area_index] : NULL;
			if (!a) {
				ib_err("%s: insert of a missing parameter area %u", path, in->parameter_area_index);
				return IB_EXIT_INVALID;
			}
			uint64_t sz = im->area_size[in->parameter_area_index];
			for (uint64_t off = 0; off < sz; off += PG)
				if (in->gpa + off + PG > mem || add_page(im, in->gpa + off, a + off))
					return IB_EXIT_INVALID;
			break;
		}
		case IGVM_VHT_VP_CONTEXT:
			if (h->body.vp.vp_index != 0)
				break; /* APs stay halted, as in QEMU */
			if (!h->data || h->data_len < sizeof(*im->vp)) {
				ib_err("%s: VP context without a native register page", path);
				return IB_EXIT_INVALID;
			}
			im->vp = (const struct igvm_native_vp_context_x64 *)h->data;
			break;
		default:
			ib_err("%s: %s header is not supported by the QEMU runner", path,
			       igvm_type_name(type) ? igvm_type_name(type) : "unknown");
			return IB_EXIT_INVALID;
		}
	}
	if (!im->vp) {
		ib_err("%s: no native VP context for VP 0", path);
		return IB_EXIT_INVALID;
	}
	qsort(im->pg, im->n, sizeof(*im->pg), cmp_page);
	for (size_t i = 1; i < im->n; i++)
		if (im->pg[i].gpa == im->pg[i - 1].gpa) {
			ib_err("%s: two pages at GPA 0x%llx", path, (unsigned long long)im->pg[i].gpa);
			return IB_EXIT_INVALID;
		}
	return IB_EXIT_OK;
}

/* ---- QEMU ------------------------------------------------------------------------------------ */

struct argv_buf {
	char **v;
	size_t n, cap;
};

static int arg(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int arg(struct argv_buf *a, const char *fmt, ...)
{
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **v = realloc(a->v, cap * sizeof(*v));
		if (!v)
			return -1;
		a->v = v;
		a->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	int rc = vasprintf(&a->v[a->n], fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	a->v[++a->n] = NULL;
	return 0;
}

static void argv_free(struct argv_buf *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

static int qemu_has_igvm_cfg(const char *qemu)
{
	_cleanup_free_ char *cmd = NULL;
	if (asprintf(&cmd, "'%s' -object help 2>/dev/null", qemu) < 0)
		return 0;
	FILE *p = popen(cmd, "r");
	if (!p)
		return 0;
	char line[256];
	int found = 0;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "igvm-cfg"))
			found = 1;
	pclose(p);
	return found;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv; returns the wait status, or -1 (spawn failure), or -2 on timeout (child killed). */
static int run_with_timeout(char **argv, double timeout, double *elapsed)
{
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			*elapsed = now() - t0;
			return st;
		}
		if (r < 0 && errno != EINTR)
			return -1;
		if (now() - t0 > timeout) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			*elapsed = now() - t0;
			return -2;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

static int log_has(const char *log, const char *needle)
{
	uint8_t *d = NULL;
	size_t len;
	if (ib_read_file(log, 64u << 20, &d, &len))
		return 0;
	int found = strstr((const char *)d, needle) != NULL;
	free(d);
	return found;
}

static void print_tail(const char *log)
{
	uint8_t *d = NULL;
	size_t len;
	if (ib_read_file(log, 64u << 20, &d, &len))
		return;
	size_t start = len, lines = 0;
	while (start > 0 && lines <= 25)
		if (d[--start] == '\n')
			lines++;
	fprintf(stderr, "--- last lines of %s ---\n%s%s--- end of log ---\n", log, (const char *)d + start,
		len && d[len - 1] != '\n' ? "\n" : "");
	free(d);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1u << 20; /* plain numbers are MiB, as in QEMU's -m */
	if (*end == 'K' || *end == 'k')
		mul = 1u << 10;
	else if (*end == 'M' || *end == 'm')
		mul = 1u << 20;
	else if (*end == 'G' || *end == 'g')
		mul = 1u << 30;
	else if (*end)
		return -1;
	if (*end && end[1])
		return -1;
	if (v == 0 || v > (1ull << 44) / mul)
		return -1;
	*out = v * mul;
	return (*out % (2u << 20)) ? -1 : 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: igvmbuild run [--memory SIZE] [--vcpus N] [--timeout SECONDS] [--serial LOG]\n"
		"                     [--qemu PATH] [--expect-ready] [--no-igvm-cfg] FILE\n"
		"Boots the native-platform part of FILE under QEMU (TCG).\n"
		"Exit: 0 pass, 1 invalid/unsupported image, 2 usage, 3 I/O, 4 QEMU failed,\n"
		"      5 guest reported failure, 6 guest crashed, 7 guest hung (timeout).\n");
}

static void rm_tree(const char *dir, char **files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		unlink(files[i]);
	rmdir(dir);
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, 'm' }, { "vcpus", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' }, { "serial", required_argument, NULL, 's' },
		{ "qemu", required_argument, NULL, 'q' },    { "expect-ready", no_argument, NULL, 'r' },
		{ "no-igvm-cfg", no_argument, NULL, 'n' },   { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t mem = 256ull << 20;
	unsigned long vcpus = 1;
	double timeout = 30;
	const char *serial = NULL, *qemu = "qemu-system-x86_64";
	int expect_ready = 0, allow_igvm_cfg = 1, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'm':
			if (parse_size(optarg, &mem)) {
				ib_err("run: bad --memory '%s' (a multiple of 2 MiB, e.g. 256M, 1G)", optarg);
				return IB_EXIT_USAGE;
			}
			break;
		case 'c':
			vcpus = strtoul(optarg, &end, 10);
			if (*end || vcpus < 1 || vcpus > 255) {
				ib_err("run: bad --vcpus '%s'", optarg);
				return IB_EXIT_USAGE;
			}
			break;
		case 't':
			timeout = strtod(optarg, &end);
			if (*end || !(timeout > 0 && timeout < 86400)) {
				ib_err("run: bad --timeout '%s'", optarg);
				return IB_EXIT_USAGE;
			}
			break;
		case 's': serial = optarg; break;
		case 'q': qemu = optarg; break;
		case 'r': expect_ready = 1; break;
		case 'n': allow_igvm_cfg = 0; break;
		case 'h': usage(stdout); return IB_EXIT_OK;
		default: usage(stderr); return IB_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return IB_EXIT_USAGE;
	}
	const char *path = argv[optind];

	_cleanup_free_ uint8_t *buf = NULL;
	size_t len;
	int rc = ib_read_file(path, 1ull << 32, &buf, &len);
	if (rc) {
		ib_err("%s: %s", path, strerror(-rc));
		return IB_EXIT_IO;
	}
	struct igvm_file f;
	struct igvm_diag d;
	if (igvm_parse(buf, len, 0, &f, &d)) {
		ib_err("%s: offset 0x%llx: %s: %s", path, (unsigned long long)d.offset, igvm_rule_name(d.rule), d.detail);
		return IB_EXIT_INVALID;
	}
	uint32_t mask = 0;
	for (size_t i = 0; i < f.count; i++)
		if ((f.hdr[i].type & ~IGVM_OPTIONAL_BIT) == IGVM_VHT_SUPPORTED_PLATFORM &&
		    f.hdr[i].body.platform.platform_type == IGVM_PLATFORM_NATIVE)
			mask = f.hdr[i].body.platform.compatibility_mask;
	if (!mask) {
		ib_err("%s: no NATIVE platform: only native images can boot under QEMU without SEV-SNP", path);
		igvm_file_free(&f);
		return IB_EXIT_INVALID;
	}

	char dir[] = "/tmp/igvmbuild-run.XXXXXX";
	if (!mkdtemp(dir)) {
		ib_err("run: cannot create a temporary directory: %s", strerror(errno));
		igvm_file_free(&f);
		return IB_EXIT_IO;
	}
	char *files[4096];
	size_t nfiles = 0;
	struct argv_buf a = { 0 };
	struct image im;
	memset(&im, 0, sizeof(im));
	int ret = IB_EXIT_INTERNAL;
	_cleanup_free_ char *logpath = serial ? strdup(serial) : NULL;
	if (!logpath && asprintf(&logpath, "%s.serial.log", dir) < 0)
		goto out;
	if (!logpath)
		goto out;
	unlink(logpath);

	int use_cfg = allow_igvm_cfg && qemu_has_igvm_cfg(qemu);
	char mopt[96];
	snprintf(mopt, sizeof(mopt), "%lluM", (unsigned long long)(mem >> 20));
	if (!use_cfg) {
		ret = build_image(path, &f, mask, mem, (unsigned)vcpus, &im);
		if (ret)
			goto out;
		ret = IB_EXIT_INTERNAL;
		/*
		 * Memory for REQUIRED_MEMORY outside RAM: a pc-dimm at its GPA. QEMU puts
		 * DIMMs in the device-memory window from round_up(4 GiB + RAM above 4 GiB,
		 * 1 GiB), maxmem - RAM large; the window is made to reach the end of the
		 * highest range. DIMM memory is in no e820 entry, as QEMU's IGVM memory.
		 */
		if (im.nreq) {
			uint64_t low = mem >= 0xB0000000ull ? 0x80000000ull : mem;
			uint64_t dev_base = (0x100000000ull + (mem - low) + (1ull << 30) - 1) & ~((1ull << 30) - 1);
			uint64_t top = dev_base;
			for (unsigned k = 0; k < im.nreq; k++) {
				if (im.req[k].gpa < dev_base) {
					ib_err("%s: REQUIRED_MEMORY at 0x%llx lies below QEMU's memory-hotplug window "
					       "(0x%llx with %llu MiB of RAM)", path, (unsigned long long)im.req[k].gpa,
					       (unsigned long long)dev_base, (unsigned long long)(mem >> 20));
					ret = IB_EXIT_INVALID;
					goto out;
				}
				if (im.req[k].gpa + im.req[k].size > top)
					top = im.req[k].gpa + im.req[k].size;
			}
			uint64_t maxmem = mem + (top - dev_base + (1ull << 30) - 1) / (1ull << 30) * (1ull << 30);
			snprintf(mopt, sizeof(mopt), "%lluM,slots=%u,maxmem=%lluM", (unsigned long long)(mem >> 20),
				 im.nreq, (unsigned long long)(maxmem >> 20));
		}
	}
	if (arg(&a, "%s", qemu) || arg(&a, "-machine") ||
	    arg(&a, use_cfg ? "q35,igvm-cfg=igvm0" : "q35") || arg(&a, "-accel") || arg(&a, "tcg") ||
	    arg(&a, "-cpu") || arg(&a, "max") || arg(&a, "-m") || arg(&a, "%s", mopt) ||
	    arg(&a, "-smp") || arg(&a, "%lu", vcpus) || arg(&a, "-nodefaults") || arg(&a, "-display") ||
	    arg(&a, "none") || arg(&a, "-serial") || arg(&a, "file:%s", logpath) || arg(&a, "-no-reboot") ||
	    arg(&a, "-device") || arg(&a, "isa-debug-exit,iobase=0xf4,iosize=0x04"))
		goto out;
	if (use_cfg) {
		if (arg(&a, "-object") || arg(&a, "igvm-cfg,id=igvm0,file=%s", path))
			goto out;
	} else {
		for (unsigned k = 0; k < im.nreq; k++)
			if (arg(&a, "-object") ||
			    arg(&a, "memory-backend-ram,id=igvmreq%u,size=%llu", k, (unsigned long long)im.req[k].size) ||
			    arg(&a, "-device") ||
			    arg(&a, "pc-dimm,id=igvmdimm%u,memdev=igvmreq%u,addr=0x%llx", k, k,
				(unsigned long long)im.req[k].gpa))
				goto out;
		size_t romlen = (size_t)(ib_resetstub_rom_end - ib_resetstub_rom);
		_cleanup_free_ uint8_t *rom = malloc(romlen);
		if (!rom)
			goto out;
		memcpy(rom, ib_resetstub_rom, romlen);
		const char *why = run_patch_stub(rom, romlen, im.vp);
		if (why) {
			ib_err("%s: the VP context cannot be started by the reset stub: %s", path, why);
			ret = IB_EXIT_INVALID;
			goto out;
		}
		if (asprintf(&files[nfiles], "%s/resetstub.bin", dir) < 0)
			goto out;
		if (ib_write_file_atomic(files[nfiles++], rom, romlen, 0600)) {
			ret = IB_EXIT_IO;
			goto out;
		}
		if (arg(&a, "-bios") || arg(&a, "%s", files[nfiles - 1]))
			goto out;
		for (size_t i = 0; i < im.n;) {
			size_t j = i + 1;
			while (j < im.n && im.pg[j].gpa == im.pg[j - 1].gpa + PG)
				j++;
			if (nfiles >= ARRAY_SIZE(files) - 1) {
				ib_err("%s: too many discontiguous page runs", path);
				ret = IB_EXIT_INVALID;
				goto out;
			}
			_cleanup_free_ uint8_t *run = malloc((j - i) * PG);
			if (!run)
				goto out;
			for (size_t k = i; k < j; k++)
				memcpy(run + (k - i) * PG, im.pg[k].data, PG);
			if (asprintf(&files[nfiles], "%s/run-%09llx.bin", dir, (unsigned long long)im.pg[i].gpa) < 0)
				goto out;
			if (ib_write_file_atomic(files[nfiles++], run, (j - i) * PG, 0600)) {
				ret = IB_EXIT_IO;
				goto out;
			}
			if (arg(&a, "-device") ||
			    arg(&a, "loader,file=%s,addr=0x%llx,force-raw=on", files[nfiles - 1],
				(unsigned long long)im.pg[i].gpa))
				goto out;
			i = j;
		}
	}

	double elapsed = 0;
	int st = run_with_timeout(a.v, timeout, &elapsed);
	const char *verdict;
	if (st == -1) {
		ib_err("run: cannot start %s: %s", qemu, strerror(errno));
		ret = IB_EXIT_INTERNAL;
		goto out;
	}
	if (st == -2) {
		verdict = "hang";
		ret = IB_EXIT_GUEST_HANG;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 33) {
		verdict = "pass";
		ret = IB_EXIT_OK;
		if (expect_ready && !log_has(logpath, "SVSM core ready")) {
			verdict = "failure (no \"SVSM core ready\" in the log)";
			ret = IB_EXIT_MISMATCH;
		}
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 35) {
		verdict = "failure (the guest reported a failed check)";
		ret = IB_EXIT_MISMATCH;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 37) {
		verdict = "crash (fatal exception reported by the guest)";
		ret = IB_EXIT_GUEST_CRASH;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		verdict = "crash (triple fault or reset)";
		ret = IB_EXIT_GUEST_CRASH;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		ib_err("run: cannot execute %s", qemu);
		ret = IB_EXIT_INTERNAL;
		goto out;
	} else {
		ib_err("run: QEMU failed (%s %d)", WIFEXITED(st) ? "exit status" : "signal",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		ret = IB_EXIT_INTERNAL;
		print_tail(logpath);
		goto out;
	}
	printf("run: %s: %s after %.2f s (%s, %llu MiB, %lu vCPU)\n", path, verdict, elapsed,
	       use_cfg ? "QEMU igvm-cfg" : "reset stub", (unsigned long long)(mem >> 20), vcpus);
	if (ret != IB_EXIT_OK) {
		fflush(stdout);
		fprintf(stderr, "run: serial log: %s\n", logpath);
		print_tail(logpath);
	} else if (!serial) {
		unlink(logpath);
	}

out:
	rm_tree(dir, files, nfiles);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	argv_free(&a);
	image_free(&im);
	igvm_file_free(&f);
	return ret;
}
