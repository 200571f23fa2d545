package store

import (
	"os"
	"path/filepath"
	"testing"
)

// An empty file given as the database becomes one readable by its owner alone,
// as a new file is: it kept its 0644, with keys and passwords in it (an
// operator's trial).
func TestAnEmptyFileBecomesAPrivateDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the database made in an empty file: %v, %v; want mode 0600", fi.Mode(), err)
	}
}
