package smtpmail

import (
	"github.com/microcosm-cc/bluemonday"
)

// mailHTML keeps what a notification's HTML part needs (text, headings,
// lists, tables, links, a few inline styles) and drops everything that
// could load from elsewhere or tell anyone the mail was read: images,
// style sheets, background URLs, scripts, forms, frames.
var mailHTML = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "div", "span", "strong", "b", "em", "i", "u", "small", "h1", "h2", "h3", "h4",
		"ul", "ol", "li", "blockquote", "pre", "code", "hr", "table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("https", "http", "mailto")
	p.RequireParseableURLs(true)
	p.AllowAttrs("lang", "dir").Globally()
	p.AllowStyles("color", "font-weight", "font-style", "font-size", "font-family", "text-align", "text-decoration",
		"margin", "padding", "border", "border-collapse", "line-height").Globally()
	return p
}()

// cleanHTML returns html as a complete UTF-8 document holding only what
// mailHTML allows.
func cleanHTML(html string) string {
	return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n" + mailHTML.Sanitize(html) + "\n</body></html>\n"
}
