package world

// How sandbank scales with time and accounts (issue 10): N accounts, each with its
// own due time, auto-sync every 24 h, a day and then a year of virtual time. Beside
// each figure, the physical limit: the same transactions written with raw bbolt,
// batched one transaction a simulated day, fsync on, in the same run.
//
//	go test ./world/ -run '^$' -bench Scale -benchtime 1x -timeout 2h
//	go test ./world/ -run '^$' -bench 'Scale$/accounts=1000$' -benchtime 1x
//
// Per size: s-advance (until Advance returns: every sync of the jump stored),
// s-settled (until webhook delivery has caught up too), ms/account-day of both,
// their CPU seconds, B/account-year (growth of the pages in use; fileB: of the
// file, which bbolt grows in steps), peakRSS-MB (the kernel's high-water mark; the
// file is memory-mapped), tx/account-day, writes/account-day (the advance's page
// writes, store.DB.Writes; store's BenchmarkDiskFloor measures what one costs this
// disk), batches (the store writer's transactions), writer-busy-% (the share of the
// advance the writer spent running them: near 100, the jump waited on it),
// committing-% (the share of that in bbolt's commit — pages laid out and written,
// fsyncs — rather than in the syncs' reads and puts), and the raw bbolt baseline's
// seconds, ms/account-day, bytes and writes.
// The accounts' profiles are the world's mix and one in seven dormant;
// SANDBANK_BENCH_PROFILE=dormant makes them all dormant (accounts made through
// POST /sandbox/customers are, by default: every sync finds nothing new),
// SANDBANK_BENCH_NO_WEBHOOKS=1 sets no webhook URL, and
// SANDBANK_BENCH_10K_YEAR=1 adds the year of 10,000 accounts (long), and
// SANDBANK_BENCH_CPUPROFILE=/tmp/p writes a CPU profile of each advance (of its
// first SANDBANK_BENCH_CPUPROFILE_FOR, e.g. 5m, if set) and, with
// SANDBANK_BENCH_HEAPPROFILE_AT=25s, a heap profile that far into it (what a
// batch holds in memory: the price of a larger one);
// SANDBANK_BENCH_ADVANCE_ONLY=1 does not wait for the long jump's webhooks (quicker to
// rerun; the figures of the settled jump are then left out),
// SANDBANK_BENCH_PROGRESS=1 prints a long advance's pace every 30 s,
// SANDBANK_BENCH_DAY_REPEATS=K takes the day's figures as the median of K single
// days (default: 21 days at 10 to 1,000 accounts, 3 at 10,000),
// SANDBANK_BENCH_DAYS=60 jumps 60 days instead of the year (0: no long jump), and
// SANDBANK_BENCH_LOCAL_DELIVERIES=K delivers up to K webhooks at once (the
// engine's LocalDeliveries; default: the engine's), and
// SANDBANK_BENCH_DUMP=PREFIX copies the database to PREFIX-before and PREFIX-after
// each single day (the last day's stay) for scripts/pagediff — with
// SANDBANK_BENCH_NO_WEBHOOKS=1 the advance's pages alone, else also those of the
// deliveries that commit as it returns; the settled figures then include the
// copies' cost — and
// SANDBANK_BENCH_NOSYNC=1 commits without fsync (store.UnsafeNoSync, not for the
// product): the figures as if durability cost nothing, the bound of what any
// cheaper commit — a write-ahead log in front of bbolt — could reach. Such a run
// reports nosync 1: scripts/scale-flatness.sh, given it beside a run with fsync,
// says how flat the day could be at best on this disk.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
	"sandbank/simulator"
	"sandbank/store"
)

// scaleProfiles are the bench customers' profiles, in turn: the world's own mix,
// and one in seven dormant, whose syncs bring nothing new.
var scaleProfiles = []string{simulator.ProfileSalaryEarner, simulator.ProfileTrader, simulator.ProfileStudent,
	simulator.ProfileBusiness, simulator.ProfilePensioner, simulator.ProfileFreelancer, simulator.ProfileDormant}

func BenchmarkScale(b *testing.B) {
	years := map[int]bool{10: true, 100: true, 1000: true, 10000: os.Getenv("SANDBANK_BENCH_10K_YEAR") != ""}
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			for range b.N {
				benchScale(b, n, years[n])
			}
		})
	}
}

// BenchmarkScaleDemo is a year of the first run's demo world: three accounts, one
// of which (an MFA account) fails every round.
func BenchmarkScaleDemo(b *testing.B) {
	for range b.N {
		b.StopTimer()
		w, stop := scaleWorld(b, 24)
		ctx := context.Background()
		customers := w.Bank.Customers()
		// The demo's three: connected before Data Sync (silent), then an OTP account
		// and a business after it.
		connectScale(b, w, customers[0])
		on, every, url := true, 24*time.Hour, w.Engine.Settings().WebhookURL
		if _, err := w.Engine.UpdateSettings(ctx, engine.SettingsPatch{DataSyncEnabled: &on, AutoSync: &every, WebhookURL: &url}); err != nil {
			b.Fatal(err)
		}
		must(b, w.Clock.Advance(time.Second))
		for _, c := range []simulator.Customer{customers[1], customers[5]} {
			connectScale(b, w, c)
		}
		settle(b, w)
		b.StartTimer()
		start := time.Now()
		must(b, w.Clock.Advance(365*24*time.Hour))
		adv := time.Since(start)
		settle(b, w)
		all := time.Since(start)
		b.StopTimer()
		b.ReportMetric(adv.Seconds(), "s-advance-year")
		b.ReportMetric(all.Seconds(), "s-settled-year")
		stop()
	}
}

func benchScale(b *testing.B, n int, year bool) {
	b.StopTimer()
	w, stop := scaleAccounts(b, n)
	defer stop()

	// measure jumps days and returns its figures, named as reported.
	measure := func(label string, days int) map[string]float64 {
		fig := map[string]float64{}
		report := func(v float64, name string) { fig[name] = v }
		dump := os.Getenv("SANDBANK_BENCH_DUMP")
		if dump != "" && label == "day" {
			copyDB(b, w, dump+"-before")
		}
		before := fileUse(b, w)
		txBefore := countTx(b, w)
		resetPeakRSS()
		cpu0 := cpuTime()
		writes0, writer0 := w.DB.Writes(), w.DB.WriterStats()
		quiesce()
		stopProfile := startProfile(b, fmt.Sprintf("%d-%s", n, label))
		b.StartTimer()
		start := time.Now()
		stopProgress := progress(w, fmt.Sprintf("%d-%s", n, label), start)
		must(b, w.Clock.Advance(time.Duration(days)*24*time.Hour))
		adv := time.Since(start)
		writer := w.DB.WriterStats()
		stopProgress()
		stopProfile()
		cpuAdv := cpuTime() - cpu0
		writes := w.DB.Writes() - writes0
		if dump != "" && label == "day" {
			copyDB(b, w, dump+"-after") // the advance's commits; in the settled figures' time
		}
		advanceOnly := os.Getenv("SANDBANK_BENCH_ADVANCE_ONLY") != "" && !strings.HasPrefix(label, "day")
		if !advanceOnly {
			stopProfile = startProfile(b, fmt.Sprintf("%d-%s-settle", n, label))
			settle(b, w)
			stopProfile()
		}
		all := time.Since(start)
		cpuAll := cpuTime() - cpu0
		b.StopTimer()
		peak := peakRSS()
		after := fileUse(b, w)
		txAfter := countTx(b, w)
		var txs int64
		for id, c := range txAfter {
			txs += c - txBefore[id]
		}
		accountDays := float64(n * days)
		report(adv.Seconds(), "s-advance-"+label)
		report(float64(adv.Microseconds())/1000/accountDays, "ms/account-day-"+label)
		report(cpuAdv.Seconds(), "cpu-s-advance-"+label)
		if !advanceOnly {
			report(all.Seconds(), "s-settled-"+label)
			report(float64(all.Microseconds())/1000/accountDays, "ms/account-day-settled-"+label)
			report(cpuAll.Seconds(), "cpu-s-settled-"+label)
		}
		report(float64(after.used-before.used)/float64(n)*365/float64(days), "B/account-year-"+label)
		report(float64(after.file-before.file)/float64(n)*365/float64(days), "fileB/account-year-"+label)
		report(float64(peak)/(1<<20), "peakRSS-MB-"+label)
		report(float64(txs)/accountDays, "tx/account-day-"+label)
		report(float64(writes)/accountDays, "writes/account-day-"+label)
		// Whether the jump waited on the store's writer, and on what.
		busy := writer.Busy - writer0.Busy
		report(float64(writer.Batches-writer0.Batches), "batches-"+label)
		report(100*busy.Seconds()/adv.Seconds(), "writer-busy-%-"+label)
		report(100*(writer.Committing-writer0.Committing).Seconds()/max(busy.Seconds(), 1e-9), "committing-%-"+label)
		raw, rawBytes, rawWrites := rawBolt(b, w, days, txBefore, txAfter)
		report(float64(rawWrites)/accountDays, "writes/account-day-raw-"+label)
		report(raw.Seconds(), "s-raw-bbolt-"+label)
		report(float64(raw.Microseconds())/1000/accountDays, "ms/account-day-raw-"+label)
		report(float64(rawBytes)/float64(n)*365/float64(days), "B/account-year-raw-"+label)
		return fig
	}
	// A day is a few milliseconds at 10 accounts, as long as one fsync takes on a
	// bad moment: the day's times are the median of several single days in a row
	// (s-advance-day-min and -max say how much they varied), its growth and
	// transactions their mean, its peak RSS their highest.
	repeats := min(21, max(3, 20000/n)) | 1
	if r, err := strconv.Atoi(os.Getenv("SANDBANK_BENCH_DAY_REPEATS")); err == nil && r > 0 {
		repeats = r
	}
	var singles []map[string]float64
	for range repeats {
		singles = append(singles, measure("day", 1))
	}
	for name := range singles[0] {
		vs := make([]float64, len(singles))
		for i, d := range singles {
			vs[i] = d[name]
		}
		slices.Sort(vs)
		switch {
		case strings.HasPrefix(name, "B/"), strings.HasPrefix(name, "fileB/"), strings.HasPrefix(name, "tx/"), strings.HasPrefix(name, "writes/"):
			sum := 0.0
			for _, v := range vs {
				sum += v
			}
			b.ReportMetric(sum/float64(len(vs)), name)
		case strings.HasPrefix(name, "peakRSS"):
			b.ReportMetric(vs[len(vs)-1], name)
		default:
			b.ReportMetric(vs[len(vs)/2], name)
		}
		if name == "s-advance-day" {
			b.ReportMetric(vs[0], "s-advance-day-min")
			b.ReportMetric(vs[len(vs)-1], "s-advance-day-max")
		}
	}
	b.ReportMetric(float64(repeats), "days-in-day-median")
	if os.Getenv("SANDBANK_BENCH_NOSYNC") != "" {
		b.ReportMetric(1, "nosync")
	}
	if !year {
		return
	}
	jump := func(label string, days int) {
		for name, v := range measure(label, days) {
			b.ReportMetric(v, name)
		}
	}
	if d, err := strconv.Atoi(os.Getenv("SANDBANK_BENCH_DAYS")); err == nil {
		if d > 0 {
			jump(fmt.Sprintf("%dd", d), d) // a shorter jump, for trying a change on 10,000
		}
		return
	}
	jump("year", 365)
}

// scaleAccounts is a scaleWorld with n accounts connected, each 24h/n after the
// one before — n due times a day — auto-sync every 24 h, and their webhooks settled.
func scaleAccounts(b *testing.B, n int) (*World, func()) {
	b.Helper()
	w, stop := scaleWorld(b, 0)
	on, every := true, 24*time.Hour
	if _, err := w.Engine.UpdateSettings(context.Background(), engine.SettingsPatch{DataSyncEnabled: &on, AutoSync: &every}); err != nil {
		b.Fatal(err)
	}
	gap := 24 * time.Hour / time.Duration(n)
	codes := []string{"044", "058", "057", "011", "033", "070", "214", "032"}
	for i := range n {
		profile := scaleProfiles[i%len(scaleProfiles)]
		if p := os.Getenv("SANDBANK_BENCH_PROFILE"); p != "" {
			profile = p
		}
		c, err := w.Bank.AddCustomer(simulator.NewCustomer{Institution: codes[i%len(codes)], Balance: 20_000_000,
			Profile: profile, Username: fmt.Sprintf("scale%05d", i)})
		if err != nil {
			b.Fatal(err)
		}
		connectScale(b, w, c)
		must(b, w.Clock.Advance(gap))
	}
	settle(b, w)
	return w, stop
}

// scaleWorld is a paused world on a fresh file whose webhooks go to a receiver in
// process that answers 204 at once — as sandbank's built-in receiver, the default,
// takes them without a socket — so that the figures are sandbank's own.
func scaleWorld(b *testing.B, customers int) (*World, func()) {
	b.Helper()
	wall := time.Now()
	w, err := Open(context.Background(), Options{DB: filepath.Join(b.TempDir(), "scale.db"), Seed: 2021,
		Start: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Customers: max(customers, 1), Sender: instantSender{},
		Paused: true, Wall: func() time.Time { return wall }, LocalDeliveries: benchLocalDeliveries(),
		StoreOptions: benchStoreOptions()})
	if err != nil {
		b.Fatal(err)
	}
	u := "http://receiver.invalid/hook"
	if os.Getenv("SANDBANK_BENCH_NO_WEBHOOKS") != "" {
		u = ""
	}
	if _, err := w.Engine.UpdateSettings(context.Background(), engine.SettingsPatch{WebhookURL: &u}); err != nil {
		b.Fatal(err)
	}
	return w, func() { _ = w.Close() }
}

// benchLocalDeliveries is SANDBANK_BENCH_LOCAL_DELIVERIES (0: the engine's default).
func benchLocalDeliveries() int {
	n, _ := strconv.Atoi(os.Getenv("SANDBANK_BENCH_LOCAL_DELIVERIES"))
	return n
}

// benchStoreOptions is store.UnsafeNoSync if SANDBANK_BENCH_NOSYNC is set.
func benchStoreOptions() []store.Option {
	if os.Getenv("SANDBANK_BENCH_NOSYNC") != "" {
		return []store.Option{store.UnsafeNoSync()}
	}
	return nil
}

// instantSender is a receiver in process that takes every webhook at once.
type instantSender struct{}

// Render makes a body of about the size api's renderer makes, at about its cost.
func (instantSender) Render(ev engine.Event, _ engine.WebhookFormat) []byte { return renderFacts(ev) }

func renderFacts(ev engine.Event) []byte {
	b, _ := json.Marshal(map[string]any{"event": ev.Type, "data": ev.Facts})
	return b
}

// InProcess: it stands for sandbank's built-in receiver, which is.
func (instantSender) InProcess(string) bool { return true }

func (instantSender) Send(context.Context, string, map[string]string, []byte) (engine.Delivery, error) {
	return engine.Delivery{StatusCode: http.StatusNoContent}, nil
}

// httpSender POSTs webhooks, as api's sender does (world cannot import api).
type httpSender struct{}

func (httpSender) Render(ev engine.Event, _ engine.WebhookFormat) []byte { return renderFacts(ev) }

func (httpSender) Send(ctx context.Context, url string, headers map[string]string, body []byte) (engine.Delivery, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return engine.Delivery{}, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return engine.Delivery{}, err
	}
	resp.Body.Close()
	return engine.Delivery{StatusCode: resp.StatusCode, Latency: time.Since(start)}, nil
}

func connectScale(b testing.TB, w *World, c simulator.Customer) {
	b.Helper()
	ctx := context.Background()
	st, err := w.Engine.OpenWidget(ctx, engine.WidgetRequest{Institution: c.Accounts[0].Institution.Code})
	if err == nil {
		st, err = w.Engine.WidgetLogin(ctx, st.Session, c.Username, c.Password)
	}
	for err == nil && st.Challenge != nil { // the demo's OTP account
		var inbox []simulator.Message
		if inbox, err = w.Bank.Inbox(c.ID); err == nil && len(inbox) > 0 {
			st, err = w.Engine.WidgetAnswer(ctx, st.Session, inbox[0].Code)
		}
	}
	if err != nil || st.Code == "" {
		b.Fatalf("connect %s: %+v %v", c.ID, st, err)
	}
	if _, err := w.Engine.ExchangeCode(ctx, st.Code); err != nil {
		b.Fatal(err)
	}
}

// settle waits for webhook delivery to catch up with the clock.
func settle(b *testing.B, w *World) {
	b.Helper()
	start := time.Now()
	deadline := start.Add(30 * time.Minute)
	attempts0, said := w.Engine.DeliveryAttempts(), start
	for {
		if os.Getenv("SANDBANK_BENCH_PROGRESS") != "" && time.Since(said) > 30*time.Second {
			said = time.Now()
			fmt.Fprintf(os.Stderr, "settling: %s in, %d attempts made\n", time.Since(start).Round(time.Second), w.Engine.DeliveryAttempts()-attempts0)
		}
		ok, err := w.Engine.OutboxSettled(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.Fatal("webhook delivery did not catch up in 30 minutes")
		}
		time.Sleep(time.Millisecond)
	}
}

type use struct{ used, file int64 }

// fileUse is the bytes of pages in use and the file's size.
func fileUse(b *testing.B, w *World) use {
	b.Helper()
	used, size, err := w.DB.Usage()
	if err != nil {
		b.Fatal(err)
	}
	return use{used: used, file: size}
}

// countTx counts each account's stored transactions.
func countTx(b *testing.B, w *World) map[string]int64 {
	b.Helper()
	n := map[string]int64{}
	accounts, err := w.Engine.Accounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	must(b, w.DB.View(context.Background(), func(tx engine.Tx) error {
		for _, a := range accounts {
			c, err := tx.TransactionCount(a.ID)
			if err != nil {
				return err
			}
			n[a.ID] = c
		}
		return nil
	}))
	return n
}

// rawBolt writes the transactions the syncs stored in the period (each account's
// newest, after-before of them) into a new bbolt file with fsync on — each as one
// row, keyed by account and position, as the store keeps them — one write
// transaction a simulated day, and reports the time, the bytes in use and the
// page writes.
func rawBolt(b *testing.B, w *World, days int, before, after map[string]int64) (took time.Duration, used, writes int64) {
	b.Helper()
	ctx := context.Background()
	accounts, err := w.Engine.Accounts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	type row struct{ k, v []byte }
	var rows []row
	for ai, a := range accounts {
		added := int(after[a.ID] - before[a.ID])
		if added == 0 {
			continue
		}
		var page engine.TxPage
		must(b, w.DB.View(ctx, func(tx engine.Tx) (err error) {
			page, err = tx.Transactions(engine.TxQuery{AccountID: a.ID, Page: 1, Limit: added})
			return err
		}))
		for i, x := range page.Transactions {
			k := binary.BigEndian.AppendUint32(nil, uint32(ai))
			k = binary.BigEndian.AppendUint64(k, uint64(i))
			v := fmt.Appendf(nil, "%s|%s|%d|%d|%s|%d|%s", x.ID, x.Type, x.Amount, x.Date.UnixNano(), x.Narration, x.Balance, x.Category)
			rows = append(rows, row{k, v})
		}
	}
	p := filepath.Join(b.TempDir(), "raw.db")
	db, err := bolt.Open(p, 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	per := max(len(rows)/days, 1)
	quiesce()
	start := time.Now()
	for i := 0; i < len(rows); i += per {
		chunk := rows[i:min(i+per, len(rows))]
		must(b, db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("tx"))
			if err != nil {
				return err
			}
			for _, r := range chunk {
				if err := bk.Put(r.k, r.v); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	took = time.Since(start)
	must(b, db.View(func(tx *bolt.Tx) error {
		used = tx.Size() - int64(db.Stats().FreePageN+db.Stats().PendingPageN)*int64(db.Info().PageSize)
		return nil
	}))
	st := db.Stats()
	return took, used, st.TxStats.GetWrite()
}

// quiesce starts a timed run on a still machine: the garbage of what came before
// collected, and every file's dirty pages written out (sync(2)) — the baseline's
// file, written just before the next day's advance, and the settled webhooks'
// commits — so that a run's fsyncs wait for its own writes only. A day of 10
// accounts is one commit, about a millisecond, as long as the writeback of the
// writes before it.
func quiesce() {
	runtime.GC()
	syncDisks()
}

// startProfile writes a CPU profile of the advance to
// $SANDBANK_BENCH_CPUPROFILE-NAME.pprof when that variable is set.
func startProfile(b *testing.B, name string) func() {
	prefix := os.Getenv("SANDBANK_BENCH_CPUPROFILE")
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(prefix + "-" + name + ".pprof")
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { pprof.StopCPUProfile(); f.Close() }) }
	if d, err := time.ParseDuration(os.Getenv("SANDBANK_BENCH_CPUPROFILE_FOR")); err == nil {
		time.AfterFunc(d, stop) // the first d of a long advance
	}
	var heap *time.Timer
	if d, err := time.ParseDuration(os.Getenv("SANDBANK_BENCH_HEAPPROFILE_AT")); err == nil {
		heap = time.AfterFunc(d, func() {
			runtime.GC()
			if h, err := os.Create(prefix + "-" + name + "-heap.pprof"); err == nil {
				pprof.Lookup("heap").WriteTo(h, 0)
				h.Close()
			}
		})
	}
	return func() {
		stop()
		if heap != nil {
			heap.Stop() // an advance shorter than it: no profile of what came after, under its name
		}
	}
}

// progress prints, every 30 s of a long advance, how far its clock has come, when
// SANDBANK_BENCH_PROGRESS is set: a run that will not finish says its pace.
func progress(w *World, name string, start time.Time) (stop func()) {
	if os.Getenv("SANDBANK_BENCH_PROGRESS") == "" {
		return func() {}
	}
	from := w.Clock.Now()
	t := time.NewTicker(30 * time.Second)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-t.C:
				size := int64(0)
				if fi, err := os.Stat(w.DB.Path()); err == nil {
					size = fi.Size()
				}
				fmt.Fprintf(os.Stderr, "%s: %s in, %.1f virtual days done, file %d MB\n", name,
					time.Since(start).Round(time.Second), w.Clock.Now().Sub(from).Hours()/24, size>>20)
			}
		}
	}()
	return func() { t.Stop(); close(done) }
}

// resetPeakRSS resets the kernel's high-water mark of this process's resident set.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the high-water mark of the resident set since the last reset.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// copyDB writes a consistent copy of the world's database (a read transaction's).
func copyDB(b *testing.B, w *World, to string) {
	f, err := os.Create(to)
	must(b, err)
	_, err = w.DB.Backup(f)
	must(b, errors.Join(err, f.Close()))
}

func must(b testing.TB, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
