#!/usr/bin/env bash
# publish.sh: assetgen-publish beside django-storages' collectstatic to S3
# (S3ManifestStaticStorage), on the same tree of real npm packages and
# Django's admin files (tree.sh), each into its own bucket of one
# versitygw on loopback: a first run, an unchanged re-run, and a re-run
# after one edit of a style sheet that another one @imports.
#
#	bench/publish.sh            # from the repository root
#	KEEP=1 bench/publish.sh     # keep the work directory
#
# Needs npm, Go, versitygw on PATH (.ci/run builds it), and Debian's
# python3-django, python3-django-storages and python3-boto3. Everything is
# made in a temporary directory that is removed at the end.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
python=/usr/bin/python3
work=$(mktemp -d -t assetgen-publish-XXXXXX)
gw=
cleanup() {
	[[ -n $gw ]] && kill "$gw" 2>/dev/null
	if [[ -z ${KEEP:-} ]]; then rm -rf "$work"; else echo "work directory: $work" >&2; fi
}
trap cleanup EXIT

# shellcheck source=tree.sh
source "$repo/bench/tree.sh"
fetch_tree "$work/pkg/static"
files=$(find "$work/pkg/static" -type f | wc -l)

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
mkdir -p "$work/s3"
ROOT_ACCESS_KEY=$AWS_ACCESS_KEY_ID ROOT_SECRET_KEY=$AWS_SECRET_ACCESS_KEY \
	versitygw --port "127.0.0.1:$port" posix "$work/s3" >"$work/gw.log" 2>&1 &
gw=$!
for _ in $(seq 100); do
	"$python" -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break
	sleep 0.1
done
"$python" - "$endpoint" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1])
for b in ("assetgen", "django"):
    s3.create_bucket(Bucket=b)
PY

# Django: collectstatic into the django bucket.
mkdir -p "$work/django"
cat >"$work/django/benchsettings.py" <<PY
SECRET_KEY = "bench"
INSTALLED_APPS = ["django.contrib.staticfiles", "storages"]
STATIC_URL = "/static/"
STATICFILES_DIRS = ["$work/pkg/static"]
STATICFILES_STORAGE = "storages.backends.s3boto3.S3ManifestStaticStorage"
AWS_STORAGE_BUCKET_NAME = "django"
AWS_S3_ENDPOINT_URL = "$endpoint"
AWS_S3_REGION_NAME = "us-east-1"
AWS_S3_ADDRESSING_STYLE = "path"
PY
collectstatic() {
	(cd "$work/django" && PYTHONPATH="$work/django" DJANGO_SETTINGS_MODULE=benchsettings \
		"$python" -m django collectstatic --noinput -v1 | tail -1)
}

# assetgen: generate the package, then publish it into the assetgen bucket.
(cd "$repo" && go build -o "$work/assetgen" ./cmd/assetgen && go build -o "$work/assetgen-publish" ./cmd/assetgen-publish)
echo "package assets" >"$work/pkg/doc.go"
generate() { "$work/assetgen" -q -pkg assets -o "$work/pkg" -dir "$work/pkg/static" -cache "$work/cache"; }
publish() {
	"$work/assetgen-publish" -to "s3://assetgen?endpoint=$endpoint&use_path_style=true&region=us-east-1&disable_https=true" "$work/pkg" 2>/dev/null | tail -1
}

# timed CMD... prints the wall time in seconds, then CMD's last line.
timed() {
	local start end out
	start=$(date +%s.%N)
	out=$("$@")
	end=$(date +%s.%N)
	printf '%.2f s\t%s\n' "$(echo "$end - $start" | bc)" "$out"
}

echo "tree: $files files" >&2
generate
echo "first run"
echo "  django:   $(timed collectstatic)"
echo "  assetgen: $(timed publish)"
echo "unchanged re-run"
echo "  django:   $(timed collectstatic)"
echo "  assetgen: $(timed publish)"
# fonts.css is @imported by base.css, so base.css's hashed name changes too.
echo "/* edited */" >>"$work/pkg/static/admin/css/fonts.css"
generate
echo "after editing admin/css/fonts.css"
echo "  django:   $(timed collectstatic)"
echo "  assetgen: $(timed publish)"
