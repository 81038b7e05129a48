// Command mkfiles writes the benchmark's static files, deterministically,
// so that the bytes served and the compression ratios are the same on
// every machine:
//
//	static/css/site.css  1 KiB of CSS rules
//	static/js/app.js     30 KiB of JavaScript
//	static/bin/blob.bin  1 MiB of pseudo-random bytes (incompressible, as
//	                     an image or a font already is)
//
// It is run by the go:generate line in bench/assets, before assetgen.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("o", "static", "output `directory`")
	flag.Parse()
	// Fixed seeds: the files, and so their hashes, never change.
	rng := rand.New(rand.NewPCG(1, 2))
	files := []struct {
		name string
		data []byte
	}{
		{"css/site.css", css(rng, 1<<10)},
		{"js/app.js", js(rng, 30<<10)},
		{"bin/blob.bin", blob(1 << 20)},
	}
	for _, f := range files {
		p := filepath.Join(*dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// css returns n bytes of rules with varied values, compressing about as
// well as a hand-written stylesheet.
func css(rng *rand.Rand, n int) []byte {
	var b bytes.Buffer
	for i := 0; ; i++ {
		rule := fmt.Sprintf(".c%d{margin:%dpx %dpx;color:#%06x}\n", i, rng.IntN(40), rng.IntN(40), rng.IntN(1<<24))
		if b.Len()+len(rule) > n {
			break
		}
		b.WriteString(rule)
	}
	return pad(&b, n, "/*", "*/")
}

// js returns n bytes of small functions, compressing about as well as
// minified application code.
func js(rng *rand.Rand, n int) []byte {
	var b bytes.Buffer
	words := []string{"render", "update", "fetch", "state", "node", "list", "item", "value", "event", "count"}
	for i := 0; ; i++ {
		j := rng.IntN(len(words))
		w1, w2 := words[j], words[(j+1+rng.IntN(len(words)-1))%len(words)] // distinct
		fn := fmt.Sprintf("function %s%d(%s,%s){return %s.map(x=>x*%d+%s.length)}\n", w1, i, w1, w2, w1, rng.IntN(1000), w2)
		if b.Len()+len(fn) > n {
			break
		}
		b.WriteString(fn)
	}
	return pad(&b, n, "/*", "*/")
}

// blob returns n bytes from a ChaCha8 stream with a fixed seed.
func blob(n int) []byte {
	var seed [32]byte
	copy(seed[:], "assetgen bench blob")
	data := make([]byte, n)
	rand.NewChaCha8(seed).Read(data)
	return data
}

// pad fills b to exactly n bytes with a comment.
func pad(b *bytes.Buffer, n int, open, close string) []byte {
	if k := n - b.Len() - len(open) - len(close); k >= 0 {
		b.WriteString(open)
		b.Write(bytes.Repeat([]byte{' '}, k))
		b.WriteString(close)
	}
	for b.Len() < n {
		b.WriteByte('\n')
	}
	return b.Bytes()
}
