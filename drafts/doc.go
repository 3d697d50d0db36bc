// Package drafts is the drafting domain: documents, their immutable
// versions and the people a document is shared with. Every method of
// Service reads the acting user from the context and asks the root
// package's Policy before it reads or writes; it imports no storage, web or
// client library, only the interfaces it needs (DocumentStore, UserFinder).
//
// Files: document.go holds the types and the store interface; service.go
// creating, listing, reading and saving documents and versions (a stale save
// returns a ConflictError, conflict.go, with a three-way merge proposal);
// editing.go the editor's starting point; members.go sharing; audit.go the
// audit log's reads and entries.
//
// The text algorithms live in packages of their own below this one, pure
// and each fuzzed: outline (articles and their identity across versions),
// markdown (the bounded renderer), merge3 (the three-way merge), textdiff
// (the bounded Myers diff) and textkit (newlines, word runes, field
// checks); cache is the byte-bounded LRU they share. accounts (users,
// passwords, sessions) and attachments (files kept with documents) are
// services of their own beside Service.
package drafts
