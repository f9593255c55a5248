#!/bin/sh
# SPDX-License-Identifier: MIT
# t0310-tdx.sh — TDX MRTDs: `igvmmeasure -p tdx FILE measure` (the
# microsoft/igvm crate's model) and `igvmmeasure tdvf --firmware FILE` (a
# direct TDVF launch), their output formats and exit codes.
#
# Golden values, none computed by the code under test:
#  - the crate's serializer TDX file → D8585C0F… (spec igvm-format.md §10.2,
#    verified against the crate);
#  - one page added, one page added and measured, and a one-page TDVF: the
#    records written here with printf from their documented layout (TDX
#    module TDH.MEM.PAGE.ADD / TDH.MR.EXTEND, spec §7.2) and hashed with
#    `openssl dgst -sha384`;
#  - Debian's OVMF (installed, and the pinned one `make` fetches): both page
#    orders against tdvf_mrtd_ref.py, an implementation in Python written from
#    the documented layouts, and against the values recorded below for those
#    exact files (by SHA-256), which that script gave.
# The IGVM files and the synthetic firmware come from the unit test in
# fixture mode ($B/san/tests/test_measure_tdx_mrtd --fixtures DIR).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMMEASURE=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}
FIXTUREGEN=${FIXTUREGEN:-$B/san/tests/test_measure_tdx_mrtd}
MKFIXTURES=${MKFIXTURES:-$B/san/tools/mkfixtures}
REF=$SRC/tests/cli/tdvf_mrtd_ref.py

SERIALIZER=D8585C0FE9F500F7EC21936BE616A9FF16969A6A47E9483C9561B2E2FD9412BDCCED56518174F17DC0A85326FF4B5AA8
# Debian 12 ovmf 2022.11-6+deb12u2, /usr/share/ovmf/OVMF.fd
DEB12_SHA256=7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773
DEB12_SINGLE=4C7206F0F483C524F12C366C711E9049030A8D47C471EE5AA9C4999A08DE4057FB887FED0744D5631A212967FB231C47
DEB12_TWO=ACCCBCC870A381ADAB0D3919D90A7F268AC3B0364771F202ED4BB4E892D045B33DB3B32E6924CBA830A724EED443F7E1
# Debian 13 ovmf 2025.02-8+deb13u1 (firmware/ovmf-svsm.pin), build/firmware/OVMF-svsm.fd
DEB13_SHA256=14954040cc754ade0c625ac3470ea46d4c14318b5b1396de4ef77090203d76db
DEB13_SINGLE=BDC6FB145880F06F30C8B346B8DCE2A99D9351B56892DF22F80FCF6574CAA9F9C31DF8E8576D53B4D0CD1C3F28910E11
DEB13_TWO=456F07902150D008BB913C3E1E84E9297F735A6C83CD2A957A1F0A8BBEDB06DF188E3837AE48D32C73D473D097DC0DB2

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1"; echo "#   got:  '$2'" >&2; echo "#   want: '$3'" >&2; fi; }
status() {
	d=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	is "$d (exit $want)" "$?" "$want"
}
grep_err() { if grep -q -- "$2" "$T/err"; then ok "$1"; else notok "$1"; sed 's/^/#   /' "$T/err" >&2; fi; }
grep_out() { if grep -q -- "$2" "$T/out"; then ok "$1"; else notok "$1"; sed -n '1,20s/^/#   /p' "$T/out" >&2; fi; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0310.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

if [ ! -x "$IGVMMEASURE" ] || [ ! -x "$FIXTUREGEN" ] || [ ! -x "$MKFIXTURES" ]; then
	skip "igvmmeasure or the fixture generators not built"
	echo "1..$n"
	exit 0
fi
FX=$T/fx
if ! "$FIXTUREGEN" --fixtures "$FX" >/dev/null 2>"$T/gen.err" || ! "$MKFIXTURES" "$FX" >/dev/null 2>>"$T/gen.err"; then
	notok "generate fixtures: $(head -1 "$T/gen.err")"
	echo "1..$n"
	exit 1
fi
M=$IGVMMEASURE

# ---- records, by hand ---------------------------------------------------------------------------
# le64 N: N as 8 little-endian bytes.
le64() {
	_v=$1 _i=0 _s=
	while [ $_i -lt 8 ]; do
		_s="$_s\\$(printf '%03o' $((_v & 255)))"
		_v=$((_v >> 8))
		_i=$((_i + 1))
	done
	printf "$_s"
}
# page_add GPA: the 128-byte TDH.MEM.PAGE.ADD record.
page_add() {
	printf 'MEM.PAGE.ADD\000\000\000\000'
	le64 "$1"
	head -c 104 /dev/zero
}
# extend GPA FILE: the sixteen 384-byte TDH.MR.EXTEND records of a 4 KiB page held in FILE.
extend() {
	_c=0
	while [ $_c -lt 16 ]; do
		printf 'MR.EXTEND\000\000\000\000\000\000\000'
		le64 $(($1 + _c * 256))
		head -c 104 /dev/zero
		dd if="$2" bs=256 skip=$_c count=1 2>/dev/null
		_c=$((_c + 1))
	done
}
sha384() { openssl dgst -sha384 | sed 's/.*= //' | tr a-f A-F; }
have_openssl() { command -v openssl >/dev/null 2>&1; }

# ---- igvmmeasure -p tdx ----------------------------------------------------------------------------
status "the crate's serializer TDX file" 0 "$M" -p tdx "$FX/ser-tdx.igvm" measure
grep_out "... MRTD D8585C0F... in COCONUT's banner" "^MRTD: $SERIALIZER\$"
grep_out "... the banner names the file" "^igvmmeasure '$FX/ser-tdx.igvm'\$"
status "-b: the bare MRTD" 0 "$M" -p tdx "$FX/ser-tdx.igvm" measure -b
is "... one line, the MRTD" "$(cat "$T/out")" "$SERIALIZER"

if have_openssl; then
	"$M" -p tdx "$FX/tdx-add-only.igvm" measure -b >"$T/out" 2>"$T/err"
	is "one unmeasured page = SHA-384 of one PAGE.ADD record (openssl)" "$(cat "$T/out")" "$(page_add 8192 | sha384)"
	"$M" -p tdx "$FX/tdx-one-page.igvm" measure -b >"$T/out" 2>"$T/err"
	is "one measured page = SHA-384 of PAGE.ADD + 16 MR.EXTEND records (openssl)" "$(cat "$T/out")" \
		"$({ page_add 4096; extend 4096 "$FX/tdx-one-page.bin"; } | sha384)"
	"$M" tdvf --firmware "$FX/tdvf-one-page.fd" >"$T/out" 2>"$T/err"
	is "a one-page TDVF = SHA-384 of its PAGE.ADD and MR.EXTEND records (openssl)" "$(cat "$T/out")" \
		"$({ page_add 4294963200; extend 4294963200 "$FX/tdvf-one-page.bin"; } | sha384)"
else
	skip "openssl not installed: hand-computed records"
	skip "openssl not installed: hand-computed records"
	skip "openssl not installed: hand-computed records"
fi

status "-v: one line per page and operation" 0 "$M" -v -p tdx "$FX/tdx-one-page.igvm" measure
grep_out "... PAGE.ADD line" "^gpa 0x1000 MEM.PAGE.ADD\$"
grep_out "... MR.EXTEND line" "^gpa 0x1000 MR.EXTEND x16 (data)\$"
is "... two operation lines before the banner" "$(grep -c '^gpa ' "$T/out")" 2
status "-v on pages without data" 0 "$M" -v -p tdx "$FX/tdx-2mb.igvm" measure
grep_out "... zero pages are extended with zeros" "^gpa 0x200000 MR.EXTEND x16 (zeros)\$"
grep_err "... an is_2mb_page header warns (tdx.2mb-page)" "warning: .*tdx-2mb.igvm: tdx.2mb-page: 1 page"
status "--json" 0 "$M" -p tdx --json "$FX/tdx-2mb.igvm" measure
for want in '"platform": "tdx"' '"loader_model": "igvm-crate"' '"digest_algorithm": "sha384"' \
	'"mrtd": "' '"page_adds": 1' '"mr_extends": 16' '"zero_pages": 1' '"shared_pages_skipped": 1' \
	'"large_pages_as_4k": 1'; do
	grep_out "... $want" "$want"
done
status "--json -v lists the operations" 0 "$M" -v -p tdx --json "$FX/tdx-one-page.igvm" measure
if command -v python3 >/dev/null 2>&1; then
	ops=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(o["op"] + "@" + o["gpa"] for o in d["operations"]))' <"$T/out")
	is "... a valid document with the operations in order" "$ops" "MEM.PAGE.ADD@0x1000 MR.EXTEND@0x1000"
else
	grep_out "... an operations array" '"operations"'
fi
status "the multi-platform fixture, TDX part" 0 "$M" -p tdx "$FX/multi.igvm" measure --json
grep_out "... the TDX header's mask" '"compatibility_mask": "0x2"'

status "an SNP-only file" 1 "$M" -p tdx "$FX/ser-snp.igvm" measure
grep_err "... measure.platform, naming what the file has" "offset 0x18: measure.platform: the file has no TDX platform header (it supports: SEV_SNP)"
status "--check-kvm with -p tdx" 2 "$M" -c -p tdx "$FX/ser-tdx.igvm" measure
grep_err "... says why" "QEMU/KVM load no IGVM file on TDX"
status "sign with -p tdx" 2 "$M" -p tdx "$FX/ser-tdx.igvm" sign --output "$T/x.igvm" --id-key /dev/null

# ---- igvmmeasure tdvf ------------------------------------------------------------------------------
status "tdvf: the synthetic firmware, single-pass" 0 "$M" tdvf --firmware "$FX/tdvf-small.fd"
single=$(cat "$T/out")
status "tdvf: two-pass" 0 "$M" tdvf --firmware "$FX/tdvf-small.fd" --page-order two-pass
two=$(cat "$T/out")
if [ "$single" != "$two" ] && [ ${#single} = 96 ]; then ok "... the orders differ for a two-page BFV"; else notok "... the orders differ"; fi
status "tdvf --json" 0 "$M" tdvf --firmware "$FX/tdvf-small.fd" --json
grep_out "... the MRTD of the chosen order" "\"mrtd\": \"$single\""
grep_out "... both orders" "\"mrtd_two_pass\": \"$two\""
grep_out "... the sections by type" '"type_name": "TD_HOB"'
grep_out "... the counts" '"page_adds": 6'
status "tdvf -v" 0 "$M" -v tdvf --firmware "$FX/tdvf-small.fd" --page-order two-pass
grep_out "... operations, then the labelled MRTD" "^MRTD (two-pass): $two\$"
is "... 6 PAGE.ADDs and 2 MR.EXTEND pages" "$(grep -c '^gpa ' "$T/out")" 8
if command -v python3 >/dev/null 2>&1; then
	is "... tdvf_mrtd_ref.py agrees (single-pass)" "$(python3 "$REF" "$FX/tdvf-small.fd" single-pass)" "$single"
	is "... tdvf_mrtd_ref.py agrees (two-pass)" "$(python3 "$REF" "$FX/tdvf-small.fd" two-pass)" "$two"
else
	skip "python3 not installed"
	skip "python3 not installed"
fi
status "tdvf: warnings do not stop the measurement" 0 "$M" tdvf --firmware "$FX/tdvf-payload.fd"
grep_err "... QEMU refuses the section type" "offset 0x4188: tdvf.qemu-section-type: section 3 is PAYLOAD"
grep_err "... raw data shorter than the measured memory" "tdvf.raw-shorter"
status "tdvf: a broken descriptor" 1 "$M" tdvf --firmware "$FX/tdvf-bad-signature.fd"
grep_err "... one line: file, offset, rule" "tdvf-bad-signature.fd: offset 0x4100: tdvf.signature: "
status "tdvf: an IGVM file is no firmware" 1 "$M" tdvf --firmware "$FX/ser-tdx.igvm"
grep_err "... no GUID table" "tdvf.no-table"
status "tdvf: a missing file" 3 "$M" tdvf --firmware "$T/none.fd"
status "tdvf: no --firmware" 2 "$M" tdvf
status "tdvf: an unknown order" 2 "$M" tdvf --firmware "$FX/tdvf-small.fd" --page-order both
grep_err "... names the choices" "single-pass or two-pass"
status "tdvf: an extra argument" 2 "$M" tdvf --firmware "$FX/tdvf-small.fd" extra
status "tdvf --help" 0 "$M" tdvf --help

# ---- igvmbuild inspect: TDX platform headers and VP contexts ---------------------------------------
if [ -x "$IGVMBUILD" ]; then
	status "inspect an OpenVMM-style TDX file" 0 "$IGVMBUILD" inspect "$FX/tdx-openvmm.igvm"
	grep_out "... GPAW from the shared bit" "tdx_shared_gpa: GPA bit 47 (GPAW 48)"
	grep_out "... the VP context found in the reset page" "tdx_vp_context: OpenVMM TdxTrampolineContext in the reset page, entry 0x100000"
	grep_out "... its registers by name" "initial_rip: 0x0000000000100000"
	grep_out "... cr3 and the transition cr3" "transition_cr3: 0x00004000"
	grep_out "... where the MRTD comes from" "measurement: MRTD (igvmmeasure -p tdx FILE measure)"
	status "inspect --json an OpenVMM-style TDX file" 0 "$IGVMBUILD" inspect --json "$FX/tdx-openvmm.igvm"
	grep_out "... the layout by name" '"tdx_vp_context_layout": "OpenVMM TdxTrampolineContext"'
	grep_out "... gpaw as a number" '"tdx_gpaw": 48'
	status "inspect a COCONUT-style TDX file" 0 "$IGVMBUILD" inspect "$FX/tdx-coconut.igvm"
	grep_out "... TD partitioning (highest VTL 2)" "tdx_td_partitioning: yes"
	grep_out "... COCONUT's start context" "tdx_vp_context: COCONUT-SVSM TdpStartContext in the reset page, entry 0x10002"
	grep_out "... ap_entry by name" "ap_entry: 0x00010004"
	status "inspect the crate's TDX file" 0 "$IGVMBUILD" inspect "$FX/ser-tdx.igvm"
	grep_out "... the architectural start" "tdx_vp_context: architectural: the TDX module's initial state at 0xFFFFFFF0"
	grep_out "... no shared bit" "tdx_shared_gpa: none given (0)"
	status "inspect a TDX boundary that is no shared bit" 0 "$IGVMBUILD" inspect "$FX/tdx-odd-boundary.igvm"
	grep_out "... says so" "tdx_shared_gpa: not a TDX shared bit"
	status "a VP_CONTEXT for TDX is refused" 1 "$IGVMBUILD" inspect "$FX/tdx-vp-context.igvm"
	grep_err "... one line naming the rule" "offset 0x[0-9a-f]*: vp-context.platform: mask 0x1 selects TDX, which takes no VP context"
	status "--check the OpenVMM-style TDX file" 0 "$M" -p tdx "$FX/tdx-openvmm.igvm" measure -b
else
	skip "igvmbuild not built"
fi

# ---- igvmbuild build with the tdx platform ---------------------------------------------------------
# refuse DESC CODE PATTERN ARGS...: exit CODE, one stderr line matching PATTERN, no output file.
refuse() {
	d=$1 code=$2 pat=$3
	shift 3
	rm -f "$T/bad.igvm"
	"$IGVMBUILD" build "$@" -o "$T/bad.igvm" >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -eq "$code" ] && grep -q -- "$pat" "$T/err" && [ ! -e "$T/bad.igvm" ] && [ "$(wc -l <"$T/err")" -eq 1 ]; then
		ok "build refuses $d"
	else
		notok "build refuses $d (exit $rc, want $code; stderr: $(head -2 "$T/err" | tr '\n' '|'))"
	fi
}
if [ -x "$IGVMBUILD" ]; then
	cat >"$FX/tdx.xml" <<'XML'
<?xml version="1.0"?>
<igvmbuild-template version="1">
  <platforms><platform>tdx</platform></platforms>
  <hypervisor>qemu</hypervisor>
  <tdx-policy>0x2</tdx-policy>
  <inputs><firmware>tdvf-small.fd</firmware></inputs>
</igvmbuild-template>
XML
	status "build a TDX-only image from the firmware alone" 0 "$IGVMBUILD" build -t "$FX/tdx.xml" -o "$T/tdx.igvm"
	grep_out "... prints the MRTD, the direct launch's (single-pass)" "^TDX MRTD: $single\$"
	is "... and nothing else" "$(wc -l <"$T/out" | tr -d ' ')" 1
	"$M" -p tdx "$T/tdx.igvm" measure -b >"$T/out" 2>"$T/err"
	is "... igvmmeasure -p tdx gives the same MRTD from the file" "$(cat "$T/out")" "$single"
	status "... inspect --check accepts it (strict rules)" 0 "$IGVMBUILD" inspect --check "$T/tdx.igvm"
	"$IGVMBUILD" inspect "$T/tdx.igvm" >"$T/out" 2>&1
	grep_out "... the TDX platform with mask 0x4" "compatibility_mask: 0x00000004"
	grep_out "... the TDX policy" "tdx_policy: flags=SEPT_VE_DISABLE"
	status "--json and --reference-values" 0 "$IGVMBUILD" build -t "$FX/tdx.xml" -o "$T/tdx2.igvm" --json \
		--reference-values "$T/ref.json" --tdx-policy 0x3
	lower=$(echo "$single" | tr A-F a-f)
	grep_out "... tdx_mrtd" "\"tdx_mrtd\": \"$lower\""
	grep_out "... no SNP digest" '"snp_launch_digest": null'
	grep_out "... the policy from --tdx-policy" '"tdx_policy": "0x3"'
	grep_out "... its bits by name" '"debug"'
	grep_out "... the pages" '"tdx_pages_added": 6'
	if cmp -s "$T/out" "$T/ref.json"; then ok "... the reference values are the JSON summary"; else notok "... the reference values are the JSON summary"; fi
	status "... TD policy 0x3 changes the file, not the MRTD" 0 "$M" -p tdx "$T/tdx2.igvm" measure -b
	is "... same MRTD" "$(cat "$T/out")" "$single"

	refuse "a tdx-only image with a kernel" 2 "only the SVSM platforms (snp, native) use it" -t "$FX/tdx.xml" --kernel /dev/null
	refuse "TDX policy reserved bits" 1 "TDX guest policy 0x8: bits 63..3 are reserved" -t "$FX/tdx.xml" --tdx-policy 0x8
	refuse "tdx without firmware" 2 "the tdx platform is the firmware alone" -t "$FX/tdx.xml" --no-firmware
	refuse "a firmware without TDX metadata" 1 "ser-tdx.igvm: offset 0x[0-9a-f]*: tdvf.no-table" -t "$FX/tdx.xml" \
		--firmware "$FX/ser-tdx.igvm"
	refuse "a broken TDVF descriptor" 1 "tdvf-bad-signature.fd: offset 0x4100: tdvf.signature" -t "$FX/tdx.xml" \
		--firmware "$FX/tdvf-bad-signature.fd"
	refuse "an ID block without snp" 1 "an ID block needs the snp platform" -t "$FX/tdx.xml" --id-key /dev/null
	sed 's|<platforms>|<layout><stage2 base="0x10000"/></layout><platforms>|' "$FX/tdx.xml" >"$FX/bad-order.xml"
	refuse "a template out of schema order" 1 "element" -t "$FX/bad-order.xml"
	sed 's|</platforms>|<platform>snp</platform></platforms>|; s|<inputs>|<layout><stage2 base="0x10000"/></layout><inputs>|' \
		"$FX/tdx.xml" >"$FX/half-layout.xml"
	refuse "a layout with stage2 but no kernel region" 1 "<stage2> and <kernel-region> go together" -t "$FX/half-layout.xml"
	sed 's|</platforms>|<platform>snp</platform></platforms>|' "$FX/tdx.xml" >"$FX/no-layout.xml"
	refuse "snp without a layout" 1 "the snp and native platforms need <layout>" -t "$FX/no-layout.xml"
	status "a payload warning is printed, the build goes on" 0 "$IGVMBUILD" build -t "$FX/tdx.xml" \
		--firmware "$FX/tdvf-payload.fd" -o "$T/payload.igvm"
	grep_err "... the warning names the rule" "warning: .*tdvf-payload.fd: offset 0x4188: tdvf.qemu-section-type"

	# SNP, native and TDX in one image, with the SVSM and the pinned firmware (both SEV and TDX metadata).
	FW=$B/firmware/OVMF-svsm.fd
	if [ -r "$FW" ] && [ -r "$B/svsm/svsm.elf" ] && [ -r "$B/loaders/stage2.bin" ]; then
		status "SNP, native and TDX in one image" 0 "$IGVMBUILD" build -t "$SRC/templates/qemu-snp.xml" \
			--platform snp,native,tdx --kernel "$B/svsm/svsm.elf" --stage2 "$B/loaders/stage2.bin" --firmware "$FW" \
			-o "$T/all.igvm"
		snp=$(sed -n 's/^SNP launch digest: //p' "$T/out")
		tdx=$(sed -n 's/^TDX MRTD: //p' "$T/out")
		is "... the MRTD beside the SNP digest: the firmware's direct launch" "$tdx" "$("$M" tdvf --firmware "$FW" 2>/dev/null)"
		"$IGVMBUILD" build -t "$SRC/templates/qemu-snp.xml" --platform snp,native --kernel "$B/svsm/svsm.elf" \
			--stage2 "$B/loaders/stage2.bin" --firmware "$FW" -o "$T/snp.igvm" >"$T/out" 2>/dev/null
		is "... the SNP digest is the one without TDX" "$snp" "$(sed -n 's/^SNP launch digest: //p' "$T/out")"
		"$M" "$T/all.igvm" measure -b >"$T/out" 2>/dev/null
		is "... igvmmeasure agrees on the SNP digest" "$(cat "$T/out")" "$snp"
		"$M" -p tdx "$T/all.igvm" measure -b >"$T/out" 2>/dev/null
		is "... and on the MRTD" "$(cat "$T/out")" "$tdx"
		status "... --check-kvm passes for SNP (TDX pages come after the VMSA, for their own mask)" 0 \
			"$M" -c "$T/all.igvm" measure
	else
		for i in 1 2 3 4 5 6; do skip "the SVSM, stage 2 or the pinned firmware not built (make)"; done
	fi
else
	skip "igvmbuild not built"
fi

# ---- Debian's OVMF -----------------------------------------------------------------------------------
# debian NAME FILE SHA256 SINGLE TWO
debian() {
	if [ ! -r "$2" ]; then
		skip "$1: $2 not present (install ovmf / run make)"
		skip "$1: $2 not present"
		return
	fi
	s=$("$M" tdvf --firmware "$2" 2>"$T/err")
	t=$("$M" tdvf --firmware "$2" --page-order two-pass 2>>"$T/err")
	if command -v python3 >/dev/null 2>&1; then
		is "$1: single-pass and two-pass equal tdvf_mrtd_ref.py's" "$s $t" \
			"$(python3 "$REF" "$2" single-pass) $(python3 "$REF" "$2" two-pass)"
	else
		skip "$1: python3 not installed"
	fi
	if [ "$(sha256sum <"$2" | cut -d' ' -f1)" = "$3" ]; then
		is "$1: the recorded MRTDs of this build" "$s $t" "$4 $5"
	else
		skip "$1: another build than the one recorded ($3)"
	fi
}
debian "Debian 12 OVMF" /usr/share/ovmf/OVMF.fd $DEB12_SHA256 $DEB12_SINGLE $DEB12_TWO
debian "pinned Debian 13 OVMF" "$B/firmware/OVMF-svsm.fd" $DEB13_SHA256 $DEB13_SINGLE $DEB13_TWO

echo "1..$n"
[ "$fails" -eq 0 ]
