# tree.sh: the benchmark tree of real front-end files, sourced by
# collectstatic.sh and publish.sh: the dist/ directories of bootstrap,
# katex and leaflet (with their source maps), font-awesome's css, js, svgs,
# sprites, webfonts, scss and less, all fetched from the npm registry with
# npm pack, and Django's own admin static files (Debian's python3-django).
# Nothing of it is committed.

packages=(bootstrap@5.3.3 @fortawesome/fontawesome-free@6.5.2 katex@0.16.11 leaflet@1.9.4)

# fetch_tree DEST fills DEST with the tree; it needs npm and $python.
fetch_tree() {
	local dest=$1 tmp name x admin
	tmp=$(mktemp -d)
	echo "fetching ${packages[*]}" >&2
	mkdir -p "$tmp/tgz" "$dest"
	(cd "$tmp/tgz" && npm pack --silent "${packages[@]}" >/dev/null)
	for tgz in "$tmp"/tgz/*.tgz; do
		name=$(basename "$tgz" .tgz)
		x="$tmp/x/$name"
		mkdir -p "$x"
		tar -xzf "$tgz" -C "$x" --strip-components=1
		if [[ -d $x/dist ]]; then
			cp -r "$x/dist" "$dest/$name"
		else
			mkdir -p "$dest/$name"
			for d in css js svgs sprites webfonts scss less; do
				[[ -d $x/$d ]] && cp -r "$x/$d" "$dest/$name/"
			done
		fi
	done
	admin=$("$python" -c 'import django, os; print(os.path.dirname(django.__file__))')/contrib/admin/static/admin
	cp -rL "$admin" "$dest/admin"
	rm -rf "$tmp"
}
