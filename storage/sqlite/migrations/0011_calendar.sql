-- The working-days calendar's admin entries (package calendar): a one-off
-- day off the government declared ('day_off', with its name) or a built-in
-- holiday cancelled for its year ('cancel', e.g. an Eid announced a day
-- later than predicted). At most one entry per date; day is YYYY-MM-DD.
CREATE TABLE calendar_days (
	day        TEXT PRIMARY KEY CHECK (length(day) = 10),
	kind       TEXT NOT NULL CHECK (kind IN ('day_off', 'cancel')),
	name       TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	CHECK (kind = 'cancel' OR name <> '')
);
