package notify

import (
	"context"
	"net/mail"
	"slices"
	"strings"

	"policydesk"
)

// Inbox is what a signed-in user does with their inbox and mail setting.
type Inbox struct {
	Store InboxStore
}

// MaxInboxPage is the most items one page of the inbox holds; MaxMarkRead
// the most ids one call marks read.
const (
	MaxInboxPage = 100
	MaxMarkRead  = 500
)

func signedIn(ctx context.Context) (*policydesk.User, error) {
	u := policydesk.UserFromContext(ctx)
	if u == nil {
		return nil, policydesk.Errorf(policydesk.EUnauthorized, "Log in first.")
	}
	return u, nil
}

// List returns a page of the caller's inbox, newest first; limit is
// bounded by MaxInboxPage (0 is 50).
func (s *Inbox) List(ctx context.Context, limit, offset int) (*InboxPage, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if limit < 0 || limit > MaxInboxPage || offset < 0 {
		return nil, policydesk.Errorf(policydesk.EInvalid, "A page of the inbox holds 1 to %d items, from offset 0 on.", MaxInboxPage)
	}
	if limit == 0 {
		limit = 50
	}
	return s.Store.FindInbox(ctx, u.ID, limit, offset)
}

// Unread counts the caller's unread items; 0 for no one signed in.
func (s *Inbox) Unread(ctx context.Context) (int, error) {
	u := policydesk.UserFromContext(ctx)
	if u == nil {
		return 0, nil
	}
	return s.Store.CountUnread(ctx, u.ID)
}

// MarkRead marks the caller's items with the ids read, or all of them.
func (s *Inbox) MarkRead(ctx context.Context, ids []int64, all bool) (int, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return 0, err
	}
	switch {
	case all && len(ids) > 0:
		return 0, policydesk.Errorf(policydesk.EInvalid, "Name the items to mark read, or all of them, not both.")
	case all:
		return s.Store.MarkRead(ctx, u.ID, nil)
	case len(ids) == 0:
		return 0, policydesk.Errorf(policydesk.EInvalid, "Name the items to mark read (ids), or say all.")
	case len(ids) > MaxMarkRead:
		return 0, policydesk.Errorf(policydesk.EInvalid, "At most %d items are marked read at once.", MaxMarkRead)
	}
	return s.Store.MarkRead(ctx, u.ID, ids)
}

// MailSetting returns the caller's mail setting and address.
func (s *Inbox) MailSetting(ctx context.Context) (*Recipient, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.FindRecipient(ctx, u.ID)
}

// SetMail saves the caller's mail setting (immediately, digest or off)
// and, when email is not nil, their address ("" removes it).
func (s *Inbox) SetMail(ctx context.Context, setting string, email *string) (*Recipient, error) {
	r, err := s.MailSetting(ctx)
	if err != nil {
		return nil, err
	}
	if setting != "" {
		if !slices.Contains(MailSettings, setting) {
			return nil, policydesk.Errorf(policydesk.EInvalid, "Mail is immediately, digest or off, not %q.", setting).On("mail")
		}
		r.Mail = setting
	}
	if email != nil {
		addr := strings.TrimSpace(*email)
		if a, err := mail.ParseAddress(addr); addr != "" && (err != nil || a.Address != addr || len(addr) > 254) {
			return nil, policydesk.Errorf(policydesk.EInvalid, "%q is not an e-mail address.", addr).On("email")
		}
		r.Email = addr
	}
	return r, s.Store.SetMailSetting(ctx, r.UserID, r.Mail, r.Email)
}
