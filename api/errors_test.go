package api

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A request's log line says an error's code, and sandbank's own failures (a
// damaged file, a full disk) are warnings, which --log-level warn keeps: a damaged
// file's 503s were in no warn log, and at info said only "503" (a QA engineer's
// trial). A simulated bank's outage, or a client's mistake, is not one.
func TestOwnFailuresAreLoggedAsWarnings(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	answer := func(e apiError) {
		h := s.logged(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { answerError(w, r, v1ErrorBody, e) }))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/accounts/x", nil))
	}
	answer(apiError{Status: http.StatusServiceUnavailable, Code: "DATABASE_DAMAGED", Message: "the database file /x.db looks damaged"})
	answer(apiError{Status: http.StatusServiceUnavailable, Code: "UNAVAILABLE", Message: "GTBank is unavailable"})
	answer(apiError{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "no account x"})
	answer(apiError{Status: http.StatusInternalServerError, Code: "RECEIVER_ERROR", Message: "the built-in receiver is set to answer 500"})
	answer(internalError)
	out := logs.String()
	if !strings.Contains(out, "level=WARN msg=request") || !strings.Contains(out, "status=503 code=DATABASE_DAMAGED") ||
		!strings.Contains(out, "status=500 code=INTERNAL_ERROR") || strings.Count(out, "msg=request") != 2 {
		t.Fatalf("at --log-level warn:\n%s\nwant the damaged file's and the bug's requests alone, with their codes", out)
	}
}
