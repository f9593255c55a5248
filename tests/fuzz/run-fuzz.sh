#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-fuzz.sh MODE — build and run the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
#
#   short   -runs=$FUZZ_RUNS per harness (default 3000), all harnesses together
#           capped at about FUZZ_SHORT_BUDGET seconds (default 45), on a scratch
#           corpus seeded from mkfixtures (plus the long-mode corpus if any),
#           with a fixed random seed (FUZZ_SEED, default 1) so `make check` is
#           repeatable; run by `make check`
#   long    -max_total_time=$FUZZ_TIME per harness (default 300), keeping the
#           corpus in $B/fuzz/corpus/<harness>; run by `make fuzz`
#
# Environment (set by the Makefile): B, BASE_CFLAGS, HOST_LIBS, LIB_SRC, FUZZERS,
# FUZZ_RUNS, FUZZ_TIME. FUZZ_CC overrides the compiler (default clang).
#
# Prints one TAP line per harness: "ok - fuzz_x: N runs", "not ok - fuzz_x: why",
# or "ok - fuzz_x # SKIP why" when clang or libFuzzer is missing. Crash inputs
# are kept in $B/fuzz/artifacts/. Exit status: 0 unless a harness failed.

set -u

MODE=${1:-short}
case $MODE in
short | long) ;;
*)
	echo "usage: run-fuzz.sh short|long" >&2
	exit 2
	;;
esac

B=${B:-build}
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_RUNS=${FUZZ_RUNS:-3000}
FUZZ_TIME=${FUZZ_TIME:-300}
HOST_LIBS=${HOST_LIBS:--lz -lcrypto -ljson-c -lpthread}
LIB_SRC=${LIB_SRC:-common/buf.c common/status.c common/fileio.c common/digest.c format/igvm_read.c format/igvm_write.c format/igvm_model.c format/igvm_rules.c}
if [ -z "${FUZZERS:-}" ]; then
	FUZZERS=
	for f in tests/fuzz/fuzz_*.c; do
		[ -f "$f" ] && FUZZERS="$FUZZERS $(basename "$f" .c)"
	done
fi

# Word lists below are split on blanks on purpose; no globbing.
set -f

# The version define carries shell quotes through make; nothing here needs it.
CFLAGS_F=
for w in ${BASE_CFLAGS:--std=gnu11 -Wall -Wextra -Werror}; do
	case $w in
	-DIGVMBUILD_VERSION=*) ;;
	*) CFLAGS_F="$CFLAGS_F $w" ;;
	esac
done
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
OPT="-O1 -g"

FUZZ_DIR=$B/fuzz
OBJ_DIR=$FUZZ_DIR/obj
mkdir -p "$OBJ_DIR" "$FUZZ_DIR/artifacts" "$FUZZ_DIR/logs" || exit 3

failed=0
skip_all() {
	for fz in $FUZZERS; do
		echo "ok - $fz # SKIP $1"
	done
	exit 0
}

# ---- is libFuzzer usable? ----------------------------------------------------------------------

probe=$FUZZ_DIR/probe
cat >"$probe.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
EOF
if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	skip_all "$FUZZ_CC not found"
fi
if ! "$FUZZ_CC" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
	skip_all "$FUZZ_CC cannot link with -fsanitize=fuzzer (libFuzzer missing)"
fi
if ! "$probe" -runs=1 >"$probe.log" 2>&1; then
	skip_all "a trivial libFuzzer binary does not run"
fi

# ---- build (incremental: an object is rebuilt when its source or any header is newer) -----------

HDR_DIRS=$(for src in $LIB_SRC tests/fuzz/x.c; do dirname "$src"; done | sort -u | tr '\n' ' ')
stale() { # stale OBJ SRC
	[ -f "$1" ] || return 0
	[ -n "$(find "$2" -newer "$1" 2>/dev/null)" ] && return 0
	# shellcheck disable=SC2086
	[ -n "$(find $HDR_DIRS common format tests -name '*.h' -newer "$1" 2>/dev/null | head -n 1)" ] && return 0
	return 1
}

compile() { # compile SRC OBJ EXTRA_FLAGS
	if stale "$2" "$1"; then
		mkdir -p "$(dirname "$2")"
		# shellcheck disable=SC2086
		"$FUZZ_CC" $CFLAGS_F $OPT $SAN $3 -c "$1" -o "$2" || return 1
	fi
	return 0
}

build_log=$FUZZ_DIR/logs/build.log
: >"$build_log"
JOBS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
LIB_OBJS=
lib_ok=1
running=0
status_dir=$FUZZ_DIR/status
rm -rf "$status_dir"
mkdir -p "$status_dir"
n=0
for src in $LIB_SRC; do
	obj=$OBJ_DIR/$(echo "$src" | sed 's/\.c$/.o/')
	LIB_OBJS="$LIB_OBJS $obj"
	stale "$obj" "$src" || continue
	n=$((n + 1))
	# Compile in the background, JOBS at a time; a failure leaves a status file.
	(
		compile "$src" "$obj" "-fsanitize=fuzzer-no-link" >"$status_dir/$n.log" 2>&1 ||
			echo "$src" >"$status_dir/$n.failed"
	) &
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait
for f in "$status_dir"/*.log; do
	[ -f "$f" ] && cat "$f" >>"$build_log"
done
for f in "$status_dir"/*.failed; do
	[ -f "$f" ] || continue
	lib_ok=0
	echo "# fuzz build: $(cat "$f") failed to compile with $FUZZ_CC (see $build_log)"
done

# Seeds: the mkfixtures output (the sanitized build's tool if present, else one built here).
SEEDS=$FUZZ_DIR/seeds
MKFIX=$B/san/tools/mkfixtures
if [ ! -x "$MKFIX" ] && [ $lib_ok = 1 ]; then
	MKFIX=$FUZZ_DIR/mkfixtures
	if compile tests/tools/mkfixtures.c "$OBJ_DIR/tests/tools/mkfixtures.o" "" >>"$build_log" 2>&1; then
		# shellcheck disable=SC2086
		"$FUZZ_CC" $OPT $SAN -o "$MKFIX" "$OBJ_DIR/tests/tools/mkfixtures.o" $LIB_OBJS $HOST_LIBS >>"$build_log" 2>&1 ||
			MKFIX=
	else
		MKFIX=
	fi
fi
mkdir -p "$SEEDS"
if [ -n "$MKFIX" ] && [ -x "$MKFIX" ] && "$MKFIX" "$SEEDS" >>"$build_log" 2>&1; then
	:
else
	echo "# fuzz: no mkfixtures seeds; starting from an empty corpus"
fi

# Seeds of their own for harnesses whose input is not an IGVM file: a selector byte, then real
# material from tests/data/snp (certificates, CRLs, a report followed by a certificate table).
harness_seeds() { # harness_seeds HARNESS DIR
	case $1 in
	fuzz_tdvf)
		# The synthetic TDVF images the TDX unit test writes (valid, and one per warning).
		gen=$B/san/tests/test_measure_tdx_mrtd
		[ -x "$gen" ] || return 0
		"$gen" --fixtures "$2/gen" >/dev/null 2>&1 || return 0
		set +f
		for f in "$2"/gen/*.fd; do
			[ -f "$f" ] && mv "$f" "$2/"
		done
		rm -rf "$2/gen"
		set -f
		;;
	fuzz_vtpm)
		# flags 1 (Startup first), then TPM commands in well-formed requests: GetRandom(16),
		# PCR_Read(sha256: 0-7), GetCapability(TPM_PROPERTIES), NV_Read of 0x01500016
		printf '\001\000\014\000\200\001\000\000\000\014\000\000\001\173\000\020' >"$2/getrandom"
		printf '\001\000\024\000\200\001\000\000\000\024\000\000\001\176\000\000\000\001\000\013\003\377\000\000' >"$2/pcrread"
		printf '\001\000\026\000\200\001\000\000\000\026\000\000\001\172\000\000\000\006\000\000\001\000\000\000\000\100' >"$2/getcap"
		printf '\001\101\011\000\010\000\000\000\001\014\000\000\000' >"$2/badloc"
		;;
	fuzz_snp_certs)
		command -v openssl >/dev/null 2>&1 || return 0
		set +f
		i=0
		for f in tests/data/snp/*.vcek.pem; do
			i=$((i + 1))
			{ printf '\000'; cat "$f"; } >"$2/pem$i"
			{ printf '\000'; openssl x509 -in "$f" -outform DER 2>/dev/null; } >"$2/der$i"
		done
		for f in tests/data/snp/crl-*.pem; do
			i=$((i + 1))
			{ printf '\001'; openssl crl -in "$f" -outform DER 2>/dev/null; } >"$2/crl$i"
		done
		set -f
		;;
	fuzz_fs)
		# selector 0: cpio archives written by Debian's cpio (a small tree with a hard link and
		# symlinks); selector 1: an IGFS image (format/igfs.h): /, /bin, /sh -> bin/init, /bin/init
		if command -v cpio >/dev/null 2>&1; then
			t=$2/tree
			mkdir -p "$t/bin" "$t/etc"
			printf 'hello\n' >"$t/bin/init"
			ln "$t/bin/init" "$t/bin/init2"
			ln -s ../bin/init "$t/etc/link"
			ln -s /bin "$t/b"
			(cd "$t" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$2/tree.cpio" 2>/dev/null &&
				{ printf '\000'; cat "$2/tree.cpio"; } >"$2/cpio1"
			(cd "$t" && find . | LC_ALL=C sort | cpio -o -H crc --quiet) >"$2/tree.crc" 2>/dev/null &&
				{ printf '\000'; cat "$2/tree.crc"; } >"$2/cpio2"
			rm -rf "$t" "$2/tree.cpio" "$2/tree.crc"
		fi
		command -v python3 >/dev/null 2>&1 && python3 - "$2/igfs1" <<'PY'
import struct, sys
ents = [(b"", 0o40755, 0, 1, 2), (b"bin", 0o40755, 0, 3, 1), (b"sh", 0o120777, 0, None, b"bin/init"),
        (b"init", 0o100755, 1, None, b"hi\n")]
n = len(ents); so = 64 + 32 * n
strings = b"".join(e[0] + (e[4] if e[1] >> 12 == 0o12 else b"") for e in ents)
doff = (so + len(strings) + 4095) // 4096 * 4096
out = bytearray(doff + 4096); sp = 0; table = b""
for name, mode, parent, first, x in ents:
    no = sp if name else 0; sp += len(name)
    if mode >> 12 == 0o4: off, size = first, x
    elif mode >> 12 == 0o12: off, size = sp, len(x); sp += len(x)
    else: off, size = 0, len(x); out[doff:doff + len(x)] = x
    table += struct.pack("<IHHIIQQ", no, len(name), mode, parent, 0, off, size)
out[0:64] = struct.pack("<IHHIHHIIQQQQQ", 0x53464749, 1, 64, n, 32, 0, so, len(strings), doff, 4096, doff + 4096, 0, 0)
out[64:so] = table; out[so:so + len(strings)] = strings
open(sys.argv[1], "wb").write(b"\001" + bytes(out))
PY
		;;
	fuzz_user_syscall)
		# a program of calls in fuzz_user_syscall.c's encoding, a starting point near open,
		# read, fstat, writev, mmap, mprotect, munmap, brk and exit_group (the comments say
		# what each line aims at; the harness decodes what it decodes)
		python3 - "$2/calls" <<'PY'
import sys
s = bytes([100])                                   # page budget
s += bytes([2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])      # open("/etc/motd", 0)
s += bytes([0, 0, 3, 2, 0, 16, 0, 100, 0, 0, 0, 0, 0])   # read(3, page, 100)
s += bytes([5, 0, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0])      # fstat(3, page)
s += bytes([15, 0, 3, 1, 64, 0, 2, 0, 0, 0, 0, 0, 0])    # writev(3.., iov, 2)
s += bytes([8, 0, 16, 0, 8192 >> 8 & 255, 0, 3, 0, 34, 0, 255, 0, 0])  # mmap
s += bytes([9, 3, 0, 0, 16, 0, 1, 0, 0, 0, 0, 0, 0])     # mprotect(past a mapping, 16, 1)
s += bytes([10, 2, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0])       # munmap
s += bytes([11, 6, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0])       # brk
s += bytes([24, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0])        # exit_group(3)
open(sys.argv[1], "wb").write(s)
PY
		;;
	fuzz_user_elf)
		# real static programs: musl-gcc's ET_EXEC and static PIE (t0260 says how), gcc's -static
		cat >"$2/p.c" <<'C'
#include <stdio.h>
static __thread int t = 1;
int main(int c, char **v) { printf("%s %d\n", v[0], c + t); return 0; }
C
		L=/usr/lib/x86_64-linux-musl
		if command -v musl-gcc >/dev/null 2>&1; then
			musl-gcc -static -Os -s -o "$2/exec" "$2/p.c" 2>/dev/null
			musl-gcc -fPIE -static-pie -nostartfiles -Os -s $L/rcrt1.o $L/crti.o "$("${CC:-cc}" -print-file-name=crtbeginS.o)" \
				"$2/p.c" "$("${CC:-cc}" -print-file-name=crtendS.o)" $L/crtn.o -Wl,-static -Wl,-pie \
				-Wl,--no-dynamic-linker -Wl,-z,text -o "$2/pie" 2>/dev/null
		fi
		rm -f "$2/p.c"
		;;
	esac
}

# ---- run ---------------------------------------------------------------------------------------

# Short mode: the harnesses share FUZZ_SHORT_BUDGET seconds (at least 5 each), so
# `make check` stays around a minute however many harnesses there are.
nfz=0
for fz in $FUZZERS; do nfz=$((nfz + 1)); done
short_time=$((${FUZZ_SHORT_BUDGET:-45} / (nfz > 0 ? nfz : 1)))
[ $short_time -ge 5 ] || short_time=5

for fz in $FUZZERS; do
	src=tests/fuzz/$fz.c
	bin=$FUZZ_DIR/$fz
	log=$FUZZ_DIR/logs/$fz.log
	if [ $lib_ok = 0 ]; then
		echo "not ok - $fz: the library did not compile with $FUZZ_CC (see $build_log)"
		failed=1
		continue
	fi
	fz_log=$FUZZ_DIR/logs/$fz.build.log
	: >"$fz_log"
	# fuzz_vtpm: the vTPM glue (test-seed build) and Debian's libtpms.a/libcrypto.a instead of
	# the shared libcrypto (FUZZ_VTPM_SRC, FUZZ_VTPM_LIBS from svsm/vtpm/vtpm-host.mk).
	fz_objs=
	fz_libs=$HOST_LIBS
	if [ "$fz" = fuzz_vtpm ]; then
		if [ -z "${FUZZ_VTPM_SRC:-}" ] || [ -z "${FUZZ_VTPM_LIBS:-}" ]; then
			echo "ok - $fz # SKIP FUZZ_VTPM_SRC/FUZZ_VTPM_LIBS not set (run through make)"
			continue
		fi
		fz_libs=$FUZZ_VTPM_LIBS
		for vs in $FUZZ_VTPM_SRC; do
			vo=$OBJ_DIR/vtpm-seed/$(echo "$vs" | sed 's/\.c$/.o/')
			compile "$vs" "$vo" "-fsanitize=fuzzer-no-link -DVTPM_TEST_SEED" >>"$fz_log" 2>&1 || fz_objs=FAILED
			[ "$fz_objs" = FAILED ] || fz_objs="$fz_objs $vo"
		done
	fi
	# shellcheck disable=SC2086
	if [ "$fz_objs" = FAILED ] || ! compile "$src" "$OBJ_DIR/tests/fuzz/$fz.o" "-fsanitize=fuzzer-no-link" >>"$fz_log" 2>&1 ||
		! "$FUZZ_CC" $OPT $SAN -fsanitize=fuzzer -o "$bin" "$OBJ_DIR/tests/fuzz/$fz.o" $fz_objs $LIB_OBJS $fz_libs \
			>>"$fz_log" 2>&1; then
		echo "not ok - $fz: build failed (log: $fz_log)"
		sed 's/^/# /' "$fz_log" | tail -n 20
		failed=1
		continue
	fi

	own=$FUZZ_DIR/seeds-$fz
	rm -rf "$own"
	mkdir -p "$own"
	harness_seeds "$fz" "$own"
	if [ "$MODE" = short ]; then
		corpus=$FUZZ_DIR/scratch-$fz
		rm -rf "$corpus"
		mkdir -p "$corpus"
		extra=
		[ -d "$FUZZ_DIR/corpus/$fz" ] && extra=$FUZZ_DIR/corpus/$fz
		# shellcheck disable=SC2086
		"$bin" -runs="$FUZZ_RUNS" -seed="${FUZZ_SEED:-1}" -max_total_time="$short_time" -max_len=65536 -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$FUZZ_DIR/artifacts/$fz-" \
			"$corpus" "$SEEDS" "$own" $extra >"$log" 2>&1
		rc=$?
		rm -rf "$corpus"
	else
		corpus=$FUZZ_DIR/corpus/$fz
		mkdir -p "$corpus"
		"$bin" -max_total_time="$FUZZ_TIME" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="$FUZZ_DIR/artifacts/$fz-" "$corpus" "$SEEDS" "$own" >"$log" 2>&1
		rc=$?
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
	[ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		echo "ok - $fz: ${runs:-?} runs"
	else
		echo "not ok - $fz: exit status $rc after ${runs:-?} runs (log: $log)"
		grep -E 'ERROR|SUMMARY|fuzz_igvm|runtime error|Test unit written|^    #[0-9]' "$log" | head -n 30 | sed 's/^/# /'
		failed=1
	fi
done

exit $failed
