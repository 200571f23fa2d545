package store

// Tests that need a second process: bbolt's file lock is per process, and a crash
// is a SIGKILL of a writer. Both re-execute the test binary (see TestMain).

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

func child(t *testing.T, role, path string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+role, "SANDBANK_STORE_DB="+path)
	return cmd
}

type lockReport struct {
	Opened    bool
	Code      string
	Message   string
	ElapsedMS int64
}

func TestLockedByAnotherProcess(t *testing.T) {
	path := tempPath(t)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	out, err := child(t, "lock", path).Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var r lockReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("child said %q: %v", out, err)
	}
	if r.Opened {
		t.Fatal("a second process opened a file the first one holds")
	}
	if r.Code != engine.ECONFLICT {
		t.Errorf("code = %q, want %q", r.Code, engine.ECONFLICT)
	}
	for _, want := range []string{path, "another sandbank process holds it", "stop that process", "--db"} {
		if !strings.Contains(r.Message, want) {
			t.Errorf("message %q does not say %q", r.Message, want)
		}
	}
	if r.ElapsedMS > 1500 {
		t.Errorf("the second open took %d ms to fail, want about 1 s", r.ElapsedMS)
	}
	t.Logf("second process: %s (after %d ms)", r.Message, r.ElapsedMS)
}

func lockChild(path string) int {
	start := time.Now()
	db, err := Open(path)
	r := lockReport{ElapsedMS: time.Since(start).Milliseconds()}
	if err == nil {
		r.Opened = true
		_ = db.Close()
	} else {
		e, _ := engine.AsError(err)
		r.Code, r.Message = engine.ErrorCode(err), err.Error()
		if e != nil {
			r.Message = e.Message
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(r)
	return 0
}

// ---- crash ----

const (
	crashAccounts = 8
	crashRuns     = 20
)

// bankTx is transaction i of an account as the crash child's bank reports it.
// Every tenth one is posted late, dated before recent ones, so ingest also takes the
// slot-in path.
func bankTx(acct string, i int) engine.Transaction {
	minute := i
	if i%10 == 9 {
		minute = i - 30
	}
	typ := engine.Debit
	if i%4 == 0 {
		typ = engine.Credit
	}
	return sampleTx(fmt.Sprintf("%s-%06d", acct, i), minute, typ, fmt.Sprintf("POS %d", i))
}

type crashPayload struct {
	Snapshot uint64 `json:"snapshot"`
	Total    int64  `json:"total"`
}

// crashChild syncs accounts forever, each sync one Update with everything the engine
// writes, and says on stdout when each starts to commit ("commit N") and when it has
// committed ("committed N"), until the parent kills it.
func crashChild(path string) int {
	db, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	for {
		acct := fmt.Sprintf("acct-%d", rng.IntN(crashAccounts))
		var seq uint64
		err := db.Update(context.Background(), func(tx engine.Tx) error {
			var err error
			if seq, err = tx.NextSequence("sync"); err != nil {
				return err
			}
			count, err := tx.TransactionCount(acct)
			if err != nil {
				return err
			}
			c := int(count)
			var window []engine.Transaction
			for i := max(0, c-20); i < c+1+rng.IntN(300); i++ {
				window = append(window, bankTx(acct, i))
			}
			added, err := tx.AddTransactions(acct, window)
			if err != nil {
				return err
			}
			if want := len(window) - (c - max(0, c-20)); added != want {
				return fmt.Errorf("added %d, want %d", added, want)
			}
			total := count + int64(added)
			snap, err := tx.AddSnapshot(engine.Snapshot{AccountID: acct, At: at(int(seq)), Balance: total,
				NewTransactions: added, TotalTransactions: total, Trigger: engine.TriggerManual})
			if err != nil {
				return err
			}
			a := sampleAccount(acct)
			a.Balance = total
			if err := tx.PutAccount(a); err != nil {
				return err
			}
			payload, _ := json.Marshal(crashPayload{Snapshot: snap.Seq, Total: total})
			if _, err := tx.AppendEvent(engine.Event{ID: fmt.Sprintf("sync-%d", seq), AccountID: acct,
				Type: engine.EventAccountUpdated, FrozenBody: payload, Status: engine.DeliveryPending, NextAttemptAt: at(int(seq))}); err != nil {
				return err
			}
			if err := tx.PutSyncJob(engine.SyncJob{ID: fmt.Sprintf("job-%d", seq), AccountID: acct, StartedAt: at(int(seq)),
				Status: engine.StatusSyncSuccessful, NewTransactions: added}); err != nil {
				return err
			}
			// bbolt commits (writes pages, fsyncs, writes the meta page) right after.
			_, err = fmt.Fprintf(os.Stdout, "commit %d\n", seq)
			return err
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if _, err := fmt.Fprintf(os.Stdout, "committed %d\n", seq); err != nil {
			return 1
		}
	}
}

// TestCrashMidIngest kills a writer with SIGKILL at a random point of its ingest,
// many times over the same file, and checks after each kill that every sync the
// writer saw committed is there and whole, and nothing is there twice.
func TestCrashMidIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns writer processes")
	}
	path := tempPath(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for run := range crashRuns {
		cmd := child(t, "crash", path)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill on the k-th "commit" line (so mid-commit, most likely) or on the
		// k-th "committed" line (between syncs): alternate runs.
		killAfter, phase := 1+rng.IntN(15), []string{"commit", "committed"}[run%2]
		var reported uint64
		seen := 0
		sc := bufio.NewScanner(stdout)
		for seen < killAfter && sc.Scan() {
			word, num, _ := strings.Cut(sc.Text(), " ")
			n, err := strconv.ParseUint(num, 10, 64)
			if err != nil || (word != "commit" && word != "committed") {
				t.Fatalf("run %d: child said %q", run, sc.Text())
			}
			if word == "committed" {
				reported = n
			}
			if word == phase {
				seen++
			}
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		// The writer may have gone on between our last read and the kill: what it
		// said meanwhile is still in the pipe. Read it all, so that "started" counts
		// every sync it began.
		started := reported + 1
		for sc.Scan() {
			word, num, _ := strings.Cut(sc.Text(), " ")
			n, _ := strconv.ParseUint(num, 10, 64)
			switch word {
			case "committed":
				reported = max(reported, n)
			case "commit":
				started = max(started, n)
			}
		}
		err = cmd.Wait()
		if seen < killAfter {
			t.Fatalf("run %d: the writer stopped after %d lines: %v\n%s", run, seen, err, stderr.String())
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("run %d: writer ended with %v, not SIGKILL\n%s", run, err, stderr.String())
		}
		syncs := verifyCrashFile(t, path, reported)
		if syncs > max(started, reported+1) {
			t.Fatalf("run %d: %d syncs on file, but only %d were even started", run, syncs, max(started, reported+1))
		}
		t.Logf("run %d: killed on %q after commit %d was reported; %d syncs on file", run, phase, reported, syncs)
	}
}

// verifyCrashFile checks the file after a kill and returns how many syncs it holds.
func verifyCrashFile(t *testing.T, path string, reported uint64) uint64 {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatalf("reopen after a kill: %v", err)
	}
	defer db.Close()
	if err := db.bolt.View(func(btx *bolt.Tx) error {
		var errs []error
		for err := range btx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}); err != nil {
		t.Fatalf("bbolt consistency check: %v", err)
	}
	if err := checkIndexes(db); err != nil {
		t.Fatal(err)
	}
	var syncs uint64
	if err := db.bolt.View(func(btx *bolt.Tx) error {
		if v := btx.Bucket(bucketSequences).Get([]byte("sync")); v != nil {
			syncs = beUint64(v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if syncs < reported {
		t.Fatalf("the file holds %d syncs but the writer saw %d committed", syncs, reported)
	}
	var snapshots, events uint64
	view(t, db, func(tx engine.Tx) error {
		for a := range crashAccounts {
			acct := fmt.Sprintf("acct-%d", a)
			count, err := tx.TransactionCount(acct)
			if err != nil {
				return err
			}
			snaps, err := tx.Snapshots(acct, 0)
			if err != nil {
				return err
			}
			evs, err := tx.Events(engine.EventQuery{AccountID: acct})
			if err != nil {
				return err
			}
			jobs, err := tx.SyncJobs(acct, 0)
			if err != nil {
				return err
			}
			if len(evs) != len(snaps) || len(jobs) != len(snaps) {
				t.Errorf("%s: %d snapshots, %d events, %d jobs", acct, len(snaps), len(evs), len(jobs))
			}
			// Snapshots newest first: each one's total is the previous total plus its
			// new transactions, and the latest total is the kept count.
			var total int64
			for i := len(snaps) - 1; i >= 0; i-- {
				s := snaps[i]
				if s.Seq != uint64(len(snaps)-i) || s.TotalTransactions != total+int64(s.NewTransactions) {
					t.Errorf("%s: snapshot %+v does not follow a total of %d", acct, s, total)
				}
				total = s.TotalTransactions
				var p crashPayload
				if i < len(evs) {
					if err := json.Unmarshal(evs[i].FrozenBody, &p); err != nil || p.Snapshot != s.Seq || p.Total != s.TotalTransactions {
						t.Errorf("%s: event %s (%s) does not match snapshot %d", acct, evs[i].ID, evs[i].FrozenBody, s.Seq)
					}
				}
			}
			if total != count {
				t.Errorf("%s: snapshots add up to %d transactions, the kept count is %d", acct, total, count)
			}
			page, err := tx.Transactions(engine.TxQuery{AccountID: acct})
			if err != nil {
				return err
			}
			seen := make(map[string]bool, len(page.Transactions))
			for _, x := range page.Transactions {
				seen[x.ID] = true
			}
			for i := range int(count) {
				if id := bankTx(acct, i).ID; !seen[id] {
					t.Errorf("%s: %s missing", acct, id)
				}
			}
			if int64(len(seen)) != count || page.Total != count {
				t.Errorf("%s: %d distinct IDs, total %d, kept count %d", acct, len(seen), page.Total, count)
			}
			snapshots += uint64(len(snaps))
			events += uint64(len(evs))
		}
		return nil
	})
	if snapshots != syncs || events != syncs {
		t.Errorf("%d syncs counted, but %d snapshots and %d events", syncs, snapshots, events)
	}
	if t.Failed() {
		t.FailNow()
	}
	return syncs
}
