package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts/accounts"
)

// clock is a settable time source safe to read from the service's
// goroutines while a test moves it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func from(addr string) context.Context {
	return accounts.NewContextWithClient(context.Background(), addr)
}

// waitOf returns the wait a throttled error asks for, or fails.
func waitOf(t *testing.T, err error) time.Duration {
	t.Helper()
	var th *accounts.ThrottledError
	if !errors.As(err, &th) || policydesk.ErrorCode(err) != policydesk.ETooManyRequests {
		t.Fatalf("want a throttled refusal, got %v", err)
	}
	return th.Wait
}

func TestCheckPassword(t *testing.T) {
	for _, pw := range []string{
		"aaaaaaaaaa",            // the finding: ten letters, one repeated
		"aaaaaaaaaaaa",          // long enough, one letter
		"ëëëëëëëëëëëë",          // one letter, in runes
		"short-pw-11",           // 11 characters
		"password1234",          // on the list
		"Password1234!",         // on the list with trimmings
		"iloveyou2024!!",        // a listed word with trimmings
		"qwertyuiop12",          // keyboard row plus digits
		"123456789012",          // digits in a row
		"zyxwvutsrqpo",          // the alphabet backwards
		"asdfghjklzxc",          // keyboard row
		"abcabcabcabc",          // a group repeated
		"passwordpassword",      // a word said twice
		"drita-secret-77",       // contains the login
		"gashi-nje-dy-tre",      // contains the surname
		"ab1ab1ab1",             // short and repeated
		"tab\tinside-pw",        // a control character
		strings.Repeat("ë", 37), // over bcrypt's 72 bytes
	} {
		err := accounts.CheckPassword(pw, "drita", "Drita Gashi")
		if policydesk.ErrorCode(err) != policydesk.EInvalid || policydesk.ErrorMessage(err) == "" {
			t.Errorf("password %q accepted (%v)", pw, err)
		}
	}
	for _, pw := range []string{
		"policydesk-demo", // the demo users' password stays valid
		"correct horse battery",
		"kestrel-harbour-41",
		"çelësi i fshehtë",   // Albanian with diacritics, 16 runes
		"тајна реч за мене",  // Serbian Cyrillic
		"Ljubičasti-oblak-7", // mixed
	} {
		if err := accounts.CheckPassword(pw, "drita", "Drita Gashi"); err != nil {
			t.Errorf("password %q refused: %v", pw, err)
		}
	}
	if accounts.MinPasswordLength != 12 {
		t.Errorf("MinPasswordLength = %d", accounts.MinPasswordLength)
	}
}

// TestPasswordRulesEverywhere: every way a password is set applies the rules.
func TestPasswordRulesEverywhere(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	weak := []string{"aaaaaaaaaa", "password1234", "dita-and-ana-1"} // the last names both accounts
	for _, pw := range []string{"aaaaaaaaaa", "password1234", "admin-password-1"} {
		if created, err := f.Accounts.Bootstrap(ctx, pw); created || policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("Bootstrap(%q) = %v, %v", pw, created, err)
		}
	}
	admin := f.User("admin", policydesk.RoleAdmin)
	ana := f.User("ana", policydesk.RoleEditor)
	for _, pw := range weak {
		if _, err := f.Accounts.AddUserOffline(ctx, accounts.NewUser{Login: "dita", Password: pw, Role: policydesk.RoleStaff}); policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("AddUserOffline with %q: %v", pw, err)
		}
		if _, err := f.Accounts.CreateUser(as(admin), accounts.NewUser{Login: "dita", Password: pw, Role: policydesk.RoleStaff}); policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("CreateUser with %q: %v", pw, err)
		}
		pw := pw
		if _, err := f.Accounts.UpdateUser(as(admin), ana.ID, accounts.UserPatch{Password: &pw}); policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("admin reset to %q: %v", pw, err)
		}
		if _, _, err := f.Accounts.ChangePassword(as(ana), password, pw); policydesk.ErrorCode(err) != policydesk.EInvalid {
			t.Errorf("own change to %q: %v", pw, err)
		}
	}
	if _, _, _, err := f.Accounts.Login(ctx, "ana", password); err != nil {
		t.Fatalf("refused changes touched the password: %v", err)
	}
	if _, err := f.Accounts.CreateUser(as(admin), accounts.NewUser{Login: "me", Password: password, Role: policydesk.RoleStaff}); policydesk.ErrorCode(err) != policydesk.EInvalid {
		t.Errorf("login \"me\" accepted: %v", err)
	}
}

// TestLoginThrottle_Account: five wrong passwords, then the account waits
// 15 s, 30 s, 1 min ... up to 15 min, and the right password during a
// wait is refused the same way; a success starts the count afresh. An
// unknown login gets exactly the same answers.
func TestLoginThrottle_Account(t *testing.T) {
	f := newFixture(t)
	clk := newClock()
	f.Accounts.Now = clk.Now
	f.User("ana", policydesk.RoleEditor)

	for _, login := range []string{"ana", "nobody"} {
		t.Run(login, func(t *testing.T) {
			// Each attempt from a new address, so only the account counts.
			n := 0
			try := func(pw string) error {
				n++
				_, _, _, err := f.Accounts.Login(from(fmt.Sprintf("198.51.100.%d", n)), login, pw)
				return err
			}
			for i := 0; i < 5; i++ {
				assertCode(t, try("wrong password!"), policydesk.EUnauthorized)
			}
			want := 15 * time.Second
			for range 9 {
				if got := waitOf(t, try(password)); got != want {
					t.Fatalf("wait %s, want %s", got, want)
				}
				clk.Advance(want - time.Second)
				waitOf(t, try(password)) // still waiting, right password or not
				clk.Advance(time.Second)
				assertCode(t, try("wrong password!"), policydesk.EUnauthorized)
				want = min(want*2, 15*time.Minute)
			}
			if got := waitOf(t, try("wrong password!")); got != 15*time.Minute {
				t.Fatalf("the wait grew past the cap: %s", got)
			}
			clk.Advance(15 * time.Minute)
			if login == "nobody" {
				assertCode(t, try(password), policydesk.EUnauthorized)
				return
			}
			if _, _, _, err := f.Accounts.Login(from("203.0.113.9"), login, password); err != nil {
				t.Fatalf("the right password after the wait: %v", err)
			}
			// The success reset the account: four failures pass unthrottled.
			for i := 0; i < 4; i++ {
				assertCode(t, try("wrong password!"), policydesk.EUnauthorized)
			}
			if _, _, _, err := f.Accounts.Login(from("203.0.113.9"), " ANA ", password); err != nil {
				t.Fatalf("login after four failures: %v", err)
			}
		})
	}
}

// TestLoginThrottle_Address: one address that fails twenty times, over any
// accounts, waits too; the attacker's own account does not reset it. IPv6
// clients count by /64.
func TestLoginThrottle_Address(t *testing.T) {
	f := newFixture(t)
	clk := newClock()
	f.Accounts.Now = clk.Now
	f.User("ana", policydesk.RoleEditor)
	f.User("mallory", policydesk.RoleStaff)

	for _, c := range []struct{ first, same, other string }{
		{"192.0.2.7", "192.0.2.7", "192.0.2.8"},
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1"},
		{"::ffff:192.0.2.44", "192.0.2.44", "192.0.2.45"},
	} {
		t.Run(c.first, func(t *testing.T) {
			for i := 0; i < 20; i++ {
				_, _, _, err := f.Accounts.Login(from(c.first), fmt.Sprintf("guess%d-%s", i, c.first), "wrong password!")
				assertCode(t, err, policydesk.EUnauthorized)
				if i%4 == 0 { // logging in to one's own account gives nothing back
					if _, _, _, err := f.Accounts.Login(from(c.first), "mallory", password); err != nil {
						t.Fatal(err)
					}
				}
			}
			_, _, _, err := f.Accounts.Login(from(c.same), "ana", password)
			if got := waitOf(t, err); got != 15*time.Second {
				t.Fatalf("address wait %s", got)
			}
			if _, _, _, err := f.Accounts.Login(from(c.other), "ana", password); err != nil {
				t.Fatalf("another address is refused: %v", err)
			}
			clk.Advance(15 * time.Second)
			if _, _, _, err := f.Accounts.Login(from(c.same), "ana", password); err != nil {
				t.Fatalf("after the wait: %v", err)
			}
			clk.Advance(25 * time.Hour) // forgotten
		})
	}
}

// TestLoginThrottle_Parallel: a burst of guesses sent at once gets no more
// password checks than the throttle allows one by one.
func TestLoginThrottle_Parallel(t *testing.T) {
	f := newFixture(t)
	f.User("ana", policydesk.RoleEditor)
	var mu sync.Mutex
	codes := map[string]int{}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			_, _, _, err := f.Accounts.Login(from(fmt.Sprintf("198.51.100.%d", i)), "ana", "wrong password!")
			mu.Lock()
			codes[policydesk.ErrorCode(err)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[policydesk.EUnauthorized] != 5 || codes[policydesk.ETooManyRequests] != 35 {
		t.Fatalf("40 parallel guesses answered %v; want 5 checked and 35 throttled", codes)
	}
}

// TestLoginAudit: failures and successes are in the audit log with the
// login tried and the address; throttled attempts add nothing, so the log
// grows no faster than passwords are checked.
func TestLoginAudit(t *testing.T) {
	f := newFixture(t)
	ana := f.User("ana", policydesk.RoleEditor)
	ctx := from("192.0.2.10")

	_, _, _, err := f.Accounts.Login(ctx, "ana", "wrong password!")
	assertCode(t, err, policydesk.EUnauthorized)
	e := f.lastAudit()
	if e.Action != "login.failed" || e.ObjectID != "ana" || e.ActorID != 0 || !strings.Contains(e.Detail, "192.0.2.10") {
		t.Fatalf("failure audited as %+v", e)
	}
	_, _, _, err = f.Accounts.Login(ctx, "nob\x1bo\u202edy"+strings.Repeat("x", 500), "wrong password!")
	assertCode(t, err, policydesk.EUnauthorized)
	if e := f.lastAudit(); e.Action != "login.failed" || !strings.HasPrefix(e.ObjectID, "nobody") || len([]rune(e.ObjectID)) > 65 {
		t.Fatalf("unknown login audited as %+v", e)
	}
	if _, _, _, err := f.Accounts.Login(ctx, "ana", password); err != nil {
		t.Fatal(err)
	}
	if e := f.lastAudit(); e.Action != "login.ok" || e.ActorID != ana.ID || !strings.Contains(e.Detail, "192.0.2.10") {
		t.Fatalf("success audited as %+v", e)
	}

	for range 5 {
		f.Accounts.Login(ctx, "ana", "wrong password!")
	}
	before := f.auditCount()
	for range 50 {
		_, _, _, err := f.Accounts.Login(ctx, "ana", "wrong password!")
		assertCode(t, err, policydesk.ETooManyRequests)
	}
	if after := f.auditCount(); after != before {
		t.Fatalf("50 throttled attempts wrote %d audit entries", after-before)
	}
}

// TestAdminChangesEndSessions: a password reset, a role change or disabling
// ends every session of the user; other changes keep them.
func TestAdminChangesEndSessions(t *testing.T) {
	f := newFixture(t)
	admin := f.User("admin", policydesk.RoleAdmin)
	bob := f.User("bob", policydesk.RoleEditor)
	login := func(u *policydesk.User) []string {
		var tokens []string
		for range 2 {
			token, _, _, err := f.Accounts.Login(context.Background(), u.Login, password)
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, token)
		}
		return tokens
	}
	alive := func(tokens []string) (n int) {
		for _, tok := range tokens {
			if _, _, err := f.Accounts.Authenticate(context.Background(), tok); err == nil {
				n++
			}
		}
		return n
	}
	str := func(s string) *string { return &s }
	yes, no := true, false
	bobs := login(bob)
	for i, c := range []struct {
		name  string
		patch accounts.UserPatch
		ends  bool
	}{
		{"name", accounts.UserPatch{Name: str("Ana Krasniqi"), Organisation: str("Ministria")}, false},
		{"same role, still enabled", accounts.UserPatch{Role: str(policydesk.RoleEditor), Disabled: &no}, false},
		{"password reset", accounts.UserPatch{Password: str("a new long passphrase")}, true},
		{"role change", accounts.UserPatch{Role: str(policydesk.RoleStaff)}, true},
		{"disabled", accounts.UserPatch{Disabled: &yes}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := f.User(fmt.Sprintf("user%d", i), policydesk.RoleEditor)
			tokens := login(u)
			if _, err := f.Accounts.UpdateUser(as(admin), u.ID, c.patch); err != nil {
				t.Fatal(err)
			}
			want := 2
			if c.ends {
				want = 0
			}
			if got := alive(tokens); got != want {
				t.Fatalf("%d of 2 sessions alive after %s, want %d", got, c.name, want)
			}
			if said := strings.Contains(f.lastAudit().Detail, "every session ended"); said != c.ends {
				t.Errorf("audit %+v", f.lastAudit())
			}
			if alive(bobs) != 2 {
				t.Fatal("another user's sessions ended")
			}
		})
	}
}

// TestChangePassword: the current password is required (and throttled),
// every session ends, the caller gets a fresh one.
func TestChangePassword(t *testing.T) {
	f := newFixture(t)
	clk := newClock()
	f.Accounts.Now = clk.Now
	f.User("ana", policydesk.RoleEditor)
	ctx := context.Background()
	other, _, _, err := f.Accounts.Login(ctx, "ana", password)
	if err != nil {
		t.Fatal(err)
	}
	current, _, me, err := f.Accounts.Login(ctx, "ana", password)
	if err != nil {
		t.Fatal(err)
	}
	mine := accounts.NewContextWithClient(as(me), "192.0.2.20")
	const next = "a brand new passphrase"

	_, _, err = f.Accounts.ChangePassword(context.Background(), password, next)
	assertCode(t, err, policydesk.EUnauthorized)
	for range 5 {
		_, _, err := f.Accounts.ChangePassword(mine, "not my password", next)
		assertCode(t, err, policydesk.EInvalid)
	}
	if e := f.lastAudit(); e.Action != "password.change.failed" || e.ObjectID != "ana" {
		t.Fatalf("audit %+v", e)
	}
	_, _, err = f.Accounts.ChangePassword(mine, password, next)
	wait := waitOf(t, err)
	clk.Advance(wait)

	token, sess, err := f.Accounts.ChangePassword(mine, password, next)
	if err != nil {
		t.Fatal(err)
	}
	if e := f.lastAudit(); e.Action != "session.renew" {
		t.Fatalf("last audit %+v", e)
	}
	for _, old := range []string{other, current} {
		_, _, err := f.Accounts.Authenticate(ctx, old)
		assertCode(t, err, policydesk.EUnauthorized)
	}
	if s, u, err := f.Accounts.Authenticate(ctx, token); err != nil || u.Login != "ana" || s.TokenHash != sess.TokenHash {
		t.Fatalf("new session: %v", err)
	}
	_, _, _, err = f.Accounts.Login(ctx, "ana", password)
	assertCode(t, err, policydesk.EUnauthorized)
	if _, _, _, err := f.Accounts.Login(ctx, "ana", next); err != nil {
		t.Fatalf("new password: %v", err)
	}
	_, _, err = f.Accounts.ChangePassword(mine, next, next)
	assertCode(t, err, policydesk.EInvalid)
}

// TestThrottleBudget measures, on the service's real rules and store with a
// simulated clock, how many passwords an attacker can try against one
// account (from ever new addresses) and from one address (against ever new
// accounts) when every attempt comes the moment the wait is over.
func TestThrottleBudget(t *testing.T) {
	f := newFixture(t)
	clk := newClock()
	f.Accounts.Now = clk.Now
	f.User("ana", policydesk.RoleEditor)
	start := clk.Now()
	run := func(attempt func(i int) error, horizon time.Duration) map[time.Duration]int {
		marks := []time.Duration{time.Minute, time.Hour, 24 * time.Hour}
		got := map[time.Duration]int{}
		checked := 0
		for i := 0; clk.Now().Sub(start) < horizon; i++ {
			err := attempt(i)
			var th *accounts.ThrottledError
			if errors.As(err, &th) {
				clk.Advance(th.Wait)
			} else {
				checked++
				clk.Advance(time.Millisecond)
			}
			for _, m := range marks {
				if clk.Now().Sub(start) <= m {
					got[m] = checked
				}
			}
		}
		return got
	}
	account := run(func(i int) error {
		_, _, _, err := f.Accounts.Login(from(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)), "ana", "wrong password!")
		return err
	}, 24*time.Hour)
	clk.Advance(48 * time.Hour)
	start = clk.Now()
	address := run(func(i int) error {
		_, _, _, err := f.Accounts.Login(from("192.0.2.99"), fmt.Sprintf("victim%d", i), "wrong password!")
		return err
	}, 24*time.Hour)
	t.Logf("guesses against one account: %d in the first minute, %d in the first hour, %d in a day",
		account[time.Minute], account[time.Hour], account[24*time.Hour])
	t.Logf("guesses from one address: %d in the first minute, %d in the first hour, %d in a day",
		address[time.Minute], address[time.Hour], address[24*time.Hour])
	if account[24*time.Hour] > 110 || address[24*time.Hour] > 130 {
		t.Fatalf("the throttle lets too many guesses through: account %v, address %v", account, address)
	}
}
