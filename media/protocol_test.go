package media_test

import (
	"bytes"
	"testing"

	"github.com/assetgen/assetgen/internal/handlertest"
)

// TestProtocol holds the media handler, on a local directory and on S3,
// to the static handler's answers to the protocol cases: the path rules,
// methods, preconditions, ranges and error bodies come from one pipeline
// (httpserve.Serve).
func TestProtocol(t *testing.T) {
	content := bytes.Repeat([]byte("plain text served by the media handler\n"), 30)
	forBackends(t, []storeCase{{"Text", func(t *testing.T, e *env) {
		s := e.open(t)
		name := save(t, s, "protocol.txt", content)
		handlertest.RunProtocol(t, handlertest.Protocol{
			Handler:      s.Handler(),
			Mount:        "/media/",
			Target:       "/media/" + name,
			Content:      content,
			ContentType:  "text/plain; charset=utf-8",
			CacheControl: "public, max-age=300, must-revalidate",
		})
	}}})
}
