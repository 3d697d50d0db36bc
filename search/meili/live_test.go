package meili

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"policydesk/search"
	"policydesk/search/searchtest"
)

// TestLive runs the conformance suite against a real Meilisearch when
// POLICYDESK_TEST_MEILI_URL (and POLICYDESK_TEST_MEILI_KEY) are set.
func TestLive(t *testing.T) {
	url := os.Getenv("POLICYDESK_TEST_MEILI_URL")
	if url == "" {
		t.Skip("POLICYDESK_TEST_MEILI_URL is not set: Meilisearch cannot be installed in this environment; " +
			"the recorded contract (contract_test.go) covers the client's requests and replies")
	}
	key := os.Getenv("POLICYDESK_TEST_MEILI_KEY")
	n := 0
	searchtest.Run(t, func(t *testing.T) search.Index {
		n++
		name := fmt.Sprintf("policydesk_test_%d_%d", time.Now().UnixNano(), n)
		ix, err := Open(context.Background(), url, key, name)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() {
			if info, err := ix.client.DeleteIndex(context.Background(), name); err == nil {
				ix.await(context.Background(), info)
			}
		})
		return ix
	})
}
