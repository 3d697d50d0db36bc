package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// countingListener counts the connections made to it.
type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// TestBrowserExternalImageNotLoaded checks in Chromium that an image of a
// draft served from another site is never requested: it would tell that
// site who read the draft and when (a read receipt). The image server
// speaks HTTPS, which the former policy (img-src 'self' https:) allowed;
// connections are counted before any TLS handshake, so a refused
// certificate still counts as a request.
func TestBrowserExternalImageNotLoaded(t *testing.T) {
	img := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	}))
	img.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused certificates
	counter := &countingListener{Listener: img.Listener}
	img.Listener = counter
	img.StartTLS()
	t.Cleanup(img.Close)
	pixel := img.URL + "/pixel.gif"

	srv := startServer(t, "")
	api := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	doc := api.createDocument(t, "Udhëzim me figurë", "## Neni 1\n\nTeksti.\n\n![figura]("+pixel+")\n")
	ctx := newBrowser(t)
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = []; document.addEventListener("securitypolicyviolation",
			e => window.__csp.push(e.effectiveDirective + " " + e.blockedURI));`,
	})
	if err != nil {
		t.Fatal(err)
	}
	browserLogin(ctx, t, srv.URL, "admin", e2eAdminPassword)

	url := fmt.Sprintf("%s/documents/%d", srv.URL, doc.ID)
	for _, path := range []string{url, url + "/versions/1", url + "/edit"} {
		err := chromedp.Do(ctx,
			chromedp.Navigate(path),
			void(chromedp.Poll[bool](`document.readyState === "complete" && `+
				`!!document.querySelector('#rendered img, #preview[data-rendered] img')`,
				chromedp.WithPollingTimeout(10*time.Second))),
			chromedp.Sleep(300*time.Millisecond),
		)
		if err != nil {
			t.Fatalf("loading %s: %v", path, err)
		}
		src, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`document.querySelector('#rendered img, #preview img').getAttribute("src")`))
		if err != nil {
			t.Fatal(err)
		}
		if src != pixel {
			t.Fatalf("%s: the draft's image is %q, want %q in the page (the test needs it there)", path, src, pixel)
		}
		csp, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(csp, "\n"), "img-src "+img.URL) {
			t.Errorf("%s: no img-src violation reported for the external image; violations: %q", path, csp)
		}
	}
	if n := counter.n.Load(); n != 0 {
		t.Errorf("the browser opened %d connections to the external image's server", n)
	}
}
