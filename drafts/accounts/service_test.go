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

	if created, err := f.Accounts.Bootstrap(ctx, ""); created || err != nil {
		t.Fatalf("Bootstrap without password = %v, %v", created, err)
	}
	created, err := f.Accounts.Bootstrap(ctx, "short")
	assertCode(t, err, policydesk.EInvalid)
	if created {
		t.Fatal("created an admin with a short password")
	}
	if created, err := f.Accounts.Bootstrap(ctx, password); !created || err != nil {
		t.Fatalf("Bootstrap on an empty database = %v, %v", created, err)
	}
	admin, err := f.DB.FindUserByLogin(ctx, "admin")
	if err != nil || admin.Role != policydesk.RoleAdmin {
		t.Fatalf("admin = %+v, %v", admin, err)
	}
	if created, err := f.Accounts.Bootstrap(ctx, "another password"); created || err != nil {
		t.Fatalf("second Bootstrap = %v, %v", created, err)
	}
	if n, _ := f.DB.CountUsers(ctx); n != 1 {
		t.Fatalf("%d users after two bootstraps", n)
	}
	if _, _, _, err := f.Accounts.Login(ctx, "admin", password); err != nil {
		t.Fatalf("bootstrap password does not log in: %v", err)
	}
}

func TestCreateUser_AdminOnly(t *testing.T) {
	f := newFixture(t)
	admin := f.User("admin", policydesk.RoleAdmin)
	editor := f.User("ana", policydesk.RoleEditor)
	in := accounts.NewUser{Login: "besa", Name: "Besa", Password: password, Role: policydesk.RoleStaff}

	for name, ctx := range map[string]context.Context{
		"no user":        context.Background(),
		"editor":         as(editor),
		"disabled admin": as(&policydesk.User{ID: admin.ID, Login: admin.Login, Role: policydesk.RoleAdmin, Disabled: true}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.Accounts.CreateUser(ctx, in)
			assertCode(t, err, policydesk.EForbidden)
		})
	}
	if _, err := f.DB.FindUserByLogin(context.Background(), "besa"); policydesk.ErrorCode(err) != policydesk.ENotFound {
		t.Fatalf("refused user was stored: %v", err)
	}

	u, err := f.Accounts.CreateUser(as(admin), in)
	if err != nil {
		t.Fatal(err)
	}
	if e := f.lastAudit(); e.Action != "user.create" || e.Actor != "admin" || e.ObjectID != "besa" {
		t.Fatalf("audit %+v", e)
	}
	if u.PasswordHash == password || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		t.Fatal("password not stored as a bcrypt hash")
	}
	_, err = f.Accounts.CreateUser(as(admin), in)
	assertCode(t, err, policydesk.EConflict)

	for _, bad := range []accounts.NewUser{
		{Login: "Besa!", Password: password, Role: policydesk.RoleStaff},
		{Login: "dita", Password: "short", Role: policydesk.RoleStaff},
		{Login: "dita", Password: password, Role: "superuser"},
		{Login: "dita", Password: strings.Repeat("ë", 40), Role: policydesk.RoleStaff},
	} {
		_, err := f.Accounts.CreateUser(as(admin), bad)
		assertCode(t, err, policydesk.EInvalid)
	}
}

func TestLogin(t *testing.T) {
	f := newFixture(t)
	ana := f.User("ana", policydesk.RoleEditor)
	ctx := context.Background()

	_, _, _, errPassword := f.Accounts.Login(ctx, "ana", "wrong password!")
	_, _, _, errLogin := f.Accounts.Login(ctx, "nobody", password)
	assertCode(t, errPassword, policydesk.EUnauthorized)
	assertCode(t, errLogin, policydesk.EUnauthorized)
	if policydesk.ErrorMessage(errPassword) != policydesk.ErrorMessage(errLogin) {
		t.Fatalf("bad password says %q, unknown login says %q", policydesk.ErrorMessage(errPassword), policydesk.ErrorMessage(errLogin))
	}

	token, sess, u, err := f.Accounts.Login(ctx, " ana ", password)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != ana.ID || sess.UserID != ana.ID || sess.TokenHash != accounts.HashToken(token) || strings.Contains(sess.TokenHash, token) {
		t.Fatalf("session %+v for token %q", sess, token)
	}
	if e := f.lastAudit(); e.Action != "login.ok" || e.Actor != "ana" || e.ActorID != ana.ID {
		t.Fatalf("audit %+v", e)
	}

	gotSess, gotUser, err := f.Accounts.Authenticate(ctx, token)
	if err != nil || gotUser.ID != ana.ID || gotSess.CSRF != sess.CSRF {
		t.Fatalf("Authenticate = %+v, %+v, %v", gotSess, gotUser, err)
	}
	for _, bad := range []string{"", "not-a-token", strings.Repeat("x", 300)} {
		_, _, err := f.Accounts.Authenticate(ctx, bad)
		assertCode(t, err, policydesk.EUnauthorized)
	}

	if err := f.Accounts.Logout(as(gotUser), token); err != nil {
		t.Fatal(err)
	}
	if e := f.lastAudit(); e.Action != "session.delete" || e.Actor != "ana" || e.ObjectID != "ana" {
		t.Fatalf("audit %+v", e)
	}
	_, _, err = f.Accounts.Authenticate(ctx, token)
	assertCode(t, err, policydesk.EUnauthorized)
}

func TestAuthenticate_Expired(t *testing.T) {
	f := newFixture(t)
	f.User("ana", policydesk.RoleEditor)
	token, _, _, err := f.Accounts.Login(context.Background(), "ana", password)
	if err != nil {
		t.Fatal(err)
	}

	f.Accounts.Now = func() time.Time { return time.Now().Add(accounts.SessionTTL - time.Minute) }
	if _, _, err := f.Accounts.Authenticate(context.Background(), token); err != nil {
		t.Fatalf("session refused before its end: %v", err)
	}
	f.Accounts.Now = func() time.Time { return time.Now().Add(accounts.SessionTTL + time.Minute) }
	_, _, err = f.Accounts.Authenticate(context.Background(), token)
	assertCode(t, err, policydesk.EUnauthorized)
}

// TestDisabledUser checks that disabling an account ends its sessions and
// refuses its logins like a wrong password, and that an administrator cannot
// disable their own account (package drafts checks that a stale *User of
// the account is refused).
func TestDisabledUser(t *testing.T) {
	f := newFixture(t)
	admin := f.User("admin", policydesk.RoleAdmin)
	ana := f.User("ana", policydesk.RoleEditor)
	token, _, _, err := f.Accounts.Login(context.Background(), "ana", password)
	if err != nil {
		t.Fatal(err)
	}

	yes := true
	if _, err := f.Accounts.UpdateUser(as(admin), ana.ID, accounts.UserPatch{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.Accounts.Authenticate(context.Background(), token)
	assertCode(t, err, policydesk.EUnauthorized)
	_, _, _, err = f.Accounts.Login(context.Background(), "ana", password)
	assertCode(t, err, policydesk.EUnauthorized)
	if policydesk.ErrorMessage(err) != "Wrong login or password." {
		t.Fatalf("disabled login says %q", policydesk.ErrorMessage(err))
	}

	_, err = f.Accounts.UpdateUser(as(admin), admin.ID, accounts.UserPatch{Disabled: &yes})
	assertCode(t, err, policydesk.EInvalid)
}

// TestAuditTrail checks that every change to accounts and sessions records
// who did what to whom (package drafts checks the changes to documents).
func TestAuditTrail(t *testing.T) {
	f := newFixture(t)
	admin := f.User("admin", policydesk.RoleAdmin)
	ana := f.User("ana", policydesk.RoleEditor)
	var token, replaced string
	name := "Ana Krasniqi"

	for _, tc := range []struct {
		do                     func() error
		actor, action, objType string
		objID                  func() string
	}{
		{func() error {
			_, err := f.Accounts.CreateUser(as(admin), accounts.NewUser{Login: "dita", Password: password, Role: policydesk.RoleStaff})
			return err
		}, "admin", "user.create", "user", func() string { return "dita" }},
		{func() error {
			_, err := f.Accounts.UpdateUser(as(admin), ana.ID, accounts.UserPatch{Name: &name})
			return err
		},
			"admin", "user.update", "user", func() string { return "ana" }},
		{func() (err error) {
			token, _, _, err = f.Accounts.Login(context.Background(), "ana", password)
			return err
		},
			"ana", "login.ok", "user", func() string { return "ana" }},
		{func() (err error) {
			replaced, _, _, err = f.Accounts.Login(context.Background(), "ana", password)
			return err
		},
			"ana", "login.ok", "user", func() string { return "ana" }},
		{func() error { return f.Accounts.ReplaceSession(as(ana), replaced) },
			"ana", "session.replace", "user", func() string { return "ana" }},
		{func() error { return f.Accounts.Logout(as(ana), token) },
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

// TestReplaceSession: a login from a browser that held a session ends that
// session, on the audit log under the user who held it.
func TestReplaceSession(t *testing.T) {
	f := newFixture(t)
	f.User("ana", policydesk.RoleEditor)
	old, _, ana, err := f.Accounts.Login(context.Background(), "ana", password)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _, _, err := f.Accounts.Login(context.Background(), "ana", password)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Accounts.ReplaceSession(as(ana), old); err != nil {
		t.Fatal(err)
	}
	if e := f.lastAudit(); e.Action != "session.replace" || e.Actor != "ana" || e.ObjectID != "ana" {
		t.Fatalf("audit %+v", e)
	}
	_, _, err = f.Accounts.Authenticate(context.Background(), old)
	assertCode(t, err, policydesk.EUnauthorized)
	if _, u, err := f.Accounts.Authenticate(context.Background(), fresh); err != nil || u.ID != ana.ID {
		t.Fatalf("the new session: %+v, %v", u, err)
	}
}

// TestUpdateUserByLogin: only an administrator changes an account by its
// login, and only an administrator learns whether the login exists.
func TestUpdateUserByLogin(t *testing.T) {
	f := newFixture(t)
	admin := f.User("admin", policydesk.RoleAdmin)
	ana := f.User("ana", policydesk.RoleEditor)
	name := "Ana Krasniqi"
	for _, login := range []string{"ana", "nobody"} {
		_, err := f.Accounts.UpdateUserByLogin(as(ana), login, accounts.UserPatch{Name: &name})
		assertCode(t, err, policydesk.EForbidden)
	}
	_, err := f.Accounts.UpdateUserByLogin(as(admin), "nobody", accounts.UserPatch{Name: &name})
	assertCode(t, err, policydesk.ENotFound)

	u, err := f.Accounts.UpdateUserByLogin(as(admin), "ana", accounts.UserPatch{Name: &name})
	if err != nil || u.ID != ana.ID || u.Name != name {
		t.Fatalf("UpdateUserByLogin = %+v, %v", u, err)
	}
	if e := f.lastAudit(); e.Action != "user.update" || e.Actor != "admin" || e.ObjectID != "ana" {
		t.Fatalf("audit %+v", e)
	}
	staff := policydesk.RoleStaff
	_, err = f.Accounts.UpdateUserByLogin(as(admin), "admin", accounts.UserPatch{Role: &staff})
	assertCode(t, err, policydesk.EInvalid)
}

// TestUsersOffline: HasUsers and EnsureUserOffline, what the command line
// and the server's start need without an admin session.
func TestUsersOffline(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if exists, err := f.Accounts.HasUsers(ctx); exists || err != nil {
		t.Fatalf("HasUsers on an empty database = %v, %v", exists, err)
	}
	in := accounts.NewUser{Login: "besa", Name: "Besa", Password: password, Role: policydesk.RoleReviewer}
	created, err := f.Accounts.EnsureUserOffline(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	in.Name, in.Password = "Another", "another long passphrase"
	again, err := f.Accounts.EnsureUserOffline(ctx, in)
	if err != nil || again.ID != created.ID || again.Name != "Besa" {
		t.Fatalf("second EnsureUserOffline = %+v, %v; want the account made first", again, err)
	}
	if exists, err := f.Accounts.HasUsers(ctx); !exists || err != nil {
		t.Fatalf("HasUsers with an account = %v, %v", exists, err)
	}
	in.Login = "Not A Login"
	_, err = f.Accounts.EnsureUserOffline(ctx, in)
	assertCode(t, err, policydesk.EInvalid)
}

// BenchmarkLogin logs in over a real SQLite file: the throttle's read and
// two write transactions, the password check (at bcrypt's lowest cost), the
// new session and its audit entry.
func BenchmarkLogin(b *testing.B) {
	f := newFixture(b)
	f.User("ana", policydesk.RoleEditor)
	ctx := from("192.0.2.7")
	for b.Loop() {
		if _, _, _, err := f.Accounts.Login(ctx, "ana", password); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticate resolves a session token, what every authenticated
// request does first.
func BenchmarkAuthenticate(b *testing.B) {
	f := newFixture(b)
	f.User("ana", policydesk.RoleEditor)
	token, _, _, err := f.Accounts.Login(context.Background(), "ana", password)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := f.Accounts.Authenticate(context.Background(), token); err != nil {
			b.Fatal(err)
		}
	}
}
