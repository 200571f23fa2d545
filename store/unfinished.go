package store

import (
	"bytes"
	"context"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// A new file is unfinished from the transaction that creates its schema (migrate)
// until the one that completes its first run's world (Finish). sandbank's port
// opens only after that, so an unfinished file holds nothing of anyone's: only
// what a first run killed before its end (kill -9, out of memory, a cancelled CI
// job) had built, which the next run throws away (DiscardUnfinished) rather than
// serve as a world — it served the demo without its accounts, or with one of its
// three, as if complete (an operator's trial). Files of builds before the mark
// never have it, and stay as they are.

// Unfinished reports whether the file's first run has not finished building its
// world. A file with no schema yet, which a ReadOnly open does not make, is
// unfinished too.
func (db *DB) Unfinished() (unfinished bool, err error) {
	err = db.guarded(func() error {
		return db.bolt.View(func(btx *bolt.Tx) error {
			meta := btx.Bucket(bucketMeta)
			unfinished = meta == nil || meta.Get(keyUnfinished) != nil
			return nil
		})
	})
	return unfinished, err
}

// Finish runs fn as Update does and, in the same transaction, marks the file's
// world complete: a crash before it commits leaves the file unfinished, one after
// it a world that is whole. fn may be nil.
func (db *DB) Finish(ctx context.Context, fn func(engine.Tx) error) error {
	return db.update(ctx, func(t engine.Tx) error {
		if fn != nil {
			if err := fn(t); err != nil {
				return err
			}
		}
		return t.(*tx).btx.Bucket(bucketMeta).Delete(keyUnfinished)
	})
}

// DiscardUnfinished empties an unfinished file that holds anything — what a first
// run killed before its world was complete left — in one transaction: every
// bucket is dropped and the schema made anew, unfinished, as a new file's (its
// sequences from the start again, so that the world rebuilt has the IDs a first
// run gives). It reports whether it did. A file with nothing in it yet, and a
// finished one, stay as they are. Call it after Open, before anything writes.
func (db *DB) DiscardUnfinished(ctx context.Context) (discarded bool, err error) {
	err = db.guarded(func() error {
		return db.bolt.View(func(btx *bolt.Tx) error {
			discarded = halfBuilt(btx) // most opens: no write, no fsync
			return nil
		})
	})
	if err != nil || !discarded {
		return false, err
	}
	err = db.update(ctx, func(t engine.Tx) error {
		btx := t.(*tx).btx
		if discarded = halfBuilt(btx); !discarded {
			return nil
		}
		var names [][]byte
		if err := btx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, bytes.Clone(name))
			return nil
		}); err != nil {
			return err
		}
		for _, name := range names { // not inside ForEach: a delete moves its cursor
			if err := btx.DeleteBucket(name); err != nil {
				return err
			}
		}
		return migrate(btx, 0)
	})
	return discarded && err == nil, err
}

// halfBuilt reports whether the file is unfinished and holds anything beyond the
// empty buckets of a new file.
func halfBuilt(btx *bolt.Tx) bool {
	meta := btx.Bucket(bucketMeta)
	if meta == nil || meta.Get(keyUnfinished) == nil {
		return false
	}
	found := false
	_ = btx.ForEach(func(name []byte, b *bolt.Bucket) error {
		if !bytes.Equal(name, bucketMeta) {
			k, _ := b.Cursor().First()
			found = found || k != nil || b.Sequence() != 0
		}
		return nil
	})
	return found
}
