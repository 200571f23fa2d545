// Package api is sandbank's HTTP face (DESIGN §4): Mono's v1 and v2 routes over the
// same engine, the connect widget flow, the sandbox controls and the OpenAPI document,
// on the standard library's net/http.
package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// defaultOrigin is the server openapi.yaml names; the served copy names its own.
const defaultOrigin = "http://127.0.0.1:7070"

// OpenAPI is the document of every route, served at /openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Server answers the HTTP API on top of an engine and the simulated bank.
type Server struct {
	eng      *engine.Engine
	bank     *simulator.Bank
	log      *slog.Logger
	handler  http.Handler
	inbox    *receiver
	rmode    receiverState
	scenario scenarioStatus
	txPages  answers     // GET /accounts/{id}/transactions, v1's and v2's
	pages    widgetPages // what each widget session's pages keep between requests (web.go)
	routes   []string    // every pattern registered, in order: the OpenAPI test checks them
	// realtimeWait is how long a real-time read waits for its job (Config).
	realtimeWait time.Duration
	savedClock   func() time.Time // Config.SavedClock
	// anyHost: the port listens beyond loopback (ListenOn), meant to be reached by
	// name: hostGuard lets every Host through.
	anyHost atomic.Bool
	// published is a secret key anyone may know (PublishedKey): it lets no Host
	// through.
	published atomic.Pointer[string]
	// flashKey signs what one response hands the next through an address (the
	// demo's reason for a failed sync): random, this process's, where the secret
	// key may be one anyone knows (a served scenario's default; the review).
	flashKey [32]byte
	// publicURL is Config.PublicURL.
	publicURL string
	// proxied: a request came through a proxy while there is no publicURL, and
	// the log said once what the links then name (proxyWarning).
	proxied sync.Once
}

// PublishedKey names a secret key anyone may know — a scenario's default, printed
// in the README — which lets no foreign Host through hostGuard: with it a page
// rebound to 127.0.0.1 had the whole API of a served scenario (a security review).
func (s *Server) PublishedKey(key string) { s.published.Store(&key) }

// ListenOn tells the server the address its port listens on: on one that is not
// loopback (0.0.0.0, a LAN address) it answers any Host.
func (s *Server) ListenOn(addr net.Addr) {
	tcp, ok := addr.(*net.TCPAddr)
	s.anyHost.Store(!ok || !tcp.IP.IsLoopback())
}

// Config wires a Server.
type Config struct {
	Engine *engine.Engine
	Bank   *simulator.Bank
	Logger *slog.Logger
	// RealtimeWait is how long, in real time, a v2 read with x-realtime: true waits
	// for its job before answering processing with the last sync's data (default 5 s).
	RealtimeWait time.Duration
	// SavedClock, if set, is the clock's time as the latest commit saved it
	// (store.DB.SavedClock): while a jump is under way GET /sandbox/clock answers
	// that, not where the jump has got to, which a crash would lose.
	SavedClock func() time.Time
	// PublicURL, if set, is the base URL apps and their users reach sandbank at —
	// a tunnel's, "https://abc.ngrok.app", no trailing slash — which the links the
	// API gives over a connection (mono_url, paging, statements, openapi.yaml's
	// server) name instead of the connection's address (origin): behind a tunnel
	// they named 127.0.0.1, which a phone cannot reach (a trial). Set by the one
	// who runs sandbank, never read from a request's Host or X-Forwarded-Host,
	// which any client sets.
	PublicURL string
}

// New builds the server's routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RealtimeWait <= 0 {
		cfg.RealtimeWait = realtimeWaitDefault
	}
	s := &Server{eng: cfg.Engine, bank: cfg.Bank, log: cfg.Logger, inbox: newReceiver(receiverMaxCount, receiverMaxBytes),
		realtimeWait: cfg.RealtimeWait, savedClock: cfg.SavedClock, publicURL: cfg.PublicURL}
	_, _ = rand.Read(s.flashKey[:]) // crypto/rand never fails on supported platforms
	if s.eng != nil {
		s.pages.kept = s.eng.WidgetKept
	}
	mux := &routeMux{ServeMux: http.NewServeMux()}
	s.register(mux)
	s.routes = mux.patterns
	s.handler = s.public(s.redacting(s.logged(s.recovered(s.headerLimit(s.hostGuard(s.fallback(mux.ServeMux)))))))
	return s
}

// public makes Config.PublicURL the origin of a request that came over a
// connection. A request made in process (a scenario's steps) keeps its own: its
// links are rewritten where they leave it (scenario.Serving.IDs), and a
// scenario's transcripts stay the same whatever URL it is served at.
func (s *Server) public(next http.Handler) http.Handler {
	if s.publicURL == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			r = r.WithContext(context.WithValue(r.Context(), originKey{}, s.publicURL))
		}
		next.ServeHTTP(w, r)
	})
}

// routeMux is a ServeMux that remembers its patterns.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// handlerFunc is a route's handler; a returned error is answered as JSON (or, to a
// browser, as a page: answerError).
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// secret wraps a route that needs the mono-sec-key header (R11); errors in v1's shape.
func (s *Server) secret(h handlerFunc) http.Handler { return s.secretAs(v1ErrorBody, h) }

// handle answers a handler's error as JSON, in v1's shape.
func (s *Server) handle(h handlerFunc) http.Handler { return s.handleAs(v1ErrorBody, h) }

// whereSecretKey and wherePublicKey say where to find the keys. "The one sandbank
// printed when it started" was wrong once the keys had been rotated, and the TUI
// prints none (a newcomer's trial).
const (
	whereSecretKey = "the secret key: sandbank serve prints it when it starts, the TUI shows it (ctrl+k, or Settings, 4), and rotating the keys replaces it"
	wherePublicKey = "the public key: sandbank serve prints it when it starts, the TUI's Settings (4) show it, and rotating the keys replaces it"
)

// secretAs wraps a route of a group whose errors take shape and that needs the
// mono-sec-key header (R11). The key is compared in constant time and never logged.
func (s *Server) secretAs(shape errorShape, h handlerFunc) http.Handler {
	return s.handleAs(shape, func(w http.ResponseWriter, r *http.Request) error {
		if keys := r.Header.Values("mono-sec-key"); len(keys) > 1 {
			// Which one counts is a guess a client should not rely on: the first won.
			return engine.Errorf(engine.EUNAUTHORIZED, "the request has %d mono-sec-key headers: send one, with the secret key", len(keys)).WithReason("INVALID_SECRET_KEY")
		}
		key := r.Header.Get("mono-sec-key")
		if key == "" || !s.eng.CheckSecretKey(key) {
			msg := "wrong mono-sec-key header: it is not this sandbank's current secret key; send " + whereSecretKey
			if key == "" {
				msg = "no mono-sec-key header: send " + whereSecretKey
				if len(r.Header.Values("mono-sec-key")) > 0 {
					msg = "the mono-sec-key header is empty: send " + whereSecretKey
				}
			}
			if key != "" && s.eng.CheckPublicKey(key) { // public: saying so gives nothing away
				msg = "mono-sec-key holds the public key, which is the Connect widget's; send " + whereSecretKey
			}
			if quotedKey(key) {
				msg = "the mono-sec-key header's value is in quotes: send the key without them (" + keyQuotesWhy + "); the header takes " + whereSecretKey
			}
			return engine.Errorf(engine.EUNAUTHORIZED, "%s", msg).WithReason("INVALID_SECRET_KEY")
		}
		if s.secretInPath(r.PathValue("id")) {
			// Echoed in the 404's message ("no connected account has ID
			// \"test_sk_…\"") and logged with the request (a fuzzing trial).
			return engine.Errorf(engine.ENOTFOUND, "%s", "the path holds a secret key where an ID goes: "+keyNotInURL+", and the path takes an ID")
		}
		return h(w, r)
	})
}

// quotedKey reports whether a key was sent inside quotes, "…" or '…': a .env
// file's KEY="test_sk_…" read by a loader that keeps the quotes sends them too,
// and the generic "not this sandbank's current key" sent the developer to check a
// key that was right (a v2 developer's trial). Only the quotes are looked at, so
// the answer says nothing of the key; the key itself is still compared in
// constant time, as sent, and never repeated.
func quotedKey(key string) bool {
	return len(key) >= 2 && (key[0] == '"' || key[0] == '\'') && key[len(key)-1] == key[0]
}

// keyQuotesWhy says where a key's quotes come from.
const keyQuotesWhy = "a .env file's KEY=\"…\" keeps them with some loaders: drop them there, or strip them in code"

// keyNotInURL says where the secret key goes instead of a path.
const keyNotInURL = "the key goes in the mono-sec-key header only — never in a URL, which logs and browser histories keep"

// secretInPathWords answer a path no route takes that holds the secret key.
const secretInPathWords = "on a path that holds the secret key: no route takes it, and " + keyNotInURL

// secretKeyLike reports whether s looks like a secret key (test_sk_…), to keep it
// out of messages and the log where an ID was expected.
func secretKeyLike(s string) bool { return strings.Contains(s, "_sk_") }

// secretInPath reports whether id, a path's value, holds a secret key: one that
// looks like one, or this sandbank's own, anywhere in it, compared in constant
// time — a key given with --secret-key need not hold "_sk_", and
// mysupersecretkey1234 where an ID goes was echoed in the 404 and logged as the
// account (a security review); with a comma or a space after it, it still was
// (a review).
func (s *Server) secretInPath(id string) bool {
	return secretKeyLike(id) || s.holdsKey(id)
}

// holdsKey reports whether v holds this sandbank's secret key, comparing each of
// its places in constant time.
func (s *Server) holdsKey(v string) bool {
	if s.eng == nil {
		return false
	}
	return containsKey(v, s.eng.Settings().SecretKey.Reveal())
}

// containsKey reports whether v holds key, in time that depends on the lengths
// alone. A key shorter than 8 bytes is taken for none: sandbank refuses such keys.
func containsKey(v, key string) bool {
	if len(key) < 8 || len(v) < len(key) {
		return false
	}
	found := 0
	for i := 0; i+len(key) <= len(v); i++ {
		var diff byte
		for j := 0; j < len(key); j++ {
			diff |= v[i+j] ^ key[j]
		}
		found |= subtle.ConstantTimeByteEq(diff, 0)
	}
	return found == 1
}

// redactCtx is the context key of a request's redactKey, which answerError
// applies to every message.
type redactCtx struct{}

// redacting gives the requests to next the server's redactKey.
func (s *Server) redacting(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), redactCtx{}, s.redactKey)))
	})
}

// redactKey writes the secret key, wherever a message repeats it (a path the 404
// or 405 quotes, a job's ID the answer names), as "(a secret key)".
// A word a message clipped keeps its first half, "…" after it: the key's first
// 19 characters of 20 came back so (a review). A clipped word that ends in 8 or
// more of the key's first characters has them written so too.
func (s *Server) redactKey(msg string) string {
	if s.eng == nil {
		return msg
	}
	key := s.eng.Settings().SecretKey.Reveal()
	if len(key) < 8 {
		return msg
	}
	if containsKey(msg, key) {
		msg = strings.ReplaceAll(msg, key, "(a secret key)")
	}
	var b strings.Builder
	for rest := msg; ; {
		i := strings.Index(rest, "…")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		head := rest[:i]
		for n := min(len(key)-1, len(head)); n >= 8; n-- {
			if subtle.ConstantTimeCompare([]byte(head[len(head)-n:]), []byte(key[:n])) == 1 {
				head = head[:len(head)-n] + "(a secret key)"
				break
			}
		}
		b.WriteString(head)
		b.WriteString("…")
		rest = rest[i+len("…"):]
	}
	return b.String()
}

// pathHoldsKey reports whether a request's path, as decoded, holds the secret
// key: a message that quotes the path escaped (%31 for 1) would repeat it past
// redactKey (a review).
func pathHoldsKey(r *http.Request) bool {
	redact, ok := r.Context().Value(redactCtx{}).(func(string) string)
	return ok && redact(r.URL.Path) != r.URL.Path
}

// notAllowed answers 405 with Allow. A route whose GET acts — runs a sync, starts
// a job — returns it for a HEAD, which the mux routes to the GET (what says how it
// acts): a HEAD (a link checker, curl -I) must change nothing. Without what, the
// request's method is not one of allow.
type notAllowed struct{ allow, what string }

func (notAllowed) Error() string { return "a method the route does not take" }

// handleAs answers a handler's error as JSON in shape.
func (s *Server) handleAs(shape errorShape, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			if na, ok := err.(notAllowed); ok {
				w.Header().Set("Allow", na.allow)
				msg := r.Method + " is not allowed on " + shownPath(r) + "; use " + strings.ReplaceAll(na.allow, ",", " or")
				if na.what != "" {
					msg = "HEAD is not allowed on " + shownPath(r) + ": " + na.what + ", which a HEAD must not do; send " + strings.ReplaceAll(na.allow, ",", " or")
				}
				answerError(w, r, shape, apiError{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED", Message: clipPath(msg)})
				return
			}
			s.writeError(w, r, shape, err)
		}
	})
}

// maxHeaderBytes caps a request's header (its request line included): over it the
// request is answered 431 as JSON. net/http itself stops reading at
// httpMaxHeaderBytes and answers plain text before any handler runs (README).
const (
	maxHeaderBytes     = 64 << 10
	httpMaxHeaderBytes = 1 << 20
)

// headerLimit answers 431 for headers over maxHeaderBytes.
func (s *Server) headerLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + len(r.Host)
		for k, vs := range r.Header {
			for _, v := range vs {
				n += len(k) + len(v) + 4
			}
		}
		if n > maxHeaderBytes {
			what, fix := "the request's headers take", "send fewer or shorter headers"
			if len(r.RequestURI) > n/2 { // a 70 KB ID in the path is not a header's fault
				what, fix = "the request's address (its path and query) and headers take", "the address is the long part: check the IDs and parameters it carries"
			}
			answerError(w, r, s.shapeOf(r), apiError{Status: http.StatusRequestHeaderFieldsTooLarge, Code: "HEADERS_TOO_LARGE",
				Message: what + " " + strconv.Itoa(n) + " bytes, over the " + strconv.Itoa(maxHeaderBytes>>10) + " KiB sandbank reads; " + fix})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostGuard refuses, on a port listening on loopback, a request whose Host names
// anything but localhost or an IP address: a web page whose name was made to
// resolve to 127.0.0.1 (DNS rebinding) would otherwise be of sandbank's origin, and
// read the demo and the widget's pages. A port listening beyond loopback
// (--addr 0.0.0.0:7070, meant to be reached by name) takes any Host, as does a
// request with the secret key, which no such page has (an app behind a tunnel) —
// but a published one (PublishedKey) — and a request for the host of the public
// URL (Config.PublicURL): the operator named it, and a page under that name is
// the tunnel's own, not one made to resolve to 127.0.0.1 — a phone opening
// mono_url through a tunnel that keeps its Host gets the widget.
func (s *Server) hostGuard(next http.Handler) http.Handler {
	public := ""
	if u, err := url.Parse(s.publicURL); err == nil && s.publicURL != "" {
		public = hostName(u.Host)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		if ok && s.publicURL == "" && (r.Header.Get("X-Forwarded-Host") != "" || r.Header.Get("Forwarded") != "") {
			s.proxied.Do(func() { s.proxyWarning(r, local) })
		}
		if ok && !s.anyHost.Load() && !hostAllowed(r.Host, local) {
			forPublic := public != "" && hostName(r.Host) == public
			key := r.Header.Get("mono-sec-key")
			published := false
			if p := s.published.Load(); p != nil && key != "" {
				// Only when it is this world's key too: the README's default sent to a
				// world with a key of its own is a wrong key, answered 401 by the
				// route, not told to give the scenario its own (the review).
				published = subtle.ConstantTimeCompare([]byte(key), []byte(*p)) == 1 && s.eng.CheckSecretKey(key)
			}
			// The public host takes a request without the key (a phone's widget
			// page) but, as any other name, not one with a key anyone may know:
			// that let anyone drive a served scenario through the tunnel (the review).
			if published || !forPublic && !s.eng.CheckSecretKey(key) {
				names, fix := "localhost or an IP address", ", or, if that is your tunnel's name, start sandbank with --public-url naming it"
				if public != "" {
					names, fix = "localhost, an IP address or "+public+" (its --public-url)", ", or, if that is your tunnel's name now, restart sandbank with --public-url naming it"
				}
				msg := "sandbank on " + local.String() + " answers requests for " + names + ", not " +
					strconv.Quote(clipWords(r.Host)) + " (a page under another name reaching 127.0.0.1 may be DNS rebinding): use http://" + local.String() + fix
				switch {
				case forPublic:
					// said in one sentence: the two halves read as a riddle (a mobile
					// developer's trial)
					msg = "a request through " + public + " (the --public-url) may not carry the scenarios' default secret key, which the README prints and anyone may know: serve the scenario with a key of its own (--secret-key, or keys: secret: in the file) and send that"
				case published:
					msg += "; the secret key, which lets an app behind a tunnel through, is the scenarios' default, which anyone may know: give the scenario a key of its own (keys: secret:, or --secret-key)"
				}
				answerError(w, r, s.shapeOf(r), apiError{Status: http.StatusMisdirectedRequest, Code: "HOST_NOT_ALLOWED", Message: msg})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// proxyWarning says, once, that requests come through a proxy (a tunnel) while
// the links sandbank gives name its local address, which a phone beyond the
// machine cannot open: a tunnel that rewrote Host to localhost got through, and
// mono_url and connect.js's widget named 127.0.0.1, with nothing said (a mobile
// developer's trial). The name the proxy forwarded is the client's to set: it
// is quoted, clipped, and never used for a link.
func (s *Server) proxyWarning(r *http.Request, local net.Addr) {
	name := r.Header.Get("X-Forwarded-Host")
	if name == "" {
		name = r.Header.Get("Forwarded")
	}
	s.log.Warn("a request came through a proxy or tunnel (it forwarded " + strconv.Quote(clipWords(name)) +
		"), and the links sandbank gives — mono_url, connect.js's widget, paging, statements — name http://" + local.String() +
		", which a phone or a machine beyond this one cannot open: if that is your tunnel, restart sandbank with --public-url naming its URL")
}

// hostAllowed reports whether a request for host may be served on local.
func hostAllowed(host string, local net.Addr) bool {
	if tcp, ok := local.(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		return true
	}
	name := hostName(host)
	return name == "" || name == "localhost" || strings.HasSuffix(name, ".localhost") || net.ParseIP(name) != nil
}

// hostName is a Host header's name without its port, brackets or final dot, in
// lower case.
func hostName(host string) string {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	return strings.TrimSuffix(strings.ToLower(strings.Trim(name, "[]")), ".")
}

// recovered turns a panic — a bug, never bad input — into a logged 500.
func (s *Server) recovered(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "route", r.Pattern, "panic", v, "stack", string(debug.Stack()))
				answerError(w, r, s.shapeOf(r), internalError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type quietKey struct{}

// Quiet marks ctx so that requests made in process under it are not logged one by
// one: the first run's demo world, built through the API, is one line of its own,
// not a screen of requests the user never sent.
func Quiet(ctx context.Context) context.Context { return context.WithValue(ctx, quietKey{}, true) }

// logged logs each request by its route pattern, never its path: paths carry widget
// sessions and statement IDs, which are bearer secrets. Bodies, headers and query
// strings are never logged either.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(quietKey{}) != nil || !s.log.Enabled(r.Context(), slog.LevelWarn) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		rec := &loggingWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		// sandbank's own failures (a damaged file, a full disk, a bug) are what
		// went wrong, which --log-level warn keeps: a damaged file's 503s were in no
		// warn log, and at info said no more than "503" (a QA engineer's trial).
		level := slog.LevelInfo
		if ownTrouble[rec.code] || rec.status >= 500 && rec.code == "" { // a 5xx of no code: not one of sandbank's answers
			level = slog.LevelWarn
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		route := r.Pattern
		switch {
		case route != "":
		case rec.status == http.StatusMethodNotAllowed: // a route, another method's: "no route" misled
			route = clipValue(r.Method) + " (method not allowed)"
		default:
			route = clipValue(r.Method) + " (no route)"
		}
		status := slog.Int("status", rec.status)
		if !rec.wrote && r.Context().Err() != nil {
			// The client gave up before the answer (its timeout, Ctrl+C): nothing
			// was sent, and what it asked for may not have happened. It read as 200.
			status = slog.String("status", "client gone")
		}
		attrs := [6]slog.Attr{slog.String("route", route), status}
		n := 2
		if rec.code != "" { // an error's code, which says why (never its message: it may repeat what was sent)
			attrs[n] = slog.String("code", rec.code)
			n++
		}
		if rec.code == "HOST_NOT_ALLOWED" { // the name refused: did the tunnel's arrive? (a mobile developer's trial)
			attrs[n] = slog.String("host", clipValue(r.Host))
			n++
		}
		attrs[n] = slog.Duration("dur", time.Since(start).Round(time.Microsecond))
		n++
		if strings.Contains(route, "/accounts/{id}") { // account IDs are not secrets; sessions and jobs are
			id := r.PathValue("id")
			if s.secretInPath(id) {
				id = "(a secret key: not logged)"
			}
			id = clipValue(id)
			attrs[n] = slog.String("account", id)
			n++
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs[:n]...)
	})
}

// clipValue shortens a value of the client's that the log writes, as clipWords
// does one in a message: "yyyy…" (60000 characters). A 60,000-character ID was a
// 60 KB log line, for a request without the key too (a security review).
func clipValue(v string) string {
	if len(v) <= maxWord {
		return v
	}
	r := []rune(v)
	if len(r) <= maxWord {
		return v
	}
	return string(r[:maxWord/2]) + "… (" + strconv.Itoa(len(r)) + " characters)"
}

type loggingWriter struct {
	http.ResponseWriter
	status int
	wrote  bool   // an answer began
	code   string // an error answer's code (noteCode)
}

// ownTrouble are the codes of sandbank's own failures, whose requests a log kept
// to warnings keeps; a simulated bank's outage (503 UNAVAILABLE) is the world's,
// and the built-in receiver's 500 asked of it (RECEIVER_ERROR) the tester's.
var ownTrouble = map[string]bool{"DATABASE_DAMAGED": true, "DISK_FULL": true, "FILE_TOO_LARGE": true, defaultReason[engine.EINTERNAL]: true}

// noteCode gives the request's log line the code of the error it answers.
func noteCode(w http.ResponseWriter, code string) {
	for {
		if l, ok := w.(*loggingWriter); ok {
			l.code = code
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

func (l *loggingWriter) WriteHeader(code int) {
	l.status, l.wrote = code, true
	l.ResponseWriter.WriteHeader(code)
}

func (l *loggingWriter) Write(b []byte) (int, error) {
	l.wrote = true
	return l.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (l *loggingWriter) Unwrap() http.ResponseWriter { return l.ResponseWriter }
