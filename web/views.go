package web

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"strings"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/timefmt"
	"policydesk/web/i18n"
)

//go:embed templates/*.html templates/partials/*.html
var templateFS embed.FS

// views holds every page template, parsed once at start for each language
// of the interface: the template functions t and label say the catalog's
// words in the language their set was parsed for, so a page never looks a
// language up while it renders.
type views struct {
	// pages are the page templates by language, then name.
	pages map[string]map[string]*template.Template
	// partials are the templates pages share, by language, for the answers
	// that are a fragment of a page (the redline's HTML in the API).
	partials map[string]*template.Template
	// static maps a file name to its checksummed URL.
	static map[string]string
	// zone is the time zone dates are shown in (the server's Location).
	zone func() *time.Location
}

func parseViews(cat *i18n.Catalog) (*views, error) {
	static, err := staticURLs()
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]map[string]*template.Template{}, partials: map[string]*template.Template{}, static: static}
	for _, lang := range i18n.Languages {
		if err := v.parseLanguage(cat.For(lang)); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// parseLanguage parses every page and partial with l's template functions.
func (v *views) parseLanguage(l *i18n.Localizer) error {
	funcs := template.FuncMap{
		"static": func(name string) (string, error) {
			if u, ok := v.static[name]; ok {
				return u, nil
			}
			return "", fmt.Errorf("no static file %q", name)
		},
		"kindLabel":     func(k string) string { return l.Label("kind", k) },
		"statusLabel":   func(k string) string { return l.Label("status", k) },
		"languageLabel": func(k string) string { return l.Label("language", k) },
		// A comment with no decision yet has the empty one.
		"decisionLabel": func(k string) string { return l.Label("decision", cmp.Or(k, "undecided")) },
		"date":          func(t time.Time) string { return timefmt.Format(t, v.zone()) },
		"dueDate":       timefmt.ShowISODate,
		"day":           func(t time.Time) string { return timefmt.FormatDate(t, v.zone()) },
		"zoneName":      func() string { return v.zone().String() },
		"auditAction":   func(a string) string { return actionPhrase(l, a) },
		"isoTime":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"shortSHA": func(s string) string {
			if len(s) > 12 {
				return s[:12]
			}
			return s
		},
		"add":          func(a, b int) int { return a + b },
		"upper":        strings.ToUpper,
		"menuCode":     menuCode,
		"retryURL":     problemRetryURL,
		"bytes":        func(n int64) string { return l.Size(n) },
		"kinds":        func() []string { return drafts.Kinds },
		"statuses":     func() []string { return drafts.Statuses },
		"langs":        func() []string { return drafts.Languages },
		"visibilities": func() []string { return drafts.Visibilities },
		"roles":        func() []string { return policydesk.Roles },
		"memberRoles":  func() []string { return drafts.MemberRoles },
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict needs key/value pairs")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
	maps.Copy(funcs, l.Funcs())
	partials, err := template.New("partials").Funcs(funcs).ParseFS(templateFS, "templates/partials/*.html")
	if err != nil {
		return fmt.Errorf("partials: %w", err)
	}
	v.partials[l.Lang()] = partials
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html", name)
		if err != nil {
			return fmt.Errorf("template %s: %w", base, err)
		}
		pages[strings.TrimSuffix(base, ".html")] = t
	}
	v.pages[l.Lang()] = pages
	return nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	l := s.localizer(r)
	t, ok := s.views.pages[l.Lang()][page]
	if !ok {
		s.Logger.Error("missing view", "page", page)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	u := policydesk.UserFromContext(r.Context())
	data["User"] = u
	data["IsAdmin"] = policydesk.IsAdmin(u)
	data["CanCreate"] = policydesk.CanCreateDocuments(u)
	data["HasInbox"], data["Unread"] = s.Inbox != nil, s.unreadCount(r)
	if rs := sessionFrom(r.Context()); rs != nil && rs.Session != nil {
		data["CSRF"] = rs.Session.CSRF
	}
	data["Path"] = r.URL.Path
	// The language menu returns here; a form shown again after a refusal
	// is at its POST address, so the menu returns to the page it came from.
	data["RequestURI"] = r.URL.RequestURI()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		data["RequestURI"] = backTo(r, "/documents", "")
	}
	data["Lang"] = l.Lang()
	data["Languages"] = i18n.Languages
	// A page shown again for a refused form says so in its status.
	failed := failureFrom(r.Context())
	data["Failed"] = failed
	if failed != nil && status == http.StatusOK {
		status = failed.status
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.Logger.Error("template failed", "page", page, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderFragment answers one of the partials on its own, as an HTML
// fragment, executed into a buffer first like a page.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, name string, data any) {
	var buf bytes.Buffer
	if err := s.views.partials[s.localizer(r).Lang()].ExecuteTemplate(&buf, name, data); err != nil {
		s.Logger.Error("template failed", "fragment", name, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}
