/* SPDX-License-Identifier: MIT */
/*
 * fmt.h — a small vsnprintf: %s %c %d %i %u %x %X %p %%, flags '0' and '-',
 * width, length modifiers l/ll/z. Always NUL-terminates when size > 0 and
 * returns the length the full output would have had (like C99).
 */
#ifndef SVSM_LIB_FMT_H
#define SVSM_LIB_FMT_H
#include <stdarg.h>
#include <stddef.h>
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif
