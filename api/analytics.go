package api

func (s *Server) analyticsRoutes(mux *routeMux) {
}
