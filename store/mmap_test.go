//go:build linux

package store

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"

	"sandbank/engine"
)

// A process limited in address space (ulimit -v, as some shared hosts and CI
// runners set it) does not map bigMapBytes, which would crowd its heap or be
// refused: the file opens with bbolt's own growing map instead, and works.
func TestOpensUnderAnAddressSpaceLimit(t *testing.T) {
	path := tempPath(t)
	out, err := child(t, "smallmap", path).CombinedOutput()
	if err != nil {
		t.Fatalf("child under a %d GiB address-space limit: %v\n%s", addressLimit>>30, err, out)
	}
	db, err := Open(path) // and the file it wrote opens in full here
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	view(t, db, func(tx engine.Tx) error {
		page, err := tx.Transactions(engine.TxQuery{AccountID: "acct-limited", Page: 1, Limit: 1000})
		if err == nil && page.Total != 300 {
			err = fmt.Errorf("%d transactions after reopening; the child wrote 300", page.Total)
		}
		return err
	})
}

// addressLimit is under initialMmap, and room enough for the test binary.
const addressLimit = 4 << 30

func smallMapChild(path string) int {
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: addressLimit, Max: addressLimit}); err != nil {
		fmt.Fprintln(os.Stderr, "setrlimit:", err)
		return 1
	}
	db, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 1
	}
	defer db.Close()
	err = db.Update(context.Background(), func(tx engine.Tx) error {
		if err := tx.PutAccount(sampleAccount("acct-limited")); err != nil {
			return err
		}
		_, err := tx.AddTransactions("acct-limited", txWindow(0, 300))
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "write:", err)
		return 1
	}
	return 0
}
