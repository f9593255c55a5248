/* SPDX-License-Identifier: MIT */
/*
 * fixtures.h — IGVM files for the libigvm tests, built from source with the
 * project's writer (format/igvm.h), so no binary blob is kept in git.
 *
 * fx_conformance() is the file microsoft/igvm's own C unit tests use (shared
 * spec §10.1): the writer must reproduce it byte for byte. The others cover
 * every header type the C API can return, on every platform, including the
 * cases where the API's view differs from the bytes on disk (masks of 0,
 * undefined flag bits, VBS registers with non-zero must-be-zero bytes).
 *
 * Each builder appends a complete file to `out` and returns 0, or -1 with a
 * message on stderr.
 */
#ifndef LIBIGVM_TEST_FIXTURES_H
#define LIBIGVM_TEST_FIXTURES_H

#include "../../common/buf.h"

struct fx {
	const char *name;
	int (*build)(struct ib_buf *out);
	bool qemu_loads; /* every header is one QEMU's loader handles */
};

int fx_conformance(struct ib_buf *out);

/* All fixtures, conformance first; terminated by a NULL name. */
extern const struct fx fx_all[];

#endif /* LIBIGVM_TEST_FIXTURES_H */
