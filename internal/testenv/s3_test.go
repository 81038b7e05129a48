package testenv

import (
	"context"
	"io"
	"testing"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/s3blob"
)

// TestS3 writes an object through gocloud.dev/blob, stops and restarts the
// server, and reads the object back: what tests of media and publish rely
// on.
func TestS3(t *testing.T) {
	s := S3(t)
	ctx := context.Background()
	b, err := blob.OpenBucket(ctx, s.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.WriteAll(ctx, "a/b.txt", []byte("hello"), nil); err != nil {
		t.Fatalf("write: %v\n%s", err, s.Output())
	}
	s.Stop()
	if _, err := b.ReadAll(ctx, "a/b.txt"); err == nil {
		t.Fatal("read from a stopped server succeeded")
	}
	s.Start()
	r, err := b.NewReader(ctx, "a/b.txt", nil)
	if err != nil {
		t.Fatalf("read after restart: %v", err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || string(got) != "hello" {
		t.Fatalf("read after restart = %q, %v; want hello", got, err)
	}
}
