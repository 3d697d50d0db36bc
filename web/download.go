package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"policydesk"
)

// handleDownload sends the bytes as a download, never as a page: any name is
// safe in the RFC 6266 header, the type is the server's choice, and the
// sandbox CSP stops a file from running script even if opened inline.
func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "aid")
	if err == nil {
		err = s.attachmentsOff()
	}
	if err != nil {
		s.fail(w, r, err, 0)
		return
	}
	if policydesk.UserFromContext(r.Context()) == nil {
		s.fail(w, r, policydesk.Errorf(policydesk.EUnauthorized, "Log in first."), 0)
		return
	}
	att, rc, err := s.Attachments.Open(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, 0)
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Disposition", ContentDisposition(att.Filename))
	h.Set("Content-Length", strconv.FormatInt(att.Size, 10))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+att.SHA256+`"`)
	if r.Method == http.MethodHead {
		return
	}
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	// Large reads mean fewer round trips through the object store client,
	// each of which allocates; io.Copy's 32 KiB made 6,400 of them per 200 MiB.
	io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{rc}, *buf)
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// ContentDisposition builds an RFC 6266 attachment header: an ASCII fallback
// name for old clients and the exact UTF-8 name in filename*.
func ContentDisposition(name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' || r == ';' || r == '%' {
			return '_'
		}
		return r
	}, name)
	v := mime.FormatMediaType("attachment", map[string]string{"filename": fallback})
	if fallback != name {
		v += "; filename*=UTF-8''" + rfc5987(name)
	}
	return v
}

// rfc5987 percent-encodes everything but attr-char.
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)>>4, 16)) + strings.ToUpper(strconv.FormatInt(int64(c)&15, 16)))
	}
	return b.String()
}
