package dev

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/fsnotify/fsnotify"
)

// debounce is how long the watcher waits after a change for more: an
// editor's save is often several events (write, chmod, rename).
const debounce = 50 * time.Millisecond

// reloader watches the source directories and tells open pages, over
// Server-Sent Events, to reload or to swap their style sheets. It serves
// what lies under runtime.LiveDir below the handler's mount path:
//
//	reload.js  the script LiveReloadScript links
//	events     the event stream: "css" when only style sheets changed,
//	           "reload" for anything else
//	url?u=P    the current URL and integrity of the asset whose URL path
//	           is P, as JSON, for the script's style sheet swap
type reloader struct {
	s *Source
	w *fsnotify.Watcher

	mu      sync.Mutex
	clients map[chan string]struct{}

	// linked are the directories outside every source directory that
	// links lead to, as real paths, each watched once.
	linked []string

	done chan struct{}
	wg   sync.WaitGroup
}

// watch starts watching every directory of every source directory.
func (s *Source) watch() (*reloader, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	r := &reloader{s: s, w: w, clients: map[chan string]struct{}{}, done: make(chan struct{})}
	for _, d := range s.dirs {
		if err := r.addTree(d); err != nil {
			w.Close()
			return nil, err
		}
	}
	r.wg.Add(1)
	go r.loop()
	return r, nil
}

// addTree watches dir and the directories below it that are not ignored,
// following links to directories as find does.
func (r *reloader) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // vanished, or unreadable: nothing to watch
		}
		if _, logical, ok := r.s.logicalOf(p); ok && logical != "." && r.s.ig.IgnoredPath(logical) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return r.addLinked(p)
		case d.IsDir():
			return r.w.Add(p)
		}
		return nil
	})
}

// addLinked watches the tree a link to a directory leads to, under the
// link's name, so that events carry the logical path the file is served
// at. A tree inside a source directory is watched already, and one
// inside a tree watched through another link too: so each is watched
// once, and a link cycle ends.
func (r *reloader) addLinked(link string) error {
	real, err := filepath.EvalSymlinks(link)
	if err != nil {
		return nil // broken: nothing to watch
	}
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return nil
	}
	for _, d := range slices.Concat(r.s.realDirs(), r.linked) {
		if rel, err := filepath.Rel(d, real); err == nil && filepath.IsLocal(rel) || rel == "." {
			return nil
		}
	}
	r.linked = append(r.linked, real)
	return r.addTree(link + string(filepath.Separator))
}

// realDirs returns the source directories with symbolic links evaluated.
func (s *Source) realDirs() []string {
	out := make([]string, 0, len(s.dirs))
	for _, d := range s.dirs {
		if real, err := filepath.EvalSymlinks(d); err == nil {
			out = append(out, real)
		}
	}
	return out
}

// logicalOf maps a path on disk to its source directory and logical path.
func (s *Source) logicalOf(p string) (int, string, bool) {
	for i, d := range s.dirs {
		rel, err := filepath.Rel(d, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return i, filepath.ToSlash(rel), true
		}
	}
	return 0, "", false
}

// loop collects changes and, once they settle, tells the clients.
func (r *reloader) loop() {
	defer r.wg.Done()
	var (
		timer <-chan time.Time
		any   bool
		// others holds the files changed that are not style sheets, with
		// whether one was removed. An editor's safe write (a temporary
		// file renamed over the original) touches a file that is gone
		// when the timer fires; only the others make the page reload.
		others = map[string]bool{}
	)
	for {
		select {
		case <-r.done:
			return
		case err, ok := <-r.w.Errors:
			if !ok {
				return
			}
			r.s.cfg.Logf("assetgen: watching the source directories: %v", err)
		case ev, ok := <-r.w.Events:
			if !ok {
				return
			}
			_, logical, ok := r.s.logicalOf(ev.Name)
			if !ok || r.s.ig.IgnoredPath(logical) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				r.addTree(ev.Name) // a new directory, or a no-op for a file
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			any = true
			if !strings.EqualFold(path.Ext(logical), ".css") {
				others[ev.Name] = others[ev.Name] || ev.Has(fsnotify.Remove)
			}
			timer = time.After(debounce)
		case <-timer:
			timer = nil
			if !any {
				continue
			}
			msg := "css"
			for name, removed := range others {
				if _, err := os.Lstat(name); err == nil || removed {
					msg = "reload"
				}
			}
			r.broadcast(msg)
			any = false
			clear(others)
		}
	}
}

func (r *reloader) broadcast(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.clients {
		select {
		case c <- msg:
		default: // a slow client misses one; the next change reaches it
		}
	}
}

func (r *reloader) close() {
	close(r.done)
	r.w.Close()
	r.wg.Wait()
}

func (r *reloader) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch path.Base(req.URL.Path) {
	case "reload.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		fmt.Fprint(w, reloadJS)
	case "events":
		r.events(w, req)
	case "url":
		r.url(w, req)
	default:
		http.NotFound(w, req)
	}
}

// events streams the change notifications until the client goes away.
func (r *reloader) events(w http.ResponseWriter, req *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan string, 1)
	r.mu.Lock()
	r.clients[c] = struct{}{}
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.clients, c)
		r.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	fmt.Fprint(w, ": assetgen live reload\n\n")
	flusher.Flush()
	for {
		select {
		case <-req.Context().Done():
			return
		case <-r.done:
			return
		case msg := <-c:
			fmt.Fprintf(w, "event: %s\ndata: {}\n\n", msg)
			flusher.Flush()
		}
	}
}

// url answers the current URL and integrity of the asset whose URL path
// (as the page has it, fingerprinted or not) is the u parameter.
func (r *reloader) url(w http.ResponseWriter, req *http.Request) {
	u := req.URL.Query().Get("u")
	set := r.s.set
	if set == nil {
		http.NotFound(w, req)
		return
	}
	name, ok := strings.CutPrefix(u, httpserve.Mount(set.Prefix()))
	if !ok {
		http.NotFound(w, req)
		return
	}
	logical, ok := r.s.Logical(name)
	if !ok {
		http.NotFound(w, req)
		return
	}
	a, ok := set.Lookup(logical)
	if !ok {
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(struct {
		URL       string `json:"url"`
		Integrity string `json:"integrity"`
	}{a.URL(), a.Integrity()})
}

// reloadJS is the client: it listens to the event stream, reloads the
// page on "reload", and on "css" replaces each same-origin style sheet
// under the mount path with its current URL, adding the new <link> before
// removing the old so that the page never shows unstyled. Any failure
// falls back to a reload.
const reloadJS = `// assetgen live reload (development mode only)
(() => {
  const base = new URL(".", document.currentScript.src);
  const es = new EventSource(new URL("events", base));
  es.onopen = () => { document.documentElement.dataset.assetgenLive = "open"; };
  es.addEventListener("reload", () => location.reload());
  es.addEventListener("css", async () => {
    const mount = new URL("..", base).pathname;
    const links = [...document.querySelectorAll('link[rel~="stylesheet"]')];
    try {
      await Promise.all(links.map(async (link) => {
        const u = new URL(link.href, location.href);
        if (u.origin !== location.origin || !u.pathname.startsWith(mount)) return;
        const res = await fetch(new URL("url?u=" + encodeURIComponent(u.pathname), base), {cache: "no-store"});
        if (!res.ok) throw new Error(res.status);
        const cur = await res.json();
        if (new URL(cur.url, location.href).href === u.href) return;
        const next = link.cloneNode();
        next.href = cur.url;
        if (link.integrity) next.integrity = cur.integrity;
        await new Promise((resolve, reject) => {
          next.onload = resolve;
          next.onerror = reject;
          link.after(next);
        });
        link.remove();
      }));
    } catch (e) {
      location.reload();
    }
  });
})();
`
