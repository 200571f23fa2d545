// Command sandbank is a local-first, offline Data Sync sandbox for open-banking
// integrations: a simulated bank, a Data Sync engine, an HTTP API shaped like Mono's
// v1, and a terminal UI, in one process. main.go only wires the parts together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"sandbank/api"
	"sandbank/engine"
	"sandbank/scenario"
	"sandbank/simulator"
	"sandbank/store"
	"sandbank/tui"
	"sandbank/world"
)

// version says what was built: the module's version (go install …@v1.2.3), or the
// commit of a build from a clone — its date, and whether it had changes not
// committed — and the Go that built it.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "sandbank (no build information), built with " + runtime.Version()
	}
	v := info.Main.Version
	var rev, at, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " with changes not committed"
			}
		}
	}
	if rev != "" && (v == "" || v == "(devel)") {
		v = "commit " + rev[:min(12, len(rev))]
		if at != "" {
			v += " of " + at
		}
		v += modified
	}
	if v == "" {
		v = "(devel)"
	}
	return "sandbank " + v + ", built with " + runtime.Version()
}

// DefaultAddr is where the HTTP API listens unless --addr says otherwise.
const DefaultAddr = "127.0.0.1:7070"

// DefaultSeed makes the first run's demo world.
const DefaultSeed = world.DefaultSeed

// dbFlag is the database of the commands that open the user's world; a scenario
// builds a throw-away world of its own and has none.
type dbFlag struct {
	DB string `help:"Database file (created on first run)." default:"${db}" type:"path"`
}

// serverFlags are the flags of the commands that run sandbank.
type serverFlags struct {
	dbFlag
	Addr      string `help:"Address of the HTTP API (127.0.0.1:0 picks a free port). Keep it on 127.0.0.1 unless you mean to expose it." default:"${addr}"`
	Seed      int64  `help:"Seed of a new database's simulated world (default ${seed}); a database keeps its own, and one given for it must match."`
	SecretKey string `help:"Secret key (the mono-sec-key header), at least 16 characters; generated on first run if unset." env:"SANDBANK_SECRET_KEY"`
	publicURLFlag
	logFlags
}

// publicURLFlag is the base URL sandbank is reached at behind a tunnel: the
// links the API gives named the connection's address, 127.0.0.1, which a phone
// opening mono_url or a client following meta.next cannot reach (a v2
// developer's trial). The one who runs sandbank says it: a request's Host or
// X-Forwarded-Host, which any client sets, never does.
type publicURLFlag struct {
	PublicURL string `name:"public-url" help:"The base URL your app and your users reach sandbank at, behind a tunnel (https://abc.ngrok.app): the links the API gives (mono_url, paging, statements) name it instead of the local address." env:"SANDBANK_PUBLIC_URL" placeholder:"URL"`
}

// publicURL is --public-url as the links name it: http or https and a host, no
// default port, no trailing slash; "" if none is given. No path: the widget's
// pages, the demo and their redirects link from the root (/connect/…, /static/…),
// which a prefix the tunnel strips would break; nor a query, a fragment or a
// password, which every link would carry.
func (f publicURLFlag) publicURL() (string, error) {
	raw := f.PublicURL
	if raw == "" {
		return "", nil
	}
	given := "--public-url " + strconv.Quote(raw)
	if !flagGiven(os.Args[1:], "public-url") {
		given += " (from $SANDBANK_PUBLIC_URL)"
	}
	const eg = "https://abc.ngrok.app"
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || !strings.Contains(raw, "://") {
		return "", fmt.Errorf("%s is not a URL: give the base URL your app and users reach sandbank at, with its scheme, e.g. %s", given, eg)
	}
	base := u.Scheme + "://" + u.Host
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%s is %s: the links are for HTTP clients and browsers; give an http or https URL, e.g. %s", given, u.Scheme, eg)
	case u.Hostname() == "":
		return "", fmt.Errorf("%s has no host: give the tunnel's, e.g. %s", given, eg)
	case u.User != nil:
		return "", fmt.Errorf("--public-url has a user name or password, which every link would show: give the base URL without them, e.g. %s", u.Scheme+"://"+u.Host)
	case u.RawQuery != "" || u.ForceQuery:
		return "", fmt.Errorf("%s has a query (?%s): give the base URL alone, %s", given, u.RawQuery, base)
	case u.Fragment != "":
		return "", fmt.Errorf("%s has a fragment (#%s): give the base URL alone, %s", given, u.Fragment, base)
	case strings.TrimRight(u.EscapedPath(), "/") != "":
		return "", fmt.Errorf("%s has a path (%s): sandbank's pages link from the root of its address, so have the tunnel forward its root to sandbank and give its base URL alone, %s", given, u.EscapedPath(), base)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	// What a browser would not send back as the Host of that URL, which the host
	// guard then refused to a phone, or a link it cannot follow (the review).
	if n, err := strconv.Atoi(port); port != "" && (err != nil || n < 1 || n > 65535) {
		return "", fmt.Errorf("%s has port %s: give a port from 1 to 65535, or none for the scheme's own", given, port)
	}
	if strings.Contains(host, "%") {
		return "", fmt.Errorf("%s names an IPv6 zone (%%%s), which only this machine knows: give the address or name others reach it at", given, host[strings.Index(host, "%")+1:])
	}
	for _, r := range host {
		if r > 0x7e {
			return "", fmt.Errorf("%s has a host with letters beyond ASCII: give its ASCII form (xn--…, as the tunnel shows it), which browsers send", given)
		}
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		// an address to listen on, which no browser opens (a mobile developer's trial)
		return "", fmt.Errorf("%s names %s, an address to listen on, which no browser or phone can open: give the tunnel's URL, or this machine's address on the network (listening with --addr 0.0.0.0:PORT)", given, u.Hostname())
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if port != "" && !(u.Scheme == "http" && port == "80" || u.Scheme == "https" && port == "443") {
		host += ":" + port // a default one left out, as a browser's Origin leaves it
	}
	return u.Scheme + "://" + host, nil
}

// loopbackURL reports whether a public URL names this machine alone (localhost, a
// loopback address): a local proxy's, say, which nothing beyond the machine
// reaches, so nothing is exposed — the banner warned "anyone who reaches that
// reads and drives every account" of http://127.0.0.1:8080 (a mobile
// developer's trial).
func loopbackURL(public string) bool {
	u, err := url.Parse(public)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// guardedName reports whether a public URL names a host the API's host guard
// checks — a name, not an IP address nor one of this machine's (hostAllowed lets
// those through as they are).
func guardedName(public string) bool {
	u, err := url.Parse(public)
	return err == nil && public != "" && !loopbackURL(public) && net.ParseIP(u.Hostname()) == nil
}

// logFlags say how much sandbank logs, and in which form: a CI job that serves a
// year's world had a line for every request and every webhook attempt (about
// 7,000 for a year of 63 accounts), with nothing to keep only what went wrong,
// and no form a log collector reads without a pattern (an operator's trial).
type logFlags struct {
	LogLevel  string `name:"log-level" help:"What the log keeps: info (each request and webhook attempt, and what went wrong), warn (only what went wrong, a webhook attempt that failed among it) or error (only failures)." enum:"info,warn,error" default:"info"`
	LogFormat string `name:"log-format" help:"How the log writes a line: text (time=… level=… msg=…) or json (one object a line)." enum:"text,json" default:"text"`
}

// logger is a logger to w as the flags say.
func (f logFlags) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	switch f.LogLevel {
	case "warn":
		opts.Level = slog.LevelWarn
	case "error":
		opts.Level = slog.LevelError
	}
	if f.LogFormat == "json" {
		// A duration as the text form writes it ("2.141ms"), not slog's bare
		// nanoseconds, which a reader took for milliseconds (a QA trial).
		opts.ReplaceAttr = func(_ []string, a slog.Attr) slog.Attr {
			if a.Value.Kind() == slog.KindDuration {
				a.Value = slog.StringValue(a.Value.Duration().String())
			}
			return a
		}
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Validate refuses --seed 0, which reads as no seed given (the database's own):
// given, it opened any database (kong calls it before the command runs).
func (f serverFlags) Validate() error {
	if err := emptyDB(f.DB); err != nil {
		return err
	}
	if err := emptyAddr(f.Addr); err != nil {
		return err
	}
	if _, err := f.publicURL(); err != nil {
		return err
	}
	if (f.Seed < 1 || f.Seed > world.MaxSeed) && flagGiven(os.Args[1:], "seed") {
		// -1 and 2^63-1 made worlds no scenario file could write (a bad-input trial).
		return fmt.Errorf("--seed %d is not a seed: give a whole number from 1 to %d, as a scenario file's seed, or leave --seed out for the database's own (%d for a new one)", f.Seed, world.MaxSeed, DefaultSeed)
	}
	return nil
}

func (f serverFlags) options(db string, log *slog.Logger) Options {
	public, _ := f.publicURL() // checked by Validate
	return Options{DB: db, Addr: f.Addr, Seed: f.Seed, SecretKey: f.SecretKey, PublicURL: public, Log: log}
}

type cli struct {
	Version  kong.VersionFlag `help:"Print sandbank's version (the commit it was built from) and exit."`
	TUI      tuiCmd           `cmd:"" name:"tui" default:"withargs" help:"Open the terminal UI, with the HTTP API in the same process (the default)."`
	Serve    serveCmd         `cmd:"" help:"Run the HTTP API without the terminal UI."`
	Backup   backupCmd        `cmd:"" help:"Write a consistent copy of the database, also while sandbank runs."`
	Scenario scenarioCmd      `cmd:"" help:"Run scenario files (fixtures/*.yaml): an edge case written down, replayed byte for byte."`
}

// newParser is sandbank's command line over c.
func newParser(c *cli) *kong.Kong {
	if v, ok := os.LookupEnv("SANDBANK_THEME"); ok && strings.TrimSpace(v) == "" {
		// Set but empty (SANDBANK_THEME=${THEME:-} in a script): no choice made, so
		// auto; kong refused it as not one of auto, light, dark (the review).
		os.Unsetenv("SANDBANK_THEME")
	}
	return kong.Must(c,
		kong.Name("sandbank"),
		kong.Description("A local Data Sync sandbox for open-banking integrations: a simulated Nigerian bank, Mono's Data Sync rules, an HTTP API and a terminal UI."),
		kong.Exit(func(code int) { // a usage error exits 2, as command lines do (kong says 80)
			if code == 80 {
				code = 2
			}
			os.Exit(code)
		}),
		kong.Vars{"db": defaultDBPath(), "addr": DefaultAddr, "seed": fmt.Sprint(DefaultSeed), "version": version()},
	)
}

func main() {
	var c cli
	parser := newParser(&c)
	k, err := parser.Parse(os.Args[1:])
	if cmd, ok := unknownCommand(err); ok {
		// Without this, the stray word goes to the default command, the TUI, whose
		// usage then says nothing of the word or of the other commands.
		for _, c := range parser.Model.Children {
			if c.Name == cmd { // "sandbank tui serve": a command after the default one
				fmt.Fprintf(os.Stderr, "sandbank: %s is a command of its own, not one of tui's: sandbank %s\n", cmd, cmd)
				os.Exit(2)
			}
		}
		fmt.Fprintf(os.Stderr, "sandbank: unknown command %q; the commands are %s (sandbank --help says more)\n", cmd, commandList(parser))
		os.Exit(2)
	}
	if err != nil {
		// The mistake first and alone, with where the flags are listed: the whole
		// usage before it (kong's UsageOnError) buried it on the last line.
		help := "sandbank --help"
		var pe *kong.ParseError
		if errors.As(err, &pe) && pe.Context != nil {
			if cmd := pe.Context.Command(); cmd != "" {
				var words []string // "scenario run <file>": its words, not its arguments
				for _, w := range strings.Fields(cmd) {
					if !strings.HasPrefix(w, "<") {
						words = append(words, w)
					}
				}
				help = "sandbank " + strings.Join(words, " ") + " --help"
			}
		}
		fmt.Fprintf(os.Stderr, "sandbank: %s\n%s lists the flags and commands.\n", plainParseError(err, os.Args[1:]), help)
		os.Exit(2)
	}
	// SIGHUP too: a closed terminal ends sandbank as Ctrl+C does, cleaning up (a
	// played scenario's throw-away world) — unless it was ignored when sandbank
	// started: nohup's whole point, which Notify would undo (an operator's trial).
	stopSignals := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		stopSignals = append(stopSignals, syscall.SIGHUP)
	}
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	defer stop()
	// A write to a closed pipe (sandbank … | head -1) is an error the writer
	// ignores, not the end of the process: it killed a scenario run before its
	// JUnit report was written. Notify, not Ignore: an ignored SIGPIPE would be
	// inherited by what sandbank starts (the browser the TUI opens).
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	if strings.HasPrefix(k.Command(), "serve") {
		// The first signal shuts down in order, which may wait for a webhook
		// attempt under way (up to its 10 s); a second Ctrl+C stops at once, as
		// commands do — it was ignored (a QA engineer's trial). Not the TUI's:
		// killed, it would leave the terminal in its raw mode.
		// Only Ctrl+C (SIGINT): GNU timeout sends SIGTERM to the process and again
		// to its group, and a supervisor may repeat its SIGTERM; neither means
		// "now" (an operator's trial: exit 130 and no JUnit report, 7 runs in 30).
		// Counted on a channel of its own, not by restoring the default action: a
		// process started with SIGINT ignored (in the background of a script) keeps
		// ignoring it once Notify lets go.
		// A SIGINT within dupSignal of the first is the same one again: GNU timeout
		// -s INT sends it to the process and to its group (2 runs in 6 "stopped at
		// once", an operator's trial); no one presses Ctrl+C twice that fast.
		// The shutdown begins once it is said: with a second listener beside
		// NotifyContext's, a quick shutdown could exit before the line was
		// written (a test under load: exit 0, not a word).
		signals := make(chan os.Signal, 4)
		signal.Notify(signals, stopSignals...)
		stop()
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(context.Background())
		defer cancel(nil)
		go func() {
			firstSig := <-signals
			if firstSig == os.Interrupt {
				fmt.Fprintln(os.Stderr, shuttingDown)
			} else {
				// "(a SIGTERM; a Ctrl+C, SIGINT, stops at once)" read as if Ctrl+C
				// skipped the graceful stop (a newcomer's trial).
				name := "SIGTERM"
				if firstSig != syscall.SIGTERM {
					name = "SIGHUP"
				}
				fmt.Fprintln(os.Stderr, "sandbank: shutting down on "+name+"; a Ctrl+C now stops at once")
			}
			cancel(errors.New(firstSig.String() + " signal received")) // NotifyContext's words, which the stop's messages give
			first := time.Now()
			for sig := range signals {
				if sig == os.Interrupt && (firstSig != os.Interrupt || time.Since(first) >= dupSignal) {
					break // a copy of the first is a SIGINT as soon after it
				}
			}
			fmt.Fprintln(os.Stderr, "sandbank: stopped at once")
			if f := onStopAtOnce.Load(); f != nil {
				(*f)()
			}
			os.Exit(130) // as a shell reports a command Ctrl+C ended
		}()
	}
	k.BindTo(ctx, (*context.Context)(nil))
	if err := k.Run(); err != nil {
		if errors.Is(err, scenario.ErrFailed) {
			os.Exit(1) // a check failed: each failure is said already
		}
		if errors.Is(err, scenario.ErrNotRun) {
			os.Exit(2) // said already, with where and why
		}
		// It could not run (a file, the port, the database): 2, so that a CI script
		// tells a broken setup from a scenario that failed.
		fmt.Fprintln(os.Stderr, "sandbank:", engine.ErrorMessageOrText(err))
		os.Exit(2)
	}
}

// Parse errors in kong's words, and what they mean to someone at a prompt.
var (
	flagOfTUI    = regexp.MustCompile(`^flag (--[\w-]+) applies to the default command "tui", not "([\w-]+)"$`)
	missingArg   = regexp.MustCompile(`^expected "<(\w+)>( \.\.\.)?"$`)
	missingValue = regexp.MustCompile(`^(--[\w-]+): expected (\w+) value but got "EOL" \(<EOL>\)$`)
)

// plainParseError says a command line's mistake and its mend: kong's "expected
// "<file> ..."" is the parser's grammar, not an instruction.
func plainParseError(err error, args []string) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "--theme must be one of") && !flagGiven(args, "theme") {
		return msg + " (from $SANDBANK_THEME)" // not on the command line: from where, then
	}
	if m := flagOfTUI.FindStringSubmatch(msg); m != nil {
		if m[1] == "--theme" { // the TUI's and scenario play's alone: "sandbank serve --theme" has none (the review)
			if m[2] == "scenario" {
				return "flag --theme goes after the command: sandbank scenario play FILE --theme …"
			}
			return fmt.Sprintf("flag --theme chooses the terminal UI's colours (sandbank --theme …, or sandbank scenario play FILE --theme …): %s has none", m[2])
		}
		return fmt.Sprintf("flag %s goes after the command: sandbank %s %s …", m[1], m[2], m[1])
	}
	if m := missingArg.FindStringSubmatch(msg); m != nil {
		if m[2] != "" {
			return fmt.Sprintf("give at least one %s (<%s> ...)", m[1], m[1])
		}
		return fmt.Sprintf("give the %s (<%s>)", m[1], m[1])
	}
	if m := missingValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("flag %s needs a value (a %s): %s=VALUE", m[1], m[2], m[1])
	}
	if msg == "unknown flag --port" {
		return msg + "; the API's port is part of --addr (--addr 127.0.0.1:8080)"
	}
	return msg
}

// unknownCommand reports the word a parse error stumbled on when it reads as a
// command sandbank does not have: a stray word that went to the default command.
func unknownCommand(err error) (string, bool) {
	var pe *kong.ParseError
	if !errors.As(err, &pe) || pe.Context.Command() != "tui" {
		return "", false
	}
	word, ok := strings.CutPrefix(pe.Error(), "unexpected argument ")
	return word, ok && !strings.HasPrefix(word, "-")
}

// commandList names the commands: "tui (the default), serve, backup and scenario".
func commandList(parser *kong.Kong) string {
	var names []string
	for _, c := range parser.Model.Children {
		name := c.Name
		if c.Tag.Default != "" {
			name += " (the default)"
		}
		names = append(names, name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// defaultDBPath is the database in the user's data directory.
func defaultDBPath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if !filepath.IsAbs(dir) { // the XDG spec: a relative one is ignored
		dir = ""
	}
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "sandbank.db"
		}
		dir = filepath.Join(home, ".local", "share")
		if runtime.GOOS == "darwin" {
			dir = filepath.Join(home, "Library", "Application Support")
		}
	}
	return filepath.Join(dir, "sandbank", "sandbank.db")
}

type serveCmd struct {
	serverFlags
	Scenario string `help:"Serve a scenario file's world to your app: run its steps up to serve:, then fire the rest as the virtual clock reaches them while your app drives the API; a throw-away database (--db and --seed do not apply; --secret-key replaces the file's key)." placeholder:"FILE"`
	IDs      string `name:"ids" help:"With --scenario: write the scenario's names (customers, accounts, keys, saved values) with their IDs to FILE, as JSON, for your app's tests." placeholder:"FILE"`
	JUnit    string `name:"junit" help:"With --scenario: on exit, write each step's verdict to FILE as JUnit XML, for CI." placeholder:"FILE"`
	ExitDone bool   `name:"exit-when-done" help:"With --scenario: exit once every step has passed or failed (exit status 1 if one failed), instead of serving until Ctrl+C."`
}

func (c serveCmd) Run(ctx context.Context) error {
	log := c.logger(os.Stderr)
	if c.Scenario != "" {
		return serveScenario(ctx, c, log)
	}
	if c.IDs != "" || c.JUnit != "" || c.ExitDone {
		return engine.Invalid("scenario", "--ids, --junit and --exit-when-done go with --scenario FILE: they are about a served scenario's names and steps")
	}
	m := NewMain(c.options(c.DB, log))
	if err := m.Open(ctx); err != nil {
		return err
	}
	m.PrintBanner(os.Stdout)
	<-ctx.Done() // main says it is shutting down
	return m.Close()
}

// onStopAtOnce, when set, runs as a second Ctrl+C ends serve at once: a served
// scenario's --junit report says so.
var onStopAtOnce atomic.Pointer[func()]

// shuttingDown is what serve says at the first signal.
const shuttingDown = "sandbank: shutting down (a second Ctrl+C stops at once)"

// dupSignal is how soon after the first a SIGINT is the same signal delivered
// twice (to the process and its group), not a second Ctrl+C.
// $SANDBANK_SIGNAL_GAP sets it: a test's second Ctrl+C comes sooner than a hand's.
var dupSignal = func() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("SANDBANK_SIGNAL_GAP")); err == nil {
		return d
	}
	return 500 * time.Millisecond
}()

type tuiCmd struct {
	serverFlags
	themeFlag
	Log string `help:"Log file (the terminal belongs to the UI); default: next to the database." default:"" type:"path"`
}

// themeFlag chooses the terminal UI's palette: a light terminal that does not
// answer the background-colour query got the dark one, near-white text on
// white, with no way to change it before going on stage (a presenter's trial).
type themeFlag struct {
	Theme string `help:"Colours of the terminal UI: auto (the terminal's background says; dark if it does not answer), light or dark." enum:"auto,light,dark" default:"auto" env:"SANDBANK_THEME"`
}

// defaultLogPath is the TUI's log beside its database: sandbank.db → sandbank.log,
// and never the database itself (--db world.log wrote the log into the file).
func defaultLogPath(db string) string {
	p := strings.TrimSuffix(db, filepath.Ext(db)) + ".log"
	if p == db {
		p = db + ".log"
	}
	return p
}

func (t tuiCmd) Run(ctx context.Context) error {
	if err := tui.CheckTerminal(); err != nil {
		return err // before the log and the database: a first run leaves nothing behind
	}
	logPath := t.Log
	if logPath == "" {
		logPath = defaultLogPath(t.DB)
	}
	if filepath.Clean(logPath) == filepath.Clean(t.DB) {
		return engine.Invalid("log", "--log %s is the database itself: give the log another file", logPath)
	}
	_ = os.MkdirAll(filepath.Dir(logPath), 0o700) // beside the database: its folder is the user's alone
	if err := outputPath("log", "log", "sandbank.log", logPath); err != nil {
		return err
	}
	// Made by this run, to the byte: another sandbank starting at once may have
	// the same log.
	var made os.FileInfo
	if f, err := os.OpenFile(logPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err == nil {
		made, _ = f.Stat()
		f.Close()
	}
	lf, err := openLogFile(logPath, maxLogBytes)
	if err != nil {
		return err
	}
	defer lf.Close()
	m := NewMain(t.options(t.DB, t.logger(lf)))
	if err := m.Open(ctx); err != nil {
		// A run that did not start leaves nothing behind, its log neither — if
		// it is still the empty file this run made.
		if fi, serr := os.Lstat(logPath); made != nil && serr == nil && os.SameFile(made, fi) && fi.Size() == 0 {
			lf.Close()
			os.Remove(logPath)
		}
		return err
	}
	var own bool
	runErr := tui.Run(ctx, tui.Config{Engine: m.Engine, Bank: m.Bank, Clock: m.Clock, Addr: m.Addr(),
		Exposed: m.exposure(), PublicURL: m.opts.PublicURL, PublicLocal: loopbackURL(m.opts.PublicURL), CutJump: m.World.CutJump, FirstRun: m.FirstRun, DBPath: t.DB, LogPath: logPath, Theme: t.Theme, OwnJump: &own})
	haltJump(m, os.Stderr, own)
	clock := m.Clock.State()
	if err := errors.Join(runErr, m.Close()); err != nil {
		return err
	}
	// q quits at once: said where the world is, so that a q pressed by mistake
	// on stage reads as a pause, not a loss (a presenter's trial) — with the
	// command that opens it, its --db if not the default's, and how its clock
	// goes on (a review).
	again := reopenCommand(t.DB, t.Addr)
	goesOn := "it goes on from there"
	if clock.Speed == 1 && !clock.Paused {
		goesOn = "its clock, at 1×, runs on while sandbank is off, as a real one would"
	}
	fmt.Printf("sandbank: the world is kept in %s, its clock at %s: %s opens it again, and %s\n", t.DB, engine.TimeText(clock.Now), again, goesOn)
	return nil
}

// reopenCommand is the command that opens the world at db again as it was run: its
// --db and --addr if not the defaults. Without --addr, copied, it started on
// 7070, where the app under test did not look (a TUI trial).
func reopenCommand(db, addr string) string {
	again := "sandbank"
	if db != defaultDBPath() {
		again += " --db " + shellQuote(db)
	}
	if addr != DefaultAddr {
		again += " --addr " + shellQuote(addr)
	}
	return again
}

// haltJump cuts a clock jump under way short once the TUI has quit — one an app
// started over HTTP, which the stop would otherwise let run on for its grace (and
// its syncs against a slow bank for longer) with nothing on the screen — and says
// so: the jump stops where its work is, its syncs under way cancelled. own: the
// TUI started the jump, and the line is for the one who quit it — it spoke of a
// caller's 503, which meant nothing to them (a presenter's trial).
func haltJump(m *Main, w io.Writer, own bool) {
	to := m.Clock.State().JumpingTo
	m.Clock.Halt()
	if from, moving := m.Clock.Moving(); moving {
		// Where: a halted jump fires no timer past the one under way, whose time
		// the clock is at. The line said only "where it has got to", and the
		// next start said nothing (a trial of the clock).
		at, where := m.Clock.Now(), ""
		if !to.IsZero() {
			where = fmt.Sprintf(", %s, %s into the jump to %s; advance the clock again once sandbank is back to go on",
				engine.TimeText(at), engine.DurationText(at.Sub(from)), engine.TimeText(to))
		}
		if own {
			fmt.Fprintf(w, "sandbank: stopping the clock jump you started where it has got to%s\n", where)
		} else {
			fmt.Fprintf(w, "sandbank: stopping the clock jump under way where it has got to%s (its caller gets 503 SHUTTING_DOWN)\n", where)
		}
		_ = m.Engine.Close()
	}
}

// emptyDB refuses --db "" (an unset variable in a script): it answered "world: DB
// and Sender are required", and backup "no database at ;" (an operator's trial).
func emptyDB(path string) error {
	if path == "" {
		return fmt.Errorf("--db is empty: give the database file's path, or leave --db out for the default, %s", defaultDBPath())
	}
	return nil
}

// emptyAddr refuses --addr "" and an address with no port, which is what an
// unset variable in a script gives (--addr "127.0.0.1:$PORT"): the one listened
// on 7070, the shared default, the other on a random port the script did not
// know (a QA engineer's trial).
func emptyAddr(addr string) error {
	if addr == "" {
		return fmt.Errorf("--addr is empty: give HOST:PORT, e.g. 127.0.0.1:7070 or 127.0.0.1:0 for any free port, or leave --addr out for the default, %s", DefaultAddr)
	}
	if host, port, err := net.SplitHostPort(addr); err == nil && port == "" {
		return fmt.Errorf("--addr %s has no port (an unset variable?): give one, e.g. %s, or 0 for any free port", addr, net.JoinHostPort(host, "7070"))
	}
	return nil
}

// Validate refuses --db "".
func (b backupCmd) Validate() error { return emptyDB(b.DB) }

type backupCmd struct {
	DB    string `help:"Database file to copy." default:"${db}" type:"path"`
	File  string `arg:"" help:"Where to write the copy." type:"path"`
	Force bool   `help:"Replace FILE if it exists."`
}

func (b backupCmd) Run(ctx context.Context) error {
	n, err := Backup(ctx, b.DB, b.File, b.Force)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes), a consistent copy of %s\n", b.File, n, b.DB)
	return nil
}

// Options configure a Main.
type Options struct {
	DB        string
	Addr      string
	Seed      int64
	SecretKey string
	// PublicURL, if set, is the base URL the API's links name (api.Config.PublicURL):
	// checked and trimmed (publicURLFlag).
	PublicURL string
	Log       *slog.Logger
	// Start is the first run's world start; zero means now, to the minute.
	Start time.Time
	// Demo connects the demo accounts on first run (default true through NewMain).
	NoDemo bool
	// Scenario, if set, is served: its world in DB (new), its steps up to serve: run
	// and the port answering only from StartServing on (sandbank serve --scenario) — or, with Play, only its
	// world is set up, for the TUI to play it step by step (sandbank scenario play).
	Scenario *scenario.Scenario
	Play     bool
	// Listener, if set, is the API's port, already taken (Addr is then its
	// address): a test that must know the address before Open takes it without a
	// moment when the port is free for another program to be handed.
	Listener net.Listener
}

// Main is sandbank wired together; end-to-end tests build one too.
type Main struct {
	opts     Options
	World    *world.World
	DB       *store.DB
	Clock    *simulator.Clock
	Bank     *simulator.Bank
	Engine   *engine.Engine
	Server   *api.Server
	Serving  *scenario.Serving // with Options.Scenario
	Played   *scenario.Run     // with Options.Scenario and Play
	FirstRun bool

	handler  http.Handler // the API, observed by a served scenario
	http     *http.Server
	listener net.Listener
	ctl      *controlSocket
	served   chan error
}

// NewMain returns an unopened Main.
func NewMain(opts Options) *Main {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Listener != nil {
		opts.Addr = opts.Listener.Addr().String()
	}
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	return &Main{opts: opts}
}

// Open takes the API's port, opens the world in the database (making a new one on
// first run), builds the HTTP API, and on first run the demo world — all before the
// port answers, so a script that calls at once never races the demo for its IDs.
//
// A first run that fails leaves no database behind, so the next start is a first run
// again rather than a world without its demo; the port is taken before anything is
// written, the commonest reason to fail. One killed (kill -9, out of memory) leaves
// its file unfinished until the demo is complete, and the next start builds it
// anew (world.Open).
func (m *Main) Open(ctx context.Context) (err error) {
	fi, statErr := os.Stat(m.opts.DB)
	// Made by this run: no file, or an empty one (a first run fills it).
	created := os.IsNotExist(statErr) || statErr == nil && fi.Mode().IsRegular() && fi.Size() == 0
	defer func() {
		if err != nil && m.DB != nil && engine.ErrorCode(err) != engine.ENOSPACE {
			if full := m.DB.DiskFull(); full != nil {
				// The cause, where the failure showed elsewhere: a first run on a full
				// disk blamed the demo's webhook step, whose sync was not saved.
				err = fmt.Errorf("%s — so: %v", engine.ErrorMessage(full), err)
			}
		}
		if err != nil {
			_ = m.Close()
			if created {
				_ = os.Remove(m.opts.DB)
			}
		}
		if err != nil && scenario.Signalled(ctx) && !strings.HasPrefix(err.Error(), "stopped (") && !strings.Contains(err.Error(), ": stopped (") {
			// Cut short while the world opened: "context canceled" said nothing.
			kept := "the database is as it was"
			if created {
				kept = "nothing of it is kept"
			}
			err = errors.New(scenario.Stopped(ctx) + " while the world was being opened: " + kept)
		}
	}()
	if err := m.listen(); err != nil {
		return err
	}
	sender := api.NewWebhookSender()
	// A first run's world is complete once its demo is (Finish, below).
	wo := world.Options{DB: m.opts.DB, Seed: m.opts.Seed, Start: m.opts.Start, Keys: world.Keys{Secret: m.opts.SecretKey},
		Unfinished: !m.opts.NoDemo}
	if s := m.opts.Scenario; s != nil {
		wo = s.WorldOptions(m.opts.DB)
		wo.Wall = nil // served to an app: the clock runs in real time once serve: starts it
	}
	wo.Sender, wo.Log = sender, m.opts.Log
	if m.World, err = world.Open(ctx, wo); err != nil {
		return err
	}
	w := m.World
	m.DB, m.Clock, m.Bank, m.Engine, m.FirstRun = w.DB, w.Clock, w.Bank, w.Engine, w.New
	// A file that held no world — one a first run killed before its world was
	// complete, made anew — is this run's to remove if it fails too.
	created = created || w.New
	m.Server = api.New(api.Config{Engine: m.Engine, Bank: m.Bank, Logger: m.opts.Log, SavedClock: m.DB.SavedClock,
		PublicURL: m.opts.PublicURL})
	m.Server.PublishedKey(scenario.DefaultKeys.Secret) // in the README: it lets no tunnel's Host through
	receiver := m.ReceiverURL()
	m.Server.DeliverLocally(sender, receiver)
	m.handler = m.Server
	switch {
	case m.opts.Scenario != nil && m.opts.Play:
		if m.Played, err = scenario.Open(ctx, m.opts.Scenario, w, m.Server, receiver, nil); err != nil {
			return err
		}
	case m.opts.Scenario != nil:
		if m.Serving, err = scenario.Serve(ctx, m.opts.Scenario, w, m.Server, receiver); err != nil {
			return err
		}
		m.Server.SetScenario(func() any { return m.Serving.StatusAt(m.LinksBase()) })
		m.handler = m.Serving.Observe(m.Server)
		return nil // the port answers once StartServing has started the steps after serve:
	case m.FirstRun && !m.opts.NoDemo:
		if err := scenario.Demo(api.Quiet(ctx), w, m.Server, receiver); err != nil {
			if ctx.Err() != nil { // cut short: the step it was at did not fail
				return errors.New(scenario.Stopped(ctx) + " while the first run built the demo world: nothing is kept, and the next start builds it again")
			}
			return fmt.Errorf("building the demo world: %w", err)
		}
		if err := w.Finish(ctx); err != nil {
			return fmt.Errorf("marking the demo world complete: %w", err)
		}
		m.opts.Log.Info("first run: the demo world is built from fixtures/demo.yaml, through the API (its requests are not logged one by one)")
	case !m.FirstRun:
		if err := m.followReceiver(ctx, receiver); err != nil {
			return err
		}
	}
	m.serve()
	return nil
}

// followReceiver points a webhook URL that named this database's built-in receiver
// at an earlier address — a run on another port (--addr 127.0.0.1:0 picks a new one
// each time) — at the receiver's address now, when nothing listens at the old one:
// every webhook would fail there, and retry for ever. A URL at which something
// listens (another sandbank, say) stays.
func (m *Main) followReceiver(ctx context.Context, receiver string) error {
	old := m.Engine.Settings().WebhookURL
	if old == receiver || !isReceiverURL(old) {
		return nil
	}
	u, _ := url.Parse(old)
	if conn, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		conn.Close()
		return nil
	}
	if _, err := m.Engine.UpdateSettings(ctx, engine.SettingsPatch{WebhookURL: &receiver}); err != nil {
		return fmt.Errorf("pointing the webhook URL at the built-in receiver's new address: %w", err)
	}
	m.opts.Log.Info("the webhook URL named the built-in receiver at an earlier address, where nothing listens; it names it here now",
		"was", old, "now", receiver)
	return nil
}

// isReceiverURL reports whether u is a sandbank's built-in webhook receiver on this
// machine: http, a loopback host, the receiver's path.
func isReceiverURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "http" || p.Path != "/sandbox/receiver" || p.RawQuery != "" || p.User != nil {
		return false
	}
	if p.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(p.Hostname())
	return ip != nil && ip.IsLoopback()
}

// StartServing fires a served scenario's steps after serve: (the clock runs, if
// serve: says so), then lets the port answer: an app's first request meets the
// served world, never the setup before it.
func (m *Main) StartServing(ctx context.Context) {
	m.Serving.Start(ctx)
	m.serve()
}

// LinksBase is the base of the links sandbank gives apps: the public URL, or the
// API's address.
func (m *Main) LinksBase() string {
	if m.opts.PublicURL != "" {
		return m.opts.PublicURL
	}
	return "http://" + m.Addr()
}

// ReceiverURL is the built-in webhook receiver's address; webhooks to it are
// delivered in process.
func (m *Main) ReceiverURL() string { return "http://" + m.Addr() + "/sandbox/receiver" }

// wsaEADDRINUSE is Windows' "address in use" (WSAEADDRINUSE), which its
// syscall.EADDRINUSE, an errno of Go's own there, does not match; elsewhere no
// error carries it.
const wsaEADDRINUSE = syscall.Errno(10048)

// listen takes the API's port.
func (m *Main) listen() error {
	if m.opts.Listener != nil {
		m.listener = m.opts.Listener
		return nil
	}
	addr := m.opts.Addr
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return engine.Invalid("addr", "--addr %q is not HOST:PORT (%v): pass e.g. 127.0.0.1:7070, or 127.0.0.1:0 for any free port", addr, err)
	}
	ln, err := net.Listen("tcp", addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, wsaEADDRINUSE):
		return engine.Errorf(engine.ECONFLICT, "cannot listen on %s: the port is in use — by another sandbank, or another program? Pass --addr with another port, or 127.0.0.1:0 for any free one", addr)
	case err != nil:
		return engine.Invalid("addr", "cannot listen on %s (%v): pass --addr with an address of this machine and a free port, e.g. 127.0.0.1:7070 or 127.0.0.1:0", addr, err)
	}
	m.listener = ln
	return nil
}

// serve starts the HTTP API on the taken port, and the control socket.
func (m *Main) serve() {
	m.Server.ListenOn(m.listener.Addr())
	m.http = api.NewHTTPServer(m.handler, m.opts.Log)
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(m.listener) }()
	var err error
	if m.ctl, err = startControlSocket(m.opts.DB, m.DB); err != nil {
		m.opts.Log.Warn("backup socket unavailable; `sandbank backup` works only while sandbank is stopped", "err", err)
	}
}

// ShutdownGrace is how long requests in flight get to finish at shutdown before
// their syncs are cancelled.
var ShutdownGrace = 10 * time.Second

// shutdownHTTP stops taking requests and lets those in flight finish; a request
// still running after ShutdownGrace (a sync against a slow bank) has its work
// cancelled, so that it answers 503 "shutting down" rather than being cut off.
func (m *Main) shutdownHTTP() {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	err := m.http.Shutdown(ctx)
	cancel()
	if err == nil {
		return
	}
	m.opts.Log.Warn("requests still running at shutdown: cancelling their work", "grace", ShutdownGrace)
	if m.Clock != nil {
		m.Clock.Halt() // a jump stops where its work is cancelled: 503, the clock there
	}
	if m.Engine != nil {
		_ = m.Engine.Close()
	}
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if m.http.Shutdown(ctx) != nil {
		_ = m.http.Close()
	}
}

// Addr is the HTTP API's address (host:port) as a client on this machine dials it:
// a listener on every interface (0.0.0.0 or ::) is reached at 127.0.0.1.
func (m *Main) Addr() string {
	if m.listener == nil {
		return m.opts.Addr
	}
	a, ok := m.listener.Addr().(*net.TCPAddr)
	if ok && a.IP.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(a.Port))
	}
	return m.listener.Addr().String()
}

// exposure is where the API listens beyond this machine, the address as given
// ("0.0.0.0:7070", "every interface, port 7070"), or "" if it listens on this
// machine alone. A listener on 0.0.0.0 reads [::] (Go's dual stack).
func (m *Main) exposure() string {
	if m.listener == nil || !m.exposed() {
		return ""
	}
	on := m.listener.Addr().String()
	if a, ok := m.listener.Addr().(*net.TCPAddr); ok {
		host, _, _ := net.SplitHostPort(m.opts.Addr)
		on = net.JoinHostPort(host, strconv.Itoa(a.Port))
		if host == "" {
			on = "every interface, port " + strconv.Itoa(a.Port)
		}
	}
	return on
}

// exposed reports whether the API listens beyond this machine.
func (m *Main) exposed() bool {
	a, ok := m.listener.Addr().(*net.TCPAddr)
	return ok && !a.IP.IsLoopback()
}

// PrintBanner says where the API is and how to call it.
func (m *Main) PrintBanner(w io.Writer) {
	s := m.Engine.Settings()
	fmt.Fprintf(w, "sandbank is serving the Data Sync sandbox API on http://%s\n", m.Addr())
	if p := m.opts.PublicURL; p != "" {
		// Not on the line above, which scripts read for the port (the README's).
		fmt.Fprintf(w, "  public URL   %s   (the API's links name it: mono_url, paging, statements", p)
		if loopbackURL(p) {
			fmt.Fprint(w, "; a name of this machine's, which only it reaches")
		}
		fmt.Fprintln(w, ")")
	}
	// Behind the tunnel of --public-url, whose name is served without the key,
	// whoever reaches it drives every account, as on 0.0.0.0 (the review).
	if on := m.exposure(); on == "" && m.opts.PublicURL != "" && !loopbackURL(m.opts.PublicURL) {
		fmt.Fprintf(w, "  warning      it is reached at %s: anyone who reaches that reads and drives every account without a key (the demo app and the widget's tester drawer need none)\n", m.opts.PublicURL)
	} else if on != "" {
		fmt.Fprintf(w, "  warning      it listens on %s: other machines can reach it, and anyone who can reads and drives every account without a key (the demo app and the widget's tester drawer need none)\n", on)
	}
	db := m.opts.DB
	if m.FirstRun && m.opts.Scenario == nil {
		// Said, not left to be guessed: a mistyped --db starts a new world there
		// (its folders made too) rather than failing (a newcomer's trial).
		db += "   (new: made by this first run"
		if !m.opts.NoDemo {
			db += ", with the demo world"
		}
		db += ")"
	}
	fmt.Fprintf(w, "  database     %s\n", db)
	if m.Bank != nil {
		// Which generators made the world: a newer build keeps an older world's
		// (an upgrading user's trial found nothing that said so).
		fmt.Fprintf(w, "  bank         seed %d, data version %d", m.Bank.Config().Seed, m.Bank.DataVersion())
		if v := simulator.DataVersion; m.Bank.DataVersion() < v {
			fmt.Fprintf(w, " (this build makes version %d for new databases)", v)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  secret key   %s   (header mono-sec-key)\n", s.SecretKey.Reveal())
	if p := m.opts.PublicURL; m.opts.Scenario != nil && guardedName(p) && !m.exposed() && s.SecretKey.Reveal() == scenario.DefaultKeys.Secret {
		// The host guard refuses it there (PublishedKey): said before an app behind
		// the tunnel meets a 421 (a mobile developer's trial). Not when it lets
		// every name through — listening beyond loopback, or a public URL of an IP
		// address or this machine's own name — where it is not refused (a review).
		fmt.Fprintf(w, "               the scenarios' default, which anyone may know: refused through %s — serve with --secret-key for an app behind the tunnel\n", p)
	}
	if m.opts.SecretKey != "" && m.opts.Scenario == nil {
		// It replaced the database's key for good: a later run without it kept it,
		// silently (an operator's trial).
		fmt.Fprintf(w, "               given by --secret-key or $SANDBANK_SECRET_KEY, and kept in the database: later runs use it too\n")
	}
	fmt.Fprintf(w, "  public key   %s   (the connect widget's key)\n", s.PublicKey)
	// The pages to open name the public URL when there is one, as the API's
	// links do: a mobile developer copied the loopback address to the phone (a
	// trial). The curl lines below run here, and stay on the loopback.
	origin := "http://" + m.Addr()
	if p := m.opts.PublicURL; p != "" {
		origin = strings.TrimRight(p, "/")
	}
	fmt.Fprintf(w, "  OpenAPI      %s/openapi.yaml\n", origin)
	fmt.Fprintf(w, "  widget       %s/connect?key=%s   (Connect in a browser)\n", origin, s.PublicKey)
	fmt.Fprintf(w, "  demo app     %s/demo   (an app that links an account, syncs, and shows its webhooks)\n", origin)
	if st := m.Clock.State(); st.Paused {
		fmt.Fprintf(w, "  clock        PAUSED at %s: time stands still, so waits never end (a 429's Retry-After, token expiry, retries);\n", engine.TimeText(st.Now))
		fmt.Fprintf(w, "               resume with curl -s -H 'mono-sec-key: %s' -d '{\"paused\":false}' http://%s/sandbox/clock\n", s.SecretKey.Reveal(), m.Addr())
	}
	fmt.Fprintf(w, "try:\n  curl -s -H %s http://%s/sandbox/customers\n", shellQuote("mono-sec-key: "+s.SecretKey.Reveal()), m.Addr())
	fmt.Fprintln(w, "Ctrl+C stops it.")
}

// Close shuts down gracefully: requests in flight finish, the engine stops (running
// syncs are cancelled, webhook delivery stops), the clock is saved, the file closed.
func (m *Main) Close() error {
	var errs []error
	if m.Played != nil {
		m.Played.Close()
	}
	if m.ctl != nil {
		errs = append(errs, m.ctl.Close())
	}
	if m.http == nil && m.listener != nil {
		errs = append(errs, m.listener.Close())
	}
	if m.Engine != nil {
		m.Engine.HoldDeliveries() // the attempts under way end; no new one keeps the stop waiting
	}
	if m.http != nil {
		m.shutdownHTTP()
		if err := <-m.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	if m.World != nil {
		m.sayDeliveriesWaitedFor()
		errs = append(errs, m.World.Close())
	}
	m.http, m.listener, m.World, m.Engine, m.Clock, m.DB, m.ctl = nil, nil, nil, nil, nil, nil, nil
	return errors.Join(errs...)
}

// sayDeliveriesWaitedFor logs the webhook attempts under way that closing the
// engine waits for: a receiver that does not answer holds a shutdown up to the
// attempt's timeout, which passed in silence (a QA engineer's trial).
func (m *Main) sayDeliveriesWaitedFor() {
	if n := m.Engine.DeliveriesUnderWay(); n > 0 {
		m.opts.Log.Info("waiting for the webhook attempts under way to end, each within its 10 s timeout", "attempts", n)
	}
}

// shellQuote quotes s for a POSIX shell, so that a printed command runs as shown
// (a key with an apostrophe broke the banner's curl line).
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
