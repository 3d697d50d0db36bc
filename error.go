package policydesk

import (
	"errors"
	"fmt"
)

// Error codes, one per HTTP status in the API contract. The web layer owns the
// table from code to status; the domain only says what went wrong.
const (
	EBadRequest   = "bad_request"
	EUnauthorized = "unauthorized"
	EForbidden    = "forbidden"
	ENotFound     = "not_found"
	EConflict     = "conflict"
	// ETooManyRequests: a password check refused by the login throttle
	// (429 with Retry-After).
	ETooManyRequests = "too_many_requests"
	ETooLarge        = "too_large"
	ETooComplex      = "too_complex" // a text beyond the rendering bounds; 422 like EInvalid
	EUnsupported     = "unsupported"
	EInvalid         = "invalid"
	EUnavailable     = "unavailable"
	EInternal        = "internal"
)

// Error is an application error whose Message is safe to show to the caller.
// Anything that is not an *Error is reported as "internal" with no detail.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("policydesk error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted, user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic sentence so no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// Unavailable reports that a part the service depends on cannot be reached.
// Callers see EUnavailable with message (ErrorCode, ErrorMessage find the
// *Error first); the cause stays in Error() for the logs and for errors.Is.
func Unavailable(message string, cause error) error {
	return &unavailableError{public: Errorf(EUnavailable, "%s", message), cause: cause}
}

type unavailableError struct {
	public *Error
	cause  error
}

func (e *unavailableError) Error() string { return e.public.Message + ": " + e.cause.Error() }

// Unwrap gives errors.As the *Error first and errors.Is the cause.
func (e *unavailableError) Unwrap() []error { return []error{e.public, e.cause} }
