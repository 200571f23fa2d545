package api

import (
	"net/http"
	"sync/atomic"

	"sandbank/engine"
)

// GET /sandbox/scenario reports the progress of a scenario served to the user's app
// (sandbank serve --scenario FILE): each step with its state and verdict. main hands
// the server the report with SetScenario; the api never imports the scenario package.

// SetScenario makes GET /sandbox/scenario answer what status returns.
func (s *Server) SetScenario(status func() any) { s.scenario.Store(&status) }

type scenarioStatus = atomic.Pointer[func() any]

func (s *Server) scenarioStatus(w http.ResponseWriter, _ *http.Request) error {
	f := s.scenario.Load()
	if f == nil {
		return engine.Errorf(engine.ENOTFOUND, "no scenario is being served: start sandbank with serve --scenario FILE").WithReason("NO_SCENARIO")
	}
	writeJSON(w, http.StatusOK, (*f)())
	return nil
}
