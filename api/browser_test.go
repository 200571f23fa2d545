package api

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdpinput "github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The browser tests drive the widget's pages, connect.js and the demo app in real
// headless Chromium (Debian's chromium), through the Chrome DevTools Protocol with
// chromedp: a Go client, so the tests need no Node.js, no driver binary and no
// download. One browser serves every test of the package, each test in a tab of
// its own browser context (its own cookies and storage). Without Chromium the
// tests skip, unless SANDBANK_REQUIRE_CHROMIUM=1 (CI), where they fail.

var updateGoldens = flag.Bool("update", false, "rewrite the screenshot goldens of api/testdata/web")

var (
	browserOnce   sync.Once
	browserCtx    context.Context // the shared browser; tabs are its children
	browserCancel context.CancelFunc
	browserErr    error
)

// chromiumPath finds a Chromium: $SANDBANK_CHROMIUM, else chromium on the PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("SANDBANK_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium, chromium-browser or google-chrome on the PATH")
}

// startBrowser starts the shared browser once. Its flags keep it off the network
// (the machine has none to give) and its rendering repeatable for the goldens.
func startBrowser() {
	path, err := chromiumPath()
	if err != nil {
		browserErr = err
		return
	}
	dir, err := os.MkdirTemp("", "sandbank-chromium-")
	if err != nil {
		browserErr = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		// Its own temporary files (org.chromium.Chromium.*, a singleton's socket)
		// go in dir too, which is removed at the end: each run left some in /tmp.
		chromedp.Env("TMPDIR="+dir),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.Flag("disable-lcd-text", true),
		chromedp.Flag("lang", "en-NG"),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil { // starts it, with no deadline
		cancel()
		cancelAlloc()
		_ = os.RemoveAll(dir)
		browserErr = fmt.Errorf("starting %s: %w", path, err)
		return
	}
	browserCtx = ctx
	browserCancel = func() { cancel(); cancelAlloc(); _ = os.RemoveAll(dir) }
}

// stopBrowser ends the shared browser, if it started (TestMain).
func stopBrowser() {
	if browserCancel != nil {
		browserCancel()
	}
}

// tab is a page of the shared browser, for one test.
type tab struct {
	t   *testing.T
	ctx context.Context
	w   *world
}

// newTab opens a tab in a fresh browser context, its viewport width px wide.
func (w *world) newTab(t *testing.T, width int64) *tab {
	t.Helper()
	browserOnce.Do(startBrowser)
	if browserErr != nil {
		if os.Getenv("SANDBANK_REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("Chromium is required (SANDBANK_REQUIRE_CHROMIUM=1): %v", browserErr)
		}
		t.Skipf("no browser: %v; SANDBANK_REQUIRE_CHROMIUM=1 makes this a failure", browserErr)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	b := &tab{t: t, ctx: ctx, w: w}
	b.do(chromedp.EmulateViewport(width, viewportHeight(width)),
		chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
			// Reduced motion: no transition is caught half-way in a screenshot.
			_, err := cdp.Call(ctx, tt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
			return err
		}))
	return b
}

func viewportHeight(width int64) int64 {
	if width <= 400 {
		return 760
	}
	return 820
}

func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v\n%s", err, b.dump())
	}
}

// dump is the page's address and text, for a failure's message.
func (b *tab) dump() string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), 3*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(text) > 3000 {
		text = text[:3000] + "…"
	}
	return "page " + loc + ":\n" + text
}

// open goes to a path of the server under test and waits for the page to load.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.w.base + path))
}

// navigating runs an action that leaves the page (a form's submit), and waits
// for the new page to load.
func (b *tab) navigating(action chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, action)); err != nil {
		b.t.Fatalf("browser: %v\n%s", err, b.dump())
	}
}

// click clicks the element sel finds (CSS), leaving the page.
func (b *tab) submit(sel string) {
	b.t.Helper()
	b.navigating(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// typeIn types text into the field with id, as keys.
func (b *tab) typeIn(id, text string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.ID(id), text, chromedp.NodeVisible))
}

// js evaluates an expression and decodes its value.
func js[T any](b *tab, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v\n%s", expr, err, b.dump())
	}
	return v
}

// waitFor polls a JavaScript predicate until it holds (within 20 s).
func (b *tab) waitFor(what, predicate string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](predicate,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		b.t.Fatalf("waiting for %s (%s): %v\n%s", what, predicate, err, b.dump())
	}
}

// waitThrough is waitFor across navigations the page makes on its own (a reload
// of a page brought back from history): a navigation ends a poll, which starts
// again on the new document until the deadline.
func (b *tab) waitThrough(what, predicate string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](predicate,
			chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil {
			return
		}
		if errors.Is(err, chromedp.ErrPollingTimeout) || time.Now().After(deadline) || b.ctx.Err() != nil {
			b.t.Fatalf("waiting for %s (%s): %v\n%s", what, predicate, err, b.dump())
		}
	}
}

// text is the visible text of the element sel finds (CSS).
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("text of %s: %v\n%s", sel, err, b.dump())
	}
	return s
}

// heading is the page's h1.
func (b *tab) heading() string { b.t.Helper(); return strings.TrimSpace(b.text("h1")) }

// wantHeading fails unless the page's h1 is want.
func (b *tab) wantHeading(want string) {
	b.t.Helper()
	if got := b.heading(); got != want {
		b.t.Fatalf("heading %q, want %q\n%s", got, want, b.dump())
	}
}

// contains fails unless the page's text holds every one of want.
func (b *tab) contains(want ...string) {
	b.t.Helper()
	body := js[string](b, `document.body.innerText`)
	for _, s := range want {
		if !strings.Contains(body, s) {
			b.t.Fatalf("the page does not say %q\n%s", s, b.dump())
		}
	}
}

// mouseAway moves the pointer off every element: no hover shows in a screenshot.
func (b *tab) mouseAway() {
	b.t.Helper()
	b.do(chromedp.MouseEvent(cdpinput.DispatchMouseEventTypeMouseMoved, 0, 0))
}

// --- screenshots

// goldenTolerance: a pixel differs when a channel moves more than pixelDelta (of
// 255); a screenshot matches its golden when at most maxDiffer of its pixels do.
// Text antialiasing can move a few edge pixels between runs of different builds;
// a changed word, colour or layout moves thousands.
const (
	pixelDelta = 48
	maxDiffer  = 0.002
)

// golden compares a screenshot of the viewport with testdata/web/NAME.png.
func (b *tab) golden(name string) {
	b.t.Helper()
	b.mouseAway()
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join("testdata", "web", name+".png")
	if *updateGoldens {
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			b.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		b.t.Fatalf("%s: %v (go test ./api -run Browser -update writes it)", path, err)
	}
	if msg := compareImages(want, shot); msg != "" {
		got := filepath.Join(b.t.TempDir(), name+".png")
		_ = os.WriteFile(got, shot, 0o644)
		b.t.Errorf("%s: %s; the new screenshot is %s (go test ./api -run Browser -update rewrites the golden)", path, msg, got)
	}
}

// compareImages says how two PNGs differ beyond the tolerance, or "".
func compareImages(wantPNG, gotPNG []byte) string {
	want, err := png.Decode(bytes.NewReader(wantPNG))
	if err != nil {
		return "the golden is not a PNG: " + err.Error()
	}
	got, err := png.Decode(bytes.NewReader(gotPNG))
	if err != nil {
		return "the screenshot is not a PNG: " + err.Error()
	}
	if want.Bounds() != got.Bounds() {
		return fmt.Sprintf("size %v, want %v", got.Bounds().Size(), want.Bounds().Size())
	}
	n, differ := differentPixels(want, got)
	if float64(differ) > maxDiffer*float64(n) {
		return fmt.Sprintf("%d of %d pixels differ (more than %.1f%%)", differ, n, 100*maxDiffer)
	}
	return ""
}

func differentPixels(a, b image.Image) (n, differ int) {
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			n++
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			if absDiff(ar, br) > pixelDelta<<8 || absDiff(ag, bg) > pixelDelta<<8 || absDiff(ab, bb) > pixelDelta<<8 {
				differ++
			}
		}
	}
	return n, differ
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// snap saves a screenshot of the viewport into $SANDBANK_SHOTS, when set: a
// look at pages that have no golden, for a person.
func (b *tab) snap(name string) {
	b.t.Helper()
	dir := os.Getenv("SANDBANK_SHOTS")
	if dir == "" {
		return
	}
	b.mouseAway()
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644)
	}
	if err != nil {
		b.t.Log(err)
	}
}
