package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"policydesk"
	"policydesk/drafts"
)

var _ drafts.DocumentStore = (*DB)(nil)

const documentColumns = `d.id, d.title, d.kind, d.language, d.status, d.visibility, d.head, d.created_by, u.login, d.created_at, d.updated_at`

func scanDocument(row interface{ Scan(...any) error }) (*drafts.Document, error) {
	var d drafts.Document
	var created, updated string
	if err := row.Scan(&d.ID, &d.Title, &d.Kind, &d.Language, &d.Status, &d.Visibility, &d.Head, &d.CreatedBy, &d.Owner, &created, &updated); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = parseTime(created), parseTime(updated)
	return &d, nil
}

// CreateDocument inserts the document, its first version and the audit entry
// and queues the document for search, in one transaction; the audit entry
// gets the new document's id.
func (db *DB) CreateDocument(ctx context.Context, doc *drafts.Document, v *drafts.Version, audit *policydesk.AuditEntry) error {
	// A transaction run again after a serialization failure gets a new id:
	// the audit entry's object is decided afresh each time.
	auditNamesObject := audit != nil && audit.ObjectID != ""
	return db.tx(ctx, func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, `INSERT INTO documents (title, kind, language, status, visibility, head, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, doc.Title, doc.Kind, doc.Language, doc.Status, doc.Visibility, v.Number,
			doc.CreatedBy, formatTime(doc.CreatedAt), formatTime(doc.UpdatedAt))
		if err != nil {
			return translate(err, "Document")
		}
		doc.ID = id
		v.DocumentID = doc.ID
		if err := insertVersion(ctx, tx, v); err != nil {
			return err
		}
		if err := enqueueSearch(ctx, tx, doc.ID, searchContent); err != nil {
			return err
		}
		if audit != nil && !auditNamesObject {
			audit.ObjectID = strconv.FormatInt(doc.ID, 10)
		}
		return appendAudit(ctx, tx, audit)
	})
}

func insertVersion(ctx context.Context, tx *sql.Tx, v *drafts.Version) error {
	outline, err := json.Marshal(v.Outline)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO versions (document_id, number, body, sha256, author_id, message, outline, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, v.DocumentID, v.Number, v.Body, v.SHA256, v.AuthorID, v.Message, string(outline), formatTime(v.CreatedAt))
	return translateOne(err, "Version", v.Number)
}

// FindDocumentAs returns the document with userID's membership role ("" if none).
func (db *DB) FindDocumentAs(ctx context.Context, id, userID int64) (*drafts.Document, string, error) {
	var d drafts.Document
	var created, updated, role string
	err := db.read.QueryRowContext(ctx, `SELECT `+documentColumns+`,
		COALESCE((SELECT m.role FROM members m WHERE m.document_id = d.id AND m.user_id = ?), '')
		FROM documents d JOIN users u ON u.id = d.created_by WHERE d.id = ?`, userID, id).
		Scan(&d.ID, &d.Title, &d.Kind, &d.Language, &d.Status, &d.Visibility, &d.Head, &d.CreatedBy, &d.Owner, &created, &updated, &role)
	if err != nil {
		return nil, "", translateOne(err, "Document", id)
	}
	d.CreatedAt, d.UpdatedAt = parseTime(created), parseTime(updated)
	return &d, role, nil
}

func (db *DB) FindDocument(ctx context.Context, id int64) (*drafts.Document, error) {
	d, err := scanDocument(db.read.QueryRowContext(ctx, `SELECT `+documentColumns+`
		FROM documents d JOIN users u ON u.id = d.created_by WHERE d.id = ?`, id))
	if err != nil {
		return nil, translateOne(err, "Document", id)
	}
	return d, nil
}

// FindDocuments lists documents, most recently changed first, limited to
// what the filter's access fields allow.
func (db *DB) FindDocuments(ctx context.Context, f drafts.DocumentFilter) ([]*drafts.Document, int, error) {
	var conds []string
	var args []any
	for _, c := range []struct{ col, val string }{{"d.kind", f.Kind}, {"d.status", f.Status}, {"d.language", f.Language}} {
		if c.val != "" {
			conds, args = append(conds, c.col+" = ?"), append(args, c.val)
		}
	}
	if access, accessArgs := readScope(f.Read); access != "" {
		conds, args = append(conds, access), append(args, accessArgs...)
	}
	var total int
	from := ` FROM documents d JOIN users u ON u.id = d.created_by` + where(conds)
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+documentColumns+from+` ORDER BY d.updated_at DESC, d.id DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	docs := []*drafts.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, 0, err
		}
		docs = append(docs, d)
	}
	return docs, total, rows.Err()
}

// readScope is the condition on documents d that drafts.Scope.Allows
// states, or "" for every document.
func readScope(s policydesk.Scope) (string, []any) {
	if s.All {
		return "", nil
	}
	or := []string{"EXISTS (SELECT 1 FROM members m WHERE m.document_id = d.id AND m.user_id = ?)"}
	args := []any{s.UserID}
	if s.Owner {
		or, args = append(or, "d.created_by = ?"), append(args, s.UserID)
	}
	if s.Internal {
		or = append(or, "d.visibility = 'internal'")
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

// UpdateDocument writes the document's title, status and visibility and
// queues it for search: a new visibility as an access change.
func (db *DB) UpdateDocument(ctx context.Context, doc *drafts.Document, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var visibility string
		if err := tx.QueryRowContext(ctx, db.forUpdate(`SELECT visibility FROM documents WHERE id = ?`), doc.ID).Scan(&visibility); err != nil {
			return translateOne(err, "Document", doc.ID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET title = ?, status = ?, visibility = ?, updated_at = ? WHERE id = ?`,
			doc.Title, doc.Status, doc.Visibility, formatTime(doc.UpdatedAt), doc.ID); err != nil {
			return translate(err, "Document")
		}
		change := searchContent
		if doc.Visibility != visibility {
			change = searchAccess
		}
		if err := enqueueSearch(ctx, tx, doc.ID, change); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
}

// AddVersion moves the head from v.Number-1 to v.Number, inserts the
// version and queues the document for search, atomically: if the head moved
// meanwhile nothing is written.
func (db *DB) AddVersion(ctx context.Context, v *drafts.Version, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE documents SET head = ?, updated_at = ? WHERE id = ? AND head = ?`,
			v.Number, formatTime(v.CreatedAt), v.DocumentID, v.Number-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return policydesk.Errorf(policydesk.EConflict, "Version %d is no longer the newest.", v.Number-1)
		}
		if err := insertVersion(ctx, tx, v); err != nil {
			return err
		}
		if err := enqueueSearch(ctx, tx, v.DocumentID, searchContent); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
}

func (db *DB) FindVersion(ctx context.Context, docID int64, number int) (*drafts.Version, error) {
	var v drafts.Version
	var created, outline string
	err := db.read.QueryRowContext(ctx, `SELECT v.document_id, v.number, v.body, v.sha256, v.author_id, u.login, v.message, v.outline, v.created_at
		FROM versions v JOIN users u ON u.id = v.author_id WHERE v.document_id = ? AND v.number = ?`, docID, number).
		Scan(&v.DocumentID, &v.Number, &v.Body, &v.SHA256, &v.AuthorID, &v.Author, &v.Message, &outline, &created)
	if err != nil {
		return nil, translateOne(err, "Version", number)
	}
	v.CreatedAt = parseTime(created)
	if err := json.Unmarshal([]byte(outline), &v.Outline); err != nil {
		return nil, err
	}
	return &v, nil
}

func (db *DB) FindVersions(ctx context.Context, docID int64) ([]*drafts.Version, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT v.document_id, v.number, v.sha256, v.author_id, u.login, v.message, v.created_at
		FROM versions v JOIN users u ON u.id = v.author_id WHERE v.document_id = ? ORDER BY v.number DESC`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	versions := []*drafts.Version{}
	for rows.Next() {
		var v drafts.Version
		var created string
		if err := rows.Scan(&v.DocumentID, &v.Number, &v.SHA256, &v.AuthorID, &v.Author, &v.Message, &created); err != nil {
			return nil, err
		}
		v.CreatedAt = parseTime(created)
		versions = append(versions, &v)
	}
	return versions, rows.Err()
}

// SetMember adds the member or changes their role, and queues the document
// for search as an access change.
func (db *DB) SetMember(ctx context.Context, m *drafts.Member, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO members (document_id, user_id, role) VALUES (?, ?, ?)
			ON CONFLICT (document_id, user_id) DO UPDATE SET role = excluded.role`, m.DocumentID, m.UserID, m.Role)
		if err != nil {
			return translate(err, "Member")
		}
		if err := enqueueSearch(ctx, tx, m.DocumentID, searchAccess); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
}

// RemoveMember removes the member and queues the document for search as an
// access change.
func (db *DB) RemoveMember(ctx context.Context, docID, userID int64, audit *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM members WHERE document_id = ? AND user_id = ?`, docID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return policydesk.Errorf(policydesk.ENotFound, "That user is not a member of the document.")
		}
		if err := enqueueSearch(ctx, tx, docID, searchAccess); err != nil {
			return err
		}
		return appendAudit(ctx, tx, audit)
	})
}

func (db *DB) FindMembers(ctx context.Context, docID int64) ([]*drafts.Member, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.document_id, m.user_id, u.login, u.name, m.role
		FROM members m JOIN users u ON u.id = m.user_id WHERE m.document_id = ? ORDER BY u.login`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	members := []*drafts.Member{}
	for rows.Next() {
		var m drafts.Member
		if err := rows.Scan(&m.DocumentID, &m.UserID, &m.Login, &m.Name, &m.Role); err != nil {
			return nil, err
		}
		members = append(members, &m)
	}
	return members, rows.Err()
}

func (db *DB) MemberRole(ctx context.Context, docID, userID int64) (string, error) {
	var role string
	err := db.read.QueryRowContext(ctx, `SELECT role FROM members WHERE document_id = ? AND user_id = ?`, docID, userID).Scan(&role)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return role, err
}

func (db *DB) AppendAudit(ctx context.Context, e *policydesk.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return appendAudit(ctx, tx, e) })
}

func (db *DB) FindAudit(ctx context.Context, f policydesk.AuditFilter) ([]*policydesk.AuditEntry, int, error) {
	var conds []string
	var args []any
	if f.ObjectType != "" {
		conds, args = append(conds, "object_type = ?"), append(args, f.ObjectType)
	}
	for _, c := range []struct{ cond, val string }{{"object_id = ?", f.ObjectID}, {"actor = ?", f.Actor}, {"action = ?", f.Action}} {
		if c.val != "" {
			conds, args = append(conds, c.cond), append(args, c.val)
		}
	}
	// at is stored as fixed-width UTC text, so text order is time order.
	if !f.From.IsZero() {
		conds, args = append(conds, "at >= ?"), append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "at < ?"), append(args, formatTime(f.To))
	}
	if f.BeforeID > 0 {
		conds, args = append(conds, "id < ?"), append(args, f.BeforeID)
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`+where(conds), args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, action, object_type, object_id, detail,
		detail_format, detail_args FROM audit_log`+where(conds)+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	entries := []*policydesk.AuditEntry{}
	for rows.Next() {
		var e policydesk.AuditEntry
		var at, args string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.DetailFormat, &args); err != nil {
			return nil, 0, err
		}
		e.DetailArgs = policydesk.DecodeArgs(args)
		e.At = parseTime(at)
		entries = append(entries, &e)
	}
	return entries, total, rows.Err()
}

// DocumentTitles returns the titles of the documents with the given ids
// that exist, in one query.
func (db *DB) DocumentTitles(ctx context.Context, ids []int64) (map[int64]string, error) {
	titles := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return titles, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, title FROM documents WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title string
		if err := rows.Scan(&id, &title); err != nil {
			return nil, err
		}
		titles[id] = title
	}
	return titles, rows.Err()
}
