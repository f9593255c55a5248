/* SPDX-License-Identifier: MIT */
/*
 * stubs.c — what the SVSM does not have, failing the way POSIX failures look,
 * so the archives' own error paths run. The archives reach these only from
 * code the vTPM does not use (OpenSSL's config loading, BIO sockets, DSO and
 * engine loading, the secure heap, async jobs, the UI console), or from
 * libtpms's file-backed NV store that the vTPM's callbacks replace; a call is
 * counted (libc_stub_calls) so a test can see none happened.
 *
 *   files, directories   fopen/open/stat/opendir: ENOENT (there is no file
 *                        system); operations on a descriptor other than 0-2: EBADF;
 *                        remove: ENOENT.
 *   sockets, resolver    socket: EAFNOSUPPORT; operations on descriptors: EBADF;
 *                        getaddrinfo/getnameinfo: EAI_FAIL; gethostbyname: NULL.
 *   dynamic loading      dlopen/dlsym: NULL, dlerror says why; dladdr: 0.
 *   memory mapping       mmap: MAP_FAILED/ENOMEM; munmap/mprotect/madvise: EINVAL
 *                        (no mapping can exist); mlock: 0 — SVSM memory is never
 *                        paged out, which is what mlock asks for.
 *   shared memory        shmget: ENOSYS; shmat: (void *)-1/EINVAL; shmdt: EINVAL.
 *   signals, terminals   signal: SIG_ERR/EINVAL; sigaction: EINVAL; tcgetattr,
 *                        tcsetattr, ioctl: ENOTTY.
 *   user contexts        getcontext/setcontext/makecontext: ENOSYS (OpenSSL's
 *                        ASYNC jobs then report "not supported").
 *   select               EBADF (no descriptor can be waited on).
 */
#include <stdatomic.h>

#include "libc.h"

_Atomic unsigned long libc_stub_calls;

#define FAIL(err, ret)                                      \
	do {                                                \
		atomic_fetch_add(&libc_stub_calls, 1);      \
		libc_set_errno(err);                        \
		return ret;                                 \
	} while (0)

/* ---- files ---- */
void *LIBC(fopen)(const char *path, const char *mode);
void *LIBC(fopen)(const char *path, const char *mode)
{
	(void)path, (void)mode;
	FAIL(LIBC_ENOENT, NULL);
}

void *LIBC(fopen64)(const char *path, const char *mode);
void *LIBC(fopen64)(const char *path, const char *mode)
{
	return LIBC(fopen)(path, mode);
}

int LIBC(open)(const char *path, int flags, ...);
int LIBC(open)(const char *path, int flags, ...)
{
	(void)path, (void)flags;
	FAIL(LIBC_ENOENT, -1);
}

long LIBC(read)(int fd, void *buf, size_t n);
long LIBC(read)(int fd, void *buf, size_t n)
{
	(void)buf, (void)n;
	if (fd == 0)
		return 0; /* stdin: end of file */
	FAIL(LIBC_EBADF, -1);
}

int LIBC(close)(int fd);
int LIBC(close)(int fd)
{
	if (fd >= 0 && fd <= 2)
		return 0; /* the console stays */
	FAIL(LIBC_EBADF, -1);
}

int LIBC(fcntl)(int fd, int cmd, ...);
int LIBC(fcntl)(int fd, int cmd, ...)
{
	(void)fd, (void)cmd;
	FAIL(LIBC_EBADF, -1);
}

int LIBC(fstat)(int fd, void *st);
int LIBC(fstat)(int fd, void *st)
{
	(void)fd, (void)st;
	FAIL(LIBC_EBADF, -1);
}

int LIBC(stat)(const char *path, void *st);
int LIBC(stat)(const char *path, void *st)
{
	(void)path, (void)st;
	FAIL(LIBC_ENOENT, -1);
}

int LIBC(ioctl)(int fd, unsigned long req, ...);
int LIBC(ioctl)(int fd, unsigned long req, ...)
{
	(void)fd, (void)req;
	FAIL(LIBC_ENOTTY, -1);
}

int LIBC(remove)(const char *path);
int LIBC(remove)(const char *path)
{
	(void)path;
	FAIL(LIBC_ENOENT, -1);
}

void *LIBC(opendir)(const char *path);
void *LIBC(opendir)(const char *path)
{
	(void)path;
	FAIL(LIBC_ENOENT, NULL);
}

void *LIBC(readdir)(void *dir);
void *LIBC(readdir)(void *dir)
{
	(void)dir;
	FAIL(LIBC_EBADF, NULL);
}

int LIBC(closedir)(void *dir);
int LIBC(closedir)(void *dir)
{
	(void)dir;
	FAIL(LIBC_EBADF, -1);
}

/* ---- sockets and names ---- */
int LIBC(socket)(int domain, int type, int proto);
int LIBC(socket)(int domain, int type, int proto)
{
	(void)domain, (void)type, (void)proto;
	FAIL(LIBC_EAFNOSUPPORT, -1);
}

#define FD_OP(name, params, uses)          \
	int LIBC(name) params;             \
	int LIBC(name) params              \
	{                                  \
		uses;                      \
		FAIL(LIBC_EBADF, -1);      \
	}

FD_OP(accept, (int fd, void *addr, void *len), (void)fd; (void)addr; (void)len)
FD_OP(bind, (int fd, const void *addr, unsigned len), (void)fd; (void)addr; (void)len)
FD_OP(connect, (int fd, const void *addr, unsigned len), (void)fd; (void)addr; (void)len)
FD_OP(listen, (int fd, int backlog), (void)fd; (void)backlog)
FD_OP(shutdown, (int fd, int how), (void)fd; (void)how)
FD_OP(getsockname, (int fd, void *addr, void *len), (void)fd; (void)addr; (void)len)
FD_OP(getsockopt, (int fd, int level, int opt, void *val, void *len), (void)fd; (void)level; (void)opt; (void)val;
      (void)len)
FD_OP(setsockopt, (int fd, int level, int opt, const void *val, unsigned len), (void)fd; (void)level; (void)opt;
      (void)val; (void)len)
FD_OP(select, (int n, void *r, void *w, void *e, void *tv), (void)n; (void)r; (void)w; (void)e; (void)tv)

long LIBC(recvmsg)(int fd, void *msg, int flags);
long LIBC(recvmsg)(int fd, void *msg, int flags)
{
	(void)fd, (void)msg, (void)flags;
	FAIL(LIBC_EBADF, -1);
}

long LIBC(sendmsg)(int fd, const void *msg, int flags);
long LIBC(sendmsg)(int fd, const void *msg, int flags)
{
	(void)fd, (void)msg, (void)flags;
	FAIL(LIBC_EBADF, -1);
}

#define LIBC_EAI_FAIL (-4)

int LIBC(getaddrinfo)(const char *node, const char *service, const void *hints, void **res);
int LIBC(getaddrinfo)(const char *node, const char *service, const void *hints, void **res)
{
	(void)node, (void)service, (void)hints;
	atomic_fetch_add(&libc_stub_calls, 1);
	if (res)
		*res = NULL;
	return LIBC_EAI_FAIL;
}

/* getaddrinfo never returns a list, so there is nothing to free. */
void LIBC(freeaddrinfo)(void *res);
void LIBC(freeaddrinfo)(void *res)
{
	(void)res;
}

int LIBC(getnameinfo)(const void *sa, unsigned salen, char *host, unsigned hostlen, char *serv, unsigned servlen,
		      int flags);
int LIBC(getnameinfo)(const void *sa, unsigned salen, char *host, unsigned hostlen, char *serv, unsigned servlen,
		      int flags)
{
	(void)sa, (void)salen, (void)host, (void)hostlen, (void)serv, (void)servlen, (void)flags;
	atomic_fetch_add(&libc_stub_calls, 1);
	return LIBC_EAI_FAIL;
}

const char *LIBC(gai_strerror)(int code);
const char *LIBC(gai_strerror)(int code)
{
	return code == LIBC_EAI_FAIL ? "Non-recoverable failure in name resolution (the SVSM has no network)"
				     : "Unknown error";
}

void *LIBC(gethostbyname)(const char *name);
void *LIBC(gethostbyname)(const char *name)
{
	(void)name;
	atomic_fetch_add(&libc_stub_calls, 1);
	return NULL;
}

/* ---- dynamic loading ---- */
static const char *dl_error;

void *LIBC(dlopen)(const char *file, int mode);
void *LIBC(dlopen)(const char *file, int mode)
{
	(void)file, (void)mode;
	atomic_fetch_add(&libc_stub_calls, 1);
	dl_error = "dynamic loading is not supported in the SVSM";
	return NULL;
}

void *LIBC(dlsym)(void *h, const char *name);
void *LIBC(dlsym)(void *h, const char *name)
{
	(void)h, (void)name;
	atomic_fetch_add(&libc_stub_calls, 1);
	dl_error = "dynamic loading is not supported in the SVSM";
	return NULL;
}

int LIBC(dlclose)(void *h);
int LIBC(dlclose)(void *h)
{
	(void)h;
	dl_error = "no library is loaded";
	return -1;
}

char *LIBC(dlerror)(void);
char *LIBC(dlerror)(void)
{
	const char *e = dl_error;
	dl_error = NULL;
	return (char *)e;
}

int LIBC(dladdr)(const void *addr, void *info);
int LIBC(dladdr)(const void *addr, void *info)
{
	(void)addr, (void)info;
	return 0;
}

/* ---- memory mapping, shared memory ---- */
void *LIBC(mmap)(void *addr, size_t len, int prot, int flags, int fd, long off);
void *LIBC(mmap)(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	(void)addr, (void)len, (void)prot, (void)flags, (void)fd, (void)off;
	FAIL(LIBC_ENOMEM, (void *)-1);
}

int LIBC(munmap)(void *addr, size_t len);
int LIBC(munmap)(void *addr, size_t len)
{
	(void)addr, (void)len;
	FAIL(LIBC_EINVAL, -1);
}

int LIBC(mprotect)(void *addr, size_t len, int prot);
int LIBC(mprotect)(void *addr, size_t len, int prot)
{
	(void)addr, (void)len, (void)prot;
	FAIL(LIBC_EINVAL, -1);
}

int LIBC(madvise)(void *addr, size_t len, int advice);
int LIBC(madvise)(void *addr, size_t len, int advice)
{
	(void)addr, (void)len, (void)advice;
	FAIL(LIBC_EINVAL, -1);
}

int LIBC(mlock)(const void *addr, size_t len);
int LIBC(mlock)(const void *addr, size_t len)
{
	(void)addr, (void)len;
	return 0;
}

int LIBC(shmget)(int key, size_t size, int flags);
int LIBC(shmget)(int key, size_t size, int flags)
{
	(void)key, (void)size, (void)flags;
	FAIL(LIBC_ENOSYS, -1);
}

void *LIBC(shmat)(int id, const void *addr, int flags);
void *LIBC(shmat)(int id, const void *addr, int flags)
{
	(void)id, (void)addr, (void)flags;
	FAIL(LIBC_EINVAL, (void *)-1);
}

int LIBC(shmdt)(const void *addr);
int LIBC(shmdt)(const void *addr)
{
	(void)addr;
	FAIL(LIBC_EINVAL, -1);
}

/* ---- signals, terminals, contexts ---- */
void *LIBC(signal)(int sig, void *handler);
void *LIBC(signal)(int sig, void *handler)
{
	(void)sig, (void)handler;
	FAIL(LIBC_EINVAL, (void *)-1); /* SIG_ERR */
}

int LIBC(sigaction)(int sig, const void *act, void *old);
int LIBC(sigaction)(int sig, const void *act, void *old)
{
	(void)sig, (void)act, (void)old;
	FAIL(LIBC_EINVAL, -1);
}

int LIBC(tcgetattr)(int fd, void *t);
int LIBC(tcgetattr)(int fd, void *t)
{
	(void)fd, (void)t;
	FAIL(LIBC_ENOTTY, -1);
}

int LIBC(tcsetattr)(int fd, int act, const void *t);
int LIBC(tcsetattr)(int fd, int act, const void *t)
{
	(void)fd, (void)act, (void)t;
	FAIL(LIBC_ENOTTY, -1);
}

int LIBC(getcontext)(void *ctx);
int LIBC(getcontext)(void *ctx)
{
	(void)ctx;
	FAIL(LIBC_ENOSYS, -1);
}

int LIBC(setcontext)(const void *ctx);
int LIBC(setcontext)(const void *ctx)
{
	(void)ctx;
	FAIL(LIBC_ENOSYS, -1);
}

/* void in glibc; it can only be reached after getcontext, which always fails. */
void LIBC(makecontext)(void *ctx, void (*fn)(void), int argc, ...);
void LIBC(makecontext)(void *ctx, void (*fn)(void), int argc, ...)
{
	(void)ctx, (void)fn, (void)argc;
	atomic_fetch_add(&libc_stub_calls, 1);
}
