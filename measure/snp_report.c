/* SPDX-License-Identifier: MIT */
/*
 * snp_report.c — SEV-SNP attestation report parsing, printing and signature
 * checking (see snp_report.h for the layout and the parser contract).
 *
 * The parser checks the length before anything else and then reads only at
 * the fixed offsets of the ABI table, each below SNP_REPORT_SIZE, so no field
 * read depends on a value taken from the input.
 */
#include "snp_report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "../common/status.h"
#include "ecdsa.h"

/* Offsets of the ABI table. */
enum {
	OFF_VERSION = 0x000,
	OFF_GUEST_SVN = 0x004,
	OFF_POLICY = 0x008,
	OFF_FAMILY_ID = 0x010,
	OFF_IMAGE_ID = 0x020,
	OFF_VMPL = 0x030,
	OFF_SIG_ALGO = 0x034,
	OFF_CURRENT_TCB = 0x038,
	OFF_PLATFORM_INFO = 0x040,
	OFF_KEY_INFO = 0x048,
	OFF_RESERVED0 = 0x04C,
	OFF_REPORT_DATA = 0x050,
	OFF_MEASUREMENT = 0x090,
	OFF_HOST_DATA = 0x0C0,
	OFF_ID_KEY_DIGEST = 0x0E0,
	OFF_AUTHOR_KEY_DIGEST = 0x110,
	OFF_REPORT_ID = 0x140,
	OFF_REPORT_ID_MA = 0x160,
	OFF_REPORTED_TCB = 0x180,
	OFF_CPUID_FAM = 0x188,
	OFF_CPUID_MOD = 0x189,
	OFF_CPUID_STEP = 0x18A,
	OFF_CHIP_ID = 0x1A0,
	OFF_COMMITTED_TCB = 0x1E0,
	OFF_CURRENT_BUILD = 0x1E8,
	OFF_CURRENT_MINOR = 0x1E9,
	OFF_CURRENT_MAJOR = 0x1EA,
	OFF_RESERVED_1EB = 0x1EB,
	OFF_COMMITTED_BUILD = 0x1EC,
	OFF_COMMITTED_MINOR = 0x1ED,
	OFF_COMMITTED_MAJOR = 0x1EE,
	OFF_RESERVED_1EF = 0x1EF,
	OFF_LAUNCH_TCB = 0x1F0,
	OFF_LAUNCH_MIT = 0x1F8,
	OFF_CURRENT_MIT = 0x200,
	OFF_SIGNATURE = 0x2A0,
	SIG_COMP = 72,
};
_Static_assert(OFF_SIGNATURE == SNP_REPORT_SIGNED_SIZE, "the signature follows the signed part");
_Static_assert(OFF_SIGNATURE + 0x200 == SNP_REPORT_SIZE, "the signature area is 0x200 bytes");

#define CPUID_FAMILY_TURIN 0x1A

static uint32_t le32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	       (uint32_t)b[off + 3] << 24;
}

static uint64_t le64(const uint8_t *b, size_t off)
{
	return (uint64_t)le32(b, off) | (uint64_t)le32(b, off + 4) << 32;
}

static bool zero_range(const uint8_t *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (b[i])
			return false;
	return true;
}

static void warn(struct snp_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct snp_report *r, const char *fmt, ...)
{
	if (r->nwarnings >= SNP_REPORT_MAX_WARNINGS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->warnings[r->nwarnings], sizeof(r->warnings[0]), fmt, ap);
	va_end(ap);
	r->nwarnings++;
}

static void reserved(struct snp_report *r, const uint8_t *b, size_t from, size_t to)
{
	if (!zero_range(b, from, to))
		warn(r, "offset 0x%zx: reserved bytes 0x%zx-0x%zx are not zero", from, from, to - 1);
}

static void tcb_decode(struct snp_report *r, struct snp_tcb *t, const uint8_t *b, size_t off, bool turin,
		       const char *name)
{
	const uint8_t *p = b + off;
	t->raw = le64(b, off);
	t->turin = turin;
	if (turin) {
		t->fmc = p[0];
		t->boot_loader = p[1];
		t->tee = p[2];
		t->snp = p[3];
		t->microcode = p[7];
		if (p[4] | p[5] | p[6])
			warn(r, "offset 0x%zx: %s has non-zero reserved bytes (Turin layout)", off, name);
	} else {
		t->fmc = 0;
		t->boot_loader = p[0];
		t->tee = p[1];
		t->snp = p[6];
		t->microcode = p[7];
		if (p[2] | p[3] | p[4] | p[5])
			warn(r, "offset 0x%zx: %s has non-zero reserved bytes", off, name);
	}
}

int snp_report_parse(const uint8_t *b, size_t len, struct snp_report *r, struct snp_report_error *e)
{
	memset(r, 0, sizeof(*r));
	memset(e, 0, sizeof(*e));
	if (len != SNP_REPORT_SIZE) {
		e->rule = "report.size";
		e->offset = len < SNP_REPORT_SIZE ? len : SNP_REPORT_SIZE;
		snprintf(e->detail, sizeof(e->detail), "%s: %zu bytes, an attestation report is exactly %u (0x%x)",
			 len < SNP_REPORT_SIZE ? "truncated" : "oversized", len, SNP_REPORT_SIZE, SNP_REPORT_SIZE);
		return IB_EXIT_INVALID;
	}
	r->version = le32(b, OFF_VERSION);
	if (r->version < SNP_REPORT_OLDEST_VERSION) {
		e->rule = "report.version";
		e->offset = OFF_VERSION;
		snprintf(e->detail, sizeof(e->detail),
			 "version %u is not supported (versions %u and later have the layout decoded here)",
			 r->version, SNP_REPORT_OLDEST_VERSION);
		return IB_EXIT_INVALID;
	}
	if (r->version > SNP_REPORT_NEWEST_VERSION) {
		r->newer_version = true;
		warn(r, "offset 0x0: version %u is newer than the newest layout known here (%u); decoded with that layout",
		     r->version, SNP_REPORT_NEWEST_VERSION);
	}
	r->guest_svn = le32(b, OFF_GUEST_SVN);
	r->policy = le64(b, OFF_POLICY);
	memcpy(r->family_id, b + OFF_FAMILY_ID, 16);
	memcpy(r->image_id, b + OFF_IMAGE_ID, 16);
	r->vmpl = le32(b, OFF_VMPL);
	r->signature_algo = le32(b, OFF_SIG_ALGO);
	r->platform_info = le64(b, OFF_PLATFORM_INFO);
	r->key_info = le32(b, OFF_KEY_INFO);
	r->author_key_en = r->key_info & 1;
	r->mask_chip_key = (r->key_info >> 1) & 1;
	r->signing_key = (uint8_t)((r->key_info >> 2) & 7);
	if (r->key_info >> 5)
		warn(r, "offset 0x48: KEY_INFO 0x%x has reserved bits 31:5 set", r->key_info);
	if (r->signing_key > SNP_SIGNING_KEY_VLEK && r->signing_key < SNP_SIGNING_KEY_NONE)
		warn(r, "offset 0x48: SIGNING_KEY %u is reserved", r->signing_key);
	reserved(r, b, OFF_RESERVED0, OFF_REPORT_DATA);
	memcpy(r->report_data, b + OFF_REPORT_DATA, 64);
	memcpy(r->measurement, b + OFF_MEASUREMENT, 48);
	memcpy(r->host_data, b + OFF_HOST_DATA, 32);
	memcpy(r->id_key_digest, b + OFF_ID_KEY_DIGEST, 48);
	memcpy(r->author_key_digest, b + OFF_AUTHOR_KEY_DIGEST, 48);
	memcpy(r->report_id, b + OFF_REPORT_ID, 32);
	memcpy(r->report_id_ma, b + OFF_REPORT_ID_MA, 32);

	r->has_cpuid = r->version >= 3;
	if (r->has_cpuid) {
		r->cpuid_fam_id = b[OFF_CPUID_FAM];
		r->cpuid_mod_id = b[OFF_CPUID_MOD];
		r->cpuid_step = b[OFF_CPUID_STEP];
		reserved(r, b, OFF_CPUID_STEP + 1, OFF_CHIP_ID);
	} else {
		reserved(r, b, OFF_CPUID_FAM, OFF_CHIP_ID);
	}
	/* Only a version 3+ report can say it comes from a Turin (family 1Ah) part; earlier parts use the old TCB layout. */
	bool turin = r->has_cpuid && r->cpuid_fam_id == CPUID_FAMILY_TURIN;
	tcb_decode(r, &r->current_tcb, b, OFF_CURRENT_TCB, turin, "CURRENT_TCB");
	tcb_decode(r, &r->reported_tcb, b, OFF_REPORTED_TCB, turin, "REPORTED_TCB");
	tcb_decode(r, &r->committed_tcb, b, OFF_COMMITTED_TCB, turin, "COMMITTED_TCB");
	tcb_decode(r, &r->launch_tcb, b, OFF_LAUNCH_TCB, turin, "LAUNCH_TCB");

	memcpy(r->chip_id, b + OFF_CHIP_ID, 64);
	r->current_build = b[OFF_CURRENT_BUILD];
	r->current_minor = b[OFF_CURRENT_MINOR];
	r->current_major = b[OFF_CURRENT_MAJOR];
	reserved(r, b, OFF_RESERVED_1EB, OFF_RESERVED_1EB + 1);
	r->committed_build = b[OFF_COMMITTED_BUILD];
	r->committed_minor = b[OFF_COMMITTED_MINOR];
	r->committed_major = b[OFF_COMMITTED_MAJOR];
	reserved(r, b, OFF_RESERVED_1EF, OFF_RESERVED_1EF + 1);

	r->has_mit_vectors = r->version >= 5;
	if (r->has_mit_vectors) {
		r->launch_mit_vector = le64(b, OFF_LAUNCH_MIT);
		r->current_mit_vector = le64(b, OFF_CURRENT_MIT);
		reserved(r, b, OFF_CURRENT_MIT + 8, OFF_SIGNATURE);
	} else {
		reserved(r, b, OFF_LAUNCH_MIT, OFF_SIGNATURE);
	}

	memcpy(r->sig_r, b + OFF_SIGNATURE, SIG_COMP);
	memcpy(r->sig_s, b + OFF_SIGNATURE + SIG_COMP, SIG_COMP);
	if (r->signature_algo == 1)
		reserved(r, b, OFF_SIGNATURE + 2 * SIG_COMP, SNP_REPORT_SIZE);
	return 0;
}

/* ---- descriptions ------------------------------------------------------------------------ */

const char *snp_signing_key_name(uint8_t k)
{
	switch (k) {
	case SNP_SIGNING_KEY_VCEK: return "VCEK";
	case SNP_SIGNING_KEY_VLEK: return "VLEK";
	case SNP_SIGNING_KEY_NONE: return "none";
	default: return "reserved";
	}
}

struct bitname {
	unsigned bit;
	const char *name;
};

static const char *describe_bits(uint64_t v, const struct bitname *names, size_t n, uint64_t skip, char *buf,
				 size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(v >> bit & 1) || (skip >> bit & 1))
			continue;
		const char *name = NULL;
		for (size_t i = 0; i < n; i++)
			if (names[i].bit == bit)
				name = names[i].name;
		int w = name ? snprintf(buf + o, len - o, "%s%s", o ? "," : "", name)
			     : snprintf(buf + o, len - o, "%sbit%u", o ? "," : "", bit);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
	return buf;
}

const char *snp_policy_describe(uint64_t policy, char *buf, size_t len)
{
	static const struct bitname names[] = {
		{ 16, "smt" },          { 17, "reserved-mbo" }, { 18, "migrate-ma" },
		{ 19, "debug" },        { 20, "single-socket" }, { 21, "cxl-allow" },
		{ 22, "mem-aes-256-xts" }, { 23, "rapl-dis" },   { 24, "ciphertext-hiding-dram" },
		{ 25, "page-swap-disable" },
	};
	/* Bits 15:0 are the minimum ABI version, shown separately. */
	return describe_bits(policy, names, sizeof(names) / sizeof(names[0]), 0xFFFF, buf, len);
}

const char *snp_platform_info_describe(uint64_t info, char *buf, size_t len)
{
	static const struct bitname names[] = {
		{ 0, "smt-en" },   { 1, "tsme-en" }, { 2, "ecc-en" }, { 3, "rapl-dis" },
		{ 4, "ciphertext-hiding-dram-en" }, { 5, "alias-check-complete" }, { 7, "tio-en" },
	};
	return describe_bits(info, names, sizeof(names) / sizeof(names[0]), 0, buf, len);
}

/* ---- printing ---------------------------------------------------------------------------- */

static void hex_line(FILE *out, const char *label, const uint8_t *p, size_t n)
{
	fprintf(out, "%-27s", label);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02X", p[i]);
	fputc('\n', out);
}

static void tcb_line(FILE *out, const char *label, const struct snp_tcb *t)
{
	fprintf(out, "%-27s0x%016" PRIx64 " (", label, t->raw);
	if (t->turin)
		fprintf(out, "FMC %u, ", t->fmc);
	fprintf(out, "boot loader %u, TEE %u, SNP %u, microcode %u)\n", t->boot_loader, t->tee, t->snp, t->microcode);
}

/* r or s, stored little-endian in 72 bytes, shown as the big-endian integer (48 bytes when it fits). */
static void sig_be(const uint8_t le[72], uint8_t *be, size_t *n)
{
	size_t len = 72;
	while (len > 48 && le[len - 1] == 0)
		len--;
	for (size_t i = 0; i < len; i++)
		be[i] = le[len - 1 - i];
	*n = len;
}

void snp_report_print_text(const struct snp_report *r, FILE *out)
{
	char buf[400];
	fprintf(out, "%-27s%u%s\n", "Version:", r->version, r->newer_version ? " (newer than known; decoded as 5)" : "");
	fprintf(out, "%-27s%u\n", "Guest SVN:", r->guest_svn);
	fprintf(out, "%-27s0x%" PRIx64 " (ABI %u.%u; %s)\n", "Policy:", r->policy, (unsigned)(r->policy >> 8 & 0xFF),
		(unsigned)(r->policy & 0xFF), snp_policy_describe(r->policy, buf, sizeof(buf))[0] ? buf : "no flags");
	hex_line(out, "Family ID:", r->family_id, 16);
	hex_line(out, "Image ID:", r->image_id, 16);
	fprintf(out, "%-27s%u\n", "VMPL:", r->vmpl);
	fprintf(out, "%-27s%u%s\n", "Signature algorithm:", r->signature_algo,
		r->signature_algo == 1 ? " (ECDSA P-384 with SHA-384)" : " (unknown)");
	tcb_line(out, "Current TCB:", &r->current_tcb);
	fprintf(out, "%-27s0x%" PRIx64 " (%s)\n", "Platform info:", r->platform_info,
		snp_platform_info_describe(r->platform_info, buf, sizeof(buf))[0] ? buf : "no flags");
	fprintf(out, "%-27s0x%x (author key %s, chip key %s, signing key %s)\n", "Key info:", r->key_info,
		r->author_key_en ? "enabled" : "not enabled", r->mask_chip_key ? "masked" : "not masked",
		snp_signing_key_name(r->signing_key));
	hex_line(out, "Report data:", r->report_data, 64);
	hex_line(out, "Measurement:", r->measurement, 48);
	hex_line(out, "Host data:", r->host_data, 32);
	hex_line(out, "ID key digest:", r->id_key_digest, 48);
	hex_line(out, "Author key digest:", r->author_key_digest, 48);
	hex_line(out, "Report ID:", r->report_id, 32);
	hex_line(out, "Report ID (MA):", r->report_id_ma, 32);
	tcb_line(out, "Reported TCB:", &r->reported_tcb);
	if (r->has_cpuid)
		fprintf(out, "%-27sfamily 0x%02x, model 0x%02x, stepping 0x%02x\n", "CPUID:", r->cpuid_fam_id,
			r->cpuid_mod_id, r->cpuid_step);
	hex_line(out, "Chip ID:", r->chip_id, 64);
	tcb_line(out, "Committed TCB:", &r->committed_tcb);
	fprintf(out, "%-27s%u.%u build %u\n", "Current firmware:", r->current_major, r->current_minor,
		r->current_build);
	fprintf(out, "%-27s%u.%u build %u\n", "Committed firmware:", r->committed_major, r->committed_minor,
		r->committed_build);
	tcb_line(out, "Launch TCB:", &r->launch_tcb);
	if (r->has_mit_vectors) {
		fprintf(out, "%-27s0x%016" PRIx64 "\n", "Launch mitigation vector:", r->launch_mit_vector);
		fprintf(out, "%-27s0x%016" PRIx64 "\n", "Current mitigation vector:", r->current_mit_vector);
	}
	uint8_t be[72];
	size_t n;
	sig_be(r->sig_r, be, &n);
	hex_line(out, "Signature R:", be, n);
	sig_be(r->sig_s, be, &n);
	hex_line(out, "Signature S:", be, n);
}

static void tcb_json(struct jsonw *w, const char *key, const struct snp_tcb *t)
{
	jsonw_begin_object(w, key);
	jsonw_hex(w, "raw", t->raw);
	if (t->turin)
		jsonw_u64(w, "fmc", t->fmc);
	jsonw_u64(w, "boot_loader", t->boot_loader);
	jsonw_u64(w, "tee", t->tee);
	jsonw_u64(w, "snp", t->snp);
	jsonw_u64(w, "microcode", t->microcode);
	jsonw_end_object(w);
}

void snp_report_print_json(const struct snp_report *r, struct jsonw *w)
{
	char buf[400];
	jsonw_u64(w, "version", r->version);
	jsonw_bool(w, "newer_version", r->newer_version);
	jsonw_u64(w, "guest_svn", r->guest_svn);
	jsonw_hex(w, "policy", r->policy);
	jsonw_str(w, "policy_flags", snp_policy_describe(r->policy, buf, sizeof(buf)));
	jsonw_bytes_hex(w, "family_id", r->family_id, 16);
	jsonw_bytes_hex(w, "image_id", r->image_id, 16);
	jsonw_u64(w, "vmpl", r->vmpl);
	jsonw_u64(w, "signature_algo", r->signature_algo);
	tcb_json(w, "current_tcb", &r->current_tcb);
	jsonw_hex(w, "platform_info", r->platform_info);
	jsonw_str(w, "platform_info_flags", snp_platform_info_describe(r->platform_info, buf, sizeof(buf)));
	jsonw_bool(w, "author_key_en", r->author_key_en);
	jsonw_bool(w, "mask_chip_key", r->mask_chip_key);
	jsonw_str(w, "signing_key", snp_signing_key_name(r->signing_key));
	jsonw_bytes_hex(w, "report_data", r->report_data, 64);
	jsonw_bytes_hex(w, "measurement", r->measurement, 48);
	jsonw_bytes_hex(w, "host_data", r->host_data, 32);
	jsonw_bytes_hex(w, "id_key_digest", r->id_key_digest, 48);
	jsonw_bytes_hex(w, "author_key_digest", r->author_key_digest, 48);
	jsonw_bytes_hex(w, "report_id", r->report_id, 32);
	jsonw_bytes_hex(w, "report_id_ma", r->report_id_ma, 32);
	tcb_json(w, "reported_tcb", &r->reported_tcb);
	if (r->has_cpuid) {
		jsonw_u64(w, "cpuid_fam_id", r->cpuid_fam_id);
		jsonw_u64(w, "cpuid_mod_id", r->cpuid_mod_id);
		jsonw_u64(w, "cpuid_step", r->cpuid_step);
	}
	jsonw_bytes_hex(w, "chip_id", r->chip_id, 64);
	tcb_json(w, "committed_tcb", &r->committed_tcb);
	jsonw_u64(w, "current_build", r->current_build);
	jsonw_u64(w, "current_minor", r->current_minor);
	jsonw_u64(w, "current_major", r->current_major);
	jsonw_u64(w, "committed_build", r->committed_build);
	jsonw_u64(w, "committed_minor", r->committed_minor);
	jsonw_u64(w, "committed_major", r->committed_major);
	tcb_json(w, "launch_tcb", &r->launch_tcb);
	if (r->has_mit_vectors) {
		jsonw_hex(w, "launch_mit_vector", r->launch_mit_vector);
		jsonw_hex(w, "current_mit_vector", r->current_mit_vector);
	}
	uint8_t be[72];
	size_t n;
	jsonw_begin_object(w, "signature");
	sig_be(r->sig_r, be, &n);
	jsonw_bytes_hex(w, "r", be, n);
	sig_be(r->sig_s, be, &n);
	jsonw_bytes_hex(w, "s", be, n);
	jsonw_end_object(w);
	jsonw_begin_array(w, "warnings");
	for (unsigned i = 0; i < r->nwarnings; i++)
		jsonw_str(w, NULL, r->warnings[i]);
	jsonw_end_array(w);
}

/* ---- signature ----------------------------------------------------------------------------- */

int snp_report_verify_signature(const uint8_t report[SNP_REPORT_SIZE], const struct snp_report *r,
				const uint8_t x[48], const uint8_t y[48], char *why, size_t whylen)
{
	if (r->signature_algo != 1) {
		snprintf(why, whylen, "SIGNATURE_ALGO is %u; only 1 (ECDSA P-384 with SHA-384) is known",
			 r->signature_algo);
		return 0;
	}
	if (r->signing_key == SNP_SIGNING_KEY_NONE) {
		snprintf(why, whylen, "the report is not signed (SIGNING_KEY is 7, none)");
		return 0;
	}
	uint8_t rb[48], sb[48];
	if (!zero_range(r->sig_r, 48, 72) || !zero_range(r->sig_s, 48, 72)) {
		snprintf(why, whylen, "offset 0x2a0: R or S does not fit the 48 bytes of a P-384 value");
		return 0;
	}
	for (size_t i = 0; i < 48; i++) {
		rb[i] = r->sig_r[47 - i];
		sb[i] = r->sig_s[47 - i];
	}
	switch (ecdsa_verify_sha384(x, y, report, SNP_REPORT_SIGNED_SIZE, rb, sb)) {
	case ECDSA_VALID:
		return 1;
	case ECDSA_INVALID:
		snprintf(why, whylen, "the signature over bytes 0x000-0x29f does not verify with the %s key",
			 snp_signing_key_name(r->signing_key));
		return 0;
	case ECDSA_BAD_KEY:
		snprintf(why, whylen, "the certificate key is not a point of P-384");
		return 0;
	case ECDSA_LIB_ERROR:
	default:
		snprintf(why, whylen, "libcrypto failed while verifying");
		return -1;
	}
}
