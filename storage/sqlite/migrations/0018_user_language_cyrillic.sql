-- Serbian in Cyrillic script (sr-Cyrl) becomes a fourth interface
-- language a user may choose. SQLite cannot change a CHECK, but the column
-- (which no index, view or trigger names) can be dropped and added again
-- with the wider one: the choices are kept aside and put back, all in the
-- migration's one transaction, without rebuilding the users table that
-- other tables refer to.
CREATE TABLE user_language_0018 (user_id INTEGER PRIMARY KEY, language TEXT NOT NULL);
INSERT INTO user_language_0018 (user_id, language) SELECT id, language FROM users WHERE language <> '';
ALTER TABLE users DROP COLUMN language;
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '' CHECK (language IN ('', 'sq', 'sr', 'sr-Cyrl', 'en'));
UPDATE users SET language = (SELECT k.language FROM user_language_0018 k WHERE k.user_id = users.id)
	WHERE id IN (SELECT user_id FROM user_language_0018);
DROP TABLE user_language_0018;
