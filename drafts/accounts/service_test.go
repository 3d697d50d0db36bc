package accounts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"policydesk"
	"policydesk/drafts/accounts"
)

func TestBootstrap(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	if created, err := f.svc.Bootstrap(ctx, ""); created || err != nil {
		t.Fatalf("Bootstrap without password = %v, %v", created, err)
	}
	created, err := f.svc.Bootstrap(ctx, "short")
	assertCode(t, err, policydesk.EInvalid)
	if created {
		t.Fatal("created an admin with a short password")
	}
	if created, err := f.svc.Bootstrap(ctx, password); !created || err != nil {
		t.Fatalf("Bootstrap on an empty database = %v, %v", created, err)
	}
	admin, err := f.db.FindUserByLogin(ctx, "admin")
	if err != nil || admin.Role != policydesk.RoleAdmin {
		t.Fatalf("admin = %+v, %v", admin, err)
	}
	if created, err := f.svc.Bootstrap(ctx, "another password"); created || err != nil {
		t.Fatalf("second Bootstrap = %v, %v", created, err)
	}
	if n, _ := f.db.CountUsers(ctx); n != 1 {
		t.Fatalf("%d users after two bootstraps", n)
	}
	if _, _, _, err := f.svc.Login(ctx, "admin", password); err != nil {
		t.Fatalf("bootstrap password does not log in: %v", err)
	}
}

func TestCreateUser_AdminOnly(t *testing.T) {
	f := newFixture(t)
	admin := f.user("admin", policydesk.RoleAdmin)
	editor := f.user("ana", policydesk.RoleEditor)
	in := accounts.NewUser{Login: "besa", Name: "Besa", Password: password, Role: policydesk.RoleStaff}

	for name, ctx := range map[string]context.Context{
		"no user":        context.Background(),
		"editor":         as(editor),
		"disabled admin": as(&policydesk.User{ID: admin.ID, Login: admin.Login, Role: policydesk.RoleAdmin, Disabled: true}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.CreateUser(ctx, in)
			assertCode(t, err, policydesk.EForbidden)
		})
	}
	if _, err := f.db.FindUserByLogin(context.Background(), "besa"); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Fatalf("refused user was stored: %v", err)
	}

	u, err := f.svc.CreateUser(as(admin), in)
	if err != nil {
		t.Fatal(err)
	}
	if e := f.lastAudit(); e.Action != "user.create" || e.Actor != "admin" || e.ObjectID != "besa" {
		t.Fatalf("audit %+v", e)
	}
	if u.PasswordHash == password || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		t.Fatal("password not stored as a bcrypt hash")
	}
	_, err = f.svc.CreateUser(as(admin), in)
	assertCode(t, err, policydesk.EConflict)

	for _, bad := range []accounts.NewUser{
		{Login: "Besa!", Password: password, Role: policydesk.RoleStaff},
		{Login: "dita", Password: "short", Role: policydesk.RoleStaff},
		{Login: "dita", Password: password, Role: "superuser"},
		{Login: "dita", Password: strings.Repeat("ë", 40), Role: policydesk.RoleStaff},
	} {
		_, err := f.svc.CreateUser(as(admin), bad)
		assertCode(t, err, policydesk.EInvalid)
	}
}

func TestLogin(t *testing.T) {
	f := newFixture(t)
	ana := f.user("ana", policydesk.RoleEditor)
	ctx := context.Background()

	_, _, _, errPassword := f.svc.Login(ctx, "ana", "wrong password!")
	_, _, _, errLogin := f.svc.Login(ctx, "nobody", password)
	assertCode(t, errPassword, policydesk.EUnauthorized)
	assertCode(t, errLogin, policydesk.EUnauthorized)
	if policydesk.ErrorMessage(errPassword) != policydesk.ErrorMessage(errLogin) {
		t.Fatalf("bad password says %q, unknown login says %q", policydesk.ErrorMessage(errPassword), policydesk.ErrorMessage(errLogin))
	}

	token, sess, u, err := f.svc.Login(ctx, " ana ", password)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != ana.ID || sess.UserID != ana.ID || sess.TokenHash != accounts.HashToken(token) || strings.Contains(sess.TokenHash, token) {
		t.Fatalf("session %+v for token %q", sess, token)
	}
	if e := f.lastAudit(); e.Action != "login.ok" || e.Actor != "ana" || e.ActorID != ana.ID {
		t.Fatalf("audit %+v", e)
	}

	gotSess, gotUser, err := f.svc.Authenticate(ctx, token)
	if err != nil || gotUser.ID != ana.ID || gotSess.CSRF != sess.CSRF {
		t.Fatalf("Authenticate = %+v, %+v, %v", gotSess, gotUser, err)
	}
	for _, bad := range []string{"", "not-a-token", strings.Repeat("x", 300)} {
		_, _, err := f.svc.Authenticate(ctx, bad)
		assertCode(t, err, policydesk.EUnauthorized)
	}

	if err := f.svc.Logout(as(gotUser), token); err != nil {
		t.Fatal(err)
	}
	if e := f.lastAudit(); e.Action != "session.delete" || e.Actor != "ana" || e.ObjectID != "ana" {
		t.Fatalf("audit %+v", e)
	}
	_, _, err = f.svc.Authenticate(ctx, token)
	assertCode(t, err, policydesk.EUnauthorized)
}

func TestAuthenticate_Expired(t *testing.T) {
	f := newFixture(t)
	f.user("ana", policydesk.RoleEditor)
	token, _, _, err := f.svc.Login(context.Background(), "ana", password)
	if err != nil {
		t.Fatal(err)
	}

	f.svc.Now = func() time.Time { return time.Now().Add(accounts.SessionTTL - time.Minute) }
	if _, _, err := f.svc.Authenticate(context.Background(), token); err != nil {
		t.Fatalf("session refused before its end: %v", err)
	}
	f.svc.Now = func() time.Time { return time.Now().Add(accounts.SessionTTL + time.Minute) }
	_, _, err = f.svc.Authenticate(context.Background(), token)
	assertCode(t, err, policydesk.EUnauthorized)
}

// TestDisabledUser checks that disabling an account ends its sessions and
// refuses its logins like a wrong password, and that an administrator cannot
// disable their own account (package drafts checks that a stale *User of
// the account is refused).
func TestDisabledUser(t *testing.T) {
	f := newFixture(t)
	admin := f.user("admin", policydesk.RoleAdmin)
	ana := f.user("ana", policydesk.RoleEditor)
	token, _, _, err := f.svc.Login(context.Background(), "ana", password)
	if err != nil {
		t.Fatal(err)
	}

	yes := true
	if _, err := f.svc.UpdateUser(as(admin), ana.ID, accounts.UserPatch{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.Authenticate(context.Background(), token)
	assertCode(t, err, policydesk.EUnauthorized)
	_, _, _, err = f.svc.Login(context.Background(), "ana", password)
	assertCode(t, err, policydesk.EUnauthorized)
	if policydesk.ErrorMessage(err) != "Wrong login or password." {
		t.Fatalf("disabled login says %q", policydesk.ErrorMessage(err))
	}

	_, err = f.svc.UpdateUser(as(admin), admin.ID, accounts.UserPatch{Disabled: &yes})
	assertCode(t, err, policydesk.EInvalid)
}

// TestAuditTrail checks that every change to accounts and sessions records
// who did what to whom (package drafts checks the changes to documents).
func TestAuditTrail(t *testing.T) {
	f := newFixture(t)
	admin := f.user("admin", policydesk.RoleAdmin)
	ana := f.user("ana", policydesk.RoleEditor)
	var token, replaced string
	name := "Ana Krasniqi"

	for _, tc := range []struct {
		do                     func() error
		actor, action, objType string
		objID                  func() string
	}{
		{func() error {
			_, err := f.svc.CreateUser(as(admin), accounts.NewUser{Login: "dita", Password: password, Role: policydesk.RoleStaff})
			return err
		}, "admin", "user.create", "user", func() string { return "dita" }},
		{func() error {
			_, err := f.svc.UpdateUser(as(admin), ana.ID, accounts.UserPatch{Name: &name})
			return err
		},
			"admin", "user.update", "user", func() string { return "ana" }},
		{func() (err error) { token, _, _, err = f.svc.Login(context.Background(), "ana", password); return err },
			"ana", "login.ok", "user", func() string { return "ana" }},
		{func() (err error) {
			replaced, _, _, err = f.svc.Login(context.Background(), "ana", password)
			return err
		},
			"ana", "login.ok", "user", func() string { return "ana" }},
		{func() error { return f.svc.ReplaceSession(as(ana), replaced) },
			"ana", "session.replace", "user", func() string { return "ana" }},
		{func() error { return f.svc.Logout(as(ana), token) },
			"ana", "session.delete", "user", func() string { return "ana" }},
	} {
		t.Run(tc.action, func(t *testing.T) {
			before := f.auditCount()
			if err := tc.do(); err != nil {
				t.Fatal(err)
			}
			if after := f.auditCount(); after != before+1 {
				t.Fatalf("audit grew by %d, want 1", after-before)
			}
			e := f.lastAudit()
			if e.Actor != tc.actor || e.ActorID == 0 || e.Action != tc.action || e.ObjectType != tc.objType || e.ObjectID != tc.objID() || e.At.IsZero() {
				t.Fatalf("audit entry %+v, want %s %s %s/%s", e, tc.actor, tc.action, tc.objType, tc.objID())
			}
		})
	}
}
