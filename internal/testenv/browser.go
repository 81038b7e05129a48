package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium starts headless Chromium for a test and returns a chromedp
// context for one tab, and a function that stops the browser. Defer it
// after starting the test's server, so the browser's connections are gone
// before the server's Close waits for them; it also runs at the end of the
// test. It skips, or fails under RequireAllVar, when no Chromium is
// installed. The flags are the ones this machine's closed network needs:
// without the background-networking ones Chromium keeps trying to reach
// Google's hosts.
func Chromium(t testing.TB, timeout time.Duration) (context.Context, context.CancelFunc) {
	t.Helper()
	path := Program(t, "chromium", "chromium-browser", "google-chrome")
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.UserDataDir(BrowserProfile(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // root in CI containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1024, 768),
	)
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithLogf(t.Logf))
	// Registered after BrowserProfile's cleanup, so it runs first: the
	// browser is gone before its profile is removed.
	stop := func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	}
	t.Cleanup(stop)
	return ctx, stop
}
