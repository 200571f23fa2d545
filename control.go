package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"sandbank/engine"
	"sandbank/store"
)

// The control socket lets `sandbank backup` reach a running sandbank, which holds
// the database's lock. It is a Unix socket next to the database, readable only by its
// owner, so it needs no key.

type controlSocket struct {
	path string
	srv  *http.Server
}

// controlSocketPath is the socket beside the database's own file, through any
// symbolic link to it: a backup that named the running database by a link it was
// not started with (or by its file, when it was started with a link) looked for a
// socket that did not exist, and said the running sandbank did not answer (an
// operator's trial).
func controlSocketPath(db string) string {
	if real, err := filepath.EvalSymlinks(db); err == nil {
		db = real
	}
	return db + ".ctl"
}

// maxSocketPath is the longest path a Unix socket's address holds (sun_path:
// 108 bytes on Linux, 104 on the BSDs and macOS, with its NUL).
const maxSocketPath = 103

// socketName calls fn with a name for the socket at path that fits a socket's
// address: path itself, or, when that is too long (a database deep in a CI
// workspace, say), the same file reached through its folder's descriptor under
// /proc/self/fd, on Linux. A path too long elsewhere is said in words — the
// system's "invalid argument" said nothing (an operator's trial).
func socketName(path string, fn func(name string) error) error {
	if len(path) <= maxSocketPath {
		return fn(path)
	}
	if runtime.GOOS == "linux" {
		dir, err := os.Open(filepath.Dir(path))
		if err != nil {
			return err
		}
		defer dir.Close()
		if name := fmt.Sprintf("/proc/self/fd/%d/%s", dir.Fd(), filepath.Base(path)); len(name) <= maxSocketPath {
			return fn(name)
		}
	}
	return fmt.Errorf("the control socket's path %s has %d bytes, more than a Unix socket's address holds (%d): a database at a shorter path lifts this", path, len(path), maxSocketPath)
}

func startControlSocket(dbPath string, db *store.DB) (*controlSocket, error) {
	path := controlSocketPath(dbPath)
	_ = os.Remove(path) // a stale socket of a crashed run: we hold the database's lock now
	var ln net.Listener
	err := socketName(path, func(name string) (err error) {
		ln, err = net.Listen("unix", name)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Close removes path itself: the listener's own unlink would go through a
	// /proc/self/fd name whose descriptor is closed by then, or another's.
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	if err := os.Chmod(path, 0o600); err != nil {
		_ = ln.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := db.Backup(w); err != nil {
			panic(http.ErrAbortHandler) // cut the stream: the client sees a short copy, never a silent one
		}
	})
	c := &controlSocket{path: path, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

func (c *controlSocket) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := c.srv.Shutdown(ctx)
	_ = os.Remove(c.path)
	return err
}

// Backup writes a consistent copy of the database at dbPath to file: directly if no
// sandbank holds it, else through the running sandbank's control socket. The copy is
// written to a temporary file first, so file is never half-written. It refuses to
// write over the database itself, and over any other existing file unless force.
func Backup(ctx context.Context, dbPath, file string, force bool) (int64, error) {
	dbInfo, err := os.Stat(dbPath)
	if err != nil {
		return 0, engine.Errorf(engine.ENOTFOUND, "no database at %s; pass --db with the file to back up", dbPath)
	}
	if fi, err := os.Stat(file); err == nil {
		switch {
		case os.SameFile(fi, dbInfo):
			return 0, engine.Invalid("file", "%s is the database itself: write the copy to another file", file)
		case fi.IsDir():
			return 0, engine.Invalid("file", "%s is a directory: name the file to write, e.g. %s", file, filepath.Join(file, "sandbank-backup.db"))
		case !force:
			return 0, engine.Errorf(engine.ECONFLICT, "%s exists already: pass --force to replace it, or name another file", file)
		}
	}
	dir := filepath.Dir(file)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return 0, engine.Invalid("file", "the directory %s does not exist: create it first, or name a file in a directory that does", dir)
	}
	tmp, err := os.CreateTemp(dir, ".sandbank-backup-*")
	if err != nil { // its own words, not the temporary file's name
		return 0, engine.Invalid("file", "cannot write the backup into %s (%s): name a file in a folder you can write", dir, osReason(err))
	}
	defer os.Remove(tmp.Name())
	n, err := backupTo(ctx, dbPath, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == tmp.Name() { // the copy's own file: say the file asked for
		return 0, fmt.Errorf("writing the backup %s: %s; nothing was written there", file, osReason(err))
	}
	if err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return 0, fmt.Errorf("writing the backup %s: %v; nothing was written there", file, err)
	}
	return n, nil
}

func backupTo(ctx context.Context, dbPath string, w io.Writer) (int64, error) {
	// Read-only: a copy must not migrate (or otherwise change) the file it copies.
	db, err := store.Open(dbPath, store.WithTimeout(200*time.Millisecond), store.ReadOnly())
	if err == nil {
		defer db.Close()
		// A copy of it would hold no world either: restored, the next start would
		// throw it away as it does this file.
		unfinished, err := db.Unfinished()
		switch {
		case err != nil:
			return 0, err
		case unfinished:
			return 0, engine.Errorf(engine.ENOTFOUND, "%s holds no world to back up: the first run that made it was stopped before its world was complete (a crash?), and the next start builds it anew", dbPath)
		}
		return db.Backup(w)
	}
	if engine.ErrorCode(err) != engine.ECONFLICT {
		return 0, err
	}
	// Another sandbank holds it: ask that one.
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (conn net.Conn, err error) {
		err = socketName(controlSocketPath(dbPath), func(name string) (err error) {
			var d net.Dialer
			conn, err = d.DialContext(ctx, "unix", name)
			return err
		})
		return conn, err
	}}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://sandbank/backup", nil)
	resp, err := client.Do(req)
	if errors.Is(err, fs.ErrPermission) {
		return 0, fmt.Errorf("%s is held by a running sandbank of another user: its control socket %s is theirs alone; run the backup as that user", dbPath, controlSocketPath(dbPath))
	}
	if err != nil {
		return 0, fmt.Errorf("%s is held by a running sandbank, and its control socket %s did not answer (%v)", dbPath, controlSocketPath(dbPath), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return 0, errors.New("the running sandbank could not write the backup: " + strings.TrimSpace(string(msg)))
	}
	return io.Copy(w, resp.Body)
}
