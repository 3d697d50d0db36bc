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
	// Field names the input the message is about ("body", "reason"), as the
	// API's JSON and the browser's form call it; "" for the request as a whole.
	Field string
	// Format and Args are Message before it was formatted: Format is the
	// English sentence with its verbs, the key under which the catalogs
	// keep its translations (see Translator), and Args its values.
	Format string
	Args   []any
}

// In is e's message in lang, put into words by t.
func (e *Error) In(t Translator, lang string) string {
	if e.Format == "" || t == nil {
		return e.Message
	}
	return t.Sentence(lang, e.Format, e.Args...)
}

// On returns a copy of e about field: a form can show it beside that input.
func (e *Error) On(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// OnField marks err, when it is an *Error, as being about field; any other
// error (nil, wrapped, internal) is returned as it is.
func OnField(field string, err error) error {
	if e, ok := err.(*Error); ok {
		return e.On(field)
	}
	return err
}

// ErrorField returns the field the *Error in err's chain is about, "" when
// none.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

func (e *Error) Error() string {
	return fmt.Sprintf("policydesk error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted, user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
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

// ErrorMessage returns the user-facing message of err in English; internal
// errors get a generic sentence so no detail leaks.
func ErrorMessage(err error) string {
	return ErrorMessageIn(err, English, "en")
}

// ErrorMessageIn is ErrorMessage in lang, put into words by t.
func ErrorMessageIn(err error, t Translator, lang string) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.In(t, lang)
	}
	return t.Sentence(lang, internalError)
}

// internalError is what the caller of a request that failed inside reads.
const internalError = "Internal error."

// Unavailable reports that a part the service depends on cannot be reached.
// Callers see EUnavailable with message (ErrorCode, ErrorMessage find the
// *Error first); the cause stays in Error() for the logs and for errors.Is.
// message is a sentence the catalogs translate (a format without values).
func Unavailable(message string, cause error) error {
	return &unavailableError{public: &Error{Code: EUnavailable, Message: message, Format: message}, cause: cause}
}

type unavailableError struct {
	public *Error
	cause  error
}

func (e *unavailableError) Error() string { return e.public.Message + ": " + e.cause.Error() }

// Unwrap gives errors.As the *Error first and errors.Is the cause.
func (e *unavailableError) Unwrap() []error { return []error{e.public, e.cause} }

// AsError is the *Error in err's chain, or err itself when it has none.
func AsError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return err
}
