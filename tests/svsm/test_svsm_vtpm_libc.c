/* SPDX-License-Identifier: MIT */
/*
 * test_svsm_vtpm_libc.c — the vTPM's C library (svsm/vtpm/libc/) against
 * glibc as the oracle: the same calls on both, the same results (formatting,
 * scanning, strtol/strtoul, ctype, qsort, gmtime_r, string functions), and the
 * parts where glibc has nothing to compare with by their contract: malloc's
 * ENOMEM and abort paths, pthread_once running its routine exactly once under
 * real threads, read/write locks and thread-specific keys under threads,
 * setjmp/longjmp and __longjmp_chk, the fortify checks, the failing stubs and
 * their errno, getenv, syscall(getrandom), the console stream.
 *
 * The library is compiled with -DLIBC_TEST, which names every function
 * libc_test_<name>; its platform hooks (libc_sys_*) are defined here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <setjmp.h>
#include <stdlib.h>
#include <ctype.h>
#include <sys/random.h>
#include <unistd.h>
#include <time.h>

#include "../unit/tap.h"

#define LIBC_TEST
#include "../../svsm/vtpm/libc/libc.h"

/* ---- the platform hooks ---- */
static char captured[4096];
static size_t captured_len;
static sigjmp_buf abort_jmp;
static int abort_armed;
static char abort_why[200];
static __thread unsigned thread_cpu;

void libc_sys_line(const char *buf, size_t n)
{
	if (captured_len + n + 1 < sizeof(captured)) {
		memcpy(captured + captured_len, buf, n);
		captured_len += n;
		captured[captured_len++] = '\n';
		captured[captured_len] = 0;
	}
}

void libc_sys_abort(const char *why)
{
	snprintf(abort_why, sizeof(abort_why), "%s", why);
	if (abort_armed) {
		abort_armed = 0;
		siglongjmp(abort_jmp, 1);
	}
	fprintf(stderr, "unexpected abort: %s\n", why);
	exit(3);
}

uint64_t libc_sys_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int libc_sys_entropy(void *buf, size_t n)
{
	return getrandom(buf, n, 0) == (ssize_t)n ? 0 : -1;
}

int *libc_sys_errno(void)
{
	return &errno;
}

unsigned libc_sys_cpu(void)
{
	return thread_cpu;
}

void libc_sys_relax(void)
{
	sched_yield();
}

/* Runs expr with the abort path armed; true when it aborted. */
#define ABORTS(expr)                              \
	({                                        \
		volatile int a_ = 0;              \
		abort_armed = 1;                  \
		if (sigsetjmp(abort_jmp, 1))      \
			a_ = 1;                   \
		else                              \
			(void)(expr);             \
		abort_armed = 0;                  \
		a_;                               \
	})

/* ---- declarations of the library under test (libc_test_ names) ---- */
int LIBC(__isoc99_sscanf)(const char *s, const char *fmt, ...);
char *LIBC(strchr)(const char *s, int c);
char *LIBC(strrchr)(const char *s, int c);
int LIBC(strcmp)(const char *a, const char *b);
char *LIBC(strncpy)(char *d, const char *s, size_t n);
char *LIBC(strcpy)(char *d, const char *s);
char *LIBC(strcat)(char *d, const char *s);
char *LIBC(strdup)(const char *s);
char *LIBC(strstr)(const char *h, const char *n);
size_t LIBC(strspn)(const char *s, const char *a);
size_t LIBC(strcspn)(const char *s, const char *r);
char *LIBC(strpbrk)(const char *s, const char *a);
char *LIBC(strtok)(char *s, const char *d);
void *LIBC(memchr)(const void *s, int c, size_t n);
int LIBC(__xpg_strerror_r)(int e, char *buf, size_t n);
const unsigned short **LIBC(__ctype_b_loc)(void);
const int32_t **LIBC(__ctype_tolower_loc)(void);
void LIBC(qsort)(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
struct tm *LIBC(gmtime_r)(const time_t *t, struct tm *tm);
int LIBC(clock_gettime)(int id, struct timespec *ts);
int LIBC(usleep)(unsigned us);
void *LIBC(calloc)(size_t n, size_t size);
void *LIBC(realloc)(void *p, size_t n);
int LIBC(pthread_once)(int *once, void (*init)(void));
int LIBC(pthread_key_create)(unsigned *key, void (*dtor)(void *));
int LIBC(pthread_key_delete)(unsigned key);
void *LIBC(pthread_getspecific)(unsigned key);
int LIBC(pthread_setspecific)(unsigned key, const void *v);
int LIBC(pthread_rwlock_init)(void *l, const void *attr);
int LIBC(pthread_rwlock_destroy)(void *l);
int LIBC(pthread_rwlock_rdlock)(void *l);
int LIBC(pthread_rwlock_wrlock)(void *l);
int LIBC(pthread_rwlock_unlock)(void *l);
int LIBC(_setjmp)(long *env);
__attribute__((noreturn)) void LIBC(_longjmp)(long *env, int v);
__attribute__((noreturn)) void LIBC(__longjmp_chk)(long *env, int v);
void *LIBC(__memcpy_chk)(void *d, const void *s, size_t n, size_t dlen);
int LIBC(__snprintf_chk)(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int LIBC(__asprintf_chk)(char **p, int flag, const char *fmt, ...);
void *LIBC(fopen)(const char *path, const char *mode);
int LIBC(socket)(int d, int t, int p);
void *LIBC(dlopen)(const char *f, int m);
char *LIBC(dlerror)(void);
void *LIBC(mmap)(void *a, size_t l, int p, int f, int fd, long o);
int LIBC(getcontext)(void *c);
int LIBC(getaddrinfo)(const char *n, const char *s, const void *h, void **r);
char *LIBC(getenv)(const char *name);
long LIBC(syscall)(long nr, ...);
int LIBC(rand)(void);
long LIBC(sysconf)(int name);
int LIBC(fputs)(const char *s, struct libc_file *f);
size_t LIBC(fwrite)(const void *p, size_t size, size_t n, struct libc_file *f);
long LIBC(write)(int fd, const void *p, size_t n);
void LIBC(perror)(const char *s);
extern struct libc_file *LIBC(stderr);
extern struct libc_file *LIBC(stdin);
int LIBC(feof)(struct libc_file *f);

/* ---- formatting ---- */
static int fmt_failures;
#define CMP(fmt, ...)                                                                                  \
	do {                                                                                           \
		char a_[256], b_[256];                                                                 \
		int x_ = LIBC(snprintf)(a_, sizeof(a_), fmt, __VA_ARGS__);                             \
		int y_ = snprintf(b_, sizeof(b_), fmt, __VA_ARGS__);                                   \
		if (x_ != y_ || strcmp(a_, b_)) {                                                      \
			fmt_failures++;                                                                \
			diag("format \"%s\": ours %d \"%s\", glibc %d \"%s\"", fmt, x_, a_, y_, b_);   \
		}                                                                                      \
	} while (0)

/* First the two that silence unknown names (gcc's, then clang's), then the rest. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wunknown-warning-option"
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"
static void test_format(void)
{
	static const int ints[] = { 0, 1, -1, 42, -42, 7, INT_MAX, INT_MIN, 255, 4096 };
	static const char *const ifmts[] = { "%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%x", "%#x", "%#o", "%o",
					     "%X", "%#X", "%.3d", "%8.3d", "%-8.3x|", "%.0d", "%#.0o", "%i", "%u",
					     "%+05d", "%-+6d|", "% 06d", "%hhd", "%hd", "%hhu", "%hx", "%c", "%5c", "%-3c|" };
	for (size_t f = 0; f < sizeof(ifmts) / sizeof(ifmts[0]); f++)
		for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
			CMP(ifmts[f], ints[i]);
	static const long longs[] = { 0, LONG_MAX, LONG_MIN, -1, 1L << 40 };
	static const char *const lfmts[] = { "%ld", "%lx", "%lu", "%lld", "%llx", "%jd", "%zd", "%td", "%20ld", "%-20lx|",
					     "%#lo", "%.25ld" };
	for (size_t f = 0; f < sizeof(lfmts) / sizeof(lfmts[0]); f++)
		for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++)
			CMP(lfmts[f], longs[i]);
	CMP("%zu %zx", (size_t)-1, (size_t)12345);
	static const char *const strs[] = { "", "a", "hello", "a longer string with spaces" };
	static const char *const sfmts[] = { "%s", "%.2s", "%10s", "%-10s|", "%.0s", "%*s", "%-*s|" };
	for (size_t f = 0; f < sizeof(sfmts) / sizeof(sfmts[0]); f++)
		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
			if (strchr(sfmts[f], '*'))
				CMP(sfmts[f], 7, strs[i]);
			else
				CMP(sfmts[f], strs[i]);
		}
	CMP("%s", (char *)NULL);
	CMP("%p %p", (void *)0x1234, (void *)NULL);
	CMP("%20p|%-20p|", (void *)0xdeadbeef, (void *)0xdeadbeef);
	CMP("100%% %d%%", 5);
	CMP("%*d|%-*d|%.*d", 6, 42, 6, 42, 4, 42);
	CMP("%*d", -6, 42);
	ok(fmt_failures == 0, "snprintf: %d conversions as glibc formats them", fmt_failures);

	char b[8];
	int n = LIBC(snprintf)(b, sizeof(b), "%s", "0123456789");
	ok(n == 10 && !strcmp(b, "0123456"), "snprintf: truncates, terminates, returns the full length");
	ok(LIBC(snprintf)(NULL, 0, "%d", 12345) == 5, "snprintf: size 0 only counts");
	errno = 0;
	ok(LIBC(snprintf)(b, sizeof(b), "%f", 1.5) == -1 && errno == EINVAL, "snprintf: %%f refused (EINVAL)");
	int dummy;
	errno = 0;
	ok(LIBC(snprintf)(b, sizeof(b), "%n", &dummy) == -1 && errno == EINVAL, "snprintf: %%n refused");
	errno = EACCES;
	LIBC(snprintf)(b, sizeof(b), "%m");
	ok(!strcmp(b, "Permiss"), "snprintf: %%m is strerror(errno)");
}

static void test_sscanf(void)
{
	int a = -1, b = -1, c = -1, d = -1, n = -1;
	ok(LIBC(__isoc99_sscanf)("10.0.2.15", "%d.%d.%d.%d%n", &a, &b, &c, &d, &n) == 4 && a == 10 && b == 0 &&
		   c == 2 && d == 15 && n == 9,
	   "sscanf: dotted IPv4 with %%n");
	unsigned x = 0;
	char s[16], ch = 0, set[16];
	ok(LIBC(__isoc99_sscanf)("  ff rest", "%x %5s", &x, s) == 2 && x == 255 && !strcmp(s, "rest"),
	   "sscanf: %%x and %%5s");
	ok(LIBC(__isoc99_sscanf)("abc123", "%[a-z]%d", set, &a) == 2 && !strcmp(set, "abc") && a == 123,
	   "sscanf: scan set");
	ok(LIBC(__isoc99_sscanf)("7 8", "%*d %d", &a) == 1 && a == 8, "sscanf: assignment suppression");
	ok(LIBC(__isoc99_sscanf)("", "%d", &a) == -1, "sscanf: empty input is EOF");
	ok(LIBC(__isoc99_sscanf)("x", "%d", &a) == 0, "sscanf: a matching failure is 0");
	ok(LIBC(__isoc99_sscanf)("Q", "%c", &ch) == 1 && ch == 'Q', "sscanf: %%c");
	unsigned char hh = 0;
	unsigned long lu = 0;
	ok(LIBC(__isoc99_sscanf)("300 18446744073709551615", "%hhu %lu", &hh, &lu) == 2 && hh == 44 &&
		   lu == ULONG_MAX,
	   "sscanf: hh and l lengths");
	ok(LIBC(__isoc99_sscanf)("12345", "%3d%d", &a, &b) == 2 && a == 123 && b == 45, "sscanf: field width");
}
#pragma GCC diagnostic pop

static void test_strto(void)
{
	static const char *const in[] = { " 42", "-42", "+5", "0x1f", "0X", "0x", "077", "08", "0", "",
					  "abc", "12abc", "9223372036854775807", "9223372036854775808",
					  "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
					  "18446744073709551616", "-1", "  \t\n-0x10", "zz", "1010" };
	static const int bases[] = { 0, 2, 8, 10, 16, 36, 1, 37 };
	int bad = 0;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		for (size_t k = 0; k < sizeof(bases) / sizeof(bases[0]); k++) {
			char *e1, *e2;
			errno = 0;
			long a = LIBC(strtol)(in[i], &e1, bases[k]);
			int ea = errno;
			errno = 0;
			long b = strtol(in[i], &e2, bases[k]);
			int eb = errno;
			bool valid_base = bases[k] != 1 && bases[k] <= 36; /* else glibc leaves *end unset */
			if (a != b || (valid_base && e1 != e2) || ea != eb) {
				bad++;
				diag("strtol(\"%s\", %d): ours %ld end %td errno %d, glibc %ld end %td errno %d", in[i],
				     bases[k], a, e1 - in[i], ea, b, e2 - in[i], eb);
			}
			errno = 0;
			unsigned long ua = LIBC(strtoul)(in[i], &e1, bases[k]);
			ea = errno;
			errno = 0;
			unsigned long ub = strtoul(in[i], &e2, bases[k]);
			eb = errno;
			if (ua != ub || (valid_base && e1 != e2) || ea != eb) {
				bad++;
				diag("strtoul(\"%s\", %d): ours %lu errno %d, glibc %lu errno %d", in[i], bases[k], ua, ea, ub,
				     eb);
			}
		}
	ok(bad == 0, "strtol/strtoul: values, end pointers and errno as glibc (%d differences)", bad);
}

static void test_ctype(void)
{
	LIBC(libc_ctype_init)();
	const unsigned short *ours = *LIBC(__ctype_b_loc)(), *theirs = *__ctype_b_loc();
	const int32_t *ol = *LIBC(__ctype_tolower_loc)(), *tl = *__ctype_tolower_loc();
	int bad = 0;
	for (int c = -128; c < 256; c++)
		if (ours[c] != theirs[c] || ol[c] != tl[c]) {
			bad++;
			diag("ctype %d: ours 0x%04x/%d, glibc 0x%04x/%d", c, ours[c], ol[c], theirs[c], tl[c]);
		}
	ok(bad == 0, "ctype: class bits and tolower as glibc's C locale for -128..255 (%d differ)", bad);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

struct big {
	int key;
	char pad[20];
};

static int cmp_big(const void *a, const void *b)
{
	return cmp_int(&((const struct big *)a)->key, &((const struct big *)b)->key);
}

static void test_qsort(void)
{
	int bad = 0;
	for (int n = 0; n < 300; n += 7) {
		int a[300], b[300];
		struct big x[300];
		for (int i = 0; i < n; i++) {
			a[i] = b[i] = (int)((unsigned)i * 2654435761u % 100003u) - 50000;
			x[i].key = a[i];
		}
		LIBC(qsort)(a, (size_t)n, sizeof(int), cmp_int);
		qsort(b, (size_t)n, sizeof(int), cmp_int);
		LIBC(qsort)(x, (size_t)n, sizeof(x[0]), cmp_big);
		for (int i = 0; i < n; i++)
			bad += a[i] != b[i] || x[i].key != b[i];
	}
	ok(bad == 0, "qsort: sorts as glibc's, 4- and 24-byte elements");
}

static void test_gmtime(void)
{
	int bad = 0;
	time_t t[] = { 0, 1, -1, 86399, 86400, 951782400 /* 2000-02-29 */, 2147483647, 2147483648LL, -2208988800LL,
		       253402300799LL /* 9999-12-31 */, 4102444800LL, -62135596800LL /* 0001-01-01 */ };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct tm a, b;
		memset(&a, 0, sizeof(a));
		LIBC(gmtime_r)(&t[i], &a);
		gmtime_r(&t[i], &b);
		bad += a.tm_year != b.tm_year || a.tm_mon != b.tm_mon || a.tm_mday != b.tm_mday ||
		       a.tm_hour != b.tm_hour || a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
		       a.tm_wday != b.tm_wday || a.tm_yday != b.tm_yday;
	}
	for (time_t v = -400LL * 366 * 86400; v < 800LL * 366 * 86400; v += 86400 * 37 + 3671) {
		struct tm a, b;
		LIBC(gmtime_r)(&v, &a);
		gmtime_r(&v, &b);
		bad += a.tm_year != b.tm_year || a.tm_yday != b.tm_yday || a.tm_wday != b.tm_wday ||
		       a.tm_mday != b.tm_mday || a.tm_sec != b.tm_sec;
	}
	ok(bad == 0, "gmtime_r: calendar fields as glibc, years 1570..2770 and edges (%d differ)", bad);
	struct timespec p, q;
	ok(!LIBC(clock_gettime)(1, &p) && !LIBC(usleep)(2000) && !LIBC(clock_gettime)(0, &q) &&
		   (q.tv_sec - p.tv_sec) * 1000000000 + (q.tv_nsec - p.tv_nsec) >= 2000000,
	   "clock_gettime is monotonic and usleep waits");
	errno = 0;
	ok(LIBC(clock_gettime)(99, &p) == -1 && errno == EINVAL, "clock_gettime: unknown clock is EINVAL");
}

static void test_strings(void)
{
	const char *s = "hello, world";
	char buf[32];
	ok(LIBC(strchr)(s, 'o') == s + 4 && LIBC(strrchr)(s, 'o') == s + 8 && LIBC(strchr)(s, 0) == s + 12 &&
		   !LIBC(strchr)(s, 'z'),
	   "strchr/strrchr");
	ok(LIBC(strstr)(s, "wor") == s + 7 && LIBC(strstr)(s, "") == s && !LIBC(strstr)(s, "xyz"), "strstr");
	ok(LIBC(strspn)(s, "hel") == 4 && LIBC(strcspn)(s, ",") == 5, "strspn/strcspn");
	ok(LIBC(strpbrk)(s, "w,") == s + 5 && !LIBC(strpbrk)(s, "xyz") && !LIBC(strpbrk)(s, ""), "strpbrk");
	ok((LIBC(strcmp)("a", "b") < 0) == (strcmp("a", "b") < 0) && LIBC(strcmp)("\xff", "a") > 0 &&
		   !LIBC(strncmp)("abcx", "abcy", 3) && LIBC(strncmp)("ab", "ac", 5) < 0,
	   "strcmp/strncmp compare unsigned");
	memset(buf, 'x', sizeof(buf));
	LIBC(strncpy)(buf, "ab", 5);
	ok(!memcmp(buf, "ab\0\0\0x", 6), "strncpy pads with NULs");
	LIBC(strcpy)(buf, "foo");
	LIBC(strcat)(buf, "bar");
	ok(!strcmp(buf, "foobar"), "strcpy/strcat");
	char t[] = " a,b,, c ";
	char *p1 = LIBC(strtok)(t, ", "), *p2 = LIBC(strtok)(NULL, ", "), *p3 = LIBC(strtok)(NULL, ", "),
	     *p4 = LIBC(strtok)(NULL, ", ");
	ok(p1 && !strcmp(p1, "a") && p2 && !strcmp(p2, "b") && p3 && !strcmp(p3, "c") && !p4, "strtok");
	ok(LIBC(memchr)(s, 'w', 12) == s + 7 && !LIBC(memchr)(s, 'w', 7), "memchr");
	ok(!strcmp(LIBC(strerror)(ENOENT), strerror(ENOENT)) && !strcmp(LIBC(strerror)(EINVAL), strerror(EINVAL)),
	   "strerror texts as glibc's");
	ok(LIBC(__xpg_strerror_r)(ENOMEM, buf, 4) == ERANGE && !strcmp(buf, "Can") &&
		   LIBC(__xpg_strerror_r)(ENOMEM, buf, sizeof(buf)) == 0,
	   "strerror_r: ERANGE when short, terminated");
}

static void test_malloc(void)
{
	static uint8_t arena[1 << 20] __attribute__((aligned(16)));
	libc_heap_init(arena, sizeof(arena));
	size_t before = libc_heap_free_bytes();
	void *a = LIBC(malloc)(0), *b = LIBC(malloc)(0);
	ok(a && b && a != b, "malloc(0): distinct non-NULL pointers");
	char *p = LIBC(malloc)(100);
	memset(p, 7, 100);
	char *q = LIBC(realloc)(p, 5000);
	ok(q && q[0] == 7 && q[99] == 7 && !((uintptr_t)q & 15), "realloc grows, keeps the contents, 16-aligned");
	ok(LIBC(realloc)(q, 10) == q, "realloc shrinking keeps the block");
	errno = 0;
	ok(!LIBC(calloc)((size_t)1 << 40, (size_t)1 << 40) && errno == ENOMEM, "calloc: n * size overflow is ENOMEM");
	errno = 0;
	ok(!LIBC(malloc)(2u << 20) && errno == ENOMEM, "malloc beyond the heap: NULL, ENOMEM");
	int *z = LIBC(calloc)(64, sizeof(int));
	int zero = 1;
	for (int i = 0; i < 64; i++)
		zero = zero && !z[i];
	ok(zero, "calloc zeroes");
	LIBC(free)(z);
	LIBC(free)(q);
	LIBC(free)(a);
	LIBC(free)(b);
	LIBC(free)(NULL);
	ok(libc_heap_free_bytes() == before && libc_heap_peak() > 5000, "everything back; peak recorded");
	ok(ABORTS(LIBC(free)(arena + 64)) && strstr(abort_why, "invalid pointer"), "free of a foreign pointer stops");
	void *d = LIBC(malloc)(32);
	LIBC(free)(d);
	ok(ABORTS(LIBC(free)(d)), "double free stops");
	char *s = LIBC(strdup)("copy me");
	ok(s && !strcmp(s, "copy me"), "strdup");
	LIBC(free)(s);
}

/* ---- threads ---- */
static int once_ctl;
static atomic_int once_runs;
static atomic_int once_seen_done;
static int rw[14]; /* glibc's pthread_rwlock_t is 56 bytes; ours uses the first 8 */
static long rw_counter;
static unsigned key;

static void once_init(void)
{
	atomic_fetch_add(&once_runs, 1);
	usleep(20000); /* the others must wait for this */
}

static void *worker(void *arg)
{
	thread_cpu = (unsigned)(uintptr_t)arg;
	LIBC(pthread_once)(&once_ctl, once_init);
	if (atomic_load(&once_runs) == 1)
		atomic_fetch_add(&once_seen_done, 1);
	for (int i = 0; i < 800; i++) {
		if (i % 4) {
			LIBC(pthread_rwlock_rdlock)(rw);
			(void)*(volatile long *)&rw_counter;
			LIBC(pthread_rwlock_unlock)(rw);
		} else {
			LIBC(pthread_rwlock_wrlock)(rw);
			long v = rw_counter;
			sched_yield();
			rw_counter = v + 1;
			LIBC(pthread_rwlock_unlock)(rw);
		}
	}
	LIBC(pthread_setspecific)(key, arg);
	usleep(1000);
	return LIBC(pthread_getspecific)(key);
}

static void test_threads(void)
{
	enum { N = 4 };
	pthread_t th[N];
	LIBC(pthread_rwlock_init)(rw, NULL);
	ok(!LIBC(pthread_key_create)(&key, NULL), "pthread_key_create");
	for (int i = 0; i < N; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	int own = 1;
	for (int i = 0; i < N; i++) {
		void *r;
		pthread_join(th[i], &r);
		own = own && r == (void *)(uintptr_t)(i + 1);
	}
	ok(atomic_load(&once_runs) == 1 && atomic_load(&once_seen_done) == N,
	   "pthread_once: the routine ran exactly once and every caller returned after it");
	ok(rw_counter == N * 200, "rwlock: no lost update under %d threads (%ld)", N, rw_counter);
	ok(own, "thread-specific keys: each thread (CPU) reads its own value");
	LIBC(pthread_rwlock_wrlock)(rw);
	ok(LIBC(pthread_rwlock_wrlock)(rw) == 35 && LIBC(pthread_rwlock_rdlock)(rw) == 35 &&
		   LIBC(pthread_rwlock_destroy)(rw) == 16,
	   "rwlock: relocking a held write lock is EDEADLK, destroying it EBUSY");
	LIBC(pthread_rwlock_unlock)(rw);
	ok(!LIBC(pthread_rwlock_destroy)(rw), "rwlock: destroy when free");
	LIBC(pthread_setspecific)(key, (void *)1);
	ok(!LIBC(pthread_key_delete)(key) && !LIBC(pthread_key_create)(&key, NULL) && !LIBC(pthread_getspecific)(key),
	   "a re-created key starts NULL");
	unsigned k[64];
	int made = 0;
	while (made < 64 && !LIBC(pthread_key_create)(&k[made], NULL))
		made++;
	ok(made == 63, "keys run out with EAGAIN (%d more made)", made);
	for (int i = 0; i < made; i++)
		LIBC(pthread_key_delete)(k[i]);
}

static long jb[25];
static int depth_reached;

/* Ends in the longjmp at n == 0, which gcc takes for infinite recursion. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static void deeper(int n)
{
	if (n == 0)
		LIBC(_longjmp)(jb, 0);
	depth_reached = n;
	deeper(n - 1);
}
#pragma GCC diagnostic pop

static long dead_jb[25];
static __attribute__((noinline)) void set_dead(void)
{
	volatile int v = LIBC(_setjmp)(dead_jb); /* not a tail call: the frame must die */
	depth_reached = v;
}

static void test_setjmp(void)
{
	volatile int passes = 0;
	int v = LIBC(_setjmp)(jb);
	passes++;
	if (v == 0)
		deeper(5);
	ok(v == 1 && passes == 2, "_setjmp/_longjmp: returns twice, longjmp(0) gives 1");
	v = LIBC(_setjmp)(jb);
	if (v == 0)
		LIBC(__longjmp_chk)(jb, 7);
	ok(v == 7, "__longjmp_chk up the stack works");
	set_dead();
	ok(ABORTS(LIBC(__longjmp_chk)(dead_jb, 1)) && strstr(abort_why, "uninitialized stack frame"),
	   "__longjmp_chk into a returned frame stops");
}

static void test_fortify(void)
{
	char small[4];
	ok(ABORTS(LIBC(__memcpy_chk)(small, "0123456789", 8, sizeof(small))) && strstr(abort_why, "overflow"),
	   "__memcpy_chk beyond the object stops");
	ok(ABORTS(LIBC(__snprintf_chk)(small, 16, 1, sizeof(small), "%d", 1)), "__snprintf_chk maxlen > object stops");
	ok(LIBC(__snprintf_chk)(small, sizeof(small), 1, sizeof(small), "%d", 12345) == 5 && !strcmp(small, "123"),
	   "__snprintf_chk within bounds formats");
	char *s = NULL;
	ok(LIBC(__asprintf_chk)(&s, 1, "%s-%d", "x", 9) == 3 && s && !strcmp(s, "x-9"), "__asprintf_chk");
	LIBC(free)(s);
}

static void test_stubs(void)
{
	unsigned long before = libc_stub_calls;
	errno = 0;
	ok(!LIBC(fopen)("/etc/passwd", "r") && errno == ENOENT, "fopen: NULL, ENOENT");
	errno = 0;
	ok(LIBC(socket)(2, 1, 0) == -1 && errno == EAFNOSUPPORT, "socket: -1, EAFNOSUPPORT");
	ok(!LIBC(dlopen)("libfoo.so", 2) && LIBC(dlerror)() && !LIBC(dlerror)(), "dlopen: NULL; dlerror once");
	errno = 0;
	ok(LIBC(mmap)(NULL, 4096, 3, 0x22, -1, 0) == (void *)-1 && errno == ENOMEM, "mmap: MAP_FAILED, ENOMEM");
	errno = 0;
	ok(LIBC(getcontext)(NULL) == -1 && errno == ENOSYS, "getcontext: -1, ENOSYS");
	void *res = (void *)1;
	ok(LIBC(getaddrinfo)("example.org", "80", NULL, &res) == -4 && !res, "getaddrinfo: EAI_FAIL");
	ok(libc_stub_calls - before == 6, "failing stubs are counted (%lu)", libc_stub_calls - before);
}

static void test_process(void)
{
	static const char *const env[] = { "A=1", "OPENSSL_ia32cap=~0x10", "AB=2", NULL };
	libc_set_environ(env);
	ok(LIBC(getenv)("OPENSSL_ia32cap") && !strcmp(LIBC(getenv)("OPENSSL_ia32cap"), "~0x10") &&
		   !strcmp(LIBC(getenv)("A"), "1") && !LIBC(getenv)("OPENSSL") && !LIBC(getenv)("B"),
	   "getenv: exact names only");
	uint8_t buf[64] = { 0 }, zero[64] = { 0 };
	ok(LIBC(syscall)(318, buf, sizeof(buf), 0u) == 64 && memcmp(buf, zero, 64), "syscall(SYS_getrandom) fills");
	errno = 0;
	ok(LIBC(syscall)(318, buf, sizeof(buf), 0x100u) == -1 && errno == EINVAL, "getrandom: bad flags EINVAL");
	errno = 0;
	ok(LIBC(syscall)(39) == -1 && errno == ENOSYS, "syscall: anything else ENOSYS");
	int r = LIBC(rand)();
	ok(r >= 0, "rand: non-negative");
	ok(LIBC(sysconf)(30) == 4096 && LIBC(sysconf)(84) == -1, "sysconf: page size only");
}

static void test_stdio(void)
{
	captured_len = 0;
	captured[0] = 0;
	LIBC(fputs)("partial ", LIBC(stderr));
	LIBC(fputs)("line\nsecond\n", LIBC(stderr));
	LIBC(write)(1, "out\n", 4);
	errno = ENOENT;
	LIBC(perror)("open");
	ok(!strcmp(captured, "partial line\nsecond\nout\nopen: No such file or directory\n"),
	   "stdout/stderr: one console line per output line");
	errno = 0;
	ok(LIBC(fwrite)("x", 1, 1, LIBC(stdin)) == 0 && errno == EBADF && LIBC(feof)(LIBC(stdin)),
	   "stdin: not writable, at end of file");
	errno = 0;
	ok(LIBC(write)(7, "x", 1) == -1 && errno == EBADF, "write to another descriptor: EBADF");
}

int main(void)
{
	test_format();
	test_sscanf();
	test_strto();
	test_ctype();
	test_qsort();
	test_gmtime();
	test_strings();
	test_malloc();
	test_threads();
	test_setjmp();
	test_fortify();
	test_stubs();
	test_process();
	test_stdio();
	return tap_done();
}
