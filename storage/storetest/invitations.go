package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts/accounts"
	"policydesk/storage/sqldb"
)

func init() {
	cases = append(cases,
		struct {
			name string
			test func(*testing.T, Opener)
		}{"Invitations", testInvitations},
		struct {
			name string
			test func(*testing.T, Opener)
		}{"Invitations_AcceptedOnce", testInvitations_AcceptedOnce},
	)
}

// invite stores an invitation of email for login, its token hash hash.
func invite(t *testing.T, db *sqldb.DB, login, email, hash string) (*accounts.Invitation, error) {
	t.Helper()
	u := &policydesk.User{Login: login, Name: login, Role: policydesk.RoleReviewer, Invited: true, Language: "sr", CreatedAt: t0}
	inv := &accounts.Invitation{User: u, Email: email, TokenHash: hash, InvitedBy: "admin", CreatedAt: t0, ExpiresAt: t0.Add(7 * 24 * time.Hour)}
	return inv, db.CreateInvitation(context.Background(), inv, &policydesk.AuditEntry{At: t0, Action: "user.invite", ObjectType: "user", ObjectID: login})
}

func session(userID int64, hash string, at time.Time) *accounts.Session {
	return &accounts.Session{TokenHash: hash, UserID: userID, CSRF: "csrf", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
}

// testInvitations: an invitation makes an invited account found by its
// address without case; a second pending invitation of the address is
// ECONFLICT and leaves no account behind; renewing replaces the token;
// accepting after expiry writes nothing; accepting in time activates the
// account, spends the link and opens the session.
func testInvitations(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB
	sessions := func(hash string) (n int) {
		t.Helper()
		if err := be.Raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, hash).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	inv, err := invite(t, db, "besa", "besa@example.org", "hash-1")
	if err != nil || inv.User.ID == 0 {
		t.Fatalf("CreateInvitation: %v, id %d", err, inv.User.ID)
	}
	u, err := db.FindUserByEmail(ctx, "BESA@example.org")
	if err != nil || u.ID != inv.User.ID || !u.Invited || u.PasswordHash != "" || u.Language != "sr" {
		t.Fatalf("FindUserByEmail = %+v, %v", u, err)
	}
	before := auditTotal(t, db)
	_, err = invite(t, db, "besa2", "besa@example.org", "hash-2")
	assertCode(t, err, policydesk.EConflict)
	if _, err := db.FindUserByLogin(ctx, "besa2"); policydesk.ErrorCode(err) != policydesk.ENotFound || auditTotal(t, db) != before {
		t.Fatalf("a refused invitation left an account or an audit entry: %v", err)
	}
	renewed := &accounts.Invitation{User: inv.User, TokenHash: "hash-3", InvitedBy: "ana", CreatedAt: t0.Add(time.Hour), ExpiresAt: t0.Add(2 * time.Hour)}
	if err := db.RenewInvitation(ctx, renewed, &policydesk.AuditEntry{At: t0, Action: "user.reinvite", ObjectType: "user", ObjectID: "besa"}); err != nil || renewed.Email != "besa@example.org" {
		t.Fatalf("RenewInvitation: %v, email %q", err, renewed.Email)
	}
	if _, err := db.FindInvitation(ctx, "hash-1"); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Fatalf("the replaced token still finds: %v", err)
	}
	found, err := db.FindInvitation(ctx, "hash-3")
	if err != nil || found.InvitedBy != "ana" || !found.ExpiresAt.Equal(t0.Add(2*time.Hour)) || !found.SpentAt.IsZero() || found.User.Login != "besa" {
		t.Fatalf("FindInvitation = %+v, %v", found, err)
	}
	before = auditTotal(t, db)
	if _, err := db.AcceptInvitation(ctx, "hash-3", "pw", session(inv.User.ID, "s-late", t0.Add(2*time.Hour)), nil); !errors.Is(err, accounts.ErrInvitationExpired) {
		t.Fatalf("accepting when expired = %v", err)
	}
	if u, _ := db.FindUserByID(ctx, inv.User.ID); sessions("s-late") != 0 || auditTotal(t, db) != before || !u.Invited || u.PasswordHash != "" {
		t.Fatalf("an expired acceptance wrote something: %+v", u)
	}
	audit := &policydesk.AuditEntry{At: t0, Action: "user.accept_invitation", ObjectType: "user", ObjectID: "besa"}
	u, err = db.AcceptInvitation(ctx, "hash-3", "pw", session(inv.User.ID, "s-ok", t0.Add(time.Hour+time.Minute)), audit)
	if err != nil || u.Invited || u.PasswordHash != "pw" {
		t.Fatalf("AcceptInvitation = %+v, %v", u, err)
	}
	if su, err := db.FindUserByLogin(ctx, "besa"); err != nil || su.Invited || sessions("s-ok") != 1 {
		t.Fatalf("after acceptance: %+v, %v, %d sessions", su, err, sessions("s-ok"))
	}
	if pending, err := db.FindPendingInvitations(ctx); err != nil || len(pending) != 0 {
		t.Fatalf("pending after acceptance: %d, %v", len(pending), err)
	}
	assertCode(t, db.RenewInvitation(ctx, renewed, nil), policydesk.ENotFound)
	// The address is free for a new invitation once the old one is spent
	// only if no account has it: the service checks; the store allows it.
	if _, err := invite(t, db, "besa-2", "besa@example.org", "hash-4"); err != nil {
		t.Fatalf("a new invitation after a spent one: %v", err)
	}
}

// testInvitations_AcceptedOnce: eight acceptances of one link at once —
// exactly one opens a session, the others are refused as used.
func testInvitations_AcceptedOnce(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	inv, err := invite(t, db, "besa", "besa@example.org", "hash-1")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, used := 0, 0
	for i := range 8 {
		wg.Go(func() {
			audit := &policydesk.AuditEntry{At: t0, Action: "user.accept_invitation", ObjectType: "user", ObjectID: "besa"}
			_, err := db.AcceptInvitation(ctx, "hash-1", "pw", session(inv.User.ID, "s-"+string(rune('a'+i)), t0.Add(time.Minute)), audit)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, accounts.ErrInvitationUsed):
				used++
			default:
				t.Errorf("acceptance: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != 1 || used != 7 {
		t.Fatalf("%d acceptances succeeded and %d were refused as used, want 1 and 7", ok, used)
	}
}
