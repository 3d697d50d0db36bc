package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"policydesk"
	"policydesk/drafts"
)

// readRule is who may read a document, written out from the issue and
// policydesk.ReadScope's doc comment rather than taken from the code: admins
// read everything; editors and staff read internal documents; members
// read what is shared with them; an editor reads what they created, but
// only while they are an editor.
func readRule(role, visibility, member string, creator bool) bool {
	return role == policydesk.RoleAdmin ||
		visibility == "internal" && (role == policydesk.RoleEditor || role == policydesk.RoleStaff) ||
		member != "" ||
		creator && role == policydesk.RoleEditor
}

// TestReadAccessAgreesEverywhere checks, for roles × ownership × membership
// × visibility × a role change after the documents were made, that the
// library listing (SQLite), GET of the document, search hits and search
// facets (the embedded engine, filled by the indexer) and policydesk.Policy all
// say the same, and that they say readRule.
//
// Subjects end in each role, some having held it all along and some
// having been changed to it after creating documents and being shared
// with: an editor made admin, staff or reviewer, and staff made editor.
// Every subject who was an editor creates, for each visibility, a document
// for each membership of their own on it; a separate author's documents
// share each membership with every subject.
func TestReadAccessAgreesEverywhere(t *testing.T) {
	t.Parallel()
	e := newSearchEnv(t)
	ctx := context.Background()
	type subject struct {
		login, from, to string
		token           string
		id              int64
	}
	subjects := []*subject{
		{login: "admin-all-along", from: "admin", to: "admin"},
		{login: "editor-all-along", from: "editor", to: "editor"},
		{login: "staff-all-along", from: "staff", to: "staff"},
		{login: "reviewer-all-along", from: "reviewer", to: "reviewer"},
		{login: "editor-made-admin", from: "editor", to: "admin"},
		{login: "editor-made-staff", from: "editor", to: "staff"},
		{login: "editor-made-reviewer", from: "editor", to: "reviewer"},
		{login: "staff-made-editor", from: "staff", to: "editor"},
	}
	for _, s := range subjects {
		s.token = e.user(s.login, s.from)
		u, err := e.db.FindUserByLogin(ctx, s.login)
		if err != nil {
			t.Fatal(err)
		}
		s.id = u.ID
	}
	author := e.user("author", "editor")

	type document struct {
		id               int64
		visibility, kind string
		creator          string            // login
		members          map[string]string // login → role
		doc              *drafts.Document
	}
	var docs []*document
	memberships := []string{"", "reader", "reviewer", "editor"}
	create := func(token, creator, visibility string) *document {
		d := &document{visibility: visibility, kind: drafts.Kinds[len(docs)%len(drafts.Kinds)],
			creator: creator, members: map[string]string{}}
		d.id = e.create(token, fmt.Sprintf("Dokumenti %d", len(docs)), d.kind, "sq", visibility,
			"Matrica e qasjes, pa nene.\n")
		docs = append(docs, d)
		return d
	}
	share := func(token string, d *document, login, role string) {
		t.Helper()
		r := e.api("PUT", docPath(d.id, "/members/"+login), token, map[string]string{"role": role})
		switch r.Status {
		case 200:
			d.members[login] = role
		case 422: // only editors and admins can be a document's editors
		default:
			t.Fatalf("share %d with %s as %s: %s", d.id, login, role, r)
		}
	}
	for _, vis := range drafts.Visibilities {
		for _, m := range memberships {
			// Theirs: each subject who may create documents.
			for _, s := range subjects {
				if s.from != "editor" && s.from != "admin" {
					continue
				}
				d := create(s.token, s.login, vis)
				if m != "" {
					share(s.token, d, s.login, m)
				}
			}
			// The author's, shared with every subject as m.
			d := create(author, "author", vis)
			if m != "" {
				for _, s := range subjects {
					share(author, d, s.login, m)
				}
			}
		}
	}
	// The role changes, after the documents and memberships exist.
	for _, s := range subjects {
		if s.from != s.to {
			must(t, e.api("PATCH", "/api/v1/users/"+s.login, e.admin, map[string]string{"role": s.to}), 200)
			s.token = e.login(s.login, userPassword)
		}
	}
	e.drain()
	for _, d := range docs {
		var err error
		if d.doc, err = e.db.FindDocument(ctx, d.id); err != nil {
			t.Fatal(err)
		}
	}

	cells := 0
	for _, s := range subjects {
		u, err := e.db.FindUserByLogin(ctx, s.login)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != s.to {
			t.Fatalf("%s is %s, want %s", s.login, u.Role, s.to)
		}
		var want []int64
		wantKinds := map[string]int{}
		for _, d := range docs {
			member := d.members[s.login]
			rule := readRule(s.to, d.visibility, member, d.creator == s.login)
			if policy := policydesk.Policy(u, d.doc, member).Read; policy != rule {
				t.Errorf("%s, document %d (%s, member %q, creator %v): Policy says read=%v, the rule %v",
					s.login, d.id, d.visibility, member, d.creator == s.login, policy, rule)
			}
			status := e.api("GET", docPath(d.id, ""), s.token, nil).Status
			if got := status == 200; got != rule || (status != 200 && status != 404) {
				t.Errorf("%s, document %d (%s, member %q, creator %v): GET answers %d, read=%v",
					s.login, d.id, d.visibility, member, d.creator == s.login, status, rule)
			}
			if rule {
				want = append(want, d.id)
				wantKinds[d.kind]++
			}
			cells++
		}
		slices.Sort(want)

		var list struct {
			Documents []struct{ ID int64 } `json:"documents"`
			Total     int                  `json:"total"`
		}
		r := must(t, e.api("GET", "/api/v1/documents?limit=200", s.token, nil), 200)
		if err := json.Unmarshal(r.Body, &list); err != nil {
			t.Fatal(err)
		}
		var listed []int64
		for _, d := range list.Documents {
			listed = append(listed, d.ID)
		}
		slices.Sort(listed)
		if !slices.Equal(listed, want) || list.Total != len(want) {
			t.Errorf("%s: the library lists %v (total %d), Policy lets them read %v", s.login, listed, list.Total, want)
		}

		for _, query := range []string{"limit=100", q("matrica") + "&limit=100", q("matrca") + "&limit=100"} {
			res := e.search(s.token, query)
			var found []int64
			for _, h := range res.Hits {
				found = append(found, h.DocumentID)
			}
			slices.Sort(found)
			if !slices.Equal(found, want) || res.Total != len(want) {
				t.Errorf("%s, search %s: hits of documents %v (total %d), Policy lets them read %v",
					s.login, query, found, res.Total, want)
			}
			if got := res.Facets["kind"]; !maps.Equal(got, wantKinds) && (len(got) > 0 || len(wantKinds) > 0) {
				t.Errorf("%s, search %s: kind facet %v, want %v", s.login, query, got, wantKinds)
			}
		}
	}
	if want := len(subjects) * 2 * len(memberships) * 6; cells != want {
		t.Fatalf("%d cells checked, want %d", cells, want)
	}
}
