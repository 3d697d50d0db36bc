package main

import (
	"context"
	"os"
	"strconv"
	"time"

	"policydesk/calendar"
	"policydesk/notify"
	"policydesk/web"
)

// startInbox wires the inbox into srv and starts following the audit log
// into it; the returned function stops it and waits. Mail about the items
// is queued when mail is on (POLICYDESK_SMTP_URL and the rest, mail.go);
// when it is off the items are only marked, so nothing old is sent later.
func (a *App) startInbox(ctx context.Context, srv *web.Server) (stop func()) {
	srv.Inbox = &notify.Inbox{Store: a.DB}
	host, _ := os.Hostname()
	src := notify.Sources{Comments: a.DB, Documents: a.DB, Users: a.DB, Rounds: a.DB}
	holder := host + ":" + strconv.Itoa(os.Getpid())
	f := notify.NewFollower(a.DB, src, holder)
	rem := notify.NewReminders(a.DB, a.DB, src, calendar.NewService(a.DB), a.Config.Location, holder)
	m := &notify.Mailer{Store: a.DB, Queue: a.Mail, Now: time.Now, Zone: a.Config.Location, DigestHour: 8}
	if a.Config.Mail.On() {
		render, err := web.NewMailRenderer(a.Config.Mail.BaseURL, a.Config.Language, a.Config.Location)
		if err != nil {
			a.Logger.Error("inbox: mail is off", "err", err)
		} else {
			m.Render = render
			a.Accounts.InvitationMail = &web.InvitationMailer{Render: render, Queue: a.Mail}
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		notify.Run(ctx, f, rem, m, 2*time.Second, a.Logger)
	}()
	return func() { cancel(); <-done }
}
