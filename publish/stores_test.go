package publish

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	_ "gocloud.dev/blob/s3blob"

	"github.com/assetgen/assetgen/internal/testenv"
)

// stores returns the buckets every publish test runs against: a
// directory through file://, and a real S3 server (versitygw on
// loopback) through s3://, each test's under a prefix of its own.
func stores(t *testing.T) []store {
	s3 := testenv.S3(t)
	n := 0
	return []store{fileStore(), {
		name: "s3",
		url: func(t *testing.T) string {
			n++
			return s3.URL(fmt.Sprintf("prefix=run%d/", n))
		},
	}}
}

// TestPublishRetry stops the S3 server after the first upload, as an
// outage would, and starts it again once publish reports a retry: the
// publish must finish, every object in place.
func TestPublishRetry(t *testing.T) {
	s3 := testenv.S3(t)
	dir := t.TempDir()
	p := generate(t, dir, source("v1"))
	b := open(t, s3.URL())
	ctx := context.Background()

	var stopOnce, retryOnce sync.Once
	retried := make(chan string)
	type result struct {
		st  Stats
		err error
	}
	done := make(chan result)
	go func() {
		st, err := Publish(ctx, b, dir, Options{
			Parallel: 2,
			Backoff:  50 * time.Millisecond,
			Progress: func(pr Progress) {
				if pr.Uploaded == 1 {
					stopOnce.Do(s3.Stop)
				}
			},
			OnRetry: func(key string, attempt int, err error) {
				retryOnce.Do(func() { retried <- fmt.Sprintf("%s (attempt %d): %v", key, attempt, err) })
			},
		})
		done <- result{st, err}
	}()
	select {
	case why := <-retried:
		t.Logf("retrying %s", why)
		s3.Start()
	case r := <-done:
		t.Fatalf("publish ended without retrying: %+v, %v", r.st, r.err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("publish across an outage: %v\nserver output:\n%s", r.err, s3.Output())
	}
	if r.st.Retries == 0 || r.st.Uploaded != len(p.Objects(false)) {
		t.Errorf("%+v; want retries and every object uploaded", r.st)
	}
	if err := Check(ctx, b, dir); err != nil {
		t.Error(err)
	}
}
