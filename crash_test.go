package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// crashKills is how many times TestCrashesDuringLongAdvances kills sandbank.
const crashKills = 20

// crashStart is where its world starts.
var crashStart = time.Date(1972, 1, 3, 8, 0, 0, 0, time.UTC)

// A real sandbank process, killed (SIGKILL) at a random moment while it jumps the
// clock a year at a time, jump after jump, with automatic syncs every 6 h and
// webhooks flowing, and while postings arrive, restarts — again and again — with
// its clock at or after everything it had committed (no sync, event or attempt
// newer than the clock: issue 10 found last_synced_at in 2027 with the clock in
// 2026), every posting it answered 201 there, every advance it answered there, and
// no sync failing because the clock went back. One jump after another, so that a
// kill finds one under way however quick a jump has become (with a single jump of
// a year, a faster sandbank had finished it before 12 of 20 kills).
func TestCrashesDuringLongAdvances(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a real process 20 times")
	}
	db := filepath.Join(t.TempDir(), "sandbank.db")
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	defer recv.Close()

	// The world, set up in process: accounts that trade, and a dormant customer who
	// receives the postings, so that their sum is the balance.
	// It starts in 1972, 134 years before the world's end (2106), with twenty
	// accounts, about a simulated year a second here: 20 kills use a tenth of that.
	// (A restart's overdue round once ran beside the jumps, late or never, and
	// with no automatic sync left the jumps passed a century a second: the end
	// came by the 11th kill, and the kills after it found no jump under way.)
	m := NewMain(Options{DB: db, Addr: "127.0.0.1:0", Seed: 7, SecretKey: mainSecretKey, NoDemo: true, Start: crashStart})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	on, every, url := true, 6*time.Hour, recv.URL+"/hooks"
	if _, err := m.Engine.UpdateSettings(ctx, engine.SettingsPatch{DataSyncEnabled: &on, AutoSync: &every, WebhookURL: &url}); err != nil {
		t.Fatal(err)
	}
	profiles := []string{simulator.ProfileTrader, simulator.ProfileBusiness, simulator.ProfileSalaryEarner, simulator.ProfileStudent, simulator.ProfileFreelancer}
	for i := range 4 * len(profiles) {
		c, err := m.Bank.AddCustomer(simulator.NewCustomer{Institution: []string{"044", "058", "057", "011", "033"}[i%5], Balance: 5_000_000, Profile: profiles[i%5]})
		if err != nil {
			t.Fatal(err)
		}
		connectCustomer(t, m, c)
	}
	const opening = 100_000
	payee, err := m.Bank.AddCustomer(simulator.NewCustomer{Institution: "214", Balance: opening})
	if err != nil {
		t.Fatal(err)
	}
	connectCustomer(t, m, payee)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	client := &http.Client{Timeout: time.Minute}
	rng := rand.New(rand.NewPCG(10, uint64(time.Now().UnixNano())))
	var acked, sent int64 // kobo of postings answered 201, and of all sent
	var ackedAdvance time.Time
	killedMidAdvance := 0
	for kill := 1; kill <= crashKills; kill++ {
		p := startSandbank(t, db)
		checkAfterRestart(t, client, p.base, kill, payee.ID, opening+acked, opening+sent, ackedAdvance)

		stop := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		advancing := false
		wg.Add(2)
		go func() { // long jumps, one after another until the kill
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				advancing = true
				mu.Unlock()
				status, body, err := post(client, p.base+"/sandbox/clock", map[string]any{"advance": "365d"})
				mu.Lock()
				advancing = false
				if err == nil && status == http.StatusOK {
					now, _ := time.Parse(time.RFC3339, body["now"].(string))
					ackedAdvance = now
				}
				mu.Unlock()
				if err != nil || status != http.StatusOK {
					if err == nil { // answered, and not 200: a 500, or the world's end
						t.Errorf("run %d: an advance answered %d: %v", kill, status, body)
					}
					return // killed (or at the world's end, which the check after restart reports)
				}
			}
		}()
		go func() { // postings meanwhile
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				amount := int64(100 + i%7)
				mu.Lock()
				sent += amount
				mu.Unlock()
				status, _, err := post(client, p.base+"/sandbox/customers/"+payee.ID+"/transactions",
					map[string]any{"type": "credit", "amount": amount, "narration": fmt.Sprintf("CRASH %d-%d", kill, i)})
				if err != nil {
					return // killed
				}
				if status != http.StatusCreated {
					t.Errorf("a posting answered %d", status)
					return
				}
				mu.Lock()
				acked += amount
				mu.Unlock()
			}
		}()
		// A random moment of the real process's run: real time, which is what a kill
		// interrupts.
		time.Sleep(time.Duration(100+rng.IntN(1400)) * time.Millisecond)
		mu.Lock()
		if advancing {
			killedMidAdvance++
		}
		mu.Unlock()
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = p.wait(t)
		close(stop)
		wg.Wait()
	}
	p := startSandbank(t, db)
	checkAfterRestart(t, client, p.base, crashKills+1, payee.ID, opening+acked, opening+sent, ackedAdvance)
	t.Logf("%d kills, %d of them during an advance; %d kobo of postings answered, %d sent", crashKills, killedMidAdvance, acked, sent)
	if killedMidAdvance < crashKills/2 {
		t.Errorf("only %d of %d kills came during an advance: the test did not test what it says", killedMidAdvance, crashKills)
	}
}

// checkAfterRestart checks a restarted sandbank: its clock is at or after every
// time it has stored and every advance it answered; the payee's balance holds every
// posting answered (and no more than were sent); no sync failed for a clock that
// went back.
func checkAfterRestart(t *testing.T, c *http.Client, base string, run int, payee string, minBalance, maxBalance int64, ackedAdvance time.Time) {
	t.Helper()
	var latest time.Time
	var what string
	note := func(s any, label string) {
		str, _ := s.(string)
		if str == "" {
			return
		}
		at, err := time.Parse(time.RFC3339, str)
		if err != nil {
			t.Fatalf("run %d: %s %q is not a time", run, label, str)
		}
		if at.After(latest) {
			latest, what = at, label
		}
	}
	accounts := mustCall(t, c, http.StatusOK, "GET", base+"/sandbox/accounts", nil)["data"].([]any)
	for _, a := range accounts {
		a := a.(map[string]any)
		note(a["last_synced_at"], "account "+a["account"].(map[string]any)["_id"].(string)+"'s last_synced_at")
	}
	events := mustCall(t, c, http.StatusOK, "GET", base+"/sandbox/webhooks?limit=200", nil)["data"].([]any)
	for _, e := range events {
		e := e.(map[string]any)
		id := e["id"].(string)
		note(e["created_at"], "event "+id+"'s created_at")
		note(e["delivered_at"], "event "+id+"'s delivered_at")
		for _, a := range e["attempts"].([]any) {
			a := a.(map[string]any)
			note(a["at"], "an attempt at event "+id)
			note(a["last_at"], "an attempt at event "+id)
		}
		payload, _ := json.Marshal(e["payload"])
		if bytes.Contains(payload, []byte("before it starts")) {
			t.Errorf("run %d: a sync failed because the clock went back: %s", run, payload)
		}
	}
	// Read the clock after the data: a sync that ran since the restart is not newer.
	clock := mustCall(t, c, http.StatusOK, "GET", base+"/sandbox/clock", nil)
	now, err := time.Parse(time.RFC3339, clock["now"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if now.Before(latest) {
		t.Errorf("run %d: the clock restarted at %s, before %s (%s): data newer than the clock", run,
			engine.TimeText(now), what, engine.TimeText(latest))
	}
	if now.Before(ackedAdvance) {
		t.Errorf("run %d: the clock restarted at %s, before %s, where an answered advance had moved it", run,
			engine.TimeText(now), engine.TimeText(ackedAdvance))
	}
	cust := mustCall(t, c, http.StatusOK, "GET", base+"/sandbox/customers/"+payee, nil)
	balance := int64(cust["accounts"].([]any)[0].(map[string]any)["balance"].(float64))
	if balance < minBalance || balance > maxBalance {
		t.Errorf("run %d: the payee's balance is %d kobo; the postings answered make %d, and all sent %d: an answered posting was lost",
			run, balance, minBalance, maxBalance)
	}
	if now.Before(crashStart) {
		t.Fatalf("run %d: clock %v, before the world's start", run, clock)
	}
}

// post sends a JSON POST with the secret key; an error means no answer (the process
// was killed).
func post(c *http.Client, url string, body any) (int, map[string]any, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("mono-sec-key", mainSecretKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%d, not JSON: %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, out, nil
}

// firstRunKills is how many first runs TestFirstRunKilledBeforeItsPortAnswers kills.
const firstRunKills = 12

// A first run killed (SIGKILL: a crash, out of memory, a cancelled CI job) at a
// random moment before its port answers — before its schema, in its world, in its
// demo — leaves a file that the next start throws away, saying so, and builds
// anew, however often that is killed too: the restart serves the demo world whole,
// with the IDs of a first run never interrupted (the same seed, the same IDs).
// It served what the kill left as a complete world, without a word (an operator's
// trial: killed after 0.04 s, no accounts and Data Sync off; after 0.07 s, one of
// the demo's three customers).
func TestFirstRunKilledBeforeItsPortAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts real processes")
	}
	dir := t.TempDir()
	client := &http.Client{Timeout: time.Minute}
	const banner = "Ctrl+C stops it." // printed once the port answers
	type process struct {
		cmd  *exec.Cmd
		out  *lockedBuffer
		done chan struct{}
	}
	serve := func(db string) process {
		cmd, out := runSandbank(t, nil, nil, "serve", "--db", db, "--addr", "127.0.0.1:0", "--secret-key", mainSecretKey)
		p := process{cmd, out, make(chan struct{})}
		go func() { _ = cmd.Wait(); close(p.done) }()
		return p
	}
	stop := func(p process) {
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	// served waits for the port to answer, and reads the world as an app would.
	served := func(what string, p process) string {
		t.Helper()
		awaitOutput(t, p.out, what+" never served", banner)
		addr := servingOn.FindStringSubmatch(p.out.String())
		if addr == nil {
			t.Fatalf("%s: no address in\n%s", what, p.out)
		}
		return demoWorld(t, client, addr[1])
	}

	ref := filepath.Join(dir, "whole.db")
	p := serve(ref)
	want := served("an uninterrupted first run", p)
	commits := committed(ref) // a first run's, until its port answers
	stop(p)
	if !strings.Contains(want, "3 accounts") {
		t.Fatalf("an uninterrupted first run serves:\n%s", want)
	}

	rng := rand.New(rand.NewPCG(11, uint64(time.Now().UnixNano())))
	kills, beforePort, anew := 0, 0, 0
	for run := 1; run <= firstRunKills; run++ {
		db := filepath.Join(dir, fmt.Sprintf("killed%d.db", run))
		// Killed once, or its rebuild too, each at a commit of its own: 0 is as
		// soon as the file exists, before its schema.
		for kill := range 1 + rng.IntN(2) {
			from := committed(db)
			at := from + rng.Uint64N(commits)
			p := serve(db)
			deadline := time.Now().Add(20 * time.Second)
			for c := committed(db); c < at || c == 0 && !exists(db); c = committed(db) {
				select {
				case <-p.done:
					t.Fatalf("run %d: sandbank exited before its kill:\n%s", run, p.out)
				default:
				}
				if strings.Contains(p.out.String(), banner) || time.Now().After(deadline) {
					break // its port answers: no commit of its first run is left to kill at
				}
				time.Sleep(200 * time.Microsecond) // polling the file: each commit is a moment to kill at
			}
			stop(p)
			kills++
			if !strings.Contains(p.out.String(), banner) {
				beforePort++
			}
			t.Logf("run %d, kill %d: at commit %d of the file (aimed at %d, from %d)", run, kill+1, committed(db), at, from)
		}
		p := serve(db)
		got := served(fmt.Sprintf("run %d: the start after the kill", run), p)
		stop(p)
		if got != want {
			t.Errorf("run %d: the start after a first run killed serves\n%s\nwant, as a first run never interrupted:\n%s\n(its output:\n%s)", run, got, want, p.out)
		}
		if strings.Contains(p.out.String(), "nothing else was in it: building it anew") {
			anew++
			if !strings.Contains(p.out.String(), "(new: made by this first run, with the demo world)") {
				t.Errorf("run %d: a world built anew is not said to be new:\n%s", run, p.out)
			}
		}
	}
	t.Logf("%d of %d kills before the port answered; %d starts threw a killed first run's file away (a first run's %d commits)", beforePort, kills, anew, commits)
	if beforePort < kills*3/4 || anew < firstRunKills/3 {
		t.Errorf("%d of %d kills before the port answered, %d of %d files thrown away: the test did not test what it says", beforePort, kills, anew, firstRunKills)
	}
}

// servingOn finds the address in sandbank serve's banner.
var servingOn = regexp.MustCompile(`serving the Data Sync sandbox API on http://(\S+)`)

// demoWorld is what an app reads of a world at addr: its connected accounts (their
// IDs, numbers and banks, and whether they get webhooks), its customers' names,
// and Data Sync's settings.
func demoWorld(t *testing.T, c *http.Client, addr string) string {
	t.Helper()
	base := "http://" + addr
	var lines []string
	accounts := mustCall(t, c, http.StatusOK, "GET", base+"/sandbox/accounts", nil)["data"].([]any)
	lines = append(lines, fmt.Sprintf("%d accounts", len(accounts)))
	for _, a := range accounts {
		a := a.(map[string]any)
		acct := a["account"].(map[string]any)
		lines = append(lines, fmt.Sprintf("account %v %v %v at %v, webhooks %v", acct["_id"], acct["accountNumber"], acct["name"],
			acct["institution"].(map[string]any)["bankCode"], a["receives_webhooks"]))
	}
	customers := mustCall(t, c, http.StatusOK, "GET", base+"/sandbox/customers", nil)["data"].([]any)
	var names []string
	for _, cu := range customers {
		names = append(names, cu.(map[string]any)["username"].(string))
	}
	lines = append(lines, fmt.Sprintf("%d customers: %s", len(customers), strings.Join(names, " ")))
	s := mustCall(t, c, http.StatusOK, "GET", base+"/sandbox/settings", nil)
	lines = append(lines, fmt.Sprintf("data sync %v, auto-sync %v, webhooks to %v", s["data_sync_enabled"], s["auto_sync"],
		strings.TrimPrefix(fmt.Sprint(s["webhook_url"]), base)))
	return strings.Join(lines, "\n")
}

// committed is how many transactions the bbolt file at path has committed: its
// newer meta page's transaction ID (1 once bbolt has made the file), 0 while there
// is none.
func committed(path string) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var txid uint64
	buf := make([]byte, 16+64)                                // a page's header, then the meta
	for _, off := range []int64{0, int64(os.Getpagesize())} { // a new file's pages are the system's
		if _, err := f.ReadAt(buf, off); err == nil && binary.NativeEndian.Uint32(buf[16:]) == 0xED0CDAED {
			txid = max(txid, binary.NativeEndian.Uint64(buf[16+48:]))
		}
	}
	return txid
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
