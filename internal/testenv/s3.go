package testenv

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3Server is a real S3-compatible server for a test: versitygw, an S3
// gateway over a local directory, on a loopback port, with one empty
// bucket. Tests reach it through gocloud.dev/blob URLs, as users do.
type S3Server struct {
	Endpoint  string // http://127.0.0.1:PORT
	Region    string
	AccessKey string
	SecretKey string
	Bucket    string
	Dir       string // the directory versitygw stores buckets in

	t    testing.TB
	path string // versitygw's executable
	addr string // 127.0.0.1:PORT, kept across Stop and Start

	mu     sync.Mutex
	cmd    *exec.Cmd     // nil while stopped
	exited chan error    // cmd.Wait's result
	out    *bytes.Buffer // the server's output, for failure messages
}

// S3 starts versitygw for the test, creates an empty bucket and stops the
// server when the test ends. It sets AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_REGION with t.Setenv, since the AWS SDK
// behind gocloud.dev's s3blob takes credentials from the environment, not
// from the URL; so a test that uses it cannot be parallel. It skips, or
// fails under RequireAllVar, when versitygw is not installed (.ci/run
// installs it with go install github.com/versity/versitygw/cmd/versitygw@v1.8.0).
func S3(t testing.TB) *S3Server {
	t.Helper()
	path := Program(t, "versitygw")
	s := &S3Server{
		Region:    "us-east-1",
		AccessKey: "assetgen-test",
		SecretKey: "assetgen-test-secret",
		Bucket:    "assetgen",
		Dir:       t.TempDir(),
		t:         t,
		path:      path,
		addr:      freeAddr(t),
	}
	s.Endpoint = "http://" + s.addr
	t.Setenv("AWS_ACCESS_KEY_ID", s.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", s.SecretKey)
	t.Setenv("AWS_REGION", s.Region)
	// Keep the SDK from looking for shared config and profiles of
	// whoever runs the test.
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	s.Start()
	t.Cleanup(s.Stop)
	s.createBucket()
	return s
}

// URL returns the gocloud.dev/blob URL of the bucket, with the extra query
// parameters given as "key=value".
func (s *S3Server) URL(query ...string) string {
	q := url.Values{}
	q.Set("endpoint", s.Endpoint)
	q.Set("region", s.Region)
	q.Set("use_path_style", "true")
	q.Set("disable_https", "true")
	for _, kv := range query {
		k, v, _ := strings.Cut(kv, "=")
		q.Set(k, v)
	}
	return "s3://" + s.Bucket + "?" + q.Encode()
}

// Start starts the server, on the port it had before if it was stopped,
// and waits until it accepts connections.
func (s *S3Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	s.out = new(bytes.Buffer)
	cmd := exec.Command(s.path, "--port", s.addr, "posix", s.Dir)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s.AccessKey, "ROOT_SECRET_KEY="+s.SecretKey)
	cmd.Stdout = s.out
	cmd.Stderr = s.out
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("testenv: start versitygw: %v", err)
	}
	s.cmd = cmd
	s.exited = make(chan error, 1)
	go func() { s.exited <- cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		select {
		case err := <-s.exited:
			s.cmd = nil
			s.t.Fatalf("testenv: versitygw exited before listening on %s: %v\n%s", s.addr, err, s.out)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("testenv: versitygw not listening on %s after 15s:\n%s", s.addr, s.out)
		}
	}
}

// Stop kills the server and waits for it to exit. The bucket's files stay
// in Dir, so Start brings the same store back: a test stops the server
// for a moment to inject an outage.
func (s *S3Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Output returns what the server has printed since it last started.
func (s *S3Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// createBucket creates the empty bucket with the S3 API, as a user's
// set-up would; gocloud.dev/blob cannot create buckets.
func (s *S3Server) createBucket() {
	s.t.Helper()
	client := s.client()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.Bucket)}); err != nil {
		s.t.Fatalf("testenv: create bucket %s on versitygw: %v\n%s", s.Bucket, err, s.Output())
	}
}

// client returns an S3 client of the server, for what gocloud.dev/blob
// cannot do.
func (s *S3Server) client() *s3.Client {
	return s3.New(s3.Options{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
	})
}

// freeAddr returns a loopback address with a port free at the time of the
// call, for a server that takes its address as a flag.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Counter counts the HTTP requests that reach the server through the
// URLs of CountingURL, by method, for tests that bound what a client
// sends: a counting proxy in front of the server, so every client is
// counted the same way, whatever SDK it uses.
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

// Total returns the number of requests, and resets the counts.
func (c *Counter) Total() (total int, byMethod map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.n {
		total += n
	}
	byMethod, c.n = c.n, map[string]int{}
	return total, byMethod
}

// CountingURL returns a bucket URL like URL's, whose requests go through
// a proxy on another loopback port that counts them. The proxy forwards
// the Host header as sent, so the request signatures stay valid.
func (s *S3Server) CountingURL(query ...string) (string, *Counter) {
	s.t.Helper()
	target, err := url.Parse(s.Endpoint)
	if err != nil {
		s.t.Fatal(err)
	}
	c := &Counter{n: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.n[r.Method]++
		c.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	s.t.Cleanup(srv.Close)
	u := s.URL(query...)
	return strings.Replace(u, "endpoint="+url.QueryEscape(s.Endpoint), "endpoint="+url.QueryEscape(srv.URL), 1), c
}

// AllowCORS lets pages from origin PUT to the bucket, as a site's bucket
// must for direct uploads from the browser.
func (s *S3Server) AllowCORS(origin string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.client().PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket: aws.String(s.Bucket),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{
			AllowedOrigins: []string{origin},
			AllowedMethods: []string{"PUT"},
			AllowedHeaders: []string{"Content-Type"},
		}}},
	})
	if err != nil {
		s.t.Fatalf("testenv: allow CORS from %s on versitygw: %v\n%s", origin, err, s.Output())
	}
}
