package engine

import (
	"context"
	"crypto/sha256"
	"time"
)

// Re-authorisation (R7, R8): POST /accounts/{id}/reauthorise issues a token valid for
// ten minutes and one use; connect.reauthorise(token) — or, in connect.js 2.x,
// connect.reauthorise(accountId) — opens a widget session bound to the account that
// asks only for what the bank asks — the password if the saved one
// was rejected, then any challenge. Success emits account_reauthorized, syncs, and
// (through the sync) emits account_updated.

// RequestReauth issues a reauth token for a linked account.
func (e *Engine) RequestReauth(ctx context.Context, accountID string) (ReauthToken, error) {
	now := e.clock.Now()
	s := e.Settings()
	var t ReauthToken
	err := e.store.Update(ctx, func(tx Tx) error {
		if _, err := linkedAccount(tx, accountID); err != nil {
			return err
		}
		seq, err := tx.NextSequence("reauth")
		if err != nil {
			return err
		}
		t = ReauthToken{Token: NewToken(s.SecretKey, s.IDNamespace, "reauth", seq), AccountID: accountID,
			CreatedAt: now, ExpiresAt: now.Add(ReauthTokenTTL)}
		return tx.PutReauthToken(t)
	})
	return t, err
}

// openReauth spends a reauth token on a widget session for its account.
func (e *Engine) openReauth(ctx context.Context, req WidgetRequest) (WidgetState, error) {
	now := e.clock.Now()
	var a Account
	var t ReauthToken
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if t, a, err = usableReauthToken(tx, req.ReauthToken, now); err != nil {
			return err
		}
		if req.Account != "" && req.Account != a.ID {
			// The token's account was re-authorised, account dropped unsaid, and
			// the token spent (a fuzzing trial).
			return Invalid("account", "account %s is not the account this reauth_token re-authorises (%s): send one of them; the token was not spent", req.Account, a.ID)
		}
		if err := e.reauthFits(a, req, "; the token was not spent"); err != nil {
			return err
		}
		t.UsedAt = now
		return tx.PutReauthToken(t)
	})
	if err != nil {
		return WidgetState{}, err
	}
	// The token is spent: the session it opened has a session's own 30 minutes. It had the
	// token's: opened in its tenth minute, it expired a second later, before the user
	// could read the OTP (a backend engineer's trial).
	st, err := e.openReauthFor(ctx, a, now.Add(WidgetSessionTTL), nil, req.Reference, true)
	if err != nil {
		// No session opened (as many are open as sandbank keeps): the token is
		// given back, as a refusal before it was spent leaves it. It was answered
		// 429, and then refused as used (a review).
		back := e.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
			cur, err := tx.ReauthToken(t.Token)
			if err != nil || !cur.UsedAt.Equal(now) {
				return err
			}
			cur.UsedAt = time.Time{}
			return tx.PutReauthToken(cur)
		})
		if back != nil && e.ctx.Err() == nil {
			e.log.Error("giving back a reauth token no session was opened with", "account", a.ID, "err", back)
		}
	}
	return st, err
}

// usableReauthToken finds a reauth token that can still be spent, and its account.
func usableReauthToken(tx Tx, token string, now time.Time) (ReauthToken, Account, error) {
	t, err := tx.ReauthToken(token)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return t, Account{}, Errorf(EUNAUTHORIZED, "this reauth token was not issued here, for any of this business's accounts; request one with POST /accounts/{id}/reauthorise").WithReason("REAUTH_TOKEN_UNKNOWN")
	case err != nil:
		return t, Account{}, err
	}
	if a, err := tx.Account(t.AccountID); err == nil && !a.Linked() {
		// Used or expired, the token's advice was a new one from a route that then
		// answered 404 (a backend engineer's trial).
		return t, Account{}, Errorf(ENOTFOUND, "account %s was unlinked at %s: it can no longer be re-authorised; the user connects it again, as a new account, with the widget",
			t.AccountID, TimeText(a.UnlinkedAt)).WithReason("ACCOUNT_NOT_FOUND")
	}
	switch {
	case !t.UsedAt.IsZero():
		return t, Account{}, Errorf(ECONFLICT, "this reauth token was already used at %s; tokens are single-use, request a new one with POST /accounts/%s/reauthorise", TimeText(t.UsedAt), t.AccountID).WithReason("REAUTH_TOKEN_USED")
	case !t.ExpiresAt.After(now):
		return t, Account{}, Errorf(EEXPIRED, "this reauth token expired at %s, 10 minutes after it was issued; request a new one with POST /accounts/%s/reauthorise", TimeText(t.ExpiresAt), t.AccountID).WithReason("REAUTH_TOKEN_EXPIRED")
	}
	a, err := linkedAccount(tx, t.AccountID)
	return t, a, err
}

// ReauthTarget is the account a widget request would re-authorise — by its ID, by
// a reauth token, which it does not spend, or by a re-authorisation link — or the
// error opening it would give.
// A page shows it before the user chooses to go on: opening signs in at the bank
// (which starts the bank's count of wrong passwords again), which a link
// preview or a prefetch must not do.
func (e *Engine) ReauthTarget(ctx context.Context, req WidgetRequest) (Account, error) {
	var a Account
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if req.Link != "" {
			var l Link
			if l, err = tx.Link(req.Link); err != nil {
				return err
			}
			if err = usableLink(l, e.clock.Now()); err != nil {
				return err
			}
			if l.Scope != LinkReauth {
				return Errorf(EINVALID, "link %s connects a new account; it re-authorises none", l.ID)
			}
			a, err = reauthLinkAccount(tx, l)
			return err
		}
		if req.ReauthToken != "" {
			_, a, err = usableReauthToken(tx, req.ReauthToken, e.clock.Now())
			return err
		}
		a, err = linkedAccount(tx, req.Account)
		if ErrorCode(err) == ENOTFOUND { // a token passed as an account, as older code does
			if _, ta, terr := usableReauthToken(tx, req.Account, e.clock.Now()); ErrorCode(terr) != EUNAUTHORIZED {
				a, err = ta, terr
			}
		}
		return err
	})
	return a, err
}

// openReauthAccount opens a widget session that re-authorises a linked account by
// its ID, as connect.reauthorise(accountId) of @mono.co/connect.js 2.x does. What
// is not an account but a reauth token is spent as one: code written for the
// older SDK passes the token there.
func (e *Engine) openReauthAccount(ctx context.Context, req WidgetRequest) (WidgetState, error) {
	id := req.Account
	var a Account
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		a, err = linkedAccount(tx, id)
		if ErrorCode(err) == ENOTFOUND {
			if _, terr := tx.ReauthToken(id); terr == nil {
				a.ID = "" // a token: spent below
				return nil
			}
		}
		return err
	})
	switch {
	case err != nil:
		return WidgetState{}, err
	case a.ID == "":
		req.ReauthToken, req.Account = id, ""
		return e.openReauth(ctx, req)
	}
	if err := e.reauthFits(a, req, ""); err != nil {
		return WidgetState{}, err
	}
	return e.openReauthFor(ctx, a, e.clock.Now().Add(WidgetSessionTTL), nil, req.Reference, false)
}

// openReauthFor opens a widget session that re-authorises a, until expires; link
// is the v2 initiate link it walks, or nil; token says a reauth token opened it.
func (e *Engine) openReauthFor(ctx context.Context, a Account, expires time.Time, link *Link, reference string, token bool) (WidgetState, error) {
	acct := BankAccount{Number: a.Number, Name: a.Name, Type: a.Type, Currency: a.Currency, Balance: a.Balance,
		Institution: a.Institution, AuthMethod: a.AuthMethod}
	w := &widgetSession{accountID: a.ID, creds: a.Credentials, state: WidgetState{Institution: a.Institution,
		InstitutionFixed: true, AuthMethod: a.AuthMethod, Reauth: true, Status: WidgetLogin, Username: a.Credentials.Username,
		Account: &acct, ExpiresAt: expires, AttemptsLeft: MaxWidgetAttempts, Reference: reference, Link: link}}
	w.token = token
	if link != nil {
		w.link = link.ID
	}
	// The bank's count may be further along than a new session's: a sync that
	// tried a password since changed was a wrong attempt. Say what is really left.
	left := e.bank.AttemptsLeft(a.Institution.Code, a.Credentials.Username)
	if left > 0 {
		w.state.AttemptsLeft = min(w.state.AttemptsLeft, left)
	}
	if err := e.addWidget(ctx, w); err != nil {
		return WidgetState{}, err
	}
	// Published: from here on under its lock, as every step holds it.
	w.mu.Lock()
	defer w.mu.Unlock()
	refused := false // the saved password was just refused
	lock := func(until time.Time) WidgetState {
		// The bank has locked the login (wrong passwords since): the session says so
		// at once, and until when. It asked for the password, "3 attempts left",
		// and any password, the right one too, then met the lock (an
		// accessibility trial). Not the end of the session, as a lock of its own
		// answers is: when the bank's lock ends, it asks for the password (expire).
		// The token that opened it is spent.
		w.state.AttemptsLeft = 0
		w.state.Status, w.state.Challenge, w.state.LockedUntil = WidgetLocked, nil, until
		if link == nil && w.state.ExpiresAt.Before(until.Add(WidgetSessionTTL)) {
			// It lives on past the lock, as long as a session opened then would: a
			// reauth token's 10 minutes ended it before a 30-minute lock did, and
			// the page had promised the password (the review). A link keeps its
			// own end, which the link's page says.
			w.state.ExpiresAt = until.Add(WidgetSessionTTL)
		}
		if w.state.ExpiresAt.After(until) {
			w.onLock, w.rejected = true, refused || (a.ReauthRequired && a.ReauthReason == ReauthCredentials)
			w.state.ResumesAtUnlock = true
		}
		return w.state
	}
	if until := e.bank.LockedUntil(a.Institution.Code, a.Credentials.Username); !until.IsZero() {
		return lock(until), nil
	}
	if (a.ReauthRequired && a.ReauthReason == ReauthCredentials) || e.savedRefused(a) {
		// The saved password is known to be wrong: ask for the new one. Each
		// session opened tried it again, and counted a wrong attempt at the bank:
		// opened and closed three times, re-authorisation locked the login, which
		// the widget had said took one more (a presenter's trial).
		w.state.PasswordRejected = true
		return w.state, nil
	}
	// Sign in with what is saved; the user then sees only the bank's challenge.
	// If that fails for any reason (a password changed since, an outage) the widget
	// asks for the password, and the user meets the bank's answer at that step.
	res, err := e.bank.Login(ctx, a.Institution.Code, a.Credentials.Username, a.Credentials.Password.Reveal())
	if err != nil {
		// ELOCKED: the login was not locked before this try (above), so the try
		// was wrong too, and the bank's last.
		if be, ok := AsError(err); ok && (be.Code == EUNAUTHORIZED || be.Code == ELOCKED) {
			e.refuseSaved(a)
			refused, w.state.PasswordRejected = true, true
			if be.AttemptsLeft > 0 { // that try counted too
				w.state.AttemptsLeft = min(w.state.AttemptsLeft, be.AttemptsLeft)
			}
		}
		if until := e.bank.LockedUntil(a.Institution.Code, a.Credentials.Username); !until.IsZero() {
			return lock(until), nil // that try was the last the bank took
		}
		return w.state, nil
	}
	if res.Challenge == nil {
		// The bank asked nothing more of the saved sign-in: the user signs in
		// again, as a re-authorisation at a bank that asks no question is. It was
		// done at once, without the user: the public key alone made an account
		// sync, as often as it was called, past the rate limit, each time with
		// account_reauthorized (a QA trial). That sign-in started the bank's count
		// again: the attempts left are the bank's whole count, not what was left
		// before it (the review: "2 attempts left … the failed sync's sign-in").
		if left := e.bank.AttemptsLeft(a.Institution.Code, a.Credentials.Username); left > 0 {
			w.state.AttemptsLeft = min(MaxWidgetAttempts, left)
		}
		return w.state, nil
	}
	if err := e.advance(ctx, w, res); err != nil {
		e.log.Warn("re-authorisation with saved credentials", "account", a.ID, "err", err)
	}
	return w.state, nil
}

// finishReauth saves the new sign-in on the account, emits account_reauthorized and
// syncs.
func (e *Engine) finishReauth(ctx context.Context, w *widgetSession, sess BankSession) error {
	now := e.clock.Now()
	s := e.Settings()
	var evs []Event
	var link Link
	var job SyncJob                          // the real-time window's job from here on, if this sync takes it
	unlock := e.realtimeMu.Lock(w.accountID) // the window's job and its record, together (startJob)
	noted := e.reauthNoted(w.accountID)
	err := e.updateAccount(ctx, w.accountID, func(tx Tx, a *Account) error {
		evs, job = evs[:0], SyncJob{}
		if sess.CustomerID != "" && sess.CustomerID != a.CustomerID {
			return Errorf(EUNAUTHORIZED, "these credentials belong to another customer, not to the holder of account %s", a.ID).WithReason("WRONG_CUSTOMER")
		}
		if w.link != "" {
			var err error
			if link, err = completeLink(tx, w.link, LinkReauthorised, "", now); err != nil {
				return err
			}
		}
		a.Credentials = w.creds
		a.BankSession, a.BankSessionExpiresAt = sess.Token, sess.ExpiresAt
		a.ReauthRequired, a.ReauthReason = false, ""
		a.Reauths++ // a refusal of a sync that began before it is stale
		e.reauthorised(*a)
		if err := takeFailedWindow(tx, s, a, &job, now); err != nil {
			return err
		}
		ev, err := addEvent(tx, *a, EventAccountReauthorized, EventFacts{}, now)
		evs = append(evs, ev)
		return err
	})
	if err != nil {
		e.unreauthorised(w.accountID, noted) // its sign-in was never saved
	} else {
		e.forgetRefused(w.accountID) // signed in with what is saved now
	}
	if err == nil && job.ID != "" {
		e.jobLive(job.ID, true) // its sync, below, ends it
		defer e.endJob(job.ID)
	}
	unlock()
	if err != nil {
		return err
	}
	w.state.Status, w.state.Challenge, w.state.AccountID = WidgetSuccess, nil, w.accountID
	w.state.PasswordRejected = false
	w.state.AttemptsLeft = MaxWidgetAttempts // the bank's count starts again after a sign-in
	if w.link != "" {
		w.state.Link = &link
	}
	e.publish(Notice{Kind: NoticeAccount, AccountID: w.accountID})
	e.announce(evs)
	_, err = e.runSync(context.WithoutCancel(ctx), w.accountID, TriggerReauth, job.ID)
	for syncInProgress(err) {
		// A sync that began before the user put things right still runs (a slow
		// bank): the re-authorisation's own sync runs once it has ended, as a
		// real-time job's does. It was dropped, logged only, and the account
		// waited for the next sync with nothing new said (a concurrency review).
		if ends := e.syncEnds(w.accountID); ends != nil {
			select {
			case <-ends:
			case <-e.ctx.Done():
			}
		}
		_, err = e.runSync(context.WithoutCancel(ctx), w.accountID, TriggerReauth, job.ID)
	}
	if err != nil {
		e.log.Warn("sync after re-authorisation", "account", w.accountID, "err", err)
		if job.ID != "" {
			e.abandonJob(job, err) // recorded failed, not left running
		}
	}
	return nil
}

// reauthNote is what a re-authorisation gave an account: the sign-in a jump's
// automatic rounds take (signInAsReauthorised).
type reauthNote struct {
	reauths        uint64
	creds          Credentials
	session        Secret
	sessionExpires time.Time
}

// reauthorised notes a re-authorisation of a, in its write as it commits.
func (e *Engine) reauthorised(a Account) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.reauths == nil {
		e.reauths = map[string]reauthNote{}
	}
	if a.Reauths > e.reauths[a.ID].reauths {
		e.reauths[a.ID] = reauthNote{a.Reauths, a.Credentials, a.BankSession, a.BankSessionExpiresAt}
	}
}

// unreauthorised puts back the note before a re-authorisation whose write failed: a
// round would sign in with, and store, credentials the account never had saved
// (a review). A round taken between the write and its failure already has.
func (e *Engine) unreauthorised(id string, before reauthNote) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if before.reauths == 0 {
		delete(e.reauths, id)
	} else {
		e.reauths[id] = before
	}
}

// reauthNoted is the note of the account's last re-authorisation, if any.
func (e *Engine) reauthNoted(id string) reauthNote {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reauths[id]
}

// signInAsReauthorised gives a — as an automatic round starts from it — the sign-in
// of a re-authorisation it knows nothing of: one whose write runs or has committed
// since a was read, or since the round's write a comes from read it. Within a
// jump, every round starts from the one before's write, still committing: each
// signed in with the password the user had just replaced, or was refused without
// asking the bank, the account flagged or each refusal stale until the jump ended
// (reviews). Under Engine.mu.
func (e *Engine) signInAsReauthorised(a *Account) {
	n, ok := e.reauths[a.ID]
	if !ok || n.reauths <= a.Reauths {
		return
	}
	a.Credentials, a.BankSession, a.BankSessionExpiresAt = n.creds, n.session, n.sessionExpires
	a.ReauthRequired, a.ReauthReason, a.Reauths = false, "", n.reauths
}

// takeFailedWindow hands the real-time window of a job that failed — for want of
// the sign-in a re-authorisation brings back (a changed password, an MFA) — to the
// re-authorisation's own sync, recorded running as job: a read inside the window
// gets that job back (processing, then finished). It answered the failed job for
// up to five minutes after the user had put it right, so an app that re-authorises
// on failed sent the user round again; and a new job would meet the running sync
// and fail too (a v2 review). A window whose job did not fail stays as it is.
func takeFailedWindow(tx Tx, s Settings, a *Account, job *SyncJob, now time.Time) error {
	if a.LastRealtimeJob == "" {
		return nil
	}
	last, err := tx.SyncJob(a.ID, a.LastRealtimeJob)
	if ErrorCode(err) == ENOTFOUND || (err == nil && last.Status != StatusSyncFailed) {
		return nil
	} else if err != nil {
		return err
	}
	if *job, err = newJob(tx, s, a.ID, TriggerReauth, now); err != nil {
		return err
	}
	job.Status, job.Requested = StatusSyncRunning, last.Requested // the read it stands for; its name is its trigger's (the API's v2JobName)
	a.LastRealtimeJob, a.LastRealtimeAt = job.ID, now
	return tx.PutSyncJob(*job)
}

// Unlink disconnects an account: it stops syncing, forgets the user's credentials,
// emits account_unlinked, and its ID answers not-found from then on.
func (e *Engine) Unlink(ctx context.Context, accountID string) error {
	now := e.clock.Now()
	var evs []Event
	err := e.updateAccount(ctx, accountID, func(tx Tx, a *Account) error {
		evs = evs[:0]
		a.UnlinkedAt, a.NextAutoSyncAt = now, time.Time{}
		a.Credentials, a.BankSession = Credentials{}, ""
		ev, err := addEvent(tx, *a, EventAccountUnlinked, EventFacts{}, now)
		evs = append(evs, ev)
		return err
	})
	if err != nil {
		return err
	}
	e.publish(Notice{Kind: NoticeAccount, AccountID: accountID})
	e.announce(evs)
	return nil
}

// refuseSaved notes that the bank refused a's saved password, so that the next
// re-authorisation asks for the new one rather than try it again. Kept in memory:
// after a restart the saved password is tried once more.
func (e *Engine) refuseSaved(a Account) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.refused == nil {
		e.refused = map[string]string{}
	}
	e.refused[a.ID] = passwordHash(a)
}

// forgetRefused forgets a refusal of a's saved password: the bank took it since
// (the user changed the password back), or the user re-authorised.
func (e *Engine) forgetRefused(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.refused, id)
}

// savedRefused reports whether the bank refused a's saved password as it is now.
func (e *Engine) savedRefused(a Account) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	h, ok := e.refused[a.ID]
	return ok && h == passwordHash(a)
}

// passwordHash is a's saved password hashed: a refused one is known by it, not
// kept a second time.
func passwordHash(a Account) string {
	h := sha256.Sum256([]byte(a.Credentials.Password.Reveal()))
	return string(h[:])
}
