#!/bin/sh
# SPDX-License-Identifier: MIT
# t0700-libigvm-install.sh — libigvm as a distribution would ship it: `make install-libigvm` into a
# DESTDIR with PREFIX=/usr, then the ABI seen from outside the tree: file set, SONAME, exported
# symbols (shared and static), pkg-config metadata (QEMU's `igvm >= 0.3.0`), a program written
# against <igvm/igvm.h> built with `pkg-config --cflags --libs igvm` and run against the installed
# shared library, the same program linked statically, the headers in C++, and uninstall.
#
# Environment: B (build dir, default build), CC, MAKE.
set -u
# A parent make (a package build runs `make check LIBDIR=... V=1`) exports its command-line
# variables; the sub-makes here must see only what each test passes.
unset PREFIX BINDIR DATADIR MANDIR LIBDIR INCLUDEDIR PKGCONFIGDIR IGVMBUILD_GUESTDIR IGVMBUILD_DATADIR \
	IGVMBUILD_FIRMWARE BASHCOMPDIR V DEFAULT_IMAGE
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-cc}
MAKE=${MAKE:-make}
DUMPTEST=$SRC/$B/san/tests/test_libigvm_dump
case $B in /*) DUMPTEST=$B/san/tests/test_libigvm_dump ;; esac

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
finish() { echo "1..$n"; [ $fails -eq 0 ]; exit $?; }

if ! command -v pkg-config >/dev/null 2>&1; then
	skip "pkg-config is not installed"
	finish
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/t0700.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
D=$T/root
# The parent `make check` may export its own MAKEFLAGS (jobserver, -s): start clean.
if env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$MAKE" -C "$SRC" B="$B" CC="$CC" DESTDIR="$D" PREFIX=/usr \
	install-libigvm >"$T/make.log" 2>&1; then
	ok "make install-libigvm DESTDIR=... PREFIX=/usr"
else
	notok "make install-libigvm: $(tail -1 "$T/make.log")"
	finish
fi

L=$D/usr/lib
missing=
for f in "$L/libigvm.so.0.4.0" "$L/libigvm.so.0" "$L/libigvm.so" "$L/libigvm.a" "$L/pkgconfig/igvm.pc" \
	"$D/usr/include/igvm/igvm.h" "$D/usr/include/igvm/igvm_defs.h" "$D/usr/include/igvm/measure.h" "$D/usr/bin/igvm-dump" \
	"$D/usr/share/man/man3/igvm_report_verify.3" \
	"$D/usr/share/man/man3/libigvm.3" "$D/usr/share/man/man3/igvm_get_header.3" \
	"$D/usr/share/man/man1/igvm-dump.1"; do
	[ -e "$f" ] || missing="$missing ${f#"$D"}"
done
[ -z "$missing" ] && ok "library, links, headers, igvm.pc, igvm-dump and man pages installed" ||
	notok "installed files missing:$missing"
[ "$(readlink "$L/libigvm.so")" = libigvm.so.0 ] && [ "$(readlink "$L/libigvm.so.0")" = libigvm.so.0.4.0 ] &&
	ok "libigvm.so -> libigvm.so.0 -> libigvm.so.0.4.0" || notok "development and SONAME links"

if command -v readelf >/dev/null 2>&1; then
	readelf -d "$L/libigvm.so.0.4.0" | grep -q 'Library soname: \[libigvm.so.0\]' &&
		ok "SONAME is libigvm.so.0" || notok "SONAME is libigvm.so.0"
	needed=$(readelf -d "$L/libigvm.so.0.4.0" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
	# libcrypto for <igvm/measure.h> (hashing, ECDSA, X.509); never json-c, libxml2 or libelf.
	case $needed in
	"libc.so.6 libcrypto.so.3 libz.so.1 ") ok "libigvm needs libz, libcrypto and libc, nothing else" ;;
	*) notok "libigvm's NEEDED: $needed" ;;
	esac
else
	skip "readelf is not installed"
	skip "readelf is not installed"
fi

API="igvm_free igvm_free_buffer igvm_get_buffer igvm_get_buffer_size igvm_get_header igvm_get_header_data
igvm_get_header_type igvm_header_count igvm_new_from_binary"
MAPI="igvm_measure_free igvm_measure_id_block igvm_measure_launch_digest igvm_measure_launch_digest_path
igvm_measure_ovmf igvm_report_option_name igvm_report_result_authenticated igvm_report_result_check_class
igvm_report_result_check_count igvm_report_result_check_detail igvm_report_result_check_name
igvm_report_result_check_status igvm_report_result_free igvm_report_result_json igvm_report_result_text
igvm_report_result_verdict igvm_report_result_warning igvm_report_verifier_free igvm_report_verifier_new
igvm_report_verifier_set igvm_report_verifier_set_data igvm_report_verify"
MAPI2="igvm_measure_tdvf igvm_measure_tdx_mrtd igvm_measure_tdx_mrtd_path"
# shellcheck disable=SC2086
want=$(printf '%s\n' $API $MAPI $MAPI2 | sort)
if command -v nm >/dev/null 2>&1; then
	got=$(nm -D --defined-only "$L/libigvm.so.0.4.0" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort)
	[ "$got" = "$want" ] && ok "the shared library exports exactly the 9 igvm.h and 25 measure.h functions" ||
		notok "shared exports: $(echo $got)"
	# The microsoft/igvm API keeps its node; QEMU binaries linked against it keep resolving.
	v04=$(nm -D --defined-only "$L/libigvm.so.0.4.0" | grep -c '@@IGVM_0\.4$')
	vm=$(nm -D --defined-only "$L/libigvm.so.0.4.0" | grep -c '@@IGVM_MEASURE_0\.1$')
	# The TDX functions came later (igvmbuild 0.2.0, the same release): their own node, IGVM_MEASURE_0.1 unchanged.
	vm2=$(nm -D --defined-only "$L/libigvm.so.0.4.0" | grep '@@IGVM_MEASURE_0\.2$' | awk '{ sub(/@.*/, "", $3); print $3 }' |
		sort | tr '\n' ' ')
	[ "$v04" = 9 ] && [ "$vm" = 22 ] && [ "$vm2" = "$(echo $MAPI2) " ] &&
		ok "igvm.h's symbols carry IGVM_0.4, measure.h's IGVM_MEASURE_0.1, the TDX ones IGVM_MEASURE_0.2" ||
		notok "symbol version nodes: $v04 in IGVM_0.4, $vm in IGVM_MEASURE_0.1, '$vm2' in IGVM_MEASURE_0.2"
	got=$(nm -g --defined-only "$L/libigvm.a" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort)
	[ "$got" = "$want" ] && ok "the static library's only global symbols are the API functions" ||
		notok "static globals: $(echo $got | cut -c1-200)"
else
	skip "nm is not installed"
	skip "nm is not installed"
	skip "nm is not installed"
fi

PKG="env PKG_CONFIG_PATH=$L/pkgconfig PKG_CONFIG_LIBDIR=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D pkg-config"
[ "$($PKG --modversion igvm 2>/dev/null)" = 0.4.0 ] && ok "pkg-config --modversion igvm: 0.4.0" ||
	notok "pkg-config --modversion igvm: '$($PKG --modversion igvm 2>&1)'"
$PKG --atleast-version=0.3.0 igvm && ok "satisfies QEMU's dependency('igvm', version: '>= 0.3.0')" ||
	notok "pkg-config --atleast-version=0.3.0 igvm"
CFLAGS_IGVM=$($PKG --cflags igvm)
LIBS_IGVM=$($PKG --libs igvm)
case "$CFLAGS_IGVM $LIBS_IGVM" in
*"$D/usr/include"*"-L$D/usr/lib"*"-ligvm"*) ok "--cflags/--libs point into the sysroot: $CFLAGS_IGVM $LIBS_IGVM" ;;
*) notok "--cflags/--libs: $CFLAGS_IGVM $LIBS_IGVM" ;;
esac

# A consumer in the style of microsoft/igvm's dump_igvm and C tests. It includes only <igvm/igvm.h>
# and, like dump_igvm, relies on it for <stdlib.h> (malloc/free are not declared otherwise).
cat >"$T/consumer.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <igvm/igvm.h>

int main(int argc, char **argv)
{
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	if (!f)
		return 2;
	uint8_t *buf = malloc(1 << 20);
	size_t len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	IgvmHandle h = igvm_new_from_binary(buf, (uint32_t)len);
	free(buf);
	if (h <= 0)
		return 3;
	printf("%d %d %d", igvm_header_count(h, IGVM_HEADER_SECTION_PLATFORM),
	       igvm_header_count(h, IGVM_HEADER_SECTION_INITIALIZATION),
	       igvm_header_count(h, IGVM_HEADER_SECTION_DIRECTIVE));
	IgvmHandle b = igvm_get_header(h, IGVM_HEADER_SECTION_DIRECTIVE, 1);
	const IGVM_VHS_PAGE_DATA *p = (const IGVM_VHS_PAGE_DATA *)(igvm_get_buffer(h, b) + sizeof(IGVM_VHS_VARIABLE_HEADER));
	printf(" %llx %u %u", (unsigned long long)p->gpa, p->file_offset, IGVM_UINT32_FLAGS_VALUE(p->flags));
	igvm_free_buffer(h, b);
	IgvmHandle d = igvm_get_header_data(h, IGVM_HEADER_SECTION_DIRECTIVE, 3);
	printf(" %d %u", igvm_get_buffer_size(h, d), igvm_get_buffer(h, d)[4095]);
	printf(" %d", igvm_get_header_data(h, IGVM_HEADER_SECTION_DIRECTIVE, 9) == IGVMAPI_NO_DATA);
	igvm_free(h);
	printf(" %d\n", igvm_header_count(h, IGVM_HEADER_SECTION_DIRECTIVE) == IGVMAPI_INVALID_HANDLE);
	return 0;
}
EOF
if [ -x "$DUMPTEST" ] && "$DUMPTEST" --write-conformance "$T/conf.igvm"; then
	# shellcheck disable=SC2086
	if $CC -std=gnu11 -Wall -Wextra -Werror $CFLAGS_IGVM -o "$T/consumer" "$T/consumer.c" $LIBS_IGVM 2>"$T/cc.err"; then
		ok "a consumer compiles warning-free and links with pkg-config --cflags --libs igvm"
		if command -v readelf >/dev/null 2>&1; then
			readelf -d "$T/consumer" | grep -q 'NEEDED.*libigvm.so.0' && ok "it needs libigvm.so.0" ||
				notok "the consumer does not need libigvm.so.0"
		fi
		out=$(LD_LIBRARY_PATH=$L "$T/consumer" "$T/conf.igvm" 2>&1)
		[ "$out" = "1 2 11 1000 0 0 4096 4 1 1" ] &&
			ok "it runs against the installed libigvm.so on the conformance file" ||
			notok "consumer on the installed library printed '$out'"
	else
		notok "consumer build: $(head -3 "$T/cc.err" | tr '\n' ' ')"
	fi
	# shellcheck disable=SC2086
	if $CC -std=gnu11 -Wall -Wextra -Werror $CFLAGS_IGVM -o "$T/consumer-static" "$T/consumer.c" "$L/libigvm.a" \
		$($PKG --static --libs-only-l igvm | sed 's/-ligvm//') 2>"$T/cc.err"; then
		out=$("$T/consumer-static" "$T/conf.igvm" 2>&1)
		[ "$out" = "1 2 11 1000 0 0 4096 4 1 1" ] && ok "the same consumer linked with libigvm.a" ||
			notok "static consumer printed '$out'"
	else
		notok "static consumer build: $(head -3 "$T/cc.err" | tr '\n' ' ')"
	fi
else
	skip "test_libigvm_dump is not built ($DUMPTEST): no conformance file"
	skip "test_libigvm_dump is not built"
	skip "test_libigvm_dump is not built"
	skip "test_libigvm_dump is not built"
fi

CXX=${CXX:-c++}
if command -v "$CXX" >/dev/null 2>&1; then
	cat >"$T/consumer.cc" <<'EOF'
#include <igvm/igvm.h>
static_assert(sizeof(IGVM_VHS_SUPPORTED_PLATFORM) == 16, "platform");
static_assert(sizeof(IGVM_VHS_PAGE_DATA) == 24, "page data");
static_assert(sizeof(IGVM_VHS_VP_CONTEXT) == 24, "vp context");
static_assert(sizeof(IGVM_VHS_MEMORY_MAP_ENTRY) == 24, "memory map entry");
static_assert(sizeof(IgvmPlatformType) == 1 && sizeof(IgvmPageDataType) == 2, "enum widths");
int main() { return igvm_header_count(0, IGVM_HEADER_SECTION_PLATFORM) == IGVMAPI_INVALID_HANDLE ? 0 : 1; }
EOF
	# shellcheck disable=SC2086
	if "$CXX" -std=c++11 -Wall -Wextra -Werror $CFLAGS_IGVM -o "$T/consumer-cxx" "$T/consumer.cc" $LIBS_IGVM \
		2>"$T/cxx.err" && LD_LIBRARY_PATH=$L "$T/consumer-cxx"; then
		ok "the headers work from C++ with the same layouts"
	else
		notok "C++ consumer: $(head -3 "$T/cxx.err" | tr '\n' ' ')"
	fi
else
	skip "no C++ compiler"
fi

if env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$MAKE" -C "$SRC" B="$B" CC="$CC" DESTDIR="$D" PREFIX=/usr \
	uninstall-libigvm >"$T/make.log" 2>&1 && [ -z "$(find "$D" -type f -o -type l)" ]; then
	ok "make uninstall-libigvm removes every installed file"
else
	notok "uninstall left: $(find "$D" -type f -o -type l | head -3 | tr '\n' ' ')"
fi
finish
