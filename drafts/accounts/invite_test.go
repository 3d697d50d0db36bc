package accounts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts/accounts"
)

// recordingMailer keeps the invitations it was asked to mail.
type recordingMailer struct {
	sent []*accounts.Invitation
	fail bool
}

func (m *recordingMailer) MailInvitation(_ context.Context, inv *accounts.Invitation) error {
	if m.fail {
		return errors.New("queue down")
	}
	m.sent = append(m.sent, inv)
	return nil
}

// fakeClock is the service's clock, moved by the test.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func newInviteFixture(t *testing.T) (*fixture, *fakeClock, *recordingMailer) {
	f := newFixture(t)
	clock := &fakeClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	f.Accounts.Now = clock.Now
	m := &recordingMailer{}
	f.Accounts.InvitationMail = m
	return f, clock, m
}

const goodPassword = "lumi i bardhë në mëngjes"

func TestInvite_MakesAnInvitedAccountThatCannotLogIn(t *testing.T) {
	f, clock, m := newInviteFixture(t)
	editor := f.User("ana", policydesk.RoleEditor)
	inv, err := f.Accounts.Invite(as(editor), accounts.InviteInput{Email: " Drita.Berisha+mtl@Example.org ", Name: "Drita Berisha", Organisation: "Ministry of Labour", Language: "sq"})
	if err != nil {
		t.Fatal(err)
	}
	u := inv.User
	if u.Login != "drita.berisha" || u.Role != policydesk.RoleReviewer || !u.Invited || u.Language != "sq" || inv.Email != "drita.berisha+mtl@example.org" {
		t.Fatalf("invited %+v, email %q", u, inv.Email)
	}
	if !inv.ExpiresAt.Equal(clock.now.Add(accounts.DefaultInvitationTTL)) || inv.Token == "" || inv.TokenHash != accounts.HashToken(inv.Token) {
		t.Fatalf("invitation %+v", inv)
	}
	if len(m.sent) != 1 || m.sent[0].Token != inv.Token {
		t.Fatalf("mailed %d invitations", len(m.sent))
	}
	stored, err := f.DB.FindInvitation(context.Background(), inv.TokenHash)
	if err != nil || stored.Token != "" || stored.User.ID != u.ID || stored.InvitedBy != "ana" {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	if a := f.lastAudit(); a.Action != "user.invite" || a.ObjectID != "drita.berisha" || a.Actor != "ana" {
		t.Fatalf("audit %+v", a)
	}
	if _, _, _, err := f.Accounts.Login(context.Background(), "drita.berisha", ""); err == nil {
		t.Fatal("an invited account logged in without a password")
	}
	// A second person with the same local part gets a numbered login.
	inv2, err := f.Accounts.Invite(as(editor), accounts.InviteInput{Email: "drita.berisha@example.com"})
	if err != nil || inv2.User.Login != "drita.berisha-2" || inv2.User.Name != "drita.berisha" {
		t.Fatalf("second invitation %+v, %v", inv2, err)
	}
}

func TestInvite_WhoMayInvite(t *testing.T) {
	f, _, m := newInviteFixture(t)
	admin := f.User("admin", policydesk.RoleAdmin)
	editor := f.User("ana", policydesk.RoleEditor)
	for name, ctx := range map[string]context.Context{
		"nobody":          context.Background(),
		"reviewer":        as(f.User("rita", policydesk.RoleReviewer)),
		"staff":           as(f.User("sami", policydesk.RoleStaff)),
		"disabled editor": as(&policydesk.User{ID: editor.ID, Login: "ana", Role: policydesk.RoleEditor, Disabled: true}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.Accounts.Invite(ctx, accounts.InviteInput{Email: "x@example.org"})
			assertCode(t, err, policydesk.EForbidden)
			_, err = f.Accounts.PendingInvitations(ctx)
			assertCode(t, err, policydesk.EForbidden)
		})
	}
	// An editor invites reviewers only; an administrator gives any role.
	_, err := f.Accounts.Invite(as(editor), accounts.InviteInput{Email: "x@example.org", Role: policydesk.RoleEditor})
	assertCode(t, err, policydesk.EForbidden)
	if _, err := f.DB.FindUserByEmail(context.Background(), "x@example.org"); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Fatalf("a refused invitation wrote an account: %v", err)
	}
	inv, err := f.Accounts.Invite(as(admin), accounts.InviteInput{Email: "x@example.org", Role: policydesk.RoleEditor})
	if err != nil || inv.User.Role != policydesk.RoleEditor {
		t.Fatalf("admin's invitation %+v, %v", inv, err)
	}
	if len(m.sent) != 1 {
		t.Fatalf("%d mails after one invitation", len(m.sent))
	}
}

func TestInvite_BadInput(t *testing.T) {
	f, _, m := newInviteFixture(t)
	editor := as(f.User("ana", policydesk.RoleEditor))
	before := f.auditCount()
	for _, in := range []accounts.InviteInput{
		{Email: ""}, {Email: "not an address"}, {Email: "Ana <a@example.org>"},
		{Email: "a@example.org", Language: "de"}, {Email: "a@example.org", Role: "boss"},
		{Email: "a@example.org", Name: strings.Repeat("n", 201)},
	} {
		if _, err := f.Accounts.Invite(editor, in); policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("Invite(%+v) = %v, want invalid", in, err)
		}
	}
	if f.auditCount() != before || len(m.sent) != 0 {
		t.Fatal("a refused invitation wrote something or sent mail")
	}
}

func TestInvite_DuplicateEmailNamesTheAccount(t *testing.T) {
	f, _, _ := newInviteFixture(t)
	editor := as(f.User("ana", policydesk.RoleEditor))
	rita := f.User("rita", policydesk.RoleReviewer)
	if err := f.DB.SetMailSetting(context.Background(), rita.ID, "immediately", "Rita@Example.org"); err != nil {
		t.Fatal(err)
	}
	_, err := f.Accounts.Invite(editor, accounts.InviteInput{Email: "rita@example.org"})
	assertCode(t, err, policydesk.EConflict)
	if !strings.Contains(err.Error(), "rita") {
		t.Fatalf("the refusal does not name the account: %v", err)
	}
}

func TestInvite_AgainReplacesTheToken(t *testing.T) {
	f, clock, m := newInviteFixture(t)
	editor := as(f.User("ana", policydesk.RoleEditor))
	first, err := f.Accounts.Invite(editor, accounts.InviteInput{Email: "besa@example.org", Name: "Besa"})
	if err != nil {
		t.Fatal(err)
	}
	clock.now = clock.now.Add(6 * 24 * time.Hour)
	second, err := f.Accounts.Invite(editor, accounts.InviteInput{Email: "BESA@example.org"})
	if err != nil || second.User.ID != first.User.ID || second.Token == first.Token {
		t.Fatalf("re-invitation %+v, %v", second, err)
	}
	if !second.ExpiresAt.Equal(clock.now.Add(accounts.DefaultInvitationTTL)) {
		t.Fatalf("the new link expires at %v", second.ExpiresAt)
	}
	_, err = f.Accounts.OpenInvitation(context.Background(), first.Token)
	if !errors.Is(err, accounts.ErrInvitationUnknown) {
		t.Fatalf("the replaced link = %v", err)
	}
	third, err := f.Accounts.Resend(editor, first.User.Login)
	if err != nil || third.Email != "besa@example.org" || third.Token == second.Token || len(m.sent) != 3 {
		t.Fatalf("resend %+v, %v, %d mails", third, err, len(m.sent))
	}
	pending, err := f.Accounts.PendingInvitations(editor)
	if err != nil || len(pending) != 1 || pending[0].User.Login != "besa" {
		t.Fatalf("pending %v, %v", pending, err)
	}
}

func TestAcceptInvitation_LogsIn(t *testing.T) {
	f, _, _ := newInviteFixture(t)
	inv, err := f.Accounts.Invite(as(f.User("ana", policydesk.RoleEditor)), accounts.InviteInput{Email: "besa@example.org", Name: "Besa Gashi"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, _, _, err = f.Accounts.AcceptInvitation(ctx, inv.Token, "short")
	assertCode(t, err, policydesk.EInvalid)
	if _, err := f.Accounts.OpenInvitation(ctx, inv.Token); err != nil {
		t.Fatalf("a refused password spent the link: %v", err)
	}
	token, sess, u, err := f.Accounts.AcceptInvitation(ctx, inv.Token, goodPassword)
	if err != nil || u.Invited || sess.UserID != u.ID {
		t.Fatalf("accept = %+v, %v", u, err)
	}
	if _, au, err := f.Accounts.Authenticate(ctx, token); err != nil || au.Login != "besa" {
		t.Fatalf("the session of the acceptance: %v", err)
	}
	if _, _, _, err := f.Accounts.Login(ctx, "besa", goodPassword); err != nil {
		t.Fatalf("the chosen password does not log in: %v", err)
	}
	if a := f.lastAudit(); a.Action != "login.ok" {
		t.Fatalf("last audit %+v", a)
	}
	// Spent: refused, nothing written.
	before := f.auditCount()
	_, _, _, err = f.Accounts.AcceptInvitation(ctx, inv.Token, "another long passphrase here")
	if !errors.Is(err, accounts.ErrInvitationUsed) || f.auditCount() != before {
		t.Fatalf("a spent link = %v", err)
	}
	if _, _, _, err := f.Accounts.Login(ctx, "besa", goodPassword); err != nil {
		t.Fatalf("a spent link changed the password: %v", err)
	}
	_, err = f.Accounts.Resend(as(f.User("admin", policydesk.RoleAdmin)), "besa")
	assertCode(t, err, policydesk.EConflict)
}

func TestAcceptInvitation_ExpiredOrWrong(t *testing.T) {
	f, clock, _ := newInviteFixture(t)
	f.Accounts.InvitationTTL = 48 * time.Hour
	inv, err := f.Accounts.Invite(as(f.User("ana", policydesk.RoleEditor)), accounts.InviteInput{Email: "besa@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, wrong := range []string{"", "x", inv.TokenHash, strings.Repeat("a", 300)} {
		if _, _, _, err := f.Accounts.AcceptInvitation(ctx, wrong, goodPassword); !errors.Is(err, accounts.ErrInvitationUnknown) {
			t.Errorf("token %.10q = %v", wrong, err)
		}
	}
	clock.now = clock.now.Add(48*time.Hour - time.Second)
	if _, err := f.Accounts.OpenInvitation(ctx, inv.Token); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	clock.now = clock.now.Add(time.Second)
	before := f.auditCount()
	_, _, _, err = f.Accounts.AcceptInvitation(ctx, inv.Token, goodPassword)
	if !errors.Is(err, accounts.ErrInvitationExpired) || f.auditCount() != before {
		t.Fatalf("expired link = %v", err)
	}
	u, _ := f.DB.FindUserByLogin(ctx, "besa")
	if !u.Invited || u.PasswordHash != "" {
		t.Fatalf("an expired link changed the account: %+v", u)
	}
}

func TestInvite_MailFailureSaysSo(t *testing.T) {
	f, _, m := newInviteFixture(t)
	m.fail = true
	inv, err := f.Accounts.Invite(as(f.User("ana", policydesk.RoleEditor)), accounts.InviteInput{Email: "besa@example.org"})
	assertCode(t, err, policydesk.EUnavailable)
	if inv == nil || inv.Token == "" {
		t.Fatal("the saved invitation is not returned with the mail's failure")
	}
}

// TestInviteReviewer: an address an account has names that account and
// sends nothing; a new address is invited as reviewer and mailed; a
// reviewer may not name anyone by e-mail.
func TestInviteReviewer(t *testing.T) {
	f, _, m := newInviteFixture(t)
	editor := as(f.User("ana", policydesk.RoleEditor))
	rita := f.User("rita", policydesk.RoleStaff)
	if err := f.DB.SetMailSetting(context.Background(), rita.ID, "immediately", "rita@example.org"); err != nil {
		t.Fatal(err)
	}
	u, inv, err := f.Accounts.InviteReviewer(editor, accounts.InviteInput{Email: "Rita@Example.org "})
	if err != nil || u.ID != rita.ID || inv != nil || len(m.sent) != 0 {
		t.Fatalf("an existing address: %+v, %+v, %v, %d mails", u, inv, err, len(m.sent))
	}
	u, inv, err = f.Accounts.InviteReviewer(editor, accounts.InviteInput{Email: "besa@example.org", Name: "Besa", Role: policydesk.RoleAdmin})
	if err != nil || inv == nil || !u.Invited || u.Role != policydesk.RoleReviewer || len(m.sent) != 1 {
		t.Fatalf("a new address: %+v, %v, %d mails", u, err, len(m.sent))
	}
	again, inv2, err := f.Accounts.InviteReviewer(editor, accounts.InviteInput{Email: "besa@example.org"})
	if err != nil || again.ID != u.ID || inv2 == nil || inv2.Token == inv.Token {
		t.Fatalf("an address still invited: %+v, %v", again, err)
	}
	_, _, err = f.Accounts.InviteReviewer(as(rita), accounts.InviteInput{Email: "x@example.org"})
	assertCode(t, err, policydesk.EForbidden)
}
