package policydesk_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDependencyDirection holds the layout DESIGN.md states: the domain
// packages (drafts and review, with the packages beside them) import no
// storage, web, notification or command package and no storage, search or
// mail client library; drafts' packages do not import review's (web →
// review → drafts → root); and only cmd reads the environment.
func TestDependencyDirection(t *testing.T) {
	const module = "policydesk/"
	forbidden := map[string][]string{
		"drafts": {module + "storage", module + "web", module + "cmd", module + "notify", module + "search", module + "review"},
		"review": {module + "storage", module + "web", module + "cmd", module + "notify", module + "search"},
	}
	clients := []string{"github.com/jackc/pgx", "modernc.org/sqlite", "github.com/minio/", "github.com/meilisearch/",
		"github.com/wneessen/go-mail", "github.com/blevesearch/", "github.com/gorilla/"}
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(filepath.ToSlash(path), "test/") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		top := strings.SplitN(filepath.ToSlash(path), "/", 2)[0]
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden[top] {
				if p == bad || strings.HasPrefix(p, bad+"/") {
					t.Errorf("%s imports %s", path, p)
				}
			}
			if forbidden[top] != nil {
				for _, c := range clients {
					if strings.HasPrefix(p, c) {
						t.Errorf("%s, a domain package, imports the client library %s", path, p)
					}
				}
			}
		}
		checked++
		if top == "cmd" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, call := range []string{"os.Getenv(", "os.LookupEnv(", "os.Environ("} {
			if strings.Contains(string(src), call) {
				t.Errorf("%s reads the environment (%s); only cmd may", path, call)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("checked only %d files", checked)
	}
}
