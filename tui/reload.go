package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
)

// How the world's changes reach the pages: the clock's tick, the engine's notices,
// batched into reloads of what they changed.

// tick reads the clock once a second of real time: the header and the countdowns.
func (m *Model) tick() tea.Cmd {
	if m.sh.noTimers {
		return nil
	}
	clock := m.sh.clock
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{clock.State()} })
}

func (m *Model) waitNotice() tea.Cmd {
	ch := m.notices
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		n, ok := <-ch
		if !ok {
			return nil
		}
		return noticeMsg{n}
	}
}

// notice turns an engine notice into a reload of what it changed, batched: a day's
// advance can bring hundreds of notices, and one reload covers them.
func (m *Model) notice(n engine.Notice) tea.Cmd {
	var what reloadKind
	if n.Kind != engine.NoticeClock {
		// News of the world is news of its clock: what it reports happened at the
		// clock's time, which the tick reads only once a second — at 60× a minute
		// behind, and a sync the API had just run read "next manual sync allowed in
		// 2:24" (a QA engineer's trial).
		m.sh.setClock(m.sh.clock.State())
	}
	switch n.Kind {
	case engine.NoticeSyncStarted, engine.NoticeSyncFinished, engine.NoticeAccount:
		what = reloadAccounts
	case engine.NoticeEvent, engine.NoticeDelivery:
		what = reloadEvents
	case engine.NoticeClock:
		m.sh.setClock(n.Clock)
		what = reloadBank
	case engine.NoticeSettings:
		what = reloadSettings | reloadAccounts
	}
	if n.Dropped > 0 {
		what = reloadAll
	}
	m.dirty |= what
	if m.sh.noTimers {
		return m.update(reloadTickMsg{})
	}
	if m.pending || m.dirty == 0 {
		return nil
	}
	m.pending = true
	return m.sh.after(150*time.Millisecond, reloadTickMsg{})
}

func (m *Model) reload(what reloadKind) tea.Cmd {
	var cmd tea.Cmd
	if what&reloadSettings != 0 && m.sh.eng != nil {
		eng := m.sh.eng
		cmd = func() tea.Msg { return settingsMsg{s: eng.Settings()} }
	}
	// Pages mark what went stale; the one on screen reloads it now, the others
	// when they come on screen.
	cmd = tea.Batch(cmd, m.broadcast(reloadMsg{what}))
	if s, ok := m.current().(shower); ok {
		cmd = tea.Batch(cmd, s.Show())
	}
	return cmd
}
