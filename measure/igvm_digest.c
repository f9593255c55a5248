/* SPDX-License-Identifier: MIT */
/*
 * igvm_digest.c — launch digests of IGVM files (contract in igvm_digest.h).
 *
 * Data flow. A walker turns the directives, in file order, into a stream of
 * "items", one per 4 KiB PAGE_INFO entry (or, for SEV/SEV-ES, per hashed
 * page). For SEV-SNP the caller's thread cuts the stream into batches of
 * BATCH items and places them in a ring of slots; hashing threads (helpers,
 * and the caller while it would otherwise wait) take the slots in order,
 * hash the page data of their batch (in place in a file mapping, or read
 * with pread() into a buffer of their own) and store the SHA-384 of each
 * page in the slot; the caller takes the
 * oldest hashed slot, extends the PAGE_INFO chain with its items in order
 * and frees the slot for the next batch.
 *
 * Why this shape:
 *  - the chain is inherently sequential, but it costs two SHA-384 blocks per
 *    page against thirty-three for the page itself, so hashing the pages in
 *    parallel gives almost all of the speed-up;
 *  - memory is bounded by the ring (nslots × BATCH items) and one BATCH-page
 *    buffer per thread, whatever the file size. From an fd (what igvmmeasure
 *    and the library's path API use), pages are read with pread(), a run of
 *    back-to-back data with one call, which leaves them in the page cache
 *    rather than in our resident set. From a file mapping (mem_is_mapping)
 *    pages are hashed in place and the mapping is emptied with MADV_DONTNEED
 *    every RELEASE_PAGES hashed pages: a mapped page counts in the RSS until
 *    it is unmapped, so this bounds the resident set to about RELEASE_PAGES
 *    pages plus what is in flight;
 *  - measured on a 2-vCPU virtual machine (`make bench`), pread() beats the
 *    mapping with two threads (0.080 s against 0.105 s for 100 MiB): its copy
 *    costs about 8% of the CPU time, but every first touch of a mapped page
 *    is a fault (about 14 us each there, one per 64 KiB with fault-around),
 *    threads faulting on one address space contend for it, and each
 *    MADV_DONTNEED shoots down the other thread's TLB. Populating the mapping
 *    ahead (MADV_POPULATE_READ, 1-4 MiB windows) did not beat pread();
 *  - page data the file stores once for several headers is hashed once (the
 *    memo, below);
 *  - items are produced lazily, so a parameter area of a million pages never
 *    exists as a list.
 * SHA-384 goes through EVP directly with one reused context per thread: the
 * one-shot helper in common/digest.c sets up a context and fetches the
 * algorithm on every call, which costs about 10% at 4 KiB.
 */
#include "igvm_digest.h"
#include "kvm_vmsa.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../common/cleanup.h"
#include "../common/status.h"
#include "snp_digest.h"

#define PAGE 4096u
#define BATCH 32u            /* items per slot: 128 KiB of data per worker */
#define SLOTS_PER_WORKER 4u  /* enough look-ahead that workers rarely idle */
#define PAGES_2MB 512u
#define RELEASE_PAGES 1024u  /* drop mapped page data every 4 MiB hashed */

/* ---- names ------------------------------------------------------------------- */

const char *igvm_digest_platform_name(enum igvm_digest_platform p)
{
	switch (p) {
	case IGVM_DIGEST_SEV:
		return "sev";
	case IGVM_DIGEST_SEV_ES:
		return "sev-es";
	case IGVM_DIGEST_TDX:
		return "tdx";
	default:
		return "sev-snp";
	}
}

uint8_t igvm_digest_platform_type(enum igvm_digest_platform p)
{
	switch (p) {
	case IGVM_DIGEST_SEV:
		return IGVM_PLATFORM_SEV;
	case IGVM_DIGEST_SEV_ES:
		return IGVM_PLATFORM_SEV_ES;
	case IGVM_DIGEST_TDX:
		return IGVM_PLATFORM_TDX;
	default:
		return IGVM_PLATFORM_SEV_SNP;
	}
}

bool igvm_digest_platform_mask(const struct igvm_file *f, enum igvm_digest_platform p, uint32_t *mask)
{
	uint8_t want = igvm_digest_platform_type(p);
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (h->known && h->type == IGVM_VHT_SUPPORTED_PLATFORM && h->body.platform.platform_type == want) {
			*mask = h->body.platform.compatibility_mask;
			return true;
		}
	}
	return false;
}

const char *igvm_digest_page_type_name(uint8_t type)
{
	static const char *const names[] = { [SNP_PAGE_NORMAL] = "Normal",         [SNP_PAGE_VMSA] = "VMSA",
					     [SNP_PAGE_ZERO] = "Zero",             [SNP_PAGE_UNMEASURED] = "Unmeasured",
					     [SNP_PAGE_SECRETS] = "Secrets",       [SNP_PAGE_CPUID] = "Cpuid" };
	return type < ARRAY_SIZE(names) && names[type] ? names[type] : "None";
}

const char *igvm_digest_page_type_key(uint8_t type)
{
	static const char *const keys[] = { [SNP_PAGE_NORMAL] = "normal",         [SNP_PAGE_VMSA] = "vmsa",
					    [SNP_PAGE_ZERO] = "zero",             [SNP_PAGE_UNMEASURED] = "unmeasured",
					    [SNP_PAGE_SECRETS] = "secrets",       [SNP_PAGE_CPUID] = "cpuid" };
	return type < ARRAY_SIZE(keys) && keys[type] ? keys[type] : "none";
}

int igvm_digest_fail(struct igvm_digest_error *e, int code, const char *rule, uint64_t offset, const char *fmt, ...)
{
	e->rule = rule;
	e->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return code;
}

static const char *platform_label(enum igvm_digest_platform p)
{
	return igvm_platform_name(igvm_digest_platform_type(p));
}

/* ---- the walker: directives → items -------------------------------------------- */

enum contents {
	CONTENTS_NONE = 0,      /* SNP: 48 zero bytes; SEV: nothing hashed */
	CONTENTS_ZERO_PAGE = 1, /* a page of zeros */
	CONTENTS_DATA = 2,      /* the 4 KiB at `off` in the file */
	CONTENTS_REPEAT = 3,    /* SNP: the 4 KiB at `off`, hashed already for an earlier item (memo) */
};

struct item {
	uint64_t gpa;
	uint32_t off;
	uint8_t type;     /* enum snp_page_type */
	uint8_t contents; /* enum contents */
	bool memo_store;  /* SNP: the first item with this repeated offset; its hash goes into the memo */
};

/*
 * Pages stored once and referenced again. IGVM writers store identical pages
 * once (the crate's and ours de-duplicate; a file-system image has many zero
 * pages), so several PAGE_DATA headers may point at the same file data, and
 * hashing it once is enough. Which offsets repeat is found before the walk,
 * from the headers alone: data is written in directive order, so data that
 * lies before the furthest data seen so far was stored for an earlier header.
 * Those offsets (at most MEMO_MAX; more are simply hashed again) are the
 * memo's keys. In the walk the first item with such an offset is hashed as
 * usual and marked memo_store; later ones become CONTENTS_REPEAT and are not
 * read. The chain consumes items in walk order, so the first item's hash is in
 * the memo before any repeat needs it. Only the caller's thread touches the
 * memo.
 */
#define MEMO_MAX 4096u

struct memo_entry {
	uint32_t off; /* 0: empty slot (data never lies at offset 0) */
	bool claimed; /* an item with this offset was produced */
	bool filled;  /* and its hash is below */
	uint8_t hash[SNP_LD_LEN];
};

struct memo {
	struct memo_entry *e;
	size_t cap; /* power of two */
	size_t n;
};

struct area {
	uint32_t index;
	uint64_t size;
};

struct walker {
	const struct igvm_file *f;
	enum igvm_digest_platform platform;
	bool native_zero;
	uint32_t mask;
	struct area *areas;
	size_t nareas;
	size_t next; /* next header to expand */
	/* the expansion in progress: `left` pages from `gpa` on */
	uint64_t gpa, left;
	uint32_t off;
	uint8_t type, first, rest;
	uint64_t emitted; /* pages started so far, for the page limit */
	uint64_t shared;
	uint64_t large;   /* TDX: 2 MiB pages measured as one 4 KiB page */
	struct memo memo; /* SNP only */
};

static int cmp_area(const void *a, const void *b)
{
	const struct area *x = a, *y = b;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Parameter areas are unmasked and every index is declared once (the parser
 * checks it), so a sorted table answers "how large is area N" for inserts. */
static int build_areas(struct walker *w)
{
	size_t n = 0;
	for (size_t i = 0; i < w->f->count; i++)
		n += w->f->hdr[i].known && w->f->hdr[i].type == IGVM_VHT_PARAMETER_AREA;
	if (!n)
		return 0;
	w->areas = calloc(n, sizeof(*w->areas));
	if (!w->areas)
		return -1;
	for (size_t i = 0; i < w->f->count; i++) {
		const struct igvm_header *h = &w->f->hdr[i];
		if (h->known && h->type == IGVM_VHT_PARAMETER_AREA)
			w->areas[w->nareas++] = (struct area){ h->body.param_area.parameter_area_index,
							       h->body.param_area.number_of_bytes };
	}
	qsort(w->areas, w->nareas, sizeof(*w->areas), cmp_area);
	return 0;
}

static struct memo_entry *memo_find(const struct memo *m, uint32_t off, bool insert)
{
	if (!m->cap)
		return NULL;
	size_t i = (size_t)(off / PAGE * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
	for (;; i = (i + 1) & (m->cap - 1)) {
		struct memo_entry *e = &m->e[i];
		if (e->off == off)
			return e;
		if (!e->off)
			return insert ? e : NULL;
	}
}

/* The memo's keys: offsets of page data that headers point back at (see struct memo). */
static int build_memo(struct walker *w)
{
	uint64_t furthest = 0;
	size_t backrefs = 0;
	for (int pass = 0; pass < 2; pass++) {
		furthest = 0;
		for (size_t i = 0; i < w->f->count; i++) {
			const struct igvm_header *h = &w->f->hdr[i];
			if (!h->known || h->type != IGVM_VHT_PAGE_DATA || !h->data_offset ||
			    !(h->body.page.compatibility_mask & w->mask))
				continue;
			if (h->data_offset < furthest) {
				if (pass == 0) {
					backrefs++;
				} else if (w->memo.n < MEMO_MAX) {
					struct memo_entry *e = memo_find(&w->memo, h->data_offset, true);
					if (!e->off) {
						e->off = h->data_offset;
						w->memo.n++;
					}
				}
			}
			if ((uint64_t)h->data_offset + PAGE > furthest)
				furthest = (uint64_t)h->data_offset + PAGE;
		}
		if (pass == 0) {
			if (!backrefs)
				return 0;
			size_t want = backrefs < MEMO_MAX ? backrefs : MEMO_MAX;
			size_t cap = 16;
			while (cap < 2 * want)
				cap *= 2;
			w->memo.e = calloc(cap, sizeof(*w->memo.e));
			if (!w->memo.e)
				return -1;
			w->memo.cap = cap;
		}
	}
	return 0;
}

static int start(struct walker *w, const struct igvm_header *h, uint64_t gpa, uint64_t n, uint8_t type,
		 uint8_t first, uint8_t rest, uint32_t off, struct igvm_digest_error *e)
{
	if (n == 0)
		return 0;
	/* The last page's address must not wrap around 2^64. */
	if (n - 1 > (UINT64_MAX - gpa) / PAGE)
		return igvm_digest_fail(e, IB_EXIT_INVALID, "measure.gpa-overflow", h->record_offset,
			    "%s at gpa 0x%llx covers %llu pages, past the end of the 64-bit address space",
			    igvm_type_name(h->type), (unsigned long long)gpa, (unsigned long long)n);
	if (n > IGVM_DIGEST_MAX_PAGES - w->emitted)
		return igvm_digest_fail(e, IB_EXIT_INVALID, "measure.page-limit", h->record_offset,
			    "%s at gpa 0x%llx brings the measured pages past %llu (1 TiB of guest memory)",
			    igvm_type_name(h->type), (unsigned long long)gpa, (unsigned long long)IGVM_DIGEST_MAX_PAGES);
	w->emitted += n;
	w->gpa = gpa;
	w->left = n;
	w->type = type;
	w->first = first;
	w->rest = rest;
	w->off = off;
	return 0;
}

/* TDX, the crate's model (igvm_digest.h): one 4 KiB page per header, data type ignored. */
static int expand_page_tdx(struct walker *w, const struct igvm_header *h, struct igvm_digest_error *e)
{
	const struct igvm_vhs_page_data *p = &h->body.page;
	if (p->flags & IGVM_PAGE_FLAG_SHARED) {
		w->shared++;
		return 0;
	}
	w->large += (p->flags & IGVM_PAGE_FLAG_2MB) != 0;
	if (p->flags & IGVM_PAGE_FLAG_UNMEASURED)
		return start(w, h, p->gpa, 1, SNP_PAGE_UNMEASURED, CONTENTS_NONE, CONTENTS_NONE, 0, e);
	if (h->data_offset)
		return start(w, h, p->gpa, 1, SNP_PAGE_NORMAL, CONTENTS_DATA, CONTENTS_DATA, h->data_offset, e);
	return start(w, h, p->gpa, 1, SNP_PAGE_NORMAL, CONTENTS_ZERO_PAGE, CONTENTS_ZERO_PAGE, 0, e);
}

static int expand_page(struct walker *w, const struct igvm_header *h, struct igvm_digest_error *e)
{
	const struct igvm_vhs_page_data *p = &h->body.page;
	if (!(p->compatibility_mask & w->mask))
		return 0;
	if (w->platform == IGVM_DIGEST_TDX)
		return expand_page_tdx(w, h, e);
	uint64_t n = (p->flags & IGVM_PAGE_FLAG_2MB) ? PAGES_2MB : 1;
	if (p->flags & IGVM_PAGE_FLAG_SHARED) {
		w->shared += n;
		return 0;
	}
	bool data = h->data_offset != 0;
	if (w->platform != IGVM_DIGEST_SEV_SNP) /* COCONUT: hash what has data, whatever its kind */
		return data ? start(w, h, p->gpa, n, SNP_PAGE_NORMAL, CONTENTS_DATA, CONTENTS_ZERO_PAGE,
				    h->data_offset, e)
			    : 0;
	switch (p->data_type) {
	case IGVM_PAGE_DATA_SECRETS:
		return start(w, h, p->gpa, n, SNP_PAGE_SECRETS, CONTENTS_NONE, CONTENTS_NONE, 0, e);
	case IGVM_PAGE_DATA_CPUID_DATA:
	case IGVM_PAGE_DATA_CPUID_XF:
		return start(w, h, p->gpa, n, SNP_PAGE_CPUID, CONTENTS_NONE, CONTENTS_NONE, 0, e);
	default:
		break;
	}
	if (p->flags & IGVM_PAGE_FLAG_UNMEASURED)
		return start(w, h, p->gpa, n, SNP_PAGE_UNMEASURED, CONTENTS_NONE, CONTENTS_NONE, 0, e);
	if (data)
		return start(w, h, p->gpa, n, SNP_PAGE_NORMAL, CONTENTS_DATA, CONTENTS_ZERO_PAGE, h->data_offset, e);
	if (w->native_zero)
		return start(w, h, p->gpa, n, SNP_PAGE_ZERO, CONTENTS_NONE, CONTENTS_NONE, 0, e);
	return start(w, h, p->gpa, n, SNP_PAGE_NORMAL, CONTENTS_ZERO_PAGE, CONTENTS_ZERO_PAGE, 0, e);
}

static int expand_insert(struct walker *w, const struct igvm_header *h, struct igvm_digest_error *e)
{
	const struct igvm_vhs_parameter_insert *in = &h->body.insert;
	/* SEV and SEV-ES measure no unmeasured pages; SNP records each one, TDX adds each one. */
	if ((w->platform != IGVM_DIGEST_SEV_SNP && w->platform != IGVM_DIGEST_TDX) ||
	    !(in->compatibility_mask & w->mask))
		return 0;
	struct area key = { in->parameter_area_index, 0 };
	const struct area *a = w->nareas ? bsearch(&key, w->areas, w->nareas, sizeof(key), cmp_area) : NULL;
	if (!a)
		return igvm_digest_fail(e, IB_EXIT_INVALID, "measure.parameter-area", h->record_offset,
			    "PARAMETER_INSERT names parameter area %u, which is not declared", key.index);
	return start(w, h, in->gpa, a->size / PAGE, SNP_PAGE_UNMEASURED, CONTENTS_NONE, CONTENTS_NONE, 0, e);
}

static int expand_vmsa(struct walker *w, const struct igvm_header *h, struct igvm_digest_error *e)
{
	const struct igvm_vhs_vp_context *vp = &h->body.vp;
	/* An SEV VP context is the native register block, not a VMSA: SEV does not measure CPU state.
	 * A TD starts in the TDX module's architectural state: no VP context is measured. */
	if (w->platform == IGVM_DIGEST_SEV || w->platform == IGVM_DIGEST_TDX || !(vp->compatibility_mask & w->mask))
		return 0;
	return start(w, h, vp->gpa, 1, SNP_PAGE_VMSA, CONTENTS_DATA, CONTENTS_DATA, h->data_offset, e);
}

static int expand(struct walker *w, const struct igvm_header *h, struct igvm_digest_error *e)
{
	if (!h->known || h->section != IGVM_SECTION_DIRECTIVE)
		return 0;
	switch (h->type) {
	case IGVM_VHT_PAGE_DATA:
		return expand_page(w, h, e);
	case IGVM_VHT_PARAMETER_INSERT:
		return expand_insert(w, h, e);
	case IGVM_VHT_VP_CONTEXT:
		return expand_vmsa(w, h, e);
	default:
		return 0;
	}
}

/* 1: *it is the next item; 0: the end; negative: -(exit code), e filled in. */
static int walk_next(struct walker *w, struct item *it, struct igvm_digest_error *e)
{
	while (w->left == 0) {
		if (w->next >= w->f->count)
			return 0;
		int rc = expand(w, &w->f->hdr[w->next++], e);
		if (rc)
			return -rc;
	}
	it->gpa = w->gpa;
	it->off = w->off;
	it->type = w->type;
	it->contents = w->first;
	it->memo_store = false;
	if (it->contents == CONTENTS_DATA && w->memo.n) {
		struct memo_entry *me = memo_find(&w->memo, it->off, false);
		if (me && me->claimed)
			it->contents = CONTENTS_REPEAT;
		else if (me)
			me->claimed = it->memo_store = true;
	}
	w->first = w->rest;
	w->off = 0;
	w->gpa += PAGE; /* may wrap after the last page only; start() checked */
	w->left--;
	return 1;
}

/* Up to BATCH items; returns how many, or negative as walk_next. */
static int walk_batch(struct walker *w, struct item *items, struct igvm_digest_error *e)
{
	unsigned n = 0;
	while (n < BATCH) {
		int rc = walk_next(w, &items[n], e);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		n++;
	}
	return (int)n;
}

/* ---- reading page data ------------------------------------------------------------ */

struct read_error {
	int err;      /* errno; EIO for a file that got shorter */
	uint32_t off; /* where */
};

static int pread_full(int fd, uint8_t *buf, size_t len, uint64_t off, struct read_error *re)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			re->err = n < 0 ? errno : EIO;
			re->off = (uint32_t)(off + done);
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/*
 * Points ptr[i] at the 4 KiB of every CONTENTS_DATA item. From memory that
 * is a pointer into the buffer; from a file, items whose data lies back to
 * back (the usual layout: the writer stores pages in directive order), even
 * with items without data between them, are read with one pread into buf,
 * which holds BATCH pages.
 */
static int load_batch(const struct igvm_digest_source *src, uint8_t *buf, const struct item *items, unsigned n,
		      const uint8_t **ptr, struct read_error *re)
{
	size_t used = 0;
	/* From a file: the pending run of back-to-back data, read with one pread. */
	uint64_t run_off = 0, run_len = 0;
	size_t run_at = 0;
	for (unsigned i = 0; i <= n; i++) {
		bool data = i < n && items[i].contents == CONTENTS_DATA;
		if (!src->mem && run_len && (!data || items[i].off != run_off + run_len)) {
			if (pread_full(src->fd, buf + run_at, (size_t)run_len, run_off, re))
				return -1;
			run_len = 0;
		}
		if (i == n)
			break;
		ptr[i] = NULL;
		if (!data)
			continue;
		uint64_t off = items[i].off;
		if (src->mem) {
			if (!ib_range_ok(off, PAGE, src->mem_len)) {
				re->err = EIO;
				re->off = items[i].off;
				return -1;
			}
			ptr[i] = src->mem + off;
			continue;
		}
		if (!run_len) {
			run_off = off;
			run_at = used;
		}
		run_len += PAGE;
		ptr[i] = buf + used;
		used += PAGE;
	}
	return 0;
}

/* ---- hashing ------------------------------------------------------------------------- */

struct hasher {
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
};

static int hash_page(struct hasher *h, const uint8_t *page, uint8_t *out)
{
	unsigned int len = 0;
	if (EVP_DigestInit_ex(h->ctx, h->md, NULL) != 1 || EVP_DigestUpdate(h->ctx, page, PAGE) != 1 ||
	    EVP_DigestFinal_ex(h->ctx, out, &len) != 1)
		return -1;
	return 0;
}

/*
 * Drops mapped page data again (see struct igvm_digest_source) once
 * RELEASE_PAGES pages went through the mapping: the span of file offsets the
 * consumed items covered, widened by the kernel's fault-around window (it
 * maps up to 64 KiB of aligned neighbours on a fault), so every page a
 * thread touched is released with the items that touched it. Only that span
 * is zapped, not the whole mapping, which keeps each call cheap. Threads
 * still hashing from a released page simply fault it in again: the mapping
 * is private and read-only, so they read the same bytes from the page cache.
 */
#define FAULT_AROUND (64u * 1024u)

struct releaser {
	const struct igvm_digest_source *src;
	uint64_t pending; /* pages hashed from the mapping since the last release */
	uint64_t lo, hi;  /* span of their file offsets */
};

static void release_note(struct releaser *rl, const struct item *it)
{
	if (!rl->src->mem_is_mapping || it->contents != CONTENTS_DATA)
		return;
	if (!rl->pending || it->off < rl->lo)
		rl->lo = it->off;
	if (!rl->pending || (uint64_t)it->off + PAGE > rl->hi)
		rl->hi = (uint64_t)it->off + PAGE;
	rl->pending++;
}

static void release_pages(struct releaser *rl, bool force)
{
	if (!rl->pending || (rl->pending < RELEASE_PAGES && !force))
		return;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t lo = rl->lo > FAULT_AROUND ? rl->lo - FAULT_AROUND : 0;
	uint64_t hi = rl->hi + FAULT_AROUND < rl->src->mem_len ? rl->hi + FAULT_AROUND : rl->src->mem_len;
	lo &= ~(page - 1); /* the mapping starts page-aligned, so offsets align like addresses */
	rl->pending = 0;
	/* madvise takes a non-const pointer; DONTNEED does not write the pages. */
	madvise((void *)(uintptr_t)(rl->src->mem + lo), (size_t)(hi - lo), MADV_DONTNEED);
}

/* ---- results ------------------------------------------------------------------------- */

void igvm_digest_result_free(struct igvm_digest_result *r)
{
	free(r->runs);
	r->runs = NULL;
	r->nruns = r->capruns = 0;
}

/* Coalesces like COCONUT's -v: a run grows while type and next gpa match. */
static int add_run(struct igvm_digest_result *r, uint8_t type, uint64_t gpa)
{
	if (r->nruns) {
		struct igvm_digest_run *last = &r->runs[r->nruns - 1];
		if (last->type == type && last->gpa + last->pages * PAGE == gpa) {
			last->pages++;
			return 0;
		}
	}
	if (r->nruns == r->capruns) {
		size_t cap = r->capruns ? r->capruns * 2 : 64;
		struct igvm_digest_run *n = realloc(r->runs, cap * sizeof(*n));
		if (!n)
			return -1;
		r->runs = n;
		r->capruns = cap;
	}
	r->runs[r->nruns++] = (struct igvm_digest_run){ gpa, 1, type };
	return 0;
}

static int record(struct igvm_digest_result *r, const struct igvm_digest_opts *o, const struct item *it)
{
	r->pages[it->type]++;
	r->hashed_pages += it->contents == CONTENTS_DATA;
	r->repeated_pages += it->contents == CONTENTS_REPEAT;
	return o->want_runs ? add_run(r, it->type, it->gpa) : 0;
}

/* ---- the SNP pipeline -------------------------------------------------------------------- */

struct slot {
	struct item items[BATCH];
	uint8_t hash[BATCH][SNP_LD_LEN];
	unsigned n;
	bool done;
	int err; /* 0, IB_EXIT_IO or IB_EXIT_INTERNAL */
	struct read_error re;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work; /* a slot was produced, or stop */
	pthread_cond_t done; /* a slot was hashed */
	struct slot *slots;
	size_t nslots;
	uint64_t produced, claimed; /* slot sequence numbers, guarded by mu */
	bool stop;
	const struct igvm_digest_source *src;
	const EVP_MD *md;
};

struct worker {
	struct pool *pool;
	pthread_t thread;
	struct hasher h;
	uint8_t *buf;
};

static void hash_slot(const struct igvm_digest_source *src, struct hasher *h, uint8_t *buf, struct slot *s)
{
	const uint8_t *ptr[BATCH];
	if (load_batch(src, buf, s->items, s->n, ptr, &s->re)) {
		s->err = IB_EXIT_IO;
		return;
	}
	for (unsigned i = 0; i < s->n; i++)
		if (ptr[i] && hash_page(h, ptr[i], s->hash[i])) {
			s->err = IB_EXIT_INTERNAL;
			return;
		}
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct pool *p = wk->pool;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->claimed == p->produced)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		struct slot *s = &p->slots[p->claimed++ % p->nslots];
		pthread_mutex_unlock(&p->mu);
		hash_slot(p->src, &wk->h, wk->buf, s);
		pthread_mutex_lock(&p->mu);
		s->done = true;
		pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/*
 * The caller's thread is one of the N hashing threads: it starts N-1 helpers
 * and, whenever the slot it needs next is not ready, hashes the next
 * unclaimed slot itself instead of sleeping. So -j N runs exactly N busy
 * threads (no oversubscription of N cores), and -j 1 starts none.
 */
struct snp_run {
	struct pool pool;
	struct worker *workers; /* helpers */
	unsigned nworkers;      /* helpers started */
	struct worker self;     /* the caller's hasher and buffer */
};

static unsigned want_workers(unsigned jobs)
{
	if (jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (unsigned)n : 1;
	}
	return jobs < IGVM_DIGEST_MAX_JOBS ? jobs : IGVM_DIGEST_MAX_JOBS;
}

/* A page buffer, its pages populated with one call rather than a fault each (see reserve_headers in igvm_read.c). */
static uint8_t *page_buffer(void)
{
	uint8_t *b = malloc((size_t)BATCH * PAGE);
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)b + page - 1) & ~(page - 1), hi = ((uintptr_t)b + (size_t)BATCH * PAGE) & ~(page - 1);
	if (b && hi > lo)
		madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#endif
	return b;
}

static int worker_init(struct worker *wk, struct pool *p)
{
	wk->pool = p;
	wk->h.md = p->md;
	wk->h.ctx = EVP_MD_CTX_new();
	wk->buf = page_buffer();
	return wk->h.ctx && wk->buf ? 0 : -1;
}

static void worker_free(struct worker *wk)
{
	EVP_MD_CTX_free(wk->h.ctx);
	free(wk->buf);
}

static void snp_run_stop(struct snp_run *run)
{
	struct pool *p = &run->pool;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < run->nworkers; i++)
		pthread_join(run->workers[i].thread, NULL);
	run->nworkers = 0;
}

static void snp_run_free(struct snp_run *run, unsigned allocated)
{
	for (unsigned i = 0; i < allocated; i++)
		worker_free(&run->workers[i]);
	free(run->workers);
	worker_free(&run->self);
	free(run->pool.slots);
	pthread_cond_destroy(&run->pool.work);
	pthread_cond_destroy(&run->pool.done);
	pthread_mutex_destroy(&run->pool.mu);
}

/* Starts up to `want` - 1 helpers; fewer (even none) still give the same digest. */
static int snp_run_start(struct snp_run *run, const struct igvm_digest_source *src, const EVP_MD *md,
			 unsigned want, unsigned *allocated)
{
	struct pool *p = &run->pool;
	p->src = src;
	p->md = md;
	p->nslots = (size_t)want * SLOTS_PER_WORKER;
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	run->workers = calloc(want, sizeof(*run->workers));
	if (!p->slots || !run->workers || worker_init(&run->self, p))
		return -1;
	for (unsigned i = 0; i + 1 < want; i++) {
		*allocated = i + 1;
		if (worker_init(&run->workers[i], p))
			return -1;
	}
	for (unsigned i = 0; i + 1 < want; i++) {
		if (pthread_create(&run->workers[i].thread, NULL, worker_main, &run->workers[i]))
			break;
		run->nworkers++;
	}
	return 0;
}

static int read_failed(const struct read_error *re, struct igvm_digest_error *e)
{
	if (re->err == EIO)
		return igvm_digest_fail(e, IB_EXIT_IO, NULL, re->off,
			    "the file ends before offset 0x%x: it changed while it was being measured", re->off);
	return igvm_digest_fail(e, IB_EXIT_IO, NULL, re->off, "reading at offset 0x%x: %s", re->off, strerror(re->err));
}

static int slot_error(const struct slot *s, struct igvm_digest_error *e)
{
	if (s->err == IB_EXIT_INTERNAL)
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "libcrypto failed to hash a page");
	return read_failed(&s->re, e);
}

/* Extends the chain with one hashed slot, in order. */
static int consume(struct slot *s, struct snp_ld *ld, const struct memo *memo, const struct igvm_digest_opts *o,
		   struct igvm_digest_result *r, struct igvm_digest_error *e)
{
	const uint8_t *zero_hash = snp_zero_page_hash();
	for (unsigned i = 0; i < s->n; i++) {
		const struct item *it = &s->items[i];
		const uint8_t *contents = it->contents == CONTENTS_DATA	     ? s->hash[i]
					  : it->contents == CONTENTS_ZERO_PAGE ? zero_hash
									       : NULL;
		if (it->memo_store || it->contents == CONTENTS_REPEAT) {
			struct memo_entry *me = memo_find(memo, it->off, false);
			if (!me || (it->contents == CONTENTS_REPEAT && !me->filled))
				return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "page memo out of order");
			if (it->memo_store) {
				memcpy(me->hash, s->hash[i], SNP_LD_LEN);
				me->filled = true;
			} else {
				contents = me->hash;
			}
		}
		if (snp_ld_extend(ld, (enum snp_page_type)it->type, it->gpa, contents))
			return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "libcrypto failed to extend the launch digest");
		if (record(r, o, it))
			return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");
	}
	return 0;
}

/* Until the oldest slot is hashed, the caller hashes unclaimed slots itself. */
static void wait_slot(struct snp_run *run, struct slot *s)
{
	struct pool *p = &run->pool;
	pthread_mutex_lock(&p->mu);
	while (!s->done) {
		if (p->claimed == p->produced) {
			pthread_cond_wait(&p->done, &p->mu);
			continue;
		}
		struct slot *t = &p->slots[p->claimed++ % p->nslots];
		pthread_mutex_unlock(&p->mu);
		hash_slot(p->src, &run->self.h, run->self.buf, t);
		pthread_mutex_lock(&p->mu);
		t->done = true;
	}
	pthread_mutex_unlock(&p->mu);
}

static int snp_pipeline(struct snp_run *run, struct walker *w, struct snp_ld *ld, const struct igvm_digest_opts *o,
			struct igvm_digest_result *r, struct igvm_digest_error *e)
{
	struct pool *p = &run->pool;
	struct releaser rl = { p->src, 0, 0, 0 };
	uint64_t consumed = 0;
	bool eof = false;
	for (;;) {
		/* Keep the ring full so the helpers always have the next batches. */
		while (!eof && p->produced - consumed < p->nslots) {
			struct slot *s = &p->slots[p->produced % p->nslots];
			int n = walk_batch(w, s->items, e);
			if (n < 0)
				return -n;
			if (n == 0) {
				eof = true;
				break;
			}
			s->n = (unsigned)n;
			s->done = false;
			s->err = 0;
			pthread_mutex_lock(&p->mu);
			p->produced++;
			pthread_cond_signal(&p->work);
			pthread_mutex_unlock(&p->mu);
		}
		if (consumed == p->produced) {
			release_pages(&rl, true);
			return 0;
		}
		struct slot *s = &p->slots[consumed % p->nslots];
		wait_slot(run, s);
		if (s->err)
			return slot_error(s, e);
		int rc = consume(s, ld, &w->memo, o, r, e);
		if (rc)
			return rc;
		for (unsigned i = 0; i < s->n; i++)
			release_note(&rl, &s->items[i]);
		release_pages(&rl, false);
		consumed++;
	}
}

static int digest_snp(struct walker *w, const struct igvm_digest_source *src, const struct igvm_digest_opts *o,
		      const EVP_MD *md, struct igvm_digest_result *r, struct igvm_digest_error *e)
{
	struct snp_run run;
	memset(&run, 0, sizeof(run));
	pthread_mutex_init(&run.pool.mu, NULL);
	pthread_cond_init(&run.pool.work, NULL);
	pthread_cond_init(&run.pool.done, NULL);
	unsigned allocated = 0;
	int rc;
	if (snp_run_start(&run, src, md, want_workers(o->jobs), &allocated)) {
		rc = igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory starting the hashing threads");
	} else {
		struct snp_ld ld;
		snp_ld_init(&ld, o->seed);
		rc = snp_pipeline(&run, w, &ld, o, r, e);
		r->workers = run.nworkers + 1;
		if (!rc) {
			memcpy(r->digest, ld.ld, SNP_LD_LEN);
			r->digest_len = SNP_LD_LEN;
		}
	}
	snp_run_stop(&run);
	snp_run_free(&run, allocated);
	return rc;
}

/* ---- SEV and SEV-ES: one SHA-256 stream, so one thread --------------------------------- */

static void md_ctx_freep(EVP_MD_CTX **c) { EVP_MD_CTX_free(*c); }

/*
 * The single-threaded models (SEV's one SHA-256 stream, TDX's MRTD) read the pages in walk order
 * one batch at a time; `page` sees each with its contents (NULL: not data) and returns 0 or an
 * igvm_digest_fail() code. Recording and releasing the input's pages are done here once.
 */
typedef int page_fn(void *ctx, const struct item *it, const uint8_t *data, struct igvm_digest_error *e);

static int stream_pages(struct walker *w, const struct igvm_digest_source *src, const struct igvm_digest_opts *o,
			struct igvm_digest_result *r, struct igvm_digest_error *e, page_fn *page, void *ctx)
{
	_cleanup_free_ uint8_t *buf = malloc((size_t)BATCH * PAGE);
	if (!buf)
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");
	struct item items[BATCH];
	const uint8_t *ptr[BATCH];
	struct releaser rl = { src, 0, 0, 0 };
	for (;;) {
		int n = walk_batch(w, items, e);
		if (n < 0)
			return -n;
		if (n == 0)
			break;
		struct read_error re = { 0, 0 };
		if (load_batch(src, buf, items, (unsigned)n, ptr, &re))
			return read_failed(&re, e);
		for (int i = 0; i < n; i++) {
			int rc = page(ctx, &items[i], items[i].contents == CONTENTS_DATA ? ptr[i] : NULL, e);
			if (rc)
				return rc;
			if (record(r, o, &items[i]))
				return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");
			release_note(&rl, &items[i]);
		}
		release_pages(&rl, false);
	}
	release_pages(&rl, true);
	return 0;
}

static int sev_page(void *ctx, const struct item *it, const uint8_t *data, struct igvm_digest_error *e)
{
	static const uint8_t zero[PAGE];
	(void)it;
	if (EVP_DigestUpdate(ctx, data ? data : zero, PAGE) != 1)
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "libcrypto failed to hash a page");
	return 0;
}

static int digest_sev(struct walker *w, const struct igvm_digest_source *src, const struct igvm_digest_opts *o,
		      struct igvm_digest_result *r, struct igvm_digest_error *e)
{
	_cleanup_(md_ctx_freep) EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory, or libcrypto failed");
	int rc = stream_pages(w, src, o, r, e, sev_page, ctx);
	if (rc)
		return rc;
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(ctx, r->digest, &len) != 1)
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "libcrypto failed to finish the digest");
	r->digest_len = len;
	return 0;
}

/* ---- TDX: one SHA-384 stream over the MRTD records, so one thread ------------------------- */

static void mrtd_freep(struct tdx_mrtd *m) { tdx_mrtd_free(m); }

static void tdx_op(const struct igvm_digest_opts *o, enum tdx_op_kind kind, uint64_t gpa, bool zero)
{
	if (o->on_op) {
		struct tdx_op op = { kind, gpa, zero };
		o->on_op(o->op_ctx, &op);
	}
}

struct tdx_stream {
	struct tdx_mrtd *m;
	const struct igvm_digest_opts *o;
};

static int tdx_page(void *ctx, const struct item *it, const uint8_t *data, struct igvm_digest_error *e)
{
	struct tdx_stream *t = ctx;
	if (tdx_mrtd_page_add(t->m, it->gpa))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "libcrypto failed to hash a record");
	tdx_op(t->o, TDX_OP_PAGE_ADD, it->gpa, false);
	if (it->type == SNP_PAGE_NORMAL) {
		if (tdx_mrtd_extend_page(t->m, it->gpa, data))
			return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "libcrypto failed to hash a record");
		tdx_op(t->o, TDX_OP_MR_EXTEND, it->gpa, data == NULL);
	}
	return 0;
}

static int digest_tdx(struct walker *w, const struct igvm_digest_source *src, const struct igvm_digest_opts *o,
		      struct igvm_digest_result *r, struct igvm_digest_error *e)
{
	_cleanup_(mrtd_freep) struct tdx_mrtd m = { 0 };
	if (tdx_mrtd_init(&m))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory, or libcrypto failed");
	struct tdx_stream t = { &m, o };
	int rc = stream_pages(w, src, o, r, e, tdx_page, &t);
	if (rc)
		return rc;
	if (tdx_mrtd_final(&m, r->digest))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "libcrypto failed to finish the MRTD");
	r->digest_len = TDX_MRTD_LEN;
	r->workers = 1;
	return 0;
}

/* ---- entry point ------------------------------------------------------------------------- */

static void describe_platforms(const struct igvm_file *f, char *out, size_t size)
{
	size_t used = 0;
	out[0] = 0;
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (!h->known || h->type != IGVM_VHT_SUPPORTED_PLATFORM)
			continue;
		const char *name = igvm_platform_name(h->body.platform.platform_type);
		int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", name ? name : "?");
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

static bool has_guest_policy(const struct igvm_file *f, uint32_t mask)
{
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (h->known && h->type == IGVM_VHT_GUEST_POLICY && (h->body.policy.compatibility_mask & mask) == mask)
			return true;
	}
	return false;
}

static void md_freep(EVP_MD **md) { EVP_MD_free(*md); }
static void areas_freep(struct area **a) { free(*a); }
static void memo_freep(struct memo_entry **m) { free(*m); }

int igvm_digest_compute(const struct igvm_file *f, const struct igvm_digest_source *src,
			const struct igvm_digest_opts *o, struct igvm_digest_result *r,
			struct igvm_digest_error *e)
{
	memset(r, 0, sizeof(*r));
	memset(e, 0, sizeof(*e));
	uint32_t mask;
	if (!igvm_digest_platform_mask(f, o->platform, &mask)) {
		char have[160];
		describe_platforms(f, have, sizeof(have));
		return igvm_digest_fail(e, IB_EXIT_INVALID, "measure.platform", f->variable_header_offset,
			    "the file has no %s platform header (it supports: %s)", platform_label(o->platform),
			    have[0] ? have : "none");
	}
	if (o->mask) {
		if (o->mask & ~mask)
			return igvm_digest_fail(e, IB_EXIT_INVALID, "measure.mask", f->variable_header_offset,
				    "compatibility mask 0x%x has bits the %s platform header (mask 0x%x) does not own",
				    o->mask, platform_label(o->platform), mask);
		mask = o->mask;
	}
	/* Like the crate: an SNP launch needs a policy, although the digest does not hash it. */
	if (o->platform == IGVM_DIGEST_SEV_SNP && !has_guest_policy(f, mask))
		return igvm_digest_fail(e, IB_EXIT_INVALID, "measure.guest-policy", f->variable_header_offset,
			    "no GUEST_POLICY header applies to SEV_SNP (mask 0x%x); an SNP launch needs one", mask);

	struct walker w = { .f = f, .platform = o->platform, .native_zero = o->native_zero, .mask = mask };
	_cleanup_(areas_freep) struct area *areas = NULL;
	_cleanup_(memo_freep) struct memo_entry *memo = NULL;
	if (build_areas(&w))
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");
	areas = w.areas;
	int mrc = o->platform == IGVM_DIGEST_SEV_SNP ? build_memo(&w) : 0;
	memo = w.memo.e;
	if (mrc)
		return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "out of memory");

	int rc;
	if (o->platform == IGVM_DIGEST_SEV_SNP) {
		_cleanup_(md_freep) EVP_MD *md = EVP_MD_fetch(NULL, "SHA384", NULL);
		if (!md)
			return igvm_digest_fail(e, IB_EXIT_INTERNAL, NULL, 0, "libcrypto has no SHA-384");
		rc = digest_snp(&w, src, o, md, r, e);
	} else if (o->platform == IGVM_DIGEST_TDX) {
		rc = digest_tdx(&w, src, o, r, e);
	} else {
		rc = digest_sev(&w, src, o, r, e);
	}
	r->shared_skipped = w.shared;
	r->large_pages = w.large;
	return rc;
}

/* ---- --check-kvm ------------------------------------------------------------------------- */

enum kvm_rule {
	KVM_VMSA_COUNT,
	KVM_VMSA_GPA,
	KVM_VMSA_LAST,
	KVM_INSERT_AFTER_PAGE,
	KVM_SHARED,
	KVM_ID_BLOCK_COUNT,
	KVM_SEV_DATALESS,
	KVM_SEV_UNMEASURED,
	KVM_SEV_SNP_PAGE,
	KVM_RULE_COUNT
};

static const char *const kvm_rule_names[KVM_RULE_COUNT] = {
	[KVM_VMSA_COUNT] = "kvm.vmsa-count",
	[KVM_VMSA_GPA] = "kvm.vmsa-gpa",
	[KVM_VMSA_LAST] = "kvm.vmsa-last",
	[KVM_INSERT_AFTER_PAGE] = "kvm.insert-after-page",
	[KVM_SHARED] = "kvm.shared-page",
	[KVM_ID_BLOCK_COUNT] = "kvm.id-block-count",
	[KVM_SEV_DATALESS] = "kvm.sev-data-less",
	[KVM_SEV_UNMEASURED] = "kvm.sev-unmeasured",
	[KVM_SEV_SNP_PAGE] = "kvm.sev-snp-page",
};

/* The first header breaking a rule, and how many pages or headers break it. */
struct kvm_hit {
	uint64_t count;
	const struct igvm_header *h;
	uint64_t value; /* rule-specific: a gpa, CR0 */
};

struct kvm_scan {
	const struct igvm_file *f;
	enum igvm_digest_platform p;
	uint32_t mask;
	struct kvm_hit hit[KVM_RULE_COUNT];
	uint64_t vmsas, id_blocks;
	const struct igvm_header *first_vmsa;
	uint64_t sev_features;
	bool page_seen;
	/* What KVM would change in the first VMSA (kvm_vmsa.h), failures and warnings. */
	struct kvm_vmsa_finding vmsa_find[KVM_VMSA_MAX_FINDINGS];
	size_t vmsa_nfind;
};

static void hit(struct kvm_scan *k, enum kvm_rule rule, const struct igvm_header *h, uint64_t n, uint64_t value)
{
	struct kvm_hit *x = &k->hit[rule];
	if (!x->count) {
		x->h = h;
		x->value = value;
	}
	x->count += n;
}

static void scan_page(struct kvm_scan *k, const struct igvm_header *h)
{
	const struct igvm_vhs_page_data *p = &h->body.page;
	if (!(p->compatibility_mask & k->mask))
		return;
	uint64_t n = (p->flags & IGVM_PAGE_FLAG_2MB) ? PAGES_2MB : 1;
	if (p->flags & IGVM_PAGE_FLAG_SHARED) {
		hit(k, KVM_SHARED, h, n, p->gpa);
		return;
	}
	if (k->vmsas)
		hit(k, KVM_VMSA_LAST, h, 1, p->gpa);
	k->page_seen = true;
	if (k->p == IGVM_DIGEST_SEV_SNP)
		return;
	if (p->data_type != IGVM_PAGE_DATA_NORMAL)
		hit(k, KVM_SEV_SNP_PAGE, h, 1, p->gpa);
	else if ((p->flags & IGVM_PAGE_FLAG_UNMEASURED) && h->data_offset)
		hit(k, KVM_SEV_UNMEASURED, h, n, p->gpa);
	else if (!(p->flags & IGVM_PAGE_FLAG_UNMEASURED) && !h->data_offset)
		hit(k, KVM_SEV_DATALESS, h, n, p->gpa);
}

static void scan_vmsa(struct kvm_scan *k, const struct igvm_header *h)
{
	const struct igvm_vhs_vp_context *vp = &h->body.vp;
	if (k->p == IGVM_DIGEST_SEV || !(vp->compatibility_mask & k->mask) || !h->data ||
	    h->data_len < sizeof(struct igvm_sev_vmsa))
		return;
	uint64_t features;
	memcpy(&features, h->data + offsetof(struct igvm_sev_vmsa, sev_features), sizeof(features));
	if (++k->vmsas == 1) {
		k->first_vmsa = h;
		k->sev_features = features;
		/* Only vCPU 0's VMSA reaches KVM (a second one is refused below). */
		k->vmsa_nfind = kvm_vmsa_check(h->data, k->p == IGVM_DIGEST_SEV_SNP, k->vmsa_find,
					       KVM_VMSA_MAX_FINDINGS);
	} else {
		hit(k, KVM_VMSA_COUNT, h, 1, vp->gpa);
	}
	if (k->p == IGVM_DIGEST_SEV_SNP && vp->gpa != IGVM_KVM_VMSA_GPA)
		hit(k, KVM_VMSA_GPA, h, 1, vp->gpa);
}

static void scan(struct kvm_scan *k)
{
	for (size_t i = 0; i < k->f->count; i++) {
		const struct igvm_header *h = &k->f->hdr[i];
		if (!h->known || h->section != IGVM_SECTION_DIRECTIVE)
			continue;
		uint32_t mask = 0;
		switch (h->type) {
		case IGVM_VHT_PAGE_DATA:
			scan_page(k, h);
			break;
		case IGVM_VHT_PARAMETER_INSERT:
			if (k->p != IGVM_DIGEST_SEV_SNP || !(h->body.insert.compatibility_mask & k->mask))
				break;
			if (k->page_seen)
				hit(k, KVM_INSERT_AFTER_PAGE, h, 1, h->body.insert.gpa);
			if (k->vmsas)
				hit(k, KVM_VMSA_LAST, h, 1, h->body.insert.gpa);
			break;
		case IGVM_VHT_VP_CONTEXT:
			scan_vmsa(k, h);
			break;
		case IGVM_VHT_SNP_ID_BLOCK:
			if (k->p == IGVM_DIGEST_SEV_SNP && igvm_header_mask(h, &mask) && (mask & k->mask) &&
			    ++k->id_blocks > 1)
				hit(k, KVM_ID_BLOCK_COUNT, h, 1, 0);
			break;
		default:
			break;
		}
	}
}

static void kvm_detail(const struct kvm_scan *k, enum kvm_rule rule, char *out, size_t size)
{
	const struct kvm_hit *x = &k->hit[rule];
	const char *plat = platform_label(k->p);
	unsigned long long v = (unsigned long long)x->value, n = (unsigned long long)x->count;
	char more[40] = "";
	if (n > 1)
		snprintf(more, sizeof(more), " (and %llu more)", n - 1);
	switch (rule) {
	case KVM_VMSA_COUNT:
		if (k->vmsas == 0)
			snprintf(out, size,
				 "the file has no VMSA for %s: KVM would measure the VMSA it builds from QEMU's "
				 "reset state, which this digest cannot know",
				 plat);
		else
			snprintf(out, size,
				 "the file has %llu VMSAs for %s: QEMU/KVM take only vCPU 0's state from the file "
				 "and measure one VMSA per vCPU they create",
				 (unsigned long long)k->vmsas, plat);
		break;
	case KVM_VMSA_GPA:
		snprintf(out, size, "the VMSA is at gpa 0x%llx; KVM places and measures it at 0x%llx", v,
			 (unsigned long long)IGVM_KVM_VMSA_GPA);
		break;
	case KVM_VMSA_LAST:
		snprintf(out, size,
			 "%s at gpa 0x%llx%s follows the VMSA; KVM measures the VMSA after every page, "
			 "so its digest would differ",
			 igvm_type_name(x->h->type), v, more);
		break;
	case KVM_INSERT_AFTER_PAGE:
		snprintf(out, size,
			 "PARAMETER_INSERT at gpa 0x%llx%s follows PAGE_DATA: QEMU measures it before "
			 "the run of pages it is still merging, so KVM's order differs from the file's",
			 v, more);
		break;
	case KVM_SHARED:
		snprintf(out, size,
			 "%llu shared page(s) for %s, the first at gpa 0x%llx: QEMU ignores the shared flag and "
			 "measures them as private pages; this digest skips them, as the IGVM specification says",
			 n, plat, v);
		break;
	case KVM_ID_BLOCK_COUNT:
		snprintf(out, size, "%llu SNP_ID_BLOCK headers apply to %s; QEMU accepts one", (unsigned long long)k->id_blocks,
			 plat);
		break;
	case KVM_SEV_DATALESS:
		snprintf(out, size,
			 "%llu data-less page(s), the first at gpa 0x%llx: QEMU measures them as 4 KiB of zeros; "
			 "this digest (COCONUT's SEV rule) leaves them out",
			 n, v);
		break;
	case KVM_SEV_UNMEASURED:
		snprintf(out, size,
			 "%llu unmeasured page(s) with data, the first at gpa 0x%llx: QEMU does not measure them; "
			 "this digest (COCONUT's SEV rule) hashes their data",
			 n, v);
		break;
	case KVM_SEV_SNP_PAGE:
		snprintf(out, size, "%s page at gpa 0x%llx%s: QEMU refuses SECRETS and CPUID pages on %s",
			 igvm_page_data_type_name(x->h->body.page.data_type), v, more, plat);
		break;
	default:
		snprintf(out, size, "?");
	}
}

static void report_debug_swap(const struct kvm_scan *k, igvm_kvm_report_fn report, void *ctx)
{
	struct igvm_kvm_finding w = { "kvm.debug-swap", k->first_vmsa->record_offset, true, "" };
	if (k->sev_features & SEV_FEAT_DEBUG_SWAP)
		snprintf(w.detail, sizeof(w.detail),
			 "the VMSA sets DebugSwap (sev_features 0x%llx): the host KVM must support and enable it, "
			 "or QEMU refuses to start the guest",
			 (unsigned long long)k->sev_features);
	else
		snprintf(w.detail, sizeof(w.detail),
			 "the VMSA leaves DebugSwap clear (sev_features 0x%llx): a KVM that adds it on its own "
			 "(legacy KVM_SEV_INIT with kvm_amd debug_swap=1) measures a different VMSA",
			 (unsigned long long)k->sev_features);
	report(ctx, &w);
}

size_t igvm_digest_check_kvm(const struct igvm_file *f, enum igvm_digest_platform p, uint32_t mask,
			     igvm_kvm_report_fn report, void *ctx)
{
	struct kvm_scan k;
	memset(&k, 0, sizeof(k));
	k.f = f;
	k.p = p;
	k.mask = mask;
	scan(&k);
	if (p != IGVM_DIGEST_SEV && k.vmsas == 0)
		k.hit[KVM_VMSA_COUNT].count = 1; /* no header to point at: reported at the header section */

	size_t broken = 0;
	for (int rule = 0; rule < KVM_RULE_COUNT; rule++) {
		if (!k.hit[rule].count)
			continue;
		struct igvm_kvm_finding fd = { kvm_rule_names[rule], 0, false, "" };
		fd.offset = k.hit[rule].h ? k.hit[rule].h->record_offset : f->variable_header_offset;
		kvm_detail(&k, (enum kvm_rule)rule, fd.detail, sizeof(fd.detail));
		report(ctx, &fd);
		broken++;
	}
	if (k.first_vmsa) {
		size_t n = k.vmsa_nfind < KVM_VMSA_MAX_FINDINGS ? k.vmsa_nfind : KVM_VMSA_MAX_FINDINGS;
		for (size_t i = 0; i < n; i++) {
			const struct kvm_vmsa_finding *x = &k.vmsa_find[i];
			struct igvm_kvm_finding fd = { x->rule, k.first_vmsa->record_offset, x->warning, "" };
			snprintf(fd.detail, sizeof(fd.detail), "VMSA offset 0x%03x: %s", x->offset, x->detail);
			report(ctx, &fd);
			broken += !x->warning;
		}
		if (k.vmsa_nfind > n) {
			struct igvm_kvm_finding fd = { "kvm.vmsa-field", k.first_vmsa->record_offset, false, "" };
			snprintf(fd.detail, sizeof(fd.detail), "and %zu more VMSA fields KVM would measure differently",
				 k.vmsa_nfind - n);
			report(ctx, &fd);
			broken++;
		}
		report_debug_swap(&k, report, ctx);
	}
	return broken;
}
