/* SPDX-License-Identifier: MIT */
/*
 * qemu_walk.c — QEMU's IGVM loader re-enacted through the public API
 * (contract in qemu_walk.h). The control flow follows backends/igvm.c as
 * restated in shared spec §9.1; the code is our own.
 *
 * Like QEMU, header bodies are read by casting igvm_get_buffer() + 8 to the
 * IGVM_VHS_* structures, so UBSan checks the alignment and size the library
 * promises, and data handles taken only to compare two pages are left for
 * igvm_free() to release, as QEMU leaves them.
 */
#include "qemu_walk.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <igvm/igvm.h>

#include "qw_host.h"

struct area {
	uint32_t index;
	uint32_t size;
	uint8_t *data;
	struct area *next;
};

struct walk {
	IgvmHandle file;
	FILE *out;
	uint32_t mask;
	IgvmPlatformType platform;
	uint32_t index; /* directive or initialization header being handled */
	struct area *areas, **areas_tail;
	bool have_id_block;
	uint64_t policy;
	/* The page run being merged into one region. */
	IGVM_VHS_PAGE_DATA prev;
	uint64_t region_start;
	uint32_t region_start_index, region_last_index, region_pages;
};

__attribute__((format(printf, 2, 3))) static int fail(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("error: ", w->out);
	vfprintf(w->out, fmt, ap);
	fputc('\n', w->out);
	va_end(ap);
	return -1;
}

static const char *platform_name(IgvmPlatformType t)
{
	switch (t) {
	case IGVM_PLATFORM_TYPE_NATIVE: return "NATIVE";
	case IGVM_PLATFORM_TYPE_SEV: return "SEV";
	case IGVM_PLATFORM_TYPE_SEV_ES: return "SEV_ES";
	case IGVM_PLATFORM_TYPE_SEV_SNP: return "SEV_SNP";
	default: return "?";
	}
}

static int select_platform(struct walk *w)
{
	uint32_t snp = 0, es = 0, sev = 0, native = 0;
	int32_t n = igvm_header_count(w->file, IGVM_HEADER_SECTION_PLATFORM);
	if (n < 0)
		return fail(w, "platform header count %d", (int)n);
	for (uint32_t i = 0; i < (uint32_t)n; i++) {
		if (igvm_get_header_type(w->file, IGVM_HEADER_SECTION_PLATFORM, i) != IGVM_VHT_SUPPORTED_PLATFORM)
			continue;
		IgvmHandle h = igvm_get_header(w->file, IGVM_HEADER_SECTION_PLATFORM, i);
		if (h < 0)
			return fail(w, "platform header %u: %d", i, (int)h);
		const IGVM_VHS_SUPPORTED_PLATFORM *p =
			(const IGVM_VHS_SUPPORTED_PLATFORM *)(igvm_get_buffer(w->file, h) + sizeof(IGVM_VHS_VARIABLE_HEADER));
		/* The simulated backend supports all three SEV flavours; NATIVE needs none. */
		if (p->platform_type == IGVM_PLATFORM_TYPE_SEV_ES)
			es = p->compatibility_mask;
		else if (p->platform_type == IGVM_PLATFORM_TYPE_SEV)
			sev = p->compatibility_mask;
		else if (p->platform_type == IGVM_PLATFORM_TYPE_SEV_SNP)
			snp = p->compatibility_mask;
		else if (p->platform_type == IGVM_PLATFORM_TYPE_NATIVE)
			native = p->compatibility_mask;
		igvm_free_buffer(w->file, h);
	}
	if (snp)
		w->mask = snp, w->platform = IGVM_PLATFORM_TYPE_SEV_SNP;
	else if (es)
		w->mask = es, w->platform = IGVM_PLATFORM_TYPE_SEV_ES;
	else if (sev)
		w->mask = sev, w->platform = IGVM_PLATFORM_TYPE_SEV;
	else if (native)
		w->mask = native, w->platform = IGVM_PLATFORM_TYPE_NATIVE;
	else
		return fail(w, "no compatible platform");
	fprintf(w->out, "platform %s mask=0x%x\n", platform_name(w->platform), w->mask);
	return 0;
}

/* ---- page data and regions ------------------------------------------------------------ */

static int cgs_type(IgvmPageDataType t, bool unmeasured, bool zero)
{
	switch (t) {
	case IGVM_PAGE_DATA_TYPE_NORMAL:
		return unmeasured ? QW_CGS_UNMEASURED : zero ? QW_CGS_ZERO : QW_CGS_NORMAL;
	case IGVM_PAGE_DATA_TYPE_SECRETS:
		return QW_CGS_SECRETS;
	case IGVM_PAGE_DATA_TYPE_CPUID_DATA:
	case IGVM_PAGE_DATA_TYPE_CPUID_XF:
		return QW_CGS_CPUID;
	default:
		return -1;
	}
}

static bool attrs_equal(struct walk *w, const IGVM_VHS_PAGE_DATA *a, const IGVM_VHS_PAGE_DATA *b)
{
	/* QEMU's way of asking whether both pages have data: two data handles, never freed. */
	IgvmHandle d1 = igvm_get_header_data(w->file, IGVM_HEADER_SECTION_DIRECTIVE, w->index - 1);
	IgvmHandle d2 = igvm_get_header_data(w->file, IGVM_HEADER_SECTION_DIRECTIVE, w->index);
	if ((d1 == IGVMAPI_NO_DATA || d2 == IGVMAPI_NO_DATA) && d1 != d2)
		return false;
	return IGVM_UINT32_FLAGS_VALUE(a->flags) == IGVM_UINT32_FLAGS_VALUE(b->flags) &&
	       a->data_type == b->data_type && a->compatibility_mask == b->compatibility_mask;
}

static int flush_region(struct walk *w)
{
	const IGVM_VHS_PAGE_DATA *p = &w->prev;
	uint64_t page_size = p->flags.is_2mb_page ? 0x200000 : 0x1000;
	uint64_t size = w->region_pages * page_size;
	if (size > (1ull << 30))
		return fail(w, "region at 0x%" PRIx64 " too large for the test host", w->region_start);
	uint8_t *region = calloc(1, size);
	if (!region)
		return fail(w, "out of memory");
	bool zero = true;
	for (uint32_t i = 0; i < w->region_pages; i++) {
		IgvmHandle d = igvm_get_header_data(w->file, IGVM_HEADER_SECTION_DIRECTIVE, w->region_start_index + i);
		if (d == IGVMAPI_NO_DATA)
			continue;
		if (d < 0) {
			free(region);
			return fail(w, "invalid page data for directive %u: %d", w->region_start_index + i, (int)d);
		}
		zero = false;
		uint32_t n = (uint32_t)igvm_get_buffer_size(w->file, d);
		if (n > page_size) {
			free(region);
			return fail(w, "page data of directive %u is %u bytes", w->region_start_index + i, n);
		}
		memcpy(region + i * page_size, igvm_get_buffer(w->file, d), n);
		igvm_free_buffer(w->file, d);
	}
	int t = cgs_type(p->data_type, p->flags.unmeasured, zero);
	if (t < 0) {
		free(region);
		return fail(w, "invalid page type %u", p->data_type);
	}
	fprintf(w->out, "region gpa=0x%" PRIx64 " pages=%u first=%u type=%s hash=%016" PRIx64 "\n", w->region_start,
		w->region_pages, w->region_start_index, qw_cgs_name(t), qw_hash(region, size));
	free(region);
	w->region_pages = 0;
	return 0;
}

static int page_data(struct walk *w, const IGVM_VHS_PAGE_DATA *p)
{
	if (!(p->compatibility_mask & w->mask))
		return 0;
	if (w->region_pages == 0) {
		w->region_start = p->gpa;
		w->region_start_index = w->index;
	} else {
		uint64_t next = w->prev.gpa + (w->prev.flags.is_2mb_page ? 0x200000 : 0x1000);
		if (!attrs_equal(w, p, &w->prev) || next != p->gpa || w->region_last_index != w->index - 1) {
			if (flush_region(w))
				return -1;
			w->region_start = p->gpa;
			w->region_start_index = w->index;
		}
	}
	memcpy(&w->prev, p, sizeof(w->prev));
	w->region_last_index = w->index;
	w->region_pages++;
	return 0;
}

/* ---- other directives ----------------------------------------------------------------- */

static int vp_context(struct walk *w, const IGVM_VHS_VP_CONTEXT *v)
{
	if (!(v->compatibility_mask & w->mask))
		return 0;
	IgvmHandle d = igvm_get_header_data(w->file, IGVM_HEADER_SECTION_DIRECTIVE, w->index);
	if (d < 0)
		return fail(w, "invalid VP context: %d", (int)d);
	int32_t n = igvm_get_buffer_size(w->file, d);
	fprintf(w->out, "vmsa gpa=0x%" PRIx64 " vp=%u size=%d hash=%016" PRIx64 "\n", v->gpa, v->vp_index, (int)n,
		qw_hash(igvm_get_buffer(w->file, d), (size_t)n));
	igvm_free_buffer(w->file, d);
	return 0;
}

static int parameter_area(struct walk *w, const IGVM_VHS_PARAMETER_AREA *a)
{
	/* QEMU allocates a zeroed area and ignores the file's initial contents. */
	if (a->number_of_bytes > (256u << 20))
		return fail(w, "parameter area %u too large for the test host", a->parameter_area_index);
	struct area *e = calloc(1, sizeof(*e));
	if (e)
		e->data = calloc(1, a->number_of_bytes ? a->number_of_bytes : 1);
	if (!e || !e->data) {
		free(e);
		return fail(w, "out of memory");
	}
	e->index = a->parameter_area_index;
	e->size = (uint32_t)a->number_of_bytes;
	*w->areas_tail = e;
	w->areas_tail = &e->next;
	fprintf(w->out, "area index=%u size=0x%x\n", e->index, e->size);
	return 0;
}

static struct area *find_area(struct walk *w, uint32_t index)
{
	for (struct area *a = w->areas; a; a = a->next)
		if (a->index == index)
			return a;
	return NULL;
}

static int parameter_insert(struct walk *w, const IGVM_VHS_PARAMETER_INSERT *in)
{
	if (!(in->compatibility_mask & w->mask))
		return 0;
	for (struct area *a = w->areas; a; a = a->next) {
		if (a->index != in->parameter_area_index)
			continue;
		if (!a->data)
			return fail(w, "parameter area %u inserted twice", a->index);
		fprintf(w->out, "insert gpa=0x%" PRIx64 " index=%u size=0x%x hash=%016" PRIx64 "\n", in->gpa, a->index,
			a->size, qw_hash(a->data, a->size));
		free(a->data);
		a->data = NULL;
	}
	return 0;
}

/* A pointer to n bytes at offset in an area, or NULL (QEMU does not check; we refuse). */
static uint8_t *area_at(struct area *a, uint32_t offset, uint32_t n)
{
	if (!a->data || offset > a->size || a->size - offset < n)
		return NULL;
	return a->data + offset;
}

static int cmp_entry(const void *x, const void *y)
{
	const IGVM_VHS_MEMORY_MAP_ENTRY *a = x, *b = y;
	return a->starting_gpa_page_number < b->starting_gpa_page_number ? -1
	       : a->starting_gpa_page_number > b->starting_gpa_page_number ? 1 : 0;
}

static int memory_map(struct walk *w, const IGVM_VHS_PARAMETER *p)
{
	struct area *a = find_area(w, p->parameter_area_index);
	if (!a)
		return 0;
	if (!a->data)
		return fail(w, "memory map into inserted area %u", a->index);
	/* QEMU fills the map from the start of the area: byte_offset is not used. */
	uint32_t max = a->size / (uint32_t)sizeof(IGVM_VHS_MEMORY_MAP_ENTRY);
	IGVM_VHS_MEMORY_MAP_ENTRY *e = (IGVM_VHS_MEMORY_MAP_ENTRY *)a->data;
	uint32_t n = 0;
	for (; n < QW_MEM_ENTRIES; n++) {
		if (n >= max)
			return fail(w, "memory map larger than parameter area %u", a->index);
		e[n].starting_gpa_page_number = qw_mem_map[n].gpa >> 12;
		e[n].number_of_pages = qw_mem_map[n].size >> 12;
		e[n].entry_type = qw_igvm_mem_type(qw_mem_map[n].type);
	}
	qsort(e, n, sizeof(*e), cmp_entry);
	fprintf(w->out, "memory-map index=%u entries=%u\n", a->index, n);
	return 0;
}

static int vp_count(struct walk *w, const IGVM_VHS_PARAMETER *p)
{
	struct area *a = find_area(w, p->parameter_area_index);
	if (!a)
		return 0;
	uint8_t *at = area_at(a, p->byte_offset, 4);
	if (!at)
		return fail(w, "VP count outside parameter area %u", a->index);
	uint32_t cpus = QW_CPUS;
	memcpy(at, &cpus, sizeof(cpus));
	fprintf(w->out, "vp-count index=%u offset=0x%x\n", a->index, p->byte_offset);
	return 0;
}

static int environment_info(struct walk *w, const IGVM_VHS_PARAMETER *p)
{
	struct area *a = find_area(w, p->parameter_area_index);
	if (!a)
		return 0;
	uint8_t *at = area_at(a, p->byte_offset, sizeof(IgvmEnvironmentInfo));
	if (!at)
		return fail(w, "environment info outside parameter area %u", a->index);
	IgvmEnvironmentInfo env;
	memcpy(&env, at, sizeof(env));
	env.memory_is_shared = 1;
	memcpy(at, &env, sizeof(env));
	fprintf(w->out, "env-info index=%u offset=0x%x\n", a->index, p->byte_offset);
	return 0;
}

static int required_memory(struct walk *w, const IGVM_VHS_REQUIRED_MEMORY *m)
{
	if (!(m->compatibility_mask & w->mask))
		return 0;
	fprintf(w->out, "required gpa=0x%" PRIx64 " size=0x%x\n", m->gpa, m->number_of_bytes);
	return 0;
}

static void hex(FILE *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
}

static int id_block(struct walk *w, const IGVM_VHS_SNP_ID_BLOCK *id)
{
	if (!(id->compatibility_mask & w->mask))
		return 0;
	if (w->have_id_block)
		return fail(w, "multiple ID blocks");
	w->have_id_block = true;
	/* The fields QEMU copies into the AMD ID block and ID authentication structures. */
	fputs("id-block ld=", w->out);
	hex(w->out, id->ld, sizeof(id->ld));
	fputs(" family=", w->out);
	hex(w->out, id->family_id, sizeof(id->family_id));
	fputs(" image=", w->out);
	hex(w->out, id->image_id, sizeof(id->image_id));
	fprintf(w->out, " svn=%u id-alg=%u author-alg=%u", id->guest_svn, id->id_key_algorithm,
		id->author_key_algorithm);
	fprintf(w->out, " id-sig=%016" PRIx64 " author-sig=%016" PRIx64,
		qw_hash(&id->id_key_signature, sizeof(id->id_key_signature)),
		qw_hash(&id->author_key_signature, sizeof(id->author_key_signature)));
	fprintf(w->out, " id-key=%u:%016" PRIx64 ":%016" PRIx64, id->id_public_key.curve,
		qw_hash(id->id_public_key.qx, sizeof(id->id_public_key.qx)),
		qw_hash(id->id_public_key.qy, sizeof(id->id_public_key.qy)));
	fprintf(w->out, " author-key=%u:%016" PRIx64 ":%016" PRIx64 "\n", id->author_public_key.curve,
		qw_hash(id->author_public_key.qx, sizeof(id->author_public_key.qx)),
		qw_hash(id->author_public_key.qy, sizeof(id->author_public_key.qy)));
	return 0;
}

static int guest_policy(struct walk *w, const IGVM_VHS_GUEST_POLICY *g)
{
	if (g->compatibility_mask & w->mask) {
		w->policy = g->policy;
		fprintf(w->out, "policy 0x%" PRIx64 "\n", g->policy);
	}
	return 0;
}

/* QEMU's handler table: the types it knows, the section to read them from. */
static int handle(struct walk *w, uint32_t type)
{
	IgvmHeaderSection section;
	switch (type) {
	case IGVM_VHT_GUEST_POLICY:
		section = IGVM_HEADER_SECTION_INITIALIZATION;
		break;
	case IGVM_VHT_PAGE_DATA:
	case IGVM_VHT_VP_CONTEXT:
	case IGVM_VHT_PARAMETER_AREA:
	case IGVM_VHT_PARAMETER_INSERT:
	case IGVM_VHT_MEMORY_MAP:
	case IGVM_VHT_VP_COUNT_PARAMETER:
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER:
	case IGVM_VHT_REQUIRED_MEMORY:
	case IGVM_VHT_SNP_ID_BLOCK:
		section = IGVM_HEADER_SECTION_DIRECTIVE;
		break;
	default:
		return fail(w, "unknown header type 0x%X", type);
	}
	IgvmHandle h = igvm_get_header(w->file, section, w->index);
	if (h < 0)
		return fail(w, "cannot read header %u: %d", w->index, (int)h);
	const uint8_t *body = igvm_get_buffer(w->file, h) + sizeof(IGVM_VHS_VARIABLE_HEADER);
	int r;
	switch (type) {
	case IGVM_VHT_GUEST_POLICY: r = guest_policy(w, (const IGVM_VHS_GUEST_POLICY *)body); break;
	case IGVM_VHT_PAGE_DATA: r = page_data(w, (const IGVM_VHS_PAGE_DATA *)body); break;
	case IGVM_VHT_VP_CONTEXT: r = vp_context(w, (const IGVM_VHS_VP_CONTEXT *)body); break;
	case IGVM_VHT_PARAMETER_AREA: r = parameter_area(w, (const IGVM_VHS_PARAMETER_AREA *)body); break;
	case IGVM_VHT_PARAMETER_INSERT: r = parameter_insert(w, (const IGVM_VHS_PARAMETER_INSERT *)body); break;
	case IGVM_VHT_MEMORY_MAP: r = memory_map(w, (const IGVM_VHS_PARAMETER *)body); break;
	case IGVM_VHT_VP_COUNT_PARAMETER: r = vp_count(w, (const IGVM_VHS_PARAMETER *)body); break;
	case IGVM_VHT_ENVIRONMENT_INFO_PARAMETER: r = environment_info(w, (const IGVM_VHS_PARAMETER *)body); break;
	case IGVM_VHT_REQUIRED_MEMORY: r = required_memory(w, (const IGVM_VHS_REQUIRED_MEMORY *)body); break;
	default: r = id_block(w, (const IGVM_VHS_SNP_ID_BLOCK *)body); break;
	}
	igvm_free_buffer(w->file, h);
	return r;
}

static int load(struct walk *w)
{
	if (select_platform(w))
		return -1;
	int32_t n = igvm_header_count(w->file, IGVM_HEADER_SECTION_DIRECTIVE);
	if (n <= 0)
		return fail(w, "directive header count %d", (int)n);
	for (w->index = 0; w->index < (uint32_t)n; w->index++)
		if (handle(w, (uint32_t)igvm_get_header_type(w->file, IGVM_HEADER_SECTION_DIRECTIVE, w->index)))
			return -1;
	n = igvm_header_count(w->file, IGVM_HEADER_SECTION_INITIALIZATION);
	if (n < 0)
		return fail(w, "initialization header count %d", (int)n);
	for (w->index = 0; w->index < (uint32_t)n; w->index++)
		if (handle(w, (uint32_t)igvm_get_header_type(w->file, IGVM_HEADER_SECTION_INITIALIZATION, w->index)))
			return -1;
	/* The last run of pages is flushed only now, after the initialization headers. */
	if (w->region_pages && flush_region(w))
		return -1;
	if (w->platform == IGVM_PLATFORM_TYPE_SEV_SNP)
		fprintf(w->out, "launch policy=0x%" PRIx64 " id-block=%s\n", w->policy, w->have_id_block ? "yes" : "no");
	return 0;
}

int qw_run(const uint8_t *file, uint32_t len, FILE *out)
{
	struct walk w;
	memset(&w, 0, sizeof(w));
	w.out = out;
	w.areas_tail = &w.areas;
	w.file = igvm_new_from_binary(file, len);
	if (w.file < 0) {
		fprintf(out, "error: parse %d\n", (int)w.file);
		return 1;
	}
	int r = load(&w);
	while (w.areas) {
		struct area *next = w.areas->next;
		free(w.areas->data);
		free(w.areas);
		w.areas = next;
	}
	igvm_free(w.file);
	return r ? 1 : 0;
}
