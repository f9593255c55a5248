/* SPDX-License-Identifier: MIT */
/*
 * igvm_read.c — parse and validate an IGVM file (contract in igvm.h).
 *
 * The order of the checks follows the reference parser, so the first error
 * reported for a file is the one a libigvm-based loader would report. All
 * offsets are computed in 64-bit arithmetic from 32-bit fields, so nothing
 * can wrap; every access to the input goes through ib_range_ok() or a cursor.
 */
#include "igvm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "../common/cleanup.h"

/* Parameter-area lifecycle (§3.3): declared → allocated; inserted → closed. */
enum area_state { AREA_ALLOCATED = 1, AREA_INSERTED = 2 };

/* Open-addressing map from a 64-bit key to a small value; hostile files can
 * hold millions of headers, so lookups must not be linear. */
struct u64map {
	uint64_t *keys;
	uint64_t *vals;
	uint8_t *used;
	size_t cap, count;
};

struct region {
	uint64_t start, size;
	uint32_t mask;
	uint32_t record_offset;
	bool page_table;
};

struct vtl_need {
	uint32_t mask;
	uint8_t vtl;
	uint32_t record_offset;
};

struct parse {
	const uint8_t *buf;
	size_t len;
	unsigned flags;
	struct igvm_file *f;
	struct igvm_diag *diag;

	uint64_t data_start;
	uint32_t platform_masks;   /* union of all platform masks */
	uint32_t pt_reloc_masks;   /* mask bits that already have a page-table region */
	uint32_t corim_doc_masks, corim_sig_masks;

	struct u64map areas;       /* index → (state | size << 8) */
	struct u64map vp_seen;     /* strict: (mask, vp_index, vtl) */

	struct region *regions;
	size_t nregions, capregions;
	struct vtl_need *needs;
	size_t nneeds, capneeds;
	struct vtl_need *vbs_ctx;  /* VBS contexts: mask + vtl */
	size_t nvbs, capvbs;
};

static int fail(struct parse *p, enum igvm_rule rule, uint64_t offset, enum igvm_section s,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(struct parse *p, enum igvm_rule rule, uint64_t offset, enum igvm_section s,
		const char *fmt, ...)
{
	struct igvm_diag *d = p->diag;
	d->rule = rule;
	d->offset = offset;
	d->section = s;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
	return -1;
}

static int nomem(struct parse *p)
{
	return fail(p, IGVM_RULE_NO_MEMORY, 0, IGVM_SECTION_PLATFORM, "out of memory");
}

static int warn(struct parse *p, enum igvm_rule rule, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int warn(struct parse *p, enum igvm_rule rule, uint64_t offset, const char *fmt, ...)
{
	struct igvm_file *f = p->f;
	/* One warning per rule is enough to tell the user; avoid unbounded lists. */
	for (size_t i = 0; i < f->warning_count; i++)
		if (f->warnings[i].rule == rule)
			return 0;
	struct igvm_diag *n = realloc(f->warnings, (f->warning_count + 1) * sizeof(*n));
	if (!n)
		return nomem(p);
	f->warnings = n;
	struct igvm_diag *d = &n[f->warning_count++];
	memset(d, 0, sizeof(*d));
	d->rule = rule;
	d->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
	va_end(ap);
	return 0;
}

/* ---- small containers ----------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	if (!m->cap)
		return false;
	for (size_t i = mix64(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->used[i])
			return false;
		if (m->keys[i] == key) {
			if (val)
				*val = m->vals[i];
			return true;
		}
	}
}

static bool u64map_put(struct u64map *m, uint64_t key, uint64_t val)
{
	if ((m->count + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		struct u64map n = { calloc(ncap, 8), calloc(ncap, 8), calloc(ncap, 1), ncap, 0 };
		if (!n.keys || !n.vals || !n.used) {
			free(n.keys);
			free(n.vals);
			free(n.used);
			return false;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->used[i])
				u64map_put(&n, m->keys[i], m->vals[i]);
		free(m->keys);
		free(m->vals);
		free(m->used);
		*m = n;
	}
	size_t i = mix64(key) & (m->cap - 1);
	while (m->used[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->used[i])
		m->count++;
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = val;
	return true;
}

static void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

#define GROW(arr, n, cap)                                                            \
	({                                                                           \
		bool _ok = true;                                                     \
		if ((n) == (cap)) {                                                  \
			size_t _c = (cap) ? (cap) * 2 : 16;                          \
			void *_p = realloc((arr), _c * sizeof(*(arr)));              \
			if (_p) {                                                    \
				(arr) = _p;                                          \
				(cap) = _c;                                          \
			} else {                                                     \
				_ok = false;                                         \
			}                                                            \
		}                                                                    \
		_ok;                                                                 \
	})

/* ---- helpers ---------------------------------------------------------------- */

static bool strict(const struct parse *p) { return p->flags & IGVM_PARSE_STRICT; }

static unsigned popcount32(uint32_t v) { return (unsigned)__builtin_popcount(v); }

/*
 * Resolves a data reference. An offset of 0 means "no data" only where the
 * format says so (the caller decides); any other offset must point into the
 * file-data section with `n` bytes available.
 */
static int get_data(struct parse *p, struct igvm_header *h, uint32_t file_offset, uint64_t n,
		    uint64_t field_off, const char *what)
{
	if (file_offset < p->data_start || !ib_range_ok(file_offset, n, p->len))
		return fail(p, IGVM_RULE_DATA_RANGE, field_off, h->section,
			    "%s: %llu bytes at file offset 0x%x are not inside the file-data section [0x%llx, 0x%zx)",
			    what, (unsigned long long)n, file_offset, (unsigned long long)p->data_start, p->len);
	h->data = p->buf + file_offset;
	h->data_len = (uint32_t)n;
	h->data_offset = file_offset;
	return 0;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static int check_mask(struct parse *p, const struct igvm_header *h, uint64_t field_off)
{
	uint32_t mask;
	if (!igvm_header_mask(h, &mask) || h->type == IGVM_VHT_SUPPORTED_PLATFORM)
		return 0;
	if (mask == 0 && strict(p))
		return fail(p, IGVM_RULE_MASK_ZERO, field_off, h->section,
			    "%s has compatibility mask 0, so it applies to no platform", igvm_type_name(h->type));
	if (mask & ~p->platform_masks)
		return warn(p, IGVM_RULE_WARN_MASK_NO_PLATFORM, field_off,
			    "%s has mask 0x%x, but bits 0x%x belong to no platform", igvm_type_name(h->type), mask,
			    mask & ~p->platform_masks);
	return 0;
}

/*
 * The reference drops every masked header whose mask is 0 before it checks
 * rules that span headers, so such a header must not change parameter-area
 * or VP-context bookkeeping (strict mode refuses it outright, in check_mask).
 */
static bool dropped(const struct parse *p, uint32_t mask)
{
	return mask == 0 && !strict(p);
}

/* ---- platform headers ------------------------------------------------------- */

static int check_platform(struct parse *p, struct igvm_header *h, uint64_t b)
{
	const struct igvm_vhs_supported_platform *v = &h->body.platform;
	const enum igvm_section s = IGVM_SECTION_PLATFORM;

	if (popcount32(v->compatibility_mask) != 1)
		return fail(p, IGVM_RULE_PLATFORM_MASK, b + 0, s, "compatibility mask 0x%x must have exactly one bit set",
			    v->compatibility_mask);
	if (v->highest_vtl != 0 && v->highest_vtl != 2)
		return fail(p, IGVM_RULE_PLATFORM_VTL, b + 4, s, "highest_vtl is %u, must be 0 or 2", v->highest_vtl);
	if (v->platform_version != 1)
		return fail(p, IGVM_RULE_PLATFORM_VERSION, b + 6, s, "platform_version is %u, must be 1",
			    v->platform_version);
	if (v->platform_type > IGVM_PLATFORM_TYPE_MAX)
		return fail(p, IGVM_RULE_PLATFORM_TYPE, b + 5, s, "platform_type 0x%x is not a known platform",
			    v->platform_type);
	if ((v->platform_type == IGVM_PLATFORM_NATIVE || v->platform_type == IGVM_PLATFORM_VSM_ISOLATION) &&
	    v->shared_gpa_boundary != 0)
		return fail(p, IGVM_RULE_PLATFORM_SHARED_GPA, b + 8, s,
			    "shared_gpa_boundary is 0x%llx, must be 0 for %s",
			    (unsigned long long)v->shared_gpa_boundary, igvm_platform_name(v->platform_type));

	for (size_t i = 0; i + 1 < p->f->count; i++) {
		const struct igvm_header *o = &p->f->hdr[i];
		if (o->type != IGVM_VHT_SUPPORTED_PLATFORM || !o->known)
			continue;
		if (o->body.platform.platform_type == v->platform_type)
			return fail(p, IGVM_RULE_PLATFORM_DUPLICATE, b + 5, s,
				    "platform %s appears twice (first at offset 0x%x)",
				    igvm_platform_name(v->platform_type), o->record_offset);
	}

	bool x64_ok = v->platform_type != IGVM_PLATFORM_CCA;
	bool arm_ok = v->platform_type == IGVM_PLATFORM_VSM_ISOLATION || v->platform_type == IGVM_PLATFORM_CCA;
	if ((p->f->architecture == IGVM_ARCH_X64 && !x64_ok) || (p->f->architecture == IGVM_ARCH_AARCH64 && !arm_ok))
		return fail(p, IGVM_RULE_PLATFORM_ARCH, b + 5, s, "platform %s does not exist on %s",
			    igvm_platform_name(v->platform_type),
			    p->f->architecture == IGVM_ARCH_X64 ? "x64" : "aarch64");

	if (strict(p) && (p->platform_masks & v->compatibility_mask))
		return fail(p, IGVM_RULE_PLATFORM_MASK_DUPLICATE, b, s, "mask bit 0x%x is used by two platforms",
			    v->compatibility_mask);
	p->platform_masks |= v->compatibility_mask;
	return 0;
}

/* ---- initialization headers ---------------------------------------------- */

static int add_region(struct parse *p, struct igvm_header *h, uint64_t start, uint64_t size, uint32_t mask,
		      bool page_table, uint16_t vp_index, uint8_t vtl)
{
	(void)vp_index;
	if (!GROW(p->regions, p->nregions, p->capregions) || !GROW(p->needs, p->nneeds, p->capneeds))
		return nomem(p);
	p->regions[p->nregions++] = (struct region){ start, size, mask, h->record_offset, page_table };
	p->needs[p->nneeds++] = (struct vtl_need){ mask, vtl, h->record_offset };
	return 0;
}

static int check_init(struct parse *p, struct igvm_header *h, uint64_t b)
{
	const enum igvm_section s = IGVM_SECTION_INITIALIZATION;

	switch (h->type) {
	case IGVM_VHT_GUEST_POLICY:
		if (h->body.policy.reserved)
			return fail(p, IGVM_RULE_RESERVED, b + 12, s, "GUEST_POLICY reserved is 0x%x",
				    h->body.policy.reserved);
		return check_mask(p, h, b + 8);

	case IGVM_VHT_RELOCATABLE_REGION: {
		const struct igvm_vhs_relocatable_region *r = &h->body.reloc;
		if (r->vtl > 2)
			return fail(p, IGVM_RULE_VTL, b + 6, s, "vtl is %u", r->vtl);
		if (r->relocation_region_size == 0 || r->relocation_region_size % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_RELOCATION_SIZE, b + 0x18, s, "relocation_region_size 0x%llx",
				    (unsigned long long)r->relocation_region_size);
		if (r->relocation_alignment == 0 || r->relocation_alignment % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_RELOCATION_ALIGNMENT, b + 8, s, "relocation_alignment 0x%llx",
				    (unsigned long long)r->relocation_alignment);
		if (r->relocation_region_gpa % r->relocation_alignment)
			return fail(p, IGVM_RULE_RELOCATION_ADDRESS, b + 0x10, s,
				    "relocation_region_gpa 0x%llx is not a multiple of the alignment",
				    (unsigned long long)r->relocation_region_gpa);
		if (r->minimum_relocation_gpa % r->relocation_alignment)
			return fail(p, IGVM_RULE_RELOCATION_ADDRESS, b + 0x20, s,
				    "minimum_relocation_gpa 0x%llx is not a multiple of the alignment",
				    (unsigned long long)r->minimum_relocation_gpa);
		if (r->maximum_relocation_gpa % r->relocation_alignment)
			return fail(p, IGVM_RULE_RELOCATION_ADDRESS, b + 0x28, s,
				    "maximum_relocation_gpa 0x%llx is not a multiple of the alignment",
				    (unsigned long long)r->maximum_relocation_gpa);
		if (strict(p) && (r->flags & ~0x7u))
			return fail(p, IGVM_RULE_RESERVED_BITS, b + 7, s, "flags 0x%x has undefined bits", r->flags);
		if (check_mask(p, h, b))
			return -1;
		return add_region(p, h, r->relocation_region_gpa, r->relocation_region_size, r->compatibility_mask,
				  false, r->vp_index, r->vtl);
	}

	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION: {
		const struct igvm_vhs_page_table_relocation *r = &h->body.pt_reloc;
		if (r->reserved)
			return fail(p, IGVM_RULE_RESERVED, b + 7, s, "reserved is 0x%x", r->reserved);
		if (r->vtl > 2)
			return fail(p, IGVM_RULE_VTL, b + 6, s, "vtl is %u", r->vtl);
		if (r->gpa % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_GPA_ALIGNMENT, b + 8, s, "gpa 0x%llx", (unsigned long long)r->gpa);
		if (r->size % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_SIZE_ALIGNMENT, b + 0x10, s, "size 0x%llx", (unsigned long long)r->size);
		if (r->used_size % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_SIZE_ALIGNMENT, b + 0x18, s, "used_size 0x%llx",
				    (unsigned long long)r->used_size);
		if (r->used_size > r->size || r->size == 0)
			return fail(p, IGVM_RULE_PAGE_TABLE_REGION_SIZE, b + 0x10, s, "size 0x%llx, used_size 0x%llx",
				    (unsigned long long)r->size, (unsigned long long)r->used_size);
		if (p->pt_reloc_masks & r->compatibility_mask)
			return fail(p, IGVM_RULE_PAGE_TABLE_MULTIPLE, b, s,
				    "a page-table relocation region already exists for mask bits 0x%x",
				    p->pt_reloc_masks & r->compatibility_mask);
		p->pt_reloc_masks |= r->compatibility_mask;
		if (check_mask(p, h, b))
			return -1;
		return add_region(p, h, r->gpa, r->size, r->compatibility_mask, true, r->vp_index, r->vtl);
	}

	case IGVM_VHT_CORIM_DOCUMENT:
	case IGVM_VHT_CORIM_SIGNATURE: {
		const struct igvm_vhs_corim_data *c = &h->body.corim;
		bool doc = h->type == IGVM_VHT_CORIM_DOCUMENT;
		if (c->reserved)
			return fail(p, IGVM_RULE_RESERVED, b + 12, s, "reserved is 0x%x", c->reserved);
		uint32_t *seen = doc ? &p->corim_doc_masks : &p->corim_sig_masks;
		if (*seen & c->compatibility_mask)
			return fail(p, IGVM_RULE_CORIM_DUPLICATE, b, s, "a second CoRIM %s for mask bits 0x%x",
				    doc ? "document" : "signature", *seen & c->compatibility_mask);
		if (!doc && (c->compatibility_mask & ~p->corim_doc_masks))
			return fail(p, IGVM_RULE_CORIM_MISSING_DOCUMENT, b, s,
				    "CoRIM signature for mask bits 0x%x has no earlier document",
				    c->compatibility_mask & ~p->corim_doc_masks);
		*seen |= c->compatibility_mask;
		if (c->file_offset && get_data(p, h, c->file_offset, c->size_bytes, b + 4, "CoRIM data"))
			return -1;
		if (warn(p, IGVM_RULE_WARN_CORIM, h->record_offset,
			 "the file holds CoRIM headers; libigvm as usually built (and QEMU) refuses it"))
			return -1;
		return check_mask(p, h, b);
	}

	case IGVM_VHT_CCA_POLICY: {
		const struct igvm_vhs_cca_policy *c = &h->body.cca_policy;
		if (c->reserved)
			return fail(p, IGVM_RULE_RESERVED, b + 4, s, "reserved is 0x%x", c->reserved);
		if (!all_zero(c->reserved2, sizeof(c->reserved2)))
			return fail(p, IGVM_RULE_RESERVED, b + 0x1A, s, "reserved2 is not zero");
		if (c->attributes_required_zeroes & c->attributes_required_ones)
			return fail(p, IGVM_RULE_CCA_ONES_ZEROES, b + 8, s, "attributes 0x%llx are required both 0 and 1",
				    (unsigned long long)(c->attributes_required_zeroes & c->attributes_required_ones));
		if (p->f->architecture != IGVM_ARCH_AARCH64)
			return fail(p, IGVM_RULE_HEADER_ARCH, h->record_offset, s, "CCA_POLICY needs an aarch64 file");
		for (unsigned bit = 0; bit < 32; bit++) {
			uint32_t m = 1u << bit;
			if ((c->compatibility_mask & m) && igvm_platform_for_mask(p->f, m) != IGVM_PLATFORM_CCA)
				return fail(p, IGVM_RULE_CCA_MASK, b, s, "mask bit 0x%x is not a CCA platform's", m);
		}
		return check_mask(p, h, b);
	}
	default:
		return 0;
	}
}

static int cmp_region(const void *a, const void *b)
{
	const struct region *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->record_offset < y->record_offset ? -1 : x->record_offset > y->record_offset;
}

/* Relocation and page-table regions must not overlap for any shared mask bit. */
static int check_region_overlap(struct parse *p)
{
	if (p->nregions < 2)
		return 0;
	_cleanup_free_ struct region *tmp = malloc(p->nregions * sizeof(*tmp));
	if (!tmp)
		return nomem(p);
	for (unsigned bit = 0; bit < 32; bit++) {
		size_t n = 0;
		for (size_t i = 0; i < p->nregions; i++)
			if (p->regions[i].mask & (1u << bit))
				tmp[n++] = p->regions[i];
		qsort(tmp, n, sizeof(*tmp), cmp_region);
		for (size_t i = 1; i < n; i++) {
			/* start + size cannot wrap: both are < 2^64 but compare as a difference. */
			if (tmp[i].start - tmp[i - 1].start < tmp[i - 1].size) {
				uint32_t off = tmp[i].record_offset > tmp[i - 1].record_offset ? tmp[i].record_offset
												: tmp[i - 1].record_offset;
				return fail(p, IGVM_RULE_RELOCATION_OVERLAP, off, IGVM_SECTION_INITIALIZATION,
					    "region at 0x%llx overlaps region at 0x%llx (mask bit 0x%x)",
					    (unsigned long long)tmp[i].start, (unsigned long long)tmp[i - 1].start,
					    1u << bit);
			}
		}
	}
	return 0;
}

/* ---- directives --------------------------------------------------------------- */

static int use_area(struct parse *p, struct igvm_header *h, uint32_t index, uint64_t field_off, uint64_t *size)
{
	uint64_t v;
	if (!u64map_get(&p->areas, index, &v) || (v & 0xff) != AREA_ALLOCATED)
		return fail(p, IGVM_RULE_PARAMETER_AREA_INDEX, field_off, h->section,
			    "%s uses parameter area %u, which is %s", igvm_type_name(h->type), index,
			    !u64map_get(&p->areas, index, NULL) ? "not declared" : "already inserted");
	*size = v >> 8;
	return 0;
}

/* The x64 and AArch64 registers a VBS context may set (§3.3). */
static bool vbs_register_ok(uint32_t arch, uint32_t name)
{
	static const uint32_t x64[] = {
		0x20004, 0x20005, 0x20006, 0x20008, 0x20009, 0x2000A, 0x2000B, 0x2000C, 0x20010, 0x20011,
		0x40000, 0x40002, 0x40003, 0x60000, 0x60001, 0x60002, 0x60003, 0x60004, 0x60005, 0x60007,
		0x70000, 0x70001, 0x80001, 0x80004, 0x8000E, 0x80010, 0x80011, 0x80012, 0x80013, 0x80014,
		0x80040, 0x80041, 0x80042, 0x80043, 0x80044, 0x80070, 0x80071, 0x80077, 0x80078, 0x80079,
		0x8007A,
	};
	static const uint32_t arm[] = {
		0x20000, 0x20001, 0x20002, 0x20003, 0x20004, 0x20005, 0x20006, 0x20007, 0x20022, 0x20023,
		0x40002, 0x40005, 0x40006, 0x40007, 0x4000B, 0x4000C,
	};
	const uint32_t *t = arch == IGVM_ARCH_X64 ? x64 : arm;
	size_t n = arch == IGVM_ARCH_X64 ? sizeof(x64) / 4 : sizeof(arm) / 4;
	for (size_t i = 0; i < n; i++)
		if (t[i] == name)
			return true;
	return false;
}

static int check_vp_context(struct parse *p, struct igvm_header *h, uint64_t b)
{
	const struct igvm_vhs_vp_context *v = &h->body.vp;
	const enum igvm_section s = IGVM_SECTION_DIRECTIVE;
	/* Checked per header while parsing, before the reference drops mask-0 headers: mask 0 fails here. */
	int plat = igvm_platform_for_mask(p->f, v->compatibility_mask);

	if (plat < 0 || plat == IGVM_PLATFORM_TDX)
		return fail(p, IGVM_RULE_VP_CONTEXT_PLATFORM, b + 8, s,
			    plat < 0 ? "mask 0x%x is not the mask of any one platform"
				     : "mask 0x%x selects TDX, which takes no VP context",
			    v->compatibility_mask);
	uint8_t vtl = 0;
	switch (plat) {
	case IGVM_PLATFORM_SEV_SNP:
	case IGVM_PLATFORM_SEV_ES:
		if (v->gpa % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_GPA_ALIGNMENT, b, s, "VMSA gpa 0x%llx", (unsigned long long)v->gpa);
		if (get_data(p, h, v->file_offset, IGVM_PAGE_SIZE, b + 12, "VMSA"))
			return -1;
		break;
	case IGVM_PLATFORM_NATIVE:
	case IGVM_PLATFORM_SEV:
	case IGVM_PLATFORM_CCA: {
		bool cca = plat == IGVM_PLATFORM_CCA;
		size_t used = cca ? sizeof(struct igvm_cca_vp_context) : sizeof(struct igvm_native_vp_context_x64);
		if (get_data(p, h, v->file_offset, IGVM_PAGE_SIZE, b + 12, "VP context"))
			return -1;
		if (!all_zero(h->data + used, IGVM_PAGE_SIZE - used))
			return fail(p, IGVM_RULE_VP_CONTEXT_CONTENT, (uint64_t)v->file_offset + used, s,
				    "bytes after the %zu-byte %s context must be zero", used, cca ? "CCA" : "native");
		if ((p->f->architecture == IGVM_ARCH_AARCH64) != cca)
			return fail(p, IGVM_RULE_HEADER_ARCH, h->record_offset, s, "a %s context in an %s file",
				    cca ? "CCA" : "x64", p->f->architecture == IGVM_ARCH_X64 ? "x64" : "aarch64");
		break;
	}
	case IGVM_PLATFORM_VSM_ISOLATION: {
		uint32_t count;
		if (v->file_offset < p->data_start || !ib_range_ok(v->file_offset, 4, p->len))
			return get_data(p, h, v->file_offset, 4, b + 12, "VBS context");
		memcpy(&count, p->buf + v->file_offset, 4);
		if (count == 0)
			return fail(p, IGVM_RULE_VBS_NO_REGISTERS, v->file_offset, s, "register_count is 0");
		if (get_data(p, h, v->file_offset, 4 + 32 * (uint64_t)count, b + 12, "VBS context registers"))
			return -1;
		for (uint32_t i = 0; i < count; i++) {
			struct igvm_vbs_vp_register r;
			uint64_t roff = (uint64_t)v->file_offset + 4 + 32 * (uint64_t)i;
			memcpy(&r, p->buf + roff, sizeof(r));
			if (r.vtl > 2)
				return fail(p, IGVM_RULE_VTL, roff, s, "register %u is for VTL %u", i, r.vtl);
			if (!vbs_register_ok(p->f->architecture, r.register_name))
				return fail(p, IGVM_RULE_VBS_UNSUPPORTED_REGISTER, roff + 1, s,
					    "register 0x%x is not supported on %s", r.register_name,
					    p->f->architecture == IGVM_ARCH_X64 ? "x64" : "aarch64");
			if (i == 0)
				vtl = r.vtl;
			else if (r.vtl != vtl)
				return fail(p, IGVM_RULE_VBS_VTL_MIXED, roff, s, "register %u is for VTL %u, register 0 for VTL %u",
					    i, r.vtl, vtl);
		}
		if (v->vp_index != 0)
			return fail(p, IGVM_RULE_VBS_VTL_MIXED, b + 0x10, s, "a VBS context must be for VP 0, not %u",
				    v->vp_index);
		if (!GROW(p->vbs_ctx, p->nvbs, p->capvbs))
			return nomem(p);
		p->vbs_ctx[p->nvbs++] = (struct vtl_need){ v->compatibility_mask, vtl, h->record_offset };
		break;
	}
	default:
		return fail(p, IGVM_RULE_VP_CONTEXT_PLATFORM, b + 8, s, "platform type %d takes no VP context", plat);
	}

	if (strict(p)) {
		if (v->reserved)
			return fail(p, IGVM_RULE_RESERVED, b + 0x12, s, "VP_CONTEXT reserved is 0x%x", v->reserved);
		if (v->gpa && plat != IGVM_PLATFORM_SEV_SNP && plat != IGVM_PLATFORM_SEV_ES)
			return fail(p, IGVM_RULE_VP_CONTEXT_GPA, b, s, "gpa 0x%llx must be 0 for %s",
				    (unsigned long long)v->gpa, igvm_platform_name((uint8_t)plat));
		uint64_t key = (uint64_t)v->compatibility_mask << 32 | (uint64_t)v->vp_index << 8 | vtl;
		if (u64map_get(&p->vp_seen, key, NULL))
			return fail(p, IGVM_RULE_VP_CONTEXT_DUPLICATE, b, s,
				    "a second VP context for %s, VP %u, VTL %u", igvm_platform_name((uint8_t)plat),
				    v->vp_index, vtl);
		if (!u64map_put(&p->vp_seen, key, 1))
			return nomem(p);
	}
	return 0;
}

static int check_directive(struct parse *p, struct igvm_header *h, uint64_t b)
{
	const enum igvm_section s = IGVM_SECTION_DIRECTIVE;

	switch (h->type) {
	case IGVM_VHT_PAGE_DATA: {
		const struct igvm_vhs_page_data *d = &h->body.page;
		if (d->reserved)
			return fail(p, IGVM_RULE_RESERVED, b + 0x16, s, "PAGE_DATA reserved is 0x%x", d->reserved);
		if (d->gpa % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_GPA_ALIGNMENT, b, s, "page gpa 0x%llx", (unsigned long long)d->gpa);
		if (d->data_type > IGVM_PAGE_DATA_TYPE_MAX)
			return fail(p, IGVM_RULE_PAGE_DATA_TYPE, b + 0x14, s, "data_type %u", d->data_type);
		if (d->file_offset && get_data(p, h, d->file_offset, IGVM_PAGE_SIZE, b + 0x0C, "page data"))
			return -1;
		if (strict(p) && (d->flags & ~IGVM_PAGE_FLAG_KNOWN))
			return fail(p, IGVM_RULE_RESERVED_BITS, b + 0x10, s, "page flags 0x%x have undefined bits",
				    d->flags);
		if ((d->flags & IGVM_PAGE_FLAG_2MB) &&
		    warn(p, IGVM_RULE_WARN_2MB_PAGE, b + 0x10,
			 "page at 0x%llx is flagged 2 MiB; the reference parser reads only 4 KiB of its data",
			 (unsigned long long)d->gpa))
			return -1;
		return check_mask(p, h, b + 8);
	}

	case IGVM_VHT_PARAMETER_AREA: {
		const struct igvm_vhs_parameter_area *a = &h->body.param_area;
		if (a->number_of_bytes % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_SIZE_ALIGNMENT, b, s, "parameter area size 0x%llx",
				    (unsigned long long)a->number_of_bytes);
		if (u64map_get(&p->areas, a->parameter_area_index, NULL))
			return fail(p, IGVM_RULE_PARAMETER_AREA_INDEX, b + 8, s, "parameter area %u is declared twice",
				    a->parameter_area_index);
		if (a->file_offset && get_data(p, h, a->file_offset, a->number_of_bytes, b + 12, "parameter area data"))
			return -1;
		/* The size is kept in 56 bits; a larger area cannot be placed anywhere anyway. */
		if (a->number_of_bytes >> 56)
			return fail(p, IGVM_RULE_SIZE_ALIGNMENT, b, s, "parameter area size 0x%llx is too large",
				    (unsigned long long)a->number_of_bytes);
		if (!u64map_put(&p->areas, a->parameter_area_index, a->number_of_bytes << 8 | AREA_ALLOCATED))
			return nomem(p);
		return 0;
	}

	case IGVM_VHT_PARAMETER_INSERT: {
		const struct igvm_vhs_parameter_insert *in = &h->body.insert;
		uint64_t size;
		if (in->gpa % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_GPA_ALIGNMENT, b, s, "insert gpa 0x%llx", (unsigned long long)in->gpa);
		if (dropped(p, in->compatibility_mask))
			return 0;
		if (use_area(p, h, in->parameter_area_index, b + 12, &size))
			return -1;
		for (size_t i = 0; i < p->nregions; i++) {
			const struct region *r = &p->regions[i];
			if (r->page_table && (r->mask & in->compatibility_mask) && in->gpa >= r->start &&
			    in->gpa - r->start < r->size)
				return fail(p, IGVM_RULE_INSERT_IN_PAGE_TABLE, b, s,
					    "insert at 0x%llx lands in the page-table region at 0x%llx",
					    (unsigned long long)in->gpa, (unsigned long long)r->start);
		}
		if (!u64map_put(&p->areas, in->parameter_area_index, size << 8 | AREA_INSERTED))
			return nomem(p);
		return check_mask(p, h, b + 8);
	}

	case IGVM_VHT_VP_CONTEXT:
		return check_vp_context(p, h, b);

	case IGVM_VHT_REQUIRED_MEMORY: {
		const struct igvm_vhs_required_memory *r = &h->body.required_memory;
		if (r->gpa % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_GPA_ALIGNMENT, b, s, "required memory gpa 0x%llx",
				    (unsigned long long)r->gpa);
		if (r->number_of_bytes % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_SIZE_ALIGNMENT, b + 12, s, "required memory size 0x%x",
				    r->number_of_bytes);
		if (r->reserved)
			return fail(p, IGVM_RULE_RESERVED, b + 0x14, s, "REQUIRED_MEMORY reserved is 0x%x", r->reserved);
		if (strict(p) && (r->flags & ~IGVM_REQUIRED_MEMORY_VTL2_PROTECTABLE))
			return fail(p, IGVM_RULE_RESERVED_BITS, b + 0x10, s, "flags 0x%x have undefined bits", r->flags);
		return check_mask(p, h, b + 8);
	}

	case IGVM_VHT_ERROR_RANGE: {
		const struct igvm_vhs_error_range *e = &h->body.error_range;
		if (e->gpa % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_GPA_ALIGNMENT, b, s, "error range gpa 0x%llx",
				    (unsigned long long)e->gpa);
		if (strict(p) && e->size_bytes % IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_ERROR_RANGE_SIZE, b + 12, s, "size_bytes 0x%x", e->size_bytes);
		return check_mask(p, h, b + 8);
	}

	case IGVM_VHT_SNP_ID_BLOCK: {
		struct igvm_vhs_snp_id_block id;
		igvm_header_id_block(h, &id);
		if (strict(p) && !all_zero(id.reserved, sizeof(id.reserved)))
			return fail(p, IGVM_RULE_RESERVED, b + 5, s, "SNP_ID_BLOCK reserved is not zero");
		return check_mask(p, h, b);
	}

	case IGVM_VHT_VBS_MEASUREMENT:
		return check_mask(p, h, b);

	default: {
		/* The IGVM_VHS_PARAMETER kinds. */
		const struct igvm_vhs_parameter *pa = &h->body.param;
		uint64_t size;
		if (use_area(p, h, pa->parameter_area_index, b, &size))
			return -1;
		uint64_t need = 1;
		if (h->type == IGVM_VHT_VP_COUNT_PARAMETER || h->type == IGVM_VHT_ENVIRONMENT_INFO_PARAMETER)
			need = 4;
		else if (h->type == IGVM_VHT_MMIO_RANGES)
			need = sizeof(struct igvm_vhs_mmio_ranges);
		else if (h->type == IGVM_VHT_MEMORY_MAP)
			need = sizeof(struct igvm_vhs_memory_map_entry);
		if (strict(p) && (pa->byte_offset > size || size - pa->byte_offset < need))
			return fail(p, IGVM_RULE_PARAMETER_OFFSET, b + 4, s,
				    "byte offset 0x%x leaves less than %llu bytes in the 0x%llx-byte area %u",
				    pa->byte_offset, (unsigned long long)need, (unsigned long long)size,
				    pa->parameter_area_index);
		return 0;
	}
	}
}

/* ---- framing ------------------------------------------------------------------ */

static int parse_fixed_header(struct parse *p)
{
	struct igvm_file *f = p->f;
	const enum igvm_section s = IGVM_SECTION_PLATFORM;
	struct igvm_fixed_header_v2 fh;

	if (p->len < sizeof(struct igvm_fixed_header))
		return fail(p, IGVM_RULE_FILE_TOO_SHORT, 0, s, "the file is %zu bytes, the fixed header needs 24",
			    p->len);
	memset(&fh, 0, sizeof(fh));
	memcpy(&fh.v1, p->buf, sizeof(fh.v1));
	if (fh.v1.magic != IGVM_MAGIC)
		return fail(p, IGVM_RULE_MAGIC, 0, s, "magic is 0x%08x, expected 0x%08x ('IGVM')", fh.v1.magic,
			    IGVM_MAGIC);
	if (fh.v1.format_version != 1 && fh.v1.format_version != 2)
		return fail(p, IGVM_RULE_FORMAT_VERSION, 4, s, "format_version is %u, expected 1 or 2",
			    fh.v1.format_version);
	size_t fixed = sizeof(struct igvm_fixed_header);
	f->format_version = fh.v1.format_version;
	f->architecture = IGVM_ARCH_X64;
	f->page_size = IGVM_PAGE_SIZE;
	if (fh.v1.format_version == 2) {
		fixed = sizeof(struct igvm_fixed_header_v2);
		if (p->len < fixed)
			return fail(p, IGVM_RULE_FILE_TOO_SHORT, 0, s, "the file is %zu bytes, a v2 fixed header needs 32",
				    p->len);
		memcpy(&fh, p->buf, fixed);
		if (fh.architecture != IGVM_ARCH_X64 && fh.architecture != IGVM_ARCH_AARCH64)
			return fail(p, IGVM_RULE_ARCHITECTURE, 0x18, s, "architecture is %u, expected 0 or 1",
				    fh.architecture);
		if (fh.page_size != IGVM_PAGE_SIZE)
			return fail(p, IGVM_RULE_PAGE_SIZE, 0x1C, s, "page_size is %u, only 4096 is supported",
				    fh.page_size);
		f->architecture = fh.architecture;
	}
	if (fh.v1.total_file_size != p->len)
		return fail(p, IGVM_RULE_TOTAL_FILE_SIZE, 0x10, s, "total_file_size is %u, the file is %zu bytes",
			    fh.v1.total_file_size, p->len);
	uint64_t vho = fh.v1.variable_header_offset, vhs = fh.v1.variable_header_size;
	if (vho >= p->len)
		return fail(p, IGVM_RULE_VAR_HEADER_OFFSET, 0x08, s,
			    "variable_header_offset 0x%llx is not inside the %zu-byte file", (unsigned long long)vho,
			    p->len);
	if (vho + vhs >= p->len)
		return fail(p, IGVM_RULE_VAR_HEADER_SIZE, 0x0C, s,
			    "variable headers end at 0x%llx, leaving no file data before the end (0x%zx)%s",
			    (unsigned long long)(vho + vhs), p->len,
			    vho + vhs > UINT32_MAX ? " (u32 overflow)" : "");

	/* CRC over the fixed header with checksum 0, then the variable headers (§1.3). */
	struct igvm_fixed_header_v2 zero = fh;
	zero.v1.checksum = 0;
	uLong crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, (const Bytef *)&zero, (uInt)fixed);
	crc = crc32(crc, p->buf + vho, (uInt)vhs);
	if ((uint32_t)crc != fh.v1.checksum)
		return fail(p, IGVM_RULE_CHECKSUM, 0x14, s, "checksum is 0x%08x, the CRC-32 of the headers is 0x%08x",
			    fh.v1.checksum, (uint32_t)crc);

	if (strict(p) && (vho != fixed || vhs % IGVM_RECORD_ALIGN))
		return fail(p, IGVM_RULE_VAR_HEADER_PLACEMENT, vho != fixed ? 0x08 : 0x0C, s,
			    "variable headers at 0x%llx, size 0x%llx: expected offset 0x%zx and a multiple of 8",
			    (unsigned long long)vho, (unsigned long long)vhs, fixed);

	f->variable_header_offset = (uint32_t)vho;
	f->variable_header_size = (uint32_t)vhs;
	f->total_file_size = fh.v1.total_file_size;
	f->checksum = fh.v1.checksum;
	p->data_start = vho + vhs;
	return 0;
}

static int new_header(struct parse *p, struct igvm_header **out)
{
	struct igvm_file *f = p->f;
	if (!GROW(f->hdr, f->count, f->cap))
		return nomem(p);
	*out = &f->hdr[f->count++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

static int check_platforms_present(struct parse *p, uint64_t offset)
{
	if (p->f->section_count[IGVM_SECTION_PLATFORM] == 0)
		return fail(p, IGVM_RULE_NO_PLATFORM, offset, IGVM_SECTION_PLATFORM,
			    "the file has no SUPPORTED_PLATFORM header");
	return 0;
}

/*
 * The header array for a section of this size. A file holds one record per
 * page, so a 100 MB image makes a header array of a few MiB; growing it by
 * doubling touches every new page one fault at a time, and on a virtual
 * machine a page fault costs more than parsing the records on that page
 * (about 14 us against 1.5 us here). So the count the section's size
 * suggests (records are at least 16 bytes; PAGE_DATA records, the bulk, 32)
 * is reserved at once, with room to place transparent huge pages inside it
 * (MADV_HUGEPAGE on the 2 MiB-aligned part), and its pages are populated
 * with one madvise(MADV_POPULATE_WRITE). Measured on a 25,600-page image:
 * 10 ms of parsing with faults, 5.5 ms populated, 3 ms with huge pages. Only
 * memory changes: the parse itself does not, and where the kernel has no
 * huge pages or no MADV_POPULATE_WRITE (before Linux 5.14), pages fault in
 * as before.
 */
#define RESERVE_MIN_HEADERS 4096u
#define HUGE_PAGE (2u << 20)

static void reserve_headers(struct igvm_file *f, uint64_t section_size)
{
	uint64_t want = section_size / 32 + 16;
	if (want < RESERVE_MIN_HEADERS || f->cap >= want || want > (SIZE_MAX / 2 - HUGE_PAGE) / sizeof(*f->hdr))
		return;
	size_t bytes = (size_t)want * sizeof(*f->hdr);
	void *p = realloc(f->hdr, bytes + HUGE_PAGE);
	if (!p)
		return; /* GROW will try again, and report the failure */
	f->hdr = p;
	f->cap = (size_t)want + HUGE_PAGE / sizeof(*f->hdr);
	uintptr_t start = (uintptr_t)p, end = start + bytes + HUGE_PAGE;
#ifdef MADV_HUGEPAGE
	uintptr_t hlo = (start + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1), hhi = end & ~(uintptr_t)(HUGE_PAGE - 1);
	if (hhi > hlo)
		madvise((void *)hlo, hhi - hlo, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = (start + page - 1) & ~(page - 1), hi = (start + bytes) & ~(page - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#endif
	(void)end;
}

static int parse_records(struct parse *p)
{
	struct igvm_file *f = p->f;
	const uint64_t end = p->data_start;
	uint64_t off = f->variable_header_offset;
	reserve_headers(f, end - off);
	enum igvm_section state = IGVM_SECTION_PLATFORM;
	bool platforms_done = false;

	while (off < end) {
		if (end - off < sizeof(struct igvm_var_header))
			return fail(p, IGVM_RULE_RECORD_TRUNCATED, off, state,
				    "%llu bytes left in the variable-header section, a record header needs 8",
				    (unsigned long long)(end - off));
		struct igvm_var_header vh;
		memcpy(&vh, p->buf + off, sizeof(vh));

		uint32_t type = vh.type;
		bool optional = type & IGVM_OPTIONAL_BIT;
		if (optional && (p->flags & IGVM_PARSE_SKIP_OPTIONAL))
			type &= ~IGVM_OPTIONAL_BIT;
		enum igvm_section s;
		bool in_range = igvm_type_section(type, &s);
		if (!in_range && !(optional && (p->flags & IGVM_PARSE_SKIP_OPTIONAL)))
			return fail(p, IGVM_RULE_TYPE_RANGE, off, state,
				    "type 0x%x is in no section range%s", vh.type,
				    optional ? " (the optional bit 31 is set; igvmbuild inspect --allow-optional skips such headers)" : "");
		if (!in_range)
			s = state;

		if (s == IGVM_SECTION_PLATFORM && state != IGVM_SECTION_PLATFORM)
			return fail(p, IGVM_RULE_SECTION_ORDER, off, s, "platform header 0x%x after the platform section",
				    vh.type);
		if (s == IGVM_SECTION_INITIALIZATION && state == IGVM_SECTION_DIRECTIVE)
			return fail(p, IGVM_RULE_SECTION_ORDER, off, s,
				    "initialization header 0x%x after the first directive", vh.type);
		if (s != IGVM_SECTION_PLATFORM && !platforms_done) {
			if (check_platforms_present(p, off))
				return -1;
			platforms_done = true;
		}
		state = s;

		int want = igvm_type_length(type);
		bool corim = type == IGVM_VHT_CORIM_DOCUMENT || type == IGVM_VHT_CORIM_SIGNATURE;
		bool known = want >= 0 && (!corim || (p->flags & IGVM_PARSE_CORIM));
		if (!known && !(optional && (p->flags & IGVM_PARSE_SKIP_OPTIONAL)))
			return fail(p, IGVM_RULE_UNKNOWN_TYPE, off, s, "header type 0x%x is not defined%s", vh.type,
				    corim ? " (CoRIM headers need the corim option)" : "");
		if (known && vh.length != (uint32_t)want)
			return fail(p, IGVM_RULE_RECORD_LENGTH, off + 4, s, "%s length is %u, must be %d",
				    igvm_type_name(type), vh.length, want);

		uint64_t body = off + sizeof(vh);
		uint64_t padded = ((uint64_t)vh.length + IGVM_RECORD_ALIGN - 1) & ~(uint64_t)(IGVM_RECORD_ALIGN - 1);
		if (padded > end - body)
			return fail(p, IGVM_RULE_RECORD_PAST_SECTION, off + 4, s,
				    "record of %llu bytes (with padding) at 0x%llx runs past the section end 0x%llx",
				    (unsigned long long)(padded + 8), (unsigned long long)off, (unsigned long long)end);
		if (strict(p) && !all_zero(p->buf + body + vh.length, padded - vh.length))
			return fail(p, IGVM_RULE_PADDING, body + vh.length, s, "padding after the record is not zero");

		struct igvm_header *h = NULL;
		if (new_header(p, &h))
			return -1;
		h->type = vh.type;
		h->length = vh.length;
		h->record_offset = (uint32_t)off;
		h->section = s;
		h->known = known;
		h->optional = optional;
		h->raw = p->buf + body;
		f->section_count[s]++;
		if (known) {
			h->type = type;
			if (vh.length <= sizeof(h->body))
				memcpy(&h->body, p->buf + body, vh.length);
			int r = s == IGVM_SECTION_PLATFORM  ? check_platform(p, h, body)
				: s == IGVM_SECTION_DIRECTIVE ? check_directive(p, h, body)
							      : check_init(p, h, body);
			if (r)
				return -1;
		}
		if (state == IGVM_SECTION_DIRECTIVE && p->nregions && f->section_count[IGVM_SECTION_DIRECTIVE] == 1 &&
		    check_region_overlap(p))
			return -1;
		off = body + padded;
	}
	if (!platforms_done && check_platforms_present(p, f->variable_header_offset))
		return -1;
	if (f->section_count[IGVM_SECTION_DIRECTIVE] == 0 && check_region_overlap(p))
		return -1;

	/* Every relocation or page-table region needs a VBS context for the same VTL. */
	for (size_t i = 0; i < p->nneeds; i++) {
		bool found = false;
		for (size_t j = 0; j < p->nvbs && !found; j++)
			found = (p->vbs_ctx[j].mask & p->needs[i].mask) && p->vbs_ctx[j].vtl == p->needs[i].vtl;
		if (!found)
			return fail(p, IGVM_RULE_NO_MATCHING_VP_CONTEXT, p->needs[i].record_offset,
				    IGVM_SECTION_INITIALIZATION, "no VBS VP context for VTL %u matches this region",
				    p->needs[i].vtl);
	}
	return 0;
}

int igvm_parse(const uint8_t *buf, size_t len, unsigned flags, struct igvm_file *out, struct igvm_diag *diag)
{
	struct igvm_diag scratch;
	struct parse p = { .buf = buf, .len = len, .flags = flags, .f = out, .diag = diag ? diag : &scratch };
	memset(p.diag, 0, sizeof(*p.diag));
	igvm_file_init(out, 1, IGVM_ARCH_X64);

	int r = parse_fixed_header(&p);
	if (!r)
		r = parse_records(&p);

	u64map_free(&p.areas);
	u64map_free(&p.vp_seen);
	free(p.regions);
	free(p.needs);
	free(p.vbs_ctx);
	if (r) {
		igvm_file_free(out);
		return -1;
	}
	return 0;
}
