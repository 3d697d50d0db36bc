package web

import (
	"errors"
	"fmt"
	"net/http"

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

// translatedMessages are the catalog keys of the user-facing sentences the
// domain writes in English, for the pages: a page shows the sentence in the
// user's language when it is listed here, and the English one until it is.
// The API answers the English sentence with its code, which clients match.
var translatedMessages = map[string]string{
	"Internal error.":                                  "error.internal",
	"Log in first.":                                    "error.log_in_first",
	"Wrong login or password.":                         "error.wrong_login",
	"Your session has ended; log in again.":            "error.session_ended",
	"The current password is not right.":               "error.current_password_wrong",
	"The new password is the same as the current one.": "error.password_same",
	"This password is on a list of commonly used passwords; choose another.":          "error.password_common",
	"A password may not contain the account's login or name.":                         "error.password_has_login",
	"A password may not be one character or a short group of characters repeated.":    "error.password_repeated",
	"A password may not be a run of keys or letters such as 123456789 or qwertyuiop.": "error.password_run",
	fmt.Sprintf("A password has at least %d characters.", accounts.MinPasswordLength): "error.password_short",
	errCSRF.Message:          "error.csrf",
	errForeignOrigin.Message: "error.foreign_origin",
}

// errorMessage is err's sentence for a page, in the request's language
// when the catalog has it (see translatedMessages).
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
	if key, ok := translatedMessages[msg]; ok {
		return s.tr(r, key, "Min", accounts.MinPasswordLength)
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
