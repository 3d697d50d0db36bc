package main

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/accounts"
)

//go:embed demodata
var demoFS embed.FS

// demoPassword is the password of the demo users; it is printed when the demo
// is loaded, which only happens when someone asks for it.
const demoPassword = "policydesk-demo"

type demoMeta struct {
	Title      string `json:"title"`
	Kind       string `json:"kind"`
	Language   string `json:"language"`
	Status     string `json:"status"`
	Visibility string `json:"visibility"`
	Versions   []struct {
		File    string `json:"file"`
		Message string `json:"message"`
		Author  string `json:"author"`
	} `json:"versions"`
}

// demoUsers show the interface's three languages: admin English, drita and
// arben Albanian, besa Serbian; staff chose none, so their browser decides.
var demoUsers = []accounts.NewUser{
	{Login: "admin", Name: "Administrator", Role: policydesk.RoleAdmin, Language: "en"},
	{Login: "drita", Name: "Drita Berisha", Organisation: "Terre des hommes Kosovo", Role: policydesk.RoleEditor, Language: "sq"},
	{Login: "arben", Name: "Arben Krasniqi", Organisation: "Terre des hommes Kosovo", Role: policydesk.RoleEditor, Language: "sq"},
	{Login: "besa", Name: "Besa Gashi", Organisation: "Ministry of Justice, Department of Policies for Social and Family Services", Role: policydesk.RoleReviewer, Language: "sr"},
	{Login: "staff", Name: "Lirije Hoxha", Organisation: "Terre des hommes Kosovo", Role: policydesk.RoleStaff},
}

// loadDemo creates the demo users and documents that are not there yet, each
// document with all its versions saved by their authors, and returns how many
// documents it created. Running it twice adds nothing.
func loadDemo(ctx context.Context, acc *accounts.Service, svc *drafts.Service, password string) (int, error) {
	users := map[string]*policydesk.User{}
	for _, in := range demoUsers {
		in.Password = password
		u, err := acc.EnsureUserOffline(ctx, in)
		if err != nil {
			return 0, fmt.Errorf("demo user %s: %w", in.Login, err)
		}
		// admin may exist before the demo (POLICYDESK_ADMIN_PASSWORD); it
		// gets its language unless its user chose one.
		if in.Language != "" {
			if err := acc.SetLanguageOffline(ctx, in.Login, in.Language); err != nil {
				return 0, fmt.Errorf("demo user %s: %w", in.Login, err)
			}
		}
		users[in.Login] = u
	}
	existing, err := demoTitles(ctx, svc)
	if err != nil {
		return 0, err
	}
	dirs, err := fs.ReadDir(demoFS, "demodata")
	if err != nil {
		return 0, err
	}
	created := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := path.Join("demodata", d.Name())
		var meta demoMeta
		data, err := demoFS.ReadFile(path.Join(dir, "meta.json"))
		if err == nil {
			err = json.Unmarshal(data, &meta)
		}
		if err != nil {
			return created, fmt.Errorf("%s: %w", dir, err)
		}
		if existing[meta.Title] {
			continue
		}
		if err := loadDemoDocument(ctx, svc, dir, meta, users); err != nil {
			return created, fmt.Errorf("%s: %w", dir, err)
		}
		created++
	}
	return created, nil
}

func demoTitles(ctx context.Context, svc *drafts.Service) (map[string]bool, error) {
	system := policydesk.NewContextWithUser(ctx, &policydesk.User{Login: "demo", Role: policydesk.RoleAdmin})
	titles := map[string]bool{}
	for offset := 0; ; offset += 200 {
		docs, total, err := svc.Documents(system, drafts.DocumentFilter{Limit: 200, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			titles[d.Title] = true
		}
		if offset+len(docs) >= total || len(docs) == 0 {
			return titles, nil
		}
	}
}

func loadDemoDocument(ctx context.Context, svc *drafts.Service, dir string, meta demoMeta, users map[string]*policydesk.User) error {
	var doc *drafts.Document
	for i, v := range meta.Versions {
		author, ok := users[v.Author]
		if !ok {
			return fmt.Errorf("unknown author %q", v.Author)
		}
		body, err := demoFS.ReadFile(path.Join(dir, v.File))
		if err != nil {
			return err
		}
		actx := policydesk.NewContextWithUser(ctx, author)
		if i == 0 {
			doc, _, err = svc.CreateDocument(actx, drafts.NewDocument{Title: meta.Title, Kind: meta.Kind, Language: meta.Language,
				Visibility: meta.Visibility, Status: meta.Status, Body: string(body), Message: v.Message})
			if err != nil {
				return err
			}
			if err := shareDemoDocument(actx, svc, doc, meta, author); err != nil {
				return err
			}
			continue
		}
		if _, err := svc.SaveVersion(actx, doc.ID, i, string(body), v.Message); err != nil {
			return err
		}
	}
	return nil
}

// shareDemoDocument makes both legal experts editors and shares documents
// under review with the ministry reviewer, as a real team would.
func shareDemoDocument(ctx context.Context, svc *drafts.Service, doc *drafts.Document, meta demoMeta, owner *policydesk.User) error {
	for _, login := range []string{"drita", "arben"} {
		if login != owner.Login {
			if _, err := svc.SetMember(ctx, doc.ID, login, "editor"); err != nil {
				return err
			}
		}
	}
	if meta.Status == "in_review" || meta.Visibility == "restricted" {
		if _, err := svc.SetMember(ctx, doc.ID, "besa", "reviewer"); err != nil {
			return err
		}
	}
	return nil
}
