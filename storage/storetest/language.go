package storetest

import (
	"context"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts/accounts"
)

// testUsers_Language: a user's interface language is stored at creation,
// changed alone by SetUserLanguage (an UpdateUser of an older copy keeps
// it), read on the session path every request takes, and the database
// refuses a language that is none of sq, sr, sr-Cyrl, en.
func testUsers_Language(t *testing.T, open Opener) {
	ctx := context.Background()
	db := open(t).DB
	u := &policydesk.User{Login: "besa", Name: "Besa", Role: policydesk.RoleReviewer, PasswordHash: "h", CreatedAt: t0, Language: "sr"}
	if err := db.CreateUser(ctx, u, nil); err != nil {
		t.Fatal(err)
	}
	plain := MustCreateUser(t, db, "drita", policydesk.RoleEditor)
	if got, err := db.FindUserByLogin(ctx, "besa"); err != nil || got.Language != "sr" {
		t.Fatalf("created with sr, found %+v, %v", got, err)
	}
	if got, err := db.FindUserByID(ctx, plain.ID); err != nil || got.Language != "" {
		t.Fatalf("created without a language, found %+v, %v", got, err)
	}

	stale := *u
	if err := db.SetUserLanguage(ctx, u.ID, "en"); err != nil {
		t.Fatal(err)
	}
	stale.Name = "Besa Gashi"
	if err := db.UpdateUser(ctx, &stale, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	s := &accounts.Session{TokenHash: accounts.HashToken("lang"), UserID: u.ID, CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	_, got, err := db.FindSessionUser(ctx, s.TokenHash)
	if err != nil || got.Language != "en" || got.Name != "Besa Gashi" {
		t.Fatalf("after SetUserLanguage en and an update of an older copy: %+v, %v", got, err)
	}
	users, err := db.FindUsers(ctx)
	if err != nil || len(users) != 2 || users[0].Language != "en" || users[1].Language != "" {
		t.Fatalf("FindUsers: %+v, %v", users, err)
	}

	if err := db.SetUserLanguage(ctx, plain.ID, "sr-Cyrl"); err != nil {
		t.Fatalf("SetUserLanguage sr-Cyrl: %v", err)
	}
	if got, err := db.FindUserByID(ctx, plain.ID); err != nil || got.Language != "sr-Cyrl" {
		t.Fatalf("after SetUserLanguage sr-Cyrl: %+v, %v", got, err)
	}
	if err := db.SetUserLanguage(ctx, u.ID, "de"); err == nil {
		t.Fatal("SetUserLanguage accepted de")
	}
	assertCode(t, db.SetUserLanguage(ctx, 4242, "sq"), policydesk.ENotFound)
	if got, err := db.FindUserByID(ctx, u.ID); err != nil || got.Language != "en" {
		t.Fatalf("after refused changes: %+v, %v", got, err)
	}
}
