package publish

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/assetgen/assetgen/internal/assetpkg"
	"github.com/assetgen/assetgen/internal/httpserve"
	"github.com/assetgen/assetgen/runtime"
)

// VerifyPublished checks that the bucket at bucketURL holds every asset of
// set as publish stores it, by reading the manifest the last publish wrote
// (one request): each hashed name must be in it with the content's
// SHA-256 and the handler's Content-Type and Cache-Control. It returns an
// error naming the first asset, in logical-path order, that is missing or
// different, and nil when all are in place. Publish writes the manifest
// after every object it lists, and a file's variants before the file, so
// the manifest's word stands for the objects; cmd/assetgen-publish -check
// (Check) reads every object's attributes, for a bucket that something
// other than publish may have changed.
//
// It is an opt-in start-up check for an application whose asset URLs
// point at a CDN in front of the bucket:
//
//	assets.SetPrefix("https://cdn.example.com/static/")
//	if err := publish.VerifyPublished(ctx, assets.Set(), "s3://my-bucket?region=eu-west-1&prefix=static/"); err != nil {
//		log.Fatalf("assets not published: %v", err) // run assetgen-publish
//	}
//
// The program must import the bucket's driver (gocloud.dev/blob/s3blob).
func VerifyPublished(ctx context.Context, set *runtime.Set, bucketURL string) error {
	b, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		return err
	}
	defer b.Close()
	m, err := newPublisher(b, Options{Attempts: 1}).readManifest(ctx, ManifestKey)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return fmt.Errorf("the bucket has no %s; run assetgen-publish", ManifestKey)
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w; %s", ManifestKey, err, contactHint)
	}
	h := set.Handler()
	mount := httpserve.Mount(set.Prefix())
	for a := range set.All() {
		o := assetpkg.Object{Name: a.HashedPath(), Size: a.Size()}
		hdr, err := assetpkg.HandlerHeaders(h, mount, o)
		if errors.Is(err, assetpkg.ErrNotServed) {
			continue
		}
		if err != nil {
			return err
		}
		sum, err := integrityHex(a.Integrity())
		if err != nil {
			return fmt.Errorf("%s: %v", a.Path(), err)
		}
		want := writerOptions(hdr, sum)
		switch {
		case m.Objects[o.Name] == "":
			return fmt.Errorf("%s is not in the bucket's manifest (%s); run assetgen-publish", o.Name, ManifestKey)
		case !m.holds(o.Name, want):
			return fmt.Errorf("%s differs in the bucket's manifest (%s); run assetgen-publish", o.Name, ManifestKey)
		}
	}
	return nil
}

// Check is the command's -check: like VerifyPublished for the generated
// package in dir, variants included.
func Check(ctx context.Context, b *blob.Bucket, dir string) error {
	p, err := assetpkg.Load(dir)
	if err != nil {
		return err
	}
	var objs []expected
	for _, o := range p.Objects(false) {
		hdr, err := p.Headers(o)
		if errors.Is(err, assetpkg.ErrNotServed) {
			continue
		}
		if err != nil {
			return err
		}
		data, err := p.Read(o)
		if err != nil {
			return err
		}
		objs = append(objs, expected{key: o.Name, size: o.Size, opts: writerOptions(hdr, assetpkg.SHA256(data))})
	}
	return verify(ctx, b, objs)
}

// expected is an object as publish stores it.
type expected struct {
	key  string
	size int64
	opts *blob.WriterOptions
}

// verify reads the attributes of every object, 8 at a time, and returns
// the error of the first in objs' order that is missing or different.
func verify(ctx context.Context, b *blob.Bucket, objs []expected) error {
	errs := make([]error, len(objs))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, o := range objs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = verifyObject(ctx, b, o)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func verifyObject(ctx context.Context, b *blob.Bucket, o expected) error {
	a, err := b.Attributes(ctx, o.key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return fmt.Errorf("%s is not in the bucket; run assetgen-publish", o.key)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", o.key, err)
	}
	if !sameObject(a, o.opts, o.size) {
		var diff []string
		if a.Metadata[metaSHA256] != o.opts.Metadata[metaSHA256] || a.Size != o.size {
			diff = append(diff, "content")
		}
		for _, f := range []struct{ name, got, want string }{
			{"Content-Type", a.ContentType, o.opts.ContentType},
			{"Cache-Control", a.CacheControl, o.opts.CacheControl},
			{"Content-Encoding", a.ContentEncoding, o.opts.ContentEncoding},
		} {
			if f.got != f.want {
				diff = append(diff, fmt.Sprintf("%s %q, want %q", f.name, f.got, f.want))
			}
		}
		return fmt.Errorf("%s differs in the bucket (%s); run assetgen-publish", o.key, strings.Join(diff, ", "))
	}
	return nil
}

// integrityHex turns an SRI string into the hex SHA-256 publish stores.
func integrityHex(integrity string) (string, error) {
	digest, ok := strings.CutPrefix(integrity, "sha256-")
	if !ok {
		return "", fmt.Errorf("integrity %q is not sha256", integrity)
	}
	b, err := base64.StdEncoding.DecodeString(digest)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
