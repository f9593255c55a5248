/* SPDX-License-Identifier: MIT */
/*
 * Launch digests of IGVM files (measure/igvm_digest.c).
 *
 * Golden values, all from sources independent of this code:
 *  - SHA-384 of a 4 KiB zero page, C0E59A3E…: spec igvm-format.md §10.2,
 *    computed with the SHA-384 implementation the Rust crate uses;
 *  - the microsoft/igvm serializer test file (igvm/src/serializer.rs,
 *    make_snp_file: SNP mask 1, GUEST_POLICY 0x30000, page 0 filled with 0xCC
 *    and page 1 with 0xDD) and its SNP digest 5987C91C…: spec §10.2, verified
 *    against the crate at e6c3ff1 and printed by COCONUT's igvmmeasure; the
 *    serialized size (8328) and CRC (0x3048BE2B) from the same section show
 *    that the file built here is byte-for-byte that file;
 *  - one data-less NORMAL page at GPA 0 with GUEST_POLICY 0x30000 →
 *    9D13634B…: spec §10.2, verified against the crate.
 * Everything else is a property or is checked against the small PAGE_INFO
 * oracle below, written from the AMD SNP ABI layout byte by byte and sharing
 * no code with measure/snp_digest.c or measure/igvm_digest.c.
 *
 * Run with "--fixtures DIR" the program writes the IGVM files (and the raw
 * page bytes) that tests/cli/t0300-igvmmeasure-measure.sh measures, so the
 * CLI test needs no binary blobs and no second generator.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../unit/tap.h"

#include "../../common/buf.h"
#include "../../common/cleanup.h"
#include "../../common/digest.h"
#include "../../common/status.h"
#include "../../format/igvm.h"
#include "../../measure/igvm_digest.h"
#include "../../measure/snp_digest.h"

#define PAGE 4096u

static const char ZERO_PAGE_SHA384[] =
	"C0E59A3E3FFBD3B5C75428FB36432FACABC745944296FF515F737C4FEF4EFC64586809F7A16F56354A1EAECF2AA8D774";
static const char SERIALIZER_SNP_DIGEST[] =
	"5987C91C61F0C2E8D7A6942CA46B56BA651572B8947956533D84C88CB7D98AAF7F638461E0D3E64A7110D769597540CD";
static const char DATALESS_SNP_DIGEST[] =
	"9D13634B6014BB21CF059B2DC694E7BFF01A8A7137041100CD2B695F3D10FB687267B97808B27F8F471D943BC6F53A20";

/* ---- helpers: hex, building files -------------------------------------------------- */

static void unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static uint8_t *page_of(struct igvm_file *f, uint8_t fill)
{
	uint8_t *p = malloc(PAGE);
	if (!p)
		abort();
	memset(p, fill, PAGE);
	if (!igvm_file_own(f, p))
		abort();
	return p;
}

/* Deterministic, different bytes in every page (xorshift64). */
static uint8_t *page_random(struct igvm_file *f, uint64_t seed)
{
	uint8_t *p = page_of(f, 0);
	uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
	for (unsigned i = 0; i < PAGE; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
	return p;
}

static void add(struct igvm_file *f, uint32_t type, const void *body, const void *data, uint32_t len)
{
	if (!igvm_file_add(f, type, body, data, len))
		abort();
}

static void add_platform(struct igvm_file *f, uint32_t mask, uint8_t type)
{
	struct igvm_vhs_supported_platform p = { mask, 0, type, 1, 0 };
	add(f, IGVM_VHT_SUPPORTED_PLATFORM, &p, NULL, 0);
}

static void add_policy(struct igvm_file *f, uint32_t mask)
{
	struct igvm_vhs_guest_policy p = { 0x30000, mask, 0 };
	add(f, IGVM_VHT_GUEST_POLICY, &p, NULL, 0);
}

static void add_page(struct igvm_file *f, uint64_t gpa, uint32_t mask, uint32_t flags, uint16_t type,
		     const uint8_t *data)
{
	struct igvm_vhs_page_data p = { gpa, mask, 0, flags, type, 0 };
	add(f, IGVM_VHT_PAGE_DATA, &p, data, data ? PAGE : 0);
}

static void add_area(struct igvm_file *f, uint32_t index, uint64_t bytes)
{
	struct igvm_vhs_parameter_area a = { bytes, index, 0 };
	add(f, IGVM_VHT_PARAMETER_AREA, &a, NULL, 0);
}

static void add_insert(struct igvm_file *f, uint64_t gpa, uint32_t mask, uint32_t index)
{
	struct igvm_vhs_parameter_insert in = { gpa, mask, index };
	add(f, IGVM_VHT_PARAMETER_INSERT, &in, NULL, 0);
}

/* A VMSA page owned by f that QEMU/KVM measure as written (measure/kvm_vmsa.h), but for cr0. */
static uint8_t *vmsa_page(struct igvm_file *f, uint64_t cr0, uint64_t features)
{
	uint8_t *p = page_of(f, 0);
	struct igvm_sev_vmsa v;
	memset(&v, 0, sizeof(v));
	v.cr0 = cr0;
	v.sev_features = features;
	v.rip = 0xfff0;
	v.efer = 0x1000;
	v.cr4 = 0x40;
	v.rflags = 2;
	v.xcr0 = 1;
	v.pat = 0x0007040600070406ull;
	memcpy(p, &v, sizeof(v));
	return p;
}

static void add_vmsa(struct igvm_file *f, uint64_t gpa, uint32_t mask, const uint8_t *vmsa)
{
	struct igvm_vhs_vp_context vp = { gpa, mask, 0, 0, 0 };
	add(f, IGVM_VHT_VP_CONTEXT, &vp, vmsa, PAGE);
}

static void add_id_block(struct igvm_file *f, uint32_t mask, const uint8_t ld[48])
{
	struct igvm_vhs_snp_id_block id;
	memset(&id, 0, sizeof(id));
	id.compatibility_mask = mask;
	memcpy(id.ld, ld, 48);
	id.version = 1;
	add(f, IGVM_VHT_SNP_ID_BLOCK, &id, NULL, 0);
}

static void snp_file(struct igvm_file *f)
{
	igvm_file_init(f, 1, IGVM_ARCH_X64);
	add_platform(f, 1, IGVM_PLATFORM_SEV_SNP);
	add_policy(f, 1);
}

/* The crate's serializer test file (make_snp_file). */
static void serializer_file(struct igvm_file *f)
{
	snp_file(f);
	add_page(f, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, page_of(f, 0xCC));
	add_page(f, PAGE, 1, 0, IGVM_PAGE_DATA_NORMAL, page_of(f, 0xDD));
}

static void serialize(const struct igvm_file *f, struct ib_buf *out)
{
	struct igvm_diag d;
	*out = (struct ib_buf)IB_BUF_INIT;
	if (igvm_write(f, out, &d)) {
		diag("writer: %s: %s", igvm_rule_name(d.rule), d.detail);
		abort();
	}
}

/* ---- helpers: measuring ------------------------------------------------------------- */

struct m {
	int rc;
	uint8_t digest[48];
	size_t len;
	struct igvm_digest_result r; /* runs freed; counts kept */
	struct igvm_digest_error e;
};

static struct igvm_digest_opts opts(enum igvm_digest_platform p)
{
	struct igvm_digest_opts o = { .platform = p, .jobs = 2 };
	return o;
}

/*
 * Our writer refuses parameter areas over 4 GiB although the format allows
 * them (up to 2^56 bytes when they carry no data): to build such a hostile
 * file, patch the first area's size in the serialized bytes and redo the CRC.
 */
static uint64_t patch_area_size;

static void patch_first_area(struct ib_buf *b, uint64_t size)
{
	struct igvm_file f;
	if (igvm_parse(b->p, b->len, 0, &f, NULL))
		abort();
	for (size_t i = 0; i < f.count; i++) {
		if (f.hdr[i].type != IGVM_VHT_PARAMETER_AREA)
			continue;
		memcpy(b->p + f.hdr[i].record_offset + 8, &size, 8);
		break;
	}
	uint32_t vho = f.variable_header_offset, vhs = f.variable_header_size;
	igvm_file_free(&f);
	memset(b->p + 0x14, 0, 4);
	uLong crc = crc32(crc32(0L, Z_NULL, 0), b->p, 24);
	crc = crc32(crc, b->p + vho, vhs);
	uint32_t c = (uint32_t)crc;
	memcpy(b->p + 0x14, &c, 4);
}

/* How measure_ex hands the bytes over. */
enum via { VIA_MEM = 0, VIA_FD = 1, VIA_MAP = 2 };

/* Measures the serialized bytes of f, from memory, through pread() on a temp
 * file (truncated to truncate_to bytes if not 0) or from a mapping of it. */
static struct m measure_ex(const struct igvm_file *built, const struct igvm_digest_opts *o, int via,
			   size_t truncate_to)
{
	struct m m;
	memset(&m, 0, sizeof(m));
	struct ib_buf b;
	serialize(built, &b);
	if (patch_area_size)
		patch_first_area(&b, patch_area_size);
	struct igvm_file f;
	struct igvm_diag d;
	if (igvm_parse(b.p, b.len, 0, &f, &d)) {
		diag("parse: %s: %s", igvm_rule_name(d.rule), d.detail);
		abort();
	}
	struct igvm_digest_source src = { .fd = -1, .mem = b.p, .mem_len = b.len };
	char path[] = "/tmp/test_igvm_digest.XXXXXX";
	void *map = NULL;
	if (via != VIA_MEM) {
		src.fd = mkstemp(path);
		size_t n = truncate_to ? truncate_to : b.len;
		if (src.fd < 0 || write(src.fd, b.p, n) != (ssize_t)n)
			abort();
		unlink(path);
		src.mem = NULL;
	}
	if (via == VIA_MAP) {
		map = mmap(NULL, b.len, PROT_READ, MAP_PRIVATE, src.fd, 0);
		if (map == MAP_FAILED)
			abort();
		src.mem = map;
		src.mem_is_mapping = true;
	}
	m.rc = igvm_digest_compute(&f, &src, o, &m.r, &m.e);
	if (map)
		munmap(map, b.len);
	memcpy(m.digest, m.r.digest, sizeof(m.digest));
	m.len = m.r.digest_len;
	if (!o->want_runs)
		igvm_digest_result_free(&m.r);
	if (src.fd >= 0)
		close(src.fd);
	igvm_file_free(&f);
	ib_buf_free(&b);
	return m;
}

static struct m measure(const struct igvm_file *f, const struct igvm_digest_opts *o)
{
	return measure_ex(f, o, VIA_MEM, 0);
}

/* ---- the oracle: PAGE_INFO per the AMD ABI, byte by byte ------------------------------ */

static void oracle_step(uint8_t ld[48], uint8_t type, uint64_t gpa, const uint8_t *contents)
{
	uint8_t pi[0x70];
	memset(pi, 0, sizeof(pi));
	memcpy(pi, ld, 48);
	if (contents)
		memcpy(pi + 0x30, contents, 48);
	pi[0x60] = 0x70; /* length, u16 LE */
	pi[0x62] = type;
	for (int i = 0; i < 8; i++)
		pi[0x68 + i] = (uint8_t)(gpa >> (8 * i));
	ib_sha384(pi, sizeof(pi), ld);
}

static void oracle_page(uint8_t ld[48], uint8_t type, uint64_t gpa, const uint8_t *page)
{
	uint8_t h[48];
	ib_sha384(page, PAGE, h);
	oracle_step(ld, type, gpa, h);
}

static const uint8_t zero_page[PAGE];

/* ---- tests -------------------------------------------------------------------------------- */

static void test_golden(void)
{
	uint8_t want[48];
	unhex(ZERO_PAGE_SHA384, want, 48);
	is_mem(snp_zero_page_hash(), want, 48, "SHA-384 of a zero page is C0E59A3E… (spec §10.2)");

	struct igvm_file f;
	serializer_file(&f);
	struct ib_buf b;
	serialize(&f, &b);
	uint32_t crc;
	memcpy(&crc, b.p + 0x14, 4);
	ok(b.len == 8328 && crc == 0x3048BE2B, "the serializer test file is the crate's (8328 bytes, CRC 0x3048BE2B)");
	ib_buf_free(&b);

	unhex(SERIALIZER_SNP_DIGEST, want, 48);
	struct igvm_digest_opts o = opts(IGVM_DIGEST_SEV_SNP);
	struct m m = measure(&f, &o);
	ok(m.rc == 0 && m.len == 48, "serializer file measures");
	is_mem(m.digest, want, 48, "serializer SNP file gives 5987C91C… (crate, spec §10.2)");
	m = measure_ex(&f, &o, VIA_FD, 0);
	is_mem(m.digest, want, 48, "the same through pread() from a file");
	m = measure_ex(&f, &o, VIA_MAP, 0);
	is_mem(m.digest, want, 48, "the same from a file mapping");
	igvm_file_free(&f);

	snp_file(&f);
	add_page(&f, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL);
	unhex(DATALESS_SNP_DIGEST, want, 48);
	m = measure(&f, &o);
	is_mem(m.digest, want, 48, "one data-less page gives 9D13634B… (crate, spec §10.2)");
	is_u64(m.r.pages[SNP_PAGE_NORMAL], 1, "... as one NORMAL page");
	o.native_zero = true;
	m = measure(&f, &o);
	ok(m.rc == 0 && memcmp(m.digest, want, 48) != 0, "--native-zero measures it differently");
	is_u64(m.r.pages[SNP_PAGE_ZERO], 1, "... as one ZERO page");
	igvm_file_free(&f);
}

/* A mixed file, and its digest by the oracle (native: data-less pages are ZERO). */
static void mixed_file(struct igvm_file *f, unsigned pages, uint8_t want[48], bool native)
{
	snp_file(f);
	memset(want, 0, 48);
	add_area(f, 0, 2 * PAGE);
	add_insert(f, 0x100000, 1, 0);
	oracle_step(want, SNP_PAGE_UNMEASURED, 0x100000, NULL);
	oracle_step(want, SNP_PAGE_UNMEASURED, 0x101000, NULL);
	for (unsigned i = 0; i < pages; i++) {
		uint64_t gpa = 0x200000 + (uint64_t)i * PAGE;
		if (i % 7 == 3) {
			add_page(f, gpa, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL);
			if (native)
				oracle_step(want, SNP_PAGE_ZERO, gpa, NULL);
			else
				oracle_page(want, SNP_PAGE_NORMAL, gpa, zero_page);
		} else if (i % 11 == 5) {
			add_page(f, gpa, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, page_random(f, i));
			oracle_step(want, SNP_PAGE_UNMEASURED, gpa, NULL);
		} else {
			const uint8_t *d = page_random(f, i);
			add_page(f, gpa, 1, 0, IGVM_PAGE_DATA_NORMAL, d);
			oracle_page(want, SNP_PAGE_NORMAL, gpa, d);
		}
	}
	const uint8_t *v = vmsa_page(f, 0x31, 0x21);
	add_vmsa(f, IGVM_KVM_VMSA_GPA, 1, v);
	oracle_page(want, SNP_PAGE_VMSA, IGVM_KVM_VMSA_GPA, v);
}

static void test_workers(void)
{
	struct igvm_file f;
	uint8_t want[48], want_native[48];
	struct igvm_file g;
	mixed_file(&f, 300, want, false);
	mixed_file(&g, 300, want_native, true);
	static const unsigned jobs[] = { 1, 2, 3, 7, 0, 1000 };
	for (size_t i = 0; i < ARRAY_SIZE(jobs); i++) {
		struct igvm_digest_opts o = opts(IGVM_DIGEST_SEV_SNP);
		o.jobs = jobs[i];
		struct m m = measure_ex(&f, &o, (int)(i % 3), 0);
		ok(m.rc == 0, "mixed file, -j %u: measures", jobs[i]);
		is_mem(m.digest, want, 48, "mixed file, -j %u: the oracle's digest", jobs[i]);
	}
	struct igvm_digest_opts o = opts(IGVM_DIGEST_SEV_SNP);
	o.native_zero = true;
	struct m m = measure(&g, &o);
	is_mem(m.digest, want_native, 48, "--native-zero differs exactly in the data-less pages (oracle)");
	m = measure(&f, &o);
	ok(memcmp(m.digest, want, 48) != 0, "... and so differs from the default");
	igvm_file_free(&f);
	igvm_file_free(&g);

	/* A mapped file larger than the release threshold: pages are dropped from
	 * the mapping while other threads may still be hashing from it. */
	mixed_file(&f, 3000, want, false);
	for (unsigned j = 1; j <= 3; j += 2) {
		o = opts(IGVM_DIGEST_SEV_SNP);
		o.jobs = j;
		m = measure_ex(&f, &o, VIA_MAP, 0);
		is_mem(m.digest, want, 48, "3000 pages from a mapping that is emptied as it goes, -j %u", j);
	}
	igvm_file_free(&f);

	/* Without data-less pages the loader model does not matter. */
	serializer_file(&f);
	o = opts(IGVM_DIGEST_SEV_SNP);
	o.native_zero = true;
	struct m a = measure(&f, &o);
	o.native_zero = false;
	struct m b = measure(&f, &o);
	is_mem(a.digest, b.digest, 48, "--native-zero is the default when every page has data");
	igvm_file_free(&f);
}

static void test_properties(void)
{
	/* A seeded digest continues the unseeded one. */
	struct igvm_file ab, a, b;
	snp_file(&ab);
	snp_file(&a);
	snp_file(&b);
	for (unsigned i = 0; i < 40; i++) {
		uint64_t gpa = (uint64_t)i * PAGE;
		const uint8_t *d = i % 5 ? page_random(&ab, i) : NULL;
		add_page(&ab, gpa, 1, 0, IGVM_PAGE_DATA_NORMAL, d);
		add_page(i < 17 ? &a : &b, gpa, 1, 0, IGVM_PAGE_DATA_NORMAL, d);
	}
	struct igvm_digest_opts o = opts(IGVM_DIGEST_SEV_SNP);
	struct m whole = measure(&ab, &o);
	struct m first = measure(&a, &o);
	o.seed = first.digest;
	struct m rest = measure(&b, &o);
	is_mem(rest.digest, whole.digest, 48, "a digest seeded with the first part's continues it");
	igvm_file_free(&ab);
	igvm_file_free(&a);
	igvm_file_free(&b);

	/* Reordering pages changes the digest. */
	struct igvm_file x, y;
	snp_file(&x);
	snp_file(&y);
	const uint8_t *p = page_of(&x, 1), *q = page_of(&x, 2);
	add_page(&x, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, p);
	add_page(&x, PAGE, 1, 0, IGVM_PAGE_DATA_NORMAL, q);
	add_page(&y, PAGE, 1, 0, IGVM_PAGE_DATA_NORMAL, q);
	add_page(&y, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, p);
	o = opts(IGVM_DIGEST_SEV_SNP);
	struct m mx = measure(&x, &o), my = measure(&y, &o);
	ok(mx.rc == 0 && my.rc == 0 && memcmp(mx.digest, my.digest, 48) != 0, "reordering two pages changes the digest");
	igvm_file_free(&y);

	/* Shared pages are skipped. */
	snp_file(&y);
	add_page(&y, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, p);
	add_page(&y, 0x5000, 1, IGVM_PAGE_FLAG_SHARED, IGVM_PAGE_DATA_NORMAL, page_of(&y, 9));
	add_page(&y, PAGE, 1, 0, IGVM_PAGE_DATA_NORMAL, q);
	my = measure(&y, &o);
	is_mem(my.digest, mx.digest, 48, "a shared page is not measured");
	is_u64(my.r.shared_skipped, 1, "... and is counted as skipped");
	igvm_file_free(&y);

	/* Pages of another platform are not measured; nor is its VMSA. */
	igvm_file_init(&y, 1, IGVM_ARCH_X64);
	add_platform(&y, 1, IGVM_PLATFORM_SEV_SNP);
	add_platform(&y, 2, IGVM_PLATFORM_SEV_ES);
	add_policy(&y, 1);
	add_page(&y, 0, 3, 0, IGVM_PAGE_DATA_NORMAL, p);
	add_page(&y, 0x9000, 2, 0, IGVM_PAGE_DATA_NORMAL, page_of(&y, 7));
	add_vmsa(&y, 0x7000, 2, vmsa_page(&y, 0x31, 0));
	add_page(&y, PAGE, 1, 0, IGVM_PAGE_DATA_NORMAL, q);
	my = measure(&y, &o);
	is_mem(my.digest, mx.digest, 48, "headers of another platform's mask are left out");
	igvm_file_free(&y);
	igvm_file_free(&x);
}

static void test_page_kinds(void)
{
	struct igvm_file f;
	uint8_t want[48] = { 0 };
	snp_file(&f);
	const uint8_t *d = page_random(&f, 42);
	add_page(&f, 0x1000, 1, 0, IGVM_PAGE_DATA_SECRETS, d);
	oracle_step(want, SNP_PAGE_SECRETS, 0x1000, NULL);
	add_page(&f, 0x2000, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_CPUID_DATA, d);
	oracle_step(want, SNP_PAGE_CPUID, 0x2000, NULL);
	add_page(&f, 0x3000, 1, 0, IGVM_PAGE_DATA_CPUID_XF, NULL);
	oracle_step(want, SNP_PAGE_CPUID, 0x3000, NULL);
	add_page(&f, 0x4000, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, NULL);
	oracle_step(want, SNP_PAGE_UNMEASURED, 0x4000, NULL);
	add_area(&f, 5, 3 * PAGE);
	add_insert(&f, 0x10000, 1, 5);
	for (unsigned i = 0; i < 3; i++)
		oracle_step(want, SNP_PAGE_UNMEASURED, 0x10000 + i * PAGE, NULL);
	const uint8_t *v = vmsa_page(&f, 0x11, 0x1);
	add_vmsa(&f, 0x7000, 1, v);
	oracle_page(want, SNP_PAGE_VMSA, 0x7000, v);
	/* 2 MiB pages: 512 4 KiB entries, the data (if any) first. */
	add_page(&f, 0x200000, 1, IGVM_PAGE_FLAG_2MB, IGVM_PAGE_DATA_NORMAL, d);
	oracle_page(want, SNP_PAGE_NORMAL, 0x200000, d);
	for (unsigned i = 1; i < 512; i++)
		oracle_page(want, SNP_PAGE_NORMAL, 0x200000 + (uint64_t)i * PAGE, zero_page);
	add_page(&f, 0x400000, 1, IGVM_PAGE_FLAG_2MB, IGVM_PAGE_DATA_NORMAL, NULL);
	for (unsigned i = 0; i < 512; i++)
		oracle_page(want, SNP_PAGE_NORMAL, 0x400000 + (uint64_t)i * PAGE, zero_page);
	add_page(&f, 0x600000, 1, IGVM_PAGE_FLAG_2MB, IGVM_PAGE_DATA_SECRETS, NULL);
	for (unsigned i = 0; i < 512; i++)
		oracle_step(want, SNP_PAGE_SECRETS, 0x600000 + (uint64_t)i * PAGE, NULL);

	struct igvm_digest_opts o = opts(IGVM_DIGEST_SEV_SNP);
	o.want_runs = true;
	struct m m = measure(&f, &o);
	ok(m.rc == 0, "every page kind measures");
	is_mem(m.digest, want, 48, "secrets, CPUID, unmeasured, insert (whole area), VMSA, 2 MiB pages (oracle)");
	is_u64(m.r.pages[SNP_PAGE_SECRETS], 513, "counts: 513 secrets entries");
	is_u64(m.r.pages[SNP_PAGE_UNMEASURED], 4, "counts: 4 unmeasured entries");
	is_u64(m.r.pages[SNP_PAGE_NORMAL], 1024, "counts: 1024 normal entries");
	is_u64(m.r.hashed_pages, 2, "two pages read and hashed (the 2 MiB page's data and the VMSA)");
	/* Runs coalesce by type and contiguous gpa, like COCONUT's -v. */
	ok(m.r.nruns == 7 && m.r.runs[0].gpa == 0x1000 && m.r.runs[0].type == SNP_PAGE_SECRETS &&
		   m.r.runs[4].gpa == 0x7000 && m.r.runs[4].type == SNP_PAGE_VMSA && m.r.runs[5].gpa == 0x200000 &&
		   m.r.runs[5].pages == 1024 && m.r.runs[6].pages == 512,
	   "runs: %zu, coalesced by type and gpa", m.r.nruns);
	igvm_digest_result_free(&m.r);

	/* The insert is the same as that many unmeasured pages. */
	struct igvm_file a, b;
	snp_file(&a);
	snp_file(&b);
	add_area(&a, 0, 4 * PAGE);
	add_insert(&a, 0x8000, 1, 0);
	for (unsigned i = 0; i < 4; i++)
		add_page(&b, 0x8000 + i * PAGE, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, NULL);
	o.want_runs = false;
	struct m ma = measure(&a, &o), mb = measure(&b, &o);
	is_mem(ma.digest, mb.digest, 48, "a 4-page parameter insert equals 4 unmeasured pages");
	igvm_file_free(&a);
	igvm_file_free(&b);
	igvm_file_free(&f);
}

static void test_sev(void)
{
	/* SEV-ES: SHA-256 over the data pages and the VMSA, in order (COCONUT's rule). */
	struct igvm_file f;
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	add_platform(&f, 1, IGVM_PLATFORM_SEV_ES);
	add_platform(&f, 2, IGVM_PLATFORM_SEV_SNP);
	add_policy(&f, 2);
	const uint8_t *p = page_random(&f, 1), *q = page_random(&f, 2), *u = page_random(&f, 3);
	add_page(&f, 0, 3, 0, IGVM_PAGE_DATA_NORMAL, p);
	add_page(&f, 0x1000, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL); /* data-less: nothing */
	add_page(&f, 0x2000, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, u);
	add_area(&f, 0, PAGE);
	add_insert(&f, 0x3000, 1, 0);
	add_page(&f, 0x4000, 1, 0, IGVM_PAGE_DATA_NORMAL, q);
	const uint8_t *v = vmsa_page(&f, 0x31, 0);
	add_vmsa(&f, IGVM_KVM_VMSA_GPA, 1, v);
	add_vmsa(&f, IGVM_KVM_VMSA_GPA, 2, vmsa_page(&f, 0x31, 1));

	uint8_t cat[5 * PAGE];
	memcpy(cat, p, PAGE);
	memcpy(cat + PAGE, u, PAGE);
	memcpy(cat + 2 * PAGE, q, PAGE);
	memcpy(cat + 3 * PAGE, v, PAGE);
	uint8_t want[32];
	ib_sha256(cat, 4 * PAGE, want);
	struct igvm_digest_opts o = opts(IGVM_DIGEST_SEV_ES);
	struct m m = measure(&f, &o);
	ok(m.rc == 0 && m.len == 32, "SEV-ES gives a 32-byte digest");
	is_mem(m.digest, want, 32, "SEV-ES: SHA-256 of the data pages and its own VMSA");
	m = measure_ex(&f, &o, VIA_FD, 0);
	is_mem(m.digest, want, 32, "... also through pread()");
	igvm_file_free(&f);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	add_platform(&f, 1, IGVM_PLATFORM_SEV);
	p = page_random(&f, 4);
	add_page(&f, 0, 1, IGVM_PAGE_FLAG_2MB, IGVM_PAGE_DATA_NORMAL, p);
	_cleanup_free_ uint8_t *big = calloc(512, PAGE);
	memcpy(big, p, PAGE);
	ib_sha256(big, 512 * PAGE, want);
	o = opts(IGVM_DIGEST_SEV);
	m = measure(&f, &o);
	is_mem(m.digest, want, 32, "SEV: a 2 MiB page is its data and 511 zero pages");
	o = opts(IGVM_DIGEST_SEV_ES);
	m = measure(&f, &o);
	ok(m.rc == IB_EXIT_INVALID && m.e.rule && !strcmp(m.e.rule, "measure.platform"),
	   "SEV-ES on a file without that platform: measure.platform (%s)", m.e.detail);
	igvm_file_free(&f);
}

static void test_errors(void)
{
	struct igvm_file f;
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	add_platform(&f, 1, IGVM_PLATFORM_SEV_SNP);
	add_policy(&f, 2); /* a mask bit of no platform: does not apply */
	add_page(&f, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL);
	struct igvm_digest_opts o = opts(IGVM_DIGEST_SEV_SNP);
	struct m m = measure(&f, &o);
	ok(m.rc == IB_EXIT_INVALID && m.e.rule && !strcmp(m.e.rule, "measure.guest-policy"),
	   "SNP without a GUEST_POLICY for its mask: measure.guest-policy");
	igvm_file_free(&f);

	snp_file(&f);
	add_area(&f, 0, PAGE);
	add_insert(&f, 0, 1, 0);
	patch_area_size = 1ull << 41;
	m = measure(&f, &o);
	patch_area_size = 0;
	ok(m.rc == IB_EXIT_INVALID && m.e.rule && !strcmp(m.e.rule, "measure.page-limit"),
	   "a 2 TiB parameter area: measure.page-limit");
	igvm_file_free(&f);

	snp_file(&f);
	add_area(&f, 0, 2 * PAGE);
	add_insert(&f, 0xFFFFFFFFFFFFF000ull, 1, 0);
	m = measure(&f, &o);
	ok(m.rc == IB_EXIT_INVALID && m.e.rule && !strcmp(m.e.rule, "measure.gpa-overflow"),
	   "an insert past 2^64: measure.gpa-overflow");
	igvm_file_free(&f);

	snp_file(&f);
	add_page(&f, 0xFFFFFFFFFFFFF000ull, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL);
	m = measure(&f, &o);
	ok(m.rc == 0, "the last page below 2^64 is fine");
	igvm_file_free(&f);

	serializer_file(&f);
	m = measure_ex(&f, &o, VIA_FD, 5000);
	ok(m.rc == IB_EXIT_IO && strstr(m.e.detail, "changed"), "a file that shrank: I/O error (%s)", m.e.detail);
	igvm_file_free(&f);
}

/*
 * Pages whose data the writer stores once (it de-duplicates identical
 * blobs): their hash is taken from the first one (the memo), which must give
 * the oracle's digest whatever the threads and the way pages are read. The
 * first page with a repeated blob may be an unmeasured one, whose data is not
 * hashed: the next measured page with that blob is then the one hashed.
 */
static void test_repeats(void)
{
	struct igvm_file f;
	uint8_t want[48];
	memset(want, 0, sizeof(want));
	snp_file(&f);
	const uint8_t *a = page_random(&f, 101), *b = page_random(&f, 102), *z = page_of(&f, 0);
	const uint8_t *u = page_random(&f, 103);
	add_page(&f, 0x10000, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, u);
	oracle_step(want, SNP_PAGE_UNMEASURED, 0x10000, NULL);
	unsigned repeats = 0;
	for (unsigned i = 0; i < 200; i++) {
		uint64_t gpa = 0x100000 + (uint64_t)i * PAGE;
		const uint8_t *d = i % 16 == 0 ? z : i % 37 == 1 ? a : i % 41 == 2 ? u : i == 3 ? b : page_random(&f, 1000 + i);
		add_page(&f, gpa, 1, 0, IGVM_PAGE_DATA_NORMAL, d);
		oracle_page(want, SNP_PAGE_NORMAL, gpa, d);
		repeats += (d == z && i) || (d == a && i > 1) || (d == u && i > 2);
	}
	add_page(&f, 0x400000, 1, 0, IGVM_PAGE_DATA_NORMAL, b);
	oracle_page(want, SNP_PAGE_NORMAL, 0x400000, b);
	repeats++;
	const uint8_t *v = vmsa_page(&f, 0x31, 0x21);
	add_vmsa(&f, IGVM_KVM_VMSA_GPA, 1, v);
	oracle_page(want, SNP_PAGE_VMSA, IGVM_KVM_VMSA_GPA, v);
	static const unsigned jobs[] = { 1, 2, 5 };
	for (size_t i = 0; i < ARRAY_SIZE(jobs); i++)
		for (int via = 0; via < 3; via++) {
			struct igvm_digest_opts o = opts(IGVM_DIGEST_SEV_SNP);
			o.jobs = jobs[i];
			struct m m = measure_ex(&f, &o, via, 0);
			ok(m.rc == 0 && !memcmp(m.digest, want, 48) && m.r.repeated_pages == repeats &&
				   m.r.hashed_pages + m.r.repeated_pages == 202,
			   "stored-once pages, -j %u, read via %d: the oracle's digest, %llu of 202 hashes reused (%u "
			   "expected)",
			   jobs[i], via, (unsigned long long)m.r.repeated_pages, repeats);
		}
	igvm_file_free(&f);
}

/* ---- --check-kvm -------------------------------------------------------------------------- */

struct findings {
	char rules[512];
	size_t warnings;
};

static void collect(void *ctx, const struct igvm_kvm_finding *k)
{
	struct findings *x = ctx;
	if (k->warning) {
		x->warnings++;
		return;
	}
	size_t n = strlen(x->rules);
	snprintf(x->rules + n, sizeof(x->rules) - n, "%s%s", n ? " " : "", k->rule);
}

static size_t kvm(const struct igvm_file *built, enum igvm_digest_platform p, struct findings *x)
{
	struct ib_buf b;
	serialize(built, &b);
	struct igvm_file f;
	if (igvm_parse(b.p, b.len, 0, &f, NULL))
		abort();
	memset(x, 0, sizeof(*x));
	uint32_t mask = 0;
	igvm_digest_platform_mask(&f, p, &mask);
	size_t n = igvm_digest_check_kvm(&f, p, mask, collect, x);
	igvm_file_free(&f);
	ib_buf_free(&b);
	return n;
}

static void kvm_good(struct igvm_file *f, uint64_t cr0)
{
	snp_file(f);
	add_area(f, 0, PAGE);
	add_insert(f, 0x1000, 1, 0);
	add_page(f, 0x10000, 1, 0, IGVM_PAGE_DATA_NORMAL, page_of(f, 3));
	add_page(f, 0x11000, 1, 0, IGVM_PAGE_DATA_SECRETS, NULL);
	add_vmsa(f, IGVM_KVM_VMSA_GPA, 1, vmsa_page(f, cr0, 0x21));
}

static void test_kvm(void)
{
	struct igvm_file f;
	struct findings x;
	kvm_good(&f, 0x31);
	ok(kvm(&f, IGVM_DIGEST_SEV_SNP, &x) == 0 && x.warnings == 1, "a KVM-ready file passes (one DebugSwap warning)");
	igvm_file_free(&f);
	kvm_good(&f, 0x30);
	ok(kvm(&f, IGVM_DIGEST_SEV_SNP, &x) == 0, "CR0 0x30 is accepted too");
	igvm_file_free(&f);

	kvm_good(&f, 0x11);
	ok(kvm(&f, IGVM_DIGEST_SEV_SNP, &x) == 0, "CR0 0x11 (sev-snp-measure's SVSM VMSA) is accepted: KVM keeps it");
	igvm_file_free(&f);
	kvm_good(&f, 0x1);
	ok(kvm(&f, IGVM_DIGEST_SEV_SNP, &x) == 1 && !strcmp(x.rules, "kvm.vmsa-cr0"), "CR0 0x1 (no ET): kvm.vmsa-cr0");
	igvm_file_free(&f);

	kvm_good(&f, 0x31);
	add_vmsa(&f, IGVM_KVM_VMSA_GPA - PAGE, 1, vmsa_page(&f, 0x31, 0x21));
	ok(kvm(&f, IGVM_DIGEST_SEV_SNP, &x) == 2 && !strcmp(x.rules, "kvm.vmsa-count kvm.vmsa-gpa"),
	   "a second VMSA elsewhere: %s", x.rules);
	igvm_file_free(&f);

	kvm_good(&f, 0x31);
	add_page(&f, 0x20000, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, NULL);
	add_page(&f, 0x30000, 1, IGVM_PAGE_FLAG_SHARED, IGVM_PAGE_DATA_NORMAL, NULL);
	add_area(&f, 1, PAGE);
	add_insert(&f, 0x40000, 1, 1);
	add_id_block(&f, 1, zero_page);
	add_id_block(&f, 1, zero_page);
	ok(kvm(&f, IGVM_DIGEST_SEV_SNP, &x) == 4 &&
		   !strcmp(x.rules, "kvm.vmsa-last kvm.insert-after-page kvm.shared-page kvm.id-block-count"),
	   "pages after the VMSA, a late insert, a shared page, two ID blocks: %s", x.rules);
	igvm_file_free(&f);

	snp_file(&f);
	add_page(&f, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL);
	ok(kvm(&f, IGVM_DIGEST_SEV_SNP, &x) == 1 && !strcmp(x.rules, "kvm.vmsa-count"), "no VMSA: kvm.vmsa-count");
	igvm_file_free(&f);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	add_platform(&f, 1, IGVM_PLATFORM_SEV_ES);
	add_page(&f, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL);
	add_page(&f, 0x1000, 1, IGVM_PAGE_FLAG_UNMEASURED, IGVM_PAGE_DATA_NORMAL, page_of(&f, 1));
	add_page(&f, 0x2000, 1, 0, IGVM_PAGE_DATA_CPUID_DATA, NULL);
	add_vmsa(&f, 0x5000, 1, vmsa_page(&f, 0x31, 0));
	ok(kvm(&f, IGVM_DIGEST_SEV_ES, &x) == 3 &&
		   !strcmp(x.rules, "kvm.sev-data-less kvm.sev-unmeasured kvm.sev-snp-page"),
	   "SEV-ES: where QEMU hashes something else than COCONUT's rule: %s", x.rules);
	igvm_file_free(&f);
}

/* ---- fixtures for the CLI test ----------------------------------------------------------------- */

static int write_out(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(p, 1, n, fp) != n) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		if (fp)
			fclose(fp);
		return 1;
	}
	return fclose(fp) ? 1 : 0;
}

static int write_igvm(const char *dir, const char *name, struct igvm_file *f)
{
	struct ib_buf b;
	serialize(f, &b);
	int r = write_out(dir, name, b.p, b.len);
	ib_buf_free(&b);
	igvm_file_free(f);
	return r;
}

static int fixtures(const char *dir)
{
	struct igvm_file f;
	int r = 0;
	serializer_file(&f);
	r |= write_igvm(dir, "serializer.igvm", &f);

	snp_file(&f);
	add_page(&f, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL);
	r |= write_igvm(dir, "dataless.igvm", &f);

	uint8_t ld[48];
	unhex(SERIALIZER_SNP_DIGEST, ld, 48);
	serializer_file(&f);
	add_id_block(&f, 1, ld);
	r |= write_igvm(dir, "idblock-good.igvm", &f);
	serializer_file(&f);
	add_id_block(&f, 1, zero_page);
	r |= write_igvm(dir, "idblock-bad.igvm", &f);

	kvm_good(&f, 0x31);
	r |= write_igvm(dir, "kvm-good.igvm", &f);
	kvm_good(&f, 0x1);
	add_page(&f, 0x20000, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL);
	add_vmsa(&f, 0x30000, 1, vmsa_page(&f, 0x31, 0x21));
	r |= write_igvm(dir, "kvm-bad.igvm", &f);

	/* The VMSA igvmbuild wrote before issue 17: CR4 0, which KVM measures as 0x40. */
	kvm_good(&f, 0x31);
	{
		struct igvm_header *h = &f.hdr[f.count - 1];
		struct igvm_sev_vmsa v;
		memcpy(&v, h->data, sizeof(v));
		v.cr4 = 0;
		memcpy((uint8_t *)h->data, &v, sizeof(v));
	}
	r |= write_igvm(dir, "kvm-cr4.igvm", &f);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	add_platform(&f, 1, IGVM_PLATFORM_SEV_SNP);
	add_page(&f, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, NULL);
	r |= write_igvm(dir, "no-policy.igvm", &f);

	serializer_file(&f);
	add_page(&f, 0x8000, 1, IGVM_PAGE_FLAG_SHARED, IGVM_PAGE_DATA_NORMAL, page_of(&f, 5));
	r |= write_igvm(dir, "shared.igvm", &f);

	/* SEV-ES, with its pages written out raw so the test can hash them itself. */
	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	add_platform(&f, 1, IGVM_PLATFORM_SEV_ES);
	const uint8_t *p = page_random(&f, 77), *v = vmsa_page(&f, 0x31, 0);
	add_page(&f, 0, 1, 0, IGVM_PAGE_DATA_NORMAL, p);
	add_vmsa(&f, IGVM_KVM_VMSA_GPA, 1, v);
	r |= write_out(dir, "sev-es.page", p, PAGE);
	r |= write_out(dir, "sev-es.vmsa", v, PAGE);
	r |= write_igvm(dir, "sev-es.igvm", &f);

	/* As COCONUT's builder writes them: directives carry mask bits of platforms the file does not hold. */
	snp_file(&f);
	add_page(&f, 0, 0x3, 0, IGVM_PAGE_DATA_NORMAL, page_of(&f, 0xCC));
	r |= write_igvm(dir, "extra-mask.igvm", &f);

	uint8_t ignore[48];
	mixed_file(&f, 200, ignore, false);
	r |= write_igvm(dir, "mixed.igvm", &f);
	return r;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--fixtures"))
		return fixtures(argv[2]);
	test_golden();
	test_workers();
	test_properties();
	test_page_kinds();
	test_sev();
	test_errors();
	test_repeats();
	test_kvm();
	return tap_done();
}
