package gen_test

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen"
)

// TestLargeAssetWarning checks that an asset over 50 MB is warned about,
// by exact text, and one at the threshold is not. The files are sparse, so
// the test writes no 50 MB to disk.
func TestLargeAssetWarning(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for name, size := range map[string]int64{"static/data/big.bin": 50_000_001, "static/data/edge.bin": 50_000_000} {
		writeFile(t, name, nil)
		if err := os.Truncate(name, size); err != nil {
			t.Fatal(err)
		}
	}
	res, err := gen.Generate(context.Background(), gen.Config{Dirs: []string{"static"}, Package: "web", NoCompress: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"static/data/big.bin: 50 MB is embedded into every program that imports the package; serve a file this large from elsewhere (a CDN, media storage) and add it to -ignore"}
	if diff := cmp.Diff(want, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
