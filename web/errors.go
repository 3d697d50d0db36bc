package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"policydesk"
	"policydesk/drafts"
)

// codes maps domain error codes to HTTP statuses, the one table of them.
var codes = map[string]int{
	policydesk.EBadRequest:   http.StatusBadRequest,
	policydesk.EUnauthorized: http.StatusUnauthorized,
	policydesk.EForbidden:    http.StatusForbidden,
	policydesk.ENotFound:     http.StatusNotFound,
	policydesk.EConflict:     http.StatusConflict,
	policydesk.ETooLarge:     http.StatusRequestEntityTooLarge,
	policydesk.EUnsupported:  http.StatusUnsupportedMediaType,
	policydesk.EInvalid:      http.StatusUnprocessableEntity,
	policydesk.ETooComplex:   http.StatusUnprocessableEntity,
	policydesk.EUnavailable:  http.StatusServiceUnavailable,
	policydesk.EInternal:     http.StatusInternalServerError,

	policydesk.ETooManyRequests: http.StatusTooManyRequests,
}

func statusOf(err error) int {
	if s, ok := codes[policydesk.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// logIfInternal records server-side failures with the request; callers never
// see their detail.
func (s *Server) logIfInternal(r *http.Request, err error) {
	if code := policydesk.ErrorCode(err); code == policydesk.EInternal || code == policydesk.EUnavailable {
		s.Logger.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
}

// apiError answers err as the API's JSON error object.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	s.logIfInternal(r, err)
	setRetryAfter(w, err)
	body := map[string]any{"error": errorBody{Code: policydesk.ErrorCode(err), Message: policydesk.ErrorMessage(err)}}
	var conflict *drafts.ConflictError
	if asConflict(err, &conflict) {
		body["head"] = conflict.Head
		body["merge"] = conflict.Merge
	}
	writeJSON(w, statusOf(err), body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// pageError answers err as an HTML page, or a redirect to the login page when
// the browser has no session.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	s.logIfInternal(r, err)
	if policydesk.ErrorCode(err) == policydesk.EUnauthorized {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := statusOf(err)
	s.render(w, r, status, "error", map[string]any{
		"Title":   http.StatusText(status),
		"Status":  status,
		"Message": policydesk.ErrorMessage(err),
	})
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// jsonFunc is a JSON endpoint: it returns the status and the value to send,
// or an error, which is answered as the API's error object.
type jsonFunc func(r *http.Request) (status int, body any, err error)

// api adapts a jsonFunc to an http.HandlerFunc. A nil body sends the status
// alone (204).
func (s *Server) api(f jsonFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := f(r)
		switch {
		case err != nil:
			s.apiError(w, r, err)
		case body == nil:
			w.WriteHeader(status)
		default:
			writeJSON(w, status, body)
		}
	}
}

// decodeWithID decodes the JSON body into in and reads the route's id.
func decodeWithID(r *http.Request, in any, name string) (int64, error) {
	if err := decodeJSON(r, in); err != nil {
		return 0, err
	}
	return pathID(r, name)
}

// formFunc is a browser form action: it returns where to send the browser
// next, or an error, which is shown as an error page.
type formFunc func(r *http.Request) (redirect string, err error)

// form adapts a formFunc: anonymous browsers go to the login page, the form
// body is parsed (a body over the limit is a clear 413), and success is a
// 303 to the returned URL.
func (s *Server) form(f formFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.requireUser(w, r) {
			return
		}
		to, err := "", formError(r)
		if err == nil {
			to, err = f(r)
		}
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}
