/* SPDX-License-Identifier: MIT */
/* string.h — the few memory/string routines the compiler may also emit calls to. */
#ifndef SVSM_LIB_STRING_H
#define SVSM_LIB_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif
