// Package sri writes Subresource Integrity strings, the one form in which
// assetgen records a file's SHA-256: in the generated table (and so in
// integrity attributes and ETags), in manifest.json and in published
// objects' checks.
package sri

import (
	"crypto/sha256"
	"encoding/base64"
)

// Of returns the SRI string of a SHA-256 sum: "sha256-" and its base64.
func Of(sum [sha256.Size]byte) string {
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// Bytes returns the SRI string of b's SHA-256.
func Bytes(b []byte) string { return Of(sha256.Sum256(b)) }
