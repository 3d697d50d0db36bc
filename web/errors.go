package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
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
	// Field is the request field the message is about, when there is one.
	Field string `json:"field,omitempty"`
}

// logIfInternal records server-side failures with the request; callers never
// see their detail. A request whose client went away while it was answered
// is not a failure of the server: it is logged at Info, so that clients
// giving up under load do not flood the log with errors.
func (s *Server) logIfInternal(r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && errors.Is(r.Context().Err(), context.Canceled) {
		s.Logger.Info("client left before the answer", slog.String("method", r.Method), slog.String("path", r.URL.Path))
		return
	}
	if code := policydesk.ErrorCode(err); code == policydesk.EInternal || code == policydesk.EUnavailable {
		s.Logger.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
}

// apiError answers err as the API's JSON error object.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	s.logIfInternal(r, err)
	setRetryAfter(w, err)
	body := map[string]any{"error": errorBody{Code: policydesk.ErrorCode(err), Message: s.errorMessage(r, err), Field: policydesk.ErrorField(err)}}
	var conflict *drafts.ConflictError
	if errors.As(err, &conflict) {
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
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := statusOf(err)
	s.render(w, r, status, "error", map[string]any{
		"Title":   s.statusTitle(r, status),
		"Status":  status,
		"Message": s.errorMessage(r, err),
	})
}

func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// fail answers an error in the form the caller speaks; status overrides the
// code's own status when not zero.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error, status int) {
	if wantsJSON(r) || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
		if status != 0 {
			s.logIfInternal(r, err)
			writeJSON(w, status, map[string]any{"error": errorBody{Code: policydesk.ErrorCode(err), Message: s.errorMessage(r, err)}})
			return
		}
		s.apiError(w, r, err)
		return
	}
	s.pageError(w, r, err)
}

// setRetryAfter tells a throttled client how long to wait.
func setRetryAfter(w http.ResponseWriter, err error) {
	var throttled *accounts.ThrottledError
	if errors.As(err, &throttled) {
		w.Header().Set("Retry-After", strconv.Itoa(throttled.RetryAfterSeconds()))
	}
}
