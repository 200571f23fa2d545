package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
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
