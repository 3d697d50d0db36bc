package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"policydesk/drafts"
)

// CheckVersions reads every version and compares its body's SHA-256 with
// the one stored when it was saved; nil means all match.
func CheckVersions(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT document_id, number, body, sha256 FROM versions ORDER BY document_id, number`)
	if err != nil {
		return fmt.Errorf("reading the versions: %w", err)
	}
	defer rows.Close()
	bad, first := 0, ""
	for rows.Next() {
		var docID int64
		var number int
		var body, sum string
		if err := rows.Scan(&docID, &number, &body, &sum); err != nil {
			return err
		}
		if drafts.SHA256Hex(body) != sum {
			if bad == 0 {
				first = fmt.Sprintf("version %d of document %d", number, docID)
			}
			bad++
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d versions do not match their SHA-256, the first %s", bad, first)
	}
	return nil
}
