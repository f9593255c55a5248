/* SPDX-License-Identifier: MIT */
/*
 * stdio.c — the three standard streams and what the archives do with them.
 * stdout and stderr (and file descriptors 1 and 2) go to the SVSM console,
 * one log line per output line: libtpms prints its debug output there when
 * asked to, OpenSSL its fatal messages. stdin is at end of file. There is no
 * file system: fopen fails with ENOENT (stubs.c), so no other FILE exists,
 * and an operation on a FILE that is not one of the three fails with EBADF.
 */
#include <stdbool.h>
#include <stdatomic.h>

#include "libc.h"


#define LIBC_EOF (-1)

/* Opaque to the archives (they use no getc/putc macros: nothing references __overflow). */
typedef struct libc_file {
	int fd;
} FILE;

static FILE files[3] = { { 0 }, { 1 }, { 2 } };
FILE *LIBC(stdin) = &files[0];
FILE *LIBC(stdout) = &files[1];
FILE *LIBC(stderr) = &files[2];

#define LINE_MAX_BYTES 200u
static char line[LINE_MAX_BYTES];
static size_t line_len;
static atomic_flag line_lock = ATOMIC_FLAG_INIT;

static void flush_line(void)
{
	if (line_len)
		libc_sys_line(line, line_len);
	line_len = 0;
}

void libc_console_put(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	while (atomic_flag_test_and_set_explicit(&line_lock, memory_order_acquire))
		libc_sys_relax();
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			flush_line();
			continue;
		}
		if (line_len == LINE_MAX_BYTES)
			flush_line(); /* a very long line is split, not dropped */
		line[line_len++] = s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
	}
	atomic_flag_clear_explicit(&line_lock, memory_order_release);
}

static bool console_stream(const FILE *f)
{
	return f == &files[1] || f == &files[2];
}

static bool known(const FILE *f)
{
	return f == &files[0] || console_stream(f);
}

size_t LIBC(fwrite)(const void *p, size_t size, size_t n, FILE *f);
size_t LIBC(fwrite)(const void *p, size_t size, size_t n, FILE *f)
{
	if (!console_stream(f)) {
		libc_set_errno(LIBC_EBADF);
		return 0;
	}
	if (size && n > (size_t)-1 / size)
		return 0;
	libc_console_put(NULL, p, size * n);
	return n;
}

int LIBC(fputs)(const char *s, FILE *f);
int LIBC(fputs)(const char *s, FILE *f)
{
	size_t n = strlen(s);
	return n && LIBC(fwrite)(s, 1, n, f) != 1 ? LIBC_EOF : 0;
}

int LIBC(fputc)(int c, FILE *f);
int LIBC(fputc)(int c, FILE *f)
{
	char ch = (char)c;
	return LIBC(fwrite)(&ch, 1, 1, f) == 1 ? (unsigned char)c : LIBC_EOF;
}

size_t LIBC(fread)(void *p, size_t size, size_t n, FILE *f);
size_t LIBC(fread)(void *p, size_t size, size_t n, FILE *f)
{
	(void)p, (void)size, (void)n;
	if (f != &files[0])
		libc_set_errno(LIBC_EBADF);
	return 0; /* stdin: end of file */
}

char *LIBC(fgets)(char *s, int n, FILE *f);
char *LIBC(fgets)(char *s, int n, FILE *f)
{
	(void)s, (void)n;
	if (f != &files[0])
		libc_set_errno(LIBC_EBADF);
	return NULL;
}

int LIBC(feof)(FILE *f);
int LIBC(feof)(FILE *f)
{
	return f == &files[0];
}

int LIBC(ferror)(FILE *f);
int LIBC(ferror)(FILE *f)
{
	return !known(f);
}

int LIBC(fflush)(FILE *f);
int LIBC(fflush)(FILE *f)
{
	if (f && !known(f)) {
		libc_set_errno(LIBC_EBADF);
		return LIBC_EOF;
	}
	return 0; /* a partial line stays until its newline: the console is line based */
}

int LIBC(fileno)(FILE *f);
int LIBC(fileno)(FILE *f)
{
	if (!known(f)) {
		libc_set_errno(LIBC_EBADF);
		return -1;
	}
	return f->fd;
}

int LIBC(fclose)(FILE *f);
int LIBC(fclose)(FILE *f)
{
	if (!known(f)) {
		libc_set_errno(LIBC_EBADF);
		return LIBC_EOF;
	}
	return 0; /* the standard streams stay usable: they are the console */
}

int LIBC(fseek)(FILE *f, long off, int whence);
int LIBC(fseek)(FILE *f, long off, int whence)
{
	(void)off, (void)whence;
	libc_set_errno(known(f) ? LIBC_ESPIPE : LIBC_EBADF);
	return -1;
}

long LIBC(ftell)(FILE *f);
long LIBC(ftell)(FILE *f)
{
	libc_set_errno(known(f) ? LIBC_ESPIPE : LIBC_EBADF);
	return -1;
}

int LIBC(vfprintf)(FILE *f, const char *fmt, va_list ap);
int LIBC(vfprintf)(FILE *f, const char *fmt, va_list ap)
{
	if (!console_stream(f)) {
		libc_set_errno(LIBC_EBADF);
		return -1;
	}
	return libc_format(libc_console_put, NULL, fmt, ap);
}

/* Writing descriptors: 1 and 2 are the console. */
long LIBC(write)(int fd, const void *p, size_t n);
long LIBC(write)(int fd, const void *p, size_t n)
{
	if (fd != 1 && fd != 2) {
		libc_set_errno(LIBC_EBADF);
		return -1;
	}
	libc_console_put(NULL, p, n);
	return (long)n;
}

int LIBC(vdprintf)(int fd, const char *fmt, va_list ap)
{
	if (fd != 1 && fd != 2) {
		libc_set_errno(LIBC_EBADF);
		return -1;
	}
	return libc_format(libc_console_put, NULL, fmt, ap);
}

void LIBC(perror)(const char *s);
void LIBC(perror)(const char *s)
{
	const char *m = LIBC(strerror)(*libc_sys_errno());
	if (s && *s) {
		libc_console_put(NULL, s, strlen(s));
		libc_console_put(NULL, ": ", 2);
	}
	libc_console_put(NULL, m, strlen(m));
	libc_console_put(NULL, "\n", 1);
}
