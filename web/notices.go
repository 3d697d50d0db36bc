package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// Notices are the green banners a redirect asks for with ?notice=CODE.
// The page shows the server's sentence for a known code and nothing for
// any other: text in a URL anyone can send must never appear to come from
// the service.
const (
	noticeSaved             = "saved"
	noticeVersionSaved      = "version-saved" // with ?version=N
	noticeAttached          = "attached"
	noticeAttachmentDeleted = "attachment-deleted"
	noticeUserCreated       = "user-created"
	noticeUserUpdated       = "user-updated"
	noticeIndexingRetried   = "indexing-retried"
	// The review page's actions; the page puts the sentence next to the
	// comment named in the URL's fragment.
	noticeCommentAdded     = "comment-added"
	noticeReplyAdded       = "reply-added"
	noticeDecisionRecorded = "decision-recorded"
	noticeResolved         = "comment-resolved"
	noticeReopened         = "comment-reopened"
	noticeApplied          = "suggestion-applied" // with ?version=N
)

// notices are the catalog keys (web/i18n/locales/*/common.toml) of the
// codes' sentences.
var notices = map[string]string{
	noticeSaved:             "notice.saved",
	noticeVersionSaved:      "notice.version_saved",
	noticeAttached:          "notice.attached",
	noticeAttachmentDeleted: "notice.attachment_deleted",
	noticeUserCreated:       "notice.user_created",
	noticeUserUpdated:       "notice.user_updated",
	noticeIndexingRetried:   "notice.indexing_retried",
	noticeCommentAdded:      "notice.comment_added",
	noticeReplyAdded:        "notice.reply_added",
	noticeDecisionRecorded:  "notice.decision_recorded",
	noticeResolved:          "notice.comment_resolved",
	noticeReopened:          "notice.comment_reopened",
	noticeApplied:           "notice.suggestion_applied",
}

// versionNotices are the codes whose sentence names the version in
// ?version=N when the document has it: the keys of those sentences, with
// the placeholder Number.
var versionNotices = map[string]string{
	noticeVersionSaved: "notice.version_n_saved",
	noticeApplied:      "notice.suggestion_applied_as",
}

// noticeURL is path with the notice's code (and the version number, for
// noticeVersionSaved) in its query, before any fragment.
func noticeURL(path, code, fragment string, version int) string {
	u := path + "?notice=" + code
	if version > 0 {
		u += "&version=" + strconv.Itoa(version)
	}
	if fragment != "" {
		u += "#" + fragment
	}
	return u
}

// notice is the banner for the request's ?notice= code, in the request's
// language, "" for none or an unknown one. head bounds the version a
// "version saved" banner may name, so even the number is one the document
// has.
func (s *Server) notice(r *http.Request, head int) string {
	q := r.URL.Query()
	code := q.Get("notice")
	key, ok := notices[code]
	if !ok {
		return ""
	}
	if numbered, ok := versionNotices[code]; ok {
		if n, err := strconv.Atoi(q.Get("version")); err == nil && n >= 1 && n <= head {
			return s.tr(r, numbered, "Number", n)
		}
	}
	return s.tr(r, key)
}

// withNotice is the local URL u with ?notice=code (and &version=N when
// version > 0) in place of any notice it had, and #fragment.
func withNotice(u, code, fragment string, version int) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := parsed.Query()
	q.Set("notice", code)
	q.Del("version")
	if version > 0 {
		q.Set("version", strconv.Itoa(version))
	}
	parsed.RawQuery, parsed.Fragment = q.Encode(), fragment
	return parsed.String()
}
