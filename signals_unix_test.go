//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// `scenario run … | head -1`: the pipe closes after the first line, and the next
// write killed the run with SIGPIPE before its JUnit report was written. The run
// goes on to its end, its report written, its exit status its own.
func TestScenarioRunOutlivesAClosedPipe(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "report.xml")
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "scenario", "run", "--junit", junit, "fixtures/mr-adam.yaml")
	cmd.Env = append(os.Environ(), "SANDBANK_MAIN=1")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // as head does once it has its line
	cmd.Stdout = w
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	w.Close()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if st, ok := exit.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			t.Fatalf("the run was killed by %v:\n%s", st.Signal(), stderr.String())
		}
	}
	if err != nil {
		t.Fatalf("the run: %v\n%s", err, stderr.String())
	}
	report, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(report), `failures="0"`) {
		t.Fatalf("the JUnit report (%v):\n%s", err, report)
	}
}

// `nohup sandbank serve &`: SIGHUP, ignored when sandbank started, stays ignored —
// Notify took it back, so closing the terminal stopped a server nohup was to keep.
// Here SIGHUP then Ctrl+C: the Ctrl+C is the first signal serve sees.
func TestServeUnderNohupIgnoresHangup(t *testing.T) {
	if _, err := exec.LookPath("nohup"); err != nil {
		t.Fatal("nohup (coreutils) is needed:", err)
	}
	db := filepath.Join(t.TempDir(), "sandbank.db")
	cmd := exec.Command("nohup", os.Args[0], "-test.run=^$", "--", "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), "SANDBANK_MAIN=1")
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), "serving the Data Sync sandbox API on"); time.Sleep(10 * time.Millisecond) { // polling the process's output
		if time.Now().After(deadline) {
			t.Fatalf("never served:\n%s", out.String())
		}
	}
	for _, sig := range []os.Signal{syscall.SIGHUP, os.Interrupt} {
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
	}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 0 || !strings.Contains(out.String(), shuttingDown) || strings.Contains(out.String(), "stopped at once") {
		t.Fatalf("after SIGHUP and Ctrl+C under nohup: %v (exit %d); want the Ctrl+C's shutdown in order, exit 0\n%s", err, code, out.String())
	}
}
