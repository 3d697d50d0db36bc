package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gorilla/mux"
)

//go:embed static
var staticFS embed.FS

// staticURLs maps each embedded asset's name to its checksummed URL.
func staticURLs() (map[string]string, error) {
	urls := map[string]string{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		name := strings.TrimPrefix(p, "static/")
		urls[name] = "/static/" + hex.EncodeToString(sum[:6]) + "/" + name
		return nil
	})
	return urls, err
}

// registerStatic serves embedded assets under checksummed URLs, cached for a
// year since a changed file gets a new URL.
func (s *Server) registerStatic(r *mux.Router) {
	r.PathPrefix("/static/").Methods(http.MethodGet).HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rest := strings.TrimPrefix(req.URL.Path, "/static/")
		_, name, ok := strings.Cut(rest, "/")
		if !ok || s.views.static[name] != req.URL.Path {
			s.handleNotFound(w, req)
			return
		}
		data, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			s.handleNotFound(w, req)
			return
		}
		switch path.Ext(name) {
		case ".css":
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
		case ".js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(data)
	})
}
