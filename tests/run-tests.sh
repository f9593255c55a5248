#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-tests.sh — runs every test of `make check` and sums up their TAP output.
#
#   1. $B/san/tools/mkfixtures writes the fixtures into $B/san/fixtures;
#   2. every $B/san/tests/test_* binary (unit tests, built with ASan+UBSan);
#   3. every tests/cli/t*.sh script, with IGVMBUILD (the sanitized binary),
#      FIXTURES, MKFIXTURES and B in the environment;
#   4. the short fuzz run (tests/fuzz/run-fuzz.sh short).
#
# Every line is printed as it arrives. "ok" lines count as passed (or skipped
# when they carry "# SKIP"), "not ok" lines as failed. A program that exits
# non-zero without reporting a failure, prints a sanitizer report, dies from a
# signal, or prints no result at all counts as one more failure. The last line
# is exactly "N passed, N failed" or "N passed, N failed, N skipped"; the exit
# status is non-zero when anything failed.
#
# Environment: B (build dir, default "build"), plus what the Makefile passes on
# to the fuzz script (CC, BASE_CFLAGS, HOST_LIBS, LIB_SRC, FUZZERS, FUZZ_RUNS).
# TESTS_SKIP_FUZZ=1 leaves out step 4.

set -u

B=${B:-build}
export B
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS

IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}
FIXTURES=${FIXTURES:-$B/san/fixtures}
MKFIXTURES=${MKFIXTURES:-$B/san/tools/mkfixtures}
export IGVMBUILD FIXTURES MKFIXTURES

TMP=$(mktemp -d "${TMPDIR:-/tmp}/igvmbuild-tests.XXXXXX") || exit 3
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
skipped=0

# run NAME CMD... — runs one program, echoing and counting its lines.
run() {
	name=$1
	shift
	: >"$TMP/rc"
	{
		"$@" 2>&1
		echo $? >"$TMP/rc"
	} | awk -v name="$name" -v countfile="$TMP/counts" '
		{ print; fflush() }
		/^ok([ \t]|$)/ {
			if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) s++; else p++
			next
		}
		/^not ok([ \t]|$)/ { f++; next }
		/ERROR: (AddressSanitizer|LeakSanitizer|MemorySanitizer|ThreadSanitizer)|runtime error:|^SUMMARY: UndefinedBehaviorSanitizer/ { san++ }
		END { printf "%d %d %d %d\n", p, f, s, san > countfile }'
	rc=$(cat "$TMP/rc")
	[ -n "$rc" ] || rc=255
	read -r p f s san <"$TMP/counts"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	why=
	if [ "$rc" -gt 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$san" -gt 0 ]; then
		why="sanitizer report (exit status $rc)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		why="exit status $rc without a reported failure"
	elif [ "$rc" -eq 0 ] && [ $((p + f + s)) -eq 0 ]; then
		why="no test results"
	fi
	if [ -n "$why" ]; then
		echo "not ok - $name: $why"
		failed=$((failed + 1))
	fi
}

# 1. fixtures
if [ -x "$MKFIXTURES" ]; then
	rm -rf "$FIXTURES"
	mkdir -p "$FIXTURES"
	if "$MKFIXTURES" "$FIXTURES" >"$TMP/mkfixtures.log" 2>&1 && [ -f "$FIXTURES/conformance.igvm" ]; then
		echo "ok - mkfixtures: $(find "$FIXTURES" -name '*.igvm' | wc -l | tr -d ' ') fixtures in $FIXTURES"
		passed=$((passed + 1))
	else
		echo "not ok - mkfixtures failed"
		sed 's/^/# /' "$TMP/mkfixtures.log"
		failed=$((failed + 1))
	fi
else
	echo "not ok - $MKFIXTURES is missing (build it with make check-build)"
	failed=$((failed + 1))
fi

# 2. unit tests
found=0
for t in "$B"/san/tests/test_*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then
		continue
	fi
	found=1
	echo "# ---- $(basename "$t")"
	run "$(basename "$t")" "$t"
done
if [ $found = 0 ]; then
	echo "not ok - no unit test binaries in $B/san/tests"
	failed=$((failed + 1))
fi

# 3. command-line tests
for t in tests/cli/t*.sh; do
	[ -f "$t" ] || continue
	echo "# ---- $t"
	run "$t" sh "$t"
done

# 4. short fuzz run
if [ "${TESTS_SKIP_FUZZ:-0}" != 1 ] && [ -f tests/fuzz/run-fuzz.sh ]; then
	echo "# ---- fuzz (short)"
	run "run-fuzz.sh" sh tests/fuzz/run-fuzz.sh short
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
