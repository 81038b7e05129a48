package publish_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"

	_ "gocloud.dev/blob/fileblob" // the driver of the bucket's URL scheme: s3blob for s3://

	"github.com/assetgen/assetgen/publish"
	"github.com/assetgen/assetgen/runtime"
)

// VerifyPublished is a start-up check for an application whose asset URLs
// point at a CDN in front of a bucket that cmd/assetgen-publish filled:
// the program refuses to start with pages naming files the CDN cannot
// serve. assets stands for the generated package's Set(); the bucket here
// is an empty directory, where production names
// "s3://my-bucket?region=eu-west-1&prefix=static/".
func ExampleVerifyPublished() {
	assets := runtime.New(fstest.MapFS{}, "/static/", nil)
	dir, err := os.MkdirTemp("", "bucket")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if err := assets.SetPrefix("https://cdn.example.com/static/"); err != nil {
		panic(err)
	}
	err = publish.VerifyPublished(context.Background(), assets, "file://"+filepath.ToSlash(dir))
	fmt.Println(err) // a real program stops here: log.Fatal(err)
	// Output: the bucket has no _assetgen/manifest.json; run assetgen-publish
}
