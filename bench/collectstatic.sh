#!/usr/bin/env bash
# collectstatic.sh: Django's collectstatic with WhiteNoise's
# CompressedManifestStaticFilesStorage beside assetgen, on the same tree of
# real npm packages, first run and unchanged re-run.
#
#	bench/collectstatic.sh            # from the repository root
#	ROUNDS=3 bench/collectstatic.sh   # median of 3 of each
#	KEEP=1 bench/collectstatic.sh     # keep the work directory
#
# Needs npm (the registry), Go, and Debian's python3-django,
# python3-whitenoise and python3-brotli (/usr/bin/python3). Everything is
# fetched into a temporary directory that is removed at the end; nothing
# is committed.
#
# The tree: the dist/ directories of bootstrap, katex and leaflet (with
# their source maps), font-awesome's css, js, svgs, sprites, webfonts,
# scss and less, and Django's own admin static files. Both tools get the
# same directory: STATICFILES_DIRS for Django, -dir for assetgen, which
# generates a package around it (-o), with a fresh hash cache for the
# first run. Both make br and gzip variants; assetgen also makes zstd, so
# it runs a second first run with -encodings br,gzip, which makes what
# WhiteNoise makes. SKIP_DJANGO=1 times assetgen alone.
#
# Each cell is wall-clock time and CPU time (user+sys), from bash's time;
# the ratio column is assetgen over collectstatic.
set -euo pipefail

rounds=${ROUNDS:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
python=/usr/bin/python3

work=$(mktemp -d -t assetgen-collectstatic-XXXXXX)
if [[ -z ${KEEP:-} ]]; then
	trap 'rm -rf "$work"' EXIT
else
	echo "work directory: $work" >&2
fi

# shellcheck source=tree.sh
source "$repo/bench/tree.sh"
fetch_tree "$work/pkg/static"
files=$(find "$work/pkg/static" -type f | wc -l)
bytes=$(du -sb "$work/pkg/static" | cut -f1)
maps=$(find "$work/pkg/static" -type f -name '*.map' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
echo "tree: $files files, $((bytes / 1024 / 1024)) MB, of which $((maps / 1024 / 1024)) MB source maps" >&2

# Django: a settings module of four lines, STATIC_ROOT beside the tree.
mkdir -p "$work/django"
cat >"$work/django/benchsettings.py" <<EOF
SECRET_KEY = "bench"
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_URL = "/static/"
STATIC_ROOT = "$work/collected"
STATICFILES_DIRS = ["$work/pkg/static"]
STATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
EOF
collectstatic() {
	(cd "$work/django" && PYTHONPATH="$work/django" DJANGO_SETTINGS_MODULE=benchsettings \
		"$python" -m django collectstatic --noinput -v0)
}

# assetgen: built from this checkout.
(cd "$repo" && go build -o "$work/assetgen" ./cmd/assetgen)
echo "package assets" >"$work/pkg/doc.go"
assetgen() {
	"$work/assetgen" -q -pkg assets -o "$work/pkg" -dir "$work/pkg/static" -cache "$work/cache" "$@"
}
clean_assetgen() {
	rm -rf "$work/cache" "$work/pkg/_assetgen" "$work/pkg/assets_gen.go" "$work/pkg/manifest.json"
}
clean_django() { rm -rf "$work/collected"; }

# timed CMD... prints "wall cpu" in seconds.
timed() {
	local TIMEFORMAT='%R %U %S'
	local t
	t=$({ time "$@" >/dev/null 2>"$work/err"; } 2>&1) || {
		cat "$work/err" >&2
		exit 1
	}
	awk '{printf "%.3f %.3f\n", $1, $2 + $3}' <<<"$t"
}

# median of a column of numbers
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A wall cpu
for ((i = 1; i <= rounds; i++)); do
	echo "round $i of $rounds" >&2
	if [[ -z ${SKIP_DJANGO:-} ]]; then
		clean_django
		read -r w c < <(timed collectstatic); wall[django_first]+="$w "; cpu[django_first]+="$c "
		read -r w c < <(timed collectstatic); wall[django_rerun]+="$w "; cpu[django_rerun]+="$c "
	fi
	wall[django_brgz]=${wall[django_first]:-} cpu[django_brgz]=${cpu[django_first]:-}
	clean_assetgen
	read -r w c < <(timed assetgen -encodings br,gzip); wall[assetgen_brgz]+="$w "; cpu[assetgen_brgz]+="$c "
	clean_assetgen
	read -r w c < <(timed assetgen); wall[assetgen_first]+="$w "; cpu[assetgen_first]+="$c "
	read -r w c < <(timed assetgen); wall[assetgen_rerun]+="$w "; cpu[assetgen_rerun]+="$c "
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }

collected=0 # none with SKIP_DJANGO, when find would fail the pipeline
[[ -d $work/collected ]] && collected=$(find "$work/collected" -type f | wc -l)
owned=$(find "$work/pkg/_assetgen" -type f | wc -l)
echo
echo "$files files, $((bytes / 1024 / 1024)) MB; collectstatic wrote $collected files, assetgen $owned in _assetgen/ plus 3"
echo
echo "| run | collectstatic wall | assetgen wall | ratio | collectstatic CPU | assetgen CPU | ratio |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for run in first brgz rerun; do
	dw=$(med "${wall[django_$run]:-0}") aw=$(med "${wall[assetgen_$run]}")
	dc=$(med "${cpu[django_$run]:-0}") ac=$(med "${cpu[assetgen_$run]}")
	case $run in
	first) label="first run" ;;
	brgz) label="first run, assetgen -encodings br,gzip" ;;
	rerun) label="unchanged re-run" ;;
	esac
	awk -v l="$label" -v dw="$dw" -v aw="$aw" -v dc="$dc" -v ac="$ac" \
		'BEGIN {
			if (dw == 0) { printf "| %s | | %.3f s | | | %.3f s | |\n", l, aw, ac; exit }
			printf "| %s | %.2f s | %.3f s | 1/%.1f | %.2f s | %.3f s | 1/%.1f |\n", l, dw, aw, dw/aw, dc, ac, dc/(ac > 0 ? ac : 0.001)
		}'
done
