package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/assetgen/assetgen/gen"
	"github.com/assetgen/assetgen/internal/testenv"
)

// TestReport describes a package generated from a real npm tree (Bootstrap's
// dist, with a shadowing directory before it), opens the HTML in Chromium
// and checks that the page runs without a console error and shows the
// totals that the manifest's rows add up to; -json gives the same data.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	testenv.Module(t, dir, "example.com/site", "", map[string]string{
		"web/web.go":                     "package web\n\n//go:generate go tool assetgen -dir override -dir npm/package/dist\n",
		"web/override/css/bootstrap.css": "body { color: red }\n",
		"main.go": `package main

import "example.com/site/web"

func main() { println(web.CSSBootstrapCSS.URL()) }
`,
	})
	testenv.NPM(t, "bootstrap", "5.3.3", filepath.Join(dir, "web", "npm"))
	t.Chdir(dir)
	if _, err := gen.Generate(context.Background(), gen.Config{Settings: gen.Settings{Dirs: []string{"web/override", "web/npm/package/dist"}, NoCompress: false, Encodings: []string{"gzip"}}, OutDir: "web", Package: "web"}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-mod=mod")

	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"report", "-o", "report.html", "./..."}, &bytes.Buffer{}, &stderr, func(string) string { return "" }); code != exitOK {
		t.Fatalf("assetgen report: exit %d\n%s", code, stderr.String())
	}
	var jsonOut bytes.Buffer
	if code := run(context.Background(), []string{"report", "-json", "-o", "-", "./..."}, &jsonOut, &stderr, func(string) string { return "" }); code != exitOK {
		t.Fatalf("assetgen report -json: exit %d\n%s", code, stderr.String())
	}

	want := manifestTotals(t, "web/manifest.json")
	var data struct {
		Totals   map[string]int64 `json:"totals"`
		Shadowed []struct {
			Path, Served string
			Shadowed     []string
		} `json:"shadowed"`
		Unused []string `json:"unused"`
	}
	if err := json.Unmarshal(jsonOut.Bytes(), &data); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, data.Totals); diff != "" {
		t.Errorf("-json totals (-manifest +report):\n%s", diff)
	}
	if len(data.Shadowed) != 1 || data.Shadowed[0].Path != "css/bootstrap.css" || data.Shadowed[0].Served != "web/override/css/bootstrap.css" {
		t.Errorf("shadowed = %+v, want css/bootstrap.css served from web/override", data.Shadowed)
	}
	for _, p := range data.Unused {
		if p == "css/bootstrap.css" {
			t.Error("css/bootstrap.css is listed unused; main.go uses it")
		}
	}
	if len(data.Unused) == 0 {
		t.Error("nothing listed unused; only css/bootstrap.css is used")
	}

	ctx, stop := testenv.Chromium(t, 30*time.Second)
	defer stop()
	var mu sync.Mutex
	var problems []string
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *cdpruntime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Error())
		case *cdpruntime.EventConsoleAPICalled:
			if e.Type == cdpruntime.APITypeError || e.Type == cdpruntime.APITypeWarning {
				problems = append(problems, "console "+string(e.Type))
			}
		case *log.EventEntryAdded:
			if e.Entry.Level == log.LevelError {
				problems = append(problems, "log: "+e.Entry.Text)
			}
		}
	})
	abs, _ := filepath.Abs("report.html")
	text := map[string]*string{}
	var cells int
	actions := []chromedp.Action{log.Enable(), cdpruntime.Enable(), chromedp.Navigate("file://" + abs)}
	for k := range want {
		text[k] = new(string)
		actions = append(actions, chromedp.Text("#total-"+k, text[k], chromedp.ByQuery))
	}
	actions = append(actions, chromedp.Evaluate(`document.querySelectorAll("#treemap div").length`, &cells))
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	page := map[string]int64{}
	for k, v := range text {
		n, err := strconv.ParseInt(strings.ReplaceAll(*v, ",", ""), 10, 64)
		if err != nil {
			t.Errorf("#total-%s = %q: %v", k, *v, err)
		}
		page[k] = n
	}
	if diff := cmp.Diff(want, page); diff != "" {
		t.Errorf("totals on the page (-manifest +page):\n%s", diff)
	}
	if cells < len(data.Unused) {
		t.Errorf("the treemap has %d cells; want one per asset", cells)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the page logged problems:\n%s", strings.Join(problems, "\n"))
	}
}

// manifestTotals adds up manifest.json's rows as a client accepting only
// one coding downloads them: the variant where there is one, else the
// identity bytes.
func manifestTotals(t *testing.T, file string) map[string]int64 {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Assets map[string]struct {
			Size      int64 `json:"size"`
			Encodings []struct {
				Coding string `json:"coding"`
				Size   int64  `json:"size"`
			} `json:"encodings"`
		} `json:"assets"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	tot := map[string]int64{"files": int64(len(m.Assets))}
	for _, a := range m.Assets {
		tot["raw"] += a.Size
		for _, c := range []string{"br", "zstd", "gzip"} {
			n := a.Size
			for _, e := range a.Encodings {
				if e.Coding == c {
					n = e.Size
				}
			}
			tot[c] += n
		}
	}
	return tot
}
