# SPDX-License-Identifier: MIT
#
# lib.sh — helpers for the command-line tests (tests/cli/t*.sh), sourced by each.
#
# Environment (set by tests/run-tests.sh; the defaults suit a plain `make check`):
#   B           build directory (default "build")
#   IGVMBUILD   the binary under test (default $B/san/bin/igvmbuild)
#   FIXTURES    directory holding the mkfixtures output (default $B/san/fixtures;
#               generated into a scratch directory when missing)
#   MKFIXTURES  the fixture tool, also used for --corrupt (default $B/san/tools/mkfixtures)
#
# TAP helpers: t_ok DESC, t_not_ok DESC, t_check DESC CMD..., t_skip REASON,
# t_diag FILE|-; t_run CMD... runs a command with stdout in $T_OUT, stderr in $T_ERR
# and the exit status in $T_RC; t_done prints the plan and returns the status.

set -u

B=${B:-build}
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}
FIXTURES=${FIXTURES:-$B/san/fixtures}
MKFIXTURES=${MKFIXTURES:-$B/san/tools/mkfixtures}
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/igvmbuild-cli.XXXXXX") || exit 3
trap 'rm -rf "$T_TMP"' EXIT
trap 'exit 130' INT TERM
T_OUT=$T_TMP/stdout
T_ERR=$T_TMP/stderr
T_RC=0
export T_RC # read by the test scripts

t_n=0
t_failed=0

t_ok() {
	t_n=$((t_n + 1))
	echo "ok $t_n - $*"
}

t_not_ok() {
	t_n=$((t_n + 1))
	t_failed=$((t_failed + 1))
	echo "not ok $t_n - $*"
}

t_skip() {
	t_n=$((t_n + 1))
	echo "ok $t_n - # SKIP $*"
}

# t_diag FILE: show a file as TAP comments (at most 20 lines).
t_diag() {
	sed -n '1,20s/^/#   /p' "$1"
}

# t_check DESC CMD...: ok when CMD succeeds.
t_check() {
	_desc=$1
	shift
	if "$@"; then
		t_ok "$_desc"
	else
		t_not_ok "$_desc"
		return 1
	fi
}

t_run() {
	"$@" >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
}

# t_lines FILE: the number of lines in FILE (a last line without newline counts).
t_lines() {
	awk 'END { print NR }' "$1"
}

t_have_python() {
	command -v python3 >/dev/null 2>&1
}

# t_sha256 FILE [SKIP COUNT]: lower-case hex SHA-256 of a file or of a byte range.
t_sha256() {
	if [ $# -ge 3 ]; then
		dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null | sha256sum | cut -d' ' -f1
	else
		sha256sum <"$1" | cut -d' ' -f1
	fi
}

t_done() {
	echo "1..$t_n"
	[ "$t_failed" -eq 0 ]
}

# Preconditions every CLI test needs. Returns 1 (after a "not ok") when unmet.
t_setup() {
	if [ ! -x "$IGVMBUILD" ]; then
		t_not_ok "the binary under test $IGVMBUILD exists (run make check-build)"
		return 1
	fi
	if [ ! -x "$MKFIXTURES" ]; then
		t_not_ok "the fixture tool $MKFIXTURES exists (run make check-build)"
		return 1
	fi
	if [ ! -f "$FIXTURES/conformance.igvm" ]; then
		FIXTURES=$T_TMP/fixtures
		mkdir -p "$FIXTURES"
		if ! "$MKFIXTURES" "$FIXTURES" >"$T_TMP/mkfixtures.log" 2>&1 || [ ! -f "$FIXTURES/conformance.igvm" ]; then
			t_not_ok "mkfixtures writes the fixtures"
			t_diag "$T_TMP/mkfixtures.log"
			return 1
		fi
	fi
	return 0
}
