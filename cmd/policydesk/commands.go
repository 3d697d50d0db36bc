package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"policydesk"
	"policydesk/drafts/accounts"
)

func userCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: policydesk user add -login NAME -role admin|editor|reviewer|staff [-name NAME] [-organisation ORG] [-password PW]")
	}
	c, _, err := parseConfig("user add", nil, getenv, stderr)
	if err != nil {
		return err
	}
	sub := flag.NewFlagSet("user add", flag.ContinueOnError)
	sub.SetOutput(stderr)
	data := sub.String("data", c.Data, "data directory (POLICYDESK_DATA)")
	in := accounts.NewUser{}
	sub.StringVar(&in.Login, "login", "", "login (lower-case letters, digits, . _ -)")
	sub.StringVar(&in.Name, "name", "", "full name")
	sub.StringVar(&in.Organisation, "organisation", "", "organisation, e.g. Ministry of Justice")
	sub.StringVar(&in.Role, "role", policydesk.RoleEditor, "admin, editor, reviewer or staff")
	sub.StringVar(&in.Password, "password", getenv("POLICYDESK_NEW_PASSWORD"), "password (or POLICYDESK_NEW_PASSWORD, which keeps it out of the shell history)")
	if err := sub.Parse(args[1:]); err != nil {
		return err
	}
	c.Data = *data
	app, err := openApp(ctx, c, newLogger(c.LogFormat, stderr))
	if err != nil {
		return err
	}
	defer app.Close()
	u, err := app.Accounts.AddUserOffline(ctx, in)
	if err != nil {
		return errors.New(policydesk.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "created user %s (%s)\n", u.Login, u.Role)
	return nil
}

// withApp parses the command's flags, opens the data directory and runs fn
// on it: the shape every maintenance command shares.
func withApp(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer, fn func(*App) error) error {
	c, _, err := parseConfig(name, args, getenv, stderr)
	if err != nil {
		return err
	}
	app, err := openApp(ctx, c, newLogger(c.LogFormat, stderr))
	if err != nil {
		return err
	}
	defer app.Close()
	return fn(app)
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
