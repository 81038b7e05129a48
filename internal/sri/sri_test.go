package sri

import "testing"

// TestBytes checks against the value browsers compute: the SRI of the
// empty string and of "alert('Hello, world.');" (the W3C spec's example).
func TestBytes(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
		"alert('Hello, world.');": "sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=",
	} {
		if got := Bytes([]byte(in)); got != want {
			t.Errorf("Bytes(%q) = %s, want %s", in, got, want)
		}
	}
}
