package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"policydesk"
	"policydesk/drafts"
	"policydesk/review"
	"policydesk/web/i18n"
)

var (
	// quotedKey is a string literal shaped like a catalog key.
	quotedKey = regexp.MustCompile(`"([a-z_]+(?:\.[a-z0-9_]+)+)"`)
	// templateKey is a key a template says with t.
	templateKey = regexp.MustCompile(`\bt "([^"]+)"`)
	// goKey is a key a handler says with tr.
	goKey = regexp.MustCompile(`\.tr\(r, "([^"]+)"`)
)

// dynamicKeys are the keys the code builds from a value (label "kind" .Kind,
// the language menu): one per value of each fixed set.
func dynamicKeys() []string {
	var keys []string
	add := func(prefix string, values []string) {
		for _, v := range values {
			keys = append(keys, prefix+"."+v)
		}
	}
	add("kind", drafts.Kinds)
	add("status", drafts.Statuses)
	add("language", drafts.Languages)
	add("visibility", drafts.Visibilities)
	add("member_role", drafts.MemberRoles)
	add("role", policydesk.Roles)
	add("round_status", []string{"open", "closed"})
	add("decision", append(review.Decisions, "undecided"))
	add("language_menu", i18n.Languages)
	add("audit.action", auditActionIDs)
	add("audit.object_type", auditObjectTypes)
	return keys
}

// sources are the templates and the non-test Go files of web.
func sources(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(path)
		out[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// The catalog package says some keys itself (file sizes).
	own, err := filepath.Glob("i18n/*.go")
	if err != nil {
		t.Fatal(err)
	}
	names = append(names, own...)
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	return out
}

// TestCatalogKeysUsedAndPresent: every key a template or handler says is in
// the catalogs (the i18n package's test checks that each language has every
// key), and every catalog key is said somewhere, so a catalog carries no
// sentence that nothing shows.
func TestCatalogKeysUsedAndPresent(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	inCatalog := map[string]bool{}
	for _, k := range cat.Keys("en") {
		inCatalog[k] = true
	}
	used := map[string]bool{}
	need := func(where, key string) {
		used[key] = true
		if !inCatalog[key] {
			t.Errorf("%s says %q, which the catalogs lack", where, key)
		}
	}
	for _, k := range dynamicKeys() {
		need("a label", k)
	}
	for _, m := range []map[string]string{notices, versionNotices} {
		for _, k := range m {
			need("web's tables", k)
		}
	}
	for _, k := range statusTitles {
		need("statusTitles", k)
	}
	for name, text := range sources(t) {
		for _, re := range []*regexp.Regexp{templateKey, goKey} {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				need(name, m[1])
			}
		}
		for _, m := range quotedKey.FindAllStringSubmatch(text, -1) {
			if inCatalog[m[1]] {
				used[m[1]] = true
			}
		}
	}
	for k := range inCatalog {
		if !used[k] {
			t.Errorf("the catalogs have %q, which no template or code says", k)
		}
	}
}
