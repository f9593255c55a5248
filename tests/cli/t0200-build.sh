#!/bin/sh
# SPDX-License-Identifier: MIT
# t0200-build.sh — `igvmbuild build`: images from templates, measured digests,
# reproducibility, ID blocks, and every refused input (exit code, message, no
# output file left behind).
#
# Environment: B (build dir, default build), CC (host compiler for the test
# kernel), IGVMBUILD / IGVMMEASURE (binaries; default the sanitized ones).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}
IGVMMEASURE=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
CC=${CC:-cc}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
check() { # check DESC CMD...
	d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else notok "$d"; fi
}

T=$(mktemp -d "${TMPDIR:-/tmp}/t0200.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

if [ ! -x "$IGVMBUILD" ]; then
	skip "igvmbuild not built ($IGVMBUILD)"
	echo "1..$n"
	exit 0
fi

# ---- fixtures: a tiny kernel assembled now, synthetic OVMF, manifests --------------------------
FX=$T/fx
mkdir -p "$FX"
if ! "$CC" -nostdlib -static -no-pie -Wl,-T,"$SRC/tests/build/kernel.ld" -Wl,--build-id=none \
	-o "$FX/kernel.elf" "$SRC/tests/build/kernel.S" 2>"$T/cc.err"; then
	notok "assemble the test kernel: $(head -1 "$T/cc.err")"
	echo "1..$n"
	exit 1
fi
PIE=
if "$CC" -nostdlib -pie -Wl,-T,"$SRC/tests/build/kernel.ld" -Wl,--build-id=none \
	-o "$FX/pie.elf" "$SRC/tests/build/kernel.S" 2>/dev/null; then
	PIE=$FX/pie.elf
fi
python3 "$SRC/tests/build/mkfixtures.py" "$FX" "$FX/kernel.elf" $PIE || { notok "generate fixtures"; echo "1..$n"; exit 1; }

cat >"$FX/t.xml" <<'XML'
<?xml version="1.0"?>
<igvmbuild-template version="1">
  <platforms><platform>snp</platform><platform>native</platform></platforms>
  <hypervisor>qemu</hypervisor>
  <guest-policy>0x30000</guest-policy>
  <debug-serial port="0x3f8"/>
  <layout>
    <stage2 base="0x10000"/>
    <kernel-region base="0x8000000000" size="0x1000000"/>
    <firmware placement="end-at-4g"/>
  </layout>
  <inputs>
    <kernel>kernel.elf</kernel>
    <stage2>stage2.bin</stage2>
    <firmware>ovmf.fd</firmware>
    <vtpm-manifest>vtpm-full.xml</vtpm-manifest>
  </inputs>
  <measurement model="qemu-kvm"/>
</igvmbuild-template>
XML

digest_of() { sed -n 's/^SNP launch digest: //p' "$1"; }
have_measure=0
if [ -x "$IGVMMEASURE" ] && "$IGVMMEASURE" --help >/dev/null 2>&1; then have_measure=1; fi
have_inspect=0
if "$IGVMBUILD" inspect --help >/dev/null 2>&1; then have_inspect=1; fi

# measured IMAGE DIGEST DESC: igvmmeasure agrees, --check-kvm passes, inspect --check accepts
measured() {
	if [ $have_measure = 1 ]; then
		m=$("$IGVMMEASURE" "$1" measure -b 2>/dev/null)
		if [ -n "$2" ] && [ "$m" = "$2" ]; then ok "$3: igvmmeasure gives the printed digest"
		else notok "$3: igvmmeasure gives '$m', igvmbuild printed '$2'"; fi
		check "$3: igvmmeasure --check-kvm accepts it" "$IGVMMEASURE" --check-kvm "$1" measure -b
	else
		skip "igvmmeasure not available"
		skip "igvmmeasure not available"
	fi
	if [ $have_inspect = 1 ]; then
		check "$3: igvmbuild inspect --check accepts it" "$IGVMBUILD" inspect --check "$1"
	else
		skip "igvmbuild inspect not available"
	fi
}

# ---- good builds --------------------------------------------------------------------------------
O=$T/out
mkdir -p "$O"
if "$IGVMBUILD" build -t "$FX/t.xml" -o "$O/a.igvm" >"$T/a.txt" 2>"$T/a.err"; then
	ok "build from a template"
else
	notok "build from a template: $(head -1 "$T/a.err")"
fi
DA=$(digest_of "$T/a.txt")
case $DA in
????????????????????????????????????????????????????????????????????????????????????????????????) ok "prints a 96-digit SNP launch digest" ;;
*) notok "prints a 96-digit SNP launch digest (got '$DA')" ;;
esac
measured "$O/a.igvm" "$DA" "fixture image"

"$IGVMBUILD" build -t "$FX/t.xml" -o "$O/b.igvm" >"$T/b.txt" 2>&1
check "reproducible: two builds give identical bytes" cmp "$O/a.igvm" "$O/b.igvm"
# inspect decodes the vTPM manifest blob (fixture vtpm-full.xml: H-3 persistent EK, 3 banks, NV).
"$IGVMBUILD" inspect --json "$O/a.igvm" >"$T/insp.json" 2>/dev/null
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/insp.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["vtpm"]
ek = v["endorsement_key"]
ok = (v["status"] == "valid" and v["pcr_banks"] == "sha1,sha256,sha384" and ek["template"] == "H-3"
      and ek["persistent"] and v["manufacturer"].rstrip() == "TST" and v["vendor"] == "test vendor"
      and v["firmware_version"] == "0x0102030405060708" and v["persistence"] == "ephemeral"
      and len(v["nv_indices"]) >= 2 and v["nv_indices"][0]["handle"] == "0x01500000")
ok or print(json.dumps(v), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
	expect_rc=$?
	[ $expect_rc -eq 0 ] && ok "inspect --json decodes the vTPM manifest blob (banks, EK template, identity, NV)" ||
		notok "inspect --json decodes the vTPM manifest blob: $(head -c 300 "$T/insp.json" | tr '\n' ' ')"
else
	skip "python3 not available"
fi
"$IGVMBUILD" inspect "$O/a.igvm" 2>/dev/null | grep -q "template=H-3 algorithm=ecc key_bits=384"
[ $? -eq 0 ] && ok "inspect text shows the vTPM's EK" || notok "inspect text shows the vTPM's EK"
[ "$(digest_of "$T/b.txt")" = "$DA" ] && ok "reproducible: same digest" || notok "reproducible: same digest"
ls -A "$O" | grep -q '^\.' && notok "no temporary files left in the output directory" ||
	ok "no temporary files left in the output directory"

# JSON and reference values
if "$IGVMBUILD" build -t "$FX/t.xml" -o "$O/j.igvm" --json --reference-values "$O/ref.json" >"$T/j.json" 2>"$T/j.err"; then
	ok "--json --reference-values build"
else
	notok "--json --reference-values build: $(head -1 "$T/j.err")"
fi
check "--json prints valid JSON" python3 -m json.tool "$T/j.json"
check "--reference-values writes the same JSON" cmp "$T/j.json" "$O/ref.json"
jd=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["snp_launch_digest"].upper())' "$T/j.json" 2>/dev/null)
[ "$jd" = "$DA" ] && ok "JSON digest equals the printed one" || notok "JSON digest equals the printed one ($jd)"
check "JSON lists SHA-256 of every input" python3 -c '
import json,sys,hashlib
d=json.load(open(sys.argv[1]))
for k in ("template","kernel","stage2","firmware","vtpm_manifest"):
    i=d["inputs"][k]; assert hashlib.sha256(open(i["path"],"rb").read()).hexdigest()==i["sha256"], k
assert d["platforms"]==["snp","native"] and d["guest_policy"]=="0x30000"
assert d["layout"]["kernel_region_gpa"]=="0x8000000000"
' "$T/j.json"

# The vTPM configuration is measured: another manifest, another digest.
"$IGVMBUILD" build -t "$FX/t.xml" -o "$O/v.igvm" --vtpm-manifest "$SRC/templates/vtpm-default.xml" >"$T/v.txt" 2>&1
DV=$(digest_of "$T/v.txt")
[ -n "$DV" ] && [ "$DV" != "$DA" ] && ok "the vTPM manifest changes the digest" || notok "the vTPM manifest changes the digest"
measured "$O/v.igvm" "$DV" "default vTPM manifest"
"$IGVMBUILD" build -t "$FX/t.xml" -o "$O/nv.igvm" --no-vtpm >"$T/nv.txt" 2>&1
measured "$O/nv.igvm" "$(digest_of "$T/nv.txt")" "--no-vtpm"

# Overrides
"$IGVMBUILD" build -t "$FX/t.xml" -o "$O/f.igvm" --sev-features restricted-injection >"$T/f.txt" 2>&1
DF=$(digest_of "$T/f.txt")
[ -n "$DF" ] && [ "$DF" != "$DA" ] && ok "--sev-features changes the VMSA and the digest" ||
	notok "--sev-features changes the VMSA and the digest"
measured "$O/f.igvm" "$DF" "--sev-features"
"$IGVMBUILD" build -t "$FX/t.xml" -o "$O/p.igvm" --policy 0x70000 >"$T/p.txt" 2>&1
[ "$(digest_of "$T/p.txt")" = "$DA" ] && ok "--policy (not measured) keeps the digest" || notok "--policy keeps the digest"
if [ $have_inspect = 1 ]; then
	"$IGVMBUILD" inspect --json "$O/p.igvm" 2>/dev/null | grep -qiE '"policy": "0x0*70000"' && ok "--policy lands in the GUEST_POLICY header" ||
		notok "--policy lands in the GUEST_POLICY header"
else
	skip "igvmbuild inspect not available"
fi
if "$IGVMBUILD" build -t "$FX/t.xml" -o "$O/n.igvm" --platform native --no-firmware >"$T/n.txt" 2>&1; then
	ok "--platform native --no-firmware builds"
else
	notok "--platform native --no-firmware builds"
fi
grep -q 'no SNP platform' "$T/n.txt" && ok "native-only build prints no digest" || notok "native-only build prints no digest"
[ $have_inspect = 1 ] && check "native image passes inspect --check" "$IGVMBUILD" inspect --check "$O/n.igvm" ||
	skip "igvmbuild inspect not available"

# Shipped templates, with the fixture kernel and stage 2 (and Debian's OVMF when installed)
for tpl in qemu-snp qemu-native; do
	fwopt=
	# the pinned SVSM-capable OVMF when `make` fetched it, else the synthetic one
	if [ $tpl = qemu-snp ]; then
		fwopt="--firmware $FX/ovmf.fd"
		[ -r "$B/firmware/OVMF-svsm.fd" ] && fwopt="--firmware $B/firmware/OVMF-svsm.fd"
	fi
	if "$IGVMBUILD" build -t "$SRC/templates/$tpl.xml" --kernel "$FX/kernel.elf" --stage2 "$FX/stage2.bin" $fwopt \
		-o "$O/$tpl.igvm" >"$T/$tpl.txt" 2>"$T/$tpl.err"; then
		ok "templates/$tpl.xml builds"
	else
		notok "templates/$tpl.xml builds: $(head -1 "$T/$tpl.err")"
	fi
done
measured "$O/qemu-snp.igvm" "$(digest_of "$T/qemu-snp.txt")" "templates/qemu-snp.xml"
grep -q "warning: .*qemu-snp.igvm: kvm.sev-features-host: .*sev_features 0x29: bits 0x8 are refused by mainline KVM" \
	"$T/qemu-snp.err" && ok "the default template warns that stock QEMU/KVM refuse restricted injection" ||
	notok "the default template warns about restricted injection: $(head -1 "$T/qemu-snp.err")"
if [ $have_inspect = 1 ]; then
	"$IGVMBUILD" inspect --json "$O/qemu-snp.igvm" >"$T/insp.json" 2>"$T/insp.err"
	grep -q '"rule": "kvm.sev-features-host"' "$T/insp.json" && grep -q "warning: .*kvm.sev-features-host" "$T/insp.err" &&
		! grep -q '"severity": "error"' "$T/insp.json" &&
		ok "inspect lists the VMSA's KVM findings: only the host-feature warning" ||
		notok "inspect lists the VMSA's KVM findings"
else
	skip "igvmbuild inspect not available"
fi

# ID block
if command -v openssl >/dev/null 2>&1 &&
	openssl ecparam -name secp384r1 -genkey -noout -out "$FX/id.pem" 2>/dev/null &&
	openssl ecparam -name secp384r1 -genkey -noout -out "$FX/author.pem" 2>/dev/null; then
	if "$IGVMBUILD" build -t "$FX/t.xml" -o "$O/id.igvm" --id-key "$FX/id.pem" --author-key "$FX/author.pem" \
		--family-id 00112233445566778899aabbccddeeff --image-id ffeeddccbbaa99887766554433221100 \
		--id-version 1 --svn 7 >"$T/id.txt" 2>"$T/id.err"; then
		ok "build with an ID block"
	else
		notok "build with an ID block: $(head -1 "$T/id.err")"
	fi
	[ "$(digest_of "$T/id.txt")" = "$DA" ] && ok "the ID block does not change the digest" ||
		notok "the ID block does not change the digest"
	measured "$O/id.igvm" "$DA" "ID block image (igvmmeasure checks the block's digest)"
	"$IGVMBUILD" build -t "$FX/t.xml" -o "$O/id2.igvm" --id-key "$FX/id.pem" --author-key "$FX/author.pem" \
		--family-id 00112233445566778899aabbccddeeff --image-id ffeeddccbbaa99887766554433221100 \
		--id-version 1 --svn 7 >/dev/null 2>&1
	check "ID-block signing is deterministic" cmp "$O/id.igvm" "$O/id2.igvm"
	openssl ecparam -name prime256v1 -genkey -noout -out "$FX/p256.pem" 2>/dev/null
else
	for i in 1 2 3 4 5 6; do skip "openssl not available"; done
fi

# ---- refused inputs: exit code, message, no output -----------------------------------------------
# refuse DESC CODE PATTERN ARGS... — build to $O/bad.igvm must fail with CODE, print PATTERN, leave nothing
refuse() {
	d=$1 code=$2 pat=$3
	shift 3
	rm -f "$O/bad.igvm"
	"$IGVMBUILD" build "$@" -o "$O/bad.igvm" >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -eq "$code" ] && grep -qi -- "$pat" "$T/err" && [ ! -e "$O/bad.igvm" ] &&
		[ "$(wc -l <"$T/err")" -eq 1 ] && ! ls -A "$O" | grep -q '^\.'; then
		ok "refuses $d"
	else
		notok "refuses $d (exit $rc, want $code; stderr: $(head -2 "$T/err" | tr '\n' '|'))"
	fi
}
TT="-t $FX/t.xml"
refuse "a kernel for another machine" 1 "wrong machine" $TT --kernel "$FX/kernel-machine.elf"
refuse "a kernel that is not ET_EXEC" 1 "ET_EXEC" $TT --kernel "$FX/kernel-type.elf"
refuse "a 32-bit ELF" 1 "ELFCLASS64" $TT --kernel "$FX/kernel-class.elf"
refuse "an unaligned PT_LOAD" 1 "not page aligned" $TT --kernel "$FX/kernel-unaligned.elf"
refuse "overlapping PT_LOAD segments" 1 "overlap" $TT --kernel "$FX/kernel-overlap.elf"
refuse "segments outside the kernel region" 1 "outside the kernel region" $TT --kernel "$FX/kernel-region.elf"
refuse "a PT_LOAD past the end of the file" 1 "outside the" $TT --kernel "$FX/kernel-trunc.elf"
refuse "a truncated ELF" 1 "kernel-short.elf" $TT --kernel "$FX/kernel-short.elf"
refuse "a file that is not ELF" 1 "not an ELF" $TT --kernel "$FX/not-elf.bin"
sed 's/mode="ephemeral"/mode="sealed"/' "$FX/vtpm-full.xml" >"$FX/vtpm-sealed.xml"
refuse "vTPM persistence other than ephemeral (the SVSM cannot unseal state)" 1 'mode="sealed">: not supported yet' \
	$TT --vtpm-manifest "$FX/vtpm-sealed.xml"
if [ -n "$PIE" ]; then
	refuse "a kernel with relocations" 1 "unsupported relocations" $TT --kernel "$FX/kernel-reloc.elf"
else
	skip "the compiler cannot link a PIE test kernel"
fi
refuse "firmware metadata over the launch pages" 1 "overlaps the SVSM launch pages" $TT --firmware "$FX/ovmf-overlap.fd"
sed 's|base="0x8000000000"|base="0x1000000"|' "$FX/t.xml" >"$FX/low-kr.xml"
refuse "an SNP image with firmware and the SVSM region in RAM below 4 GiB" 1 \
	"must lie outside guest RAM, above 4 GiB" -t "$FX/low-kr.xml"
"$IGVMBUILD" build -t "$FX/low-kr.xml" --no-firmware -o "$O/low-nofw.igvm" >/dev/null 2>"$T/err" &&
	ok "the region may lie below 4 GiB without firmware" ||
	notok "the region may lie below 4 GiB without firmware: $(head -1 "$T/err")"
sed 's|base="0x8000000000"|base="0xFD00000000"|' "$FX/t.xml" >"$FX/ht-kr.xml"
refuse "a kernel region reaching the AMD HyperTransport hole" 1 "must end at or below 0xfd00000000" -t "$FX/ht-kr.xml"
sed 's|base="0x8000000000" size="0x1000000"|base="0x803FE00000" size="0x400000"|' "$FX/t.xml" >"$FX/gib-kr.xml"
refuse "a kernel region crossing a 1 GiB boundary" 1 "within one 1 GiB-aligned block" -t "$FX/gib-kr.xml"
refuse "firmware whose metadata offset lies" 1 "ovmf-lie.fd: offset" $TT --firmware "$FX/ovmf-lie.fd"
refuse "firmware metadata of an unknown version" 1 "version" $TT --firmware "$FX/ovmf-version.fd"
refuse "firmware with overlapping sections" 1 "overlap" $TT --firmware "$FX/ovmf-sections.fd"
refuse "firmware whose size is not a page multiple" 1 "multiple of 4 KiB" $TT --firmware "$FX/ovmf-odd.fd"
refuse "an SNP image with firmware that has no SVSM_CAA section" 1 "no SVSM_CAA section" $TT --firmware "$FX/ovmf-nocaa.fd"
refuse "an SNP image with firmware that has no SNP_SECRETS section" 1 "no SNP_SECRETS section" $TT \
	--firmware "$FX/ovmf-nosecrets.fd"
refuse "an SNP image with firmware that has no CPUID section" 1 "no CPUID section" $TT --firmware "$FX/ovmf-nocpuid.fd"
if [ -r /usr/share/ovmf/OVMF.fd ] && python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(0 if b"ASEV" in d else 1)' \
	/usr/share/ovmf/OVMF.fd; then
	if "$IGVMBUILD" build $TT --firmware /usr/share/ovmf/OVMF.fd -o "$O/deb.igvm" >/dev/null 2>"$T/err"; then
		skip "the installed /usr/share/ovmf/OVMF.fd supports an SVSM (newer than Debian 12's)"
	else
		grep -q "no SVSM_CAA section" "$T/err" && ok "refuses Debian 12's OVMF (no SVSM_CAA) for an SNP image" ||
			notok "refuses Debian 12's OVMF: $(head -1 "$T/err")"
	fi
else
	skip "no OVMF with SEV metadata at /usr/share/ovmf/OVMF.fd"
fi
"$IGVMBUILD" build $TT --platform native --firmware "$FX/ovmf-nocaa.fd" -o "$O/nocaa-native.igvm" >/dev/null 2>"$T/err" &&
	ok "a native-only image takes firmware without SVSM sections" ||
	notok "a native-only image takes firmware without SVSM sections: $(head -1 "$T/err")"
refuse "a stage 2 larger than 64 KiB" 1 "stage 2 is" $TT --stage2 "$FX/stage2-big.bin"
refuse "a duplicate NV index" 1 "defined twice" $TT --vtpm-manifest "$FX/vtpm-dup.xml"
refuse "an NV handle outside the NV range" 1 "not an NV index handle" $TT --vtpm-manifest "$FX/vtpm-handle.xml"
refuse "NV contents larger than the index" 1 "larger than size" $TT --vtpm-manifest "$FX/vtpm-toolong.xml"
refuse "an NV index nobody can read" 1 "ppread" $TT --vtpm-manifest "$FX/vtpm-noread.xml"
refuse "an EK template that does not match its algorithm" 1 "template H-3" $TT --vtpm-manifest "$FX/vtpm-ekmismatch.xml"
refuse "an unknown NV attribute" 1 "vtpm-badattr.xml:" $TT --vtpm-manifest "$FX/vtpm-badattr.xml"
refuse "an XXE template" 1 "DOCTYPE" -t "$FX/xxe.xml"
refuse "a billion-laughs manifest" 1 "DOCTYPE" $TT --vtpm-manifest "$FX/laughs.xml"
refuse "XML that is not well-formed" 1 "notxml.xml:" -t "$FX/notxml.xml"
refuse "an oversized template" 1 "limit" -t "$FX/big.xml"
sed 's|<hypervisor>qemu</hypervisor>|<hypervisor>xen</hypervisor>|' "$FX/t.xml" >"$FX/bad-hv.xml"
refuse "a template that breaks the schema (file:line: element)" 1 "bad-hv.xml:4: element <hypervisor>" -t "$FX/bad-hv.xml"
sed 's|0x30000|0x10000|' "$FX/t.xml" >"$FX/bad-pol.xml"
refuse "a guest policy without reserved bit 17" 1 "bit 17" -t "$FX/bad-pol.xml"
sed 's|size="0x1000000"|size="0x1001000"|' "$FX/t.xml" >"$FX/bad-kr.xml"
refuse "a kernel region that is not 2 MiB aligned" 1 "2 MiB" -t "$FX/bad-kr.xml"
[ -r "$FX/p256.pem" ] && refuse "a P-256 ID key" 1 "p256.pem" $TT --id-key "$FX/p256.pem" ||
	skip "openssl not available"
refuse "a missing kernel" 3 "cannot read" $TT --kernel "$FX/nonexistent.elf"
refuse "an unknown option" 2 "unknown option" $TT --frobnicate
refuse "an unknown platform" 2 "unknown platform" $TT --platform sgx
refuse "--author-key without --id-key" 2 "need an ID key" $TT --author-key "$FX/id.pem"
refuse "an ID block version other than 1" 2 "id-version: the ID block version must be 1" $TT \
	--id-key "$FX/id.pem" --id-version 2
if [ -r "$FX/id.pem" ]; then
	sed 's|</igvmbuild-template>|<id-block><id-key>id.pem</id-key><version>2</version></id-block></igvmbuild-template>|' \
		"$FX/t.xml" >"$FX/bad-idv.xml"
	refuse "a template ID block version other than 1" 1 "bad-idv.xml:[0-9]*: element <version>: ID block version 2 is not 1" \
		-t "$FX/bad-idv.xml"
else
	skip "openssl not available"
fi

# An existing output survives a failed build untouched.
cp "$O/a.igvm" "$O/keep.igvm"
"$IGVMBUILD" build $TT --kernel "$FX/kernel-machine.elf" -o "$O/keep.igvm" >/dev/null 2>&1
check "a failed build leaves an existing output untouched" cmp "$O/a.igvm" "$O/keep.igvm"

echo "1..$n"
[ $fails -eq 0 ]
