/* SPDX-License-Identifier: MIT */
/*
 * fortify.c — the checking variants that _FORTIFY_SOURCE compiled into the
 * archives (glibc debug/<name>_chk.c): each checks the destination size the
 * compiler knew, stops the SVSM on an overflow (glibc's __chk_fail: "buffer
 * overflow detected"), and otherwise does the plain operation. Also the
 * stack protector's and assert()'s failure paths, and abort(). The "flag"
 * argument of the printf variants asks for extra %n checks; %n is refused
 * by the formatter anyway (format.c).
 */
#include "libc.h"


__attribute__((noreturn)) void LIBC(abort)(void);
__attribute__((noreturn)) void LIBC(abort)(void)
{
	libc_sys_abort("abort() called");
}

__attribute__((noreturn)) void LIBC(__chk_fail)(void);
__attribute__((noreturn)) void LIBC(__chk_fail)(void)
{
	libc_sys_abort("buffer overflow detected (_FORTIFY_SOURCE)");
}

__attribute__((noreturn)) void LIBC(__stack_chk_fail)(void);
__attribute__((noreturn)) void LIBC(__stack_chk_fail)(void)
{
	libc_sys_abort("stack smashing detected (stack protector canary)");
}

__attribute__((noreturn)) void LIBC(__assert_fail)(const char *expr, const char *file, unsigned line,
						   const char *func);
__attribute__((noreturn)) void LIBC(__assert_fail)(const char *expr, const char *file, unsigned line,
						   const char *func)
{
	char m[200];
	LIBC(snprintf)(m, sizeof(m), "assertion failed: %s (%s:%u, %s)", expr ? expr : "?", file ? file : "?", line,
		       func ? func : "?");
	libc_sys_abort(m);
}

void *LIBC(__memcpy_chk)(void *d, const void *s, size_t n, size_t dlen);
void *LIBC(__memcpy_chk)(void *d, const void *s, size_t n, size_t dlen)
{
	if (n > dlen)
		LIBC(__chk_fail)();
	return memcpy(d, s, n);
}

void *LIBC(__memset_chk)(void *d, int c, size_t n, size_t dlen);
void *LIBC(__memset_chk)(void *d, int c, size_t n, size_t dlen)
{
	if (n > dlen)
		LIBC(__chk_fail)();
	return memset(d, c, n);
}

int LIBC(__vsnprintf_chk)(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);
int LIBC(__vsnprintf_chk)(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap)
{
	(void)flag;
	if (maxlen > slen)
		LIBC(__chk_fail)();
	return LIBC(vsnprintf)(s, maxlen, fmt, ap);
}

int LIBC(__snprintf_chk)(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int LIBC(__snprintf_chk)(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = LIBC(__vsnprintf_chk)(s, maxlen, flag, slen, fmt, ap);
	va_end(ap);
	return n;
}

int LIBC(__vfprintf_chk)(struct libc_file *f, int flag, const char *fmt, va_list ap);
int LIBC(__vfprintf_chk)(struct libc_file *f, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	return LIBC(vfprintf)(f, fmt, ap);
}

int LIBC(__fprintf_chk)(struct libc_file *f, int flag, const char *fmt, ...);
int LIBC(__fprintf_chk)(struct libc_file *f, int flag, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = LIBC(__vfprintf_chk)(f, flag, fmt, ap);
	va_end(ap);
	return n;
}

int LIBC(__vdprintf_chk)(int fd, int flag, const char *fmt, va_list ap);
int LIBC(__vdprintf_chk)(int fd, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	return LIBC(vdprintf)(fd, fmt, ap);
}

int LIBC(__dprintf_chk)(int fd, int flag, const char *fmt, ...);
int LIBC(__dprintf_chk)(int fd, int flag, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = LIBC(__vdprintf_chk)(fd, flag, fmt, ap);
	va_end(ap);
	return n;
}

/* glibc: *ptr is the formatted string (malloc'd) and the return its length; -1 on failure. */
int LIBC(__asprintf_chk)(char **ptr, int flag, const char *fmt, ...);
int LIBC(__asprintf_chk)(char **ptr, int flag, const char *fmt, ...)
{
	(void)flag;
	va_list ap;
	va_start(ap, fmt);
	int n = LIBC(vsnprintf)(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	char *s = LIBC(malloc)((size_t)n + 1);
	if (!s)
		return -1;
	va_start(ap, fmt);
	LIBC(vsnprintf)(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*ptr = s;
	return n;
}

/* FD_SET's check (glibc debug/fdelt_chk.c): the descriptor must fit an fd_set. */
long LIBC(__fdelt_chk)(long d);
long LIBC(__fdelt_chk)(long d)
{
	if (d < 0 || d >= 1024)
		LIBC(__chk_fail)();
	return d / 64;
}
