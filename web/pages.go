package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/attachments"
)

// registerPages mounts the browser pages.
func (s *Server) registerPages(r *mux.Router) {
	r.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/documents", http.StatusSeeOther)
	}).Methods(http.MethodGet)
	r.HandleFunc("/login", s.pageLogin).Methods(http.MethodGet)
	r.HandleFunc("/login", s.pageLoginSubmit).Methods(http.MethodPost)
	r.HandleFunc("/logout", s.pageLogout).Methods(http.MethodPost)
	r.HandleFunc("/account/password", s.pageAccountPassword).Methods(http.MethodGet)
	r.HandleFunc("/account/password", s.pageChangePassword).Methods(http.MethodPost)
	r.HandleFunc("/documents", s.pageLibrary).Methods(http.MethodGet)
	r.HandleFunc("/documents/new", s.pageNewDocument).Methods(http.MethodGet)
	r.HandleFunc("/documents/new", s.pageCreateDocument).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}", s.pageDocument).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/settings", s.form(s.pageDocumentSettings)).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/members", s.form(s.pageSetMember)).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/members/{login}/remove", s.form(s.pageRemoveMember)).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/edit", s.pageEdit).Methods(http.MethodGet)
	r.HandleFunc("/documents/{id}/edit", s.pageSave).Methods(http.MethodPost)
	r.HandleFunc("/documents/{id}/versions/{n}", s.pageVersion).Methods(http.MethodGet)
	r.HandleFunc("/users", s.pageUsers).Methods(http.MethodGet)
	r.HandleFunc("/users", s.pageCreateUser).Methods(http.MethodPost)
	r.HandleFunc("/users/{login}", s.pageUpdateUser).Methods(http.MethodPost)
	r.HandleFunc("/audit", s.pageAudit).Methods(http.MethodGet)
}

// requireUser sends an anonymous browser to the login page.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request) bool {
	if policydesk.UserFromContext(r.Context()) == nil {
		s.pageError(w, r, policydesk.Errorf(policydesk.EUnauthorized, "Log in first."))
		return false
	}
	return true
}

// formValue reads a form field after checking the body parsed; a form over
// the size limit is a clear 413, not an empty field.
func formError(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return bodyReadError(err)
	}
	return nil
}

func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) {
	if rs := sessionFrom(r.Context()); rs != nil {
		if err := s.Accounts.Logout(r.Context(), rs.Token); err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) pageLibrary(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	q := r.URL.Query()
	f := drafts.DocumentFilter{Kind: q.Get("kind"), Status: q.Get("status"), Language: q.Get("language"), Limit: 50}
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	f.Offset = (page - 1) * f.Limit
	docs, total, err := s.Drafts.Documents(r.Context(), f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	more := url.Values{"kind": {f.Kind}, "status": {f.Status}, "language": {f.Language}, "page": {strconv.Itoa(page + 1)}}
	s.render(w, r, http.StatusOK, "library", map[string]any{
		"Title": "Documents", "Documents": docs, "Total": total, "Filter": f,
		"NextPage": func() string {
			if f.Offset+len(docs) < total {
				return "/documents?" + more.Encode()
			}
			return ""
		}(),
	})
}

func (s *Server) pageNewDocument(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	s.render(w, r, http.StatusOK, "new", map[string]any{"Title": "New document",
		"Form": drafts.NewDocument{Kind: "regulation", Language: "sq", Visibility: "internal"}})
}

func (s *Server) pageCreateDocument(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	if err := formError(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	in := drafts.NewDocument{Title: r.PostFormValue("title"), Kind: r.PostFormValue("kind"), Language: r.PostFormValue("language"),
		Visibility: r.PostFormValue("visibility"), Body: r.PostFormValue("body"), Message: r.PostFormValue("message")}
	doc, _, err := s.Drafts.CreateDocument(r.Context(), in)
	if err != nil {
		if code := policydesk.ErrorCode(err); code == policydesk.EInvalid || code == policydesk.ETooLarge || code == policydesk.ETooComplex {
			s.render(w, r, statusOf(err), "new", map[string]any{"Title": "New document", "Form": in, "Error": policydesk.ErrorMessage(err)})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/documents/"+strconv.FormatInt(doc.ID, 10), http.StatusSeeOther)
}

// documentPage gathers what the document and version pages share.
func (s *Server) documentPage(r *http.Request, id int64, number int) (map[string]any, error) {
	ctx := r.Context()
	doc, access, err := s.Drafts.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if number == 0 {
		number = doc.Head
	}
	v, err := s.Drafts.Version(ctx, id, number)
	if err != nil {
		return nil, err
	}
	html, err := s.Drafts.VersionHTML(ctx, id, number)
	if err != nil {
		return nil, err
	}
	versions, err := s.Drafts.Versions(ctx, id)
	if err != nil {
		return nil, err
	}
	members, err := s.Drafts.Members(ctx, id)
	if err != nil {
		return nil, err
	}
	rounds, err := s.Review.Rounds(ctx, id)
	if err != nil {
		return nil, err
	}
	var files []*attachments.Attachment
	if s.Attachments != nil {
		// Metadata comes from the database, so the list shows even while the
		// object store is down; only downloads and uploads need it.
		if files, err = s.Attachments.List(ctx, id); err != nil {
			return nil, err
		}
	}
	return map[string]any{
		"Title": doc.Title, "Doc": doc, "Access": access, "Version": v, "HTML": html,
		"Versions": versions, "Members": members, "IsHead": number == doc.Head, "Rounds": rounds,
		"Attachments": files, "AttachmentsOn": s.Attachments != nil,
	}, nil
}

func (s *Server) pageDocument(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	data, err := s.documentPage(r, id, 0)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if doc, ok := data["Doc"].(*drafts.Document); ok {
		data["Notice"] = notice(r, doc.Head)
	}
	s.render(w, r, http.StatusOK, "document", data)
}

func (s *Server) pageVersion(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, n, err := s.versionParams(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	data, err := s.documentPage(r, id, n)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "document", data)
}

func (s *Server) pageDocumentSettings(r *http.Request) (string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", err
	}
	var p drafts.DocumentPatch
	for field, dst := range map[string]**string{"title": &p.Title, "status": &p.Status, "visibility": &p.Visibility} {
		if vals, ok := r.PostForm[field]; ok && len(vals) > 0 {
			v := vals[0]
			*dst = &v
		}
	}
	_, err = s.Drafts.UpdateDocument(r.Context(), id, p)
	return noticeURL(docURL(id), noticeSaved, "", 0), err
}

func (s *Server) pageSetMember(r *http.Request) (string, error) {
	id, err := pathID(r, "id")
	if err == nil {
		_, err = s.Drafts.SetMember(r.Context(), id, strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("role"))
	}
	return docURL(id) + "#members", err
}

func (s *Server) pageRemoveMember(r *http.Request) (string, error) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.Drafts.RemoveMember(r.Context(), id, mux.Vars(r)["login"])
	}
	return docURL(id) + "#members", err
}

func (s *Server) pageEdit(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	doc, access, err := s.Drafts.Document(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if !access.Edit {
		s.pageError(w, r, policydesk.Errorf(policydesk.EForbidden, "You may read this document but not change it."))
		return
	}
	v, err := s.Drafts.Version(r.Context(), id, doc.Head)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "edit", map[string]any{"Title": "Edit: " + doc.Title, "Doc": doc, "Base": doc.Head, "Body": v.Body})
}

// pageSave saves from the editor. A stale base shows the conflict page with
// the merge proposal in the editor, so the expert reviews it and saves again.
func (s *Server) pageSave(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = formError(r)
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	body, message := r.PostFormValue("body"), r.PostFormValue("message")
	v, err := s.Drafts.SaveVersion(r.Context(), id, base, body, message)
	var conflict *drafts.ConflictError
	switch {
	case asConflict(err, &conflict):
		doc, _, derr := s.Drafts.Document(r.Context(), id)
		if derr != nil {
			s.pageError(w, r, derr)
			return
		}
		s.render(w, r, http.StatusConflict, "conflict", map[string]any{"Title": "Someone saved first: " + doc.Title,
			"Doc": doc, "Conflict": conflict, "Mine": body, "Message": message, "Base": base})
	case policydesk.ErrorCode(err) == policydesk.EInvalid || policydesk.ErrorCode(err) == policydesk.ETooLarge || policydesk.ErrorCode(err) == policydesk.ETooComplex:
		doc, _, derr := s.Drafts.Document(r.Context(), id)
		if derr != nil {
			s.pageError(w, r, derr)
			return
		}
		s.render(w, r, statusOf(err), "edit", map[string]any{"Title": "Edit: " + doc.Title, "Doc": doc, "Base": base,
			"Body": body, "Message": message, "Error": policydesk.ErrorMessage(err)})
	case err != nil:
		s.pageError(w, r, err)
	default:
		http.Redirect(w, r, noticeURL(docURL(id), noticeVersionSaved, "", v.Number), http.StatusSeeOther)
	}
}

func (s *Server) pageUsers(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	users, err := s.Accounts.ListUsers(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "users", map[string]any{"Title": "Users", "Users": users, "Notice": notice(r, 0)})
}

func (s *Server) pageCreateUser(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	if err := formError(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	in := accounts.NewUser{Login: r.PostFormValue("login"), Name: r.PostFormValue("name"), Organisation: r.PostFormValue("organisation"),
		Password: r.PostFormValue("password"), Role: r.PostFormValue("role")}
	if _, err := s.Accounts.CreateUser(r.Context(), in); err != nil {
		if code := policydesk.ErrorCode(err); code == policydesk.EInvalid || code == policydesk.EConflict {
			users, _ := s.Accounts.ListUsers(r.Context())
			in.Password = ""
			s.render(w, r, statusOf(err), "users", map[string]any{"Title": "Users", "Users": users, "Form": in, "Error": policydesk.ErrorMessage(err)})
			return
		}
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, noticeURL("/users", noticeUserCreated, "", 0), http.StatusSeeOther)
}

func (s *Server) pageUpdateUser(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	if err := formError(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	var p accounts.UserPatch
	if role := r.PostFormValue("role"); role != "" {
		p.Role = &role
	}
	if pw := r.PostFormValue("password"); pw != "" {
		p.Password = &pw
	}
	if d := r.PostFormValue("disabled"); d != "" {
		disabled := d == "1"
		p.Disabled = &disabled
	}
	if _, err := s.Accounts.UpdateUserByLogin(r.Context(), mux.Vars(r)["login"], p); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, noticeURL("/users", noticeUserUpdated, "", 0), http.StatusSeeOther)
}

func (s *Server) pageAudit(w http.ResponseWriter, r *http.Request) {
	if !s.requireUser(w, r) {
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	f := policydesk.AuditFilter{Limit: 100, Offset: (page - 1) * 100}
	entries, total, err := s.Drafts.Audit(r.Context(), f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	next := ""
	if f.Offset+len(entries) < total {
		next = "/audit?page=" + strconv.Itoa(page+1)
	}
	s.render(w, r, http.StatusOK, "audit", map[string]any{"Title": "Audit log", "Entries": entries, "Total": total, "NextPage": next})
}
