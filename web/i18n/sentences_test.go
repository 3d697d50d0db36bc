package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// codeSentences are the English formats the code writes for people: the
// formats of policydesk.Errorf, the messages of policydesk.Unavailable and
// the formats of a Translator's Sentence, in every non-test Go file of the
// module outside cmd, with where each is written. A format that is not a constant
// string is reported, since no catalog could hold it.
func codeSentences(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join("..", "..")
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		rootPackage := f.Name.Name == "policydesk"
		// The command line (cmd) speaks English, as the issue allows; what
		// it writes into the audit log is read on the audit page.
		inCmd := strings.HasPrefix(filepath.ToSlash(p), "../../cmd/")
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			i := formatArg(call, rootPackage)
			if i < 0 || i >= len(call.Args) || inCmd && !isDescribe(call) {
				return true
			}
			where := fset.Position(call.Pos()).String()
			if s, ok := constantString(call.Args[i]); ok {
				if hasWords(s) {
					out[s] = where
				}
			} else if id, ok := call.Args[i].(*ast.Ident); ok && id.Name == "format" {
				// A wrapper passing its own format on: its callers are scanned.
			} else if !(rootPackage && (strings.HasSuffix(p, "error.go") || strings.HasSuffix(p, "translator.go") || strings.HasSuffix(p, "audit.go"))) {
				t.Errorf("%s: the sentence is not a constant string, so no catalog can translate it", where)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// formatArg is the index of call's sentence argument when call writes a
// sentence for people, -1 otherwise.
func formatArg(call *ast.CallExpr, rootPackage bool) int {
	switch fn := call.Fun.(type) {
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok && x.Name == "policydesk" {
			switch fn.Sel.Name {
			case "Errorf":
				return 1
			case "Unavailable", "Say":
				return 0
			}
		}
		switch fn.Sel.Name {
		case "Sentence":
			return 1
		case "Describe": // an audit entry's detail
			return 0
		case "NewAuditEntry":
			return 5
		case "AuditEntry", "audit": // the services' audit entries
			return 4
		case "updateComment", "endSession":
			return 3
		}
	case *ast.Ident:
		if rootPackage && fn.Name == "Errorf" {
			return 1
		}
		if rootPackage && fn.Name == "Say" {
			return 0
		}
	}
	return -1
}

// isDescribe tells whether call sets an audit entry's detail.
func isDescribe(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Describe"
}

// hasWords tells whether format says anything besides its values ("%s"
// needs no translation).
func hasWords(format string) bool {
	return strings.IndexFunc(verb.ReplaceAllString(format, ""), unicode.IsLetter) >= 0
}

// constantString is the value of a string literal or a sum of them.
func constantString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := constantString(e.X)
		b, ok2 := constantString(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return constantString(e.X)
	}
	return "", false
}

// verb is one formatting verb with its flags, or an explicit argument index.
var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// verbs lists which argument each verb of format prints, and how, in the
// order of the arguments: "1:d", "2:s". Go's rule holds: a verb without an
// index takes the argument after the previous one.
func verbs(format string) []string {
	var out []string
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(m[1])
		}
		out = append(out, strconv.Itoa(next)+":"+m[2])
		next++
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestSentencesTranslated: every sentence the code writes for people is in
// the sq and sr catalogs, each translation prints the same values the
// same way, and a catalog holds no sentence the code no longer writes.
func TestSentencesTranslated(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	code := codeSentences(t)
	if len(code) < 100 {
		t.Fatalf("found only %d sentences in the code; the scan is broken", len(code))
	}
	if os.Getenv("DUMP_SENTENCES") != "" {
		for s, where := range code {
			t.Logf("%s\t%q", where, s)
		}
	}
	for _, lang := range Languages {
		if lang == "en" {
			continue
		}
		for format, where := range code {
			forms := c.SentenceForms(lang, format)
			if forms == nil {
				t.Errorf("%s: the %s catalog lacks %q", where, lang, format)
				continue
			}
			for form, text := range forms {
				if got, want := verbs(text), verbs(format); !slices.Equal(got, want) {
					t.Errorf("%s catalog, %q (%s): prints %v where the English prints %v", lang, format, form, got, want)
				}
			}
		}
		for _, format := range c.Sentences(lang) {
			if _, ok := code[format]; !ok {
				t.Errorf("the %s catalog has %q, which the code no longer writes", lang, format)
			}
		}
	}
}
