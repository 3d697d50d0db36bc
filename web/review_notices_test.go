package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestReviewActionsSayWhatHappened: every action on the round page sends the
// browser back to the page it came from (its view and filters kept), at the
// comment, with a notice code that replaces the previous one; the page shows
// the server's sentence for it.
func TestReviewActionsSayWhatHappened(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(2)
	roundPath := "/documents/" + itoa(r.id) + "/rounds/1"
	rev, csrf := r.signedIn("vjosa", roundPath)
	back := roundPath + "?notice=reply-added&only=changes"

	res := must(t, rev.post("/documents/"+itoa(r.id)+"/comments", url.Values{"csrf_token": {csrf}, "version": {"2"}, "round": {"1"},
		"quote": {rvQuote}, "body": {"Të shtohet larmia."}, "suggestion": {"ushqim të larmishëm"}, "return": {back}}), http.StatusSeeOther)
	loc := res.Header.Get("Location")
	cid := loc[strings.LastIndex(loc, "-")+1:]
	if want := roundPath + "?notice=comment-added&only=changes#comment-" + cid; loc != want {
		t.Errorf("adding a comment redirects to %q, want %q", loc, want)
	}
	if got := banners(t, must(t, rev.get(loc), 200)); len(got) != 1 || got[0] != "Comment added." {
		t.Errorf("after adding: banners %q", got)
	}

	res = must(t, rev.post("/comments/"+cid+"/reply", url.Values{"csrf_token": {csrf}, "body": {"Edhe cilësia."}, "return": {loc}}), http.StatusSeeOther)
	if want := roundPath + "?notice=reply-added&only=changes#comment-" + cid; res.Header.Get("Location") != want {
		t.Errorf("replying redirects to %q, want %q", res.Header.Get("Location"), want)
	}

	ed, edCSRF := r.signedIn("arta", roundPath)
	res = must(t, ed.post("/comments/"+cid+"/decision", url.Values{"csrf_token": {edCSRF}, "decision": {"accepted"}, "return": {roundPath}}), http.StatusSeeOther)
	loc = res.Header.Get("Location")
	if want := roundPath + "?notice=decision-recorded#comment-" + cid; loc != want {
		t.Errorf("deciding redirects to %q, want %q", loc, want)
	}
	if got := banners(t, must(t, ed.get(loc), 200)); len(got) != 1 || got[0] != "Decision recorded." {
		t.Errorf("after deciding: banners %q", got)
	}
	// A return address off the site is not followed.
	res = must(t, ed.post("/comments/"+cid+"/decision", url.Values{"csrf_token": {edCSRF}, "decision": {"accepted"}, "return": {"//evil.example/x"}}), http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/documents?notice=decision-recorded") {
		t.Errorf("a foreign return address redirects to %q", loc)
	}

	// Applying names the new version, and only a version the document has.
	res = must(t, ed.post("/comments/"+cid+"/apply", url.Values{"csrf_token": {edCSRF}, "base": {"2"}}), http.StatusSeeOther)
	loc = res.Header.Get("Location")
	if got := banners(t, must(t, ed.get(loc), 200)); len(got) != 1 || got[0] != "The suggestion was applied as version 3." {
		t.Errorf("after applying (%s): banners %q", loc, got)
	}
	if got := banners(t, must(t, ed.get("/documents/"+itoa(r.id)+"/diff?notice=suggestion-applied&version=9"), 200)); len(got) != 1 || got[0] != "The suggestion was applied as a new version." {
		t.Errorf("a version the document lacks: banners %q", got)
	}
}
