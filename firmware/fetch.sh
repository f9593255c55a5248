#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fetch.sh PIN OUT — the firmware file a pin names (firmware/ovmf-svsm.pin),
# reproducibly: the Debian package of the pinned version is downloaded (or
# taken from $IGVMBUILD_FIRMWARE_DEB, or from the cache next to OUT), its
# SHA-256 checked, and the pinned member unpacked to OUT, whose SHA-256 is
# checked too. Nothing is installed: dpkg-deb only reads the archive.
#
# Downloads use apt's own helper (present on every Debian system) and fall
# back to curl; IGVMBUILD_OFFLINE=1 forbids them (package builds set it), and
# so does DEB_BUILD_OPTIONS containing "offline". Exit status: 0 done, 1
# checksum mismatch, 3 not obtainable (offline and no cached or given .deb).
set -eu

pin=$1
out=$2
[ -r "$pin" ] || { echo "fetch.sh: $pin: cannot read the pin" >&2; exit 3; }

val() { sed -n "s/^$1=//p" "$pin"; }
pkg=$(val PACKAGE | head -1)
ver=$(val VERSION | head -1)
sha=$(val SHA256 | head -1)
member=$(val MEMBER | head -1)
msha=$(val MEMBER_SHA256 | head -1)
for v in pkg ver sha member msha; do
	eval "[ -n \"\$$v\" ]" || { echo "fetch.sh: $pin: $v is not set" >&2; exit 3; }
done

dir=$(dirname "$out")
mkdir -p "$dir"
deb=$dir/${pkg}_${ver}_all.deb

sha_ok() { [ -r "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

if [ -n "${IGVMBUILD_FIRMWARE_DEB:-}" ]; then
	sha_ok "$IGVMBUILD_FIRMWARE_DEB" "$sha" || {
		echo "fetch.sh: $IGVMBUILD_FIRMWARE_DEB: SHA-256 is not the pinned $sha ($pkg $ver)" >&2
		exit 1
	}
	cp "$IGVMBUILD_FIRMWARE_DEB" "$deb.tmp" && mv "$deb.tmp" "$deb"
fi

offline=${IGVMBUILD_OFFLINE:-0}
case " ${DEB_BUILD_OPTIONS:-} " in *" offline "*) offline=1 ;; esac

if ! sha_ok "$deb" "$sha" && [ "$offline" = 1 ]; then
	echo "fetch.sh: offline (IGVMBUILD_OFFLINE=1 or DEB_BUILD_OPTIONS=offline): not downloading $pkg $ver;" \
		"give a copy with IGVMBUILD_FIRMWARE_DEB=/path/to/${pkg}_${ver}_all.deb" >&2
	exit 3
fi

if ! sha_ok "$deb" "$sha"; then
	rm -f "$deb" "$deb.tmp" "$deb.tmp.FAILED"
	got=
	for url in $(val URL); do
		echo "  FETCH   $pkg $ver from $url" >&2
		if [ -x /usr/lib/apt/apt-helper ]; then
			/usr/lib/apt/apt-helper -o APT::Sandbox::User=root -qq download-file "$url" "$deb.tmp" \
				"SHA256:$sha" >/dev/null 2>&1 || true
		elif command -v curl >/dev/null 2>&1; then
			curl -fsSL --max-time 300 -o "$deb.tmp" "$url" || true
		fi
		if sha_ok "$deb.tmp" "$sha"; then
			mv "$deb.tmp" "$deb"
			got=1
			break
		fi
		rm -f "$deb.tmp" "$deb.tmp.FAILED"
	done
	if [ -z "$got" ]; then
		echo "fetch.sh: could not download $pkg $ver with SHA-256 $sha from any URL in $pin;" \
			"give a copy with IGVMBUILD_FIRMWARE_DEB=/path/to/${pkg}_${ver}_all.deb" >&2
		exit 3
	fi
fi

tmp=$(mktemp -d "$dir/.unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "$member"
sha_ok "$tmp/$member" "$msha" || {
	echo "fetch.sh: $deb: $member: SHA-256 is not the pinned $msha" >&2
	exit 1
}
chmod 0644 "$tmp/$member"
# make compares times: the unpacked file is new, whatever date the archive gives it
touch "$tmp/$member"
mv "$tmp/$member" "$out"
