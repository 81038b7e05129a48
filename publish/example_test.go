package publish_test

import (
	"context"
	"log"
	"testing/fstest"

	_ "gocloud.dev/blob/s3blob" // the driver of the bucket's URL scheme

	"github.com/assetgen/assetgen/publish"
	"github.com/assetgen/assetgen/runtime"
)

// VerifyPublished is a start-up check for an application whose asset URLs
// point at a CDN in front of a bucket that cmd/assetgen-publish filled:
// the program refuses to start with pages naming files the CDN cannot
// serve. assets stands for the generated package (assets.Set()).
func ExampleVerifyPublished() {
	assets := runtime.New(fstest.MapFS{}, "/static/", nil)
	ctx := context.Background()
	if err := assets.SetPrefix("https://cdn.example.com/static/"); err != nil {
		log.Fatal(err)
	}
	if err := publish.VerifyPublished(ctx, assets, "s3://my-bucket?region=eu-west-1&prefix=static/"); err != nil {
		log.Fatalf("assets not published: %v; run assetgen-publish", err)
	}
}
