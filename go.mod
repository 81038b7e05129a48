module github.com/assetgen/assetgen

go 1.24.0

require (
	github.com/andybalholm/brotli v1.2.8
	github.com/dave/jennifer v1.7.1
	github.com/google/go-cmp v0.7.0
	github.com/klauspost/compress v1.19.2
	github.com/tdewolff/parse/v2 v2.8.20
	golang.org/x/mod v0.33.0
	golang.org/x/tools v0.42.0
)
