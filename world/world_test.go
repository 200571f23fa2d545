package world

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"sandbank/engine"
)

type nopSender struct{}

func (nopSender) Render(engine.Event, engine.WebhookFormat) []byte { return []byte("{}") }

func (nopSender) Send(context.Context, string, map[string]string, []byte) (engine.Delivery, error) {
	return engine.Delivery{StatusCode: 200}, nil
}

var start = time.Date(2021, 8, 20, 12, 0, 0, 0, time.UTC)

func open(t *testing.T, o Options) *World {
	t.Helper()
	w, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// A new world is made from its options; reopened, it is the same world, where the
// clock stopped, with the same keys — and a secret key given again replaces it.
func TestOpenNewThenExisting(t *testing.T) {
	db := filepath.Join(t.TempDir(), "nested", "sandbank.db")
	wall := time.Now()
	o := Options{DB: db, Seed: 7, Start: start, Customers: 6, Sender: nopSender{}, Paused: true,
		Wall: func() time.Time { return wall }, Keys: Keys{Secret: "test_sk_world0123456789", Public: "test_pk_world0123456789"}}
	w := open(t, o)
	if !w.New || !w.Clock.Now().Equal(start) || len(w.Bank.Customers()) != 6 || !w.Engine.CheckSecretKey(o.Keys.Secret) ||
		!w.Engine.CheckPublicKey(o.Keys.Public) || w.Engine.Settings().WebhookSecret == "" {
		t.Fatalf("new world: new %v, clock %v, %d customers, settings %+v", w.New, w.Clock.Now(), len(w.Bank.Customers()), w.Engine.Settings())
	}
	if err := w.Clock.Advance(90 * time.Minute); err != nil {
		t.Fatal(err)
	}
	ns := w.Engine.Settings().IDNamespace
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}

	o.Keys = Keys{Secret: "test_sk_rotated0123456789"}
	o.Start = start.AddDate(1, 0, 0) // ignored: the world exists
	w = open(t, o)
	defer w.Close()
	if w.New || !w.Clock.Now().Equal(start.Add(90*time.Minute)) || w.Engine.Settings().IDNamespace != ns ||
		!w.Engine.CheckSecretKey("test_sk_rotated0123456789") || w.Engine.CheckSecretKey("test_sk_world0123456789") {
		t.Fatalf("reopened: new %v, clock %v, settings %+v", w.New, w.Clock.Now(), w.Engine.Settings())
	}
}

// What cannot be opened says why, and leaves nothing open: the file can be opened
// again at once.
func TestOpenRefusals(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	w := open(t, Options{DB: db, Seed: 7, Start: start, Customers: 6, Sender: nopSender{}})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		o    Options
		code string
	}{
		{"another seed", Options{DB: db, Seed: 8, Sender: nopSender{}}, engine.EINVALID},
		{"a short secret key", Options{DB: filepath.Join(t.TempDir(), "new.db"), Keys: Keys{Secret: "short"}, Sender: nopSender{}}, engine.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Open(context.Background(), tc.o); engine.ErrorCode(err) != tc.code {
				t.Fatalf("Open = %v; want code %s", err, tc.code)
			}
		})
	}
	if _, err := Open(context.Background(), Options{DB: db}); err == nil {
		t.Fatal("Open without a Sender succeeded")
	}
	w = open(t, Options{DB: db, Seed: 7, Sender: nopSender{}}) // nothing was left holding the file
	_ = w.Close()
}
