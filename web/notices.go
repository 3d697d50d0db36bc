package web

import (
	"fmt"
	"net/http"
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
)

var notices = map[string]string{
	noticeSaved:             "Changes saved.",
	noticeVersionSaved:      "Your version was saved.",
	noticeAttached:          "The file was attached.",
	noticeAttachmentDeleted: "The attachment was deleted.",
	noticeUserCreated:       "User created.",
	noticeUserUpdated:       "User updated.",
	noticeIndexingRetried:   "Queued again; it is tried within a few seconds.",
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

// notice is the banner for the request's ?notice= code, "" for none or an
// unknown one. head bounds the version a "version saved" banner may name,
// so even the number is one the document has.
func notice(r *http.Request, head int) string {
	q := r.URL.Query()
	code := q.Get("notice")
	msg, ok := notices[code]
	if !ok {
		return ""
	}
	if code == noticeVersionSaved {
		if n, err := strconv.Atoi(q.Get("version")); err == nil && n >= 1 && n <= head {
			return fmt.Sprintf("Version %d saved.", n)
		}
	}
	return msg
}
