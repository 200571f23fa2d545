//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// throwAwayDirs are the patterns of the folders of throw-away worlds: scenario
// serve, play and run.
var throwAwayDirs = []string{"sandbank-serve-*", "sandbank-play-*", "sandbank-scenario-*"}

// sweepThrowAwayDirs removes the throw-away worlds' folders whose sandbank is
// gone — killed (SIGKILL, a crash) before it could remove its own.
// A folder is left if its database is locked (bbolt holds an flock while open: a
// sandbank still serves it) or if it is under a minute old (one starting now may
// not have opened its database yet).
func sweepThrowAwayDirs(tmp string) {
	var dirs []string
	for _, p := range throwAwayDirs {
		m, _ := filepath.Glob(filepath.Join(tmp, p))
		dirs = append(dirs, m...)
	}
	for _, dir := range dirs {
		fi, err := os.Lstat(dir)
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < time.Minute || !throwAway(dir, fi) {
			continue
		}
		if dbInUse(filepath.Join(dir, "world.db")) {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

// throwAway reports whether dir is a throw-away world's folder as sandbank makes
// them: this user's, holding nothing but its database and the files beside it
// (world.db, world.db.ctl). A folder of another's that only matched the pattern —
// notes kept in /tmp/sandbank-scenario-notes, another user's when run as root —
// was removed whole (a security review).
func throwAway(dir string, fi os.FileInfo) bool {
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Getuid() {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "world.db") || e.IsDir() {
			return false
		}
	}
	return true
}

// dbInUse reports whether a sandbank has the database open: bbolt holds an flock
// on it as long as it does.
func dbInUse(db string) bool {
	f, err := os.Open(db)
	if os.IsNotExist(err) {
		return false
	}
	if err != nil {
		return true // not ours to judge: leave it
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}
