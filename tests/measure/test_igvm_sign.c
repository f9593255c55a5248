/* SPDX-License-Identifier: MIT */
/*
 * test_igvm_sign.c — `sign` at library level (measure/igvm_sign.c): the
 * SNP_ID_BLOCK it adds to an IGVM file, checked through the format library,
 * the digest module and QEMU's expansion rule.
 *
 * Golden value: the microsoft/igvm serializer test file (make_snp_file: SNP
 * mask 1, GUEST_POLICY 0x30000, page 0 of 0xCC, page 1 of 0xDD) has the
 * SEV-SNP launch digest 5987C91C… (spec igvm-format.md §10.2, from the
 * crate). The ID block signed for it, in a version 1 and a version 2 file,
 * must carry exactly that digest. Everything else is a property: format
 * version kept, one ID block appended last, nothing else changed, the digest
 * unchanged, refusals named.
 *
 * "--fixtures DIR" writes serializer-v2.igvm for tests/cli/t0500 (a version 2
 * file, which the measure fixtures do not include).
 */
#include <string.h>

#include "../../common/buf.h"
#include "../../common/cleanup.h"
#include "../../common/status.h"
#include "../../format/igvm.h"
#include "../../measure/ecdsa.h"
#include "../../measure/id_block.h"
#include "../../measure/igvm_digest.h"
#include "../../measure/igvm_sign.h"
#include "msign_test.h"

#define PAGE 4096u

static const char *SERIALIZER_SNP_DIGEST =
	"5987C91C61F0C2E8D7A6942CA46B56BA651572B8947956533D84C88CB7D98AAF7F638461E0D3E64A7110D769597540CD";
/* RFC 6979 A.2.6's private key, as a well-known test ID key. */
static const char *RFC_X =
	"6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5";

static uint8_t page_cc[PAGE], page_dd[PAGE];

static void add(struct igvm_file *f, uint32_t type, const void *body, const void *data, uint32_t len)
{
	if (!igvm_file_add(f, type, body, data, len))
		abort();
}

static void add_policy(struct igvm_file *f, uint32_t mask, uint64_t policy)
{
	struct igvm_vhs_guest_policy p = { policy, mask, 0 };
	add(f, IGVM_VHT_GUEST_POLICY, &p, NULL, 0);
}

/*
 * The serializer file, with the given format version; with_policy false leaves out GUEST_POLICY,
 * a non-zero second_policy adds another SNP GUEST_POLICY with that value.
 */
static void serializer2(struct igvm_file *f, uint32_t version, bool with_policy, uint64_t second_policy)
{
	memset(page_cc, 0xCC, PAGE);
	memset(page_dd, 0xDD, PAGE);
	igvm_file_init(f, version, IGVM_ARCH_X64);
	struct igvm_vhs_supported_platform p = { 1, 0, IGVM_PLATFORM_SEV_SNP, 1, 0 };
	add(f, IGVM_VHT_SUPPORTED_PLATFORM, &p, NULL, 0);
	if (with_policy)
		add_policy(f, 1, 0x30000);
	if (second_policy)
		add_policy(f, 1, second_policy);
	struct igvm_vhs_page_data d0 = { 0, 1, 0, 0, IGVM_PAGE_DATA_NORMAL, 0 };
	struct igvm_vhs_page_data d1 = { PAGE, 1, 0, 0, IGVM_PAGE_DATA_NORMAL, 0 };
	add(f, IGVM_VHT_PAGE_DATA, &d0, page_cc, PAGE);
	add(f, IGVM_VHT_PAGE_DATA, &d1, page_dd, PAGE);
}

static void serializer(struct igvm_file *f, uint32_t version, bool with_policy)
{
	serializer2(f, version, with_policy, 0);
}

static void serialize(struct igvm_file *f, struct ib_buf *out)
{
	struct igvm_diag d;
	*out = (struct ib_buf)IB_BUF_INIT;
	if (igvm_write(f, out, &d)) {
		fprintf(stderr, "writer: %s: %s\n", igvm_rule_name(d.rule), d.detail);
		abort();
	}
	igvm_file_free(f);
}

static struct ecdsa_key *rfc_key(void)
{
	uint8_t d[48];
	unhex(RFC_X, d, 48);
	struct ecdsa_key *k = NULL;
	if (ecdsa_key_from_scalar("secp384r1", d, 48, &k))
		abort();
	return k;
}

struct signed_file {
	int rc;
	struct ib_buf out;
	struct igvm_sign_result res;
	struct igvm_digest_error e;
};

static void sign(const struct ib_buf *in, const struct igvm_sign_opts *o, struct signed_file *s)
{
	s->out = (struct ib_buf)IB_BUF_INIT;
	s->rc = igvm_sign_buffer(in->p, in->len, o, &s->out, &s->res, &s->e);
}

static void test_sign_versions(void)
{
	_cleanup_ecdsa_key_ struct ecdsa_key *key = rfc_key();
	uint8_t want[48];
	unhex(SERIALIZER_SNP_DIGEST, want, 48);
	for (uint32_t version = 1; version <= 2; version++) {
		struct igvm_file f;
		struct ib_buf in;
		serializer(&f, version, true);
		serialize(&f, &in);
		struct igvm_sign_opts o = { .id_key = key, .guest_svn = 3, .jobs = 1 };
		memset(o.family_id, 0xF1, 16);
		memset(o.image_id, 0x1A, 16);
		struct signed_file s;
		sign(&in, &o, &s);
		tap_ok(s.rc == 0, "v%u: the serializer file signs (%s)", version, s.e.detail);
		tap_ok(!memcmp(s.res.digest, want, 48) && !memcmp(s.res.id_block, want, 48),
		       "v%u: the ID block holds the crate's digest 5987C91C…", version);

		struct igvm_file g;
		struct igvm_diag d;
		int pr = igvm_parse(s.out.p, s.out.len, IGVM_PARSE_STRICT, &g, &d);
		tap_ok(pr == 0, "v%u: the output passes the strict rules", version);
		if (pr) {
			ib_buf_free(&in);
			ib_buf_free(&s.out);
			continue;
		}
		tap_ok(g.format_version == version && g.architecture == IGVM_ARCH_X64,
		       "v%u: format version and architecture are kept", version);
		const struct igvm_header *last = &g.hdr[g.count - 1];
		struct igvm_vhs_snp_id_block b;
		tap_ok(g.count == 5 && last->type == IGVM_VHT_SNP_ID_BLOCK && igvm_header_id_block(last, &b),
		       "v%u: one SNP_ID_BLOCK, appended after the last directive", version);
		tap_ok(b.compatibility_mask == 1 && b.author_key_enabled == 0 && b.version == 1 && b.guest_svn == 3 &&
			       b.family_id[0] == 0xF1 && b.image_id[15] == 0x1A && !memcmp(b.ld, want, 48) &&
			       b.id_key_algorithm == 1 && b.id_public_key.curve == 2,
		       "v%u: the header holds mask, version 1, SVN, IDs, digest, algorithm and curve", version);
		bool author_zero = true;
		for (size_t i = 0; i < sizeof(b.author_public_key.qx); i++)
			author_zero &= b.author_public_key.qx[i] == 0 && b.author_key_signature.r_comp[i] == 0;
		tap_ok(author_zero && b.author_public_key.curve == 0, "v%u: no author key, no author fields", version);

		uint8_t blk[SNP_ID_BLOCK_SIZE], auth[SNP_ID_AUTH_SIZE];
		snp_id_from_igvm(&b, 0x30000, blk, auth);
		struct snp_id_check c;
		tap_ok(!snp_id_verify(blk, auth, &c) && c.ok && !c.author_present,
		       "v%u: QEMU's ID block and ID auth from the file verify", version);

		/* The input's records come first, unchanged; the ID block is the only addition. */
		struct igvm_file a;
		igvm_parse(in.p, in.len, 0, &a, &d);
		bool same = a.count + 1 == g.count;
		/* (Bodies differ only in file offsets: the data section moved by one record.) */
		for (size_t i = 0; same && i < a.count; i++)
			same = a.hdr[i].type == g.hdr[i].type && a.hdr[i].length == g.hdr[i].length;
		for (size_t i = 0; same && i < a.count; i++)
			if (a.hdr[i].data_len && (a.hdr[i].data_len != g.hdr[i].data_len ||
						  memcmp(a.hdr[i].data, g.hdr[i].data, a.hdr[i].data_len)))
				same = false;
		tap_ok(same, "v%u: every input header and its data are in the output, in order", version);

		struct igvm_digest_source src = { .fd = -1, .mem = s.out.p, .mem_len = s.out.len };
		struct igvm_digest_opts dopt = { .platform = IGVM_DIGEST_SEV_SNP, .jobs = 1 };
		struct igvm_digest_result dr;
		struct igvm_digest_error de;
		memset(&dr, 0, sizeof(dr));
		tap_ok(!igvm_digest_compute(&g, &src, &dopt, &dr, &de) && !memcmp(dr.digest, want, 48),
		       "v%u: the signed file still measures 5987C91C… (the ID block is not measured)", version);
		igvm_digest_result_free(&dr);

		/* Signing again is refused; --replace re-signs in place. */
		struct signed_file s2;
		sign(&s.out, &o, &s2);
		tap_ok(s2.rc == IB_EXIT_INVALID && s2.e.rule && !strcmp(s2.e.rule, "sign.id-block-exists") &&
			       s2.e.offset == last->record_offset,
		       "v%u: a signed file is refused, naming sign.id-block-exists at the ID block", version);
		ib_buf_free(&s2.out);
		o.replace = true;
		o.guest_svn = 4;
		sign(&s.out, &o, &s2);
		tap_ok(s2.rc == 0 && s2.res.replaced && s2.out.len == s.out.len, "v%u: --replace re-signs, same size",
		       version);
		size_t diff_lo = s.out.len, diff_hi = 0;
		for (size_t i = 0; i < s.out.len && i < s2.out.len; i++)
			if (s.out.p[i] != s2.out.p[i]) {
				diff_lo = diff_lo < i ? diff_lo : i;
				diff_hi = i;
			}
		/* Only the checksum (0x14) and the ID block record may differ. */
		size_t rec = last->record_offset;
		bool confined = true;
		for (size_t i = diff_lo; i <= diff_hi && i < s.out.len; i++)
			if (s.out.p[i] != s2.out.p[i] && !(i >= 0x14 && i < 0x18) && !(i >= rec && i < rec + 8 + 696))
				confined = false;
		tap_ok(confined, "v%u: replacing changes only the ID block record and the checksum", version);

		/* Deterministic: the same inputs give the same file. */
		struct signed_file s3;
		o.replace = false;
		o.guest_svn = 3;
		sign(&in, &o, &s3);
		tap_ok(s3.rc == 0 && s3.out.len == s.out.len && !memcmp(s3.out.p, s.out.p, s.out.len),
		       "v%u: signing twice gives byte-identical files", version);

		igvm_file_free(&a);
		igvm_file_free(&g);
		ib_buf_free(&in);
		ib_buf_free(&s.out);
		ib_buf_free(&s2.out);
		ib_buf_free(&s3.out);
	}
}

static void test_refusals(void)
{
	_cleanup_ecdsa_key_ struct ecdsa_key *key = rfc_key();
	struct igvm_sign_opts o = { .id_key = key, .jobs = 1 };
	struct igvm_file f;
	struct ib_buf in;
	struct signed_file s;

	serializer(&f, 1, false);
	serialize(&f, &in);
	sign(&in, &o, &s);
	tap_ok(s.rc == IB_EXIT_INVALID && s.e.rule && !strcmp(s.e.rule, "sign.no-policy"),
	       "no GUEST_POLICY: refused as sign.no-policy");
	ib_buf_free(&in);
	ib_buf_free(&s.out);

	serializer2(&f, 1, true, 0x30001);
	serialize(&f, &in);
	sign(&in, &o, &s);
	tap_ok(s.rc == IB_EXIT_INVALID && s.e.rule && !strcmp(s.e.rule, "sign.guest-policy"),
	       "two SNP policies that disagree: refused as sign.guest-policy (%s)", s.e.detail);
	ib_buf_free(&in);
	ib_buf_free(&s.out);

	igvm_file_init(&f, 1, IGVM_ARCH_X64);
	struct igvm_vhs_supported_platform p = { 1, 0, IGVM_PLATFORM_NATIVE, 1, 0 };
	add(&f, IGVM_VHT_SUPPORTED_PLATFORM, &p, NULL, 0);
	add_policy(&f, 1, 0x30000);
	serialize(&f, &in);
	sign(&in, &o, &s);
	tap_ok(s.rc == IB_EXIT_INVALID && s.e.rule && !strcmp(s.e.rule, "sign.platform"),
	       "no SEV_SNP platform: refused as sign.platform");
	ib_buf_free(&in);
	ib_buf_free(&s.out);

	/* Two ID blocks for SNP: refused even with --replace. */
	serializer(&f, 1, true);
	struct igvm_vhs_snp_id_block idb;
	memset(&idb, 0, sizeof(idb));
	idb.compatibility_mask = 1;
	add(&f, IGVM_VHT_SNP_ID_BLOCK, &idb, NULL, 0);
	add(&f, IGVM_VHT_SNP_ID_BLOCK, &idb, NULL, 0);
	serialize(&f, &in);
	o.replace = true;
	sign(&in, &o, &s);
	tap_ok(s.rc == IB_EXIT_INVALID && s.e.rule && !strcmp(s.e.rule, "sign.id-block-count"),
	       "two SNP ID blocks: refused as sign.id-block-count");
	ib_buf_free(&s.out);

	/* Hostile input: every truncation of a valid file is refused, never crashes. */
	unsigned accepted = 0;
	for (size_t n = 0; n < in.len; n += 97) {
		sign(&(struct ib_buf){ in.p, n, n, false }, &o, &s);
		accepted += s.rc == 0;
		ib_buf_free(&s.out);
	}
	tap_ok(accepted == 0, "truncated files are refused (%u accepted)", accepted);
	ib_buf_free(&in);
}

static int fixtures(const char *dir)
{
	struct igvm_file f;
	struct ib_buf b;
	serializer(&f, 2, true);
	serialize(&f, &b);
	char path[4096];
	snprintf(path, sizeof(path), "%s/serializer-v2.igvm", dir);
	bool ok = write_file(path, b.p, b.len);
	ib_buf_free(&b);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--fixtures"))
		return fixtures(argv[2]);
	test_sign_versions();
	test_refusals();
	return tap_done();
}
