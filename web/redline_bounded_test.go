package web_test

import (
	"bytes"
	"context"
	"golang.org/x/net/html"

	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// The two inputs of the finding: a version with its 16,000 lines
// reversed (5.6 s before the budget) and 16,000 words on one line reversed
// (30 s), neither of which could be stopped.
func findingBodies() [][2]string {
	ls := make([]string, 16000)
	ws := make([]string, 16000)
	for k := range ls {
		ls[k] = fmt.Sprintf("%d. Rreshti %d i rregullores për mbrojtjen e fëmijëve.\n", k, k)
		ws[k] = fmt.Sprintf("fjala%d", k)
	}
	rl, rw := slices.Clone(ls), slices.Clone(ws)
	slices.Reverse(rl)
	slices.Reverse(rw)
	return [][2]string{
		{strings.Join(ls, ""), strings.Join(rl, "")},
		{strings.Join(ws, " ") + "\n", strings.Join(rw, " ") + "\n"},
	}
}

type boundedDiffJSON struct {
	Bounded  *bool `json:"bounded"`
	Articles []struct {
		Bounded bool `json:"bounded"`
		Ops     []struct {
			Op   string `json:"op"`
			Text string `json:"text"`
		} `json:"ops"`
	} `json:"articles"`
}

// TestBoundedRedlineAPI sends the finding's inputs through the API: the
// redline answers, says it is bounded, and still rebuilds both versions;
// the page shows the notice. A realistic pair says bounded: false.
func TestBoundedRedlineAPI(t *testing.T) {
	e := newEnv(t)
	ed := e.user("arta", "editor")
	for _, pair := range append(findingBodies(), largeReversal()) {
		id := e.doc(ed, "Rregullore", "internal", pair[0])
		must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": pair[1], "message": "përmbys"}), 201)
		start := time.Now()
		res := must(t, e.apiWithin(30*time.Second, "GET", docPath(id, "/diff?from=1&to=2"), ed, nil), 200)
		t.Logf("%d bytes: redline in %v", len(pair[0]), time.Since(start))
		var d boundedDiffJSON
		if err := json.Unmarshal(res.Body, &d); err != nil {
			t.Fatal(err)
		}
		if d.Bounded == nil || !*d.Bounded {
			t.Fatalf("%d bytes: bounded = %v", len(pair[0]), d.Bounded)
		}
		// No headings: the whole text is one segment, the preamble.
		if len(d.Articles) != 1 || !d.Articles[0].Bounded {
			t.Fatalf("%d articles, want the preamble, flagged", len(d.Articles))
		}
		var a, b strings.Builder
		for _, op := range d.Articles[0].Ops {
			if op.Op != "insert" {
				a.WriteString(op.Text)
			}
			if op.Op != "delete" {
				b.WriteString(op.Text)
			}
		}
		if a.String() != pair[0] || b.String() != pair[1] {
			t.Fatalf("%d bytes: the ops do not rebuild both versions", len(pair[0]))
		}

		// The page says so above the redline and on the article.
		br := e.browser()
		br.login("arta", userPassword, "/")
		for _, view := range []string{"", "&view=table"} {
			page := must(t, br.get(fmt.Sprintf("/documents/%d/diff?from=1&to=2%s", id, view)), http.StatusOK)
			doc := parseHTML(t, page.Body)
			notice := find(doc, func(n *html.Node) bool { return attr(n, "id") == "bounded-notice" })
			if notice == nil || !strings.Contains(textOf(notice), "word by word") {
				t.Fatalf("view %q: no notice on the page", view)
			}
			if find(doc, func(n *html.Node) bool { return hasClass(n, "bounded-note") }) == nil {
				t.Errorf("view %q: the article is not marked", view)
			}
		}
	}

	// A realistic edit is not bounded, and its page has no notice.
	id := e.doc(ed, "Rregullore e vogël", "internal", rvV1)
	must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": rvV2}), 201)
	var d boundedDiffJSON
	if err := json.Unmarshal(must(t, e.api("GET", docPath(id, "/diff?from=1&to=2"), ed, nil), 200).Body, &d); err != nil {
		t.Fatal(err)
	}
	if d.Bounded == nil || *d.Bounded {
		t.Errorf("realistic redline: bounded = %v, want false", d.Bounded)
	}
	br := e.browser()
	br.login("arta", userPassword, "/")
	doc := parseHTML(t, must(t, br.get(fmt.Sprintf("/documents/%d/diff?from=1&to=2", id)), 200).Body)
	if find(doc, func(n *html.Node) bool { return attr(n, "id") == "bounded-notice" }) != nil {
		t.Error("realistic redline shows the notice")
	}
}

// largeReversal is 560,000 words on one line (4.4 MB, under the body
// limit) and the same words reversed: unbounded, the merge's word diff of
// that line would run for hours.
func largeReversal() [2]string {
	ws := make([]string, 560000)
	for k := range ws {
		ws[k] = fmt.Sprintf("f%d", k)
	}
	rw := slices.Clone(ws)
	slices.Reverse(rw)
	return [2]string{strings.Join(ws, " ") + "\n", strings.Join(rw, " ") + "\n"}
}

// apiWithin is e.api that gives up after d: a bounded request answers long
// before; an unbounded one would otherwise hang the test.
func (e *env) apiWithin(d time.Duration, method, path, token string, v any) resp {
	e.t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.t.Fatalf("%s %s: no answer within %v: %v", method, path, d, err)
	}
	return readResp(e.t, res)
}

// TestPathologicalMergeProposal saves on a stale base while the head holds
// the finding's reversal (and one of 4.5 MB): the 409 comes at once with a
// proposal that keeps every line of both sides.
func TestPathologicalMergeProposal(t *testing.T) {
	e := newEnv(t)
	ed := e.user("arta", "editor")
	for _, pair := range append(findingBodies(), largeReversal()) {
		id := e.doc(ed, "Rregullore", "internal", pair[0])
		must(t, e.api("POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": pair[1]}), 201)
		mine := strings.Replace(pair[0], "fjala8000 ", "fjala8000 e re ", 1)
		mine = strings.Replace(mine, " f8000 ", " f8000 e re ", 1)
		mine = strings.Replace(mine, "8000. Rreshti", "8000. Rreshti i ri", 1)
		start := time.Now()
		// 30 s is ten times what the merge takes under the race detector.
		res := must(t, e.apiWithin(30*time.Second, "POST", docPath(id, "/versions"), ed, map[string]any{"base": 1, "body": mine}), 409)
		t.Logf("%d bytes: 409 in %v", len(mine), time.Since(start))
		var conflict struct {
			Merge struct {
				Body  string
				Clean bool
			}
		}
		if err := json.Unmarshal(res.Body, &conflict); err != nil {
			t.Fatal(err)
		}
		if conflict.Merge.Clean {
			t.Error("the merge of a reversal with an edit is clean")
		}
		merged := map[string]bool{}
		for _, l := range strings.Split(conflict.Merge.Body, "\n") {
			merged[l] = true
		}
		for side, text := range map[string]string{"mine": mine, "head": pair[1]} {
			for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				if !merged[l] {
					t.Fatalf("%s's line %.60q is not in the proposal", side, l)
				}
			}
		}
	}
}
