package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"policydesk/web/i18n"
)

var (
	// actionLiteral is a string literal shaped like an audit action
	// identifier ("version.create", "password.change.failed").
	actionLiteral = regexp.MustCompile(`"([a-z]+\.[a-z]+(?:\.[a-z]+)?)"`)
	// commentActionLiteral is review's "comment."+action: the literal actions
	// given to updateComment and chosen for it in Resolve.
	commentActionLiteral = regexp.MustCompile(`updateComment\(ctx, c, "([a-z]+)"|action\s*:?=\s*"[a-z]+",\s*"([a-z]+)"`)
	// notAction are literals of that shape that are no action: file names
	// and SQL column aliases.
	notAction = regexp.MustCompile(`\.(db|json|log|mod|toml|csv)$|^[a-z]\.`)
)

// writtenActions are the audit actions the code outside web can write:
// the action-shaped literals of the non-test Go files on lines that build
// an audit entry (AuditEntry, Action:, audit(, openSession, endSession, failed, setRoundStatus,
// a local action variable), and review's comment actions.
func writtenActions(t *testing.T) []string {
	t.Helper()
	auditLine := regexp.MustCompile(`AuditEntry|Action:|audit\(|openSession\(|setRoundStatus\(|action(, detail)? :?= |\.failed\(ctx, |endSession\(`)
	found := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "web" || strings.HasSuffix(d.Name(), "test")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if auditLine.MatchString(line) {
				for _, m := range actionLiteral.FindAllStringSubmatch(line, -1) {
					if !notAction.MatchString(m[1]) {
						found[m[1]] = true
					}
				}
			}
			for _, m := range commentActionLiteral.FindAllStringSubmatch(line, -1) {
				if strings.Contains(path, "review") {
					found["comment."+m[1]+m[2]] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(found))
	for a := range found {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// TestAuditActionsHavePhrases: every action identifier the code can write
// is one the log knows (so it can be filtered on), and every known one has
// its words in each language's catalog, distinct within the language, so
// neither the page nor the CSV export falls back to the identifier.
func TestAuditActionsHavePhrases(t *testing.T) {
	written := writtenActions(t)
	// The scan must see the writers it is meant to see, or it proves nothing.
	for _, a := range []string{"version.create", "login.failed", "password.change.failed", "comment.apply", "comment.resolve",
		"comment.reopen", "round.close", "database.restore", "indexing.retry", "session.replace", "session.delete"} {
		if !slices.Contains(written, a) {
			t.Errorf("the scan of the code did not find the action %q; it found %q", a, written)
		}
	}
	for _, a := range written {
		if !knownAuditAction(a) {
			t.Errorf("the code writes the audit action %q, which auditActionIDs lacks", a)
		}
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		l := cat.For(lang)
		seen := map[string]string{}
		for _, a := range auditActionIDs {
			phrase := actionPhrase(l, a)
			if phrase == a || strings.TrimSpace(phrase) == "" {
				t.Errorf("%s: the action %q has no words in the catalog", lang, a)
			}
			if other, dup := seen[phrase]; dup {
				t.Errorf("%s: the actions %q and %q are both %q", lang, other, a, phrase)
			}
			seen[phrase] = a
		}
		if choices := auditActionChoices(l); len(choices) != len(auditActionIDs) {
			t.Errorf("%s: %d filter choices for %d actions", lang, len(choices), len(auditActionIDs))
		}
	}
}
