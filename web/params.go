package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"policydesk"
)

// pathID reads a positive integer route variable.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(mux.Vars(r)[name], 10, 64)
	if err != nil || id < 1 {
		return 0, policydesk.Errorf(policydesk.ENotFound, "There is nothing at this address.")
	}
	return id, nil
}

// numbered reads the document's {id} and the number of its version or
// round that the route's {name} holds.
func numbered(r *http.Request, name string) (int64, int, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	n, err := pathID(r, name)
	return id, int(n), err
}

// queryInt reads an optional positive integer query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, policydesk.Errorf(policydesk.EInvalid, "The parameter %q must be a positive whole number.", name)
	}
	return n, nil
}

// pageNumber reads ?page=, 1 when absent or not a positive number.
func pageNumber(r *http.Request) int {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return max(page, 1)
}

// diffRange reads from/to, defaulting to the head against the version before it.
func (s *Server) diffRange(r *http.Request, id int64) (from, to int, err error) {
	if from, err = queryInt(r, "from"); err != nil {
		return
	}
	if to, err = queryInt(r, "to"); err != nil {
		return
	}
	if from == 0 || to == 0 {
		doc, _, derr := s.Drafts.Document(r.Context(), id)
		if derr != nil {
			return 0, 0, derr
		}
		if to == 0 {
			to = doc.Head
		}
		if from == 0 {
			from = max(to-1, 1)
		}
	}
	return from, to, nil
}

// backTo is the page the form came from (its "return" field), if that is on
// this site, else fallback; with #fragment when given.
func backTo(r *http.Request, fallback, fragment string) string {
	to := r.PostFormValue("return")
	if to == "" || !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "/\\") || strings.HasPrefix(to, "//") {
		to = fallback
	}
	if fragment != "" {
		to += "#" + fragment
	}
	return to
}

func docURL(id int64) string { return "/documents/" + strconv.FormatInt(id, 10) }
