package engine

import (
	"sync"
	"time"
)

// NoticeKind says what happened.
type NoticeKind int

const (
	NoticeSyncStarted  NoticeKind = iota + 1 // AccountID
	NoticeSyncFinished                       // AccountID, Result
	NoticeAccount                            // AccountID: connected, reauthorised, unlinked or changed
	NoticeEvent                              // EventID, AccountID: an event entered the outbox
	NoticeDelivery                           // EventID, AccountID, Attempt: a delivery was attempted
	NoticeClock                              // Clock
	NoticeSettings                           // settings changed
)

func (k NoticeKind) String() string {
	switch k {
	case NoticeSyncStarted:
		return "sync started"
	case NoticeSyncFinished:
		return "sync finished"
	case NoticeAccount:
		return "account"
	case NoticeEvent:
		return "event"
	case NoticeDelivery:
		return "delivery"
	case NoticeClock:
		return "clock"
	case NoticeSettings:
		return "settings"
	}
	return "unknown"
}

// Notice is one thing that happened, for subscribers such as the TUI.
type Notice struct {
	Kind      NoticeKind
	At        time.Time // virtual time
	AccountID string
	EventID   string
	EventType string
	Result    *SyncResult
	Attempt   *Attempt
	Clock     ClockState
	// Dropped counts notices this subscriber missed, before this one, because it did
	// not keep up; a subscriber that sees Dropped > 0 should reload what it shows.
	Dropped int
}

// hub fans notices out to subscribers without ever waiting on one: a full
// subscriber loses the notice and learns how many it lost on the next one.
type hub struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	ch      chan Notice
	dropped int
}

func (h *hub) subscribe(buffer int) (<-chan Notice, func()) {
	if buffer < 1 {
		buffer = 1
	}
	s := &subscriber{ch: make(chan Notice, buffer)}
	h.mu.Lock()
	if h.subs == nil {
		h.subs = make(map[*subscriber]struct{})
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs, s)
			close(s.ch)
			h.mu.Unlock()
		})
	}
}

func (h *hub) publish(n Notice) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		m := n
		m.Dropped = s.dropped
		select {
		case s.ch <- m:
			s.dropped = 0
		default:
			s.dropped++
		}
	}
}
