/* SPDX-License-Identifier: MIT */
/*
 * build_vtpm.c — vTPM manifest (igvm-vtpm-manifest(5)) -> configuration blob
 * (format/vtpm_config.h).
 *
 * The blob lands in measured pages, so the output must be a pure function of
 * the manifest and the files it names: fields in fixed order, NV entries
 * sorted by handle, every padding byte zero. Manifest values are checked here
 * for what the schema cannot express: handle ranges, sizes, the EK template
 * matching its algorithm, and attribute combinations the TPM would refuse.
 */
#define _GNU_SOURCE
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "../common/buf.h"
#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "../common/status.h"
#include "../format/vtpm_config.h"

/* TPMA_NV bits (TPM 2.0 Part 2, TPMA_NV). */
struct nv_attr {
	const char *name;
	uint32_t bit;
};
static const struct nv_attr nv_attrs[] = {
	{ "ppwrite", 1u << 0 },        { "ownerwrite", 1u << 1 },    { "authwrite", 1u << 2 },
	{ "policywrite", 1u << 3 },    { "policy-delete", 1u << 10 }, { "writeall", 1u << 12 },
	{ "writedefine", 1u << 13 },   { "write-stclear", 1u << 14 }, { "globallock", 1u << 15 },
	{ "ppread", 1u << 16 },        { "ownerread", 1u << 17 },    { "authread", 1u << 18 },
	{ "policyread", 1u << 19 },    { "no-da", 1u << 25 },        { "orderly", 1u << 26 },
	{ "clear-stclear", 1u << 27 }, { "platformcreate", 1u << 30 }, { "read-stclear", 1u << 31 },
};
#define TPMA_NV_WRITE_ANY 0x0000000Fu
#define TPMA_NV_READ_ANY  0x000F0000u
#define TPMA_NV_TYPE_SHIFT 4
/* MAX_NV_INDEX_SIZE of the TCG reference implementation's default profile. */
#define VTPM_NV_MAX_INDEX_SIZE 2048u

struct ek_spec {
	const char *tmpl;
	uint16_t id;
	const char *alg;
	uint16_t alg_id, bits, curve, name_alg;
};
static const struct ek_spec eks[] = {
	{ "L-1", VTPM_EK_TEMPLATE_L1, "rsa-2048", VTPM_TPM_ALG_RSA, 2048, 0, VTPM_TPM_ALG_SHA256 },
	{ "L-2", VTPM_EK_TEMPLATE_L2, "ecc-nist-p256", VTPM_TPM_ALG_ECC, 256, VTPM_ECC_NIST_P256, VTPM_TPM_ALG_SHA256 },
	{ "H-1", VTPM_EK_TEMPLATE_H1, "rsa-2048", VTPM_TPM_ALG_RSA, 2048, 0, VTPM_TPM_ALG_SHA256 },
	{ "H-2", VTPM_EK_TEMPLATE_H2, "ecc-nist-p256", VTPM_TPM_ALG_ECC, 256, VTPM_ECC_NIST_P256, VTPM_TPM_ALG_SHA256 },
	{ "H-3", VTPM_EK_TEMPLATE_H3, "ecc-nist-p384", VTPM_TPM_ALG_ECC, 384, VTPM_ECC_NIST_P384, VTPM_TPM_ALG_SHA384 },
	{ "H-4", VTPM_EK_TEMPLATE_H4, "ecc-nist-p521", VTPM_TPM_ALG_ECC, 521, VTPM_ECC_NIST_P521, VTPM_TPM_ALG_SHA512 },
	{ "H-6", VTPM_EK_TEMPLATE_H6, "rsa-3072", VTPM_TPM_ALG_RSA, 3072, 0, VTPM_TPM_ALG_SHA384 },
};

static int hash_alg(const char *name, uint16_t *alg, uint32_t *bank)
{
	static const struct {
		const char *n;
		uint16_t alg;
		uint32_t bank;
	} t[] = {
		{ "sha1", 0x0004, VTPM_PCR_BANK_SHA1 },     { "sha256", VTPM_TPM_ALG_SHA256, VTPM_PCR_BANK_SHA256 },
		{ "sha384", VTPM_TPM_ALG_SHA384, VTPM_PCR_BANK_SHA384 },
		{ "sha512", VTPM_TPM_ALG_SHA512, VTPM_PCR_BANK_SHA512 }, { "sm3", 0x0012, VTPM_PCR_BANK_SM3 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (!strcmp(t[i].n, name)) {
			if (alg)
				*alg = t[i].alg;
			if (bank)
				*bank = t[i].bank;
			return 0;
		}
	return -1;
}

static void docp_free(xmlDocPtr *d)
{
	if (*d)
		xmlFreeDoc(*d);
}

struct nv_work {
	struct vtpm_config_nv_index e;
	uint8_t *data; /* owned */
	int line;
};

static int cmp_nv(const void *a, const void *b)
{
	const struct nv_work *x = a, *y = b;
	return x->e.index < y->e.index ? -1 : x->e.index > y->e.index;
}

static bool is_true(const char *s)
{
	return s && (!strcmp(s, "true") || !strcmp(s, "1"));
}

static int read_hex_contents(const char *path, int line, const char *s, uint8_t **out, size_t *n)
{
	size_t digits = 0;
	for (const char *p = s; *p; p++)
		digits += (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r');
	if (digits % 2) {
		ib_err("%s:%d: element <contents-hex>: odd number of hex digits", path, line);
		return IB_EXIT_INVALID;
	}
	uint8_t *b = malloc(digits / 2 + 1);
	if (!b)
		return IB_EXIT_INTERNAL;
	size_t k = 0;
	int hi = -1;
	for (const char *p = s; *p; p++) {
		int v;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			continue;
		if (hi < 0)
			hi = v;
		else {
			b[k++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	*out = b;
	*n = k;
	return 0;
}

static int read_nv(const char *path, xmlNodePtr n, struct nv_work *w)
{
	int r;
	int line = build_xml_line(n);
	uint64_t v;
	_cleanup_free_ char *handle = build_xml_attr(n, "handle");
	_cleanup_free_ char *size = build_xml_attr(n, "size");
	_cleanup_free_ char *alg = build_xml_attr(n, "name-alg");
	_cleanup_free_ char *type = build_xml_attr(n, "type");
	_cleanup_free_ char *lock = build_xml_attr(n, "write-lock");

	w->line = line;
	if (!handle || !size)
		return IB_EXIT_INTERNAL;
	if ((r = build_parse_u64(handle, UINT32_MAX, &v, path, line, "<nv-index handle>")))
		return r;
	if (v < 0x01000000u || v > 0x01FFFFFFu) {
		ib_err("%s:%d: <nv-index handle=%s>: not an NV index handle (0x01000000..0x01ffffff)", path, line,
		       handle);
		return IB_EXIT_INVALID;
	}
	w->e.index = (uint32_t)v;
	if ((r = build_parse_u64(size, VTPM_NV_MAX_INDEX_SIZE, &v, path, line, "<nv-index size>")))
		return r;
	w->e.size = (uint32_t)v;
	if (hash_alg(alg ? alg : "sha256", &w->e.name_alg, NULL))
		return IB_EXIT_INTERNAL;

	uint32_t nt = 0;
	if (type && !strcmp(type, "counter"))
		nt = 1;
	else if (type && !strcmp(type, "bits"))
		nt = 2;
	else if (type && !strcmp(type, "extend"))
		nt = 4;
	if ((nt == 1 || nt == 2) && w->e.size != 8) {
		ib_err("%s:%d: <nv-index handle=%s>: a %s index has size 8, not %u", path, line, handle, type,
		       w->e.size);
		return IB_EXIT_INVALID;
	}
	if (w->e.size == 0) {
		ib_err("%s:%d: <nv-index handle=%s>: size must not be 0", path, line, handle);
		return IB_EXIT_INVALID;
	}

	uint32_t attrs = nt << TPMA_NV_TYPE_SHIFT;
	xmlNodePtr a = build_xml_child(n, "attributes");
	_cleanup_free_ char *list = a ? build_xml_text(a) : strdup("");
	if (!list)
		return IB_EXIT_INTERNAL;
	char *save = NULL;
	for (char *tok = strtok_r(list, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(nv_attrs); i++)
			if (!strcmp(nv_attrs[i].name, tok))
				break;
		if (i == ARRAY_SIZE(nv_attrs)) {
			ib_err("%s:%d: <attributes>: unknown NV attribute '%s'", path, build_xml_line(a), tok);
			return IB_EXIT_INVALID;
		}
		if (attrs & nv_attrs[i].bit) {
			ib_err("%s:%d: <attributes>: '%s' given twice", path, build_xml_line(a), tok);
			return IB_EXIT_INVALID;
		}
		attrs |= nv_attrs[i].bit;
	}
	/* TPM2_NV_DefineSpace refuses an index nobody can read or write. */
	if (!(attrs & TPMA_NV_WRITE_ANY) || !(attrs & TPMA_NV_READ_ANY)) {
		ib_err("%s:%d: <nv-index handle=%s>: attributes need at least one of ppwrite/ownerwrite/authwrite/"
		       "policywrite and one of ppread/ownerread/authread/policyread", path, line, handle);
		return IB_EXIT_INVALID;
	}
	w->e.attributes = attrs;
	if (is_true(lock))
		w->e.flags |= VTPM_NV_FLAG_WRITE_LOCK;

	size_t dlen = 0;
	xmlNodePtr c;
	if ((c = build_xml_child(n, "contents-file"))) {
		_cleanup_free_ char *rel = build_xml_text(c);
		_cleanup_free_ char *file = rel ? build_path_relative(path, rel) : NULL;
		if (!file)
			return IB_EXIT_INTERNAL;
		r = ib_read_file(file, BUILD_MAX_NVFILE, &w->data, &dlen);
		if (r == -EFBIG) {
			ib_err("%s:%d: <contents-file>: %s is larger than %u bytes", path, build_xml_line(c), file,
			       BUILD_MAX_NVFILE);
			return IB_EXIT_INVALID;
		}
		if (r < 0) {
			ib_err("%s:%d: <contents-file>: cannot read %s: %s", path, build_xml_line(c), file, strerror(-r));
			return IB_EXIT_IO;
		}
	} else if ((c = build_xml_child(n, "contents-hex"))) {
		_cleanup_free_ char *hex = build_xml_text(c);
		if (!hex)
			return IB_EXIT_INTERNAL;
		if ((r = read_hex_contents(path, build_xml_line(c), hex, &w->data, &dlen)))
			return r;
	}
	if (c) {
		if (nt != 0) {
			ib_err("%s:%d: <nv-index handle=%s>: initial contents need an ordinary index, not %s", path, line,
			       handle, type);
			return IB_EXIT_INVALID;
		}
		if (dlen > w->e.size) {
			ib_err("%s:%d: <nv-index handle=%s>: contents are %zu bytes, larger than size %u", path,
			       build_xml_line(c), handle, dlen, w->e.size);
			return IB_EXIT_INVALID;
		}
	}
	w->e.data_len = (uint32_t)dlen;
	return 0;
}

static int compile(const char *path, xmlNodePtr root, uint8_t **blob, size_t *blob_len)
{
	int r;
	struct vtpm_config_header h = { 0 };
	h.magic = VTPM_CONFIG_MAGIC;
	h.version = VTPM_CONFIG_VERSION;
	h.header_size = sizeof(h);
	h.nv_entry_size = sizeof(struct vtpm_config_nv_index);
	h.persistence = VTPM_PERSIST_EPHEMERAL;

	for (xmlNodePtr b = build_xml_child(build_xml_child(root, "pcr-banks"), "bank"); b; b = build_xml_next(b, "bank")) {
		_cleanup_free_ char *t = build_xml_text(b);
		uint32_t bit;
		if (!t || hash_alg(t, NULL, &bit))
			return IB_EXIT_INTERNAL;
		h.pcr_banks |= bit;
	}

	xmlNodePtr ek = build_xml_child(root, "endorsement-key");
	_cleanup_free_ char *alg = build_xml_attr(ek, "algorithm");
	_cleanup_free_ char *tmpl = build_xml_attr(ek, "template");
	_cleanup_free_ char *persist = build_xml_attr(ek, "persistent");
	const struct ek_spec *spec = NULL;
	for (size_t i = 0; tmpl && i < ARRAY_SIZE(eks); i++)
		if (!strcmp(eks[i].tmpl, tmpl))
			spec = &eks[i];
	if (!spec || !alg)
		return IB_EXIT_INTERNAL;
	if (strcmp(spec->alg, alg)) {
		ib_err("%s:%d: <endorsement-key>: template %s creates an %s key, not %s", path, build_xml_line(ek),
		       tmpl, spec->alg, alg);
		return IB_EXIT_INVALID;
	}
	h.ek_algorithm = spec->alg_id;
	h.ek_template = spec->id;
	h.ek_key_bits = spec->bits;
	h.ek_curve = spec->curve;
	h.ek_name_alg = spec->name_alg;
	if (is_true(persist))
		h.flags |= VTPM_CONFIG_FLAG_CREATE_EK_AT_MANUFACTURE;

	xmlNodePtr m = build_xml_child(root, "manufacturer");
	_cleanup_free_ char *id = build_xml_attr(m, "id");
	_cleanup_free_ char *vendor = build_xml_attr(m, "vendor");
	_cleanup_free_ char *fw = build_xml_attr(m, "firmware-version");
	if (!id || !vendor || !fw)
		return IB_EXIT_INTERNAL;
	/* build_xml_attr trims, so re-check the lengths the schema allowed. */
	if (!*id || strlen(id) > 4 || strlen(vendor) > sizeof(h.vendor_string)) {
		ib_err("%s:%d: <manufacturer>: id must be 1-4 characters and vendor at most 16", path,
		       build_xml_line(m));
		return IB_EXIT_INVALID;
	}
	/* TPM_PT_MANUFACTURER: the ASCII string as a big-endian u32, space padded as TCG vendor ids are. */
	char id4[4] = { ' ', ' ', ' ', ' ' };
	memcpy(id4, id, strlen(id));
	h.manufacturer = (uint32_t)(uint8_t)id4[0] << 24 | (uint32_t)(uint8_t)id4[1] << 16 |
			 (uint32_t)(uint8_t)id4[2] << 8 | (uint32_t)(uint8_t)id4[3];
	memcpy(h.vendor_string, vendor, strlen(vendor));
	uint64_t fwv;
	if ((r = build_parse_u64(fw, UINT64_MAX, &fwv, path, build_xml_line(m), "<manufacturer firmware-version>")))
		return r;
	h.firmware_version = fwv;

	/* The schema allows "sealed" (NV kept across boots), but the SVSM has no sealed store
	 * to unseal it from yet: an image asking for it would get a vTPM that forgets its NV at
	 * every boot while its owner believes otherwise. Refused until the core can do it (the
	 * SVSM refuses such a blob too, svsm/vtpm/manufacture.h). */
	xmlNodePtr pers = build_xml_child(root, "persistence");
	_cleanup_free_ char *mode = build_xml_attr(pers, "mode");
	if (mode && strcmp(mode, "ephemeral")) {
		ib_err("%s:%d: <persistence mode=\"%s\">: not supported yet: the SVSM core cannot unseal vTPM "
		       "state, so only mode=\"ephemeral\" (manufactured at every boot) can be built",
		       path, build_xml_line(pers), mode);
		return IB_EXIT_INVALID;
	}

	struct nv_work w[VTPM_CONFIG_MAX_NV];
	memset(w, 0, sizeof(w));
	size_t count = 0;
	r = 0;
	for (xmlNodePtr n = build_xml_child(build_xml_child(root, "nv-indices"), "nv-index"); n;
	     n = build_xml_next(n, "nv-index")) {
		if (count == VTPM_CONFIG_MAX_NV) {
			ib_err("%s:%d: more than %u NV indices", path, build_xml_line(n), VTPM_CONFIG_MAX_NV);
			r = IB_EXIT_INVALID;
			goto out;
		}
		if ((r = read_nv(path, n, &w[count++])))
			goto out;
	}
	qsort(w, count, sizeof(w[0]), cmp_nv);
	for (size_t i = 1; i < count; i++)
		if (w[i].e.index == w[i - 1].e.index) {
			ib_err("%s:%d: <nv-index handle=0x%08x>: handle defined twice", path,
			       w[i].line > w[i - 1].line ? w[i].line : w[i - 1].line, w[i].e.index);
			r = IB_EXIT_INVALID;
			goto out;
		}

	/* Lay out: header, NV table, data (each 8-aligned). */
	uint64_t off = sizeof(h);
	h.nv_count = (uint32_t)count;
	h.nv_table_offset = count ? (uint32_t)off : 0;
	off += count * sizeof(struct vtpm_config_nv_index);
	for (size_t i = 0; i < count; i++) {
		if (w[i].e.data_len) {
			w[i].e.data_offset = (uint32_t)off;
			off += (w[i].e.data_len + 7u) & ~7u;
		}
		if (off > VTPM_CONFIG_MAX_SIZE)
			break;
	}
	if (off > VTPM_CONFIG_MAX_SIZE) {
		ib_err("%s: the compiled vTPM configuration would exceed %u bytes", path, VTPM_CONFIG_MAX_SIZE);
		r = IB_EXIT_INVALID;
		goto out;
	}
	h.total_size = (uint32_t)off;

	uint8_t *out = calloc(1, off);
	if (!out) {
		r = IB_EXIT_INTERNAL;
		goto out;
	}
	memcpy(out, &h, sizeof(h));
	for (size_t i = 0; i < count; i++) {
		memcpy(out + sizeof(h) + i * sizeof(struct vtpm_config_nv_index), &w[i].e, sizeof(w[i].e));
		if (w[i].e.data_len)
			memcpy(out + w[i].e.data_offset, w[i].data, w[i].e.data_len);
	}
	*blob = out;
	*blob_len = off;
out:
	for (size_t i = 0; i < count; i++)
		free(w[i].data);
	return r;
}

int build_vtpm_compile_mem(const char *path, const uint8_t *data, size_t len, uint8_t **blob, size_t *blob_len)
{
	_cleanup_(docp_free) xmlDocPtr doc = NULL;
	int r = build_xml_load(path, data, len, BUILD_SCHEMA_VTPM, &doc);
	if (r)
		return r;
	return compile(path, xmlDocGetRootElement(doc), blob, blob_len);
}

int build_vtpm_compile(const char *path, uint8_t **blob, size_t *blob_len)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	int r = ib_read_file(path, BUILD_MAX_XML, &data, &len);
	if (r == -EFBIG) {
		ib_err("%s: larger than the %u-byte limit for vTPM manifests", path, BUILD_MAX_XML);
		return IB_EXIT_INVALID;
	}
	if (r < 0) {
		ib_err("%s: cannot read vTPM manifest: %s", path, strerror(-r));
		return IB_EXIT_IO;
	}
	return build_vtpm_compile_mem(path, data, len, blob, blob_len);
}
