package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"policydesk/timefmt"
)

// reportCompleteWords are words of the report's header block in each
// language, and the line of the applied suggestion.
var reportCompleteWords = map[string][]string{
	"sq": {"Periudha e konsultimit", "Hapur më", "Afati për komente 31.12.2026", "Mbyllur më i hapur, ende i pambyllur",
		"Pjesëmarrësit", "Emri", "Ka komentuar", "Komentet sipas vendimit", "E pranuar 1", "Ende pa vendim 1", "Gjithsej 2",
		"Përgjigje 2", "Komentet dhe përgjigjet", "zbatuar në versionin 2"},
	"sr": {"Period konsultacija", "Otvoren", "Rok za komentare 31.12.2026", "Zatvoren otvoren, još nije zatvoren",
		"Učesnici", "Ime", "Dostavljeni komentari", "Komentari prema odluci", "Prihvaćeno 1", "Još nije odlučeno 1", "Ukupno 2",
		"Odgovori 2", "Komentari i odgovori", "primenjeno u verziji 2"},
	"en": {"Consultation period", "Opened", "Comments due 31.12.2026", "Closed open, not yet closed",
		"Participants", "Name", "Commented", "Comments by decision", "Accepted 1", "Not yet decided 1", "Total 2",
		"Replies 2", "Comments and answers", "applied in version 2"},
}

// reportCSVHeads are the columns the report's CSV appends, per language.
var reportCSVHeads = map[string][2]string{"sq": {"Përgjigjet", "Zbatuar në versionin"}, "sr": {"Odgovori", "Primenjeno u verziji"},
	"en": {"Replies", "Applied in version"}}

// Hostile texts a participant writes in their name and reply.
const (
	hostileName  = `=HYPERLINK("http://x";"y")<b>Zana</b>`
	hostileReply = `<script>alert(1)</script>=1+1`
)

// completeReportRound is reportRound's round with the accepted suggestion
// applied (version 2), the editor's reply on it, and a reply on the other
// comment from a reviewer with a hostile name who never commented.
func (r *reviewEnv) completeReportRound(lang string) int64 {
	r.t.Helper()
	id, cid := r.reportRound(lang)
	must(r.t, r.api("POST", commentPath(cid, "/apply"), r.editor, map[string]any{"base": 1}), 201)
	must(r.t, r.api("POST", commentPath(cid, "/replies"), r.editor, map[string]any{"body": "OK."}), 201)
	comments := must(r.t, r.api("GET", docPath(id, "/rounds/1/comments"), r.editor, nil), 200).object(r.t)["comments"].([]any)
	other := int64(comments[1].(map[string]any)["id"].(float64))
	r.share(r.editor, id, "zana", "reviewer")
	must(r.t, r.api("POST", commentPath(other, "/replies"), r.login("zana", userPassword), map[string]any{"body": hostileReply}), 201)
	return id
}

// TestReportCompleteInThreeLanguages: the report of a round with two
// participants who commented and one who only replied, an accepted
// suggestion applied in version 2, an undecided comment and two replies
// gives, in the document's language, the consultation period (opened
// today, due 31.12.2026, open), the participants with organisation and
// counts, the comments by decision, every reply and "applied in version
// 2" — in the HTML (escaped), the CSV (the new columns at the end, a
// hostile name and reply defused) and the API's JSON; once closed, the
// closing date.
func TestReportCompleteInThreeLanguages(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	must(t, r.api("POST", "/api/v1/users", r.admin, map[string]string{"login": "zana", "name": hostileName,
		"organisation": "OJQ <i>Zëri</i>", "password": userPassword, "role": "reviewer"}), 201)
	today := timefmt.FormatDate(time.Now(), timefmt.Kosovo())
	var id int64
	for _, lang := range []string{"sq", "sr", "en"} {
		id = r.completeReportRound(lang)
		page := must(t, r.api("GET", docPath(id, "/rounds/1/report?format=html"), r.editor, nil), 200).Body
		checkReportHTML(t, lang, page, today)
		checkReportCSV(t, lang, must(t, r.api("GET", docPath(id, "/rounds/1/report?format=csv"), r.editor, nil), 200).Body)
		checkReportJSON(t, lang, must(t, r.api("GET", docPath(id, "/rounds/1/report?format=json"), r.editor, nil), 200).Body)
		checkParticipantsCSV(t, lang, must(t, r.api("GET", docPath(id, "/rounds/1/report?format=csv&table=participants"), r.editor, nil), 200).Body)
		if lang != "sr" {
			continue
		}
		must(t, r.api("POST", docPath(id, "/rounds/1/close"), r.editor, nil), 200)
		doc := parseHTML(t, must(t, r.api("GET", docPath(id, "/rounds/1/report"), r.editor, nil), 200).Body)
		if got := textOf(byID(doc, "report-closed")); got != today {
			t.Errorf("closed round: closed %q, want %q", got, today)
		}
	}
	if res := r.api("GET", docPath(id, "/rounds/1/report?format=csv&table=votes"), r.editor, nil); res.Status != 422 || !strings.Contains(string(res.Body), "participants") {
		t.Errorf("table=votes: %d %s", res.Status, res.Body)
	}
	res := r.api("GET", docPath(id, "/rounds/1/report?format=xml"), r.editor, nil)
	if res.Status != 422 || !strings.Contains(string(res.Body), "json") {
		t.Errorf("format=xml: %d %s", res.Status, res.Body)
	}
}

func checkReportHTML(t *testing.T, lang string, page []byte, today string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<b>Zana", "<i>Zëri"} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("%s: the report lets %q through unescaped", lang, bad)
		}
	}
	doc := parseHTML(t, page)
	section := find(doc, func(n *html.Node) bool { return hasClass(n, "report-body") })
	checkReportWords(t, lang+" complete report", lang, section)
	var sb strings.Builder
	for c := section.FirstChild; c != nil; c = c.NextSibling {
		sb.WriteString(visibleText(c))
	}
	text := strings.Join(strings.Fields(sb.String()), " ")
	for _, w := range reportCompleteWords[lang] {
		if !strings.Contains(text, w) {
			t.Errorf("%s: the report lacks %q: %s", lang, w, text)
		}
	}
	if got := textOf(byID(doc, "report-opened")); got != today {
		t.Errorf("%s: opened %q, want %q", lang, got, today)
	}
	yes, no := map[string]string{"sq": "po", "sr": "da", "en": "yes"}[lang], map[string]string{"sq": "jo", "sr": "ne", "en": "no"}[lang]
	var rows []string
	for _, tr := range findAll(byID(doc, "report-participants"), tagged("tr"))[1:] {
		rows = append(rows, strings.Join(strings.Fields(textOf(tr)), " "))
	}
	want := []string{"VJOSA 2 0 " + yes, "ARTA 0 1 " + no, hostileName + " OJQ <i>Zëri</i> 0 1 " + no}
	if strings.Join(rows, " | ") != strings.Join(want, " | ") {
		t.Errorf("%s: participants %q, want %q", lang, rows, want)
	}
	replies := findAll(byID(doc, "report"), func(n *html.Node) bool { return hasClass(n, "report-replies") })
	if len(replies) != 2 || !strings.Contains(textOf(replies[0]), "ARTA") || !strings.Contains(textOf(replies[1]), hostileReply) {
		t.Errorf("%s: %d reply lists under the comments", lang, len(replies))
	}
}

// checkParticipantsCSV: the participants CSV names each participant with
// their counts and whether they commented, in the document's language, a
// hostile name defused.
func checkParticipantsCSV(t *testing.T, lang string, body []byte) {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil || len(records) != 4 {
		t.Fatalf("%s: participants CSV of %d records: %v", lang, len(records), err)
	}
	name := map[string]string{"sq": "Emri", "sr": "Ime", "en": "Name"}[lang]
	if h := records[0]; len(h) != 6 || h[0] != name {
		t.Errorf("%s: participants CSV header %q", lang, h)
	}
	yes, no := map[string]string{"sq": "po", "sr": "da", "en": "yes"}[lang], map[string]string{"sq": "jo", "sr": "ne", "en": "no"}[lang]
	var got []string
	for _, row := range records[1:] {
		got = append(got, strings.Join([]string{row[3], row[4], row[5]}, " "))
	}
	if want := []string{"2 0 " + yes, "0 1 " + no, "0 1 " + no}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s: participants CSV counts %q, want %q", lang, got, want)
	}
	if hostile := records[3][0]; strings.HasPrefix(hostile, "=") || !strings.Contains(hostile, "HYPERLINK") {
		t.Errorf("%s: the hostile name in the participants CSV: %q", lang, hostile)
	}
}

func checkReportCSV(t *testing.T, lang string, body []byte) {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil || len(records) != 3 {
		t.Fatalf("%s: CSV of %d records: %v", lang, len(records), err)
	}
	if h := records[0]; len(h) != 13 || h[11] != reportCSVHeads[lang][0] || h[12] != reportCSVHeads[lang][1] {
		t.Errorf("%s: CSV header %q", lang, h)
	}
	if row := records[1]; !strings.HasPrefix(row[11], "ARTA, ") || !strings.HasSuffix(row[11], ": OK.") || row[12] != "2" {
		t.Errorf("%s: CSV applied row %q", lang, row[11:])
	}
	if row := records[2]; !strings.HasPrefix(row[11], "'"+hostileName+", ") || !strings.HasSuffix(row[11], ": "+hostileReply) || row[12] != "" {
		t.Errorf("%s: CSV hostile reply %q", lang, row[11:])
	}
}

// reportJSONShape is the part of the API's report JSON the test reads.
type reportJSONShape struct {
	DocumentID int64  `json:"document_id"`
	Language   string `json:"language"`
	Round      struct {
		Number int    `json:"number"`
		Status string `json:"status"`
	} `json:"round"`
	Period struct {
		Opened time.Time `json:"opened"`
		Due    string    `json:"due"`
		Closed *string   `json:"closed"`
	} `json:"period"`
	Participants []struct {
		Login, Name, Organisation string
		Comments, Replies         int
		Commented                 bool
	} `json:"participants"`
	Counts   map[string]int `json:"counts"`
	Comments []struct {
		No             int    `json:"no"`
		Decision       string `json:"decision"`
		DecisionLabel  string `json:"decision_label"`
		AppliedVersion int    `json:"applied_version"`
		Replies        []struct{ Name, Organisation, Body string }
	} `json:"comments"`
}

func checkReportJSON(t *testing.T, lang string, body []byte) {
	t.Helper()
	var rep reportJSONShape
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatalf("%s: report JSON: %v\n%s", lang, err, body)
	}
	label := map[string]string{"sq": "E pranuar", "sr": "Prihvaćeno", "en": "Accepted"}[lang]
	if rep.Language != lang || rep.Round.Number != 1 || rep.Round.Status != "open" || rep.Period.Due != "2026-12-31" ||
		rep.Period.Opened.IsZero() || rep.Period.Closed != nil {
		t.Errorf("%s: JSON report %+v", lang, rep)
	}
	if c := rep.Counts; c["accepted"] != 1 || c["undecided"] != 1 || c["partially"] != 0 || c["rejected"] != 0 || c["replies"] != 2 {
		t.Errorf("%s: JSON counts %v", lang, c)
	}
	if p := rep.Participants; len(p) != 3 || p[0].Login != "vjosa" || p[0].Comments != 2 || !p[0].Commented ||
		p[2].Name != hostileName || p[2].Organisation != "OJQ <i>Zëri</i>" || p[2].Commented || p[2].Replies != 1 {
		t.Errorf("%s: JSON participants %+v", lang, p)
	}
	if c := rep.Comments; len(c) != 2 || c[0].Decision != "accepted" || c[0].DecisionLabel != label || c[0].AppliedVersion != 2 ||
		len(c[0].Replies) != 1 || c[0].Replies[0].Body != "OK." || c[1].AppliedVersion != 0 || c[1].Replies[0].Body != hostileReply {
		t.Errorf("%s: JSON comments %+v", lang, c)
	}
}
