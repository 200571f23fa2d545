package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
)

// syncDoneMsg is the answer of a manual sync ("Sync now").
type syncDoneMsg struct {
	accountID string
	res       engine.SyncResult
	err       error
	retryAt   time.Time // when rate-limited: when the next sync is allowed
}

// syncCmd runs a manual sync of an account.
func syncCmd(sh *shared, id string) tea.Cmd {
	eng, ctx := sh.eng, sh.ctx
	return func() tea.Msg {
		res, err := eng.Sync(ctx, id)
		m := syncDoneMsg{accountID: id, res: res, err: err}
		if e, ok := engine.AsError(err); ok && e.Code == engine.ERATELIMITED {
			m.retryAt = eng.Clock().Now().Add(e.RetryAfter)
		}
		return m
	}
}

func rateLimited(m syncDoneMsg) bool { return engine.ErrorCode(m.err) == engine.ERATELIMITED }

// syncOutcome says what a sync did, in words.
func syncOutcome(m syncDoneMsg, now time.Time) string {
	switch {
	case rateLimited(m):
		return "refused (429, rate-limited): nothing ran; the next sync is allowed in " + countdown(m.retryAt.Sub(now))
	case m.err != nil:
		return "could not sync: " + errText(m.err)
	case m.res.Status == engine.StatusSyncSuccessful && m.res.HasNewData && m.res.Job.NewTransactions > 0:
		return fmt.Sprintf("synced — new data: %d new transaction%s", m.res.Job.NewTransactions, plural(m.res.Job.NewTransactions))
	case m.res.Status == engine.StatusSyncSuccessful && m.res.HasNewData:
		return "synced — new data (the balance or the holder's details changed)"
	case m.res.Status == engine.StatusSyncSuccessful:
		return "synced — no new data since the last sync"
	case m.res.Code == engine.CodeReauthRequired:
		return "failed — reauthorisation required: " + m.res.Message
	}
	// The bank's own words: "the bank could not serve the sync:" before them pushed
	// an outage's end time off a 100-column line.
	if why, ok := strings.CutPrefix(m.res.Message, "the bank could not serve the sync: "); ok {
		return "failed at the bank — " + why
	}
	return "failed — " + m.res.Message
}

func syncToastKind(m syncDoneMsg) toastKind {
	switch {
	case rateLimited(m):
		return toastWarn
	case m.err != nil || m.res.Status != engine.StatusSyncSuccessful:
		return toastBad
	}
	return toastOK
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
