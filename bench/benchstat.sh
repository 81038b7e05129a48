#!/usr/bin/env bash
# benchstat.sh compares two commits' benchmarks in one run: generation
# (gen: cold, no compression, warm, the first run after an edit), the
# runtime handler, the media handler and development mode (gen/dev), and
# what a cold run of the built CLI reads (cmd/assetgen's BenchmarkRerun:
# read/tree, the bytes its read(2) calls returned as a multiple of the
# tree's size, and its re-runs' ratios to a bare walk).
#
# Both commits are checked out into temporary worktrees and their test
# binaries built with go test -c. Each benchmark set then runs COUNT
# times, old and new back to back and in turns (old first, then new
# first), so both see the same machine; benchstat gives the medians and
# the p-values. The runtime handler's rows also run as a fixed number of
# requests, timed by the CPU time they take (runtime-cpu: cpu-ns/op),
# which what else runs on the machine does not add to as it does to wall
# time. Only benchmarks both commits have are compared; a name
# found in one only is listed. BenchmarkRerun is copied from the new
# commit into the old one where the old one has none: it drives the
# built command, so it measures either.
#
#	bench/benchstat.sh                      # 910af1a against HEAD, COUNT=6
#	OLD=910af1a NEW=main COUNT=10 bench/benchstat.sh
#	OUT=/tmp/bs bench/benchstat.sh          # keep the raw results in /tmp/bs
#
# OUT must not hold an earlier run's results: each run appends to its
# files, so old samples would be compared as if they were new ones.
#
# With COUNT=6 it takes 15 to 20 minutes on 2 cores. It needs benchstat
# (golang.org/x/perf/cmd/benchstat) on PATH or in $(go env GOPATH)/bin,
# and installs it at a pinned version if neither has it.
set -euo pipefail

old=${OLD:-910af1a}
new=${NEW:-HEAD}
count=${COUNT:-6}
rerun_count=${RERUN_COUNT:-3}
perf=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

# name, package, -test.bench pattern, -test.benchtime
sets=(
	"gen ./gen Generate|RerunAfterEdit 5x"
	"runtime ./runtime ^BenchmarkHandler$ 500ms"
	"media ./media ^BenchmarkHandler$ 500ms"
	"dev ./gen/dev . 500ms"
)
rerun="rerun ./cmd/assetgen ^BenchmarkRerun$ 1x"

root=$(git rev-parse --show-toplevel)
if [[ -n ${OUT:-} && -d $OUT && -n $(ls -A "$OUT") ]]; then
	echo "benchstat.sh: OUT=$OUT is not empty; its results would be mixed with this run's. Remove it or choose another OUT." >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/assetgen-benchstat.XXXXXX")
out=${OUT:-$tmp/results}
cleanup() {
	for v in old new; do
		[[ -d $tmp/$v ]] && git -C "$root" worktree remove --force "$tmp/$v"
	done
	if [[ -n ${OUT:-} ]]; then rm -rf "${tmp:?}/bin"; else rm -rf "$tmp"; fi
	rmdir "$tmp" 2>/dev/null || true
}
trap cleanup EXIT

benchstat=$(command -v benchstat || true)
if [[ -z $benchstat ]]; then
	benchstat=$(go env GOPATH)/bin/benchstat
	[[ -x $benchstat ]] || go install "$perf"
fi

mkdir -p "$out" "$tmp/bin"
for v in old new; do
	rev=$old
	[[ $v == new ]] && rev=$new
	git -C "$root" worktree add --quiet --detach "$tmp/$v" "$rev"
	echo "$v: $(git -C "$tmp/$v" log -1 --format='%h %s')" | tee -a "$out/commits.txt" >&2
done
if [[ ! -e $tmp/old/cmd/assetgen/rerun_bench_test.go ]]; then
	# with the test files it needs that the old commit lacks
	for f in "$tmp"/new/cmd/assetgen/rerun_bench_test.go "$tmp"/new/cmd/assetgen/cpu_*_test.go; do
		[[ -e $tmp/old/cmd/assetgen/${f##*/} ]] || cp "$f" "$tmp/old/cmd/assetgen/"
	done
fi

for s in "${sets[@]}" "$rerun"; do
	read -r name pkg _ <<<"$s"
	for v in old new; do
		echo "building $v $pkg" >&2
		(cd "$tmp/$v" && go test -c -o "$tmp/bin/$v-$name.test" "$pkg")
	done
done

# run SET VERSION appends one -test.count=1 run of SET's benchmarks by
# VERSION's test binary, in its package directory as go test would, to
# $out/SET/VERSION.txt.
run() {
	local name pkg pattern benchtime
	read -r name pkg pattern benchtime <<<"$1"
	mkdir -p "$out/$name"
	(cd "$tmp/$2/$pkg" && "$tmp/bin/$2-$name.test" -test.run '^$' -test.bench "$pattern" \
		-test.benchtime "$benchtime" -test.count 1 -test.benchmem) >>"$out/$name/$2.txt"
}

# cpu VERSION appends, for each row of runtime's BenchmarkHandler, the
# CPU time (user and system) per request of a run of a fixed number of
# requests, less that of a run of one, to $out/runtime-cpu/VERSION.txt
# as a benchmark line of its own. Wall time per request is what the
# other machine users take from it as much as what the handler spends;
# CPU time is what the handler spends.
cpu() {
	local row n t1 tn
	mkdir -p "$out/runtime-cpu"
	for row in Hashed1K:2000000 JS30KBr:2000000 NotModified:2000000 Range:1000000 \
		Browser1K:2000000 Bare1K:2000000 FileServerFS1K:200000 FileServerFSRange:200000; do
		n=${row#*:}
		row=${row%:*}
		t1=$(cputime "$1" "$row" 1)
		tn=$(cputime "$1" "$row" "$n")
		awk -v r="$row" -v n="$n" -v t1="$t1" -v tn="$tn" \
			'BEGIN { printf "BenchmarkHandlerCPU/%s %d %.1f cpu-ns/op\n", r, n, (tn - t1) * 1000 / n }'
	done >>"$out/runtime-cpu/$1.txt"
}

# cputime VERSION ROW N prints the microseconds of CPU time the runtime
# test binary of VERSION takes for N requests of BenchmarkHandler/ROW.
cputime() {
	local TIMEFORMAT='%3U %3S' t
	t=$( { time (cd "$tmp/$1/runtime" && "$tmp/bin/$1-runtime.test" -test.run '^$' \
		-test.bench "^BenchmarkHandler\$/^$2\$" -test.benchtime "${3}x" >/dev/null); } 2>&1)
	awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d\n", (a[1] + a[2]) * 1e6 }'
}

# turns N prints old and new in the order of turn N.
turns() { if (($1 % 2)); then echo old new; else echo new old; fi; }

for ((i = 1; i <= count; i++)); do
	for s in "${sets[@]}"; do
		for v in $(turns "$i"); do
			echo "count $i/$count: ${s%% *} $v" >&2
			run "$s" "$v"
		done
	done
	for v in $(turns "$i"); do
		echo "count $i/$count: runtime-cpu $v" >&2
		cpu "$v"
	done
done
for ((i = 1; i <= rerun_count; i++)); do
	for v in $(turns "$i"); do
		echo "count $i/$rerun_count: rerun $v" >&2
		run "$rerun" "$v"
	done
done

# BenchmarkRerun's time and memory are the test process's whole
# iteration (writing the tree, walking it, waiting on the runs):
# keep only the figures it reports for the command.
for v in old new; do
	awk '/^Benchmark/ { l = $1 " " $2; for (i = 3; i < NF; i += 2) if ($(i+1) !~ /^(ns|B|allocs)\/op$/) l = l " " $i " " $(i+1); print l; next } { print }' \
		"$out/rerun/$v.txt" >"$out/rerun/$v.tmp" && mv "$out/rerun/$v.tmp" "$out/rerun/$v.txt"
done

# markdown turns SET's benchstat -format csv into rows of a Markdown
# table, one per benchmark: sec/op old and new with the change and its
# p-value, then B/op and allocs/op as old → new and their change; a
# unit of its own (BenchmarkRerun's) gets a row of its own. Rates
# (B/s, files/s) are left out: they restate sec/op.
markdown() {
	awk -F, -v set="$1" '
	function human(v, u,   a, i) {
		if (u ~ /sec\/op$/) {
			split("ns µs ms s", a, " ")
			v *= 1e9
			for (i = 1; i < 4 && v >= 1000; i++) v /= 1000
			return sprintf("%.3g %s", v, a[i])
		}
		if (u == "B/op") {
			split("B KiB MiB GiB", a, " ")
			for (i = 1; i < 4 && v >= 1024; i++) v /= 1024
			return sprintf("%.3g %s", v, a[i])
		}
		if (u == "allocs/op" && v >= 1e6) return sprintf("%.3gM", v / 1e6)
		if (u == "allocs/op" && v >= 1e4) return sprintf("%.3gk", v / 1e3)
		return sprintf("%.4g", v)
	}
	function change(d, p) { return d == "~" ? "~ (" p ")" : d " (" p ")" }
	$2 != "" && $3 == "CI" { unit = $2; next }
	$1 == "" || $1 == "geomean" || unit == "" || unit ~ /^(B|files)\/s$/ { next }
	{
		name = $1; sub(/-[0-9]+$/, "", name)
		p = $7; sub(/ n=.*/, "", p)
		if (!(name in seen)) { seen[name]; order[++n] = name }
		cell[name, unit] = unit ~ /^(B|allocs)\/op$/ ? human($2, unit) " → " human($4, unit) " " change($6, p) : human($2, unit) " | " human($4, unit) " | " change($6, p)
		if (unit !~ /^(sec|B|allocs)\/op$/) other[name] = other[name] "|" unit
	}
	END {
		for (i = 1; i <= n; i++) {
			b = order[i]
			if ((b, "sec/op") in cell) printf "| %s `%s` | %s | %s | %s |\n", set, b, cell[b, "sec/op"], cell[b, "B/op"], cell[b, "allocs/op"]
			k = split(substr(other[b], 2), us, "|")
			for (j = 1; j <= k; j++) printf "| %s `%s` %s | %s | | |\n", set, b, us[j], cell[b, us[j]]
		}
	}'
}

names() { awk '/^Benchmark/ { print $1 }' "$1" | sort -u; }
{
	echo "| benchmark | old sec/op | new sec/op | change | B/op | allocs/op |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
} >"$out/table.md"
for s in "${sets[@]}" "$rerun" runtime-cpu; do
	name=${s%% *}
	d=$out/$name
	only=$(comm -3 <(names "$d/old.txt") <(names "$d/new.txt") | tr -d '\t')
	if [[ -n $only ]]; then
		echo "$name: in one commit only, left out: $(echo $only)"
	fi
	comm -12 <(names "$d/old.txt") <(names "$d/new.txt") >"$d/both"
	for v in old new; do
		awk 'NR == FNR { keep[$1]; next } !/^Benchmark/ || ($1 in keep)' "$d/both" "$d/$v.txt" >"$d/$v.cmp"
		mv "$d/$v.cmp" "$d/$v"
	done
	echo "## $name"
	(cd "$d" && "$benchstat" old new)
	echo
	(cd "$d" && "$benchstat" -format csv old new 2>/dev/null) | markdown "$name" >>"$out/table.md"
done | tee "$out/benchstat.txt"
echo
cat "$out/table.md"
[[ -n ${OUT:-} ]] && echo "raw results in $out" >&2
exit 0
