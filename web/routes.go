package web

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes mounts every URL, area by area: the JSON API of API.md under
// /api/v1 and the browser pages of the same area side by side. Each handler
// lives in a file named after its page or action.
func (s *Server) routes() {
	s.router.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet)
	s.router.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet)
	s.registerStatic(s.router)
	api := s.router.PathPrefix("/api/v1").Subrouter()
	api.Use(s.requireAPIUser)
	s.accountRoutes(api, s.router)
	s.invitationRoutes(api, s.router)
	s.importRoutes(api, s.router) // before documentRoutes: /documents/import is not a {id}
	s.documentRoutes(api, s.router)
	s.reviewRoutes(api, s.router)
	s.attachmentRoutes(api, s.router)
	s.searchRoutes(api, s.router)
	s.adminRoutes(api, s.router)
	s.inboxRoutes(api, s.router)
	s.calendarRoutes(api, s.router)
	s.synonymRoutes(api, s.router)
}

// inboxRoutes: the signed-in user's inbox (their home page).
func (s *Server) inboxRoutes(api, pages *mux.Router) {
	api.HandleFunc("/inbox", s.api(s.apiInbox)).Methods(http.MethodGet)
	api.HandleFunc("/inbox/read", s.api(s.apiMarkRead)).Methods(http.MethodPost)
	pages.HandleFunc("/inbox", s.page(s.pageInbox)).Methods(http.MethodGet)
	pages.HandleFunc("/inbox/read", s.form(s.pageMarkRead)).Methods(http.MethodPost)
	pages.HandleFunc("/account/mail", s.form(s.pageSetMail)).Methods(http.MethodPost)
}

// accountRoutes: logging in and out, one's own account.
func (s *Server) accountRoutes(api, pages *mux.Router) {
	api.HandleFunc("/sessions", s.api(s.apiLogin)).Methods(http.MethodPost)
	api.HandleFunc("/sessions/current", s.api(s.apiLogout)).Methods(http.MethodDelete)
	api.HandleFunc("/users/me", s.api(s.apiMe)).Methods(http.MethodGet)
	api.HandleFunc("/users/me", s.apiUpdateMe).Methods(http.MethodPatch)
	pages.HandleFunc("/login", s.pageLogin).Methods(http.MethodGet)
	pages.HandleFunc("/login", s.pageLoginSubmit).Methods(http.MethodPost)
	pages.HandleFunc("/logout", s.pageLogout).Methods(http.MethodPost)
	pages.HandleFunc("/account/password", s.page(s.pageAccountPassword)).Methods(http.MethodGet)
	pages.HandleFunc("/account/password", s.form(s.pageChangePassword)).Methods(http.MethodPost)
	pages.HandleFunc("/account/language", s.form(s.pageSetLanguage)).Methods(http.MethodPost)
}

// documentRoutes: the library, documents, their members and versions.
func (s *Server) documentRoutes(api, pages *mux.Router) {
	api.HandleFunc("/documents", s.api(s.apiDocuments)).Methods(http.MethodGet)
	api.HandleFunc("/documents", s.api(s.apiCreateDocument)).Methods(http.MethodPost)
	api.HandleFunc("/documents/{id}", s.api(onID("id", s.apiDocument))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}", s.api(withJSON("id", s.apiUpdateDocument))).Methods(http.MethodPatch)
	api.HandleFunc("/documents/{id}/members", s.api(onID("id", s.apiMembers))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/members/{login}", s.api(withJSON("id", s.apiSetMember))).Methods(http.MethodPut)
	api.HandleFunc("/documents/{id}/members/{login}", s.api(onID("id", s.apiRemoveMember))).Methods(http.MethodDelete)
	api.HandleFunc("/documents/{id}/versions", s.api(onID("id", s.apiVersions))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/versions", s.api(s.apiSaveVersion)).Methods(http.MethodPost)
	api.HandleFunc("/documents/{id}/versions/{n}", s.api(onNumber("n", s.apiVersion))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/versions/{n}/html", s.api(onNumber("n", s.apiVersionHTML))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/versions/{n}/restore", s.api(onNumber("n", s.apiRestoreVersion))).Methods(http.MethodPost)
	api.HandleFunc("/documents/{id}/versions/{n}/docx", s.api(onNumber("n", s.apiVersionDocx))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/outline", s.api(onID("id", s.apiOutline))).Methods(http.MethodGet)
	api.HandleFunc("/preview", s.api(s.apiPreview)).Methods(http.MethodPost)

	pages.HandleFunc("/", s.home).Methods(http.MethodGet)
	pages.HandleFunc("/documents", s.page(s.pageLibrary)).Methods(http.MethodGet)
	pages.HandleFunc("/documents/new", s.page(s.pageNewDocument)).Methods(http.MethodGet)
	pages.HandleFunc("/documents/new", s.form(s.pageCreateDocument)).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}", s.page(pageOnID("id", s.pageDocument))).Methods(http.MethodGet)
	pages.HandleFunc("/documents/{id}/settings", s.form(pageOnID("id", s.pageDocumentSettings))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/members", s.form(pageOnID("id", s.pageSetMember))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/members/{login}/remove", s.form(pageOnID("id", s.pageRemoveMember))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/edit", s.page(pageOnID("id", s.pageEdit))).Methods(http.MethodGet)
	pages.HandleFunc("/documents/{id}/edit", s.form(pageOnID("id", s.pageSave))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/merge", s.form(pageOnID("id", s.pageSaveMerge))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/versions/{n}", s.page(pageOnNumber("n", s.pageVersion))).Methods(http.MethodGet)
	pages.HandleFunc("/documents/{id}/versions/{n}/restore", s.form(pageOnNumber("n", s.pageRestore))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/versions/{n}/docx", s.page(pageOnNumber("n", s.pageVersionDocx))).Methods(http.MethodGet)
}

// reviewRoutes: redlines, review rounds, comments and consultation reports.
func (s *Server) reviewRoutes(api, pages *mux.Router) {
	api.HandleFunc("/documents/{id}/diff", s.api(onID("id", s.apiDiff))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/rounds", s.api(onID("id", s.apiRounds))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/rounds", s.api(withJSON("id", s.apiOpenRound))).Methods(http.MethodPost)
	api.HandleFunc("/documents/{id}/rounds/{r}/close", s.api(onNumber("r", s.apiCloseRound))).Methods(http.MethodPost)
	s.reviewerRoutes(api, pages)
	s.wordReviewRoutes(api, pages)
	api.HandleFunc("/documents/{id}/rounds/{r}/reopen", s.api(onNumber("r", s.apiReopenRound))).Methods(http.MethodPost)
	api.HandleFunc("/documents/{id}/rounds/{r}/report", s.api(onNumber("r", s.apiReport))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/rounds/{r}/comments", s.api(onNumber("r", s.apiRoundComments))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/comments", s.api(onID("id", s.apiComments))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/comments", s.api(withJSON("id", s.apiAddComment))).Methods(http.MethodPost)
	api.HandleFunc("/comments/{cid}/replies", s.api(withJSON("cid", s.apiReply))).Methods(http.MethodPost)
	api.HandleFunc("/comments/{cid}/decision", s.api(withJSON("cid", s.apiDecide))).Methods(http.MethodPost)
	api.HandleFunc("/comments/{cid}/resolve", s.api(withJSON("cid", s.apiResolve))).Methods(http.MethodPost)
	api.HandleFunc("/comments/{cid}/apply", s.api(withJSON("cid", s.apiApply))).Methods(http.MethodPost)

	pages.HandleFunc("/documents/{id}/diff", s.page(pageOnID("id", s.pageDiff))).Methods(http.MethodGet)
	pages.HandleFunc("/documents/{id}/rounds", s.form(pageOnID("id", s.pageOpenRound))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/rounds/{r}", s.page(pageOnNumber("r", s.pageRound))).Methods(http.MethodGet)
	pages.HandleFunc("/documents/{id}/rounds/{r}/close", s.page(pageOnNumber("r", s.pageConfirmClose))).Methods(http.MethodGet)
	pages.HandleFunc("/documents/{id}/rounds/{r}/close", s.form(pageOnNumber("r", s.pageCloseRound))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/rounds/{r}/reopen", s.form(pageOnNumber("r", s.pageReopenRound))).Methods(http.MethodPost)
	pages.HandleFunc("/documents/{id}/rounds/{r}/report", s.page(pageOnNumber("r", s.pageReport))).Methods(http.MethodGet)
	pages.HandleFunc("/documents/{id}/comments", s.form(pageOnID("id", s.pageAddComment))).Methods(http.MethodPost)
	pages.HandleFunc("/comments/{cid}/reply", s.form(commentAction("reply", s.pageReply))).Methods(http.MethodPost)
	pages.HandleFunc("/comments/{cid}/decision", s.form(commentAction("decide", s.pageDecide))).Methods(http.MethodPost)
	pages.HandleFunc("/comments/{cid}/resolve", s.form(commentAction("resolve", s.pageResolve))).Methods(http.MethodPost)
	pages.HandleFunc("/comments/{cid}/apply", s.form(pageOnID("cid", s.pageApply))).Methods(http.MethodPost)
}

// attachmentRoutes: files attached to documents. Uploads stream their
// multipart body, so their page is not a form (which would parse it).
func (s *Server) attachmentRoutes(api, pages *mux.Router) {
	api.HandleFunc("/documents/{id}/attachments", s.api(onID("id", s.apiAttachments))).Methods(http.MethodGet)
	api.HandleFunc("/documents/{id}/attachments", s.apiUpload).Methods(http.MethodPost)
	api.HandleFunc("/attachments/{aid}", s.handleDownload).Methods(http.MethodGet)
	api.HandleFunc("/attachments/{aid}", s.api(onID("aid", s.apiDeleteAttachment))).Methods(http.MethodDelete)
	pages.HandleFunc("/documents/{id}/attachments", s.pageUpload).Methods(http.MethodPost)
	pages.HandleFunc("/attachments/{aid}", s.handleDownload).Methods(http.MethodGet)
	pages.HandleFunc("/attachments/{aid}/delete", s.page(pageOnID("aid", s.pageDeleteAttachment))).Methods(http.MethodPost)
}

// searchRoutes: full-text search.
func (s *Server) searchRoutes(api, pages *mux.Router) {
	api.HandleFunc("/search", s.api(s.apiSearch)).Methods(http.MethodGet)
	pages.HandleFunc("/search", s.page(s.pageSearch)).Methods(http.MethodGet)
}

// adminRoutes: users, the audit log and indexing problems, which the
// services show to admins only.
func (s *Server) adminRoutes(api, pages *mux.Router) {
	api.HandleFunc("/users", s.api(s.apiUsers)).Methods(http.MethodGet)
	api.HandleFunc("/users", s.api(s.apiCreateUser)).Methods(http.MethodPost)
	api.HandleFunc("/users/{login}", s.api(s.apiUpdateUser)).Methods(http.MethodPatch)
	api.HandleFunc("/audit", s.api(s.apiAudit)).Methods(http.MethodGet)
	api.HandleFunc("/admin/indexing", s.api(s.apiIndexing)).Methods(http.MethodGet)
	api.HandleFunc("/admin/indexing/{kind:documents|attachments}/{id}/retry", s.api(s.apiRetryIndexing)).Methods(http.MethodPost)
	pages.HandleFunc("/users", s.page(s.pageUsers)).Methods(http.MethodGet)
	pages.HandleFunc("/users", s.form(s.pageCreateUser)).Methods(http.MethodPost)
	pages.HandleFunc("/users/{login}", s.form(s.pageUpdateUser)).Methods(http.MethodPost)
	pages.HandleFunc("/audit", s.page(s.pageAudit)).Methods(http.MethodGet)
	pages.HandleFunc("/admin/indexing", s.page(s.pageIndexing)).Methods(http.MethodGet)
	pages.HandleFunc("/admin/indexing/{kind:documents|attachments}/{id}/retry", s.form(s.pageRetryIndexing)).Methods(http.MethodPost)
}
