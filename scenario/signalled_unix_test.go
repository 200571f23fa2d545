//go:build unix

package scenario

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// A signal's stop is told from the program's own cancel and from a deadline —
// though signal.NotifyContext's cause is context.Canceled to errors.Is, which hid
// every signal: a stop while the world opened said "context canceled".
func TestSignalledTellsASignalFromACancel(t *testing.T) {
	sig, stop := signal.NotifyContext(context.Background(), syscall.SIGUSR1)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	<-sig.Done()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	late, cancelLate := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancelLate()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want bool
	}{{"signal", sig, true}, {"cancel", cancelled, false}, {"deadline", late, false}, {"running", context.Background(), false}} {
		if got := Signalled(tc.ctx); got != tc.want {
			t.Errorf("%s: Signalled = %v, want %v (cause %v)", tc.name, got, tc.want, context.Cause(tc.ctx))
		}
	}
	if got := Stopped(sig); got != "stopped (user defined signal 1 signal received)" {
		t.Errorf("Stopped says %q", got)
	}
}
