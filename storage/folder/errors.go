package folder

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"policydesk"
)

// errNotDir is what opening "a/b" gives when "a" is a file: no such key.
var errNotDir error = syscall.ENOTDIR

// pathError is EConflict when key cannot be a file because a key is a
// prefix of it ("a" and "a/b"), which S3 would allow; keys the service
// makes never collide this way.
func pathError(key string, err error) error {
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) || errors.Is(err, fs.ErrExist) {
		return policydesk.Errorf(policydesk.EConflict, "Attachment key %q collides with another key.", key)
	}
	return unavailable(err)
}

func notFound(key string) error {
	return policydesk.Errorf(policydesk.ENotFound, "Attachment %q not found.", key)
}

// unavailable is EUnavailable to the caller, with the file system's reason kept for
// the logs.
func unavailable(cause error) error {
	return policydesk.Unavailable("The attachment store is unavailable; try again shortly.", fmt.Errorf("folder: %w", cause))
}
