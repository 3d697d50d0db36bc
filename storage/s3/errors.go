package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"

	"github.com/minio/minio-go/v7"

	"policydesk"
)

// unavailable is EUnavailable to the caller, with the client's reason kept for
// the logs.
func unavailable(cause error) error {
	return policydesk.Unavailable("The attachment store is unavailable; try again shortly.", fmt.Errorf("s3: %w", cause))
}

// serverDown lists the S3 codes of a server that is up but cannot serve, or
// that this service cannot use (wrong keys): the store is unavailable either
// way, and the cause goes to the logs.
var serverDown = map[string]bool{
	"XMinioServerNotInitialized": true,
	"ServiceUnavailable":         true,
	"SlowDown":                   true,
	"XMinioStorageFull":          true,
	"InternalError":              true,
	"RequestTimeout":             true,
	"AccessDenied":               true,
	"InvalidAccessKeyId":         true,
	"SignatureDoesNotMatch":      true,
}

// translate maps a minio-go error onto the drafts error codes.
func (s *Store) translate(err error, key string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err // the caller gave up; not the store's fault
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey":
		return policydesk.Errorf(policydesk.ENotFound, "Attachment %q not found.", key)
	case resp.Code == "NoSuchBucket":
		// Someone removed the bucket: create it again on the next call.
		s.bucketReady.Store(false)
		return unavailable(err)
	case serverDown[resp.Code] || resp.StatusCode >= http.StatusInternalServerError:
		return unavailable(err)
	case resp.Code != "":
		return fmt.Errorf("s3: %w", err)
	}
	if isConnection(err) {
		return unavailable(err)
	}
	return fmt.Errorf("s3: %w", err)
}

// isConnection tells whether err is the network failing: refused, reset,
// timed out, a name that does not resolve, a connection cut mid-answer.
func isConnection(err error) bool {
	var netErr net.Error
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.As(err, &netErr) && netErr.Timeout() || errors.As(err, &dnsErr) || errors.As(err, &opErr) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
