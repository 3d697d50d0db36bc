package storetest

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/markdown"
	"policydesk/notify"
	"policydesk/review"
	"policydesk/storage/sqldb"
)

// inboxWorld is a document owned by an editor, shared with a reviewer
// who comments and a reader, and an outsider who may not read it, with the
// real drafting and review services over the store.
type inboxWorld struct {
	db                                *sqldb.DB
	rv                                *review.Service
	editor, reviewer, reader, outside *policydesk.User
	doc                               *drafts.Document
	clock                             time.Time
}

const inboxBody = "# Rregullore\n\n## Neni 1\n\n1. Qendra siguron ushqim për çdo fëmijë.\n"

func newInboxWorld(t *testing.T, db *sqldb.DB) *inboxWorld {
	w := &inboxWorld{db: db, clock: t0}
	ds := drafts.NewService(db, db, markdown.NewRenderer(16))
	ds.Now = func() time.Time { return w.clock }
	w.rv = review.NewService(ds, db)
	w.editor = MustCreateUser(t, db, "arta", policydesk.RoleEditor)
	w.reviewer = MustCreateUser(t, db, "vjosa", policydesk.RoleReviewer)
	w.reader = MustCreateUser(t, db, "dren", policydesk.RoleReviewer)
	w.outside = MustCreateUser(t, db, "lulzim", policydesk.RoleReviewer)
	w.doc = MustCreateDocument(t, db, w.editor, "Rregullore", "restricted", inboxBody)
	for login, role := range map[string]string{"vjosa": "reviewer", "dren": "reader"} {
		if _, err := ds.SetMember(w.as(w.editor), w.doc.ID, login, role); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *inboxWorld) as(u *policydesk.User) context.Context {
	return policydesk.NewContextWithUser(context.Background(), u)
}

func (w *inboxWorld) follower(holder string) *notify.Follower {
	f := notify.NewFollower(w.db, notify.Sources{Comments: w.db, Documents: w.db, Users: w.db, Rounds: w.db}, holder)
	f.Now = func() time.Time { return w.clock }
	return f
}

// inboxOf lists a user's items as "kind:actor".
func inboxOf(t *testing.T, db *sqldb.DB, u *policydesk.User) []string {
	t.Helper()
	p, err := db.FindInbox(context.Background(), u.ID, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, it := range p.Items {
		out = append(out, it.Kind+":"+it.Actor)
	}
	sort.Strings(out)
	return out
}

func assertInbox(t *testing.T, db *sqldb.DB, u *policydesk.User, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := inboxOf(t, db, u); !slices.Equal(got, want) {
		t.Errorf("inbox of %s = %v, want %v", u.Login, got, want)
	}
}

// drain steps f until the log is followed.
func drain(t *testing.T, f *notify.Follower) {
	t.Helper()
	for range 100 {
		n, err := f.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the follower never caught up")
}

// events makes one of each: a comment mentioning the reader, the editor's
// reply, the reviewer's reply mentioning the editor, a decision.
func (w *inboxWorld) events(t *testing.T) {
	t.Helper()
	c, err := w.rv.AddComment(w.as(w.reviewer), w.doc.ID, review.NewComment{Quote: "ushqim", Body: "Cila ushqim? @dren, shiko."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.rv.Reply(w.as(w.editor), c.ID, "Ushqim i shëndetshëm."); err != nil {
		t.Fatal(err)
	}
	if _, err := w.rv.Reply(w.as(w.reviewer), c.ID, "Faleminderit @arta."); err != nil {
		t.Fatal(err)
	}
	if _, err := w.rv.Decide(w.as(w.editor), c.ID, "accepted", "Pranohet."); err != nil {
		t.Fatal(err)
	}
}

func (w *inboxWorld) wantEvents(t *testing.T) {
	t.Helper()
	assertInbox(t, w.db, w.editor, "comment:vjosa", "mention:vjosa")
	assertInbox(t, w.db, w.reviewer, "reply:arta", "decision:arta")
	assertInbox(t, w.db, w.reader, "mention:vjosa")
	assertInbox(t, w.db, w.outside)
}

// Each kind of event reaches the right people once, and never its actor.
func testInbox_FollowerEveryKind(t *testing.T, open Opener) {
	w := newInboxWorld(t, open(t).DB)
	w.events(t)
	drain(t, w.follower("a"))
	w.wantEvents(t)
	drain(t, w.follower("a"))
	w.wantEvents(t)
}

// A follower that dies mid-way (its batch written, or not) is taken over
// after its lease by another replica, which adds nothing twice.
func testInbox_FollowerRestartAndTwoReplicas(t *testing.T, open Opener) {
	b := open(t)
	w := newInboxWorld(t, b.DB)
	w.events(t)
	first := w.follower("replica-1")
	first.Batch = 2
	if _, err := first.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := w.follower("replica-2")
	if _, err := second.Step(context.Background()); policydesk.ErrorCode(err) != policydesk.EConflict {
		t.Fatalf("a second replica during the first one's lease: %v, want a conflict", err)
	}
	// The first replica reads its next batch, then stops before writing:
	// its lease runs out and the second takes over from the same position.
	ctx := context.Background()
	pos, err := b.DB.ClaimFollower(ctx, "inbox", "replica-1", w.clock, first.Lease)
	if err != nil {
		t.Fatal(err)
	}
	next, err := b.DB.AuditAfter(ctx, pos, 2)
	if err != nil || len(next) != 2 {
		t.Fatalf("the next batch: %d entries (%v)", len(next), err)
	}
	w.clock = w.clock.Add(time.Minute)
	drain(t, second)
	w.wantEvents(t)
	// The first one comes back and writes its batch: refused, nothing added.
	before := CountRows(t, b.Raw, "inbox_items")
	late := []*notify.Item{{Key: "late", UserID: w.editor.ID, Kind: notify.KindComment, DocumentID: w.doc.ID, At: w.clock, Mail: "none"}}
	err = b.DB.AddInboxItems(ctx, "inbox", "replica-1", w.clock, pos, next[1].ID, late)
	assertCode(t, err, policydesk.EConflict)
	if got := CountRows(t, b.Raw, "inbox_items"); got != before {
		t.Fatalf("a stale follower changed the inbox: %d items, then %d", before, got)
	}

	// Two replicas stepping at once on new events: every item once.
	w.events(t)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, f := range []*notify.Follower{w.follower("replica-1"), w.follower("replica-2")} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := f.Step(context.Background()); err != nil && policydesk.ErrorCode(err) != policydesk.EConflict {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := len(inboxOf(t, b.DB, w.editor)); got != 4 {
		t.Fatalf("editor has %d items after two rounds of events on two replicas, want 4", got)
	}
	if got := CountRows(t, b.Raw, "inbox_items"); got != 10 {
		t.Fatalf("%d inbox items, want 10 (5 per round of events)", got)
	}
}

// Mentions of no such user, or of one who may not read the document, are
// refused naming the login and write nothing.
func testInbox_MentionsRefused(t *testing.T, open Opener) {
	b := open(t)
	w := newInboxWorld(t, b.DB)
	before := CountRows(t, b.Raw, "audit_log")
	for body, login := range map[string]string{"Shiko @lulzim": "@lulzim", "Pyet @nobody.": "@nobody"} {
		_, err := w.rv.AddComment(w.as(w.reviewer), w.doc.ID, review.NewComment{Quote: "ushqim", Body: body})
		var e *policydesk.Error
		if !errors.As(err, &e) || e.Code != policydesk.EInvalid || !strings.Contains(e.Message, login) {
			t.Errorf("comment %q: %v, want a refusal naming %s", body, err, login)
		}
	}
	if got := CountRows(t, b.Raw, "audit_log"); got != before || CountRows(t, b.Raw, "comments") != 0 {
		t.Fatalf("refused mentions wrote something: audit %d → %d", before, got)
	}
	// An e-mail address and code are no mentions.
	c, err := w.rv.AddComment(w.as(w.reviewer), w.doc.ID, review.NewComment{Quote: "ushqim", Body: "Shkruani në info@lulzim.org ose `@lulzim`."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.rv.Reply(w.as(w.editor), c.ID, "Jo @lulzim"); policydesk.ErrorCode(err) != policydesk.EInvalid {
		t.Fatalf("reply mentioning an outsider: %v, want refused", err)
	}
}

// The store's reads and marks: newest first, unread counts, read marks only
// on one's own items, mail settings and the mail queue's bookkeeping.
func testInbox_ReadMarksAndMail(t *testing.T, open Opener) {
	b := open(t)
	w := newInboxWorld(t, b.DB)
	ctx := context.Background()
	if err := b.DB.SetMailSetting(ctx, w.reviewer.ID, notify.SettingDigest, "vjosa@example.org"); err != nil {
		t.Fatal(err)
	}
	if r, err := b.DB.FindRecipient(ctx, w.editor.ID); err != nil || r.Mail != notify.SettingImmediately || r.Email != "" {
		t.Fatalf("default mail setting: %+v, %v", r, err)
	}
	w.events(t)
	drain(t, w.follower("a"))
	p, err := b.DB.FindInbox(ctx, w.editor.ID, 1, 0)
	if err != nil || p.Total != 2 || p.Unread != 2 || len(p.Items) != 1 || p.Items[0].Kind != notify.KindMention {
		t.Fatalf("first page of one: %+v, %v", p, err)
	}
	if p.Items[0].DocumentTitle != "Rregullore" || p.Items[0].CommentID == 0 || p.Items[0].ActorName != "VJOSA" {
		t.Fatalf("item lacks what the page shows: %+v", p.Items[0])
	}
	older, _ := b.DB.FindInbox(ctx, w.editor.ID, 1, 1)
	if older.Items[0].Kind != notify.KindComment || older.Items[0].ID >= p.Items[0].ID {
		t.Fatalf("second page: %+v", older.Items[0])
	}
	if n, err := b.DB.MarkRead(ctx, w.reviewer.ID, []int64{p.Items[0].ID}); err != nil || n != 0 {
		t.Fatalf("another user's mark read changed %d items (%v)", n, err)
	}
	if n, _ := b.DB.MarkRead(ctx, w.editor.ID, []int64{p.Items[0].ID}); n != 1 {
		t.Fatalf("mark read changed %d items, want 1", n)
	}
	if n, _ := b.DB.CountUnread(ctx, w.editor.ID); n != 1 {
		t.Fatalf("unread after one mark = %d, want 1", n)
	}
	if n, _ := b.DB.MarkRead(ctx, w.editor.ID, nil); n != 1 {
		t.Fatalf("mark all read changed %d, want 1", n)
	}
	now, err := b.DB.UnmailedItems(ctx, 100)
	if err != nil || len(now) != 3 {
		t.Fatalf("items to mail now: %d (%v), want the editor's 2 and the reader's 1", len(now), err)
	}
	if err := b.DB.MarkMailed(ctx, []int64{now[0].ID, now[1].ID}, w.clock); err != nil {
		t.Fatal(err)
	}
	if left, _ := b.DB.UnmailedItems(ctx, 100); len(left) != 1 {
		t.Fatalf("after marking 2 mailed, %d left, want 1", len(left))
	}
	testInbox_DigestChosenOnce(t, w)
}

// A day's digest is chosen once: items that come in later wait for the
// next day's, whatever the attempts in between.
func testInbox_DigestChosenOnce(t *testing.T, w *inboxWorld) {
	ctx, db := context.Background(), w.db
	cut := w.clock.Add(time.Hour)
	if users, err := db.DigestUsers(ctx, cut, 0, 10); err != nil || len(users) != 1 || users[0] != w.reviewer.ID {
		t.Fatalf("digest users: %v (%v), want the reviewer", users, err)
	}
	if users, _ := db.DigestUsers(ctx, w.clock.Add(-time.Hour), 0, 10); len(users) != 0 {
		t.Fatalf("items made after the digest time are due: %v", users)
	}
	first, err := db.DigestItems(ctx, w.reviewer.ID, "2026-03-01", cut)
	if err != nil || len(first) != 2 {
		t.Fatalf("the day's digest: %d items (%v), want 2", len(first), err)
	}
	w.events(t)
	drain(t, w.follower("a"))
	if again, _ := db.DigestItems(ctx, w.reviewer.ID, "2026-03-01", cut); len(again) != 2 || again[0].ID != first[0].ID {
		t.Fatalf("a second attempt the same day chose %d items, want the same 2", len(again))
	}
	if err := db.MarkMailed(ctx, []int64{first[0].ID, first[1].ID}, w.clock); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.DigestItems(ctx, w.reviewer.ID, "2026-03-01", cut); len(again) != 0 {
		t.Fatalf("after mailing, the day's digest still has %d items", len(again))
	}
	if next, _ := db.DigestItems(ctx, w.reviewer.ID, "2026-03-02", cut.Add(24*time.Hour)); len(next) != 2 {
		t.Fatalf("the next day's digest has %d items, want the 2 that came later", len(next))
	}
}
