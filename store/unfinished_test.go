package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// A new file is unfinished from the transaction that makes its schema until Finish
// commits. Reopened unfinished with anything in it — what a first run killed
// before its world was complete leaves — DiscardUnfinished empties it, its
// sequences too, so that the world built anew has a first run's IDs; a new file
// with nothing in it, a finished one and one of a build before the mark keep
// everything (an operator's trial: a restart served a half-built demo world as
// whole).
func TestUnfinishedUntilFinish(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	db, err := Open(path)
	must(t, err)
	wantUnfinished(t, db, "a new file", true)
	if discarded, err := db.DiscardUnfinished(ctx); discarded || err != nil {
		t.Fatalf("DiscardUnfinished of a new file = %v, %v; want nothing to discard", discarded, err)
	}
	settings := engine.Settings{SecretKey: "test_sk_unfinished012345", IDNamespace: "unfinished"}
	firstSeq := func(db *DB) (n uint64) {
		update(t, db, func(tx engine.Tx) (err error) { n, err = tx.NextSequence("account"); return err })
		return n
	}
	update(t, db, func(tx engine.Tx) error { return tx.PutSettings(settings) }) // the first run's writes …
	if n := firstSeq(db); n != 1 {
		t.Fatalf("a new file's first account number is %d", n)
	}
	must(t, db.Close()) // … and no Finish: the process was killed

	ro, err := Open(path, ReadOnly()) // as sandbank backup opens it
	must(t, err)
	wantUnfinished(t, ro, "a killed first run's file, opened read-only", true)
	must(t, ro.Close())

	db, err = Open(path)
	must(t, err)
	if discarded, err := db.DiscardUnfinished(ctx); !discarded || err != nil {
		t.Fatalf("DiscardUnfinished of a killed first run's file = %v, %v; want it discarded", discarded, err)
	}
	wantUnfinished(t, db, "a discarded file", true)
	if err := db.View(ctx, func(tx engine.Tx) error { _, err := tx.Settings(); return err }); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("the discarded file's settings: %v; want none", err)
	}
	if n := firstSeq(db); n != 1 {
		t.Fatalf("the discarded file's first account number is %d; want 1, a new file's", n)
	}

	// Finish commits with its fn, or not at all.
	failed := engine.Errorf(engine.EINVALID, "no")
	if err := db.Finish(ctx, func(tx engine.Tx) error { return failed }); !errors.Is(err, failed) {
		t.Fatalf("Finish with a failing fn = %v", err)
	}
	wantUnfinished(t, db, "after a Finish whose fn failed", true)
	must(t, db.Finish(ctx, func(tx engine.Tx) error { return tx.PutSettings(settings) }))
	wantUnfinished(t, db, "after Finish", false)
	must(t, db.Close())

	ro, err = Open(path, ReadOnly())
	must(t, err)
	wantUnfinished(t, ro, "a finished file, opened read-only", false)
	must(t, ro.Close())
	db, err = Open(path)
	must(t, err)
	defer db.Close()
	if discarded, err := db.DiscardUnfinished(ctx); discarded || err != nil {
		t.Fatalf("DiscardUnfinished of a finished file = %v, %v", discarded, err)
	}
	view(t, db, func(tx engine.Tx) error {
		got, err := tx.Settings()
		if err == nil && got.IDNamespace != settings.IDNamespace {
			t.Errorf("the finished file's settings: %+v", got)
		}
		return err
	})

	// A file of a build before the mark, whose first run finished or not: as it was.
	src, err := os.ReadFile(v3File)
	must(t, err)
	old := filepath.Join(t.TempDir(), "old.db")
	must(t, writeFile(old, src))
	odb, err := Open(old)
	must(t, err)
	defer odb.Close()
	wantUnfinished(t, odb, "a file of schema v3, migrated", false)
	if discarded, err := odb.DiscardUnfinished(ctx); discarded || err != nil {
		t.Fatalf("DiscardUnfinished of an old file = %v, %v", discarded, err)
	}
}

// A file killed before its schema was complete — bbolt's empty file, without
// even the meta bucket — holds no world: read-only it is unfinished, and opened
// it gets the schema and the mark in one transaction.
func TestUnfinishedWithoutASchema(t *testing.T) {
	path := tempPath(t)
	bdb, err := bolt.Open(path, 0o600, nil) // what bbolt writes before sandbank's first transaction
	must(t, err)
	must(t, bdb.Close())
	ro, err := Open(path, ReadOnly())
	must(t, err)
	wantUnfinished(t, ro, "an empty bbolt file, opened read-only", true)
	must(t, ro.Close())
	db, err := Open(path)
	must(t, err)
	defer db.Close()
	wantUnfinished(t, db, "an empty bbolt file, opened", true)
}

func wantUnfinished(t *testing.T, db *DB, what string, want bool) {
	t.Helper()
	if got, err := db.Unfinished(); got != want || err != nil {
		t.Fatalf("%s: Unfinished = %v, %v; want %v", what, got, err, want)
	}
}
