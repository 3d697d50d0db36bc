-- The audit log page filters by user, by action and by days, newest first:
-- each filter finds its entries through an index instead of reading the
-- whole log, which only grows.
CREATE INDEX audit_actor ON audit_log (actor, id);
CREATE INDEX audit_action ON audit_log (action, id);
CREATE INDEX audit_at ON audit_log (at);
