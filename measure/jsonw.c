/* SPDX-License-Identifier: MIT */
#include "jsonw.h"

#include <string.h>

void jsonw_init(struct jsonw *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = true;
}

static void put_string(struct jsonw *w, const char *s)
{
	fputc('"', w->out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", w->out);
			break;
		case '\\':
			fputs("\\\\", w->out);
			break;
		case '\n':
			fputs("\\n", w->out);
			break;
		case '\t':
			fputs("\\t", w->out);
			break;
		case '\r':
			fputs("\\r", w->out);
			break;
		default:
			if (*p < 0x20)
				fprintf(w->out, "\\u%04x", *p);
			else
				fputc(*p, w->out);
		}
	}
	fputc('"', w->out);
}

static void indent(struct jsonw *w)
{
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

static void member(struct jsonw *w, const char *key)
{
	if (w->depth > 0) {
		fputs(w->first[w->depth] ? "\n" : ",\n", w->out);
		w->first[w->depth] = false;
		indent(w);
	}
	if (key) {
		put_string(w, key);
		fputs(": ", w->out);
	}
}

static void open_container(struct jsonw *w, const char *key, char c)
{
	member(w, key);
	fputc(c, w->out);
	if (w->depth + 1 < JSONW_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void close_container(struct jsonw *w, char c)
{
	bool empty = w->first[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (!empty) {
		fputc('\n', w->out);
		indent(w);
	}
	fputc(c, w->out);
}

void jsonw_begin_object(struct jsonw *w, const char *key) { open_container(w, key, '{'); }
void jsonw_end_object(struct jsonw *w) { close_container(w, '}'); }
void jsonw_begin_array(struct jsonw *w, const char *key) { open_container(w, key, '['); }
void jsonw_end_array(struct jsonw *w) { close_container(w, ']'); }

void jsonw_str(struct jsonw *w, const char *key, const char *val)
{
	member(w, key);
	put_string(w, val ? val : "");
}

void jsonw_u64(struct jsonw *w, const char *key, uint64_t val)
{
	member(w, key);
	fprintf(w->out, "%llu", (unsigned long long)val);
}

void jsonw_bool(struct jsonw *w, const char *key, bool val)
{
	member(w, key);
	fputs(val ? "true" : "false", w->out);
}

void jsonw_hex(struct jsonw *w, const char *key, uint64_t val)
{
	member(w, key);
	fprintf(w->out, "\"0x%llx\"", (unsigned long long)val);
}

void jsonw_bytes_hex(struct jsonw *w, const char *key, const uint8_t *p, size_t n)
{
	member(w, key);
	fputc('"', w->out);
	for (size_t i = 0; i < n; i++)
		fprintf(w->out, "%02X", p[i]);
	fputc('"', w->out);
}

void jsonw_finish(struct jsonw *w)
{
	fputc('\n', w->out);
	fflush(w->out);
}
