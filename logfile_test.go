package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The TUI's log stays bounded however much is logged: at the cap it moves to
// PATH.1 and a new file starts; reopening appends to what is there.
func TestLogFileRotates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbank.log")
	const max = 4096
	line := []byte(strings.Repeat("x", 139) + "\n") // about a request's line
	l, err := openLogFile(path, max)
	if err != nil {
		t.Fatal(err)
	}
	for range 100 { // over three times the cap
		if _, err := l.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l, err = openLogFile(path, max) // a restart appends
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if _, err := l.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	for _, p := range []string{path, path + ".1"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > max || len(b) < max/2 {
			t.Errorf("%s holds %d bytes; want at most %d, and not much less", filepath.Base(p), len(b), max)
		}
		if !bytes.HasSuffix(b, line) || len(b)%len(line) != 0 {
			t.Errorf("%s holds partial lines", filepath.Base(p))
		}
	}
	if _, err := os.Stat(path + ".2"); !os.IsNotExist(err) {
		t.Errorf("an older log %s.2 is kept (%v); want one predecessor only", path, err)
	}
}

// The TUI's log goes beside its database, never into it.
func TestDefaultLogPath(t *testing.T) {
	for db, want := range map[string]string{"/x/sandbank.db": "/x/sandbank.log", "/x/world.log": "/x/world.log.log", "/x/plain": "/x/plain.log"} {
		if got := defaultLogPath(db); got != want {
			t.Errorf("defaultLogPath(%q) = %q, want %q", db, got, want)
		}
	}
}
