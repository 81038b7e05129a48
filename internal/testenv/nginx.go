package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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
	port := freePort(t)
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
		listen 127.0.0.1:%d;
		server_name localhost;
%s
	}
}
`, brotliModule, temp("nginx.pid"), errLog, temp("body"), temp("proxy"), temp("fastcgi"), temp("uwsgi"), temp("scgi"), port, indent(server, "\t\t"))
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
	addr := fmt.Sprintf("127.0.0.1:%d", port)
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

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
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
