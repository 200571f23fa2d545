package api

import "net/http"

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
		_, err := w.Write(OpenAPI)
		return err
	}))
	mux.Handle("GET /{$}", s.handle(s.index))
}
