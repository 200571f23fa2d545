package tui

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandbank/engine"
	"sandbank/simulator"
	"sandbank/store"
)

// The benchmark world: 10,000 connected accounts, one of them with 1,000,000 stored
// transactions. It is built once per `go test -bench` run.
const (
	benchAccounts = 10_000
	benchTxs      = 1_000_000
	benchSeed     = 2021
)

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
	benchDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchDB returns the benchmark database, building it the first time (in a temp
// dir, or at $SANDBANK_BENCH_DB, kept for the next run): the bank's
// 10,000 dormant customers are added through the simulator (its journal lives in
// the store, so a reopened bank is the same bank), the connected accounts and the
// big account's history are written straight into the store, as a first sync would
// write them. fsync is off while building; the benchmarks reopen the file normally.
func benchDB(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		if benchPath = os.Getenv("SANDBANK_BENCH_DB"); benchPath != "" { // kept between runs
			if _, err := os.Stat(benchPath); err == nil {
				return
			}
		} else {
			if benchDir, benchErr = os.MkdirTemp("", "sandbank-tui-bench-"); benchErr != nil {
				return
			}
			benchPath = filepath.Join(benchDir, "sandbank.db")
		}
		start := time.Now()
		benchErr = buildBenchDB(benchPath)
		fmt.Fprintf(os.Stderr, "built the benchmark database (%d accounts, %d transactions) in %s\n", benchAccounts, benchTxs, time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

func buildBenchDB(path string) error {
	ctx := context.Background()
	db, err := store.Open(path, store.UnsafeNoSync())
	if err != nil {
		return err
	}
	defer db.Close()
	clock := simulator.NewClock(worldStart, simulator.WithWall(func() time.Time { return frozenWall }))
	defer clock.Close()
	clock.SetPaused(true)
	bank, err := simulator.Open(simulator.Config{Seed: benchSeed, Start: worldStart, Customers: 1}, clock, db)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(benchSeed, 7))
	customers := make([]simulator.Customer, 0, benchAccounts)
	for range benchAccounts {
		c, err := bank.AddCustomer(simulator.NewCustomer{Balance: 100_000 + rng.Int64N(50_000_000_00)})
		if err != nil {
			return err
		}
		customers = append(customers, c)
	}
	settings := engine.Settings{SecretKey: "test_sk_benchbenchbench", PublicKey: "test_pk_benchbenchbench",
		WebhookSecret: "whsec_bench", IDNamespace: "sandbank/bench", DataSyncEnabledAt: worldStart.Add(-time.Hour)}
	ids := make([]string, len(customers))
	err = db.Update(ctx, func(tx engine.Tx) error {
		if err := tx.PutSettings(settings); err != nil {
			return err
		}
		if err := tx.PutClockState(clock.State()); err != nil {
			return err
		}
		for i, c := range customers {
			seq, err := tx.NextSequence("account")
			if err != nil {
				return err
			}
			ba := c.Accounts[0]
			ids[i] = engine.NewID(settings.IDNamespace, "account", seq)
			a := engine.Account{ID: ids[i], Institution: ba.Institution, CustomerID: c.ID, Number: ba.Number, Name: ba.Name,
				Type: ba.Type, Currency: ba.Currency, AuthMethod: ba.AuthMethod, ConnectedAt: worldStart.Add(-time.Duration(i) * time.Minute),
				DataStatus: engine.DataAvailable, Balance: ba.Balance, Identity: c.Identity, LastSyncedAt: worldStart,
				LastAttemptAt: worldStart, LastCode: engine.CodeSyncSuccessful, LastMessage: "synced: 1 new transactions",
				Credentials: engine.Credentials{Username: c.Username, Password: engine.Secret(c.Password)}}
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The big account: a year of history, a transaction every ~31 seconds.
	big := ids[0]
	narrations := []string{"POS PURCHASE SHOPRITE LEKKI", "NIP TRF FROM CHIOMA OKAFOR/GTB", "AIRTIME MTN 08031234567",
		"SALARY NOV 2026 - DANGOTE CEMENT PLC", "ATM WDL ZENITH WUSE II", "WEB PURCHASE JUMIA.COM.NG", "DSTV SUBSCRIPTION", "TRF TO KELECHI OKOTIE/FBN"}
	from := worldStart.AddDate(-1, 0, 0)
	step := worldStart.Sub(from) / benchTxs
	balance := int64(500_000_000)
	const batch = 50_000
	for n := 0; n < benchTxs; n += batch {
		txs := make([]engine.Transaction, 0, batch)
		for i := n; i < min(n+batch, benchTxs); i++ {
			typ, amount := engine.Debit, 100+rng.Int64N(2_000_000)
			if rng.IntN(3) == 0 || balance < amount {
				typ, balance = engine.Credit, balance+amount
			} else {
				balance -= amount
			}
			txs = append(txs, engine.Transaction{ID: fmt.Sprintf("btx%07d", i), AccountID: big, Type: typ, Amount: amount,
				Narration: narrations[rng.IntN(len(narrations))], Date: from.Add(time.Duration(i) * step), Balance: balance,
				Currency: "NGN", Category: "shopping"})
		}
		if err := db.Update(ctx, func(tx engine.Tx) error { _, err := tx.AddTransactions(big, txs); return err }); err != nil {
			return err
		}
	}
	return db.Update(ctx, func(tx engine.Tx) error {
		a, err := tx.Account(big)
		if err != nil {
			return err
		}
		a.Balance = balance
		a.LastMessage = "synced: 1000000 new transactions"
		if _, err := tx.AddSnapshot(engine.Snapshot{AccountID: big, At: worldStart, Balance: balance, NewTransactions: benchTxs,
			TotalTransactions: benchTxs, Trigger: engine.TriggerConnect}); err != nil {
			return err
		}
		return tx.PutAccount(a)
	})
}

// benchWorld is the benchmark database opened the way main opens a database: fsync
// on, the clock restored, the bank rebuilt from its journal, the engine started.
type benchWorld struct {
	db    *store.DB
	clock *simulator.Clock
	bank  *simulator.Bank
	eng   *engine.Engine
}

func openBenchWorld(path string) (*benchWorld, error) {
	ctx := context.Background()
	w := &benchWorld{}
	var err error
	if w.db, err = store.Open(path); err != nil {
		return nil, err
	}
	var st engine.ClockState
	if err := w.db.View(ctx, func(tx engine.Tx) error { st, err = tx.ClockState(); return err }); err != nil {
		return nil, err
	}
	w.clock = simulator.RestoreClock(st, simulator.WithWall(func() time.Time { return frozenWall }))
	if w.bank, err = simulator.Open(simulator.Config{Seed: benchSeed, Start: w.clock.Now()}, w.clock, w.db); err != nil {
		return nil, err
	}
	if w.eng, err = engine.New(engine.Config{Clock: w.clock, Bank: w.bank, Store: w.db, Sender: &fakeSender{}}); err != nil {
		return nil, err
	}
	return w, w.eng.Start(ctx, engine.Settings{})
}

func (w *benchWorld) close() {
	w.eng.Close()
	w.clock.Close()
	w.db.Close()
}

// benchHarness is the model at 120×40 on the benchmark world, commands run
// synchronously as in the model tests.
func benchHarness(b *testing.B) (*harness, *benchWorld) {
	b.Helper()
	w, err := openBenchWorld(benchDB(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.close)
	tw := &testWorld{t: b, ctx: context.Background(), clock: w.clock, bank: w.bank, db: w.db, eng: w.eng}
	h := newHarness(b, tw, harnessOpts{width: 120, height: 40})
	return h, w
}

// BenchmarkAccountsView draws the dashboard of 10,000 accounts: one frame per op.
func BenchmarkAccountsView(b *testing.B) {
	h, _ := benchHarness(b)
	h.press("pgdown", "pgdown") // somewhere in the middle, live balances fetched
	if !strings.Contains(h.screen(), "Connected accounts 10,000 of 10,000") {
		b.Fatalf("not the 10,000 accounts:\n%s", h.screen())
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = h.m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
}

// BenchmarkAccountsScroll is a page down and its frame, with the live balances of
// the new rows fetched from the bank (the command runs synchronously here).
func BenchmarkAccountsScroll(b *testing.B) {
	h, _ := benchHarness(b)
	i := 0
	for b.Loop() {
		key := "pgdown"
		if i++; i%300 > 150 {
			key = "pgup"
		}
		h.press(key)
		_ = h.m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
}

// openBigAccount opens the account with a million transactions on its
// Transactions section, scrolled to the middle.
func openBigAccount(b *testing.B, h *harness) {
	b.Helper()
	accounts, err := h.w.eng.Accounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	var big engine.Account
	for _, a := range accounts {
		if a.LastMessage == "synced: 1000000 new transactions" {
			big = a
		}
	}
	h.send(openAccountMsg{id: big.ID})
	h.press("right")
	if !strings.Contains(h.screen(), "1,000,000 transactions") {
		b.Fatalf("not the big account:\n%s", h.screen())
	}
	for range 2000 { // half a million rows down
		h.press("pgdown")
		if strings.Contains(h.screen(), "row 500,") {
			break
		}
	}
}

// BenchmarkTransactionsView draws the Transactions section of the account with a
// million stored transactions: one frame per op.
func BenchmarkTransactionsView(b *testing.B) {
	h, _ := benchHarness(b)
	openBigAccount(b, h)
	b.ReportAllocs()
	for b.Loop() {
		_ = h.m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
}

// BenchmarkTransactionsScroll is a page down through a million transactions and
// its frame, the store reads of the new pages included.
func BenchmarkTransactionsScroll(b *testing.B) {
	h, _ := benchHarness(b)
	openBigAccount(b, h)
	i := 0
	for b.Loop() {
		key := "pgdown"
		if i++; i%400 > 200 {
			key = "pgup"
		}
		h.press(key)
		_ = h.m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
}

// BenchmarkStartup runs a fresh process that opens the benchmark database as main
// does and shows the UI in a real program; it reports the time from the process's
// start to the first frame and to the first frame with the 10,000 rows, then opens
// the big account's transactions and reports the process's resident memory.
func BenchmarkStartup(b *testing.B) {
	path := benchDB(b)
	var r startupReport
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStartupChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SANDBANK_STARTUP_DB="+path)
		begin := time.Now()
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("the child failed: %v\n%s", err, out)
		}
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		found := false
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "STARTUP "); ok {
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					b.Fatal(err)
				}
				found = true
			}
		}
		if !found {
			b.Fatalf("no report from the child:\n%s", out)
		}
		r.FirstFrameMs = float64(time.Unix(0, r.FirstFrame).Sub(begin).Microseconds()) / 1000
		r.FirstRowsMs = float64(time.Unix(0, r.FirstRows).Sub(begin).Microseconds()) / 1000
	}
	b.ReportMetric(r.FirstFrameMs, "ms-first-frame")
	b.ReportMetric(r.FirstRowsMs, "ms-first-rows")
	b.ReportMetric(r.RSSMB, "MB-RSS")
	b.ReportMetric(r.PeakMB, "MB-peak-RSS")
	b.ReportMetric(r.RowsRSSMB, "MB-RSS-dashboard")
}

type startupReport struct {
	FirstFrame, FirstRows     int64 // unix nanos
	FirstFrameMs, FirstRowsMs float64
	RSSMB, PeakMB, RowsRSSMB  float64
}

// TestStartupChild is BenchmarkStartup's child process; it does nothing in a
// normal test run.
func TestStartupChild(t *testing.T) {
	path := os.Getenv("SANDBANK_STARTUP_DB")
	if path == "" {
		t.Skip("run by BenchmarkStartup")
	}
	t0 := time.Now()
	w, err := openBenchWorld(path)
	fmt.Fprintf(os.Stderr, "opened the world in %s\n", time.Since(t0))
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := New(ctx, Config{Engine: w.eng, Bank: w.bank, Clock: w.clock, Addr: "127.0.0.1:7070", DBPath: path})
	defer m.Close()
	rec := &recorder{Model: m, drawn: make(chan struct{}, 1)}
	in, keys := io.Pipe()
	defer keys.Close()
	p := tea.NewProgram(rec, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40))
	done := make(chan struct{})
	go func() { _, _ = p.Run(); close(done) }()

	var r startupReport
	timeout := time.After(30 * time.Second)
	for r.FirstFrame == 0 || r.FirstRows == 0 {
		select {
		case <-rec.drawn:
		case <-timeout:
			t.Fatalf("no rows; last frame:\n%s", rec.screen())
		}
		now := time.Now().UnixNano()
		if s := rec.screen(); s != "" && r.FirstFrame == 0 {
			r.FirstFrame = now
		}
		if strings.Contains(rec.screen(), "10,000 of 10,000") {
			r.FirstRows = now
		}
	}
	r.RowsRSSMB, _ = procMemory()
	// Open the big account's transactions, scroll, and then read the memory.
	accounts, err := w.eng.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if a.LastMessage == "synced: 1000000 new transactions" {
			p.Send(openAccountMsg{id: a.ID})
		}
	}
	rec.waitFor(t, "Overview")
	p.Send(keyPress("right"))
	rec.waitFor(t, "1,000,000 transactions")
	for range 50 {
		p.Send(keyPress("pgdown"))
	}
	rec.waitFor(t, "row 1,")
	r.RSSMB, r.PeakMB = procMemory()
	b, _ := json.Marshal(r)
	fmt.Printf("STARTUP %s\n", b)
	p.Quit()
	<-done
}

// procMemory reads the resident set size and its peak from /proc, in MB.
func procMemory() (rss, peak float64) {
	f, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(f), "\n") {
		fields := strings.Fields(l)
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return rss, peak
}
