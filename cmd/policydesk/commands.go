package main

// The maintenance commands beside serve: each reads its flags, does its
// work on the data directory and says on stdout what it did.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"policydesk"
	"policydesk/drafts/accounts"
)

// commandFlags reads the settings from the environment alone and starts
// the flags of a command that has its own, with -data (described by
// dataUsage) to begin with.
func commandFlags(name string, getenv func(string) string, stderr io.Writer, dataUsage string) (*Config, *flag.FlagSet, error) {
	c, _, err := parseConfig(name, nil, getenv, stderr)
	if err != nil {
		return nil, nil, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Data, "data", c.Data, dataUsage)
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL URL instead of SQLite in the data directory (POLICYDESK_DATABASE_URL)")
	return c, fs, nil
}

// withApp parses the settings, opens the data directory and runs fn on it:
// the shape of the commands without flags of their own.
func withApp(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer, fn func(*App) error) error {
	c, _, err := parseConfig(name, args, getenv, stderr)
	if err != nil {
		return err
	}
	return runApp(ctx, c, stderr, fn)
}

// runApp opens the data directory that c names and runs fn on it.
func runApp(ctx context.Context, c *Config, stderr io.Writer, fn func(*App) error) error {
	app, err := openApp(ctx, c, newLogger(c.LogFormat, stderr))
	if err != nil {
		return err
	}
	defer app.Close()
	return fn(app)
}

func userCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: policydesk user add -login NAME -role admin|editor|reviewer|staff [-name NAME] [-organisation ORG] [-password PW]")
	}
	c, sub, err := commandFlags("user add", getenv, stderr, "data directory (POLICYDESK_DATA)")
	if err != nil {
		return err
	}
	in := accounts.NewUser{}
	sub.StringVar(&in.Login, "login", "", "login (lower-case letters, digits, . _ -)")
	sub.StringVar(&in.Name, "name", "", "full name")
	sub.StringVar(&in.Organisation, "organisation", "", "organisation, e.g. Ministry of Justice")
	sub.StringVar(&in.Role, "role", policydesk.RoleEditor, "admin, editor, reviewer or staff")
	sub.StringVar(&in.Password, "password", getenv("POLICYDESK_NEW_PASSWORD"), "password (or POLICYDESK_NEW_PASSWORD, which keeps it out of the shell history)")
	if err := sub.Parse(args[1:]); err != nil {
		return err
	}
	return runApp(ctx, c, stderr, func(app *App) error {
		u, err := app.Accounts.AddUserOffline(ctx, in)
		if err != nil {
			return errors.New(policydesk.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "created user %s (%s)\n", u.Login, u.Role)
		return nil
	})
}

func demoCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return withApp(ctx, "demo", args, getenv, stderr, func(app *App) error {
		n, err := loadDemo(ctx, app.Accounts, app.Drafts, demoPassword)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "loaded %d demo documents into %s; demo users admin, drita, arben (legal experts), besa (ministry reviewer), staff; password %q\n",
			n, app.Config.Data, demoPassword)
		return nil
	})
}

func checkCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return withApp(ctx, "check", args, getenv, stderr, func(app *App) error {
		if err := app.DB.Check(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "database ok")
		return nil
	})
}

func reindexCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return withApp(ctx, "reindex", args, getenv, stderr, func(app *App) error {
		start := time.Now()
		n, err := reindex(ctx, app, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "reindexed %d documents in %s\n", n, time.Since(start).Round(time.Millisecond))
		return nil
	})
}

func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, sub, err := commandFlags("backup", getenv, stderr, "data directory of the service (POLICYDESK_DATA)")
	if err != nil {
		return err
	}
	out := sub.String("o", "", "the backup file to write (a .tar.gz); replaced atomically if it exists")
	if err := sub.Parse(args); err != nil {
		return err
	}
	if *out == "" || sub.NArg() > 0 {
		return errors.New("usage: policydesk backup -o FILE [-data DIR]")
	}
	if err := sqliteOnly(c, "backup"); err != nil {
		return err
	}
	start := time.Now()
	m, err := backup(ctx, c, *out)
	if err != nil {
		return err
	}
	where := fmt.Sprintf("%d attachment files (%s)", m.Blobs.Count, humanize.IBytes(uint64(m.Blobs.Bytes)))
	if m.Blobs.Store == "s3" {
		where = fmt.Sprintf("no attachment files: %d attachments stay in S3 bucket %q, which needs its own backup", m.Blobs.Count, m.Blobs.Bucket)
	}
	fmt.Fprintf(stdout, "backed up the database (%s) and %s to %s in %s\n",
		humanize.IBytes(uint64(m.Database.Size)), where, *out, time.Since(start).Round(time.Millisecond))
	return nil
}

func restoreCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	usage := errors.New("usage: policydesk restore FILE -data DIR (DIR must be empty or absent)")
	c, sub, err := commandFlags("restore", getenv, stderr, "the data directory to create (POLICYDESK_DATA); it must be empty or absent")
	if err != nil {
		return err
	}
	file := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := sub.Parse(args); err != nil {
		return err
	}
	if file == "" && sub.NArg() == 1 {
		file = sub.Arg(0)
	} else if sub.NArg() > 0 || file == "" {
		return usage
	}
	if err := sqliteOnly(c, "restore"); err != nil {
		return err
	}
	start := time.Now()
	m, docs, err := restore(ctx, file, c.Data)
	if err != nil {
		return fmt.Errorf("restore %s: %w", file, err)
	}
	blobs := fmt.Sprintf("%d attachment files (%s) checked against their SHA-256", m.Blobs.Count, humanize.IBytes(uint64(m.Blobs.Bytes)))
	if m.Blobs.Store == "s3" {
		blobs = fmt.Sprintf("%d attachments whose files are in S3 bucket %q (not in the backup); point POLICYDESK_S3_* at it", m.Blobs.Count, m.Blobs.Bucket)
	}
	fmt.Fprintf(stdout, "restored the backup of %s into %s in %s: %d documents, %s; database ok.\n"+
		"Sessions were cleared, so everyone logs in again. The search index is rebuilt from the database when the service starts"+
		" (with Meilisearch, run policydesk reindex).\n",
		m.CreatedAt.Format(time.RFC3339), c.Data, time.Since(start).Round(time.Millisecond), docs, blobs)
	return nil
}
