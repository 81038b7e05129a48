package publish

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
		st, err := publishHooked(ctx, b, dir, Options{
			Parallel: 2,
			Backoff:  50 * time.Millisecond,
			OnRetry: func(key string, attempt int, err error) {
				retryOnce.Do(func() { retried <- fmt.Sprintf("%s (attempt %d): %v", key, attempt, err) })
			},
		}, func(uploaded bool) {
			if uploaded {
				stopOnce.Do(s3.Stop)
			}
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

// TestPublishRequests counts the HTTP requests that reach a real S3
// server (versitygw, through a counting proxy) on a tree of 200 files
// whose style sheets reference each other: an unchanged publish sends at
// most 3 and writes nothing; after one edit of a style sheet that others
// @import, publish uploads that file's objects and those whose names
// change with it, and nothing else; VerifyPublished sends 1.
func TestPublishRequests(t *testing.T) {
	s3 := testenv.S3(t)
	url, count := s3.CountingURL("prefix=counted/")
	b := open(t, url)
	ctx := context.Background()
	dir := t.TempDir()
	tree := func(color string) map[string]string {
		files := map[string]string{
			"css/base.css":  "body { color: " + color + " }\n" + strings.Repeat("/* pad */\n", 40),
			"css/page.css":  `@import "base.css";` + "\n" + strings.Repeat("/* pad */\n", 40),
			"css/other.css": "p { margin: 0 }\n" + strings.Repeat("/* pad */\n", 40),
		}
		for i := range 197 {
			files[fmt.Sprintf("img/%03d.bin", i)] = fmt.Sprintf("binary %d", i) + strings.Repeat("\x00\x01", i)
		}
		return files
	}
	p1 := generate(t, dir, tree("red"))
	if _, err := Publish(ctx, b, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	count.Total()

	st, err := Publish(ctx, b, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, by := count.Total(); n > 3 || st.Written != 0 {
		t.Errorf("unchanged publish: %d HTTP requests %v, %d objects written; want at most 3 and none", n, by, st.Written)
	}

	p2 := generate(t, dir, tree("blue"))
	before := map[string]bool{}
	for _, o := range p1.Objects(false) {
		before[o.Name] = true
	}
	var changed []string
	for _, o := range p2.Objects(false) {
		if !before[o.Name] {
			changed = append(changed, o.Name)
		}
	}
	// base.css and page.css, which names it, have new names; other.css
	// and the images do not.
	if len(changed) == 0 || !slices.ContainsFunc(changed, func(k string) bool { return strings.HasPrefix(k, "css/page.") }) {
		t.Fatalf("changed objects %v: want base.css's and page.css's", changed)
	}
	st, err = Publish(ctx, b, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, by := count.Total()
	if st.Uploaded != len(changed) || st.Written != len(changed)+2 {
		t.Errorf("after one edit: uploaded %d, wrote %d; want the %d changed objects %v and the manifest's 2 copies", st.Uploaded, st.Written, len(changed), changed)
	}
	if by["PUT"] != len(changed)+2 {
		t.Errorf("after one edit: %d PUTs %v, want %d", by["PUT"], by, len(changed)+2)
	}
	t.Logf("after one edit: %d HTTP requests %v for %d changed objects", n, by, len(changed))

	if err := VerifyPublished(ctx, p2.Set(), url); err != nil {
		t.Fatal(err)
	}
	if n, by := count.Total(); n != 1 {
		t.Errorf("VerifyPublished sent %d HTTP requests %v, want 1", n, by)
	}
}

// TestBadCredentials checks that a wrong secret key and a missing
// use_path_style, whose errors from the SDK name no cause, are reported
// with the likely causes, by publish and by VerifyPublished.
func TestBadCredentials(t *testing.T) {
	s3 := testenv.S3(t)
	dir := t.TempDir()
	p := generate(t, dir, source("v1"))
	ctx := context.Background()
	const hint = "; the bucket did not answer; check the credentials (for s3://, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile), the bucket's name and region, and for an S3-compatible server endpoint=URL and use_path_style=true in the bucket URL"
	noPathStyle := strings.Replace(s3.URL(), "use_path_style=true", "use_path_style=false", 1)
	for _, tt := range []struct {
		name, url, secret string
	}{
		{"WrongSecret", s3.URL(), "not-the-secret"},
		{"NoPathStyle", noPathStyle, s3.SecretKey},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_SECRET_ACCESS_KEY", tt.secret)
			_, err := Publish(ctx, open(t, tt.url), dir, Options{Attempts: 1})
			if err == nil || !strings.HasPrefix(err.Error(), "reading _assetgen/manifest.json: ") || !strings.HasSuffix(err.Error(), hint) {
				t.Errorf("Publish: %v; want reading _assetgen/manifest.json: …%s", err, hint)
			}
			err = VerifyPublished(ctx, p.Set(), tt.url)
			if err == nil || !strings.HasSuffix(err.Error(), hint) {
				t.Errorf("VerifyPublished: %v; want …%s", err, hint)
			}
		})
	}
}
