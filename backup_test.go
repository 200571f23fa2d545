package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
	"sandbank/store"
)

// `sandbank backup` copies the database while sandbank runs (through the control
// socket, since the running process holds the file) and while it is stopped
// (directly); the copy opens and holds the same data.
func TestBackupWhileRunningAndStopped(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "sandbank.db")
	m := NewMain(Options{DB: dbPath, Addr: "127.0.0.1:0", Seed: 2021, Start: time.Date(2021, 8, 20, 12, 0, 0, 0, time.UTC)})
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	accounts, err := m.Engine.Accounts(ctx)
	if err != nil || len(accounts) == 0 {
		t.Fatalf("the demo world has %d accounts (%v)", len(accounts), err)
	}

	if _, err := Backup(ctx, dbPath, dbPath, true); err == nil || !strings.Contains(err.Error(), "the database itself") {
		t.Fatalf("backup onto the running database = %v, want a refusal", err)
	}
	running := filepath.Join(dir, "running.db")
	n, err := Backup(ctx, dbPath, running, false)
	if err != nil {
		t.Fatalf("backup while running: %v", err)
	}
	if fi, err := os.Stat(running); err != nil || fi.Size() != n {
		t.Fatalf("backup wrote %d bytes, file: %v %v", n, fi, err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(controlSocketPath(dbPath)); !os.IsNotExist(err) {
		t.Fatalf("the control socket outlived sandbank: %v", err)
	}

	stopped := filepath.Join(dir, "stopped.db")
	if _, err := Backup(ctx, dbPath, stopped, false); err != nil {
		t.Fatalf("backup while stopped: %v", err)
	}
	if _, err := Backup(ctx, dbPath, stopped, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("backup over an existing file = %v, want a refusal that names --force", err)
	}
	if _, err := Backup(ctx, dbPath, stopped, true); err != nil {
		t.Fatalf("backup --force over an existing file: %v", err)
	}
	if _, err := Backup(ctx, dbPath, dbPath, true); err == nil {
		t.Fatal("backup onto the stopped database itself was allowed")
	}
	for _, copyPath := range []string{running, stopped} {
		db, err := store.Open(copyPath)
		if err != nil {
			t.Fatalf("opening the copy %s: %v", copyPath, err)
		}
		var got []engine.Account
		err = db.View(ctx, func(tx engine.Tx) error {
			all, err := tx.Accounts()
			got = all
			return err
		})
		_ = db.Close()
		if err != nil || len(got) != len(accounts) {
			t.Fatalf("the copy %s holds %d accounts (%v), want %d", copyPath, len(got), err, len(accounts))
		}
	}

	_, err = Backup(ctx, filepath.Join(dir, "missing.db"), filepath.Join(dir, "x.db"), false)
	if err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Fatalf("backup of a missing database = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); !os.IsNotExist(err) {
		t.Fatal("a failed backup left a file behind")
	}
}

// A backup copies the file as it is: it never migrates (or otherwise writes) the
// database it copies, here one of an older schema.
func TestBackupLeavesTheSourceAlone(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("store/testdata/v2.db")
	if err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.db")
	if err := os.WriteFile(old, src, 0o600); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if _, err := Backup(context.Background(), old, copyPath, false); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, src) {
		t.Fatal("the backup changed the database it copied")
	}
	db, err := store.Open(copyPath) // the copy is a whole database, and migrates like the original
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
}

// A file whose first run was killed before its world was complete holds no world,
// and its backup is refused, saying so: restored, the copy would be thrown away
// as the file is at the next start. Once the world is complete it is copied.
func TestBackupRefusesAnUnfinishedFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "sandbank.db")
	db, err := store.Open(dbPath) // a first run's file, killed before Finish
	if err != nil {
		t.Fatal(err)
	}
	put := func(tx engine.Tx) error {
		return tx.PutSettings(engine.Settings{SecretKey: mainSecretKey, IDNamespace: "killed"})
	}
	if err := db.Update(ctx, put); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	copyPath := filepath.Join(dir, "copy.db")
	_, err = Backup(ctx, dbPath, copyPath, false)
	if msg := engine.ErrorMessageOrText(err); !strings.Contains(msg, dbPath+" holds no world to back up: the first run that made it was stopped before its world was complete") {
		t.Fatalf("backup of a first run's file killed before its world was complete = %q", msg)
	}
	if _, err := os.Stat(copyPath); !os.IsNotExist(err) {
		t.Fatal("a refused backup left a file behind")
	}

	if db, err = store.Open(dbPath); err != nil {
		t.Fatal(err)
	}
	err = db.Finish(ctx, put)
	_ = db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Backup(ctx, dbPath, copyPath, false); err != nil {
		t.Fatalf("backup of a finished file: %v", err)
	}
}

// A database deep in a long path (a CI workspace) still has its control socket:
// the socket's path outgrew a Unix socket's address, so `sandbank backup` of the
// running sandbank failed with "invalid argument" (an operator's trial).
func TestBackupWhileRunningAtALongPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("a-folder-with-a-long-name/", 5))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "sandbank.db")
	if n := len(controlSocketPath(dbPath)); n <= maxSocketPath {
		t.Fatalf("the socket's path has %d bytes: not long enough to try the case", n)
	}
	if runtime.GOOS != "linux" { // no /proc/self/fd: said in words
		_, err := startControlSocket(dbPath, nil)
		if err == nil || !strings.Contains(err.Error(), "more than a Unix socket's address holds") {
			t.Fatalf("a control socket at a long path off Linux: %v", err)
		}
		return
	}
	m := openMain(t, dbPath, nil)
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	n, err := Backup(context.Background(), dbPath, copyPath, false)
	if err != nil {
		t.Fatalf("backup of a running sandbank at a long path: %v", err)
	}
	if fi, err := os.Stat(copyPath); err != nil || fi.Size() != n || n == 0 {
		t.Fatalf("backup wrote %d bytes, file: %v %v", n, fi, err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(controlSocketPath(dbPath)); !os.IsNotExist(err) {
		t.Fatalf("the control socket outlived sandbank: %v", err)
	}
}

// A running database named through a symbolic link — by the backup, or by the
// sandbank that runs it — is backed up through the one control socket, beside
// its file: each looked for a socket named after its own path.
func TestBackupThroughASymlink(t *testing.T) {
	for _, started := range []string{"file", "link"} {
		t.Run("started with its "+started, func(t *testing.T) {
			dir := t.TempDir()
			file, link := filepath.Join(dir, "real.db"), filepath.Join(dir, "link.db")
			if err := os.WriteFile(file, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(file, link); err != nil {
				t.Fatal(err)
			}
			given, named := file, link
			if started == "link" {
				given, named = link, file
			}
			m := NewMain(Options{DB: given, Addr: "127.0.0.1:0", Seed: 2021, Start: time.Date(2021, 8, 20, 12, 0, 0, 0, time.UTC)})
			ctx := context.Background()
			if err := m.Open(ctx); err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			copyPath := filepath.Join(dir, "copy.db")
			n, err := Backup(ctx, named, copyPath, false)
			if err != nil {
				t.Fatalf("backup of the running database by its %s: %v", map[string]string{"file": "link", "link": "file"}[started], err)
			}
			if fi, err := os.Stat(copyPath); err != nil || fi.Size() != n || n == 0 {
				t.Fatalf("backup wrote %d bytes, file: %v %v", n, fi, err)
			}
		})
	}
}
