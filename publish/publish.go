// Package publish uploads a generated package's files to object storage,
// for a CDN to serve, and checks from the application that they are
// there. Buckets are gocloud.dev/blob buckets, so any store it has a
// driver for works: s3:// (and S3-compatible servers), gs://, azblob://,
// file://. Import the drivers you use:
//
//	import _ "gocloud.dev/blob/s3blob"
//
// Each hashed file and each precompressed variant is one object, keyed by
// its name under the prefix (css/base.1a2b3c4d5e6f.css and
// css/base.1a2b3c4d5e6f.css.br, .gz, .zst beside it), stored with the
// Content-Type, Cache-Control and Content-Encoding the package's handler
// sends, and with its SHA-256 in the object's metadata ("sha256"), which
// is how a later run knows an object is already in place without
// downloading it.
//
// Publishing is safe to repeat and to interrupt. The manifest the last
// run wrote says what the bucket holds, so a run reads it first (one
// request) and uploads only what it does not list with the same SHA-256;
// an unchanged package costs that one read and writes nothing. Objects it
// does not vouch for are checked by their attributes, and Options.Deep
// trusts no manifest. Files go up in dependency order
// (every file a stylesheet or script references before it, a file's
// variants before the file), and a manifest object last, so that a file
// being present means everything it needs is; nothing is deleted unless
// PruneOlderThan says so. See cmd/assetgen-publish for the command.
package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/progress"
)

// Metadata key of an object's SHA-256, lower-case hex of its bytes.
const metaSHA256 = "sha256"

// Keys of the manifests publish writes. ManifestKey is the current one,
// written last; each run also keeps a copy under manifestDir, named by
// its time, which is how prune knows what was current when.
const (
	ManifestKey = "_assetgen/manifest.json"
	manifestDir = "_assetgen/manifests/"
)

// Options adjust Publish. The zero value publishes with 8 uploads at a
// time, 6 attempts per request, and deletes nothing.
type Options struct {
	// Parallel is the number of requests in flight at once (default 8).
	Parallel int
	// DryRun checks what is in place and reports what would be uploaded
	// or pruned, changing nothing.
	DryRun bool
	// PruneOlderThan, if positive, deletes objects that no manifest
	// current within that duration names (and that were not written
	// within it either), and the copies of manifests replaced before it.
	// A version's files are thus kept for the duration after the next
	// publish replaced it, whenever they were uploaded.
	// Zero deletes nothing: pages cached in browsers still point at old
	// files.
	PruneOlderThan time.Duration
	// Attempts is how often a request that failed with a transient error
	// (a connection refused or reset, a 5xx, a throttling answer) is tried
	// in all (default 6), with exponential back-off from Backoff (default
	// 250ms) doubling up to 8s.
	Attempts int
	Backoff  time.Duration
	// Deep trusts no earlier manifest: it reads the attributes of every
	// object already in the bucket and uploads each that differs, as a
	// first publish does, to repair a bucket changed behind publish's back.
	Deep bool
	// Now is the time recorded in the manifest and that prune measures
	// from; zero means time.Now().
	Now time.Time
	// Progress, if set, is called about ten times a second while objects
	// are checked and uploaded, and once at the end, from one goroutine at
	// a time, never after Publish returns. It must not block.
	Progress func(Progress)
	// OnRetry, if set, is called before a failed request is tried again.
	OnRetry func(key string, attempt int, err error)
}

// Progress is how far a publish has got. It is counted by the meter that
// also counts generate's phases (internal/progress), so the command shows
// both with one progress line.
type Progress struct {
	Files, TotalFiles int           // files whose objects are all done
	Bytes, TotalBytes int64         // bytes of the objects done, uploaded or not
	Elapsed           time.Duration // since the uploads started
}

// Stats counts what Publish did, and the requests it sent.
type Stats struct {
	Files         int   // files of the package published
	Objects       int   // objects they make (each file and variant)
	Uploaded      int   // objects uploaded (or, with DryRun, to upload)
	UploadedBytes int64 //
	Skipped       int   // objects already in place with the same content
	NotServed     int   // objects the handler does not serve (dot paths), left out
	Pruned        int   // objects deleted (or, with DryRun, to delete)
	Written       int   // objects written, uploads and manifests alike (with DryRun, none)
	Retries       int   // requests tried again after a transient error
	Requests      int   // requests sent: lists, attribute reads, uploads, reads of manifests, deletes
}

// item is one object to publish.
type item struct {
	assetpkg.Object
	header http.Header // the handler's fields for it
}

// Publish uploads the generated package in dir to bucket.
func Publish(ctx context.Context, bucket *blob.Bucket, dir string, opts Options) (Stats, error) {
	p, err := assetpkg.Load(dir)
	if err != nil {
		return Stats{}, err
	}
	pub := newPublisher(bucket, opts)
	return pub.run(ctx, p)
}

type publisher struct {
	b    *blob.Bucket
	opts Options
	now  time.Time

	requests, retries, written atomic.Int64

	meter *progress.Meter // counts files and bytes done, for opts.Progress

	mu      sync.Mutex // guards stats and sums
	stats   Stats
	sums    map[string]string // key → SHA-256 of the objects read
	vouched *Manifest         // the last published manifest, if it can be trusted

	objectDone func(uploaded bool) // a test's hook, called as each object is done
}

func newPublisher(b *blob.Bucket, opts Options) *publisher {
	if opts.Parallel <= 0 {
		opts.Parallel = 8
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 6
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 250 * time.Millisecond
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	return &publisher{b: b, opts: opts, now: now.UTC(), sums: map[string]string{}}
}

// run publishes p. The last published manifest, one read, says what the
// bucket holds: an object it lists with the same SHA-256 and headers is in
// place (publish writes the manifest last), so an unchanged package costs
// that one request and writes nothing. Other objects are checked against
// a listing of the bucket when there is no manifest to go by (a first
// publish), or with one attribute read each; prune always lists.
func (pub *publisher) run(ctx context.Context, p *assetpkg.Package) (Stats, error) {
	files, size, err := pub.plan(p)
	if err != nil {
		return pub.stats, err
	}
	pub.meter = progress.Start("publishing", pub.stats.Files, size, pub.report())
	defer pub.meter.Stop()
	prev, err := pub.lastManifest(ctx)
	if err != nil {
		return pub.finish(), err
	}
	pub.vouched = prev
	var existing map[string]time.Time // nil: not listed
	if prev == nil || pub.opts.PruneOlderThan > 0 {
		if existing, err = pub.list(ctx, ""); err != nil {
			if pub.opts.Deep { // the first request: see lastManifest
				err = fmt.Errorf("%w; %s", err, contactHint)
			}
			return pub.finish(), err
		}
	}
	for _, wave := range waves(p, files) {
		if err := pub.uploadWave(ctx, p, wave, files, existing); err != nil {
			return pub.finish(), err
		}
	}
	m := pub.manifest(p, files)
	if prev == nil || !sameManifest(prev, m) {
		if err := pub.putManifest(ctx, m); err != nil {
			return pub.finish(), err
		}
	} else {
		m = prev // unchanged: it stays current from the time it was written
	}
	if pub.opts.PruneOlderThan > 0 {
		if err := pub.prune(ctx, m, existing); err != nil {
			return pub.finish(), err
		}
	}
	return pub.finish(), nil
}

func (pub *publisher) finish() Stats {
	pub.stats.Requests = int(pub.requests.Load())
	pub.stats.Retries = int(pub.retries.Load())
	pub.stats.Written = int(pub.written.Load())
	return pub.stats
}

// report passes the meter's counts on to opts.Progress.
func (pub *publisher) report() func(progress.Snapshot) {
	if pub.opts.Progress == nil {
		return nil
	}
	return func(s progress.Snapshot) {
		pub.opts.Progress(Progress{Files: s.Files, TotalFiles: s.TotalFiles, Bytes: s.Bytes, TotalBytes: s.TotalBytes, Elapsed: s.Elapsed})
	}
}

// plan lists every file's objects with the headers the handler sends,
// leaving out what the handler does not serve, and returns their size.
func (pub *publisher) plan(p *assetpkg.Package) ([][]item, int64, error) {
	files := make([][]item, len(p.Files))
	var size int64
	objs := p.Objects(false)
	for _, o := range objs {
		if strings.HasPrefix(o.Name, "_assetgen/") {
			return nil, 0, fmt.Errorf("%s: %s: publish keeps its manifests under _assetgen/; rename the asset", p.GoFile, o.Name)
		}
	}
	// The handler reads each file to answer, so the headers of a large
	// package are read on every core.
	headers := make([]http.Header, len(objs))
	errs := make([]error, len(objs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(objs); i = int(next.Add(1) - 1) {
				headers[i], errs[i] = p.Headers(objs[i])
			}
		})
	}
	wg.Wait()
	for i, o := range objs {
		h, err := headers[i], errs[i]
		if errors.Is(err, assetpkg.ErrNotServed) {
			pub.stats.NotServed++
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		files[o.File] = append(files[o.File], item{o, h})
		pub.stats.Objects++
		size += o.Size
	}
	for _, objs := range files {
		if len(objs) > 0 {
			pub.stats.Files++
		}
	}
	return files, size, nil
}

// waves orders the files so that each comes after every file it
// references: wave 0 references nothing, wave n only files of earlier
// waves. Without manifest.json there are no references to follow, so
// files of types that can reference others (CSS, JavaScript, HTML, SVG)
// go after all the rest. A reference cycle, which hashing cannot produce,
// puts its files in the wave after the others'.
func waves(p *assetpkg.Package, files [][]item) [][]int {
	depth := make([]int, len(p.Files))
	if p.Refs == nil {
		for i, f := range p.Files {
			if canReference(f.ContentType) {
				depth[i] = 1
			}
		}
	} else {
		const visiting = -1
		const unknown = -2
		for i := range depth {
			depth[i] = unknown
		}
		var visit func(i int) int
		visit = func(i int) int {
			switch depth[i] {
			case visiting:
				return len(p.Files) // a cycle: after everything else
			case unknown:
			default:
				return depth[i]
			}
			depth[i] = visiting
			d := 0
			for _, r := range p.Refs[i] {
				d = max(d, min(visit(r)+1, len(p.Files)))
			}
			depth[i] = d
			return d
		}
		for i := range depth {
			visit(i)
		}
	}
	var out [][]int
	for i, d := range depth {
		if len(files[i]) == 0 {
			continue
		}
		for len(out) <= d {
			out = append(out, nil)
		}
		out[d] = append(out[d], i)
	}
	return slices.DeleteFunc(out, func(w []int) bool { return len(w) == 0 })
}

func canReference(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(mt) {
	case "text/css", "text/javascript", "application/javascript", "text/html", "image/svg+xml":
		return true
	}
	return false
}

// uploadWave publishes the files of one wave, opts.Parallel requests at a
// time; a file's variants go before its identity object. It returns the
// errors of the objects that failed, after the others are done.
func (pub *publisher) uploadWave(ctx context.Context, p *assetpkg.Package, wave []int, files [][]item, existing map[string]time.Time) error {
	sem := make(chan struct{}, pub.opts.Parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for _, i := range wave {
		objs := files[i]
		variants, identity := objs[:len(objs)-1], objs[len(objs)-1]
		var fileWG sync.WaitGroup
		var failed atomic.Bool
		for _, it := range variants {
			fileWG.Add(1)
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done(); fileWG.Done() }()
				if err := pub.publishObject(ctx, p, it, existing); err != nil {
					failed.Store(true)
					fail(err)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fileWG.Wait()
			if failed.Load() || ctx.Err() != nil {
				return // the file's object waits until its variants are in place
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := pub.publishObject(ctx, p, identity, existing); err != nil {
				fail(err)
			}
		}()
		if ctx.Err() != nil {
			break
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// publishObject uploads one object unless the bucket holds it already
// with the same SHA-256 and headers.
func (pub *publisher) publishObject(ctx context.Context, p *assetpkg.Package, it item, existing map[string]time.Time) error {
	_, b, err := p.Served(it.Object) // the handler read the file for plan's Headers
	if err != nil {
		return err
	}
	sum := assetpkg.SHA256(b)
	opts := writerOptions(it.header, sum)
	upload := true
	pub.mu.Lock()
	pub.sums[it.Name] = sum
	pub.mu.Unlock()
	// An object the last manifest vouches for, under a hashed name, holds
	// the bytes that were checked against the table when they went up, and
	// the name still names their content: decoding a variant again to
	// check it would cost most of an unchanged run.
	vouched := pub.vouched.holds(it.Name, opts)
	if !vouched || !it.Hashed {
		if err := p.Check(it.Object, b); err != nil {
			return err
		}
	}
	_, listed := existing[it.Name]
	switch {
	case vouched:
		pub.done(it.Size, false, it.Coding == "")
		return nil
	case existing == nil || listed:
		var attrs *blob.Attributes
		err := pub.retry(ctx, it.Name, func() error {
			var err error
			attrs, err = pub.b.Attributes(ctx, it.Name)
			return err
		})
		switch {
		case gcerrors.Code(err) == gcerrors.NotFound:
		case err != nil:
			return fmt.Errorf("%s: %w", it.Name, err)
		default:
			upload = !sameObject(attrs, opts, int64(len(b)))
		}
	}
	if upload && !pub.opts.DryRun {
		pub.written.Add(1)
		err := pub.retry(ctx, it.Name, func() error {
			return pub.b.WriteAll(ctx, it.Name, b, opts)
		})
		if err != nil {
			return fmt.Errorf("%s: %w", it.Name, err)
		}
	}
	pub.done(it.Size, upload, it.Coding == "")
	return nil
}

// writerOptions are the stored headers: the handler's, and the SHA-256.
func writerOptions(h http.Header, sum string) *blob.WriterOptions {
	return &blob.WriterOptions{
		ContentType:     h.Get("Content-Type"),
		CacheControl:    h.Get("Cache-Control"),
		ContentEncoding: h.Get("Content-Encoding"),
		Metadata:        map[string]string{metaSHA256: sum},
	}
}

// sameObject reports whether a stored object is the one to publish: the
// same SHA-256 and size, and the same headers.
func sameObject(a *blob.Attributes, want *blob.WriterOptions, size int64) bool {
	return a.Metadata[metaSHA256] == want.Metadata[metaSHA256] && a.Size == size &&
		a.ContentType == want.ContentType && a.CacheControl == want.CacheControl &&
		a.ContentEncoding == want.ContentEncoding
}

// done counts an object, and its file when it is the file's identity
// object, the last of the file's to go up.
func (pub *publisher) done(size int64, uploaded, fileDone bool) {
	files := 0
	if fileDone {
		files = 1
	}
	pub.meter.Add(files, size)
	pub.mu.Lock()
	defer pub.mu.Unlock()
	if uploaded {
		pub.stats.Uploaded++
		pub.stats.UploadedBytes += size
	} else {
		pub.stats.Skipped++
	}
	if pub.objectDone != nil {
		pub.objectDone(uploaded)
	}
}

// retry runs op until it succeeds, fails for good, or has been tried
// opts.Attempts times, sleeping with exponential back-off and jitter in
// between. NotFound is an answer, not a failure, and is not retried.
func (pub *publisher) retry(ctx context.Context, key string, op func() error) error {
	delay := pub.opts.Backoff
	for attempt := 1; ; attempt++ {
		pub.requests.Add(1)
		err := op()
		if err == nil || !transient(ctx, err) || attempt >= pub.opts.Attempts {
			return err
		}
		pub.retries.Add(1)
		if pub.opts.OnRetry != nil {
			pub.opts.OnRetry(key, attempt, err)
		}
		wait := delay/2 + rand.N(delay/2+1)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		delay = min(2*delay, 8*time.Second)
	}
}

// transient reports whether err may go away if the request is tried
// again: what gocloud cannot classify (a refused or reset connection),
// an internal error, throttling, an unavailable service, a timeout of
// the request rather than of ctx.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	switch gcerrors.Code(err) {
	case gcerrors.Unknown, gcerrors.Internal, gcerrors.ResourceExhausted, gcerrors.DeadlineExceeded:
		return true
	}
	return false
}

// list returns the keys under prefix, with their modification times.
func (pub *publisher) list(ctx context.Context, prefix string) (map[string]time.Time, error) {
	keys := map[string]time.Time{}
	var token = blob.FirstPageToken
	for {
		var objs []*blob.ListObject
		err := pub.retry(ctx, "(list)", func() error {
			var err error
			objs, token, err = pub.b.ListPage(ctx, token, 1000, &blob.ListOptions{Prefix: prefix})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("listing the bucket: %w", err)
		}
		for _, o := range objs {
			keys[o.Key] = o.ModTime
		}
		if len(token) == 0 {
			return keys, nil
		}
	}
}

// Manifest is what publish stores at ManifestKey, and a copy of under
// _assetgen/manifests/ for each run: which logical path has which hashed
// name, and which objects, with their SHA-256, a run published.
type Manifest struct {
	Generator string            `json:"generator"`
	Published time.Time         `json:"published"`
	Prefix    string            `json:"prefix"`
	Assets    map[string]string `json:"assets"`  // logical path → hashed path
	Objects   map[string]string `json:"objects"` // key → SHA-256 of its bytes, hex
	// Headers are each object's stored Content-Type, Cache-Control and
	// Content-Encoding, so that the next run can take the manifest's word
	// for them as well as for the bytes. A manifest without them vouches
	// for nothing.
	Headers map[string][3]string `json:"headers,omitempty"`
}

// holds reports whether the manifest vouches for an object: it lists the
// key with the same SHA-256 and the same stored headers. A nil manifest
// vouches for nothing.
func (m *Manifest) holds(key string, want *blob.WriterOptions) bool {
	if m == nil {
		return false
	}
	h, ok := m.Headers[key]
	return ok && m.Objects[key] == want.Metadata[metaSHA256] && h == storedHeaders(want)
}

func storedHeaders(o *blob.WriterOptions) [3]string {
	return [3]string{o.ContentType, o.CacheControl, o.ContentEncoding}
}

// sameManifest reports whether two manifests describe the same published
// package, whenever they were written.
func sameManifest(a, b *Manifest) bool {
	return a.Prefix == b.Prefix && maps.Equal(a.Assets, b.Assets) && maps.Equal(a.Objects, b.Objects) && maps.Equal(a.Headers, b.Headers)
}

// lastManifest reads the manifest at ManifestKey: nil when there is none,
// when it cannot be read as one (the run then checks every object), or
// when Options.Deep says to trust none.
func (pub *publisher) lastManifest(ctx context.Context) (*Manifest, error) {
	if pub.opts.Deep {
		return nil, nil
	}
	m, err := pub.readManifest(ctx, ManifestKey)
	switch {
	case gcerrors.Code(err) == gcerrors.NotFound:
		return nil, nil
	case errors.Is(err, errNotManifest):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w; %s", ManifestKey, err, contactHint)
	}
	return m, nil
}

// contactHint follows an error of the first request to a bucket. The SDK's
// own words for a wrong secret key or a path-style server reached by
// virtual-host name ("EOF", "no such host", a signature mismatch) name no
// cause, and these are the usual ones.
const contactHint = "the bucket did not answer; check the credentials (for s3://, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile), the bucket's name and region, and for an S3-compatible server endpoint=URL and use_path_style=true in the bucket URL"

// generator identifies publish's manifests.
const generator = "assetgen-publish"

func (pub *publisher) manifest(p *assetpkg.Package, files [][]item) *Manifest {
	m := &Manifest{Generator: generator, Published: pub.now, Prefix: p.Prefix, Assets: map[string]string{}, Objects: map[string]string{}, Headers: map[string][3]string{}}
	for i, objs := range files {
		if len(objs) == 0 {
			continue
		}
		m.Assets[p.Files[i].Path] = p.Files[i].HashedPath
		for _, it := range objs {
			m.Objects[it.Name] = pub.sums[it.Name]
			m.Headers[it.Name] = storedHeaders(writerOptions(it.header, pub.sums[it.Name]))
		}
	}
	return m
}

// putManifest writes the run's manifest to its history key, then to
// ManifestKey: the last object of a publish.
func (pub *publisher) putManifest(ctx context.Context, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if pub.opts.DryRun {
		return nil
	}
	opts := &blob.WriterOptions{
		ContentType:  "application/json",
		CacheControl: "no-cache",
		Metadata:     map[string]string{metaSHA256: assetpkg.SHA256(b)},
	}
	for _, key := range []string{historyKey(m.Published, b), ManifestKey} {
		err := pub.retry(ctx, key, func() error { return pub.b.WriteAll(ctx, key, b, opts) })
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		pub.written.Add(1)
	}
	return nil
}

// historyKey names a run's manifest copy by its time, so that listing
// the directory gives the times without reading the manifests.
func historyKey(t time.Time, b []byte) string {
	return manifestDir + t.UTC().Format("20060102T150405Z") + "-" + assetpkg.SHA256(b)[:12] + ".json"
}

func historyTime(key string) (time.Time, bool) {
	name := strings.TrimPrefix(key, manifestDir)
	stamp, _, ok := strings.Cut(name, "-")
	if !ok || path.Ext(name) != ".json" {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T150405Z", stamp)
	return t, err == nil
}

// readManifest reads a manifest object.
func (pub *publisher) readManifest(ctx context.Context, key string) (*Manifest, error) {
	var b []byte
	err := pub.retry(ctx, key, func() error {
		var err error
		b, err = pub.b.ReadAll(ctx, key)
		return err
	})
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&m); err != nil || m.Generator != generator {
		return nil, fmt.Errorf("%s: %w of %s; remove it or publish elsewhere", key, errNotManifest, generator)
	}
	return &m, nil
}

var errNotManifest = errors.New("not a manifest")

// prune deletes what no recent manifest names: objects that publish wrote
// (they carry its SHA-256 metadata; nothing else is touched), that neither
// the current manifest nor one that was current within the grace period
// names, and that were not written within it; then the copies of
// manifests replaced before the grace period.
func (pub *publisher) prune(ctx context.Context, current *Manifest, existing map[string]time.Time) error {
	cutoff := pub.now.Add(-pub.opts.PruneOlderThan)
	keep := map[string]bool{}
	for k := range current.Objects {
		keep[k] = true
	}
	history, err := pub.list(ctx, manifestDir)
	if err != nil {
		return err
	}
	// A manifest was current from its time until the next one's; its
	// objects stay while that end is within the grace period. Keys sort
	// by time: the stamp is fixed-width.
	var keys []string
	var times []time.Time
	for _, key := range slices.Sorted(maps.Keys(history)) {
		if t, ok := historyTime(key); ok { // else not publish's
			keys, times = append(keys, key), append(times, t)
		}
	}
	var oldManifests []string
	for i, key := range keys {
		end := pub.now
		if i+1 < len(keys) {
			end = times[i+1]
		}
		if end.Before(cutoff) {
			oldManifests = append(oldManifests, key)
			continue
		}
		m, err := pub.readManifest(ctx, key)
		if err != nil {
			return err
		}
		for k := range m.Objects {
			keep[k] = true
		}
	}
	var doomed []string
	for _, key := range slices.Sorted(maps.Keys(existing)) {
		if keep[key] || strings.HasPrefix(key, "_assetgen/") || !existing[key].Before(cutoff) {
			continue
		}
		var attrs *blob.Attributes
		err := pub.retry(ctx, key, func() error {
			var err error
			attrs, err = pub.b.Attributes(ctx, key)
			return err
		})
		if gcerrors.Code(err) == gcerrors.NotFound {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if attrs.Metadata[metaSHA256] != "" {
			doomed = append(doomed, key)
		}
	}
	for _, key := range append(doomed, oldManifests...) {
		if !pub.opts.DryRun {
			err := pub.retry(ctx, key, func() error { return pub.b.Delete(ctx, key) })
			if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
				return fmt.Errorf("deleting %s: %w", key, err)
			}
		}
		if !strings.HasPrefix(key, manifestDir) {
			pub.stats.Pruned++
		}
	}
	return nil
}
