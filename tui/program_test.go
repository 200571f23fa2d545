package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandbank/engine"
	"sandbank/simulator"
)

// recorder is the root model with its frames kept: what the program last drew.
type recorder struct {
	*Model
	mu     sync.Mutex
	last   string
	drawn  chan struct{} // a new frame (capacity 1: a wake-up, not a queue)
	frames int
}

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.Model.Update(msg)
	return r, cmd
}

func (r *recorder) View() tea.View {
	v := r.Model.View()
	r.mu.Lock()
	r.last = ansi.Strip(v.Content)
	r.frames++
	r.mu.Unlock()
	select {
	case r.drawn <- struct{}{}:
	default:
	}
	return v
}

func (r *recorder) screen() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// waitFor waits until the last frame shows text, for at most ten seconds.
func (r *recorder) waitFor(t *testing.T, text string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for !strings.Contains(r.screen(), text) {
		select {
		case <-r.drawn:
		case <-timeout:
			t.Fatalf("the screen never showed %q; last frame:\n%s", text, r.screen())
		}
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestProgram runs the UI in a real tea.Program — real input parsing, the real
// renderer, the tick and the engine's notices — and types into it: open an
// account, sync it, see the webhook arrive, quit.
func TestProgram(t *testing.T) {
	w := newTestWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := New(ctx, Config{Engine: w.eng, Bank: w.bank, Clock: w.clock, Addr: "127.0.0.1:7070",
		FirstRun: true, DBPath: t.TempDir() + "/sandbank.db"})
	defer m.Close()
	rec := &recorder{Model: m, drawn: make(chan struct{}, 1)}

	in, keys := io.Pipe()
	defer keys.Close()
	out := &lockedBuffer{}
	p := tea.NewProgram(rec, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out),
		tea.WithWindowSize(100, 30), tea.WithoutSignalHandler(), tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	typ := func(s string) {
		t.Helper()
		if _, err := keys.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}

	rec.waitFor(t, "Welcome to sandbank")
	typ("\r")
	rec.waitFor(t, "Connected accounts 3 of 3")
	typ("jj\r")
	rec.waitFor(t, "‹ esc ABDULLAHI CONCEPTS · Providus Bank")
	rec.waitFor(t, "SNAPSHOT")
	business := w.bank.Customers()[5] // new data at the bank, so that the sync sends account_updated
	if _, err := w.bank.PostTransaction(business.ID, simulator.Posting{Account: business.Accounts[0].Number, Type: engine.Credit, Amount: 100_000, Narration: "TRANSFER IN"}); err != nil {
		t.Fatal(err)
	}
	typ("s")
	rec.waitFor(t, "synced — new data: 1 new transaction")
	rec.waitFor(t, "Next manual sync allowed in 2:00")
	typ("2")
	rec.waitFor(t, "Webhook events 7")     // the sync's account_updated, through the notice
	rec.waitFor(t, "delivery ✓ delivered") // ... and its delivery
	typ("q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the program ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit")
	}
	// The renderer flushes frames at its own pace and writes only what changed, so
	// the output is checked for words that stay on screen, and for the view's
	// settings, which reach the terminal as escape sequences.
	raw := out.String()
	for _, s := range []string{"sandbank", "Accounts", "Webhooks", "Settings"} {
		if !strings.Contains(ansi.Strip(raw), s) {
			t.Errorf("the terminal never got %q", s)
		}
	}
	for name, seq := range map[string]string{"the alternate screen": "\x1b[?1049h", "mouse cell motion": "\x1b[?1002h"} {
		if !strings.Contains(raw, seq) {
			t.Errorf("the terminal never got %s (%q)", name, seq)
		}
	}
}

// TestRunEndsWithContext: cancelling Run's context (SIGTERM in main) ends the UI
// cleanly.
func TestRunEndsWithContext(t *testing.T) {
	w := newTestWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	m := New(ctx, Config{Engine: w.eng, Bank: w.bank, Clock: w.clock, Addr: "127.0.0.1:7070"})
	rec := &recorder{Model: m, drawn: make(chan struct{}, 1)}
	in, keys := io.Pipe()
	defer keys.Close()
	p := tea.NewProgram(rec, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithWindowSize(100, 30))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	rec.waitFor(t, "Connected accounts 3 of 3")
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling the context did not end the program")
	}
	m.Close()
}
