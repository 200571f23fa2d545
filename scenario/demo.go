package scenario

import (
	"context"
	"fmt"
	"net/http"

	"sandbank/fixtures"
	"sandbank/world"
)

// Demo builds the first run's demo world (fixtures/demo.yaml) on w, through its API
// h; webhooks of `webhooks: capture` go to receiverURL, the built-in receiver. It is
// the same scenario file a user can read, run and change: there is one way to build
// a world.
func Demo(ctx context.Context, w *world.World, h http.Handler, receiverURL string) error {
	src, err := fixtures.Files.ReadFile(fixtures.Demo)
	if err != nil {
		return err
	}
	s, err := Parse("fixtures/"+fixtures.Demo, src)
	if err != nil {
		return err
	}
	run, err := Open(ctx, s, w, h, receiverURL, nil)
	if err != nil {
		return err
	}
	defer run.Close()
	run.ToEnd(ctx)
	for _, res := range run.Results() {
		if !res.OK {
			return fmt.Errorf("step %d (%s): %s", res.Step.N, res.Step.Text, res.Err.Msg)
		}
	}
	return nil
}
