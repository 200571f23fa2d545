package engine_test

import (
	"strings"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/store"
)

// v2's real-time data: a job per account per five minutes; a call inside the window
// starts nothing and gets the window's job back (no refusal); the v1 window is
// separate and keeps its 429.
func TestRealtimeWindow(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.advance(30 * time.Minute)
	w.post(adam, engine.Debit, 500_000)

	realtime := func() engine.SyncResult {
		t.Helper()
		res, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := realtime()
	if first.Status != engine.StatusSyncSuccessful || !first.HasNewData || first.Reused || first.Job.ID == "" ||
		first.Job.Trigger != engine.TriggerRealtime || first.Job.Requested != engine.RealtimeBalance {
		t.Fatalf("first real-time sync = %+v, want a new successful job with new data", first)
	}
	if got := w.account(a.ID); got.Balance != 500_000 || got.LastRealtimeJob != first.Job.ID || !got.LastRealtimeAt.Equal(adamStart.Add(30*time.Minute)) {
		t.Fatalf("after the job: balance %d, last job %s at %v", got.Balance, got.LastRealtimeJob, got.LastRealtimeAt)
	}
	// v1's window is its own: a manual sync runs, then refuses as ever.
	if res := w.sync(a.ID); res.Status != engine.StatusSyncSuccessful {
		t.Fatalf("v1 sync after a real-time job = %+v", res)
	}
	if _, err := w.eng.Sync(w.ctx, a.ID); engine.ErrorCode(err) != engine.ERATELIMITED {
		t.Fatalf("v1 sync inside its window = %v, want ERATELIMITED", err)
	}

	w.advance(4*time.Minute + 59*time.Second)
	w.post(adam, engine.Credit, 100_000)
	jobs, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	again := realtime()
	if !again.Reused || again.Job.ID != first.Job.ID || again.Status != engine.StatusSyncSuccessful || !again.HasNewData {
		t.Fatalf("inside the window = %+v, want the first job (%s) back", again, first.Job.ID)
	}
	if after, _ := w.eng.SyncJobs(w.ctx, a.ID, 0); len(after) != len(jobs) || w.account(a.ID).Balance != 500_000 {
		t.Fatalf("a call inside the window ran a job: %d jobs, then %d", len(jobs), len(after))
	}

	w.advance(time.Second)
	third := realtime()
	if third.Reused || third.Job.ID == first.Job.ID || !third.HasNewData || w.account(a.ID).Balance != 600_000 {
		t.Fatalf("after the window = %+v, balance %d; want a new job and 600000", third, w.account(a.ID).Balance)
	}
	var ends int
	for _, ev := range w.events(a.ID) {
		if ev.Type == engine.EventJobsUpdate {
			ends++
		}
	}
	if ends != 2 {
		t.Fatalf("%d jobs.update events, want one per real-time job (2)", ends)
	}

	// The window survives a restart.
	w.close()
	w.open()
	w.advance(time.Minute)
	if res := realtime(); !res.Reused || res.Job.ID != third.Job.ID {
		t.Fatalf("a minute later, after a restart = %+v, want job %s back", res, third.Job.ID)
	}
}

// A job that outlives the caller's wait answers running with its ID; it ends on
// its own, readable by ID, and its end is announced.
func TestRealtimeJobOutlivesTheWait(t *testing.T) {
	w, a := creditBehindASlowBank(t, 100*time.Millisecond)
	res, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeTransactions, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != engine.StatusSyncRunning || !res.Job.Running() || res.Job.ID == "" {
		t.Fatalf("a slow job = %+v, want it running", res)
	}
	if j, err := w.eng.Job(w.ctx, a.ID, res.Job.ID); err != nil || !j.Running() {
		t.Fatalf("the job while it runs = %+v, %v", j, err)
	}
	// Inside the window, the running job comes back.
	if again, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, time.Millisecond); err != nil || !again.Reused || again.Job.ID != res.Job.ID {
		t.Fatalf("a call while it runs = %+v, %v", again, err)
	}
	w.until("the job ends", func() bool { return w.eng.JobsRunning() == 0 })
	j, err := w.eng.Job(w.ctx, a.ID, res.Job.ID)
	if err != nil || j.Status != engine.StatusSyncSuccessful || !j.HasNewData || j.Requested != engine.RealtimeTransactions {
		t.Fatalf("the job after it ended = %+v, %v", j, err)
	}
	if got := w.account(a.ID).Balance; got != 1_250_000 {
		t.Fatalf("balance %d after the job, want 1250000", got)
	}
	evs := w.events(a.ID)
	if got := eventTypes(evs[len(evs)-2:]); got[0] != engine.EventAccountUpdated || got[1] != engine.EventJobsUpdate {
		t.Fatalf("the job's events = %v", got)
	}
	if _, err := w.eng.Job(w.ctx, a.ID, "nope"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("an unknown job = %v", err)
	}
}

// A password change breaks a real-time job as it breaks a v1 sync (R6): the job
// fails with REAUTHORISATION_REQUIRED, and its end is announced with the
// re-authorisation event.
func TestRealtimeJobAfterPasswordChange(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.advance(20 * time.Minute)
	if err := w.bank.ChangePassword(adam.ID, "n3w-Passw0rd"); err != nil {
		t.Fatal(err)
	}
	res, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != engine.StatusSyncFailed || res.Code != engine.CodeReauthRequired || res.Job.Status != engine.StatusSyncFailed {
		t.Fatalf("real-time job after a password change = %+v", res)
	}
	evs := w.events(a.ID)
	if got := eventTypes(evs[len(evs)-2:]); got[0] != engine.EventReauthRequired || got[1] != engine.EventJobsUpdate {
		t.Fatalf("events = %v", got)
	}

	// Re-authorised a minute later, inside the failed job's window: a read gets the
	// re-authorisation's sync back as the window's job, succeeded — not the failed
	// job for four more minutes, which sent an app that re-authorises on failed
	// round again, nor a new job, which would meet that sync while it runs.
	w.advance(time.Minute)
	st := w.openReauth(a.ID)
	if st, err = w.eng.WidgetLogin(w.ctx, st.Session, "", "n3w-Passw0rd"); err != nil || st.Status != engine.WidgetChallenge {
		t.Fatalf("re-authorisation = %+v, %v; want the OTP a changed password asks for", st, err)
	}
	ans, err := w.bank.ExpectedAnswer(st.Challenge.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = w.eng.WidgetAnswer(w.ctx, st.Session, ans); err != nil || st.Status != engine.WidgetSuccess {
		t.Fatalf("re-authorisation = %+v, %v", st, err)
	}
	jobs, err := w.eng.SyncJobs(w.ctx, a.ID, 1)
	if err != nil || len(jobs) != 1 || jobs[0].Trigger != engine.TriggerReauth || jobs[0].Status != engine.StatusSyncSuccessful ||
		jobs[0].Requested != engine.RealtimeBalance { // named as the failed read it stands for, in its jobs.update
		t.Fatalf("the newest job = %+v, %v; want the re-authorisation's, succeeded", jobs, err)
	}
	// Answered as the window's job, it ends as a real-time job does: with a
	// jobs.update an app waits for (it never came).
	ended := false
	for _, ev := range w.events(a.ID) {
		ended = ended || (ev.Type == engine.EventJobsUpdate && ev.Facts.Job != nil && ev.Facts.Job.ID == jobs[0].ID)
	}
	if !ended {
		t.Fatalf("no jobs.update for the re-authorisation's job %s: %v", jobs[0].ID, eventTypes(w.events(a.ID)))
	}
	for range 2 {
		after, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0)
		if err != nil || !after.Reused || after.Job.ID != jobs[0].ID || after.Status != engine.StatusSyncSuccessful {
			t.Fatalf("a read after the re-authorisation = %+v, %v; want job %s back, succeeded", after, err, jobs[0].ID)
		}
	}
	// Five minutes on, the window it took has ended: a read starts a job of its own.
	w.advance(5 * time.Minute)
	if later, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0); err != nil || later.Reused || later.Job.Trigger != engine.TriggerRealtime {
		t.Fatalf("a read after the window = %+v, %v; want a new real-time job", later, err)
	}
}

// A job still running when its window has ended (a slow bank) is the job still: a
// read then got a new job that met its sync, recorded failed with FAILED events
// of its own, a read after a read, though the bank never failed (a v2
// developer's trial).
func TestRealtimeJobRunningPastItsWindow(t *testing.T) {
	w, a, res := slowJob(t)
	jobsBefore, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	eventsBefore := len(w.events(a.ID))
	w.advance(engine.RealtimeWindow + time.Minute)
	for range 3 {
		again, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeTransactions, time.Millisecond)
		if err != nil || !again.Reused || again.Job.ID != res.Job.ID || again.Status != engine.StatusSyncRunning {
			t.Fatalf("a read past the window while its job runs = %+v, %v; want job %s back, running", again, err, res.Job.ID)
		}
	}
	jobsAfter, _ := w.eng.SyncJobs(w.ctx, a.ID, 0)
	if len(jobsAfter) != len(jobsBefore) || len(w.events(a.ID)) != eventsBefore {
		t.Fatalf("reads while the job ran made %d jobs and %d events", len(jobsAfter)-len(jobsBefore), len(w.events(a.ID))-eventsBefore)
	}
	w.close()
	_ = w.bank.SetLatency("044", 0)
	w.open()
	checkJobFailedAndWindowFree(t, w, a.ID, res.Job.ID) // the stop ended it; the next read starts one
}

// slowJob is a world whose account a has a real-time job, res, waiting on the bank
// until the world closes.
func slowJob(t *testing.T) (*world, engine.Account, engine.SyncResult) {
	t.Helper()
	w := newWorld(t, worldOpts{})
	a := w.connect(w.adam())
	w.advance(20 * time.Minute)
	if err := w.bank.SetLatency("044", time.Minute); err != nil { // the job waits on the bank until the stop
		t.Fatal(err)
	}
	res, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, time.Millisecond)
	if err != nil || res.Status != engine.StatusSyncRunning {
		t.Fatalf("slow job = %+v, %v", res, err)
	}
	return w, a, res
}

// A stop cancels a job under way: it is recorded failed, its end announced, and
// its window given back, so the next call starts a job at once.
func TestRealtimeJobCancelledByAStop(t *testing.T) {
	w, a, res := slowJob(t)
	w.close()
	_ = w.bank.SetLatency("044", 0)
	w.open()
	checkJobFailedAndWindowFree(t, w, a.ID, res.Job.ID)
}

// A job a crash cut short (stored running: nothing recorded its end) is failed at
// the next start, its end announced and its window given back.
func TestRealtimeJobCutShortByACrash(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.connect(w.adam())
	w.advance(20 * time.Minute)
	w.close()
	db, err := store.Open(w.path)
	if err != nil {
		t.Fatal(err)
	}
	const crashed = "0123456789abcdef01234567"
	err = db.Update(w.ctx, func(tx engine.Tx) error {
		acct, err := tx.Account(a.ID)
		if err != nil {
			return err
		}
		acct.LastRealtimeJob, acct.LastRealtimeAt = crashed, w.clock.Now()
		if err := tx.PutSyncJob(engine.SyncJob{ID: crashed, AccountID: a.ID, Trigger: engine.TriggerRealtime,
			StartedAt: w.clock.Now(), Status: engine.StatusSyncRunning, Requested: engine.RealtimeBalance}); err != nil {
			return err
		}
		return tx.PutAccount(acct)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	w.open()
	checkJobFailedAndWindowFree(t, w, a.ID, crashed)
}

func checkJobFailedAndWindowFree(t *testing.T, w *world, accountID, jobID string) {
	t.Helper()
	j, err := w.eng.Job(w.ctx, accountID, jobID)
	if err != nil || j.Status != engine.StatusSyncFailed || j.Message == "" || j.FinishedAt.IsZero() {
		t.Fatalf("the interrupted job = %+v, %v; want failed with a message", j, err)
	}
	evs := w.events(accountID)
	if last := evs[len(evs)-1]; last.Type != engine.EventJobsUpdate {
		t.Fatalf("last event %s, want the job's end", last.Type)
	}
	res, err := w.eng.RealtimeSync(w.ctx, accountID, engine.RealtimeBalance, 0)
	if err != nil || res.Reused || res.Status != engine.StatusSyncSuccessful {
		t.Fatalf("after the interrupted job = %+v, %v; want a new job", res, err)
	}
}

// With Data Sync off a real-time read starts no sync, and gets a job all the
// same: recorded failed with why and what to do, its end announced (skipped, as
// every event is while Data Sync is off), and no window spent, as a job that
// could not run is (abandonJob). It got a result without a job, which the API
// answered as x-job-status: failed with no x-job-id.
func TestRealtimeWithDataSyncOff(t *testing.T) {
	w := newWorld(t, worldOpts{noSync: true})
	adam := w.adam()
	a := w.connect(adam)
	w.advance(30 * time.Minute)
	w.post(adam, engine.Debit, 500_000)
	res, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeTransactions, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != engine.StatusSyncFailed || res.Code != engine.CodeSyncError || res.Job.ID == "" || res.Reused {
		t.Fatalf("a real-time read with Data Sync off = %+v; want a new failed job", res)
	}
	j, err := w.eng.Job(w.ctx, a.ID, res.Job.ID)
	if err != nil || j.Status != engine.StatusSyncFailed || j.FinishedAt.IsZero() || j.Requested != engine.RealtimeTransactions ||
		!strings.Contains(j.Message, "Data Sync is off") || !strings.Contains(j.Message, `PATCH /sandbox/settings {"data_sync_enabled":true}`) {
		t.Fatalf("the job = %+v, %v; want it failed, ended, its message saying Data Sync is off and how to turn it on", j, err)
	}
	if got := w.account(a.ID); got.Balance != 1_000_000 || got.LastRealtimeJob != "" || !got.LastRealtimeAt.IsZero() {
		t.Fatalf("after the refused job: balance %d, last job %q at %v; want no sync, no window and no job of the window's", got.Balance, got.LastRealtimeJob, got.LastRealtimeAt)
	}
	evs := w.events(a.ID)
	end := evs[len(evs)-2:]
	if got := eventTypes(end); got[0] != engine.EventAccountUpdated || got[1] != engine.EventJobsUpdate ||
		end[0].Status != engine.DeliverySkipped || end[1].Status != engine.DeliverySkipped {
		t.Fatalf("the job's events = %v (%s, %s); want account_updated and jobs.update, skipped", got, end[0].Status, end[1].Status)
	}

	on := true
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	if res, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0); err != nil || res.Reused || res.Status != engine.StatusSyncSuccessful ||
		w.account(a.ID).Balance != 500_000 {
		t.Fatalf("the first read after Data Sync was turned on = %+v, %v; want a new job at once", res, err)
	}
}

// A read refused while Data Sync is off leaves the account's window and its job
// as they were: turned back on inside the window, a read answers the window's
// job; and a job still running when the refusal came stays the one a restart
// settles. The refusal took both over: the window was erased, and a job running
// then stayed "processing" for ever after a crash (the review).
func TestRealtimeRefusalKeepsTheWindow(t *testing.T) {
	w := newWorld(t, worldOpts{})
	a := w.connect(w.adam())
	w.advance(30 * time.Minute)
	first, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0)
	if err != nil || first.Status != engine.StatusSyncSuccessful || first.Job.ID == "" {
		t.Fatalf("the first read = %+v, %v; want a job that ran", first, err)
	}
	on, off := true, false
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Minute)
	refused, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0)
	if err != nil || refused.Status != engine.StatusSyncFailed || refused.Job.ID == "" || refused.Job.ID == first.Job.ID {
		t.Fatalf("the read with Data Sync off = %+v, %v; want a refused job of its own", refused, err)
	}
	if got := w.account(a.ID); got.LastRealtimeJob != first.Job.ID || got.LastRealtimeAt.IsZero() {
		t.Fatalf("after the refusal the account's window job is %q at %v; want the first job's, %s, still open", got.LastRealtimeJob, got.LastRealtimeAt, first.Job.ID)
	}
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Minute)
	again, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0)
	if err != nil || !again.Reused || again.Job.ID != first.Job.ID {
		t.Fatalf("a read 2 minutes after the first, Data Sync back on = %+v, %v; want the window's job, %s, answered again", again, err, first.Job.ID)
	}
}

// Real-time reads while Data Sync stays off answer the job the first was refused
// as — one for a balance's reads, one for a transactions' — not a job and two
// events each: an app polling x-realtime grew the file without bound (no sync
// runs to compact the history while Data Sync is off), by 6 KB and an fsync a
// read. Once a job has run since, the next refusal is a job of its own.
func TestRealtimeReadsWithDataSyncOffShareTheirJob(t *testing.T) {
	w := newWorld(t, worldOpts{noSync: true})
	a := w.connect(w.adam())
	count := func() (jobs, events int) {
		js, err := w.eng.SyncJobs(w.ctx, a.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(js), len(w.events(a.ID))
	}
	read := func(requested string) engine.SyncResult {
		t.Helper()
		res, err := w.eng.RealtimeSync(w.ctx, a.ID, requested, 0)
		if err != nil || res.Status != engine.StatusSyncFailed || res.Job.ID == "" || res.Job.Requested != requested {
			t.Fatalf("a %s read with Data Sync off = %+v, %v; want a failed job for it", requested, res, err)
		}
		return res
	}
	jobs0, evs0 := count()
	ids := map[string]map[string]bool{engine.RealtimeBalance: {}, engine.RealtimeTransactions: {}}
	for i := range 200 {
		if i%20 == 0 {
			w.advance(24 * time.Hour) // past HistoryKept: nothing compacts them
		}
		for _, r := range []string{engine.RealtimeBalance, engine.RealtimeTransactions} {
			ids[r][read(r).Job.ID] = true
		}
	}
	if jobs, evs := count(); jobs-jobs0 != 2 || evs-evs0 != 4 || len(ids[engine.RealtimeBalance]) != 1 || len(ids[engine.RealtimeTransactions]) != 1 {
		t.Fatalf("400 reads with Data Sync off added %d jobs and %d events, answered %d and %d job IDs; want one job (and its two events) for each kind of read",
			jobs-jobs0, evs-evs0, len(ids[engine.RealtimeBalance]), len(ids[engine.RealtimeTransactions]))
	}

	// A job runs between: the next refusal is a job of its own.
	refused := read(engine.RealtimeBalance).Job.ID
	on, off := true, false
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &on}); err != nil {
		t.Fatal(err)
	}
	if res, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 0); err != nil || res.Status != engine.StatusSyncSuccessful {
		t.Fatalf("the read with Data Sync on = %+v, %v; want a job that ran", res, err)
	}
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{DataSyncEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	if next := read(engine.RealtimeBalance).Job.ID; next == refused {
		t.Fatalf("the read refused after a job ran answered the refusal from before it, %s; want a new job", refused)
	}
}

// A real-time read while another sync of the account runs (a manual one, on a
// slow bank) starts a job that syncs once that one has ended: it is not recorded
// failed, with FAILED webhooks, for meeting it.
func TestRealtimeJobWaitsForARunningSync(t *testing.T) {
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.advance(20 * time.Minute)
	if err := w.bank.SetLatency("044", 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	manual := make(chan error, 1)
	go func() {
		_, err := w.eng.Sync(w.ctx, a.ID)
		manual <- err
	}()
	w.until("the manual sync runs", func() bool { return w.eng.Syncing(a.ID) })
	w.post(adam, engine.Credit, 250_000) // after the manual sync has fetched, or not: the job's sync brings it
	eventsBefore := len(w.events(a.ID))
	res, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, time.Millisecond)
	if err != nil || res.Status != engine.StatusSyncRunning {
		t.Fatalf("a read during a manual sync = %+v, %v; want its job running", res, err)
	}
	if err := <-manual; err != nil {
		t.Fatal(err)
	}
	w.until("the job ends", func() bool { return w.eng.JobsRunning() == 0 })
	j, err := w.eng.Job(w.ctx, a.ID, res.Job.ID)
	if err != nil || j.Status != engine.StatusSyncSuccessful {
		t.Fatalf("the job = %+v, %v; want it successful", j, err)
	}
	if got := w.account(a.ID).Balance; got != 1_250_000 {
		t.Fatalf("balance %d after the job, want 1250000", got)
	}
	for _, ev := range w.events(a.ID)[eventsBefore:] {
		if ev.Facts.Code != "" || (ev.Facts.Job != nil && ev.Facts.Job.Status == engine.StatusSyncFailed) {
			t.Fatalf("an event of the job says it failed: %+v", ev)
		}
	}
}

// A read that finds its account's real-time job running waits for it, as the read
// that started it does: of a balance's and a transactions' read sent together,
// the second answered processing and the old balance while the first had the new
// (a v2 developer's trial).
func TestRealtimeReadsSentTogetherBothWaitForTheirJob(t *testing.T) {
	w, a := creditBehindASlowBank(t, 50*time.Millisecond)
	first := make(chan engine.SyncResult, 1)
	go func() {
		res, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeTransactions, 10*time.Second)
		if err != nil {
			t.Error(err)
		}
		first <- res
	}()
	w.poll("the first read's job runs", func() bool { return w.eng.JobsRunning() == 1 })
	second, err := w.eng.RealtimeSync(w.ctx, a.ID, engine.RealtimeBalance, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	res := <-first
	if res.Status != engine.StatusSyncSuccessful || !res.HasNewData {
		t.Fatalf("the first read = %+v, want its job successful with new data", res)
	}
	if !second.Reused || second.Job.ID != res.Job.ID || second.Status != res.Status || second.HasNewData != res.HasNewData {
		t.Errorf("the read sent beside it = status %q, job %s, new data %v, reused %v; want the first's job, ended as the first saw it",
			second.Status, second.Job.ID, second.HasNewData, second.Reused)
	}
}

// creditBehindASlowBank is a world whose account a has a credit of NGN 2,500 at
// the bank since its last sync, past the bank session (a job signs in: four calls
// to the bank), each call latency long.
func creditBehindASlowBank(t *testing.T, latency time.Duration) (*world, engine.Account) {
	t.Helper()
	w := newWorld(t, worldOpts{})
	adam := w.adam()
	a := w.connect(adam)
	w.advance(20 * time.Minute)
	w.post(adam, engine.Credit, 250_000)
	if err := w.bank.SetLatency("044", latency); err != nil {
		t.Fatal(err)
	}
	return w, a
}
