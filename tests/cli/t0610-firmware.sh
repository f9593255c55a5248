#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t0610-firmware.sh — the pinned SVSM-capable firmware (firmware/): fetch.sh
# checks the package's and the member's SHA-256, refuses a copy that differs,
# installs nothing, and the firmware it unpacks has what the SVSM needs; the
# default template builds an SNP image with it.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
PIN=$SRC/firmware/ovmf-svsm.pin
FW=$B/firmware/OVMF-svsm.fd
T=$T_TMP

pinval() { sed -n "s/^$1=//p" "$PIN" | head -1; }
VER=$(pinval VERSION)
DEB=$B/firmware/ovmf_${VER}_all.deb

# A copy of the package with one byte changed must be refused with exit 1 and leave no output.
if [ -r "$DEB" ]; then
	cp "$DEB" "$T/bad.deb"
	printf 'X' | dd of="$T/bad.deb" bs=1 seek=1000 conv=notrunc 2>/dev/null
	t_run env IGVMBUILD_FIRMWARE_DEB="$T/bad.deb" sh "$SRC/firmware/fetch.sh" "$PIN" "$T/out/OVMF.fd"
	if [ "$T_RC" -eq 1 ] && grep -q "SHA-256 is not the pinned" "$T_ERR" && [ ! -e "$T/out/OVMF.fd" ]; then
		t_ok "fetch.sh refuses a package whose SHA-256 differs from the pin"
	else
		t_not_ok "fetch.sh refuses a package whose SHA-256 differs (exit $T_RC)"
		t_diag "$T_ERR"
	fi
	t_run env IGVMBUILD_FIRMWARE_DEB="$DEB" sh "$SRC/firmware/fetch.sh" "$PIN" "$T/out/OVMF.fd"
	if [ "$T_RC" -eq 0 ] && cmp -s "$T/out/OVMF.fd" "$FW"; then
		t_ok "fetch.sh unpacks the same firmware from a local copy of the pinned package"
	else
		t_not_ok "fetch.sh from a local copy (exit $T_RC)"
		t_diag "$T_ERR"
	fi
	# A pin whose member digest is wrong: the unpacked file is refused.
	sed 's/^MEMBER_SHA256=.*/MEMBER_SHA256=0000000000000000000000000000000000000000000000000000000000000000/' "$PIN" \
		>"$T/bad.pin"
	t_run env IGVMBUILD_FIRMWARE_DEB="$DEB" sh "$SRC/firmware/fetch.sh" "$T/bad.pin" "$T/out2/OVMF.fd"
	if [ "$T_RC" -eq 1 ] && [ ! -e "$T/out2/OVMF.fd" ]; then
		t_ok "fetch.sh refuses an unpacked member whose SHA-256 differs from the pin"
	else
		t_not_ok "fetch.sh refuses a wrong member digest (exit $T_RC)"
	fi
	if dpkg-query -W -f='${Version}' ovmf 2>/dev/null | grep -qx "$VER"; then
		t_skip "the pinned ovmf $VER is installed on this system; cannot tell that fetch.sh installed nothing"
	else
		t_ok "the pinned package is not installed on the system (dpkg-query does not list ovmf $VER)"
	fi
else
	for i in 1 2 3 4; do t_skip "the pinned package was not fetched ($DEB): offline?"; done
fi

if [ -r "$FW" ]; then
	if python3 - "$FW" <<'PY'
import struct, sys, uuid
d = open(sys.argv[1], "rb").read()
g = lambda s: uuid.UUID(s).bytes_le
end = len(d) - 32
assert d[end - 16:end] == g("96b582de-1fb2-45f7-baea-a366c55a082d")
size, = struct.unpack("<H", d[end - 18:end - 16])
p, start, types = end - 18, end - size, set()
while p > start:
    sz, = struct.unpack("<H", d[p - 18:p - 16])
    if d[p - 16:p] == g("dc886566-984a-4798-a75e-5585a7bf67cc"):
        off, = struct.unpack("<I", d[p - sz:p - sz + 4])
        m = len(d) - off
        n, = struct.unpack("<I", d[m + 12:m + 16])
        types = {struct.unpack("<I", d[m + 24 + 12 * i:m + 28 + 12 * i])[0] for i in range(n)}
    p -= sz
sys.exit(0 if {2, 3, 4} <= types else 1)
PY
	then
		t_ok "the pinned firmware has SNP_SECRETS, CPUID and SVSM_CAA sections (read independently of igvmbuild)"
	else
		t_not_ok "the pinned firmware has SNP_SECRETS, CPUID and SVSM_CAA sections"
	fi
	if [ ! -r "$B/svsm/svsm.elf" ]; then
		t_skip "the SVSM core is not built ($B/svsm/svsm.elf)"
	else
		t_run "$IGVMBUILD" build -t "$SRC/templates/qemu-snp.xml" --kernel "$B/svsm/svsm.elf" \
			--stage2 "$B/loaders/stage2.bin" --firmware "$FW" -o "$T/default.igvm"
		if [ "$T_RC" -eq 0 ] && grep -q "SNP launch digest" "$T_OUT"; then
			t_ok "the default template builds an SNP image with the pinned firmware"
		else
			t_not_ok "the default template builds an SNP image with the pinned firmware (exit $T_RC)"
			t_diag "$T_ERR"
		fi
	fi
else
	t_skip "the pinned firmware was not fetched ($FW): offline?"
	t_skip "the pinned firmware was not fetched ($FW): offline?"
fi
t_done
