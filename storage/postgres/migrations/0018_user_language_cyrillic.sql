-- Serbian in Cyrillic script (sr-Cyrl) becomes a fourth interface
-- language a user may choose; the rows keep their languages.
ALTER TABLE users DROP CONSTRAINT users_language_check;
ALTER TABLE users ADD CONSTRAINT users_language_check CHECK (language IN ('', 'sq', 'sr', 'sr-Cyrl', 'en'));
