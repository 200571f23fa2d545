package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sandbank/api"
	"sandbank/engine"
	"sandbank/scenario"
	"sandbank/tui"
)

type scenarioCmd struct {
	Check scenarioCheckCmd `cmd:"" help:"Check scenario files without running them (a lint for CI): every mistake with its file:line:col, exit status 1 if one is refused."`
	Run   scenarioRunCmd   `cmd:"" help:"Run scenario files headless, each on a throw-away world: a line per file; exit status 1 if one fails, 2 if one could not run."`
	Play  scenarioPlayCmd  `cmd:"" help:"Open the terminal UI on a scenario's world and play its steps one by one, on stage: ctrl+n next step, ctrl+g to the next pause: step, ctrl+r to the end (stopping at each pause: step), ctrl+o the steps."`
}

type scenarioPlayCmd struct {
	File string `arg:"" help:"The scenario file (YAML)."`
	Addr string `help:"Address of the HTTP API while the scenario plays (127.0.0.1:0 picks a free port)." default:"${addr}"`
	Log  string `help:"Write sandbank's log to FILE (the terminal belongs to the UI)." placeholder:"FILE"`
	publicURLFlag
	themeFlag
}

// Validate refuses an --addr that is empty or has no port, as serve does (the
// review: play went on to a random port), and a --public-url that is no base URL.
func (c scenarioPlayCmd) Validate() error {
	if err := emptyAddr(c.Addr); err != nil {
		return err
	}
	_, err := c.publicURL()
	return err
}

func (c scenarioPlayCmd) Run(ctx context.Context) error {
	src, err := scenario.ReadFile(c.File)
	if err != nil {
		return err
	}
	s, err := scenario.Parse(c.File, src)
	if err != nil {
		return err
	}
	if err := tui.CheckTerminal(); err != nil {
		// Its own ways out: the TUI's pointed at `sandbank serve`, which serves no
		// scenario (an operator's trial).
		return fmt.Errorf("scenario play shows the scenario in the terminal UI: %w; without a terminal, `sandbank scenario run %s` plays it headless, and `sandbank serve --scenario %s` serves it to an app", err, c.File, c.File)
	}
	log := slog.New(slog.DiscardHandler)
	if c.Log != "" {
		f, err := createOutput("log", "log", "sandbank.log", c.Log)
		if err != nil {
			return err
		}
		defer f.Close()
		log = slog.New(slog.NewTextHandler(f, nil))
	}
	sweepThrowAwayDirs(os.TempDir())
	dir, err := os.MkdirTemp("", "sandbank-play-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	public, _ := c.publicURL() // checked by Validate
	m := NewMain(Options{DB: filepath.Join(dir, "world.db"), Addr: c.Addr, PublicURL: public, Log: log, Scenario: s, Play: true})
	if err := m.Open(ctx); err != nil {
		return err
	}
	var own bool
	runErr := tui.Run(ctx, tui.Config{Engine: m.Engine, Bank: m.Bank, Clock: m.Clock, Addr: m.Addr(), PublicURL: public, PublicLocal: loopbackURL(public),
		DBPath: filepath.Join(dir, "world.db"), ExportDir: ".", Script: playScript{m.Played}, Theme: c.Theme, OwnJump: &own})
	haltJump(m, os.Stderr, own)
	if runErr == nil {
		// What was played stays on the terminal once the screen is gone.
		line, failed := playSummary(c.File, m.Played) // as scenario run names it
		fmt.Println(line)
		if failed {
			runErr = scenario.ErrFailed
		}
	}
	return errors.Join(runErr, m.Close())
}

// playSummary is the line a played scenario leaves: how far it went, and the
// failure that stopped it.
//
// Under it, a line for each webhook: step that matched one made before a clock
// move, as scenario run says them (a review: play said none).
func playSummary(name string, run *scenario.Run) (string, bool) {
	line, failed := playLine(name, run)
	for _, r := range run.Results() {
		for _, e := range r.Earlier {
			line += fmt.Sprintf("\n  ⚠ %s:%d:%d step %d (%s) matched %s", name, r.Step.Line(), r.Step.Col(), r.Step.N, r.Step.Text, e)
		}
	}
	return line, failed
}

func playLine(name string, run *scenario.Run) (string, bool) {
	res, total := run.Results(), len(run.S.Steps)
	for _, r := range res {
		if !r.OK {
			why := "failed"
			if r.Err != nil {
				why = r.Err.Error()
			}
			return fmt.Sprintf("%s: %d of %d steps played; step %d (%s) failed: %s", name, len(res), total, r.Step.N, r.Step.Text, why), true
		}
	}
	if len(res) == total {
		return fmt.Sprintf("%s: all %d steps passed", name, total), false
	}
	if at := run.S.ServeAt; at >= 0 && len(res) == at {
		before := fmt.Sprintf("the %d steps before serve: passed", at)
		if at == 1 {
			before = "the step before serve: passed"
		}
		return fmt.Sprintf("%s: %s; the %d from serve: on wait for an app: run them with sandbank serve --scenario", name, before, total-at), false
	}
	return fmt.Sprintf("%s: %d of %d steps played and passed (quit before the end)", name, len(res), total), false
}

// playScript is a scenario run as the TUI plays it.
type playScript struct{ run *scenario.Run }

func (p playScript) Title() string { return p.run.S.Title }

func (p playScript) About() string { return p.run.S.About }

func (p playScript) Steps() []tui.ScriptStep {
	out := make([]tui.ScriptStep, len(p.run.S.Steps))
	for i, s := range p.run.S.Steps {
		out[i] = tui.ScriptStep{N: s.N, Line: s.Line(), Text: s.Text, Note: s.Note, Say: s.Say, Pause: s.Action == "pause",
			Served: p.run.S.ServeAt >= 0 && i >= p.run.S.ServeAt}
		if w, ok := p.run.WalkOf(s); ok {
			out[i].Walk = &tui.ScriptWalk{Reauth: s.Action == "reauthorise", Account: w.Account, CustomerID: w.CustomerID,
				Username: w.Username, Bank: w.Institution, Number: w.Number}
		}
	}
	return out
}

func (p playScript) Next(ctx context.Context) tui.ScriptResult {
	if p.run.Left() == 0 {
		return tui.ScriptResult{Message: "every step has run"}
	}
	res := p.run.Next(ctx)
	out := tui.ScriptResult{OK: res.OK, Checks: res.Checks}
	if res.Err != nil {
		out.Message = res.Err.Error()
	}
	return out
}

func (p playScript) HandWalk(reauth bool, a engine.Account) (bool, string) {
	return p.run.HandWalk(reauth, a)
}

func (p playScript) SyncAhead(id string, window time.Duration) int {
	if st := p.run.SyncAhead(id, window); st != nil {
		return st.N
	}
	return 0
}

type scenarioCheckCmd struct {
	Files []string `arg:"" name:"file" help:"Scenario files (YAML), e.g. fixtures/*.yaml."`
}

func (c scenarioCheckCmd) Run() error { return checkScenarios(os.Stdout, c.Files) }

// checkScenarios reads files as a run would, runs nothing, and says what each
// holds or every mistake it has.
func checkScenarios(out io.Writer, files []string) error {
	refused := 0
	for _, f := range files {
		src, err := scenario.ReadFile(f)
		var s *scenario.Scenario
		if err == nil {
			s, err = scenario.Check(f, src)
		}
		if err != nil {
			refused++
			fmt.Fprintf(out, "✗ %s\n", strings.ReplaceAll(err.Error(), "\n", "\n  "))
			continue
		}
		fmt.Fprintf(out, "✓ %s: %s (%s, %s)\n", f, s.Title, count(len(s.Steps), "step"), count(len(s.Customers), "customer"))
		for _, n := range s.Notes {
			fmt.Fprintf(out, "  note: %s:%s\n", f, n)
		}
	}
	fmt.Fprintf(out, "%d ok, %d refused\n", len(files)-refused, refused)
	if refused > 0 {
		return scenario.ErrFailed
	}
	return nil
}

type scenarioRunCmd struct {
	Files      []string `arg:"" name:"file" help:"Scenario files (YAML), e.g. fixtures/*.yaml."`
	Transcript string   `help:"Write each file's transcript to DIR/NAME.txt: every request and webhook at its virtual time, the same bytes on every run." placeholder:"DIR"`
	JUnit      string   `name:"junit" help:"Write a JUnit XML report to FILE, for CI." placeholder:"FILE"`
	Log        string   `help:"Write sandbank's log of the runs to FILE (what the API and engine did, for a failure the transcript does not explain)." placeholder:"FILE"`
}

func (c scenarioRunCmd) Run(ctx context.Context) error {
	log := slog.New(slog.DiscardHandler)
	if c.Log != "" {
		f, err := createOutput("log", "log", "sandbank.log", c.Log)
		if err != nil {
			return err
		}
		defer f.Close()
		log = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return runScenarios(ctx, os.Stdout, log, c.Files, c.Transcript, c.JUnit)
}

// runScenarios runs files headless and reports on out.
// Each file's world logs with its name (scenario=FILE): the log of several files'
// runs said nothing of which a line was (a QA engineer's trial).
func runScenarios(ctx context.Context, out io.Writer, log *slog.Logger, files []string, transcripts, junit string) error {
	sweepThrowAwayDirs(os.TempDir())
	if junit != "" { // said before the files run, not after them all
		if err := checkJUnitPath(junit); err != nil {
			return err
		}
	}
	// refuse ends a run that cannot start with err, in the JUnit report too: a CI
	// job's test reporter found no report at all, and nothing to show (a QA
	// engineer's trial).
	refuse := func(err error) error {
		if junit == "" {
			return err
		}
		var results []*scenario.Result
		named := map[string]bool{}
		for _, f := range files {
			if abs, aerr := filepath.Abs(f); aerr != nil || !named[abs] {
				named[abs] = true
				results = append(results, &scenario.Result{Path: f, Err: &scenario.Error{File: f, Line: 1, Col: 1, Msg: "not run: " + err.Error()}})
			}
		}
		return errors.Join(err, writeJUnit(junit, results))
	}
	if transcripts != "" {
		if fi, err := os.Stat(transcripts); err == nil && !fi.IsDir() {
			// It said "mkdir ci/report.xml: not a directory" (an operator's trial,
			// who took it for the report's file).
			return refuse(fmt.Errorf("--transcript %s is a file: it takes a directory, where each scenario's transcript is written (--junit takes a report's file)", transcripts))
		}
		if err := os.MkdirAll(transcripts, 0o755); err != nil {
			return refuse(fmt.Errorf("creating the transcript directory: %w", err))
		}
	}
	// A file named twice (overlapping globs) runs once.
	seen := map[string]bool{}
	var unique []string
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			abs = f
		}
		if seen[abs] {
			continue
		}
		seen[abs] = true
		unique = append(unique, f)
	}
	named, err := transcriptNames(unique)
	if err != nil && transcripts != "" {
		return refuse(err)
	}
	var results []*scenario.Result
	failed, notRun := 0, 0
	for _, f := range unique {
		var res *scenario.Result
		if ctx.Err() != nil { // stopped: the files after it are not run, and not failed
			res = &scenario.Result{Path: f, Err: &scenario.Error{File: f, Line: 1, Col: 1, Msg: "not run: " + scenario.Stopped(ctx) + " before this file"}, Interrupted: true}
			results = append(results, res)
			fmt.Fprintln(out, res.Line())
			failed++
			notRun++
			continue
		}
		host := api.Host(log.With("scenario", f))
		if transcripts == "" {
			res = scenario.RunFile(ctx, f, host, nil)
		} else {
			var err error
			path := filepath.Join(transcripts, named[f])
			if err = os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				err = fmt.Errorf("creating the transcript directory: %w", err) // the verdicts so far kept, as below (a review)
			} else {
				res, err = runWithTranscript(ctx, f, host, path)
			}
			if err != nil {
				// The report keeps the verdicts so far, and says why the rest did
				// not run: the run ended with none (the review).
				if junit != "" {
					for _, g := range unique[len(results):] {
						results = append(results, &scenario.Result{Path: g, Err: &scenario.Error{File: g, Line: 1, Col: 1, Msg: "not run: " + err.Error()}})
					}
					err = errors.Join(err, writeJUnit(junit, results))
				}
				return err
			}
		}
		results = append(results, res)
		fmt.Fprintln(out, res.Line())
		if res.NotRun > 0 {
			fmt.Fprintf(out, "  the run stopped there: %s after it not run\n", count(res.NotRun, "step"))
		}
		if n := res.NotesText(); n != "" {
			fmt.Fprintln(out, n[1:])
		}
		if !res.Passed {
			failed++
		}
		if res.Err != nil {
			notRun++
		}
	}
	// A file that stopped at serve: is skipped, as its JUnit case says: counted as
	// passed, its steps that wait for an app read as checked (a QA engineer's trial).
	skipped := 0
	for _, res := range results {
		if res.Passed && res.Stopped > 0 {
			skipped++
		}
	}
	summary := fmt.Sprintf("%d passed, %d failed", len(results)-failed-skipped, failed)
	if skipped > 0 {
		summary += fmt.Sprintf(", %d skipped (stopped at serve:, waiting for an app)", skipped)
		if skipped == len(results) {
			// Exit 0 and "0 passed": a CI job could go green having checked nothing
			// past the serve: steps (a QA engineer's trial). Still 0 — the files are
			// fine — but said.
			summary += "; nothing after a serve: step was checked: sandbank serve --scenario FILE runs one against your app"
		}
	}
	if notRun > 0 {
		summary += fmt.Sprintf(" (%d could not run)", notRun)
	}
	fmt.Fprintln(out, summary)
	if junit != "" {
		if err := writeJUnit(junit, results); err != nil {
			return err
		}
	}
	switch {
	case notRun > 0:
		return scenario.ErrNotRun
	case failed > 0:
		return scenario.ErrFailed
	}
	return nil
}

// transcriptName is the name of a file's transcript: its base name, as .txt.
func transcriptName(file string) string {
	return strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) + ".txt"
}

// transcriptNames names each file's transcript (the files distinct): by its base
// name, or, for files whose base names meet (scenarios/v1/x.yaml and
// scenarios/v2/x.yaml), by its path below the folder they share, as v1/x.txt and
// v2/x.txt. Such files were refused, nothing run (a QA engineer's trial). Files
// in one folder that would write one transcript (x.yaml and x.yml) are an error
// that names both.
func transcriptNames(files []string) (map[string]string, error) {
	groups := map[string][]string{}
	var order []string
	for _, f := range files {
		n := strings.ToLower(transcriptName(f)) // x.yaml and X.yaml meet on macOS and Windows
		if groups[n] == nil {
			order = append(order, n)
		}
		groups[n] = append(groups[n], f)
	}
	named := map[string]string{}
	for _, n := range order {
		g := groups[n]
		if len(g) == 1 {
			named[g[0]] = transcriptName(g[0])
			continue
		}
		dirs := make([]string, len(g))
		for i, f := range g {
			abs, err := filepath.Abs(f)
			if err != nil {
				abs = f
			}
			dirs[i] = filepath.Dir(abs)
		}
		common := dirs[0]
		for _, d := range dirs[1:] {
			for common != d && !strings.HasPrefix(d, common+string(filepath.Separator)) && filepath.Dir(common) != common {
				common = filepath.Dir(common) // up to the root, or "." for paths Abs could not make whole (a review)
			}
		}
		by := map[string]string{}
		for i, f := range g {
			rel, err := filepath.Rel(common, dirs[i])
			if err != nil {
				rel = ""
			}
			p := filepath.Join(rel, transcriptName(f))
			// Compared case-blind: on macOS and Windows V1/x.txt is v1/x.txt, and
			// the second run wrote over the first's (a review).
			if other, ok := by[strings.ToLower(p)]; ok {
				return nil, fmt.Errorf("%s and %s would both write the transcript %s: run them with separate --transcript directories, or rename one", other, f, p)
			}
			by[strings.ToLower(p)], named[f] = f, p
		}
	}
	return named, nil
}

func runWithTranscript(ctx context.Context, file string, host scenario.Host, path string) (*scenario.Result, error) {
	// Written beside its name and renamed to it once the run has ended: a run
	// killed (SIGKILL, a CI job's timeout, out of memory) left a transcript cut
	// off mid-line under the name, over the last good one, looking real (a
	// presenter's trial). Yours alone (CreateTemp's 0600): it holds the world's
	// connect codes, tokens and passwords, and every webhook as sent.
	if dest, err := linkTarget(path); err == nil {
		path = dest // a link stays a link, as --junit's (the review)
	}
	sweepPartials(path)
	tf, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return nil, fmt.Errorf("creating the transcript %s (%s)", path, osReason(err))
	}
	private(tf)
	bw := bufio.NewWriter(tf)
	tw := &countWriter{w: bw}
	res := scenario.RunFile(ctx, file, host, tw)
	if res.Err != nil && tw.n == 0 {
		// Refused before it ran (a step's typo, a YAML error): the transcript says
		// why, as the terminal did — an empty one read as a run that wrote nothing
		// (a QA engineer's trial).
		fmt.Fprintln(tw, res.Line())
	}
	err = errors.Join(bw.Flush(), tf.Close())
	if err == nil {
		err = os.Rename(tf.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tf.Name())
		return nil, fmt.Errorf("writing the transcript %s: %w", path, err)
	}
	return res, nil
}

// countWriter counts what went through it to w.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// sweepPartials removes what runs killed before left of the transcript at path
// (the review: nothing swept it) — an hour untouched, so that another run still
// writing the same transcript keeps its own (a sweep of every one took it, and
// that run failed at its end).
func sweepPartials(path string) {
	dir, prefix := filepath.Dir(path), "."+filepath.Base(path)+"."
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		rest, ok := strings.CutPrefix(n, prefix)
		mid, ok2 := strings.CutSuffix(rest, ".partial")
		if !ok || !ok2 || mid == "" || strings.Trim(mid, "0123456789") != "" || !e.Type().IsRegular() {
			continue // not one of CreateTemp's names for this transcript
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
			_ = os.Remove(filepath.Join(dir, n))
		}
	}
}

// checkJUnitPath readies a --junit path before anything runs: refused if it names
// a folder or cannot be written, its folder made if missing.
func checkJUnitPath(path string) error {
	return outputPath("junit", "JUnit report", "scenarios.xml", path)
}

// outputPath readies the path of a file a command writes (--junit, --ids, --log),
// said before any work rather than after it: a path that names a folder is
// refused; a folder that is missing is made, as --transcript's and the database's
// are (a CI job's reports/ folder was refused where its transcripts/ was made:
// an operator's trial); one that cannot be made or written to is said in words,
// not as the system's error.
func outputPath(flag, what, example, path string) error {
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator)) {
		return engine.Invalid(flag, "cannot write the %s %s: it names a folder; name a file, e.g. %s", what, path, filepath.Join(path, example))
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return engine.Invalid(flag, "cannot write the %s %s: it is a folder; name a file, e.g. %s", what, path, filepath.Join(path, example))
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return engine.Invalid(flag, "cannot write the %s %s: its folder %s cannot be made (%s); name a file in a folder you can write", what, path, dir, osReason(err))
	}
	if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil { // one there already: written over at the end
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return engine.Invalid(flag, "cannot write the %s %s (%s); name a file you can write", what, path, osReason(err))
	}
	probe, err := os.CreateTemp(dir, ".sandbank-probe-*")
	if err != nil {
		return engine.Invalid(flag, "cannot write the %s %s: its folder %s does not take new files (%s); name a file in a folder you can write", what, path, dir, osReason(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// osReason is an error of the file system without the call and path it names
// ("permission denied", not "open /x/y: permission denied"): the message around
// it says which file.
func osReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// private makes a regular file this command writes its user's alone: one an older
// build wrote keeps its mode otherwise (the review). Not a device or a pipe:
// --log /dev/null, run as root, made /dev/null 0600 (the review of that).
func private(f *os.File) {
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
		_ = f.Chmod(0o600)
	}
}

// createOutput creates a file a command writes as it goes (--log), its folder
// made if missing.
func createOutput(flag, what, example, path string) (*os.File, error) {
	if err := outputPath(flag, what, example, path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600) // yours alone, as the TUI's log
	if err != nil {
		return nil, engine.Invalid(flag, "cannot write the %s %s (%s); name a file you can write", what, path, osReason(err))
	}
	private(f)
	return f, nil
}

func writeJUnit(path string, results []*scenario.Result) error {
	var b bytes.Buffer
	if err := scenario.WriteJUnit(&b, results); err != nil {
		return fmt.Errorf("writing the JUnit report %s: %w", path, err)
	}
	if err := writeOutput(path, b.Bytes(), 0o600); err != nil { // a failure quotes an answer: the user's alone, as a transcript
		return fmt.Errorf("cannot write the JUnit report %s (%s)", path, osReason(err))
	}
	return nil
}

// serveScenario is `sandbank serve --scenario FILE`: the scenario's world, served to
// the user's app, with the later steps fired and checked as the app drives the API.
func serveScenario(ctx context.Context, c serveCmd, log *slog.Logger) error {
	// The files a CI job reads are seen to first: a run that cannot start (a
	// mistake in the file, a step before serve: failing) left the last run's
	// report, green, in place of this one's, or none at all (a QA engineer's
	// trial); now the old ones go, and the report says why this run did not start.
	if err := readyOutputs(c); err != nil {
		return err
	}
	title, began := "", time.Now()
	if c.JUnit != "" {
		// A second Ctrl+C ends the process at once, with no verdicts gathered: the
		// report says so, rather than being missing (a QA engineer's trial).
		atOnce := func() {
			_ = writeJUnit(c.JUnit, []*scenario.Result{{Path: c.Scenario, Title: title, Wall: time.Since(began), Interrupted: true,
				Err: errors.New("stopped at once by a second Ctrl+C (exit 130): the steps' verdicts were not gathered")}})
		}
		onStopAtOnce.Store(&atOnce)
	}
	notStarted := func(err error) error {
		if c.JUnit != "" {
			// Its time is how long the setup took before it failed or was stopped: a
			// world cut short by a CI job's timeout read 0.000 s and "invalid".
			res := &scenario.Result{Path: c.Scenario, Title: title, Err: err, Wall: time.Since(began), Interrupted: scenario.Signalled(ctx)}
			if werr := writeJUnit(c.JUnit, []*scenario.Result{res}); werr != nil {
				return errors.Join(err, werr)
			}
		}
		return err
	}
	src, err := scenario.ReadFile(c.Scenario)
	if err != nil {
		return notStarted(err)
	}
	s, err := scenario.Parse(c.Scenario, src)
	if err != nil {
		return notStarted(err)
	}
	title = s.Title
	// The world is the file's: --seed and --db, silently not used, read as taken
	// (an operator's trial). The secret key is the app's to choose: the flag (or
	// $SANDBANK_SECRET_KEY) stands in for the file's keys: secret:.
	if flagGiven(os.Args[1:], "seed") {
		return notStarted(engine.Invalid("seed", "--seed does not apply to serve --scenario: the world is the file's; write seed: %d at the top of %s", c.Seed, c.Scenario))
	}
	if flagGiven(os.Args[1:], "db") {
		return notStarted(engine.Invalid("db", "--db does not apply to serve --scenario: the scenario's world is a throw-away database of its own, removed at exit; serve %s without --scenario to use it", c.DB))
	}
	if c.SecretKey != "" {
		if len(c.SecretKey) < 16 { // said for a served world, which has no database's key to keep
			return notStarted(engine.Invalid("secret-key", "the secret key needs at least 16 characters, and the one given (--secret-key or $SANDBANK_SECRET_KEY) has %d: pass a longer one, or none to serve the file's (keys: secret:, else %s)", len(c.SecretKey), scenario.DefaultKeys.Secret))
		}
		s.Keys.Secret, s.SecretKeyGiven = c.SecretKey, true
	}
	sweepThrowAwayDirs(os.TempDir()) // those of sandbanks killed before they could remove them
	dir, err := os.MkdirTemp("", "sandbank-serve-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	public, _ := c.publicURL() // checked by Validate
	m := NewMain(Options{DB: filepath.Join(dir, "world.db"), Addr: c.Addr, PublicURL: public, Log: log, Scenario: s})
	if err := m.Open(ctx); err != nil {
		return notStarted(err)
	}
	return serveOpened(ctx, c, s, m)
}

// flagGiven reports whether args name --name (as --name V or --name=V) before
// any "--": the flag's value cannot say it, as a default (the database's path,
// made absolute, from a $HOME that may be unset) or the same value given are not
// told apart.
func flagGiven(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--"+name || strings.HasPrefix(a, "--"+name+"=") {
			return true
		}
	}
	return false
}

// readyOutputs checks that the --ids and --junit files can be written, and removes
// those an earlier run left: a script that waits for one to appear, or a CI job
// that reads the report, must not find the old one.
func readyOutputs(c serveCmd) error {
	if c.IDs != "" {
		// Found out now, not after the world is built.
		if err := outputPath("ids", "IDs file", "ids.json", c.IDs); err != nil {
			return err
		}
		// A file left from an earlier run would read as this one's: a script that
		// waits for it to appear must not find the old one.
		if err := clearOutput(c.IDs); err != nil {
			return fmt.Errorf("removing the IDs file left from before: %w", err)
		}
	}
	if c.JUnit != "" {
		// Found out now, not after the whole served run.
		if err := checkJUnitPath(c.JUnit); err != nil {
			return err
		}
		// A report left from an earlier run would read as this one's.
		if err := clearOutput(c.JUnit); err != nil {
			return fmt.Errorf("removing the JUnit report left from before: %w", err)
		}
	}
	return nil
}

// serveOpened serves an opened scenario world until ctx ends (or, with
// --exit-when-done, its steps have all run), then says and writes the verdicts.
func serveOpened(ctx context.Context, c serveCmd, s *scenario.Scenario, m *Main) (err error) {
	// The names and IDs as serve: leaves them, read before the steps after it start
	// (read after, a password a later step changes was in it one run in five).
	var ids []byte
	if c.IDs != "" {
		if ids, err = m.Serving.IDs(m.LinksBase()); err != nil {
			_ = m.Close()
			return fmt.Errorf("writing the IDs file: %w", err)
		}
	}
	m.StartServing(ctx)
	if c.IDs != "" {
		// Written once the port answers and the steps after serve: run, and whole
		// (renamed into place): a script may take its appearing as the sign to begin.
		// Only its owner reads it: it holds the secret key and the webhook secret.
		if err := writeOutput(c.IDs, ids, 0o600); err != nil {
			m.Serving.Stop()
			_ = m.Close()
			return fmt.Errorf("writing the IDs file: %w", err)
		}
	}
	printServing(m, s, c.IDs, os.Stdout)
	var done <-chan struct{}
	if c.ExitDone {
		done = m.Serving.Done()
	}
	stoppedFirst := false // with --exit-when-done: stopped before every step had run
	select {
	case <-ctx.Done(): // main says it is shutting down
		stoppedFirst = c.ExitDone
	case <-done:
		if ctx.Err() != nil {
			// Both were ready — a stop ends the steps, so done closes too — and
			// select took done: the stop still came first (the review: exit 0 and a
			// green report, one run in six, for a stop during the steps).
			stoppedFirst = true
			break
		}
		// The webhooks the last steps set off go out first: the port closed on
		// them, so that which webhooks an app got changed from run to run (6, 5, 5,
		// 5, 6, 4 of the same run's; a Go developer's trial).
		if err := m.Serving.Settle(ctx); err != nil && ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "sandbank: every step has run; %v — the webhooks still due were not sent\n", err)
		}
		fmt.Fprintln(os.Stderr, "sandbank: every step has run; shutting down")
	}
	// A jump under way — a step's own advance:, which Stop waits for, or the app's —
	// stops now where its work is, rather than running to its end first: the step
	// is told first, so that it says it was not run, then the clock halts and the
	// syncs under way are cancelled (a round against a slow bank took minutes).
	m.Serving.Cancel()
	m.Clock.HaltForGood() // the world is thrown away: nothing goes on after a restart
	m.sayDeliveriesWaitedFor()
	_ = m.Engine.Close()
	ok := m.Serving.Stop()
	notRun, cut, waiting := m.Serving.Unfinished()
	// --exit-when-done, stopped first (CI's timeout): the run is not done — exit 2
	// — unless a step failed on its own, which is the app's (exit 1). A step still
	// waiting when the stop came failed only for it: it read as the app's failure,
	// and a CI job could not tell a timeout from a broken app (an operator's trial).
	notDone := stoppedFirst && (notRun > 0 || !ok) && !m.Serving.FailedOnItsOwn()
	if notDone {
		m.Serving.ExpectEveryStep()
	}
	m.Serving.Verdicts(os.Stdout)
	var junitErr error
	if c.JUnit != "" {
		var b bytes.Buffer
		if junitErr = m.Serving.WriteJUnit(&b); junitErr == nil {
			junitErr = writeOutput(c.JUnit, b.Bytes(), 0o600)
		}
		if junitErr != nil {
			junitErr = fmt.Errorf("writing the JUnit report %s: %w", c.JUnit, junitErr)
		}
	}
	if err := errors.Join(m.Close(), junitErr); err != nil {
		return err
	}
	if !ok && !notDone {
		return scenario.ErrFailed
	}
	if n := notRun; notDone {
		// --exit-when-done promised to wait for every step: stopped first, the run
		// is not done, which exit 0 said it was — a CI job that stopped a served
		// scenario in the middle of its year's jump went green (an operator's
		// trial), where scenario run stopped so exits 2.
		what := count(n, "step") + " did not run"
		if cut != "" {
			after := n // a waiting step is not one of the n; a step of the scenario's own is
			what = cut + " was still waiting"
			if !waiting {
				after--
				what = cut + " did not end"
			}
			if after > 0 {
				what += ", and " + count(after, "step") + " after it did not run"
			}
		}
		return fmt.Errorf("stopped before every step had run (--exit-when-done): %s", what)
	}
	return nil
}

// printServing says where the served scenario is and how to follow it; the steps
// after serve: have started, so the banner says how the clock really is (serve:
// without clock: paused sets it running).
func printServing(m *Main, s *scenario.Scenario, ids string, w io.Writer) {
	m.PrintBanner(w)
	fmt.Fprintf(w, "scenario     %s — %s\n", s.Path, s.Title)
	fmt.Fprintf(w, "  steps up to serve: have run; the rest fire as the virtual clock reaches them. Progress: GET http://%s/sandbox/scenario (with the secret key)\n", m.Addr())
	if ids != "" {
		fmt.Fprintf(w, "  names and IDs for your app's tests: %s (written once the API answers: its appearing is the sign to begin)\n", ids)
	}
}

// writeOutput writes a file a CI job reads (--junit, --ids) whole or not at all
// (writeFileAtomic), its mode set. Through a link it writes the file the link
// names, so — renamed over, the link became a file (the review) — and a device
// (--junit /dev/stdout) is written as it is.
func writeOutput(path string, b []byte, mode os.FileMode) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return os.WriteFile(path, b, mode) // a device, a pipe, through links or not
	}
	dest, err := linkTarget(path)
	if err != nil {
		return err
	}
	return writeFileAtomic(dest, b, mode)
}

// linkTarget is the file the link at path names, followed to its end (a dangling
// link's too, which clearOutput leaves).
func linkTarget(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		to, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		path = to
	}
	return "", fmt.Errorf("%s: too many links", path)
}

// clearOutput takes away what an earlier run left at path, so that it cannot read
// as this run's: the file, or the file a link names (the link stays, for the
// write); a device (/dev/stdout) is left as it is.
func clearOutput(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return nil
	}
	dest, err := linkTarget(path)
	if err != nil {
		return err
	}
	return os.Remove(dest)
}

// writeFileAtomic writes a file whole or not at all: a temporary file beside it,
// renamed into place.
func writeFileAtomic(path string, b []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if err = errors.Join(err, tmp.Close()); err == nil {
		err = os.Chmod(tmp.Name(), mode)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}

// count is "1 step", "3 steps".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
