package web_test

import (
	"fmt"
	"strings"
	"testing"
)

// The actors of the matrix, in the column order of the tables below.
var actors = []string{"admin", "owner", "editor", "staff", "reviewer", "outsider", "anonymous"}

// row is the expected status for each actor, in the order of actors.
type row [7]int

// TestAuthorizationMatrix checks every route × actor × document against the
// rules of policydesk.Policy's doc comment:
//
//   - admin: everything.
//   - editor: reads internal documents and restricted ones they own or are a
//     member of; edits what they read unless their membership says reader or
//     reviewer; manages (members, visibility) documents they own or edit as member.
//   - staff: reads internal documents and restricted ones they are a member of.
//   - reviewer: reads (and comments) only on documents shared with them.
//   - a document the caller may not read answers 404, not 403, so restricted
//     documents do not reveal that they exist; admin routes answer 403 to
//     non-admins; a call without credentials answers 401.
//
// "owner" is the editor who created both documents, "editor" another editor
// who is no member, "reviewer" a reviewer both documents are shared with as
// reviewer, "outsider" a reviewer nothing is shared with.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	perDocument := []struct {
		route                string
		internal, restricted row
	}{
		//                                admin owner editor staff reviewer outsider anonymous
		{"GET document", row{200, 200, 200, 200, 200, 404, 401}, row{200, 200, 404, 404, 200, 404, 401}},
		{"GET versions", row{200, 200, 200, 200, 200, 404, 401}, row{200, 200, 404, 404, 200, 404, 401}},
		{"GET version html", row{200, 200, 200, 200, 200, 404, 401}, row{200, 200, 404, 404, 200, 404, 401}},
		{"GET outline", row{200, 200, 200, 200, 200, 404, 401}, row{200, 200, 404, 404, 200, 404, 401}},
		{"POST versions", row{201, 201, 201, 403, 403, 404, 401}, row{201, 201, 404, 404, 403, 404, 401}},
		{"PATCH status", row{200, 200, 200, 403, 403, 404, 401}, row{200, 200, 404, 404, 403, 404, 401}},
		{"PATCH visibility", row{200, 200, 403, 403, 403, 404, 401}, row{200, 200, 404, 404, 403, 404, 401}},
		{"PUT members", row{200, 200, 403, 403, 403, 404, 401}, row{200, 200, 404, 404, 403, 404, 401}},
	}
	global := []struct {
		route string
		want  row
	}{
		//                                   admin owner editor staff reviewer outsider anonymous
		{"GET /api/v1/users", row{200, 403, 403, 403, 403, 403, 401}},
		{"GET /api/v1/audit", row{200, 403, 403, 403, 403, 403, 401}},
		{"POST /api/v1/users", row{201, 403, 403, 403, 403, 403, 401}},
		{"POST /api/v1/documents", row{201, 201, 201, 403, 403, 403, 401}},
		{"GET /api/v1/documents", row{200, 200, 200, 200, 200, 200, 401}},
	}
	// How many of the two documents each actor finds in the list.
	listed := row{2, 2, 1, 1, 2, 0, 0}

	e := newEnv(t)
	tokens := map[string]string{"admin": e.admin, "anonymous": ""}
	tokens["owner"] = e.user("owner", "editor")
	tokens["editor"] = e.user("editor", "editor")
	tokens["staff"] = e.user("staff", "staff")
	tokens["reviewer"] = e.user("reviewer", "reviewer")
	tokens["outsider"] = e.user("outsider", "reviewer")
	e.user("spare", "staff") // the member the PUT members calls set

	docs := map[string]int64{
		"internal":   e.doc(tokens["owner"], "Internal", "internal", twoArticles),
		"restricted": e.doc(tokens["owner"], "Restricted", "restricted", twoArticles),
	}
	for _, id := range docs {
		e.share(tokens["owner"], id, "reviewer", "reviewer")
	}

	head := func(id int64) int {
		return int(must(t, e.api("GET", docPath(id, ""), e.admin, nil), 200).object(t)["head"].(float64))
	}
	visibility := func(id int64) string {
		return must(t, e.api("GET", docPath(id, ""), e.admin, nil), 200).object(t)["visibility"].(string)
	}
	call := func(route string, id int64, token string) resp {
		switch route {
		case "GET document":
			return e.api("GET", docPath(id, ""), token, nil)
		case "GET versions":
			return e.api("GET", docPath(id, "/versions"), token, nil)
		case "GET version html":
			return e.api("GET", docPath(id, "/versions/1/html"), token, nil)
		case "GET outline":
			return e.api("GET", docPath(id, "/outline?version=1"), token, nil)
		case "POST versions":
			return e.api("POST", docPath(id, "/versions"), token, map[string]any{"base": head(id), "body": twoArticles + "\nShtesë.\n"})
		case "PATCH status":
			return e.api("PATCH", docPath(id, ""), token, map[string]string{"status": "in_review"})
		case "PATCH visibility":
			// Set it to what it is: the call is checked, the matrix stays.
			return e.api("PATCH", docPath(id, ""), token, map[string]string{"visibility": visibility(id)})
		case "PUT members":
			return e.api("PUT", docPath(id, "/members/spare"), token, map[string]string{"role": "reader"})
		}
		panic(route)
	}

	var disagreements []string
	for _, r := range perDocument {
		for _, object := range []string{"internal", "restricted"} {
			want := r.internal
			if object == "restricted" {
				want = r.restricted
			}
			for i, actor := range actors {
				name := fmt.Sprintf("%s/%s/%s", r.route, object, actor)
				t.Run(name, func(t *testing.T) {
					before := e.counts(docs[object])
					got := call(r.route, docs[object], tokens[actor])
					if got.Status != want[i] {
						t.Errorf("status %d, want %d: %s", got.Status, want[i], got)
						disagreements = append(disagreements, name)
					}
					if got.Status >= 400 {
						checkError(t, got)
						if after := e.counts(docs[object]); after != before {
							t.Errorf("a refused call wrote something: %+v → %+v", before, after)
						}
					}
					if got.Status == 404 && strings.Contains(string(got.Body), "Restricted") {
						t.Errorf("404 reveals the title: %s", got)
					}
				})
			}
		}
	}
	n := 0
	for _, r := range global {
		for i, actor := range actors {
			name := fmt.Sprintf("%s/%s", r.route, actor)
			t.Run(name, func(t *testing.T) {
				method, path, _ := strings.Cut(r.route, " ")
				var body any
				switch path {
				case "/api/v1/users":
					if method == "POST" {
						n++
						body = map[string]string{"login": fmt.Sprintf("new%d", n), "password": userPassword, "role": "admin"}
					}
				case "/api/v1/documents":
					if method == "POST" {
						body = map[string]string{"title": "New", "kind": "other", "language": "en", "body": "x"}
					}
				}
				got := e.api(method, path, tokens[actor], body)
				if got.Status != r.want[i] {
					t.Errorf("status %d, want %d: %s", got.Status, r.want[i], got)
					disagreements = append(disagreements, name)
				}
				if got.Status >= 400 {
					checkError(t, got)
				}
			})
		}
	}
	// Listing shows exactly what each may read (the two matrix documents;
	// documents made by the POST calls above are filtered out by title).
	for i, actor := range actors {
		if actor == "anonymous" {
			continue
		}
		list := must(t, e.api("GET", "/api/v1/documents", tokens[actor], nil), 200).object(t)
		count := 0
		for _, d := range list["documents"].([]any) {
			if title := d.(map[string]any)["title"]; title == "Internal" || title == "Restricted" {
				count++
			}
		}
		if count != listed[i] {
			t.Errorf("%s lists %d of the matrix documents, want %d", actor, count, listed[i])
			disagreements = append(disagreements, "list/"+actor)
		}
	}
	if len(disagreements) > 0 {
		t.Logf("code disagrees with the policy on: %s", strings.Join(disagreements, ", "))
	}
}
