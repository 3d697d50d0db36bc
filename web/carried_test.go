package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// commentJSON is a listed comment as the API writes it.
type commentJSON struct {
	ID             int64  `json:"id"`
	Round          int    `json:"round"`
	Quote          string `json:"quote"`
	Status         string `json:"status"`
	Outdated       bool   `json:"outdated"`
	Carried        bool   `json:"carried"`
	Applied        bool   `json:"applied"`
	AppliedVersion int    `json:"applied_version"`
	Anchor         struct{ Version, Start, End int }
}

func (r *reviewEnv) listComments(path string) map[int64]commentJSON {
	r.t.Helper()
	var out struct{ Comments []commentJSON }
	res := must(r.t, r.api("GET", docPath(r.id, path), r.editor, nil), 200)
	if err := json.Unmarshal(res.Body, &out); err != nil {
		r.t.Fatal(err)
	}
	by := map[int64]commentJSON{}
	for _, c := range out.Comments {
		by[c.ID] = c
	}
	return by
}

// anchored is the text a listed comment's anchor covers in body.
func anchored(c commentJSON, body string) string {
	rs := []rune(body)
	if c.Anchor.Start < 0 || c.Anchor.End > len(rs) || c.Anchor.Start > c.Anchor.End {
		return "<out of range>"
	}
	return string(rs[c.Anchor.Start:c.Anchor.End])
}

// TestRoundComments_CarriedOver: round 2's list holds its own comments and
// round 1's still open ones (marked carried, with their round), anchored in
// round 2's version where their words still are and outdated with their
// quote where not; answered ones stay behind, and each round's report
// stays its own comments.
func TestRoundComments_CarriedOver(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(1)
	open := r.comment(1, 1, rvQuote, "Të përcaktohet larmia.", nil)
	gone := r.comment(1, 1, "publike dhe", "Edhe komunitare?", nil)
	decided := r.comment(1, 1, "shtatë ditë", "Pesëmbëdhjetë ditë.", nil)
	resolved := r.comment(1, 1, "Gazetën Zyrtare", "Në ueb-faqe gjithashtu.", nil)
	must(t, r.api("POST", commentPath(decided, "/decision"), r.editor, map[string]any{"decision": "rejected", "reason": "Afati ligjor."}), 200)
	must(t, r.api("POST", commentPath(resolved, "/resolve"), r.editor, map[string]any{}), 200)
	r.openRound(2)
	own := r.comment(2, 2, "dhe çerdheve", "Mirë.", nil)

	for _, path := range []string{"/rounds/2/comments", "/comments?round=2&version=2"} {
		got := r.listComments(path)
		if len(got) != 3 {
			t.Fatalf("%s lists %d comments, want 3 (own and two carried): %v", path, len(got), got)
		}
		if c := got[open]; !c.Carried || c.Round != 1 || c.Outdated || c.Anchor.Version != 2 || anchored(c, rvV2) != rvQuote {
			t.Errorf("%s: the open comment of round 1 = %+v", path, c)
		}
		if c := got[gone]; !c.Carried || c.Round != 1 || !c.Outdated || c.Quote != "publike dhe" {
			t.Errorf("%s: the comment on deleted words = %+v", path, c)
		}
		if c := got[own]; c.Carried || c.Round != 2 || anchored(c, rvV2) != "dhe çerdheve" {
			t.Errorf("%s: round 2's own comment = %+v", path, c)
		}
	}
	if got := r.listComments("/rounds/1/comments"); len(got) != 4 || got[open].Carried {
		t.Errorf("round 1 lists %d comments (carried %v), want its 4", len(got), got[open].Carried)
	}
	checkError(t, must(t, r.api("GET", docPath(r.id, "/rounds/9/comments"), r.editor, nil), 404))

	// The report of round 2 is round 2's comments only.
	res := must(t, r.api("GET", docPath(r.id, "/rounds/2/report?format=html"), r.editor, nil), 200)
	rows := findAll(byID(parseHTML(t, res.Body), "report"), func(n *html.Node) bool {
		return isElem(n, "tr") && n.Parent != nil && isElem(n.Parent, "tbody")
	})
	if len(rows) != 1 || !strings.Contains(textOf(rows[0]), "Mirë.") {
		t.Errorf("round 2's report has %d rows, want its own comment only", len(rows))
	}

	// The round page lists them, the carried ones labelled.
	b := r.browser()
	b.login("arta", userPassword, "")
	doc := reviewPage(t, b, "/documents/"+itoa(r.id)+"/rounds/2")
	if h := find(doc, func(n *html.Node) bool { return isElem(n, "h2") && strings.HasPrefix(textOf(n), "Comments (") }); h == nil || textOf(h) != "Comments (3)" {
		t.Errorf("the round page's heading is not Comments (3)")
	}
	for id, label := range map[int64]string{open: "from round 1", gone: "from round 1", own: ""} {
		card := byID(doc, "comment-"+itoa(id))
		if card == nil {
			t.Fatalf("no card for comment %d", id)
		}
		got := ""
		if n := find(card, func(n *html.Node) bool { return hasClass(n, "from-round") }); n != nil {
			got = textOf(n)
		}
		if got != label {
			t.Errorf("comment %d is labelled %q, want %q", id, got, label)
		}
	}
	if card := byID(doc, "comment-"+itoa(gone)); find(card, func(n *html.Node) bool { return hasClass(n, "outdated-note") }) == nil {
		t.Errorf("the comment on deleted words is not shown as outdated")
	}
}

// TestComments_AppliedWording: a comment whose suggestion was applied is
// "applied in version N", anchored on the applied words in that version
// and in later ones, not outdated; a deletion applied has no words left.
func TestComments_AppliedWording(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	round := r.openRound(2)
	const better = "ushqim të shëndetshëm dhe të larmishëm"
	cid := r.comment(round, 2, rvQuote, "Të shtohet larmia.", better)
	del := r.comment(round, 2, "shtatë ditë pas publikimit", "Menjëherë.", "")
	must(t, r.api("POST", commentPath(cid, "/apply"), r.editor, map[string]any{"base": 2}), 201)
	must(t, r.api("POST", commentPath(del, "/apply"), r.editor, map[string]any{"base": 3}), 201)
	v5 := strings.Replace(r.body(4), "Udhëzimi Administrativ", "Udhëzimi", 1)
	r.saveVersion(4, v5)

	for v, body := range map[int]string{3: r.body(3), 4: r.body(4), 5: v5} {
		got := r.listComments("/comments?version=" + itoa(int64(v)))
		c := got[cid]
		if !c.Applied || c.AppliedVersion != 3 || c.Outdated || c.Anchor.Version != v || anchored(c, body) != better {
			t.Errorf("in version %d the applied comment = %+v, anchored on %q", v, c, anchored(c, body))
		}
		if v >= 4 {
			if d := got[del]; !d.Applied || d.Outdated || d.Anchor.Start != d.Anchor.End {
				t.Errorf("in version %d the applied deletion = %+v", v, d)
			}
		}
	}
	// In the version it was made on, the comment is on its own words.
	if c := r.listComments("/comments?version=2")[cid]; c.Applied || c.Outdated || anchored(c, rvV2) != rvQuote {
		t.Errorf("in version 2 the comment = %+v", c)
	}

	// The redline to version 3 says so, with the applied words marked.
	b := r.browser()
	b.login("arta", userPassword, "")
	doc := reviewPage(t, b, "/documents/"+itoa(r.id)+"/diff?from=2&to=3")
	card := byID(doc, "comment-"+itoa(cid))
	if card == nil {
		t.Fatal("no card for the applied comment")
	}
	note := find(card, func(n *html.Node) bool { return hasClass(n, "applied-note") })
	if note == nil || textOf(note) != "Applied in version 3." || find(card, func(n *html.Node) bool { return hasClass(n, "outdated-note") }) != nil {
		t.Errorf("the applied comment's card does not say it was applied in version 3")
	}
	c := r.listComments("/comments?version=3")[cid]
	if attr(card, "data-start") != itoa(int64(c.Anchor.Start)) || attr(card, "data-end") != itoa(int64(c.Anchor.End)) {
		t.Errorf("the card marks %s–%s, want the applied words %d–%d", attr(card, "data-start"), attr(card, "data-end"), c.Anchor.Start, c.Anchor.End)
	}
}
