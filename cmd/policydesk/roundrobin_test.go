package main

// A load balancer for the replica tests: round robin over the replicas,
// no affinity and no health checks, so every request may land on another
// process than the one before and a dead replica answers 502 until the
// test stops sending to it. It records every answer, so a test can say
// which replica answered what and how long it took.

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	// replicaHeader names, on every answer through the balancer, the
	// replica that gave it.
	replicaHeader = "X-Test-Replica"
	// routeHeader on a request sends it to the replica it names instead of
	// the next in turn.
	routeHeader = "X-Test-Route"
	// statusClientLeft records a request whose client gave up (nginx's 499).
	statusClientLeft = 499
)

// answer is one request through the balancer.
type answer struct {
	replica    string
	method     string
	path       string
	status     int // 502: the replica could not be reached; 0: its answer broke off; 499: the client left
	start, end time.Time
}

type roundRobin struct {
	URL      string
	names    []string
	backends map[string]*httputil.ReverseProxy
	next     atomic.Uint64

	mu      sync.Mutex
	answers []answer
}

// startRoundRobin serves a balancer over the replicas (name → base URL,
// taken in the order of names) on a loopback port until the test ends.
func startRoundRobin(t testing.TB, names []string, bases map[string]string) *roundRobin {
	t.Helper()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns, transport.MaxIdleConnsPerHost = 256, 256
	lb := &roundRobin{names: names, backends: map[string]*httputil.ReverseProxy{}}
	for _, name := range names {
		target, err := url.Parse(bases[name])
		if err != nil {
			t.Fatal(err)
		}
		lb.backends[name] = &httputil.ReverseProxy{
			// The Host stays the one the client used, as Caddy keeps it:
			// the login form's Origin check compares with it.
			Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(target); pr.Out.Host = pr.In.Host },
			Transport: transport,
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				if r.Context().Err() != nil {
					w.WriteHeader(statusClientLeft)
					return
				}
				w.WriteHeader(http.StatusBadGateway)
			},
		}
	}
	srv := httptest.NewServer(lb)
	t.Cleanup(func() { srv.Close(); transport.CloseIdleConnections() })
	lb.URL = srv.URL
	return lb
}

func (lb *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.Header.Get(routeHeader)
	if _, ok := lb.backends[name]; !ok {
		name = lb.names[(lb.next.Add(1)-1)%uint64(len(lb.names))]
	}
	a := answer{replica: name, method: r.Method, path: r.URL.Path, start: time.Now()}
	w.Header().Set(replicaHeader, name)
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		// ReverseProxy aborts with http.ErrAbortHandler when the replica's
		// answer breaks off after its headers were sent.
		a.status, a.end = sw.status, time.Now()
		v := recover()
		switch {
		case v != nil && r.Context().Err() != nil:
			a.status = statusClientLeft // while the answer was being copied to it
		case v != nil:
			a.status = 0
		}
		lb.mu.Lock()
		lb.answers = append(lb.answers, a)
		lb.mu.Unlock()
		if v != nil {
			panic(v)
		}
	}()
	lb.backends[name].ServeHTTP(sw, r)
}

// since returns the answers recorded from index from on, and the index to
// ask from next time.
func (lb *roundRobin) since(from int) ([]answer, int) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return append([]answer(nil), lb.answers[from:]...), len(lb.answers)
}

// mark is the index of the next answer, to pass to since.
func (lb *roundRobin) mark() int {
	_, n := lb.since(0)
	return n
}

// tally counts answers by replica and status.
func tally(answers []answer) map[string]map[int]int {
	out := map[string]map[int]int{}
	for _, a := range answers {
		if out[a.replica] == nil {
			out[a.replica] = map[int]int{}
		}
		out[a.replica][a.status]++
	}
	return out
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// routeTo is a transport that sends every request to one replica through
// the balancer.
type routeTo struct {
	replica string
	base    http.RoundTripper
}

func (rt routeTo) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(routeHeader, rt.replica)
	return rt.base.RoundTrip(r)
}
