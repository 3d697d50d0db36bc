package meili

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ms "github.com/meilisearch/meilisearch-go"

	"policydesk"
	"policydesk/search"
)

// The recorded contract: the exact requests meilisearch-go v0.37.0 sends for
// each operation and the replies Meilisearch documents for them. The fake
// server checks each request against the next exchange in order.

const key = "test-master-key"

type exchange struct {
	method, path string
	body         string                          // expected JSON, compared as values; "" for none
	check        func(t *testing.T, body []byte) // instead of body, for dynamic parts
	status       int
	reply        string
}

type fakeMeili struct {
	t    *testing.T
	mu   sync.Mutex
	next []exchange
	srv  *httptest.Server
}

func newFake(t *testing.T, script ...exchange) *fakeMeili {
	f := &fakeMeili{t: t, next: script}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.srv.Close()
		if len(f.next) > 0 {
			t.Errorf("requests not sent: %d, next %s %s", len(f.next), f.next[0].method, f.next[0].path)
		}
	})
	return f
}

func (f *fakeMeili) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.t
	body, _ := io.ReadAll(r.Body)
	if len(f.next) == 0 {
		t.Errorf("unexpected request %s %s %s", r.Method, r.URL, body)
		http.Error(w, `{"message":"unexpected"}`, http.StatusTeapot)
		return
	}
	x := f.next[0]
	f.next = f.next[1:]
	if got := r.Header.Get("Authorization"); got != "Bearer "+key {
		t.Errorf("%s %s: Authorization %q", r.Method, r.URL.Path, got)
	}
	if r.Method != x.method || r.URL.RequestURI() != x.path {
		t.Errorf("request %s %s, want %s %s", r.Method, r.URL.RequestURI(), x.method, x.path)
	}
	if len(body) > 0 && r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s %s: Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	switch {
	case x.check != nil:
		x.check(t, body)
	case x.body != "":
		jsonEqual(t, x.method+" "+x.path, body, x.body)
	case len(body) > 0:
		t.Errorf("%s %s: unexpected body %s", r.Method, r.URL.Path, body)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(x.status)
	io.WriteString(w, x.reply)
}

func jsonEqual(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: body %s: %v", what, got, err)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad expected JSON: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: body\n got %s\nwant %s", what, got, want)
	}
}

// enqueued is the 202 reply to every asynchronous call.
func enqueued(uid int, index, typ string) string {
	return fmt.Sprintf(`{"taskUid":%d,"indexUid":%q,"status":"enqueued","type":%q,"enqueuedAt":"2026-03-01T10:00:00Z"}`,
		uid, index, typ)
}

// task is the reply to GET /tasks/:uid.
func task(uid int, index, typ, status, errJSON string) exchange {
	reply := fmt.Sprintf(`{"uid":%d,"indexUid":%q,"status":%q,"type":%q,"details":{},"duration":"PT0.01S",`+
		`"enqueuedAt":"2026-03-01T10:00:00Z","startedAt":"2026-03-01T10:00:00Z","finishedAt":"2026-03-01T10:00:01Z"`,
		uid, index, status, typ)
	if errJSON != "" {
		reply += `,"error":` + errJSON
	}
	return exchange{method: "GET", path: fmt.Sprintf("/tasks/%d", uid), status: 200, reply: reply + "}"}
}

func succeeded(uid int, index, typ string) exchange { return task(uid, index, typ, "succeeded", "") }

const settingsJSON = `{
	"searchableAttributes": ["title_folded","heading_folded","text_folded","variants_folded","forms_folded"],
	"displayedAttributes": ["id","type","document_id","title","kind","status","language","year",
		"article_id","article_num","heading","comment_id","attachment_id","text"],
	"filterableAttributes": ["type","kind","status","language","visibility","year","document_id","readers","owner"],
	"sortableAttributes": ["year"],
	"typoTolerance": {"enabled":true,"minWordSizeForTypos":{"oneTypo":5,"twoTypos":9},
		"disableOnWords":[],"disableOnAttributes":[],"disableOnNumbers":false}
}`

// openScript is what Open sends for index uid.
func openScript(uid string, first int) []exchange {
	return []exchange{
		{method: "POST", path: "/indexes", body: fmt.Sprintf(`{"uid":%q,"primaryKey":"id"}`, uid),
			status: 202, reply: enqueued(first, uid, "indexCreation")},
		succeeded(first, uid, "indexCreation"),
		{method: "PATCH", path: "/indexes/" + uid + "/settings", body: settingsJSON,
			status: 202, reply: enqueued(first+1, uid, "settingsUpdate")},
		succeeded(first+1, uid, "settingsUpdate"),
	}
}

func openFake(t *testing.T, script ...exchange) *Index {
	f := newFake(t, append(openScript("entries", 1), script...)...)
	ix, err := Open(context.Background(), f.srv.URL, key, "entries")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

var entry = search.Entry{
	ID: "doc:12:a5", Type: search.TypeDocument, DocumentID: 12, Title: "Udhëzim për qendrat ditore",
	Kind: "administrative_instruction", Status: "draft", Language: "sq", Visibility: "restricted", Year: 2026,
	ArticleID: "a5", ArticleNum: "5", Heading: "Neni 5 Đorđe", Text: "Kujdesi ndaj fëmijëve.", Readers: []int64{2, 4},
	Owner: 9,
}

const entryJSON = `{"id":"doc_c12_ca5","type":"document","document_id":12,"title":"Udhëzim për qendrat ditore",
	"kind":"administrative_instruction","status":"draft","language":"sq","visibility":"restricted","year":2026,
	"article_id":"a5","article_num":"5","heading":"Neni 5 Đorđe","text":"Kujdesi ndaj fëmijëve.","readers":[2,4],"owner":9,
	"title_folded":"udhezim per qendrat ditore","heading_folded":"neni 5 djordje","text_folded":"kujdesi ndaj femijeve.",
	"variants_folded":"dorde",
	"forms_folded":"ditor ditora ditorat ditorave ditoren ditores ditoret ditoreve ditori ditorin ditorit ditoru ditorun ditorut ditorve djordj djordja djordjat djordjave djordjen djordjes djordjet djordjeve djordji djordjin djordjit djordju djordjun djordjut djordjve femij femija femijat femijave femije femijen femijes femijet femiji femijin femijit femiju femijun femijut femijve kujd kujda kujdat kujdave kujde kujden kujdes kujdet kujdeve kujdi kujdin kujdit kujdu kujdun kujdut kujdve nenia neniat neniave nenie nenien nenies neniet nenieve nenii neniin neniit neniu neniun neniut nenive qendr qendra qendrave qendre qendren qendres qendret qendreve qendri qendrin qendrit qendru qendrun qendrut qendrve udhezima udhezimat udhezimave udhezime udhezimen udhezimes udhezimet udhezimeve udhezimi udhezimin udhezimit udhezimu udhezimun udhezimut udhezimve"}`

func TestContractOpenExistingIndex(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/indexes", body: `{"uid":"entries","primaryKey":"id"}`,
			status: 202, reply: enqueued(1, "entries", "indexCreation")},
		task(1, "entries", "indexCreation", "failed",
			`{"message":"Index entries already exists.","code":"index_already_exists","type":"invalid_request","link":""}`),
		exchange{method: "PATCH", path: "/indexes/entries/settings", body: settingsJSON,
			status: 202, reply: enqueued(2, "entries", "settingsUpdate")},
		succeeded(2, "entries", "settingsUpdate"),
	)
	if _, err := Open(context.Background(), f.srv.URL, key, "entries"); err != nil {
		t.Fatalf("Open on an existing index: %v", err)
	}
}

func TestContractSettingsFailed(t *testing.T) {
	f := newFake(t,
		exchange{method: "POST", path: "/indexes", body: `{"uid":"entries","primaryKey":"id"}`,
			status: 202, reply: enqueued(1, "entries", "indexCreation")},
		succeeded(1, "entries", "indexCreation"),
		exchange{method: "PATCH", path: "/indexes/entries/settings", body: settingsJSON,
			status: 202, reply: enqueued(2, "entries", "settingsUpdate")},
		task(2, "entries", "settingsUpdate", "failed",
			`{"message":"bad","code":"invalid_settings_typo_tolerance","type":"invalid_request","link":""}`),
	)
	if _, err := Open(context.Background(), f.srv.URL, key, "entries"); err == nil ||
		!strings.Contains(err.Error(), "invalid_settings_typo_tolerance") {
		t.Fatalf("Open with failed settings task: %v", err)
	}
}

func TestContractUpsert(t *testing.T) {
	ix := openFake(t,
		exchange{method: "POST", path: "/indexes/entries/documents", body: "[" + entryJSON + "]",
			status: 202, reply: enqueued(3, "entries", "documentAdditionOrUpdate")},
		task(3, "entries", "documentAdditionOrUpdate", "processing", ""),
		succeeded(3, "entries", "documentAdditionOrUpdate"),
	)
	if err := ix.Upsert(context.Background(), []search.Entry{entry}); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

func TestContractUpsertTaskFailed(t *testing.T) {
	ix := openFake(t,
		exchange{method: "POST", path: "/indexes/entries/documents", body: "[" + entryJSON + "]",
			status: 202, reply: enqueued(3, "entries", "documentAdditionOrUpdate")},
		task(3, "entries", "documentAdditionOrUpdate", "failed",
			`{"message":"Document identifier is invalid.","code":"invalid_document_id","type":"invalid_request","link":"https://docs.meilisearch.com/errors#invalid_document_id"}`),
	)
	err := ix.Upsert(context.Background(), []search.Entry{entry})
	if err == nil {
		t.Fatal("Upsert succeeded although its task failed")
	}
	if !strings.Contains(err.Error(), "invalid_document_id") || policydesk.ErrorCode(err) != policydesk.EInternal {
		t.Errorf("Upsert error = %v (code %s)", err, policydesk.ErrorCode(err))
	}
}

func TestContractDelete(t *testing.T) {
	ix := openFake(t,
		exchange{method: "POST", path: "/indexes/entries/documents/delete-batch", body: `["doc_c12_ca5","comment_c7"]`,
			status: 202, reply: enqueued(3, "entries", "documentDeletion")},
		succeeded(3, "entries", "documentDeletion"),
		exchange{method: "POST", path: "/indexes/entries/documents/delete", body: `{"filter":"document_id = 12"}`,
			status: 202, reply: enqueued(4, "entries", "documentDeletion")},
		succeeded(4, "entries", "documentDeletion"),
	)
	if err := ix.Delete(context.Background(), []string{"doc:12:a5", "comment:7"}); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := ix.DeleteDocument(context.Background(), 12); err != nil {
		t.Fatalf("DeleteDocument: %v", err)
	}
}

func TestContractSearch(t *testing.T) {
	ix := openFake(t, exchange{method: "POST", path: "/indexes/entries/search", body: `{
		"q":"femijeve qendrave","limit":20,"hybrid":null,"matchingStrategy":"all",
		"attributesToRetrieve":["id","type","document_id","title","kind","status","language","year",
			"article_id","article_num","heading","comment_id","attachment_id","text"],
		"facets":["kind","status","language","year"],
		"filter":"kind = \"administrative_instruction\" AND year = 2026 AND (visibility = \"internal\" OR readers = 3 OR owner = 3)"}`,
		status: 200, reply: `{
		"hits":[{"id":"doc_c12_ca5","type":"document","document_id":12,"title":"Udhëzim për qendrat ditore",
			"kind":"administrative_instruction","status":"draft","language":"sq","year":2026,"article_id":"a5",
			"article_num":"5","heading":"Neni 5","text":"Licencimi i Qendrave Ditore për fëmijëve <b>sot</b>."},
			{"id":"comment_c7","type":"comment","document_id":12,"title":"Udhëzim për qendrat ditore",
			"kind":"administrative_instruction","status":"draft","language":"sq","year":2026,"comment_id":7,
			"text":"Shtoni qendrave kriteret për fëmijëve."}],
		"query":"femijeve qendrave","processingTimeMs":1,"limit":20,"offset":0,"estimatedTotalHits":2,
		"facetDistribution":{"kind":{"administrative_instruction":2},"status":{"draft":2},"language":{"sq":2},"year":{"2026":2}},
		"facetStats":{"year":{"min":2026,"max":2026}}}`})
	res, err := ix.Search(context.Background(), search.Query{Q: "fëmijëve Qendrave", Kind: "administrative_instruction",
		Year: 2026, Internal: true, Owner: true, UserID: 3})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	want := &search.Result{Total: 2, Hits: []search.Hit{
		{ID: "doc:12:a5", Type: "document", DocumentID: 12, Title: "Udhëzim për qendrat ditore",
			Kind: "administrative_instruction", Status: "draft", Language: "sq", Year: 2026, ArticleID: "a5",
			ArticleNum: "5", Heading: "Neni 5",
			Snippet: "Licencimi i <mark>Qendrave</mark> Ditore për <mark>fëmijëve</mark> &lt;b&gt;sot&lt;/b&gt;."},
		{ID: "comment:7", Type: "comment", DocumentID: 12, Title: "Udhëzim për qendrat ditore",
			Kind: "administrative_instruction", Status: "draft", Language: "sq", Year: 2026, CommentID: 7,
			Snippet: "Shtoni <mark>qendrave</mark> kriteret për <mark>fëmijëve</mark>."},
	}, Facets: map[string]map[string]int{
		"kind": {"administrative_instruction": 2}, "status": {"draft": 2}, "language": {"sq": 2}, "year": {"2026": 2},
	}}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("Search\n got %+v\nwant %+v", res, want)
	}
}

func TestContractSearchNoAccessSendsNothing(t *testing.T) {
	ix := openFake(t)
	res, err := ix.Search(context.Background(), search.Query{Q: "x"})
	if err != nil || res.Total != 0 || len(res.Hits) != 0 {
		t.Fatalf("Search without access: %+v, %v", res, err)
	}
}

func TestContractPing(t *testing.T) {
	ix := openFake(t,
		exchange{method: "GET", path: "/health", status: 200, reply: `{"status":"available"}`},
	)
	if err := ix.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestContractRebuild(t *testing.T) {
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return time.Unix(1772359200, 0) }
	tmp := "entries_1772359200000000000"
	script := openScript(tmp, 3)
	script = append(script,
		exchange{method: "POST", path: "/indexes/" + tmp + "/documents", body: "[" + entryJSON + "]",
			status: 202, reply: enqueued(5, tmp, "documentAdditionOrUpdate")},
		succeeded(5, tmp, "documentAdditionOrUpdate"),
		exchange{method: "POST", path: "/swap-indexes", body: `[{"indexes":["entries","` + tmp + `"],"rename":false}]`,
			status: 202, reply: enqueued(6, "", "indexSwap")},
		succeeded(6, "", "indexSwap"),
		exchange{method: "DELETE", path: "/indexes/" + tmp, status: 202, reply: enqueued(7, tmp, "indexDeletion")},
		succeeded(7, tmp, "indexDeletion"),
	)
	ix := openFake(t, script...)
	err := ix.Rebuild(context.Background(), func(put func([]search.Entry) error) error {
		return put([]search.Entry{entry})
	})
	if err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
}

func TestContractRebuildFillFails(t *testing.T) {
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return time.Unix(1772359200, 0) }
	tmp := "entries_1772359200000000000"
	script := append(openScript(tmp, 3),
		exchange{method: "DELETE", path: "/indexes/" + tmp, status: 202, reply: enqueued(5, tmp, "indexDeletion")},
		succeeded(5, tmp, "indexDeletion"),
	)
	ix := openFake(t, script...)
	boom := errors.New("store down")
	err := ix.Rebuild(context.Background(), func(put func([]search.Entry) error) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Rebuild = %v, want the fill error; the live index must stay untouched", err)
	}
}

func TestUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	_, err := Open(context.Background(), url, key, "entries")
	if policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Fatalf("Open on a closed port = %v (code %s), want unavailable", err, policydesk.ErrorCode(err))
	}
	ix := &Index{client: ms.New(url, ms.WithAPIKey(key)), name: "entries"}
	if err := ix.Ping(context.Background()); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("Ping = %v, want unavailable", err)
	}
	if _, err := ix.Search(context.Background(), search.Query{All: true}); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("Search = %v, want unavailable", err)
	}
	if err := ix.Upsert(context.Background(), []search.Entry{entry}); policydesk.ErrorCode(err) != policydesk.EUnavailable {
		t.Errorf("Upsert = %v, want unavailable", err)
	}
}

func TestIDRoundTrip(t *testing.T) {
	for _, id := range []string{"doc:12:a5", "doc:12:_", "comment:7", "att:3", "a_b", "a__c", "x.y", "ë/ü %", "_c", ""} {
		enc := encodeID(id)
		for _, c := range enc {
			if !(c == '_' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
				t.Errorf("encodeID(%q) = %q has %q", id, enc, c)
			}
		}
		if got, err := decodeID(enc); err != nil || got != id {
			t.Errorf("decodeID(encodeID(%q) = %q) = %q, %v", id, enc, got, err)
		}
	}
	if got := encodeID("doc:12:a5"); got != "doc_c12_ca5" {
		t.Errorf("encodeID = %q", got)
	}
	for _, bad := range []string{"a_", "_q", "_x4"} {
		if _, err := decodeID(bad); err == nil {
			t.Errorf("decodeID(%q) accepted", bad)
		}
	}
}

func TestFilter(t *testing.T) {
	for _, c := range []struct {
		q    search.Query
		want string
		ok   bool
	}{
		{search.Query{All: true}, "", true},
		{search.Query{Internal: true, UserID: 3}, `(visibility = "internal" OR readers = 3)`, true},
		{search.Query{Internal: true, Owner: true, UserID: 3}, `(visibility = "internal" OR readers = 3 OR owner = 3)`, true},
		{search.Query{Owner: true}, "", false},
		{search.Query{UserID: 4, Status: "draft"}, `status = "draft" AND (readers = 4)`, true},
		{search.Query{All: true, Kind: `a"b\c`}, `kind = "a\"b\\c"`, true},
		{search.Query{}, "", false},
	} {
		got, ok := Filter(c.q)
		if got != c.want || ok != c.ok {
			t.Errorf("Filter(%+v) = %q, %v; want %q, %v", c.q, got, ok, c.want, c.ok)
		}
	}
}

// TestContractSynonyms: the groups go to the synonyms setting folded, each
// term to the others, and an index Rebuild makes carries them.
func TestContractSynonyms(t *testing.T) {
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return time.Unix(1772359200, 0) }
	tmp := "entries_1772359200000000000"
	// Stop words are left out of the terms as out of queries.
	const synonymsJSON = `{"mou":["memorandum understanding","memorandum mirekuptimit"],
		"memorandum understanding":["mou","memorandum mirekuptimit"],
		"memorandum mirekuptimit":["mou","memorandum understanding"]}`
	withSynonyms := strings.TrimSuffix(strings.TrimSpace(settingsJSON), "}") + `,"synonyms":` + synonymsJSON + "}"
	ix := openFake(t,
		exchange{method: "PUT", path: "/indexes/entries/settings/synonyms", body: synonymsJSON,
			status: 202, reply: enqueued(3, "entries", "settingsUpdate")},
		succeeded(3, "entries", "settingsUpdate"),
		exchange{method: "POST", path: "/indexes", body: fmt.Sprintf(`{"uid":%q,"primaryKey":"id"}`, tmp),
			status: 202, reply: enqueued(4, tmp, "indexCreation")},
		succeeded(4, tmp, "indexCreation"),
		exchange{method: "PATCH", path: "/indexes/" + tmp + "/settings", body: withSynonyms,
			status: 202, reply: enqueued(5, tmp, "settingsUpdate")},
		succeeded(5, tmp, "settingsUpdate"),
		exchange{method: "DELETE", path: "/indexes/" + tmp, status: 202, reply: enqueued(6, tmp, "indexDeletion")},
		succeeded(6, tmp, "indexDeletion"),
	)
	syn := search.CompileSynonyms([]search.SynonymGroup{{ID: "mou",
		Terms: []string{"MoU", "Memorandum of Understanding", "Memorandum i Mirëkuptimit"}}})
	if err := ix.SetSynonyms(context.Background(), syn); err != nil {
		t.Fatalf("SetSynonyms: %v", err)
	}
	boom := errors.New("stop after the settings")
	if err := ix.Rebuild(context.Background(), func(func([]search.Entry) error) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("Rebuild = %v", err)
	}
}

// TestContractSearchGrouped: group=document asks for distinct documents,
// then counts each page document's matches with a document_id facet; the
// snippets mark the synonyms' words too.
func TestContractSearchGrouped(t *testing.T) {
	ix := openFake(t,
		exchange{method: "POST", path: "/indexes/entries/search", body: `{
		"q":"mou","limit":20,"hybrid":null,"matchingStrategy":"all","distinct":"document_id",
		"attributesToRetrieve":["id","type","document_id","title","kind","status","language","year",
			"article_id","article_num","heading","comment_id","attachment_id","text"],
		"facets":["kind","status","language","year"]}`,
			status: 200, reply: `{
		"hits":[{"id":"doc_c12_ca5","type":"document","document_id":12,"title":"Memorandum i Mirëkuptimit me Bonevet",
			"kind":"mou","status":"adopted","language":"sq","year":2025,"article_id":"a5",
			"article_num":"5","heading":"Neni 5","text":"Ky memorandum i mirëkuptimit hyn në fuqi."}],
		"query":"mou","processingTimeMs":1,"limit":20,"offset":0,"estimatedTotalHits":1,
		"facetDistribution":{"kind":{"mou":3},"status":{"adopted":3},"language":{"sq":3},"year":{"2025":3}}}`},
		exchange{method: "POST", path: "/indexes/entries/search", body: `{
		"q":"mou","hitsPerPage":0,"page":1,"hybrid":null,"matchingStrategy":"all",
		"filter":"document_id IN [12]","facets":["document_id"]}`,
			status: 200, reply: `{"hits":[],"query":"mou","processingTimeMs":1,"hitsPerPage":0,"page":1,
		"totalPages":0,"totalHits":3,"facetDistribution":{"document_id":{"12":3}}}`},
	)
	syn := search.CompileSynonyms(search.BuiltinSynonyms)
	res, err := ix.Search(context.Background(), search.Query{Q: "MoU", All: true, Group: true, Synonyms: syn})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].More != 2 {
		t.Fatalf("grouped result %+v", res)
	}
	if want := "Ky <mark>memorandum</mark> i <mark>mirëkuptimit</mark> hyn në fuqi."; res.Hits[0].Snippet != want {
		t.Errorf("snippet %q, want %q", res.Hits[0].Snippet, want)
	}
}

// TestContractStemsAndStopWords: the forms attribute carries the other
// forms of the words (the entry's own "fëmijëve" stands in text_folded,
// "fëmijës" in forms_folded, so a search for either finds it, the form as
// written ranking first by attribute order); the query goes without its
// stop words; the snippet marks the other form and never the stop word.
func TestContractStemsAndStopWords(t *testing.T) {
	doc := toDoc(entry)
	forms := strings.Fields(doc.Forms)
	for _, f := range []string{"femijes", "femija", "femijen", "qendra", "qendres"} {
		if !slices.Contains(forms, f) {
			t.Errorf("forms_folded lacks %q: %s", f, doc.Forms)
		}
	}
	for _, own := range []string{"femijeve", "qendrat", "ndaj"} {
		if slices.Contains(forms, own) {
			t.Errorf("forms_folded repeats %q, a word of the entry or a stop word", own)
		}
	}
	if i, j := slices.Index(searchable, aTextFolded), slices.Index(searchable, aForms); i < 0 || j < i {
		t.Errorf("searchable attributes %q: the forms must come after the text as written", searchable)
	}
	ix := openFake(t, exchange{method: "POST", path: "/indexes/entries/search", body: `{
		"q":"mbrojtja femijes","limit":20,"hybrid":null,"matchingStrategy":"all",
		"attributesToRetrieve":["id","type","document_id","title","kind","status","language","year",
			"article_id","article_num","heading","comment_id","attachment_id","text"],
		"facets":["kind","status","language","year"]}`,
		status: 200, reply: `{
		"hits":[{"id":"doc_c5_ca3","type":"document","document_id":5,"title":"Rregullore për mbrojtjen e fëmijëve",
			"kind":"regulation","status":"draft","language":"sq","year":2026,"article_id":"a3",
			"article_num":"3","heading":"Neni 3","text":"Mbrojtja e fëmijëve dhe e të rinjve."}],
		"query":"mbrojtja femijes","processingTimeMs":1,"limit":20,"offset":0,"estimatedTotalHits":1,
		"facetDistribution":{"kind":{"regulation":1},"status":{"draft":1},"language":{"sq":1},"year":{"2026":1}}}`})
	res, err := ix.Search(context.Background(), search.Query{Q: "mbrojtja e fëmijës", All: true})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if len(res.Hits) != 1 || res.Hits[0].Snippet != "<mark>Mbrojtja</mark> e <mark>fëmijëve</mark> dhe e të rinjve." {
		t.Errorf("hits %+v", res.Hits)
	}
}
