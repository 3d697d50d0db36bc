package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"policydesk/storage/postgres"
	"policydesk/storage/sqldb"
	"policydesk/storage/sqlite"
)

// openDatabase opens PostgreSQL when a database URL is set, saying so in
// the log without the URL's password, else the SQLite file in the data
// directory.
func openDatabase(ctx context.Context, c *Config, logger *slog.Logger) (*sqldb.DB, error) {
	if c.DatabaseURL == "" {
		return sqlite.Open(ctx, filepath.Join(c.Data, databaseName))
	}
	if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return nil, fmt.Errorf("POLICYDESK_DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database), not %s",
			postgres.Redact(c.DatabaseURL))
	}
	logger.Info("database", slog.String("kind", "postgres"), slog.String("url", postgres.Redact(c.DatabaseURL)))
	db, err := postgres.Open(ctx, c.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", postgres.Redact(c.DatabaseURL), err)
	}
	return db, nil
}

// sqliteOnly refuses a command that copies the SQLite file of a data
// directory when the data is in PostgreSQL instead.
func sqliteOnly(c *Config, command string) error {
	if c.DatabaseURL == "" {
		return nil
	}
	return fmt.Errorf("policydesk %s works on the SQLite database of a data directory; with POLICYDESK_DATABASE_URL (-database-url) set, the data is in PostgreSQL: back it up with pg_dump and restore it with pg_restore (attachments in S3 need their own backup)", command)
}
