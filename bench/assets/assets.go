// Package assets holds the files the load benchmark serves, as an assetgen
// package (assets_gen.go) and, for the servers compared with it, as the
// plain embed.FS Static.
package assets

//go:generate go run ../internal/mkfiles -o static
//go:generate go tool assetgen -dir static -no-cache

import "embed"

// Static is the same files under their logical paths ("css/site.css"),
// embedded as they are: what http.FileServerFS, hashfs and statigz serve.
//
//go:embed static
var Static embed.FS
