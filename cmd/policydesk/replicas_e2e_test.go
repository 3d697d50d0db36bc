package main

// The two-replica end-to-end test: two policydesk processes, each with its
// own data directory, on one PostgreSQL (reached through a proxy the test
// can take away) and one MinIO, behind a round-robin balancer.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"policydesk/drafts/draftstest"
	"policydesk/storage/postgres/pgtest"
	"policydesk/storage/s3/s3test"
)

// replicaSet is the deployment under test.
type replicaSet struct {
	db    *pgtest.Proxy
	a, b  *testServer
	lb    *roundRobin
	admin *apiClient // a token from a login through the balancer
}

func startReplicas(t *testing.T) *replicaSet {
	t.Helper()
	db := pgtest.StartProxy(t, pgtest.URL(t))
	cfg, _, _ := s3test.StartMinIO(t)
	env := append(s3Env(cfg), "POLICYDESK_DATABASE_URL="+db.URL)
	replicas := startTogether(t, 2, env)
	a, b := replicas[0], replicas[1]
	const created = "created user admin"
	if strings.Contains(a.Logs(), created) == strings.Contains(b.Logs(), created) {
		t.Errorf("replicas started together on an empty database: want exactly one to say %q", created)
	}
	lb := startRoundRobin(t, []string{"A", "B"}, map[string]string{"A": a.URL, "B": b.URL})
	return &replicaSet{db: db, a: a, b: b, lb: lb, admin: loginAPI(t, lb.URL, "admin", e2eAdminPassword)}
}

// startTogether starts n servers at once on fresh data directories, as
// compose starts the replicas: on an empty database they race to migrate,
// to create the admin account and to create the bucket.
func startTogether(t *testing.T, n int, env []string) []*testServer {
	t.Helper()
	bin := policydeskBinary(t)
	servers, errs := make([]*testServer, n), make([]error, n)
	dirs := make([]string, n)
	for i := range dirs {
		dirs[i] = t.TempDir()
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { servers[i], errs[i] = launch(bin, dirs[i], env...) })
	}
	wg.Wait()
	for _, s := range servers {
		if s != nil {
			s.stopAtEnd(t)
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d of %d started together: %v", i+1, n, err)
		}
	}
	return servers
}

// on is c's token used directly on the replica at base.
func (c *apiClient) on(base string) *apiClient {
	return &apiClient{base: base, token: c.token, http: c.http}
}

// TestTwoReplicas runs the checks of a deployment with two replicas on one
// database and one object store; the last one kills replica A.
func TestTwoReplicas(t *testing.T) {
	rs := startReplicas(t)
	t.Run("session and token across replicas", func(t *testing.T) {
		checkBrowserAcrossReplicas(t, rs)
		checkTokenAcrossReplicas(t, rs)
	})
	t.Run("attachment uploaded on A downloads on B", func(t *testing.T) { checkAttachmentAcross(t, rs) })
	t.Run("20 racing saves on one base", func(t *testing.T) { checkRacingSaves(t, rs, 20) })
	t.Run("database taken away under load", func(t *testing.T) { checkDatabaseOutage(t, rs) })
	t.Run("kill -9 of A during saves", func(t *testing.T) { checkKillReplica(t, rs) })
}

// browser is a cookie session through the balancer whose requests go to
// one replica or the other as the test says.
type browser struct {
	jar *cookiejar.Jar
	lb  *roundRobin
}

func (br *browser) via(replica string) *http.Client {
	return &http.Client{Jar: br.jar, Timeout: 15 * time.Second,
		Transport:     routeTo{replica: replica, base: http.DefaultTransport},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// send GETs (form nil) or POSTs path through replica and returns the
// status, the Location and the page; it checks who answered.
func (br *browser) send(t *testing.T, replica, path string, form url.Values) (int, string, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if form == nil {
		resp, err = br.via(replica).Get(br.lb.URL + path)
	} else {
		resp, err = br.via(replica).PostForm(br.lb.URL+path, form)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if got := resp.Header.Get(replicaHeader); got != replica {
		t.Fatalf("%s was answered by replica %q, want %s", path, got, replica)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(page)
}

var baseField = regexp.MustCompile(`name="base" value="(\d+)"`)

// checkBrowserAcrossReplicas logs in with the form on A, opens the editor
// on B and saves with its CSRF token on A; a save without the token is
// refused on either; logging out on B ends the session on A too.
func checkBrowserAcrossReplicas(t *testing.T, rs *replicaSet) {
	doc := rs.admin.createDocument(t, "Rregullore e dy kopjeve", "# Neni 1\n\nTekst i parë.\n")
	jar, _ := cookiejar.New(nil)
	br := &browser{jar: jar, lb: rs.lb}
	resp := formLogin(t, br.via("A"), rs.lb.URL, "admin", e2eAdminPassword, "/documents")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get(replicaHeader) != "A" {
		t.Fatalf("form login on A: %d from %q", resp.StatusCode, resp.Header.Get(replicaHeader))
	}

	edit := fmt.Sprintf("/documents/%d/edit", doc.ID)
	status, _, page := br.send(t, "B", edit, nil)
	csrf, base := loginTokenField.FindStringSubmatch(page), baseField.FindStringSubmatch(page)
	if status != http.StatusOK || csrf == nil || base == nil || base[1] != "1" {
		t.Fatalf("the editor on B with A's session: %d, csrf %v, base %v", status, csrf, base)
	}
	form := url.Values{"base": {"1"}, "body": {"# Neni 1\n\nTekst i ruajtur nga shfletuesi.\n"}, "message": {"nga shfletuesi"}}
	for _, replica := range []string{"A", "B"} {
		if status, _, _ := br.send(t, replica, edit, form); status != http.StatusForbidden {
			t.Errorf("a save without the CSRF token on %s: %d, want 403", replica, status)
		}
	}
	form.Set("csrf_token", csrf[1])
	if status, loc, _ := br.send(t, "A", edit, form); status != http.StatusSeeOther || !strings.HasPrefix(loc, fmt.Sprintf("/documents/%d", doc.ID)) {
		t.Fatalf("the save on A with the token B showed: %d to %q", status, loc)
	}
	var v versionJSON
	if err := rs.admin.on(rs.b.URL).do(t.Context(), http.MethodGet, fmt.Sprintf("/api/v1/documents/%d/versions/2", doc.ID), nil, &v); err != nil ||
		v.SHA256 != sha256Hex(form.Get("body")) {
		t.Fatalf("the version saved from the browser, read on B: %+v, %v", v, err)
	}

	if status, _, _ := br.send(t, "B", "/logout", url.Values{"csrf_token": {csrf[1]}}); status != http.StatusSeeOther {
		t.Fatalf("logout on B: %d", status)
	}
	if status, loc, _ := br.send(t, "A", edit, nil); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Errorf("the editor on A after logging out on B: %d to %q, want a redirect to the login page", status, loc)
	}
}

// checkTokenAcrossReplicas: an API token from a login on A works on B, and
// ends on A when its session is closed on B.
func checkTokenAcrossReplicas(t *testing.T, rs *replicaSet) {
	onA := loginAPI(t, rs.a.URL, "admin", e2eAdminPassword)
	onB := onA.on(rs.b.URL)
	doc := onB.createDocument(t, "Udhëzim administrativ", "# Neni 1\n\nTekst.\n")
	var got documentJSON
	if err := onA.do(t.Context(), http.MethodGet, fmt.Sprintf("/api/v1/documents/%d", doc.ID), nil, &got); err != nil || got.Title != doc.Title {
		t.Fatalf("the document created on B, read on A with the same token: %+v, %v", got, err)
	}
	if err := onB.do(t.Context(), http.MethodDelete, "/api/v1/sessions/current", nil, nil); err != nil {
		t.Fatalf("ending the session on B: %v", err)
	}
	if err := onA.do(t.Context(), http.MethodGet, "/api/v1/users/me", nil, nil); statusOfErr(err) != http.StatusUnauthorized {
		t.Errorf("the token on A after its session ended on B: %v, want 401", err)
	}
}

// checkAttachmentAcross uploads through A and downloads the same bytes
// through B: both use the one bucket.
func checkAttachmentAcross(t *testing.T, rs *replicaSet) {
	doc := rs.admin.createDocument(t, "Rregullore me shtojcë", "# Neni 1\n\nTekst.\n")
	data := randomBytes(3<<20+17, 11)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	up, err := rs.admin.on(rs.a.URL).uploadStream(ctx, doc.ID, "shtojca.bin", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("upload on A: %v", err)
	}
	sum, n, err := rs.admin.on(rs.b.URL).download(ctx, up.ID, io.Discard)
	if err != nil || n != int64(len(data)) || sum != up.SHA256 || sum != sha256Hex(string(data)) {
		t.Fatalf("download on B: %d bytes, sha256 %s, %v; uploaded %d bytes, %s", n, sum, err, len(data), up.SHA256)
	}
}

// conflictJSON is a 409 answer to a save.
type conflictJSON struct {
	Error struct{ Code string } `json:"error"`
	Head  int                   `json:"head"`
	Merge struct {
		Body  string `json:"body"`
		Clean bool   `json:"clean"`
	} `json:"merge"`
}

// checkRacingSaves sends n saves on one base at once through the balancer:
// exactly one becomes the next version, every other gets 409 with a merge
// proposal holding both its own edit and the winner's; both replicas took
// part.
func checkRacingSaves(t *testing.T, rs *replicaSet, n int) {
	base := draftstest.Regulation(6, 600, 3)
	doc := rs.admin.createDocument(t, "Rregullore e garës", base)
	addition := func(i int) string { return fmt.Sprintf("Shtesa e garuesit numër %d.", i) }
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	from := rs.lb.mark()
	for i := range n {
		wg.Go(func() {
			body := base + "\n" + addition(i) + "\n"
			<-start
			errs[i] = rs.admin.do(t.Context(), http.MethodPost, fmt.Sprintf("/api/v1/documents/%d/versions", doc.ID),
				map[string]any{"base": 1, "body": body, "message": addition(i)}, nil)
		})
	}
	close(start)
	wg.Wait()
	answers, _ := rs.lb.since(from)
	byReplica := tally(answers)
	if len(byReplica["A"]) == 0 || len(byReplica["B"]) == 0 {
		t.Errorf("the saves did not reach both replicas: %v", byReplica)
	}
	if created, conflicts := byReplica["A"][http.StatusCreated]+byReplica["B"][http.StatusCreated],
		byReplica["A"][http.StatusConflict]+byReplica["B"][http.StatusConflict]; created != 1 || conflicts != n-1 {
		t.Errorf("the replicas answered %v, want one 201 and %d 409", byReplica, n-1)
	}

	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Errorf("saves %d and %d on base 1 were both acknowledged", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("no save was acknowledged: %v", errs)
	}
	for i, err := range errs {
		if i == winner {
			continue
		}
		var c conflictJSON
		ae, ok := err.(*apiError)
		if !ok || ae.Status != http.StatusConflict || json.Unmarshal(ae.Body, &c) != nil {
			t.Errorf("save %d: %v, want 409 with a merge proposal", i, err)
			continue
		}
		if c.Error.Code != "conflict" || c.Head != 2 || !strings.Contains(c.Merge.Body, addition(i)) || !strings.Contains(c.Merge.Body, addition(winner)) {
			t.Errorf("save %d: 409 with code %q, head %d, and a merge proposal that lacks its own edit or the winner's (%d):\n%.300s",
				i, c.Error.Code, c.Head, winner, c.Merge.Body)
		}
	}
	var got documentJSON
	if err := rs.admin.on(rs.b.URL).do(t.Context(), http.MethodGet, fmt.Sprintf("/api/v1/documents/%d", doc.ID), nil, &got); err != nil || got.Head != 2 {
		t.Fatalf("after the race the head is %d (%v), want 2", got.Head, err)
	}
	var v versionJSON
	if err := rs.admin.on(rs.a.URL).do(t.Context(), http.MethodGet, fmt.Sprintf("/api/v1/documents/%d/versions/2", doc.ID), nil, &v); err != nil ||
		v.SHA256 != sha256Hex(base+"\n"+addition(winner)+"\n") {
		t.Fatalf("version 2 is not the acknowledged save %d: %+v, %v", winner, v, err)
	}
}

// replicaWriter saves versions of docID through c until ctx ends, each
// body unique; acknowledged saves go to acks. A 502 (the replica the
// balancer chose is gone), a 503 (the database is) or an answer that broke
// off (the replica died while sending it) is answered by trying again; the
// test judges those from the balancer's record. Anything else unexpected is
// a problem.
func replicaWriter(ctx context.Context, c *apiClient, docID int64, writer int, base string, acks *ackLog) {
	path := fmt.Sprintf("/api/v1/documents/%d", docID)
	again := func(err error) bool {
		switch statusOfErr(err) {
		case 0, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusConflict:
			time.Sleep(10 * time.Millisecond)
			return ctx.Err() == nil
		}
		acks.problem("writer %d: %v", writer, err)
		return false
	}
	for attempt := 0; ctx.Err() == nil; attempt++ {
		var doc documentJSON
		if err := c.do(ctx, http.MethodGet, path, nil, &doc); err != nil {
			if again(err) {
				continue
			}
			return
		}
		body := fmt.Sprintf("%s\n## Neni %d – Shënim i shkruesit %d\n\nPërpjekja %d e shkruesit %d.\n", base, 1000+writer, writer, attempt, writer)
		var got versionJSON
		err := c.do(ctx, http.MethodPost, path+"/versions", map[string]any{"base": doc.Head, "body": body, "message": "shkruesi " + strconv.Itoa(writer)}, &got)
		if err != nil {
			if again(err) {
				continue
			}
			return
		}
		if got.SHA256 != sha256Hex(body) || got.Number != doc.Head+1 {
			acks.problem("writer %d: save on base %d acknowledged as version %d with sha256 %s", writer, doc.Head, got.Number, got.SHA256)
		}
		acks.record(ack{number: got.Number, sha256: sha256Hex(body), writer: writer})
	}
}

// writers starts n replicaWriters on a new document through the balancer
// and returns the document, the acknowledgements and a stop function that
// waits for them and reports their problems.
func writers(t *testing.T, rs *replicaSet, title string, n int) (*documentJSON, *ackLog, func()) {
	base := draftstest.Regulation(8, 1200, 5)
	doc := rs.admin.createDocument(t, title, base)
	acks := &ackLog{byNumber: map[int]ack{1: {number: 1, sha256: sha256Hex(base)}}}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() { replicaWriter(ctx, rs.admin, doc.ID, w, base, acks) })
	}
	return doc, acks, func() {
		cancel()
		wg.Wait()
		acks.mu.Lock()
		defer acks.mu.Unlock()
		for _, p := range acks.problems {
			t.Error(p)
		}
	}
}

// acked is the number of acknowledged versions so far.
func (l *ackLog) acked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byNumber)
}

// waitAcks waits up to limit for more than n acknowledged versions.
func waitAcks(t *testing.T, acks *ackLog, n int, limit time.Duration) {
	t.Helper()
	within(t, limit, fmt.Sprintf("more than %d acknowledged saves", n), func() bool { return acks.acked() > n })
}
