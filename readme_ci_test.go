package main

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The README's CI loop for serving a scenario to an app's tests, run as written —
// the real binary in the background, ids.json awaited, the app's tests, SIGTERM,
// the exit status — with fixtures/served/app-test.sh (curl and jq) in place of
// `npm test` against fixtures/served/app-syncs.yaml. Its exit status is 0 when the
// app did its part, and 1 when it did nothing (the scenario's first expect_call:
// still waited at the stop), with the JUnit report saying so each time. It skips
// without curl or jq unless SANDBANK_REQUIRE_JQ=1 (CI).
func TestReadmeCILoop(t *testing.T) {
	needShellTools(t)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i := strings.Index(text, "the port closes then. In CI:\n\n```sh\n")
	if i < 0 {
		t.Fatal("the README's CI loop for serve --scenario is gone")
	}
	loop := text[i+strings.Index(text[i:], "```sh\n")+len("```sh\n"):]
	loop = loop[:strings.Index(loop, "```")]
	for _, part := range []string{"./sandbank serve --scenario my-case.yaml ", "npm test"} {
		if !strings.Contains(loop, part) {
			t.Fatalf("the README's CI loop has no %q:\n%s", part, loop)
		}
	}
	fixture, _ := filepath.Abs("fixtures/served/app-syncs.yaml")
	appTest, _ := filepath.Abs("fixtures/served/app-test.sh")

	for _, tc := range []struct {
		name, app               string
		exit, failures, skipped int
	}{
		{"the app does its part", "bash " + appTest, 0, 0, 0},
		// Nothing calls: the first expect_call: still waits when the loop stops
		// sandbank, and fails; the steps after it are not run.
		{"the app does nothing", "true", 1, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// ./sandbank is this test binary as sandbank; exec keeps its PID, which the loop signals.
			wrapper := "#!/bin/sh\nSANDBANK_MAIN=1 exec '" + os.Args[0] + "' -test.run='^$' -- \"$@\"\n"
			if err := os.WriteFile(filepath.Join(dir, "sandbank"), []byte(wrapper), 0o755); err != nil {
				t.Fatal(err)
			}
			script := strings.Replace(loop, "./sandbank serve --scenario my-case.yaml ", "./sandbank serve --addr 127.0.0.1:0 --scenario '"+fixture+"' ", 1)
			script = strings.Replace(script, "npm test", tc.app, 1)
			cmd := exec.Command("bash", "-c", script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "TMPDIR="+dir, "XDG_DATA_HOME="+dir)
			out, err := cmd.CombinedOutput()
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.exit {
				t.Fatalf("the loop exited %d, want %d:\n%s", code, tc.exit, out)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "scenario.xml"))
			if err != nil {
				t.Fatalf("no JUnit report: %v\n%s", err, out)
			}
			var suites struct {
				Suites []struct {
					Tests    int `xml:"tests,attr"`
					Failures int `xml:"failures,attr"`
					Skipped  int `xml:"skipped,attr"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(raw, &suites); err != nil || len(suites.Suites) != 1 {
				t.Fatalf("JUnit report (%v):\n%s", err, raw)
			}
			if s := suites.Suites[0]; s.Tests != 6 || s.Failures != tc.failures || s.Skipped != tc.skipped {
				t.Fatalf("JUnit: %d tests, %d failures, %d skipped; want 6, %d and %d:\n%s\n%s", s.Tests, s.Failures, s.Skipped, tc.failures, tc.skipped, raw, out)
			}
		})
	}
}

// The README's first API calls run as written, against a sandbank holding the
// demo world, on its port and with its key: the sync's ID was a placeholder to
// replace by hand (a newcomer's trial).
func TestReadmeFirstAPICalls(t *testing.T) {
	needShellTools(t)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i := strings.Index(text, "## Point your app at it")
	if i < 0 {
		t.Fatal(`the README's "Point your app at it" is gone`)
	}
	block := text[i:]
	block = block[strings.Index(block, "```sh\n")+len("```sh\n"):]
	block = block[:strings.Index(block, "```")]
	if !strings.Contains(block, "export KEY=test_sk_…") || !strings.Contains(block, "127.0.0.1:7070") {
		t.Fatalf("the block does not set KEY or call 127.0.0.1:7070 as the test expects:\n%s", block)
	}
	for _, l := range strings.Split(block, "\n") {
		if f := strings.Fields(l); len(f) > 0 && (f[0] == "go" || f[0] == "sandbank" || f[0] == "./sandbank") {
			// Run here it would serve on the default port and database until killed.
			t.Fatalf("the block starts sandbank (%q): the test runs its calls against one of its own", l)
		}
	}
	m := NewMain(Options{DB: filepath.Join(t.TempDir(), "sandbank.db"), Addr: "127.0.0.1:0", SecretKey: mainSecretKey, Start: mainStart})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	script := strings.NewReplacer("test_sk_…", mainSecretKey, "127.0.0.1:7070", m.Addr()).Replace(block)
	out, err := exec.Command("bash", "-euo", "pipefail", "-c", script).CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), `"status":"successful","hasNewData":false,"code":"SYNC_SUCCESSFUL","message":"synced: no new data"}`) {
		t.Fatalf("the README's first calls (%v):\n%s\n---\n%s", err, script, out)
	}
}

// needShellTools skips the test without bash, curl or jq, unless
// SANDBANK_REQUIRE_JQ=1 (CI) makes it fail instead.
func needShellTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("SANDBANK_REQUIRE_JQ") == "1" {
				t.Fatalf("%s is required (SANDBANK_REQUIRE_JQ=1) but not installed", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
}
