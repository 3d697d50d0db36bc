// Package markdown renders draft Markdown to HTML that is safe to put in a
// page, within bounds of time and memory that hold for any text up to the
// body limit.
//
//   - Renderer (renderer.go) runs goldmark without raw HTML and keeps what
//     it rendered in a byte-bounded cache keyed by the body's SHA-256. It
//     returns template.HTML: its output is safe by construction, asserted
//     once where goldmark's output is taken.
//   - urlGuard (transform.go) turns links and images with a scheme other
//     than http, https or mailto back into their text.
//   - articleAnchors (transform.go) gives article headings the ids
//     outline.ArticleAnchor names, so an outline links into the page.
//   - keepBlanks and keepBlankLines (blanks.go) leave legal blanks as
//     written: "__.__.2026" and "________" are text, never emphasis or a
//     rule.
//   - the guard (guard.go, guarded.go) wraps every goldmark parser and
//     counts its work against Limits, refusing or defusing the inputs on
//     which goldmark is superlinear.
//   - RenderMarked (marked.go, marked_lines.go, marked_html.go) renders
//     Markdown with byte ranges marked as inserted, deleted or commented
//     on, for the redline: the ranges travel through the same guarded
//     parser as sentinel characters and become <ins>, <del> and <mark>
//     around the text runs of the output.
package markdown
