package attachments

import "context"

// Find returns an attachment's metadata if the caller may read its
// document (ENOTFOUND otherwise, as for a missing one).
func (a *Attachments) Find(ctx context.Context, id int64) (*Attachment, error) {
	return a.find(ctx, id)
}
