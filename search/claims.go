package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"time"
)

// DefaultLease is how long a claim on queued work lasts: a replica that
// dies holds its work no longer than this.
const DefaultLease = 2 * time.Minute

// consumerDefaults fills in a claimer's name and lease.
func consumerDefaults(consumer string, lease time.Duration) (string, time.Duration) {
	if consumer == "" {
		consumer = NewConsumerName()
	}
	if lease <= 0 {
		lease = DefaultLease
	}
	return consumer, lease
}

// NewConsumerName names a claimer: the host, the process and a random
// part, so that two processes (or two workers) never share claims.
func NewConsumerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return host + "/" + hex.EncodeToString(b)
}

// release ends a stopping worker's claims, so another replica takes its
// work at once instead of when the claims expire.
func release(q interface {
	ReleaseClaims(context.Context, string) error
}, consumer string, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := q.ReleaseClaims(ctx, consumer); err != nil && logger != nil {
		logger.Warn("releasing claims on search work failed; they expire on their own", slog.Any("err", err))
	}
}

// nudge wakes a worker waiting on wake, or leaves it be when a wake-up is
// already pending.
func nudge(wake chan struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}
