package web_test

import (
	"strings"
	"testing"
)

// TestOpenRoundInvitesByMail: a round names a reviewer by e-mail address;
// one without an account is invited (an account in the invited state,
// shared the document as reviewer, and a mail with the link in the
// document's language); an address that has an account names that
// account, and no mail goes; a bad address is refused on the reviewers
// field and opens no round.
func TestOpenRoundInvitesByMail(t *testing.T) {
	t.Parallel()
	q := &memQueue{}
	e := inviteEnv(t, q)
	ed := e.user("arta", "editor")
	r := must(t, e.api("POST", "/api/v1/documents", ed, map[string]string{"title": "Uredba o dnevnim centrima",
		"kind": "regulation", "language": "sr", "visibility": "restricted", "body": "# Član 1\n\nTekst.\n", "message": "Nacrt"}), 201)
	id := int64(r.object(t)["id"].(float64))

	bad := e.api("POST", docPath(id, "/rounds"), ed, map[string]any{"reviewers": []string{"not@an@address"}})
	if bad.Status != 422 || !strings.Contains(string(bad.Body), `"field":"reviewers"`) {
		t.Errorf("a bad address: %s", bad)
	}
	if rounds := must(t, e.api("GET", docPath(id, "/rounds"), ed, nil), 200); strings.Contains(string(rounds.Body), `"number"`) {
		t.Errorf("a refused round was opened: %s", rounds)
	}

	round := must(t, e.api("POST", docPath(id, "/rounds"), ed, map[string]any{"reviewers": []string{"Milica.Petrovic@Example.org"}}), 201).object(t)
	n := int(round["number"].(float64))
	mails := q.to("milica.petrovic@example.org")
	if len(mails) != 1 || !strings.Contains(mails[0].HTML, `lang="sr"`) || !strings.Contains(mails[0].Text, "https://policydesk.example.org/invite/") {
		t.Fatalf("the invitation mail: %+v", mails)
	}
	detail := must(t, e.api("GET", docPath(id, "/rounds/"+itoa(int64(n))), ed, nil), 200)
	if !strings.Contains(string(detail.Body), `"login":"milica.petrovic"`) || !strings.Contains(string(detail.Body), `"status":"invited"`) {
		t.Errorf("the round's reviewers: %s", detail)
	}
	members := must(t, e.api("GET", docPath(id, "/members"), ed, nil), 200)
	if !strings.Contains(string(members.Body), "milica.petrovic") {
		t.Errorf("the invited reviewer is not shared the document: %s", members)
	}

	// besa has an account with her address: she is named, nobody is invited.
	besa := e.user("besa", "reviewer")
	must(t, e.api("PATCH", "/api/v1/users/me", besa, map[string]string{"email": "besa@example.org", "mail": "immediately"}), 200)
	before := len(q.mails)
	round2 := must(t, e.api("POST", docPath(id, "/rounds"), ed, map[string]any{"reviewers": []string{"besa@example.org"}}), 201).object(t)
	detail2 := must(t, e.api("GET", docPath(id, "/rounds/"+itoa(int64(round2["number"].(float64)))), ed, nil), 200)
	if !strings.Contains(string(detail2.Body), `"login":"besa"`) || len(q.mails) != before {
		t.Errorf("an address with an account: %s (%d new mails)", detail2, len(q.mails)-before)
	}
}

// TestRefusedRoundInvitesAndSharesNobody: a round refused (a version that
// does not exist, or a reviewer login that does not exist) invites none
// of the addresses it names and shares the document with none of its
// reviewers; the same round, corrected, does both.
func TestRefusedRoundInvitesAndSharesNobody(t *testing.T) {
	t.Parallel()
	q := &memQueue{}
	e := inviteEnv(t, q)
	ed := e.user("arta", "editor")
	e.user("besa", "reviewer")
	r := must(t, e.api("POST", "/api/v1/documents", ed, map[string]string{"title": "Udhëzim administrativ",
		"kind": "administrative_instruction", "language": "sq", "visibility": "restricted", "body": "# Neni 1\n\nTeksti.\n", "message": "Draft"}), 201)
	id := int64(r.object(t)["id"].(float64))
	for _, body := range []map[string]any{
		{"version": 7, "reviewers": []string{"besa", "new.reviewer@example.org"}},
		{"reviewers": []string{"besa", "nobody-such", "new.reviewer@example.org"}},
	} {
		if got := e.api("POST", docPath(id, "/rounds"), ed, body); got.Status != 422 {
			t.Fatalf("%v: %s, want 422", body, got)
		}
		members := string(must(t, e.api("GET", docPath(id, "/members"), ed, nil), 200).Body)
		if strings.Contains(members, "besa") || strings.Contains(members, "new.reviewer") {
			t.Errorf("%v: a refused round shared the document: %s", body, members)
		}
		if len(q.mails) != 0 {
			t.Errorf("%v: a refused round sent %d invitations", body, len(q.mails))
		}
		if users := string(must(t, e.api("GET", "/api/v1/users", e.admin, nil), 200).Body); strings.Contains(users, "new.reviewer") {
			t.Errorf("%v: a refused round made an account: %s", body, users)
		}
	}
	must(t, e.api("POST", docPath(id, "/rounds"), ed, map[string]any{"reviewers": []string{"besa", "new.reviewer@example.org"}}), 201)
	members := string(must(t, e.api("GET", docPath(id, "/members"), ed, nil), 200).Body)
	if !strings.Contains(members, "besa") || !strings.Contains(members, "new.reviewer") || len(q.to("new.reviewer@example.org")) != 1 {
		t.Errorf("the round shared %s and sent %d mails", members, len(q.mails))
	}
	audit := string(must(t, e.api("GET", "/api/v1/audit?action=member.set", e.admin, nil), 200).Body)
	if !strings.Contains(audit, "besa") {
		t.Errorf("sharing with besa is not in the audit log: %s", audit)
	}
}
