// Package storetest is the store conformance suite: every store behaviour
// the service relies on, run against each database the store opens
// (storage/sqlite and storage/postgres call Run from their tests).
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"policydesk"
	"policydesk/drafts"
	"policydesk/drafts/outline"
	"policydesk/storage/sqldb"
)

// Backend is one fresh database under test: the store, and a second,
// independent handle on the same database (? placeholders work on both)
// for what the store has no method for, as an operator with the database's
// shell would.
type Backend struct {
	DB  *sqldb.DB
	Raw *sql.DB
}

// Opener gives each test its own fresh, migrated database, closed when the
// test ends.
type Opener func(tb testing.TB) Backend

// Run runs every case of the suite against the databases open gives.
func Run(t *testing.T, open Opener) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.test(t, open) })
	}
}

var cases = []struct {
	name string
	test func(*testing.T, Opener)
}{
	{"AttachmentText_QueueSaveRetry", testAttachmentText_QueueSaveRetry},
	{"Outbox_AccessChangesFirst", testOutbox_AccessChangesFirst},
	{"Outbox_SetAsideAndRetry", testOutbox_SetAsideAndRetry},
	{"Check_FreshDB", testCheck_FreshDB},
	{"Users", testUsers},
	{"Users_Language", testUsers_Language},
	{"Sessions", testSessions},
	{"Sessions_Expired", testSessions_Expired},
	{"CreateDocument", testCreateDocument},
	{"AddVersion", testAddVersion},
	{"AddVersion_Concurrent", testAddVersion_Concurrent},
	{"AuditOrder_FollowsSaves", testAuditOrder_FollowsSaves},
	{"UniqueViolation_IsConflict", testUniqueViolation_IsConflict},
	{"Throttle_ConcurrentFailuresAllCount", testThrottle_ConcurrentFailuresAllCount},
	{"ImmutableTables", testImmutableTables},
	{"FindDocuments_Access", testFindDocuments_Access},
	{"FindAudit_Paging", testFindAudit_Paging},
	{"FindAudit_Filters", testFindAudit_Filters},
	{"DocumentTitles", testDocumentTitles},
	{"Outbox_EveryStoreChangeQueuesInItsTransaction", testOutbox_EveryStoreChangeQueuesInItsTransaction},
	{"Outbox_SameTextStatusQueuesNothing", testOutbox_SameTextStatusQueuesNothing},
	{"Outbox_QueuingIsGoCode", testOutbox_QueuingIsGoCode},
	{"Outbox_EveryChangeEnqueuesItsDocument", testOutbox_EveryChangeEnqueuesItsDocument},
	{"Outbox_RolledBackChangeEnqueuesNothing", testOutbox_RolledBackChangeEnqueuesNothing},
	{"Outbox_PendingDoneRetryBacklog", testOutbox_PendingDoneRetryBacklog},
	{"ReviewStore_RoundsNumberedPerDocumentConcurrently", testReviewStore_RoundsNumberedPerDocumentConcurrently},
	{"ReviewStore_CloseAndReopenRoundConflicts", testReviewStore_CloseRoundTwiceConflicts},
	{"ReviewStore_CommentsWithReplies", testReviewStore_CommentsWithReplies},
	{"ReviewStore_UpdateCommentPersistsDecision", testReviewStore_UpdateCommentPersistsDecision},
	{"ReviewStore_ForeignKeys", testReviewStore_ForeignKeys},
	{"ReviewStore_EveryChangeAudited", testReviewStore_EveryChangeAudited},
	{"ReviewStore_WordImport", testReviewStore_WordImport},
	{"SearchLog_NumbersFollowCommitOrder", testSearchLog_NumbersFollowCommitOrder},
	{"SearchLog_RollbackGivesItsNumberBack", testSearchLog_RollbackGivesItsNumberBack},
	{"SearchLog_AccessAndPrune", testSearchLog_AccessAndPrune},
	{"Claims_TwoConsumersNeverShare", testClaims_TwoConsumersNeverShare},
	{"Claims_ExpireAndRelease", testClaims_ExpireAndRelease},
	{"Claims_EndAtRestore", testClaims_EndAtRestore},
	{"OutboxLag", testOutboxLag},
	{"Inbox_FollowerEveryKind", testInbox_FollowerEveryKind},
	{"Inbox_FollowerRestartAndTwoReplicas", testInbox_FollowerRestartAndTwoReplicas},
	{"Inbox_MentionsRefused", testInbox_MentionsRefused},
	{"Inbox_ReadMarksAndMail", testInbox_ReadMarksAndMail},
	{"Mail_EnqueueIdempotent", testMail_EnqueueIdempotent},
	{"Mail_ClaimsNeverShared", testMail_ClaimsNeverShared},
	{"Mail_MarkRetryAndBacklog", testMail_MarkRetryAndBacklog},
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// MustCreateUser creates a user with the role, or fails the test.
func MustCreateUser(tb testing.TB, db *sqldb.DB, login, role string) *policydesk.User {
	tb.Helper()
	u := &policydesk.User{Login: login, Name: strings.ToUpper(login), Role: role, PasswordHash: "x", CreatedAt: t0}
	if err := db.CreateUser(context.Background(), u, nil); err != nil {
		tb.Fatalf("create user %s: %v", login, err)
	}
	return u
}

// MustCreateDocument creates a document whose first version is body, or
// fails the test.
func MustCreateDocument(tb testing.TB, db *sqldb.DB, owner *policydesk.User, title, visibility, body string) *drafts.Document {
	tb.Helper()
	doc := &drafts.Document{Title: title, Kind: "regulation", Language: "sq", Status: "draft", Visibility: visibility,
		CreatedBy: owner.ID, CreatedAt: t0, UpdatedAt: t0}
	v := &drafts.Version{Number: 1, Body: body, SHA256: drafts.SHA256Hex(body), AuthorID: owner.ID, Message: "First version", CreatedAt: t0}
	audit := &policydesk.AuditEntry{At: t0, ActorID: owner.ID, Actor: owner.Login, Action: "document.create", ObjectType: "document"}
	if err := db.CreateDocument(context.Background(), doc, v, audit); err != nil {
		tb.Fatalf("create document %q: %v", title, err)
	}
	return doc
}

func newVersion(doc *drafts.Document, number int, author *policydesk.User, body string) *drafts.Version {
	return &drafts.Version{DocumentID: doc.ID, Number: number, Body: body, SHA256: drafts.SHA256Hex(body),
		AuthorID: author.ID, Message: fmt.Sprintf("v%d", number), CreatedAt: t0.Add(time.Duration(number) * time.Minute),
		Outline: outline.Parse(body)}
}

func auditTotal(tb testing.TB, db *sqldb.DB) int {
	tb.Helper()
	_, n, err := db.FindAudit(context.Background(), policydesk.AuditFilter{Limit: 1})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// CountRows counts the rows of table through raw, or fails the test.
func CountRows(tb testing.TB, raw *sql.DB, table string) int {
	tb.Helper()
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func assertCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := policydesk.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}
