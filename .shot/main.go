package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	base := "http://127.0.0.1:18913"
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath("chromium"), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir("/tmp/shot-profile")}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	must(chromedp.Do(ctx))
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	must(chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900), chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(`input[name=login]`, "admin"), chromedp.SendKeys(`input[name=password]`, "kestrel-harbour-41"),
		chromedp.Submit(`input[name=password]`), chromedp.Sleep(time.Second)))
	for _, p := range []struct{ name, path string }{{"audit", "/audit"}, {"audit-filter", "/audit?user=admin&from=01.11.2026&to=30.11.2026"},
		{"audit-bad", "/audit?from=31.02.2026"}, {"doc", "/documents/1"}} {
		for _, w := range []int64{1366, 390} {
			must(chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), chromedp.Navigate(base+p.path), chromedp.Sleep(500*time.Millisecond)))
			buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			must(err)
			f := fmt.Sprintf("/tmp/shot-%s-%d.png", p.name, w)
			must(os.WriteFile(f, buf, 0o644))
		}
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
