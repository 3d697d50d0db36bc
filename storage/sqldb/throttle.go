package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"policydesk/drafts/accounts"
)

// UpdateThrottle loads the keys' states, lets fn change them and writes
// them back in one write transaction; SQLite's single writer makes the
// read-modify-write atomic across processes sharing the file, and the
// dialect's key locks do where writers run side by side.
func (db *DB) UpdateThrottle(ctx context.Context, keys []string, fn func([]*accounts.ThrottleState) error) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockKeys(ctx, tx, sortedKeys(keys)); err != nil {
			return err
		}
		states, err := findThrottle(ctx, tx, keys)
		if err != nil {
			return err
		}
		if err := fn(states); err != nil {
			return err
		}
		for _, st := range states {
			if st.Failures <= 0 {
				if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = ?`, st.Key); err != nil {
					return err
				}
				continue
			}
			locked := ""
			if !st.LockedUntil.IsZero() {
				locked = formatTime(st.LockedUntil)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, last_failure, locked_until) VALUES (?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure, locked_until = excluded.locked_until`,
				st.Key, st.Failures, formatTime(st.LastFailure), locked)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// FindThrottle reads the keys' states outside any write transaction.
func (db *DB) FindThrottle(ctx context.Context, keys []string) ([]*accounts.ThrottleState, error) {
	return findThrottle(ctx, db.read, keys)
}

func findThrottle(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, keys []string) ([]*accounts.ThrottleState, error) {
	states := make([]*accounts.ThrottleState, len(keys))
	for i, key := range keys {
		st := &accounts.ThrottleState{Key: key}
		var last, locked string
		err := q.QueryRowContext(ctx, `SELECT failures, last_failure, locked_until FROM login_throttle WHERE key = ?`, key).
			Scan(&st.Failures, &last, &locked)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		st.LastFailure, st.LockedUntil = parseTime(last), parseOptionalTime(locked)
		states[i] = st
	}
	return states, nil
}

// ForgetThrottle deletes the states whose last failure is before cutoff and
// that are not locked at now.
func (db *DB) ForgetThrottle(ctx context.Context, cutoff, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM login_throttle WHERE last_failure < ? AND locked_until < ?`,
		formatTime(cutoff), formatTime(now))
	return err
}

func parseOptionalTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return parseTime(s)
}

func sortedKeys(keys []string) []string {
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	return slices.Compact(sorted)
}
