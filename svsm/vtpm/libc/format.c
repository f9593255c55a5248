/* SPDX-License-Identifier: MIT */
/*
 * format.c — printf-style formatting and sscanf with glibc's results for
 * what the archives format: integers (d i u o x X with hh h l ll j z t), c,
 * s, p, %% and glibc's %m, with the flags - + space # 0, width and precision
 * (also *). Floating-point conversions and %n are refused — the call
 * returns -1 with errno EINVAL — rather than approximated: nothing in the
 * archives formats a float, and %n writes through the format string. The
 * *_chk variants of _FORTIFY_SOURCE are in fortify.c, the FILE ones in
 * stdio.c.
 *
 * sscanf: d i u o x X p n c s [set] and %%, with * and width, the same length
 * modifiers, glibc's return value (conversions assigned, or EOF when the
 * input ends before the first one). OpenSSL uses it for dotted IPv4
 * addresses and port numbers.
 */
#include <stdbool.h>

#include "libc.h"


enum { F_MINUS = 1, F_PLUS = 2, F_SPACE = 4, F_HASH = 8, F_ZERO = 16 };

struct fmt_state {
	libc_out_fn out;
	void *ctx;
	size_t total;
};

static void emit(struct fmt_state *st, const char *s, size_t n)
{
	if (n)
		st->out(st->ctx, s, n);
	st->total += n;
}

static void pad(struct fmt_state *st, char c, int n)
{
	char b[32];
	for (int i = 0; i < 32; i++)
		b[i] = c;
	while (n > 0) {
		int k = n < 32 ? n : 32;
		emit(st, b, (size_t)k);
		n -= k;
	}
}

/* One field: prefix (sign, 0x), zeros, body; padded to width. */
static void field(struct fmt_state *st, int flags, int width, const char *pre, int zeros, const char *body, int blen)
{
	int plen = (int)strlen(pre);
	int len = plen + zeros + blen;
	int fill = width > len ? width - len : 0;
	if (!(flags & F_MINUS) && !(flags & F_ZERO))
		pad(st, ' ', fill);
	emit(st, pre, (size_t)plen);
	if (!(flags & F_MINUS) && (flags & F_ZERO))
		pad(st, '0', fill);
	pad(st, '0', zeros);
	emit(st, body, (size_t)blen);
	if (flags & F_MINUS)
		pad(st, ' ', fill);
}

static void integer(struct fmt_state *st, int flags, int width, int prec, char conv, uint64_t mag, bool neg)
{
	char buf[24];
	int n = 0;
	unsigned base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X' || conv == 'p') ? 16 : 10;
	const char *digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	for (uint64_t v = mag; v; v /= base)
		buf[sizeof(buf) - 1 - n++] = digits[v % base];
	if (prec < 0 && !mag)
		buf[sizeof(buf) - 1 - n++] = '0';
	int zeros = prec > n ? prec - n : 0;
	const char *pre = "";
	if (neg)
		pre = "-";
	else if ((conv == 'd' || conv == 'i') && (flags & F_PLUS))
		pre = "+";
	else if ((conv == 'd' || conv == 'i') && (flags & F_SPACE))
		pre = " ";
	else if (conv == 'p' || ((flags & F_HASH) && mag && (conv == 'x' || conv == 'X')))
		pre = conv == 'X' ? "0X" : "0x";
	else if ((flags & F_HASH) && conv == 'o' && zeros == 0 && (n == 0 || buf[sizeof(buf) - n] != '0'))
		zeros = 1;
	if (prec >= 0)
		flags &= ~F_ZERO; /* C: the 0 flag is ignored with a precision */
	field(st, flags, width, pre, zeros, buf + sizeof(buf) - n, n);
}

int libc_format(libc_out_fn out, void *ctx, const char *fmt, va_list ap0)
{
	struct fmt_state st = { out, ctx, 0 };
	va_list ap;
	va_copy(ap, ap0);
	int rc = 0;
	while (*fmt) {
		if (*fmt != '%') {
			const char *s = fmt;
			while (*fmt && *fmt != '%')
				fmt++;
			emit(&st, s, (size_t)(fmt - s));
			continue;
		}
		fmt++;
		int flags = 0, width = 0, prec = -1;
		for (;; fmt++) {
			if (*fmt == '-')
				flags |= F_MINUS;
			else if (*fmt == '+')
				flags |= F_PLUS;
			else if (*fmt == ' ')
				flags |= F_SPACE;
			else if (*fmt == '#')
				flags |= F_HASH;
			else if (*fmt == '0')
				flags |= F_ZERO;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_MINUS;
				width = width == LIBC_INT_MIN ? LIBC_INT_MAX : -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width < 100000 ? width * 10 + (*fmt - '0') : width, fmt++;
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec < 100000 ? prec * 10 + (*fmt - '0') : prec, fmt++;
			}
		}
		char len = 0; /* H hh, h, l, L ll/q, j, z, t */
		if (*fmt == 'h') {
			len = fmt[1] == 'h' ? 'H' : 'h';
			fmt += fmt[1] == 'h' ? 2 : 1;
		} else if (*fmt == 'l') {
			len = fmt[1] == 'l' ? 'L' : 'l';
			fmt += fmt[1] == 'l' ? 2 : 1;
		} else if (*fmt == 'q' || *fmt == 'j' || *fmt == 'z' || *fmt == 't') {
			len = *fmt == 'q' ? 'L' : *fmt;
			fmt++;
		}
		char conv = *fmt ? *fmt++ : 0;
		switch (conv) {
		case 'd':
		case 'i': {
			int64_t v;
			if (len == 'l' || len == 'L' || len == 'j' || len == 'z' || len == 't')
				v = va_arg(ap, int64_t);
			else
				v = va_arg(ap, int);
			if (len == 'H')
				v = (signed char)v;
			else if (len == 'h')
				v = (short)v;
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			integer(&st, flags, width, prec, conv, mag, v < 0);
			break;
		}
		case 'u':
		case 'o':
		case 'x':
		case 'X': {
			uint64_t v;
			if (len == 'l' || len == 'L' || len == 'j' || len == 'z' || len == 't')
				v = va_arg(ap, uint64_t);
			else
				v = va_arg(ap, unsigned);
			if (len == 'H')
				v = (unsigned char)v;
			else if (len == 'h')
				v = (unsigned short)v;
			integer(&st, flags & ~(F_PLUS | F_SPACE), width, prec, conv, v, false);
			break;
		}
		case 'p': {
			void *p = va_arg(ap, void *);
			if (!p)
				field(&st, flags & ~F_ZERO, width, "", 0, "(nil)", 5);
			else
				integer(&st, flags & ~(F_PLUS | F_SPACE), width, prec, 'p', (uint64_t)(uintptr_t)p, false);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			field(&st, flags & ~F_ZERO, width, "", 0, &c, 1);
			break;
		}
		case 's':
		case 'm': {
			const char *s = conv == 'm' ? LIBC(strerror)(*libc_sys_errno()) : va_arg(ap, const char *);
			if (!s)
				s = prec < 0 || prec >= 6 ? "(null)" : "";
			int n = 0;
			while ((prec < 0 || n < prec) && s[n])
				n++;
			field(&st, flags & ~F_ZERO, width, "", 0, s, n);
			break;
		}
		case '%':
			emit(&st, "%", 1);
			break;
		default: /* floating point, %n, %a, wide characters, or garbage */
			rc = -1;
			break;
		}
		if (rc)
			break;
	}
	va_end(ap);
	if (rc || st.total > LIBC_INT_MAX) {
		libc_set_errno(rc ? LIBC_EINVAL : LIBC_EOVERFLOW);
		return -1;
	}
	return (int)st.total;
}

struct buf_sink {
	char *buf;
	size_t cap, len; /* cap includes room for the terminator */
};

static void buf_out(void *ctx, const char *s, size_t n)
{
	struct buf_sink *b = ctx;
	if (b->len + 1 < b->cap) {
		size_t room = b->cap - 1 - b->len;
		memcpy(b->buf + b->len, s, n < room ? n : room);
	}
	b->len += n;
}

int LIBC(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = { buf, size, 0 };
	int n = libc_format(buf_out, &b, fmt, ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = 0;
	return n;
}

int LIBC(snprintf)(char *buf, size_t size, const char *fmt, ...);
int LIBC(snprintf)(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = LIBC(vsnprintf)(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- sscanf ---- */

static bool sp(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void store_int(va_list *ap, char len, uint64_t v)
{
	switch (len) {
	case 'H': *va_arg(*ap, unsigned char *) = (unsigned char)v; break;
	case 'h': *va_arg(*ap, unsigned short *) = (unsigned short)v; break;
	case 'l': case 'L': case 'j': case 'z': case 't': *va_arg(*ap, uint64_t *) = v; break;
	default: *va_arg(*ap, unsigned *) = (unsigned)v; break;
	}
}

static bool in_set(const char *set, const char *end, bool neg, char c)
{
	bool found = false;
	for (const char *p = set; p < end && !found; p++) {
		if (p + 2 < end && p[1] == '-') {
			found = (unsigned char)c >= (unsigned char)p[0] && (unsigned char)c <= (unsigned char)p[2];
			p += 2;
		} else {
			found = *p == c;
		}
	}
	return found != neg;
}

int libc_vsscanf(const char *str, const char *fmt, va_list ap0)
{
	va_list ap;
	va_copy(ap, ap0);
	const char *s = str;
	int assigned = 0;
	bool converted_any = false;
	while (*fmt) {
		if (sp(*fmt)) {
			while (sp(*s))
				s++;
			fmt++;
			continue;
		}
		if (*fmt != '%' || fmt[1] == '%') {
			if (*fmt == '%')
				fmt++;
			if (*s != *fmt)
				goto done;
			s++, fmt++;
			continue;
		}
		fmt++;
		bool skip = *fmt == '*';
		if (skip)
			fmt++;
		int width = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width < 100000 ? width * 10 + (*fmt++ - '0') : (fmt++, width);
		char len = 0;
		if (*fmt == 'h') {
			len = fmt[1] == 'h' ? 'H' : 'h';
			fmt += fmt[1] == 'h' ? 2 : 1;
		} else if (*fmt == 'l') {
			len = fmt[1] == 'l' ? 'L' : 'l';
			fmt += fmt[1] == 'l' ? 2 : 1;
		} else if (*fmt == 'j' || *fmt == 'z' || *fmt == 't') {
			len = *fmt++;
		}
		char conv = *fmt ? *fmt++ : 0;
		if (conv == 'n') {
			if (!skip)
				store_int(&ap, len, (uint64_t)(s - str));
			continue;
		}
		if (conv != 'c' && conv != '[')
			while (sp(*s))
				s++;
		if (!*s)
			goto input_end;
		switch (conv) {
		case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'p': {
			char tmp[72];
			int w = width && width < (int)sizeof(tmp) ? width : (int)sizeof(tmp) - 1;
			int k = 0;
			while (k < w && s[k] && !sp(s[k]))
				tmp[k] = s[k], k++;
			tmp[k] = 0;
			int base = conv == 'd' || conv == 'u' ? 10 : conv == 'i' ? 0 : conv == 'o' ? 8 : 16;
			char *e;
			uint64_t v = conv == 'd' || conv == 'i' ? (uint64_t)LIBC(strtol)(tmp, &e, base)
							       : (uint64_t)LIBC(strtoul)(tmp, &e, base);
			if (e == tmp)
				goto done;
			s += e - tmp;
			if (!skip) {
				if (conv == 'p')
					*va_arg(ap, void **) = (void *)(uintptr_t)v;
				else
					store_int(&ap, len, v);
				assigned++;
			}
			break;
		}
		case 'c': {
			int w = width ? width : 1;
			char *d = skip ? NULL : va_arg(ap, char *);
			int k = 0;
			for (; k < w && s[k]; k++)
				if (d)
					d[k] = s[k];
			if (k < w)
				goto input_end;
			s += k;
			if (!skip)
				assigned++;
			break;
		}
		case 's':
		case '[': {
			const char *set = NULL, *set_end = NULL;
			bool neg = false;
			if (conv == '[') {
				neg = *fmt == '^';
				if (neg)
					fmt++;
				set = fmt;
				if (*fmt == ']')
					fmt++;
				while (*fmt && *fmt != ']')
					fmt++;
				if (!*fmt)
					goto done; /* unterminated set: a bad format */
				set_end = fmt++;
			}
			char *d = skip ? NULL : va_arg(ap, char *);
			int k = 0;
			while ((!width || k < width) && s[k] &&
			       (conv == 's' ? !sp(s[k]) : in_set(set, set_end, neg, s[k]))) {
				if (d)
					d[k] = s[k];
				k++;
			}
			if (!k)
				goto done;
			if (d)
				d[k] = 0;
			s += k;
			if (!skip)
				assigned++;
			break;
		}
		default:
			goto done; /* unsupported conversion: stop, as a matching failure */
		}
		converted_any = true;
	}
done:
	va_end(ap);
	return assigned;
input_end:
	va_end(ap);
	return converted_any || assigned ? assigned : -1;
}

int LIBC(__isoc99_sscanf)(const char *s, const char *fmt, ...);
int LIBC(__isoc99_sscanf)(const char *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = libc_vsscanf(s, fmt, ap);
	va_end(ap);
	return n;
}
