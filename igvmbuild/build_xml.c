/* SPDX-License-Identifier: MIT */
/*
 * build_xml.c — loading templates and vTPM manifests with libxml2, safely.
 *
 * Inputs are hostile. libxml2 can fetch URLs, load external DTDs and expand
 * entities (XXE, billion laughs); we switch every one of those off and, as a
 * second line, refuse any document that contains a DOCTYPE at all: neither
 * format needs one, so there is nothing to lose. Documents are size-limited
 * before parsing and validated against a schema that is compiled into the
 * binary (the .xsd files in templates/, embedded with .incbin), so an
 * installed igvmbuild never depends on the source tree and never reads a
 * schema location named by the document.
 *
 * libxml2 reports errors through a global callback; we collect the first one
 * and print it as one line: FILE:LINE: element <name>: what was wrong.
 */
#define _GNU_SOURCE
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "../common/cleanup.h"
#include "../common/fileio.h"
#include "../common/status.h"

/* The schemas, embedded at build time (NUL-terminated). */
__asm__(".section .rodata\n"
	".balign 16\n"
	".globl build_template_xsd\n"
	".type build_template_xsd, @object\n"
	"build_template_xsd:\n"
	".incbin \"templates/igvmbuild-template.xsd\"\n"
	".byte 0\n"
	".size build_template_xsd, . - build_template_xsd\n"
	".balign 16\n"
	".globl build_vtpm_xsd\n"
	".type build_vtpm_xsd, @object\n"
	"build_vtpm_xsd:\n"
	".incbin \"templates/vtpm-manifest.xsd\"\n"
	".byte 0\n"
	".size build_vtpm_xsd, . - build_vtpm_xsd\n"
	".previous\n");
extern const char build_template_xsd[];
extern const char build_vtpm_xsd[];

const char *build_schema_text(enum build_schema schema)
{
	return schema == BUILD_SCHEMA_TEMPLATE ? build_template_xsd : build_vtpm_xsd;
}

/* ---- error capture ----------------------------------------------------------- */

struct xml_err {
	bool have;
	int line;
	char element[64];
	char msg[256];
};

static void capture_error(void *ctx, xmlErrorPtr e)
{
	struct xml_err *x = ctx;
	if (x->have || !e || e->level < XML_ERR_ERROR)
		return;
	x->have = true;
	x->line = e->line;
	x->element[0] = 0;
	if (e->node) {
		xmlNodePtr n = e->node;
		if (n->type == XML_ELEMENT_NODE && n->name) {
			snprintf(x->element, sizeof(x->element), "%s", (const char *)n->name);
			if (!x->line)
				x->line = (int)xmlGetLineNo(n);
		}
	}
	snprintf(x->msg, sizeof(x->msg), "%s", e->message ? e->message : "unknown error");
	/* libxml2 messages end in a newline and may hold more: keep one line. */
	for (char *p = x->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = (p[1] ? ' ' : 0);
	size_t l = strlen(x->msg);
	while (l && x->msg[l - 1] == ' ')
		x->msg[--l] = 0;
}

/* Never let libxml2 open anything: every external load fails. */
static xmlParserInputPtr refuse_external(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)id;
	(void)ctxt;
	(void)url;
	return NULL;
}

static void xml_init_once(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	xmlInitParser();
	xmlSetExternalEntityLoader(refuse_external);
	/* Keep libxml2 quiet on stderr: we print our own one-line errors. */
	xmlSetGenericErrorFunc(NULL, NULL);
}

static void silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Parsed once per process; the schema is ours, so parse failures are internal. */
static xmlSchemaPtr schema_get(enum build_schema which)
{
	static xmlSchemaPtr cache[2];
	if (cache[which])
		return cache[which];
	const char *text = build_schema_text(which);
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(text, (int)strlen(text));
	if (!pc)
		return NULL;
	xmlSchemaSetParserErrors(pc, NULL, NULL, NULL);
	cache[which] = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	return cache[which];
}

static void docp_free(xmlDocPtr *d)
{
	if (*d)
		xmlFreeDoc(*d);
}
#define _cleanup_xmldoc_ _cleanup_(docp_free)

/* Refuses DTDs by looking at the bytes: "<!DOCTYPE" and "<!ENTITY" cannot occur
 * in a DTD-free document outside comments and CDATA, and neither format needs
 * those in comments, so a plain search is exact enough and runs before libxml2. */
static bool has_dtd(const uint8_t *data, size_t len)
{
	static const char *const bad[] = { "<!DOCTYPE", "<!ENTITY" };
	for (size_t b = 0; b < ARRAY_SIZE(bad); b++)
		if (memmem(data, len, bad[b], strlen(bad[b])))
			return true;
	return false;
}

static int dtd_line(const uint8_t *data, size_t len)
{
	const uint8_t *p = memmem(data, len, "<!", 2);
	int line = 1;
	for (const uint8_t *q = data; p && q < p; q++)
		line += *q == '\n';
	return line;
}

int build_xml_load(const char *path, const uint8_t *data, size_t len, enum build_schema schema,
		   struct _xmlDoc **out)
{
	xml_init_once();
	*out = NULL;
	if (len > BUILD_MAX_XML) {
		ib_err("%s: document is %zu bytes, larger than the %u-byte limit", path, len, BUILD_MAX_XML);
		return IB_EXIT_INVALID;
	}
	if (has_dtd(data, len)) {
		ib_err("%s:%d: DOCTYPE/ENTITY declarations are not allowed (no DTDs, no entities)", path,
		       dtd_line(data, len));
		return IB_EXIT_INVALID;
	}
	if (len == 0) {
		ib_err("%s:1: empty document", path);
		return IB_EXIT_INVALID;
	}

	struct xml_err err = { 0 };
	xmlSetStructuredErrorFunc(&err, capture_error);
	xmlSetGenericErrorFunc(NULL, silent_generic);
	/* No XML_PARSE_NOENT (entity substitution), no DTDLOAD/DTDATTR/DTDVALID,
	 * no XINCLUDE, no HUGE; NONET forbids network access outright. */
	int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING;
	_cleanup_xmldoc_ xmlDocPtr doc = xmlReadMemory((const char *)data, (int)len, path, NULL, opts);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!doc || err.have) {
		if (err.have)
			ib_err("%s:%d: not well-formed XML: %s", path, err.line, err.msg);
		else
			ib_err("%s: not well-formed XML", path);
		return IB_EXIT_INVALID;
	}
	if (doc->intSubset || doc->extSubset) {
		ib_err("%s: DTDs are not allowed", path);
		return IB_EXIT_INVALID;
	}

	xmlSchemaPtr xsd = schema_get(schema);
	if (!xsd) {
		ib_err("internal error: the embedded %s schema does not parse",
		       schema == BUILD_SCHEMA_TEMPLATE ? "template" : "vTPM manifest");
		return IB_EXIT_INTERNAL;
	}
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(xsd);
	if (!vc) {
		ib_err("out of memory");
		return IB_EXIT_INTERNAL;
	}
	xmlSchemaSetValidStructuredErrors(vc, capture_error, &err);
	int r = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	if (r != 0) {
		if (err.have && err.element[0])
			ib_err("%s:%d: element <%s>: schema: %s", path, err.line, err.element, err.msg);
		else if (err.have)
			ib_err("%s:%d: schema: %s", path, err.line, err.msg);
		else
			ib_err("%s: does not follow the %s schema", path,
			       schema == BUILD_SCHEMA_TEMPLATE ? "template" : "vTPM manifest");
		return r < 0 ? IB_EXIT_INTERNAL : IB_EXIT_INVALID;
	}
	*out = TAKE_PTR(doc);
	return 0;
}

int build_xml_load_file(const char *path, enum build_schema schema, struct _xmlDoc **doc)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	int r = ib_read_file(path, BUILD_MAX_XML, &data, &len);
	if (r == -EFBIG) {
		ib_err("%s: larger than the %u-byte limit for XML documents", path, BUILD_MAX_XML);
		return IB_EXIT_INVALID;
	}
	if (r < 0) {
		ib_err("%s: cannot read: %s", path, strerror(-r));
		return IB_EXIT_IO;
	}
	return build_xml_load(path, data, len, schema, doc);
}

/* ---- tree helpers -------------------------------------------------------------- */

xmlNodePtr build_xml_child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

xmlNodePtr build_xml_next(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->next : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

static char *trim_dup(const char *s)
{
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\n' || s[l - 1] == '\r'))
		l--;
	return strndup(s, l);
}

char *build_xml_text(xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	if (!t)
		return strdup("");
	char *r = trim_dup((const char *)t);
	xmlFree(t);
	return r;
}

char *build_xml_attr(xmlNodePtr n, const char *name)
{
	xmlChar *t = xmlGetProp(n, (const xmlChar *)name);
	if (!t)
		return NULL;
	char *r = trim_dup((const char *)t);
	xmlFree(t);
	return r;
}

int build_xml_line(xmlNodePtr n)
{
	long l = xmlGetLineNo(n);
	return l > 0 && l < 1000000000 ? (int)l : 0;
}

static void where(char *buf, size_t n, const char *file, int line)
{
	if (file && line > 0)
		snprintf(buf, n, "%s:%d", file, line);
	else if (file)
		snprintf(buf, n, "%s", file);
	else
		snprintf(buf, n, "command line");
}

int build_parse_u64(const char *s, uint64_t max, uint64_t *out, const char *file, int line, const char *what)
{
	char w[512];
	where(w, sizeof(w), file, line);
	const char *p = s;
	unsigned base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p) {
		ib_err("%s: %s: '%s' is not a number", w, what, s);
		return IB_EXIT_INVALID;
	}
	uint64_t v = 0;
	for (; *p; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else {
			ib_err("%s: %s: '%s' is not a number", w, what, s);
			return IB_EXIT_INVALID;
		}
		if (v > (UINT64_MAX - d) / base) {
			ib_err("%s: %s: '%s' does not fit in 64 bits", w, what, s);
			return IB_EXIT_INVALID;
		}
		v = v * base + d;
	}
	if (v > max) {
		ib_err("%s: %s: %s is larger than the maximum 0x%llx", w, what, s, (unsigned long long)max);
		return IB_EXIT_INVALID;
	}
	*out = v;
	return 0;
}

int build_parse_hex_bytes(const char *s, uint8_t *out, size_t n, const char *file, int line, const char *what)
{
	char w[512];
	where(w, sizeof(w), file, line);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (strlen(s) != 2 * n) {
		ib_err("%s: %s: needs exactly %zu hex digits", w, what, 2 * n);
		return IB_EXIT_INVALID;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];
			unsigned d;
			if (c >= '0' && c <= '9')
				d = (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				d = (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				d = (unsigned)(c - 'A' + 10);
			else {
				ib_err("%s: %s: '%c' is not a hex digit", w, what, c);
				return IB_EXIT_INVALID;
			}
			v = v * 16 + d;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

char *build_path_relative(const char *base, const char *rel)
{
	if (rel[0] == '/' || !base)
		return strdup(rel);
	const char *slash = strrchr(base, '/');
	if (!slash)
		return strdup(rel);
	char *r = NULL;
	if (asprintf(&r, "%.*s/%s", (int)(slash - base), base, rel) < 0)
		return NULL;
	return r;
}

struct ib_libversion build_xml_version(void)
{
	/* xmlParserVersion is the undotted form ("20914"): compare like with like. */
	static char running[32];
	const char *v = xmlParserVersion;
	long n = v ? strtol(v, NULL, 10) : 0;
	snprintf(running, sizeof(running), "%ld.%ld.%ld", n / 10000, n / 100 % 100, n % 100);
	return (struct ib_libversion){ "libxml2", LIBXML_DOTTED_VERSION, v ? running : NULL };
}
