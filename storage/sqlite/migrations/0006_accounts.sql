-- Login throttling: one row per key ("account:<login>" for any login tried,
-- existing or not, and "address:<ip or /64>"), shared by every replica.
CREATE TABLE login_throttle (
	key          TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL CHECK (failures > 0),
	last_failure TEXT NOT NULL,
	locked_until TEXT NOT NULL DEFAULT ''
);
CREATE INDEX login_throttle_last_failure ON login_throttle (last_failure);

-- A new password or role, or a disabled account, ends every session of the
-- user in the same transaction, whatever code path changed the row: a
-- reset locks out whoever knew the old password, and a demoted user's open
-- sessions do not keep the old role's pages.
CREATE TRIGGER users_end_sessions AFTER UPDATE OF role, password_hash, disabled ON users
WHEN OLD.role IS NOT NEW.role OR OLD.password_hash IS NOT NEW.password_hash OR (NEW.disabled AND NOT OLD.disabled)
BEGIN DELETE FROM sessions WHERE user_id = NEW.id; END;
