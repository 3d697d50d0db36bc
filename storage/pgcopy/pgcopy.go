// Package pgcopy copies a Policy Desk installation's SQLite database into
// an empty PostgreSQL database, for `policydesk copy`.
//
// It reads the source from a snapshot (VACUUM INTO), migrated to the
// current schema there, never in place. It finds the tables and columns in
// the target's catalog, so tables added by later migrations are copied
// with no change here, and copies them parents first (by their foreign
// keys) with ids kept, in one PostgreSQL transaction through the COPY
// protocol, streaming one row at a time. Before committing it reads every
// table back and compares its row count and a SHA-256 over its rows in key
// order with the source's, recomputes every version's SHA-256 from its
// body, and sets the identity sequences past the copied ids. Anything
// failing, or the process dying, rolls the whole copy back: the target
// stays empty and the copy can simply be run again.
package pgcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"policydesk/storage/postgres"
	"policydesk/storage/sqlite"
)

// Options say what to copy where.
type Options struct {
	Source  string    // the installation's SQLite database file
	Target  string    // postgres://... of an empty database
	WorkDir string    // where the snapshot is written; "" for the source's directory
	Blobs   *Blobs    // nil: the attachment files are not copied
	Log     io.Writer // progress lines; nil for none
	// Insert writes with batched INSERT statements instead of the COPY
	// protocol: slower, kept so the benchmark can measure the two.
	Insert bool
}

// Result is what a copy did.
type Result struct {
	SnapshotAt time.Time // writes to the source after this are not in the copy
	Migrated   []string  // migrations applied to the snapshot before copying
	Tables     []*TableResult
	Versions   int64 // versions whose SHA-256 was recomputed in the target
	Blobs      BlobResult
	Phases     []Phase // where the time went
	Elapsed    time.Duration
}

// Phase is one step of a copy and its time.
type Phase struct {
	Name    string
	Elapsed time.Duration
}

// progress writes a copy's progress lines and times its phases.
type progress struct {
	w    io.Writer
	res  *Result
	last time.Time
}

func (p *progress) logf(format string, args ...any) {
	if p.w != nil {
		fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// done ends the phase name.
func (p *progress) done(name string) {
	now := time.Now()
	p.res.Phases = append(p.res.Phases, Phase{name, now.Sub(p.last)})
	p.last = now
}

// lockTimeout bounds the wait for the target's tables.
const lockTimeout = "10s"

// Copy copies the database at opt.Source into the database at opt.Target,
// which must be empty, and the attachment files if opt.Blobs says where.
func Copy(ctx context.Context, opt Options) (*Result, error) {
	start := time.Now()
	res := &Result{SnapshotAt: start.UTC()}
	p := &progress{w: opt.Log, res: res, last: start}
	if opt.WorkDir == "" {
		opt.WorkDir = filepath.Dir(opt.Source)
	}
	work, err := os.MkdirTemp(opt.WorkDir, ".policydesk-copy-")
	if err != nil {
		return nil, fmt.Errorf("a directory for the snapshot: %w", err)
	}
	defer os.RemoveAll(work)
	conn, err := connectTarget(ctx, opt.Target)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	p.done("connect to the target")
	res.SnapshotAt = time.Now().UTC()
	snap := filepath.Join(work, "snapshot.db")
	if err := sqlite.Snapshot(ctx, opt.Source, snap); err != nil {
		return nil, fmt.Errorf("taking a snapshot of %s: %w", opt.Source, err)
	}
	p.done("snapshot")
	p.logf("took a snapshot of %s at %s; later writes to it are not in this copy", opt.Source, res.SnapshotAt.Format(time.RFC3339))
	src, migrations, migrated, err := prepareSource(ctx, snap)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	res.Migrated = migrated
	p.done("migrate and check the snapshot")
	if len(migrated) > 0 {
		p.logf("migrated the snapshot (not the source) with %s", strings.Join(migrated, ", "))
	}
	tables, err := checkTarget(ctx, conn, opt.Target, migrations)
	if err != nil {
		return nil, err
	}
	if err := compareSource(ctx, src, tables); err != nil {
		return nil, fmt.Errorf("the source and the target differ: %w", err)
	}
	p.done("prepare the target")
	if opt.Blobs != nil {
		p.logf("copying the attachment files")
		if res.Blobs, err = copyBlobs(ctx, src, opt.Blobs); err != nil {
			return nil, fmt.Errorf("copying the attachment files (run the copy again to resume): %w", err)
		}
		p.done("attachment files")
	}
	if err := copyRows(ctx, conn, src, tables, opt.Insert, p); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// prepareSource migrates the snapshot at snap to the current schema,
// checks it (integrity, every version's SHA-256) and opens it read-only.
// It returns the migrations it then holds and those applied here.
func prepareSource(ctx context.Context, snap string) (*sql.DB, []string, []string, error) {
	before, err := sourceMigrations(ctx, snap)
	if err != nil {
		return nil, nil, nil, err
	}
	db, err := sqlite.Open(ctx, snap)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("migrating the snapshot: %w", err)
	}
	if err := db.Check(ctx); err != nil {
		db.Close()
		return nil, nil, nil, fmt.Errorf("the source fails its check (run policydesk check on it): %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, nil, nil, err
	}
	after, err := sourceMigrations(ctx, snap)
	if err != nil {
		return nil, nil, nil, err
	}
	var migrated []string
	for _, m := range after {
		if !slices.Contains(before, m) {
			migrated = append(migrated, m)
		}
	}
	src, err := sql.Open("sqlite", "file:"+snap+"?mode=ro")
	if err != nil {
		return nil, nil, nil, err
	}
	return src, after, migrated, nil
}

// sourceMigrations lists the migrations applied to the SQLite file at path.
func sourceMigrations(ctx context.Context, path string) ([]string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	names, err := queryStrings(ctx, db, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("the source is not a Policy Desk database: %w", err)
	}
	return names, nil
}

// copyRows copies every table in one transaction and commits it only if
// the target then holds exactly the source's rows.
func copyRows(ctx context.Context, conn *pgx.Conn, src *sql.DB, tables []*table, insert bool, p *progress) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("starting the copy: %w", err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		tx.Rollback(rctx) // after a commit, nothing to undo
	}()
	if err := lockTables(ctx, tx, tables); err != nil {
		return err
	}
	for _, t := range tables {
		p.logf("copying %s", t.name)
		if _, ok := seeded[t.name]; ok {
			if _, err := tx.Exec(ctx, `DELETE FROM `+quote(t.name)); err != nil {
				return fmt.Errorf("clearing the starting row of %s: %w", t.name, err)
			}
		}
		r, err := copyTable(ctx, src, tx, t, insert)
		if err != nil {
			return fmt.Errorf("%w; nothing was written to the target", err)
		}
		p.res.Tables = append(p.res.Tables, r)
	}
	p.done("rows")
	p.logf("verifying the copy")
	if err := verify(ctx, tx, tables, p.res); err != nil {
		return fmt.Errorf("the copy does not match the source, so it was rolled back and nothing was written: %w", err)
	}
	if err := setSequences(ctx, tx, tables); err != nil {
		return err
	}
	p.done("verify")
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("committing the copy: %w", err)
	}
	p.done("commit")
	return nil
}

// lockTables keeps every writer out of the target's tables until the copy
// ends, and refuses if any holds a row.
func lockTables(ctx context.Context, tx pgx.Tx, tables []*table) error {
	if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '`+lockTimeout+`'`); err != nil {
		return err
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = quote(t.name)
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("locking the target's tables (is a service or another copy using that database?): %w", err)
	}
	full, err := nonEmpty(ctx, tx, tables)
	if err != nil {
		return err
	}
	return notEmptyError(full)
}

// verify compares each table in the target with the source's count and
// digest and recomputes every version's SHA-256.
func verify(ctx context.Context, tx pgx.Tx, tables []*table, res *Result) error {
	for i, t := range tables {
		want := res.Tables[i]
		n, sum, err := targetDigest(ctx, tx, t)
		if err != nil {
			return fmt.Errorf("reading %s back: %w", t.name, err)
		}
		if n != want.Rows || sum != want.SHA256 {
			return fmt.Errorf("%s has %d rows with SHA-256 %s in the target, %d rows with %s in the source", t.name, n, sum, want.Rows, want.SHA256)
		}
	}
	n, err := verifyVersions(ctx, tx)
	res.Versions = n
	return err
}

// notEmptyError is the refusal of a target with rows in the tables full.
func notEmptyError(full []string) error {
	if len(full) == 0 {
		return nil
	}
	return fmt.Errorf("the target database is not empty (%s hold rows), so nothing was copied: copy only into a new, empty database",
		strings.Join(full, ", "))
}

// connectTimeout bounds reaching the target.
const connectTimeout = 10 * time.Second

// connectTarget connects to the target, before any work on the source, so
// that a wrong URL is said at once.
func connectTarget(ctx context.Context, dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("the target URL %s cannot be read: %w", postgres.Redact(dsn), err)
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > connectTimeout {
		cfg.ConnectTimeout = connectTimeout
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to the target %s: %s", postgres.Redact(dsn), redactErr(err, cfg.Password))
	}
	return conn, nil
}

// checkTarget refuses the target if it holds rows or migrations other
// than want, migrates it to want if it is behind (as a service's start
// does) and returns the tables to copy.
func checkTarget(ctx context.Context, conn *pgx.Conn, dsn string, want []string) ([]*table, error) {
	have, err := targetMigrations(ctx, conn)
	if err != nil {
		return nil, err
	}
	if len(have) > len(want) || !slices.Equal(have, want[:len(have)]) {
		return nil, migrationsError(have, want)
	}
	tables, err := discover(ctx, conn)
	if err != nil {
		return nil, err
	}
	full, err := nonEmpty(ctx, conn, tables)
	if err != nil {
		return nil, err
	}
	if err := notEmptyError(full); err != nil {
		return nil, err
	}
	if len(have) < len(want) {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("creating the schema in the target: %w", err)
		}
		db.Close()
		if have, err = targetMigrations(ctx, conn); err != nil {
			return nil, err
		}
		if !slices.Equal(have, want) {
			return nil, migrationsError(have, want)
		}
		if tables, err = discover(ctx, conn); err != nil {
			return nil, err
		}
	}
	return tables, nil
}

// targetMigrations lists the migrations applied to the target; none if it
// has no schema yet.
func targetMigrations(ctx context.Context, conn *pgx.Conn) ([]string, error) {
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("reading the target's migrations: %w", err)
	}
	if !exists {
		return nil, nil
	}
	rows, err := conn.Query(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("reading the target's migrations: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func migrationsError(have, want []string) error {
	return fmt.Errorf("the target's migrations are [%s] but this program's are [%s]: copy into a new database, or one this version of Policy Desk created",
		strings.Join(have, " "), strings.Join(want, " "))
}

// redactErr removes the password from an error's text, which pgx's
// connect errors may quote.
func redactErr(err error, password string) error {
	if password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), password, "xxxxx"))
}
