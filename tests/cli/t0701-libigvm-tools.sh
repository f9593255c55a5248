#!/bin/sh
# SPDX-License-Identifier: MIT
# t0701-libigvm-tools.sh — igvm-dump on the command line (dump_igvm's exact text for the conformance
# file, its failure line, the project's exit codes), and QEMU's loader walked through libigvm over
# files made outside the libigvm tests: tests/tools/mkfixtures' fixtures and images built by
# `igvmbuild build` from the shipped templates. For those, the walk through the API must agree with
# the format library line for line, the builder's images must load, and igvm-dump must print them.
#
# Environment: B (build dir, default build), CC (for the test kernel), IGVMBUILD.
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
CC=${CC:-cc}
DUMP=$B/san/bin/igvm-dump
DUMPTEST=$B/san/tests/test_libigvm_dump
QTEST=$B/san/tests/test_libigvm_qemu
WALK=$B/san/tests/libigvm-qemu-walk
MKFIX=$B/san/tools/mkfixtures
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
finish() { echo "1..$n"; [ $fails -eq 0 ]; exit $?; }

for x in "$DUMP" "$DUMPTEST" "$QTEST" "$WALK"; do
	if [ ! -x "$x" ]; then
		skip "not built: $x"
		finish
	fi
done
T=$(mktemp -d "${TMPDIR:-/tmp}/t0701.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

# ---- igvm-dump ---------------------------------------------------------------------------------
"$DUMPTEST" --write-conformance "$T/conf.igvm" || { notok "write the conformance file"; finish; }
"$DUMPTEST" --expected 64 >"$T/want64"
"$DUMPTEST" --expected 4294967295 >"$T/wantall"
"$DUMP" --hex 64 "$T/conf.igvm" >"$T/got64" 2>"$T/err"; rc=$?
[ $rc -eq 0 ] && cmp -s "$T/got64" "$T/want64" && [ ! -s "$T/err" ] &&
	ok "igvm-dump --hex 64 prints dump_igvm's text for the conformance file" ||
	notok "igvm-dump --hex 64 (exit $rc): $(diff "$T/want64" "$T/got64" | head -3 | tr '\n' ' ')"
head -2 "$T/got64" | tail -1 | grep -qx 'platform count = 1' && ok "it starts as the spec shows" ||
	notok "second line: $(head -2 "$T/got64" | tail -1)"
"$DUMP" -h 64 "$T/conf.igvm" | cmp -s - "$T/want64" && ok "-h is --hex" || notok "-h is --hex"
"$DUMP" "$T/conf.igvm" | cmp -s - "$T/wantall" && ok "without --hex every data byte is shown" ||
	notok "igvm-dump without --hex"
"$DUMP" --hex 64 - <"$T/conf.igvm" | cmp -s - "$T/want64" && ok "'-' reads standard input" ||
	notok "igvm-dump - (stdin)"

printf '0123456789abcdef' >"$T/junk"
out=$("$DUMP" "$T/junk" 2>/dev/null); rc=$?
[ $rc -eq 1 ] && [ "$out" = "Failed to parse IGVM file. Error code: -16" ] &&
	ok "a file that does not parse: dump_igvm's failure line on stdout, exit 1" ||
	notok "junk file: exit $rc, '$out'"
"$DUMP" "$T/nonexistent" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 3 ] && grep -q "igvm-dump: $T/nonexistent" "$T/err" && ok "a missing file: exit 3 with its name" ||
	notok "missing file: exit $rc"
for args in "" "--hex" "--hex abc" "--hex -5" "--bogus x" "a b"; do
	# shellcheck disable=SC2086
	"$DUMP" $args >/dev/null 2>"$T/err"; rc=$?
	[ $rc -eq 2 ] && grep -q '^Usage: igvm-dump' "$T/err" && ok "usage error for '$args': exit 2 and usage" ||
		notok "usage error for '$args': exit $rc"
done
"$DUMP" --help | grep -q '^Usage: igvm-dump \[--hex|-h bytes\] igvm_file$' && ok "--help prints the usage" ||
	notok "--help"

# ---- files from outside the libigvm tests --------------------------------------------------------
# check_file FILE LOADS: the API walk agrees with the format library; when LOADS=1 QEMU loads it;
# igvm-dump prints it (exit 0) or prints the failure line (exit 1) — never anything else.
check_file() {
	name=$(basename "$1")
	if "$QTEST" --compare "$1" >"$T/q.out" 2>"$T/q.err" && grep -q '^ok ' "$T/q.out"; then
		ok "$name: QEMU's walk through the API agrees with the format library"
	else
		notok "$name: walk differs: $(grep '^#' "$T/q.err" | head -3 | tr '\n' ' ')"
	fi
	if [ "$2" = 1 ]; then
		"$WALK" "$1" >"$T/w.out" 2>&1 && ok "$name: QEMU's loader accepts it" ||
			notok "$name: QEMU's loader refuses it: $(grep '^error' "$T/w.out")"
	fi
	"$DUMP" --hex 16 "$1" >"$T/d.out" 2>"$T/d.err"; rc=$?
	if [ $rc -eq 0 ] && grep -q '^directive count = ' "$T/d.out"; then
		ok "$name: igvm-dump prints it"
	elif [ $rc -eq 1 ] && grep -q '^Failed to parse IGVM file. Error code: -' "$T/d.out"; then
		ok "$name: igvm-dump prints the reference's failure line"
	else
		notok "$name: igvm-dump exit $rc: $(head -2 "$T/d.err" | tr '\n' ' ')"
	fi
}

if [ -x "$MKFIX" ] && mkdir -p "$T/fx" && "$MKFIX" "$T/fx" >/dev/null 2>&1 && ls "$T/fx"/*.igvm >/dev/null 2>&1; then
	for f in "$T/fx"/*.igvm; do
		check_file "$f" 0
	done
else
	skip "tests/tools/mkfixtures is not built ($MKFIX)"
fi

# Images from the builder: the shipped QEMU templates, with the test kernel, stage 2 and firmware
# that t0200-build.sh uses.
built=0
if [ -x "$IGVMBUILD" ] && command -v python3 >/dev/null 2>&1 && mkdir -p "$T/b" &&
	"$CC" -nostdlib -static -no-pie -Wl,-T,"$SRC/tests/build/kernel.ld" -Wl,--build-id=none \
		-o "$T/b/kernel.elf" "$SRC/tests/build/kernel.S" 2>/dev/null &&
	python3 "$SRC/tests/build/mkfixtures.py" "$T/b" "$T/b/kernel.elf" >/dev/null 2>&1; then
	for tpl in qemu-snp qemu-native; do
		fw=
		[ -r "$T/b/ovmf.fd" ] && fw="--firmware $T/b/ovmf.fd"
		# shellcheck disable=SC2086
		if "$IGVMBUILD" build -t "$SRC/templates/$tpl.xml" --kernel "$T/b/kernel.elf" --stage2 "$T/b/stage2.bin" \
			$fw -o "$T/b/$tpl.igvm" >/dev/null 2>"$T/b/$tpl.err"; then
			built=$((built + 1))
			check_file "$T/b/$tpl.igvm" 1
		else
			skip "igvmbuild build -t templates/$tpl.xml failed: $(head -1 "$T/b/$tpl.err")"
		fi
	done
fi
[ $built -gt 0 ] || skip "no builder images (igvmbuild build or the test kernel toolchain is not available)"
finish
