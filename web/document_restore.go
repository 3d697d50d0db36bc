package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"policydesk"
	"policydesk/drafts"
)

// restoreRequest is the body of a restore: the head the client last saw,
// as a save names its base.
type restoreRequest struct {
	Base *int `json:"base"`
}

// apiRestoreVersion brings version {n} back as a new version; a stale base
// is a 409 with the merge proposal, as for a save.
func (s *Server) apiRestoreVersion(r *http.Request, id int64, n int) (int, any, error) {
	var in restoreRequest
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Base == nil {
		return 0, nil, policydesk.Errorf(policydesk.EInvalid, "Name the newest version you have seen in \"base\".")
	}
	v, err := s.Drafts.RestoreVersion(r.Context(), id, n, *in.Base)
	if err != nil {
		return 0, nil, err
	}
	v.Body = ""
	return http.StatusCreated, v, nil
}

// pageRestore is the "Restore this version" button of an old version's
// page. When someone saved since the page was read, the page comes back
// with the newer head and says so, rather than undoing a version its
// reader has not seen.
func (s *Server) pageRestore(r *http.Request, id int64, n int) (reply, error) {
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	v, err := s.Drafts.RestoreVersion(r.Context(), id, n, base)
	var conflict *drafts.ConflictError
	if errors.As(err, &conflict) {
		_, data, derr := s.documentPage(r, id, n)
		if derr != nil {
			return reply{}, derr
		}
		data["RestoreError"] = fmt.Sprintf("Version %d was saved while you were reading; look at it first, then restore version %d again if you still want to.", conflict.Head, n)
		return reply{view: "document", status: http.StatusConflict, data: data}, nil
	} else if err != nil {
		return reply{}, err
	}
	return seeOther(noticeURL(docURL(id), noticeVersionSaved, "", v.Number)), nil
}
