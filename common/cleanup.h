/* SPDX-License-Identifier: MIT */
/*
 * cleanup.h — scope-bound release of resources (systemd's _cleanup_ idiom).
 *
 * A variable declared `_cleanup_free_ char *p = NULL;` is freed on every return
 * path, so early error returns cannot leak. TAKE_PTR() hands ownership out of
 * such a variable.
 */
#ifndef IB_CLEANUP_H
#define IB_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void ib_freep(void *p) { free(*(void **)p); }
static inline void ib_fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void ib_closep(int *fd) { if (*fd >= 0) close(*fd); }

#define _cleanup_free_   _cleanup_(ib_freep)
#define _cleanup_fclose_ _cleanup_(ib_fclosep)
#define _cleanup_close_  _cleanup_(ib_closep)

#define TAKE_PTR(p) ({ __typeof__(p) _tp = (p); (p) = NULL; _tp; })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
