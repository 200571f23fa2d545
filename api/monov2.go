package api

import (
	"net/http"
	"strings"
)

// Mono's current API (v2; ../shared/MONO-V2.md) beside v1, over the same engine and
// the same connected accounts: an account connected through either is read through
// both. Every answer is an envelope; errors are the envelope with status "failed"
// and data null, with the status of the one table (errors.go).

func (s *Server) monoV2Routes(mux *routeMux) {
}

// isV2Path reports whether a path belongs to the v2 group.
func isV2Path(p string) bool { return p == "/v2" || strings.HasPrefix(p, "/v2/") }

// envelope is every v2 answer: {"status","message","timestamp","data"} and, for a page,
// "meta" beside data.
type envelope struct {
	Status    string `json:"status"`
	Message   string `json:"message"`
	Timestamp string `json:"timestamp"`
	Data      any    `json:"data"`
	Meta      any    `json:"meta,omitempty"`
}

// timestamp is a v2 answer's "timestamp": the virtual clock's now, so that a
// scenario's transcript repeats byte for byte.
func (s *Server) timestamp() string { return instant(s.eng.Clock().Now()) }

// v2ErrorBody is v2's error: the envelope, failed, with data null.
func (s *Server) v2ErrorBody(e apiError) any {
	return envelope{Status: "failed", Message: e.Message, Timestamp: s.timestamp()}
}

// v2 wraps a v2 route: the secret key, errors in the envelope.
func (s *Server) v2(h handlerFunc) http.Handler { return s.secretAs(s.v2ErrorBody, h) }

// answerV2 writes a successful v2 answer.
func (s *Server) answerV2(w http.ResponseWriter, message string, data any) {
	writeJSON(w, http.StatusOK, envelope{Status: "successful", Message: message, Timestamp: s.timestamp(), Data: data})
}
