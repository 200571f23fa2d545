package api

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"sandbank/simulator"
)

// The HTTP server's limits. sandbank listens on 127.0.0.1, where any local program
// — or any web page, through the browser — can open connections: without limits,
// thousands of idle keep-alive connections exhausted the process's descriptors and
// normal requests timed out.

// slowestRequest bounds how long one request may take, reading its body and writing
// its answer included. A sync (and a connect or re-authorisation, which sync) makes
// up to five calls to the bank — sign in, balance, transactions, identity, and a
// second sign-in when the bank has ended its session — and each waits the bank's
// latency, at most simulator.MaxLatency: five minutes, plus one for a busy engine.
//
// Both ReadTimeout and WriteTimeout must cover it: net/http keeps the read deadline
// for the whole request, and when it passes the request's context is cancelled
// (which cancels the sync), just as a passed write deadline loses the answer.
//
// A clock jump is the exception (setClock): it runs every sync it passes and
// answers when they are done, however long that is.
var slowestRequest = 5*simulator.MaxLatency + time.Minute

// idleTimeout closes a keep-alive connection that has been idle this long.
const idleTimeout = time.Minute

// maxConns caps the connections held at once. At the cap a new connection closes
// the one idle longest (a keep-alive connection between requests, or one that has
// sent nothing yet); if every one is busy with a request, the new one is closed.
// It sits well below the descriptors a process gets (1,024 on many systems).
var maxConns = 512

// NewHTTPServer returns the server for the API handler h, with its timeouts and its
// connection cap; net/http's own complaints go to log as warnings.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	l := &connLimit{max: maxConns, conns: map[net.Conn]*connInfo{}}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       slowestRequest,
		WriteTimeout:      slowestRequest,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
		ConnState:         l.track,
		ConnContext:       withOrigin,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// originKey holds a connection's origin (see origin) in its context: made once per
// connection rather than once per request.
type originKey struct{}

func withOrigin(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, originKey{}, "http://"+c.LocalAddr().String())
}

// connLimit tracks the server's connections through ConnState, which net/http
// calls for a new connection before it reads anything from it.
type connLimit struct {
	mu    sync.Mutex
	max   int
	conns map[net.Conn]*connInfo
	tick  uint64 // orders idleness
}

type connInfo struct {
	busy  bool   // serving a request
	since uint64 // when it became idle (or new)
}

func (l *connLimit) track(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tick++
	switch st {
	case http.StateNew:
		l.conns[c] = &connInfo{since: l.tick}
		if len(l.conns) > l.max {
			victim := l.longestIdle()
			if victim == nil {
				victim = c
			}
			delete(l.conns, victim)
			_ = victim.Close()
		}
	case http.StateActive:
		if ci := l.conns[c]; ci != nil {
			ci.busy = true
		}
	case http.StateIdle:
		if ci := l.conns[c]; ci != nil {
			ci.busy, ci.since = false, l.tick
		}
	case http.StateHijacked, http.StateClosed:
		delete(l.conns, c)
	}
}

// longestIdle is the connection idle longest, or nil if all are busy.
func (l *connLimit) longestIdle() net.Conn {
	var best net.Conn
	var since uint64
	for c, ci := range l.conns {
		if !ci.busy && (best == nil || ci.since < since) {
			best, since = c, ci.since
		}
	}
	return best
}
