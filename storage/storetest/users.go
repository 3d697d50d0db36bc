package storetest

import (
	"context"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts/accounts"
)

func testCheck_FreshDB(t *testing.T, open Opener) {
	be := open(t)
	db := be.DB
	if err := db.Check(context.Background()); err != nil {
		t.Fatalf("Check on a fresh database: %v", err)
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func testUsers(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB

	audit := &policydesk.AuditEntry{At: t0, Action: "user.create", ObjectType: "user", ObjectID: "ana"}
	u := &policydesk.User{Login: "ana", Name: "Ana Krasniqi", Organisation: "MD", Role: policydesk.RoleEditor, PasswordHash: "hash", CreatedAt: t0}
	if err := db.CreateUser(ctx, u, audit); err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || audit.ID == 0 {
		t.Fatalf("ids not set: user %d, audit %d", u.ID, audit.ID)
	}

	byLogin, err := db.FindUserByLogin(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	byID, err := db.FindUserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []*policydesk.User{byLogin, byID} {
		if got.ID != u.ID || got.Name != u.Name || got.Organisation != "MD" || got.Role != policydesk.RoleEditor ||
			got.PasswordHash != "hash" || got.Disabled || !got.CreatedAt.Equal(t0) {
			t.Fatalf("found %+v, want %+v", got, u)
		}
	}

	t.Run("duplicate login", func(t *testing.T) {
		before := auditTotal(t, db)
		dup := &policydesk.User{Login: "ana", Name: "Other", Role: policydesk.RoleStaff, PasswordHash: "x", CreatedAt: t0}
		assertCode(t, db.CreateUser(ctx, dup, &policydesk.AuditEntry{At: t0, Action: "user.create", ObjectType: "user"}), policydesk.EConflict)
		if n, _ := db.CountUsers(ctx); n != 1 {
			t.Fatalf("CountUsers = %d, want 1", n)
		}
		if after := auditTotal(t, db); after != before {
			t.Fatalf("audit grew from %d to %d on a refused insert", before, after)
		}
	})

	t.Run("not found", func(t *testing.T) {
		u, err := db.FindUserByLogin(ctx, "nobody")
		assertCode(t, err, policydesk.ENotFound)
		if u != nil {
			t.Fatalf("got user %+v with not-found", u)
		}
		u, err = db.FindUserByID(ctx, 4242)
		assertCode(t, err, policydesk.ENotFound)
		if u != nil {
			t.Fatalf("got user %+v with not-found", u)
		}
	})

	t.Run("update", func(t *testing.T) {
		u.Name, u.Disabled = "Ana K.", true
		if err := db.UpdateUser(ctx, u, nil); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindUserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Ana K." || !got.Disabled {
			t.Fatalf("after update: %+v", got)
		}
		assertCode(t, db.UpdateUser(ctx, &policydesk.User{ID: 4242, Role: policydesk.RoleStaff}, nil), policydesk.ENotFound)
	})
}

func testSessions(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)

	now := time.Now().UTC()
	s := &accounts.Session{TokenHash: accounts.HashToken("tok-1"), UserID: ana.ID, CSRF: "c1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindSession(ctx, s.TokenHash)
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != ana.ID || got.CSRF != "c1" || !got.CreatedAt.Equal(now) || !got.ExpiresAt.Equal(s.ExpiresAt) {
		t.Fatalf("found %+v, want %+v", got, s)
	}
	assertCode(t, db.CreateSession(ctx, s), policydesk.EConflict)

	if err := db.DeleteSession(ctx, s.TokenHash); err != nil {
		t.Fatal(err)
	}
	got, err = db.FindSession(ctx, s.TokenHash)
	assertCode(t, err, policydesk.ENotFound)
	if got != nil {
		t.Fatalf("deleted session found: %+v", got)
	}

	t.Run("disabling a user ends its sessions", func(t *testing.T) {
		s := &accounts.Session{TokenHash: accounts.HashToken("tok-d"), UserID: ana.ID, CSRF: "c", CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		ana.Disabled = true
		if err := db.UpdateUser(ctx, ana, nil); err != nil {
			t.Fatal(err)
		}
		_, err := db.FindSession(ctx, s.TokenHash)
		assertCode(t, err, policydesk.ENotFound)
	})
}

func testSessions_Expired(t *testing.T, open Opener) {
	ctx := context.Background()
	be := open(t)
	db := be.DB
	raw := be.Raw
	ana := MustCreateUser(t, db, "ana", policydesk.RoleEditor)

	old := &accounts.Session{TokenHash: accounts.HashToken("old"), UserID: ana.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := db.CreateSession(ctx, old); err != nil {
		t.Fatal(err)
	}
	// The contract says an expired token is not found, swept or not.
	_, err := db.FindSession(ctx, old.TokenHash)
	assertCode(t, err, policydesk.ENotFound)

	now := time.Now().UTC()
	fresh := &accounts.Session{TokenHash: accounts.HashToken("fresh"), UserID: ana.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := db.CreateSession(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, old.TokenHash).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("expired session was not swept by the next login")
	}
	if _, err := db.FindSession(ctx, fresh.TokenHash); err != nil {
		t.Fatalf("fresh session: %v", err)
	}
}
