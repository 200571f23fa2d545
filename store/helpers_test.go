package store

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"sandbank/engine"
)

// childEnv makes the test binary play a subprocess role instead of running tests:
// the lock and crash tests re-execute it, since bbolt's flock is per process.
const childEnv = "SANDBANK_STORE_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "lock":
		os.Exit(lockChild(os.Getenv("SANDBANK_STORE_DB")))
	case "crash":
		os.Exit(crashChild(os.Getenv("SANDBANK_STORE_DB")))
	case "smallmap":
		os.Exit(smallMapChild(os.Getenv("SANDBANK_STORE_DB")))
	default:
		os.Exit(2)
	}
}

func tempPath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "sandbank.db")
}

func openTemp(t testing.TB, opts ...Option) *DB {
	t.Helper()
	db, err := Open(tempPath(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func update(t testing.TB, db *DB, fn func(engine.Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func view(t testing.TB, db *DB, fn func(engine.Tx) error) {
	t.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// at is a UTC instant of 2024, minutes after midnight of 1 March.
func at(minutes int) time.Time {
	return time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(minutes) * time.Minute)
}

// requireAllSet fails if any field of v, however deep, holds its zero value, so a
// round-trip fixture exercises every field and a forgotten one shows.
func requireAllSet(t *testing.T, v any) {
	t.Helper()
	var walk func(path string, rv reflect.Value)
	walk = func(path string, rv reflect.Value) {
		if rv.Type() == reflect.TypeFor[time.Time]() {
			if rv.Interface().(time.Time).IsZero() {
				t.Errorf("fixture field %s is zero", path)
			}
			return
		}
		switch rv.Kind() {
		case reflect.Struct:
			for i := range rv.NumField() {
				walk(path+"."+rv.Type().Field(i).Name, rv.Field(i))
			}
		case reflect.Slice:
			if rv.Len() == 0 {
				t.Errorf("fixture field %s is empty", path)
			}
			for i := range rv.Len() {
				walk(path, rv.Index(i))
			}
		default:
			if rv.IsZero() {
				t.Errorf("fixture field %s is zero", path)
			}
		}
	}
	walk(reflect.TypeOf(v).Name(), reflect.ValueOf(v))
}

func sampleAccount(id string) engine.Account {
	return engine.Account{
		ID:          id,
		Institution: engine.Institution{Code: "044", Name: "Access Bank", Type: engine.InstitutionPersonal},
		CustomerID:  "cus_1",
		Number:      "0788164862",
		Name:        "ADAM OKAFOR",
		Type:        engine.AccountSavings,
		Currency:    "NGN",
		AuthMethod:  engine.AuthInternetBanking,
		ConnectedAt: at(1),
		DataStatus:  engine.DataAvailable,
		Balance:     1_000_000,
		Identity: engine.Identity{
			FullName: "Adam Okafor", Email: "adam@example.com", Phone: "08031234567",
			BVN: "22212345678", Gender: "male", DateOfBirth: "1990-01-02", MaritalStatus: "single",
			AddressLine1: "1 Marina", AddressLine2: "Flat 2", City: "Lagos", State: "Lagos",
		},
		LastSyncedAt:         at(2),
		LastAttemptAt:        at(3),
		LastCode:             engine.CodeSyncSuccessful,
		LastMessage:          "synced",
		LastManualSyncAt:     at(4),
		NextAutoSyncAt:       at(5),
		ReauthRequired:       true,
		ReauthReason:         engine.ReauthCredentials,
		Reauths:              2,
		Credentials:          engine.Credentials{Username: "adam", Password: "pw_secret"},
		BankSession:          "sess_abc",
		BankSessionExpiresAt: at(6),
		UnlinkedAt:           at(7),
		Customer:             "cus_business_1",
		Ref:                  "ref-99008877",
		LastRealtimeJob:      "job_rt_1",
		LastRealtimeAt:       at(8),
	}
}

func sampleTx(id string, minute int, typ engine.TxType, narration string) engine.Transaction {
	return engine.Transaction{
		ID: id, Type: typ, Amount: 500_000, Narration: narration, Date: at(minute),
		Balance: -1_234, Currency: "NGN", Category: "shopping",
	}
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }

// queued queues fn through submit (db.Submit or db.Defer) and returns what waits
// for its outcome.
func queued(submit func(context.Context, func(engine.Tx) error, func(error)), fn func(engine.Tx) error) (wait func() error) {
	out := make(chan error, 1)
	submit(context.Background(), fn, func(err error) { out <- err })
	return func() error { return <-out }
}
