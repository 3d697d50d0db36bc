package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode"

	"policydesk"
)

// ThrottleRule slows down password guessing under one key: Free failures in
// a row are let through, then each further failure makes the key wait Base,
// doubled at every failure, up to Max.
type ThrottleRule struct {
	Free int
	Base time.Duration
	Max  time.Duration
}

// wait is how long a key with this many failures in a row waits.
func (r ThrottleRule) wait(failures int) time.Duration {
	if failures < r.Free {
		return 0
	}
	d := r.Base
	for i := r.Free; i < failures && d < r.Max; i++ {
		d *= 2
	}
	return min(d, r.Max)
}

// LoginLimits are the throttle's rules: one per account (the login tried,
// whether or not it exists) and one per client address (an IPv6 client by
// its /64), and how long a key stays remembered after its last failure.
type LoginLimits struct {
	Account ThrottleRule
	Address ThrottleRule
	Forget  time.Duration
}

// DefaultLoginLimits: five wrong passwords for an account, then 15 s, 30 s,
// 1 min ... up to 15 min between guesses; an address that fails twenty
// times (any accounts) is slowed the same way. A day without a failure
// forgets a key.
var DefaultLoginLimits = LoginLimits{
	Account: ThrottleRule{Free: 5, Base: 15 * time.Second, Max: 15 * time.Minute},
	Address: ThrottleRule{Free: 20, Base: 15 * time.Second, Max: 15 * time.Minute},
	Forget:  24 * time.Hour,
}

// ThrottleState is what the store keeps per throttle key.
type ThrottleState struct {
	Key         string
	Failures    int       // attempts in a row that did not succeed
	LastFailure time.Time // the latest of them
	LockedUntil time.Time // no attempt is checked before this time
}

// ThrottleStore keeps throttle states where every replica of the service
// sees them (the database).
type ThrottleStore interface {
	// UpdateThrottle loads the state of each key (a zero state with Key set
	// when it has none), calls fn and, if fn returns nil, writes the states
	// back, all in one transaction, so concurrent attempts on any replica
	// are counted one by one. A state left with no failures is deleted. If
	// fn returns an error, nothing is written and UpdateThrottle returns it.
	UpdateThrottle(ctx context.Context, keys []string, fn func(states []*ThrottleState) error) error
	// FindThrottle reads the states of the keys (zero states for unknown
	// keys) without a write transaction, for the cheap answer to a flood of
	// attempts on a key that must wait.
	FindThrottle(ctx context.Context, keys []string) ([]*ThrottleState, error)
	// ForgetThrottle deletes the states whose last failure is before cutoff
	// and that are not locked at now.
	ForgetThrottle(ctx context.Context, cutoff, now time.Time) error
}

// ThrottledError answers an attempt made while its account or address must
// wait; the web layer sends 429 with Retry-After.
type ThrottledError struct {
	Wait time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("policydesk error: code=%s wait=%s", policydesk.ETooManyRequests, e.Wait)
}

// Unwrap lets ErrorCode and ErrorMessage see the wait as an ordinary *Error.
func (e *ThrottledError) Unwrap() error {
	secs := e.RetryAfterSeconds()
	if secs < 90 {
		return policydesk.Errorf(policydesk.ETooManyRequests, "Too many failed attempts. Wait %d seconds and try again.", secs)
	}
	return policydesk.Errorf(policydesk.ETooManyRequests, "Too many failed attempts. Wait %d minutes and try again.", (secs+59)/60)
}

// RetryAfterSeconds is the wait rounded up to whole seconds, at least 1.
func (e *ThrottledError) RetryAfterSeconds() int {
	s := int((e.Wait + time.Second - 1) / time.Second)
	return max(s, 1)
}

type clientContextKey struct{}

// NewContextWithClient returns ctx carrying the client's network address (an
// IP address without port), which login throttling and the audit log use.
func NewContextWithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientContextKey{}, addr)
}

// ClientFromContext returns the client's address, or "".
func ClientFromContext(ctx context.Context) string {
	s, _ := ctx.Value(clientContextKey{}).(string)
	return s
}

// attempt is one password check under the throttle.
type attempt struct {
	account, address string // throttle keys; address is "" for a local caller
}

// newAttempt names the keys of a password check for login from client.
func newAttempt(login, client string) attempt {
	a := attempt{account: "account:" + normaliseLogin(login)}
	if client != "" {
		a.address = "address:" + addressKey(client)
	}
	return a
}

func (a attempt) keys() []string {
	if a.address == "" {
		return []string{a.account}
	}
	return []string{a.account, a.address}
}

func (a attempt) rule(l LoginLimits, key string) ThrottleRule {
	if key == a.account {
		return l.Account
	}
	return l.Address
}

// normaliseLogin gives the throttle key and look-up form of a login as typed.
// Anything that cannot be a login is keyed by its hash, so the key is short
// and logins that do not exist are throttled exactly like those that do.
func normaliseLogin(login string) string {
	l := strings.ToLower(strings.TrimSpace(login))
	if checkLogin(l) != nil {
		sum := sha256.Sum256([]byte(login))
		return "#" + hex.EncodeToString(sum[:12])
	}
	return l
}

// addressKey is the client's IP address; an IPv6 address by its /64, since
// one end user holds a whole /64.
func addressKey(client string) string {
	ip, err := netip.ParseAddr(client)
	if err != nil {
		sum := sha256.Sum256([]byte(client))
		return "#" + hex.EncodeToString(sum[:12])
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// begin counts the attempt as a failure before the password is checked (so
// parallel guesses cannot all slip through before the first one is
// counted) unless a key must still wait, which answers *ThrottledError
// and writes nothing. It returns the account key's failures in a row.
func (s *Service) begin(ctx context.Context, a attempt) (int, error) {
	now := s.Now().UTC()
	limits := s.LoginLimits
	// A read answers the common case of a flood while a key waits without
	// taking the database's one writer; the transaction below checks again.
	states, err := s.Users.FindThrottle(ctx, a.keys())
	if err != nil {
		return 0, err
	}
	if err := waiting(states, now); err != nil {
		return 0, err
	}
	failures := 0
	err = s.Users.UpdateThrottle(ctx, a.keys(), func(states []*ThrottleState) error {
		if err := waiting(states, now); err != nil {
			return err
		}
		for _, st := range states {
			if now.Sub(st.LastFailure) > limits.Forget {
				st.Failures = 0
			}
			st.Failures++
			st.LastFailure = now
			if w := a.rule(limits, st.Key).wait(st.Failures); w > 0 {
				st.LockedUntil = now.Add(w)
			}
			if st.Key == a.account {
				failures = st.Failures
			}
		}
		return nil
	})
	return failures, err
}

// waiting answers *ThrottledError when one of the states is locked at now.
func waiting(states []*ThrottleState, now time.Time) error {
	var wait time.Duration
	for _, st := range states {
		if st.LockedUntil.After(now) {
			wait = max(wait, st.LockedUntil.Sub(now))
		}
	}
	if wait > 0 {
		return &ThrottledError{Wait: wait}
	}
	return nil
}

// succeed undoes begin's count for a right password: the account starts
// afresh; the address gives back the one attempt but keeps what it failed
// before, so one account of an attacker's own cannot reset their address.
func (s *Service) succeed(ctx context.Context, a attempt) error {
	limits := s.LoginLimits
	err := s.Users.UpdateThrottle(ctx, a.keys(), func(states []*ThrottleState) error {
		for _, st := range states {
			if st.Key == a.account {
				st.Failures = 0
				continue
			}
			st.Failures = max(st.Failures-1, 0)
			if limits.Address.wait(st.Failures) == 0 {
				st.LockedUntil = time.Time{}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	return s.Users.ForgetThrottle(ctx, now.Add(-limits.Forget), now)
}

// failed records a wrong password in the audit log with the login tried
// (cleaned and bounded), the address and the account's failures in a row.
// Throttled attempts never get here, so the log grows no faster than the
// throttle lets passwords be checked.
func (s *Service) failed(ctx context.Context, action, login string, failures int) {
	e := &policydesk.AuditEntry{At: s.Now().UTC(), Action: action, ObjectType: "user", ObjectID: cleanForLog(strings.TrimSpace(login), 64)}
	from, secs := cleanForLog(ClientFromContext(ctx), 64), int((s.LoginLimits.Account.wait(failures)+time.Second-1)/time.Second)
	switch {
	case from != "" && secs > 0:
		e.Describe("from %s; failures in a row: %d; the next attempt waits (seconds): %d", from, failures, secs)
	case from != "":
		e.Describe("from %s; failures in a row: %d", from, failures)
	case secs > 0:
		e.Describe("failures in a row: %d; the next attempt waits (seconds): %d", failures, secs)
	default:
		e.Describe("failures in a row: %d", failures)
	}
	if u := policydesk.UserFromContext(ctx); u != nil {
		e.ActorID, e.Actor = u.ID, u.Login
	}
	s.Users.AppendAudit(ctx, e) // best effort: a failed audit write must not turn a refusal into a 500
}

// cleanForLog drops control and format characters and cuts s to n runes.
func cleanForLog(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}
