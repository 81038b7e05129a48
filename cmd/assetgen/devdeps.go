package main

// The generated assets_dev_gen.go imports package dev (and through it
// fsnotify) under the assetgen_dev build tag. Linking dev into the tool
// makes "go get -tool github.com/assetgen/assetgen/cmd/assetgen", and
// "go get" of this package for go run, record in the user's go.mod and
// go.sum every module development mode needs, so that
// "go run -tags assetgen_dev" works without a go mod tidy. The tool gains
// 6 KB (most of dev's dependencies are the generator's own); programs
// built without the tag link none of it.
import _ "github.com/assetgen/assetgen/gen/dev"
