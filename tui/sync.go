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
	// jumping: refused as a sync of the account was running, while the clock
	// jumped — one of the jump's automatic syncs.
	jumping bool
}

// syncCmd runs a manual sync of an account.
func syncCmd(sh *shared, id string) tea.Cmd {
	eng, ctx, ownJump := sh.eng, sh.ctx, sh.advancing != ""
	return func() tea.Msg {
		res, err := eng.Sync(ctx, id)
		m := syncDoneMsg{accountID: id, res: res, err: err}
		if e, ok := engine.AsError(err); ok && e.Code == engine.ERATELIMITED {
			m.retryAt = eng.Clock().Now().Add(e.RetryAfter)
		}
		if inProgress(m) {
			m.jumping = ownJump || !eng.Clock().State().JumpingTo.IsZero()
		}
		return m
	}
}

func rateLimited(m syncDoneMsg) bool { return engine.ErrorCode(m.err) == engine.ERATELIMITED }

// inProgress: refused, as a sync of the account was running already.
func inProgress(m syncDoneMsg) bool {
	e, ok := engine.AsError(m.err)
	return ok && e.Reason == "SYNC_IN_PROGRESS"
}

// syncOutcome says what a sync did, in words.
func syncOutcome(m syncDoneMsg, now time.Time) string {
	switch {
	case rateLimited(m):
		return "refused (429, rate-limited): nothing ran; the next sync is allowed in " + countdown(m.retryAt.Sub(now))
	case inProgress(m) && m.jumping:
		// The engine's words named the account by its ID, and said nothing of
		// the jump whose syncs held it (a presenter's trial).
		return "not now: the clock is jumping, and its automatic syncs are running; sync once the jump ends"
	case inProgress(m):
		return "not now: a sync of this account is running already; wait for it to finish"
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
	if m.res.Message == engine.DataSyncOff {
		// The engine's words are an app's: "turn it on with PATCH …", cut at 80
		// columns, pointed a TUI user at the API (a presenter's trial).
		return "failed — Data Sync is off: turn it on in Settings (" + itoa(pageSettings+1) + "), then sync again"
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
	case rateLimited(m), inProgress(m):
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
