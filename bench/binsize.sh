#!/usr/bin/env bash
# binsize.sh prints the linked size of two programs built with their assets
# generated three ways: -no-compress (identity only), the default (identity
# plus br, zstd and gzip variants) and -compressed-only (variants only, the
# identity bytes of compressible files left out).
#
#   example   go build ./example: the example site (377 B of CSS, two
#             smaller files under compress.MinSize)
#   bench     a minimal server of bench/assets (1 KiB CSS, 30 KiB JS, and
#             a 1 MiB incompressible binary)
#
# It works on a copy of the committed tree (git archive HEAD) in a temporary
# directory, so the committed generated files are never touched. Run it
# from anywhere in the repository: bench/binsize.sh
set -euo pipefail
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive HEAD | tar -x -C "$tmp"

# A minimal program around bench/assets, comparable to the example's main.
mkdir -p "$tmp/bench/sizeprobe"
cat >"$tmp/bench/sizeprobe/main.go" <<'GO'
package main

import (
	"net/http"

	"github.com/assetgen/assetgen/bench/assets"
)

func main() { http.ListenAndServe("localhost:8080", assets.Handler()) }
GO

size() { stat -c %s "$1"; }
printf '| mode | flag | example | bench |\n| --- | --- | ---: | ---: |\n'
for mode in identity default compressed-only; do
	case $mode in
	identity) flag=-no-compress ;;
	default) flag= ;;
	compressed-only) flag=-compressed-only ;;
	esac
	(cd "$tmp/example" && go run ../cmd/assetgen -q -no-cache -pkg main -dir theme -dir static $flag &&
		go build -o "$tmp/example-$mode" .)
	(cd "$tmp/bench/assets" && go tool assetgen -q -no-cache -pkg assets -dir static $flag &&
		cd .. && go build -o "$tmp/bench-$mode" ./sizeprobe)
	printf '| %s | `%s` | %s | %s |\n' "$mode" "${flag:-(none)}" \
		"$(size "$tmp/example-$mode")" "$(size "$tmp/bench-$mode")"
done
printf '\n%s %s/%s, go build -o (not stripped), sizes in bytes\n' \
	"$(go env GOVERSION)" "$(go env GOOS)" "$(go env GOARCH)"
