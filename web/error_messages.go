package web

import (
	"errors"
	"net/http"
	"regexp"

	"policydesk"
	"policydesk/drafts/accounts"
)

// statusTitles are the catalog keys of the error page's headings.
var statusTitles = map[int]string{
	http.StatusBadRequest:            "error.status.bad_request",
	http.StatusUnauthorized:          "error.status.unauthorized",
	http.StatusForbidden:             "error.status.forbidden",
	http.StatusNotFound:              "error.status.not_found",
	http.StatusMethodNotAllowed:      "error.status.method_not_allowed",
	http.StatusConflict:              "error.status.conflict",
	http.StatusRequestEntityTooLarge: "error.status.too_large",
	http.StatusUnsupportedMediaType:  "error.status.unsupported",
	http.StatusUnprocessableEntity:   "error.status.invalid",
	http.StatusTooManyRequests:       "error.status.too_many_requests",
	http.StatusInternalServerError:   "error.status.internal",
	http.StatusServiceUnavailable:    "error.status.unavailable",
}

// statusTitle is the error page's heading for status in the request's
// language.
func (s *Server) statusTitle(r *http.Request, status int) string {
	if key, ok := statusTitles[status]; ok {
		return s.tr(r, key)
	}
	return http.StatusText(status)
}

// domainSentences are the user-facing sentences the domain writes in
// English, each with the catalog key of its translation; a named group is
// a value the translation repeats. A page shows a listed sentence in the
// user's language, and the English one until it is listed. The API
// answers the English sentence with its code, which clients match.
var domainSentences = []struct {
	re  *regexp.Regexp
	key string
}{
	{exactly("Internal error."), "error.internal"},
	{exactly("Log in first."), "error.log_in_first"},
	{exactly("Wrong login or password."), "error.wrong_login"},
	{exactly("Your session has ended; log in again."), "error.session_ended"},
	{exactly("The current password is not right."), "error.current_password_wrong"},
	{exactly("The new password is the same as the current one."), "error.password_same"},
	{exactly("This password is on a list of commonly used passwords; choose another."), "error.password_common"},
	{exactly("A password may not contain the account's login or name."), "error.password_has_login"},
	{exactly("A password may not be one character or a short group of characters repeated."), "error.password_repeated"},
	{exactly("A password may not be a run of keys or letters such as 123456789 or qwertyuiop."), "error.password_run"},
	{regexp.MustCompile(`^A password has at least (?P<Min>\d+) characters\.$`), "error.password_short"},
	{exactly(errCSRF.Message), "error.csrf"},
	{exactly(errForeignOrigin.Message), "error.foreign_origin"},
	// What the new-document form, the editor and the merge page refuse.
	{exactly("A document needs a title."), "edit.error.title_needed"},
	{regexp.MustCompile(`^The text is larger than (?P<Size>\d+) MiB\.$`), "edit.error.too_large"},
	{regexp.MustCompile(`^Base version (?P<Base>\d+) does not exist; the newest is (?P<Head>\d+)\.$`), "edit.error.no_base"},
	{exactly("Choose a wording for this conflict: yours, theirs or your own."), "edit.error.choose"},
	{regexp.MustCompile(`^"(?P<Choice>.*)" is not a way to settle a conflict; choose yours, theirs or your own wording\.$`),
		"edit.error.bad_choice"},
	{regexp.MustCompile(`^Your wording still holds the line "(?P<Line>.*)" from the merge; delete it and save again\.$`),
		"edit.error.marker_in_wording"},
	{regexp.MustCompile(`^A conflict from the merge is still unresolved at line (?P<Number>\d+) \(the line "(?P<Line>.*)"\)\. ` +
		`Keep the wording you want, delete the conflict marker lines and save again\.$`), "edit.error.marker_in_text"},
	// Mentions, the inbox and the mail setting (inbox.toml).
	{regexp.MustCompile(`^There is no user @(?P<Login>\S+) to mention; check the login\.$`), "inbox.error.no_such_user"},
	{regexp.MustCompile(`^@(?P<Login>\S+) may not read this document, so they cannot be mentioned; ` +
		`share the document with them first or remove the mention\.$`), "inbox.error.may_not_read"},
	{regexp.MustCompile(`^A comment or reply mentions at most (?P<Max>\d+) people; this one mentions (?P<Count>\d+)\.$`), "inbox.error.too_many"},
	{regexp.MustCompile(`^"(?P<Address>.*)" is not an e-mail address\.$`), "mailsetting.error.address"},
	{regexp.MustCompile(`^Mail is immediately, digest or off, not "(?P<Value>.*)"\.$`), "mailsetting.error.choice"},
	{exactly("The inbox is not available on this server."), "inbox.error.unavailable"},
	{exactly("Choose an item of your inbox to mark read."), "inbox.error.choose_item"},
}

// exactly matches one sentence as written.
func exactly(sentence string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.QuoteMeta(sentence) + "$")
}

// domainSentence is the catalog key of msg and the values it repeats, or
// ok false when msg is not one of domainSentences.
func domainSentence(msg string) (key string, args []any, ok bool) {
	for _, d := range domainSentences {
		m := d.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		for i, name := range d.re.SubexpNames() {
			if name != "" {
				args = append(args, name, m[i])
			}
		}
		return d.key, args, true
	}
	return "", nil, false
}

// errorMessage is err's sentence for a page, in the request's language
// when the catalog has it (see domainSentences).
func (s *Server) errorMessage(r *http.Request, err error) string {
	var throttled *accounts.ThrottledError
	if errors.As(err, &throttled) {
		return s.tr(r, "error.throttled", "Count", throttled.RetryAfterSeconds())
	}
	var tr *translatedError
	if errors.As(err, &tr) {
		return s.tr(r, tr.key, tr.args...)
	}
	msg := policydesk.ErrorMessage(err)
	if key, args, ok := domainSentence(msg); ok {
		return s.tr(r, key, args...)
	}
	// What is missing, forbidden or broken needs no detail to be
	// understood: until the domain's sentence is translated, another
	// language gets the general one for its code.
	if key, ok := generalMessages[policydesk.ErrorCode(err)]; ok && s.localizer(r).Lang() != "en" {
		return s.tr(r, key)
	}
	return msg
}

// generalMessages are the catalog keys of the sentences for codes whose
// detail a page may leave out.
var generalMessages = map[string]string{
	policydesk.ENotFound:    "error.not_found",
	policydesk.EForbidden:   "error.forbidden",
	policydesk.EUnavailable: "error.unavailable",
}

// translatedError is an error web itself raises with a catalog key: the
// API answers its English message, a page the sentence in the user's
// language.
type translatedError struct {
	err  *policydesk.Error
	key  string
	args []any
}

func (e *translatedError) Error() string { return e.err.Error() }
func (e *translatedError) Unwrap() error { return e.err }

// errorT is an error with code whose page sentence is the catalog's key
// (with args) and whose API message is english.
func errorT(code, english, key string, args ...any) error {
	return &translatedError{err: policydesk.Errorf(code, "%s", english), key: key, args: args}
}
