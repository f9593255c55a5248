/* SPDX-License-Identifier: MIT */
/*
 * cmd_inspect.c — `igvmbuild inspect [--json] [--check] [--reference]
 *                  [--allow-optional] FILE`
 *
 * Validates an IGVM file and, unless --check, prints everything in it: the
 * fixed header, every variable header in file order with its fields decoded by
 * name, and a per-platform summary of the pages the file loads. Text and JSON
 * come from the same emitter calls (common/emit.h); the few places where the
 * text form is a single line and the JSON form an object branch on
 * emit_is_json().
 *
 * Exit codes (common/status.h): 0 valid, 1 invalid (one line on stderr naming
 * file, offset and rule), 2 usage, 3 I/O, 4 internal / out of memory.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/digest.h"
#include "../common/emit.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "../format/igvm.h"
#include "../format/igvm_describe.h"
#include "../format/launch_info.h"
#include "../svsm/fs/igfs.h"
#include "cmds.h"
#include "../measure/kvm_vmsa.h"
#include "../svsm/vtpm_cfg.h"

#define USAGE_LINE "usage: igvmbuild inspect [--json] [--check] [--reference] [--allow-optional] FILE"

/* VBS_MEASUREMENT.boot_digest_algo value for SHA-256 (spec §3.3). */
#define VBS_DIGEST_SHA256 1u

/* An IGVM file is at most 4 GiB - 1 bytes: every size and offset in it is a u32. */
#define INSPECT_MAX_FILE 0xFFFFFFFFull

struct area {
	uint32_t index;
	uint64_t size;
};

struct inspect {
	const char *path;
	const uint8_t *buf;
	size_t len;
	const struct igvm_file *f;
	struct emit *e;
	unsigned parse_flags;
	struct area *areas; /* PARAMETER_AREA sizes, sorted by index */
	size_t nareas;
	bool internal_error; /* libcrypto failed or out of memory */
};

static void igvm_file_freep(struct igvm_file *f)
{
	igvm_file_free(f);
}

static void usage_help(FILE *out)
{
	fprintf(out,
		USAGE_LINE "\n"
		"\n"
		"Validate an IGVM file and show its contents.\n"
		"\n"
		"  --json            print one JSON document instead of text\n"
		"  --check           validate only: print nothing when valid (exit 0)\n"
		"  --reference       apply only the rules of the reference parser (default: strict)\n"
		"  --allow-optional  skip unknown header types that have the optional bit (31) set\n"
		"  -h, --help        show this help\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ib_err("inspect: %s", msg);
	fprintf(stderr, "%s\n", USAGE_LINE);
	return IB_EXIT_USAGE;
}

/* ---- small emit helpers ---------------------------------------------------------- */

static const char *or_unknown(const char *s)
{
	return s ? s : "UNKNOWN";
}

/* Names of the platforms whose mask intersects `mask`, in file order. */
static size_t platforms_for_mask(const struct igvm_file *f, uint32_t mask, const char **names, uint8_t *types,
				 size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < f->count && n < max; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (h->section != IGVM_SECTION_PLATFORM)
			break;
		if (!h->known || h->type != IGVM_VHT_SUPPORTED_PLATFORM)
			continue;
		if (!(h->body.platform.compatibility_mask & mask))
			continue;
		if (names)
			names[n] = or_unknown(igvm_platform_name(h->body.platform.platform_type));
		if (types)
			types[n] = h->body.platform.platform_type;
		n++;
	}
	return n;
}

static void emit_mask(struct inspect *c, uint32_t mask)
{
	const char *names[32];
	size_t n = platforms_for_mask(c->f, mask, names, NULL, ARRAY_SIZE(names));
	emit_hex(c->e, "compatibility_mask", mask, 8);
	emit_flags(c->e, "platforms", names, n);
}

/* "ABI_MINOR" → "abi_minor" */
static void lower_name(const char *in, char *out, size_t n)
{
	size_t i = 0;
	for (; in[i] && i + 1 < n; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] - 'A' + 'a' : in[i]);
	out[i] = 0;
}

/* One line in text: numeric fields, set flags, clear must-be-one flags, unknown bits. */
static void emit_bits(struct inspect *c, const char *key, const struct igvm_bits *d, uint64_t v, int width)
{
	struct emit *e = c->e;
	const char *names[64];
	emit_begin_inline(e, key);
	for (size_t i = 0; i < d->count; i++) {
		const struct igvm_bitfield *f = &d->fields[i];
		if (f->width == 1)
			continue;
		char lname[40];
		lower_name(f->name, lname, sizeof(lname));
		emit_u64(e, lname, igvm_bitfield_get(f, v));
	}
	size_t n = igvm_bits_flag_names(d, v, names, ARRAY_SIZE(names));
	emit_flags(e, "flags", names, n < ARRAY_SIZE(names) ? n : ARRAY_SIZE(names));
	size_t nmbo = 0;
	for (size_t i = 0; i < d->count; i++)
		if (d->fields[i].must_be_one && !igvm_bitfield_get(&d->fields[i], v))
			names[nmbo++] = d->fields[i].name;
	if (nmbo)
		emit_flags(e, "must_be_one_clear", names, nmbo);
	emit_hex(e, "unknown_bits", igvm_bits_unknown(d, v), width);
	emit_end_object(e);
}

/* Flags word: the raw value and the names of its bits. */
static void emit_flag_word(struct inspect *c, const char *key, const char *names_key, const struct igvm_bits *d,
			   uint64_t v, int width)
{
	const char *names[64];
	size_t n = igvm_bits_flag_names(d, v, names, ARRAY_SIZE(names));
	emit_hex(c->e, key, v, width);
	emit_flags(c->e, names_key, names, n < ARRAY_SIZE(names) ? n : ARRAY_SIZE(names));
	uint64_t unknown = igvm_bits_unknown(d, v);
	if (unknown) {
		char k[64];
		snprintf(k, sizeof(k), "%s_unknown_bits", key);
		emit_hex(c->e, k, unknown, width);
	}
}

static void emit_sha256(struct inspect *c, const char *key, const uint8_t *data, size_t len)
{
	uint8_t md[IB_SHA256_LEN];
	char hex[2 * IB_SHA256_LEN + 1];
	if (ib_sha256(data, len, md) < 0) {
		c->internal_error = true;
		emit_null(c->e, key);
		return;
	}
	ib_hex(md, sizeof(md), hex);
	emit_str(c->e, key, hex);
}

static void emit_bytes_hex(struct inspect *c, const char *key, const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];
	if (n > 64)
		n = 64;
	ib_hex(p, n, hex);
	emit_str(c->e, key, hex);
}

/* File data of a header: offset, size and SHA-256, or `none_text` when there is none. */
static void emit_data(struct inspect *c, const struct igvm_header *h, const char *none_text)
{
	emit_hex(c->e, "file_offset", h->data ? h->data_offset : 0, 8);
	emit_u64(c->e, "data_size", h->data ? h->data_len : 0);
	if (h->data)
		emit_sha256(c, "sha256", h->data, h->data_len);
	else
		emit_str(c->e, "data", none_text);
}

/* ---- registers -------------------------------------------------------------------- */

static void emit_reg(struct inspect *c, const struct igvm_reg *r, const uint8_t *base)
{
	struct emit *e = c->e;
	char hex[2 * 16 + 3];
	switch (r->kind) {
	case IGVM_REG_SEGMENT: {
		struct igvm_sev_selector s = igvm_reg_segment(r, base);
		emit_begin_inline(e, r->name);
		emit_hex(e, "selector", s.selector, 4);
		emit_hex(e, "attrib", s.attrib, 4);
		emit_hex(e, "limit", s.limit, 8);
		emit_hex(e, "base", s.base, 16);
		emit_end_object(e);
		break;
	}
	case IGVM_REG_U64:
		emit_hex(e, r->name, igvm_reg_u64(r, base), 16);
		break;
	case IGVM_REG_U32:
		emit_hex(e, r->name, igvm_reg_u64(r, base), 8);
		break;
	case IGVM_REG_U16:
		emit_hex(e, r->name, igvm_reg_u64(r, base), 4);
		break;
	case IGVM_REG_U8:
		emit_u64(e, r->name, igvm_reg_u64(r, base));
		break;
	case IGVM_REG_BYTES:
		igvm_reg_hex(r, base, hex, sizeof(hex));
		emit_str(e, r->name, hex);
		break;
	}
	if (r->bits) {
		char key[64];
		snprintf(key, sizeof(key), "%s_bits", r->name);
		emit_bits(c, key, r->bits, igvm_reg_u64(r, base), 16);
	}
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

/*
 * All registers of a layout in JSON; in text only the non-zero ones plus those
 * in `always` (a VMSA is 4 KiB of mostly zeros).
 */
static void emit_layout(struct inspect *c, const char *key, const struct igvm_layout *l, const uint8_t *base,
			const char *const *always, size_t nalways)
{
	bool all = emit_is_json(c->e);
	emit_begin_object(c->e, key);
	for (size_t i = 0; i < l->count; i++) {
		const struct igvm_reg *r = &l->regs[i];
		if (all || !igvm_reg_is_zero(r, base) || in_list(r->name, always, nalways))
			emit_reg(c, r, base);
	}
	emit_end_object(c->e);
}

static void emit_vmsa(struct inspect *c, const struct igvm_header *h)
{
	static const char *const always[] = { "cs", "rip", "rsp", "cr0", "cr3", "cr4",
					      "efer", "rflags", "sev_features", "vmpl" };
	if (!h->data || h->data_len < sizeof(struct igvm_sev_vmsa))
		return;
	emit_layout(c, "vmsa", &igvm_vmsa_layout, h->data, always, ARRAY_SIZE(always));
	uint32_t off;
	const struct igvm_reg *field;
	bool nonzero = igvm_vmsa_reserved_nonzero(h->data, h->data_len, &off, &field);
	emit_bool(c->e, "vmsa_reserved_zero", !nonzero);
	if (nonzero) {
		emit_begin_inline(c->e, "vmsa_reserved_nonzero");
		emit_hex(c->e, "offset", off, 3);
		emit_str(c->e, "field", field->name);
		emit_end_object(c->e);
	}

	/* Where QEMU/KVM would measure something else, or refuse it (measure/kvm_vmsa.h). */
	uint64_t feats;
	memcpy(&feats, h->data + offsetof(struct igvm_sev_vmsa, sev_features), sizeof(feats));
	struct kvm_vmsa_finding kf[KVM_VMSA_MAX_FINDINGS];
	size_t n = kvm_vmsa_check(h->data, feats & SEV_FEAT_SNP, kf, ARRAY_SIZE(kf));
	if (n > ARRAY_SIZE(kf))
		n = ARRAY_SIZE(kf);
	emit_begin_array(c->e, "kvm_findings");
	for (size_t i = 0; i < n; i++) {
		emit_begin_inline(c->e, NULL);
		emit_str(c->e, "rule", kf[i].rule);
		emit_str(c->e, "severity", kf[i].warning ? "warning" : "error");
		emit_str(c->e, "field", kf[i].field);
		emit_hex(c->e, "offset", kf[i].offset, 3);
		emit_str(c->e, "detail", kf[i].detail);
		emit_end_object(c->e);
		/* A feature the stock host stack refuses is worth a line on stderr too. */
		if (!strcmp(kf[i].rule, "kvm.sev-features-host"))
			ib_warn("%s: offset 0x%llx: %s: %s", c->path, (unsigned long long)h->record_offset, kf[i].rule,
				kf[i].detail);
	}
	emit_end_array(c->e);
}

static void emit_native(struct inspect *c, const struct igvm_header *h)
{
	static const char *const always[] = { "rip", "rsp", "rflags", "cr0", "cr3", "cr4", "efer",
					      "code_selector", "code_attributes", "data_selector" };
	if (!h->data || h->data_len < sizeof(struct igvm_native_vp_context_x64))
		return;
	emit_layout(c, "native_context", &igvm_native_x64_layout, h->data, always, ARRAY_SIZE(always));
}

static void emit_cca(struct inspect *c, const struct igvm_header *h)
{
	static const char *const always[] = { "pc", "flags" };
	if (!h->data || h->data_len < sizeof(struct igvm_cca_vp_context))
		return;
	emit_layout(c, "cca_context", &igvm_cca_context_layout, h->data, always, ARRAY_SIZE(always));
}

static void emit_vbs(struct inspect *c, const struct igvm_header *h)
{
	struct emit *e = c->e;
	uint32_t count;
	if (!h->data || h->data_len < 4)
		return;
	memcpy(&count, h->data, 4);
	if ((uint64_t)count * 32 > h->data_len - 4)
		return;
	emit_u64(e, "register_count", count);
	emit_begin_array(e, "vbs_registers");
	for (uint32_t i = 0; i < count; i++) {
		struct igvm_vbs_vp_register r;
		memcpy(&r, h->data + 4 + 32 * (size_t)i, sizeof(r));
		enum igvm_vbs_reg_kind kind = IGVM_VBS_REG_SCALAR;
		const char *name = igvm_vbs_register_name(c->f->architecture, r.register_name, &kind);
		emit_begin_inline(e, NULL);
		emit_str(e, "name", or_unknown(name));
		emit_hex(e, "code", r.register_name, 8);
		emit_u64(e, "vtl", r.vtl);
		if (kind == IGVM_VBS_REG_SCALAR) {
			uint64_t v;
			memcpy(&v, r.register_value, 8);
			emit_hex(e, "value", v, 16);
		} else {
			/* Table and segment values: the bytes as stored, then decoded. */
			char hex[2 * 16 + 1];
			ib_hex(r.register_value, sizeof(r.register_value), hex);
			emit_str(e, "raw", hex);
			uint64_t base;
			uint32_t limit32;
			uint16_t limit16, sel, attr;
			if (kind == IGVM_VBS_REG_TABLE) {
				memcpy(&limit16, r.register_value + 6, 2);
				memcpy(&base, r.register_value + 8, 8);
				emit_hex(e, "base", base, 16);
				emit_hex(e, "limit", limit16, 4);
			} else {
				memcpy(&base, r.register_value, 8);
				memcpy(&limit32, r.register_value + 8, 4);
				memcpy(&sel, r.register_value + 12, 2);
				memcpy(&attr, r.register_value + 14, 2);
				emit_hex(e, "base", base, 16);
				emit_hex(e, "limit", limit32, 8);
				emit_hex(e, "selector", sel, 4);
				emit_hex(e, "attributes", attr, 4);
			}
		}
		emit_end_object(e);
	}
	emit_end_array(e);
}

/* ---- headers ---------------------------------------------------------------------- */

static int area_cmp(const void *a, const void *b)
{
	const struct area *x = a, *y = b;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int collect_areas(struct inspect *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->f->count; i++)
		if (c->f->hdr[i].known && c->f->hdr[i].type == IGVM_VHT_PARAMETER_AREA)
			n++;
	if (!n)
		return 0;
	c->areas = calloc(n, sizeof(*c->areas));
	if (!c->areas)
		return -ENOMEM;
	for (size_t i = 0; i < c->f->count; i++) {
		const struct igvm_header *h = &c->f->hdr[i];
		if (h->known && h->type == IGVM_VHT_PARAMETER_AREA)
			c->areas[c->nareas++] = (struct area){ h->body.param_area.parameter_area_index,
							       h->body.param_area.number_of_bytes };
	}
	qsort(c->areas, c->nareas, sizeof(*c->areas), area_cmp);
	return 0;
}

static bool area_size(const struct inspect *c, uint32_t index, uint64_t *size)
{
	struct area key = { index, 0 };
	const struct area *a = c->nareas ? bsearch(&key, c->areas, c->nareas, sizeof(*c->areas), area_cmp) : NULL;
	if (!a)
		return false;
	*size = a->size;
	return true;
}

static void emit_guest_policy(struct inspect *c, const struct igvm_vhs_guest_policy *p)
{
	const char *names[32];
	uint8_t types[32];
	size_t n = platforms_for_mask(c->f, p->compatibility_mask, names, types, ARRAY_SIZE(types));
	bool snp = false, tdx = false;
	for (size_t i = 0; i < n; i++) {
		snp |= types[i] == IGVM_PLATFORM_SEV_SNP || types[i] == IGVM_PLATFORM_SEV_ES ||
		       types[i] == IGVM_PLATFORM_SEV;
		tdx |= types[i] == IGVM_PLATFORM_TDX;
	}
	emit_mask(c, p->compatibility_mask);
	emit_hex(c->e, "policy", p->policy, 16);
	if (snp)
		emit_bits(c, "snp_policy", &igvm_snp_policy_bits, p->policy, 16);
	if (tdx)
		emit_bits(c, "tdx_policy", &igvm_tdx_policy_bits, p->policy, 16);
}

static void emit_vp_context(struct inspect *c, const struct igvm_header *h)
{
	const struct igvm_vhs_vp_context *v = &h->body.vp;
	int plat = igvm_platform_for_mask(c->f, v->compatibility_mask);
	emit_hex(c->e, "gpa", v->gpa, 16);
	emit_hex(c->e, "compatibility_mask", v->compatibility_mask, 8);
	emit_str(c->e, "platform", plat < 0 ? "UNKNOWN" : or_unknown(igvm_platform_name((uint8_t)plat)));
	emit_u64(c->e, "vp_index", v->vp_index);
	emit_data(c, h, "none");
	switch (plat) {
	case IGVM_PLATFORM_SEV_SNP:
	case IGVM_PLATFORM_SEV_ES:
		emit_vmsa(c, h);
		break;
	case IGVM_PLATFORM_NATIVE:
	case IGVM_PLATFORM_SEV:
		emit_native(c, h);
		break;
	case IGVM_PLATFORM_VSM_ISOLATION:
		emit_vbs(c, h);
		break;
	case IGVM_PLATFORM_CCA:
		emit_cca(c, h);
		break;
	default:
		break;
	}
}

/* ---- TDX ------------------------------------------------------------------------------ */

/* The TDX platform whose mask a page header's mask includes, or NULL. */
static const struct igvm_header *tdx_platform(const struct igvm_file *f, uint32_t mask)
{
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (h->section != IGVM_SECTION_PLATFORM)
			break;
		if (h->known && h->type == IGVM_VHT_SUPPORTED_PLATFORM && h->body.platform.platform_type == IGVM_PLATFORM_TDX &&
		    (h->body.platform.compatibility_mask & mask))
			return h;
	}
	return NULL;
}

/* The VP context a TDX platform's reset page holds (igvm_describe.h), or NULL; *page_out gets the page. */
static const struct igvm_layout *tdx_reset_context(const struct inspect *c, uint32_t mask, const uint8_t **page_out)
{
	for (size_t i = 0; i < c->f->count; i++) {
		const struct igvm_header *h = &c->f->hdr[i];
		if (!h->known || h->type != IGVM_VHT_PAGE_DATA || h->body.page.gpa != IGVM_TDX_RESET_PAGE_GPA ||
		    !(h->body.page.compatibility_mask & mask) || (h->body.page.flags & IGVM_PAGE_FLAG_SHARED))
			continue;
		const struct igvm_layout *l = igvm_tdx_reset_context(h->data, h->data_len);
		if (l) {
			*page_out = h->data;
			return l;
		}
	}
	return NULL;
}

/*
 * A TDX platform header: what shared_gpa_boundary means for a TD (the shared
 * bit is the top GPA bit, 47 or 51), whether it asks for TD partitioning, and
 * where the vCPUs start.
 */
static void emit_tdx_platform(struct inspect *c, const struct igvm_vhs_supported_platform *p)
{
	struct emit *e = c->e;
	uint64_t b = p->shared_gpa_boundary;
	if (b == 1ull << 47 || b == 1ull << 51)
		emit_u64(e, "tdx_gpaw", b == 1ull << 47 ? 48 : 52);
	emit_str(e, "tdx_shared_gpa", b == 0 ? "none given (0)"
				   : b == 1ull << 47 ? "GPA bit 47 (GPAW 48)"
				   : b == 1ull << 51 ? "GPA bit 51 (GPAW 52)"
						     : "not a TDX shared bit (expected 0, 1 << 47 or 1 << 51)");
	emit_bool(e, "tdx_td_partitioning", p->highest_vtl == 2);
	const uint8_t *page = NULL;
	const struct igvm_layout *l = tdx_reset_context(c, p->compatibility_mask, &page);
	if (l)
		emit_strf(e, "tdx_vp_context", "%s in the reset page, entry 0x%llx", l->name,
			  (unsigned long long)igvm_tdx_context_rip(l, page));
	else
		emit_str(e, "tdx_vp_context", "architectural: the TDX module's initial state at 0xFFFFFFF0");
	emit_str(e, "measurement", "MRTD (igvmmeasure -p tdx FILE measure)");
}

/* A PAGE_DATA that is the reset page of a TDX platform and holds a known VP context. */
static void emit_tdx_page(struct inspect *c, const struct igvm_header *h)
{
	static const char *const always[] = { "initial_rip", "rip", "rsp", "cr0", "cr3", "cr4", "code_selector" };
	if (h->body.page.gpa != IGVM_TDX_RESET_PAGE_GPA || !tdx_platform(c->f, h->body.page.compatibility_mask))
		return;
	const struct igvm_layout *l = igvm_tdx_reset_context(h->data, h->data_len);
	if (!l)
		return;
	emit_str(c->e, "tdx_vp_context_layout", l->name);
	emit_layout(c, "tdx_vp_context", l, h->data, always, ARRAY_SIZE(always));
}

static void emit_id_block(struct inspect *c, const struct igvm_header *h)
{
	struct emit *e = c->e;
	struct igvm_vhs_snp_id_block id;
	if (!igvm_header_id_block(h, &id))
		return;
	emit_mask(c, id.compatibility_mask);
	emit_u64(e, "author_key_enabled", id.author_key_enabled);
	emit_bytes_hex(c, "ld", id.ld, sizeof(id.ld));
	emit_bytes_hex(c, "family_id", id.family_id, sizeof(id.family_id));
	emit_bytes_hex(c, "image_id", id.image_id, sizeof(id.image_id));
	emit_u64(e, "version", id.version);
	emit_u64(e, "guest_svn", id.guest_svn);
	emit_u64(e, "id_key_algorithm", id.id_key_algorithm);
	emit_str(e, "id_key_algorithm_name", or_unknown(igvm_snp_key_algorithm_name(id.id_key_algorithm)));
	emit_u64(e, "author_key_algorithm", id.author_key_algorithm);
	emit_str(e, "author_key_algorithm_name", or_unknown(igvm_snp_key_algorithm_name(id.author_key_algorithm)));
	emit_u64(e, "id_key_curve", id.id_public_key.curve);
	emit_str(e, "id_key_curve_name", or_unknown(igvm_snp_curve_name(id.id_public_key.curve)));
	emit_u64(e, "author_key_curve", id.author_public_key.curve);
	emit_str(e, "author_key_curve_name", or_unknown(igvm_snp_curve_name(id.author_public_key.curve)));
}

static void emit_vbs_measurement(struct inspect *c, const struct igvm_header *h)
{
	struct emit *e = c->e;
	struct igvm_vhs_vbs_measurement m;
	if (!igvm_header_vbs_measurement(h, &m))
		return;
	emit_mask(c, m.compatibility_mask);
	emit_u64(e, "version", m.version);
	emit_u64(e, "product_id", m.product_id);
	emit_u64(e, "module_id", m.module_id);
	emit_u64(e, "security_version", m.security_version);
	emit_hex(e, "policy_flags", m.policy_flags, 8);
	emit_u64(e, "boot_digest_algo", m.boot_digest_algo);
	emit_str(e, "boot_digest_algo_name", or_unknown(igvm_vbs_digest_algo_name(m.boot_digest_algo)));
	emit_u64(e, "signing_algo", m.signing_algo);
	emit_str(e, "signing_algo_name", or_unknown(igvm_vbs_signing_algo_name(m.signing_algo)));
	/* SHA-256 (boot_digest_algo 1) fills the first 32 bytes of the 64-byte field. */
	size_t dlen = m.boot_digest_algo == VBS_DIGEST_SHA256 ? IB_SHA256_LEN : sizeof(m.boot_measurement_digest);
	emit_bytes_hex(c, "boot_measurement_digest", m.boot_measurement_digest, dlen);
}

static void emit_header_body(struct inspect *c, const struct igvm_header *h)
{
	struct emit *e = c->e;
	const union igvm_body *b = &h->body;

	switch (h->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		emit_hex(e, "compatibility_mask", b->platform.compatibility_mask, 8);
		emit_str(e, "platform_type", or_unknown(igvm_platform_name(b->platform.platform_type)));
		emit_u64(e, "platform_type_code", b->platform.platform_type);
		emit_u64(e, "highest_vtl", b->platform.highest_vtl);
		emit_u64(e, "platform_version", b->platform.platform_version);
		emit_hex(e, "shared_gpa_boundary", b->platform.shared_gpa_boundary, 16);
		if (b->platform.platform_type == IGVM_PLATFORM_TDX)
			emit_tdx_platform(c, &b->platform);
		break;

	case IGVM_VHT_GUEST_POLICY:
		emit_guest_policy(c, &b->policy);
		break;

	case IGVM_VHT_RELOCATABLE_REGION:
		emit_mask(c, b->reloc.compatibility_mask);
		emit_u64(e, "vp_index", b->reloc.vp_index);
		emit_u64(e, "vtl", b->reloc.vtl);
		emit_flag_word(c, "flags", "flag_names", &igvm_reloc_flags_bits, b->reloc.flags, 2);
		emit_hex(e, "relocation_alignment", b->reloc.relocation_alignment, 16);
		emit_hex(e, "relocation_region_gpa", b->reloc.relocation_region_gpa, 16);
		emit_hex(e, "relocation_region_size", b->reloc.relocation_region_size, 16);
		emit_hex(e, "minimum_relocation_gpa", b->reloc.minimum_relocation_gpa, 16);
		emit_hex(e, "maximum_relocation_gpa", b->reloc.maximum_relocation_gpa, 16);
		break;

	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		emit_mask(c, b->pt_reloc.compatibility_mask);
		emit_u64(e, "vp_index", b->pt_reloc.vp_index);
		emit_u64(e, "vtl", b->pt_reloc.vtl);
		emit_hex(e, "gpa", b->pt_reloc.gpa, 16);
		emit_hex(e, "size", b->pt_reloc.size, 16);
		emit_hex(e, "used_size", b->pt_reloc.used_size, 16);
		break;

	case IGVM_VHT_CORIM_DOCUMENT:
	case IGVM_VHT_CORIM_SIGNATURE:
		emit_mask(c, b->corim.compatibility_mask);
		emit_u64(e, "size_bytes", b->corim.size_bytes);
		emit_data(c, h, "none (empty payload)");
		break;

	case IGVM_VHT_CCA_POLICY:
		emit_mask(c, b->cca_policy.compatibility_mask);
		emit_flag_word(c, "attributes_required_zeroes", "attributes_required_zeroes_names", &igvm_cca_attr_bits,
			       b->cca_policy.attributes_required_zeroes, 16);
		emit_flag_word(c, "attributes_required_ones", "attributes_required_ones_names", &igvm_cca_attr_bits,
			       b->cca_policy.attributes_required_ones, 16);
		emit_u64(e, "hash_algorithm", b->cca_policy.hash_algorithm);
		emit_str(e, "hash_algorithm_name", or_unknown(igvm_cca_hash_algorithm_name(b->cca_policy.hash_algorithm)));
		emit_u64(e, "lfa_policy", b->cca_policy.lfa_policy);
		emit_str(e, "lfa_policy_name", or_unknown(igvm_cca_lfa_policy_name(b->cca_policy.lfa_policy)));
		break;

	case IGVM_VHT_PAGE_DATA:
		emit_hex(e, "gpa", b->page.gpa, 16);
		emit_mask(c, b->page.compatibility_mask);
		emit_flag_word(c, "flags", "flag_names", &igvm_page_flags_bits, b->page.flags, 8);
		emit_str(e, "data_type", or_unknown(igvm_page_data_type_name(b->page.data_type)));
		emit_data(c, h, "zero page (no data)");
		emit_tdx_page(c, h);
		break;

	case IGVM_VHT_PARAMETER_AREA:
		emit_u64(e, "parameter_area_index", b->param_area.parameter_area_index);
		emit_u64(e, "number_of_bytes", b->param_area.number_of_bytes);
		emit_data(c, h, "zero-filled (no initial data)");
		break;

	case IGVM_VHT_PARAMETER_INSERT: {
		uint64_t size;
		emit_hex(e, "gpa", b->insert.gpa, 16);
		emit_mask(c, b->insert.compatibility_mask);
		emit_u64(e, "parameter_area_index", b->insert.parameter_area_index);
		if (area_size(c, b->insert.parameter_area_index, &size)) {
			emit_u64(e, "area_size", size);
			emit_u64(e, "pages", size / IGVM_PAGE_SIZE);
		}
		break;
	}

	case IGVM_VHT_VP_CONTEXT:
		emit_vp_context(c, h);
		break;

	case IGVM_VHT_REQUIRED_MEMORY:
		emit_hex(e, "gpa", b->required_memory.gpa, 16);
		emit_mask(c, b->required_memory.compatibility_mask);
		emit_u64(e, "number_of_bytes", b->required_memory.number_of_bytes);
		emit_flag_word(c, "flags", "flag_names", &igvm_required_memory_bits, b->required_memory.flags, 8);
		break;

	case IGVM_VHT_ERROR_RANGE:
		emit_hex(e, "gpa", b->error_range.gpa, 16);
		emit_mask(c, b->error_range.compatibility_mask);
		emit_u64(e, "size_bytes", b->error_range.size_bytes);
		break;

	case IGVM_VHT_SNP_ID_BLOCK:
		emit_id_block(c, h);
		break;

	case IGVM_VHT_VBS_MEASUREMENT:
		emit_vbs_measurement(c, h);
		break;

	default: {
		/* The IGVM_VHS_PARAMETER kinds (parameter uses). */
		const char *what = igvm_parameter_use_text(h->type);
		if (!what)
			break;
		emit_str(e, "parameter", what);
		emit_u64(e, "parameter_area_index", b->param.parameter_area_index);
		emit_hex(e, "byte_offset", b->param.byte_offset, 8);
		break;
	}
	}
}

static void emit_headers(struct inspect *c)
{
	struct emit *e = c->e;
	emit_begin_array(e, "headers");
	for (size_t i = 0; i < c->f->count; i++) {
		const struct igvm_header *h = &c->f->hdr[i];
		const char *name = h->known ? igvm_type_name(h->type) : NULL;
		char label[64];
		snprintf(label, sizeof(label), "[%zu] %s", i, or_unknown(name));
		emit_begin_object(e, label);
		emit_u64(e, "index", i);
		emit_str(e, "section", igvm_section_name(h->section));
		emit_str(e, "type", or_unknown(name));
		emit_hex(e, "type_code", h->type, 8);
		emit_hex(e, "record_offset", h->record_offset, 8);
		emit_u64(e, "length", h->length);
		if (!h->known) {
			emit_bool(e, "known", false);
			emit_bool(e, "optional", h->type & IGVM_OPTIONAL_BIT);
		} else {
			emit_header_body(c, h);
		}
		emit_end_object(e);
	}
	emit_end_array(e);
}

/* ---- the vTPM configuration blob (format/vtpm_config.h) ------------------------------ */

/*
 * The builder places the compiled vTPM manifest in measured pages (launch_info.h,
 * 0x28000 by default); the launch information records where, but a file from another
 * builder need not have ours, so the blob is found by its magic at the start of a
 * page. Its pages are gathered by GPA (same compatibility mask as the first), up to
 * the header's total_size (bounded by VTPM_CONFIG_MAX_SIZE), and the result is
 * checked with the SVSM's own reader (svsm/vtpm_cfg.c) before any field is shown.
 */
static const struct igvm_header *vtpm_page(const struct inspect *c, uint64_t gpa, uint32_t mask)
{
	for (size_t i = 0; i < c->f->count; i++) {
		const struct igvm_header *h = &c->f->hdr[i];
		if (h->known && h->type == IGVM_VHT_PAGE_DATA && h->body.page.gpa == gpa &&
		    (h->body.page.compatibility_mask & mask))
			return h;
	}
	return NULL;
}

static const char *vtpm_template_name(uint16_t t)
{
	static const char *const n[] = { NULL, "L-1", "L-2", "H-1", "H-2", "H-3", "H-4", "H-6" };
	return t < ARRAY_SIZE(n) && n[t] ? n[t] : "unknown";
}

static const char *vtpm_hash_name(uint16_t a)
{
	return a == VTPM_TPM_ALG_SHA256 ? "sha256" : a == VTPM_TPM_ALG_SHA384 ? "sha384" :
	       a == VTPM_TPM_ALG_SHA512 ? "sha512" : a == 0x0004 ? "sha1" : "unknown";
}

static void emit_vtpm(struct inspect *c)
{
	const struct igvm_header *first = NULL;
	for (size_t i = 0; i < c->f->count && !first; i++) {
		const struct igvm_header *h = &c->f->hdr[i];
		uint64_t magic;
		if (!h->known || h->type != IGVM_VHT_PAGE_DATA || !h->data || h->data_len < sizeof(magic) ||
		    (h->body.page.gpa & (IGVM_PAGE_SIZE - 1)))
			continue;
		memcpy(&magic, h->data, sizeof(magic));
		if (magic == VTPM_CONFIG_MAGIC)
			first = h;
	}
	if (!first) {
		emit_null(c->e, "vtpm");
		return;
	}
	static uint8_t blob[VTPM_CONFIG_MAX_SIZE];
	memset(blob, 0, sizeof(blob));
	struct vtpm_config_header h;
	memcpy(&h, first->data, first->data_len < sizeof(h) ? first->data_len : sizeof(h));
	uint32_t total = h.total_size <= VTPM_CONFIG_MAX_SIZE ? h.total_size : VTPM_CONFIG_MAX_SIZE;
	uint64_t gpa = first->body.page.gpa;
	uint32_t mask = first->body.page.compatibility_mask;
	bool complete = true;
	for (uint32_t off = 0; off < total; off += IGVM_PAGE_SIZE) {
		const struct igvm_header *p = off ? vtpm_page(c, gpa + off, mask) : first;
		if (!p) {
			complete = false;
			break;
		}
		if (p->data) /* no data: a zero page */
			memcpy(blob + off, p->data, p->data_len < IGVM_PAGE_SIZE ? p->data_len : IGVM_PAGE_SIZE);
	}
	struct emit *e = c->e;
	emit_begin_object(e, "vtpm");
	emit_hex(e, "gpa", gpa, 16);
	emit_u64(e, "size", total);
	emit_sha256(c, "sha256", blob, total);
	struct vtpm_cfg_summary sum;
	int rc = complete ? vtpm_cfg_parse(blob, total, &sum) : VTPM_CFG_TOO_SHORT;
	emit_str(e, "status", rc ? vtpm_cfg_strerror(rc) : "valid");
	if (rc) {
		emit_end_object(e);
		return;
	}
	vtpm_cfg_header(blob, &h);
	emit_u64(e, "version", h.version);
	char banks[64];
	vtpm_cfg_banks(h.pcr_banks, banks, sizeof(banks));
	emit_str(e, "pcr_banks", banks);
	emit_begin_inline(e, "endorsement_key");
	emit_str(e, "template", vtpm_template_name(h.ek_template));
	emit_str(e, "algorithm", h.ek_algorithm == VTPM_TPM_ALG_RSA ? "rsa" : h.ek_algorithm == VTPM_TPM_ALG_ECC ? "ecc" : "unknown");
	emit_u64(e, "key_bits", h.ek_key_bits);
	emit_hex(e, "curve", h.ek_curve, 4);
	emit_str(e, "name_alg", vtpm_hash_name(h.ek_name_alg));
	emit_bool(e, "persistent", h.flags & VTPM_CONFIG_FLAG_CREATE_EK_AT_MANUFACTURE);
	emit_end_object(e);
	emit_str(e, "manufacturer", sum.manufacturer);
	char vendor[17];
	size_t vl = 0;
	for (; vl < sizeof(h.vendor_string) && h.vendor_string[vl]; vl++)
		vendor[vl] = h.vendor_string[vl] >= 0x20 && h.vendor_string[vl] < 0x7F ? h.vendor_string[vl] : '?';
	vendor[vl] = 0;
	emit_str(e, "vendor", vendor);
	emit_hex(e, "firmware_version", h.firmware_version, 16);
	emit_str(e, "persistence", h.persistence == VTPM_PERSIST_EPHEMERAL ? "ephemeral" :
				   h.persistence == VTPM_PERSIST_SEALED ? "sealed" : "unknown");
	emit_hex(e, "flags", h.flags, 8);
	emit_begin_array(e, "nv_indices");
	for (uint32_t i = 0; i < h.nv_count; i++) {
		struct vtpm_config_nv_index x;
		const uint8_t *data;
		vtpm_cfg_nv(blob, &h, i, &x, &data);
		emit_begin_inline(e, NULL);
		emit_hex(e, "handle", x.index, 8);
		emit_hex(e, "attributes", x.attributes, 8);
		emit_str(e, "name_alg", vtpm_hash_name(x.name_alg));
		emit_u64(e, "size", x.size);
		emit_u64(e, "data_len", x.data_len);
		if (data)
			emit_sha256(c, "data_sha256", data, x.data_len);
		emit_bool(e, "write_lock", x.flags & VTPM_NV_FLAG_WRITE_LOCK);
		emit_end_object(e);
	}
	emit_end_array(e);
	emit_end_object(e);
}

/* ---- file and summary --------------------------------------------------------------- */

static void emit_file(struct inspect *c)
{
	struct emit *e = c->e;
	const struct igvm_file *f = c->f;
	emit_begin_object(e, "file");
	emit_str(e, "path", c->path);
	emit_u64(e, "size", c->len);
	emit_sha256(c, "sha256", c->buf, c->len);
	emit_u64(e, "format_version", f->format_version);
	emit_str(e, "architecture", or_unknown(igvm_arch_name(f->architecture)));
	emit_u64(e, "page_size", f->page_size);
	emit_hex(e, "variable_header_offset", f->variable_header_offset, 8);
	emit_hex(e, "variable_header_size", f->variable_header_size, 8);
	emit_hex(e, "file_data_offset", (uint64_t)f->variable_header_offset + f->variable_header_size, 8);
	emit_u64(e, "total_file_size", f->total_file_size);
	emit_hex(e, "checksum", f->checksum, 8);
	/* igvm_parse() refuses a file whose CRC does not match. */
	emit_str(e, "checksum_status", "valid");
	emit_str(e, "rules", c->parse_flags & IGVM_PARSE_STRICT ? "strict" : "reference");
	emit_bool(e, "skip_unknown_optional", c->parse_flags & IGVM_PARSE_SKIP_OPTIONAL);
	emit_begin_inline(e, "header_counts");
	emit_u64(e, "platform", f->section_count[IGVM_SECTION_PLATFORM]);
	emit_u64(e, "initialization", f->section_count[IGVM_SECTION_INITIALIZATION]);
	emit_u64(e, "directive", f->section_count[IGVM_SECTION_DIRECTIVE]);
	emit_u64(e, "total", f->count);
	emit_end_object(e);
	emit_end_object(e);
}

static void emit_diag(struct emit *e, const char *key, const struct igvm_diag *d)
{
	emit_begin_object(e, key);
	/* A number for programs (offsets fit in 32 bits), hex for people. */
	if (emit_is_json(e))
		emit_u64(e, "offset", d->offset);
	else
		emit_hex(e, "offset", d->offset, 0);
	emit_str(e, "rule", igvm_rule_name(d->rule));
	emit_str(e, "detail", d->detail);
	emit_end_object(e);
}

static void emit_warnings(struct inspect *c)
{
	emit_begin_array(c->e, "warnings");
	for (size_t i = 0; i < c->f->warning_count; i++)
		emit_diag(c->e, NULL, &c->f->warnings[i]);
	emit_end_array(c->e);
}

enum page_kind {
	KIND_NORMAL,
	KIND_ZERO,
	KIND_UNMEASURED,
	KIND_SHARED,
	KIND_SECRETS,
	KIND_CPUID,
	KIND_PARAMETER, /* a PARAMETER_INSERT's area: not page data, but memory the file places */
	KIND_VMSA,      /* an SEV VP context's page */
	KIND_COUNT
};

static const char *const kind_names[KIND_COUNT] = {
	[KIND_NORMAL] = "normal", [KIND_ZERO] = "zero", [KIND_UNMEASURED] = "unmeasured",
	[KIND_SHARED] = "shared", [KIND_SECRETS] = "secrets", [KIND_CPUID] = "cpuid",
	[KIND_PARAMETER] = "parameter", [KIND_VMSA] = "vmsa",
};

/* The kind of a page, in the order measurement code looks at it (§7.1). */
static enum page_kind page_kind(const struct igvm_header *h)
{
	const struct igvm_vhs_page_data *p = &h->body.page;
	if (p->flags & IGVM_PAGE_FLAG_SHARED)
		return KIND_SHARED;
	if (p->data_type == IGVM_PAGE_DATA_SECRETS)
		return KIND_SECRETS;
	if (p->data_type == IGVM_PAGE_DATA_CPUID_DATA || p->data_type == IGVM_PAGE_DATA_CPUID_XF)
		return KIND_CPUID;
	if (p->flags & IGVM_PAGE_FLAG_UNMEASURED)
		return KIND_UNMEASURED;
	return h->data ? KIND_NORMAL : KIND_ZERO;
}

struct run {
	bool open;
	uint64_t start, last; /* GPA of the first and of the last page */
	uint64_t pages;
	enum page_kind kind;
};

static void emit_run(struct inspect *c, const struct run *r)
{
	uint64_t end = r->last <= UINT64_MAX - (IGVM_PAGE_SIZE - 1) ? r->last + (IGVM_PAGE_SIZE - 1) : UINT64_MAX;
	if (emit_is_json(c->e)) {
		emit_begin_inline(c->e, NULL);
		emit_hex(c->e, "start", r->start, 16);
		emit_hex(c->e, "end", end, 16);
		emit_u64(c->e, "pages", r->pages);
		emit_str(c->e, "kind", kind_names[r->kind]);
		emit_end_object(c->e);
	} else {
		emit_strf(c->e, NULL, "0x%016llx-0x%016llx (%llu page%s) %s", (unsigned long long)r->start,
			  (unsigned long long)end, (unsigned long long)r->pages, r->pages == 1 ? "" : "s",
			  kind_names[r->kind]);
	}
}

static void emit_platform_summary(struct inspect *c, const struct igvm_header *ph)
{
	struct emit *e = c->e;
	const struct igvm_file *f = c->f;
	const uint32_t mask = ph->body.platform.compatibility_mask;
	const uint8_t type = ph->body.platform.platform_type;
	uint64_t kinds[KIND_COUNT] = { 0 };
	uint64_t page_data = 0, two_mb = 0, insert_pages = 0, vmsas = 0, vp_contexts = 0;

	/* Keyed by platform name: a file holds each platform type at most once. */
	emit_begin_object(e, or_unknown(igvm_platform_name(type)));
	emit_hex(e, "compatibility_mask", mask, 8);
	emit_str(e, "platform", or_unknown(igvm_platform_name(type)));

	/* Ranges are streamed while counting; the counts follow them. */
	struct run run = { 0 };
	emit_begin_array(e, "ranges");
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (!h->known)
			continue;
		/* Inserted areas and VMSA pages are listed as their own runs, in file order. */
		struct run placed = { 0 };
		if (h->type == IGVM_VHT_PARAMETER_INSERT && (h->body.insert.compatibility_mask & mask)) {
			uint64_t size;
			if (area_size(c, h->body.insert.parameter_area_index, &size) && size) {
				insert_pages += size / IGVM_PAGE_SIZE;
				uint64_t gpa = h->body.insert.gpa, span = size - IGVM_PAGE_SIZE;
				/* The reader does not bound gpa + size for inspect: clamp rather than wrap. */
				placed = (struct run){ true, gpa, gpa <= UINT64_MAX - span ? gpa + span : UINT64_MAX,
						       size / IGVM_PAGE_SIZE, KIND_PARAMETER };
			}
		} else if (h->type == IGVM_VHT_VP_CONTEXT && h->body.vp.compatibility_mask == mask) {
			vp_contexts++;
			if (type == IGVM_PLATFORM_SEV_SNP || type == IGVM_PLATFORM_SEV_ES) {
				vmsas++;
				placed = (struct run){ true, h->body.vp.gpa, h->body.vp.gpa, 1, KIND_VMSA };
			}
		}
		if (placed.open) {
			if (run.open)
				emit_run(c, &run);
			emit_run(c, &placed);
			run.open = false;
			continue;
		}
		if (h->type != IGVM_VHT_PAGE_DATA || !(h->body.page.compatibility_mask & mask))
			continue;

		enum page_kind k = page_kind(h);
		uint64_t gpa = h->body.page.gpa;
		page_data++;
		kinds[k]++;
		if (h->body.page.flags & IGVM_PAGE_FLAG_2MB)
			two_mb++;
		if (run.open && run.kind == k && run.last <= UINT64_MAX - IGVM_PAGE_SIZE &&
		    gpa == run.last + IGVM_PAGE_SIZE) {
			run.last = gpa;
			run.pages++;
			continue;
		}
		if (run.open)
			emit_run(c, &run);
		run = (struct run){ true, gpa, gpa, 1, k };
	}
	if (run.open)
		emit_run(c, &run);
	emit_end_array(e);

	emit_begin_object(e, "pages");
	emit_u64(e, "page_data", page_data);
	emit_u64(e, "normal", kinds[KIND_NORMAL]);
	emit_u64(e, "zero", kinds[KIND_ZERO]);
	emit_u64(e, "unmeasured", kinds[KIND_UNMEASURED]);
	emit_u64(e, "shared", kinds[KIND_SHARED]);
	emit_u64(e, "secrets", kinds[KIND_SECRETS]);
	emit_u64(e, "cpuid", kinds[KIND_CPUID]);
	emit_u64(e, "flagged_2mb", two_mb);
	emit_u64(e, "parameter_insert", insert_pages);
	emit_u64(e, "vmsa", vmsas);
	emit_end_object(e);
	emit_u64(e, "vp_contexts", vp_contexts);
	emit_end_object(e);
}

static void emit_summary(struct inspect *c)
{
	emit_begin_object(c->e, "summary");
	emit_begin_object(c->e, "platforms");
	for (size_t i = 0; i < c->f->count; i++) {
		const struct igvm_header *h = &c->f->hdr[i];
		if (h->section != IGVM_SECTION_PLATFORM)
			break;
		if (h->known && h->type == IGVM_VHT_SUPPORTED_PLATFORM)
			emit_platform_summary(c, h);
	}
	emit_end_object(c->e);
	emit_end_object(c->e);
}

/* ---- the packed filesystem of an igvmbuild image -------------------------------------- */

/*
 * An image igvmbuild built has its launch information at LAUNCH_INFO_GPA; when
 * that names a packed filesystem (fs_gpa, fs_size), its pages are gathered from
 * the PAGE_DATA headers (the first header for each page; a page without data is
 * zeros) and read with the SVSM's own reader (svsm/fs/igfs.c), so the listing is
 * what the SVSM will see. Other IGVM files print nothing here.
 */
static bool find_launch_info(const struct igvm_file *f, struct launch_info *li)
{
	for (size_t i = 0; i < f->count; i++) {
		const struct igvm_header *h = &f->hdr[i];
		if (!h->known || h->type != IGVM_VHT_PAGE_DATA || h->body.page.gpa != LAUNCH_INFO_GPA || !h->data ||
		    h->data_len < 8)
			continue;
		memset(li, 0, sizeof(*li));
		memcpy(li, h->data, h->data_len < sizeof(*li) ? h->data_len : sizeof(*li));
		if (li->magic != LAUNCH_INFO_MAGIC || li->version != LAUNCH_INFO_VERSION)
			continue;
		if (li->size < sizeof(*li)) /* fields beyond what the writer knew are zero */
			memset((uint8_t *)li + li->size, 0, sizeof(*li) - li->size);
		return true;
	}
	return false;
}

static const char *fs_type_name(uint16_t mode)
{
	return igfs_is_dir(mode) ? "directory" : igfs_is_reg(mode) ? "file" : "symlink";
}

/* Returns IB_EXIT_OK, or IB_EXIT_INVALID after one line on stderr when the filesystem is broken. */
static int emit_filesystem(struct inspect *c)
{
	struct launch_info li;
	if (!find_launch_info(c->f, &li) || !li.fs_size)
		return IB_EXIT_OK;
	struct emit *e = c->e;
	emit_begin_object(e, "filesystem");
	emit_hex(e, "gpa", li.fs_gpa, 16);
	emit_hex(e, "size", li.fs_size, 0);
	const char *why = NULL;
	char detail[160] = "";
	_cleanup_free_ uint8_t *img = NULL;
	_cleanup_free_ uint8_t *seen = NULL;
	if (li.fs_gpa % IGFS_PAGE || li.fs_size % IGFS_PAGE || li.fs_size > IGFS_MAX_IMAGE ||
	    li.fs_gpa + li.fs_size < li.fs_gpa) {
		why = "launch-info.filesystem: fs_gpa/fs_size are not a page-aligned range within the size limit";
	} else {
		uint64_t pages = li.fs_size / IGFS_PAGE;
		img = calloc(1, li.fs_size);
		seen = calloc(1, pages);
		if (!img || !seen) {
			c->internal_error = true;
			emit_end_object(e);
			return IB_EXIT_OK;
		}
		for (size_t i = 0; i < c->f->count; i++) {
			const struct igvm_header *h = &c->f->hdr[i];
			if (!h->known || h->type != IGVM_VHT_PAGE_DATA)
				continue;
			uint64_t g = h->body.page.gpa;
			if (g < li.fs_gpa || g - li.fs_gpa >= li.fs_size || g % IGFS_PAGE)
				continue;
			uint64_t k = (g - li.fs_gpa) / IGFS_PAGE;
			if (seen[k])
				continue;
			seen[k] = 1;
			if (h->data)
				memcpy(img + k * IGFS_PAGE, h->data, h->data_len < IGFS_PAGE ? h->data_len : IGFS_PAGE);
		}
		for (uint64_t k = 0; k < pages && !why; k++)
			if (!seen[k]) {
				why = "launch-info.filesystem: a page of the filesystem has no PAGE_DATA";
				snprintf(detail, sizeof(detail), " (GPA 0x%llx)",
					 (unsigned long long)(li.fs_gpa + k * IGFS_PAGE));
			}
	}
	struct igfs fs;
	int rc = 0;
	if (!why && (rc = igfs_init(&fs, img, li.fs_size))) {
		why = igfs_strerror(rc);
		if (fs.bad_entry != UINT32_MAX)
			snprintf(detail, sizeof(detail), " (entry %u)", fs.bad_entry);
	}
	if (why) {
		emit_bool(e, "valid", false);
		emit_strf(e, "error", "%s%s", why, detail);
		emit_end_object(e);
		ib_err("%s: filesystem at GPA 0x%llx: %s%s", c->path, (unsigned long long)li.fs_gpa, why, detail);
		return IB_EXIT_INVALID;
	}
	emit_bool(e, "valid", true);
	emit_u64(e, "entries", fs.count);
	emit_u64(e, "directories", fs.dirs);
	emit_u64(e, "files", fs.files);
	emit_u64(e, "symlinks", fs.symlinks);
	emit_u64(e, "file_bytes", fs.file_bytes);
	emit_begin_array(e, "list");
	char path[IGFS_PATH_MAX + 1];
	for (uint32_t i = 0; i < fs.count; i++) {
		struct igfs_stat st;
		if (igfs_stat(&fs, i, &st) || igfs_path(&fs, i, path, sizeof(path)))
			snprintf(path, sizeof(path), "?");
		/* Text: one line per entry, labelled by its path; JSON: an object with the path in it. */
		emit_begin_inline(e, emit_is_json(e) ? NULL : path);
		if (emit_is_json(e))
			emit_str(e, "path", path);
		emit_str(e, "type", fs_type_name(st.mode));
		emit_strf(e, "mode", "%04o", st.mode & IGFS_S_PERM);
		if (igfs_is_reg(st.mode)) {
			const uint8_t *d;
			uint64_t n;
			emit_u64(e, "size", st.size);
			if (!igfs_file_data(&fs, i, &d, &n))
				emit_sha256(c, "sha256", d ? d : (const uint8_t *)"", n);
		} else if (igfs_is_dir(st.mode)) {
			emit_u64(e, "entries", st.size);
		} else {
			const char *t;
			uint32_t n;
			if (!igfs_readlink(&fs, i, &t, &n))
				emit_strf(e, "target", "%.*s", (int)n, t);
		}
		emit_end_object(e);
	}
	emit_end_array(e);
	emit_end_object(e);
	return IB_EXIT_OK;
}

/* ---- the command ------------------------------------------------------------------- */

static int finish_output(struct emit *e)
{
	int r = emit_finish(e);
	if (r == -EIO) {
		ib_err("error writing to standard output: %s", strerror(errno ? errno : EIO));
		return IB_EXIT_IO;
	}
	if (r < 0) {
		ib_err("%s", r == -ENOMEM ? "out of memory" : "internal error while printing");
		return IB_EXIT_INTERNAL;
	}
	return IB_EXIT_OK;
}

/* {"valid": false, "error": {...}} for --json */
static int print_invalid_json(const struct igvm_diag *d)
{
	_cleanup_emit_ struct emit *e = emit_new(true, stdout);
	if (!e) {
		ib_err("out of memory");
		return IB_EXIT_INTERNAL;
	}
	emit_bool(e, "valid", false);
	emit_diag(e, "error", d);
	int r = finish_output(e);
	return r ? r : IB_EXIT_INVALID;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "check", no_argument, NULL, 'c' },
		{ "reference", no_argument, NULL, 'r' },
		{ "allow-optional", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, check = false, reference = false, allow_optional = false;

	optind = 1;
	opterr = 0;
	for (;;) {
		int opt = getopt_long(argc, argv, "h", longopts, NULL);
		if (opt == -1)
			break;
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'c':
			check = true;
			break;
		case 'r':
			reference = true;
			break;
		case 'o':
			allow_optional = true;
			break;
		case 'h':
			usage_help(stdout);
			return IB_EXIT_OK;
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("missing FILE");
	if (argc - optind > 1)
		return usage_error("unexpected argument '%s'", argv[optind + 1]);
	const char *path = argv[optind];

	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = 0;
	int r = ib_read_file(path, INSPECT_MAX_FILE, &buf, &len);
	if (r == -ENOMEM) {
		ib_err("%s: out of memory", path);
		return IB_EXIT_INTERNAL;
	}
	if (r < 0) {
		ib_err("%s: %s", path, strerror(-r));
		return IB_EXIT_IO;
	}

	unsigned flags = IGVM_PARSE_CORIM;
	if (!reference)
		flags |= IGVM_PARSE_STRICT;
	if (allow_optional)
		flags |= IGVM_PARSE_SKIP_OPTIONAL;

	_cleanup_(igvm_file_freep) struct igvm_file f = { 0 };
	struct igvm_diag diag = { 0 };
	if (igvm_parse(buf, len, flags, &f, &diag) < 0) {
		if (diag.rule == IGVM_RULE_NO_MEMORY) {
			ib_err("%s: out of memory", path);
			return IB_EXIT_INTERNAL;
		}
		ib_err("%s: offset 0x%llx: %s: %s", path, (unsigned long long)diag.offset, igvm_rule_name(diag.rule),
		       diag.detail);
		return json ? print_invalid_json(&diag) : IB_EXIT_INVALID;
	}

	for (size_t i = 0; i < f.warning_count; i++)
		ib_warn("%s: offset 0x%llx: %s: %s", path, (unsigned long long)f.warnings[i].offset,
			igvm_rule_name(f.warnings[i].rule), f.warnings[i].detail);

	if (check && !json)
		return IB_EXIT_OK;

	_cleanup_emit_ struct emit *e = emit_new(json, stdout);
	if (!e) {
		ib_err("out of memory");
		return IB_EXIT_INTERNAL;
	}
	if (check) {
		emit_bool(e, "valid", true);
		return finish_output(e);
	}

	_cleanup_free_ struct area *areas = NULL;
	struct inspect c = {
		.path = path, .buf = buf, .len = len, .f = &f, .e = e, .parse_flags = flags,
	};
	if (collect_areas(&c) < 0) {
		ib_err("out of memory");
		return IB_EXIT_INTERNAL;
	}
	areas = c.areas;

	emit_bool(e, "valid", true);
	emit_file(&c);
	emit_warnings(&c);
	emit_headers(&c);
	emit_vtpm(&c);
	emit_summary(&c);
	int fs_rc = emit_filesystem(&c);
	if (c.internal_error) {
		ib_err("%s: computing a digest failed", path);
		return IB_EXIT_INTERNAL;
	}
	int r2 = finish_output(e);
	return r2 ? r2 : fs_rc;
}
