/* SPDX-License-Identifier: MIT */
/*
 * tap.h — a tiny header-only TAP producer for the unit tests.
 *
 *   ok(cond, fmt, ...)        "ok N - msg" or "not ok N - msg" on stdout; on failure
 *                             "#   failed at FILE:LINE" on stderr. Returns cond.
 *   is_u64(got, want, fmt, ...) ok() that also prints both values when they differ.
 *   is_mem(got, want, n, fmt, ...) ok() on memcmp, printing the first difference.
 *   skip(reason)              "ok N - # SKIP reason" (counted as skipped, not passed).
 *   diag(fmt, ...)            "# msg" on stderr.
 *   tap_done()                prints the plan "1..N" and returns the process exit
 *                             status: 0 if nothing failed, 1 otherwise.
 *
 * Usage: int main(void) { ok(1 + 1 == 2, "adds"); return tap_done(); }
 *
 * Everything is static so each test program gets its own counters; stdout is
 * flushed after every line so output interleaves sensibly with stderr and
 * survives a crash later in the program.
 */
#ifndef IGVMBUILD_TESTS_TAP_H
#define IGVMBUILD_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned tap_count_;
static unsigned tap_failed_;

__attribute__((unused, format(printf, 4, 0))) static bool tap_vok_(bool cond, const char *file, int line,
								   const char *fmt, va_list ap)
{
	tap_count_++;
	fflush(stderr);
	printf("%s %u - ", cond ? "ok" : "not ok", tap_count_);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	if (!cond) {
		tap_failed_++;
		fprintf(stderr, "#   failed at %s:%d\n", file, line);
		fflush(stderr);
	}
	return cond;
}

__attribute__((unused, format(printf, 4, 5))) static bool tap_ok_(bool cond, const char *file, int line,
								   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok_(cond, file, line, fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((unused, format(printf, 5, 6))) static bool tap_is_u64_(uint64_t got, uint64_t want, const char *file,
								       int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok_(got == want, file, line, fmt, ap);
	va_end(ap);
	if (!r) {
		fprintf(stderr, "#        got: 0x%" PRIx64 " (%" PRIu64 ")\n", got, got);
		fprintf(stderr, "#   expected: 0x%" PRIx64 " (%" PRIu64 ")\n", want, want);
		fflush(stderr);
	}
	return r;
}

__attribute__((unused, format(printf, 6, 7))) static bool tap_is_mem_(const void *got, const void *want, size_t n,
								       const char *file, int line, const char *fmt, ...)
{
	const uint8_t *g = got, *w = want;
	size_t at = n;
	if (g && w) {
		for (size_t i = 0; i < n; i++) {
			if (g[i] != w[i]) {
				at = i;
				break;
			}
		}
	}
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok_(g && w && at == n, file, line, fmt, ap);
	va_end(ap);
	if (!r && g && w) {
		fprintf(stderr, "#   first difference at byte %zu (0x%zx): got 0x%02x, expected 0x%02x\n", at, at,
			g[at], w[at]);
		fflush(stderr);
	} else if (!r) {
		fprintf(stderr, "#   NULL buffer\n");
	}
	return r;
}

__attribute__((unused)) static void tap_skip_(const char *reason)
{
	tap_count_++;
	printf("ok %u - # SKIP %s\n", tap_count_, reason);
	fflush(stdout);
}

__attribute__((unused, format(printf, 1, 2))) static void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fflush(stdout);
	fputs("# ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
	va_end(ap);
}

__attribute__((unused)) static int tap_done(void)
{
	printf("1..%u\n", tap_count_);
	if (tap_failed_)
		fprintf(stderr, "# %u of %u tests failed\n", tap_failed_, tap_count_);
	fflush(stdout);
	fflush(stderr);
	return tap_failed_ ? 1 : 0;
}

#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_u64(got, want, ...) tap_is_u64_((uint64_t)(got), (uint64_t)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_mem(got, want, n, ...) tap_is_mem_((got), (want), (n), __FILE__, __LINE__, __VA_ARGS__)
#define skip(reason) tap_skip_(reason)

#endif /* IGVMBUILD_TESTS_TAP_H */
