package tui

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// An opener that fails says why; one that hands the URL on is taken at its word. A
// real xdg-open with nothing to open with exits 3 with "no method available", and
// the TUI said "Opened in the system's browser" all the same.
func TestOpenBrowserSaysWhenTheOpenerFails(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("xdg-open is the opener on Linux")
	}
	for _, tc := range []struct {
		script string
		want   string // "" for no error
	}{
		{"#!/bin/sh\necho \"xdg-open: no method available for opening '$1'\" >&2\nexit 3\n", "no method available"},
		{"#!/bin/sh\nexit 0\n", ""},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(tc.script), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", dir)
		err := OpenBrowser("http://127.0.0.1:7070/connect")
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("an opener that exits 0: %v", err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("an opener that fails: %v, want it to say %q", err, tc.want)
		}
	}
}
