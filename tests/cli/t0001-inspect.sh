#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t0001-inspect.sh — `igvmbuild inspect` on the fixtures, on broken copies of
# them, and with bad command lines.
#
# Contract under test (igvmbuild(1)): `igvmbuild inspect [--json] [--check]
# [--reference] [--allow-optional] FILE`; exit 0 valid, 1 invalid (exactly one
# stderr line "igvmbuild: FILE: offset 0x..: RULE-NAME: DETAIL"), 2 usage, 3 I/O.

# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

t_setup || { t_done; exit 1; }

F=$FIXTURES
CONF=$F/conformance.igvm

# ---- valid files -------------------------------------------------------------------------------

for fx in "$F"/*.igvm; do
	[ -f "$fx" ] || continue
	name=$(basename "$fx")
	t_run "$IGVMBUILD" inspect "$fx"
	if t_check "inspect $name exits 0" [ "$T_RC" -eq 0 ]; then
		t_check "inspect $name prints the file" [ -s "$T_OUT" ]
	else
		t_diag "$T_ERR"
	fi
	t_run "$IGVMBUILD" inspect --check "$fx"
	t_check "inspect --check $name exits 0" [ "$T_RC" -eq 0 ] || t_diag "$T_ERR"
	t_check "inspect --check $name prints nothing on stdout" [ ! -s "$T_OUT" ]
	t_run "$IGVMBUILD" inspect --reference --check "$fx"
	t_check "inspect --reference --check $name exits 0" [ "$T_RC" -eq 0 ] || t_diag "$T_ERR"
	t_run "$IGVMBUILD" inspect --json "$fx"
	t_check "inspect --json $name exits 0" [ "$T_RC" -eq 0 ] || t_diag "$T_ERR"
	if t_have_python; then
		t_check "inspect --json $name prints valid JSON" python3 -m json.tool "$T_OUT" /dev/null ||
			t_diag "$T_OUT"
	else
		t_skip "python3 not installed: JSON of $name not validated"
	fi
done

# ---- what inspect shows for the conformance file (§10.1) ----------------------------------------

file_sha=$(t_sha256 "$CONF")
page3_sha=$(t_sha256 "$CONF" 12704 4096) # directive 3: the 0x04 page at 0x31A0
t_check "the conformance fixture is the §10.1 file" [ "$file_sha" = effc7663b1f9669b6534453ad5e26f5f29d16cd9f3c953b24cd45858b23dd215 ]
t_run "$IGVMBUILD" inspect "$CONF"
t_check "text output shows the file's SHA-256" grep -q -F "$file_sha" "$T_OUT"
t_check "text output shows the 0x04 page's SHA-256" grep -q -F "$page3_sha" "$T_OUT"
t_check "text output counts 1/2/11 headers" grep -q -E 'platform=1 +initialization=2 +directive=11' "$T_OUT"
t_check "text output shows the checksum 0x2364c520" grep -q -i '2364c520' "$T_OUT"

t_run "$IGVMBUILD" inspect --json "$CONF"
if t_have_python; then
	cat >"$T_TMP/conf.py" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
page_sha, file_sha = sys.argv[2], sys.argv[3]
def num(v):
    return int(v, 0) if isinstance(v, str) else v
f = doc["file"]
hc = f["header_counts"]
assert doc["valid"] is True, "valid"
assert (hc["platform"], hc["initialization"], hc["directive"]) == (1, 2, 11), hc
assert num(f["total_file_size"]) == 16800, f["total_file_size"]
assert num(f["checksum"]) == 0x2364C520, f["checksum"]
assert f["sha256"] == file_sha, f["sha256"]
assert num(f["format_version"]) == 1
hs = doc["headers"]
assert len(hs) == 14, len(hs)
assert [h["type"] for h in hs[3:]] == ["PAGE_DATA"] * 8 + ["PARAMETER_AREA", "VP_COUNT_PARAMETER", "PARAMETER_INSERT"], [h["type"] for h in hs]
p = hs[6]  # directive 3
assert num(p["gpa"]) == 0x4000, p
assert num(p["file_offset"]) == 0x31A0, p
assert p["sha256"] == page_sha, p
assert num(hs[13]["gpa"]) == 0x14000, hs[13]
EOF
	t_check "JSON: counts 1/2/11, 14 headers in order, page 3 at 0x4000 with its SHA-256, CRC, file hash" \
		python3 "$T_TMP/conf.py" "$T_OUT" "$page3_sha" "$file_sha" 2>"$T_TMP/py.err" || t_diag "$T_TMP/py.err"

	# The SNP fixture: VMSA last, at the GPA KVM uses.
	t_run "$IGVMBUILD" inspect --json "$F/snp-kvm.igvm"
	cat >"$T_TMP/snp.py" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
hs = doc["headers"]
def num(v):
    return int(v, 0) if isinstance(v, str) else v
last = hs[-1]
assert last["type"] == "VP_CONTEXT", last
assert num(last["gpa"]) == 0xFFFFFFFFF000, last
types = [h["type"] for h in hs]
for t in ("PARAMETER_AREA", "VP_COUNT_PARAMETER", "MEMORY_MAP", "ENVIRONMENT_INFO_PARAMETER", "PARAMETER_INSERT", "REQUIRED_MEMORY"):
    assert t in types, t
assert doc["file"]["header_counts"]["platform"] == 1
if len(sys.argv) > 2:
    # The summary lists the inserted parameter areas and the VMSA page as ranges of their own.
    (plat,) = doc["summary"]["platforms"].values()
    rs = plat["ranges"]
    ins = [h for h in hs if h["type"] == "PARAMETER_INSERT"]
    par = [r for r in rs if r["kind"] == "parameter"]
    assert len(par) == len(ins) and sorted(num(r["start"]) for r in par) == sorted(num(h["gpa"]) for h in ins), (par, ins)
    vm = [r for r in rs if r["kind"] == "vmsa"]
    assert [(num(r["start"]), num(r["end"]), r["pages"]) for r in vm] == [(0xFFFFFFFFF000, 0xFFFFFFFFFFFF, 1)], vm
EOF
	t_check "JSON: snp-kvm has its parameters and the VMSA last at 0xFFFFFFFFF000" \
		python3 "$T_TMP/snp.py" "$T_OUT" 2>"$T_TMP/py.err" || t_diag "$T_TMP/py.err"
	t_check "JSON summary: parameter inserts and the VMSA page are ranges of their own" \
		python3 "$T_TMP/snp.py" "$T_OUT" summary 2>"$T_TMP/py.err" || t_diag "$T_TMP/py.err"
else
	t_skip "python3 not installed: JSON contents not checked"
	t_skip "python3 not installed: JSON summary not checked"
	t_check "JSON output holds the page's SHA-256 (grep)" grep -q -F "$page3_sha" "$T_OUT"
fi

# ---- invalid files -----------------------------------------------------------------------------

# same_number HEX_DIGITS VALUE: true when 0xHEX_DIGITS == VALUE.
same_number() {
	[ -n "$1" ] && [ $((0x$1)) -eq $(($2)) ]
}

# expect_invalid DESC FILE RULE OFFSET|- [INSPECT OPTIONS...]
expect_invalid() {
	_d=$1 _f=$2 _rule=$3 _off=$4
	shift 4
	t_run "$IGVMBUILD" inspect "$@" "$_f"
	t_check "$_d: exit status 1" [ "$T_RC" -eq 1 ] || t_diag "$T_ERR"
	t_check "$_d: exactly one line on stderr" [ "$(t_lines "$T_ERR")" -eq 1 ] || t_diag "$T_ERR"
	t_check "$_d: nothing on stdout" [ ! -s "$T_OUT" ] || t_diag "$T_OUT"
	if awk -v pre="igvmbuild: $_f: offset 0x" -v rule=": $_rule: " '
		NR == 1 {
			if (index($0, pre) != 1) exit 1
			rest = substr($0, length(pre) + 1)
			if (rest !~ /^[0-9a-fA-F]+: /) exit 1
			if (index(rest, rule) == 0) exit 1
			found = 1
		}
		END { exit !found }' "$T_ERR"; then
		t_ok "$_d: 'igvmbuild: FILE: offset 0x..: $_rule: ...'"
	else
		t_not_ok "$_d: 'igvmbuild: FILE: offset 0x..: $_rule: ...'"
		t_diag "$T_ERR"
	fi
	if [ "$_off" != - ]; then
		_got=$(sed -n 's/^.*: offset 0x\([0-9a-fA-F]*\): .*$/\1/p' "$T_ERR" | head -n 1)
		t_check "$_d: offset is $_off" same_number "$_got" "$_off" || t_diag "$T_ERR"
	fi
}

# corrupt MODE BASE: a broken copy in $T_TMP; prints its path.
corrupt() {
	_out=$T_TMP/$1-$(basename "$2")
	if "$MKFIXTURES" --corrupt "$1" "$2" "$_out" >"$T_TMP/mk.err" 2>&1; then
		echo "$_out"
	else
		echo "$T_TMP/missing-$1"
	fi
}

# Header layout of the conformance file: platform 0x18, policies 0x30/0x48, first page 0x60.
while read -r mode base rule off; do
	[ -n "$mode" ] || continue
	bad=$(corrupt "$mode" "$F/$base")
	if [ ! -f "$bad" ]; then
		t_not_ok "mkfixtures --corrupt $mode $base"
		t_diag "$T_TMP/mk.err"
		continue
	fi
	expect_invalid "$mode ($base)" "$bad" "$rule" "$off"
done <<'EOF'
short         conformance.igvm fixed-header.size                    -
truncate      conformance.igvm fixed-header.total-file-size         0x10
magic         conformance.igvm fixed-header.magic                   0x0
version       conformance.igvm fixed-header.format-version          0x4
checksum      conformance.igvm fixed-header.checksum                0x14
header-byte   conformance.igvm fixed-header.checksum                0x14
vh-offset     conformance.igvm fixed-header.variable-header-offset  0x8
empty-data    conformance.igvm fixed-header.variable-header-size    -
data-offset   conformance.igvm data.range                           -
gpa           conformance.igvm field.gpa-alignment                  0x68
length        conformance.igvm record.length                        -
order         conformance.igvm record.section-order                 -
unknown-type  conformance.igvm record.unknown-type                  0x60
optional-type conformance.igvm record.type-range                    0x60
platform-mask conformance.igvm platform.mask                        0x20
area-index    conformance.igvm parameter-area.index                 -
padding       snp-kvm.igvm     record.padding                       -
gpa           ser-vbs.igvm     field.gpa-alignment                  -
data-offset   native.igvm      data.range                           -
magic         v2-aarch64.igvm  fixed-header.magic                   0x0
EOF

# Strict is the default; --reference applies only the reference parser's rules.
bad=$(corrupt padding "$F/snp-kvm.igvm")
t_run "$IGVMBUILD" inspect --reference --check "$bad"
t_check "non-zero padding passes with --reference" [ "$T_RC" -eq 0 ] || t_diag "$T_ERR"
# --allow-optional skips an unknown header with bit 31 set.
bad=$(corrupt optional-type "$CONF")
t_run "$IGVMBUILD" inspect --allow-optional --check "$bad"
t_check "unknown optional header passes with --allow-optional" [ "$T_RC" -eq 0 ] || t_diag "$T_ERR"
t_run "$IGVMBUILD" inspect --allow-optional "$bad"
t_check "... and inspect shows it (exit 0)" [ "$T_RC" -eq 0 ] || t_diag "$T_ERR"
t_check "... on stdout" [ -s "$T_OUT" ]
bad=$(corrupt unknown-type "$CONF")
expect_invalid "unknown header without bit 31, --allow-optional" "$bad" record.unknown-type 0x60 --allow-optional

# An empty file and a file of junk.
: >"$T_TMP/empty.igvm"
expect_invalid "empty file" "$T_TMP/empty.igvm" fixed-header.size -
printf 'this is not an IGVM file, just some text\n' >"$T_TMP/junk.igvm"
expect_invalid "text file" "$T_TMP/junk.igvm" fixed-header.magic 0x0
expect_invalid "--check on a broken file" "$(corrupt checksum "$CONF")" fixed-header.checksum 0x14 --check

# --json on a broken file: a JSON document that says why.
bad=$(corrupt gpa "$CONF")
t_run "$IGVMBUILD" inspect --json "$bad"
t_check "--json on a broken file: exit status 1" [ "$T_RC" -eq 1 ] || t_diag "$T_ERR"
if t_have_python; then
	t_check "--json on a broken file: {valid: false, error: {rule: field.gpa-alignment, offset: 0x68}}" \
		python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False
e = d["error"]
assert e["rule"] == "field.gpa-alignment", e
off = e["offset"]
assert (int(off, 0) if isinstance(off, str) else off) == 0x68, e
' "$T_OUT" 2>"$T_TMP/py.err" || { t_diag "$T_TMP/py.err"; t_diag "$T_OUT"; }
else
	t_check "--json on a broken file names the rule" grep -q 'field.gpa-alignment' "$T_OUT"
fi

# ---- I/O errors --------------------------------------------------------------------------------

missing=$T_TMP/no-such-file.igvm
t_run "$IGVMBUILD" inspect "$missing"
t_check "missing file: exit status 3" [ "$T_RC" -eq 3 ] || t_diag "$T_ERR"
t_check "missing file: stderr names the file" grep -q -F "$missing" "$T_ERR"
t_check "missing file: one line on stderr" [ "$(t_lines "$T_ERR")" -eq 1 ] || t_diag "$T_ERR"
t_check "missing file: nothing on stdout" [ ! -s "$T_OUT" ]
t_run "$IGVMBUILD" inspect --check "$missing"
t_check "missing file with --check: exit status 3" [ "$T_RC" -eq 3 ]
t_run "$IGVMBUILD" inspect "$T_TMP"
t_check "a directory: exit status 3" [ "$T_RC" -eq 3 ] || t_diag "$T_ERR"
t_check "a directory: stderr names it" grep -q -F "$T_TMP" "$T_ERR"
if [ -w /dev/full ]; then
	"$IGVMBUILD" inspect "$CONF" >/dev/full 2>"$T_ERR"
	rc=$?
	t_check "stdout on a full device: exit status 3" [ "$rc" -eq 3 ] || t_diag "$T_ERR"
else
	t_skip "/dev/full not available"
fi

# ---- usage -------------------------------------------------------------------------------------

t_run "$IGVMBUILD" inspect
t_check "no file: exit status 2" [ "$T_RC" -eq 2 ] || t_diag "$T_ERR"
t_check "no file: a message on stderr" [ -s "$T_ERR" ]
t_run "$IGVMBUILD" inspect --bogus "$CONF"
t_check "unknown option: exit status 2" [ "$T_RC" -eq 2 ] || t_diag "$T_ERR"
t_check "unknown option: named on stderr" grep -q -e '--bogus' "$T_ERR"
t_run "$IGVMBUILD" inspect "$CONF" "$CONF"
t_check "two files: exit status 2" [ "$T_RC" -eq 2 ] || t_diag "$T_ERR"
t_run "$IGVMBUILD" inspect --help
t_check "--help: exit status 0" [ "$T_RC" -eq 0 ]
t_check "--help: usage on stdout" grep -q 'inspect' "$T_OUT"
t_run "$IGVMBUILD" no-such-verb
t_check "unknown verb: exit status 2" [ "$T_RC" -eq 2 ]

t_done
