#!/bin/sh
# SPDX-License-Identifier: MIT
#
# package-check.sh — `make package-check` (also `make distcheck`): the distribution packaging checked
# the way a maintainer checks it before an upload. Too slow for `make check` (about 10 minutes on two
# cores); t0800 there keeps the fast part. Every step builds from a fresh clone of the committed HEAD,
# so uncommitted changes are not in the packages.
#
#   1. dpkg-buildpackage -us -uc -b in a clean checkout, with the test suite (make check);
#   2. lintian on the result: no error and no warning (--fail-on error,warning; overrides carry a
#      one-line reason, t0800 checks that);
#   3. reproducibility: a second build, later, in another directory, with other source mtimes, umask,
#      time zone and locale, without the test suite; every .deb (with the -dbgsym ones) must be
#      byte-identical to the first build's, no file in any package may contain either build
#      directory, no member may be newer than SOURCE_DATE_EPOCH (from debian/changelog), the gzip
#      headers of the man pages carry no time; the default IGVM image built by each tree from the
#      same firmware is byte-identical and free of build paths too;
#   4. autopkgtest (debian/tests) against the built .debs in a throw-away Debian 12 testbed
#      (autopkgtest-virt-unshare; the testbed tarball is made once with mmdebstrap from the Debian
#      archive into $B/pkg/testbed-bookworm.tar);
#   5. rpmbuild -bb of igvmbuild.spec with this machine's rpm (Debian's `rpm` package): the four
#      packages and their file split. Build requirements are not checked (--nodeps: Debian's rpm
#      database is empty) and the spec's %check is not run (--without check; step 1 ran the tests).
#
# Prints one "ok"/"not ok" line per check, a step whose tool is missing says skipped and why, and
# the last line is "N passed, N failed[, N skipped]". Environment: B (build dir, default build),
# PKG_CHECK_STEPS (default "deb lintian repro autopkgtest rpm").
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$SRC/$B ;; esac
STEPS=${PKG_CHECK_STEPS:-deb lintian repro autopkgtest rpm}
W=$B/pkg/work
TESTBED=$B/pkg/testbed-bookworm.tar

passed=0 failed=0 skipped=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
notok() { failed=$((failed + 1)); echo "not ok - $1"; }
skip() { skipped=$((skipped + 1)); echo "ok - # SKIP $1"; }
diag() { sed -n "1,${2:-20}s/^/#   /p" "$1"; }
want() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }
have() { command -v "$1" >/dev/null 2>&1; }
finish() {
	if [ $skipped -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
	[ $failed -eq 0 ]
	exit $?
}

rm -rf "$W"
mkdir -p "$W"
cd "$SRC" || exit 3
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	echo "# note: the work tree has uncommitted changes; the packages are built from HEAD $(git rev-parse --short HEAD)"
fi
VERSION=$(sed -n 's/^VERSION *:= *//p' Makefile)
SDE=$(cd "$SRC" && dpkg-parsechangelog -S Timestamp 2>/dev/null)

# clone DIR: a clean checkout of HEAD in DIR/igvmbuild
clone() {
	mkdir -p "$1" && git clone -q --no-hardlinks "$SRC" "$1/igvmbuild" && git -C "$1/igvmbuild" checkout -q "$(git rev-parse HEAD)"
}

# ---- 1. dpkg-buildpackage
ONE=$W/one
debs_one=
if want deb || want lintian || want repro || want autopkgtest; then
	if ! have dpkg-buildpackage || ! have dh; then
		skip "dpkg-buildpackage or debhelper is not installed (apt-get install dpkg-dev debhelper)"
	else
		clone "$ONE"
		echo "# dpkg-buildpackage -us -uc -b in $ONE/igvmbuild (with make check; log $ONE/build.log)"
		if (cd "$ONE/igvmbuild" && dpkg-buildpackage -us -uc -b) >"$ONE/build.log" 2>&1; then
			debs_one=$(cd "$ONE" && ls ./*.deb | sed 's|^\./||' | tr '\n' ' ')
			ok "dpkg-buildpackage -us -uc -b on a clean checkout: $debs_one"
			summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$ONE/build.log" | tail -1)
			[ -n "$summary" ] && ok "the package build ran make check: $summary" ||
				notok "the package build ran no test suite"
			grep -q "FETCH\|apt-helper\|download-file" "$ONE/build.log" &&
				notok "the package build tried to download something" ||
				ok "the package build downloaded nothing (DEFAULT_IMAGE=no, IGVMBUILD_OFFLINE=1)"
		else
			notok "dpkg-buildpackage failed (log $ONE/build.log)"
			tail -15 "$ONE/build.log" | sed 's/^/#   /'
		fi
	fi
fi

# ---- 2. lintian
if want lintian && [ -n "$debs_one" ]; then
	if ! have lintian; then
		skip "lintian is not installed"
	else
		changes=$(ls "$ONE"/*.changes)
		# The verdict without --show-overrides (with it, lintian 2.116 fails on overridden tags too);
		# the log with them, to show each override and its reason.
		lintian --fail-on error,warning "$changes" >/dev/null 2>&1
		rc=$?
		lintian --show-overrides "$changes" >"$ONE/lintian.log" 2>&1
		grep -v '^running with root' "$ONE/lintian.log" | sed 's/^/#   /'
		errs=$(grep -c '^E: ' "$ONE/lintian.log")
		warns=$(grep -c '^W: ' "$ONE/lintian.log")
		overridden=$(grep -c '^O: ' "$ONE/lintian.log")
		if [ $rc -eq 0 ] && [ "$errs" -eq 0 ] && [ "$warns" -eq 0 ]; then
			ok "lintian $(lintian --version | cut -d' ' -f2): 0 errors, 0 warnings ($overridden overridden with a reason)"
		else
			notok "lintian: $errs errors, $warns warnings (exit $rc)"
		fi
	fi
fi

# ---- 3. reproducibility
if want repro && [ -n "$debs_one" ]; then
	TWO=$W/two/a-longer-directory-name
	clone "$TWO"
	# Other source mtimes, umask, time zone and locale; built later than the first.
	find "$TWO/igvmbuild" -path '*/.git' -prune -o -exec touch -h -d '2001-02-03 04:05:06' {} + 2>/dev/null
	echo "# second build in $TWO/igvmbuild (umask 0002, TZ=Pacific/Chatham, LC_ALL=C.UTF-8, nocheck; log $TWO/build.log)"
	if (cd "$TWO/igvmbuild" && umask 0002 && TZ=Pacific/Chatham LC_ALL=C.UTF-8 DEB_BUILD_OPTIONS=nocheck \
		dpkg-buildpackage -us -uc -b) >"$TWO/build.log" 2>&1; then
		same=0 differ=
		for d in $debs_one; do
			if cmp -s "$ONE/$d" "$TWO/$d"; then same=$((same + 1)); else differ="$differ $d"; fi
		done
		debs_two=$(cd "$TWO" && ls ./*.deb | sed 's|^\./||' | tr '\n' ' ')
		if [ -z "$differ" ] && [ "$debs_two" = "$debs_one" ]; then
			ok "two builds, in different directories at different times, give $same byte-identical .debs ($(cd "$ONE" && cat $debs_one | sha256sum | cut -c1-16)...)"
		else
			notok "the second build differs:$differ (built: $debs_two)"
			if have diffoscope; then
				for d in $differ; do diffoscope --text - "$ONE/$d" "$TWO/$d" 2>/dev/null | head -40 | sed 's/^/#   /'; done
			fi
		fi

		# Contents: no build directory anywhere, no member newer than SOURCE_DATE_EPOCH.
		X=$W/unpacked
		mkdir -p "$X"
		late=
		for d in $debs_one; do
			dpkg-deb -R "$TWO/$d" "$X/${d%%_*}"
			dpkg-deb --fsys-tarfile "$TWO/$d" | tar -tv --full-time --utc | awk '{print $4 "T" $5}' >"$W/times"
			dpkg-deb --ctrl-tarfile "$TWO/$d" | tar -tv --full-time --utc | awk '{print $4 "T" $5}' >>"$W/times"
			while read -r t; do
				[ "$(date -u -d "$(echo "$t" | tr T ' ')" +%s)" -le "$SDE" ] || late="$late $d"
			done <"$W/times"
		done
		hits=$(grep -rlaF -e "$ONE" -e "$TWO" -e "$W" "$X" 2>/dev/null | sed "s|$X/||")
		[ -z "$hits" ] && ok "no build directory in any file of any package (svsm.elf, stage2.bin, binaries, libraries, debug symbols, man pages)" ||
			notok "build path in: $(echo "$hits" | head -5 | tr '\n' ' ')"
		[ -z "$late" ] && ok "every member of every package has an mtime <= SOURCE_DATE_EPOCH $SDE ($(date -u -d "@$SDE" +%F))" ||
			notok "members newer than SOURCE_DATE_EPOCH in:$(echo "$late" | tr ' ' '\n' | sort -u | tr '\n' ' ')"
		gzt=
		for g in $(find "$X" -name '*.gz' -type f); do
			[ "$(od -An -tx1 -j4 -N4 "$g" | tr -d ' \n')" = 00000000 ] || gzt="$gzt ${g#"$X"/}"
		done
		[ -z "$gzt" ] && ok "no time in the gzip header of any compressed man page or changelog" ||
			notok "gzip headers with a time:$gzt"

		# The default IGVM image from each tree, same firmware (synthetic: no download): identical.
		mkdir -p "$W/fx"
		python3 "$SRC/tests/build/mkfixtures.py" "$W/fx" "$ONE/igvmbuild/build/svsm/svsm.elf" >/dev/null 2>&1
		imgs=0
		for t in "$ONE" "$TWO"; do
			(cd "$t/igvmbuild" && make -s DEFAULT_IMAGE=yes FIRMWARE="$W/fx/ovmf.fd" build/images/svsm-qemu.igvm) \
				>"$t/image.log" 2>&1 && imgs=$((imgs + 1))
		done
		if [ $imgs -eq 2 ] && cmp -s "$ONE/igvmbuild/build/images/svsm-qemu.igvm" "$TWO/igvmbuild/build/images/svsm-qemu.igvm" &&
			! grep -qaF -e "$ONE" -e "$TWO" "$ONE/igvmbuild/build/images/svsm-qemu.igvm" "$ONE/igvmbuild/build/svsm/svsm.elf"; then
			ok "the default IGVM image of both trees is byte-identical and names no build directory ($(sed -n 's/^SNP launch digest: \(.\{16\}\).*/\1.../p' "$ONE/image.log"))"
		else
			notok "default images: built $imgs of 2, or they differ"
		fi
	else
		notok "second dpkg-buildpackage failed (log $TWO/build.log)"
	fi
fi

# ---- 4. autopkgtest
if want autopkgtest && [ -n "$debs_one" ]; then
	if ! have autopkgtest || ! have autopkgtest-virt-unshare; then
		skip "autopkgtest is not installed"
	elif ! have newuidmap || ! grep -q "^$(id -un):" /etc/subuid 2>/dev/null; then
		skip "autopkgtest-virt-unshare needs uidmap and a subordinate id range for $(id -un) in /etc/subuid and /etc/subgid"
	else
		if [ ! -s "$TESTBED" ]; then
			if have mmdebstrap; then
				echo "# making the testbed $TESTBED with mmdebstrap (Debian 12 from deb.debian.org)"
				mmdebstrap --variant=apt --include=ca-certificates,apt-utils --skip=cleanup/apt/lists bookworm \
					"$TESTBED" http://deb.debian.org/debian >"$W/mmdebstrap.log" 2>&1 || rm -f "$TESTBED"
			fi
		fi
		if [ ! -s "$TESTBED" ]; then
			skip "no testbed: mmdebstrap is missing or could not reach the Debian archive ($W/mmdebstrap.log)"
		else
			# The pinned firmware package, when `make` fetched it, goes into the testbed so that
			# default-image also builds with the real SVSM-capable OVMF (fetched offline there).
			fwdeb=$(ls "$B"/firmware/ovmf_*_all.deb 2>/dev/null | head -1)
			set --
			[ -n "$fwdeb" ] && set -- --copy="$fwdeb:/tmp/ovmf-pinned.deb" --env=IGVMBUILD_FIRMWARE_DEB=/tmp/ovmf-pinned.deb
			echo "# autopkgtest against the .debs in a Debian 12 testbed${fwdeb:+, with the pinned firmware package} (log $ONE/autopkgtest.log)"
			(cd "$ONE" && autopkgtest "$@" --no-built-binaries igvmbuild/ $debs_one -- unshare --tarball "$TESTBED") \
				>"$ONE/autopkgtest.log" 2>&1
			rc=$?
			grep -E '^[0-9]+ passed, [0-9]+ failed|^ok - |^not ok|default images built' "$ONE/autopkgtest.log" | sed 's/^/#   /'
			sed -n '/@@@@ summary/,$p' "$ONE/autopkgtest.log" | grep -v summary | sed 's/^/#   /'
			n_tests=$(sed -n '/@@@@ summary/,$p' "$ONE/autopkgtest.log" | grep -cE ' (PASS|FAIL|SKIP|FLAKY)')
			n_pass=$(sed -n '/@@@@ summary/,$p' "$ONE/autopkgtest.log" | grep -cE ' PASS')
			if [ $rc -eq 0 ] && [ "$n_tests" -gt 0 ] && [ "$n_pass" -eq "$n_tests" ]; then
				ok "autopkgtest: $n_pass of $n_tests tests of debian/tests/control pass against the installed packages"
			else
				notok "autopkgtest exit $rc: $n_pass of $n_tests tests pass"
			fi
		fi
	fi
fi

# ---- 5. rpmbuild
if want rpm; then
	if ! have rpmbuild; then
		skip "rpmbuild is not installed (apt-get install rpm)"
	else
		R=$W/rpm
		mkdir -p "$R/SOURCES"
		git archive --format=tar.gz --prefix="igvmbuild-$VERSION/" -o "$R/SOURCES/igvmbuild-$VERSION.tar.gz" HEAD
		echo "# rpmbuild -bb --nodeps --without check igvmbuild.spec (log $R/rpmbuild.log)"
		if rpmbuild -bb --nodeps --without check --define "_topdir $R" igvmbuild.spec >"$R/rpmbuild.log" 2>&1; then
			rpms=$(cd "$R/RPMS/x86_64" && ls ./*.rpm | sed 's|^\./||' | tr '\n' ' ')
			ok "rpmbuild -bb igvmbuild.spec: $rpms"
			q() { rpm -qlp "$R/RPMS/x86_64/$1-$VERSION-1.x86_64.rpm" 2>/dev/null; }
			bad=
			q igvmbuild | grep -qx /usr/bin/igvmbuild || bad="$bad igvmbuild"
			q igvmbuild | grep -qx /usr/share/bash-completion/completions/igvmmeasure || bad="$bad completion"
			q igvmbuild-svsm | grep -qx /usr/lib/igvmbuild/svsm.elf || bad="$bad svsm"
			q libigvm | grep -qx /usr/lib64/libigvm.so.0 || bad="$bad libigvm"
			q libigvm-devel | grep -qx /usr/include/igvm/igvm.h || bad="$bad devel"
			q libigvm-devel | grep -qx /usr/lib64/libigvm.a || bad="$bad static"
			dup=$(for p in igvmbuild igvmbuild-svsm libigvm libigvm-devel; do q $p; done | grep -v '^/usr/lib/.build-id' | sort | uniq -d | grep -v '/$' | head -3)
			rpm -qp --provides "$R/RPMS/x86_64/libigvm-devel-$VERSION-1.x86_64.rpm" 2>/dev/null | grep -q 'pkgconfig(igvm) = 0.4.0' ||
				bad="$bad pkgconfig-provides"
			[ -z "$bad" ] && [ -z "$dup" ] &&
				ok "the RPM split mirrors the Debian one (tools, svsm, libigvm, libigvm-devel with pkgconfig(igvm) = 0.4.0)" ||
				notok "RPM contents: missing$bad; in two packages: $dup"
		else
			notok "rpmbuild failed (log $R/rpmbuild.log)"
			tail -10 "$R/rpmbuild.log" | sed 's/^/#   /'
		fi
	fi
fi
finish
