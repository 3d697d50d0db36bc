package main

import (
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"policydesk/notify/smtpmail/smtptest"
)

// TestServe_MentionMailed: in the real binary with mail on, a reviewer's
// comment mentioning the legal expert, who wants mail immediately in
// Albanian, reaches a real SMTP server on loopback: one mail, Albanian
// subject naming the document, an absolute link to the comment in both
// parts, no image.
func TestServe_MentionMailed(t *testing.T) {
	smtp := smtptest.Start(t)
	smtp.Stop()
	smtp.TLS, smtp.InsecureAuth = nil, true // ?tls=none, loopback only
	smtp.Start(t)
	u := url.URL{Scheme: "smtp", User: url.UserPassword(smtptest.User, smtptest.Password), Host: smtp.Addr, RawQuery: "tls=none"}
	srv := startServer(t, "", "POLICYDESK_SMTP_URL="+u.String(), "POLICYDESK_MAIL_FROM=desk@policydesk.example",
		"POLICYDESK_BASE_URL=https://desk.example.org")
	admin := loginAPI(t, srv.URL, "admin", e2eAdminPassword)
	admin.call(t, "POST", "/api/v1/users", map[string]string{"login": "arta", "name": "Arta Krasniqi", "password": editorPassword, "role": "editor"}, nil)
	admin.call(t, "POST", "/api/v1/users", map[string]string{"login": "vjosa", "name": reviewerName, "password": reviewerPassword, "role": "reviewer"}, nil)
	editor := loginAPI(t, srv.URL, "arta", editorPassword)
	editor.call(t, "PATCH", "/api/v1/users/me", map[string]string{"language": "sq"}, nil)
	editor.call(t, "PATCH", "/api/v1/users/me", map[string]string{"mail": "immediately", "email": "arta@ministria.example"}, nil)
	doc := editor.createDocument(t, "Rregullore për qendrat ditore", reviewV1)
	editor.call(t, "PUT", "/api/v1/documents/"+strconv.FormatInt(doc.ID, 10)+"/members/vjosa", map[string]string{"role": "reviewer"}, nil)
	reviewer := loginAPI(t, srv.URL, "vjosa", reviewerPassword)
	var c struct{ ID int64 }
	reviewer.call(t, "POST", "/api/v1/documents/"+strconv.FormatInt(doc.ID, 10)+"/comments", map[string]any{"quote": reviewQuote, "body": "Shiko, @arta."}, &c)

	smtp.WaitFor(t, 1, 20*time.Second)
	time.Sleep(3 * time.Second) // a second mail would come within the follower's next rounds
	msgs := smtp.Messages()
	if len(msgs) != 1 || msgs[0].To != "arta@ministria.example" {
		t.Fatalf("%d mails, the first to %v; want one to arta", len(msgs), msgs[0].To)
	}
	m, err := mail.ReadMessage(strings.NewReader(string(msgs[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if subject != "Vjosa Berisha ju përmendi në “Rregullore për qendrat ditore”" {
		t.Errorf("subject = %q", subject)
	}
	link := "https://desk.example.org/documents/" + strconv.FormatInt(doc.ID, 10) + "/diff#comment-" + strconv.FormatInt(c.ID, 10)
	parts := mailParts(t, m)
	for _, typ := range []string{"text/plain", "text/html"} {
		if !strings.Contains(parts[typ], link) || !strings.Contains(parts[typ], "Përshëndetje Arta Krasniqi,") {
			t.Errorf("the %s part lacks the link %s or the Albanian greeting:\n%s", typ, link, parts[typ])
		}
	}
	if strings.Contains(parts["text/html"], "<img") {
		t.Errorf("the HTML part has an image:\n%s", parts["text/html"])
	}
}

// mailParts reads the text parts of a multipart mail by content type.
func mailParts(t *testing.T, m *mail.Message) map[string]string {
	t.Helper()
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		typ, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		out[typ] = string(b)
	}
}
