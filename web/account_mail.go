package web

import (
	"net/http"

	"policydesk"
	"policydesk/notify"
	"policydesk/web/i18n"
)

// mailSettingData is what the account page shows of the mail setting, or
// nil where there is no inbox.
func (s *Server) mailSettingData(r *http.Request) (map[string]any, error) {
	if s.Inbox == nil {
		return nil, nil
	}
	rc, err := s.Inbox.MailSetting(r.Context())
	if err != nil {
		return nil, err
	}
	return mailSettingForm(s.localizer(r), rc.Mail, rc.Email), nil
}

// mailSettingKeys are the words of the mail settings.
var mailSettingKeys = map[string]string{
	notify.SettingImmediately: "mailsetting.immediately", notify.SettingDigest: "mailsetting.digest", notify.SettingOff: "mailsetting.off",
}

// mailChoice is one choice of the mail setting's form.
type mailChoice struct{ Value, Label string }

func mailSettingForm(l *i18n.Localizer, mail, email string) map[string]any {
	choices := make([]mailChoice, len(notify.MailSettings))
	for i, v := range notify.MailSettings {
		choices[i] = mailChoice{v, l.T(mailSettingKeys[v])}
	}
	return map[string]any{"Mail": mail, "Email": email, "Choices": choices}
}

// pageSetMail saves the mail setting and address from the account page.
func (s *Server) pageSetMail(r *http.Request) (reply, error) {
	inbox, err := s.inbox()
	if err != nil {
		return reply{}, err
	}
	email := r.PostFormValue("email")
	if _, err := inbox.SetMail(r.Context(), r.PostFormValue("mail"), &email); err != nil {
		data := map[string]any{"Title": s.tr(r, "password.heading"), "MailSetting": mailSettingForm(s.localizer(r), r.PostFormValue("mail"), email)}
		return showAgain("password", s.accountData(data), err), nil
	}
	return seeOther("/account/password?mail=1"), nil
}

// apiSetMail answers PATCH /users/me {"mail":"immediately|digest|off",
// "email":"..."}.
func (s *Server) apiSetMail(r *http.Request, mail, email *string) (int, any, error) {
	inbox, err := s.inbox()
	if err != nil {
		return 0, nil, err
	}
	setting := ""
	if mail != nil {
		if setting = *mail; setting == "" {
			return 0, nil, policydesk.Errorf(policydesk.EInvalid, "Mail is immediately, digest or off, not %q.", setting).On("mail")
		}
	}
	rc, err := inbox.SetMail(r.Context(), setting, email)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"mail": rc.Mail, "email": rc.Email}, nil
}
