package web

import (
	"net/http"
)

// jsonFunc is a JSON endpoint: it returns the status and the value to send,
// or an error, which is answered as the API's error object.
type jsonFunc func(r *http.Request) (status int, body any, err error)

// writeBody is a body that is not JSON (the redline's HTML, a CSV report):
// it writes its own headers and bytes.
type writeBody func(w http.ResponseWriter)

// api adapts a jsonFunc to an http.HandlerFunc. A nil body sends the status
// alone (204).
func (s *Server) api(f jsonFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := f(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		switch b := body.(type) {
		case nil:
			w.WriteHeader(status)
		case writeBody:
			b(w)
		default:
			writeJSON(w, status, body)
		}
	}
}

// onID is a JSON endpoint on the object the route's {name} names.
func onID(name string, f func(r *http.Request, id int64) (int, any, error)) jsonFunc {
	return func(r *http.Request) (int, any, error) {
		id, err := pathID(r, name)
		if err != nil {
			return 0, nil, err
		}
		return f(r, id)
	}
}

// onNumber is a JSON endpoint on a version or round of a document: the
// route's {id} and {name}.
func onNumber(name string, f func(r *http.Request, id int64, n int) (int, any, error)) jsonFunc {
	return func(r *http.Request) (int, any, error) {
		id, n, err := numbered(r, name)
		if err != nil {
			return 0, nil, err
		}
		return f(r, id, n)
	}
}

// withJSON is onID for an endpoint that takes a JSON object: the body is
// decoded into a new In (strictly, see decodeJSON) before the route's
// {name} is read.
func withJSON[In any](name string, f func(r *http.Request, id int64, in *In) (int, any, error)) jsonFunc {
	return func(r *http.Request) (int, any, error) {
		in := new(In)
		if err := decodeJSON(r, in); err != nil {
			return 0, nil, err
		}
		id, err := pathID(r, name)
		if err != nil {
			return 0, nil, err
		}
		return f(r, id, in)
	}
}
