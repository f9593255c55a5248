#!/bin/sh
# SPDX-License-Identifier: MIT
# t0730-install.sh — what `make install` adds for distributions: the guest binaries in
# IGVMBUILD_GUESTDIR and templates rewritten to name them, so the installed default template builds,
# with only installed files, the same image as the tree's template given the same inputs; the pinned
# firmware helper installed; the install honours DESTDIR; uninstall removes it all. The default
# image is never built when DEFAULT_IMAGE=no, and fetch.sh downloads nothing when offline.
#
# Environment: B (build dir), IGVMBUILD, IGVMMEASURE, MAKE.
set -u
# A parent make (a package build runs `make check LIBDIR=... V=1`) exports its command-line
# variables; the sub-makes here must see only what each test passes.
unset PREFIX BINDIR DATADIR MANDIR LIBDIR INCLUDEDIR PKGCONFIGDIR IGVMBUILD_GUESTDIR IGVMBUILD_DATADIR \
	IGVMBUILD_FIRMWARE BASHCOMPDIR V DEFAULT_IMAGE
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}
IGVMMEASURE=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
MAKE=${MAKE:-make}
case $IGVMBUILD in /*) ;; *) IGVMBUILD=$(pwd)/$IGVMBUILD ;; esac
case $IGVMMEASURE in /*) ;; *) IGVMMEASURE=$(pwd)/$IGVMMEASURE ;; esac

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
finish() { echo "1..$n"; [ $fails -eq 0 ]; exit $?; }
mk() { env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$MAKE" -s -C "$SRC" B="$B" "$@"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0730.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

for f in "$IGVMBUILD" "$B/svsm/svsm.elf" "$B/loaders/stage2.bin"; do
	if [ ! -e "$f" ]; then
		skip "$f is not built (make check-build)"
		finish
	fi
done

# A synthetic SVSM-capable firmware (tests/build/mkfixtures.py), so nothing is downloaded.
mkdir -p "$T/fx"
if ! python3 "$SRC/tests/build/mkfixtures.py" "$T/fx" "$B/svsm/svsm.elf" >"$T/fx.log" 2>&1; then
	notok "mkfixtures.py: $(tail -1 "$T/fx.log")"
	finish
fi
FW=$T/fx/ovmf.fd

P=$T/prefix
if mk PREFIX="$P" IGVMBUILD_FIRMWARE="$FW" install-templates install-guest >"$T/make.log" 2>&1; then
	ok "make install-templates install-guest PREFIX=..."
else
	notok "install: $(tail -2 "$T/make.log" | tr '\n' ' ')"
	finish
fi
TD=$P/share/igvmbuild/templates
missing=
for f in "$P/lib/igvmbuild/svsm.elf" "$P/lib/igvmbuild/stage2.bin" "$TD/qemu-snp.xml" "$TD/qemu-native.xml" "$TD/qemu-tdx.xml" \
	"$TD/vtpm-default.xml" "$TD/igvmbuild-template.xsd" "$TD/vtpm-manifest.xsd" \
	"$P/share/igvmbuild/firmware/ovmf-svsm.pin" "$P/share/igvmbuild/firmware/README.md"; do
	[ -f "$f" ] || missing="$missing $f"
done
[ -x "$P/share/igvmbuild/firmware/fetch.sh" ] || missing="$missing fetch.sh(executable)"
[ -z "$missing" ] && ok "guest binaries in PREFIX/lib/igvmbuild, templates and the firmware helper in PREFIX/share/igvmbuild" ||
	notok "not installed:$missing"
cmp -s "$P/lib/igvmbuild/svsm.elf" "$B/svsm/svsm.elf" && cmp -s "$P/lib/igvmbuild/stage2.bin" "$B/loaders/stage2.bin" &&
	ok "the installed SVSM core and stage 2 are the built ones" || notok "installed guest binaries differ"

if grep -q '\.\./build' "$TD/qemu-snp.xml" "$TD/qemu-native.xml" "$TD/qemu-tdx.xml"; then
	notok "an installed template still names the build directory"
elif grep -q ">$P/lib/igvmbuild/svsm.elf<" "$TD/qemu-snp.xml" && grep -q ">$P/lib/igvmbuild/stage2.bin<" "$TD/qemu-snp.xml" &&
	grep -q ">$FW<" "$TD/qemu-snp.xml" && grep -q ">$P/lib/igvmbuild/svsm.elf<" "$TD/qemu-native.xml" &&
	grep -q ">$FW<" "$TD/qemu-tdx.xml"; then
	ok "installed templates name the installed SVSM core, stage 2 and IGVMBUILD_FIRMWARE"
else
	notok "installed template paths: $(grep -E '<(kernel|stage2|firmware)>' "$TD/qemu-snp.xml" | tr -s ' ' | tr '\n' ' ')"
fi
# Only the inputs differ from the tree's templates.
for t in qemu-snp.xml qemu-native.xml qemu-tdx.xml; do
	if diff "$SRC/templates/$t" "$TD/$t" | grep '^[<>]' | grep -vqE '<(kernel|stage2|firmware)>|<!-- (the pinned|an SVSM-capable)'; then
		notok "installed $t differs from the tree's beyond its inputs"
	else
		ok "installed $t differs from the tree's only in its inputs"
	fi
done

# The default template (no -t), found through IGVMBUILD_TEMPLATE_DIR, with installed files only.
cd "$T" || finish
if IGVMBUILD_TEMPLATE_DIR=$TD "$IGVMBUILD" build -o "$T/installed.igvm" >"$T/inst.out" 2>"$T/inst.err"; then
	ok "igvmbuild build with the installed default template and nothing else ($(sed -n 's/^SNP launch digest: \(.\{16\}\).*/\1.../p' "$T/inst.out"))"
else
	notok "build with the installed default template: $(head -2 "$T/inst.err" | tr '\n' ' ')"
fi
if "$IGVMBUILD" build -t "$SRC/templates/qemu-snp.xml" --kernel "$B/svsm/svsm.elf" --stage2 "$B/loaders/stage2.bin" \
	--firmware "$FW" -o "$T/tree.igvm" >"$T/tree.out" 2>"$T/tree.err" && cmp -s "$T/tree.igvm" "$T/installed.igvm"; then
	ok "the installed template builds the tree template's image byte for byte"
else
	notok "installed and tree images differ: $(head -2 "$T/tree.err" | tr '\n' ' ')"
fi
d=$(sed -n 's/^SNP launch digest: //p' "$T/inst.out")
if [ -x "$IGVMMEASURE" ]; then
	m=$("$IGVMMEASURE" "$T/installed.igvm" measure 2>/dev/null | grep -oiE '[0-9a-f]{96}' | head -1 | tr a-f A-F)
	[ -n "$d" ] && [ "$m" = "$d" ] && ok "igvmmeasure agrees with the digest igvmbuild printed" ||
		notok "igvmmeasure says '$m', igvmbuild said '$d'"
fi

# The installed TDX template: the firmware alone, its MRTD that of the firmware's direct launch. The
# synthetic SVSM firmware has no TDX metadata: a synthetic TDVF from the TDX unit test stands in.
TDVF=$T/tdvf/tdvf-small.fd
"$B/san/tests/test_measure_tdx_mrtd" --fixtures "$T/tdvf" >/dev/null 2>&1
if [ ! -r "$TDVF" ]; then
	skip "no synthetic TDVF ($B/san/tests/test_measure_tdx_mrtd not built)"
elif "$IGVMBUILD" build -t "$TD/qemu-tdx.xml" --firmware "$TDVF" -o "$T/tdx.igvm" >"$T/tdx.out" 2>"$T/tdx.err"; then
	if [ -x "$IGVMMEASURE" ] &&
		[ "$(sed -n 's/^TDX MRTD: //p' "$T/tdx.out")" = "$("$IGVMMEASURE" tdvf --firmware "$TDVF" 2>/dev/null)" ]; then
		ok "the installed qemu-tdx.xml builds the firmware's direct launch (MRTD as igvmmeasure tdvf)"
	else
		notok "installed qemu-tdx.xml: MRTD '$(cat "$T/tdx.out")' is not igvmmeasure tdvf's"
	fi
else
	notok "build with the installed qemu-tdx.xml: $(head -2 "$T/tdx.err" | tr '\n' ' ')"
fi

# Uninstall removes every file it installed.
if mk PREFIX="$P" uninstall-templates uninstall-guest >"$T/make.log" 2>&1 && [ -z "$(find "$P" -type f)" ]; then
	ok "make uninstall-templates uninstall-guest removes them"
else
	notok "uninstall left: $(find "$P" -type f | head -3 | tr '\n' ' ')"
fi

# DEFAULT_IMAGE=no: `make -n` plans no default image and no firmware download.
plan=$(mk -n DEFAULT_IMAGE=no all 2>&1)
if printf '%s\n' "$plan" | grep -qE 'fetch\.sh|svsm-qemu\.igvm'; then
	notok "make DEFAULT_IMAGE=no still plans the default image or a firmware download"
else
	ok "make DEFAULT_IMAGE=no plans neither the default image nor a firmware download"
fi
# Offline: fetch.sh refuses to download (exit 3) and says how to give the package instead.
for how in "IGVMBUILD_OFFLINE=1" "DEB_BUILD_OPTIONS=nocheck offline"; do
	t_rc=0
	env "$how" sh "$SRC/firmware/fetch.sh" "$SRC/firmware/ovmf-svsm.pin" "$T/off/OVMF.fd" >"$T/off.out" 2>&1 || t_rc=$?
	if [ $t_rc -eq 3 ] && grep -q "offline" "$T/off.out" && [ ! -e "$T/off/OVMF.fd" ] &&
		! ls "$T/off" 2>/dev/null | grep -q '\.deb'; then
		ok "fetch.sh with $how downloads nothing (exit 3)"
	else
		notok "fetch.sh with $how: exit $t_rc, $(head -1 "$T/off.out")"
	fi
done
finish
