/* SPDX-License-Identifier: MIT */
/*
 * emit.h — one set of calls that prints either human-readable text or JSON.
 *
 * A command describes its output once, as a tree of objects, arrays and
 * scalars; the emitter decides how it looks (bpftool's json_writer idea):
 *
 *   text  "key: value" lines, two spaces of indent per level. An object is a
 *         "key:" line followed by its members one level deeper; an element of
 *         an array is a numbered block ("[0]:") or, for scalars, a "- value"
 *         line. An *inline* object is one line: "key: a=1 b=0x2 c=x".
 *   JSON  one document, laid out exactly as json-c's JSON_C_TO_STRING_PRETTY
 *         prints it. Values are built and serialised with json-c. To keep
 *         memory bounded on files with millions of headers, the root object,
 *         objects that are members of objects, and arrays held by those are
 *         printed as they are filled; each element of such an array (and each
 *         inline object) is a json-c tree printed and freed when it ends.
 *         emit_finish() prints the closing brace and a newline. Integers from
 *         emit_u64() are JSON numbers; emit_hex() gives a string "0x..." so no
 *         64-bit value loses precision in a consumer that reads numbers as
 *         doubles.
 *
 * The document root is an object that emit_new() opens and emit_finish()
 * closes; top-level members are emitted without indentation in text mode.
 * Members of an object need a key; elements of an array take key NULL. A key
 * given for an object or array element of an array is used as its text
 * label instead of "[n]" (JSON ignores it); scalar elements ignore it.
 *
 * Errors are sticky, like struct ib_buf: every call returns 0 or a negative
 * errno, and after the first failure (-ENOMEM from json-c, -EINVAL for a
 * misuse such as an unbalanced end) further calls do nothing and return the
 * same error, so a caller can emit a whole document and check emit_finish()
 * once. emit_finish() returns -EIO when the output stream failed. Both modes
 * write as they go, so after an error the output is incomplete: report the
 * error and exit non-zero.
 */
#ifndef IB_EMIT_H
#define IB_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "version.h"

struct emit;

/* NULL when out of memory. `out` is borrowed; it is not closed. */
struct emit *emit_new(bool json, FILE *out);
/* Frees the emitter without printing anything more (NULL is fine). */
void emit_free(struct emit *e);
static inline void emit_freep(struct emit **e) { emit_free(*e); }
#define _cleanup_emit_ __attribute__((cleanup(emit_freep)))

bool emit_is_json(const struct emit *e);

int emit_begin_object(struct emit *e, const char *key);
/* An object whose members fit on one text line ("key: a=1 b=2"); it may
 * hold scalars and flag lists only. In JSON it is an ordinary object. */
int emit_begin_inline(struct emit *e, const char *key);
int emit_end_object(struct emit *e);
int emit_begin_array(struct emit *e, const char *key);
int emit_end_array(struct emit *e);

/* val NULL is emitted as JSON null, and as "-" in text. */
int emit_str(struct emit *e, const char *key, const char *val);
int emit_strf(struct emit *e, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int emit_u64(struct emit *e, const char *key, uint64_t val);
int emit_i64(struct emit *e, const char *key, int64_t val);
/* "0x%0*llx" with `width` digits (0: as many as needed), a string in JSON. */
int emit_hex(struct emit *e, const char *key, uint64_t val, int width);
int emit_bool(struct emit *e, const char *key, bool val);
int emit_null(struct emit *e, const char *key);
/* A list of names: a JSON array of strings; text "A, B" or "none". */
int emit_flags(struct emit *e, const char *key, const char *const *names, size_t n);

/*
 * Closes the root. JSON: prints the document and a newline. Checks that every
 * container was closed and that the stream has no error (it is flushed).
 * Returns 0, -ENOMEM, -EINVAL (unbalanced) or -EIO. The emitter must still be
 * freed with emit_free().
 */
int emit_finish(struct emit *e);

/* The json-c this module uses, for --version. */
struct ib_libversion emit_json_version(void);

#endif
