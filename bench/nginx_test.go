package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/assetgen/assetgen/bench/assets"
	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/collect"
	"github.com/assetgen/assetgen/internal/testenv"
)

var (
	wrkDuration = flag.Duration("wrk-d", 5*time.Second, "`duration` of each wrk run in BenchmarkNginx")
	wrkConns    = flag.Int("wrk-c", 8, "wrk `connections` in BenchmarkNginx")
	wrkRounds   = flag.Int("wrk-r", 3, "wrk `rounds` per cell in BenchmarkNginx; the median is kept")
)

// BenchmarkNginx compares the two ways of serving the same files with the
// same headers: the generated package's Handler() in a net/http server in
// this process, and nginx (one worker, brotli_static and gzip_static)
// serving the tree "assetgen collect" writes, with the location block it
// writes. wrk (one thread, -wrk-c connections, -wrk-d a run) drives each
// over loopback, for the rows of the load benchmark in main.go; each cell
// is the median of -wrk-r runs, the two servers alternating. It logs a
// Markdown table of requests per second with the ratio to the handler,
// and what each answered.
//
//	cd bench && go test -run '^$' -bench Nginx -benchtime 1x
func BenchmarkNginx(b *testing.B) {
	wrk := testenv.Program(b, "wrk")
	p, err := assetpkg.Load("assets")
	if err != nil {
		b.Fatal(err)
	}
	root := b.TempDir()
	if _, err := collect.Collect(context.Background(), p, collect.Options{Dir: root}); err != nil {
		b.Fatal(err)
	}
	conf, err := collect.Nginx(p, collect.NginxOptions{Root: filepath.ToSlash(root), Mount: "/static/"})
	if err != nil {
		b.Fatal(err)
	}
	nginx := testenv.Nginx(b, string(conf))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", assets.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	handler := "http://" + ln.Addr().String()

	type cell struct {
		rps    []float64
		cpu    []time.Duration // server CPU time per request
		sample string
	}
	// CPU time of each server: this process for the handler, nginx's
	// master and worker for nginx. Other work on a shared machine moves
	// the rates a lot; CPU time per request moves less.
	cpuOf := []func() time.Duration{cpuTime, nginxCPU}
	bases := []string{handler, nginx}
	cells := make([][]cell, len(rows))
	for b.Loop() {
		for i, rw := range rows {
			cells[i] = make([]cell, len(bases))
			u, err := assets.URL(rw.logical)
			if err != nil {
				b.Fatal(err)
			}
			for round := range *wrkRounds {
				for k := range bases {
					j := (k + round) % len(bases)
					url := bases[j] + u
					headers, sample, err := requestFor(url, rw)
					if err != nil {
						b.Fatal(err)
					}
					cpu0 := cpuOf[j]()
					rps, n, err := runWrk(wrk, url, headers)
					if err != nil {
						b.Fatal(err)
					}
					cells[i][j].rps = append(cells[i][j].rps, rps)
					cells[i][j].cpu = append(cells[i][j].cpu, (cpuOf[j]()-cpu0)/time.Duration(max(n, 1)))
					cells[i][j].sample = sample
				}
			}
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "%s, GOMAXPROCS=%d, nginx 1 worker; wrk -t1 -c%d -d%v, median of %d; req/s (ratio to the handler)\n\n",
		runtime.Version(), runtime.GOMAXPROCS(0), *wrkConns, *wrkDuration, *wrkRounds)
	out.WriteString("| request | assetgen handler | nginx, collected tree |\n| --- | ---: | ---: |\n")
	for i, rw := range rows {
		h, n := medianOf(cells[i][0].rps), medianOf(cells[i][1].rps)
		fmt.Fprintf(&out, "| %s | %.0f (1.00) | %.0f (%.2f) |\n", rw.name, h, n, n/h)
	}
	out.WriteString("\nServer CPU time per request, µs (ratio to the handler):\n\n| request | assetgen handler | nginx, collected tree |\n| --- | ---: | ---: |\n")
	for i, rw := range rows {
		h, n := medianOf(durations(cells[i][0].cpu)), medianOf(durations(cells[i][1].cpu))
		fmt.Fprintf(&out, "| %s | %.1f (1.00) | %.1f (%.2f) |\n", rw.name, h, n, n/h)
	}
	out.WriteString("\nResponses (status, Content-Encoding, body bytes):\n\n| request | assetgen handler | nginx, collected tree |\n| --- | ---: | ---: |\n")
	for i, rw := range rows {
		fmt.Fprintf(&out, "| %s | %s | %s |\n", rw.name, cells[i][0].sample, cells[i][1].sample)
		if cells[i][0].sample != cells[i][1].sample {
			b.Errorf("%s: the handler answers %s, nginx %s", rw.name, cells[i][0].sample, cells[i][1].sample)
		}
	}
	fmt.Print(out.String()) // b.Log would cut the table short
}

// requestFor returns the header lines wrk sends for a row (the server's
// own ETag for a revalidation) and what a response to them looks like.
func requestFor(url string, rw row) ([]string, string, error) {
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	var headers []string
	if rw.encoding != "" {
		headers = append(headers, "Accept-Encoding: "+rw.encoding)
	}
	get := func() (*http.Response, int, error) {
		req, _ := http.NewRequest("GET", url, nil)
		for _, h := range headers {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, 0, err
		}
		defer resp.Body.Close()
		n := 0
		buf := make([]byte, 32<<10)
		for {
			m, err := resp.Body.Read(buf)
			n += m
			if err != nil {
				break
			}
		}
		return resp, n, nil
	}
	resp, n, err := get()
	if err != nil {
		return nil, "", err
	}
	if rw.revalid {
		headers = append(headers, "If-None-Match: "+resp.Header.Get("ETag"))
		if resp, n, err = get(); err != nil {
			return nil, "", err
		}
	}
	sample := fmt.Sprintf("%d %s %d", resp.StatusCode, cmpOr(resp.Header.Get("Content-Encoding"), "-"), n)
	return headers, sample, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

var (
	wrkRate  = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkTotal = regexp.MustCompile(`(\d+) requests in`)
)

// runWrk runs wrk against url and returns its requests per second and
// the number of requests; it fails if any response was not a 2xx or 3xx.
func runWrk(wrk, url string, headers []string) (float64, int64, error) {
	args := []string{"-t1", "-c" + strconv.Itoa(*wrkConns), "-d" + strconv.Itoa(int(wrkDuration.Seconds())) + "s"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	out, err := exec.Command(wrk, append(args, url)...).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "Non-2xx or 3xx responses") {
		return 0, 0, fmt.Errorf("wrk %s: error responses:\n%s", url, out)
	}
	m, t := wrkRate.FindSubmatch(out), wrkTotal.FindSubmatch(out)
	if m == nil || t == nil {
		return 0, 0, fmt.Errorf("wrk: no rate in\n%s", out)
	}
	rps, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, 0, err
	}
	n, err := strconv.ParseInt(string(t[1]), 10, 64)
	return rps, n, err
}

// nginxCPU returns the CPU time used so far by the nginx this process
// started (its master, a child of this process, and the master's
// workers), read from /proc; 0 where there is none.
func nginxCPU() time.Duration {
	self := strconv.Itoa(os.Getpid())
	stats := map[string][]string{} // pid → fields of /proc/pid/stat after the name
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// "pid (comm) state ppid ... utime stime ...": the name may hold
		// spaces, so split after its closing parenthesis.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 || !strings.Contains(string(b[:i]), "(nginx") {
			continue
		}
		stats[e.Name()] = strings.Fields(string(b[i+1:]))
	}
	var ticks int64
	for _, f := range stats {
		parent := f[1]
		if parent == self || (stats[parent] != nil && stats[parent][1] == self) {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			ticks += u + s
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

func durations(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d) / float64(time.Microsecond)
	}
	return out
}

func medianOf(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	return s[len(s)/2]
}
