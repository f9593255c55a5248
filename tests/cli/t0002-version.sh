#!/bin/sh
# SPDX-License-Identifier: MIT
# t0002-version.sh — `--version` of every installed program: exit 0, "PROG VERSION" first with the
# Makefile's VERSION, then one "NAME VERSION" line per library the program was built with, each
# version matching the headers of this machine (pkg-config, or the header itself).
#
# Environment: B (build dir), IGVMBUILD, IGVMMEASURE, IGVM_DUMP (binaries under test; default the
# sanitized ones; autopkgtest points them at /usr/bin).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}
IGVMMEASURE=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
IGVM_DUMP=${IGVM_DUMP:-$B/san/bin/igvm-dump}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }

VERSION=$(sed -n 's/^VERSION *:= *//p' "$SRC/Makefile")
LIBIGVM_VERSION=$(sed -n 's/^LIBIGVM_VERSION *:= *//p' "$SRC/libigvm/libigvm.mk")

# The version of each library's development files on this machine (pkg-config), which come from the
# same source version as the library installed here.
local_version() { pkg-config --modversion "$1" 2>/dev/null; }
ZLIB=$(local_version zlib)
OPENSSL=$(local_version libcrypto)
JSONC=$(local_version json-c)
XML2=$(local_version libxml-2.0)

# expect PROG BIN FIRST [NAME LOCAL]...: --version exits 0, prints FIRST, then one line per library,
# "NAME BUILT" or "NAME BUILT (running RUNNING)", in this order. The program may have been built
# elsewhere (autopkgtest runs the packaged one), so BUILT is only checked to be a version; the
# version it runs with (RUNNING, or BUILT when the line has none) must be the LOCAL one when LOCAL
# is known.
expect() {
	prog=$1 bin=$2 first=$3
	shift 3
	if [ ! -x "$bin" ]; then
		skip "$prog is not built ($bin)"
		return
	fi
	out=$("$bin" --version 2>&1)
	rc=$?
	bad=
	[ $rc -eq 0 ] || bad="exit $rc"
	[ "$(printf '%s\n' "$out" | sed -n 1p)" = "$first" ] || bad="$bad; first line is not '$first'"
	i=2
	while [ $# -ge 2 ]; do
		line=$(printf '%s\n' "$out" | sed -n "${i}p")
		name=$1 want=$2
		shift 2
		i=$((i + 1))
		rest=${line#"$name "}
		if [ "$rest" = "$line" ]; then
			bad="$bad; line $((i - 1)) is not about $name: '$line'"
			continue
		fi
		built=${rest%% *}
		running=$(printf '%s' "$rest" | sed -n 's/.* (running \(.*\))$/\1/p')
		printf '%s' "$built" | grep -qE '^[0-9]+(\.[0-9a-z]+)+$' || bad="$bad; $name version '$built'"
		[ -n "$running" ] || running=$built
		[ -z "$want" ] || [ "$running" = "$want" ] || bad="$bad; $name runs as $running, this machine has $want"
	done
	[ "$(printf '%s\n' "$out" | wc -l)" -eq $((i - 1)) ] || bad="$bad; $(printf '%s\n' "$out" | wc -l) lines"
	if [ -z "$bad" ]; then
		ok "$prog --version: $(printf '%s' "$out" | tr '\n' ',' | sed 's/,/, /g')"
	else
		notok "$prog --version: ${bad#; } (printed '$(printf '%s' "$out" | tr '\n' '|')')"
	fi
}

expect igvmbuild "$IGVMBUILD" "igvmbuild $VERSION" zlib "$ZLIB" OpenSSL "$OPENSSL" json-c "$JSONC" \
	libxml2 "$XML2" "libelf (elfutils)" ""
expect igvmmeasure "$IGVMMEASURE" "igvmmeasure $VERSION" zlib "$ZLIB" OpenSSL "$OPENSSL"
expect igvm-dump "$IGVM_DUMP" "igvm-dump $VERSION" libigvm "" zlib "$ZLIB"
if [ -x "$IGVM_DUMP" ]; then
	"$IGVM_DUMP" --version | grep -qx "libigvm $LIBIGVM_VERSION" && ok "igvm-dump names libigvm $LIBIGVM_VERSION" ||
		notok "igvm-dump does not name libigvm $LIBIGVM_VERSION"
fi

if [ -x "$IGVMBUILD" ]; then
	a=$("$IGVMBUILD" -V 2>&1)
	b=$("$IGVMBUILD" --version 2>&1)
	[ "$a" = "$b" ] && ok "igvmbuild -V is --version" || notok "igvmbuild -V differs from --version"
	if "$IGVMBUILD" --version >/dev/full 2>/dev/null; then
		notok "igvmbuild --version >/dev/full succeeds although nothing could be written"
	else
		ok "igvmbuild --version reports a write error (exit $?)"
	fi
fi
echo "1..$n"
[ $fails -eq 0 ]
