package review_test

import (
	"strings"
	"testing"

	"policydesk"
)

func TestRounds_OpenAndClose(t *testing.T) {
	f := newFixture(t)
	f.save(bodyV1 + "\nShënim.\n")

	r1, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, "Konsultimi me ministritë", 1, "2026-06-30")
	if err != nil {
		t.Fatal(err)
	}
	if r1.Number != 1 || r1.Status != "open" || r1.Version != 1 || r1.Due != "2026-06-30" || r1.Name != "Konsultimi me ministritë" {
		t.Errorf("round 1 = %+v", r1)
	}
	r2, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", 0, " 1.3.2027 ") // dd.mm.yyyy, kept as ISO
	if err != nil {
		t.Fatal(err)
	}
	if r2.Number != 2 || r2.Version != 2 || r2.Name == "" || r2.Due != "2027-03-01" {
		t.Errorf("round 2 (version 0 = head) = %+v", r2)
	}

	before := f.state()
	_, err = f.svc.OpenRound(f.as(f.reviewer), f.doc.ID, "", 1, "")
	wantCode(t, err, policydesk.EForbidden)
	_, err = f.svc.OpenRound(f.as(f.outsider), f.doc.ID, "", 1, "")
	wantCode(t, err, policydesk.ENotFound)
	for due, says := range map[string]string{"31.02.2026": "February 2026 has 28 days", "2026-13-01": "12 months",
		"nesër": "dd.mm.yyyy", "31/12/2026": "dd.mm.yyyy", "01.01.1800": "outside the years"} {
		_, err = f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", 1, due)
		wantCode(t, err, policydesk.EInvalid)
		if err == nil || policydesk.ErrorField(err) != "due" || !strings.Contains(err.Error(), says) {
			t.Errorf("due %q: error %v, want it to say %q", due, err, says)
		}
	}
	for _, v := range []int{3, -1} {
		_, err = f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", v, "")
		wantCode(t, err, policydesk.EInvalid)
	}
	_, err = f.svc.OpenRound(f.as(f.editor), f.doc.ID, "line\nbreak", 1, "")
	wantCode(t, err, policydesk.EInvalid)
	_, err = f.svc.CloseRound(f.as(f.reviewer), f.doc.ID, 1)
	wantCode(t, err, policydesk.EForbidden)
	f.unchanged(before, "refused round changes")

	closed, err := f.svc.CloseRound(f.as(f.editor), f.doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Status != "closed" || closed.ClosedAt.IsZero() {
		t.Errorf("closed round = %+v", closed)
	}
	_, err = f.svc.CloseRound(f.as(f.editor), f.doc.ID, 1)
	wantCode(t, err, policydesk.EConflict)
	_, err = f.svc.CloseRound(f.as(f.editor), f.doc.ID, 9)
	wantCode(t, err, policydesk.ENotFound)

	rounds, err := f.svc.Rounds(f.as(f.reviewer), f.doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rounds) != 2 || rounds[0].Status != "closed" || rounds[1].Status != "open" {
		t.Errorf("rounds = %+v", rounds)
	}
	_, err = f.svc.Rounds(f.as(f.outsider), f.doc.ID)
	wantCode(t, err, policydesk.ENotFound)

	r, prev, err := f.svc.Round(f.as(f.reviewer), f.doc.ID, 2)
	if err != nil || r.Number != 2 || prev != 1 {
		t.Errorf("Round(2) = %+v, prev %d, %v; want prev 1", r, prev, err)
	}
}

func TestRounds_Reopen(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", 1, ""); err != nil {
		t.Fatal(err)
	}
	before := f.state()
	_, err := f.svc.ReopenRound(f.as(f.editor), f.doc.ID, 1)
	wantCode(t, err, policydesk.EConflict)
	f.unchanged(before, "reopening an open round")
	if _, err := f.svc.CloseRound(f.as(f.editor), f.doc.ID, 1); err != nil {
		t.Fatal(err)
	}
	before = f.state()
	_, err = f.svc.ReopenRound(f.as(f.reviewer), f.doc.ID, 1)
	wantCode(t, err, policydesk.EForbidden)
	_, err = f.svc.ReopenRound(f.as(f.outsider), f.doc.ID, 1)
	wantCode(t, err, policydesk.ENotFound)
	_, err = f.svc.ReopenRound(f.as(f.editor), f.doc.ID, 9)
	wantCode(t, err, policydesk.ENotFound)
	f.unchanged(before, "refused reopenings")
	r, err := f.svc.ReopenRound(f.as(f.editor), f.doc.ID, 1)
	if err != nil || r.Status != "open" || !r.ClosedAt.IsZero() {
		t.Errorf("reopened round = %+v, %v", r, err)
	}
}

// A refusal names the field it is about, so forms show it beside that
// field.
func TestRounds_RefusalsNameTheirField(t *testing.T) {
	f := newFixture(t)
	for field, call := range map[string]func() error{
		"due":     func() error { _, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", 1, "nesër"); return err },
		"version": func() error { _, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, "", 7, ""); return err },
		"name":    func() error { _, err := f.svc.OpenRound(f.as(f.editor), f.doc.ID, "a\nb", 1, ""); return err },
	} {
		if err := call(); policydesk.ErrorCode(err) != policydesk.EInvalid || policydesk.ErrorField(err) != field {
			t.Errorf("%s: %v (field %q)", field, err, policydesk.ErrorField(err))
		}
	}
}
