package redline_test

import (
	"strings"
	"testing"

	"policydesk/review/redline"
)

func FuzzRedlineReconstruct(f *testing.F) {
	f.Add("", "")
	f.Add("one two", "one three two")
	f.Add(doc(t1, t2, t3), doc(t1, t3, tn, t2))
	f.Add(doc(t1, t2, t3, t4, t5), doc(t5, t4, t3, t2, t1))
	f.Add("## Neni 1\nx\n## Neni 1\nx\n", "## Neni 2\nx\n## Neni 1\ny\n")
	f.Add("Neni 5\n\nfe\u0308mije\u0308ve s'ka", "Neni 6\n\nfëmijëve s’ka\r\n")
	f.Add("**Neni 1**\n\n```\n## Neni 2\n```\n", "\xff\xfe## Neni 3\n\u0308")
	f.Add("# T\n\n## Члан 1\n\nзаштите деце\n", "# T\n\n## Član 1\n\nzaštite dece\n")
	f.Add("## Neni 1\nx\n\nKAPITULLI II\n\n## Neni 2\ny\n", "## Neni 1\nx\n## KAPITULLI III – T\n\n**Neni 2**\ny\n\nSection 2\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, pair := range [][2]string{{a, b}, {structured(a), structured(b)}} {
			r := redline.Compute(pair[0], pair[1], nil, nil)
			checkReconstruct(t, r, pair[0], pair[1])
			ao, bo := outlines(pair[0], pair[1])
			r = redline.Compute(pair[0], pair[1], ao, bo)
			checkReconstruct(t, r, pair[0], pair[1])
		}
	})
}

// structured turns arbitrary text into articles: every "|" starts a new
// "## Neni N" heading, numbered by position so reordering renumbers.
func structured(s string) string {
	var b strings.Builder
	for i, part := range strings.Split(s, "|") {
		if i > 0 {
			b.WriteString("\n## Neni ")
			b.WriteString(strings.Repeat("1", i%3+1))
			b.WriteString("\n\n")
		}
		b.WriteString(part)
	}
	return b.String()
}
