package web_test

import (
	"fmt"
	"strconv"
	"testing"
)

// TestVersionMessagesInDocumentLanguage: the messages the service writes
// into a document's versions — applying a suggestion (with the article:
// "neni 1", "član 1") and restoring a version — are in the document's
// language, not in that of the editor who acts: an Albanian document's
// are Albanian for an editor who reads English, a Serbian one's Serbian
// for one who reads Albanian, an English one's English for one who reads
// Serbian.
func TestVersionMessagesInDocumentLanguage(t *testing.T) {
	t.Parallel()
	r := newReviewEnv(t)
	want := map[string][2]string{
		"sq": {"U zbatua sugjerimi i komentit %d nga vjosa (neni 1)", "U rikthye versioni 1"},
		"sr": {"Primenjen je predlog iz komentara %d (autor: vjosa, član 1)", "Vraćena je verzija 1"},
		"en": {"Applied the suggestion of comment %d by vjosa (article 1)", "Restored version 1"},
	}
	for _, c := range []struct{ doc, editor string }{{"sq", "en"}, {"sr", "sq"}, {"en", "sr"}} {
		id, cid := r.reportRound(c.doc)
		must(t, r.api("PATCH", "/api/v1/users/me", r.editor, map[string]string{"language": c.editor}), 200)
		applied := must(t, r.api("POST", commentPath(cid, "/apply"), r.editor, map[string]any{"base": 1}), 201).object(t)
		restored := must(t, r.api("POST", docPath(id, "/versions/1/restore"), r.editor, map[string]any{"base": 2}), 201).object(t)
		for i, v := range []map[string]any{applied, restored} {
			msg := want[c.doc][i]
			if i == 0 {
				msg = fmt.Sprintf(msg, cid)
			}
			stored := must(t, r.api("GET", docPath(id, "/versions/"+strconv.Itoa(2+i)), r.editor, nil), 200).object(t)
			if v["message"] != msg || stored["message"] != msg {
				t.Errorf("%s document, %s editor: version %d's message is %q (stored %q), want %q", c.doc, c.editor, 2+i, v["message"], stored["message"], msg)
			}
		}
	}
}
