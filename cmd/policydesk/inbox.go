package main

import (
	"context"
	"os"
	"strconv"
	"time"

	"policydesk/notify"
	"policydesk/web"
)

// startInbox wires the inbox into srv and starts following the audit log
// into it; the returned function stops it and waits. Mail is queued when
// the database keeps a mail queue and a base URL for links is set.
func (a *App) startInbox(ctx context.Context, srv *web.Server) (stop func()) {
	srv.Inbox = &notify.Inbox{Store: a.DB}
	host, _ := os.Hostname()
	f := notify.NewFollower(a.DB, notify.Sources{Comments: a.DB, Documents: a.DB, Users: a.DB}, host+":"+strconv.Itoa(os.Getpid()))
	var m *notify.Mailer
	queue, ok := any(a.DB).(notify.MailQueue)
	switch {
	case !ok:
		a.Logger.Info("inbox: no mail queue in this build; the inbox works, mail is off")
	case a.Config.BaseURL == "":
		a.Logger.Info("inbox: POLICYDESK_BASE_URL is not set, so mails could not link to the service; mail is off")
	default:
		render, err := web.NewMailRenderer(a.Config.BaseURL, a.Config.Language, a.Config.Location)
		if err != nil {
			a.Logger.Error("inbox: mail is off", "err", err)
			break
		}
		m = &notify.Mailer{Store: a.DB, Queue: queue, Render: render, Now: time.Now, Zone: a.Config.Location, DigestHour: 8}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		notify.Run(ctx, f, m, 2*time.Second, a.Logger)
	}()
	return func() { cancel(); <-done }
}
