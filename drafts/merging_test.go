package drafts_test

import (
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts"
)

// TestReviewMerge: the merge a refused save proposed is rebuilt from the
// two version numbers and the editor's text, with who saved first; it is
// refused for versions that make no merge and for a reader (who may not
// change the document); Settle keeps
// each side's wording as chosen and refuses a conflict without a choice,
// naming it.
func TestReviewMerge(t *testing.T) {
	const base = "# Rregullore\n\nParagrafi i parë.\n\nParagrafi i dytë.\n"
	head := strings.Replace(base, "i parë.", "i parë sipas Besës.", 1)
	mine := strings.Replace(base, "i parë.", "i parë sipas Anës.", 1)
	f := newFixture(t)
	ana, besa := f.User("ana", policydesk.RoleEditor), f.User("besa", policydesk.RoleEditor)
	reader := f.User("drita", policydesk.RoleStaff)
	doc := f.CreateDocument(ana, "Rregullore", "internal", base)
	if _, err := f.Drafts.SaveVersion(as(besa), doc.ID, 1, head, "Besa"); err != nil {
		t.Fatal(err)
	}
	m, err := f.Drafts.ReviewMerge(as(ana), doc.ID, 1, 2, strings.ReplaceAll(mine, "\n", "\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Base.Number != 1 || m.Head.Number != 2 || m.HeadSaver != "besa" || len(m.Since) != 1 || m.Head.Message != "Besa" || m.Mine != mine {
		t.Errorf("merge review = base %d head %d by %q since %d, mine %q", m.Base.Number, m.Head.Number, m.HeadSaver, len(m.Since), m.Mine)
	}
	if m.Merged.Conflicts() != 1 {
		t.Fatalf("%d conflicts, want 1: %q", m.Merged.Conflicts(), m.Merged.Text())
	}
	for keep, want := range map[string]string{drafts.KeepMine: mine, drafts.KeepTheirs: head,
		drafts.KeepEdited: strings.Replace(base, "i parë.", "i parë, i përbashkët.", 1)} {
		got, err := m.Settle([]drafts.Choice{{Keep: keep, Text: "Paragrafi i parë, i përbashkët.\n"}})
		if err != nil || got != want {
			t.Errorf("keeping %s: %q, %v; want %q", keep, got, err, want)
		}
	}
	_, err = m.Settle([]drafts.Choice{{}})
	assertCode(t, err, policydesk.EInvalid)
	if field := policydesk.ErrorField(err); field != drafts.ConflictField(0) {
		t.Errorf("a missing choice is about %q, want %q", field, drafts.ConflictField(0))
	}
	_, err = m.Settle(nil)
	assertCode(t, err, policydesk.EInvalid)

	for _, bad := range [][2]int{{0, 2}, {2, 2}, {1, 3}, {2, 1}} {
		_, err := f.Drafts.ReviewMerge(as(ana), doc.ID, bad[0], bad[1], mine)
		assertCode(t, err, policydesk.EInvalid)
	}
	if _, err := f.Drafts.SetMember(as(ana), doc.ID, "drita", "reader"); err != nil {
		t.Fatal(err)
	}
	_, err = f.Drafts.ReviewMerge(as(reader), doc.ID, 1, 2, mine)
	assertCode(t, err, policydesk.EForbidden)
}
