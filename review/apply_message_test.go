package review_test

import (
	"fmt"
	"strings"
	"testing"

	"policydesk/review"
)

// TestApplyMessage_EnglishWithoutTranslator: a service given no Translator
// writes an applied suggestion's version message in English, naming the
// article the words are in, and no article for words outside one (the
// title). cmd and the web's tests give it the catalogs; see
// web/language_written_test.go for the document's languages.
func TestApplyMessage_EnglishWithoutTranslator(t *testing.T) {
	f := newFixture(t)
	inArticle := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: quote, Body: "Larmi.", Suggestion: strp("ushqim të larmishëm")})
	inTitle := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: "Rregullore për", Body: "Emri.", Suggestion: strp("Rregullorja për")})
	for i, c := range []struct {
		id   int64
		want string
	}{
		{inArticle.ID, fmt.Sprintf("Applied the suggestion of comment %d by vjosa (article 1)", inArticle.ID)},
		{inTitle.ID, fmt.Sprintf("Applied the suggestion of comment %d by vjosa", inTitle.ID)},
	} {
		v, err := f.svc.Apply(f.as(f.editor), c.id, 1+i)
		if err != nil {
			t.Fatal(err)
		}
		if v.Message != c.want || !strings.Contains(v.Body, "larmishëm") {
			t.Errorf("version %d: message %q, want %q", v.Number, v.Message, c.want)
		}
	}
}
