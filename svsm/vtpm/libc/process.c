/* SPDX-License-Identifier: MIT */
/*
 * process.c — the process-level calls: environment, identity, limits,
 * syscall() (getrandom only), rand, atexit, errno.
 *
 *  getenv      a fixed environment the vTPM sets before the archives run
 *              (libc_set_environ): OPENSSL_ia32cap only (svsm/vtpm/sys_user.c);
 *              anything else is unset, as in an empty environment. secure_getenv
 *              is the same (the SVSM has no set-uid distinction).
 *  getpid      1: one process for the SVSM's lifetime (OpenSSL compares it to
 *              detect a fork, which never happens).
 *  uname       sysname "SVSM", machine "x86_64", release/version the SVSM's.
 *  sysconf     page size 4096; anything else -1/EINVAL.
 *  syscall     SYS_getrandom (318), which OpenSSL's seed source calls: bytes
 *              from the platform's libc_sys_entropy (the hardware in the core,
 *              getrandom(2) in vtpmd); when that fails, -1/EIO and
 *              OpenSSL's seeding fails cleanly. Any other number: -1/ENOSYS.
 *  rand/srand  rand() returns hardware randomness and ignores srand()'s seed:
 *              its one caller is libtpms's fallback when RAND_bytes fails, which
 *              must not get a predictable value. If the hardware fails there too
 *              the SVSM stops (no entropy, no TPM).
 *  atexit      the SVSM never exits, so a registered function never runs, which
 *              is what atexit promises for a process that does not exit; returns 0.
 */
#include "libc.h"


static const char *const *environ_list;

void libc_set_environ(const char *const *env)
{
	environ_list = env;
}

char *LIBC(getenv)(const char *name);
char *LIBC(getenv)(const char *name)
{
	size_t n = strlen(name);
	for (const char *const *e = environ_list; e && *e; e++)
		if (!LIBC(strncmp)(*e, name, n) && (*e)[n] == '=')
			return (char *)(*e + n + 1);
	return NULL;
}

char *LIBC(secure_getenv)(const char *name);
char *LIBC(secure_getenv)(const char *name)
{
	return LIBC(getenv)(name);
}

int LIBC(getpid)(void);
int LIBC(getpid)(void)
{
	return 1;
}

/* glibc's struct utsname: six fields of _UTSNAME_LENGTH (65) bytes. */
struct libc_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

#ifndef LIBC_RELEASE
#define LIBC_RELEASE "unknown"
#endif

static void put_field(char *d, const char *s)
{
	size_t n = strlen(s);
	if (n > 64)
		n = 64;
	memcpy(d, s, n);
	d[n] = 0;
}

int LIBC(uname)(struct libc_utsname *u);
int LIBC(uname)(struct libc_utsname *u)
{
	put_field(u->sysname, "SVSM");
	put_field(u->nodename, "svsm");
	put_field(u->release, LIBC_RELEASE);
	put_field(u->version, "igvmbuild SVSM core");
	put_field(u->machine, "x86_64");
	put_field(u->domainname, "(none)");
	return 0;
}

#define LIBC_SC_PAGESIZE 30 /* glibc's _SC_PAGESIZE (= _SC_PAGE_SIZE) */

long LIBC(sysconf)(int name);
long LIBC(sysconf)(int name)
{
	if (name == LIBC_SC_PAGESIZE)
		return 4096;
	libc_set_errno(LIBC_EINVAL);
	return -1;
}

#define LIBC_SYS_getrandom 318

long LIBC(syscall)(long nr, ...);
long LIBC(syscall)(long nr, ...)
{
	if (nr != LIBC_SYS_getrandom) {
		libc_set_errno(LIBC_ENOSYS);
		return -1;
	}
	va_list ap;
	va_start(ap, nr);
	void *buf = va_arg(ap, void *);
	size_t len = va_arg(ap, size_t);
	unsigned flags = va_arg(ap, unsigned);
	va_end(ap);
	if (flags & ~0x7u) { /* GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE */
		libc_set_errno(LIBC_EINVAL);
		return -1;
	}
	if (len > 33554431) /* getrandom returns at most 32 MiB - 1 per call */
		len = 33554431;
	if (libc_sys_entropy(buf, len)) {
		libc_set_errno(LIBC_EIO);
		return -1;
	}
	return (long)len;
}

int LIBC(rand)(void);
int LIBC(rand)(void)
{
	uint32_t v;
	if (libc_sys_entropy(&v, sizeof(v)))
		libc_sys_abort("rand(): the hardware random source failed");
	return (int)(v & 0x7FFFFFFFu);
}

void LIBC(srand)(unsigned seed);
void LIBC(srand)(unsigned seed)
{
	(void)seed;
}

int LIBC(atexit)(void (*fn)(void));
int LIBC(atexit)(void (*fn)(void))
{
	(void)fn;
	return 0;
}

int *LIBC(__errno_location)(void);
int *LIBC(__errno_location)(void)
{
	return libc_sys_errno();
}
