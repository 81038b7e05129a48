// Package cache keeps what lets a run over an unchanged tree skip work:
// the hash cache (a file's SHA-256 by its stat), the stamps and keys of the
// tree and output records, and the one racy-clean rule they all follow.
// A cache only ever decides whether work is needed, never what its result
// is, so a deleted or damaged cache costs time, not correctness.
package cache
