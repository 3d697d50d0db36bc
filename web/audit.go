package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"policydesk"
	"policydesk/csvsafe"
	"policydesk/drafts"
	"policydesk/timefmt"
	"policydesk/web/i18n"
)

// auditPageSize is how many entries the audit page shows at once.
const auditPageSize = 100

// DefaultMaxAuditExport is the most entries one CSV export of the audit log
// holds unless Server.MaxAuditExport says otherwise; a larger one is refused
// with a request to narrow the filters, so an export is bounded.
const DefaultMaxAuditExport = 50000

// pageAudit shows the audit log to admins (the service refuses anyone
// else), 100 entries to a page, filtered by user, action and days; with
// ?format=csv it downloads the filtered log. Bad filters are shown again in
// place with a 422.
func (s *Server) pageAudit(r *http.Request) (reply, error) {
	if err := drafts.CanReadAudit(r.Context()); err != nil {
		return reply{}, err
	}
	q := r.URL.Query()
	filters := auditFilterValues(q)
	l := s.localizer(r)
	data := map[string]any{"Title": l.T("audit.title"), "Filter": filters, "Actions": auditActionChoices(l),
		"CSV": "/audit?" + withParam(filters, "format", "csv")}
	f, err := s.auditFilter(q)
	if err == nil && q.Get("format") == "csv" {
		var csv writeBody
		if csv, err = s.auditCSV(r.Context(), l, f); err == nil {
			return reply{write: csv}, nil
		}
	}
	if err == nil {
		page := pageNumber(r)
		f.Limit, f.Offset = auditPageSize, (page-1)*auditPageSize
		var entries []*policydesk.AuditEntry
		var total int
		if entries, total, err = s.auditEntries(r.Context(), s.localizer(r).Lang(), f); err == nil {
			data["Entries"], data["Total"] = entries, total
			if f.Offset+len(entries) < total {
				data["NextPage"] = "/audit?" + withParam(filters, "page", strconv.Itoa(page+1))
			}
			if page > 1 {
				data["PrevPage"] = "/audit?" + withParam(filters, "page", strconv.Itoa(page-1))
			}
			return show("audit", data), nil
		}
	}
	if policydesk.ErrorCode(err) != policydesk.EInvalid {
		return reply{}, err
	}
	data["ErrorField"] = policydesk.ErrorField(err)
	return showAgain("audit", data, err), nil
}

// auditFilterValues are the filters of the query, without empty ones, for
// the form and the links that keep them.
func auditFilterValues(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"user", "action", "from", "to"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// withParam is the encoded query v with k set to val.
func withParam(v url.Values, k, val string) string {
	out := url.Values{k: {val}}
	for key, vals := range v {
		out[key] = vals
	}
	return out.Encode()
}

// auditFilter reads the audit log's filters: user (a login), action (an
// identifier of auditActionIDs) and from/to (days written dd.mm.yyyy or
// yyyy-mm-dd, both included, in the installation's zone).
func (s *Server) auditFilter(q url.Values) (policydesk.AuditFilter, error) {
	f := policydesk.AuditFilter{Actor: strings.TrimSpace(q.Get("user")), Action: strings.TrimSpace(q.Get("action"))}
	if f.Action != "" && !knownAuditAction(f.Action) {
		action := truncate(f.Action, 60)
		return f, policydesk.Errorf(policydesk.EInvalid, "The audit log has no action %q; choose one from the list.", action).On("action")
	}
	var days [2]time.Time
	for i, param := range []string{"from", "to"} {
		if v := q.Get(param); strings.TrimSpace(v) != "" {
			day, err := timefmt.ParseDate(v)
			if err != nil {
				return f, policydesk.OnField(param, policydesk.AsError(err))
			}
			days[i] = day
		}
	}
	f.From, f.To = timefmt.DayRange(days[0], days[1], s.zone())
	return f, nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// auditCSV is the filtered audit log as a CSV download, newest first, with
// times in the installation's zone and in UTC, its headings and the
// actions in words in l's language (the identifiers stay as stored). It reads the log a page at a
// time below the last id written, so entries written meanwhile neither
// repeat nor shift it; more than maxAuditExport entries are refused.
func (s *Server) auditCSV(ctx context.Context, l *i18n.Localizer, f policydesk.AuditFilter) (writeBody, error) {
	f.Limit, f.Offset = drafts.MaxAuditPage, 0
	entries, total, err := s.auditEntries(ctx, l.Lang(), f)
	if err != nil {
		return nil, err
	}
	if limit := cmp.Or(s.MaxAuditExport, DefaultMaxAuditExport); total > limit {
		return nil, policydesk.Errorf(policydesk.EInvalid, "These filters match %d entries; one export holds at most %d. Choose a shorter date range, a user or an action.", total, limit).On("from")
	}
	loc := s.zone()
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="audit-log.csv"`)
		cw, err := csvsafe.NewWriter(w)
		if err != nil {
			return
		}
		cw.Write(l.T("audit.csv.time", "Zone", loc.String()), l.T("audit.csv.time", "Zone", "UTC"), l.T("audit.csv.user"), l.T("audit.csv.action"),
			l.T("audit.csv.action_id"), l.T("audit.csv.object_type"), l.T("audit.csv.object_id"), l.T("audit.csv.document_title"), l.T("audit.csv.detail"))
		for len(entries) > 0 { // ids only fall, so this ends within the total counted first
			for _, e := range entries {
				cw.Write(timefmt.Format(e.At, loc), e.At.UTC().Format(time.RFC3339), e.Actor, actionPhrase(l, e.Action), e.Action,
					e.ObjectType, e.ObjectID, e.ObjectTitle, e.Detail)
			}
			f.BeforeID = entries[len(entries)-1].ID
			if entries, _, err = s.auditEntries(ctx, l.Lang(), f); err != nil {
				s.Logger.Error("audit export stopped", "error", err)
				cw.Write(l.T("audit.csv.stopped"))
				break
			}
		}
		if err := cw.Flush(); err != nil {
			s.Logger.Error("audit export", "error", err)
		}
	}, nil
}

// auditEntries are the audit log's entries f selects, their details in
// lang (an entry written before details kept their format reads as
// written).
func (s *Server) auditEntries(ctx context.Context, lang string, f policydesk.AuditFilter) ([]*policydesk.AuditEntry, int, error) {
	entries, total, err := s.Drafts.Audit(ctx, f)
	for _, e := range entries {
		e.Detail = e.DetailIn(s.catalog, lang)
	}
	return entries, total, err
}
