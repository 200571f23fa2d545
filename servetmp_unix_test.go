//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The folder of a served scenario whose sandbank was killed goes at the next
// start; one whose database is open (a sandbank serving it), one just made, or one
// that holds more than a world (only its name matched), stays.
func TestSweepThrowAwayDirs(t *testing.T) {
	tmp := t.TempDir()
	mk := func(name string, age time.Duration) string {
		dir := filepath.Join(tmp, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		db, err := bolt.Open(filepath.Join(dir, "world.db"), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(dir, old, old); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	killed := mk("sandbank-play-1", time.Hour)
	// A folder that only matches the pattern, holding what is not a world's.
	notes := mk("sandbank-scenario-my-notes", time.Hour)
	if err := os.WriteFile(filepath.Join(notes, "notes.txt"), []byte("important"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(notes, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	live := mk("sandbank-serve-2", time.Hour)
	fresh := mk("sandbank-serve-3", time.Second)
	other := mk("not-sandbank", time.Hour)
	db, err := bolt.Open(filepath.Join(live, "world.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := os.Chtimes(live, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	sweepThrowAwayDirs(tmp)
	for dir, want := range map[string]bool{killed: false, live: true, fresh: true, other: true, notes: true} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(dir), err == nil, want)
		}
	}
}
