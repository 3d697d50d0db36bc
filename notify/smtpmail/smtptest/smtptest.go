// Package smtptest runs a real SMTP server (emersion/go-smtp) on loopback
// for tests: STARTTLS with a certificate made for the test, AUTH PLAIN
// required, a refusal on demand, and stop and start again on one port.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The credentials the server takes.
const (
	User     = "desk"
	Password = "fjalëkalim ç"
)

// Message is one message the server accepted.
type Message struct {
	From, To string
	TLS      bool
	User     string
	Data     []byte
}

// Header parses the message's headers.
func (r Message) Header(tb testing.TB) mail.Header {
	tb.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		tb.Fatalf("the Message message does not parse: %v\n%s", err, r.Data)
	}
	return m.Header
}

// Server is a real SMTP server on loopback that offers STARTTLS with a
// certificate made for the test and requires AUTH PLAIN; it can be stopped
// and started again on the same port.
type Server struct {
	Addr  string
	Roots *x509.CertPool // trust these to verify the server
	CA    []byte         // the certificate, PEM
	// TLS is the server's TLS configuration; nil (set while stopped)
	// offers no STARTTLS.
	TLS *tls.Config

	// Refuse is a recipient the server answers 550 (set it through
	// SetRefuse while serving); InsecureAuth allows AUTH without TLS (set
	// while stopped).
	Refuse       string
	InsecureAuth bool

	mu   sync.Mutex
	srv  *smtp.Server
	ln   net.Listener
	got  []Message
	done chan struct{}
}

// Start starts a server, stopped when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{}
	s.makeCert(tb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	tb.Cleanup(s.Stop)
	return s
}

// makeCert makes a self-signed certificate for 127.0.0.1.
func (s *Server) makeCert(tb testing.TB) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "policydesk test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	s.Roots = x509.NewCertPool()
	s.Roots.AddCert(cert)
	s.CA = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	s.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

func (s *Server) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, c: c}, nil }))
	srv.Domain = "localhost"
	srv.TLSConfig = s.TLS
	srv.AllowInsecureAuth = s.InsecureAuth
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 4 << 20
	done := make(chan struct{})
	s.mu.Lock()
	s.srv, s.ln, s.done = srv, ln, done
	s.mu.Unlock()
	go func() { defer close(done); srv.Serve(ln) }()
}

// Stop closes the server: nothing answers on its port until Start.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln, done := s.srv, s.ln, s.done
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		// Closing the listener too: a Close that comes before Serve has
		// taken the listener would not end it.
		srv.Close()
		ln.Close()
		<-done
	}
}

// Start serves again on the same port.
func (s *Server) Start(tb testing.TB) {
	tb.Helper()
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		tb.Fatalf("listening again on %s: %v", s.Addr, err)
	}
	s.serve(ln)
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.got...)
}

// ByMessageID counts the messages Message per Message-ID.
func (s *Server) ByMessageID(tb testing.TB) map[string]int {
	n := map[string]int{}
	for _, m := range s.Messages() {
		n[m.Header(tb).Get("Message-Id")]++
	}
	return n
}

// WaitFor waits until at least n messages arrived.
func (s *Server) WaitFor(tb testing.TB, n int, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for len(s.Messages()) < n {
		if time.Now().After(deadline) {
			tb.Fatalf("%d messages arrived within %s, want %d", len(s.Messages()), within, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// session is one client's conversation: a message counts only once its
// DATA was read to the final ".".
type session struct {
	s        *Server
	c        *smtp.Conn
	user     string
	from, to string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user != User || password != Password {
			return errors.New("invalid credentials")
		}
		x.user = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

// SetRefuse makes the server refuse mail to rcpt ("" refuses none).
func (s *Server) SetRefuse(rcpt string) {
	s.mu.Lock()
	s.Refuse = rcpt
	s.mu.Unlock()
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	refuse := x.s.Refuse
	x.s.mu.Unlock()
	if to == refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	x.to = to
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err // the client went away before the final "."
	}
	_, isTLS := x.c.TLSConnectionState()
	x.s.mu.Lock()
	x.s.got = append(x.s.got, Message{From: x.from, To: x.to, TLS: isTLS, User: x.user, Data: data})
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", "" }
func (x *session) Logout() error { return nil }
