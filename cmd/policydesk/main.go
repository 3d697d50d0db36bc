// Command policydesk runs Policy Desk: `policydesk serve` (the default) starts
// the web service; the other commands (`policydesk help` lists them) look
// after a data directory.
//
// cmd is wiring only: it reads the settings (flags and POLICYDESK_
// variables) and chooses the parts they name. main.go holds the settings,
// the wired App and serve; commands.go the maintenance commands; search.go
// picks Meilisearch or the embedded index (whose folder search/bleve
// manages) and draws the progress of a reindex; extract.go runs this binary
// as the child that reads one attachment's text; demo.go loads the demo
// library; backup.go and restore.go copy a data directory to and from one
// backup file, whose format is archive.go; copy.go copies an installation
// from SQLite into PostgreSQL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"policydesk"
	"policydesk/calendar"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
	"policydesk/drafts/attachments"
	"policydesk/drafts/markdown"
	"policydesk/notify"
	"policydesk/review"
	"policydesk/storage/folder"
	"policydesk/storage/s3"
	"policydesk/storage/sqldb"
	"policydesk/timefmt"
	"policydesk/web"
	"policydesk/web/i18n"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == extractTextCommand {
		os.Exit(extractText(os.Args[2:]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "policydesk:", err)
		os.Exit(1)
	}
}

// Config is every setting; each has a flag and a POLICYDESK_ variable.
type Config struct {
	Addr           string
	Data           string
	DatabaseURL    string // postgres://...: the data in PostgreSQL; empty: SQLite in the data directory
	AdminPassword  string
	MaxUploadBytes int64
	SecureCookies  bool
	TrustedProxies string
	Demo           bool
	LogFormat      string
	// TimeZone names the zone people see times in (POLICYDESK_TIMEZONE);
	// Location is it, loaded and checked at start.
	TimeZone   string
	Location   *time.Location
	S3         s3.Config
	MeiliURL   string
	MeiliKey   string
	MeiliIndex string
	// ExtractTimeout and ExtractMemoryMiB are the budget of reading one
	// attachment's text; ShutdownGrace bounds a shutdown.
	ExtractTimeout   time.Duration
	ExtractMemoryMiB int64
	ShutdownGrace    time.Duration
	// RedlineCacheBytes bounds the memory of cached redlines; 0 turns the cache off.
	RedlineCacheBytes int64
	// RenderCacheBytes bounds the memory kept for rendered versions; 0 turns it off.
	RenderCacheBytes int64
	// Language is the installation's interface language (sq, sr, sr-Cyrl or en), for
	// browsers whose user chose none and whose Accept-Language names none.
	Language string
	// Mail is the e-mail settings (mail.go); without an SMTP server mail is off.
	Mail MailConfig
}

// parseConfig reads the environment first, then flags, which win.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (*Config, *flag.FlagSet, error) {
	env := func(key, def string) string {
		if v := getenv("POLICYDESK_" + key); v != "" {
			return v
		}
		return def
	}
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address (POLICYDESK_ADDR)")
	fs.StringVar(&c.Data, "data", env("DATA", "./data"), "data directory: SQLite file, local blobs, local index (POLICYDESK_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL (postgres://user:password@host/db); the data goes there instead of SQLite in the data directory (POLICYDESK_DATABASE_URL)")
	fs.StringVar(&c.AdminPassword, "admin-password", env("ADMIN_PASSWORD", ""), "creates user admin on a start with no users (POLICYDESK_ADMIN_PASSWORD)")
	maxUpload, err := strconv.ParseInt(env("MAX_UPLOAD_BYTES", "104857600"), 10, 64)
	if err != nil {
		return nil, nil, fmt.Errorf("POLICYDESK_MAX_UPLOAD_BYTES: %w", err)
	}
	fs.Int64Var(&c.MaxUploadBytes, "max-upload-bytes", maxUpload, "largest attachment accepted (POLICYDESK_MAX_UPLOAD_BYTES)")
	renderCache, err := strconv.ParseInt(env("RENDER_CACHE_BYTES", strconv.Itoa(markdown.DefaultCacheBytes)), 10, 64)
	if err != nil {
		return nil, nil, fmt.Errorf("POLICYDESK_RENDER_CACHE_BYTES: %w", err)
	}
	fs.Int64Var(&c.RenderCacheBytes, "render-cache-bytes", renderCache, "memory kept for rendered versions; 0 turns the cache off (POLICYDESK_RENDER_CACHE_BYTES)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", env("SECURE_COOKIES", "") == "true", "mark cookies Secure, behind HTTPS (POLICYDESK_SECURE_COOKIES=true)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated IPs or CIDRs of proxies whose X-Forwarded-For names the client (POLICYDESK_TRUSTED_PROXIES)")
	fs.BoolVar(&c.Demo, "demo", env("DEMO", "") == "true", "load the demo library and demo users on start if missing (POLICYDESK_DEMO=true)")
	fs.StringVar(&c.Language, "language", env("LANGUAGE", i18n.Default), "the interface's language when neither the user nor the browser names one: sq, sr, sr-Cyrl or en (POLICYDESK_LANGUAGE)")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", "text"), "log format: text or json (POLICYDESK_LOG_FORMAT)")
	fs.StringVar(&c.TimeZone, "timezone", env("TIMEZONE", timefmt.DefaultZone), "IANA time zone of the dates and times people see (POLICYDESK_TIMEZONE)")
	fs.StringVar(&c.S3.Endpoint, "s3-endpoint", env("S3_ENDPOINT", ""), "S3/MinIO host:port; attachments go there instead of the data directory (POLICYDESK_S3_ENDPOINT)")
	fs.StringVar(&c.S3.AccessKey, "s3-access-key", env("S3_ACCESS_KEY", ""), "S3 access key (POLICYDESK_S3_ACCESS_KEY)")
	fs.StringVar(&c.S3.SecretKey, "s3-secret-key", env("S3_SECRET_KEY", ""), "S3 secret key (POLICYDESK_S3_SECRET_KEY)")
	fs.StringVar(&c.S3.Bucket, "s3-bucket", env("S3_BUCKET", "policydesk"), "S3 bucket, created if missing (POLICYDESK_S3_BUCKET)")
	fs.StringVar(&c.MeiliURL, "meili-url", env("MEILI_URL", ""), "Meilisearch URL; search goes there instead of the embedded index (POLICYDESK_MEILI_URL)")
	fs.StringVar(&c.MeiliKey, "meili-key", env("MEILI_KEY", ""), "Meilisearch API key (POLICYDESK_MEILI_KEY)")
	fs.StringVar(&c.MeiliIndex, "meili-index", env("MEILI_INDEX", "policydesk"), "Meilisearch index name (POLICYDESK_MEILI_INDEX)")
	fs.BoolVar(&c.S3.UseSSL, "s3-use-ssl", env("S3_USE_SSL", "") == "true", "use HTTPS to reach S3 (POLICYDESK_S3_USE_SSL=true)")
	if err := budgetFlags(fs, c, env); err != nil {
		return nil, nil, err
	}
	mailFlags(fs, c, env)
	redlineCache, err := strconv.ParseInt(env("REDLINE_CACHE_BYTES", strconv.Itoa(review.DefaultRedlineCacheBytes)), 10, 64)
	if err != nil {
		return nil, nil, fmt.Errorf("POLICYDESK_REDLINE_CACHE_BYTES: %w", err)
	}
	fs.Int64Var(&c.RedlineCacheBytes, "redline-cache-bytes", redlineCache, "memory for cached redlines, 0 for none (POLICYDESK_REDLINE_CACHE_BYTES)")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if !i18n.Supported(c.Language) {
		return nil, nil, fmt.Errorf("POLICYDESK_LANGUAGE (-language) must be sq (Albanian), sr (Serbian, Latin script), sr-Cyrl (Serbian, Cyrillic script) or en (English), not %q", c.Language)
	}
	if c.RedlineCacheBytes < 0 {
		return nil, nil, fmt.Errorf("-redline-cache-bytes must be 0 or more, not %d", c.RedlineCacheBytes)
	}
	if c.Location, err = timefmt.LoadZone(c.TimeZone); err != nil {
		return nil, nil, fmt.Errorf("POLICYDESK_TIMEZONE (-timezone): %w", err)
	}
	if err := checkMail(&c.Mail); err != nil {
		return nil, nil, err
	}
	return c, fs, nil
}

// command is a subcommand: args are those after its name.
type command func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

// commands are the subcommands by name; serve is the default.
var commands = map[string]command{
	"serve":   serve,
	"user":    userCommand,
	"demo":    demoCommand,
	"check":   checkCommand,
	"reindex": reindexCommand,
	"backup":  backupCommand,
	"restore": restoreCommand,
	"copy":    copyCommand,
	"health":  healthCommand,
	"help": func(_ context.Context, _ []string, _ func(string) string, stdout, _ io.Writer) error {
		fmt.Fprint(stdout, usage)
		return nil
	},
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		return fmt.Errorf("unknown command %q\n%s", name, usage)
	}
	return cmd(ctx, args, getenv, stdout, stderr)
}

const usage = `usage: policydesk [command] [flags]

commands:
  serve                 run the web service (the default)
  user add              create an account: -login -name -role -password (or POLICYDESK_NEW_PASSWORD)
  demo                  load the demo library and demo users into the data directory
  check                 check the database's integrity
  reindex               rebuild the search index into a fresh one and swap it in
  backup -o FILE        write the database and attachment files to FILE while the service runs
  restore FILE -data DIR  rebuild an empty data directory from a backup file
  copy -from-data DIR -to URL  copy a SQLite installation into an empty PostgreSQL database
  health                exit 0 if the service at POLICYDESK_ADDR answers /healthz (-path /readyz)
  help                  this text

Run "policydesk serve -h" for the settings.
`

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// App is the wired service: database, domain and web server.
type App struct {
	Config   *Config
	DB       *sqldb.DB
	Accounts *accounts.Service
	Drafts   *drafts.Service
	Review   *review.Service
	// Attachments keeps files in the blob store.
	Attachments *attachments.Attachments
	// Mail queues e-mails: the database when mail is on, notify.MailOff
	// (which queues nothing) when it is off.
	Mail   notify.MailQueue
	Logger *slog.Logger
}

// openApp opens the data directory and wires the domain over it.
func openApp(ctx context.Context, c *Config, logger *slog.Logger) (*App, error) {
	if err := os.MkdirAll(c.Data, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := openDatabase(ctx, c, logger)
	if err != nil {
		return nil, err
	}
	svc := drafts.NewService(db, db, markdown.NewRenderer(c.RenderCacheBytes))
	// The sentences the services write into a document, in its language.
	cat, err := i18n.Load()
	if err != nil {
		db.Close()
		return nil, err
	}
	svc.Translator = cat
	blobs, err := openBlobs(ctx, c)
	if err != nil {
		db.Close()
		return nil, err
	}
	att := &attachments.Attachments{Drafts: svc, Store: db, Blobs: blobs, MaxBytes: c.MaxUploadBytes, Logger: logger}
	rv := review.NewService(svc, db)
	rv.Translator = cat
	rv.SetRedlineCacheBytes(c.RedlineCacheBytes)
	return &App{Config: c, DB: db, Accounts: accounts.NewService(db), Drafts: svc, Review: rv, Attachments: att,
		Mail: mailQueue(c.Mail, db), Logger: logger}, nil
}

// openBlobs chooses S3/MinIO when an endpoint is configured, else a folder
// in the data directory. S3 is not contacted here: the service starts, and
// drafting works, while the object store is down.
func openBlobs(ctx context.Context, c *Config) (attachments.BlobStore, error) {
	if c.S3.Endpoint != "" {
		return s3.Open(ctx, c.S3)
	}
	return folder.Open(filepath.Join(c.Data, "blobs"))
}

func (a *App) Close() error { return a.DB.Close() }

func serve(ctx context.Context, args []string, getenv func(string) string, _, stderr io.Writer) error {
	c, _, err := parseConfig("serve", args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(c.LogFormat, stderr)
	// Armed at SIGTERM; stopped only once everything below has returned.
	var hardExit *time.Timer
	defer func() {
		if hardExit != nil {
			hardExit.Stop()
		}
	}()
	app, err := openApp(ctx, c, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	if err := app.bootstrap(ctx); err != nil {
		return err
	}
	srv, err := app.newServer()
	if err != nil {
		return err
	}
	go app.sweepOrphans(ctx)
	defer app.startInbox(ctx, srv)()
	index, err := openSearch(ctx, c)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	defer index.Close()
	work, err := app.startSearchWork(index)
	if err != nil {
		return err
	}
	defer func() { work.stop(); work.wait() }()
	mail := app.startMail()
	defer func() { mail.stop(); mail.wait() }()
	srv.Search = work.service
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	httpServer := &http.Server{Handler: nudgeAfterWrites(srv, func() { work.notify(); mail.notify() }), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	logger.Info("policydesk serving", slog.String("url", "http://"+ln.Addr().String()), slog.String("data", c.Data))
	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Graceful: stop the workers (a text reader running is killed), stop
	// accepting, let in-flight saves finish, then close the index and the
	// DB — all within the grace period, after which the process exits
	// whatever is still running.
	logger.Info("shutting down", slog.Duration("grace", c.ShutdownGrace))
	hardExit = time.AfterFunc(c.ShutdownGrace, func() {
		logger.Error("shutdown did not finish within its grace period; exiting now", slog.Duration("grace", c.ShutdownGrace))
		os.Exit(1)
	})
	work.stop()
	mail.stop() // a mail being handed over is finished first
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.ShutdownGrace*3/4)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutting down: requests still running after %s: %w", c.ShutdownGrace*3/4, err)
	}
	return nil
}

// newServer is the web server over the app's services; search is added
// once the index is open.
func (a *App) newServer() (*web.Server, error) {
	srv, err := web.NewServer(a.Accounts, a.Drafts, a.Review, a.Logger)
	if err != nil {
		return nil, err
	}
	srv.SecureCookies = a.Config.SecureCookies
	srv.Location = a.Config.Location
	srv.Language = a.Config.Language
	srv.BaseURL = a.Config.Mail.BaseURL
	if srv.TrustedProxies, err = web.ParseTrustedProxies(a.Config.TrustedProxies); err != nil {
		return nil, fmt.Errorf("POLICYDESK_TRUSTED_PROXIES: %w", err)
	}
	srv.Attachments = a.Attachments
	srv.Calendar = calendar.NewService(a.DB)
	srv.Checks["database"] = a.DB.Ping
	srv.Checks["blobs"] = a.Attachments.Blobs.Ping
	return srv, nil
}

// sweepOrphans removes, every half hour, attachment objects that no row names
// (what a crash between storing a file and recording it leaves behind).
func (a *App) sweepOrphans(ctx context.Context) {
	t := time.NewTicker(30 * time.Minute)
	defer t.Stop()
	for {
		n, err := a.Attachments.SweepOrphans(ctx, time.Hour)
		if err != nil && ctx.Err() == nil {
			a.Logger.Warn("orphan sweep failed; will retry", slog.Any("err", err))
		} else if n > 0 {
			a.Logger.Info("removed orphaned attachment objects", slog.Int("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// bootstrap makes sure someone can log in, and loads the demo if asked.
func (a *App) bootstrap(ctx context.Context) error {
	created, err := a.Accounts.Bootstrap(ctx, a.Config.AdminPassword)
	if policydesk.ErrorCode(err) == policydesk.EInvalid {
		return fmt.Errorf("POLICYDESK_ADMIN_PASSWORD (-admin-password) is not accepted: %s", policydesk.ErrorMessage(err))
	} else if err != nil {
		return fmt.Errorf("creating the admin account: %w", err)
	}
	if created {
		a.Logger.Info("created user admin from POLICYDESK_ADMIN_PASSWORD")
	}
	if a.Config.Demo {
		n, err := loadDemo(ctx, a.Accounts, a.Drafts, demoPassword)
		if err != nil {
			return fmt.Errorf("loading the demo library: %w", err)
		}
		if n > 0 {
			a.Logger.Info("loaded the demo library", slog.Int("documents", n), slog.String("password", demoPassword),
				slog.String("users", "admin, drita, arben (legal experts), besa (ministry reviewer), staff"))
		}
	}
	anyone, err := a.Accounts.HasUsers(ctx)
	if err != nil {
		return err
	}
	if !anyone {
		a.Logger.Warn("no user exists yet, so nobody can log in: restart with POLICYDESK_ADMIN_PASSWORD set " +
			"(creates user admin), or run: policydesk user add -login NAME -role admin")
	}
	return nil
}
