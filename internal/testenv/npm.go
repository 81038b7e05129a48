package testenv

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// NPM extracts a real package from the npm registry into dir (its files
// under dir/package, as npm packs them), for tests that need the names,
// nesting and references of a real front-end tree; such trees are fetched,
// never committed. The tarball is checked against the registry's sha512
// integrity and kept under the user cache directory, so later runs need no
// network. It skips, or fails under RequireAllVar, when the registry is
// unreachable and the tarball is not cached.
func NPM(t testing.TB, name, version, dir string) {
	t.Helper()
	if err := untar(npmTarball(t, name, version), dir); err != nil {
		t.Fatalf("%s@%s: %v", name, version, err)
	}
}

func npmTarball(t testing.TB, name, version string) []byte {
	cacheDir, err := os.UserCacheDir()
	if err != nil {
		cacheDir = t.TempDir()
	}
	cacheFile := filepath.Join(cacheDir, "assetgen-test", "npm", strings.ReplaceAll(name, "/", "_")+"-"+version+".tgz")
	if b, err := os.ReadFile(cacheFile); err == nil {
		return b
	}
	client := &http.Client{Timeout: 60 * time.Second}
	meta, err := get(client, "https://registry.npmjs.org/"+name+"/"+version)
	if err != nil {
		Missing(t, "npm registry unreachable: %v", err)
	}
	var m struct {
		Dist struct {
			Tarball   string `json:"tarball"`
			Integrity string `json:"integrity"`
		} `json:"dist"`
	}
	if err := json.Unmarshal(meta, &m); err != nil {
		t.Fatalf("%s@%s metadata: %v", name, version, err)
	}
	tgz, err := get(client, m.Dist.Tarball)
	if err != nil {
		t.Fatalf("%s@%s: %v", name, version, err)
	}
	sum := sha512.Sum512(tgz)
	if want := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); want != m.Dist.Integrity {
		t.Fatalf("%s@%s: tarball integrity %s, registry says %s", name, version, want, m.Dist.Integrity)
	}
	os.MkdirAll(filepath.Dir(cacheFile), 0o755)
	os.WriteFile(cacheFile, tgz, 0o644)
	return tgz
}

func get(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// untar extracts regular files and directories of a .tgz under dir,
// refusing names that would land outside it.
func untar(tgz []byte, dir string) error {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(h.Name)
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return fmt.Errorf("tar entry %q escapes the directory", h.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			os.MkdirAll(target, 0o755)
		case tar.TypeReg:
			os.MkdirAll(filepath.Dir(target), 0o755)
			b, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if err := os.WriteFile(target, b, 0o644); err != nil {
				return err
			}
		}
	}
}
