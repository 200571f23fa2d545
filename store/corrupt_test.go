package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// populated writes a store with a few accounts' syncs and returns its path.
func populated(t testing.TB) string {
	t.Helper()
	path := tempPath(t)
	db, err := Open(path, UnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	for a := range 5 {
		acct := fmt.Sprintf("acct-%d", a)
		update(t, db, func(tx engine.Tx) error {
			if err := tx.PutAccount(sampleAccount(acct)); err != nil {
				return err
			}
			if _, err := tx.AddTransactions(acct, txWindow(0, 300)); err != nil {
				return err
			}
			if _, err := tx.AddSnapshot(engine.Snapshot{AccountID: acct, At: at(1)}); err != nil {
				return err
			}
			_, err := tx.AppendEvent(engine.Event{ID: acct, AccountID: acct, Status: engine.DeliveryPending})
			return err
		})
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func withBolt(t *testing.T, path string, fn func(*bolt.Tx) error) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// TestCorruptOrForeignFiles: every kind of wrong file gets an EINVALID error that
// names the file and says what it is, and never a panic.
func TestCorruptOrForeignFiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	cases := []struct {
		name string
		make func(t *testing.T) string
		want string
	}{
		{"random bytes", func(t *testing.T) string {
			p := tempPath(t)
			must(t, writeFile(p, random(64<<10)))
			return p
		}, "is not a sandbank database (it is not a bbolt file)"},
		{"text file", func(t *testing.T) string {
			p := tempPath(t)
			must(t, writeFile(p, []byte("hello, sandbank\n")))
			return p
		}, "is not a sandbank database (it is not a bbolt file)"},
		{"directory", func(t *testing.T) string { return t.TempDir() }, "is not a sandbank database (it is a directory)"},
		{"another program's bbolt file", func(t *testing.T) string {
			p := tempPath(t)
			withBolt(t, p, func(tx *bolt.Tx) error {
				b, err := tx.CreateBucket([]byte("widgets"))
				if err != nil {
					return err
				}
				return b.Put([]byte("w"), []byte("1"))
			})
			return p
		}, "is a bbolt database of another program"},
		{"wrong app id", func(t *testing.T) string {
			p := populated(t)
			withBolt(t, p, func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyApp, []byte("other")) })
			return p
		}, "is a bbolt database of another program"},
		{"newer schema", func(t *testing.T) string {
			p := populated(t)
			withBolt(t, p, func(tx *bolt.Tx) error {
				return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, schemaVersion+1))
			})
			return p
		}, "was written by a newer sandbank"},
		{"truncated", func(t *testing.T) string {
			// A third of the pages in use: the file's own size says little, as bbolt
			// grows it ahead of the data (AllocSize at a time).
			p := populated(t)
			data, err := os.ReadFile(p)
			must(t, err)
			ps := int(binary.NativeEndian.Uint32(data[boltPageHeader+8:]))
			hw := max(binary.NativeEndian.Uint64(data[boltPageHeader+40:]), binary.NativeEndian.Uint64(data[ps+boltPageHeader+40:]))
			must(t, os.Truncate(p, int64(hw)*int64(ps)/3))
			return p
		}, "truncated"},
		{"both meta pages damaged", func(t *testing.T) string {
			p := populated(t)
			data, err := os.ReadFile(p)
			must(t, err)
			ps := int(binary.NativeEndian.Uint32(data[boltPageHeader+8:]))
			data[boltPageHeader+40]++ // meta 0's high-water mark: checksum fails
			data[ps+boltPageHeader+40]++
			must(t, writeFile(p, data))
			return p
		}, "is damaged (meta page checksum mismatch)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.make(t)
			db, err := Open(path)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if engine.ErrorCode(err) != engine.EINVALID || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q (%s); want EINVALID naming the file and saying %q", err, engine.ErrorCode(err), c.want)
			}
			t.Log(err)
		})
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEmptyFileIsNew(t *testing.T) {
	p := tempPath(t)
	must(t, writeFile(p, nil))
	db, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// TestGarbagePages overwrites the data pages of a valid file (its meta pages stay
// intact) with random bytes, many times: opening may fail or succeed, and every
// read and write after it may fail, but nothing panics.
func TestGarbagePages(t *testing.T) {
	clean, err := os.ReadFile(populated(t))
	must(t, err)
	ps := int(binary.NativeEndian.Uint32(clean[boltPageHeader+8:]))
	rng := rand.New(rand.NewPCG(7, 8))
	opened := 0
	for i := range 40 {
		data := append([]byte(nil), clean...)
		for n := 1 + rng.IntN(4); n > 0; n-- {
			page := 2 + rng.IntN(len(data)/ps-2)
			for j := page * ps; j < (page+1)*ps; j++ {
				data[j] = byte(rng.Uint32())
			}
		}
		path := filepath.Join(t.TempDir(), fmt.Sprint("garbage", i))
		must(t, writeFile(path, data))
		if exerciseFile(path, true) {
			opened++
		}
	}
	t.Logf("%d of 40 damaged files opened (their damage was elsewhere); none panicked", opened)
}

// exerciseFile opens path and calls every read, and if write a sync's writes; it
// reports whether the open succeeded. Errors are expected; panics fail the test
// binary.
func exerciseFile(path string, write bool) bool {
	db, err := Open(path, WithTimeout(100*time.Millisecond))
	if err != nil {
		return false
	}
	defer db.Close()
	ctx := context.Background()
	_ = db.View(ctx, func(tx engine.Tx) error {
		tx.Settings()
		tx.ClockState()
		tx.Accounts()
		for a := range 5 {
			acct := fmt.Sprintf("acct-%d", a)
			tx.Account(acct)
			tx.TransactionCount(acct)
			tx.Transactions(engine.TxQuery{AccountID: acct, Limit: 50, Page: 2})
			tx.Transactions(engine.TxQuery{AccountID: acct, Type: engine.Credit, From: at(10), To: at(200), Limit: 10})
			tx.Transactions(engine.TxQuery{AccountID: acct, Narration: "pos"})
			tx.Snapshots(acct, 0)
			tx.LatestSnapshot(acct)
			tx.SyncJobs(acct, 0)
			tx.Events(engine.EventQuery{AccountID: acct})
		}
		tx.Events(engine.EventQuery{})
		tx.DueEvents(at(1000), 0)
		tx.NextDue()
		return nil
	})
	if !write {
		return true
	}
	_ = db.Update(ctx, func(tx engine.Tx) error {
		tx.AddTransactions("acct-1", txWindow(250, 400))
		tx.AddTransactions("acct-2", []engine.Transaction{sampleTx("older", -5, engine.Debit, "x")}) // slots in: rewrites rows
		tx.AddSnapshot(engine.Snapshot{AccountID: "acct-1"})
		tx.PutAccount(sampleAccount("acct-1"))
		tx.AppendEvent(engine.Event{ID: "new", AccountID: "acct-1"})
		return nil
	})
	_, _ = db.BankEvents()
	return true
}

// TestFreePagesInUseStopWritesWithoutHanging damages a file the way that hung an
// operator's sandbank: its freelist names pages the tree still uses, so that a
// write frees a page twice, or frees one it allocated itself — and bbolt's
// rollback then panicked holding its write lock, so that every later write and
// Close waited forever. Each file here gets a different set of such pages: its
// writes may fail, but each returns, the first failure stops every later write
// with the same error, and Close returns.
func TestFreePagesInUseStopWritesWithoutHanging(t *testing.T) {
	clean, err := os.ReadFile(populated(t))
	must(t, err)
	ps := int(binary.NativeEndian.Uint32(clean[boltPageHeader+8:]))
	meta := func(data []byte, i int) []byte { return data[i*ps+boltPageHeader:] } // magic, version, page size, flags, root (16), freelist, …
	m := 0
	if binary.NativeEndian.Uint64(meta(clean, 1)[48:]) > binary.NativeEndian.Uint64(meta(clean, 0)[48:]) {
		m = 1 // the newer meta page
	}
	freelist := int(binary.NativeEndian.Uint64(meta(clean, m)[32:])) * ps
	var inUse []uint64
	path := filepath.Join(t.TempDir(), "clean")
	must(t, writeFile(path, clean))
	withBolt(t, path, func(tx *bolt.Tx) error {
		for id := 2; id < len(clean)/ps; id++ {
			if p, err := tx.Page(id); err == nil && p != nil && (p.Type == "leaf" || p.Type == "branch") {
				inUse = append(inUse, uint64(id))
			}
		}
		return nil
	})
	// Files until one has panicked in the rollback, the case that hung (one in
	// 40 to 140 did; which ones depends on the pages' layout, which varies).
	strides := []int{7, 3, 11, 13, 5, 17, 19, 23}
	files, failedFiles, rollbackPanics := 0, 0, 0
	for k := 1; k <= 5000 && rollbackPanics == 0; k++ {
		files++
		data := append([]byte(nil), clean...)
		n := int(binary.NativeEndian.Uint16(data[freelist+10:]))
		var ids []uint64
		for i := range n {
			ids = append(ids, binary.NativeEndian.Uint64(data[freelist+boltPageHeader+8*i:]))
		}
		for i := range min(1+k%40, len(inUse)) {
			ids = append(ids, inUse[(i*strides[k%len(strides)]+k/len(strides))%len(inUse)])
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		binary.NativeEndian.PutUint16(data[freelist+10:], uint16(len(ids)))
		for i, id := range ids {
			binary.NativeEndian.PutUint64(data[freelist+boltPageHeader+8*i:], id)
		}
		path := filepath.Join(t.TempDir(), fmt.Sprint("freelist", k))
		must(t, writeFile(path, data))
		done := make(chan []error, 1)
		go func() {
			db, err := Open(path, WithTimeout(100*time.Millisecond))
			if err != nil {
				done <- []error{err}
				return
			}
			var errs []error
			for i := range 5 {
				errs = append(errs, db.Update(context.Background(), func(tx engine.Tx) error {
					tx.AddTransactions("acct-1", txWindow(250+100*i, 350+100*i)) // a failure here leaves a commit to fail
					return tx.PutAccount(sampleAccount("acct-3"))
				}))
			}
			errs = append(errs, db.Close())
			done <- errs
		}()
		var errs []error
		select {
		case errs = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("file %d: a write or Close did not return within 10 s", k)
		}
		first := slices.IndexFunc(errs, func(err error) bool { return err != nil })
		if first < 0 {
			continue // the damage was in pages this write left alone
		}
		failedFiles++
		msg := engine.ErrorMessage(errs[first])
		if engine.ErrorCode(errs[first]) != engine.EUNAVAILABLE || !strings.Contains(msg, path) || !strings.Contains(msg, "restore the file from a backup") {
			t.Fatalf("file %d: the first failure = %v; want unavailable, naming the file and what to do", k, errs[first])
		}
		if strings.Contains(msg, "rollback:") {
			rollbackPanics++
		}
		for _, err := range errs[first+1:] { // the later writes, and Close
			if engine.ErrorMessage(err) != msg {
				t.Fatalf("file %d: after %q, %v", k, msg, err)
			}
		}
	}
	if rollbackPanics == 0 {
		t.Fatalf("none of the %d failed files panicked in bbolt's rollback: the damage no longer tries the case", failedFiles)
	}
	t.Logf("%d of %d files failed a write (%d in bbolt's rollback); none hung", failedFiles, files, rollbackPanics)
}

// A database file that is not the user's to open says so and names --db, and
// what to do about its cause: a new file in a folder it may not write names the
// folder (it blamed the file), a read-only file system and a full disk say so
// (they said the system's words alone: an operator's trial, as nobody and on a
// small tmpfs; run as root, the test gives the errors). Other failures keep their
// cause.
func TestOpenErrorSaysWhatToDo(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sandbank.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	denied := openError(path, &fs.PathError{Op: "open", Path: path, Err: syscall.EACCES})
	if engine.ErrorCode(denied) != engine.EINVALID || engine.ErrorMessage(denied) != "cannot open the database "+path+": permission denied; pass --db with a file you can read and write" {
		t.Fatalf("permission denied: %v", denied)
	}
	missing := filepath.Join(dir, "new.db")
	for _, c := range []struct {
		path string
		err  error
		says string
	}{
		{missing, &fs.PathError{Op: "open", Path: missing, Err: syscall.EACCES}, "cannot make the database " + missing + ": permission denied in the folder " + dir + "; pass --db with a path in a folder you can write to"},
		{path, &fs.PathError{Op: "open", Path: path, Err: syscall.EROFS}, "it is on a read-only file system, and sandbank writes to its database; pass --db with a file on a writable one"},
		{missing, &fs.PathError{Op: "write", Path: missing, Err: syscall.ENOSPC}, "the disk is full"},
	} {
		if got := engine.ErrorMessageOrText(openError(c.path, c.err)); !strings.Contains(got, c.says) {
			t.Errorf("%v: %q; want it to say %q", c.err, got, c.says)
		}
	}
	busy := openError(path, &fs.PathError{Op: "open", Path: path, Err: syscall.EIO})
	if !errors.Is(busy, syscall.EIO) || !strings.Contains(busy.Error(), path) {
		t.Fatalf("an I/O error: %v", busy)
	}
}

// A file of a newer sandbank is refused by Open, but copied by a read-only one, as
// backup opens it: a copy reads no records, and an operator keeps one before
// dealing with the file (it was refused too). A current file is no upgrade.
func TestNewerFileCanBeBackedUp(t *testing.T) {
	p := populated(t)
	if db, err := Open(p); err != nil {
		t.Fatal(err)
	} else if from, _ := db.Upgraded(); from != 0 {
		t.Errorf("a current file reads as upgraded from v%d", from)
	} else {
		db.Close()
	}
	withBolt(t, p, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, schemaVersion+1))
	})
	if _, err := Open(p); err == nil || !strings.Contains(err.Error(), "was written by a newer sandbank") {
		t.Fatalf("Open of a newer file = %v", err)
	}
	db, err := Open(p, ReadOnly())
	if err != nil {
		t.Fatalf("a read-only open of a newer file, for a backup: %v", err)
	}
	defer db.Close()
	var b bytes.Buffer
	if _, err := db.Backup(&b); err != nil || b.Len() == 0 {
		t.Fatalf("backup of a newer file: %d bytes, %v", b.Len(), err)
	}
}

// Damage a read meets names the file, as a write's does: a read's 503 said "the
// database file looks damaged" without which (a QA engineer's trial, with 4 KB
// of noise written into a file in use).
func TestDamageAReadMeetsNamesTheFile(t *testing.T) {
	path := populated(t)
	var leaves []int
	withBolt(t, path, func(tx *bolt.Tx) error {
		for id := 2; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return nil
			}
			if p.Type == "leaf" {
				leaves = append(leaves, id)
			}
		}
	})
	data, err := os.ReadFile(path)
	must(t, err)
	ps, hit := os.Getpagesize(), 0
	for _, id := range leaves {
		if page := data[id*ps : (id+1)*ps]; bytes.Contains(page, []byte("\x06acct-1\x02")) { // acct-1's rows (kindTxRow): no open reads them
			binary.NativeEndian.PutUint64(page, 0x7a7a7a7a7a7a7a7a) // the page's own ID, gone
			hit++
		}
	}
	if hit == 0 {
		t.Fatal("no leaf holds acct-1's rows")
	}
	must(t, writeFile(path, data))
	db, err := Open(path, UnsafeNoSync())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	err = db.View(context.Background(), func(tx engine.Tx) error {
		_, err := tx.Transactions(engine.TxQuery{AccountID: "acct-1"})
		return err
	})
	if engine.ErrorCode(err) != engine.EUNAVAILABLE || !strings.Contains(engine.ErrorMessage(err), path) {
		t.Fatalf("reading the damaged pages = %v; want unavailable, naming %s", err, path)
	}
}

// A record the file holds that sandbank cannot have written — an account's bytes
// cut short — is damage, on a read and on a write: 503 DATABASE_DAMAGED naming the
// file, as bbolt's own damage is. It was "internal error", the file named only in
// the log (a hostile-input trial).
func TestMalformedRecordsAreDamage(t *testing.T) {
	path := populated(t)
	withBolt(t, path, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAccounts)
		k, v := b.Cursor().First()
		return b.Put(append([]byte{}, k...), v[:len(v)/2])
	})
	db, err := Open(path, UnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	read := db.View(context.Background(), func(tx engine.Tx) error { _, err := tx.Accounts(); return err })
	write := db.Update(context.Background(), func(tx engine.Tx) error { _, err := tx.Accounts(); return err })
	// A transaction row cut short, and another account's kept counts.
	withBoltDB := func(fn func(*bolt.Tx) error) {
		t.Helper()
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		withBolt(t, path, fn)
		if db, err = Open(path, UnsafeNoSync()); err != nil {
			t.Fatal(err)
		}
	}
	withBoltDB(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPerAccount)
		row := seqKey(acctKind("acct-1", kindTxRow), 5)
		if err := b.Put(row, b.Get(row)[:3]); err != nil {
			return err
		}
		stats := acctKind("acct-2", kindTxStats)
		return b.Put(stats, b.Get(stats)[:len(b.Get(stats))-3])
	})
	rows := db.View(context.Background(), func(tx engine.Tx) error {
		_, err := tx.Transactions(engine.TxQuery{AccountID: "acct-1"})
		return err
	})
	counts := db.View(context.Background(), func(tx engine.Tx) error {
		_, err := tx.Transactions(engine.TxQuery{AccountID: "acct-2"})
		return err
	})
	// Each names its record: the account, the row.
	for what, tc := range map[string]struct {
		err  error
		says string
	}{"a read": {read, "(account acct-"}, "a write": {write, "(account acct-"}, "a row": {rows, "(account acct-1, transaction row 5: transaction row is truncated)"},
		"kept counts": {counts, "(account acct-2, transaction counts: transaction stats of 21 bytes"}} {
		err := tc.err
		e, ok := engine.AsError(err)
		if !ok || e.Code != engine.EUNAVAILABLE || e.Reason != "DATABASE_DAMAGED" || !strings.Contains(e.Message, path) || !strings.Contains(e.Message, tc.says) {
			t.Errorf("%s of a cut-short record: %v; want EUNAVAILABLE DATABASE_DAMAGED naming %s and saying %q", what, err, path, tc.says)
		}
	}
}

// A transaction row gone is damage to a narration search too, as to a page without
// one: the search walked the rows it found and answered a short page (a review).
// So is one gone inside a date range: the walk stepped over it and took the row
// below, dated before the range, as its own (the review after).
func TestARowGoneIsDamageToASearch(t *testing.T) {
	path := populated(t)
	withBolt(t, path, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPerAccount)
		if err := b.Delete(seqKey(acctKind("acct-1", kindTxRow), 0)); err != nil {
			return err
		}
		return b.Delete(seqKey(acctKind("acct-2", kindTxRow), 200))
	})
	db, err := Open(path, UnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []engine.TxQuery{{AccountID: "acct-1"}, {AccountID: "acct-1", Narration: "a"}, {AccountID: "acct-1", Narration: "a", Type: engine.Debit},
		{AccountID: "acct-2", From: at(100)}, {AccountID: "acct-2", From: at(100), Narration: "POS"}} {
		err := db.View(context.Background(), func(tx engine.Tx) error {
			_, err := tx.Transactions(q)
			return err
		})
		if e, ok := engine.AsError(err); !ok || e.Reason != "DATABASE_DAMAGED" || !strings.Contains(e.Message, q.AccountID) {
			t.Errorf("%+v with a row gone: %v; want DATABASE_DAMAGED naming the account", q, err)
		}
	}
}
