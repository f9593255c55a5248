#!/bin/sh
# SPDX-License-Identifier: MIT
#
# gen-symbols.sh MAP — prints the Debian symbols file of libigvm0 for the ld
# version script MAP (libigvm/libigvm.map): every global symbol of every version
# node, and each node's own version symbol, with the igvmbuild release that
# introduced the node (its "NODE: since igvmbuild VERSION" line in MAP's comment).
# debian/libigvm0.symbols is this output; `make check` (t0800) and debian/rules
# fail when the two differ, so a change of the ABI cannot go unnoticed.
set -eu
map=$1
lines=$(awk '
	match($0, /^[ \t]*\*[ \t]*[A-Za-z0-9_.]+: since igvmbuild [0-9][^ \t]*/) {
		split(substr($0, RSTART, RLENGTH), w, /[ \t:]+/)
		for (i = 1; i in w; i++) if (w[i] ~ /^IGVM_/) { node = w[i]; since[node] = w[i + 3] }
		next
	}
	/\/\*/ { incomment = 1 }
	incomment { if ($0 ~ /\*\//) incomment = 0; next }
	/^[ \t]*[A-Za-z0-9_.]+[ \t]*\{/ { cur = $1; sub(/\{.*/, "", cur); nodes[cur] = 1; scope = "global"; next }
	/^[ \t]*\}/ { cur = ""; next }
	/^[ \t]*(global|local):/ { scope = $1; sub(/:.*/, "", scope); next }
	cur != "" && scope == "global" && /^[ \t]*[A-Za-z_][A-Za-z0-9_]*;/ {
		s = $1; sub(/;.*/, "", s); syms[s "@" cur] = cur
	}
	END {
		for (nd in nodes) {
			if (!(nd in since)) { print "gen-symbols.sh: node " nd " has no \"since igvmbuild\" line" > "/dev/stderr"; exit 1 }
			syms[nd "@" nd] = nd
		}
		for (s in syms) print s, since[syms[s]]
	}' "$map")
echo "libigvm.so.0 libigvm0 #MINVER#"
echo "* Build-Depends-Package: libigvm-dev"
printf '%s\n' "$lines" | LC_ALL=C sort | sed 's/^/ /'
