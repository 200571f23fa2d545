package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sandbank/engine"
)

// Clearing the webhook URL says it was cleared, and that events wait in the outbox
// until one is set: the toast said "Webhook URL set: events are delivered to
// nowhere (events wait in the outbox)" (a newcomer's trial).
func TestSettingsClearTheWebhookURL(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("4", "down", "enter", "ctrl+u", "enter")
	if u := w.eng.Settings().WebhookURL; u != "" {
		t.Fatalf("the webhook URL is %q, want none", u)
	}
	h.golden("settings-url-cleared")
	h.contains("Webhook URL cleared: events wait in the outbox until a URL is set")
}

// ←/→ change the rows of choices — Data Sync (asking first), the webhook format,
// auto-sync — and nothing else: on the URL, the secret and "Rotate keys" they
// opened the editor or asked to rotate, which no screen said (a newcomer's trial).
func TestSettingsArrowsChangeOnlyChoices(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("4", "down") // the webhook URL
	for _, k := range []string{"left", "right"} {
		h.press(k)
		if s := h.screen(); strings.Contains(s, "cancel") {
			t.Fatalf("%s on the URL's row opened its editor:\n%s", k, s)
		}
	}
	h.press("down", "right") // the secret
	if s := h.screen(); strings.Contains(s, "cancel") {
		t.Fatalf("→ on the secret's row opened its editor:\n%s", s)
	}
	h.press("down", "right") // the format: v1 → v2
	if f := w.eng.Settings().WebhookFormat; f != engine.WebhookV2 {
		t.Fatalf("→ on the format's row: format %q, want v2", f)
	}
	h.press("down", "down", "down", "left") // Rotate keys
	if s := h.screen(); !strings.Contains(s, "▸ Rotate keys") || strings.Contains(s, "Rotate the keys?") {
		t.Fatalf("← on Rotate keys asked to rotate:\n%s", s)
	}
	h.press("up", "up", "up", "up", "up", "up", "right") // Data Sync: asks first
	h.contains("Turn Data Sync off?")
}

// The settings page sets how long a PDF statement builds, as PATCH /sandbox/settings
// and a scenario's settings: do — the page did not offer it, and a presenter
// showing an app's polling had to leave the TUI for curl. ←/→ stop at either end,
// enter goes round, and a value set through the API that is not a choice steps to
// the choices either side of it.
func TestSettingsStatementBuild(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{})
	h.press("4")
	h.m.pages[pageCount-1].(*settingsPage).cursor = setStatementBuild
	want := func(step string, d time.Duration) {
		t.Helper()
		if got := w.eng.Settings().StatementBuild; got != d {
			t.Fatalf("after %s: statement_build %s, want %s\n%s", step, got, d, h.screen())
		}
	}
	h.press("left")
	want("← at once", 0)
	h.contains("That is the first choice") // said, not silent (a newcomer's trial)
	h.press("right")
	want("→", 30*time.Second)
	h.contains("PDF statements: BUILDING for 30s (virtual)")
	h.press("enter", "enter", "enter")
	want("enter ×3", time.Hour)
	h.press("right")
	want("→ at an hour", time.Hour)
	h.contains("That is the last choice: ← goes back, enter goes round to the first")
	h.press("enter")
	want("enter at an hour", 0)
	h.contains("ready at once")
	five := 5 * time.Minute
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{StatementBuild: &five}); err != nil {
		t.Fatal(err)
	}
	h.send(reloadMsg{what: reloadSettings})
	h.press("right")
	want("→ from 5m", 10*time.Minute)
	if _, err := w.eng.UpdateSettings(w.ctx, engine.SettingsPatch{StatementBuild: &five}); err != nil {
		t.Fatal(err)
	}
	h.send(reloadMsg{what: reloadSettings})
	h.press("left")
	want("← from 5m", 2*time.Minute)
}

// Settings says where the world and the log are kept, and how to start over: a
// newcomer found neither on any screen.
func TestSettingsSayWhereTheFilesAre(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 100, height: 40, dbPath: "/home/ada/.local/share/sandbank/sandbank.db", logPath: "/home/ada/.local/share/sandbank/sandbank.log"})
	h.press("4")
	h.contains("Database         /home/ada/.local/share/sandbank/sandbank.db", "Log              /home/ada/.local/share/sandbank/sandbank.log",
		"To start over, quit and delete the database")
	// And which generators made the world: an upgraded one keeps its own (an
	// upgrade trial: only serve's banner said it).
	h.contains(fmt.Sprintf("Bank             seed %d, data version %d", w.bank.Config().Seed, w.bank.DataVersion()))
	// A long path keeps its file's name (cut at the end, the two read the same),
	// and a played scenario's throw-away world is not one to start over (a review).
	long := "/srv/" + strings.Repeat("a-very-long-folder-name/", 6)
	h = newHarness(t, w, harnessOpts{width: 80, height: 24, dbPath: long + "sandbank.db", logPath: long + "sandbank.log"})
	h.press("4", "down", "down", "down", "down", "down", "down")
	h.contains("Database         …", "-name/sandbank.db", "Log              …", "-name/sandbank.log")
	for _, o := range []harnessOpts{{width: 100, height: 40}, {width: 100, height: 40, dbPath: "/tmp/sandbank-play-1/world.db"}} {
		quiet := newHarness(t, w, o)
		quiet.press("4")
		if strings.Contains(quiet.screen(), "Database") || strings.Contains(quiet.screen(), "start over") {
			t.Fatalf("Settings of %+v says where a world to start over is:\n%s", o, quiet.screen())
		}
	}
}

// g and home go to the first setting, G and end to the last, as on the lists:
// they did nothing on Settings, while the Accounts help offers them (a
// presenter's trial).
func TestSettingsHomeAndEnd(t *testing.T) {
	w := newTestWorld(t)
	h := newHarness(t, w, harnessOpts{width: 120, height: 30})
	h.press("4")
	p := h.m.pages[pageSettings].(*settingsPage)
	for _, k := range [][2]string{{"G", "g"}, {"end", "home"}} {
		h.press(k[0])
		if p.cursor != setCount-1 {
			t.Fatalf("%s left the cursor at %d, want the last setting, %d", k[0], p.cursor, setCount-1)
		}
		h.press(k[1])
		if p.cursor != 0 {
			t.Fatalf("%s left the cursor at %d, want the first setting", k[1], p.cursor)
		}
	}
}
