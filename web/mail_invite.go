package web

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html/template"
	"strings"

	"policydesk"
	"policydesk/drafts/accounts"
	"policydesk/notify"
	"policydesk/timefmt"
	"policydesk/web/i18n"
)

// InvitationMailer queues the invitation mails (accounts.InvitationMailer):
// written by Render in the invitee's language, sent by the mail worker.
type InvitationMailer struct {
	Render *MailRenderer
	Queue  notify.MailQueue
}

// MailInvitation queues the mail with inv's link. Its key names the
// account and the token, so a repeated call queues it once and a new link
// is a new mail.
func (m *InvitationMailer) MailInvitation(ctx context.Context, inv *accounts.Invitation) error {
	inviter := ""
	if u := policydesk.UserFromContext(ctx); u != nil {
		inviter = cmp.Or(u.Name, u.Login)
	}
	subject, text, htmlPart, err := m.Render.RenderInvitation(inv, inviter)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("invite:%d:%s", inv.User.ID, inv.TokenHash[:16])
	return m.Queue.EnqueueMail(ctx, notify.Mail{Key: key, To: inv.Email, Subject: subject, Text: text, HTML: htmlPart})
}

// invitationMail is what both parts of an invitation mail say.
type invitationMail struct {
	Lang, Greeting, Intro, Action, URL, Expiry, Footer string
}

// RenderInvitation writes the invitation mail in the invitee's language
// (else the installation's): who invites, the absolute link to choose a
// password, until when it works. No images, nothing that loads.
func (m *MailRenderer) RenderInvitation(inv *accounts.Invitation, inviter string) (subject, text, htmlPart string, err error) {
	if inv.Token == "" {
		return "", "", "", fmt.Errorf("an invitation mail needs the link's token")
	}
	l := m.catalog.For(cmp.Or(inv.User.Language, m.Language, i18n.Default))
	d := invitationMail{Lang: l.Lang(), Greeting: l.T("mail.greeting", "Name", inv.User.Name),
		Intro:  l.T("invite.mail_intro", "Inviter", cmp.Or(inviter, inv.InvitedBy), "Login", inv.User.Login),
		Action: l.T("invite.mail_action"), URL: m.BaseURL + "/invite/" + inv.Token,
		Expiry: l.T("invite.mail_expiry", "When", timefmt.Format(inv.ExpiresAt, m.Zone)), Footer: l.T("invite.mail_footer")}
	var hb bytes.Buffer
	if err := invitationHTML.Execute(&hb, d); err != nil {
		return "", "", "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n\n%s\n%s\n\n%s\n\n-- \n%s\n", d.Greeting, d.Intro, d.Action, d.URL, d.Expiry, d.Footer)
	subject = l.T("invite.mail_subject", "Inviter", cmp.Or(inviter, inv.InvitedBy))
	return shortSubject(oneLine(subject)), b.String(), hb.String(), nil
}

var invitationHTML = template.Must(template.New("invitation").Parse(`<div lang="{{.Lang}}" style="font-family: sans-serif; color: #1d2430; line-height: 1.5">
<p>{{.Greeting}}</p>
<p>{{.Intro}}</p>
<p>{{.Action}}<br><a href="{{.URL}}">{{.URL}}</a></p>
<p>{{.Expiry}}</p>
<hr><p><small>{{.Footer}}</small></p>
</div>
`))
