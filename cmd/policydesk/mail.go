package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"

	"policydesk/notify"
	"policydesk/notify/smtpmail"
)

// MailConfig is the e-mail settings. Mail is on when SMTPURL is set; off,
// nothing is queued (App.Mail is notify.MailOff) and the inbox alone tells
// people what concerns them.
type MailConfig struct {
	// SMTPURL is the server (POLICYDESK_SMTP_URL): smtp://user:pass@host:587
	// (STARTTLS required), smtps://user:pass@host:465 (TLS), or
	// smtp://127.0.0.1:1025?tls=none for a test server on loopback.
	SMTPURL string
	// From is the sender's address (POLICYDESK_MAIL_FROM), bare.
	From string
	// BaseURL is the service's public address (POLICYDESK_BASE_URL), the
	// start of every link in a mail, without a trailing slash.
	BaseURL string
	// SMTP is SMTPURL read, with From; set by checkMail when mail is on.
	SMTP smtpmail.Config
}

// On tells whether mail is configured.
func (m MailConfig) On() bool { return m.SMTPURL != "" }

func mailFlags(fs *flag.FlagSet, c *Config, env func(key, def string) string) {
	fs.StringVar(&c.Mail.SMTPURL, "smtp-url", env("SMTP_URL", ""), "SMTP server for e-mail notifications: smtp://user:pass@host:587 (STARTTLS), smtps://user:pass@host:465, or smtp://127.0.0.1:1025?tls=none (loopback test server only); empty: mail is off (POLICYDESK_SMTP_URL)")
	fs.StringVar(&c.Mail.From, "mail-from", env("MAIL_FROM", ""), "sender address of the e-mails, e.g. desk@example.org (POLICYDESK_MAIL_FROM)")
	fs.StringVar(&c.Mail.BaseURL, "base-url", env("BASE_URL", ""), "the service's public address, for links in e-mails, e.g. https://desk.example.org (POLICYDESK_BASE_URL)")
}

// checkMail reads the mail settings when mail is on: every one is needed.
func checkMail(m *MailConfig) error {
	if !m.On() {
		return nil
	}
	smtp, err := smtpmail.ParseURL(m.SMTPURL)
	if err != nil {
		return fmt.Errorf("POLICYDESK_SMTP_URL (-smtp-url): %w", err)
	}
	if m.From == "" {
		return fmt.Errorf("POLICYDESK_MAIL_FROM (-mail-from) is needed with POLICYDESK_SMTP_URL: the address the mails come from")
	}
	smtp.From = m.From
	if _, err := smtpmail.New(smtp); err != nil {
		return fmt.Errorf("POLICYDESK_MAIL_FROM (-mail-from): %w", err)
	}
	u, err := url.Parse(m.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("POLICYDESK_BASE_URL (-base-url) is needed with POLICYDESK_SMTP_URL, as the service's public address like https://desk.example.org, not %q", m.BaseURL)
	}
	m.BaseURL = strings.TrimSuffix(m.BaseURL, "/")
	m.SMTP = smtp
	return nil
}

// mailQueue is where mails are queued: db when mail is on, nowhere when
// it is off.
func mailQueue(m MailConfig, db notify.MailQueue) notify.MailQueue {
	if !m.On() {
		return notify.MailOff
	}
	return db
}

// mailWork is the running mail worker.
type mailWork struct {
	notify func()
	stop   func()
	wait   func()
}

// startMail starts the worker that sends the queue, when mail is on.
func (a *App) startMail() *mailWork {
	if !a.Config.Mail.On() {
		a.Logger.Info("e-mail is off (POLICYDESK_SMTP_URL is not set): nothing is queued; the inbox works without it")
		return &mailWork{notify: func() {}, stop: func() {}, wait: func() {}}
	}
	snd, _ := smtpmail.New(a.Config.Mail.SMTP) // checked by checkMail
	w := &notify.Worker{Store: a.DB, Sender: snd, Logger: a.Logger}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { w.Run(ctx) })
	a.Logger.Info("e-mail is on", slog.String("smtp", a.Config.Mail.SMTP.Host+":"+a.Config.Mail.SMTP.Port), slog.String("from", a.Config.Mail.From))
	return &mailWork{notify: w.Notify, stop: cancel, wait: wg.Wait}
}
