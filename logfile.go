package main

import (
	"fmt"
	"os"
	"sync"
)

// maxLogBytes is the size at which the TUI's log file moves aside: the log takes at
// most twice this (the file and its one predecessor, PATH.1). A request logs about
// 140 bytes, so that is some 75,000 requests each.
const maxLogBytes = 10 << 20

// logFile is an append-only log file that rotates: a write that would take it past
// max first moves it to PATH.1 (replacing the previous one) and starts a new file.
type logFile struct {
	mu   sync.Mutex
	path string
	max  int64
	f    *os.File
	size int64
}

// openLogFile opens (or creates) the log at path, appending to what it holds.
func openLogFile(path string, max int64) (*logFile, error) {
	l := &logFile{path: path, max: max}
	if err := l.open(); err != nil {
		return nil, fmt.Errorf("opening the log file: %w", err)
	}
	return l, nil
}

func (l *logFile) open() error {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	l.f, l.size = f, fi.Size()
	return nil
}

func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.size > 0 && l.size+int64(len(p)) > l.max {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

// rotate moves the full file aside and starts an empty one; if it cannot be moved,
// it is emptied instead, so the log stays bounded either way.
func (l *logFile) rotate() error {
	if err := l.f.Close(); err != nil {
		return err
	}
	if err := os.Rename(l.path, l.path+".1"); err != nil {
		if err := os.Truncate(l.path, 0); err != nil {
			return err
		}
	}
	return l.open()
}

func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}
