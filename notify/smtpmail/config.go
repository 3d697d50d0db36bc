// Package smtpmail sends Policy Desk's mails through an SMTP server: the
// notify.Sender on github.com/wneessen/go-mail (its message builder and its
// SMTP client, whose DATA writer lets the worker mark a mail before the
// final "."), with TLS required unless the configuration explicitly asks
// for a plain connection.
package smtpmail

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
)

// Security is how the connection to the server is protected.
type Security int

const (
	// StartTLS connects in clear and requires the server's STARTTLS
	// before anything else is said (smtp://, port 587 by default).
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte (smtps://, port 465).
	ImplicitTLS
	// Plain never encrypts (smtp://...?tls=none): only for a test server
	// on loopback, since the password and the mails cross in clear.
	Plain
)

// Config is the server and the sender's address.
type Config struct {
	Host     string
	Port     string
	Security Security
	// Username and Password authenticate with AUTH PLAIN when Username is
	// set.
	Username, Password string
	// From is the sender's address, bare (name@domain).
	From string
	// HeloName is the name this client gives in EHLO (default: the domain
	// of From).
	HeloName string
	// TLS is the TLS configuration (nil: the system's roots, verifying
	// Host); tests give their own roots.
	TLS *tls.Config
}

// ParseURL reads POLICYDESK_SMTP_URL: smtp://user:pass@host:587 (STARTTLS
// required), smtps://user:pass@host:465 (implicit TLS), or
// smtp://host:1025?tls=none (no encryption, for a loopback test server).
// The user name and password are URL-encoded.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("the SMTP URL is not a URL (smtp://user:password@host:587): %w", redact(err))
	}
	c := Config{Host: u.Hostname(), Port: u.Port()}
	switch u.Scheme {
	case "smtp":
		c.Security, c.Port = StartTLS, cmpOr(c.Port, "587")
	case "smtps":
		c.Security, c.Port = ImplicitTLS, cmpOr(c.Port, "465")
	default:
		return Config{}, fmt.Errorf("the SMTP URL must start with smtp:// (STARTTLS) or smtps:// (TLS), not %q", u.Scheme+"://")
	}
	if c.Host == "" {
		return Config{}, fmt.Errorf("the SMTP URL names no host (smtp://user:password@host:587)")
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return Config{}, fmt.Errorf("the SMTP URL has an unknown setting %q; the only one is tls=none", k)
		}
	}
	switch v := q.Get("tls"); {
	case !q.Has("tls"):
	case v == "none" && u.Scheme == "smtp":
		c.Security = Plain
	default:
		return Config{}, fmt.Errorf("the SMTP URL's tls setting may only be tls=none, with smtp://, not %q", v)
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	return c, nil
}

// redact keeps a password out of an error about the URL.
func redact(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// check says what is wrong with c, or nil.
func (c Config) check() error {
	if c.Host == "" || c.Port == "" {
		return fmt.Errorf("the SMTP server needs a host and a port")
	}
	a, err := mail.ParseAddress(c.From)
	if err != nil || a.Address != c.From || !strings.Contains(c.From, "@") {
		return fmt.Errorf("the sender address (POLICYDESK_MAIL_FROM) must be a bare e-mail address like desk@example.org, not %q", c.From)
	}
	return nil
}

func (c Config) addr() string { return net.JoinHostPort(c.Host, c.Port) }

// domain is the part of From after the @.
func (c Config) domain() string { return c.From[strings.LastIndexByte(c.From, '@')+1:] }

func (c Config) tlsConfig() *tls.Config {
	if c.TLS != nil {
		t := c.TLS.Clone()
		if t.ServerName == "" {
			t.ServerName = c.Host
		}
		return t
	}
	return &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
}
