#!/bin/sh
# SPDX-License-Identifier: MIT
# t0710-libigvm-measure.sh — <igvm/measure.h> as other languages see it: the
# library installed with `make install-libigvm` into a DESTDIR, then a C++
# program (tests/libigvm/measure_consumer.cc, built with pkg-config) and a
# Python ctypes script (tests/libigvm/measure_ctypes.py, Debian's python3)
# calling it. Their results are compared with igvmmeasure's, whose own tests
# hold them to upstream vectors: launch digests (any thread count), -v runs,
# the OVMF digest (Debian's OVMF.fd when installed), ID blocks byte for byte,
# and a real Milan report's verification.
#
# Environment: B (build dir, default build), CXX, MAKE, IGVMMEASURE, FIXTUREGEN, REPORTGEN.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$SRC/tests/cli/lib.sh"
case $B in /*) ;; *) B=$SRC/$B ;; esac
M=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
FIXTUREGEN=${FIXTUREGEN:-$B/san/tests/test_measure_igvm_digest}
G=${REPORTGEN:-$B/san/tests/test_measure_report}
CXX=${CXX:-c++}
MAKE=${MAKE:-make}
T=$T_TMP
DATA=$SRC/tests/data/snp
OVMF=${OVMF_FD:-/usr/share/ovmf/OVMF.fd}

is() { if [ "$2" = "$3" ]; then t_ok "$1"; else t_not_ok "$1"; echo "#   got:  '$2'"; echo "#   want: '$3'"; fi; }

for tool in "$M" "$FIXTUREGEN" "$G"; do
	if [ ! -x "$tool" ]; then
		t_skip "$tool not built"
		t_done
		exit 0
	fi
done
if ! command -v pkg-config >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
	t_skip "pkg-config or openssl is not installed"
	t_done
	exit 0
fi

D=$T/root
if env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$MAKE" -C "$SRC" B="$B" DESTDIR="$D" PREFIX=/usr install-libigvm \
	>"$T/make.log" 2>&1; then
	t_ok "make install-libigvm DESTDIR=... PREFIX=/usr"
else
	t_not_ok "make install-libigvm: $(tail -1 "$T/make.log")"
	t_done
	exit 1
fi
L=$D/usr/lib
PKG="env PKG_CONFIG_PATH=$L/pkgconfig PKG_CONFIG_LIBDIR=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D pkg-config"

# Inputs and the CLI's answers.
FX=$T/fx
mkdir -p "$FX"
"$FIXTUREGEN" --fixtures "$FX" >/dev/null 2>&1
IGVM=$FX/mixed.igvm
WANT=$("$M" "$IGVM" measure -b 2>/dev/null)
is "igvmmeasure measures the fixture" "${#WANT}" 96
"$M" -v "$IGVM" measure -b 2>/dev/null | sed -n 's/^gpa \(0x[0-9a-f]*\) len \(0x[0-9a-f]*\) .*/\1 \2/p' >"$T/cli-runs"
"$G" --unhex "$DATA/milan-virtee.report.hex" "$T/report.bin"
openssl ecparam -name secp384r1 -genkey -noout -out "$T/id.pem" 2>/dev/null
IDB=$("$M" id-block --digest "$WANT" --policy 0x30000 --id-key "$T/id.pem" | sed -n 's/^id-block=\([^,]*\),id-auth=\(.*\)$/\1 \2/p')
if [ -f "$OVMF" ]; then
	WANT_OVMF=$("$M" ovmf --mode snp --ovmf "$OVMF" --vcpus 2 --vcpu-type EPYC-v4 2>/dev/null)
else
	OVMF=-
	WANT_OVMF=-
fi
# TDX (IGVM_MEASURE_0.2): the TDX unit test's fixtures, and the CLI's MRTDs of them.
TDXGEN=${TDXGEN:-$B/san/tests/test_measure_tdx_mrtd}
TDX_ARGS=
if [ -x "$TDXGEN" ] && "$TDXGEN" --fixtures "$FX/tdx" >/dev/null 2>&1; then
	TDX_IGVM=$FX/tdx/tdx-one-page.igvm
	TDVF=$FX/tdx/tdvf-small.fd
	WANT_MRTD=$("$M" -p tdx "$TDX_IGVM" measure -b 2>/dev/null)
	WANT_SINGLE=$("$M" tdvf --firmware "$TDVF" 2>/dev/null)
	WANT_TWO=$("$M" tdvf --firmware "$TDVF" --page-order two-pass 2>/dev/null)
	TDX_ARGS="$TDX_IGVM $WANT_MRTD $TDVF $WANT_SINGLE $WANT_TWO"
fi

# ---- C++ ----
if command -v "$CXX" >/dev/null 2>&1; then
	# shellcheck disable=SC2046
	if "$CXX" -std=c++17 -Wall -Wextra -Werror $($PKG --cflags igvm) -o "$T/consumer" \
		"$SRC/tests/libigvm/measure_consumer.cc" $($PKG --libs igvm) 2>"$T/cxx.err"; then
		t_ok "a C++17 consumer of <igvm/measure.h> builds warning-free with pkg-config --cflags --libs igvm"
		run() { LD_LIBRARY_PATH=$L "$T/consumer" "$@"; }
		for th in 1 2 5; do
			is "C++: igvm_measure_launch_digest_path with $th thread(s) = igvmmeasure's digest" \
				"$(run digest "$IGVM" $th | cut -d' ' -f1,3)" "$WANT threads=$th"
		done
		run runs "$IGVM" >"$T/cxx-runs"
		if cmp -s "$T/cxx-runs" "$T/cli-runs" && [ -s "$T/cli-runs" ]; then
			t_ok "C++: the run callback gives igvmmeasure -v's runs ($(wc -l <"$T/cli-runs" | tr -d ' '))"
		else
			t_not_ok "C++: runs differ from igvmmeasure -v"
			diff "$T/cxx-runs" "$T/cli-runs" | head -5 | sed 's/^/#   /'
		fi
		out=$(run report "$T/report.bin" vcek "$DATA/milan-virtee.vcek.pem" require-no-debug - min-tcb snp=9)
		is "C++: a real report verifies (authenticated), --min-tcb snp=9 gives verdict 5" \
			"$(echo "$out" | head -1)" "verdict=5 authenticated=1"
		is "C++: checks by name, class and status" "$(echo "$out" | grep -E '^(signature|vcek.hwid|tcb|policy.debug) ' | tr '\n' ';')" \
			"signature 0 0;vcek.hwid 0 0;policy.debug 2 0;tcb 2 1;"
		is "C++: error paths" "$(run bad | tr '\n' ';')" \
			"junk=-3 fixed-header.size;missing=-1001 /nonexistent/x.igvm;nodetails=-1;option=-1 --no-such-option;report=-3 report.size null;option0=certs 1;"
		if [ -n "$TDX_ARGS" ]; then
			is "C++: igvm_measure_tdx_mrtd(_path) = igvmmeasure -p tdx" "$(run tdx "$TDX_IGVM")" \
				"$WANT_MRTD page_adds=1 mr_extends=16 mask=0x1"
			is "C++: igvm_measure_tdvf in both orders = igvmmeasure tdvf" \
				"$(run tdvf "$TDVF" 0) $(run tdvf "$TDVF" 1)" "$WANT_SINGLE $WANT_TWO"
			is "C++: TDX error paths" "$(run tdxbad | tr '\n' ';')" \
				"junk=-3 fixed-header.size;small=-1 details;order=-1 order;firmware=-3 footer-area;"
		else
			t_skip "no TDX fixtures ($TDXGEN)"
		fi
	else
		t_not_ok "C++ consumer: $(head -3 "$T/cxx.err" | tr '\n' ' ')"
	fi
else
	t_skip "no C++ compiler"
fi

# ---- Python ctypes ----
if t_have_python; then
	# shellcheck disable=SC2086
	python3 "$SRC/tests/libigvm/measure_ctypes.py" "$L/libigvm.so.0" "$IGVM" "$WANT" "$T/report.bin" \
		"$DATA/milan-virtee.vcek.pem" "$OVMF" "$WANT_OVMF" "$T/id.pem" $IDB $TDX_ARGS >"$T/py.out" 2>"$T/py.err"
	# The script's results, renumbered as this script's.
	while IFS= read -r line; do
		case $line in
		"ok "*) t_ok "python: ${line#* - }" ;;
		"not ok "*) t_not_ok "python: ${line#* - }" ;;
		esac
	done <"$T/py.out"
	[ -s "$T/py.err" ] && t_diag "$T/py.err"
	grep -q '^ok' "$T/py.out" || t_not_ok "python: the ctypes script printed no results"
else
	t_skip "python3 not installed"
fi

t_done
