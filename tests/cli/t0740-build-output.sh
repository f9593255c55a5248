#!/bin/sh
# SPDX-License-Identifier: MIT
# t0740-build-output.sh — build output: by default one short line per file made ("  CC      path"),
# no command echoed; `make V=1` prints the full commands (with the warning flags) and no short lines.
# Builds libigvm.a (four objects and the archive) in a scratch build directory, twice.
#
# Environment: CC, MAKE.
set -u
# A parent make (a package build runs `make check LIBDIR=... V=1`) exports its command-line
# variables; the sub-makes here must see only what each test passes.
unset PREFIX BINDIR DATADIR MANDIR LIBDIR INCLUDEDIR PKGCONFIGDIR IGVMBUILD_GUESTDIR IGVMBUILD_DATADIR \
	IGVMBUILD_FIRMWARE BASHCOMPDIR V DEFAULT_IMAGE
SRC=$(cd "$(dirname "$0")/../.." && pwd)
MAKE=${MAKE:-make}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0740.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mk() { env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$MAKE" --no-print-directory -C "$SRC" B="$T/b" "$@"; }

if mk "$T/b/lib/libigvm.a" >"$T/quiet.out" 2>&1; then
	objs=$(grep -c '^  CC       .*\.o$' "$T/quiet.out")
	other=$(grep -vcE '^  (CC|AR) +[^ ]+$' "$T/quiet.out")
	if [ "$objs" -ge 4 ] && [ "$other" -eq 0 ] && grep -q "^  AR       $T/b/lib/libigvm.a$" "$T/quiet.out"; then
		ok "default: one short line per file ($objs objects and the archive), nothing else"
	else
		notok "default output has $objs CC lines and $other other lines: $(head -3 "$T/quiet.out" | tr '\n' '|')"
	fi
else
	notok "make libigvm.a: $(tail -2 "$T/quiet.out" | tr '\n' ' ')"
fi

if mk -B V=1 "$T/b/lib/libigvm.a" >"$T/v1.out" 2>&1; then
	full=$(grep -c -- ' -c .* -o .*\.o$' "$T/v1.out")
	if [ "$full" -ge 4 ] && grep -q -- '-Wall -Wextra -Werror' "$T/v1.out" && ! grep -qE '^  (CC|AR) ' "$T/v1.out" &&
		grep -q "rcs $T/b/lib/libigvm.a" "$T/v1.out"; then
		ok "V=1: the full commands ($full compiler lines with their flags, the ar command), no short lines"
	else
		notok "V=1 output: $(head -2 "$T/v1.out" | tr '\n' '|')"
	fi
else
	notok "make V=1: $(tail -2 "$T/v1.out" | tr '\n' ' ')"
fi
echo "1..$n"
[ $fails -eq 0 ]
