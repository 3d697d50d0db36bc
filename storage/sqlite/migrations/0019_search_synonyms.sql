-- Search synonym groups admins changed (package search): an admin's own
-- group, a built-in group they edited (same id), or a built-in group they
-- removed (removed = 1, no terms). terms is a JSON array of strings.
CREATE TABLE search_synonyms (
	id         TEXT PRIMARY KEY CHECK (id <> '' AND length(id) <= 40),
	terms      TEXT NOT NULL DEFAULT '[]',
	removed    INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL,
	CHECK (removed = 1 OR terms <> '[]')
);
