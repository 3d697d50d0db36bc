package web

import (
	"context"
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"policydesk"
)

// A form the service refuses for what was typed in it (an empty comment, a
// decision without a reason) is not answered with an error page: the page
// the form came from (its "return" field) is rendered again, with the
// refusal's status, the message beside the field it is about and every
// field as the user typed it. Handlers only name the form (inForm); the page
// adapter and render do the rest, and templates ask the page's "Failed"
// (a *formFailure, nil when nothing failed) what to show.

// refusedForm is a form action's error naming the form on its page, such as
// "comment" or "decide-12" (the decision form of comment 12).
type refusedForm struct {
	form string
	err  error
}

func (e *refusedForm) Error() string { return e.err.Error() }
func (e *refusedForm) Unwrap() error { return e.err }

// inForm names the form err came from; nil stays nil.
func inForm(form string, err error) error {
	if err == nil {
		return nil
	}
	return &refusedForm{form: form, err: err}
}

// fixable tells a refusal the user can fix in the form (bad or conflicting
// input) from one they cannot (no right to do it, a server failure), which
// keeps its error page.
func fixable(err error) bool {
	switch policydesk.ErrorCode(err) {
	case policydesk.EInvalid, policydesk.ETooComplex, policydesk.EConflict:
		return true
	}
	return false
}

// formFailure is what the page shows of a refused form.
type formFailure struct {
	Form    string // the form's name on its page
	Field   string // the field the message is about, "" for the whole form
	Message string
	values  url.Values // what was posted
	status  int
}

type failureKey struct{}

// failureFrom is the refused form a page is rendered again for, or nil.
func failureFrom(ctx context.Context) *formFailure {
	f, _ := ctx.Value(failureKey{}).(*formFailure)
	return f
}

// showFormAgain answers a form refused for its input by rendering the page
// the form came from with the failure. It reports false when err is not
// such a refusal or the form names no page to return to; the caller then
// shows the error page.
func (s *Server) showFormAgain(w http.ResponseWriter, r *http.Request, err error) bool {
	var fe *refusedForm
	if !errors.As(err, &fe) || !fixable(err) || r.PostForm == nil {
		return false
	}
	u, perr := url.Parse(r.PostFormValue("return"))
	if perr != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") || path.Clean(u.Path) != u.Path ||
		strings.HasPrefix(u.Path, "/api/") {
		return false
	}
	f := &formFailure{Form: fe.form, Field: policydesk.ErrorField(err), Message: s.errorMessage(r, err),
		values: r.PostForm, status: statusOf(err)}
	get := r.Clone(context.WithValue(r.Context(), failureKey{}, f))
	get.Method, get.URL, get.RequestURI = http.MethodGet, u, u.RequestURI()
	get.Body, get.ContentLength, get.Form, get.PostForm = http.NoBody, 0, nil, nil
	get.Header.Del("Content-Type")
	var m mux.RouteMatch
	if !s.router.Match(get, &m) || m.MatchErr != nil {
		return false
	}
	s.router.ServeHTTP(w, get)
	return true
}

// Is tells whether form is the one refused.
func (f *formFailure) Is(form string) bool { return f != nil && f.Form == form }

// Value is what was typed in field of form when that form was refused, else
// current (the stored value, or "" for a new entry).
func (f *formFailure) Value(form, field, current string) string {
	if f.Is(form) {
		return f.values.Get(field)
	}
	return current
}

// On is the message for field of form, "" when the refusal is not about it.
func (f *formFailure) On(form, field string) string {
	if f.Is(form) && f.Field == field {
		return f.Message
	}
	return ""
}

// Attrs marks the input id of field as invalid, described by its message
// (id + "-error") and focused, when the refusal is about it.
func (f *formFailure) Attrs(form, field, id string) template.HTMLAttr {
	if f.On(form, field) == "" {
		return ""
	}
	id = html.EscapeString(id)
	return template.HTMLAttr(`aria-invalid="true" aria-describedby="` + id + `-error" autofocus`)
}

// Rest is the message of a refusal of form about none of the fields the
// form shows (space-separated): it is shown for the whole form.
func (f *formFailure) Rest(form, shown string) string {
	if f.Is(form) && !slices.Contains(strings.Fields(shown), f.Field) {
		return f.Message
	}
	return ""
}
