package sqldb

import (
	"context"
	"database/sql"
	"time"

	"policydesk"
	"policydesk/calendar"
)

var _ calendar.Store = (*DB)(nil)

// CalendarChanges lists the calendar's admin entries dated from to to.
func (db *DB) CalendarChanges(ctx context.Context, from, to time.Time) ([]calendar.Change, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT day, kind, name, created_by, created_at FROM calendar_days
		WHERE day >= ? AND day <= ? ORDER BY day`, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, translate(err, "calendar")
	}
	defer rows.Close()
	var out []calendar.Change
	for rows.Next() {
		var c calendar.Change
		var day, at string
		if err := rows.Scan(&day, &c.Kind, &c.Name, &c.By, &at); err != nil {
			return nil, err
		}
		if c.Date, err = time.Parse(time.DateOnly, day); err != nil {
			return nil, err
		}
		c.At = parseTime(at)
		out = append(out, c)
	}
	return out, translate(rows.Err(), "calendar")
}

// PutCalendarChange writes c over its date's entry, with its audit entry.
func (db *DB) PutCalendarChange(ctx context.Context, c calendar.Change, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name,
				created_by = excluded.created_by, created_at = excluded.created_at`,
			c.Date.Format(time.DateOnly), c.Kind, c.Name, c.By, formatTime(c.At))
		if err != nil {
			return translate(err, "calendar day")
		}
		return appendAudit(ctx, tx, audit)
	})
}

// DeleteCalendarChange removes the entry of kind on date, with its audit
// entry; ENotFound when there is none.
func (db *DB) DeleteCalendarChange(ctx context.Context, date time.Time, kind string, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE day = ? AND kind = ?`, date.Format(time.DateOnly), kind)
		if err != nil {
			return translate(err, "calendar day")
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return policydesk.Errorf(policydesk.ENotFound, "There is no holiday or day off on %s.", date.Format("02.01.2006"))
		}
		return appendAudit(ctx, tx, audit)
	})
}
