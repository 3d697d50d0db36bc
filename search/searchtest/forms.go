package searchtest

import (
	"strings"
	"testing"

	"policydesk/search"
)

// formsEntries hold other forms of the words of Corpus: an Albanian
// article written with "Mbrojtjen e fëmijës" beside one with "mbrojtja e
// fëmijëve", and Serbian texts in both scripts.
func formsEntries() []search.Entry {
	base := search.Entry{Type: search.TypeDocument, Kind: "regulation", Status: "draft", Language: "sq",
		Visibility: "internal", Year: 2026}
	e := func(id string, doc int64, lang, title, text string) search.Entry {
		x := base
		x.ID, x.DocumentID, x.Language, x.Title, x.Text = id, doc, lang, title, text
		return x
	}
	return []search.Entry{
		e("doc:20:_", 20, "sq", "Ligji për mbrojtjen e fëmijës", "Mbrojtja e fëmijëve është detyrë e qendrave ditore."),
		e("doc:21:_", 21, "sq", "Udhëzim", "Mbrojtjen e fëmijës e siguron qendra."),
		e("doc:22:_", 22, "sr", "Uputstvo", "Centar za socijalni rad brine o zaštiti dece."),
		e("doc:23:_", 23, "sr", "Правилник", "Заштитом деце бави се центар."),
		e("doc:24:_", 24, "en", "Policy", "Schools protect children from violence."),
		e("doc:25:_", 25, "sq", "Qëndrimi", "Kohëzgjatja e qëndrimit në qendër."),
	}
}

func testWordForms(t *testing.T, ix search.Index) {
	upsert(t, ix, formsEntries()...)
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"mbrojtja e fëmijëve", []string{"doc:20:_", "doc:21:_"}}, // both forms
		{"mbrojtjes femijes", []string{"doc:20:_", "doc:21:_"}},   // neither form as written
		{"zaštita dece", []string{"doc:22:_", "doc:23:_"}},        // Latin finds Cyrillic forms
		{"заштита деце", []string{"doc:22:_", "doc:23:_"}},        // and the other way
		{"centra zaštite", []string{"doc:22:_", "doc:23:_"}},      // centar/centra: the fleeting a
		{"protection child", []string{"doc:24:_"}},                // English stems
	} {
		res := find(t, ix, admin(c.q))
		for _, id := range c.want {
			if hitByID(res, id) == nil {
				t.Errorf("%q: %s not found in %q", c.q, id, ids(res))
			}
		}
	}
	// The forms as written rank first.
	res := find(t, ix, admin("mbrojtja fëmijëve"))
	if len(res.Hits) < 2 || res.Hits[0].ID != "doc:20:_" {
		t.Errorf(`"mbrojtja fëmijëve": hits %q, want doc:20:_ (the words as written) first`, ids(res))
	}
	// The other forms are marked in snippets.
	res = find(t, ix, admin("mbrojtja fëmijëve"))
	if h := hitByID(res, "doc:21:_"); h == nil || !strings.Contains(h.Snippet, "<mark>Mbrojtjen</mark>") ||
		!strings.Contains(h.Snippet, "<mark>fëmijës</mark>") {
		t.Errorf("snippet of another form: %+v", h)
	}
	// Different words are kept apart: "qendra" (centre) is not "qëndrim" (stay).
	if res := find(t, ix, admin("qendrimit")); hitByID(res, "doc:20:_") != nil || hitByID(res, "doc:21:_") != nil ||
		hitByID(res, "doc:25:_") == nil {
		t.Errorf(`"qendrimit": hits %q, want doc:25:_ only`, ids(res))
	}
}

func testStopWords(t *testing.T, ix search.Index) {
	upsert(t, ix, formsEntries()...)
	// "e" and "të" are not looked for: a text without them would match.
	upsert(t, ix, search.Entry{ID: "doc:26:_", Type: search.TypeDocument, DocumentID: 26, Title: "Mbrojtja",
		Kind: "regulation", Status: "draft", Language: "sq", Visibility: "internal", Year: 2026,
		Text: "Mbrojtja fëmijëve"})
	wantFound(t, ix, "mbrojtja e të fëmijëve", "doc:26:_")
	wantFound(t, ix, "the children", "doc:24:_")
	// A query of stop words only still looks for them.
	if res := find(t, ix, admin("e")); hitByID(res, "doc:20:_") == nil || hitByID(res, "doc:26:_") != nil {
		t.Errorf(`"e": hits %q, want the texts holding "e"`, ids(res))
	}
	// Stop words are never marked.
	for _, q := range []string{"mbrojtja e fëmijëve", "e"} {
		for _, h := range find(t, ix, admin(q)).Hits {
			if strings.Contains(h.Snippet, "<mark>e</mark>") {
				t.Errorf("%q: snippet of %s marks a stop word: %s", q, h.ID, h.Snippet)
			}
		}
	}
}
