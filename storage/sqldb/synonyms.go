package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"

	"policydesk"
	"policydesk/search"
)

var _ search.SynonymStore = (*DB)(nil)

// SynonymGroups lists the stored synonym groups by ID.
func (db *DB) SynonymGroups(ctx context.Context) ([]search.SynonymGroup, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, terms, removed, updated_by, updated_at FROM search_synonyms ORDER BY id`)
	if err != nil {
		return nil, translate(err, "synonym group")
	}
	defer rows.Close()
	var out []search.SynonymGroup
	for rows.Next() {
		var g search.SynonymGroup
		var terms, at string
		if err := rows.Scan(&g.ID, &terms, &g.Removed, &g.By, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(terms), &g.Terms); err != nil {
			return nil, err
		}
		g.At = parseTime(at)
		out = append(out, g)
	}
	return out, translate(rows.Err(), "synonym group")
}

// PutSynonymGroup writes g over the stored group of its ID, with its audit
// entry.
func (db *DB) PutSynonymGroup(ctx context.Context, g search.SynonymGroup, audit *policydesk.AuditEntry) error {
	terms := g.Terms
	if terms == nil || g.Removed {
		terms = []string{}
	}
	b, err := json.Marshal(terms)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO search_synonyms (id, terms, removed, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET terms = excluded.terms, removed = excluded.removed,
				updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			g.ID, string(b), flag(g.Removed), g.By, formatTime(g.At))
		if err != nil {
			return translate(err, "synonym group")
		}
		return appendAudit(ctx, tx, audit)
	})
}

// DeleteSynonymGroup removes the stored group id with its audit entry;
// ENotFound when there is none.
func (db *DB) DeleteSynonymGroup(ctx context.Context, id string, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM search_synonyms WHERE id = ?`, id)
		if err != nil {
			return translate(err, "synonym group")
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return policydesk.Errorf(policydesk.ENotFound, "There is no synonym group %q.", id)
		}
		return appendAudit(ctx, tx, audit)
	})
}
