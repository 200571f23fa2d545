package engine

import (
	"errors"
	"fmt"
	"time"
)

// Error codes, defined once here. The HTTP layer maps each to a status in one table;
// the TUI and scenarios show Message. Internal errors are shown to users only as
// "internal error".
const (
	EINVALID      = "invalid"      // bad input: a field is missing, malformed or out of range
	EUNAUTHORIZED = "unauthorized" // a key, credential or token is wrong
	EFORBIDDEN    = "forbidden"    // refused whoever asks: e.g. a web page's cross-origin request
	ENOTFOUND     = "not_found"    // no such account, event, customer …
	ECONFLICT     = "conflict"     // the thing exists already, is used, or is busy
	ERATELIMITED  = "rate_limited" // inside a rate-limit window; RetryAfter says how long
	ELOCKED       = "locked"       // too many wrong answers; RetryAfter says how long
	EEXPIRED      = "expired"      // a token, code or session outlived its validity
	EUNAVAILABLE  = "unavailable"  // the bank is down or did not answer in time
	ETOOLARGE     = "too_large"    // a request body over the cap
	ENOSPACE      = "no_space"     // the disk is full: nothing of the change was saved
	EINTERNAL     = "internal"     // a bug or an I/O failure; never shown in detail
)

// Error is the domain's error: a code for machines, a message for people that says
// what was wrong and what to do, and optionally the offending field, a more precise
// reason (such as "REAUTH_TOKEN_EXPIRED") and how long to wait before retrying.
type Error struct {
	Code       string
	Message    string
	Field      string
	Reason     string
	RetryAfter time.Duration
	// AttemptsLeft, on a refused sign-in or answer, is how many more wrong ones the
	// bank takes before it locks the login; 0 when the bank does not say.
	AttemptsLeft int
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the offending field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// WithReason sets the precise reason and returns e, for chaining.
func (e *Error) WithReason(reason string) *Error { e.Reason = reason; return e }

// ErrorCode returns the code of err if it is (or wraps) an *Error, "" for nil, and
// EINTERNAL for anything else.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of err, hiding the details of internal errors.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "internal error"
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// ErrorMessageOrText is what a command line prints for err: the message of a domain
// error, or the error's own text for anything else (a CLI user can act on an OS error).
func ErrorMessageOrText(err error) string {
	if e, ok := AsError(err); ok {
		return e.Message
	}
	return err.Error()
}
