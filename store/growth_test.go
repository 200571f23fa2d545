package store

import (
	"fmt"
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"

	"sandbank/engine"
)

// The file grows ahead of its data by an eighth of it, at least 1 MiB: with the
// map as large as initialMmap, bbolt's own step would put a world of 1.4 MB in a
// file of 18.
func TestFileGrowsAheadOfItsDataByLittle(t *testing.T) {
	path := tempPath(t)
	db, err := Open(path, UnsafeNoSync())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for a := range 40 {
		id := fmt.Sprintf("acct-%d", a)
		update(t, db, func(tx engine.Tx) error {
			if err := tx.PutAccount(sampleAccount(id)); err != nil {
				return err
			}
			_, err := tx.AddTransactions(id, txWindow(0, 1500))
			return err
		})
		var used int64
		if err := db.bolt.View(func(tx *bolt.Tx) error { used = tx.Size(); return nil }); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if ahead, most := st.Size()-used, int64(allocFor(used))+int64(db.bolt.Info().PageSize)*64; ahead > most {
			t.Fatalf("after %d accounts: %d bytes of pages in a file of %d, %d ahead; want at most %d", a+1, used, st.Size(), ahead, most)
		}
	}
}
