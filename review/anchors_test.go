package review_test

import (
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
)

func TestComments_AnchorsFollowLaterVersions(t *testing.T) {
	f := newFixture(t)
	c := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: quote, Body: "Koment në nenin 1"})
	gone := f.comment(f.reviewer, review.NewComment{Version: 1, Quote: "shtatë ditë pas publikimit", Body: "Koment në nenin 3"})

	find := func(at int, id int64) *review.Comment {
		t.Helper()
		cs, err := f.svc.Comments(f.as(f.reviewer), f.doc.ID, review.CommentFilter{}, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range cs {
			if x.ID == id {
				return x
			}
		}
		t.Fatalf("comment %d missing from version %d (never drop a comment)", id, at)
		return nil
	}
	intact := func(v *drafts.Version, what string) {
		t.Helper()
		got := find(v.Number, c.ID)
		if got.Outdated || got.Orphaned {
			t.Errorf("%s: comment outdated=%v orphaned=%v, want intact", what, got.Outdated, got.Orphaned)
		}
		if got.Anchor.Version != v.Number || runes(v.Body, got.Anchor) != quote || got.Quote != quote {
			t.Errorf("%s: anchor %+v holds %q, want %q in v%d", what, got.Anchor, runes(v.Body, got.Anchor), quote, v.Number)
		}
	}

	// An edit in another article.
	v2 := f.save(title + art1 + art2 + strings.Replace(art3, "shtatë ditë", "pesëmbëdhjetë ditë", 1))
	intact(v2, "edit in article 3")

	// A new article before the quoted one renumbers it: Neni 1 becomes Neni 2.
	newArt := "## Neni 1 – Përkufizimet\n\nNë këtë rregullore, “qendër ditore” është çdo institucion për fëmijë.\n\n"
	renumber := func(s, from, to string) string { return strings.Replace(s, "## Neni "+from+" ", "## Neni "+to+" ", 1) }
	v3 := f.save(title + newArt + renumber(art1, "1", "2") + renumber(art2, "2", "3") +
		renumber(strings.Replace(art3, "shtatë ditë", "pesëmbëdhjetë ditë", 1), "3", "4"))
	intact(v3, "new article before it")
	if before := find(v3.Number, c.ID).Anchor.Start; before <= c.Start {
		t.Errorf("anchor start %d in v3 did not move past the inserted article (v1: %d)", before, c.Start)
	}

	// An edit inside the quoted words makes it outdated, with its quote kept.
	v4 := f.save(strings.Replace(v3.Body, "të shëndetshëm", "të freskët", 1))
	got := find(v4.Number, c.ID)
	if !got.Outdated || got.Quote != quote {
		t.Errorf("edit inside the words: outdated=%v quote=%q, want outdated with %q", got.Outdated, got.Quote, quote)
	}
	// Still intact in v3 when viewed there.
	intact(v3, "viewed in v3 after v4 exists")

	// Article 3's words were changed in v2; deleting the whole article
	// (Neni 4 in v4) orphans a comment on it: outdated, never dropped.
	i := strings.Index(v4.Body, "## Neni 4 ")
	v5 := f.save(v4.Body[:i])
	g := find(v5.Number, gone.ID)
	if !g.Outdated || !g.Orphaned || g.Quote != "shtatë ditë pas publikimit" {
		t.Errorf("comment on a deleted article: outdated=%v orphaned=%v quote=%q", g.Outdated, g.Orphaned, g.Quote)
	}
	if g.Anchor.Version != 1 || runes(bodyV1, g.Anchor) != g.Quote {
		t.Errorf("orphaned anchor %+v should stay in the version it was made on", g.Anchor)
	}
	// Head is the default view.
	cs, err := f.svc.Comments(f.as(f.reviewer), f.doc.ID, review.CommentFilter{}, 0)
	if err != nil || len(cs) != 2 {
		t.Errorf("comments at head: %d, %v; want 2", len(cs), err)
	}
	_, err = f.svc.Comments(f.as(f.outsider), f.doc.ID, review.CommentFilter{}, 0)
	wantCode(t, err, policydesk.ENotFound)
}
