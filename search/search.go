// Package search declares the full-text index the service writes to and
// queries, and the text rules every engine shares: folding of Albanian and
// Serbian text (diacritics, Cyrillic → Latin, đ → dj/d), the typo allowance
// and HTML snippets built from the original text. Engines live in the
// subpackages bleve (embedded, the default) and meili (Meilisearch).
//
// Keeping an index up to date: Meilisearch's one index is fed by the
// Indexer from the database's outbox, each document claimed by one replica
// at a time (claims.go); an embedded index is each replica's own, kept by
// a Follower (follow.go) that follows the database's change log from a
// cursor stored inside the index, building it from the database when it
// starts empty.
package search

import (
	"context"
	"html/template"
)

// Entry types.
const (
	TypeDocument   = "document"
	TypeComment    = "comment"
	TypeAttachment = "attachment"
)

// Facet names in Result.Facets.
const (
	FacetKind     = "kind"
	FacetStatus   = "status"
	FacetLanguage = "language"
	FacetYear     = "year"
)

// Facets lists the facet names in the order pages show them.
var Facets = []string{FacetKind, FacetStatus, FacetLanguage, FacetYear}

// Query limits.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	// SnippetRunes is the length of the snippets engines put on hits.
	SnippetRunes = 240
)

// Entry is one indexed item: a document's title and metadata, one of its
// articles, a comment or an attachment's extracted text.
type Entry struct {
	// ID is "doc:12:a5" (article a5 of document 12), "doc:12:_" (title,
	// metadata and preamble), "comment:7" or "att:3".
	ID         string
	Type       string // TypeDocument, TypeComment or TypeAttachment
	DocumentID int64
	Title      string // the document's title
	Kind       string
	Status     string
	Language   string
	Visibility string // "internal" or "restricted"
	Year       int    // year of the document's last change

	// Article entries carry the article so that a hit links to it.
	ArticleID, ArticleNum, Heading string

	CommentID, AttachmentID int64

	Text string // original text: Markdown, comment or extracted attachment text

	// Readers are the document's members: they read the entry whatever its
	// visibility. Owner is the user who created the document, who reads it
	// only while their role says so (Query.Owner): a role change then needs
	// no reindex.
	Readers []int64
	Owner   int64
}

// Query is a search. Q may be empty: every readable entry matches.
type Query struct {
	Q                      string
	Kind, Status, Language string
	Year                   int
	Limit, Offset          int
	// Document, when set, keeps only the entries of that document.
	Document int64

	// Access, filled by the caller from the user's policydesk.ReadScope: All
	// (admin) sees every entry; Internal (editor, staff) sees every internal
	// entry; Owner (editor) sees the entries whose Owner is UserID; everyone
	// sees the entries whose Readers contain UserID.
	All, Internal, Owner bool
	UserID               int64

	// Group asks for one hit per document (its best entry) with More set,
	// Total counting documents.
	Group bool
	// Synonyms, set by the Service, expands the query's words; an engine
	// with its own synonyms setting (SynonymSetter) ignores it.
	Synonyms *Synonyms
}

// Hit is one result. Snippet is HTML: matches in <mark>, the rest escaped.
type Hit struct {
	ID, Type                       string
	DocumentID                     int64
	Title, Kind, Status, Language  string
	Year                           int
	ArticleID, ArticleNum, Heading string
	CommentID, AttachmentID        int64
	Snippet                        string
	// More counts the document's other matching entries, when grouped.
	More int
}

// SnippetHTML is the snippet typed as the safe HTML it is, for templates:
// every engine builds it with this package's snippet functions (Snippet,
// BestSnippet, BestSnippetMatching), which escape all of the text and add
// only <mark> elements.
func (h Hit) SnippetHTML() template.HTML { return template.HTML(h.Snippet) }

// Result is a page of hits. Total and Facets count only what the caller may
// read; Facets maps a facet name ("kind", "status", "language", "year") to
// value → count, years as decimal strings ("2026").
type Result struct {
	Total  int
	Hits   []Hit
	Facets map[string]map[string]int
	// Relaxed is set when no entry has all the words and the hits are
	// those of a shorter query (see Service.Search).
	Relaxed *Relaxed
}

// Relaxed tells which words were left out of a query that matched nothing.
type Relaxed struct {
	Dropped []string `json:"dropped"`
	Query   string   `json:"query"`
}

// Index is a full-text index. Every method returns EUNAVAILABLE
// (policydesk.EUnavailable) when the engine cannot be reached.
type Index interface {
	// Upsert adds the entries or replaces those with the same ID.
	Upsert(ctx context.Context, entries []Entry) error
	// Delete removes entries by ID; unknown IDs are ignored.
	Delete(ctx context.Context, ids []string) error
	// DeleteDocument removes every entry of the document: its title entry,
	// articles, comments and attachments.
	DeleteDocument(ctx context.Context, documentID int64) error
	// Search returns only entries the query's access fields allow.
	Search(ctx context.Context, q Query) (*Result, error)
	// Ping reports whether the engine answers.
	Ping(ctx context.Context) error
	Close() error
}

// Page returns limit and offset clamped to the allowed range.
func (q Query) Page() (limit, offset int) {
	limit, offset = q.Limit, q.Offset
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	if offset < 0 {
		offset = 0
	}
	return limit, offset
}

// Typos is the number of typos a query term of termRunes letters tolerates:
// none below 5, one for 5 to 8, two from 9.
func Typos(termRunes int) int {
	switch {
	case termRunes >= 9:
		return 2
	case termRunes >= 5:
		return 1
	}
	return 0
}
