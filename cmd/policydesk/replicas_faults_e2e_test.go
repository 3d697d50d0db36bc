package main

// The failures of TestTwoReplicas: the database taken away under load, and
// one replica killed during saves.

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

const (
	// requestBound is the longest any request may take while the database
	// is away: the driver's connect timeout is 5 s, a refused connection is
	// at once.
	requestBound = 8 * time.Second
	outage       = 1500 * time.Millisecond
	// settle is how long after a change of the database's state a request
	// still in flight may see the state before.
	settle = 300 * time.Millisecond
)

// readers GET version 1 of docID through the balancer in n loops until the
// returned stop is called; the test judges the answers from the balancer's
// record.
func readers(t *testing.T, c *apiClient, docID int64, n int) (stop func()) {
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	path := fmt.Sprintf("/api/v1/documents/%d/versions/1", docID)
	for range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := c.do(ctx, http.MethodGet, path, nil, nil); err != nil {
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}
	return func() { cancel(); wg.Wait() }
}

// readyzOf polls base's /readyz until it answers want with database as
// dbState, failing t after limit.
func readyzOf(t *testing.T, name, base string, want int, dbState string, limit time.Duration) {
	t.Helper()
	within(t, limit, fmt.Sprintf("replica %s's /readyz to answer %d with database %s", name, want, dbState), func() bool {
		code, ready := readyz(t, base)
		return code == want && ready["database"] == dbState
	})
}

// checkDatabaseOutage takes PostgreSQL away while writers save and readers
// read through both replicas: while it is away every request gets 503 in
// bounded time and /readyz says database down; once it is back requests
// succeed by themselves and every acknowledged version is there.
func checkDatabaseOutage(t *testing.T, rs *replicaSet) {
	from := rs.lb.mark()
	doc, acks, stopWriters := writers(t, rs, "Rregullore nën ndërprerjen e bazës", 3)
	stopReaders := readers(t, rs.admin, doc.ID, 2)
	waitAcks(t, acks, 3, 10*time.Second)

	rs.db.Stop()
	down := time.Now()
	readyzOf(t, "A", rs.a.URL, http.StatusServiceUnavailable, "down", 5*time.Second)
	readyzOf(t, "B", rs.b.URL, http.StatusServiceUnavailable, "down", 5*time.Second)
	time.Sleep(outage - time.Since(down))
	before := acks.acked()
	rs.db.Start()
	up := time.Now()
	readyzOf(t, "A", rs.a.URL, http.StatusOK, "ok", 15*time.Second)
	readyzOf(t, "B", rs.b.URL, http.StatusOK, "ok", 15*time.Second)
	ready := time.Now()
	waitAcks(t, acks, before+5, 10*time.Second)
	time.Sleep(time.Until(ready.Add(time.Second)))
	stopReaders()
	stopWriters()
	t.Logf("database away for %s; /readyz ok on both %s after it returned; %d versions acknowledged",
		up.Sub(down).Round(time.Millisecond), ready.Sub(up).Round(time.Millisecond), acks.acked())

	answers, _ := rs.lb.since(from)
	var during, after, wrong int
	for _, a := range answers {
		took := a.end.Sub(a.start)
		isDown := a.start.After(down.Add(settle)) && a.end.Before(up)
		isAfter := a.start.After(ready.Add(settle))
		ok := a.status == http.StatusOK || a.status == http.StatusCreated || a.status == http.StatusConflict
		switch {
		case took > requestBound:
			t.Errorf("%s %s on %s took %s (answer %d), more than %s", a.method, a.path, a.replica, took, a.status, requestBound)
		case a.status == statusClientLeft: // stopped by the test
		case isDown && a.status != http.StatusServiceUnavailable,
			isAfter && !ok,
			a.status == 0 || (a.status >= 500 && a.status != http.StatusServiceUnavailable):
			if wrong++; wrong <= 10 {
				t.Errorf("%s %s on %s at %s (database away %s–%s, ready %s): %d",
					a.method, a.path, a.replica, offset(a.start, down), offset(down, down), offset(up, down), offset(ready, down), a.status)
			}
		}
		if isDown {
			during++
		}
		if isAfter && ok {
			after++
		}
	}
	if wrong > 10 {
		t.Errorf("... %d unexpected answers in all", wrong)
	}
	if during < 10 || after < 10 {
		t.Errorf("%d requests while the database was away and %d successful ones after: too few to show anything", during, after)
	}
	t.Logf("answers: %v", tally(answers))
	verifyAcknowledged(t, rs.admin.on(rs.b.URL), doc.ID, acks)
}

func offset(t, origin time.Time) string {
	return fmt.Sprintf("%+dms", t.Sub(origin).Milliseconds())
}

// checkKillReplica kills A with SIGKILL while six clients save through the
// balancer: B never answers 5xx, keeps acknowledging saves, and serves
// every version acknowledged by either replica with its SHA-256.
func checkKillReplica(t *testing.T, rs *replicaSet) {
	from := rs.lb.mark()
	doc, acks, stopWriters := writers(t, rs, "Rregullore gjatë rënies së A", 6)
	within(t, 10*time.Second, "saves acknowledged by both replicas", func() bool {
		answers, _ := rs.lb.since(from)
		byReplica := tally(answers)
		return byReplica["A"][http.StatusCreated] >= 3 && byReplica["B"][http.StatusCreated] >= 3
	})
	rs.a.Kill(t)
	n := acks.acked()
	waitAcks(t, acks, n+10, 10*time.Second)
	stopWriters()

	answers, _ := rs.lb.since(from)
	byReplica := tally(answers)
	t.Logf("answers: %v; %d versions acknowledged, %d after the kill", byReplica, acks.acked(), acks.acked()-n)
	for status, count := range byReplica["B"] {
		if status == 0 || (status >= 500 && status != statusClientLeft) {
			t.Errorf("replica B answered %d %d times", status, count)
		}
	}
	verifyAcknowledged(t, rs.admin.on(rs.b.URL), doc.ID, acks)
}
