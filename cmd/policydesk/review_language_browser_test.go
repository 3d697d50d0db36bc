package main

import (
	"strings"
	"testing"
)

// TestBrowserReviewInAlbanian: a reviewer who chose Albanian opens a round;
// what margin.js writes (the filter's count, the marked words' names for
// screen readers) is in Albanian, from the page's data-text, as is the
// page around it, on a desk screen and a phone. Screenshots are saved
// (POLICYDESK_SCREENSHOTS names the folder).
func TestBrowserReviewInAlbanian(t *testing.T) {
	d := startMarginDesk(t)
	dir := screenshotDir(t)
	round := d.reviewerOnRound(t, 1366, 900)
	chooseLanguage(d.ctx, t, "sq")
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desk", 1366, 900}, {"phone", 390, 844}} {
		d.open(t, size.w, size.h, round)
		if h1 := eval[string](d.ctx, t, `document.querySelector("h1").textContent`); !strings.HasPrefix(h1, "Raundi 2") {
			t.Errorf("%s: the heading is %q, want Raundi 2…", size.name, h1)
		}
		shown := eval[string](d.ctx, t, `(() => {
			const box = document.querySelector('#margin-filters input[value="open"]');
			box.click();
			const s = document.getElementById("margin-shown").textContent;
			box.click();
			return s;
		})()`)
		if !strings.HasPrefix(shown, "Po shfaqen ") || !strings.HasSuffix(shown, " komente.") {
			t.Errorf("%s: the filter says %q, want Po shfaqen N nga M komente.", size.name, shown)
		}
		if size.name == "desk" {
			mark := eval[string](d.ctx, t, `(document.querySelector("mark.anchor[tabindex]") || {getAttribute: () => "none"}).getAttribute("aria-label")`)
			if !strings.Contains(mark, "(komenti #") {
				t.Errorf("the marked words are named %q, want …(komenti #N)", mark)
			}
		}
		saveScreen(d.ctx, t, dir, "review-sq-"+size.name+".png")
	}
}
