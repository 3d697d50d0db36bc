package web

import (
	"cmp"
	"net/http"

	"policydesk"
)

// reply is what a browser handler answers: a page, a redirect, or an answer
// that writes itself (a CSV download).
type reply struct {
	view   string         // the template to render
	data   map[string]any // its data; render adds the user, CSRF token and path
	status int            // the page's status; 0 is 200 OK
	// failed is why a form shown again was refused: it sets the status, the
	// page's "Error" and, for a throttled client, Retry-After.
	failed   error
	redirect string       // a 303 See Other here instead of a page
	write    writeBody    // writes the whole answer itself
	cookie   *http.Cookie // set before answering
}

// show renders a page.
func show(view string, data map[string]any) reply { return reply{view: view, data: data} }

// seeOther sends the browser on, after a form did its work.
func seeOther(url string) reply { return reply{redirect: url} }

// showAgain renders a form again with what was typed and why it was refused.
func showAgain(view string, data map[string]any, err error) reply {
	return reply{view: view, data: data, failed: err}
}

// pageFunc is a browser page or form action. An error is shown as the error
// page (or, for an anonymous browser, a redirect to the login page), except
// a form's refusal of what was typed (inForm), which shows the page the form
// came from again (form_failure.go).
type pageFunc func(r *http.Request) (reply, error)

// page adapts a pageFunc for a signed-in browser: an anonymous one goes to
// the login page first.
func (s *Server) page(f pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.requireUser(w, r) {
			return
		}
		rep, err := f(r)
		if err != nil {
			if !s.showFormAgain(w, r, err) {
				s.pageError(w, r, err)
			}
			return
		}
		s.answer(w, r, rep)
	}
}

// form is page for a posted form: the body is parsed before f runs, and a
// form over the size limit is a clear 413, not an empty field.
func (s *Server) form(f pageFunc) http.HandlerFunc {
	return s.page(func(r *http.Request) (reply, error) {
		if err := formError(r); err != nil {
			return reply{}, err
		}
		return f(r)
	})
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, rep reply) {
	if rep.cookie != nil {
		http.SetCookie(w, rep.cookie)
	}
	switch {
	case rep.write != nil:
		rep.write(w)
	case rep.redirect != "":
		http.Redirect(w, r, rep.redirect, http.StatusSeeOther)
	case rep.failed != nil:
		setRetryAfter(w, rep.failed)
		if rep.data == nil {
			rep.data = map[string]any{}
		}
		rep.data["Error"] = s.errorMessage(r, rep.failed)
		s.render(w, r, statusOf(rep.failed), rep.view, rep.data)
	default:
		s.render(w, r, cmp.Or(rep.status, http.StatusOK), rep.view, rep.data)
	}
}

// pageOnID is a page or form action on the object the route's {name}
// names.
func pageOnID(name string, f func(r *http.Request, id int64) (reply, error)) pageFunc {
	return func(r *http.Request) (reply, error) {
		id, err := pathID(r, name)
		if err != nil {
			return reply{}, err
		}
		return f(r, id)
	}
}

// pageOnNumber is a page or form action on a version or round of a
// document: the route's {id} and {name}.
func pageOnNumber(name string, f func(r *http.Request, id int64, n int) (reply, error)) pageFunc {
	return func(r *http.Request) (reply, error) {
		id, n, err := numbered(r, name)
		if err != nil {
			return reply{}, err
		}
		return f(r, id, n)
	}
}

// requireUser sends an anonymous browser to the login page.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request) bool {
	if policydesk.UserFromContext(r.Context()) == nil {
		s.pageError(w, r, policydesk.Errorf(policydesk.EUnauthorized, "Log in first."))
		return false
	}
	return true
}

// formError parses the form body; a form over the size limit is a clear
// 413, not an empty field.
func formError(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return bodyReadError(err)
	}
	return nil
}
