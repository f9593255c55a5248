#!/bin/sh
# SPDX-License-Identifier: MIT
# t0720-completion.sh — bash completion for igvmbuild and igvmmeasure (completion/*.bash): both
# scripts parse, `make install-completion` installs them under the names bash-completion loads on
# demand, and, driven the way bash drives them, they complete verbs, each verb's options, option
# values and file arguments by type in a directory holding one file of each type.
#
# Environment: B (build dir), IGVMMEASURE (for the CPU types it lists), COMPLETION_DIR (the
# scripts under test; default completion/ of the tree, autopkgtest gives the installed ones).
set -u
# A parent make (a package build runs `make check LIBDIR=... V=1`) exports its command-line
# variables; the sub-makes here must see only what each test passes.
unset PREFIX BINDIR DATADIR MANDIR LIBDIR INCLUDEDIR PKGCONFIGDIR IGVMBUILD_GUESTDIR IGVMBUILD_DATADIR \
	IGVMBUILD_FIRMWARE BASHCOMPDIR V DEFAULT_IMAGE
B=${B:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
case $B in /*) ;; *) B=$SRC/$B ;; esac
IGVMMEASURE=${IGVMMEASURE:-$B/san/bin/igvmmeasure}
COMPLETION_DIR=${COMPLETION_DIR:-}
MAKE=${MAKE:-make}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
finish() { echo "1..$n"; [ $fails -eq 0 ]; exit $?; }

T=$(mktemp -d "${TMPDIR:-/tmp}/t0720.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

if ! command -v bash >/dev/null 2>&1; then
	skip "bash is not installed"
	finish
fi

if [ -z "$COMPLETION_DIR" ]; then
	# Installed the way `make install` does; the tests below use the installed copies.
	if env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$MAKE" -s -C "$SRC" B="$B" DESTDIR="$T/root" PREFIX=/usr \
		install-completion >"$T/make.log" 2>&1 &&
		[ -f "$T/root/usr/share/bash-completion/completions/igvmbuild" ] &&
		[ -f "$T/root/usr/share/bash-completion/completions/igvmmeasure" ]; then
		ok "make install-completion puts igvmbuild and igvmmeasure into /usr/share/bash-completion/completions"
	else
		notok "make install-completion: $(tail -1 "$T/make.log")"
		finish
	fi
	COMPLETION_DIR=$T/root/usr/share/bash-completion/completions
fi

for c in igvmbuild igvmmeasure; do
	if bash -n "$COMPLETION_DIR/$c" 2>"$T/syn"; then
		ok "$c completion parses (bash -n)"
	else
		notok "$c completion: $(head -1 "$T/syn")"
	fi
done

BC=
for f in /usr/share/bash-completion/bash_completion /etc/bash_completion; do
	[ -r "$f" ] && BC=$f && break
done
if [ -z "$BC" ]; then
	skip "bash-completion is not installed: cannot drive the completion functions"
	finish
fi

mkdir -p "$T/work/dir"
for f in tmpl.xml key.pem ovmf.fd stage2.bin image.igvm refs.json report.bin other.txt; do : >"$T/work/$f"; done
# The CPU types come from `igvmmeasure ovmf --help`: the binary under test, first on PATH.
have_measure=0
if [ -x "$IGVMMEASURE" ]; then
	ln -s "$IGVMMEASURE" "$T/bin-igvmmeasure" && mkdir -p "$T/bin" && mv "$T/bin-igvmmeasure" "$T/bin/igvmmeasure" &&
		have_measure=1
fi

# Each case: the command line (the cursor at its end) and the completions expected, sorted.
cat >"$T/cases" <<'CASES'
igvmbuild |build help inspect run
igvmbuild --v|--version
igvmbuild b|build
igvmbuild help i|inspect
igvmbuild build --te|--template
igvmbuild build --template |dir tmpl.xml
igvmbuild build -t |dir tmpl.xml
igvmbuild build --id-key |dir key.pem
igvmbuild build --firmware |dir ovmf.fd report.bin stage2.bin
igvmbuild build --stage2 |dir report.bin stage2.bin
igvmbuild build --reference-values |dir refs.json
igvmbuild build --platform snp,n|snp,native
igvmbuild build --platform snp,t|snp,tdx
igvmbuild build --tdx|--tdx-policy
igvmbuild build --sev-features debug-swap,re|debug-swap,reflect-vc debug-swap,restricted-injection
igvmbuild build --id-version |1
igvmbuild inspect |dir image.igvm
igvmbuild inspect --ch|--check
igvmbuild run --t|--timeout
igvmbuild run |dir image.igvm
igvmmeasure |dir help id-block image.igvm ovmf report tdvf verify-id-block
igvmmeasure -p |sev sev-es sev-snp tdx
igvmmeasure image.igvm |measure sign
igvmmeasure -c image.igvm m|measure
igvmmeasure image.igvm measure --ig|--ignore-idblock
igvmmeasure image.igvm sign --id-key |dir key.pem
igvmmeasure image.igvm sign --ver|--version
igvmmeasure ovmf --mode snp|snp snp:ovmf-hash snp:svsm
igvmmeasure ovmf --ovmf |dir ovmf.fd report.bin stage2.bin
igvmmeasure ovmf --vmm-type |QEMU ec2 gce
igvmmeasure tdvf --firmware |dir ovmf.fd report.bin stage2.bin
igvmmeasure tdvf --page-order |single-pass two-pass
igvmmeasure tdvf --p|--page-order
igvmmeasure report |dir report.bin stage2.bin
igvmmeasure report --ex|--expect-author-key --expect-host-data --expect-id-key --expect-measurement --expect-policy --expect-report-data
igvmmeasure verify-id-block --id-auth |dir report.bin stage2.bin
CASES
if [ $have_measure = 1 ]; then
	echo 'igvmmeasure ovmf --vcpu-type EPYC-Ge|EPYC-Genoa EPYC-Genoa-v1' >>"$T/cases"
else
	skip "igvmmeasure is not built ($IGVMMEASURE): CPU types not completed"
fi

# Runs every case in one bash, printing "ok|not ok<TAB>line<TAB>got".
cd "$T/work" && PATH=$T/bin:$PATH bash --norc --noprofile -c '
	BASH_COMPLETION_USER_DIR=/nonexistent
	. "$1" >/dev/null 2>&1
	. "$2/igvmbuild"
	. "$2/igvmmeasure"
	while IFS="|" read -r line want; do
		COMP_LINE=$line
		COMP_POINT=${#line}
		read -ra COMP_WORDS <<<"$line"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		fn=_${COMP_WORDS[0]}
		"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
		got=$(printf "%s\n" "${COMPREPLY[@]}" | sed "/^$/d" | LC_ALL=C sort -u | tr "\n" " ")
		got=${got% }
		if [[ $got == "$want" ]]; then s=ok; else s="not ok"; fi
		printf "%s\t%s\t%s\n" "$s" "$line" "$got"
	done <"$3"
' t0720 "$BC" "$COMPLETION_DIR" "$T/cases" >"$T/results" 2>"$T/bash.err"

while IFS='	' read -r status line got; do
	if [ "$status" = ok ]; then
		ok "completes '$line' to: $got"
	else
		notok "'$line' completed to '$got', expected '$(grep -F "$line|" "$T/cases" | head -1 | cut -d'|' -f2)'"
	fi
done <"$T/results"
[ "$(wc -l <"$T/results")" -eq "$(wc -l <"$T/cases")" ] || notok "bash stopped early: $(head -3 "$T/bash.err")"
finish
