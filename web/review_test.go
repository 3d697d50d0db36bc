package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// An Albanian draft; version 2 inserts and deletes words in Neni 1 and
// Neni 2, leaves Neni 3 alone and adds Neni 4.
const (
	rvTitle = "# Rregullore për qendrat ditore\n\n"
	rvArt1  = "## Neni 1 – Qëllimi\n\n" +
		"1. Kjo rregullore përcakton mënyrën e funksionimit të qendrave ditore për fëmijë.\n" +
		"1.2. Çdo qendër siguron ushqim të shëndetshëm për çdo fëmijë.\n\n"
	rvArt2 = "## Neni 2 – Fushëveprimi\n\n" +
		"Rregullorja zbatohet për të gjitha qendrat ditore, publike dhe private.\n\n"
	rvArt3 = "## Neni 3 – Hyrja në fuqi\n\n" +
		"Kjo rregullore hyn në fuqi shtatë ditë pas publikimit në Gazetën Zyrtare.\n\n"
	// Neni 3 ends in a blank line in both versions: the redline counts a
	// separator added after the last article as a change of that article.
	rvArt4 = "## Neni 4 – Shfuqizimi\n\n" +
		"Me hyrjen në fuqi të kësaj rregulloreje shfuqizohet Udhëzimi Administrativ nr. 03/2019.\n"
	rvV1 = rvTitle + rvArt1 + rvArt2 + rvArt3
	// v2: "dhe çerdheve" inserted in Neni 1, "publike dhe" deleted from Neni 2, Neni 4 added.
	rvV2 = rvTitle + "## Neni 1 – Qëllimi\n\n" +
		"1. Kjo rregullore përcakton mënyrën e funksionimit të qendrave ditore dhe çerdheve për fëmijë.\n" +
		"1.2. Çdo qendër siguron ushqim të shëndetshëm për çdo fëmijë.\n\n" +
		"## Neni 2 – Fushëveprimi\n\n" +
		"Rregullorja zbatohet për të gjitha qendrat ditore private.\n\n" + rvArt3 + rvArt4
	rvQuote = "ushqim të shëndetshëm"
)

// reviewEnv is a server with a document in two versions, an editor who owns
// it, a reviewer it is shared with, one it is not shared with, and staff.
type reviewEnv struct {
	*env
	id                                int64
	editor, reviewer, outsider, staff string
}

func newReviewEnv(t testing.TB, wire ...wireFunc) *reviewEnv {
	t.Helper()
	e := newEnv(t, wire...)
	r := &reviewEnv{env: e}
	r.editor = e.user("arta", "editor")
	r.reviewer = e.user("vjosa", "reviewer")
	r.outsider = e.user("lulzim", "reviewer")
	r.staff = e.user("drita", "staff")
	r.id = e.doc(r.editor, "Rregullore për qendrat ditore", "internal", rvV1)
	r.saveVersion(1, rvV2)
	e.share(r.editor, r.id, "vjosa", "reviewer")
	return r
}

func (r *reviewEnv) saveVersion(base int, body string) int {
	r.t.Helper()
	res := must(r.t, r.api("POST", docPath(r.id, "/versions"), r.editor, map[string]any{"base": base, "body": body, "message": "ndryshim"}), 201)
	return int(res.object(r.t)["number"].(float64))
}

func (r *reviewEnv) body(n int) string {
	r.t.Helper()
	return must(r.t, r.api("GET", docPath(r.id, "/versions/"+strconv.Itoa(n)), r.editor, nil), 200).object(r.t)["body"].(string)
}

func (r *reviewEnv) openRound(version int) int {
	r.t.Helper()
	res := must(r.t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"name": "Raundi", "version": version, "due": "2026-12-31"}), 201)
	return int(res.object(r.t)["number"].(float64))
}

// comment posts a comment as the reviewer and returns its id.
func (r *reviewEnv) comment(round, version int, quote, body string, suggestion any) int64 {
	r.t.Helper()
	in := map[string]any{"version": version, "round": round, "quote": quote, "body": body}
	if suggestion != nil {
		in["suggestion"] = suggestion
	}
	res := must(r.t, r.api("POST", docPath(r.id, "/comments"), r.reviewer, in), 201)
	return int64(res.object(r.t)["id"].(float64))
}

func (r *reviewEnv) commentCount() int {
	r.t.Helper()
	res := must(r.t, r.api("GET", docPath(r.id, "/comments"), r.editor, nil), 200)
	return len(res.object(r.t)["comments"].([]any))
}

func commentPath(cid int64, rest string) string { return "/api/v1/comments/" + itoa(cid) + rest }

type diffJSON struct {
	From     int            `json:"from"`
	To       int            `json:"to"`
	Stats    map[string]int `json:"stats"`
	Articles []struct {
		Status  string `json:"status"`
		FromNum string `json:"from_num"`
		ToNum   string `json:"to_num"`
		Heading string `json:"heading"`
		Ops     []struct {
			Op   string `json:"op"`
			Text string `json:"text"`
		} `json:"ops"`
	} `json:"articles"`
}

func TestReviewAPI_DiffShapeAndReconstruction(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	// v3 deletes Neni 2, so Neni 3 and 4 are renumbered.
	v2 := r.body(2)
	i, j := strings.Index(v2, "## Neni 2 "), strings.Index(v2, "## Neni 3 ")
	v3body := v2[:i] + strings.Replace(strings.Replace(v2[j:], "## Neni 3 ", "## Neni 2 ", 1), "## Neni 4 ", "## Neni 3 ", 1)
	r.saveVersion(2, v3body)

	res := must(t, r.api("GET", docPath(r.id, "/diff?from=1&to=2"), r.reviewer, nil), 200)
	raw := res.object(t)
	for _, k := range []string{"from", "to", "stats", "articles"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("diff lacks %q: %s", k, res)
		}
	}
	stats, _ := raw["stats"].(map[string]any)
	for _, k := range []string{"words_inserted", "words_deleted", "articles_changed", "articles_added", "articles_deleted", "articles_moved"} {
		if _, ok := stats[k].(float64); !ok {
			t.Errorf("stats.%s missing or not a number: %v", k, stats)
		}
	}
	arts, _ := raw["articles"].([]any)
	for _, a := range arts {
		m := a.(map[string]any)
		for _, k := range []string{"status", "from_num", "to_num", "heading", "ops", "from_index"} {
			if _, ok := m[k]; !ok {
				t.Errorf("article lacks %q: %v", k, m)
			}
		}
	}

	var d diffJSON
	if err := json.Unmarshal(res.Body, &d); err != nil {
		t.Fatal(err)
	}
	if d.From != 1 || d.To != 2 {
		t.Errorf("from/to = %d/%d", d.From, d.To)
	}
	if d.Stats["words_inserted"] < 2 || d.Stats["words_deleted"] != 2 || d.Stats["articles_added"] != 1 || d.Stats["articles_changed"] != 2 {
		t.Errorf("stats = %v, want ≥2 words in, 2 out, 1 article added, 2 changed", d.Stats)
	}
	statuses := map[string]string{}
	for _, a := range d.Articles {
		statuses[a.ToNum] = a.Status
		for _, op := range a.Ops {
			if op.Op != "equal" && op.Op != "insert" && op.Op != "delete" {
				t.Errorf("op %q", op.Op)
			}
		}
	}
	if statuses["1"] != "changed" || statuses["2"] != "changed" || statuses["3"] != "unchanged" || statuses["4"] != "added" {
		t.Errorf("statuses by to_num = %v", statuses)
	}

	// The redline's contract (review/redline Reconstruct): equal+delete of
	// the articles with an a side in a's order give a, equal+insert of those
	// with a b side in b's order give b. Articles come in b's order with each
	// deleted one right after its nearest preceding surviving neighbour, so
	// without moves, order of appearance is both orders.
	for _, pair := range [][2]int{{1, 2}, {1, 3}, {2, 3}, {3, 1}} {
		var d diffJSON
		q := "/diff?from=" + strconv.Itoa(pair[0]) + "&to=" + strconv.Itoa(pair[1])
		if err := json.Unmarshal(must(t, r.api("GET", docPath(r.id, q), r.editor, nil), 200).Body, &d); err != nil {
			t.Fatal(err)
		}
		var a, b strings.Builder
		deleted := 0
		for _, art := range d.Articles {
			if art.Status == "moved" {
				t.Fatalf("%v: unexpected moved article; the order-of-appearance rule does not hold then", pair)
			}
			if art.Status == "deleted" {
				deleted++
			}
			for _, op := range art.Ops {
				if op.Op != "insert" && art.Status != "added" {
					a.WriteString(op.Text)
				}
				if op.Op != "delete" && art.Status != "deleted" {
					b.WriteString(op.Text)
				}
			}
		}
		if got, want := a.String(), r.body(pair[0]); got != want {
			t.Errorf("%v: equal+delete =\n%q\nwant version %d\n%q", pair, got, pair[0], want)
		}
		if got, want := b.String(), r.body(pair[1]); got != want {
			t.Errorf("%v: equal+insert =\n%q\nwant version %d\n%q", pair, got, pair[1], want)
		}
		if pair == [2]int{2, 3} && deleted != 1 {
			t.Errorf("2→3 has %d deleted articles, want 1", deleted)
		}
	}

	// The rendered redline.
	res = must(t, r.api("GET", docPath(r.id, "/diff?from=1&to=2&format=html"), r.reviewer, nil), 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("format=html Content-Type %q", ct)
	}
	doc := parseHTML(t, res.Body)
	ins, del := findAll(doc, tagged("ins")), findAll(doc, tagged("del"))
	if len(ins) == 0 || len(del) == 0 {
		t.Fatalf("html redline has %d <ins>, %d <del>", len(ins), len(del))
	}
	var insText, delText string
	for _, n := range ins {
		insText += textOf(n)
	}
	for _, n := range del {
		delText += textOf(n)
	}
	if !strings.Contains(insText, "çerdheve") || !strings.Contains(delText, "publike dhe") {
		t.Errorf("<ins> %q / <del> %q", insText, delText)
	}
	if len(findAll(doc, tagged("section"))) != 5 {
		t.Errorf("want a section for the preamble and each of 4 articles")
	}
	// Bad ranges.
	for _, q := range []string{"?from=1&to=9", "?from=x&to=2", "?from=0&to=2"} {
		res := r.api("GET", docPath(r.id, "/diff"+q), r.editor, nil)
		if res.Status != 404 && res.Status != 422 {
			t.Errorf("diff%s: status %d", q, res.Status)
		}
		checkError(t, res)
	}
}

func TestReviewAPI_RoundsCommentsDecisions(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)

	res := must(t, r.api("POST", docPath(r.id, "/rounds"), r.editor, map[string]any{"name": "Raundi i parë", "version": 1, "due": "2026-06-30"}), 201)
	round := res.object(t)
	if round["number"] != 1.0 || round["status"] != "open" || round["version"] != 1.0 {
		t.Errorf("round 1 = %s", res)
	}
	r2 := r.openRound(2)
	if r2 != 2 {
		t.Errorf("second round numbered %d", r2)
	}
	list := must(t, r.api("GET", docPath(r.id, "/rounds"), r.reviewer, nil), 200).object(t)
	rounds, _ := list["rounds"].([]any)
	if len(rounds) != 2 || rounds[0].(map[string]any)["number"] != 1.0 || rounds[1].(map[string]any)["version"] != 2.0 {
		t.Errorf("rounds = %v", list)
	}
	closed := must(t, r.api("POST", docPath(r.id, "/rounds/1/close"), r.editor, nil), 200).object(t)
	if closed["status"] != "closed" {
		t.Errorf("closed round = %v", closed)
	}
	if code := checkError(t, must(t, r.api("POST", docPath(r.id, "/rounds/1/close"), r.editor, nil), 409)); code != "conflict" {
		t.Errorf("second close code %q", code)
	}
	// A closed round takes no comments.
	checkError(t, must(t, r.api("POST", docPath(r.id, "/comments"), r.reviewer,
		map[string]any{"version": 1, "round": 1, "quote": rvQuote, "body": "vonë"}), 409))

	// A comment on v2 in round 2.
	res = must(t, r.api("POST", docPath(r.id, "/comments"), r.reviewer, map[string]any{
		"version": 2, "round": 2, "quote": rvQuote, "prefix": "Çdo qendër siguron ", "suffix": " për çdo",
		"body": "Të shtohet larmia.", "suggestion": "ushqim të shëndetshëm dhe të larmishëm"}), 201)
	created := res.object(t)
	cid := int64(created["id"].(float64))
	if created["status"] != "open" || created["quote"] != rvQuote || created["author"] != "vjosa" || cid == 0 {
		t.Errorf("created = %s", res)
	}
	// 422 when the quote is not in that version (it is in v2, not v1).
	before, beforeComments := r.counts(r.id), r.commentCount()
	res = must(t, r.api("POST", docPath(r.id, "/comments"), r.reviewer, map[string]any{"version": 1, "quote": "dhe çerdheve", "body": "x"}), 422)
	if code := checkError(t, res); code != "invalid" {
		t.Errorf("code %q", code)
	}
	if r.counts(r.id) != before || r.commentCount() != beforeComments {
		t.Error("a refused comment was written")
	}

	// Replies.
	reply := must(t, r.api("POST", commentPath(cid, "/replies"), r.editor, map[string]any{"body": "Do ta shqyrtojmë."}), 201).object(t)
	if reply["body"] != "Do ta shqyrtojmë." || reply["author"] != "arta" {
		t.Errorf("reply = %v", reply)
	}

	// Listing with anchors in code points.
	var listed struct {
		Comments []map[string]json.RawMessage `json:"comments"`
	}
	res = must(t, r.api("GET", docPath(r.id, "/comments?version=2"), r.reviewer, nil), 200)
	if err := json.Unmarshal(res.Body, &listed); err != nil || len(listed.Comments) != 1 {
		t.Fatalf("comments = %s (%v)", res, err)
	}
	c := listed.Comments[0]
	for _, k := range []string{"id", "body", "author", "quote", "status", "outdated", "anchor", "decision", "reason", "replies"} {
		if _, ok := c[k]; !ok {
			t.Errorf("comment lacks %q: %s", k, res)
		}
	}
	var anchor struct{ Version, Start, End int }
	json.Unmarshal(c["anchor"], &anchor)
	if got := string([]rune(rvV2)[anchor.Start:anchor.End]); anchor.Version != 2 || got != rvQuote {
		t.Errorf("anchor %+v holds %q, want %q in v2", anchor, got, rvQuote)
	}
	var replies []map[string]any
	json.Unmarshal(c["replies"], &replies)
	if len(replies) != 1 || replies[0]["body"] != "Do ta shqyrtojmë." {
		t.Errorf("replies = %s", c["replies"])
	}
	if string(c["outdated"]) != "false" || string(c["status"]) != `"open"` {
		t.Errorf("outdated %s status %s", c["outdated"], c["status"])
	}

	// Decisions.
	before = r.counts(r.id)
	checkError(t, must(t, r.api("POST", commentPath(cid, "/decision"), r.editor, map[string]any{"decision": "rejected"}), 422))
	checkError(t, must(t, r.api("POST", commentPath(cid, "/decision"), r.reviewer, map[string]any{"decision": "accepted"}), 403))
	checkError(t, must(t, r.api("POST", commentPath(cid, "/decision"), r.editor, map[string]any{"decision": "perhaps", "reason": "x"}), 422))
	if r.counts(r.id) != before {
		t.Error("refused decisions were written")
	}
	dec := must(t, r.api("POST", commentPath(cid, "/decision"), r.editor, map[string]any{"decision": "partially", "reason": "Pjesërisht."}), 200).object(t)
	if dec["decision"] != "partially" || dec["reason"] != "Pjesërisht." {
		t.Errorf("decision = %v", dec)
	}

	// Apply: stale base 409, then onto the head.
	res = must(t, r.api("POST", commentPath(cid, "/apply"), r.editor, map[string]any{"base": 1}), 409)
	if code := checkError(t, res); code != "conflict" || res.object(t)["head"] != 2.0 {
		t.Errorf("stale apply: %s", res)
	}
	checkError(t, must(t, r.api("POST", commentPath(cid, "/apply"), r.reviewer, map[string]any{"base": 2}), 403))
	checkError(t, must(t, r.api("POST", commentPath(cid, "/apply"), r.editor, map[string]any{}), 422))
	applied := must(t, r.api("POST", commentPath(cid, "/apply"), r.editor, map[string]any{"base": 2}), 201).object(t)
	if applied["number"] != 3.0 {
		t.Errorf("apply answered %v, want version 3", applied)
	}
	// Its suggestion keeps the quoted words: applying it again onto the new
	// head must not put the new words in twice.
	checkError(t, must(t, r.api("POST", commentPath(cid, "/apply"), r.editor, map[string]any{"base": 3}), 409))
	if got := r.body(3); got != strings.Replace(rvV2, rvQuote, "ushqim të shëndetshëm dhe të larmishëm", 1) {
		t.Errorf("v3 body = %q", got)
	}
	res = must(t, r.api("GET", docPath(r.id, "/comments?version=3"), r.editor, nil), 200)
	var after struct {
		Comments []struct {
			Decision, Status string
			AppliedVersion   int `json:"applied_version"`
		}
	}
	json.Unmarshal(res.Body, &after)
	if len(after.Comments) != 1 || after.Comments[0].Status != "resolved" || after.Comments[0].AppliedVersion != 3 {
		t.Errorf("after apply: %s", res)
	}
	checkError(t, must(t, r.api("GET", docPath(r.id, "/comments?version=x"), r.editor, nil), 422))
	// Applied wording cannot become "not accepted" afterwards.
	auditBefore := r.counts(r.id).audit
	res = must(t, r.api("POST", commentPath(cid, "/decision"), r.editor,
		map[string]any{"decision": "rejected", "reason": "Ndryshuam mendje."}), 409)
	if checkError(t, res); !strings.Contains(string(res.Body), "version 3") {
		t.Errorf("409 %s does not name the version holding the wording", res)
	}
	res = must(t, r.api("GET", docPath(r.id, "/comments?version=3"), r.editor, nil), 200)
	json.Unmarshal(res.Body, &after)
	if after.Comments[0].Decision != "partially" || r.counts(r.id).audit != auditBefore {
		t.Errorf("a refused decision was written: %s", res)
	}

	// The report.
	r.api("POST", docPath(r.id, "/comments"), r.reviewer, map[string]any{"version": 2, "round": 2, "quote": "Gazetën Zyrtare", "body": "=1+1"})
	res = must(t, r.api("GET", docPath(r.id, "/rounds/2/report?format=csv"), r.reviewer, nil), 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV Content-Type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, ".csv") {
		t.Errorf("CSV Content-Disposition %q", cd)
	}
	data, ok := bytes.CutPrefix(res.Body, []byte("\ufeff"))
	if !ok {
		t.Error("CSV lacks the BOM")
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(records) != 3 {
		t.Fatalf("CSV records %d (%v):\n%s", len(records), err, data)
	}
	row := records[1]
	if row[0] != "1" || row[1] != "VJOSA" || row[3] != "1" || row[4] != "1.2" || row[5] != rvQuote || row[6] != "Të shtohet larmia." ||
		row[7] != "ushqim të shëndetshëm dhe të larmishëm" || row[8] != "Pjesërisht e pranuar" || row[9] != "Pjesërisht." {
		t.Errorf("CSV row 1 = %q", row)
	}
	if records[2][6] != "'=1+1" {
		t.Errorf("formula not defused: %q", records[2][6])
	}

	res = must(t, r.api("GET", docPath(r.id, "/rounds/2/report?format=html"), r.reviewer, nil), 200)
	table := byID(parseHTML(t, res.Body), "report")
	if table == nil {
		t.Fatalf("no table#report: %s", res)
	}
	rows := findAll(table, func(n *html.Node) bool {
		return isElem(n, "tr") && n.Parent != nil && isElem(n.Parent, "tbody")
	})
	if len(rows) != 2 {
		t.Fatalf("report has %d body rows", len(rows))
	}
	text := textOf(rows[0])
	for _, want := range []string{"VJOSA", "Neni 1", "1.2", "Të shtohet larmia.", "ushqim të shëndetshëm dhe të larmishëm", "Pjesërisht e pranuar", "Pjesërisht."} {
		if !strings.Contains(text, want) {
			t.Errorf("report row lacks %q: %q", want, text)
		}
	}
	checkError(t, must(t, r.api("GET", docPath(r.id, "/rounds/2/report?format=pdf"), r.reviewer, nil), 422))
	checkError(t, must(t, r.api("GET", docPath(r.id, "/rounds/7/report?format=csv"), r.reviewer, nil), 404))
}

func TestReviewAPI_Authorization(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(1)
	cid := r.comment(1, 1, rvQuote, "Koment", "ushqim")

	// A reviewer the document is not shared with sees nothing of it.
	for _, p := range []string{"/diff?from=1&to=2", "/rounds", "/comments", "/comments?version=1", "/rounds/1/report?format=csv"} {
		res := r.api("GET", docPath(r.id, p), r.outsider, nil)
		if res.Status != 404 || checkError(t, res) != "not_found" {
			t.Errorf("outsider GET %s: %s", p, res)
		}
	}
	before := r.counts(r.id)
	for _, c := range []struct {
		path string
		body any
	}{
		{docPath(r.id, "/comments"), map[string]any{"version": 1, "quote": rvQuote, "body": "x"}},
		{docPath(r.id, "/rounds"), map[string]any{"version": 1}},
		{commentPath(cid, "/replies"), map[string]any{"body": "x"}},
		{commentPath(cid, "/decision"), map[string]any{"decision": "accepted"}},
		{commentPath(cid, "/apply"), map[string]any{"base": 2}},
	} {
		res := r.api("POST", c.path, r.outsider, c.body)
		if res.Status != 404 {
			t.Errorf("outsider POST %s: %s", c.path, res)
		}
	}

	// The shared reviewer comments, but does not decide, apply or run rounds.
	for _, c := range []struct {
		path string
		body any
	}{
		{commentPath(cid, "/decision"), map[string]any{"decision": "accepted"}},
		{commentPath(cid, "/apply"), map[string]any{"base": 2}},
		{docPath(r.id, "/rounds"), map[string]any{"version": 1}},
		{docPath(r.id, "/rounds/1/close"), nil},
	} {
		res := r.api("POST", c.path, r.reviewer, c.body)
		if res.Status != 403 || checkError(t, res) != "forbidden" {
			t.Errorf("reviewer POST %s: %s", c.path, res)
		}
	}

	// Staff read the redline but may not comment.
	must(t, r.api("GET", docPath(r.id, "/diff?from=1&to=2"), r.staff, nil), 200)
	must(t, r.api("GET", docPath(r.id, "/comments"), r.staff, nil), 200)
	res := r.api("POST", docPath(r.id, "/comments"), r.staff, map[string]any{"version": 1, "quote": rvQuote, "body": "x"})
	if res.Status != 403 {
		t.Errorf("staff comment: %s", res)
	}
	checkError(t, must(t, r.api("POST", commentPath(cid, "/replies"), r.staff, map[string]any{"body": "x"}), 403))
	if r.counts(r.id) != before {
		t.Error("refused requests changed the store")
	}
	// Without a token: 401.
	checkError(t, must(t, r.api("GET", docPath(r.id, "/diff"), "", nil), 401))
}

func TestReviewAPI_BadInput(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(1)
	cid := r.comment(1, 1, rvQuote, "Koment", nil)
	before, comments := r.counts(r.id), r.commentCount()

	cases := []struct {
		name, path, token, body string
		status                  int
	}{
		{"invalid JSON", docPath(r.id, "/comments"), r.reviewer, `{"version": 1, "quote": `, 400},
		{"two values", docPath(r.id, "/comments"), r.reviewer, `{"version":1}{"version":2}`, 400},
		{"version as string", docPath(r.id, "/comments"), r.reviewer, `{"version":"1","quote":"ushqim","body":"x"}`, 422},
		{"quote as number", docPath(r.id, "/comments"), r.reviewer, `{"version":1,"quote":5,"body":"x"}`, 422},
		{"suggestion as object", docPath(r.id, "/comments"), r.reviewer, `{"version":1,"quote":"ushqim","body":"x","suggestion":{}}`, 422},
		{"unknown field", docPath(r.id, "/comments"), r.reviewer, `{"version":1,"quote":"ushqim","body":"x","rating":5}`, 422},
		{"array body", docPath(r.id, "/comments"), r.reviewer, `[1]`, 422},
		{"over-long comment", docPath(r.id, "/comments"), r.reviewer,
			`{"version":1,"quote":"ushqim","body":"` + strings.Repeat("ë", 20001) + `"}`, 422},
		{"over-long quote", docPath(r.id, "/comments"), r.reviewer, `{"version":1,"quote":"` + strings.Repeat("a", 5001) + `","body":"x"}`, 422},
		{"empty reply", commentPath(cid, "/replies"), r.reviewer, `{"body":"  "}`, 422},
		{"round version as string", docPath(r.id, "/rounds"), r.editor, `{"version":"2"}`, 422},
		{"round bad due", docPath(r.id, "/rounds"), r.editor, `{"version":2,"due":"31/12/2026"}`, 422},
		{"round bad version", docPath(r.id, "/rounds"), r.editor, `{"version":9}`, 422},
		{"decision as number", commentPath(cid, "/decision"), r.editor, `{"decision":1}`, 422},
		{"apply base as string", commentPath(cid, "/apply"), r.editor, `{"base":"2"}`, 422},
		{"invalid JSON decision", commentPath(cid, "/decision"), r.editor, `{decision}`, 400},
	}
	for _, c := range cases {
		res := r.api("POST", c.path, c.token, c.body)
		if res.Status != c.status {
			t.Errorf("%s: %s, want %d", c.name, res, c.status)
			continue
		}
		checkError(t, res)
	}
	// Not JSON at all.
	res := r.raw("POST", docPath(r.id, "/comments"), r.reviewer, "text/plain", []byte("quote=x"))
	if res.Status != 415 {
		t.Errorf("text/plain: %s", res)
	}
	if r.counts(r.id) != before || r.commentCount() != comments {
		t.Error("bad input changed the store")
	}
	rounds := must(t, r.api("GET", docPath(r.id, "/rounds"), r.editor, nil), 200).object(t)["rounds"].([]any)
	if len(rounds) != 1 {
		t.Errorf("rounds = %d after refused opens", len(rounds))
	}
}

// reviewPage reads a page as a logged-in browser and parses it.
func reviewPage(t testing.TB, b *browser, path string) *html.Node {
	t.Helper()
	res := must(t, b.get(path), 200)
	checkPageHeaders(t, path, res)
	return parseHTML(t, res.Body)
}

func inputValue(form *html.Node, name string) (string, bool) {
	in := find(form, func(n *html.Node) bool {
		return (isElem(n, "input") || isElem(n, "textarea") || isElem(n, "select")) && attr(n, "name") == name
	})
	if in == nil {
		return "", false
	}
	return attr(in, "value"), true
}

func hasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

func TestReviewPages(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(1)
	r.openRound(2)
	roundPath := "/documents/" + itoa(r.id) + "/rounds/2"

	rev := r.browser()
	rev.login("vjosa", userPassword, roundPath)

	// The round page: the redline v1 → v2 and a comment form for v2, round 2.
	doc := reviewPage(t, rev, roundPath)
	red := byID(doc, "redline")
	if red == nil {
		t.Fatal("no #redline")
	}
	if ins, del := find(red, tagged("ins")), find(red, tagged("del")); ins == nil || del == nil ||
		!strings.Contains(textOf(ins), "çerdheve") || !strings.Contains(textOf(del), "publike dhe") {
		t.Errorf("#redline lacks the changes v1→v2")
	}
	form := byID(doc, "comment-form")
	if form == nil {
		t.Fatal("no #comment-form for the shared reviewer")
	}
	if v, _ := inputValue(form, "version"); v != "2" {
		t.Errorf("comment form version = %q, want 2", v)
	}
	if v, _ := inputValue(form, "round"); v != "2" {
		t.Errorf("comment form round = %q, want 2", v)
	}
	csrfToken, _ := inputValue(form, "csrf_token")
	ret, _ := inputValue(form, "return")

	// Posting the form creates the comment and comes back to the round.
	before := r.commentCount()
	res := rev.post("/documents/"+itoa(r.id)+"/comments", url.Values{"csrf_token": {csrfToken}, "version": {"2"}, "round": {"2"},
		"quote": {rvQuote}, "prefix": {"për fëmijë.\r\n1.2. Çdo qendër siguron "}, "suffix": {" për"}, "body": {"Të shtohet larmia.\r\nEdhe cilësia."},
		"suggestion": {"ushqim të larmishëm"}, "return": {ret}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("comment form: %s", res)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, roundPath) || !strings.Contains(loc, "#comment-") {
		t.Errorf("comment form redirects to %q, want back to %s#comment-N", loc, roundPath)
	}
	if r.commentCount() != before+1 {
		t.Fatal("the comment form wrote no comment")
	}
	cid, _ := strconv.ParseInt(loc[strings.LastIndex(loc, "-")+1:], 10, 64)
	// Without the CSRF token nothing is written.
	res = rev.post("/documents/"+itoa(r.id)+"/comments", url.Values{"version": {"2"}, "quote": {rvQuote}, "body": {"x"}})
	if res.Status != 403 || r.commentCount() != before+1 {
		t.Errorf("comment without CSRF token: %d", res.Status)
	}
	// A quote not in the version is an error page.
	res = rev.post("/documents/"+itoa(r.id)+"/comments", url.Values{"csrf_token": {csrfToken}, "version": {"2"}, "quote": {"nuk ekziston"}, "body": {"x"}})
	if res.Status != 422 || r.commentCount() != before+1 {
		t.Errorf("bad quote through the form: %d", res.Status)
	}

	doc = reviewPage(t, rev, roundPath)
	art := byID(doc, "comment-"+itoa(cid))
	if art == nil || !strings.Contains(textOf(art), "Të shtohet larmia.") || !strings.Contains(textOf(art), rvQuote) {
		t.Fatalf("comment %d not shown on the round page", cid)
	}
	if find(art, func(n *html.Node) bool { return hasClass(n, "decide-form") || hasClass(n, "apply-form") }) != nil {
		t.Error("the reviewer is offered decision or apply forms")
	}

	// The document page lists the rounds.
	doc = reviewPage(t, rev, "/documents/"+itoa(r.id))
	table := byID(doc, "rounds-table")
	if table == nil {
		t.Fatal("no #rounds-table")
	}
	links := findAll(table, func(n *html.Node) bool { return isElem(n, "a") && strings.HasSuffix(attr(n, "href"), "/rounds/2") })
	if len(links) != 1 {
		t.Errorf("#rounds-table has %d links to round 2", len(links))
	}

	// The editor decides and applies through the forms.
	ed := r.browser()
	ed.login("arta", userPassword, roundPath)
	doc = reviewPage(t, ed, roundPath)
	art = byID(doc, "comment-"+itoa(cid))
	decide := find(art, func(n *html.Node) bool { return hasClass(n, "decide-form") })
	apply := find(art, func(n *html.Node) bool { return hasClass(n, "apply-form") })
	if decide == nil || apply == nil {
		t.Fatal("the editor has no decision or apply form")
	}
	edCSRF, _ := inputValue(decide, "csrf_token")
	edReturn, _ := inputValue(decide, "return")
	res = ed.post(attr(decide, "action"), url.Values{"csrf_token": {edCSRF}, "decision": {"rejected"}, "return": {edReturn}})
	if res.Status != 422 {
		t.Errorf("rejecting without a reason through the form: %d", res.Status)
	}
	res = ed.post(attr(decide, "action"), url.Values{"csrf_token": {edCSRF}, "decision": {"accepted"}, "reason": {""}, "return": {edReturn}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), roundPath) {
		t.Fatalf("decision form: %s (Location %q)", res, res.Header.Get("Location"))
	}
	doc = reviewPage(t, ed, roundPath)
	if dec := find(byID(doc, "comment-"+itoa(cid)), func(n *html.Node) bool { return hasClass(n, "decision") }); dec == nil || !strings.Contains(textOf(dec), "Accepted") {
		t.Error("the recorded decision is not shown")
	}
	base, _ := inputValue(apply, "base")
	if base != "2" {
		t.Errorf("apply form base = %q, want the head 2", base)
	}
	res = ed.post(attr(apply, "action"), url.Values{"csrf_token": {edCSRF}, "base": {base}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("apply form: %s", res)
	}
	loc = res.Header.Get("Location")
	want := "/documents/" + itoa(r.id) + "/diff?from=2&notice=suggestion-applied&to=3&version=3#comment-" + itoa(cid)
	if loc != want {
		t.Errorf("apply redirects to %q, want %q", loc, want)
	}
	doc = reviewPage(t, ed, loc)
	ins := findAll(byID(doc, "redline"), tagged("ins"))
	var insText string
	for _, n := range ins {
		insText += textOf(n)
	}
	if !strings.Contains(insText, "larmishëm") {
		t.Errorf("the new version's redline shows no inserted suggestion: <ins> %q", insText)
	}
	// Applying again (stale base, already applied) is refused.
	if res := ed.post(attr(apply, "action"), url.Values{"csrf_token": {edCSRF}, "base": {"2"}}); res.Status != 409 {
		t.Errorf("second apply: %d", res.Status)
	}
}

func TestReviewPages_ViewsOfTheRedline(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	r.openRound(1)
	r.openRound(2)
	cid := r.comment(2, 2, rvQuote, "Në nenin 1", nil)
	b := r.browser()
	roundPath := "/documents/" + itoa(r.id) + "/rounds/2"
	b.login("vjosa", userPassword, roundPath)

	sections := func(n *html.Node) []*html.Node {
		return findAll(byID(n, "redline"), tagged("section"))
	}
	all := sections(reviewPage(t, b, roundPath))
	changed := sections(reviewPage(t, b, roundPath+"?only=changes"))
	if len(all) != 5 {
		t.Errorf("every article: %d sections, want 5", len(all))
	}
	if len(changed) != 3 {
		t.Errorf("only=changes: %d sections, want 3 (Neni 1, 2 changed, 4 added)", len(changed))
	}
	for _, s := range changed {
		if hasClass(s, "art-unchanged") {
			t.Errorf("only=changes shows an unchanged article: %q", textOf(s)[:40])
		}
	}

	doc := reviewPage(t, b, roundPath+"?view=table")
	table := find(doc, func(n *html.Node) bool { return isElem(n, "table") && hasClass(n, "comparative") })
	if table == nil {
		t.Fatal("view=table has no table.comparative")
	}
	var found bool
	for _, tr := range findAll(table, tagged("tr")) {
		cell := find(tr, func(n *html.Node) bool { return isElem(n, "td") && hasClass(n, "row-comments") })
		if cell == nil {
			continue
		}
		head := find(tr, tagged("th"))
		has := find(cell, func(n *html.Node) bool { return isElem(n, "a") && attr(n, "href") == "#comment-"+itoa(cid) }) != nil
		if has {
			found = true
			if !strings.Contains(textOf(head), "Neni 1") {
				t.Errorf("the comment is in the row of %q, want Neni 1", textOf(head))
			}
			proposed := find(tr, func(n *html.Node) bool { return isElem(n, "td") && hasClass(n, "proposed") })
			if proposed == nil || !strings.Contains(textOf(proposed), rvQuote) {
				t.Error("the comment's row lacks the quoted words in the proposed column")
			}
		}
	}
	if !found {
		t.Error("the comment is in no row's comments column")
	}
	// The round page of a round that does not exist.
	if res := b.get("/documents/" + itoa(r.id) + "/rounds/9"); res.Status != 404 {
		t.Errorf("round 9: %d", res.Status)
	}
	// A reviewer it is not shared with gets 404 on the page.
	o := r.browser()
	o.login("lulzim", userPassword, "/documents")
	if res := o.get(roundPath); res.Status != 404 {
		t.Errorf("outsider round page: %d", res.Status)
	}
}

// TestReviewAPI_DiffChapterHeading checks that the API's redline gives a
// chapter heading added between two articles as a segment of its own,
// with "kind": "heading", and every other segment's kind.
func TestReviewAPI_DiffChapterHeading(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	v2 := r.body(2)
	k := strings.Index(v2, "## Neni 2 ")
	r.saveVersion(2, v2[:k]+"## KAPITULLI II – Fushëveprimi\n\n"+v2[k:])
	res := must(t, r.api("GET", docPath(r.id, "/diff?from=2&to=3"), r.reviewer, nil), 200)
	var d struct {
		Stats    map[string]int `json:"stats"`
		Articles []struct {
			Kind, Status, Heading string
		} `json:"articles"`
	}
	if err := json.Unmarshal(res.Body, &d); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range d.Articles {
		got = append(got, a.Kind+" "+a.Status+" "+a.Heading)
	}
	want := []string{"preamble unchanged Preamble", "article unchanged Neni 1 – Qëllimi",
		"heading added KAPITULLI II – Fushëveprimi"}
	if len(got) < 4 || strings.Join(got[:3], "|") != strings.Join(want, "|") || !strings.HasPrefix(got[3], "article unchanged Neni 2") {
		t.Errorf("segments %q, want %q then Neni 2 unchanged", got, want)
	}
	if d.Stats["articles_added"] != 0 || d.Stats["articles_changed"] != 0 {
		t.Errorf("stats %v: a chapter heading is not an article", d.Stats)
	}
}
