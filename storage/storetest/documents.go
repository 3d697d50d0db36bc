package storetest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/outline"
)

func testCreateDocument(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB
	raw := be.Raw
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)

	body := "# Rregullore\n\n## Neni 1 – Qëllimi\n\nTeksti.\n"
	doc := &drafts.Document{Title: "Rregullore për qendrat ditore", Kind: "regulation", Language: "sq", Status: "draft",
		Visibility: "restricted", CreatedBy: ana.ID, CreatedAt: t0, UpdatedAt: t0}
	v := &drafts.Version{Number: 1, Body: body, SHA256: drafts.SHA256Hex(body), AuthorID: ana.ID, Message: "First version",
		CreatedAt: t0, Outline: outline.Parse(body)}
	audit := &policydesk.AuditEntry{At: t0, ActorID: ana.ID, Actor: "ana", Action: "document.create", ObjectType: "document"}
	if err := db.CreateDocument(ctx, doc, v, audit); err != nil {
		t.Fatal(err)
	}
	if doc.ID == 0 || v.DocumentID != doc.ID {
		t.Fatalf("doc.ID = %d, v.DocumentID = %d", doc.ID, v.DocumentID)
	}

	got, err := db.FindDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != doc.Title || got.Head != 1 || got.Owner != "ana" || got.CreatedBy != ana.ID ||
		got.Visibility != "restricted" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("found %+v", got)
	}
	gv, err := db.FindVersion(ctx, doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if gv.Body != body || gv.SHA256 != v.SHA256 || gv.Author != "ana" || len(gv.Outline) != 1 || gv.Outline[0].Num != "1" {
		t.Fatalf("version %+v", gv)
	}
	entries, total, err := db.FindAudit(ctx, policydesk.AuditFilter{ObjectType: "document", ObjectID: strconv.FormatInt(doc.ID, 10), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || entries[0].Action != "document.create" || entries[0].Actor != "ana" || entries[0].ActorID != ana.ID {
		t.Fatalf("audit: total %d, %+v", total, entries)
	}

	t.Run("not found", func(t *testing.T) {
		d, err := db.FindDocument(ctx, 4242)
		assertCode(t, err, policydesk.ENotFound)
		if d != nil {
			t.Fatal("document returned with not-found")
		}
		v, err := db.FindVersion(ctx, doc.ID, 2)
		assertCode(t, err, policydesk.ENotFound)
		if v != nil {
			t.Fatal("version returned with not-found")
		}
	})

	// A failing version insert must take the document and audit row with it.
	t.Run("one transaction", func(t *testing.T) {
		docs, vers, audits := CountRows(t, raw, "documents"), CountRows(t, raw, "versions"), CountRows(t, raw, "audit_log")
		bad := &drafts.Document{Title: "x", Kind: "sop", Language: "en", Status: "draft", Visibility: "internal", CreatedBy: ana.ID, CreatedAt: t0, UpdatedAt: t0}
		bv := &drafts.Version{Number: 1, Body: "x", SHA256: drafts.SHA256Hex("x"), AuthorID: 9999, CreatedAt: t0}
		if err := db.CreateDocument(ctx, bad, bv, &policydesk.AuditEntry{At: t0, Action: "document.create", ObjectType: "document"}); err == nil {
			t.Fatal("version by an unknown author accepted")
		}
		if d, v, a := CountRows(t, raw, "documents"), CountRows(t, raw, "versions"), CountRows(t, raw, "audit_log"); d != docs || v != vers || a != audits {
			t.Fatalf("rows after failed create: documents %d→%d, versions %d→%d, audit %d→%d", docs, d, vers, v, audits, a)
		}
	})
}

func testAddVersion(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1")

	audit := &policydesk.AuditEntry{At: t0, ActorID: ana.ID, Actor: "ana", Action: "version.create", ObjectType: "document", ObjectID: strconv.FormatInt(doc.ID, 10)}
	v2 := newVersion(doc, 2, ana, "## Neni 1\n\nv2\n")
	if err := db.AddVersion(ctx, v2, audit); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Head != 2 || !got.UpdatedAt.Equal(v2.CreatedAt) {
		t.Fatalf("head %d updated %v after AddVersion", got.Head, got.UpdatedAt)
	}
	gv, err := db.FindVersion(ctx, doc.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if gv.Body != v2.Body || len(gv.Outline) != 1 {
		t.Fatalf("version 2: %+v", gv)
	}

	versions, err := db.FindVersions(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[0].Number != 2 || versions[1].Number != 1 || versions[0].Body != "" {
		t.Fatalf("FindVersions = %+v, want 2,1 without bodies", versions)
	}

	t.Run("stale base", func(t *testing.T) {
		before := auditTotal(t, db)
		stale := newVersion(doc, 2, ana, "lost race")
		err := db.AddVersion(ctx, stale, &policydesk.AuditEntry{At: t0, Action: "version.create", ObjectType: "document"})
		assertCode(t, err, policydesk.EConflict)
		got, err := db.FindDocument(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Head != 2 {
			t.Fatalf("head = %d after refused save", got.Head)
		}
		if gv, _ := db.FindVersion(ctx, doc.ID, 2); gv.Body != v2.Body {
			t.Fatalf("version 2 overwritten: %q", gv.Body)
		}
		if versions, _ := db.FindVersions(ctx, doc.ID); len(versions) != 2 {
			t.Fatalf("%d versions after refused save", len(versions))
		}
		if after := auditTotal(t, db); after != before {
			t.Fatalf("audit %d → %d after refused save", before, after)
		}

		// A base ahead of the head is refused the same way.
		assertCode(t, db.AddVersion(ctx, newVersion(doc, 5, ana, "ahead"), nil), policydesk.EConflict)
		if _, err := db.FindVersion(ctx, doc.ID, 5); policydesk.ErrorCode(err) != policydesk.ENotFound {
			t.Fatalf("version 5 written: %v", err)
		}
	})
}

func testAddVersion_Concurrent(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	doc := MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1")
	before := auditTotal(t, db)

	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := newVersion(doc, 2, ana, fmt.Sprintf("writer %d", i))
			errs[i] = db.AddVersion(ctx, v, &policydesk.AuditEntry{At: t0, Action: "version.create", ObjectType: "document", ObjectID: strconv.FormatInt(doc.ID, 10)})
		}()
	}
	wg.Wait()

	ok := 0
	for i, err := range errs {
		switch policydesk.ErrorCode(err) {
		case "":
			ok++
		case policydesk.EConflict:
		default:
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d writers succeeded, want exactly 1", ok)
	}
	got, err := db.FindDocument(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Head != 2 {
		t.Fatalf("head = %d, want 2", got.Head)
	}
	if versions, _ := db.FindVersions(ctx, doc.ID); len(versions) != 2 {
		t.Fatalf("%d versions, want 2", len(versions))
	}
	if after := auditTotal(t, db); after != before+1 {
		t.Fatalf("audit grew by %d, want 1", after-before)
	}
}

// The database itself, not only the Go code, refuses to rewrite history.
func testImmutableTables(t *testing.T, open Opener) {
	be := open(t)
	db := be.DB
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	MustCreateDocument(t, db, ana, "Rregullore", "internal", "v1")
	raw := be.Raw

	for _, tc := range []struct {
		stmt, want string
	}{
		{`UPDATE versions SET body = 'rewritten'`, "immutable"},
		{`DELETE FROM versions`, "immutable"},
		{`UPDATE audit_log SET actor = 'someone else'`, "append-only"},
		{`DELETE FROM audit_log`, "append-only"},
	} {
		t.Run(tc.stmt, func(t *testing.T) {
			_, err := raw.Exec(tc.stmt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if n := CountRows(t, raw, "versions"); n != 1 {
		t.Fatalf("versions = %d", n)
	}
	var body string
	if err := raw.QueryRow(`SELECT body FROM versions`).Scan(&body); err != nil || body != "v1" {
		t.Fatalf("body = %q, %v", body, err)
	}
	if n := CountRows(t, raw, "audit_log"); n != 1 {
		t.Fatalf("audit_log = %d", n)
	}
}

func testFindDocuments_Access(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)
	bob := MustCreateUser(t, db, "bob", policydesk.RoleEditor)
	sara := MustCreateUser(t, db, "sara", policydesk.RoleStaff)
	rita := MustCreateUser(t, db, "rita", policydesk.RoleReviewer)

	MustCreateDocument(t, db, ana, "ana internal", "internal", "x")
	MustCreateDocument(t, db, ana, "ana restricted", "restricted", "x")
	bobShared := MustCreateDocument(t, db, bob, "bob shared", "restricted", "x")
	bobPrivate := MustCreateDocument(t, db, bob, "bob private", "restricted", "x")
	for _, m := range []*drafts.Member{
		{DocumentID: bobShared.ID, UserID: ana.ID, Role: "editor"},
		{DocumentID: bobShared.ID, UserID: rita.ID, Role: "reviewer"},
		{DocumentID: bobShared.ID, UserID: sara.ID, Role: "reader"},
	} {
		if err := db.SetMember(ctx, m, nil); err != nil {
			t.Fatal(err)
		}
	}

	rd := func(s policydesk.Scope) drafts.DocumentFilter { return drafts.DocumentFilter{Read: s} }
	titles := func(f drafts.DocumentFilter) []string {
		t.Helper()
		f.Limit = 100
		docs, total, err := db.FindDocuments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if total != len(docs) {
			t.Fatalf("total %d, listed %d", total, len(docs))
		}
		var out []string
		for _, d := range docs {
			out = append(out, d.Title)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name string
		f    drafts.DocumentFilter
		want []string
	}{
		{"all", rd(policydesk.Scope{All: true}), []string{"ana internal", "ana restricted", "bob private", "bob shared"}},
		{"editor ana", rd(policydesk.Scope{Internal: true, Owner: true, UserID: ana.ID}), []string{"ana internal", "ana restricted", "bob shared"}},
		{"editor bob", rd(policydesk.Scope{Internal: true, Owner: true, UserID: bob.ID}), []string{"ana internal", "bob private", "bob shared"}},
		{"staff member", rd(policydesk.Scope{Internal: true, UserID: sara.ID}), []string{"ana internal", "bob shared"}},
		{"reviewer member", rd(policydesk.Scope{UserID: rita.ID}), []string{"bob shared"}},
		{"owner without internal", rd(policydesk.Scope{Owner: true, UserID: ana.ID}), []string{"ana internal", "ana restricted", "bob shared"}},
		// A creator who is no longer an editor: created_by alone grants nothing.
		{"creator without Owner", rd(policydesk.Scope{UserID: ana.ID}), []string{"bob shared"}},
		{"creator without Owner, internal", rd(policydesk.Scope{Internal: true, UserID: bob.ID}), []string{"ana internal"}},
		{"nobody", rd(policydesk.Scope{UserID: 4242}), nil},
		{"no user", rd(policydesk.Scope{Owner: true}), nil},
		{"internal only", rd(policydesk.Scope{Internal: true, UserID: 4242}), []string{"ana internal"}},
		{"kind filter", drafts.DocumentFilter{Read: policydesk.Scope{All: true}, Kind: "sop"}, nil},
		{"status filter", drafts.DocumentFilter{Read: policydesk.Scope{Internal: true, Owner: true, UserID: bob.ID}, Status: "draft"}, []string{"ana internal", "bob private", "bob shared"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := titles(tc.f); !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("paging", func(t *testing.T) {
		docs, total, err := db.FindDocuments(ctx, drafts.DocumentFilter{Read: policydesk.Scope{All: true}, Limit: 3, Offset: 2})
		if err != nil {
			t.Fatal(err)
		}
		if total != 4 || len(docs) != 2 {
			t.Fatalf("total %d, page %d", total, len(docs))
		}
	})

	t.Run("members", func(t *testing.T) {
		role, err := db.MemberRole(ctx, bobShared.ID, rita.ID)
		if err != nil || role != "reviewer" {
			t.Fatalf("MemberRole = %q, %v", role, err)
		}
		if role, err := db.MemberRole(ctx, bobPrivate.ID, rita.ID); err != nil || role != "" {
			t.Fatalf("MemberRole of non-member = %q, %v", role, err)
		}
		members, err := db.FindMembers(ctx, bobShared.ID)
		if err != nil || len(members) != 3 || members[0].Login != "ana" {
			t.Fatalf("FindMembers = %+v, %v", members, err)
		}
		if err := db.RemoveMember(ctx, bobShared.ID, rita.ID, nil); err != nil {
			t.Fatal(err)
		}
		assertCode(t, db.RemoveMember(ctx, bobShared.ID, rita.ID, nil), policydesk.ENotFound)
		if got := titles(rd(policydesk.Scope{UserID: rita.ID})); got != nil {
			t.Fatalf("removed member still lists %q", got)
		}
	})
}

func testFindAudit_Paging(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB
	for i := range 25 {
		objectID := "a"
		if i%5 == 0 {
			objectID = "b"
		}
		e := &policydesk.AuditEntry{At: t0.Add(time.Duration(i) * time.Second), Actor: "system", Action: "test." + strconv.Itoa(i), ObjectType: "test", ObjectID: objectID}
		if err := db.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}

	var seen []string
	for _, page := range []struct{ offset, want int }{{0, 10}, {10, 10}, {20, 5}, {30, 0}} {
		entries, total, err := db.FindAudit(ctx, policydesk.AuditFilter{ObjectType: "test", Limit: 10, Offset: page.offset})
		if err != nil {
			t.Fatal(err)
		}
		if total != 25 || len(entries) != page.want {
			t.Fatalf("offset %d: total %d, page %d; want 25, %d", page.offset, total, len(entries), page.want)
		}
		for _, e := range entries {
			seen = append(seen, e.Action)
		}
	}
	for i, action := range seen {
		if want := "test." + strconv.Itoa(24-i); action != want {
			t.Fatalf("entry %d = %s, want %s (newest first, no gaps or repeats)", i, action, want)
		}
	}

	entries, total, err := db.FindAudit(ctx, policydesk.AuditFilter{ObjectType: "test", ObjectID: "b", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if total != 5 || len(entries) != 5 || entries[0].Action != "test.20" || !entries[0].At.Equal(t0.Add(20*time.Second)) {
		t.Fatalf("object filter: total %d, first %+v", total, entries[0])
	}
	if entries[0].ActorID != 0 {
		t.Fatalf("system entry has actor id %d", entries[0].ActorID)
	}
}
