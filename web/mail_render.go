package web

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"policydesk/notify"
	"policydesk/timefmt"
	"policydesk/web/i18n"
)

// MailRenderer writes the mails about inbox items from the catalogs, in
// each recipient's language: a plain-text part and an HTML part with no
// images and no tracking, every link absolute on BaseURL. It is the
// notify.Renderer the mailer uses.
type MailRenderer struct {
	// BaseURL is where the installation is reached (POLICYDESK_BASE_URL),
	// without a trailing slash.
	BaseURL string
	// Language is the installation's, for a recipient who chose none.
	Language string
	// Zone is the time zone the mail's times are in.
	Zone    *time.Location
	catalog *i18n.Catalog
}

// NewMailRenderer loads the catalogs; baseURL must be an absolute http(s)
// address.
func NewMailRenderer(baseURL, language string, zone *time.Location) (*MailRenderer, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the base URL %q is not an absolute http or https address such as https://policydesk.example.org", baseURL)
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	return &MailRenderer{BaseURL: strings.TrimRight(baseURL, "/"), Language: language, Zone: cmp.Or(zone, kosovo), catalog: cat}, nil
}

// mailSubjectKeys name a single item's mail, by kind.
var mailSubjectKeys = map[string]string{
	notify.KindComment: "mail.subject.comment", notify.KindReply: "mail.subject.reply",
	notify.KindDecision: "mail.subject.decision", notify.KindMention: "mail.subject.mention",
	notify.KindRoundOpened: "reviewers.mail.round_opened", notify.KindRoundClosed: "reviewers.mail.round_closed",
	notify.KindRoundDueSoon: "reviewers.mail.round_due_soon", notify.KindRoundOverdue: "reviewers.mail.round_overdue",
}

// mailLine is one item as the mail shows it.
type mailLine struct {
	Sentence, Title, Lang, URL, When string
}

// mailData is what both parts of a mail say.
type mailData struct {
	Lang, Greeting, Intro, Open, More, Footer, SettingsURL string
	Lines                                                  []mailLine
}

// RenderMail writes the mail about items for r (notify.Renderer).
func (m *MailRenderer) RenderMail(r *notify.Recipient, items []*notify.Item, more int, digest bool) (subject, text, htmlPart string, err error) {
	if len(items) == 0 {
		return "", "", "", fmt.Errorf("a mail needs at least one item")
	}
	l := m.catalog.For(cmp.Or(r.Language, m.Language, i18n.Default))
	d := mailData{Lang: l.Lang(), Greeting: l.T("mail.greeting", "Name", r.Name), Open: l.T("mail.open"),
		Footer: l.T("mail.footer"), SettingsURL: m.BaseURL + "/account/password#mail"}
	for _, it := range items {
		d.Lines = append(d.Lines, mailLine{Sentence: itemSentence(l, it), Title: it.DocumentTitle, Lang: it.DocumentLanguage,
			URL: m.BaseURL + itemPath(it), When: timefmt.Format(it.At, m.Zone)})
	}
	if digest {
		subject = l.T("mail.subject.digest", "Count", len(items)+more)
		d.Intro = l.T("mail.digest_intro", "Count", len(items)+more)
		if more > 0 {
			d.More = l.T("mail.more", "Count", more, "URL", m.BaseURL+"/inbox")
		}
	} else {
		it := items[0]
		subject = l.T(mailSubjectKeys[it.Kind], "Actor", cmp.Or(it.ActorName, it.Actor), "Document", it.DocumentTitle)
	}
	var hb bytes.Buffer
	if err := mailHTML.Execute(&hb, d); err != nil {
		return "", "", "", err
	}
	return shortSubject(oneLine(subject)), mailText(d), hb.String(), nil
}

// oneLine keeps a subject on one line whatever a title holds.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// maxSubjectBytes keeps a subject well within what the queue takes
// (notify.MaxSubjectLen), whatever the document's title.
const maxSubjectBytes = 300

// shortSubject cuts a subject at a character boundary to maxSubjectBytes.
func shortSubject(s string) string {
	if len(s) <= maxSubjectBytes {
		return s
	}
	cut := maxSubjectBytes - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// mailText is the plain-text part: written out line by line, since
// nothing in plain text is escaped.
func mailText(d mailData) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", d.Greeting)
	if d.Intro != "" {
		fmt.Fprintf(&b, "%s\n\n", d.Intro)
	}
	for _, ln := range d.Lines {
		fmt.Fprintf(&b, "%s “%s”\n%s\n%s %s\n\n", ln.Sentence, oneLine(ln.Title), ln.When, d.Open, ln.URL)
	}
	if d.More != "" {
		fmt.Fprintf(&b, "%s\n\n", d.More)
	}
	fmt.Fprintf(&b, "-- \n%s %s\n", d.Footer, d.SettingsURL)
	return b.String()
}

// mailHTML is the HTML part's body; the sender puts it in a document of
// its own and drops whatever could load from elsewhere.
var mailHTML = template.Must(template.New("mail").Parse(`<div lang="{{.Lang}}" style="font-family: sans-serif; color: #1d2430; line-height: 1.5">
<p>{{.Greeting}}</p>
{{with .Intro}}<p>{{.}}</p>{{end}}
{{range .Lines}}<p>{{.Sentence}} <a href="{{.URL}}" lang="{{.Lang}}">{{.Title}}</a><br><small>{{.When}}</small></p>
{{end}}{{with .More}}<p>{{.}}</p>{{end}}
<hr><p><small>{{.Footer}} <a href="{{.SettingsURL}}">{{.SettingsURL}}</a></small></p>
</div>
`))
