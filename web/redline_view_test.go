package web

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"policydesk/review/redline"
)

// partial executes one of the shared templates on its own.
func partial(tb testing.TB, name string, data any) string {
	tb.Helper()
	v, err := parseViews()
	if err != nil {
		tb.Fatal(err)
	}
	var sb strings.Builder
	if err := v.partials.ExecuteTemplate(&sb, name, data); err != nil {
		tb.Fatal(err)
	}
	return sb.String()
}

// handMade is a redline built by hand, so the expected HTML depends on the
// templates alone: an unchanged preamble, a changed article whose diff was
// cut short, a renumbered one and an added one, with text to escape.
func handMade() *redline.Redline {
	return &redline.Redline{Articles: []redline.Article{
		{Status: redline.StatusUnchanged, Heading: redline.PreambleHeading, Preamble: true,
			Ops: []redline.Op{{Op: redline.OpEqual, Text: "# Rregullore\n\n"}}},
		{Status: redline.StatusChanged, ID: "a1", FromNum: "1", ToNum: "1", Heading: "Neni 1", Changed: true, Bounded: true,
			Ops: []redline.Op{{Op: redline.OpEqual, Text: "## Neni 1\n\n"}, {Op: redline.OpDelete, Text: `a < b & "c"`},
				{Op: redline.OpInsert, Text: "<script>x</script>"}, {Op: redline.OpEqual, Text: " 'd'\n\n"}, {Op: redline.OpDelete, Text: "fund"}}},
		{Status: redline.StatusUnchanged, ID: "a3", FromNum: "3", ToNum: "2", Heading: "Neni 2", Renumbered: true,
			Ops: []redline.Op{{Op: redline.OpEqual, Text: "## Neni "}, {Op: redline.OpDelete, Text: "3"}, {Op: redline.OpInsert, Text: "2"},
				{Op: redline.OpEqual, Text: "\n\nTeksti.\n\n"}}},
		{Status: redline.StatusAdded, ID: "a9", ToNum: "3", Heading: "Neni 3",
			Ops: []redline.Op{{Op: redline.OpInsert, Text: "## Neni 3\n\nI ri.\n"}}},
	}}
}

func walkHTML(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkHTML(c, f)
	}
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var sb strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		sb.WriteString(textOf(c))
	}
	return sb.String()
}
