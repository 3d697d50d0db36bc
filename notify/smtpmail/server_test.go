package smtpmail_test

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

const (
	testUser     = "desk"
	testPassword = "fjalëkalim ç"
)

// received is one message the test server accepted.
type received struct {
	From, To string
	TLS      bool
	User     string
	Data     []byte
}

// header parses the message's headers.
func (r received) header(tb testing.TB) mail.Header {
	tb.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		tb.Fatalf("the received message does not parse: %v\n%s", err, r.Data)
	}
	return m.Header
}

// smtpServer is a real SMTP server (emersion/go-smtp) on loopback that
// offers STARTTLS with a certificate made for the test and requires AUTH
// PLAIN; it can be stopped and started again on the same port.
type smtpServer struct {
	addr  string
	roots *x509.CertPool
	cert  []byte // the CA certificate, PEM
	tls   *tls.Config

	// refuse is a recipient the server answers 550; insecureAuth allows
	// AUTH without TLS. Set while the server is stopped.
	refuse       string
	insecureAuth bool

	mu   sync.Mutex
	srv  *smtp.Server
	ln   net.Listener
	got  []received
	done chan struct{}
}

func startSMTP(tb testing.TB) *smtpServer {
	tb.Helper()
	s := &smtpServer{}
	s.makeCert(tb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	tb.Cleanup(s.stop)
	return s
}

// makeCert makes a self-signed certificate for 127.0.0.1.
func (s *smtpServer) makeCert(tb testing.TB) {
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
	s.roots = x509.NewCertPool()
	s.roots.AddCert(cert)
	s.cert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	s.tls = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

func (s *smtpServer) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, c: c}, nil }))
	srv.Domain = "localhost"
	srv.TLSConfig = s.tls
	srv.AllowInsecureAuth = s.insecureAuth
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 4 << 20
	done := make(chan struct{})
	s.mu.Lock()
	s.srv, s.ln, s.done = srv, ln, done
	s.mu.Unlock()
	go func() { defer close(done); srv.Serve(ln) }()
}

// stop closes the server: nothing answers on its port until start.
func (s *smtpServer) stop() {
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

// start serves again on the same port.
func (s *smtpServer) start(tb testing.TB) {
	tb.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		tb.Fatalf("listening again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

// byMessageID counts the messages received per Message-ID.
func (s *smtpServer) byMessageID(tb testing.TB) map[string]int {
	n := map[string]int{}
	for _, m := range s.messages() {
		n[m.header(tb).Get("Message-Id")]++
	}
	return n
}

// waitFor waits until at least n messages arrived.
func (s *smtpServer) waitFor(tb testing.TB, n int, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for len(s.messages()) < n {
		if time.Now().After(deadline) {
			tb.Fatalf("%d messages arrived within %s, want %d", len(s.messages()), within, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// session is one client's conversation: a message counts only once its
// DATA was read to the final ".".
type session struct {
	s        *smtpServer
	c        *smtp.Conn
	user     string
	from, to string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user != testUser || password != testPassword {
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

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	refuse := x.s.refuse
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
	x.s.got = append(x.s.got, received{From: x.from, To: x.to, TLS: isTLS, User: x.user, Data: data})
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", "" }
func (x *session) Logout() error { return nil }
