// Package store keeps everything sandbank knows in one bbolt file and implements
// engine.Store. The schema (buckets, keys, migrations) is in schema.go.
//
// Every engine.Tx method works inside the caller's View or Update, so a sync's
// snapshot, transactions and events commit together or not at all. The store keeps
// no in-memory state besides the bbolt handle: a rolled-back Update leaves nothing.
package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"sandbank/engine"
)

// DefaultTimeout is how long Open waits for another process to release the file.
const DefaultTimeout = time.Second

// DB is an open sandbank database.
type DB struct {
	bolt   *bolt.DB
	path   string
	broken atomic.Pointer[error] // see run: a write that panicked inside bbolt
	full   atomic.Pointer[error] // see DiskFull
	writes writeQueue
	clock  atomic.Pointer[func() engine.ClockState] // see KeepClock
	now    atomic.Pointer[func() time.Time]         // see KeepClockTime
	writer writerCounters                           // see WriterStats
	// upgraded is the schema version Open migrated the file from (0: none, or a
	// new file): see Upgraded.
	upgraded uint32
}

// Upgraded reports the schema version Open migrated the file from, and the one it
// is now: from 0 when it did not (the file was current, or new). A migration
// cannot be undone — an older build refuses the file afterwards — so the caller
// says it happened.
func (db *DB) Upgraded() (from, to uint32) { return db.upgraded, schemaVersion }

// KeepClock makes every write transaction record the clock's state as state
// reports it when the transaction commits — its time, where its writes reach:
// everything a transaction writes was read from the clock by then, so the file
// never holds data newer than its clock, and a restart after a crash, even in the
// middle of a jump of a year, finds the clock at or after everything it committed,
// never behind it. Nor far ahead: during a jump the clock runs on while the syncs
// of the instants it passed wait to commit (tens of thousands of them, weeks of
// virtual time in a large world), and a clock saved where the jump had got to,
// after a crash, passed those syncs by, each account syncing once at the restart
// (a QA engineer's trial: 40 days of 200 accounts' syncs and webhooks missing).
func (db *DB) KeepClock(state func() engine.ClockState) { db.clock.Store(&state) }

// KeepClockTime gives the clock's time alone, which each write reads (KeepClock's
// state is read once a commit): without it, a commit saves the clock where it is.
func (db *DB) KeepClockTime(now func() time.Time) { db.now.Store(&now) }

// clockNow is the clock's time, zero without KeepClockTime.
func (db *DB) clockNow() time.Time {
	if now := db.now.Load(); now != nil {
		return (*now)()
	}
	return time.Time{}
}

// putClock records the clock's state in tx, if KeepClock asked for it — for a
// batch of a jump's writes, at the time they reach (write.at), or, if the file
// holds a later one, that: the clock saved never moves back; and then where the
// jump goes (JumpingTo), for a restart to say it was cut short.
func (db *DB) putClock(tx *bolt.Tx, batch []*write) error {
	state := db.clock.Load()
	if state == nil {
		return nil
	}
	rec := clockRecord((*state)())
	var reach time.Time
	jump := false // deferred writes are a jump's
	for _, w := range batch {
		jump = jump || w.deferred
		if w.at.After(reach) {
			reach = w.at
		}
	}
	switch {
	case rec.JumpingTo.IsZero() || !jump || reach.IsZero():
		// No jump under way (a deferred write outside one is the clock's own state,
		// at a speed change: the clock as it is), or a batch of other writes in
		// one (a posting, dated where the jump has got to).
	case !reach.Before(rec.JumpingTo):
		rec.JumpingTo = time.Time{} // its writes reach its end: its last commit
	case reach.Before(rec.Now):
		var saved clockRecord
		if v := tx.Bucket(bucketConfig).Get(keyClock); v != nil && json.Unmarshal(v, &saved) == nil && saved.Now.After(reach) {
			reach = saved.Now
		}
		if reach.Before(rec.Now) {
			rec.Now = reach
		}
	}
	if !rec.Now.Before(rec.JumpingTo) {
		rec.JumpingTo = time.Time{} // at its end already (its OnChange functions run)
	}
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketConfig).Put(keyClock, v)
}

// SavedClock is the clock's time as the file records it now, zero before anything
// saved it: where a restart after a crash now would find the clock, at the least.
// It is read as data is, in a read transaction: a client that read data a commit
// made, then the clock, finds the clock at or after that data (the time a commit
// recorded, kept after the commit returned, lagged the data by the commit's last
// fsync, which readers do not wait for: a client saw data days ahead of the clock).
func (db *DB) SavedClock() time.Time {
	var now time.Time
	_ = db.View(context.Background(), func(tx engine.Tx) error {
		st, err := tx.ClockState()
		now = st.Now
		return err
	})
	return now
}

var _ engine.Store = (*DB)(nil)

// Option tunes Open.
type Option func(*options)

type options struct {
	timeout  time.Duration
	noSync   bool
	readOnly bool
}

// WithTimeout sets how long Open waits for the file lock (default DefaultTimeout;
// d <= 0 keeps the default rather than waiting forever).
func WithTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.timeout = d
		}
	}
}

// ReadOnly opens the file without migrating or writing anything, sharing it with
// other readers: for copying it (Backup) as it is, whatever its schema version.
// Reading records through Tx needs a normal Open.
func ReadOnly() Option { return func(o *options) { o.readOnly = true } }

// UnsafeNoSync skips fsync on commit: a power loss can then lose or corrupt recent
// writes. For throwaway databases in tests only.
func UnsafeNoSync() Option { return func(o *options) { o.noSync = true } }

// Open opens (creating if needed) the database at path, migrating it to the current
// schema in one transaction. A file another sandbank process holds fails within the
// timeout with an ECONFLICT *engine.Error; a damaged or foreign file fails with an
// EINVALID one.
func Open(path string, opts ...Option) (*DB, error) {
	o := options{timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 && !o.readOnly && fi.Mode().Perm()&0o077 != 0 {
		// An empty file given as --db becomes a new database, keys and passwords
		// in it: readable by its owner alone, as a file bbolt makes is (0600). It
		// kept its 0644 (an operator's trial).
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, openError(path, err)
		}
	}
	fi, statErr := os.Lstat(path) // a link is not this run's to remove (a review)
	fresh := errors.Is(statErr, fs.ErrNotExist) || (statErr == nil && fi.Mode().IsRegular() && fi.Size() == 0)
	bdb, err := openBolt(path, o)
	if err == nil {
		var upgraded uint32
		if upgraded, err = initSchema(bdb, path, o.readOnly); err == nil {
			return &DB{bolt: bdb, path: path, upgraded: upgraded}, nil
		}
		_ = bdb.Close()
	}
	if fresh && engine.ErrorCode(err) == engine.ENOSPACE && !o.readOnly {
		// A new file that could not be made whole (a full disk, a limit on a file's
		// size) is not left half-written: once there was room, it opened as a
		// damaged database to restore from a backup that never was (a review).
		// Emptied, not removed — an empty file is a new database to sandbank — and
		// only while no other sandbank holds it: one waiting on the lock may have
		// set it up since (a review).
		discardUnheld(path)
	}
	return nil, err
}

// initialMmap is how much of the file's address space bbolt maps at the start.
// Mapping is not reading: pages the file does not have take no memory, and the
// file still grows only as data is written (bbolt's AllocSize at a time). What it
// saves is the remap as the file grows: bbolt doubles its map up to 1 GiB, then
// adds 1 GiB at a time, and at every remap copies each key and value the open
// write transaction holds out of the old map — a quarter of the CPU of a year's
// jump of a small world, done in one transaction. Windows sizes the file to the
// map, so there the map grows with the file as bbolt does by default; 32-bit
// platforms have no room for it; nor has a process limited in address space
// (ulimit -v), whose heap the map would crowd (initialMmapSize, per platform).
// It shows as 16 GiB of virtual size (VIRT in top), not of memory used.
var initialMmap = initialMmapSize()

// bigMap is initialMmap where there is room for it; a variable, so that 32-bit
// builds compile (they never use it).
var bigMap = 16

func bigMapBytes() int {
	if runtime.GOOS == "windows" || strconv.IntSize < 64 {
		return 0
	}
	return bigMap << 30
}

// allocFor is how far ahead of its data bbolt grows a file whose pages in use
// take size bytes: an eighth of it, at least 1 MiB and at most 64 MiB. bbolt's
// own habit, with the map as large as initialMmap, would be 16 MiB at once — a
// demo world of 1.4 MB in a file of 18 — and each growth costs an fsync, so a
// large file grows in larger steps.
func allocFor(size int64) int { return int(min(max(size/8, 1<<20), 64<<20)) }

func openBolt(path string, o options) (bdb *bolt.DB, err error) {
	defer guardOpen(path, &err)()
	bo := &bolt.Options{
		Timeout:         o.timeout,
		NoSync:          o.noSync,
		ReadOnly:        o.readOnly,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: initialMmap,
	}
	bdb, err = bolt.Open(path, 0o600, bo)
	if errors.Is(err, syscall.ENOMEM) && bo.InitialMmapSize > 0 {
		// The system would not map that much (an address-space limit it did not
		// say, overcommit rules): the file opens as bbolt maps by default,
		// remapping as it grows.
		bo.InitialMmapSize = 0
		bdb, err = bolt.Open(path, 0o600, bo)
	}
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, engine.Errorf(engine.ECONFLICT,
			"database %s is in use: another sandbank process holds it; stop that process, or start this one with --db pointing at another file", path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, damaged(path, err)
	case err != nil:
		return nil, openError(path, err)
	}
	bdb.AllocSize = allocFor(0) // until the first write says how large the data is
	return bdb, nil
}

func initSchema(bdb *bolt.DB, path string, readOnly bool) (upgraded uint32, err error) {
	defer guardOpen(path, &err)()
	var (
		from  uint32
		write bool
	)
	err = bdb.View(func(tx *bolt.Tx) (err error) {
		from, write, err = readSchema(tx)
		return err
	})
	var newer *newerError
	if readOnly && errors.As(err, &newer) {
		// A copy reads no records: a newer build's file is copied as it is, so
		// that it can be kept before anything is done about it (an operator's
		// trial could not back one up).
		return 0, nil
	}
	if err == nil && write && !readOnly {
		// Only this process writes the file (it holds the lock): the View's answer stands.
		err = bdb.Update(func(tx *bolt.Tx) error { return migrate(tx, from) })
		if err == nil && from > 0 && from < schemaVersion {
			upgraded = from
		}
	}
	switch {
	case errors.Is(err, errForeign):
		return 0, foreign(path, "it is a bbolt database of another program")
	case errors.As(err, &newer):
		return 0, engine.Errorf(engine.EINVALID,
			"database %s was written by a newer sandbank (schema v%d; this build knows v%d): upgrade sandbank, or use --db to open another file",
			path, newer.found, schemaVersion)
	case err != nil:
		if room := noRoom(path, err); room != nil {
			// Out of room while writing the schema (a new file's first write, an
			// older file's migration): said so, not "damaged: restore it from a
			// backup" (a review).
			return 0, room
		}
		return 0, damaged(path, err)
	}
	return upgraded, nil
}

// noRoom is the error of a write that found no room for path — a full disk, a
// quota, a limit on a file's size — or nil for any other.
func noRoom(path string, err error) error {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT} {
		if errors.Is(err, errno) || strings.Contains(err.Error(), errno.Error()) {
			return engine.Errorf(engine.ENOSPACE, "the disk holding the database %s is full (%s): nothing of this change was saved; free some space, then try again", path, errno.Error())
		}
	}
	if errors.Is(err, syscall.EFBIG) || strings.Contains(err.Error(), syscall.EFBIG.Error()) {
		return engine.Errorf(engine.ENOSPACE, "the database %s cannot grow past the limit on a file's size (ulimit -f; %s): nothing of this change was saved; raise it (ulimit -f unlimited, before starting sandbank), or move the database where it can grow",
			path, syscall.EFBIG.Error()).WithReason("FILE_TOO_LARGE")
	}
	return nil
}

// guardOpen turns a panic or memory fault inside bbolt, which garbage pages can
// cause, into the damaged-file error: defer guardOpen(path, &err)().
func guardOpen(path string, err *error) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			*err = damaged(path, fmt.Errorf("%v", r))
		}
	}
}

// openError is a failure to open the database file: one the user can mend (a
// file or folder not theirs) says so in words, naming --db; others pass.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrPermission):
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			// The file is to be made: the folder is what refuses (an operator's
			// trial was told to pass a file it could read and write).
			return engine.Errorf(engine.EINVALID, "cannot make the database %s: permission denied in the folder %s; pass --db with a path in a folder you can write to", path, filepath.Dir(path))
		}
		return engine.Errorf(engine.EINVALID, "cannot open the database %s: permission denied; pass --db with a file you can read and write", path)
	case errors.Is(err, syscall.EROFS):
		return engine.Errorf(engine.EINVALID, "cannot open the database %s: it is on a read-only file system, and sandbank writes to its database; pass --db with a file on a writable one (to look at this one, copy it there)", path)
	case errors.Is(err, syscall.ENOSPC):
		return engine.Errorf(engine.ENOSPACE, "cannot open the database %s: the disk is full (%v); free some space, or pass --db with a file on another disk", path, err).WithReason("DISK_FULL")
	case errors.Is(err, syscall.EFBIG):
		return engine.Errorf(engine.ENOSPACE, "cannot open the database %s: it cannot grow past the limit on a file's size (ulimit -f; %v); raise it (ulimit -f unlimited) before starting sandbank", path, err).WithReason("FILE_TOO_LARGE")
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

func damaged(path string, cause error) error {
	return engine.Errorf(engine.EINVALID,
		"database %s is damaged (%v): restore it from a backup, or use --db to start a new file", path, cause)
}

func foreign(path, why string) error {
	return engine.Errorf(engine.EINVALID,
		"%s is not a sandbank database (%s): pass --db with a sandbank database, or a new file name to start afresh", path, why)
}

// checkHeader reads the bbolt meta pages itself before bolt.Open maps the file, so
// that a foreign or truncated file gets an error rather than a fault.
func checkHeader(path string) error {
	// Looked at before it is opened: opening a named pipe waits for a writer, and
	// --db at a FIFO hung for good, SIGTERM and all (a hostile-input trial).
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		switch t := fi.Mode().Type(); {
		case t&os.ModeNamedPipe != 0:
			return foreign(path, "it is a named pipe (FIFO)")
		case t&os.ModeSocket != 0:
			return foreign(path, "it is a socket")
		default:
			return foreign(path, "it is a device, not a regular file")
		}
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return openError(path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return openError(path, err)
	}
	if st.IsDir() {
		return foreign(path, "it is a directory")
	}
	if st.Size() == 0 {
		return nil // bbolt initialises an empty file
	}
	m0, err0 := readMeta(f, 0)
	var m1 boltMeta
	err1 := err0
	if err0 == nil {
		m1, err1 = readMeta(f, int64(m0.pageSize))
	} else {
		for _, ps := range []int64{int64(os.Getpagesize()), 4096, 8192, 16384, 32768, 65536} {
			if m1, err1 = readMeta(f, ps); err1 == nil {
				break
			}
		}
	}
	var m boltMeta
	switch {
	case err0 != nil && err1 != nil:
		if errors.Is(err0, errNotBolt) && errors.Is(err1, errNotBolt) {
			return foreign(path, "it is not a bbolt file")
		}
		return damaged(path, err0)
	case err0 != nil:
		m = m1
	case err1 != nil || m0.txid >= m1.txid:
		m = m0
	default:
		m = m1
	}
	// Stat again: a process holding the file grows it before writing a meta page.
	if st, err = f.Stat(); err != nil {
		return openError(path, err)
	}
	if need := int64(m.pgid) * int64(m.pageSize); st.Size() < need {
		return damaged(path, fmt.Errorf("file is %d bytes but its pages need %d: truncated", st.Size(), need))
	}
	return nil
}

// boltMeta is bbolt's meta page (go.etcd.io/bbolt/internal/common.Meta), read with
// the machine's byte order as bbolt writes it.
type boltMeta struct {
	pageSize uint32
	pgid     uint64
	txid     uint64
}

const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	boltPageHeader = 16 // id, flags, count, overflow
	boltMetaSize   = 64 // magic … checksum
)

var errNotBolt = errors.New("no bbolt magic")

func readMeta(f *os.File, off int64) (boltMeta, error) {
	buf := make([]byte, boltPageHeader+boltMetaSize)
	if _, err := f.ReadAt(buf, off); err != nil {
		return boltMeta{}, errNotBolt
	}
	b := buf[boltPageHeader:]
	ne := binary.NativeEndian
	if ne.Uint32(b) != boltMagic {
		return boltMeta{}, errNotBolt
	}
	if ne.Uint32(b[4:]) != boltVersion {
		return boltMeta{}, fmt.Errorf("bbolt format version %d, want %d", ne.Uint32(b[4:]), boltVersion)
	}
	h := fnv.New64a()
	h.Write(b[:56])
	if h.Sum64() != ne.Uint64(b[56:]) {
		return boltMeta{}, errors.New("meta page checksum mismatch")
	}
	m := boltMeta{pageSize: ne.Uint32(b[8:]), pgid: ne.Uint64(b[40:]), txid: ne.Uint64(b[48:])}
	if m.pageSize < 1024 || m.pageSize > 1<<20 || m.pageSize&(m.pageSize-1) != 0 {
		return boltMeta{}, fmt.Errorf("page size %d is implausible", m.pageSize)
	}
	return m, nil
}

// Usage reports the bytes of the file's pages in use — up to its high-water mark,
// less free pages — and the file's size, which bbolt grows in steps ahead of use.
func (db *DB) Usage() (used, size int64, err error) {
	err = db.guarded(func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			st := db.bolt.Stats()
			used = tx.Size() - int64(st.FreePageN+st.PendingPageN)*int64(db.bolt.Info().PageSize)
			return nil
		})
	})
	if err != nil {
		return 0, 0, err
	}
	fi, err := os.Stat(db.path)
	if err != nil {
		return 0, 0, err
	}
	return used, fi.Size(), nil
}

// Writes reports how many writes the commits have made since the file was opened:
// one per page written (with its overflow pages, if any), meta pages included. A
// commit's pages lie scattered over the file, and its fsync costs the disk about
// one operation per write (BenchmarkDiskFloor measures one).
func (db *DB) Writes() int64 {
	st := db.bolt.Stats()
	return st.TxStats.GetWrite()
}

// WriterStats is what the writer (commit.go) has done since the file was opened.
type WriterStats struct {
	Batches int64         // transactions committed, or rolled back and run again
	Busy    time.Duration // time it spent running batches, from begin to commit, less waiting for deferred writes
	// Committing is the part of Busy spent in bbolt's commit after the batch's
	// writes ran: laying out and writing the pages, and the fsyncs.
	Committing time.Duration
}

type writerCounters struct{ batches, busy, committing atomic.Int64 }

// WriterStats reports the writer's work so far. Beside the wall time of a clock
// jump it says whether the jump waited on the writer (Busy near the whole jump)
// and on what (Committing: the pages and the disk; the rest: the syncs' reads and
// puts).
func (db *DB) WriterStats() WriterStats {
	return WriterStats{Batches: db.writer.batches.Load(), Busy: time.Duration(db.writer.busy.Load()),
		Committing: time.Duration(db.writer.committing.Load())}
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Close releases the file. After a write that panicked inside bbolt it leaves the
// file to the process's exit: bbolt may still hold its write lock, which its Close
// would wait for forever.
func (db *DB) Close() error {
	db.closeWrites()
	if broken := db.broken.Load(); broken != nil {
		return *broken
	}
	return db.bolt.Close()
}

// View runs fn in a read-only transaction. Keep it short: a long read transaction
// delays writers that need to grow the file.
func (db *DB) View(ctx context.Context, fn func(engine.Tx) error) error {
	return db.run(ctx, false, fn)
}

// Update runs fn in a read-write transaction, committed if fn returns nil and rolled
// back entirely otherwise.
//
// Concurrent Updates share transactions (group commit, see commit.go), so fn may run
// more than once if another write in its batch fails: it must not act outside the
// transaction except to set its own results.
func (db *DB) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return db.update(ctx, fn)
}

func (db *DB) run(ctx context.Context, writable bool, fn func(engine.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if broken := db.broken.Load(); broken != nil && writable {
		return *broken
	}
	// A damaged page can make bbolt panic or fault. Inside fn each Tx method turns
	// that into an error; here the same covers begin and commit. A panic of fn's own
	// is the caller's bug and goes on up.
	//
	// A write that panics in bbolt's commit or rollback leaves bbolt in a state no
	// one knows — its write lock held, when the rollback itself panicked, so that
	// every later write and Close waited forever (an operator's trial with a
	// damaged file: every request hung, and so did SIGTERM) — and a file whose
	// free pages may be pages in use: no more writes go to it.
	inFn := false
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			if inFn {
				panic(r)
			}
			err = corrupt(db.path, r)
			if writable {
				var stop error = engine.Errorf(engine.EUNAVAILABLE,
					"the database file %s is damaged (%v), and sandbank has stopped writing to it: stop sandbank, then restore the file from a backup or start a new one with --db", db.path, r).WithReason("DATABASE_DAMAGED")
				db.broken.CompareAndSwap(nil, &stop)
				err = stop
			}
		}
	}()
	body := func(btx *bolt.Tx) error {
		if writable { // read at this commit's grow, under the write lock held here
			btx.DB().AllocSize = allocFor(btx.Size())
		}
		inFn = true
		t := &tx{btx: btx, path: db.path}
		ferr := db.named(fn(t))
		if ferr == nil && writable {
			ferr = t.flushSchedule()
		}
		t.btx = nil // a Tx used after its transaction ends fails instead of faulting
		inFn = false
		return ferr
	}
	if writable {
		return db.noSpace(db.bolt.Update(body))
	}
	return db.bolt.View(body)
}

// noSpace turns a write that failed for lack of disk space into ENOSPACE, which
// says so; other errors pass. bbolt flattens some causes into text ("file resize
// error: no space left on device"), hence the second test.
func (db *DB) noSpace(err error) error {
	if err == nil {
		return nil
	}
	// A limit on the size of a file (ulimit -f) is as a full disk: it answered 500
	// "internal error", only the log saying why (an operator's trial).
	if full := noRoom(db.path, err); full != nil {
		db.full.Store(&full)
		return full
	}
	return err
}

// DiskFull is the last write refused for a full disk since the file was opened,
// or nil: the cause behind a failure that shows elsewhere — a first run's demo
// whose sync could not be saved, seen as a webhook that never came.
func (db *DB) DiskFull() error {
	if err := db.full.Load(); err != nil {
		return *err
	}
	return nil
}

// damage is a record the file holds that sandbank cannot have written: a key or a
// value of the wrong shape, rows that disagree with their kept count. Met by a
// read or a write, it answers as damage (corrupt), naming the file; it answered
// 500 "internal error", and only the log said the file was damaged (a
// hostile-input trial).
type damage struct{ msg string }

func (d *damage) Error() string { return d.msg }

func damagef(format string, args ...any) error { return &damage{fmt.Sprintf(format, args...)} }

// named turns damage that fn met into the error that names the file.
func (db *DB) named(err error) error {
	if d := (*damage)(nil); errors.As(err, &d) {
		// err's own words: its wrappers say which record ("event #12: …").
		return corrupt(db.path, strings.TrimPrefix(err.Error(), "store: "))
	}
	return err
}

// corrupt is the error of damage bbolt met in the file at path, named: a read's
// answer did not say which file (a QA engineer's trial).
func corrupt(path string, r any) error {
	return engine.Errorf(engine.EUNAVAILABLE,
		"the database file %s looks damaged (%v): restore it from a backup, or start a new file with --db", path, r).WithReason("DATABASE_DAMAGED")
}

// guarded runs fn, a bbolt View or Update of the store's own, turning a panic or
// fault inside bbolt into an error.
func (db *DB) guarded(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			err = corrupt(db.path, r)
		}
	}()
	return fn()
}

// Backup writes a consistent copy of the database to w while it stays in use, and
// reports the bytes written.
func (db *DB) Backup(w io.Writer) (n int64, err error) {
	err = db.guarded(func() error {
		return db.bolt.View(func(tx *bolt.Tx) (err error) {
			n, err = tx.WriteTo(w)
			return err
		})
	})
	return n, err
}

// AppendBankEvent adds an entry to the simulated bank's journal, committed when
// it returns. It goes through the writer like any Update: a direct transaction
// would wait for a batch of deferred writes that waits for the jump it is part of.
func (db *DB) AppendBankEvent(data []byte) error {
	entry := append([]byte{}, data...)
	return db.update(context.Background(), func(t engine.Tx) error {
		b := t.(*tx).btx.Bucket(bucketBankJournal)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(seqKey(nil, seq), entry)
	})
}

// BankEvents returns the bank's journal, oldest first.
func (db *DB) BankEvents() ([][]byte, error) {
	var out [][]byte
	err := db.guarded(func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketBankJournal).ForEach(func(_, v []byte) error {
				out = append(out, append([]byte{}, v...))
				return nil
			})
		})
	})
	return out, err
}
