package web

import (
	"net/http"

	"policydesk"
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

// errorMessage is err's sentence in the request's language: the domain
// writes English formats (policydesk.Errorf) and the catalogs' sentences
// put them into the user's language (policydesk.Translator); an error that
// is not a *policydesk.Error is the general sentence for an internal
// error, so no detail leaks.
func (s *Server) errorMessage(r *http.Request, err error) string {
	return policydesk.ErrorMessageIn(err, s.catalog, s.localizer(r).Lang())
}
