package api

import (
	"context"
	"log/slog"
	"net/http"

	sbworld "sandbank/world"
)

// Host builds a world from o and this HTTP API over it, with webhooks addressed to
// receiverURL delivered to the API's built-in receiver in process: what a scenario
// file runs on (its type is scenario.Host; the import is named sbworld because the tests have a type world). main hands it to the scenario runner,
// which never imports this package.
func Host(log *slog.Logger) func(ctx context.Context, o sbworld.Options, receiverURL string) (*sbworld.World, http.Handler, error) {
	return func(ctx context.Context, o sbworld.Options, receiverURL string) (*sbworld.World, http.Handler, error) {
		sender := NewWebhookSender()
		o.Sender, o.Log = sender, log
		w, err := sbworld.Open(ctx, o)
		if err != nil {
			return nil, nil, err
		}
		srv := New(Config{Engine: w.Engine, Bank: w.Bank, Logger: log, SavedClock: w.DB.SavedClock})
		srv.DeliverLocally(sender, receiverURL)
		return w, srv, nil
	}
}
