// Package cache keeps what lets a run over an unchanged tree skip work,
// and the one racy-clean rule all of it follows:
//
//   - the hash cache (hashes.go): a file's SHA-256 by its stat Key;
//   - the tree record (tree.go): a TreeKey over what the walk found, with
//     the stamps of racy files and of the owned directory's copies, so
//     that a run can stop after the walk;
//   - the output record (outputs.go): the outputs' stamps for the
//     OutputKey they were rendered from;
//   - the render cache (render.go): the last outputs rendered, by key.
//
// Every key begins with one Generator identity (generator.go): the build
// of assetgen and the run's settings. Stamps (stamp.go) and keys (key.go)
// judge a file by its stat, and by its content while its times are racy
// (racy.go). Records are written in length-prefixed little-endian fields
// (fields.go) to files under the cache directory (files.go).
//
// A cache only ever decides whether work is needed, never what its result
// is, so a deleted or damaged cache costs time, not correctness.
package cache
