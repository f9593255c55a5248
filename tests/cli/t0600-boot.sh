#!/bin/sh
# SPDX-License-Identifier: MIT
# t0600-boot.sh — boots the stage-2 loader + SVSM core under QEMU (TCG) through
# `igvmbuild run`: the log must show the banner, a memory map matching -m
# (two sizes), passing self-tests and "SVSM core ready", exit through
# isa-debug-exit; a faulting build must be reported as a crash with its
# register dump, a hanging build as a hang.
# With a vTPM manifest: "vTPM ready" before "SVSM core ready"; with the fixed
# test seed (svsm-vtpm-seed.elf, which embeds vtpmd-seed.elf) the EK equals the
# one Debian's libtpms0 derives, the ring-3 vTPM process serves a command on
# every CPU, the cost per command is logged, and a fault, a hang (ended by the
# watchdog) and the restart budget each answer TPM_RC_FAILURE while the SVSM
# goes on.
#
# Images come from `igvmbuild build --template templates/qemu-native.xml` when
# that works, and from the test generator tests/tools/mknativeimage always
# (it pins the launch-information contract independently of the builder).
#
# Environment: B (build dir, default build), IGVMBUILD (default the sanitized
# binary), QEMU (default qemu-system-x86_64).
set -u
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMBUILD=${IGVMBUILD:-$B/san/bin/igvmbuild}
MKIMG=$B/san/tools/mknativeimage
QEMU=${QEMU:-qemu-system-x86_64}

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
expect() { # expect DESC COND-EXIT-STATUS
	if [ "$2" -eq 0 ]; then ok "$1"; else notok "$1"; fi
}

T=$(mktemp -d "${TMPDIR:-/tmp}/t0600.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

if ! command -v "$QEMU" >/dev/null 2>&1; then
	skip "$QEMU not installed (apt-get install --no-install-recommends qemu-system-x86)"
	echo "1..$n"
	exit 0
fi
for f in "$IGVMBUILD" "$MKIMG" "$B/loaders/stage2.bin" "$B/svsm/svsm.elf" \
	 "$B/svsm/test/svsm-fault.elf" "$B/svsm/test/svsm-hang.elf"; do
	if [ ! -e "$f" ]; then
		notok "missing $f (make check-build)"
		echo "1..$n"
		exit 1
	fi
done

# run NAME IMAGE MEM TIMEOUT EXPECTED-EXIT: boots, checks the exit code, leaves $T/NAME.log
run() {
	"$IGVMBUILD" run --memory "$3" --timeout "$4" --serial "$T/$1.log" --expect-ready "$2" \
		>"$T/$1.out" 2>"$T/$1.err"
	rc=$?
	if [ "$rc" -eq "$5" ]; then
		ok "$1: igvmbuild run exits $5 ($(head -n1 "$T/$1.out" | sed 's/.*: //'))"
	else
		notok "$1: igvmbuild run exits $rc, expected $5"
		sed 's/^/#   /' "$T/$1.err" "$T/$1.out" >&2
	fi
}
has() { grep -q -- "$2" "$T/$1.log"; }

# vtpm_ready NAME ALG HASH DESC: "vTPM ready: ALG <sha256 of the EK public>" (HASH, when given) comes
# before "SVSM core ready"
vtpm_ready() {
	line=$(grep -n "vTPM ready: " "$T/$1.log" | head -n1)
	rl=$(grep -n "SVSM core ready" "$T/$1.log" | head -n1 | cut -d: -f1)
	got=$(echo "$line" | tr -d "\r" | sed -n "s/.*vTPM ready: $2 \([0-9a-f]\{64\}\)\$/\1/p")
	[ -n "$got" ] && [ -n "$rl" ] && [ "${line%%:*}" -lt "$rl" ] && { [ -z "$3" ] || [ "$got" = "$3" ]; }
	expect "$4: vTPM ready: $2 ${3:-<EK hash>} before SVSM core ready${got:+ (got $got)}" $?
}

# boot_checks NAME MEM-MIB: the log of a good boot
boot_checks() {
	has "$1" "stage2: long mode, kernel entry"; expect "$1: stage 2 reached long mode" $?
	has "$1" "IGVM SVSM core "; expect "$1: banner with version" $?
	has "$1" "platform: native"; expect "$1: banner names the platform" $?
	has "$1" "total RAM $2 MiB"; expect "$1: memory map totals $2 MiB" $?
	has "$1" "SVSM region 0x1000000-0x4ffffff"; expect "$1: SVSM region excluded from guest memory" $?
	has "$1" "vtpm: "; expect "$1: vTPM configuration reported" $?
	for t in "page allocator" "heap" "page tables: map" "page tables: unmap" "exception path: #PF" \
		 "stack guard" "exception path: #UD" "per-CPU" "guest accessors: copy" \
		 "guest accessors: a fault inside them is recovered" "#HV: an #HV in the Run VMPL window" \
		 "#HV: Run VMPL with NoFurtherSignal set"; do
		grep "selftest: $t" "$T/$1.log" | grep -q ': ok'; expect "$1: self-test '$t' passes" $?
	done
	has "$1" "self-tests: [0-9]* passed, 0 failed"; expect "$1: no self-test failed" $?
	has "$1" "SVSM core ready"; expect "$1: SVSM core ready" $?
}

"$MKIMG" "$B/loaders/stage2.bin" "$B/svsm/svsm.elf" "$T/native.igvm"; expect "generator builds the native image" $?
"$IGVMBUILD" inspect --check "$T/native.igvm" >/dev/null 2>&1; expect "generated image passes inspect --check" $?

run boot256 "$T/native.igvm" 256M 30 0
boot_checks boot256 256
has boot256 "\[mem 0x0000000000000000-0x000000000fffffff\] memory"; expect "boot256: one RAM range 0-256M" $?
# Issue 6: the protocol self-test (dispatcher driven through a simulated calling area).
[ "$(grep -c 'selftest: protocol: .*: ok' "$T/boot256.log")" -ge 8 ] && ! grep -q 'selftest: protocol: .*FAILED' "$T/boot256.log"
expect "boot256: protocol self-test through a simulated calling area passes" $?

run boot3g "$T/native.igvm" 3G 30 0
boot_checks boot3g 3072
has boot3g "\[mem 0x0000000000000000-0x000000007fffffff\] memory" &&
	has boot3g "\[mem 0x0000000100000000-0x000000013fffffff\] memory"
expect "boot3g: RAM split around the PCI hole as in QEMU's e820" $?

# Deliberately faulting build: reported as a crash, register dump in the log.
"$MKIMG" "$B/loaders/stage2.bin" "$B/svsm/test/svsm-fault.elf" "$T/fault.igvm"
run fault "$T/fault.igvm" 256M 30 6
has fault "EXCEPTION #PF page fault (vector 14)"; expect "fault: exception named" $?
has fault "CR2=00000000dead0000"; expect "fault: faulting address reported" $?
has fault "RAX=.*RBX=.*RCX=.*RDX=" && has fault "R12=.*R15=" && has fault "RFLAGS=.*CR3="
expect "fault: register dump" $?
grep -q "crash" "$T/fault.out"; expect "fault: verdict says crash" $?
grep -q "serial log" "$T/fault.err"; expect "fault: serial log path printed on failure" $?

# Hanging build: reported as a hang after the timeout.
"$MKIMG" "$B/loaders/stage2.bin" "$B/svsm/test/svsm-hang.elf" "$T/hang.igvm"
run hang "$T/hang.igvm" 256M 3 7
grep -q "hang" "$T/hang.out"; expect "hang: verdict says hang" $?

# The runner refuses what the reset stub cannot express, naming why.
if "$IGVMBUILD" run --timeout 5 /dev/null >/dev/null 2>"$T/null.err"; then
	notok "runner refuses a non-IGVM file"
else
	ok "runner refuses a non-IGVM file"
fi
"$IGVMBUILD" run --memory 3 "$T/native.igvm" >/dev/null 2>&1
[ $? -eq 2 ]; expect "runner: bad --memory is a usage error" $?

# With the real builder, when it can build the native template.
if [ -f "$SRC/templates/qemu-native.xml" ] &&
   (cd "$SRC" && "$IGVMBUILD" build --template templates/qemu-native.xml -o "$T/built.igvm" \
	--kernel "$B/svsm/svsm.elf" --stage2 "$B/loaders/stage2.bin" >"$T/build.out" 2>&1); then
	run built "$T/built.igvm" 512M 30 0
	has built "SVSM core ready"; expect "built: image from igvmbuild build boots to SVSM core ready" $?
else
	skip "igvmbuild build of templates/qemu-native.xml not available: $(tail -n1 "$T/build.out" 2>/dev/null)"
fi

# A packed filesystem (issue 13): validated at boot, its entries counted, mapped read-only.
mkdir -p "$T/fs/bin" "$T/fs/etc"
printf 'not a program yet\n' >"$T/fs/init"
printf 'hello\n' >"$T/fs/etc/motd"
ln -s ../etc/motd "$T/fs/bin/motd"
if (cd "$SRC" && "$IGVMBUILD" build --template templates/qemu-native.xml -o "$T/fs.igvm" --kernel "$B/svsm/svsm.elf" \
	--stage2 "$B/loaders/stage2.bin" --filesystem "$T/fs" >"$T/fsb.out" 2>&1); then
	run fs "$T/fs.igvm" 256M 30 0
	has fs "fs: packed filesystem at 0x[0-9a-f]*-0x[0-9a-f]*: 6 entries (3 directories, 2 files, 1 symlinks)"
	expect "fs: the core validates the packed filesystem and logs its 6 entries" $?
	has fs "fs: /init: 18 bytes"; expect "fs: the core finds /init" $?
	for t in "filesystem: pages mapped read-only, not executable" "filesystem: every entry found by its path"; do
		grep "selftest: $t" "$T/fs.log" | grep -q ': ok'; expect "fs: self-test '$t' passes" $?
	done
	has fs "SVSM core ready"; expect "fs: SVSM core ready" $?
	has boot256 "fs: no packed filesystem"; expect "an image without one says so" $?
else
	notok "igvmbuild build with --filesystem failed: $(tail -n1 "$T/fsb.out")"
fi

# The default layout: the SVSM region at 512 GiB, outside RAM (the runner backs its REQUIRED_MEMORY
# with a pc-dimm that no memory map reports, as QEMU's IGVM loader does).
sed 's|<kernel-region base="0x1000000"|<kernel-region base="0x8000000000"|' "$SRC/templates/qemu-native.xml" \
	>"$T/high.xml"
if "$IGVMBUILD" build --template "$T/high.xml" -o "$T/high.igvm" --kernel "$B/svsm/svsm.elf" \
	--stage2 "$B/loaders/stage2.bin" --vtpm-manifest "$SRC/templates/vtpm-default.xml" --filesystem "$T/fs" \
	>"$T/hb.out" 2>&1; then
	for m in 256M 3G; do
		run high-$m "$T/high.igvm" $m 30 0
		has high-$m "SVSM region 0x8000000000-0x8003ffffff"; expect "512 GiB region, $m RAM: the core runs there" $?
		has high-$m "fs: packed filesystem at 0x8000[0-9a-f]*-0x8000[0-9a-f]*: 6 entries"
		expect "512 GiB region, $m RAM: the packed filesystem in the region, after the image" $?
		has high-$m "SVSM core ready"; expect "512 GiB region, $m RAM: SVSM core ready" $?
		vtpm_ready high-$m rsa-2048 "" "512 GiB region, $m RAM"
	done
else
	skip "igvmbuild build of a 512 GiB layout failed: $(tail -n1 "$T/hb.out")"
fi

# ---- the vTPM (issue 11) -------------------------------------------------------------------------
# The test build with the fixed seed (never a production build): its EK must be the one Debian's
# libtpms0 derives from the same entropy (vtpm-golden), printed before "SVSM core ready"; with two
# vCPUs every CPU runs archive code with its own canary. Production builds: any EK, same line.
GOLDEN=$B/san/tools/vtpm-golden
SEED_ELF=$B/svsm/test/svsm-vtpm-seed.elf
if [ -x "$GOLDEN" ] && [ -f "$SEED_ELF" ] && "$GOLDEN" >"$T/golden" 2>"$T/golden.err"; then
	printf '%s\n' '<vtpm-manifest version="1">' '  <pcr-banks><bank>sha256</bank></pcr-banks>' \
		'  <endorsement-key algorithm="ecc-nist-p256" template="L-2"/>' \
		'  <manufacturer id="TEST" vendor="t0600" firmware-version="1"/>' \
		'  <persistence mode="ephemeral"/>' '</vtpm-manifest>' >"$T/l2.xml"
	for v in "rsa-2048 $SRC/templates/vtpm-default.xml 2" "ecc-nist-p256 $T/l2.xml 1"; do
		set -- $v
		alg=$1 man=$2 cpus=$3
		want=$(sed -n "s/^$alg //p" "$T/golden")
		if (cd "$SRC" && "$IGVMBUILD" build --template templates/qemu-native.xml -o "$T/seed-$alg.igvm" \
			--kernel "$SEED_ELF" --stage2 "$B/loaders/stage2.bin" --vtpm-manifest "$man" >"$T/sb.out" 2>&1); then
			"$IGVMBUILD" run --vcpus "$cpus" --memory 512M --timeout 60 --serial "$T/seed-$alg.log" --expect-ready \
				"$T/seed-$alg.igvm" >"$T/seed-$alg.out" 2>&1
			expect "seed $alg: boots ($(head -n1 "$T/seed-$alg.out" | sed 's/.*: //'))" $?
			vtpm_ready seed-$alg "$alg" "$want" "seed $alg"
			has seed-$alg "vtpm: self-test passed through the protocol entry"
			expect "seed $alg: the boot self-test (Startup, GetRandom, EK, PCR extend/read, quote) passed" $?
			has seed-$alg "vtpm: the vTPM process served a command on every CPU ($cpus), in ring 3"
			expect "seed $alg: the vTPM process (ring 3) served a command on all $cpus CPUs" $?
			has seed-$alg "vtpm: cost per TPM command (200 x GetRandom): [0-9]* ns round trip, [0-9]* ns inside the TPM"
			expect "seed $alg: the cost per TPM command across the ring-3 channel is measured" $?
			for t in "a fault in the vTPM process" "a hung vTPM process" "after 3 restarts the vTPM is unavailable"; do
				grep "vtpm: test: $t" "$T/seed-$alg.log" | grep -q ': ok'
				expect "seed $alg: $t: the guest gets TPM_RC_FAILURE, the SVSM goes on" $?
			done
			has seed-$alg "user: vtpmd killed: #PF page fault (vector 14) at RIP=0x4[0-9a-f]* CR2=0x0 "
			expect "seed $alg: the fault is the process's, logged with its vector and address" $?
			has seed-$alg "user: vtpmd killed: no reply within 5000 ms (watchdog)"
			expect "seed $alg: the hang is ended by the watchdog" $?
		else
			notok "seed $alg: igvmbuild build failed: $(tail -n1 "$T/sb.out")"
		fi
	done
else
	notok "vtpm-golden or $SEED_ELF missing or failing: $(head -n1 "$T/golden.err" 2>/dev/null)"
fi
has boot256 "vtpm: no vTPM configuration" && ! has boot256 "vTPM ready"
expect "an image without a vTPM manifest starts no vTPM" $?

echo "1..$n"
