package s3

import (
	"context"
	"mime"
	"net/url"
	"time"
)

// PresignedGetURL returns a URL that downloads key directly from the store
// for expiry. The response is forced to be a download: Content-Disposition
// attachment with filename (RFC 6266, non-ASCII names as filename*) and
// Content-Type application/octet-stream, whatever the object says.
func (s *Store) PresignedGetURL(ctx context.Context, key, filename string, expiry time.Duration) (string, error) {
	if err := s.ensureBucket(ctx); err != nil {
		return "", err
	}
	params := url.Values{}
	params.Set("response-content-disposition", ContentDisposition(filename))
	params.Set("response-content-type", "application/octet-stream")
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, expiry, params)
	if err != nil {
		return "", s.translate(err, key)
	}
	return u.String(), nil
}

// ContentDisposition is "attachment" with filename as mime.FormatMediaType
// encodes it: plain or quoted when ASCII, an RFC 2231 filename* when not.
func ContentDisposition(filename string) string {
	if filename == "" {
		return "attachment"
	}
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": filename}); v != "" {
		return v
	}
	return "attachment"
}
