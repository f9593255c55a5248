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

# hdrver MODULE HEADER MACRO: the version this machine's headers give (pkg-config first).
hdrver() {
	v=$(pkg-config --modversion "$1" 2>/dev/null) && { echo "$v"; return; }
	printf '#include <%s>\nXX %s\n' "$2" "$3" | cc -E -I/usr/include/libxml2 -I/usr/include/json-c - 2>/dev/null |
		sed -n 's/^XX "\(.*\)"/\1/p'
}
ZLIB=$(hdrver zlib zlib.h ZLIB_VERSION)
OPENSSL=$(pkg-config --modversion libcrypto 2>/dev/null)
JSONC=$(hdrver json-c json-c/json_c_version.h JSON_C_VERSION)
XML2=$(hdrver libxml-2.0 libxml/xmlversion.h LIBXML_DOTTED_VERSION)
ELF=$(pkg-config --modversion libelf 2>/dev/null)

# expect PROG BIN LINE...: --version exits 0 and prints exactly these lines (a " (running X)"
# suffix is allowed on library lines: the loaded library may be newer than the headers).
expect() {
	prog=$1 bin=$2
	shift 2
	if [ ! -x "$bin" ]; then
		skip "$prog is not built ($bin)"
		return
	fi
	out=$("$bin" --version 2>&1)
	rc=$?
	want=$(printf '%s\n' "$@")
	got=$(printf '%s\n' "$out" | sed 's/ (running [^)]*)$//')
	if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then
		ok "$prog --version: $(printf '%s' "$out" | tr '\n' ',' | sed 's/,/, /g')"
	else
		notok "$prog --version (exit $rc) printed '$(printf '%s' "$out" | tr '\n' '|')', expected '$(printf '%s' "$want" | tr '\n' '|')'"
	fi
}

expect igvmbuild "$IGVMBUILD" "igvmbuild $VERSION" "zlib $ZLIB" "OpenSSL $OPENSSL" "json-c $JSONC" \
	"libxml2 $XML2" "libelf (elfutils) $ELF"
expect igvmmeasure "$IGVMMEASURE" "igvmmeasure $VERSION" "zlib $ZLIB" "OpenSSL $OPENSSL"
expect igvm-dump "$IGVM_DUMP" "igvm-dump $VERSION" "libigvm $LIBIGVM_VERSION" "zlib $ZLIB"

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
