package web

import (
	"net/http"
	"strings"

	"policydesk"
	"policydesk/web/i18n"
)

// localize chooses the request's language and puts its Localizer in the
// context: the signed-in user's saved preference, else the browser's
// Accept-Language, else the installation's default (Server.Language).
func (s *Server) localize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := ""
		if u := policydesk.UserFromContext(r.Context()); u != nil && i18n.Supported(u.Language) {
			lang = u.Language
		}
		if lang == "" {
			lang = s.catalog.Match(r.Header.Get("Accept-Language"), s.defaultLanguage())
		}
		w.Header().Add("Vary", "Accept-Language")
		w.Header().Set("Content-Language", lang)
		next.ServeHTTP(w, r.WithContext(i18n.NewContext(r.Context(), s.catalog.For(lang))))
	})
}

func (s *Server) defaultLanguage() string {
	if i18n.Supported(s.Language) {
		return s.Language
	}
	return i18n.Default
}

// localizer is the request's Localizer. A request no route matched (the
// router's not-found answer skips the middleware) follows Accept-Language.
func (s *Server) localizer(r *http.Request) *i18n.Localizer {
	if l := i18n.FromContext(r.Context()); l != nil {
		return l
	}
	return s.catalog.For(s.catalog.Match(r.Header.Get("Accept-Language"), s.defaultLanguage()))
}

// tr is the catalog's sentence for key in the request's language, for
// handlers (page titles, notices); args as i18n.Localizer.T.
func (s *Server) tr(r *http.Request, key string, args ...any) string {
	return s.localizer(r).T(key, args...)
}

// pageSetLanguage saves the language chosen from the menu in the header and
// returns to the page it was chosen on, now in that language.
func (s *Server) pageSetLanguage(r *http.Request) (reply, error) {
	if _, err := s.Accounts.SetLanguage(r.Context(), r.PostFormValue("language")); err != nil {
		return reply{}, err
	}
	return seeOther(backTo(r, "/documents", "")), nil
}

// menuCode is a language's short name on the menu's button, in the
// language's own script: SQ, SR, СР (Serbian in Cyrillic), EN.
func menuCode(lang string) string {
	if lang == "sr-Cyrl" {
		return "СР"
	}
	return strings.ToUpper(lang)
}
