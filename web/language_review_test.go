package web_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestReviewPagesInAlbanianAndSerbian fetches a round's redline (inline
// and as the comparative table, with comments, a decision and a suggestion
// that deletes words), the consultation report and the close-round page as
// an editor who chose sq, then sr, and finds no English word in what they
// show; the articles' header lines (inside the document's lang, so skipped
// by that check) say their status in the reader's language, margin.js gets
// its sentences in it, and the report's CSV is in the document's language
// (Albanian: "Neni"), whatever the reader chose.
func TestReviewPagesInAlbanianAndSerbian(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	round := r.openRound(2)
	cid := r.comment(round, 2, rvQuote, "Të shtohet larmia.", "ushqim të larmishëm")
	r.comment(round, 2, "dhe çerdheve", "Të hiqet.", "")
	must(t, r.api("POST", commentPath(cid, "/decision"), r.editor, map[string]any{"decision": "accepted"}), 200)
	base := "/documents/" + itoa(r.id)
	roundPath := base + "/rounds/" + itoa(int64(round))
	statusWord := map[string]string{"sq": "(ndryshuar)", "sr": "(izmenjen)"}
	showing := map[string]string{"sq": "Po shfaqen", "sr": "Prikazano je"}

	for _, lang := range []string{"sq", "sr"} {
		must(t, r.api("PATCH", "/api/v1/users/me", r.editor, map[string]string{"language": lang}), 200)
		b := r.browser()
		b.login("arta", userPassword, "")
		for _, p := range []string{roundPath, base + "/diff?from=1&to=2&round=" + itoa(int64(round)) + "&view=table",
			base + "/diff?from=1&to=2&only=changes", roundPath + "/report", roundPath + "/close"} {
			body := must(t, b.get(p), 200).Body
			checkNoEnglish(t, lang, p, body)
			if bytes.Contains(body, []byte("Preamble")) {
				t.Errorf("%s %s: the preamble is called Preamble", lang, p)
			}
			doc := parseHTML(t, body)
			heads := findAll(doc, func(n *html.Node) bool { return hasClass(n, "art-head") })
			var labels []string
			for _, h := range heads {
				labels = append(labels, textOf(h))
			}
			all := strings.Join(labels, " | ")
			if regexp.MustCompile(`\b(changed|added|deleted|moved|renumbered|unchanged|coarsely)\b`).MatchString(all) {
				t.Errorf("%s %s: English in the articles' header lines: %s", lang, p, all)
			}
			if p == roundPath { // the inline redline, with the margin
				if !strings.Contains(all, statusWord[lang]) {
					t.Errorf("%s %s: no header line says %q: %s", lang, p, statusWord[lang], all)
				}
				if m := byID(doc, "margin"); m == nil || !strings.Contains(attr(m, "data-text"), showing[lang]) {
					t.Errorf("%s %s: margin.js's sentences are not in the language: %q", lang, p, attr(m, "data-text"))
				}
			}
		}

		res := must(t, b.get(roundPath+"/report?format=csv"), 200)
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\uFEFF")))).ReadAll()
		if err != nil || len(records) != 3 {
			t.Fatalf("%s CSV: %d records (%v):\n%s", lang, len(records), err, res.Body)
		}
		head := strings.Join(records[0][:11], "|") // later columns: language_report_complete_test.go
		if want := "Nr.|Shqyrtuesi|Organizata|Neni|Paragrafi|Teksti i cituar|Komenti|Formulimi i sugjeruar|Vendimi|Arsyeja|Pranuar më (Europe/Belgrade)"; head != want {
			t.Errorf("%s: the CSV of an Albanian document has the headings\n%s\nwant\n%s", lang, head, want)
		}
		if d1, d2, s2 := records[1][8], records[2][8], records[2][7]; d1 != "E pranuar" || d2 != "Ende pa vendim" || s2 != "(fshini këto fjalë)" {
			t.Errorf("%s: the CSV's decisions %q, %q and deletion %q are not in Albanian", lang, d1, d2, s2)
		}
	}
}
