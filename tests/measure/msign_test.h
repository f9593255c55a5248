/* SPDX-License-Identifier: MIT */
/*
 * msign_test.h — a tiny TAP harness and helpers shared by the signing and
 * report tests (test_ecdsa.c, test_id_block.c, test_report.c).
 *
 * Each check prints "ok N - name" or "not ok N - name"; main() ends with
 * tap_done(), which prints the plan and returns 1 if anything failed, so
 * `make check` can count the lines and the exit status agrees with them.
 * Everything is static: each test program includes this once.
 */
#ifndef IB_TESTS_MSIGN_TEST_H
#define IB_TESTS_MSIGN_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned tap_n, tap_failed;

__attribute__((format(printf, 2, 3), unused)) static bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	printf("%s %u - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

__attribute__((unused)) static int tap_done(void)
{
	printf("1..%u\n", tap_n);
	return tap_failed ? 1 : 0;
}

__attribute__((unused)) static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex (spaces ignored) into out; aborts on a malformed literal, since that is a bug in the test. */
__attribute__((unused)) static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\n')
			continue;
		int v = hexval((unsigned char)*s);
		if (v < 0 || (hi < 0 && n >= cap)) {
			fprintf(stderr, "bad hex literal in test\n");
			abort();
		}
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		fprintf(stderr, "odd hex literal in test\n");
		abort();
	}
	return n;
}

__attribute__((unused)) static bool bytes_eq_hex(const uint8_t *p, size_t n, const char *hex)
{
	uint8_t buf[4096];
	size_t m = unhex(hex, buf, sizeof(buf));
	return m == n && !memcmp(p, buf, n);
}

/* Reverses n bytes (big-endian <-> the SNP ABI's little-endian integers). */
__attribute__((unused)) static void reverse_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[n - 1 - i];
}

/* Runs a shell command quietly; true when it exits 0. Used to make keys with the openssl CLI. */
__attribute__((unused)) static bool run_quiet(const char *cmd)
{
	char buf[8192];
	snprintf(buf, sizeof(buf), "{ %s ; } >/dev/null 2>&1", cmd);
	int st = system(buf);
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A fresh temporary directory for generated keys; removed by tmpdir_cleanup(). */
static char tap_tmpdir[256];

__attribute__((unused)) static const char *tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(tap_tmpdir, sizeof(tap_tmpdir), "%s/msign-test.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tap_tmpdir)) {
		perror("mkdtemp");
		exit(2);
	}
	return tap_tmpdir;
}

__attribute__((unused)) static void tmpdir_cleanup(void)
{
	if (!tap_tmpdir[0])
		return;
	if (getenv("MSIGN_KEEP_TMP")) {
		printf("# kept %s\n", tap_tmpdir);
		return;
	}
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tap_tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tap_tmpdir);
}

__attribute__((unused)) static bool write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

#endif
