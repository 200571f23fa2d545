package api

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sandbank/engine"
)

// statusOf maps each domain error code to its HTTP status — the one table.
var statusOf = map[string]int{
	engine.EINVALID:      http.StatusBadRequest,
	engine.EUNAUTHORIZED: http.StatusUnauthorized,
	engine.ENOTFOUND:     http.StatusNotFound,
	engine.ECONFLICT:     http.StatusConflict,
	engine.ERATELIMITED:  http.StatusTooManyRequests,
	engine.ELOCKED:       http.StatusTooManyRequests,
	engine.EEXPIRED:      http.StatusGone,
	engine.EUNAVAILABLE:  http.StatusServiceUnavailable,
	engine.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	engine.EINTERNAL:     http.StatusInternalServerError,
}

// defaultReason is the JSON "code" of an error without a precise reason.
var defaultReason = map[string]string{
	engine.EINVALID:      "INVALID_REQUEST",
	engine.EUNAUTHORIZED: "UNAUTHORIZED",
	engine.ENOTFOUND:     "NOT_FOUND",
	engine.ECONFLICT:     "CONFLICT",
	engine.ERATELIMITED:  "RATE_LIMITED",
	engine.ELOCKED:       "LOCKED",
	engine.EEXPIRED:      "EXPIRED",
	engine.EUNAVAILABLE:  "UNAVAILABLE",
	engine.ETOOLARGE:     "BODY_TOO_LARGE",
	engine.EINTERNAL:     "INTERNAL_ERROR",
}

// errorBody is every error's JSON (DESIGN §4).
type errorBody struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
}

// writeError answers err as JSON with its status. Internal errors are logged and
// shown only as "internal error".
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code := engine.ErrorCode(err)
	body := errorBody{Status: "failed", Message: engine.ErrorMessage(err), Code: defaultReason[code]}
	if e, ok := engine.AsError(err); ok && code != engine.EINTERNAL {
		body.Field = e.Field
		if e.Reason != "" {
			body.Code = e.Reason
		}
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
		}
	}
	if code == engine.EINTERNAL {
		if errors.Is(err, r.Context().Err()) && r.Context().Err() != nil {
			return // the client went away; nobody reads an answer
		}
		log.Error("internal error", "route", r.Pattern, "err", err)
	}
	writeJSON(w, statusOf[code], body)
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"status":"failed","message":"internal error","code":"INTERNAL_ERROR"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// fallback answers what the mux does not route — unknown paths (404) and known paths
// with another method (405, with Allow) — as JSON.
func fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			writeJSON(w, http.StatusMethodNotAllowed, errorBody{Status: "failed", Code: "METHOD_NOT_ALLOWED",
				Message: r.Method + " is not allowed on " + r.URL.Path + "; use " + strings.ReplaceAll(rec.header.Get("Allow"), ",", " or")})
			return
		}
		writeJSON(w, http.StatusNotFound, errorBody{Status: "failed", Code: "NOT_FOUND",
			Message: "no route " + r.Method + " " + r.URL.Path + "; GET /openapi.yaml lists every route"})
	})
}

// statusRecorder captures what the mux's own 404/405 handler would write.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(code int)        { s.status = code }

// subtleEqual compares secrets in constant time.
func subtleEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
