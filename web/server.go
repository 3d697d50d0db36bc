// Package web serves Policy Desk over HTTP: the JSON API of API.md and the
// server-rendered pages, both on top of the domain services, which decide
// who may do what; web never reaches a store.
//
// routes.go lists every URL by area. Each page or form action has its own
// file (library.go, document_edit.go, redline_page.go, comment_actions.go,
// ...) and each API area one (api_documents.go, api_comments.go, ...).
// Handlers return what to answer and page.go and json.go answer it: a page
// handler returns a view and its data, or a redirect (pageFunc), an API
// handler a status and a value (jsonFunc); both return errors, which
// errors.go maps to statuses through one table. Templates live in
// templates/, the pieces pages share (the redline's views) in
// templates/partials/; the only trusted HTML they print is typed
// template.HTML by the package that made it safe.
package web

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/calendar"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/attachments"
	"policydesk/notify"
	"policydesk/review"
	"policydesk/search"
	"policydesk/timefmt"
	"policydesk/web/i18n"
)

// MaxRequestBytes bounds every request body. Texts are limited to 5 MiB by
// the domain; the margin leaves room for JSON escaping and form encoding.
const MaxRequestBytes = drafts.MaxBodyBytes + 1<<20

// Check reports whether a dependency is ready; nil means ok.
type Check func(ctx context.Context) error

// Server holds the handlers' dependencies.
type Server struct {
	// Accounts answers logins, sessions and account administration.
	Accounts *accounts.Service
	Drafts   *drafts.Service
	Review   *review.Service
	// Attachments is nil when no blob store is configured.
	Attachments *attachments.Attachments
	// Search is nil when no index is configured.
	Search *search.Service
	// Inbox is the users' inbox and mail settings; nil hides them.
	Inbox  *notify.Inbox
	Logger *slog.Logger
	// Checks are named dependencies for /readyz ("database", "blobs", "search").
	Checks map[string]Check
	// SecureCookies marks cookies Secure, for deployments behind HTTPS.
	SecureCookies bool
	// TrustedProxies are the proxies whose X-Forwarded-For names the client
	// (for login throttling and the audit log); see ParseTrustedProxies.
	TrustedProxies []netip.Prefix
	// Location is the zone people see times in; nil means Kosovo's
	// (timefmt.DefaultZone). Set it before serving.
	Location *time.Location
	// MaxAuditExport bounds one CSV export of the audit log; 0 means
	// DefaultMaxAuditExport.
	MaxAuditExport int
	// Language is the installation's language (sq, sr or en): the pages'
	// language for a browser whose user saved none and whose
	// Accept-Language names none of the three. "" is i18n.Default.
	Language string
	// Calendar answers working days and due dates; nil answers 503 there.
	Calendar *calendar.Service
	// BaseURL is the installation's public address (POLICYDESK_BASE_URL),
	// for the invitation links shown when mail is off; "" takes the
	// request's host.
	BaseURL string

	router  *mux.Router
	views   *views
	catalog *i18n.Catalog
}

// NewServer builds the router and parses the templates (failing fast if one
// is broken).
func NewServer(acc *accounts.Service, d *drafts.Service, rv *review.Service, logger *slog.Logger) (*Server, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	v, err := parseViews(cat)
	if err != nil {
		return nil, err
	}
	s := &Server{Accounts: acc, Drafts: d, Review: rv, Logger: logger, Checks: map[string]Check{}, router: mux.NewRouter(), views: v, catalog: cat}
	v.zone = s.zone
	s.router.Use(s.recoverPanics, s.securityHeaders, s.limitBody, s.authenticate, s.localize)
	s.routes()
	// The router's middleware runs only on a matched route; a missing page
	// still knows its user, for the header and the user's language.
	s.router.NotFoundHandler = s.authenticate(s.localize(http.HandlerFunc(s.handleNotFound)))
	s.router.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, policydesk.Errorf(policydesk.EBadRequest, "Method %s is not allowed here.", r.Method), http.StatusMethodNotAllowed)
	})
	return s, nil
}

// zone is the time zone people see times in.
func (s *Server) zone() *time.Location {
	if s.Location == nil {
		return kosovo
	}
	return s.Location
}

var kosovo = timefmt.Kosovo()

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, policydesk.Errorf(policydesk.ENotFound, "There is nothing at %s.", r.URL.Path), 0)
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz checks every dependency and names the ones that are down.
// The checks named by ?exclude= are run and reported but do not make it
// 503: a load balancer excludes the dependencies all replicas share, so an
// object store outage does not take every replica out of rotation.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	excluded, err := s.readyzExcluded(r)
	if err != nil {
		s.fail(w, r, err, 0)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status, out := http.StatusOK, map[string]string{}
	down := func(name string) {
		out[name] = "down"
		if !excluded[name] {
			status = http.StatusServiceUnavailable
		}
	}
	if s.Search != nil {
		backlog, err := s.Search.Ready(ctx)
		if err != nil {
			down("search")
			s.Logger.Warn("readiness: search is down", "err", err)
		} else {
			out["search"] = "ok"
		}
		out["search_backlog"] = strconv.Itoa(backlog)
		if n, err := s.Search.NotIndexed(ctx); err == nil {
			out["search_not_indexed"] = strconv.Itoa(n)
		}
		if lag, err := s.Search.Lag(ctx); err == nil && lag != nil {
			out["search_lag_entries"] = strconv.FormatInt(lag.Entries, 10)
			out["search_lag_seconds"] = strconv.FormatFloat(lag.Oldest.Seconds(), 'f', 1, 64)
			out["search_building"] = strconv.FormatBool(lag.Building)
		}
	}
	for name, check := range s.Checks {
		if err := check(ctx); err != nil {
			// The detail goes to the log: /readyz answers anyone.
			s.Logger.Error("readiness check failed", slog.String("check", name), slog.Any("err", err))
			down(name)
			continue
		}
		out[name] = "ok"
	}
	writeJSON(w, status, out)
}

// readyzExcluded reads /readyz's exclude parameters; a name that is no
// check is refused, so a typo in a proxy's health check shows at once.
func (s *Server) readyzExcluded(r *http.Request) (map[string]bool, error) {
	excluded := map[string]bool{}
	for _, name := range r.URL.Query()["exclude"] {
		if _, ok := s.Checks[name]; !ok && name != "search" {
			return nil, policydesk.Errorf(policydesk.EBadRequest, "There is no readiness check named %q; the checks are search and %s.", name, strings.Join(slices.Sorted(maps.Keys(s.Checks)), ", "))
		}
		excluded[name] = true
	}
	return excluded, nil
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic", slog.Any("value", v), slog.String("path", r.URL.Path))
				s.fail(w, r, errors.New("panic"), 0)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict CSP: only our own scripts and styles run, so
// even a rendering bug could not execute an injected script; images come
// only from the service, since an external image in a draft would tell its
// owner who read the draft and when. Answers are not kept by browsers or
// proxies (restricted text must not outlive a logout); the static assets,
// under checksummed URLs, set their own long caching.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "private, no-store")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && !isUpload(r) { // uploads set their own, larger limit
			r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBytes)
		}
		next.ServeHTTP(w, r)
	})
}
