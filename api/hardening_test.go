package api

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// A failed attempt's error names the webhook URL; its query string (often a token)
// and user info stay out of the log and the recorded attempt.
func TestFailedAttemptsHideTheWebhookURLsSecrets(t *testing.T) {
	w := newWorld(t, worldOpts{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody answers there: every attempt fails with the client's error
	secrets := []string{"hookuser", "hookpass", "tok_s3cr3t_query"}
	w.must(http.StatusOK, "PATCH", "/sandbox/settings", req{body: map[string]any{"data_sync_enabled": true,
		"webhook_url": "http://hookuser:hookpass@" + addr + "/hooks?token=tok_s3cr3t_query"}})
	w.connect(w.customers()[0])
	timeout := time.After(10 * time.Second)
	var at *engine.Attempt
	for at == nil {
		select {
		case n := <-w.notes:
			if n.Kind == engine.NoticeDelivery {
				at = n.Attempt
			}
		case <-timeout:
			t.Fatal("no delivery attempt was recorded")
		}
	}
	if at.Error == "" || !strings.Contains(at.Error, addr+"/hooks") {
		t.Fatalf("the failed attempt's error %q does not say where it went", at.Error)
	}
	logs := w.logs.String()
	if !strings.Contains(logs, "attempt=1") {
		t.Fatalf("the failed attempt is not logged:\n%s", logs)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) || strings.Contains(at.Error, s) {
			t.Errorf("%q shows in the log or the attempt's error %q", s, at.Error)
		}
	}
	if t.Failed() {
		t.Log(logs)
	}
}
