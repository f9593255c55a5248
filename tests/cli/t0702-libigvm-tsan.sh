#!/bin/sh
# SPDX-License-Identifier: MIT
# t0702-libigvm-tsan.sh — the libigvm thread test (tests/libigvm/test_libigvm_threads.c) built with
# ThreadSanitizer instead of ASan (the two cannot be combined). libigvm.mk builds it only when the
# compiler supports -fsanitize=thread; a runtime that cannot start on this kernel is a skip, a race
# report is a failure.
#
# Environment: B (build dir, default build).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
BIN=$B/tsan/tests/libigvm-threads

if [ ! -x "$BIN" ]; then
	echo "ok 1 - # SKIP not built: the compiler has no ThreadSanitizer ($BIN)"
	echo "1..1"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/t0702.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" "$BIN" >"$T/out" 2>"$T/err"
rc=$?
if grep -q 'FATAL: ThreadSanitizer' "$T/err" && ! grep -q '^ok ' "$T/out"; then
	echo "ok 1 - # SKIP ThreadSanitizer cannot run here: $(grep -m1 FATAL "$T/err")"
	echo "1..1"
	exit 0
fi
# The binary's own TAP lines, then one line for the race detector.
grep -E '^(not )?ok ' "$T/out"
n=$(grep -cE '^(not )?ok ' "$T/out")
n=$((n + 1))
if [ $rc -eq 0 ] && ! grep -q 'ThreadSanitizer' "$T/err"; then
	echo "ok $n - ThreadSanitizer found no data race in the C API"
	echo "1..$n"
	exit 0
fi
echo "not ok $n - ThreadSanitizer (exit $rc): $(grep -m1 -A3 'WARNING: ThreadSanitizer' "$T/err" | tr '\n' ' ')"
echo "1..$n"
exit 1
