/* SPDX-License-Identifier: MIT */
/*
 * libc.h — the SVSM's small C library for Debian's libtpms.a and libcrypto.a
 * (internal header of svsm/vtpm/libc/).
 *
 * The two archives were compiled against glibc and leave about 140 C-library
 * and POSIX symbols undefined (the SVSM link has no other C library, so an
 * archive version that needs one more fails the link naming it, as
 * libssl-dev 3.0.22's strpbrk did). Each is defined here
 * with glibc's ABI (argument types, struct layouts the callers allocate,
 * errno values, the ctype table format) and one of two behaviours:
 *
 *  - real, where a caller depends on the result: allocation (malloc.c),
 *    memory and string functions, ctype, strtol/strtoul, qsort (string.c),
 *    formatting and scanning (format.c), stderr/stdout to the SVSM console
 *    (stdio.c), time from the TSC, gmtime_r (time.c), pthread_once running
 *    its routine exactly once, thread-specific keys, read/write locks
 *    (pthread.c), setjmp/longjmp (setjmp.S), entropy for getrandom
 *    (process.c, from the platform's libc_sys_entropy), the _FORTIFY_SOURCE checks and the stack
 *    protector's failure path (fortify.c);
 *  - a clean failure, where the SVSM has no such thing: files, directories,
 *    sockets, name resolution, dynamic loading, signals, terminals, shared
 *    memory, mmap, user contexts (stubs.c). Each returns what the POSIX
 *    function returns on failure with a fitting errno (ENOENT, ENOSYS, ...),
 *    so the caller's own error path runs; none pretends to succeed.
 *
 * One thread: vtpmd is a single-threaded process, whose TCB at FS
 * (sys_user.c) holds errno and the key values.
 *
 * Names: LIBC(x) is x in the SVSM. The host unit tests compile the pure parts
 * with -DLIBC_TEST, where LIBC(x) is libc_test_x, and compare them with glibc.
 */
#ifndef SVSM_VTPM_LIBC_H
#define SVSM_VTPM_LIBC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* <limits.h> would need the C library's own header under gcc; the compiler's macros do. */
#define LIBC_INT_MAX __INT_MAX__
#define LIBC_INT_MIN (-__INT_MAX__ - 1)
#define LIBC_LONG_MAX __LONG_MAX__
#define LIBC_LONG_MIN (-__LONG_MAX__ - 1L)
#define LIBC_ULONG_MAX (__LONG_MAX__ * 2UL + 1UL)

#ifdef LIBC_TEST
#define LIBC(x) libc_test_##x
#else
#define LIBC(x) x
#endif

/* glibc's errno values (asm-generic/errno-base.h, errno.h). */
#define LIBC_EPERM 1
#define LIBC_ENOENT 2
#define LIBC_EINTR 4
#define LIBC_EIO 5
#define LIBC_EBADF 9
#define LIBC_EAGAIN 11
#define LIBC_ENOMEM 12
#define LIBC_EACCES 13
#define LIBC_EFAULT 14
#define LIBC_EINVAL 22
#define LIBC_ENOTTY 25
#define LIBC_ESPIPE 29
#define LIBC_EROFS 30
#define LIBC_ERANGE 34
#define LIBC_ENOSYS 38
#define LIBC_EOVERFLOW 75
#define LIBC_ENOTSOCK 88
#define LIBC_EOPNOTSUPP 95
#define LIBC_EAFNOSUPPORT 97

/* ---- what the platform provides: svsm/vtpm/sys_user.c in vtpmd (the vTPM as a ring-3
 * process, Linux system calls) ---- */
/* Console output of stdout/stderr, one call per complete line (no newline in buf). */
void libc_sys_line(const char *buf, size_t n);
/* The process ends (the core restarts it): a caller found its own state broken (abort, assert,
 * canary, fortify). */
__attribute__((noreturn)) void libc_sys_abort(const char *why);
/* Nanoseconds since the process started, monotonic. */
uint64_t libc_sys_ns(void);
/* n bytes from the hardware random source (in vtpmd: getrandom, which the core serves from it):
 * 0 or -1. */
int libc_sys_entropy(void *buf, size_t n);
/* This CPU's errno cell. */
int *libc_sys_errno(void);
/* This CPU's thread-specific key slots (USERABI_KEYS of them) and its index. */
const void **libc_sys_keys(void);
unsigned libc_sys_cpu(void);
/* While spinning on a lock. */
void libc_sys_relax(void);

static inline void libc_set_errno(int e)
{
	*libc_sys_errno() = e;
}

/* ---- inside the library ---- */
/* The formatting engine: out(ctx, s, n) receives the output in pieces. Returns the number
 * of characters produced, or -1 (errno EINVAL) for a conversion it does not implement
 * (floating point, %n: refused, not guessed). */
typedef void (*libc_out_fn)(void *ctx, const char *s, size_t n);
int libc_format(libc_out_fn out, void *ctx, const char *fmt, va_list ap);
int libc_vsscanf(const char *str, const char *fmt, va_list ap);

/* Line-buffered console stream behind stdout and stderr. */
void libc_console_put(void *ctx, const char *s, size_t n);

/* malloc.c */
void libc_heap_init(void *mem, size_t size);
size_t libc_heap_free_bytes(void);
size_t libc_heap_peak(void);
/* string.c: fills the ctype tables; before anything calls into the archives. */
void LIBC(libc_ctype_init)(void);
/* process.c: the environment getenv() sees (NULL-terminated "NAME=value" list, kept). */
void libc_set_environ(const char *const *env);
/* stubs.c: calls of a failing stub so far. */
extern _Atomic unsigned long libc_stub_calls;

/* The core's memory routines (svsm/lib/string.c; glibc's in the host tests). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Functions one file of the library calls in another. */
struct libc_file;
void *LIBC(malloc)(size_t n);
void LIBC(free)(void *p);
char *LIBC(strerror)(int e);
int LIBC(strncmp)(const char *a, const char *b, size_t n);
long LIBC(strtol)(const char *s, char **end, int base);
unsigned long LIBC(strtoul)(const char *s, char **end, int base);
int LIBC(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap);
int LIBC(snprintf)(char *buf, size_t size, const char *fmt, ...);
int LIBC(vfprintf)(struct libc_file *f, const char *fmt, va_list ap);
int LIBC(vdprintf)(int fd, const char *fmt, va_list ap);

#endif
