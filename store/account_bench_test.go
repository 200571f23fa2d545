package store

import (
	"context"
	"fmt"
	"testing"

	"sandbank/engine"
)

// BenchmarkAccountRead reads accounts as the engine does: one account in a read
// transaction (each API call and each sync), the same from two goroutines, and the
// dashboard's list of 10,000.
//
// A decoded-account cache stood in front of the binary record until issue 14. Its
// last measurement, both paths in the same run over the same bbolt reads (2 shared
// cores; the list column decodes in ForEach, without building the engine's slice):
//
//	                one          one, 2 goroutines   all 10,000
//	decode          1,840–2,390  2,420–3,090         7.2–8.5 ms
//	cache (hits)    1,165–1,350  1,020–1,610         17.6–18.4 ms (4.3× the bytes)
//
// It saved under a microsecond on a single read, about 2% of a ~30 µs API call,
// and cost 2.4× on any list longer than its 4,096 entries, where it thrashed; it
// went.
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
	one := func(b *testing.B, id string) {
		if err := db.View(ctx, func(tx engine.Tx) error { _, err := tx.Account(id); return err }); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("one", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			one(b, ids[i%64])
			i++
		}
	})
	b.Run("one-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				one(b, ids[i%64])
				i++
			}
		})
	})
	b.Run("all-10000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := db.View(ctx, func(tx engine.Tx) error { _, err := tx.Accounts(); return err }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
