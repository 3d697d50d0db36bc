package accounts_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"policydesk/drafts/accounts"
	"policydesk/storage/sqlite"
)

// TestBootstrapRace: replicas that start together on an empty database each
// find no user and each try to create admin. Exactly one creates it; the
// others learn that someone else did and start normally, rather than exiting
// on the unique login. Each replica has its own connection, as separate
// processes would.
func TestBootstrapRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policydesk.db")
	const replicas = 6
	services := make([]*accounts.Service, replicas)
	for i := range services {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		services[i] = accounts.NewService(db)
		// The default cost: hashing takes long enough that every replica
		// counts the users before any has inserted one.
		services[i].BcryptCost = bcrypt.DefaultCost
	}
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		created = make([]bool, replicas)
		errs    = make([]error, replicas)
	)
	for i, svc := range services {
		wg.Go(func() {
			<-start
			created[i], errs[i] = svc.Bootstrap(context.Background(), password)
		})
	}
	close(start)
	wg.Wait()
	winners := 0
	for i := range services {
		if errs[i] != nil {
			t.Errorf("replica %d: Bootstrap failed: %v", i, errs[i])
		}
		if created[i] {
			winners++
		}
	}
	if winners != 1 {
		t.Errorf("%d replicas say they created admin, want exactly 1", winners)
	}
	if _, _, _, err := services[0].Login(context.Background(), "admin", password); err != nil {
		t.Errorf("admin cannot log in after the race: %v", err)
	}
}
