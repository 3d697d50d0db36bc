// Package review holds review rounds, comments anchored to the exact words of
// a version, editors' decisions on them, applying suggested wording, and the
// consultation report. It builds on the drafting service, which owns
// documents, versions and who may do what with them.
//
// One file per concern:
//
//   - review.go: the types (Round, Comment, Anchor, Reply) and the Store
//     the storage packages implement.
//   - service.go: the Service, its redline cache and Diff, and the loaders
//     every action starts with (a document the caller edits, a comment the
//     caller may read, a version or the head).
//   - rounds.go: opening, closing and listing rounds.
//   - comments.go: making a comment (its version, quote, article and
//     paragraph).
//   - anchors.go: listing comments with their anchors mapped into a later
//     version.
//   - replies.go, decisions.go (decide, resolve) and apply.go (a comment's
//     wording saved as a new version): what happens to a comment afterwards.
//   - validate.go: the limits and checks on what people type.
//   - report.go: the consultation report of a round and its CSV.
//   - word_import.go: a reviewer's .docx returned with tracked changes and
//     comments, imported into a round (word_items.go makes the comments,
//     word_anchor.go, word_match.go and word_blocks.go find Word's
//     paragraphs in the version's Markdown).
//
// The pure parts are packages of their own: review/redline computes the
// word-level, article-aware difference of two versions and review/anchor
// finds quoted words in a text and follows them through a redline.
package review
