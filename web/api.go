package web

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts"
)

// registerAPI mounts the JSON API of API.md.
func (s *Server) registerAPI(r *mux.Router) {
	r.Use(s.requireAPIUser)
	r.HandleFunc("/sessions", s.api(s.apiLogin)).Methods(http.MethodPost)
	r.HandleFunc("/sessions/current", s.api(s.apiLogout)).Methods(http.MethodDelete)
	r.HandleFunc("/users", s.api(s.apiUsers)).Methods(http.MethodGet)
	r.HandleFunc("/users", s.api(s.apiCreateUser)).Methods(http.MethodPost)
	r.HandleFunc("/users/me", s.api(s.apiMe)).Methods(http.MethodGet)
	r.HandleFunc("/users/me", s.apiUpdateMe).Methods(http.MethodPatch)
	r.HandleFunc("/users/{login}", s.api(s.apiUpdateUser)).Methods(http.MethodPatch)
	r.HandleFunc("/documents", s.api(s.apiDocuments)).Methods(http.MethodGet)
	r.HandleFunc("/documents", s.api(s.apiCreateDocument)).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}", s.api(s.apiDocument)).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}", s.api(s.apiUpdateDocument)).Methods(http.MethodPatch)
	r.HandleFunc("/documents/{id}/members", s.api(s.apiMembers)).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/members/{login}", s.api(s.apiSetMember)).Methods(http.MethodPut)
	r.HandleFunc("/documents/{id}/members/{login}", s.api(s.apiRemoveMember)).Methods(http.MethodDelete)
	r.HandleFunc("/documents/{id}/versions", s.api(s.apiVersions)).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/versions", s.api(s.apiSaveVersion)).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/versions/{n}", s.api(s.apiVersion)).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/versions/{n}/html", s.apiVersionHTML).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/outline", s.api(s.apiOutline)).Methods(http.MethodGet)
	r.HandleFunc("/preview", s.api(s.apiPreview)).Methods(http.MethodPost)
	r.HandleFunc("/audit", s.api(s.apiAudit)).Methods(http.MethodGet)
}

// requireAPIUser answers 401 to a call without credentials, so an anonymous
// caller learns to log in rather than getting the 403 meant for a role.
// Logging in is the one call that needs no session.
func (s *Server) requireAPIUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if policydesk.UserFromContext(r.Context()) == nil && !(r.Method == http.MethodPost && r.URL.Path == "/api/v1/sessions") {
			s.apiError(w, r, policydesk.Errorf(policydesk.EUnauthorized, "Log in first: send Authorization: Bearer <token>."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

type userJSON struct {
	ID           int64  `json:"id"`
	Login        string `json:"login"`
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
	Role         string `json:"role"`
	Disabled     bool   `json:"disabled,omitempty"`
}

func toUserJSON(u *policydesk.User) userJSON {
	return userJSON{ID: u.ID, Login: u.Login, Name: u.Name, Organisation: u.Organisation, Role: u.Role, Disabled: u.Disabled}
}

func (s *Server) apiLogin(r *http.Request) (int, any, error) {
	var in struct{ Login, Password string }
	// decodeJSON insists on application/json, which no cross-site form can
	// send; a page of another site is refused by its Origin as well.
	if err := checkOrigin(r); err != nil {
		return 0, nil, err
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	token, _, u, err := s.Drafts.Login(r.Context(), in.Login, in.Password)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string]any{"token": token, "user": toUserJSON(u)}, nil
}

func (s *Server) apiLogout(r *http.Request) (int, any, error) {
	rs := sessionFrom(r.Context())
	if rs == nil {
		return 0, nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	return http.StatusNoContent, nil, s.Drafts.Logout(r.Context(), rs.Token)
}

func (s *Server) apiUsers(r *http.Request) (int, any, error) {
	users, err := s.Drafts.ListUsers(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		out[i] = toUserJSON(u)
	}
	return http.StatusOK, map[string]any{"users": out}, nil
}

func (s *Server) apiCreateUser(r *http.Request) (int, any, error) {
	var in struct{ Login, Name, Organisation, Password, Role string }
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	u, err := s.Drafts.CreateUser(r.Context(), drafts.NewUser(in))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toUserJSON(u), nil
}

func (s *Server) apiUpdateUser(r *http.Request) (int, any, error) {
	var in struct {
		Name, Organisation, Role, Password *string
		Disabled                           *bool
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	u, err := s.userByLogin(r, mux.Vars(r)["login"])
	if err != nil {
		return 0, nil, err
	}
	if u, err = s.Drafts.UpdateUser(r.Context(), u.ID, drafts.UserPatch(in)); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toUserJSON(u), nil
}

// userByLogin finds an account for an admin route; others learn nothing.
func (s *Server) userByLogin(r *http.Request, login string) (*policydesk.User, error) {
	if !policydesk.IsAdmin(policydesk.UserFromContext(r.Context())) {
		return nil, policydesk.Errorf(policydesk.EForbidden, "Only an administrator can change accounts.")
	}
	return s.Drafts.Users.FindUserByLogin(r.Context(), login)
}

func (s *Server) apiDocuments(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	f := drafts.DocumentFilter{Kind: q.Get("kind"), Status: q.Get("status"), Language: q.Get("language")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	docs, total, err := s.Drafts.Documents(r.Context(), f)
	return http.StatusOK, map[string]any{"documents": docs, "total": total}, err
}

func (s *Server) apiCreateDocument(r *http.Request) (int, any, error) {
	var in struct{ Title, Kind, Language, Visibility, Status, Body, Message string }
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	doc, _, err := s.Drafts.CreateDocument(r.Context(), drafts.NewDocument(in))
	return http.StatusCreated, doc, err
}

func (s *Server) apiDocument(r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	doc, _, err := s.Drafts.Document(r.Context(), id)
	return http.StatusOK, doc, err
}

func (s *Server) apiUpdateDocument(r *http.Request) (int, any, error) {
	var in struct{ Title, Status, Visibility *string }
	id, err := decodeWithID(r, &in, "id")
	if err != nil {
		return 0, nil, err
	}
	doc, err := s.Drafts.UpdateDocument(r.Context(), id, drafts.DocumentPatch(in))
	return http.StatusOK, doc, err
}

func (s *Server) apiMembers(r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	members, err := s.Drafts.Members(r.Context(), id)
	return http.StatusOK, map[string]any{"members": members}, err
}

func (s *Server) apiSetMember(r *http.Request) (int, any, error) {
	var in struct{ Role string }
	id, err := decodeWithID(r, &in, "id")
	if err != nil {
		return 0, nil, err
	}
	m, err := s.Drafts.SetMember(r.Context(), id, mux.Vars(r)["login"], in.Role)
	return http.StatusOK, m, err
}

func (s *Server) apiRemoveMember(r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, s.Drafts.RemoveMember(r.Context(), id, mux.Vars(r)["login"])
}

func (s *Server) apiVersions(r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	versions, err := s.Drafts.Versions(r.Context(), id)
	return http.StatusOK, map[string]any{"versions": versions}, err
}

func (s *Server) apiSaveVersion(r *http.Request) (int, any, error) {
	var in struct {
		Base    *int   `json:"base"`
		Body    string `json:"body"`
		Message string `json:"message"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Base == nil {
		return 0, nil, policydesk.Errorf(policydesk.EInvalid, "Name the version your edit started from in \"base\".")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	v, err := s.Drafts.SaveVersion(r.Context(), id, *in.Base, in.Body, in.Message)
	if err != nil {
		return 0, nil, err
	}
	v.Body = ""
	return http.StatusCreated, v, nil
}

func (s *Server) versionParams(r *http.Request) (int64, int, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	n, err := pathInt(r, "n")
	return id, n, err
}

func (s *Server) apiVersion(r *http.Request) (int, any, error) {
	id, n, err := s.versionParams(r)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.Drafts.Version(r.Context(), id, n)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"number": v.Number, "body": v.Body, "sha256": v.SHA256,
		"author": v.Author, "message": v.Message, "created_at": v.CreatedAt}, nil
}

func (s *Server) apiVersionHTML(w http.ResponseWriter, r *http.Request) {
	id, n, err := s.versionParams(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	html, err := s.Drafts.VersionHTML(r.Context(), id, n)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(html)))
	writeString(w, string(html))
}

// writeBuffers back writeString: a draft renders to about half a megabyte.
var writeBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// writeString writes a large cached string through a pooled buffer. Both
// alternatives cost more than double the server's CPU per request (see
// BenchmarkServeCachedVersionHTML): w.Write([]byte(s)) allocates and
// page-faults a fresh copy each time, and io.WriteString goes through
// net/http's 2 KiB buffer, one small write(2) per chunk.
func writeString(w http.ResponseWriter, s string) {
	bp := writeBuffers.Get().(*[]byte)
	defer writeBuffers.Put(bp)
	for len(s) > 0 {
		n := copy(*bp, s)
		if _, err := w.Write((*bp)[:n]); err != nil {
			return
		}
		s = s[n:]
	}
}

func (s *Server) apiOutline(r *http.Request) (int, any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	doc, _, err := s.Drafts.Document(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	n := doc.Head
	if q := r.URL.Query().Get("version"); q != "" {
		if n, err = strconv.Atoi(q); err != nil || n < 1 {
			return 0, nil, policydesk.Errorf(policydesk.EInvalid, "version must be a positive number.")
		}
	}
	arts, err := s.Drafts.Outline(r.Context(), id, n)
	if err != nil {
		return 0, nil, err
	}
	type articleJSON struct {
		ID      string `json:"id"`
		Num     string `json:"num"`
		Heading string `json:"heading"`
		Title   string `json:"title,omitempty"`
		Anchor  string `json:"anchor"`
	}
	out := make([]articleJSON, len(arts))
	for i, a := range arts {
		out[i] = articleJSON{ID: a.ID, Num: a.Num, Heading: a.Heading, Title: a.Title, Anchor: a.Anchor()}
	}
	return http.StatusOK, map[string]any{"version": n, "articles": out}, nil
}

func (s *Server) apiPreview(r *http.Request) (int, any, error) {
	var in struct{ Body string }
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	html, err := s.Drafts.Preview(r.Context(), in.Body)
	return http.StatusOK, map[string]string{"html": string(html)}, err
}

func (s *Server) apiAudit(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	f := policydesk.AuditFilter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	entries, total, err := s.Drafts.Audit(r.Context(), f)
	return http.StatusOK, map[string]any{"entries": entries, "total": total}, err
}
