package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sandbank/scenario"
	"strings"
	"testing"

	"sandbank/engine"
	"sandbank/simulator"
)

// A word that is not a command says so and lists the commands, instead of the
// TUI's usage.
func TestUnknownCommandSaysSo(t *testing.T) {
	out, code := sandbank(t, "start")
	if code == 0 || !strings.Contains(out, `unknown command "start"`) || !strings.Contains(out, "tui (the default), serve, backup and scenario") {
		t.Fatalf("sandbank start = exit %d:\n%s\nwant an unknown command, with the commands listed", code, out)
	}
	if strings.Contains(out, "Usage: sandbank tui") {
		t.Fatalf("sandbank start printed the TUI's usage:\n%s", out)
	}
	// A flag sandbank does not know still gets kong's own message.
	if out, code := sandbank(t, "serve", "--nope"); code == 0 || !strings.Contains(out, "--nope") {
		t.Fatalf("sandbank serve --nope = exit %d:\n%s", code, out)
	}
	// A mistake is said alone, with where the flags are: the whole usage came
	// first, and the line that mattered last.
	out, code = sandbank(t, "--db", filepath.Join(t.TempDir(), "x.db"), "serve")
	if want := "sandbank: flag --db goes after the command: sandbank serve --db …\nsandbank --help lists the flags and commands.\n"; code != 2 || out != want {
		t.Fatalf("sandbank --db X serve = exit %d:\n%s\nwant exit 2:\n%s", code, out, want)
	}
	// --theme is the TUI's and scenario play's: serve has none (it was told to
	// take it), and scenario's goes after play FILE (the review).
	for args, want := range map[[2]string]string{
		{"serve", ""}:                   "flag --theme chooses the terminal UI's colours (sandbank --theme …, or sandbank scenario play FILE --theme …): serve has none",
		{"scenario", "fixtures/x.yaml"}: "flag --theme goes after the command: sandbank scenario play FILE --theme …",
	} {
		argv := []string{"--theme", "light", args[0]}
		if args[1] != "" {
			argv = append(argv, "play", args[1])
		}
		if out, code := sandbank(t, argv...); code != 2 || !strings.Contains(out, want) {
			t.Fatalf("sandbank %s = exit %d:\n%s\nwant %q", strings.Join(argv, " "), code, out, want)
		}
	}
	if out, code := sandbank(t, "scenario", "run"); code != 2 || out != "sandbank: give at least one file (<file> ...)\nsandbank scenario run --help lists the flags and commands.\n" {
		t.Fatalf("sandbank scenario run = exit %d:\n%s", code, out)
	}
	if out, code := sandbank(t, "tui", "serve"); code != 2 || out != "sandbank: serve is a command of its own, not one of tui's: sandbank serve\n" {
		t.Fatalf("sandbank tui serve = exit %d:\n%s", code, out)
	}
	if out, code := sandbank(t, "serve", "--db"); code != 2 || !strings.HasPrefix(out, "sandbank: flag --db needs a value (a file): --db=VALUE\n") {
		t.Fatalf("sandbank serve --db = exit %d:\n%s", code, out)
	}
	if out, code := sandbank(t, "serve", "--port", "1"); code != 2 || !strings.Contains(out, "part of --addr") {
		t.Fatalf("sandbank serve --port 1 = exit %d:\n%s", code, out)
	}
	// Could not run is 2, as a usage error; 1 is kept for a scenario that failed.
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	if out, code := sandbank(t, "serve", "--scenario", missing, "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(out, missing) {
		t.Fatalf("sandbank serve --scenario MISSING = exit %d:\n%s\nwant exit 2, naming the file", code, out)
	}
}

// --addr without a port says what is wrong with the address; a port in use still
// points at another sandbank.
func TestAddrWithoutPortSaysWhatIsWrong(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	err := NewMain(Options{DB: db, Addr: "localhost", Start: mainStart}).Open(context.Background())
	msg := engine.ErrorMessageOrText(err)
	if err == nil || !strings.Contains(msg, "HOST:PORT") || strings.Contains(msg, "another sandbank") {
		t.Fatalf("--addr localhost: %q; want what is wrong with the address", msg)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("a refused --addr left %s behind", db)
	}
}

// A backup into a directory that does not exist says so, not a temporary file's name.
func TestBackupIntoAMissingDirectory(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	if err := os.WriteFile(db, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no", "such")
	_, err := Backup(context.Background(), db, filepath.Join(missing, "copy.db"), false)
	msg := engine.ErrorMessageOrText(err)
	if err == nil || !strings.Contains(msg, missing+" does not exist") || strings.Contains(msg, ".sandbank-backup-") {
		t.Fatalf("backup into a missing directory: %q; want it to say the directory does not exist", msg)
	}
}

// The banner of a sandbank whose clock is paused says so and how to resume.
func TestBannerSaysTheClockIsPaused(t *testing.T) {
	m := openMain(t, filepath.Join(t.TempDir(), "sandbank.db"), nil)
	defer m.Close()
	var running bytes.Buffer
	m.PrintBanner(&running)
	if strings.Contains(running.String(), "PAUSED") {
		t.Fatalf("the banner of a running clock says it is paused:\n%s", running.String())
	}
	// openMain passes --secret-key: the banner says the key is kept.
	if !strings.Contains(running.String(), "kept in the database: later runs use it too") {
		t.Fatalf("the banner of a sandbank given --secret-key does not say the key is kept:\n%s", running.String())
	}
	m.Clock.SetPaused(true)
	var b bytes.Buffer
	m.PrintBanner(&b)
	for _, want := range []string{"PAUSED at 20 Aug 2021", "WAT", "Retry-After", `{"paused":false}`, m.Addr() + "/sandbox/clock"} {
		if !strings.Contains(b.String(), want) {
			t.Fatalf("the banner of a paused clock does not say %q:\n%s", want, b.String())
		}
	}
}

// A secret key too short says how long the given one is and what to do, and
// leaves no database behind.
func TestShortSecretKeySaysWhatToDo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	err := NewMain(Options{DB: db, Addr: "127.0.0.1:0", SecretKey: "short", Start: mainStart}).Open(context.Background())
	msg := engine.ErrorMessageOrText(err)
	if err == nil || !strings.Contains(msg, "has 5") || !strings.Contains(msg, "pass a longer one") {
		t.Fatalf("--secret-key short: %q; want its length and what to do", msg)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("a refused --secret-key left %s behind", db)
	}
}

func firstFixture(t *testing.T) string {
	t.Helper()
	fs, _ := filepath.Glob("fixtures/*.yaml")
	if len(fs) == 0 {
		t.Fatal("no fixtures")
	}
	return filepath.Base(fs[0])
}

// openPlayed opens sandbank on a scenario to play, as scenario play does.
func openPlayed(t *testing.T, name string, src []byte) (*Main, *scenario.Scenario) {
	t.Helper()
	s, err := scenario.Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(Options{DB: filepath.Join(t.TempDir(), "world.db"), Addr: "127.0.0.1:0", Scenario: s, Play: true, Start: mainStart})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m, s
}

// A played scenario leaves a line on the terminal when the screen goes: how far it
// went, or the step that failed. Quitting left nothing behind.
func TestPlaySummary(t *testing.T) {
	src, err := os.ReadFile("fixtures/password-change.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, s := openPlayed(t, "password-change.yaml", src)
	total := len(s.Steps)
	if line, failed := playSummary("password-change.yaml", m.Played); failed || line != fmt.Sprintf("password-change.yaml: 0 of %d steps played and passed (quit before the end)", total) {
		t.Fatalf("before any step: %q, failed %v", line, failed)
	}
	m.Played.Next(context.Background())
	if line, _ := playSummary("password-change.yaml", m.Played); line != fmt.Sprintf("password-change.yaml: 1 of %d steps played and passed (quit before the end)", total) {
		t.Fatalf("after a step: %q", line)
	}
	m.Played.ToEnd(context.Background())
	if line, failed := playSummary("password-change.yaml", m.Played); failed || line != fmt.Sprintf("password-change.yaml: all %d steps passed", total) {
		t.Fatalf("at the end: %q, failed %v", line, failed)
	}

	// A step that failed stops the play, and the line names it.
	wrong := bytes.Replace(src, []byte("expect: {account.balance: 1000000}"), []byte("expect: {account.balance: 1}"), 1)
	m2, _ := openPlayed(t, "password-change.yaml", wrong)
	m2.Played.ToEnd(context.Background())
	line, failed := playSummary("password-change.yaml", m2.Played)
	if !failed || !strings.Contains(line, fmt.Sprintf(" of %d steps played; step ", total)) || !strings.Contains(line, "(call: GET /accounts/{adam}) failed: password-change.yaml:30:") {
		t.Fatalf("a failed play: %q, failed %v", line, failed)
	}
}

// A played file with serve: ends where run ends, and its line says the rest waits
// for an app rather than "quit before the end".
func TestPlaySummaryAtServe(t *testing.T) {
	src := []byte("scenario: s\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: over to the app\n  - expect_call: GET /accounts/{adam}\n")
	m, _ := openPlayed(t, "s.yaml", src)
	m.Played.ToEnd(context.Background())
	want := "s.yaml: the step before serve: passed; the 2 from serve: on wait for an app: run them with sandbank serve --scenario"
	if line, failed := playSummary("s.yaml", m.Played); failed || line != want {
		t.Fatalf("got %q, failed %v; want %q", line, failed, want)
	}
}

// A played file's line says, under it, that a webhook: step matched one made
// before a clock move, as scenario run does (a review: only run said so).
func TestPlaySummarySaysAnEarlierWebhook(t *testing.T) {
	src := []byte("scenario: jump\nstart: 2024-01-25T09:00:00+01:00\nsettings: {data_sync: enabled, webhooks: capture, auto_sync: 24h}\n" +
		"customers:\n  kemi: {institution: \"011\"}\nsteps:\n  - connect: kemi\n  - advance: 6h\n  - webhook: account_updated\n    account: kemi\n")
	m, _ := openPlayed(t, "jump.yaml", src)
	m.Played.ToEnd(context.Background())
	want := "jump.yaml: all 3 steps passed\n  ⚠ jump.yaml:9:5 step 3 (webhook: account_updated) matched account_updated — made at 2024-01-25T08:00:00Z, before step 2 (advance: 6h) moved the clock"
	if line, failed := playSummary("jump.yaml", m.Played); failed || !strings.HasPrefix(line, want) {
		t.Fatalf("got %q, failed %v; want it to begin %q", line, failed, want)
	}
}

// A command the banner prints runs as shown: a key with an apostrophe broke the
// quoting of its curl line (a new user's trial).
func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"mono-sec-key: test_sk_abc":  `'mono-sec-key: test_sk_abc'`,
		"mono-sec-key: Ola's_secret": `'mono-sec-key: Ola'\''s_secret'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
		if sh, err := exec.LookPath("sh"); err == nil {
			out, err := exec.Command(sh, "-c", "printf %s "+shellQuote(in)).Output()
			if err != nil || string(out) != in {
				t.Errorf("sh read %s as %q (%v), want %q", shellQuote(in), out, err, in)
			}
		}
	}
}

// The banner of a sandbank listening beyond this machine warns of it, naming the
// address as given: 0.0.0.0 read "[::]" (Go's dual-stack listener), which is not
// what the user typed (an operator's trial).
func TestBannerWarnsOfAnExposedAddressAsGiven(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"0.0.0.0:0", "it listens on 0.0.0.0:"},
		{":0", "it listens on every interface, port "},
	} {
		m := NewMain(Options{DB: filepath.Join(t.TempDir(), "sandbank.db"), Addr: tc.addr, Seed: 7, SecretKey: mainSecretKey, NoDemo: true, Start: mainStart})
		if err := m.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		m.PrintBanner(&b)
		m.Close()
		if !strings.Contains(b.String(), tc.want) || !strings.Contains(b.String(), "other machines can reach it") {
			t.Errorf("--addr %s: the banner does not say %q:\n%s", tc.addr, tc.want, b.String())
		}
	}
}

// A database whose folder cannot be made, or whose file is not the user's to
// open, says so in words and names --db — it said "creating the database's
// directory: mkdir /nonexistent: permission denied" (an operator's trial, with
// HOME=/nonexistent).
func TestDatabaseFolderOrFileNotWritableSaysWhatToDo(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(file, "sandbank", "sandbank.db") // its folder would be inside a file
	err := NewMain(Options{DB: db, Addr: "127.0.0.1:0", Seed: 7, SecretKey: mainSecretKey, NoDemo: true, Start: mainStart}).Open(context.Background())
	want := "cannot make the database's folder " + filepath.Dir(db) + " (not a directory): pass --db with a file in a folder you can write"
	if msg := engine.ErrorMessageOrText(err); msg != want {
		t.Fatalf("Open = %q; want %q", msg, want)
	}
}

// A relative $XDG_DATA_HOME is ignored, as the XDG spec says: it put the
// database wherever the command happened to start.
func TestRelativeXDGDataHomeIsIgnored(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "relative")
	if got := defaultDBPath(); strings.HasPrefix(got, "relative") || !filepath.IsAbs(got) && got != "sandbank.db" {
		t.Fatalf("default database with XDG_DATA_HOME=relative: %s", got)
	}
	abs := t.TempDir()
	t.Setenv("XDG_DATA_HOME", abs)
	if got := defaultDBPath(); got != filepath.Join(abs, "sandbank", "sandbank.db") {
		t.Fatalf("default database with XDG_DATA_HOME=%s: %s", abs, got)
	}
}

// The banner says a database is new on the run that made it — a mistyped --db
// starts a new world there rather than failing, and said nothing (a newcomer's
// trial) — and not on the runs after.
func TestBannerSaysTheDatabaseIsNew(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "sandbank.db")
	m := openMain(t, db, nil)
	var first bytes.Buffer
	m.PrintBanner(&first)
	m.Close()
	if !strings.Contains(first.String(), "  database     "+db+"   (new: made by this first run)\n") {
		t.Fatalf("the first run's banner:\n%s", first.String())
	}
	m = openMain(t, db, nil)
	defer m.Close()
	var again bytes.Buffer
	m.PrintBanner(&again)
	if !strings.Contains(again.String(), "  database     "+db+"\n") {
		t.Fatalf("a later run's banner:\n%s", again.String())
	}
	// And which generators made its world (an upgrading user's trial).
	if want := fmt.Sprintf("  bank         seed %d, data version %d\n", m.Bank.Config().Seed, simulator.DataVersion); !strings.Contains(again.String(), want) {
		t.Fatalf("the banner does not say %q:\n%s", want, again.String())
	}
}

// --db "" (an unset variable in a script) says what is wrong and what to do, for
// every command that takes it: serve answered "world: DB and Sender are required",
// and backup "no database at ;" (an operator's trial).
func TestEmptyDBSaysWhatToDo(t *testing.T) {
	for _, args := range [][]string{{"serve", "--db", "", "--addr", "127.0.0.1:0"}, {"tui", "--db", ""}, {"backup", "--db", "", filepath.Join(t.TempDir(), "copy.db")}} {
		out, code := sandbank(t, args...)
		if code != 2 || !strings.Contains(out, "--db is empty: give the database file's path, or leave --db out for the default") {
			t.Errorf("%v: exit %d; want 2, saying --db is empty and what to do\n%s", args, code, out)
		}
	}
}

// --addr "" and an --addr with no port (an unset variable in a script, "127.0.0.1:$PORT")
// are refused: they listened on 7070, the shared default, and on a random port
// the script did not know (a QA engineer's trial).
func TestEmptyAddrSaysWhatToDo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	for _, tc := range []struct {
		addr, says string
	}{
		{"", "--addr is empty: give HOST:PORT, e.g. 127.0.0.1:7070 or 127.0.0.1:0 for any free port, or leave --addr out for the default, 127.0.0.1:7070"},
		{"127.0.0.1:", "--addr 127.0.0.1: has no port (an unset variable?): give one, e.g. 127.0.0.1:7070, or 0 for any free port"},
	} {
		out, code := sandbank(t, "serve", "--db", db, "--addr", tc.addr)
		if code != 2 || !strings.Contains(out, tc.says) {
			t.Errorf("--addr %q: exit %d; want 2, saying %q\n%s", tc.addr, code, tc.says, out)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused --addr made the database")
	}
	// scenario play takes --addr too (the review: it went on to a random port).
	out, code := sandbank(t, "scenario", "play", "fixtures/mr-adam.yaml", "--addr", "127.0.0.1:")
	if code != 2 || !strings.Contains(out, "--addr 127.0.0.1: has no port") {
		t.Errorf("scenario play --addr 127.0.0.1:: exit %d\n%s", code, out)
	}
}

// --transcript given a file says it takes a directory, and --junit a report's
// file: it said "mkdir ci/report.xml: not a directory" (an operator's trial).
func TestTranscriptGivenAFileSaysItTakesADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := sandbank(t, "scenario", "run", "--transcript", file, "fixtures/mr-adam.yaml")
	if code != 2 || !strings.Contains(out, "--transcript "+file+" is a file: it takes a directory") || !strings.Contains(out, "--junit takes a report's file") {
		t.Fatalf("exit %d; want 2, saying --transcript takes a directory\n%s", code, out)
	}
}
