// Package markdown renders draft Markdown to HTML that is safe to put in a
// page, within bounds of time and memory that hold for any text up to the
// body limit.
//
//   - Renderer (renderer.go) runs goldmark without raw HTML and keeps what
//     it rendered in a byte-bounded cache keyed by the body's SHA-256; it
//     returns template.HTML, the one place the service asserts that a
//     string is safe HTML.
//   - urlGuard (urlguard.go) turns links and images with a scheme other
//     than http, https or mailto back into their text.
//   - articleAnchors (anchors.go) gives article headings the ids
//     outline.ArticleAnchor names, so an outline links into the page.
//   - the guard (guard.go, guarded.go) wraps every goldmark parser and
//     counts its work against Limits, refusing or defusing the inputs on
//     which goldmark is superlinear.
package markdown
