package engine

import (
	"sync"
	"sync/atomic"
	"testing"
)

// pendingCount takes work while someone waits with none under way — where a
// sync.WaitGroup panics "WaitGroup is reused before previous Wait has returned" —
// and wait returns only once the work it saw is done: never while a piece of work
// added before it began is still under way.
func TestPendingCountTakesWorkWhileWaited(t *testing.T) {
	var p pendingCount
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				p.add()
				p.done()
			}
		}()
	}
	for range 20000 {
		p.wait()
	}
	close(stop)
	wg.Wait()
	// A piece of work added before wait began holds it until done: what wait
	// returns to sees done called (a wait that did not wait, scheduled first,
	// would not).
	var finished atomic.Bool
	p.add()
	returned := make(chan bool)
	go func() { p.wait(); returned <- finished.Load() }()
	finished.Store(true)
	p.done()
	if !<-returned {
		t.Fatal("wait returned with work under way")
	}
	if p.n != 0 {
		t.Fatalf("%d pieces of work left", p.n)
	}
}
