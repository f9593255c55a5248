#!/bin/sh
# SPDX-License-Identifier: MIT
# t0400-igvmmeasure-ovmf.sh — `igvmmeasure ovmf`: sev-snp-measure's options and
# digests for direct OVMF launches, through the real binary.
#
# Golden values are virtee/sev-snp-measure's own (tests/test_guest.py), over an
# image generated here with the footer table and SEV metadata of its fixture
# ovmf_AmdSev_suffix.bin, seeded with that fixture's published snp:ovmf-hash
# (see tests/measure/test_ovmf_digest.c for why that reproduces them). Debian's
# OVMF build (package ovmf), when installed, checks real firmware: SEV against
# sha256sum, SEV-ES against sha256sum over firmware and dumped VMSAs, SNP
# against its own seeded continuation. Every refused input must exit with the
# documented code, print one line naming file, offset and rule, and write
# nothing.
#
# Environment: B (build dir, default build), IGVMMEASURE (default the
# sanitized binary), OVMF_FD (default /usr/share/ovmf/OVMF.fd).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMMEASURE=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
OVMF_FD=${OVMF_FD:-/usr/share/ovmf/OVMF.fd}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
finish() { echo "1..$n"; [ "$fails" -eq 0 ]; exit $?; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0400.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
cd "$T" || exit 1

if [ ! -x "$IGVMMEASURE" ]; then
	skip "igvmmeasure not built ($IGVMMEASURE)"
	finish
fi
M() { "$IGVMMEASURE" ovmf "$@"; }

# expect DESC WANT_STDOUT ARGS...: exit 0 and exactly that output.
expect() {
	d=$1 want=$2
	shift 2
	got=$(M "$@" 2>"$T/err")
	rc=$?
	if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then ok "$d"; else notok "$d (rc $rc, got '$got', $(head -c 300 "$T/err"))"; fi
}
# refuse DESC CODE PATTERN ARGS...: that exit code, one stderr line matching PATTERN, no stdout, no vmsa files.
refuse() {
	d=$1 code=$2 pat=$3
	shift 3
	rm -f vmsa*.bin
	M "$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ $rc -eq "$code" ] && [ ! -s "$T/out" ] && [ "$lines" -eq 1 ] && grep -Eq -- "$pat" "$T/err" &&
		! ls vmsa*.bin >/dev/null 2>&1; then
		ok "$d"
	else
		notok "$d (rc $rc, $lines lines: $(head -c 300 "$T/err"))"
	fi
}

# ---- fixtures -------------------------------------------------------------------------------------
# One generator for every synthetic image: footer table + SEV metadata, as OVMF lays them out.
cat >"$T/gen.py" <<'PY'
import struct, sys, uuid

def guid(s):
    return uuid.UUID(s).bytes_le

FOOTER = guid("96b582de-1fb2-45f7-baea-a366c55a082d")
RESET = guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e")
HASHES = guid("7255371f-3a3b-4b04-927b-1da6efa8d454")
META = guid("dc886566-984a-4798-a75e-5585a7bf67cc")
SVSM = guid("a789a612-0597-4c4b-a49f-cbb1fe9d1ddd")

def image(size, entries, sections, fill=0):
    """entries: [(guid, data)], first nearest the footer; sections: [(gpa, size, type)] or None."""
    img = bytearray(bytes([fill]) * size)
    img[-32:] = bytes(32)
    table = b""
    for g, d in entries:
        table = d + struct.pack("<H", len(d) + 18) + g + table
    meta = b""
    if sections is not None:
        meta = b"ASEV" + struct.pack("<III", 16 + 12 * len(sections), 1, len(sections))
        for s in sections:
            meta += struct.pack("<III", *s)
    end = size - 32 - 18
    if sections is not None:
        start = end - len(table) - 22
        meta_off = (start - len(meta)) & ~15
        table = struct.pack("<I", size - meta_off) + struct.pack("<H", 22) + META + table
        img[meta_off:meta_off + len(meta)] = meta
    img[end - len(table):end] = table
    img[end:end + 18] = struct.pack("<H", len(table) + 18) + FOOTER
    return img

AMDSEV_SECTIONS = [(0x800000, 0x9000, 1), (0x80a000, 0x3000, 1), (0x80d000, 0x1000, 2), (0x80e000, 0x1000, 3),
                   (0x80f000, 0x1000, 4), (0x810000, 0x1000, 0x10), (0x811000, 0xf000, 1)]
amdsev_entries = [(RESET, struct.pack("<I", 0x80b004)), (HASHES, struct.pack("<II", 0x810c00, 0x400))]

def write(name, data):
    open(name, "wb").write(bytes(data))

amd = image(4096, amdsev_entries, AMDSEV_SECTIONS)
write("amdsev.fd", amd)
# A 64 KiB firmware with page contents, for unseeded runs.
big = image(65536, amdsev_entries, AMDSEV_SECTIONS, fill=0xa5)
write("big.fd", big)
# An SVSM image: entry point at offset 0x10, its own metadata (no kernel hashes).
write("svsm.bin", image(16384, [(SVSM, struct.pack("<I", 0x10))],
                        [(0x9000, 0x1000, 2), (0xa000, 0x1000, 3), (0xb000, 0x2000, 4)], fill=0x5a))

# Hostile variants of amdsev.fd, each breaking one rule.
end = 4096 - 50
def patched(off, fmt, *v):
    b = bytearray(amd)
    struct.pack_into(fmt, b, off, *v)
    return b
meta_data = bytes(amd).find(META) - 2 - 4  # [u32 offset][u16 size][GUID]
mo = 4096 - struct.unpack_from("<I", amd, meta_data)[0]
write("bad-footer-size.fd", patched(end, "<H", 0xffff))
write("bad-entry-size.fd", patched(end - 18, "<H", 3))
write("bad-meta-offset.fd", patched(meta_data, "<I", 5000))
write("bad-meta-sig.fd", patched(mo, "<4s", b"ASEX"))
write("bad-meta-version.fd", patched(mo + 8, "<I", 2))
write("bad-meta-count.fd", patched(mo + 12, "<I", 1000))
write("bad-section-type.fd", patched(mo + 16 + 8, "<I", 7))
write("bad-section-overlap.fd", patched(mo + 16 + 12, "<I", 0x808000))
write("bad-section-align.fd", patched(mo + 16, "<I", 0x800800))
write("short.fd", amd[:40])
write("no-reset.fd", image(4096, [(HASHES, struct.pack("<II", 0x810c00, 0x400))], AMDSEV_SECTIONS))
write("reset0.fd", image(4096, [(RESET, struct.pack("<I", 0))] + amdsev_entries[1:], AMDSEV_SECTIONS))
write("table-end.fd", image(4096, [(RESET, struct.pack("<I", 0x80b004)), (HASHES, struct.pack("<II", 0x810f80, 0x400))],
                            AMDSEV_SECTIONS))
write("kh-2pages.fd", image(4096, amdsev_entries, AMDSEV_SECTIONS[:5] + [(0x810000, 0x2000, 0x10)]))
write("odd.fd", b"\0" + amd)  # one byte more, footer still at the end
PY
if ! python3 "$T/gen.py" 2>"$T/gen.err"; then
	notok "generate fixtures: $(head -c 300 "$T/gen.err")"
	finish
fi
: >empty

# ---- upstream golden values (sev-snp-measure tests/test_guest.py) -------------------------------
SEED=086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74
G_DEFAULT=329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198
G_SNP_ONLY=ddc5224521617a536ee7ce9dd6224d1b58a8d4fda1c741f3ac99fc4bfa04ba6e9fc98646d4a07a9079397fa3852819b5
G_CMDLINE=803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba7e534442e7e1e17895dfe778d0228977
G_NOKERNEL=19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d
G_4VCPU=4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942
# ec2: current upstream (sev-snp-measure 4a02bf0, April 2026, RDX 0x600)
G_EC2=0883bd0eeb716e65b7b977a321c278d1e51b33b5c655fab985443bbcc65c086b9c15e8a0bd8811050dec7e24964e5056
G_GCE4=5c5debf100fc339f90276e761ee1f1658d08922c3b20e2a2e6c7a6c3370b2452a15a00eae11886a93d6fd1e7ab81e29d

S="--mode snp --ovmf amdsev.fd --snp-ovmf-hash $SEED"
expect "test_snp_ovmf_hash_gen_default" "$G_DEFAULT" $S --vcpus 1 --vcpu-type EPYC-v4 \
	--kernel /dev/null --initrd /dev/null --append "" --guest-features 0x21
expect "test_snp_ovmf_hash_gen_feature_snp_only (default --guest-features)" "$G_SNP_ONLY" $S --vcpus 1 \
	--vcpu-type EPYC-v4 --kernel /dev/null --initrd /dev/null
expect "test_snp_default" "$G_CMDLINE" $S --vcpus=1 --vcpu-type=EPYC-v4 --kernel=/dev/null --initrd=/dev/null \
	--append="console=ttyS0 loglevel=7" --guest-features=33
expect "test_snp_without_kernel_feature_snp_only" "$G_NOKERNEL" $S --vcpus 1 --vcpu-type EPYC-v4
expect "test_snp_with_multiple_vcpus_default" "$G_4VCPU" $S --vcpus 4 --vcpu-type EPYC-v4 --kernel empty \
	--guest-features 0x21
expect "test_snp_ec2_feature_snp_only (ec2 needs no CPU type)" "$G_EC2" $S --vcpus 1 --vmm-type ec2 \
	--kernel /dev/null --initrd /dev/null
expect "test_snp_gce_with_multiple_vcpus_default (gce needs no CPU type)" "$G_GCE4" $S --vcpus 4 \
	--vmm-type gce --kernel /dev/null --initrd /dev/null
expect "--vcpu-family/model/stepping 23/1/2 is EPYC-v4" "$G_NOKERNEL" $S --vcpus 1 --vcpu-family 23 \
	--vcpu-model 1 --vcpu-stepping 2
expect "--vcpu-sig 0x800f12 is EPYC-v4" "$G_NOKERNEL" $S --vcpus 1 --vcpu-sig 0x800f12
expect "family wins over sig, sig over type" "$G_NOKERNEL" $S --vcpus 1 --vcpu-type EPYC-Milan \
	--vcpu-sig 0x800f12
expect "names in any case (mode, VMM, CPU type)" "$G_NOKERNEL" --mode SNP --ovmf amdsev.fd --snp-ovmf-hash "$SEED" \
	--vcpus 1 --vcpu-type epyc-v4 --vmm-type qemu
expect "the seed in upper case" "$G_NOKERNEL" $S --vcpus 1 --vcpu-type EPYC-v4 \
	--snp-ovmf-hash "$(echo $SEED | tr a-f A-F)"
B64=$(python3 -c "import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())" "$G_NOKERNEL")
expect "--output-format base64" "$B64" $S --vcpus 1 --vcpu-type EPYC-v4 --output-format base64
expect "-v prints sev-snp-measure's verbose line" "Calculated SEV_SNP guest measurement: $G_NOKERNEL" $S \
	--vcpus 1 --vcpu-type EPYC-v4 -v
got=$("$IGVMMEASURE" -v ovmf $S --vcpus 1 --vcpu-type EPYC-v4)
[ "$got" = "Calculated SEV_SNP guest measurement: $G_NOKERNEL" ] && ok "global -v too" || notok "global -v ($got)"

M $S --vcpus 4 --vcpu-type EPYC-v4 --kernel /dev/null --json >"$T/json" 2>"$T/err"
if python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert j['mode'] == 'snp' and j['digest'] == sys.argv[2] and j['vcpus'] == 4, j
assert j['vmm_type'] == 'QEMU' and j['vcpu_sig'] == '0x800f12' and j['seeded'] is True, j
assert j['ovmf']['size'] == 4096 and j['ovmf']['gpa'] == '0xfffff000' and j['kernel']['size'] == 0, j
" "$T/json" "$(M $S --vcpus 4 --vcpu-type EPYC-v4 --kernel /dev/null)"; then
	ok "--json: mode, digest, inputs and their sizes"
else
	notok "--json ($(head -c 300 "$T/json"))"
fi
"$IGVMMEASURE" --json ovmf $S --vcpus 1 --vcpu-type EPYC-v4 | grep -q "\"digest\": \"$G_NOKERNEL\"" &&
	ok "global --json" || notok "global --json"

# test_snp_dump_vmsa: one vCPU, one file.
rm -f vmsa*.bin
M $S --vcpus 1 --vcpu-type EPYC-v4 --kernel /dev/null --dump-vmsa >/dev/null &&
	[ -e vmsa0.bin ] && [ ! -e vmsa1.bin ] && ok "test_snp_dump_vmsa: vmsa0.bin only" || notok "test_snp_dump_vmsa"
rm -f vmsa*.bin
# test_cli.py test_get_vcpu_sig_zero: --vcpu-sig 0 is a signature, not a missing one.
Z=$(M $S --vcpus 1 --vcpu-sig 0 2>/dev/null)
[ -n "$Z" ] && [ "$Z" != "$G_NOKERNEL" ] && ok "test_get_vcpu_sig_zero: --vcpu-sig 0 is accepted" ||
	notok "--vcpu-sig 0"
# test_sev_mode.py: mode names in either case, with or without the dash.
for m in SEV-ES seves SEVES sev-es; do
	[ "$(M --mode $m --ovmf amdsev.fd --vcpus 1 --vcpu-type EPYC-v4)" = \
		"$(M --mode seves --ovmf amdsev.fd --vcpus 1 --vcpu-type EPYC-v4)" ] || { notok "mode $m"; continue; }
	ok "--mode $m is seves"
done
expect "--mode SEV-SNP is snp" "$G_NOKERNEL" --mode SEV-SNP --ovmf amdsev.fd --snp-ovmf-hash "$SEED" --vcpus 1 \
	--vcpu-type EPYC-v4

# ---- properties over firmware with content -------------------------------------------------------
H=$(M --mode snp:ovmf-hash --ovmf big.fd)
A=$(M --mode snp --ovmf big.fd --vcpus 3 --vcpu-type EPYC-Genoa --kernel empty --append x)
Bs=$(M --mode snp --ovmf big.fd --vcpus 3 --vcpu-type EPYC-Genoa --kernel empty --append x --snp-ovmf-hash "$H")
[ -n "$A" ] && [ "$A" = "$Bs" ] && ok "unseeded SNP = seeded with its own snp:ovmf-hash" || notok "seeded continuation ($A / $Bs)"
for v in ec2 gce; do
	A=$(M --mode snp --ovmf big.fd --vcpus 2 --vmm-type $v)
	Bs=$(M --mode snp --ovmf big.fd --vcpus 2 --vmm-type $v --snp-ovmf-hash "$H")
	[ -n "$A" ] && [ "$A" = "$Bs" ] && ok "$v: seeded continuation" || notok "$v: seeded continuation"
done
expect "sev: SHA-256 of the firmware" "$(sha256sum <big.fd | cut -d' ' -f1)" --mode sev --ovmf big.fd
expect "sev: any size" "$(sha256sum <odd.fd | cut -d' ' -f1)" --mode sev --ovmf odd.fd
rm -f vmsa*.bin
SE=$(M --mode seves --ovmf big.fd --vcpus 3 --vcpu-type EPYC-v4 --dump-vmsa)
WANT=$(cat big.fd vmsa0.bin vmsa1.bin vmsa2.bin | sha256sum | cut -d' ' -f1)
[ "$SE" = "$WANT" ] && ok "seves: SHA-256(firmware || dumped VMSAs)" || notok "seves ($SE / $WANT)"
[ "$(wc -c <vmsa0.bin)" -eq 4096 ] && cmp -s vmsa1.bin vmsa2.bin && ! cmp -s vmsa0.bin vmsa1.bin && [ ! -e vmsa3.bin ] &&
	ok "--dump-vmsa: vmsa0..2.bin, 4 KiB, BSP differs from the APs" || notok "--dump-vmsa files"
# rip at 0x178: BSP 0xfff0, AP 0xb004 (reset block 0x80b004); rdx at 0x310 = 0x800f12.
rip0=$(od -An -tx8 -j 376 -N 8 vmsa0.bin | tr -d ' ')
rip1=$(od -An -tx8 -j 376 -N 8 vmsa1.bin | tr -d ' ')
rdx=$(od -An -tx8 -j 784 -N 8 vmsa1.bin | tr -d ' ')
[ "$rip0" = 000000000000fff0 ] && [ "$rip1" = 000000000000b004 ] && [ "$rdx" = 0000000000800f12 ] &&
	ok "dumped VMSAs: BSP rip 0xfff0, AP rip 0xb004, rdx = signature" || notok "VMSA fields ($rip0 $rip1 $rdx)"
rm -f vmsa*.bin

# ---- snp:svsm ------------------------------------------------------------------------------------
head -c 540672 /dev/zero >vars.fd
A=$(M --mode snp:svsm --ovmf big.fd --svsm svsm.bin --vars-size 540672 --vcpus 2 --vcpu-type EPYC-v4 --dump-vmsa)
Bs=$(M --mode snp:svsm --ovmf big.fd --svsm svsm.bin --vars-file vars.fd --vcpus 2 --vcpu-type EPYC-v4 \
	--kernel /nonexistent-but-ignored --guest-features 0x21)
[ -n "$A" ] && [ "$A" = "$Bs" ] &&
	ok "snp:svsm: --vars-file counts its size; kernel and guest features are ignored" || notok "snp:svsm ($A / $Bs)"
rip=$(od -An -tx8 -j 376 -N 8 vmsa0.bin | tr -d ' ')
# SVSM gpa = 4 GiB - 64 KiB (OVMF) - 540672 (vars) - 16 KiB (SVSM); entry at +0x10.
[ "$rip" = "$(printf %016x $((0x100000000 - 65536 - 540672 - 16384 + 16)))" ] && cmp -s vmsa0.bin vmsa1.bin &&
	ok "snp:svsm VMSAs: identical, rip = SVSM gpa + entry offset" || notok "snp:svsm VMSA ($rip)"
rm -f vmsa*.bin
refuse "snp:svsm without --vars-*" 2 "requires --vars-size or --vars-file" --mode snp:svsm --ovmf big.fd \
	--svsm svsm.bin --vcpus 1 --vcpu-type EPYC-v4
refuse "snp:svsm with both --vars-size and --vars-file" 2 "exclude each other" --mode snp:svsm --ovmf big.fd \
	--svsm svsm.bin --vars-size 1 --vars-file vars.fd --vcpus 1 --vcpu-type EPYC-v4
refuse "snp:svsm under ec2" 2 "only implemented for QEMU" --mode snp:svsm --ovmf big.fd --svsm svsm.bin \
	--vars-size 0 --vcpus 1 --vmm-type ec2
refuse "snp:svsm: an SVSM image without SVSM info" 1 "^igvmmeasure: amdsev.fd: offset 0x[0-9a-f]+: svsm-info: " \
	--mode snp:svsm --ovmf big.fd --svsm amdsev.fd --vars-size 0 --vcpus 1 --vcpu-type EPYC-v4 --dump-vmsa

# ---- refused firmware: exit 1, one line "FILE: offset 0x..: RULE: ...", nothing written -------------
for c in bad-footer-size:footer-table-size bad-entry-size:table-entry-size bad-meta-offset:metadata-offset \
	bad-meta-sig:metadata-signature bad-meta-version:metadata-version bad-meta-count:metadata-count \
	bad-section-type:section-type bad-section-overlap:section-overlap bad-section-align:section-alignment \
	short:footer-area; do
	f=${c%%:*}.fd rule=${c#*:}
	refuse "$f: $rule" 1 "^igvmmeasure: $f: offset 0x[0-9a-f]+: $rule: " --mode snp --ovmf "$f" --vcpus 2 \
		--vcpu-type EPYC-v4 --dump-vmsa
done
refuse "metadata lies are refused in sev mode too" 1 ": section-overlap: " --mode sev --ovmf bad-section-overlap.fd
refuse "no SEV-ES reset block" 1 "^igvmmeasure: no-reset.fd: offset 0x[0-9a-f]+: reset-block: " --mode snp \
	--ovmf no-reset.fd --vcpus 1 --vcpu-type EPYC-v4
refuse "AP reset address 0 with 2 vCPUs" 1 ": reset-block: " --mode seves --ovmf reset0.fd --vcpus 2 \
	--vcpu-type EPYC-v4 --dump-vmsa
expect "... fine with 1 vCPU" "$(M --mode seves --ovmf reset0.fd --vcpus 1 --vcpu-type EPYC-v4)" --mode seves \
	--ovmf reset0.fd --vcpus 1 --vcpu-type EPYC-v4
refuse "hashes table past its page" 1 ": kernel-hashes: " --mode snp --ovmf table-end.fd --vcpus 1 \
	--vcpu-type EPYC-v4 --kernel empty
refuse "2-page SNP_KERNEL_HASHES with a kernel" 1 ": kernel-hashes: " --mode snp --ovmf kh-2pages.fd --vcpus 1 \
	--vcpu-type EPYC-v4 --kernel empty
M --mode snp --ovmf kh-2pages.fd --vcpus 1 --vcpu-type EPYC-v4 >/dev/null 2>&1 &&
	ok "... but measured as zero pages without one" || notok "2-page KERNEL_HASHES without kernel"
refuse "SNP over a firmware that is not whole pages" 1 ": image-size: " --mode snp --ovmf odd.fd --vcpus 1 \
	--vcpu-type EPYC-v4
expect "... unless seeded" "$(M $S --vcpus 1 --vcpu-type EPYC-v4 --ovmf odd.fd)" $S --vcpus 1 \
	--vcpu-type EPYC-v4 --ovmf odd.fd
refuse "missing firmware file" 3 "^igvmmeasure: nofile.fd: cannot read" --mode sev --ovmf nofile.fd
refuse "missing kernel file" 3 "^igvmmeasure: nokernel: cannot read" $S --vcpus 1 --vcpu-type EPYC-v4 \
	--kernel nokernel

# ---- usage errors: exit 2 --------------------------------------------------------------------------
refuse "no --mode" 2 "required" --ovmf amdsev.fd
refuse "no --ovmf" 2 "required" --mode sev
refuse "unknown mode" 2 "--mode" --mode csv --ovmf amdsev.fd
refuse "snp without --vcpus" 2 "missing --vcpus N in guest mode 'snp'" --mode snp --ovmf amdsev.fd \
	--vcpu-type EPYC-v4
refuse "QEMU needs a CPU type" 2 "missing --vcpu-type or --vcpu-sig or --vcpu-family" --mode seves \
	--ovmf amdsev.fd --vcpus 1
refuse "unknown CPU type" 2 "--vcpu-type" --mode sev --ovmf amdsev.fd --vcpu-type EPYC-v99
refuse "--initrd without --kernel" 2 "--kernel required when using --initrd" --mode sev --ovmf amdsev.fd \
	--initrd empty
refuse "--append without --kernel" 2 "--kernel required when using --append" --mode sev --ovmf amdsev.fd \
	--append x
refuse "--dump-vmsa in sev mode" 2 "--dump-vmsa" --mode sev --ovmf amdsev.fd --dump-vmsa
refuse "--snp-ovmf-hash outside snp mode" 2 "only works with --mode snp" --mode seves --ovmf amdsev.fd \
	--vcpus 1 --vcpu-type EPYC-v4 --snp-ovmf-hash "$SEED"
refuse "a short seed" 2 "96 hex digits" $S --vcpus 1 --vcpu-type EPYC-v4 --snp-ovmf-hash abcd
refuse "unknown VMM" 2 "--vmm-type" --mode snp --ovmf amdsev.fd --vcpus 1 --vmm-type kvm
refuse "negative vCPU count" 2 "--vcpus" --mode snp --ovmf amdsev.fd --vcpus -1 --vcpu-type EPYC-v4
refuse "vcpus above 4096" 2 "--vcpus" --mode snp --ovmf amdsev.fd --vcpus 4097 --vcpu-type EPYC-v4
refuse "--vcpu-sig 010 (Python refuses leading zeros)" 2 "--vcpu-sig" --mode snp --ovmf amdsev.fd --vcpus 1 \
	--vcpu-sig 010
refuse "--vcpu-family without model" 2 "--vcpu-model" --mode snp --ovmf amdsev.fd --vcpus 1 --vcpu-family 25
refuse "stray argument" 2 "unexpected argument" --mode sev --ovmf amdsev.fd extra
M --help | grep -q "snp:svsm" && ok "--help" || notok "--help"

# ---- Debian's OVMF, when installed ----------------------------------------------------------------
if [ -r "$OVMF_FD" ]; then
	expect "Debian OVMF: sev = sha256sum" "$(sha256sum <"$OVMF_FD" | cut -d' ' -f1)" --mode sev --ovmf "$OVMF_FD"
	H=$(M --mode snp:ovmf-hash --ovmf "$OVMF_FD")
	A=$(M --mode snp --ovmf "$OVMF_FD" --vcpus 4 --vcpu-type EPYC-Milan)
	Bs=$(M --mode snp --ovmf "$OVMF_FD" --vcpus 4 --vcpu-type EPYC-Milan --snp-ovmf-hash "$H")
	[ -n "$A" ] && [ "$A" = "$Bs" ] && ok "Debian OVMF: SNP continues its snp:ovmf-hash" || notok "Debian OVMF SNP"
	SE=$(M --mode seves --ovmf "$OVMF_FD" --vcpus 2 --vcpu-type EPYC-v4 --dump-vmsa)
	WANT=$(cat "$OVMF_FD" vmsa0.bin vmsa1.bin | sha256sum | cut -d' ' -f1)
	[ "$SE" = "$WANT" ] && ok "Debian OVMF: seves = sha256sum(firmware, VMSAs)" || notok "Debian OVMF seves"
	rm -f vmsa*.bin
	refuse "Debian OVMF has no kernel-hashes section" 1 "^igvmmeasure: .*: offset 0x[0-9a-f]+: kernel-hashes: " \
		--mode snp --ovmf "$OVMF_FD" --vcpus 1 --vcpu-type EPYC-v4 --kernel empty
	refuse "... nor a SEV hash table address" 1 ": kernel-hashes: " --mode sev --ovmf "$OVMF_FD" --kernel empty
else
	skip "Debian OVMF not installed ($OVMF_FD; apt-get install ovmf)"
fi

finish
