#!/bin/sh
# SPDX-License-Identifier: MIT
# t0800-packaging.sh — the fast checks of the distribution packaging (the full builds, lintian,
# autopkgtest, reproducibility and rpmbuild are `make package-check`, tests/pkg/package-check.sh):
#   - debian/libigvm0.symbols is what libigvm/gen-symbols.sh makes of libigvm/libigvm.map, and the
#     generator notices an added symbol, a removed one and a node without its release;
#   - the version is the same everywhere a packager looks: Makefile, debian/changelog,
#     igvmbuild.spec, the man pages; the libigvm API level agrees between libigvm.mk and the spec;
#   - every lintian override has a one-line reason; debian/rules and the autopkgtest scripts are
#     executable shell that parses; every debian/tests/control test exists.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0800.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
cd "$SRC" || exit 1

# ---- symbols file from the version script
if sh libigvm/gen-symbols.sh libigvm/libigvm.map >"$T/symbols" 2>"$T/err" && cmp -s "$T/symbols" debian/libigvm0.symbols; then
	ok "debian/libigvm0.symbols is generated from libigvm/libigvm.map ($(grep -c '@' "$T/symbols") symbols)"
else
	notok "debian/libigvm0.symbols differs from gen-symbols.sh libigvm.map: $(diff debian/libigvm0.symbols "$T/symbols" | head -3 | tr '\n' ' ')"
fi
mapsyms=$(sed -n 's/^[[:space:]]*\(igvm_[a-z_]*\);[[:space:]]*$/\1/p' libigvm/libigvm.map | sort | tr '\n' ' ')
symsyms=$(sed -n 's/^ \(igvm_[a-z_]*\)@.*/\1/p' debian/libigvm0.symbols | sort | tr '\n' ' ')
hdrsyms=$(cat libigvm/include/igvm/igvm.h libigvm/include/igvm/measure.h | grep -E '^[A-Za-z].*[ *]igvm_[a-z_]+\(' | sed 's/.*[ *]\(igvm_[a-z_]*\)(.*/\1/' | sort | tr '\n' ' ')
[ "$mapsyms" = "$symsyms" ] && [ "$mapsyms" = "$hdrsyms" ] &&
	ok "map, symbols file and <igvm/igvm.h> name the same functions" ||
	notok "functions: map '$mapsyms', symbols '$symsyms', header '$hdrsyms'"

sed 's/^\([[:space:]]*\)igvm_free;/\1igvm_free;\n\1igvm_extra;/' libigvm/libigvm.map >"$T/added.map"
sed '/^[[:space:]]*igvm_free_buffer;/d' libigvm/libigvm.map >"$T/removed.map"
sed 's/: since igvmbuild/: from igvmbuild/' libigvm/libigvm.map >"$T/nosince.map"
a=$(sh libigvm/gen-symbols.sh "$T/added.map" 2>/dev/null | diff debian/libigvm0.symbols - | grep -c '^[<>]')
r=$(sh libigvm/gen-symbols.sh "$T/removed.map" 2>/dev/null | diff debian/libigvm0.symbols - | grep -c '^[<>]')
if [ "$a" = 1 ] && [ "$r" = 1 ] && ! sh libigvm/gen-symbols.sh "$T/nosince.map" >/dev/null 2>&1; then
	ok "an added or removed symbol changes the generated file (so the package build fails); a node without its release is refused"
else
	notok "ABI changes not detected: added $a, removed $r lines"
fi
grep -q 'gen-symbols.sh libigvm/libigvm.map | diff -u debian/libigvm0.symbols -' debian/rules &&
	grep -q 'dh_makeshlibs -- -c4' debian/rules &&
	ok "debian/rules compares the symbols file with the map and runs dpkg-gensymbols -c4" ||
	notok "debian/rules does not check the symbols file"

# ---- one version everywhere
VERSION=$(sed -n 's/^VERSION *:= *//p' Makefile)
LIBV=$(sed -n 's/^LIBIGVM_VERSION *:= *//p' libigvm/libigvm.mk)
deb=$(sed -n '1s/^igvmbuild (\([^)]*\)).*/\1/p' debian/changelog)
spec=$(sed -n 's/^Version: *//p' igvmbuild.spec 2>/dev/null)
specapi=$(sed -n 's/^%global libigvm_api *//p' igvmbuild.spec 2>/dev/null)
man=$(grep -ho '"igvmbuild [0-9][^"]*"' man/*.[135] | sort -u | tr '\n' ' ')
if [ "$deb" = "$VERSION" ] && [ "$spec" = "$VERSION" ] && [ "$man" = "\"igvmbuild $VERSION\" " ] && [ "$specapi" = "$LIBV" ]; then
	ok "version $VERSION in Makefile, debian/changelog, igvmbuild.spec and every man page; libigvm API $LIBV in the spec"
else
	notok "versions: Makefile '$VERSION', changelog '$deb', spec '$spec' (API '$specapi' vs '$LIBV'), man pages $man"
fi
if command -v dpkg-parsechangelog >/dev/null 2>&1; then
	[ "$(dpkg-parsechangelog -l debian/changelog -S Version)" = "$VERSION" ] &&
		ok "dpkg-parsechangelog reads version $VERSION" || notok "dpkg-parsechangelog disagrees"
fi

# ---- lintian overrides, scripts, autopkgtest control
bad=
for f in debian/*.lintian-overrides debian/source/lintian-overrides; do
	[ -f "$f" ] || continue
	awk -v f="$f" '/^[^#[:space:]]/ && !(prev ~ /^# / && length(prev) > 12) { print f ": " $0; bad = 1 } { prev = $0 } END { exit bad }' "$f" >>"$T/noreason" || bad=1
done
[ -z "$bad" ] && ok "every lintian override follows a one-line reason" || notok "overrides without a reason: $(head -2 "$T/noreason" | tr '\n' ' ')"
for f in debian/rules debian/tests/cli debian/tests/default-image debian/tests/libigvm-dev; do
	[ -x "$f" ] || notok "$f is not executable"
done
syn=
for f in debian/tests/cli debian/tests/default-image debian/tests/libigvm-dev tests/pkg/package-check.sh; do
	sh -n "$f" 2>>"$T/syn" || syn="$syn $f"
done
[ -z "$syn" ] && ok "autopkgtest and package-check scripts parse" || notok "syntax:$syn"
missing=
for t in $(sed -n 's/^Tests: *//p' debian/tests/control); do
	[ -f "debian/tests/$t" ] || missing="$missing $t"
done
[ -z "$missing" ] && ok "every test of debian/tests/control exists" || notok "missing tests:$missing"
echo "1..$n"
[ $fails -eq 0 ]
