package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as sandbank: with SANDBANK_MAIN set it runs main() with
// the arguments after "--", so tests check exit statuses and output of the real CLI.
func TestMain(m *testing.M) {
	if os.Getenv("SANDBANK_MAIN") == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{"sandbank"}, os.Args[i+1:]...)
				break
			}
		}
		main()
		os.Exit(0)
	}
	// The user's own key would stand in for the keys the tests send (a served
	// scenario's, a new database's): the tests' sandbanks inherit this process's
	// environment, and set it where they mean to.
	os.Unsetenv("SANDBANK_SECRET_KEY")
	os.Exit(m.Run())
}

// sandbank runs the CLI with args and returns its output and exit status.
func sandbank(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "SANDBANK_MAIN=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return string(out), 0
}

// runSandbank starts the test binary as sandbank with args — under wrapper
// (nohup, say) if one is given — with env added to this process's, its output
// gathered; it is killed at the test's end if it still runs.
func runSandbank(t *testing.T, wrapper, env []string, args ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	argv := append(append(append([]string{}, wrapper...), os.Args[0], "-test.run=^$", "--"), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), "SANDBANK_MAIN=1"), env...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, out
}

// awaitOutput waits until a started sandbank's output holds text; after 20 s it
// fails the test, saying what did not happen.
func awaitOutput(t *testing.T, out *lockedBuffer, what, text string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), text); time.Sleep(10 * time.Millisecond) { // polling the process's output
		if time.Now().After(deadline) {
			t.Fatalf("%s:\n%s", what, out.String())
		}
	}
}

// `sandbank scenario run`: every shipped fixture passes; transcripts repeat byte for
// byte, however the files are named; a changed expectation exits 1 naming its file:line:col, and JUnit says so.
func TestScenarioRunCommand(t *testing.T) {
	fixtures, _ := filepath.Glob("fixtures/*.yaml")
	dir := t.TempDir()
	out, code := sandbank(t, append([]string{"scenario", "run", "--transcript", filepath.Join(dir, "a")}, fixtures...)...)
	if code != 0 || !strings.HasSuffix(out, "\n"+strconv.Itoa(len(fixtures))+" passed, 0 failed\n") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// The second run names the files by absolute paths: a transcript is the same
	// bytes wherever the file is and however it was named (CI's workspace paths).
	var absolute []string
	for _, f := range fixtures {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		absolute = append(absolute, abs)
	}
	if _, code := sandbank(t, append([]string{"scenario", "run", "--transcript", filepath.Join(dir, "b")}, absolute...)...); code != 0 {
		t.Fatal("the second run failed")
	}
	for _, f := range fixtures {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml") + ".txt"
		a, err1 := os.ReadFile(filepath.Join(dir, "a", name))
		b, err2 := os.ReadFile(filepath.Join(dir, "b", name))
		if err1 != nil || err2 != nil || len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("transcript %s differs between runs (%v, %v)", name, err1, err2)
		}
	}

	src, _ := os.ReadFile("fixtures/rate-limit.yaml")
	bad := filepath.Join(dir, "rate-limit.yaml")
	changed := strings.Replace(string(src), `header.Retry-After: "120"`, `header.Retry-After: "119"`, 1)
	line := 1 + strings.Count(changed[:strings.Index(changed, `"119"`)], "\n")
	col := strings.Index(changed, `header.Retry-After: "119"`) - strings.LastIndex(changed[:strings.Index(changed, `header.Retry-After: "119"`)], "\n")
	if err := os.WriteFile(bad, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(dir, "junit.xml")
	out, code = sandbank(t, "scenario", "run", "--junit", junit, "fixtures/mr-adam.yaml", bad)
	want := "✗ " + bad + ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col) + ` step 4 (sync: adam): header.Retry-After: expected "119", got "120"`
	if code != 1 || !strings.Contains(out, want+" (the answer was 429: ") || !strings.HasSuffix(out, "1 passed, 1 failed\n") ||
		!regexp.MustCompile(`\n  the run stopped there: \d+ steps? after it not run\n`).MatchString(out) {
		t.Fatalf("exit %d; want 1 and the line\n%s\nin:\n%s", code, want, out)
	}
	var doc struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				File    string `xml:"file,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	raw, err := os.ReadFile(junit)
	if err != nil || xml.Unmarshal(raw, &doc) != nil || doc.Failures != 1 || doc.Suites[0].Cases[1].Failure == nil ||
		!strings.Contains(doc.Suites[0].Cases[1].Failure.Text, "expected: \"119\"\ngot:      \"120\"") {
		t.Fatalf("JUnit (%v):\n%s", err, raw)
	}

	// A JUnit report (and a log) into a missing folder has the folder made, as
	// --transcript's is: it was refused (an operator's trial).
	made := filepath.Join(dir, "reports", "ci", "x.xml")
	// A log an older build wrote, world-readable, is made the user's alone too.
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "logs", "run.log"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = sandbank(t, "scenario", "run", "--junit", made, "--log", filepath.Join(dir, "logs", "run.log"), "fixtures/mr-adam.yaml", "fixtures/unlink.yaml")
	if report, err := os.ReadFile(made); code != 0 || err != nil || !strings.Contains(string(report), `failures="0"`) {
		t.Fatalf("a JUnit report into a missing folder: exit %d, %v\n%s", code, err, out)
	}
	// Each line of the log names the file whose run it is.
	runLog, err := os.ReadFile(filepath.Join(dir, "logs", "run.log"))
	if err != nil {
		t.Fatalf("a log into a missing folder: %v", err)
	}
	// The log, the transcripts and the JUnit report are the user's alone, as the
	// TUI's log is: they hold the world's codes, tokens and webhooks, and a
	// failure quotes the API's answer (security reviews: 0644).
	for _, f := range []string{filepath.Join(dir, "logs", "run.log"), filepath.Join(dir, "a", "mr-adam.txt"), made} {
		if fi, err := os.Stat(f); err != nil {
			t.Error(err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v; want 0600", f, fi.Mode().Perm())
		}
	}
	files := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(runLog)), "\n") {
		m := regexp.MustCompile(` scenario=(\S+)`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("a line of the log without its scenario:\n%s", line)
		}
		files[m[1]]++
	}
	if len(files) != 2 || files["fixtures/mr-adam.yaml"] == 0 || files["fixtures/unlink.yaml"] == 0 {
		t.Fatalf("the log's lines by file: %v", files)
	}
	// A folder that cannot be made is said before any file runs, not after them
	// all (a QA trial), in words.
	out, code = sandbank(t, "scenario", "run", "--junit", filepath.Join(junit, "x.xml"), "fixtures/mr-adam.yaml")
	if code != 2 || !strings.Contains(out, "its folder "+junit+" cannot be made (not a directory)") || strings.Contains(out, "mr-adam.yaml") {
		t.Fatalf("a JUnit report under a file: exit %d\n%s", code, out)
	}
	// So is a path that names a folder, by its trailing slash or as one that exists.
	out, code = sandbank(t, "scenario", "run", "--junit", filepath.Join(dir, "nodir")+"/", "fixtures/mr-adam.yaml")
	if code != 2 || !strings.Contains(out, "cannot write the JUnit report "+filepath.Join(dir, "nodir")+"/: it names a folder") {
		t.Fatalf("a JUnit report named with a trailing slash: exit %d\n%s", code, out)
	}
	out, code = sandbank(t, "scenario", "run", "--junit", dir, "fixtures/mr-adam.yaml")
	if code != 2 || !strings.Contains(out, "cannot write the JUnit report "+dir+": it is a folder") || strings.Contains(out, "mr-adam.yaml") {
		t.Fatalf("a JUnit report named as a folder: exit %d\n%s", code, out)
	}

	// A file that could not run at all exits 2, as a broken setup does, not 1 as
	// a failed expectation: CI tells them apart.
	out, code = sandbank(t, "scenario", "run", filepath.Join(dir, "missing.yaml"), "fixtures/mr-adam.yaml")
	if code != 2 || !strings.Contains(out, "missing.yaml: no such scenario file") || !strings.HasSuffix(out, "1 passed, 1 failed (1 could not run)\n") {
		t.Fatalf("a missing file: exit %d\n%s", code, out)
	}
	// A file named twice (overlapping globs) runs once.
	out, code = sandbank(t, "scenario", "run", "fixtures/mr-adam.yaml", "./fixtures/mr-adam.yaml")
	if code != 0 || strings.Count(out, "✓") != 1 {
		t.Fatalf("a file named twice: exit %d\n%s", code, out)
	}
	// Two files of one base name in two folders (scenarios/v1/x.yaml and
	// scenarios/v2/x.yaml) both run, each transcript named by its path below the
	// folder they share; they were refused, nothing run (a QA engineer's trial).
	for _, v := range []string{"v1", "v2"} {
		if err := os.MkdirAll(filepath.Join(dir, "sc", v), 0o755); err != nil {
			t.Fatal(err)
		}
		mr, _ := os.ReadFile("fixtures/mr-adam.yaml")
		if err := os.WriteFile(filepath.Join(dir, "sc", v, "mr-adam.yaml"), mr, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, code = sandbank(t, "scenario", "run", "--transcript", filepath.Join(dir, "two"), filepath.Join(dir, "sc", "v1", "mr-adam.yaml"), filepath.Join(dir, "sc", "v2", "mr-adam.yaml"))
	if code != 0 || strings.Count(out, "✓") != 2 {
		t.Fatalf("two files of one base name in two folders: exit %d\n%s", code, out)
	}
	v1, err1 := os.ReadFile(filepath.Join(dir, "two", "v1", "mr-adam.txt"))
	v2, err2 := os.ReadFile(filepath.Join(dir, "two", "v2", "mr-adam.txt"))
	if err1 != nil || err2 != nil || !bytes.Equal(v1, v2) {
		t.Errorf("the transcripts of v1/mr-adam.yaml and v2/mr-adam.yaml: %v, %v (or they differ)", err1, err2)
	}
	// Two files that would still write one transcript are refused before anything
	// runs.
	yml := filepath.Join(dir, "rate-limit.yml")
	if err := os.WriteFile(yml, src, 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "clash.xml")
	out, code = sandbank(t, "scenario", "run", "--transcript", filepath.Join(dir, "c"), "--junit", report, "fixtures/mr-adam.yaml", bad, yml, "fixtures/mr-adam.yaml")
	if code != 2 || strings.Contains(out, "✓") || !strings.Contains(out, "would both write the transcript rate-limit.txt") {
		t.Fatalf("two files of one transcript: exit %d\n%s", code, out)
	}
	// The CI job's reporter finds a report that says why nothing ran, a case a
	// file (the one named twice, once).
	xml, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no JUnit report when two files would write one transcript: %v", err)
	}
	if n := strings.Count(string(xml), "<testcase "); n != 3 || strings.Count(string(xml), `<error message="`) != 3 ||
		!strings.Contains(string(xml), "not run: "+bad+" and "+yml+" would both write the transcript rate-limit.txt") {
		t.Errorf("the JUnit report of a refused run has %d cases, want 3, each saying why it did not run:\n%s", n, xml)
	}
	// A transcript that cannot be written part-way: the verdicts so far stay in
	// the report, the rest not run, each saying why.
	trs := filepath.Join(dir, "tr")
	if err := os.MkdirAll(filepath.Join(trs, "mr-adam.txt"), 0o755); err != nil { // a folder where the file goes
		t.Fatal(err)
	}
	report = filepath.Join(dir, "part.xml")
	out, code = sandbank(t, "scenario", "run", "--transcript", trs, "--junit", report, "fixtures/rate-limit.yaml", "fixtures/mr-adam.yaml", "fixtures/unlink.yaml")
	xml, err = os.ReadFile(report)
	if code != 2 || err != nil || strings.Count(string(xml), "<testcase ") != 3 || strings.Count(string(xml), `<error message="`) != 2 ||
		!strings.Contains(string(xml), "not run: writing the transcript") && !strings.Contains(string(xml), "not run: creating the transcript") {
		t.Fatalf("a transcript that cannot be written: exit %d, report %v:\n%s\n%s", code, err, xml, out)
	}
}

// scenario check reads files as a run would and runs nothing: CI can refuse a
// broken file before any world is built, every mistake said.
func TestScenarioCheckCommand(t *testing.T) {
	fixtures, _ := filepath.Glob("fixtures/*.yaml")
	out, code := sandbank(t, append([]string{"scenario", "check"}, fixtures...)...)
	if code != 0 || !strings.HasSuffix(out, "\n"+strconv.Itoa(len(fixtures))+" ok, 0 refused\n") || !strings.Contains(out, "✓ fixtures/mr-adam.yaml: Mr Adam") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("scenario: t\ncustomers:\n  tola: {institution: \"058\", mfa: sms}\nsteps:\n  - conect: tola\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = sandbank(t, "scenario", "check", "fixtures/mr-adam.yaml", bad)
	if code != 1 || !strings.Contains(out, "✗ "+bad+":3:35: unknown mfa \"sms\"") || !strings.Contains(out, "\n  "+bad+":5:5: unknown step \"conect\" (did you mean \"connect\"?)") ||
		!strings.HasSuffix(out, "1 ok, 1 refused\n") {
		t.Fatalf("exit %d; want 1, both mistakes and the count:\n%s", code, out)
	}
	// A bare balance is kobo, accepted, and said: 150000 read as naira failed only
	// at run time (a QA engineer's trial).
	kobo := filepath.Join(t.TempDir(), "kobo.yaml")
	if err := os.WriteFile(kobo, []byte("scenario: t\ncustomers:\n  ada: {balance: 150000}\n  bola: {balance: NGN 5000}\n  cy: {balance: 200000000000000}\nsteps:\n  - connect: ada\n  - bank: ada\n    debit: 2500\n  - bank: ada\n    credit: 99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = sandbank(t, "scenario", "check", kobo)
	for _, want := range []string{
		// The naira it may have meant, written as a {…} field takes it (no commas).
		"\n  note: " + kobo + ":3:18: balance 150000 is kobo, NGN 1,500.00; write NGN 150000 if naira was meant\n",
		// No naira past the largest amount.
		"\n  note: " + kobo + ":5:17: balance 200000000000000 is kobo, NGN 2,000,000,000,000.00\n",
		"\n  note: " + kobo + ":9:12: debit 2500 is kobo, NGN 25.00; write NGN 2500 if naira was meant\n",
	} {
		if code != 0 || !strings.Contains(out, want) || strings.Count(out, "note:") != 3 {
			t.Fatalf("bare amounts: exit %d; want 0 and a note of each of 100 kobo or more, %q among them:\n%s", code, want, out)
		}
	}
	// A webhooks URL's port from a variable the checking machine does not set is
	// a note, not a refusal: the CI lint failed a correct served file (a QA
	// engineer's trial). A run still refuses it.
	served := filepath.Join(t.TempDir(), "served.yaml")
	if err := os.WriteFile(served, []byte("scenario: t\nsettings: {webhooks: \"http://127.0.0.1:${SANDBANK_TEST_UNSET_PORT}/hooks\"}\ncustomers:\n  adam: {}\nsteps:\n  - connect: adam\n  - serve:\n  - expect_call: GET /accounts/{adam}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = sandbank(t, "scenario", "check", served)
	if code != 0 || !strings.Contains(out, "\n  note: "+served+":2:22: SANDBANK_TEST_UNSET_PORT is not set on this machine, so the URL was checked with a stand-in; set it (e.g. SANDBANK_TEST_UNSET_PORT=3000) before sandbank serves or runs the file, which refuses it unset, or give a default, ${SANDBANK_TEST_UNSET_PORT:-3000}\n") {
		t.Fatalf("a port from a variable not set here: exit %d; want 0 and a note:\n%s", code, out)
	}
	if out, code = sandbank(t, "scenario", "run", served); code != 2 || !strings.Contains(out, served+":2:22: SANDBANK_TEST_UNSET_PORT is not set in the environment") {
		t.Fatalf("a run of a file whose port's variable is not set: exit %d; want 2:\n%s", code, out)
	}
	// What the URL is checked for is checked all the same, with a stand-in.
	if err := os.WriteFile(served, []byte("scenario: t\nsettings: {webhooks: \"ftp://${SANDBANK_TEST_UNSET_HOST}/hooks\"}\nsteps: [{advance: 1m}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code = sandbank(t, "scenario", "check", served); code != 1 || !strings.Contains(out, "✗ "+served+":2:22: webhooks is capture") {
		t.Fatalf("a URL not http(s), its host from a variable not set here: exit %d; want 1:\n%s", code, out)
	}
	// A file that is not there, or a folder, is said in words, not as Go's open error.
	dir := filepath.Dir(bad)
	out, code = sandbank(t, "scenario", "check", filepath.Join(dir, "nope.yaml"), dir)
	if code != 1 || !strings.Contains(out, "✗ "+filepath.Join(dir, "nope.yaml")+": no such scenario file: check the path") ||
		!strings.Contains(out, "✗ "+dir+" is a folder: name the scenario files in it, e.g. "+filepath.Join(dir, "*.yaml")) || strings.Contains(out, "no such file or directory") {
		t.Fatalf("a missing file and a folder: exit %d\n%s", code, out)
	}
}

// serve --scenario --exit-when-done exits once every step has run, with 1 when one
// failed, and --junit writes a test case per step.
func TestServeScenarioExitsWhenDoneWithJUnit(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "done.yaml")
	src := "scenario: done\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: {clock: paused}\n" +
		"  - call: GET /accounts/{adam}\n    expect: {http: 200}\n" +
		"  - call: GET /accounts/{adam}\n    expect: {http: 404}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(dir, "report.xml")
	out, code := sandbank(t, "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--exit-when-done", "--junit", junit)
	if code != 1 || !strings.Contains(out, "every step has run") || !strings.Contains(out, "3 passed, 1 failed, 0 not run") {
		t.Fatalf("exit %d; want 1, having said every step ran and 3 passed, 1 failed:\n%s", code, out)
	}
	var doc struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Line    int    `xml:"line,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	raw, err := os.ReadFile(junit)
	if err != nil || xml.Unmarshal(raw, &doc) != nil || doc.Failures != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 4 {
		t.Fatalf("JUnit (%v):\n%s", err, raw)
	}
	c := doc.Suites[0].Cases[3]
	if c.Line != 9 || c.Failure == nil || !strings.Contains(c.Failure.Message, "expected 404, got 200") || doc.Suites[0].Cases[2].Failure != nil {
		t.Fatalf("the failed step's case: %+v\n%s", c, raw)
	}

	// A run that cannot start — a step before serve: fails, or the file has a
	// mistake — serves nothing and exits 2; the report and the IDs file of the run
	// before are gone, and the report says why this one did not start (it was the
	// last run's, green, or none: a QA engineer's trial).
	early := filepath.Join(dir, "early.yaml")
	if err := os.WriteFile(early, []byte(strings.Replace(src, "  - serve: {clock: paused}\n", "", 1)+"  - serve:\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(strings.Replace(src, "  - connect: adam\n", "  - conect: adam\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ids := filepath.Join(dir, "ids.json")
	for _, c := range []struct{ file, why string }{{early, "expected 404, got 200"}, {bad, `unknown step "conect"`}} {
		if err := os.WriteFile(ids, []byte(`{"stale":true}`), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(junit, raw, 0o644); err != nil { // the green report of a run before
			t.Fatal(err)
		}
		if out, code := sandbank(t, "serve", "--addr", "127.0.0.1:0", "--scenario", c.file, "--junit", junit, "--ids", ids); code != 2 {
			t.Fatalf("%s: exit %d, want 2\n%s", c.file, code, out)
		}
		if _, err := os.Stat(ids); !os.IsNotExist(err) {
			t.Errorf("%s: the IDs file of the run before is still there (%v)", c.file, err)
		}
		var rep struct {
			Errors int `xml:"errors,attr"`
			Suites []struct {
				Cases []struct {
					Error *struct {
						Message string `xml:"message,attr"`
					} `xml:"error"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		got, err := os.ReadFile(junit)
		if err != nil || xml.Unmarshal(got, &rep) != nil || rep.Errors != 1 || len(rep.Suites) != 1 || len(rep.Suites[0].Cases) != 1 ||
			rep.Suites[0].Cases[0].Error == nil || !strings.Contains(rep.Suites[0].Cases[0].Error.Message, c.why) {
			t.Fatalf("%s: the report (%v); want one error saying %q:\n%s", c.file, err, c.why, got)
		}
	}

	if out, code := sandbank(t, "serve", "--junit", junit); code != 2 || !strings.Contains(out, "go with --scenario") {
		t.Fatalf("--junit without --scenario: exit %d\n%s", code, out)
	}
}

// An IDs file in a folder that cannot be made is refused before the world is
// built, with the folder named (it failed after the whole setup, naming a
// temporary file); one in a missing folder has the folder made.
func TestServeScenarioIDsFolderMissing(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(file, []byte("scenario: ids\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: {clock: paused}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	under := filepath.Join(file, "nope") // a folder inside a file
	out, code := sandbank(t, "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--ids", filepath.Join(under, "ids.json"))
	if code != 2 || !strings.Contains(out, "its folder "+under+" cannot be made (not a directory)") || strings.Contains(out, ".ids.json.") {
		t.Fatalf("exit %d; want 2, saying the folder cannot be made:\n%s", code, out)
	}
	ids := filepath.Join(dir, "out", "ids.json")
	out, code = sandbank(t, "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--ids", ids, "--exit-when-done")
	if b, err := os.ReadFile(ids); code != 0 || err != nil || !strings.Contains(string(b), `"adam"`) {
		t.Fatalf("exit %d, %v; want the IDs written into a folder made for them:\n%s", code, err, out)
	}
}

// The IDs file holds the names as serve: leaves them, whatever the steps after it
// do meanwhile (read once they had started, a password changed after serve: was
// in it one run in five).
func TestServeScenarioIDsAreAtServe(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	src := "scenario: ids at serve\ncustomers:\n  adam: {institution: \"044\", password: Before-1234}\nsteps:\n  - connect: adam\n" +
		"  - serve: {clock: paused}\n  - bank: adam\n    password: After-5678\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ids := filepath.Join(dir, "ids.json")
	if out, code := sandbank(t, "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--ids", ids, "--exit-when-done"); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	var v struct {
		Customers map[string]struct{ Password string }
	}
	raw, err := os.ReadFile(ids)
	if err != nil || json.Unmarshal(raw, &v) != nil || v.Customers["adam"].Password != "Before-1234" {
		t.Fatalf("ids.json (%v): %s; want adam's password as at serve:, Before-1234", err, raw)
	}
	if fi, err := os.Stat(ids); err != nil || fi.Mode().Perm() != 0o600 { // it holds the secret key
		t.Fatalf("ids.json mode %v (%v); want 0600", fi.Mode().Perm(), err)
	}
}

// A webhook: step that sandbank's stop cut short says what held its webhooks up
// when it knows — the commonest way a CI run ends is its stop, and a receiver down
// was said only when the step's window ran out (a QA engineer's trial).
func TestServedWebhookStepStoppedSaysWhatHeldItUp(t *testing.T) {
	dir := t.TempDir()
	// Port 1: nothing listens there, and no test's server is ever handed it. A
	// port closed after 127.0.0.1:0 chose it could be handed to a server of a
	// test running beside it, which took the delivery and never answered: it
	// timed out, not refused (a CI run).
	down := "http://127.0.0.1:1/hooks"
	file := filepath.Join(dir, "down.yaml")
	src := "scenario: receiver down\nsettings: {webhooks: \"" + down + "\"}\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n" +
		"  - serve: {clock: paused}\n  - webhook: account_updated\n    account: adam\n    within: 1h\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ids, junit := filepath.Join(dir, "ids.json"), filepath.Join(dir, "report.xml")
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--ids", ids, "--junit", junit)
	cmd.Env = append(os.Environ(), "SANDBANK_MAIN=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var served struct {
		API  string
		Keys map[string]string
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) { // polling the process's files and port
		if b, err := os.ReadFile(ids); err == nil && json.Unmarshal(b, &served) == nil {
			req, _ := http.NewRequest("GET", served.API+"/sandbox/webhooks", nil)
			req.Header.Set("mono-sec-key", served.Keys["secret"])
			if resp, err := http.DefaultClient.Do(req); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if bytes.Contains(b, []byte(`"attempts_made":1`)) { // account_connected's first attempt has failed
					break
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the served run never made its first webhook attempt:\n%s", out.String())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	report, err := os.ReadFile(junit)
	if err != nil {
		t.Fatalf("no report: %v\n%s", err, out.String())
	}
	for _, want := range []string{"sandbank was stopped before this step&#39;s webhooks arrived", "account_connected", "is still waiting for delivery", "nothing is listening there",
		"the clock is paused, so that attempt comes only once the clock is moved there: POST /sandbox/clock"} {
		if !bytes.Contains(report, []byte(want)) {
			t.Errorf("the report does not say %q:\n%s", want, report)
		}
	}
	// Once: the step's own failure and the outbox's account both named it.
	if n := bytes.Count(report, []byte("is still waiting for delivery")); n != 2 { // the error's message and its text
		t.Errorf("the report says %d times that the event is still waiting; want it once in the message and once in the text:\n%s", n, report)
	}
	// Times are wall times: the serving's, and the webhook step's wait, which
	// lasted until the signal (every one read 0.000: a QA engineer's trial).
	var doc struct {
		Suites []struct {
			Time  float64 `xml:"time,attr"`
			Cases []struct {
				Name string  `xml:"name,attr"`
				Time float64 `xml:"time,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(report, &doc); err != nil || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 3 {
		t.Fatalf("JUnit (%v):\n%s", err, report)
	}
	suite, hook := doc.Suites[0], doc.Suites[0].Cases[2]
	if suite.Time <= 0 || hook.Time <= 0 || hook.Time > suite.Time {
		t.Errorf("suite time %v, the webhook step's %v: want both above 0, the step's within the suite's:\n%s", suite.Time, hook.Time, report)
	}
}

// serve's first Ctrl+C shuts down in order — which may wait for a webhook attempt
// under way, up to its 10 s — and says a second one stops at once; the second was
// ignored (a QA engineer's trial). Here the receiver takes the app's sync's webhook
// and never answers: the second Ctrl+C ends the process at once, with 130.
//
// A second SIGTERM does not: GNU timeout sends its SIGTERM to the process and
// again to its group, and that pair stopped sandbank at once, with 130 and no
// JUnit report (an operator's trial, 7 runs in 30). It shuts down in order, once
// the webhook's attempt ends.
//
// Nor does a SIGINT that comes again at once: GNU timeout -s INT sends it to the
// process and to its group, and the copy stopped sandbank at once (2 runs in 6,
// an operator's trial). One within half a second of the first is the same one.
func TestServeSecondInterruptStopsAtOnce(t *testing.T) {
	t.Run("Ctrl+C twice", func(t *testing.T) { serveSignalledTwice(t, os.Interrupt, false) })
	t.Run("SIGTERM twice", func(t *testing.T) { serveSignalledTwice(t, syscall.SIGTERM, false) })
	t.Run("SIGINT doubled", func(t *testing.T) { serveSignalledTwice(t, os.Interrupt, true) })
}

// serveSignalledTwice sends sig, then sig again once the first is said: a second
// Ctrl+C, or (doubled) the first's copy, which comes as soon.
func serveSignalledTwice(t *testing.T, sig os.Signal, doubled bool) {
	took, release := make(chan struct{}, 16), make(chan struct{})
	var hanging atomic.Bool
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hanging.Load() {
			return // the connect's webhooks: taken at once
		}
		took <- struct{}{} // the app's sync's: taken, and never answered
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release) // before Close, which waits for the handler
	dir := t.TempDir()
	file := filepath.Join(dir, "hang.yaml")
	src := "scenario: a receiver that stops answering\nsettings: {webhooks: \"" + hang.URL + "/hooks\"}\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: {clock: paused}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(dir, "report.xml")
	// The second signal comes as soon as the first is said: a second Ctrl+C by a
	// hand comes later than the gap, which the test shortens to none — but for the
	// doubled signal, which is the first's copy.
	gap := []string{"SANDBANK_SIGNAL_GAP=0s"}
	if doubled {
		gap = nil
	}
	cmd, out := runSandbank(t, nil, gap, "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--junit", junit)
	defer cmd.Process.Kill() // before the receiver's Close
	waitFor := func(what, text string) {
		t.Helper()
		awaitOutput(t, out, what, text)
	}
	waitFor("never served", "steps up to serve: have run")
	// The app's doing: money in at the bank, a sync, and its webhook's attempt.
	api := regexp.MustCompile(`serving the Data Sync sandbox API on (http://\S+)`).FindStringSubmatch(out.String())
	if api == nil {
		t.Fatalf("no API address:\n%s", out.String())
	}
	call := func(method, path, body string) []byte {
		req, _ := http.NewRequest(method, api[1]+path, strings.NewReader(body))
		req.Header.Set("mono-sec-key", "test_sk_sandbank_scenario")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	var accounts struct {
		Data []struct {
			Account struct {
				ID string `json:"_id"`
			}
			Customer string
		}
	}
	if err := json.Unmarshal(call("GET", "/sandbox/accounts", ""), &accounts); err != nil || len(accounts.Data) != 1 {
		t.Fatalf("the served accounts: %+v, %v", accounts, err)
	}
	call("POST", "/sandbox/customers/"+accounts.Data[0].Customer+"/transactions", `{"type":"credit","amount":10000}`)
	hanging.Store(true)
	call("POST", "/accounts/"+accounts.Data[0].Account.ID+"/sync", "")
	select { // account_updated's attempt is under way, and will wait
	case <-took:
	case <-time.After(20 * time.Second):
		t.Fatalf("no webhook attempt of the sync came:\n%s", out.String())
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	if sig == os.Interrupt {
		waitFor("the first Ctrl+C did not say a second stops at once", "a second Ctrl+C stops at once")
	} else {
		waitFor("SIGTERM did not say Ctrl+C stops at once", "sandbank: shutting down on SIGTERM; a Ctrl+C now stops at once")
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	if sig == os.Interrupt && !doubled {
		err := cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(out.String(), "sandbank: stopped at once") {
			t.Fatalf("after a second Ctrl+C: %v (exit %d); want 130, stopped at once\n%s", err, code, out.String())
		}
		// The report says so: it was missing, a CI job left with nothing.
		if report, err := os.ReadFile(junit); err != nil || !strings.Contains(string(report), "stopped at once by a second Ctrl+C") {
			t.Fatalf("the JUnit report after a second Ctrl+C (%v):\n%s", err, report)
		}
		return
	}
	// It says what it waits for — it waited in silence — and goes on once the
	// webhook's attempt ends.
	awaitOutput(t, out, "the shutdown did not say it waits for the webhook attempt", "waiting for the webhook attempts under way to end")
	release <- struct{}{}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 0 || strings.Contains(out.String(), "stopped at once") {
		t.Fatalf("after %s twice (doubled %v): %v (exit %d); want the shutdown in order, exit 0\n%s", sig, doubled, err, code, out.String())
	}
}

// `scenario run` counts a file that stops at serve: as skipped, as its JUnit case
// says: counted as passed, its steps that wait for an app read as checked.
func TestScenarioRunCountsAServedFileSkipped(t *testing.T) {
	file := filepath.Join(t.TempDir(), "served.yaml")
	src := "scenario: served\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: {clock: paused}\n  - expect_call: GET /accounts/{adam}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := sandbank(t, "scenario", "run", file, "fixtures/mr-adam.yaml")
	if code != 0 || !strings.HasSuffix(out, "\n1 passed, 0 failed, 1 skipped (stopped at serve:, waiting for an app)\n") ||
		!strings.Contains(out, "– "+file+" — served (1 step up to serve: passed") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// Only served files: exit 0 still, but saying nothing past serve: was checked
	// (a QA engineer's trial: "0 passed, 0 failed, 2 skipped" went green).
	out, code = sandbank(t, "scenario", "run", file)
	if code != 0 || !strings.HasSuffix(out, "\n0 passed, 0 failed, 1 skipped (stopped at serve:, waiting for an app); nothing after a serve: step was checked: sandbank serve --scenario FILE runs one against your app\n") {
		t.Fatalf("only a served file: exit %d:\n%s", code, out)
	}
}

// A file refused before it runs has its transcript say why, as the terminal
// does: it was left empty (a QA engineer's trial).
func TestScenarioRunRefusedFileTranscriptSaysWhy(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "typo.yaml")
	if err := os.WriteFile(file, []byte("scenario: typo\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - conect: adam\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := sandbank(t, "scenario", "run", "--transcript", filepath.Join(dir, "tr"), "--junit", filepath.Join(dir, "x.xml"), file)
	tr, err := os.ReadFile(filepath.Join(dir, "tr", "typo.txt"))
	refusal := "✗ " + file + ":5:5: unknown step \"conect\" (did you mean \"connect\"?)"
	if code != 2 || err != nil || !strings.Contains(out, refusal) || !strings.HasPrefix(string(tr), refusal) || !strings.Contains(out, string(tr)) {
		t.Fatalf("exit %d, %v; the transcript says %q:\n%s", code, err, tr, out)
	}
}

// `sandbank --version` says what was built, with the Go that built it, and exits 0
// — there was no way to tell which sandbank a bug report came from.
func TestVersionFlag(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"serve", "--version"}} {
		out, code := sandbank(t, args...)
		if code != 0 || !strings.HasPrefix(out, "sandbank ") || !strings.HasSuffix(out, ", built with "+runtime.Version()+"\n") {
			t.Fatalf("%v: exit %d:\n%s", args, code, out)
		}
	}
}

// serve --scenario takes --secret-key (or $SANDBANK_SECRET_KEY) as the served
// world's key, in place of the file's, and refuses --seed and --db, which it
// silently did not use (an operator's trial): the world is the file's.
func TestServedScenarioTakesTheSecretKeyAndRefusesWorldFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "served.yaml")
	src := "scenario: served\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: {clock: paused}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ flag, value, want string }{
		{"--seed", "5", "write seed: 5 at the top of " + file},
		{"--seed", "2021", "write seed: 2021 at the top of "}, // the default's value, given
		{"--db", filepath.Join(t.TempDir(), "mine.db"), "a throw-away database of its own"},
		{"--secret-key", "short", "or none to serve the file's (keys: secret:, else test_sk_sandbank_scenario)"},
	} {
		out, code := sandbank(t, "serve", "--addr", "127.0.0.1:0", "--scenario", file, tc.flag+"="+tc.value)
		if code != 2 || tc.flag != "--secret-key" && !strings.Contains(out, tc.flag+" does not apply to serve --scenario") || !strings.Contains(out, tc.want) {
			t.Errorf("%s %s: exit %d:\n%s", tc.flag, tc.value, code, out)
		}
	}
	// Neither is taken as given when it was not: with $HOME unset, the default
	// database path is another, and was read as a --db given.
	noHome := exec.Command(os.Args[0], "-test.run=^$", "--", "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--exit-when-done")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_DATA_HOME=") {
			noHome.Env = append(noHome.Env, kv)
		}
	}
	noHome.Env = append(noHome.Env, "SANDBANK_MAIN=1")
	if out, err := noHome.CombinedOutput(); err != nil {
		t.Errorf("serve --scenario with $HOME unset: %v\n%s", err, out)
	}

	const key = "test_sk_my_apps_own_key"
	cmd, out := runSandbank(t, nil, []string{"SANDBANK_SECRET_KEY=" + key}, "serve", "--addr", "127.0.0.1:0", "--scenario", file)
	awaitOutput(t, out, "never served", "steps up to serve: have run")
	api := regexp.MustCompile(`serving the Data Sync sandbox API on (http://\S+)`).FindStringSubmatch(out.String())
	if api == nil {
		t.Fatalf("no API address:\n%s", out.String())
	}
	for k, want := range map[string]int{key: http.StatusOK, "test_sk_sandbank_scenario": http.StatusUnauthorized} {
		req, _ := http.NewRequest("GET", api[1]+"/sandbox/accounts", nil)
		req.Header.Set("mono-sec-key", k)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET /sandbox/accounts with %s = %d; want %d", k, resp.StatusCode, want)
		}
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
}

// A served scenario given the machine's secret key (--secret-key or
// $SANDBANK_SECRET_KEY) refuses {keys.secret}: a file wrote it into a webhook URL
// of its choosing, and the key went to that host (a security review). With the
// file's own key, {keys.secret} is the file's to write.
func TestServedScenarioKeepsAGivenSecretKeyToItself(t *testing.T) {
	file := filepath.Join(t.TempDir(), "exfil.yaml")
	src := "scenario: exfil\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n" +
		"  - call: PATCH /sandbox/settings\n    body: {webhook_url: \"http://127.0.0.1:9/h/{keys.secret}\"}\n" +
		"  - connect: adam\n  - serve: {clock: paused}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd, out := runSandbank(t, nil, []string{"SANDBANK_SECRET_KEY=test_sk_my_apps_own_key"}, "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--exit-when-done")
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(out.String(), "{keys.secret} is the secret key given to serve (--secret-key or $SANDBANK_SECRET_KEY)") ||
		strings.Contains(out.String(), "test_sk_my_apps_own_key") {
		t.Fatalf("a served file that writes a given key into a webhook URL: %v\n%s", err, out.String())
	}
	out2, code := sandbank(t, "scenario", "check", file)
	if code != 0 {
		t.Fatalf("the same file, with its own key: exit %d\n%s", code, out2)
	}
	cmd, out = runSandbank(t, nil, nil, "serve", "--addr", "127.0.0.1:0", "--scenario", file)
	awaitOutput(t, out, "never served", "steps up to serve: have run")
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
}

// --seed 0 is refused: it reads as no seed given, which opens a database with
// its own seed, so given it opened any (a review).
func TestSeedZeroIsRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	out, code := sandbank(t, "serve", "--seed", "0", "--addr", "127.0.0.1:0", "--db", db)
	if code != 2 || !strings.Contains(out, "--seed 0 is not a seed: give a whole number from 1 to 4611686018427387904") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("a database was made: %v", err)
	}
	// Nor one below 1 or past a scenario file's largest: -1 and 2^63-1 made
	// worlds no scenario file could write (a bad-input trial).
	for _, seed := range []string{"-1", "9223372036854775807"} {
		out, code := sandbank(t, "serve", "--seed="+seed, "--addr", "127.0.0.1:0", "--db", db)
		if code != 2 || !strings.Contains(out, "--seed "+seed+" is not a seed") {
			t.Fatalf("--seed=%s: exit %d:\n%s", seed, code, out)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("a database was made: %v", err)
	}
}

// serve --scenario --exit-when-done stopped before every step has run exits 2,
// saying what did not run: it exited 0, so a CI job that stopped a served scenario
// in the middle of its steps went green, where scenario run stopped so exits 2 (an
// operator's trial). Without --exit-when-done a stop is how serving ends: 0.
func TestServeExitWhenDoneStoppedFirstFails(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "later.yaml")
	src := "scenario: a step the clock has not reached\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: {clock: paused}\n" +
		"  - at: +2d\n  - call: GET /accounts/{adam}\n    expect: {http: 200}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		flags []string
		code  int
		says  string
	}{
		{[]string{"--exit-when-done"}, 2, "stopped before every step had run (--exit-when-done): 2 steps did not run"},
		{nil, 0, "2 passed, 0 failed, 2 not run"},
	} {
		cmd, out := runSandbank(t, nil, nil, append([]string{"serve", "--addr", "127.0.0.1:0", "--scenario", file}, c.flags...)...)
		awaitOutput(t, out, "never served", "steps up to serve: have run")
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != c.code || !strings.Contains(out.String(), c.says) {
			t.Errorf("%v, stopped before its at: step: exit %d; want %d, saying %q\n%s", c.flags, code, c.code, c.says, out.String())
		}
	}
}

// --log-level and --log-format: serve's log keeps what the level says, in the form
// asked. At info each request is a line (here, JSON that a collector reads as is);
// at warn the same requests leave none.
func TestServeLogLevelAndFormat(t *testing.T) {
	serveAndLog := func(t *testing.T, flags ...string) string {
		t.Helper()
		db := filepath.Join(t.TempDir(), "sandbank.db")
		cmd, out := runSandbank(t, nil, nil, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, flags...)...)
		awaitOutput(t, out, "never served", "serving the Data Sync sandbox API on")
		api := regexp.MustCompile(`serving the Data Sync sandbox API on (http://\S+)`).FindStringSubmatch(out.String())
		if api == nil {
			t.Fatalf("no API address:\n%s", out.String())
		}
		for _, path := range []string{"/", "/sandbox/customers"} { // 200, and 401 without a key
			resp, err := http.Get(api[1] + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%v:\n%s", err, out.String())
		}
		return out.String()
	}
	t.Run("info json", func(t *testing.T) {
		out := serveAndLog(t, "--log-format", "json")
		var requests []string
		for _, line := range strings.Split(out, "\n") {
			if !strings.HasPrefix(line, "{") {
				continue // the banner, on stdout, and what serve says of its stop
			}
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("a log line that is not JSON: %v\n%s", err, line)
			}
			if rec["msg"] == "request" {
				requests = append(requests, fmt.Sprint(rec["route"], " ", rec["status"]))
				if d, ok := rec["dur"].(string); !ok || !regexp.MustCompile(`^[0-9.]+(ns|µs|ms|s)$`).MatchString(d) {
					t.Errorf("a request's dur is %#v, want it with its unit, as the text form writes it", rec["dur"])
				}
			}
		}
		if len(requests) != 2 || !strings.HasSuffix(requests[0], " 200") || !strings.HasSuffix(requests[1], "/sandbox/customers 401") {
			t.Fatalf("requests logged: %q\n%s", requests, out)
		}
	})
	t.Run("warn", func(t *testing.T) {
		out := serveAndLog(t, "--log-level", "warn")
		if strings.Contains(out, "msg=request") || strings.Contains(out, "level=INFO") {
			t.Fatalf("info lines at --log-level warn:\n%s", out)
		}
	})
	t.Run("refused", func(t *testing.T) {
		out, code := sandbank(t, "serve", "--log-level", "loud", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "x.db"))
		if code != 2 || !strings.Contains(out, "--log-level") || !strings.Contains(out, `"info","warn","error" but got "loud"`) {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
}

// A stop that finds a step waiting for the app, under --exit-when-done, says the
// run is not done (exit 2), and so does the JUnit report (errors, not a failure
// or a skip): the step failed only for the stop. It exited 1, as a step the app
// failed does, so a CI job could not tell its timeout from a broken app; and a
// report of steps not run read green (an operator's trial).
func TestServeExitWhenDoneStoppedWhileAStepWaits(t *testing.T) {
	dir := t.TempDir()
	file, junit := filepath.Join(dir, "waits.yaml"), filepath.Join(dir, "junit.xml")
	src := "scenario: the app has not called yet\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: {clock: paused}\n" +
		"  - expect_call: GET /accounts/{adam}\n  - sync: adam\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd, out := runSandbank(t, nil, nil, "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--exit-when-done", "--junit", junit)
	awaitOutput(t, out, "never served", "steps up to serve: have run")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	says := "stopped before every step had run (--exit-when-done): step 3 (expect_call: GET /accounts/{adam}) was still waiting, and 1 step after it did not run"
	if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(out.String(), says) {
		t.Fatalf("exit %d; want 2, saying %q\n%s", code, says, out.String())
	}
	// The summary agrees: it counted the waiting step failed (a Go developer's trial).
	if sum := "2 passed, 0 failed, 1 not done (still waiting when stopped), 1 not run"; !strings.Contains(out.String(), sum) {
		t.Fatalf("the summary is not %q:\n%s", sum, out.String())
	}
	// And so does the step's mark: it was ✗ beside "0 failed" (a QA engineer's trial).
	if mark := "⊘ " + file + ":7 step 3 (expect_call: GET /accounts/{adam}): not done: "; !strings.Contains(out.String(), mark) || strings.Contains(out.String(), "✗") {
		t.Fatalf("the waiting step is not marked %q:\n%s", mark, out.String())
	}
	report, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(report, []byte(`failures="0" errors="2" skipped="0"`)) {
		t.Fatalf("the JUnit report does not count the waiting step and the one not run as errors:\n%s", report)
	}
}

// scenario play without a terminal says the ways to run the file without one: the
// TUI's advice named `sandbank serve`, which serves no scenario (an operator's trial).
func TestScenarioPlayWithoutATerminalSaysWhatRunsIt(t *testing.T) {
	out, code := sandbank(t, "scenario", "play", "fixtures/mr-adam.yaml")
	if code != 2 || !strings.Contains(out, "`sandbank scenario run fixtures/mr-adam.yaml` plays it headless, and `sandbank serve --scenario fixtures/mr-adam.yaml` serves it to an app") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// serve --scenario --exit-when-done delivers the webhooks the app's last call set
// off before the port closes: which webhooks an app got changed from run to run (a
// Go developer's trial). The receiver takes its time over each, as a real one
// does, so that the real-time job's second webhook is still queued when the last
// step passes.
func TestServeExitWhenDoneDeliversTheLastWebhooks(t *testing.T) {
	var got atomic.Int64
	var sawUpdate atomic.Bool
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		time.Sleep(100 * time.Millisecond) // a receiver's own work, not the test waiting
		got.Add(1)
		if strings.Contains(string(body), "jobs.update") {
			sawUpdate.Store(true) // the job's last event, after its account_updated
		}
	}))
	defer recv.Close()
	dir := t.TempDir()
	file, ids := filepath.Join(dir, "last.yaml"), filepath.Join(dir, "ids.json")
	src := "scenario: last webhooks\nsettings: {webhooks: \"" + recv.URL + "/hooks\"}\ncustomers:\n  adam: {institution: \"044\", balance: \"NGN 10,000\"}\nsteps:\n" +
		"  - connect: adam\n  - serve: {clock: paused}\n  - bank: adam\n    credit: \"NGN 2,500\"\n  - expect_call: GET /v2/accounts/{adam}/balance\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd, out := runSandbank(t, nil, nil, "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--exit-when-done", "--ids", ids)
	awaitOutput(t, out, "never served", "steps up to serve: have run")
	raw, err := os.ReadFile(ids)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		API      string
		Keys     struct{ Secret string }
		Accounts map[string]struct{ ID string }
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", doc.API+"/v2/accounts/"+doc.Accounts["adam"].ID+"/balance", nil)
	req.Header.Set("mono-sec-key", doc.Keys.Secret)
	req.Header.Set("x-realtime", "true")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if !sawUpdate.Load() {
		t.Fatalf("the receiver got %d webhooks, not the real-time job's jobs.update:\n%s", got.Load(), out.String())
	}
}

// `sandbank scenario run` says under a file's line that a webhook: step matched
// one made before a clock move — after the line, and after what it says of a
// failure, not as a part of it (a QA engineer's trial; a review).
func TestScenarioRunSaysAnEarlierWebhook(t *testing.T) {
	file := filepath.Join(t.TempDir(), "jump.yaml")
	src := "scenario: jump\nstart: 2024-01-25T09:00:00+01:00\nsettings: {data_sync: enabled, webhooks: capture, auto_sync: 24h}\n" +
		"customers:\n  kemi: {institution: \"011\"}\nsteps:\n  - connect: kemi\n  - advance: 6h\n  - webhook: account_updated\n    account: kemi\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := sandbank(t, "scenario", "run", file)
	want := "✓ " + file + " — jump (3 steps, 6h simulated)\n  ⚠ " + file + ":9:5 step 3 (webhook: account_updated) matched account_updated — made at 2024-01-25T08:00:00Z, before step 2 (advance: 6h) moved the clock"
	if code != 0 || !strings.HasPrefix(out, want) {
		t.Fatalf("exit %d:\n%s\nwant it to begin\n%s", code, out, want)
	}
}

// Transcript names: a file's base name, or, for files whose base names meet, the
// path below the folder they share; names that still meet, case-blind as on macOS
// and Windows, are refused naming both and the transcript (reviews).
func TestTranscriptNames(t *testing.T) {
	for _, tc := range []struct {
		files []string
		want  map[string]string
		err   string
	}{
		{[]string{"a/x.yaml", "b/y.yml"}, map[string]string{"a/x.yaml": "x.txt", "b/y.yml": "y.txt"}, ""},
		{[]string{"s/v1/x.yaml", "s/v2/x.yaml", "y.yaml"}, map[string]string{"s/v1/x.yaml": "v1/x.txt", "s/v2/x.yaml": "v2/x.txt", "y.yaml": "y.txt"}, ""},
		{[]string{"s/x.yaml", "s/deep/er/x.yaml"}, map[string]string{"s/x.yaml": "x.txt", "s/deep/er/x.yaml": "deep/er/x.txt"}, ""},
		{[]string{"/x.yaml", "/tmp/x.yaml"}, map[string]string{"/x.yaml": "x.txt", "/tmp/x.yaml": "tmp/x.txt"}, ""},
		{[]string{"s/x.yaml", "s/x.yml"}, nil, "s/x.yaml and s/x.yml would both write the transcript x.txt"},
		{[]string{"s/V1/x.yaml", "s/v1/x.yaml"}, nil, "s/V1/x.yaml and s/v1/x.yaml would both write the transcript v1/x.txt"},
		{[]string{"s/X.yaml", "s/x.yaml"}, nil, "s/X.yaml and s/x.yaml would both write the transcript x.txt"},
	} {
		got, err := transcriptNames(tc.files)
		switch {
		case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
			t.Errorf("%v: %v; want an error %q", tc.files, err, tc.err)
		case tc.err == "" && (err != nil || !maps.Equal(got, tc.want)):
			t.Errorf("%v: %v, %v; want %v", tc.files, got, err, tc.want)
		}
	}
}
