// Command bench compares assetgen's handler with other ways to serve the
// same embedded files from Go, over loopback, in one run:
//
//	assetgen      the generated package's Handler()
//	bare          the same bytes and headers from memory, no logic: the ceiling
//	FileServerFS  net/http's file server over the same files as an embed.FS
//	hashfs        github.com/benbjohnson/hashfs v0.2.2 over the embed.FS
//	statigz       github.com/vearutop/statigz v1.4.0, brotli and gzip made at start-up
//
// Each server listens on 127.0.0.1:0. For each row (a 1 KiB stylesheet, a
// 30 KiB script asked for with "Accept-Encoding: br, gzip", a 1 MiB binary,
// and a conditional GET of the stylesheet that should be a 304) a client
// in the same process keeps -c keep-alive connections busy for -d (after a
// short warm-up), counting complete responses and the process's CPU time.
// Each cell is measured -r times, the servers in a rotating order, and the
// medians kept. It prints Markdown tables of requests per second and of
// CPU time per request, each with the ratio to bare, and the response each
// server gave (status, Content-Encoding, body size), so that a fast wrong
// answer shows as such.
//
// Run it from this directory:
//
//	go run .
//	go run . -d 2s -c 4 -r 5
//
// Client and servers share the machine's cores, so the figures compare the
// servers with each other on that machine, not with a dedicated server.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/benbjohnson/hashfs"
	"github.com/vearutop/statigz"
	"github.com/vearutop/statigz/brotli"

	"github.com/assetgen/assetgen/bench/assets"
)

func main() {
	dur := flag.Duration("d", time.Second, "`duration` of each measurement")
	conns := flag.Int("c", 2, "concurrent keep-alive `connections`")
	rounds := flag.Int("r", 3, "`rounds`: each cell is measured this many times and the median kept")
	flag.Parse()
	if *dur <= 0 || *dur > time.Minute || *conns < 1 || *conns > 64 || *rounds < 1 || *rounds > 9 {
		log.Fatal("bench: -d must be in (0, 1m], -c in [1, 64] and -r in [1, 9]")
	}
	if err := run(os.Stdout, *dur, *conns, *rounds); err != nil {
		log.Fatal(err)
	}
}

// row is one kind of request.
type row struct {
	name     string
	logical  string // logical path of the file asked for
	encoding string // Accept-Encoding, or ""
	revalid  bool   // send the validator from a first response
}

var rows = []row{
	{name: "1 KiB CSS", logical: "css/site.css"},
	{name: "30 KiB JS, br", logical: "js/app.js", encoding: "br, gzip"},
	{name: "1 MiB binary", logical: "bin/blob.bin"},
	{name: "CSS, If-None-Match", logical: "css/site.css", revalid: true},
}

// server is one contender: a handler and the URL path it serves each
// logical path at.
type server struct {
	name    string
	handler http.Handler
	urlPath func(logical string) string
}

func servers() ([]server, error) {
	static, err := fs.Sub(assets.Static, "static")
	if err != nil {
		return nil, err
	}
	hashed := func(logical string) string {
		u, err := assets.URL(logical)
		if err != nil {
			panic(err) // rows name files of the package
		}
		return u
	}
	plain := func(logical string) string { return "/static/" + logical }
	bare, err := newBare(assets.Handler(), hashed)
	if err != nil {
		return nil, err
	}
	hfs := hashfs.NewFS(static)
	sgz := statigz.FileServer(static.(fs.ReadDirFS), brotli.AddEncoding, statigz.EncodeOnInit)
	return []server{
		{"bare", bare, hashed},
		{"assetgen", assets.Handler(), hashed},
		{"FileServerFS", http.StripPrefix("/static/", http.FileServerFS(static)), plain},
		{"hashfs", http.StripPrefix("/static/", hashfs.FileServer(hfs)), func(p string) string { return "/static/" + hfs.HashName(p) }},
		{"statigz", http.StripPrefix("/static/", sgz), plain},
	}, nil
}

// bareResponse is a response recorded from assetgen's handler, replayed
// with no lookup beyond one map access and no negotiation.
type bareResponse struct {
	header http.Header
	body   []byte
}

// newBare records, for every row, the response assetgen's handler gives,
// and returns a handler that writes it back: the same header values
// assigned into the response's map and the same bytes written, which is
// the least any handler can do.
func newBare(h http.Handler, urlPath func(string) string) (http.Handler, error) {
	type key struct{ path, enc string }
	m := map[key]*bareResponse{}
	notModified := map[string]string{} // path → ETag answered with 304
	for _, rw := range rows {
		r := httptest.NewRequest("GET", urlPath(rw.logical), nil)
		if rw.encoding != "" {
			r.Header["Accept-Encoding"] = []string{rw.encoding}
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			return nil, fmt.Errorf("bare: recording %s: status %d", rw.name, w.Code)
		}
		m[key{r.URL.Path, rw.encoding}] = &bareResponse{w.Header().Clone(), w.Body.Bytes()}
		if rw.revalid {
			notModified[r.URL.Path] = w.Header().Get("ETag")
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if etag, ok := notModified[r.URL.Path]; ok && r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		resp := m[key{r.URL.Path, r.Header.Get("Accept-Encoding")}]
		if resp == nil {
			http.NotFound(w, r)
			return
		}
		hdr := w.Header()
		for k, v := range resp.header {
			hdr[k] = v
		}
		w.WriteHeader(http.StatusOK)
		w.Write(resp.body)
	}), nil
}

// result is one cell of the table.
type result struct {
	rps    float64
	cpu    time.Duration // process CPU time (client and server) per request
	sample string        // what a response looked like
	err    error
}

func run(out io.Writer, dur time.Duration, conns, rounds int) error {
	srvs, err := servers()
	if err != nil {
		return err
	}
	// Every cell is measured in each round, the servers in a different
	// order each time, and the median round counts: other work on the
	// machine and warm-up then favor no server.
	all := make([][][]result, len(rows)) // row, server, round
	for i := range rows {
		all[i] = make([][]result, len(srvs))
	}
	for round := range rounds {
		for i, rw := range rows {
			for k := range srvs {
				j := (k + round) % len(srvs)
				all[i][j] = append(all[i][j], measure(srvs[j], rw, dur, conns))
			}
		}
	}
	results := make([][]result, len(rows))
	for i := range rows {
		results[i] = make([]result, len(srvs))
		for j := range srvs {
			results[i][j] = median(all[i][j])
		}
	}
	fmt.Fprintf(out, "%s, %s/%s, GOMAXPROCS=%d, %d connections, median of %d rounds of %v per cell; req/s (ratio to bare)\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), conns, rounds, dur)
	printTable(out, srvs, func(i, j int) string {
		r := results[i][j]
		if r.err != nil {
			return "error: " + r.err.Error()
		}
		return fmt.Sprintf("%.0f (%.2f)", r.rps, r.rps/results[i][0].rps)
	})
	fmt.Fprintln(out, "\nCPU time of the process (client and server) per request, µs (ratio to bare):")
	fmt.Fprintln(out)
	printTable(out, srvs, func(i, j int) string {
		r := results[i][j]
		if r.err != nil {
			return "error"
		}
		return fmt.Sprintf("%.1f (%.2f)", float64(r.cpu)/1e3, float64(r.cpu)/float64(results[i][0].cpu))
	})
	fmt.Fprintln(out, "\nResponses (status, Content-Encoding, body bytes):")
	fmt.Fprintln(out)
	printTable(out, srvs, func(i, j int) string { return results[i][j].sample })
	return nil
}

// median returns the median rate and the median CPU time of the rounds,
// or the first error.
func median(rs []result) result {
	for _, r := range rs {
		if r.err != nil {
			return r
		}
	}
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b result) int { return cmp.Compare(a.cpu, b.cpu) })
	cpu := rs[len(rs)/2].cpu
	slices.SortFunc(rs, func(a, b result) int { return cmp.Compare(a.rps, b.rps) })
	m := rs[len(rs)/2]
	m.cpu = cpu // each median on its own
	return m
}

// printTable prints a Markdown table with a row per request and a column
// per server.
func printTable(out io.Writer, srvs []server, cell func(row, srv int) string) {
	fmt.Fprint(out, "| request |")
	for _, s := range srvs {
		fmt.Fprintf(out, " %s |", s.name)
	}
	fmt.Fprint(out, "\n| --- |")
	for range srvs {
		fmt.Fprint(out, " ---: |")
	}
	fmt.Fprintln(out)
	for i, rw := range rows {
		fmt.Fprintf(out, "| %s |", rw.name)
		for j := range srvs {
			fmt.Fprintf(out, " %s |", cell(i, j))
		}
		fmt.Fprintln(out)
	}
}

// measure serves s on a loopback listener and drives it with conns
// connections for dur.
func measure(s server, rw row, dur time.Duration, conns int) result {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{err: err}
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	tr := &http.Transport{
		MaxIdleConnsPerHost: conns,
		DisableCompression:  true, // send only the row's Accept-Encoding; keep bodies as sent
		ForceAttemptHTTP2:   false,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	url := "http://" + ln.Addr().String() + s.urlPath(rw.logical)

	// A first request: the validator for revalidation rows, and the sample.
	first, err := do(client, newRequest(url, rw, ""))
	if err != nil {
		return result{err: err}
	}
	validator := first.etag
	want := http.StatusOK
	if rw.revalid {
		want = http.StatusNotModified
	}
	probe, err := do(client, newRequest(url, rw, validator))
	if err != nil {
		return result{err: err}
	}
	sample := probe.String()
	if probe.status != want {
		sample += fmt.Sprintf(" (want %d)", want)
	}

	// Warm up (connections, the handler's first read of the file), then
	// measure: every connection loops until the deadline.
	if _, _, err := load(client, url, rw, validator, probe, warmup, conns); err != nil {
		return result{err: err, sample: sample}
	}
	rps, cpu, err := load(client, url, rw, validator, probe, dur, conns)
	return result{rps: rps, cpu: cpu, sample: sample, err: err}
}

// warmup precedes every measurement.
const warmup = 200 * time.Millisecond

// load keeps conns connections busy with the row's request for dur and
// returns the rate of complete responses and the process CPU time per
// response. Each response must match probe. CPU time counts only this
// process, so it is steadier than the rate on a busy machine.
func load(client *http.Client, url string, rw row, validator string, probe response, dur time.Duration, conns int) (float64, time.Duration, error) {
	// The measurement: every connection loops until the deadline. Each
	// response must match the probe, or the cell reports the mismatch.
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), cpuTime()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := newRequest(url, rw, validator)
			for ctx.Err() == nil {
				got, err := do(client, req)
				if err == nil && got != probe {
					err = fmt.Errorf("response %v differs from the first %v", got, probe)
				}
				if err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	if firstErr != nil {
		return 0, 0, firstErr
	}
	if n.Load() == 0 {
		return 0, 0, errors.New("no response completed")
	}
	return float64(n.Load()) / elapsed.Seconds(), cpu / time.Duration(n.Load()), nil
}

func newRequest(url string, rw row, validator string) *http.Request {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		panic(err) // url is built from a listener address
	}
	if rw.encoding != "" {
		req.Header["Accept-Encoding"] = []string{rw.encoding}
	}
	if rw.revalid && validator != "" {
		req.Header["If-None-Match"] = []string{validator}
	}
	return req
}

// response is what the client checks of each response.
type response struct {
	status   int
	encoding string
	size     int64
	etag     string
}

func (r response) String() string {
	enc := r.encoding
	if enc == "" {
		enc = "identity"
	}
	return fmt.Sprintf("%d %s %d", r.status, enc, r.size)
}

var errNoBody = errors.New("short body")

// do sends req and reads the whole body, as a browser would.
func do(client *http.Client, req *http.Request) (response, error) {
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return response{}, err
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return response{}, errNoBody
	}
	return response{
		status:   resp.StatusCode,
		encoding: strings.Join(resp.Header["Content-Encoding"], ","),
		size:     n,
		etag:     resp.Header.Get("ETag"),
	}, nil
}
