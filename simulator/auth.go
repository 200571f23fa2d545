package simulator

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"sandbank/engine"
)

// Sign-in rules of every bank of the world.
const (
	SessionTTL   = 15 * time.Minute // a session ends 15 minutes (virtual) after sign-in
	ChallengeTTL = 5 * time.Minute  // a challenge, and its OTP, must be answered within 5 minutes
	MaxAttempts  = 3                // wrong passwords and answers in a row before the login locks
	LockDuration = 30 * time.Minute // how long a locked login stays locked
	TokenStep    = 60 * time.Second // a hardware token shows a new code every minute
	CodeDigits   = 6                // an OTP's and a token code's length
)

const wrongCredentials = "wrong username or password"

type session struct {
	cust    *customer
	inst    engine.Institution
	expires int64
}

type challenge struct {
	cust    *customer
	inst    engine.Institution
	key     string           // the login's lock-out key
	kind    engine.MFAKind   // what this challenge asks
	rest    []engine.MFAKind // what comes after it
	answer  string           // the OTP or the CAPTCHA text
	sent    int64            // when it was asked: its OTP's time on the phone
	expires int64
	ended   string // why the bank ended the sign-in since (a password or MFA changed): no answer opens it
}

type failState struct {
	count       int
	lockedUntil int64
}

// wait delays an answer of a bank by its latency, in real time, honouring ctx.
func (b *Bank) wait(ctx context.Context, code string) error {
	if err := ctx.Err(); err != nil {
		return engine.Errorf(engine.EUNAVAILABLE, "the request to the bank was cancelled: %v", err)
	}
	b.mu.Lock()
	d := b.latency[code]
	b.mu.Unlock()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return engine.Errorf(engine.EUNAVAILABLE, "the bank did not answer in time (its responses take %s)", engine.DurationText(d))
	}
}

// down reports an outage of an institution as EUNAVAILABLE.
func (b *Bank) down(in engine.Institution, now int64) error {
	until := b.outages[in.Code]
	if until <= now {
		return nil
	}
	return &engine.Error{Code: engine.EUNAVAILABLE, RetryAfter: time.Duration(until - now),
		Message: fmt.Sprintf("%s is unavailable (outage until %s); try again later", in.Name,
			engine.TimeText(time.Unix(0, until)))}
}

func loginKey(code, username string) string { return code + "/" + strings.ToLower(username) }

// locked reports a locked login as ELOCKED.
func (b *Bank) locked(key string, now int64) error {
	f := b.fails[key]
	if f == nil || f.lockedUntil == 0 {
		return nil
	}
	if f.lockedUntil <= now {
		delete(b.fails, key)
		return nil
	}
	return lockedError(f.lockedUntil - now)
}

func lockedError(left int64) error {
	d := time.Duration(left)
	return &engine.Error{Code: engine.ELOCKED, RetryAfter: d,
		Message: fmt.Sprintf("too many wrong attempts: sign-in is locked; try again in %s", engine.DurationText(d))}
}

// AttemptsLeft is how many wrong passwords or answers in a row the login takes
// before it locks (MaxAttempts when none was counted; 0 while it is locked).
func (b *Bank) AttemptsLeft(institution, username string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	key := loginKey(institution, username)
	if b.locked(key, b.now()) != nil {
		return 0
	}
	if f := b.fails[key]; f != nil {
		return max(MaxAttempts-f.count, 0)
	}
	return MaxAttempts
}

// OutageUntil is when the institution's outage ends; zero while it is up.
func (b *Bank) OutageUntil(institution string) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	until := b.outages[institution]
	if until <= b.now() {
		return time.Time{}
	}
	return time.Unix(0, until).UTC()
}

// LockedUntil is when the login's lock ends; zero while it is not locked.
func (b *Bank) LockedUntil(institution, username string) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	key := loginKey(institution, username)
	if b.locked(key, b.now()) == nil {
		return time.Time{}
	}
	return time.Unix(0, b.fails[key].lockedUntil).UTC()
}

// fail counts a wrong password or answer: EUNAUTHORIZED, or ELOCKED when it is the
// MaxAttempts-th in a row.
func (b *Bank) fail(key string, now int64, msg string) error {
	f := b.fails[key]
	if f == nil {
		f = &failState{}
		b.fails[key] = f
	}
	f.count++
	if f.count >= MaxAttempts {
		f.lockedUntil = now + int64(LockDuration)
		return lockedError(int64(LockDuration))
	}
	return &engine.Error{Code: engine.EUNAUTHORIZED, Message: msg, AttemptsLeft: MaxAttempts - f.count}
}

// Login signs in at an institution with a username and password; the result is a
// session, or a challenge when the customer has MFA or changed their password.
func (b *Bank) Login(ctx context.Context, institution, username, password string) (engine.LoginResult, error) {
	if err := b.wait(ctx, institution); err != nil {
		return engine.LoginResult{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	in, err := lookupInstitution(institution)
	if err != nil {
		return engine.LoginResult{}, err
	}
	if err := b.down(in, now); err != nil {
		return engine.LoginResult{}, err
	}
	if username == "" || password == "" {
		return engine.LoginResult{}, engine.Invalid("username", "enter a username and a password")
	}
	key := loginKey(in.Code, username)
	if err := b.locked(key, now); err != nil {
		return engine.LoginResult{}, err
	}
	c := b.w.byUsername[strings.ToLower(username)]
	if c == nil || len(c.accountsAt(in.Code)) == 0 || c.password != password {
		return engine.LoginResult{}, b.fail(key, now, wrongCredentials)
	}
	var steps []engine.MFAKind
	if c.forceOTP {
		steps = append(steps, engine.MFAOTP)
	}
	if c.mfa != engine.MFANone && !(c.mfa == engine.MFAOTP && c.forceOTP) {
		steps = append(steps, c.mfa)
	}
	if len(steps) == 0 {
		return b.grant(c, in, key, now)
	}
	return b.ask(c, in, key, steps, now), nil
}

// accountsAt are the customer's accounts at a bank, in the order they opened: what
// one sign-in there sees.
func (c *customer) accountsAt(code string) []*account {
	var out []*account
	for _, a := range c.accounts {
		if a.inst.Code == code {
			out = append(out, a)
		}
	}
	return out
}

// nextNonce draws the hash behind a login's next session or challenge. It counts per
// login, not per bank: sign-ins of different customers run concurrently (an
// auto-sync round), and a bank-wide counter would hand their OTPs out in whatever
// order they happened to arrive, so the same scenario would show other codes.
func (b *Bank) nextNonce(key string, now int64) uint64 {
	b.nonces[key]++
	return hash3(b.w.hseed^saltNonce, hashString(key)^b.nonces[key], uint64(now))
}

// grant opens a session and clears the login's failures. The first sign-in after
// a password change (which asked for an OTP) is journaled: the next start would
// otherwise replay the change and ask for the OTP again.
func (b *Bank) grant(c *customer, in engine.Institution, key string, now int64) (engine.LoginResult, error) {
	if c.forceOTP {
		if err := b.record(record{Kind: recSignedIn, At: time.Unix(0, now).UTC(), Customer: c.id}); err != nil {
			return engine.LoginResult{}, err
		}
	}
	delete(b.fails, key)
	h := b.nextNonce(key, now)
	token := hexToken("sess_", h, hash2(h, 1))
	s := &session{cust: c, inst: in, expires: now + int64(SessionTTL)}
	b.sessionsCap = pruneExpired(b.sessions, b.sessionsCap, now, func(s *session) int64 { return s.expires })
	b.sessions[token] = s
	return engine.LoginResult{Session: &engine.BankSession{Token: engine.Secret(token), CustomerID: c.id,
		ExpiresAt: time.Unix(0, s.expires).UTC()}}, nil
}

// ask issues the first of steps as a challenge.
func (b *Bank) ask(c *customer, in engine.Institution, key string, steps []engine.MFAKind, now int64) engine.LoginResult {
	h := b.nextNonce(key, now)
	id := hexToken("chl_", h, hash2(h, 1))
	ch := &challenge{cust: c, inst: in, key: key, kind: steps[0], rest: steps[1:], sent: now, expires: now + int64(ChallengeTTL)}
	exp := time.Unix(0, ch.expires).UTC()
	var prompt string
	switch ch.kind {
	case engine.MFAOTP:
		ch.answer = digits(hash2(h, 2), CodeDigits)
		prompt = "Enter the " + itoa(CodeDigits) + "-digit OTP sent to " + maskPhone(c.identity.Phone)
		c.notify(Message{At: time.Unix(0, now).UTC(), From: in.Name, Kind: MessageOTP, Code: ch.answer, ExpiresAt: exp,
			Text: "Your " + in.Name + " one-time password is " + ch.answer + ". It expires in 5 minutes. Do not share it with anyone."})
	case engine.MFASecurityQuestion:
		prompt = c.question
	case engine.MFAToken:
		prompt = "Enter the " + itoa(CodeDigits) + "-digit code shown on your " + in.Name + " hardware token"
		c.tokenAt = in
	case engine.MFACaptcha:
		ch.answer = captchaText(hash2(h, 3))
		prompt = "Type the characters: " + strings.Join(strings.Split(ch.answer, ""), " ")
	}
	b.challengesCap = pruneExpired(b.challenges, b.challengesCap, now, func(c *challenge) int64 { return c.expires })
	b.challenges[id] = ch
	return engine.LoginResult{Challenge: &engine.Challenge{ID: id, Kind: ch.kind, Prompt: prompt, ExpiresAt: exp, Digits: codeDigits(ch.kind)}}
}

// codeDigits is the length of the code a challenge of this kind asks for; 0 for an
// answer in words.
func codeDigits(kind engine.MFAKind) int {
	if kind == engine.MFAOTP || kind == engine.MFAToken {
		return CodeDigits
	}
	return 0
}

// Answer answers a challenge: the result is a session, the next challenge, or an
// error. Wrong answers count towards the lock-out like wrong passwords; an answer
// that cannot be the code an OTP or a token asks for (letters, another length) is
// refused as EINVALID and counts nothing, as a bank's code field refuses it.
func (b *Bank) Answer(ctx context.Context, challengeID, answer string) (engine.LoginResult, error) {
	b.mu.Lock()
	code := ""
	if ch := b.challenges[challengeID]; ch != nil {
		code = ch.inst.Code
	}
	b.mu.Unlock()
	if err := b.wait(ctx, code); err != nil {
		return engine.LoginResult{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	ch := b.challenges[challengeID]
	if ch == nil {
		return engine.LoginResult{}, engine.Errorf(engine.EEXPIRED, "this challenge is unknown, expired or already answered; sign in again")
	}
	if ch.ended != "" {
		delete(b.challenges, challengeID)
		return engine.LoginResult{}, engine.Errorf(engine.EEXPIRED, "the bank ended this sign-in: %s; sign in again", ch.ended)
	}
	if ch.expires <= now {
		delete(b.challenges, challengeID)
		return engine.LoginResult{}, engine.Errorf(engine.EEXPIRED, "the bank stopped waiting for the answer after %d minutes; sign in again", int(ChallengeTTL/time.Minute))
	}
	if err := b.down(ch.inst, now); err != nil {
		return engine.LoginResult{}, err
	}
	if err := b.locked(ch.key, now); err != nil {
		delete(b.challenges, challengeID)
		return engine.LoginResult{}, err
	}
	if strings.TrimSpace(answer) == "" {
		return engine.LoginResult{}, engine.Invalid("answer", "enter the answer to the challenge")
	}
	if err := engine.NotACode(answer, codeDigits(ch.kind)); err != nil {
		return engine.LoginResult{}, err
	}
	if !b.correct(ch, answer, now) {
		err := b.fail(ch.key, now, b.wrongAnswer(ch, answer, now))
		if engine.ErrorCode(err) == engine.ELOCKED {
			delete(b.challenges, challengeID)
		}
		return engine.LoginResult{}, err
	}
	delete(b.challenges, challengeID)
	if ch.kind == engine.MFAOTP { // the phone shows it used, not "valid 4:55"
		for i := range ch.cust.inbox {
			if m := &ch.cust.inbox[i]; m.Kind == MessageOTP && m.Code == ch.answer && m.From == ch.inst.Name {
				m.Used = true
			}
		}
	}
	if len(ch.rest) > 0 {
		return b.ask(ch.cust, ch.inst, ch.key, ch.rest, now), nil
	}
	return b.grant(ch.cust, ch.inst, ch.key, now)
}

// ExpectedAnswer is what a tester types for an open challenge, found where a tester
// finds it: the OTP in the phone's inbox, the code on the hardware token, the
// security answer in the customer's profile, the characters in a CAPTCHA's prompt.
// It is the one place that knows how to answer each kind: the TUI's and the web
// widget's "fill the test answer" and scenario files all call it.
func (b *Bank) ExpectedAnswer(challengeID string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	ch := b.challenges[challengeID]
	if ch == nil || ch.expires <= now {
		return "", engine.Errorf(engine.EEXPIRED, "this challenge is unknown, expired or already answered; sign in again").WithReason("CHALLENGE_CLOSED")
	}
	switch ch.kind {
	case engine.MFAOTP, engine.MFACaptcha:
		return ch.answer, nil
	case engine.MFAToken:
		code, _, _ := b.tokenCode(ch.cust, now, 0)
		return code, nil
	case engine.MFASecurityQuestion:
		return ch.cust.answer, nil
	}
	return "", engine.Errorf(engine.EINTERNAL, "no answer for a %q challenge", ch.kind)
}

func (b *Bank) correct(ch *challenge, answer string, now int64) bool {
	switch ch.kind {
	case engine.MFAOTP:
		return squash(answer) == ch.answer
	case engine.MFASecurityQuestion:
		return strings.EqualFold(squash(answer), squash(ch.cust.answer))
	case engine.MFAToken:
		a := squash(answer)
		cur, _, _ := b.tokenCode(ch.cust, now, 0)
		prev, _, _ := b.tokenCode(ch.cust, now, -1)
		return a == cur || a == prev
	case engine.MFACaptcha:
		return strings.EqualFold(squash(answer), ch.answer)
	}
	return false
}

// wrongAnswer says what was wrong with an answer: a code that worked once but no
// longer does (an OTP of an earlier sign-in, a token code of a past minute), or one
// of another sign-in, says so and where the one that works is; anything else is a
// wrong answer.
func (b *Bank) wrongAnswer(ch *challenge, answer string, now int64) string {
	a := squash(answer)
	switch ch.kind {
	case engine.MFAOTP:
		for _, m := range ch.cust.inbox {
			if m.Kind != MessageOTP || m.Code != a {
				continue
			}
			// Two sign-ins of one customer can be open at once (a re-authorisation,
			// and a sync of another account at the same bank): the newest OTP on the
			// phone may be the other one's, and "use the newest" sent the tester
			// back to the code just refused (a soak run).
			sent := engine.TimeText(time.Unix(0, ch.sent))
			switch {
			case m.From != ch.inst.Name:
				return fmt.Sprintf("wrong answer: that OTP is from %s; this sign-in is to %s, whose OTP was sent at %s", m.From, ch.inst.Name, sent)
			case m.At.UnixNano() == ch.sent || engine.TimeText(m.At) == sent:
				// The same second written: "for a later sign-in (sent at 03:37:53);
				// this one's was sent at 03:37:53" read as nonsense (a load test).
				return fmt.Sprintf("wrong answer: that OTP is for another sign-in sent at the same moment; this one's is the other OTP sent at %s", sent)
			case m.At.UnixNano() > ch.sent:
				return fmt.Sprintf("wrong answer: that OTP is for a later sign-in (sent at %s); this one's OTP was sent at %s", engine.TimeText(m.At), sent)
			case b.openOTP(ch.cust, a, now):
				// An earlier sign-in still waiting for it: the code works, there.
				return fmt.Sprintf("wrong answer: that OTP is for an earlier sign-in, still open (sent at %s); this one's OTP was sent at %s", engine.TimeText(m.At), sent)
			}
			return "wrong answer: that OTP is from an earlier sign-in and no longer works; use the one sent at " + sent
		}
	case engine.MFAToken:
		for shift := int64(-2); shift >= -60; shift-- { // the last hour's codes
			if code, _, _ := b.tokenCode(ch.cust, now, shift); code == a {
				return "wrong answer: that token code has expired (the token shows a new one every 60 seconds); type the code it shows now"
			}
		}
	}
	return "wrong answer"
}

// openOTP reports whether an open challenge of c's, not expired at now, waits for
// the OTP code.
func (b *Bank) openOTP(c *customer, code string, now int64) bool {
	for _, other := range b.challenges {
		if other.cust == c && other.kind == engine.MFAOTP && other.answer == code && other.expires > now {
			return true
		}
	}
	return false
}

// squash removes every space, so "123 456" and "Jollof  Rice" compare.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// tokenCode is the customer's hardware-token code of the 60-second window of now
// (shift -1: the window before), with the window's bounds.
func (b *Bank) tokenCode(c *customer, now int64, shift int64) (code string, from, until int64) {
	win := floorDiv(now, int64(TokenStep)) + shift
	h := hash3(b.w.hseed^saltToken, hashString(c.id), uint64(win))
	return digits(h, 6), win * int64(TokenStep), (win + 1) * int64(TokenStep)
}

const captchaAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789" // no 0/O, 1/I/L

func captchaText(h uint64) string {
	b := make([]byte, 5)
	for i := range b {
		b[i] = captchaAlphabet[h%uint64(len(captchaAlphabet))]
		h /= uint64(len(captchaAlphabet))
	}
	return string(b)
}

func maskPhone(p string) string {
	if len(p) < 8 {
		return p
	}
	return p[:4] + "***" + p[len(p)-4:]
}

// revoke ends every session of a customer, and every sign-in under way, saying why.
// A sign-in begun with the old password, its challenge answered after the change,
// opened a session, and cleared the OTP the change makes the next sign-in ask for;
// one begun before MFA changed skipped the new question (a review).
func (b *Bank) revoke(c *customer, why string) {
	for k, s := range b.sessions {
		if s.cust == c {
			delete(b.sessions, k)
		}
	}
	for _, ch := range b.challenges {
		if ch.cust == c {
			ch.ended = why
		}
	}
}

// serve runs fn for a valid session, after the bank's latency, with b.mu held.
func (b *Bank) serve(ctx context.Context, token engine.Secret, fn func(s *session, now int64) error) error {
	b.mu.Lock()
	code := ""
	if s := b.sessions[token.Reveal()]; s != nil {
		code = s.inst.Code
	}
	b.mu.Unlock()
	if err := b.wait(ctx, code); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	s := b.sessions[token.Reveal()]
	if s == nil {
		return engine.Errorf(engine.EEXPIRED, "the bank session is unknown, expired or was signed out; sign in again")
	}
	if err := b.down(s.inst, now); err != nil {
		return err
	}
	if s.expires <= now {
		delete(b.sessions, token.Reveal())
		return engine.Errorf(engine.EEXPIRED, "the bank session expired (sessions last %s); sign in again", engine.DurationText(SessionTTL))
	}
	return fn(s, now)
}

// sessionAccount is the session's account with that number.
func (s *session) account(number string) (*account, error) {
	for _, a := range s.cust.accountsAt(s.inst.Code) {
		if a.number == number {
			return a, nil
		}
	}
	return nil, &engine.Error{Code: engine.ENOTFOUND, Field: "account",
		Message: fmt.Sprintf("no account %q at %s for this customer", number, s.inst.Name)}
}

// Accounts lists the session's accounts at its institution, in the order they
// opened.
func (b *Bank) Accounts(ctx context.Context, token engine.Secret) ([]engine.BankAccount, error) {
	var out []engine.BankAccount
	err := b.serve(ctx, token, func(s *session, now int64) error {
		for _, a := range s.cust.accountsAt(s.inst.Code) {
			out = append(out, b.bankAccount(a, now))
		}
		return nil
	})
	return out, err
}

// Balance is an account's live balance.
func (b *Bank) Balance(ctx context.Context, token engine.Secret, number string) (int64, error) {
	var bal int64
	err := b.serve(ctx, token, func(s *session, now int64) error {
		a, err := s.account(number)
		if err != nil {
			return err
		}
		bal = b.w.balanceAt(a, now)
		return nil
	})
	return bal, err
}

// Transactions are an account's transactions in [from, to], oldest first, never
// later than now. A zero from means the account's first; a zero to means now.
func (b *Bank) Transactions(ctx context.Context, token engine.Secret, number string, from, to time.Time) ([]engine.Transaction, error) {
	var out []engine.Transaction
	err := b.serve(ctx, token, func(s *session, now int64) error {
		a, err := s.account(number)
		if err != nil {
			return err
		}
		out, err = b.history(a, from, to, now)
		return err
	})
	return out, err
}

// Statement covers the last months (1 to 12) up to now: from the start of the
// same day (WAT) months calendar months ago, e.g. 3 months on 15 Nov 14:00 runs
// from 15 Aug 00:00.
func (b *Bank) Statement(ctx context.Context, token engine.Secret, number string, months int) (engine.Statement, error) {
	var st engine.Statement
	if months < 1 || months > 12 {
		return st, engine.Invalid("period", "a statement covers 1 to 12 months (got %d)", months)
	}
	err := b.serve(ctx, token, func(s *session, now int64) error {
		a, err := s.account(number)
		if err != nil {
			return err
		}
		from := engine.MonthsBefore(time.Unix(0, now).In(wat), months)
		fromNs := dayStart(dayOf(from.UnixNano()))
		st.Account = b.bankAccount(a, now)
		st.From, st.To = time.Unix(0, fromNs).UTC(), time.Unix(0, now).UTC()
		st.OpeningBalance = b.w.balanceAt(a, fromNs-1)
		st.Transactions, err = b.history(a, st.From, st.To, now)
		st.ClosingBalance = st.OpeningBalance
		if n := len(st.Transactions); n > 0 {
			st.ClosingBalance = st.Transactions[n-1].Balance
		}
		return err
	})
	return st, err
}

// Identity is the session's customer as the bank knows them.
func (b *Bank) Identity(ctx context.Context, token engine.Secret) (engine.Identity, error) {
	var id engine.Identity
	err := b.serve(ctx, token, func(s *session, _ int64) error {
		id = s.cust.identity
		return nil
	})
	return id, err
}

// pruneExpired forgets expired entries once the map has doubled since the last
// prune (and holds over 256), so that signing in stays O(1) amortised however many
// sessions are alive. It returns the size at which to prune next.
func pruneExpired[V any](m map[string]V, next int, now int64, expires func(V) int64) int {
	if len(m) <= max(next, 256) {
		return next
	}
	for k, v := range m {
		if expires(v) <= now {
			delete(m, k)
		}
	}
	return 2 * len(m)
}
