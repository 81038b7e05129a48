package media_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/assetgen/assetgen/media"
)

// TestListInfo checks what List's doc says: each Info has Name, Size and
// ModTime, and Stat adds ContentType, Width and Height.
func TestListInfo(t *testing.T) {
	ctx := context.Background()
	store, err := media.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	png := examplePNG()
	name, err := store.Save(ctx, "cat.png", bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for info, err := range store.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if info.Name != name || info.Size != int64(len(png)) || info.ModTime.IsZero() || info.ContentType != "" || info.Width != 0 {
			t.Errorf("List: %+v; want Name %q, Size %d, a ModTime and nothing else", info, name, len(png))
		}
	}
	if n != 1 {
		t.Errorf("List gave %d files, want 1", n)
	}
	info, err := store.Stat(ctx, name)
	if err != nil || info.ContentType != "image/png" || info.Width != 2 || info.Height != 1 {
		t.Errorf("Stat: %+v, %v; want image/png, 2×1", info, err)
	}
}
