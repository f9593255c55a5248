/* SPDX-License-Identifier: MIT */
/*
 * oracle.c — the format library's view of a file, for the libigvm tests
 * (contract in oracle.h).
 *
 * The QEMU trace here is written independently of qemu_walk.c: it reads the
 * parsed model directly and replays the same loader rules (region merging,
 * parameter areas, ...), so a wrong field anywhere in the API shows up as a
 * differing line.
 */
#include "oracle.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../format/igvm.h"
#include "qw_host.h"

struct oracle {
	struct igvm_file f;
	uint8_t *bytes;
	const struct igvm_header **sec[3];
	uint32_t count[3];
};

static bool dropped(const struct igvm_header *h)
{
	uint32_t mask;
	return h->type != IGVM_VHT_SUPPORTED_PLATFORM && igvm_header_mask(h, &mask) && mask == 0;
}

int oracle_open(const uint8_t *file, size_t len, struct oracle **out)
{
	struct oracle *o = calloc(1, sizeof(*o));
	if (!o)
		return -3;
	o->bytes = malloc(len ? len : 1);
	if (!o->bytes) {
		free(o);
		return -3;
	}
	memcpy(o->bytes, file, len);
	struct igvm_diag d;
	if (igvm_parse(o->bytes, len, 0, &o->f, &d)) {
		free(o->bytes);
		free(o);
		return igvm_rule_api_code(&d);
	}
	for (unsigned s = 0; s < 3; s++) {
		o->sec[s] = calloc(o->f.count ? o->f.count : 1, sizeof(*o->sec[s]));
		if (!o->sec[s]) {
			oracle_close(o);
			return -3;
		}
	}
	for (size_t i = 0; i < o->f.count; i++) {
		const struct igvm_header *h = &o->f.hdr[i];
		if (!dropped(h))
			o->sec[h->section][o->count[h->section]++] = h;
	}
	*out = o;
	return 0;
}

void oracle_close(struct oracle *o)
{
	if (!o)
		return;
	for (unsigned s = 0; s < 3; s++)
		free(o->sec[s]);
	igvm_file_free(&o->f);
	free(o->bytes);
	free(o);
}

uint32_t oracle_count(const struct oracle *o, unsigned section)
{
	return section < 3 ? o->count[section] : 0;
}

bool oracle_record(const struct oracle *o, unsigned section, uint32_t index, struct oracle_rec *r)
{
	if (section >= 3 || index >= o->count[section])
		return false;
	const struct igvm_header *h = o->sec[section][index];
	r->record = o->bytes + h->record_offset;
	r->record_len = 8 + ((h->length + 7u) & ~7u);
	r->type = h->type;
	r->data = h->data_len ? h->data : NULL;
	r->data_len = h->data_len;
	r->platform = h->type == IGVM_VHT_VP_CONTEXT ? igvm_platform_for_mask(&o->f, h->body.vp.compatibility_mask) : -1;
	r->architecture = o->f.architecture;
	return true;
}

/* ---- the expected QEMU trace ------------------------------------------------------------ */

struct area {
	uint32_t index, size;
	uint8_t *data;
};

struct sim {
	const struct oracle *o;
	FILE *out;
	uint32_t mask;
	uint8_t platform;
	struct area areas[64];
	size_t nareas;
	bool id_block;
	uint64_t policy;
	/* current run of pages: directive indices [first, first + n) */
	uint32_t first, n, last;
	uint64_t start;
};

__attribute__((format(printf, 2, 3))) static int fail(struct sim *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("error: ", s->out);
	vfprintf(s->out, fmt, ap);
	fputc('\n', s->out);
	va_end(ap);
	return -1;
}

static const struct igvm_header *dir(const struct sim *s, uint32_t i)
{
	return s->o->sec[IGVM_SECTION_DIRECTIVE][i];
}

static uint64_t page_size(const struct igvm_vhs_page_data *p)
{
	return p->flags & IGVM_PAGE_FLAG_2MB ? 0x200000 : 0x1000;
}

static int flush(struct sim *s)
{
	const struct igvm_vhs_page_data *p = &dir(s, s->first)->body.page;
	uint64_t ps = page_size(p), size = s->n * ps;
	if (size > (1ull << 30))
		return fail(s, "region at 0x%" PRIx64 " too large for the test host", s->start);
	uint8_t *mem = calloc(1, size);
	if (!mem)
		return fail(s, "out of memory");
	bool zero = true;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct igvm_header *h = dir(s, s->first + i);
		if (!h->data_len)
			continue;
		zero = false;
		memcpy(mem + i * ps, h->data, h->data_len);
	}
	const char *type;
	if (p->data_type == IGVM_PAGE_DATA_NORMAL)
		type = qw_cgs_name(p->flags & IGVM_PAGE_FLAG_UNMEASURED ? QW_CGS_UNMEASURED : zero ? QW_CGS_ZERO : QW_CGS_NORMAL);
	else
		type = qw_cgs_name(p->data_type == IGVM_PAGE_DATA_SECRETS ? QW_CGS_SECRETS : QW_CGS_CPUID);
	fprintf(s->out, "region gpa=0x%" PRIx64 " pages=%u first=%u type=%s hash=%016" PRIx64 "\n", s->start, s->n,
		s->first, type, qw_hash(mem, size));
	free(mem);
	s->n = 0;
	return 0;
}

static int page(struct sim *s, uint32_t i)
{
	const struct igvm_header *h = dir(s, i);
	const struct igvm_vhs_page_data *p = &h->body.page;
	if (!(p->compatibility_mask & s->mask))
		return 0;
	if (s->n) {
		const struct igvm_header *ph = dir(s, s->last);
		const struct igvm_vhs_page_data *prev = &ph->body.page;
		bool same = (h->data_len != 0) == (ph->data_len != 0) && p->flags == prev->flags &&
			    p->data_type == prev->data_type && p->compatibility_mask == prev->compatibility_mask;
		if (!same || prev->gpa + page_size(prev) != p->gpa || s->last != i - 1) {
			if (flush(s))
				return -1;
		}
	}
	if (!s->n) {
		s->first = i;
		s->start = p->gpa;
	}
	s->last = i;
	s->n++;
	return 0;
}

static struct area *area_of(struct sim *s, uint32_t index)
{
	for (size_t i = 0; i < s->nareas; i++)
		if (s->areas[i].index == index)
			return &s->areas[i];
	return NULL;
}

static int cmp_entry(const void *x, const void *y)
{
	const struct igvm_vhs_memory_map_entry *a = x, *b = y;
	return (a->starting_gpa_page_number > b->starting_gpa_page_number) -
	       (a->starting_gpa_page_number < b->starting_gpa_page_number);
}

static void hex(FILE *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
}

static int directive(struct sim *s, uint32_t i)
{
	const struct igvm_header *h = dir(s, i);
	switch (h->type) {
	case IGVM_VHT_PAGE_DATA:
		return page(s, i);
	case IGVM_VHT_VP_CONTEXT: {
		const struct igvm_vhs_vp_context *v = &h->body.vp;
		if (!(v->compatibility_mask & s->mask))
			return 0;
		int plat = igvm_platform_for_mask(&s->o->f, v->compatibility_mask);
		uint64_t gpa = plat == IGVM_PLATFORM_SEV_SNP || plat == IGVM_PLATFORM_SEV_ES ? v->gpa : 0;
		fprintf(s->out, "vmsa gpa=0x%" PRIx64 " vp=%u size=%u hash=%016" PRIx64 "\n", gpa, v->vp_index, h->data_len,
			qw_hash(h->data, h->data_len));
		return 0;
	}
	case IGVM_VHT_PARAMETER_AREA: {
		const struct igvm_vhs_parameter_area *a = &h->body.param_area;
		if (a->number_of_bytes > (256u << 20))
			return fail(s, "parameter area %u too large for the test host", a->parameter_area_index);
		if (s->nareas == sizeof(s->areas) / sizeof(s->areas[0]))
			return fail(s, "too many parameter areas for the oracle");
		struct area *e = &s->areas[s->nareas];
		e->data = calloc(1, a->number_of_bytes ? a->number_of_bytes : 1);
		if (!e->data)
			return fail(s, "out of memory");
		s->nareas++;
		e->index = a->parameter_area_index;
		e->size = (uint32_t)a->number_of_bytes;
		fprintf(s->out, "area index=%u size=0x%x\n", e->index, e->size);
		return 0;
	}
	case IGVM_VHT_PARAMETER_INSERT: {
		const struct igvm_vhs_parameter_insert *in = &h->body.insert;
		struct area *a = area_of(s, in->parameter_area_index);
		if (!(in->compatibility_mask & s->mask) || !a)
			return 0;
		if (!a->data)
			return fail(s, "parameter area %u inserted twice", a->index);
		fprintf(s->out, "insert gpa=0x%" PRIx64 " index=%u size=0x%x hash=%016" PRIx64 "\n", in->gpa, a->index,
			a->size, qw_hash(a->data, a->size));
		free(a->data);
		a->data = NULL;
		return 0;
	}
	case IGVM_VHT_MEMORY_MAP: {
		struct area *a = area_of(s, h->body.param.parameter_area_index);
		if (!a)
			return 0;
		if (!a->data)
			return fail(s, "memory map into inserted area %u", a->index);
		/* Entries are filled in place from the area's start (byte_offset unused), then sorted whole. */
		struct igvm_vhs_memory_map_entry e[QW_MEM_ENTRIES];
		uint32_t max = a->size / (uint32_t)sizeof(e[0]);
		if (max < QW_MEM_ENTRIES)
			return fail(s, "memory map larger than parameter area %u", a->index);
		memcpy(e, a->data, sizeof(e));
		for (uint32_t k = 0; k < QW_MEM_ENTRIES; k++) {
			e[k].starting_gpa_page_number = qw_mem_map[k].gpa >> 12;
			e[k].number_of_pages = qw_mem_map[k].size >> 12;
			e[k].entry_type = qw_igvm_mem_type(qw_mem_map[k].type);
		}
		qsort(e, QW_MEM_ENTRIES, sizeof(e[0]), cmp_entry);
		memcpy(a->data, e, sizeof(e));
		fprintf(s->out, "memory-map index=%u entries=%u\n", a->index, (unsigned)QW_MEM_ENTRIES);
		return 0;
	}
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER: {
		const struct igvm_vhs_parameter *pa = &h->body.param;
		struct area *a = area_of(s, pa->parameter_area_index);
		if (!a)
			return 0;
		bool vpc = h->type == IGVM_VHT_VP_COUNT_PARAMETER;
		if (!a->data || pa->byte_offset > a->size || a->size - pa->byte_offset < 4)
			return fail(s, "%s outside parameter area %u", vpc ? "VP count" : "environment info", a->index);
		uint32_t v;
		memcpy(&v, a->data + pa->byte_offset, 4);
		v = vpc ? QW_CPUS : v | IGVM_ENV_INFO_MEMORY_IS_SHARED;
		memcpy(a->data + pa->byte_offset, &v, 4);
		fprintf(s->out, "%s index=%u offset=0x%x\n", vpc ? "vp-count" : "env-info", a->index, pa->byte_offset);
		return 0;
	}
	case IGVM_VHT_REQUIRED_MEMORY:
		if (h->body.required_memory.compatibility_mask & s->mask)
			fprintf(s->out, "required gpa=0x%" PRIx64 " size=0x%x\n", h->body.required_memory.gpa,
				h->body.required_memory.number_of_bytes);
		return 0;
	case IGVM_VHT_SNP_ID_BLOCK: {
		struct igvm_vhs_snp_id_block id;
		igvm_header_id_block(h, &id);
		if (!(id.compatibility_mask & s->mask))
			return 0;
		if (s->id_block)
			return fail(s, "multiple ID blocks");
		s->id_block = true;
		fputs("id-block ld=", s->out);
		hex(s->out, id.ld, sizeof(id.ld));
		fputs(" family=", s->out);
		hex(s->out, id.family_id, sizeof(id.family_id));
		fputs(" image=", s->out);
		hex(s->out, id.image_id, sizeof(id.image_id));
		fprintf(s->out, " svn=%u id-alg=%u author-alg=%u", id.guest_svn, id.id_key_algorithm, id.author_key_algorithm);
		fprintf(s->out, " id-sig=%016" PRIx64 " author-sig=%016" PRIx64,
			qw_hash(&id.id_key_signature, sizeof(id.id_key_signature)),
			qw_hash(&id.author_key_signature, sizeof(id.author_key_signature)));
		fprintf(s->out, " id-key=%u:%016" PRIx64 ":%016" PRIx64, id.id_public_key.curve,
			qw_hash(id.id_public_key.qx, 72), qw_hash(id.id_public_key.qy, 72));
		fprintf(s->out, " author-key=%u:%016" PRIx64 ":%016" PRIx64 "\n", id.author_public_key.curve,
			qw_hash(id.author_public_key.qx, 72), qw_hash(id.author_public_key.qy, 72));
		return 0;
	}
	default:
		return fail(s, "unknown header type 0x%X", h->type);
	}
}

static int choose(struct sim *s)
{
	uint32_t m[IGVM_PLATFORM_TYPE_MAX + 1] = { 0 };
	for (uint32_t i = 0; i < s->o->count[IGVM_SECTION_PLATFORM]; i++) {
		const struct igvm_vhs_supported_platform *p = &s->o->sec[IGVM_SECTION_PLATFORM][i]->body.platform;
		m[p->platform_type] = p->compatibility_mask;
	}
	static const struct { uint8_t type; const char *name; } order[] = {
		{ IGVM_PLATFORM_SEV_SNP, "SEV_SNP" }, { IGVM_PLATFORM_SEV_ES, "SEV_ES" },
		{ IGVM_PLATFORM_SEV, "SEV" },         { IGVM_PLATFORM_NATIVE, "NATIVE" },
	};
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		if (m[order[k].type]) {
			s->mask = m[order[k].type];
			s->platform = order[k].type;
			fprintf(s->out, "platform %s mask=0x%x\n", order[k].name, s->mask);
			return 0;
		}
	}
	return fail(s, "no compatible platform");
}

static int simulate(struct sim *s)
{
	if (choose(s))
		return -1;
	if (!s->o->count[IGVM_SECTION_DIRECTIVE])
		return fail(s, "directive header count 0");
	for (uint32_t i = 0; i < s->o->count[IGVM_SECTION_DIRECTIVE]; i++)
		if (directive(s, i))
			return -1;
	for (uint32_t i = 0; i < s->o->count[IGVM_SECTION_INITIALIZATION]; i++) {
		const struct igvm_header *h = s->o->sec[IGVM_SECTION_INITIALIZATION][i];
		if (h->type != IGVM_VHT_GUEST_POLICY)
			return fail(s, "unknown header type 0x%X", h->type);
		if (h->body.policy.compatibility_mask & s->mask) {
			s->policy = h->body.policy.policy;
			fprintf(s->out, "policy 0x%" PRIx64 "\n", s->policy);
		}
	}
	if (s->n && flush(s))
		return -1;
	if (s->platform == IGVM_PLATFORM_SEV_SNP)
		fprintf(s->out, "launch policy=0x%" PRIx64 " id-block=%s\n", s->policy, s->id_block ? "yes" : "no");
	return 0;
}

int oracle_qemu_trace(const uint8_t *file, size_t len, FILE *out)
{
	struct oracle *o;
	int r = oracle_open(file, len, &o);
	if (r) {
		fprintf(out, "error: parse %d\n", r);
		return 1;
	}
	struct sim s;
	memset(&s, 0, sizeof(s));
	s.o = o;
	s.out = out;
	r = simulate(&s);
	for (size_t i = 0; i < s.nareas; i++)
		free(s.areas[i].data);
	oracle_close(o);
	return r ? 1 : 0;
}
