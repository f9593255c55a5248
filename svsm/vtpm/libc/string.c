/* SPDX-License-Identifier: MIT */
/*
 * string.c — string functions, ctype tables, strtol/strtoul, qsort and
 * strerror with glibc's behaviour in the C locale (memcpy, memmove, memset,
 * memcmp and strlen are the core's, svsm/lib/string.c: one copy of each, and
 * general-registers-only, whoever calls it).
 *
 * ctype: glibc's inline isalpha() & co. index the table __ctype_b_loc()
 * points to with the character (-128..255) and test bits whose positions
 * depend on byte order: on little-endian, bit n of the class number becomes
 * 1 << (n + 8) for n < 8 and 1 << (n - 8) otherwise (glibc ctype.h _ISbit).
 * toupper/tolower tables are int32 for the same range.
 */
#include <stdbool.h>

#include "libc.h"


/* glibc class bits, little-endian. */
#define C_UPPER 0x0100u
#define C_LOWER 0x0200u
#define C_ALPHA 0x0400u
#define C_DIGIT 0x0800u
#define C_XDIGIT 0x1000u
#define C_SPACE 0x2000u
#define C_PRINT 0x4000u
#define C_GRAPH 0x8000u
#define C_BLANK 0x0001u
#define C_CNTRL 0x0002u
#define C_PUNCT 0x0004u
#define C_ALNUM 0x0008u

static unsigned short ctype_b[384];
static int32_t ctype_lower[384], ctype_upper[384];
static const unsigned short *ctype_b_ptr = ctype_b + 128;
static const int32_t *ctype_lower_ptr = ctype_lower + 128, *ctype_upper_ptr = ctype_upper + 128;

static unsigned short class_of(int c)
{
	if (c < 0 || c > 127)
		return 0;
	unsigned short b = 0;
	if (c < 32 || c == 127)
		b |= C_CNTRL;
	if (c == ' ' || c == '\t')
		b |= C_BLANK;
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		b |= C_SPACE;
	if (c >= 32 && c < 127)
		b |= C_PRINT;
	if (c > 32 && c < 127)
		b |= C_GRAPH;
	bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z', dg = c >= '0' && c <= '9';
	if (up)
		b |= C_UPPER | C_ALPHA | C_ALNUM;
	if (lo)
		b |= C_LOWER | C_ALPHA | C_ALNUM;
	if (dg)
		b |= C_DIGIT | C_ALNUM;
	if (dg || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
		b |= C_XDIGIT;
	if ((b & C_GRAPH) && !(b & C_ALNUM))
		b |= C_PUNCT;
	return b;
}

void LIBC(libc_ctype_init)(void)
{
	for (int c = -128; c < 256; c++) {
		ctype_b[c + 128] = class_of(c);
		/* glibc: a negative index stands for the byte (unsigned char)c, and maps to it,
		 * except EOF (-1), which stays EOF. */
		int u = c < 0 && c != -1 ? c + 256 : c;
		ctype_lower[c + 128] = u >= 'A' && u <= 'Z' ? u + 32 : u;
		ctype_upper[c + 128] = u >= 'a' && u <= 'z' ? u - 32 : u;
	}
}

const unsigned short **LIBC(__ctype_b_loc)(void);
const unsigned short **LIBC(__ctype_b_loc)(void)
{
	return &ctype_b_ptr;
}

const int32_t **LIBC(__ctype_tolower_loc)(void);
const int32_t **LIBC(__ctype_tolower_loc)(void)
{
	return &ctype_lower_ptr;
}

const int32_t **LIBC(__ctype_toupper_loc)(void);
const int32_t **LIBC(__ctype_toupper_loc)(void)
{
	return &ctype_upper_ptr;
}

static bool is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

void *LIBC(memchr)(const void *s, int c, size_t n);
void *LIBC(memchr)(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

char *LIBC(strchr)(const char *s, int c);
char *LIBC(strchr)(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *LIBC(strrchr)(const char *s, int c);
char *LIBC(strrchr)(const char *s, int c)
{
	const char *r = NULL;
	for (;; s++) {
		if (*s == (char)c)
			r = s;
		if (!*s)
			return (char *)r;
	}
}

int LIBC(strcmp)(const char *a, const char *b);
int LIBC(strcmp)(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int LIBC(strncmp)(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *LIBC(strcpy)(char *d, const char *s);
char *LIBC(strcpy)(char *d, const char *s)
{
	char *r = d;
	while ((*d++ = *s++))
		;
	return r;
}

/* C semantics: at most n bytes; pads with NULs; no terminator when s is n long or more. */
char *LIBC(strncpy)(char *d, const char *s, size_t n);
char *LIBC(strncpy)(char *d, const char *s, size_t n)
{
	size_t i = 0;
	for (; i < n && s[i]; i++)
		d[i] = s[i];
	for (; i < n; i++)
		d[i] = 0;
	return d;
}

char *LIBC(strcat)(char *d, const char *s);
char *LIBC(strcat)(char *d, const char *s)
{
	LIBC(strcpy)(d + strlen(d), s);
	return d;
}

char *LIBC(strdup)(const char *s);
char *LIBC(strdup)(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = LIBC(malloc)(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

char *LIBC(strstr)(const char *h, const char *n);
char *LIBC(strstr)(const char *h, const char *n)
{
	size_t nl = strlen(n);
	if (!nl)
		return (char *)h;
	for (; *h; h++)
		if (*h == *n && !LIBC(strncmp)(h, n, nl))
			return (char *)h;
	return NULL;
}

size_t LIBC(strspn)(const char *s, const char *accept);
size_t LIBC(strspn)(const char *s, const char *accept)
{
	size_t i = 0;
	while (s[i] && LIBC(strchr)(accept, s[i]))
		i++;
	return i;
}

size_t LIBC(strcspn)(const char *s, const char *reject);
size_t LIBC(strcspn)(const char *s, const char *reject)
{
	size_t i = 0;
	while (s[i] && !LIBC(strchr)(reject, s[i]))
		i++;
	return i;
}

/* libssl-dev 3.0.22's HTTP client checks header text with it (3.0.19's did not). */
char *LIBC(strpbrk)(const char *s, const char *accept);
char *LIBC(strpbrk)(const char *s, const char *accept)
{
	s += LIBC(strcspn)(s, accept);
	return *s ? (char *)s : NULL;
}

/* One saved position for the whole SVSM: strtok is not reentrant anywhere. */
char *LIBC(strtok)(char *s, const char *delim);
char *LIBC(strtok)(char *s, const char *delim)
{
	static char *save;
	if (!s)
		s = save;
	if (!s)
		return NULL;
	s += LIBC(strspn)(s, delim);
	if (!*s) {
		save = NULL;
		return NULL;
	}
	char *e = s + LIBC(strcspn)(s, delim);
	if (*e) {
		*e = 0;
		save = e + 1;
	} else {
		save = NULL;
	}
	return s;
}

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* The common part of strtol and strtoul: magnitude in *mag (saturated at LIBC_ULONG_MAX with
 * *over set), sign in *neg; returns the end pointer. */
static const char *parse_ul(const char *s, int base, unsigned long *mag, bool *neg, bool *over, bool *bad_base)
{
	const char *start = s;
	*mag = 0;
	*neg = false;
	*over = false;
	*bad_base = base < 0 || base == 1 || base > 36;
	if (*bad_base)
		return start;
	while (is_space((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		*neg = *s++ == '-';
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    digit_value((unsigned char)s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	const char *digits = s;
	unsigned long v = 0;
	for (int d; (d = digit_value((unsigned char)*s)) < base; s++) {
		if (v > (LIBC_ULONG_MAX - (unsigned long)d) / (unsigned long)base)
			*over = true;
		else
			v = v * (unsigned long)base + (unsigned long)d;
	}
	if (s == digits)
		return start; /* no digits: nothing was converted */
	*mag = *over ? LIBC_ULONG_MAX : v;
	return s;
}

long LIBC(strtol)(const char *s, char **end, int base)
{
	unsigned long m;
	bool neg, over, bad;
	const char *e = parse_ul(s, base, &m, &neg, &over, &bad);
	if (end)
		*end = (char *)e;
	if (bad) {
		libc_set_errno(LIBC_EINVAL);
		return 0;
	}
	if (neg) {
		if (over || m > (unsigned long)LIBC_LONG_MAX + 1) {
			libc_set_errno(LIBC_ERANGE);
			return LIBC_LONG_MIN;
		}
		return m == (unsigned long)LIBC_LONG_MAX + 1 ? LIBC_LONG_MIN : -(long)m;
	}
	if (over || m > (unsigned long)LIBC_LONG_MAX) {
		libc_set_errno(LIBC_ERANGE);
		return LIBC_LONG_MAX;
	}
	return (long)m;
}

unsigned long LIBC(strtoul)(const char *s, char **end, int base)
{
	unsigned long m;
	bool neg, over, bad;
	const char *e = parse_ul(s, base, &m, &neg, &over, &bad);
	if (end)
		*end = (char *)e;
	if (bad) {
		libc_set_errno(LIBC_EINVAL);
		return 0;
	}
	if (over) {
		libc_set_errno(LIBC_ERANGE);
		return LIBC_ULONG_MAX;
	}
	return neg ? -m : m;
}

/* Heapsort: O(n log n) whatever the input, no recursion, no allocation. Equal elements
 * may come out in any order, as the C standard allows (glibc's merge sort happens to keep
 * them; OpenSSL's callers sort by unique keys or DER bytes, where equal means identical). */
static void swap_bytes(unsigned char *a, unsigned char *b, size_t n)
{
	while (n--) {
		unsigned char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

static void sift_down(unsigned char *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap_bytes(base + root * size, base + child * size, size);
		root = child;
	}
}

void LIBC(qsort)(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void LIBC(qsort)(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;
	if (n < 2 || !size)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap_bytes(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}

static const char *errno_text(int e)
{
	switch (e) {
	case 0: return "Success";
	case LIBC_EPERM: return "Operation not permitted";
	case LIBC_ENOENT: return "No such file or directory";
	case LIBC_EINTR: return "Interrupted system call";
	case LIBC_EIO: return "Input/output error";
	case LIBC_EBADF: return "Bad file descriptor";
	case LIBC_EAGAIN: return "Resource temporarily unavailable";
	case LIBC_ENOMEM: return "Cannot allocate memory";
	case LIBC_EACCES: return "Permission denied";
	case LIBC_EFAULT: return "Bad address";
	case LIBC_EINVAL: return "Invalid argument";
	case LIBC_ENOTTY: return "Inappropriate ioctl for device";
	case LIBC_ESPIPE: return "Illegal seek";
	case LIBC_EROFS: return "Read-only file system";
	case LIBC_ERANGE: return "Numerical result out of range";
	case LIBC_ENOSYS: return "Function not implemented";
	case LIBC_EOVERFLOW: return "Value too large for defined data type";
	case LIBC_ENOTSOCK: return "Socket operation on non-socket";
	case LIBC_EOPNOTSUPP: return "Operation not supported";
	case LIBC_EAFNOSUPPORT: return "Address family not supported by protocol";
	}
	return NULL;
}

/* glibc returns a per-thread buffer for unknown numbers; one shared text is enough here. */
char *LIBC(strerror)(int e)
{
	const char *t = errno_text(e);
	return (char *)(t ? t : "Unknown error");
}

int LIBC(__xpg_strerror_r)(int e, char *buf, size_t n);
int LIBC(__xpg_strerror_r)(int e, char *buf, size_t n)
{
	const char *t = errno_text(e);
	int rc = 0;
	if (!t) {
		t = "Unknown error";
		rc = LIBC_EINVAL;
	}
	size_t l = strlen(t);
	if (!n)
		return LIBC_ERANGE;
	if (l >= n) {
		memcpy(buf, t, n - 1);
		buf[n - 1] = 0;
		return LIBC_ERANGE;
	}
	memcpy(buf, t, l + 1);
	return rc;
}
