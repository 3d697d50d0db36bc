-- Login throttling: one row per key ("account:<login>" for any login tried,
-- existing or not, and "address:<ip or /64>"), shared by every replica.
CREATE TABLE login_throttle (
	key          TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL CHECK (failures > 0),
	last_failure TEXT NOT NULL,
	locked_until TEXT NOT NULL DEFAULT ''
);
CREATE INDEX login_throttle_last_failure ON login_throttle (last_failure);
