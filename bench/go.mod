module github.com/assetgen/assetgen/bench

go 1.26.0

require github.com/assetgen/assetgen v0.0.0

require (
	github.com/benbjohnson/hashfs v0.2.2
	github.com/go-chi/chi/v5 v5.2.3
	github.com/gorilla/mux v1.8.1
	github.com/vearutop/statigz v1.4.0
)

require (
	github.com/andybalholm/brotli v1.2.8 // indirect
	github.com/dave/jennifer v1.7.1 // indirect
	github.com/evanw/esbuild v0.27.0 // indirect
	github.com/fsnotify/fsnotify v1.10.1 // indirect
	github.com/klauspost/compress v1.19.2 // indirect
	github.com/tdewolff/minify/v2 v2.23.5 // indirect
	github.com/tdewolff/parse/v2 v2.8.20 // indirect
	golang.org/x/mod v0.38.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/tools v0.48.0 // indirect
)

replace github.com/assetgen/assetgen => ../

tool github.com/assetgen/assetgen/cmd/assetgen
