package testenv

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// brotliModule is where Debian's libnginx-mod-http-brotli-static puts the
// module that serves x.br files.
const brotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"

// Nginx starts nginx (Debian's nginx and libnginx-mod-http-brotli-static)
// with one server on a free loopback port whose body is server, such as a
// location block, and returns its base URL, "http://127.0.0.1:PORT". nginx
// runs in the foreground as a child of the test, with its pid file, logs
// and temporary files in a temporary directory, and is stopped when the
// test ends; its error log is shown if the test failed. It skips, or fails
// under RequireAllVar, when nginx or the module is missing.
func Nginx(t testing.TB, server string) string {
	t.Helper()
	bin := Program(t, "nginx")
	if _, err := os.Stat(brotliModule); err != nil {
		Missing(t, "%s is not installed (Debian package libnginx-mod-http-brotli-static)", brotliModule)
	}
	dir := t.TempDir()
	addr := freeAddr(t)
	conf := filepath.Join(dir, "nginx.conf")
	errLog := filepath.Join(dir, "error.log")
	temp := func(name string) string { return filepath.Join(dir, name) }
	text := fmt.Sprintf(`load_module %s;
user root;
worker_processes 1;
pid %s;
error_log %s warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path %s;
	proxy_temp_path %s;
	fastcgi_temp_path %s;
	uwsgi_temp_path %s;
	scgi_temp_path %s;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	server {
		listen %s;
		server_name localhost;
%s
	}
}
`, brotliModule, temp("nginx.pid"), errLog, temp("body"), temp("proxy"), temp("fastcgi"), temp("uwsgi"), temp("scgi"), addr, indent(server, "\t\t"))
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// -e: nginx opens its default error log before reading the
	// configuration; point it at the temporary directory too.
	cmd := exec.Command(bin, "-e", errLog, "-p", dir, "-c", conf, "-g", "daemon off;")
	out, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); out.Close() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM) // fast shutdown, workers too
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			for _, name := range []string{"stderr", "error.log"} {
				if b, _ := os.ReadFile(filepath.Join(dir, name)); len(b) > 0 {
					t.Logf("nginx %s:\n%s", name, b)
				}
			}
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-exited:
			b, _ := os.ReadFile(filepath.Join(dir, "stderr"))
			l, _ := os.ReadFile(errLog)
			t.Fatalf("nginx exited: %v\n%s%s\nconfiguration:\n%s", err, b, l, text)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return "http://" + addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// Answer is what CompareServers compares of a response: the status, the
// body (its length, first bytes and SHA-256, so that a diff stays
// readable), and the fields that say how to decode, cache and show it.
type Answer struct {
	Status              int
	Body                string
	ContentType         string
	ContentEncoding     string
	CacheControl        string
	Vary                string
	XContentTypeOptions string
	ContentDisposition  string
	CSP                 string // Content-Security-Policy
	ContentLengthOK     bool   // Content-Length, if sent, matches the body
}

// CompareServers fetches each path from the servers at base URLs want and
// got, with Accept-Encoding br, gzip and none, and fails the test for
// every answer that differs. It returns how many answers were compared
// by Content-Encoding ("" for identity), so that a caller can check that
// each coding it expects was seen.
func CompareServers(t testing.TB, want, got string, paths []string) map[string]int {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	seen := map[string]int{}
	for _, p := range paths {
		for _, ae := range []string{"br", "gzip", ""} {
			w := Fetch(t, client, want+p, ae)
			g := Fetch(t, client, got+p, ae)
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("GET %s, Accept-Encoding %q: the servers differ (-%s +%s):\n%s", p, ae, want, got, diff)
			}
			seen[w.ContentEncoding]++
		}
	}
	return seen
}

// Fetch GETs url with the Accept-Encoding given ("" for none) and returns
// what CompareServers compares.
func Fetch(t testing.TB, c *http.Client, url, acceptEncoding string) Answer {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	head := b
	if len(head) > 40 {
		head = head[:40]
	}
	sum := sha256.Sum256(b)
	h := resp.Header
	return Answer{
		Status:              resp.StatusCode,
		Body:                fmt.Sprintf("%d bytes %q… sha256 %x", len(b), head, sum),
		ContentType:         h.Get("Content-Type"),
		ContentEncoding:     h.Get("Content-Encoding"),
		CacheControl:        strings.Join(h.Values("Cache-Control"), ", "),
		Vary:                strings.Join(h.Values("Vary"), ", "),
		XContentTypeOptions: h.Get("X-Content-Type-Options"),
		ContentDisposition:  h.Get("Content-Disposition"),
		CSP:                 h.Get("Content-Security-Policy"),
		ContentLengthOK:     resp.ContentLength < 0 || resp.ContentLength == int64(len(b)),
	}
}
