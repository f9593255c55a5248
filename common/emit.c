/* SPDX-License-Identifier: MIT */
/*
 * emit.c — text or JSON output from the same calls (contract in emit.h).
 *
 * Both modes print as they go and keep a stack of open containers. JSON values
 * are built and printed with json-c (see "JSON helpers" for what is streamed
 * and what is built as a tree first). In text mode an array's
 * "key:" line is printed only when its first element arrives, so that an
 * empty array can be shown as "key: none" instead of a dangling heading.
 */
#define _GNU_SOURCE
#include "emit.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EMIT_MAX_DEPTH 32
#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

struct frame {
	bool array;
	bool inline_obj;
	bool pending;      /* text: heading not printed yet (arrays only) */
	bool detached;     /* JSON: obj is a tree that is printed when it ends */
	size_t count;      /* members/elements so far */
	char *heading;     /* text: label of a pending heading ("key" or "[n]") */
	json_object *obj;  /* JSON: the tree; NULL for a streamed container */
};

struct emit {
	bool json;
	FILE *out;
	int err;
	bool finished;
	bool opened;  /* JSON: the root's "{" has been printed */
	size_t depth; /* frames in use; frame 0 is the root object */
	struct frame st[EMIT_MAX_DEPTH];
};

static int set_err(struct emit *e, int err)
{
	if (!e->err)
		e->err = err;
	return e->err;
}

struct emit *emit_new(bool json, FILE *out)
{
	struct emit *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->json = json;
	e->out = out;
	e->depth = 1;
	return e;
}

void emit_free(struct emit *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->depth; i++) {
		free(e->st[i].heading);
		if (e->st[i].detached)
			json_object_put(e->st[i].obj);
	}
	free(e);
}

bool emit_is_json(const struct emit *e)
{
	return e->json;
}

/* ---- text helpers ------------------------------------------------------------ */

static void indent(const struct emit *e, size_t level)
{
	for (size_t i = 0; i < level; i++)
		fputs("  ", e->out);
}

/* Text output is for terminals: show control and non-ASCII bytes as '?'. */
static void put_clean(const struct emit *e, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		fputc(c >= 0x20 && c < 0x7f ? c : '?', e->out);
	}
}

/* Prints every heading that is still pending, outermost first. */
static void flush_pending(struct emit *e)
{
	for (size_t i = 1; i < e->depth; i++) {
		struct frame *f = &e->st[i];
		if (!f->pending)
			continue;
		indent(e, i - 1);
		put_clean(e, f->heading ? f->heading : "");
		fputs(":\n", e->out);
		f->pending = false;
	}
}

/*
 * The text label of the next member of the top container: its key; in an
 * array "[n]" unless the caller gave a key. Writes into buf.
 */
static const char *member_label(struct emit *e, const char *key, char *buf, size_t n)
{
	const struct frame *top = &e->st[e->depth - 1];
	if (top->array && !key) {
		snprintf(buf, n, "[%zu]", top->count);
		return buf;
	}
	return key;
}

/* Prints one scalar member in text mode; `val` is already formatted. */
static int text_scalar(struct emit *e, const char *key, const char *val)
{
	struct frame *top = &e->st[e->depth - 1];
	if (!top->array && !key)
		return set_err(e, -EINVAL);
	flush_pending(e);
	if (top->inline_obj) {
		if (top->count)
			fputc(' ', e->out);
		put_clean(e, key);
		fputc('=', e->out);
		put_clean(e, val);
	} else if (top->array) {
		indent(e, e->depth - 1);
		fputs("- ", e->out);
		put_clean(e, val);
		fputc('\n', e->out);
	} else {
		indent(e, e->depth - 1);
		put_clean(e, key);
		fputs(": ", e->out);
		put_clean(e, val);
		fputc('\n', e->out);
	}
	top->count++;
	return 0;
}

/* ---- JSON helpers ------------------------------------------------------------ */

/*
 * JSON output is streamed where that is free: the root object, objects that
 * are members of streamed objects, and arrays in them are printed piece by
 * piece; everything inside an array element (or an inline object) is built
 * as a json-c tree and printed, with json-c's pretty printer, when it is
 * complete, then freed. Memory stays bounded by the largest element (one
 * header) however long the lists are. The layout is exactly what json-c
 * would print for the whole document: two spaces per level, one member per
 * line, "[\n  ]" for an empty list.
 */

static void json_indent(struct emit *e, size_t level)
{
	for (size_t i = 0; i < level; i++)
		fputs("  ", e->out);
}

/* Prints a json-c value whose first line is already positioned, indenting
 * its other lines to `level`. Strings never hold a raw newline (json-c
 * escapes it), so every '\n' in the text is layout. */
static int json_print_value(struct emit *e, json_object *obj, size_t level)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_FLAGS);
	if (!s)
		return set_err(e, -ENOMEM);
	for (; *s; s++) {
		fputc(*s, e->out);
		if (*s == '\n')
			json_indent(e, level);
	}
	return 0;
}

/* The separator, indentation and key of the next member of a streamed frame. */
static int json_stream_prefix(struct emit *e, const char *key)
{
	struct frame *top = &e->st[e->depth - 1];
	if (!top->array && !key)
		return set_err(e, -EINVAL);
	if (!e->opened) {
		fputc('{', e->out);
		e->opened = true;
	}
	fputs(top->count ? ",\n" : "\n", e->out);
	json_indent(e, e->depth);
	if (!top->array) {
		/* The key, escaped by json-c like any string. */
		json_object *k = json_object_new_string(key);
		if (!k)
			return set_err(e, -ENOMEM);
		int r = json_print_value(e, k, 0);
		json_object_put(k);
		if (r < 0)
			return r;
		fputs(": ", e->out);
	}
	top->count++;
	return 0;
}

/* Adds a finished value to the top container; takes ownership of obj in every case. */
static int json_add(struct emit *e, const char *key, json_object *obj)
{
	struct frame *top = &e->st[e->depth - 1];
	if (!obj)
		return set_err(e, -ENOMEM);
	if (!top->obj) {
		int r = json_stream_prefix(e, key);
		if (r == 0)
			r = json_print_value(e, obj, e->depth);
		json_object_put(obj);
		return r;
	}
	if (top->array) {
		if (json_object_array_add(top->obj, obj) < 0) {
			json_object_put(obj);
			return set_err(e, -ENOMEM);
		}
	} else {
		if (!key) {
			json_object_put(obj);
			return set_err(e, -EINVAL);
		}
		if (json_object_object_add(top->obj, key, obj) < 0) {
			json_object_put(obj);
			return set_err(e, -ENOMEM);
		}
	}
	top->count++;
	return 0;
}

/* Opens a container in JSON mode; fills in f (the new frame). */
static int json_begin(struct emit *e, const char *key, bool array, bool inline_obj, struct frame *f)
{
	struct frame *top = &e->st[e->depth - 1];
	if (!top->obj) {
		if (json_stream_prefix(e, key) < 0)
			return e->err;
		if (!inline_obj && !top->array) {
			/* Streamed too: members follow as they come. */
			fputc(array ? '[' : '{', e->out);
			return 0;
		}
		f->obj = array ? json_object_new_array() : json_object_new_object();
		if (!f->obj)
			return set_err(e, -ENOMEM);
		f->detached = true;
		return 0;
	}
	f->obj = array ? json_object_new_array() : json_object_new_object();
	/* json_add() hands the reference to the parent, which keeps obj alive. */
	return json_add(e, key, f->obj);
}

static int json_end(struct emit *e, struct frame *f)
{
	if (!f->obj) {
		fputc('\n', e->out);
		json_indent(e, e->depth - 1);
		fputc(f->array ? ']' : '}', e->out);
		return 0;
	}
	if (f->detached) {
		int r = json_print_value(e, f->obj, e->depth - 1);
		json_object_put(f->obj);
		f->obj = NULL;
		f->detached = false;
		return r;
	}
	return 0;
}

static bool usable(struct emit *e)
{
	if (e->finished)
		set_err(e, -EINVAL);
	return !e->err;
}

/* ---- containers -------------------------------------------------------------- */

static int begin(struct emit *e, const char *key, bool array, bool inline_obj)
{
	if (!usable(e))
		return e->err;
	struct frame *top = &e->st[e->depth - 1];
	if (e->depth >= EMIT_MAX_DEPTH || top->inline_obj || (!top->array && !key))
		return set_err(e, -EINVAL);

	struct frame *f = &e->st[e->depth];
	memset(f, 0, sizeof(*f));
	f->array = array;
	f->inline_obj = inline_obj;
	if (e->json) {
		/* On failure no tree is left behind: json_add() owns what it was given. */
		if (json_begin(e, key, array, inline_obj, f) < 0)
			return e->err;
		e->depth++;
		return 0;
	}

	{
		char buf[32];
		const char *label = member_label(e, key, buf, sizeof(buf));
		if (array) {
			/* Printed with the first element, or as "label: none" at the end. */
			f->heading = strdup(label);
			if (!f->heading)
				return set_err(e, -ENOMEM);
			f->pending = true;
		} else {
			flush_pending(e);
			indent(e, e->depth - 1);
			put_clean(e, label);
			fputc(':', e->out);
			if (!inline_obj)
				fputc('\n', e->out);
			else
				fputc(' ', e->out);
		}
		top->count++;
	}
	e->depth++;
	return 0;
}

static int end(struct emit *e, bool array)
{
	if (!usable(e))
		return e->err;
	if (e->depth <= 1)
		return set_err(e, -EINVAL);
	struct frame *f = &e->st[e->depth - 1];
	if (f->array != array)
		return set_err(e, -EINVAL);
	if (e->json) {
		if (json_end(e, f) < 0)
			return e->err;
	} else {
		if (f->inline_obj) {
			fputc('\n', e->out);
		} else if (f->pending) {
			/* An empty array: its heading was never printed. */
			f->pending = false;
			flush_pending(e);
			indent(e, e->depth - 2);
			put_clean(e, f->heading ? f->heading : "");
			fputs(": none\n", e->out);
		}
	}
	free(f->heading);
	f->heading = NULL;
	e->depth--;
	return 0;
}

int emit_begin_object(struct emit *e, const char *key)
{
	return begin(e, key, false, false);
}

int emit_begin_inline(struct emit *e, const char *key)
{
	return begin(e, key, false, true);
}

int emit_end_object(struct emit *e)
{
	return end(e, false);
}

int emit_begin_array(struct emit *e, const char *key)
{
	return begin(e, key, true, false);
}

int emit_end_array(struct emit *e)
{
	return end(e, true);
}

/* ---- scalars ----------------------------------------------------------------- */

int emit_str(struct emit *e, const char *key, const char *val)
{
	if (!usable(e))
		return e->err;
	if (e->json) {
		if (!val)
			return emit_null(e, key);
		return json_add(e, key, json_object_new_string(val));
	}
	return text_scalar(e, key, val ? val : "-");
}

int emit_strf(struct emit *e, const char *key, const char *fmt, ...)
{
	if (!usable(e))
		return e->err;
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return set_err(e, -ENOMEM);
	r = emit_str(e, key, s);
	free(s);
	return r;
}

int emit_u64(struct emit *e, const char *key, uint64_t val)
{
	if (!usable(e))
		return e->err;
	if (e->json)
		return json_add(e, key, json_object_new_uint64(val));
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)val);
	return text_scalar(e, key, buf);
}

int emit_i64(struct emit *e, const char *key, int64_t val)
{
	if (!usable(e))
		return e->err;
	if (e->json)
		return json_add(e, key, json_object_new_int64(val));
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)val);
	return text_scalar(e, key, buf);
}

int emit_hex(struct emit *e, const char *key, uint64_t val, int width)
{
	if (!usable(e))
		return e->err;
	char buf[32];
	if (width < 0 || width > 16)
		width = 0;
	snprintf(buf, sizeof(buf), "0x%0*llx", width, (unsigned long long)val);
	if (e->json)
		return json_add(e, key, json_object_new_string(buf));
	return text_scalar(e, key, buf);
}

int emit_bool(struct emit *e, const char *key, bool val)
{
	if (!usable(e))
		return e->err;
	if (e->json)
		return json_add(e, key, json_object_new_boolean(val));
	return text_scalar(e, key, val ? "yes" : "no");
}

int emit_null(struct emit *e, const char *key)
{
	if (!usable(e))
		return e->err;
	if (e->json) {
		/* json-c represents null as a NULL object pointer. */
		struct frame *top = &e->st[e->depth - 1];
		int r;
		if (!top->obj) {
			if (json_stream_prefix(e, key) < 0)
				return e->err;
			fputs("null", e->out);
			return 0;
		}
		if (top->array)
			r = json_object_array_add(top->obj, NULL);
		else if (!key)
			return set_err(e, -EINVAL);
		else
			r = json_object_object_add(top->obj, key, NULL);
		if (r < 0)
			return set_err(e, -ENOMEM);
		top->count++;
		return 0;
	}
	return text_scalar(e, key, "-");
}

int emit_flags(struct emit *e, const char *key, const char *const *names, size_t n)
{
	if (!usable(e))
		return e->err;
	if (e->json) {
		json_object *arr = json_object_new_array();
		if (!arr)
			return set_err(e, -ENOMEM);
		for (size_t i = 0; i < n; i++) {
			json_object *s = json_object_new_string(names[i]);
			if (!s || json_object_array_add(arr, s) < 0) {
				json_object_put(s);
				json_object_put(arr);
				return set_err(e, -ENOMEM);
			}
		}
		return json_add(e, key, arr);
	}

	bool inl = e->st[e->depth - 1].inline_obj;
	const char *sep = inl ? "|" : ", ";
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(names[i]) + strlen(sep);
	char *s = malloc(len > 5 ? len : 5);
	if (!s)
		return set_err(e, -ENOMEM);
	s[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, sep);
		strcat(s, names[i]);
	}
	if (!n)
		strcpy(s, "none");
	int r = text_scalar(e, key, s);
	free(s);
	return r;
}

/* ---- the end ----------------------------------------------------------------- */

int emit_finish(struct emit *e)
{
	if (!usable(e))
		return e->err;
	if (e->depth != 1)
		return set_err(e, -EINVAL);
	e->finished = true;
	if (e->json) {
		/* The rest of the document: the root's closing brace. */
		if (!e->opened)
			fputc('{', e->out);
		fputs("\n}\n", e->out);
	}
	if (fflush(e->out) != 0 || ferror(e->out))
		return set_err(e, -EIO);
	return 0;
}

struct ib_libversion emit_json_version(void)
{
	return (struct ib_libversion){ "json-c", JSON_C_VERSION, json_c_version() };
}
