package api

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// register lays out every route. Each group is a file with its own …Routes method:
// Mono's v1 (mono.go) and v2 (monov2.go) over the same engine and accounts, the
// analytics both serve (analytics.go), the connect widget (widget.go), its pages for
// browsers (web.go) and the sandbox controls (sandbox.go). v1, the widget and the sandbox answer errors in v1's shape;
// v2 in its envelope (errors.go) — one status table for both.
func (s *Server) register(mux *routeMux) {
	s.monoV1Routes(mux)
	s.monoV2Routes(mux)
	s.analyticsRoutes(mux)
	s.widgetRoutes(mux)
	s.webRoutes(mux)
	s.sandboxRoutes(mux)
	mux.Handle("GET /openapi.yaml", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		// Its server is the one that serves it: a client generated from the document
		// of a sandbank on another port called 7070 (an operator's trial).
		doc := OpenAPI
		if o := origin(r); o != "" {
			doc = bytes.Replace(OpenAPI, []byte("\n  - url: "+defaultOrigin+"\n"), []byte("\n  - url: "+o+"\n"), 1)
		}
		_, err := w.Write(doc)
		return err
	}))
	mux.Handle("GET /{$}", s.handle(s.index))
}

// routeTable is the API's routes, without a server behind them: what Route asks.
var routeTable = sync.OnceValue(func() *http.ServeMux { return routes().ServeMux })

var routes = sync.OnceValue(func() *routeMux {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	(&Server{}).register(mux)
	return mux
})

// RouteWords are the literal segments of the API's paths ("accounts",
// "reauthorise", "sandbox"), sorted, each once: the words a path's typo is
// likely a slip of.
func RouteWords() []string {
	seen := map[string]bool{}
	var words []string
	for _, p := range routes().patterns {
		_, path, _ := strings.Cut(p, " ")
		for seg := range strings.SplitSeq(path, "/") {
			if seg != "" && !strings.HasPrefix(seg, "{") && !seen[seg] {
				seen[seg] = true
				words = append(words, seg)
			}
		}
	}
	slices.Sort(words)
	return words
}

// Route reports the pattern of the route that answers method and path ("" when
// none does), and, when only another method's does, that route's methods: a
// scenario file's call: or expect_call: is checked against it before it runs.
func Route(method, path string) (pattern string, others []string) {
	mux := routeTable()
	req := v1Aliased(&http.Request{Method: method, URL: &url.URL{Path: path}, Host: "127.0.0.1"})
	if _, pattern = mux.Handler(req); pattern != "" {
		return pattern, nil
	}
	for _, m := range []string{"GET", "POST", "PATCH", "PUT", "DELETE"} {
		if m == method {
			continue
		}
		req.Method = m
		if _, p := mux.Handler(req); p != "" {
			others = append(others, m)
		}
	}
	return "", others
}
