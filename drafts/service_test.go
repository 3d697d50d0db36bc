package drafts_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/draftstest"
	"policydesk/drafts/outline"
	"policydesk/storage/sqlite/sqlitetest"
)

const password = sqlitetest.Password

var as = sqlitetest.As

// fixture is a service over a real SQLite file, with the accounts service
// that makes its users.
type fixture struct{ *sqlitetest.Services }

func newFixture(tb testing.TB) *fixture { return &fixture{sqlitetest.New(tb)} }

// counts reads the store directly, bypassing the service and its policy.
func (f *fixture) counts() (documents, audit int) {
	f.TB.Helper()
	ctx := context.Background()
	_, documents, err := f.DB.FindDocuments(ctx, drafts.DocumentFilter{Read: policydesk.Scope{All: true}, Limit: 1})
	if err != nil {
		f.TB.Fatal(err)
	}
	_, audit, err = f.DB.FindAudit(ctx, policydesk.AuditFilter{Limit: 1})
	if err != nil {
		f.TB.Fatal(err)
	}
	return documents, audit
}

func (f *fixture) lastAudit() *policydesk.AuditEntry {
	f.TB.Helper()
	entries, _, err := f.DB.FindAudit(context.Background(), policydesk.AuditFilter{Limit: 1})
	if err != nil || len(entries) == 0 {
		f.TB.Fatalf("last audit entry: %v, %d entries", err, len(entries))
	}
	return entries[0]
}

func (f *fixture) head(id int64) int {
	f.TB.Helper()
	doc, err := f.DB.FindDocument(context.Background(), id)
	if err != nil {
		f.TB.Fatal(err)
	}
	return doc.Head
}

func assertCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := policydesk.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// TestDisabledUser checks that a stale *User of a disabled account is
// refused by the drafting service (package accounts checks that its
// sessions and logins end).
func TestDisabledUser(t *testing.T) {
	f := newFixture(t)
	admin := f.User("admin", policydesk.RoleAdmin)
	ana := f.User("ana", policydesk.RoleEditor)
	doc := f.CreateDocument(ana, "Rregullore", "internal", "tekst")

	yes := true
	disabled, err := f.Accounts.UpdateUser(as(admin), ana.ID, accounts.UserPatch{Disabled: &yes})
	if err != nil {
		t.Fatal(err)
	}

	// Even if a stale *User reached the service, it would be refused.
	_, _, err = f.Drafts.CreateDocument(as(disabled), drafts.NewDocument{Title: "x", Kind: "sop", Language: "en", Body: "x"})
	assertCode(t, err, policydesk.EForbidden)
	_, _, err = f.Drafts.Document(as(disabled), doc.ID)
	assertCode(t, err, policydesk.ENotFound)
}

func TestCreateDocument_Invalid(t *testing.T) {
	f := newFixture(t)
	ana := f.User("ana", policydesk.RoleEditor)
	valid := drafts.NewDocument{Title: "Rregullore", Kind: "regulation", Language: "sq", Visibility: "internal", Body: "## Neni 1\n\nTekst.\n", Message: "Fillimi"}

	for _, tc := range []struct {
		name   string
		change func(*drafts.NewDocument)
		code   string
	}{
		{"empty title", func(in *drafts.NewDocument) { in.Title = "" }, policydesk.EInvalid},
		{"blank title", func(in *drafts.NewDocument) { in.Title = " \t " }, policydesk.EInvalid},
		{"long title", func(in *drafts.NewDocument) { in.Title = strings.Repeat("ë", drafts.MaxTitleRunes+1) }, policydesk.EInvalid},
		{"two-line title", func(in *drafts.NewDocument) { in.Title = "Rregullore\npër" }, policydesk.EInvalid},
		{"unknown kind", func(in *drafts.NewDocument) { in.Kind = "law" }, policydesk.EInvalid},
		{"empty kind", func(in *drafts.NewDocument) { in.Kind = "" }, policydesk.EInvalid},
		{"unknown language", func(in *drafts.NewDocument) { in.Language = "de" }, policydesk.EInvalid},
		{"unknown visibility", func(in *drafts.NewDocument) { in.Visibility = "public" }, policydesk.EInvalid},
		{"unknown status", func(in *drafts.NewDocument) { in.Status = "published" }, policydesk.EInvalid},
		{"invalid UTF-8 title", func(in *drafts.NewDocument) { in.Title = "Rregullore \xff" }, policydesk.EInvalid},
		{"invalid UTF-8 body", func(in *drafts.NewDocument) { in.Body = "Neni \xc3\x28" }, policydesk.EInvalid},
		{"invalid UTF-8 message", func(in *drafts.NewDocument) { in.Message = "\xfe" }, policydesk.EInvalid},
		{"body over 5 MiB", func(in *drafts.NewDocument) { in.Body = strings.Repeat("a", drafts.MaxBodyBytes+1) }, policydesk.ETooLarge},
		{"NUL in title", func(in *drafts.NewDocument) { in.Title = "Rregu\x00llore" }, policydesk.EInvalid},
		{"BEL in body", func(in *drafts.NewDocument) { in.Body = "Tekst\a" }, policydesk.EInvalid},
		{"ESC in message", func(in *drafts.NewDocument) { in.Message = "\x1b[31mred" }, policydesk.EInvalid},
		{"DEL in body", func(in *drafts.NewDocument) { in.Body = "a\x7fb" }, policydesk.EInvalid},
		{"C1 control in title", func(in *drafts.NewDocument) { in.Title = "a\u0085b" }, policydesk.EInvalid},
		{"long message", func(in *drafts.NewDocument) { in.Message = strings.Repeat("m", drafts.MaxMessageRunes+1) }, policydesk.EInvalid},
		{"conflict markers", func(in *drafts.NewDocument) {
			in.Body += "<<<<<<< your version\na\n||||||| base\n=======\nb\n>>>>>>> saved version\n"
		}, policydesk.EInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docsBefore, auditBefore := f.counts()
			in := valid
			tc.change(&in)
			doc, v, err := f.Drafts.CreateDocument(as(ana), in)
			assertCode(t, err, tc.code)
			if doc != nil || v != nil {
				t.Fatal("refused create returned a document")
			}
			if docs, audit := f.counts(); docs != docsBefore || audit != auditBefore {
				t.Fatalf("refused create wrote: documents %d→%d, audit %d→%d", docsBefore, docs, auditBefore, audit)
			}
		})
	}

	t.Run("staff may not create", func(t *testing.T) {
		staff := f.User("sara", policydesk.RoleStaff)
		docsBefore, auditBefore := f.counts()
		_, _, err := f.Drafts.CreateDocument(as(staff), valid)
		assertCode(t, err, policydesk.EForbidden)
		if docs, audit := f.counts(); docs != docsBefore || audit != auditBefore {
			t.Fatal("refused create wrote something")
		}
	})

	// Tabs and newlines are the only control characters a body keeps.
	if _, _, err := f.Drafts.CreateDocument(as(ana), drafts.NewDocument{Title: "Tabela\tme tab", Kind: "sop", Language: "en", Body: "a\tb\n"}); err != nil {
		t.Fatalf("tab refused: %v", err)
	}
}

func TestCreateDocument_NormalisesLineEnds(t *testing.T) {
	f := newFixture(t)
	ana := f.User("ana", policydesk.RoleEditor)
	crlf := "## Neni 1 – Qëllimi\r\n\r\nTekst.\r\nRresht i vjetër\rfund\r\n"
	want := "## Neni 1 – Qëllimi\n\nTekst.\nRresht i vjetër\nfund\n"
	doc, v, err := f.Drafts.CreateDocument(as(ana), drafts.NewDocument{Title: "Rregullore", Kind: "regulation", Language: "sq", Body: crlf})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Status != "draft" || doc.Visibility != "internal" || doc.Head != 1 || v.Message != "First version" {
		t.Fatalf("defaults: %+v, %+v", doc, v)
	}
	stored, err := f.Drafts.Version(as(ana), doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Body != want || stored.SHA256 != sha256Hex(want) {
		t.Fatalf("stored body %q, sha %s", stored.Body, stored.SHA256)
	}

	v2, err := f.Drafts.SaveVersion(as(ana), doc.ID, 1, strings.ReplaceAll(want, "\n", "\r\n")+"Shtesë\r\n", "crlf")
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := f.Drafts.Version(as(ana), doc.ID, v2.Number); stored.Body != want+"Shtesë\n" {
		t.Fatalf("saved body %q", stored.Body)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestSaveVersion(t *testing.T) {
	f := newFixture(t)
	ana := f.User("ana", policydesk.RoleEditor)
	doc := f.CreateDocument(ana, "Rregullore", "internal", "Paragrafi një.\n")

	body := "Paragrafi një.\n\nParagrafi dy, me ë dhe ç.\n"
	v, err := f.Drafts.SaveVersion(as(ana), doc.ID, 1, body, "Shtova paragrafin dy")
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 2 || v.SHA256 != sha256Hex(body) || v.DocumentID != doc.ID {
		t.Fatalf("saved %+v", v)
	}
	stored, err := f.DB.FindVersion(context.Background(), doc.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Body != body || stored.SHA256 != sha256Hex(body) || stored.Author != "ana" || stored.Message != "Shtova paragrafin dy" {
		t.Fatalf("stored %+v", stored)
	}
	if e := f.lastAudit(); e.Action != "version.create" || e.Actor != "ana" || e.ObjectType != "document" || e.ObjectID != strconv.FormatInt(doc.ID, 10) {
		t.Fatalf("audit %+v", e)
	}

	for _, tc := range []struct {
		name          string
		base          int
		body, message string
		code          string
	}{
		{"base zero", 0, "x", "", policydesk.EInvalid},
		{"base ahead", 3, "x", "", policydesk.EInvalid},
		{"invalid UTF-8", 2, "\xff", "", policydesk.EInvalid},
		{"control character", 2, "a\x00", "", policydesk.EInvalid},
		{"too large", 2, strings.Repeat("a", drafts.MaxBodyBytes+1), "", policydesk.ETooLarge},
		{"message two lines", 2, "x", "a\nb", policydesk.EInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, auditBefore := f.counts()
			_, err := f.Drafts.SaveVersion(as(ana), doc.ID, tc.base, tc.body, tc.message)
			assertCode(t, err, tc.code)
			if _, audit := f.counts(); audit != auditBefore || f.head(doc.ID) != 2 {
				t.Fatal("refused save wrote something")
			}
		})
	}
}

func TestSaveVersion_Conflict(t *testing.T) {
	const base = "# Rregullore\n\nParagrafi i parë.\n\nParagrafi i dytë.\n\nParagrafi i tretë.\n"
	for _, tc := range []struct {
		name       string
		head, mine string
		clean      bool
		want       []string
	}{
		{
			name:  "different paragraphs merge cleanly",
			head:  strings.Replace(base, "i parë", "i parë, i ndryshuar nga Besa", 1),
			mine:  strings.Replace(base, "i tretë", "i tretë, i ndryshuar nga Ana", 1),
			clean: true,
			want:  []string{"i ndryshuar nga Besa", "i ndryshuar nga Ana"},
		},
		{
			name:  "same paragraph conflicts",
			head:  strings.Replace(base, "Paragrafi i dytë.", "Neni i dytë sipas Besës.", 1),
			mine:  strings.Replace(base, "Paragrafi i dytë.", "Teksti tjetër i Anës.", 1),
			clean: false,
			want:  []string{"<<<<<<< your version\nTeksti tjetër i Anës.\n", "||||||| base\nParagrafi i dytë.\n", "=======\nNeni i dytë sipas Besës.\n>>>>>>> saved version"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ana, besa := f.User("ana", policydesk.RoleEditor), f.User("besa", policydesk.RoleEditor)
			doc := f.CreateDocument(ana, "Rregullore", "internal", base)
			if _, err := f.Drafts.SaveVersion(as(besa), doc.ID, 1, tc.head, "Besa"); err != nil {
				t.Fatal(err)
			}
			docsBefore, auditBefore := f.counts()

			v, err := f.Drafts.SaveVersion(as(ana), doc.ID, 1, tc.mine, "Ana")
			var ce *drafts.ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *ConflictError", err)
			}
			assertCode(t, err, policydesk.EConflict)
			if v != nil || ce.Head != 2 || ce.Merge.Clean != tc.clean {
				t.Fatalf("head %d clean %v, want 2 %v", ce.Head, ce.Merge.Clean, tc.clean)
			}
			for _, w := range tc.want {
				if !strings.Contains(ce.Merge.Body, w) {
					t.Errorf("merge proposal lacks %q:\n%s", w, ce.Merge.Body)
				}
			}
			if tc.clean && strings.Contains(ce.Merge.Body, "<<<<<<<") {
				t.Errorf("clean merge has markers:\n%s", ce.Merge.Body)
			}
			if docs, audit := f.counts(); docs != docsBefore || audit != auditBefore || f.head(doc.ID) != 2 {
				t.Fatal("conflicting save wrote something")
			}
			if _, err := f.DB.FindVersion(context.Background(), doc.ID, 3); policydesk.ErrorCode(err) != policydesk.ENotFound {
				t.Fatalf("version 3 exists: %v", err)
			}

			// Saving the proposal on the head it names succeeds once no
			// conflict is left in it.
			proposal := ce.Merge.Body
			if !tc.clean {
				_, err := f.Drafts.SaveVersion(as(ana), doc.ID, ce.Head, proposal, "merged")
				assertCode(t, err, policydesk.EInvalid)
				if msg := policydesk.ErrorMessage(err); !strings.Contains(msg, "unresolved at line 5 ") {
					t.Errorf("refusal %q does not say where the conflict is", msg)
				}
				if docs, audit := f.counts(); docs != docsBefore || audit != auditBefore || f.head(doc.ID) != 2 {
					t.Fatal("a save with conflict markers wrote something")
				}
				proposal = keepMine(proposal)
			}
			v, err = f.Drafts.SaveVersion(as(ana), doc.ID, ce.Head, proposal, "merged")
			if err != nil {
				t.Fatalf("saving the merge: %v", err)
			}
			if v.Number != 3 || strings.Contains(v.Body, "saved version") || !strings.Contains(v.Body, map[bool]string{true: "nga Ana", false: "Teksti tjetër i Anës."}[tc.clean]) {
				t.Errorf("saved version %d:\n%s", v.Number, v.Body)
			}
		})
	}
}

// keepMine resolves every conflict of a merge proposal by keeping the
// editor's own wording, as the merge page's "keep mine" does.
func keepMine(proposal string) string {
	var out []string
	skip := false
	for _, line := range strings.SplitAfter(proposal, "\n") {
		switch strings.TrimSuffix(line, "\n") {
		case "<<<<<<< your version", ">>>>>>> saved version":
			skip = false
			continue
		case "||||||| base":
			skip = true
		}
		if !skip {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

func TestSaveVersion_Race(t *testing.T) {
	f := newFixture(t)
	ana := f.User("ana", policydesk.RoleEditor)
	doc := f.CreateDocument(ana, "Rregullore", "internal", "Paragrafi.\n")
	_, auditBefore := f.counts()

	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = f.Drafts.SaveVersion(as(ana), doc.ID, 1, fmt.Sprintf("Paragrafi.\n\nShtesa %d.\n", i), "race")
		}()
	}
	close(start)
	wg.Wait()

	saved := 0
	for i, err := range errs {
		var ce *drafts.ConflictError
		switch {
		case err == nil:
			saved++
		case errors.As(err, &ce):
			if ce.Head != 2 {
				t.Errorf("writer %d: conflict names head %d, want 2", i, ce.Head)
			}
		default:
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if saved != 1 {
		t.Fatalf("%d saves succeeded, want exactly 1", saved)
	}
	if h := f.head(doc.ID); h != 2 {
		t.Fatalf("head = %d, want 2", h)
	}
	if vs, _ := f.DB.FindVersions(context.Background(), doc.ID); len(vs) != 2 {
		t.Fatalf("%d versions, want 2", len(vs))
	}
	if _, audit := f.counts(); audit != auditBefore+1 {
		t.Fatalf("audit grew by %d, want 1", audit-auditBefore)
	}
}

func TestSaveVersion_OutlineIDsSurviveRenumbering(t *testing.T) {
	f := newFixture(t)
	ana := f.User("ana", policydesk.RoleEditor)
	v1 := "# Rregullore për qendrat ditore\n\n" +
		"## Neni 1 – Qëllimi\n\n1. Kjo rregullore përcakton kushtet dhe standardet për funksionimin e qendrave ditore.\n\n" +
		"## Neni 2 – Fushëveprimi\n\n1. Rregullorja zbatohet për të gjitha qendrat ditore publike dhe private në Kosovë.\n"
	v2 := "# Rregullore për qendrat ditore\n\n" +
		"## Neni 1 – Përkufizimet\n\n1. Shprehjet e përdorura në këtë rregullore kanë këto kuptime.\n\n" +
		"## Neni 2 – Qëllimi\n\n1. Kjo rregullore përcakton kushtet dhe standardet për funksionimin e qendrave ditore.\n\n" +
		"## Neni 3 – Fushëveprimi\n\n1. Rregullorja zbatohet për të gjitha qendrat ditore publike dhe private në Kosovë.\n"
	doc := f.CreateDocument(ana, "Rregullore", "internal", v1)
	if _, err := f.Drafts.SaveVersion(as(ana), doc.ID, 1, v2, "Shtova përkufizimet"); err != nil {
		t.Fatal(err)
	}

	outlineOf := func(n int) map[string]outline.Article {
		t.Helper()
		arts, err := f.Drafts.Outline(as(ana), doc.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		byTitle := map[string]outline.Article{}
		for _, a := range arts {
			if a.ID == "" {
				t.Fatalf("version %d: article %q has no id", n, a.Heading)
			}
			byTitle[a.Title] = a
		}
		return byTitle
	}
	before, after := outlineOf(1), outlineOf(2)
	if len(before) != 2 || len(after) != 3 {
		t.Fatalf("outlines: %v / %v", before, after)
	}
	for _, tc := range []struct{ title, numBefore, numAfter string }{{"Qëllimi", "1", "2"}, {"Fushëveprimi", "2", "3"}} {
		b, a := before[tc.title], after[tc.title]
		if b.Num != tc.numBefore || a.Num != tc.numAfter {
			t.Fatalf("%s numbered %s→%s, want %s→%s", tc.title, b.Num, a.Num, tc.numBefore, tc.numAfter)
		}
		if a.ID != b.ID {
			t.Errorf("%s changed id %s→%s when renumbered", tc.title, b.ID, a.ID)
		}
	}
	fresh := after["Përkufizimet"].ID
	for _, a := range before {
		if a.ID == fresh {
			t.Errorf("new article reuses id %s of %q", fresh, a.Heading)
		}
	}
}

// Expected outcomes in the policy matrix: "" allowed, or the error code.
const (
	ok = ""
	no = policydesk.EForbidden
	nf = policydesk.ENotFound
)

var matrixActions = []string{"read", "list", "save", "status", "visibility", "member", "audit"}

// policyMatrix is derived from Policy's doc comment:
//   - admin: everything;
//   - editor: reads internal documents and restricted ones they own or are a
//     member of; edits what they read unless their membership says reader or
//     reviewer; manages what they own or edit as member;
//   - staff: reads internal documents and restricted ones they are a member of;
//   - reviewer: reads (and comments on) only documents shared with them;
//   - a disabled account: nothing.
//
// The audit log is for admins whatever the document. Those who may not read a
// document are told it does not exist ("list" nf means it is not listed).
var policyMatrix = map[string]map[string][7]string{
	//                   read list save status visibility member audit
	"admin":           {"internal": {ok, ok, ok, ok, ok, ok, ok}, "restricted": {ok, ok, ok, ok, ok, ok, ok}},
	"owner":           {"internal": {ok, ok, ok, ok, ok, ok, no}, "restricted": {ok, ok, ok, ok, ok, ok, no}},
	"other-editor":    {"internal": {ok, ok, ok, ok, no, no, no}, "restricted": {nf, nf, nf, nf, nf, nf, no}},
	"editor-reader":   {"internal": {ok, ok, no, no, no, no, no}, "restricted": {ok, ok, no, no, no, no, no}},
	"staff":           {"internal": {ok, ok, no, no, no, no, no}, "restricted": {nf, nf, nf, nf, nf, nf, no}},
	"reviewer-member": {"internal": {ok, ok, no, no, no, no, no}, "restricted": {ok, ok, no, no, no, no, no}},
	"reviewer-other":  {"internal": {nf, nf, nf, nf, nf, nf, no}, "restricted": {nf, nf, nf, nf, nf, nf, no}},
	"disabled":        {"internal": {nf, nf, nf, nf, nf, nf, no}, "restricted": {nf, nf, nf, nf, nf, nf, no}},
}

func TestPolicyMatrix(t *testing.T) {
	f := newFixture(t)
	admin := f.User("admin", policydesk.RoleAdmin)
	owner := f.User("owner", policydesk.RoleEditor)
	users := map[string]*policydesk.User{
		"admin":           admin,
		"owner":           owner,
		"other-editor":    f.User("other-editor", policydesk.RoleEditor),
		"editor-reader":   f.User("editor-reader", policydesk.RoleEditor),
		"staff":           f.User("staff", policydesk.RoleStaff),
		"reviewer-member": f.User("reviewer-member", policydesk.RoleReviewer),
		"reviewer-other":  f.User("reviewer-other", policydesk.RoleReviewer),
		"disabled":        f.User("disabled", policydesk.RoleEditor),
	}
	f.User("guest", policydesk.RoleStaff) // whom SetMember shares with
	docs := map[string]*drafts.Document{
		"internal":   f.CreateDocument(owner, "Udhëzim i brendshëm", "internal", "Tekst.\n"),
		"restricted": f.CreateDocument(owner, "Rregullore e kufizuar", "restricted", "Tekst.\n"),
	}
	for _, doc := range docs {
		for login, role := range map[string]string{"editor-reader": "reader", "reviewer-member": "reviewer", "disabled": "editor"} {
			if _, err := f.Drafts.SetMember(as(owner), doc.ID, login, role); err != nil {
				t.Fatal(err)
			}
		}
	}
	yes := true
	if _, err := f.Accounts.UpdateUser(as(admin), users["disabled"].ID, accounts.UserPatch{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	disabled, err := f.DB.FindUserByID(context.Background(), users["disabled"].ID)
	if err != nil || !disabled.Disabled {
		t.Fatalf("disabled user: %+v, %v", disabled, err)
	}
	users["disabled"] = disabled

	// Each action leaves access as it was, so one fixture serves every cell.
	type action struct {
		run        func(ctx context.Context, doc *drafts.Document) error
		auditAs    string // action recorded when it succeeds; "" for reads
		changesDoc bool
	}
	actions := map[string]action{
		"read": {run: func(ctx context.Context, doc *drafts.Document) error {
			_, _, err := f.Drafts.Document(ctx, doc.ID)
			return err
		}},
		"list": {run: func(ctx context.Context, doc *drafts.Document) error {
			list, _, err := f.Drafts.Documents(ctx, drafts.DocumentFilter{})
			if err != nil {
				return err
			}
			if slices.ContainsFunc(list, func(d *drafts.Document) bool { return d.ID == doc.ID }) {
				return nil
			}
			return policydesk.Errorf(policydesk.ENotFound, "not listed")
		}},
		"save": {auditAs: "version.create", changesDoc: true, run: func(ctx context.Context, doc *drafts.Document) error {
			head := f.head(doc.ID)
			_, err := f.Drafts.SaveVersion(ctx, doc.ID, head, fmt.Sprintf("Tekst.\n\nVersioni %d.\n", head+1), "matrix")
			return err
		}},
		"status": {auditAs: "document.update", changesDoc: true, run: func(ctx context.Context, doc *drafts.Document) error {
			status := "in_review"
			_, err := f.Drafts.UpdateDocument(ctx, doc.ID, drafts.DocumentPatch{Status: &status})
			return err
		}},
		"visibility": {auditAs: "document.update", changesDoc: true, run: func(ctx context.Context, doc *drafts.Document) error {
			visibility := doc.Visibility
			_, err := f.Drafts.UpdateDocument(ctx, doc.ID, drafts.DocumentPatch{Visibility: &visibility})
			return err
		}},
		"member": {auditAs: "member.set", run: func(ctx context.Context, doc *drafts.Document) error {
			_, err := f.Drafts.SetMember(ctx, doc.ID, "guest", "reader")
			return err
		}},
		"audit": {run: func(ctx context.Context, doc *drafts.Document) error {
			entries, _, err := f.Drafts.Audit(ctx, policydesk.AuditFilter{ObjectType: "document", ObjectID: strconv.FormatInt(doc.ID, 10)})
			if err == nil && len(entries) == 0 {
				return fmt.Errorf("no audit entries for document %d", doc.ID)
			}
			return err
		}},
	}

	userNames := slices.Sorted(maps.Keys(users))
	for _, name := range userNames {
		u := users[name]
		for _, docName := range []string{"internal", "restricted"} {
			doc := docs[docName]
			want := policyMatrix[name][docName]
			for i, actionName := range matrixActions {
				t.Run(name+"/"+docName+"/"+actionName, func(t *testing.T) {
					a := actions[actionName]
					before, err := f.DB.FindDocument(context.Background(), doc.ID)
					if err != nil {
						t.Fatal(err)
					}
					_, auditBefore := f.counts()

					err = a.run(as(u), doc)
					assertCode(t, err, want[i])
					if want[i] == nf && actionName != "list" {
						// Indistinguishable from a document that does not exist.
						if msg, wantMsg := policydesk.ErrorMessage(err), fmt.Sprintf("Document %d not found.", doc.ID); msg != wantMsg {
							t.Errorf("message %q, want %q", msg, wantMsg)
						}
					}

					after, err := f.DB.FindDocument(context.Background(), doc.ID)
					if err != nil {
						t.Fatal(err)
					}
					_, auditAfter := f.counts()
					switch {
					case want[i] == ok && a.auditAs != "":
						if auditAfter != auditBefore+1 {
							t.Fatalf("audit grew by %d, want 1", auditAfter-auditBefore)
						}
						e := f.lastAudit()
						if e.Action != a.auditAs || e.Actor != u.Login || e.ActorID != u.ID ||
							e.ObjectType != "document" || e.ObjectID != strconv.FormatInt(doc.ID, 10) {
							t.Fatalf("audit entry %+v", e)
						}
						if a.changesDoc && !after.UpdatedAt.After(before.UpdatedAt) && after.Head == before.Head {
							t.Fatalf("document unchanged: %+v", after)
						}
					default:
						if auditAfter != auditBefore || *after != *before {
							t.Fatalf("refused or read-only action changed state: audit %d→%d, %+v → %+v", auditBefore, auditAfter, before, after)
						}
					}
				})
			}
		}
	}

	t.Run("unknown document", func(t *testing.T) {
		_, _, err := f.Drafts.Document(as(owner), 4242)
		assertCode(t, err, policydesk.ENotFound)
		if msg := policydesk.ErrorMessage(err); msg != "Document 4242 not found." {
			t.Fatalf("message %q", msg)
		}
	})
	t.Run("no user", func(t *testing.T) {
		_, _, err := f.Drafts.Document(context.Background(), docs["internal"].ID)
		assertCode(t, err, policydesk.EUnauthorized)
		_, _, err = f.Drafts.Documents(context.Background(), drafts.DocumentFilter{})
		assertCode(t, err, policydesk.EUnauthorized)
	})
}

// TestPolicyMatrixMatchesPolicy keeps the expected table honest against the
// function it describes, so a change to either is noticed.
func TestPolicyMatrixMatchesPolicy(t *testing.T) {
	owner := &policydesk.User{ID: 2, Role: policydesk.RoleEditor}
	users := map[string]struct {
		u    *policydesk.User
		role string
	}{
		"admin":           {&policydesk.User{ID: 1, Role: policydesk.RoleAdmin}, ""},
		"owner":           {owner, ""},
		"other-editor":    {&policydesk.User{ID: 3, Role: policydesk.RoleEditor}, ""},
		"editor-reader":   {&policydesk.User{ID: 4, Role: policydesk.RoleEditor}, "reader"},
		"staff":           {&policydesk.User{ID: 5, Role: policydesk.RoleStaff}, ""},
		"reviewer-member": {&policydesk.User{ID: 6, Role: policydesk.RoleReviewer}, "reviewer"},
		"reviewer-other":  {&policydesk.User{ID: 7, Role: policydesk.RoleReviewer}, ""},
		"disabled":        {&policydesk.User{ID: 8, Role: policydesk.RoleEditor, Disabled: true}, "editor"},
	}
	for name, c := range users {
		for _, vis := range []string{"internal", "restricted"} {
			a := policydesk.Policy(c.u, &drafts.Document{CreatedBy: owner.ID, Visibility: vis}, c.role)
			want := policyMatrix[name][vis]
			got := [7]string{
				allow(a.Read, nf), allow(a.Read, nf),
				gate(a, a.Edit), gate(a, a.Edit), gate(a, a.Edit && a.Manage), gate(a, a.Manage),
				allow(policydesk.IsAdmin(c.u), no),
			}
			if got != want {
				t.Errorf("%s/%s: Policy gives %q, table says %q", name, vis, got, want)
			}
			if name == "reviewer-member" && !a.Comment {
				t.Errorf("a reviewer member cannot comment")
			}
		}
	}
}

func allow(b bool, code string) string {
	if b {
		return ok
	}
	return code
}

func gate(a policydesk.Access, b bool) string {
	if !a.Read {
		return nf
	}
	return allow(b, no)
}

// TestAuditTrail checks that every state change records who did what to
// what (package accounts checks the changes to accounts and sessions).
func TestAuditTrail(t *testing.T) {
	f := newFixture(t)
	ana := f.User("ana", policydesk.RoleEditor)
	f.User("besa", policydesk.RoleReviewer)
	var doc *drafts.Document
	docID := func() string { return strconv.FormatInt(doc.ID, 10) }
	status := "in_review"

	for _, tc := range []struct {
		do                     func() error
		actor, action, objType string
		objID                  func() string
	}{
		{func() (err error) {
			doc, _, err = f.Drafts.CreateDocument(as(ana), drafts.NewDocument{Title: "Rregullore", Kind: "regulation", Language: "sq", Body: "x"})
			return err
		}, "ana", "document.create", "document", docID},
		{func() error { _, err := f.Drafts.SaveVersion(as(ana), doc.ID, 1, "y", ""); return err },
			"ana", "version.create", "document", docID},
		{func() error {
			_, err := f.Drafts.UpdateDocument(as(ana), doc.ID, drafts.DocumentPatch{Status: &status})
			return err
		},
			"ana", "document.update", "document", docID},
		{func() error { _, err := f.Drafts.SetMember(as(ana), doc.ID, "besa", "reviewer"); return err },
			"ana", "member.set", "document", docID},
		{func() error { return f.Drafts.RemoveMember(as(ana), doc.ID, "besa") },
			"ana", "member.remove", "document", docID},
	} {
		t.Run(tc.action, func(t *testing.T) {
			_, before := f.counts()
			if err := tc.do(); err != nil {
				t.Fatal(err)
			}
			if _, after := f.counts(); after != before+1 {
				t.Fatalf("audit grew by %d, want 1", after-before)
			}
			e := f.lastAudit()
			if e.Actor != tc.actor || e.ActorID == 0 || e.Action != tc.action || e.ObjectType != tc.objType || e.ObjectID != tc.objID() || e.At.IsZero() {
				t.Fatalf("audit entry %+v, want %s %s %s/%s", e, tc.actor, tc.action, tc.objType, tc.objID())
			}
		})
	}
}

// BenchmarkSaveVersion saves a new version of a ~20 KB regulation through
// the service into a real SQLite file with synchronous=FULL, so every op
// includes a durable commit. p50-ns/op is the median of the individual saves.
func BenchmarkSaveVersion(b *testing.B) {
	f := newFixture(b)
	ana := f.User("ana", policydesk.RoleEditor)
	body := draftstest.Regulation(25, 2600, 1)
	if len(body) < 18<<10 || len(body) > 22<<10 {
		b.Fatalf("body is %d bytes, want about 20 KB", len(body))
	}
	doc := f.CreateDocument(ana, "Rregullore", "internal", body)
	// Alternate between two texts that differ in one paragraph, as an editor's saves do.
	mid := strings.Index(body[len(body)/2:], "\n") + len(body)/2
	bodies := [2]string{body[:mid] + " Shtesë e redaktorit." + body[mid:], body}
	ctx := as(ana)

	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	durations := make([]time.Duration, 0, b.N)
	head := 1
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		v, err := f.Drafts.SaveVersion(ctx, doc.ID, head, bodies[i%2], "bench")
		durations = append(durations, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		head = v.Number
	}
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	if len(durations) > 0 {
		b.ReportMetric(float64(durations[len(durations)/2].Nanoseconds()), "p50-ns/op")
	}
}
