package redline_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"policydesk/review/redline"
)

// kinds lists the redline's segments as "kind status label".
func kinds(r *redline.Redline) []string {
	var out []string
	for _, art := range r.Articles {
		out = append(out, fmt.Sprintf("%s %s %s", art.Kind, art.Status, redline.Label(art)))
	}
	return out
}

// opText joins the ops of an article of b (equal and insert).
func opText(art redline.Article) string {
	var sb strings.Builder
	for _, op := range art.Ops {
		if op.Op != redline.OpDelete {
			sb.WriteString(op.Text)
		}
	}
	return sb.String()
}

// TestChapterHeadingsAreUnits checks, in Albanian, Serbian and English
// drafts, that a chapter or section heading is a segment of its own
// (kind "heading"), not the tail of the article before it, and that it is
// aligned across versions by its title even when renumbered.
func TestChapterHeadingsAreUnits(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       []string
		stats      redline.Stats
	}{
		{
			name: "albanian, a chapter inserted before another, which is renumbered",
			a:    "# Ligji\n\n## Neni 1\n\n" + t1 + "\n\n## KAPITULLI II – DISPOZITAT KALIMTARE\n\n## Neni 2\n\n" + t2 + "\n",
			b: "# Ligji\n\n## Neni 1\n\n" + t1 + "\n\n## KAPITULLI II – MBIKËQYRJA\n\n## Neni 2\n\n" + t4 +
				"\n\n## KAPITULLI III – DISPOZITAT KALIMTARE\n\n## Neni 3\n\n" + t2 + "\n",
			want: []string{
				"preamble unchanged Preamble",
				"article unchanged Neni 1",
				"heading added KAPITULLI II – MBIKËQYRJA (added)",
				"article added Neni 2 (added)",
				"heading unchanged KAPITULLI III – DISPOZITAT KALIMTARE (renumbered from II)",
				"article unchanged Neni 2 → Neni 3 (renumbered)",
			},
			stats: redline.Stats{ArticlesAdded: 1, WordsInserted: 13},
		},
		{
			name: "serbian, a bare chapter line with its title below, title changed",
			a:    "Zakon\n\nČlan 1\n\n" + t1 + "\n\nPOGLAVLJE III\n\nPRELAZNE ODREDBE\n\nČlan 2\n\n" + t2 + "\n",
			b:    "Zakon\n\nČlan 1\n\n" + t1 + "\n\nPOGLAVLJE III\n\nPRELAZNE I ZAVRŠNE ODREDBE\n\nČlan 2\n\n" + t2 + "\n",
			want: []string{
				"preamble unchanged Preamble",
				"article unchanged Član 1",
				"heading changed POGLAVLJE III (changed)",
				"article unchanged Član 2",
			},
			stats: redline.Stats{WordsInserted: 2},
		},
		{
			name: "english, a section heading removed between two articles",
			a:    "# Law\n\n**Article 1**\n\n" + t1 + "\n\n**Section 2 – Supervision**\n\n**Article 2**\n\n" + t2 + "\n",
			b:    "# Law\n\n**Article 1**\n\n" + t1 + "\n\n**Article 2**\n\n" + t2 + "\n",
			want: []string{
				"preamble unchanged Preamble",
				"article unchanged Article 1",
				"heading deleted Section 2 – Supervision (deleted)",
				"article unchanged Article 2",
			},
			stats: redline.Stats{WordsDeleted: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := redline.Compute(tt.a, tt.b, nil, nil)
			checkReconstruct(t, r, tt.a, tt.b)
			if got := kinds(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("segments\n%q\nwant\n%q", got, tt.want)
			}
			if r.Stats != tt.stats {
				t.Errorf("stats %+v, want %+v", r.Stats, tt.stats)
			}
			for _, art := range r.Articles {
				if art.Kind == redline.KindArticle && (strings.Contains(opText(art), "KAPITULLI") ||
					strings.Contains(opText(art), "POGLAVLJE") || strings.Contains(opText(art), "Section")) {
					t.Errorf("%s holds a chapter heading: %q", redline.Label(art), opText(art))
				}
			}
			ao, bo := outlines(tt.a, tt.b)
			if withIDs := redline.Compute(tt.a, tt.b, ao, bo); !reflect.DeepEqual(kinds(withIDs), tt.want) {
				t.Errorf("with stored outlines: %q", kinds(withIDs))
			}
		})
	}
}

// TestHeadingJSON checks that the API's redline JSON carries the kind of
// every segment, "heading" for a chapter heading.
func TestHeadingJSON(t *testing.T) {
	a := "## Neni 1\n\n" + t1 + "\n\n## KAPITULLI II\n\n## Neni 2\n\n" + t2 + "\n"
	raw, err := json.Marshal(redline.Compute(a, strings.Replace(a, "II", "III", 1), nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Articles []struct{ Kind, Status, FromNum, ToNum, Heading string }
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	var heads []string
	for _, art := range got.Articles {
		heads = append(heads, art.Kind+" "+art.Status+" "+art.Heading)
	}
	want := []string{"article unchanged Neni 1", "heading unchanged KAPITULLI III", "article unchanged Neni 2"}
	if !reflect.DeepEqual(heads, want) {
		t.Errorf("JSON segments %q, want %q\n%s", heads, want, raw)
	}
}
