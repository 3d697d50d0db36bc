-- The interface language each user chose (sq, sr, en); '' when they chose
-- none and their browser's Accept-Language decides.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '' CHECK (language IN ('', 'sq', 'sr', 'en'));
