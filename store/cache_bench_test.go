package store

import (
	"context"
	"fmt"
	"testing"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// BenchmarkAccountRead measures the decoded-account cache against decoding the
// binary account record on every read, in the same run: one account read in a read
// transaction (what each API call and each sync does), the same from two goroutines
// at once, and the dashboard's list of 10,000 accounts. Both sides read the bytes
// from bbolt the same way; only what turns them into an engine.Account differs.
func BenchmarkAccountRead(b *testing.B) {
	db := openTemp(b, UnsafeNoSync())
	const n = 10_000
	ids := make([]string, n)
	update(b, db, func(tx engine.Tx) error {
		for i := range ids {
			ids[i] = fmt.Sprintf("acct%05d", i)
			if err := tx.PutAccount(sampleAccount(ids[i])); err != nil {
				return err
			}
		}
		return nil
	})
	ctx := context.Background()
	ways := []struct {
		name   string
		decode func(c *accountCache, id string, v []byte) (engine.Account, error)
	}{
		{"decode", func(_ *accountCache, _ string, v []byte) (engine.Account, error) { return decodeAccountRecord(v) }},
		{"cache", func(c *accountCache, id string, v []byte) (engine.Account, error) {
			if a, ok := c.get(id, v); ok {
				return a, nil
			}
			a, err := decodeAccountRecord(v)
			if err == nil {
				c.put(id, v, a)
			}
			return a, err
		}},
	}
	one := func(c *accountCache, decode func(*accountCache, string, []byte) (engine.Account, error), id string) {
		err := db.bolt.View(func(tx *bolt.Tx) error {
			_, err := decode(c, id, tx.Bucket(bucketAccounts).Get([]byte(id)))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, way := range ways {
		b.Run("one/"+way.name, func(b *testing.B) {
			var c accountCache
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				one(&c, way.decode, ids[i%64]) // a working set the cache holds
				i++
			}
		})
	}
	for _, way := range ways {
		b.Run("one-parallel/"+way.name, func(b *testing.B) {
			var c accountCache
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					one(&c, way.decode, ids[i%64])
					i++
				}
			})
		})
	}
	for _, way := range ways {
		b.Run("all-10000/"+way.name, func(b *testing.B) {
			var c accountCache
			b.ReportAllocs()
			for b.Loop() {
				err := db.bolt.View(func(tx *bolt.Tx) error {
					return tx.Bucket(bucketAccounts).ForEach(func(k, v []byte) error {
						_, err := way.decode(&c, string(k), v)
						return err
					})
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The whole path as the engine takes it today, for scale.
	b.Run("one/store-View", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := db.View(ctx, func(tx engine.Tx) error { _, err := tx.Account(ids[i%64]); return err }); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
