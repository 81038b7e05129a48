// Command images measures assetgen's image variants beside Pillow and
// libvips on the same 12-megapixel photos, in one run, alternating photo
// by photo, so that a loaded machine slows every side alike.
//
//	cd bench && go run ./images              # 5 photos: first ?w=640, all four widths
//	cd bench && go run ./images -gallery     # 24 photos × 3 widths at once, server process
//
// The photos (4000 × 3000, quality 90, from fixed seeds) are made by
// peers.py with Pillow into -photos, once, and are not committed. It needs
// Debian's python3-pil and libvips-tools.
//
// Each cell gives the wall time and, in parentheses, the CPU time (user
// and system) of the side's process or processes: assetgen's is this
// process's (getrusage), Pillow's its Python process's (process_time),
// vips's its vipsthumbnail processes'. On a machine shared with other
// work the CPU times are the steadier; the wall times also count waits
// for a core.
//
// Rows:
//   - first 640: a new upload's first ?w=640 response from media.Handler,
//     in this process (which makes 640 from one decode, stores it and
//     answers, then makes and stores 320 from the same decode), against
//     Pillow's draft + thumbnail(LANCZOS) + quality 82 in a Python process
//     that stays up, and vipsthumbnail, a process each time (its start-up,
//     measured alone, is shown beside it). The work left after the last
//     response (320 here) is waited for (Store.Close) before the next side
//     starts, and shown in its own column: its wall time from the last
//     response, and this process's CPU time then.
//   - all four: ?w=1920 (which makes 1920, 1280, 640 and 320 from one
//     decode) then 1280, 640 and 320 from the store, against Pillow and
//     vipsthumbnail making the four one by one, as a thumbnail library
//     asks for them.
//   - first 640 WebP: the first row with Accept: image/webp (media/webp),
//     its bytes against Pillow's JPEG.
//
// -gallery starts this program again as a server on a local store with
// Workers 2, uploads 24 photos, asks for 320, 640 and 1280 of each at once
// (72 requests; a 503 is retried after its Retry-After), and reports the
// wall time and the server's peak RSS (VmHWM) against Pillow with a pool
// of 2 processes doing the same 72 thumbnails.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/assetgen/assetgen/media"
	"github.com/assetgen/assetgen/media/webp"
)

func main() {
	photos := flag.String("photos", filepath.Join(os.TempDir(), "assetgen-photos"), "directory of the generated photos")
	n := flag.Int("n", 5, "photos for the single-photo rows")
	gallery := flag.Bool("gallery", false, "run the gallery benchmark")
	serve := flag.String("serve", "", "internal: serve a store in this directory")
	flag.Parse()
	if *serve != "" {
		serveStore(*serve)
		return
	}
	count := *n
	if *gallery {
		count = max(count, 24)
	}
	peers := peersScript()
	run("python3", peers, "gen", *photos, strconv.Itoa(count))
	files, _ := filepath.Glob(filepath.Join(*photos, "photo*.jpg"))
	slices.Sort(files)
	if *gallery {
		runGallery(peers, files[:24])
		return
	}
	singles(peers, files[:*n])
}

// peersScript is peers.py beside this file.
func peersScript() string {
	if _, err := os.Stat("images/peers.py"); err == nil {
		return "images/peers.py"
	}
	return "peers.py"
}

func run(name string, args ...string) []byte {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		log.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return out
}

// pillow is a Python process answering thumbnail jobs.
type pillow struct {
	in  io.Writer
	out *bufio.Scanner
}

func startPillow(script string) *pillow {
	cmd := exec.Command("python3", script, "serve")
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	return &pillow{in: in, out: bufio.NewScanner(out)}
}

// cost is what a side spent on a job: the wall time, and the CPU time
// (user and system) of its process, or of the processes it ran. On a
// machine shared with other work the CPU time is the steadier: the wall
// time also counts the waits for a core.
type cost struct{ wall, cpu time.Duration }

func (c cost) add(d cost) cost { return cost{c.wall + d.wall, c.cpu + d.cpu} }

// cpuTime is this process's CPU time so far, every thread.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (p *pillow) thumbs(path string, widths []int) (cost, []int) {
	b, _ := json.Marshal(map[string]any{"path": path, "widths": widths})
	fmt.Fprintf(p.in, "%s\n", b)
	if !p.out.Scan() {
		log.Fatal("pillow went away")
	}
	var r struct {
		MS    float64
		CPUMS float64 `json:"cpu_ms"`
		Bytes []int
	}
	json.Unmarshal(p.out.Bytes(), &r)
	return cost{time.Duration(r.MS * float64(time.Millisecond)), time.Duration(r.CPUMS * float64(time.Millisecond))}, r.Bytes
}

// vips makes each width with vipsthumbnail, a process each.
func vips(path string, widths []int) (cost, []int) {
	dir, _ := os.MkdirTemp("", "vips")
	defer os.RemoveAll(dir)
	var sizes []int
	var cpu time.Duration
	start := time.Now()
	for _, w := range widths {
		out := filepath.Join(dir, strconv.Itoa(w)+".jpg")
		cmd := exec.Command("vipsthumbnail", path, "--size", strconv.Itoa(w)+"x", "-o", out+"[Q=82,strip]")
		if err := cmd.Run(); err != nil {
			log.Fatalf("vipsthumbnail: %v", err)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		fi, _ := os.Stat(out)
		sizes = append(sizes, int(fi.Size()))
	}
	return cost{time.Since(start), cpu}, sizes
}

// assetgen uploads path to a new store and times the GETs of widths,
// with Accept (WebP if it names it, JPEG if ""), and then, apart, the
// work left after the last response, until Close has waited for it.
func assetgen(path string, widths []int, accept string) (cost, cost, []int) {
	dir, _ := os.MkdirTemp("", "assetgen-store")
	defer os.RemoveAll(dir)
	s, err := media.Open(context.Background(), dir, media.Images(media.ImageOptions{Formats: []media.ImageFormat{webp.Format()}}))
	if err != nil {
		log.Fatal(err)
	}
	src, _ := os.ReadFile(path)
	name, err := s.Save(context.Background(), "photo.jpg", bytes.NewReader(src))
	if err != nil {
		log.Fatal(err)
	}
	h := s.Handler()
	var sizes []int
	start, cpu := time.Now(), cpuTime()
	for _, w := range widths {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/media/"+name+"?w="+strconv.Itoa(w), nil)
		r.Header.Set("Accept", accept)
		h.ServeHTTP(rec, r)
		if rec.Code != 200 {
			log.Fatalf("?w=%d: %d", w, rec.Code)
		}
		sizes = append(sizes, rec.Body.Len())
	}
	answered := cost{time.Since(start), cpuTime() - cpu}
	start, cpu = time.Now(), cpuTime()
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	return answered, cost{time.Since(start), cpuTime() - cpu}, sizes
}

func singles(script string, files []string) {
	p := startPillow(script)
	start := time.Now()
	run("vipsthumbnail", "--vips-version")
	vipsStart := time.Since(start)
	rows := []struct {
		name   string
		widths []int
		accept string
	}{
		{"first 640", []int{640}, ""},
		{"all four", []int{1920, 1280, 640, 320}, ""},
		{"first 640 WebP", []int{640}, "image/webp"},
	}
	// The WebP encoder's WebAssembly module is compiled once a process,
	// and Pillow's first job in its process takes twice its time: each
	// side does one job first, not counted.
	warm, _, _ := assetgen(files[0], []int{320}, "image/webp")
	p.thumbs(files[0], []int{320})
	fmt.Printf("%d photos, 4000x3000 q90; ms per photo, wall (CPU) (vipsthumbnail start-up alone: %.0f ms; WebP's first use %.0f ms and Pillow's first job, not counted)\n\n", len(files), ms(vipsStart), ms(warm.wall))
	fmt.Println("| photo | row | assetgen | then | Pillow | vips | assetgen/Pillow | assetgen/vips | bytes assetgen/Pillow |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	sum := map[string][4]cost{}
	for i, f := range files {
		for _, r := range rows {
			// Rotate who goes first, photo by photo.
			var a, rest, pl, v cost
			var as, ps []int
			for k := range 3 {
				switch (i + k) % 3 {
				case 0:
					a, rest, as = assetgen(f, r.widths, r.accept)
				case 1:
					pl, ps = p.thumbs(f, r.widths)
				case 2:
					v, _ = vips(f, r.widths)
				}
			}
			fmt.Printf("| %s | %s | %s | %s | %s | %s | %s | %s | %.2f |\n", filepath.Base(f), r.name,
				a, rest, pl, v, ratio(a, pl), ratio(a, v), float64(total(as))/float64(total(ps)))
			t := sum[r.name]
			sum[r.name] = [4]cost{t[0].add(a), t[1].add(rest), t[2].add(pl), t[3].add(v)}
		}
	}
	for _, r := range rows {
		t := sum[r.name]
		fmt.Printf("| all | %s | %s | %s | %s | %s | %s | %s | |\n", r.name, t[0], t[1], t[2], t[3], ratio(t[0], t[2]), ratio(t[0], t[3]))
	}
}

// String gives the wall and CPU milliseconds, "wall (CPU)".
func (c cost) String() string { return fmt.Sprintf("%.0f (%.0f)", ms(c.wall), ms(c.cpu)) }

// ratio gives a's wall and CPU times over b's, "wall (CPU)".
func ratio(a, b cost) string {
	return fmt.Sprintf("%.2f (%.2f)", ms(a.wall)/ms(b.wall), ms(a.cpu)/ms(b.cpu))
}

func total(xs []int) (n int) {
	for _, x := range xs {
		n += x
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// serveStore is the server process of -gallery: a local store with
// Workers 2 on a loopback port, which it prints.
func serveStore(dir string) {
	s, err := media.Open(context.Background(), dir, media.Images(media.ImageOptions{Workers: 2}))
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/media/", s.Handler())
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		name, err := s.Save(r.Context(), r.URL.Query().Get("name"), r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		io.WriteString(w, name)
	})
	fmt.Println(ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}

func runGallery(script string, files []string) {
	widths := []int{320, 640, 1280}
	dir, _ := os.MkdirTemp("", "assetgen-gallery")
	defer os.RemoveAll(dir)
	self, _ := os.Executable()
	srv := exec.Command(self, "-serve", dir)
	out, _ := srv.StdoutPipe()
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	defer srv.Process.Kill()
	sc := bufio.NewScanner(out)
	sc.Scan()
	base := "http://" + sc.Text()
	var names []string
	for _, f := range files {
		src, _ := os.ReadFile(f)
		resp, err := http.Post(base+"/upload?name="+filepath.Base(f), "image/jpeg", bytes.NewReader(src))
		if err != nil {
			log.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		names = append(names, string(b))
	}
	rssBefore := vmHWM(srv.Process.Pid)
	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	start := time.Now()
	for _, name := range names {
		for _, w := range widths {
			wg.Go(func() {
				u := base + "/media/" + name + "?w=" + strconv.Itoa(w)
				for {
					resp, err := http.Get(u)
					if err != nil {
						log.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					mu.Lock()
					codes[strconv.Itoa(resp.StatusCode)]++
					mu.Unlock()
					if resp.StatusCode != 503 {
						return
					}
					secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
					time.Sleep(time.Duration(secs) * time.Second)
				}
			})
		}
	}
	wg.Wait()
	wall := time.Since(start)
	rss := vmHWM(srv.Process.Pid)
	var py struct {
		MS           float64
		Jobs         int
		WorkerPeakKB []int `json:"worker_peak_kb"`
		ParentPeakKB int   `json:"parent_peak_kb"`
	}
	ws := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(widths)), ","), "[]")
	json.Unmarshal(run("python3", script, "gallery", filepath.Dir(files[0]), ws, "2"), &py)
	fmt.Printf("gallery: %d photos x %v at once\n\n", len(files), widths)
	fmt.Println("| | wall ms | peak RSS MB | answers |")
	fmt.Println("| --- | ---: | ---: | --- |")
	fmt.Printf("| assetgen (server process, Workers 2) | %.0f | %.0f (%.0f after uploads) | %v |\n", ms(wall), float64(rss)/1024, float64(rssBefore)/1024, codes)
	fmt.Printf("| Pillow, pool of 2 processes | %.0f | %.0f per worker, %.0f parent | %d thumbnails |\n", py.MS, float64(slices.Max(py.WorkerPeakKB))/1024, float64(py.ParentPeakKB)/1024, py.Jobs)
	fmt.Printf("\nassetgen/Pillow wall: %.2f\n", ms(wall)/py.MS)
}

// vmHWM is a process's peak resident set, in KB.
func vmHWM(pid int) int {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}
