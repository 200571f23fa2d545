package tui

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// openerPatience is how long OpenBrowser waits for the opener to say how it went: an
// opener that hands the URL to a browser exits at once, one that fails (xdg-open
// with no browser to run: exit 3, "no method available") too; one still running
// after this has started the browser in its place.
var openerPatience = 3 * time.Second

// OpenBrowser opens url in the system's browser, as a desktop's "open" does:
// xdg-open on Linux and the BSDs, open on macOS, the URL handler on Windows. It
// returns once the opener has handed the URL on (or is still at it after
// openerPatience), and an error, saying why, when the opener failed.
func OpenBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		if _, err := exec.LookPath("xdg-open"); err != nil {
			return errors.New("no xdg-open on this system")
		}
		cmd = exec.Command("xdg-open", url)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }() // reap it; the browser lives on
	select {
	case err := <-done:
		if err != nil {
			return openerFailed(cmd.Args[0], err, stderr.String())
		}
		return nil
	case <-time.After(openerPatience):
		return nil
	}
}

// openerFailed says in one short line why the opener failed: xdg-open with no
// browser to run writes a line for each it tried ("links2: not found", then shell
// debris), which filled the widget's box past the screen.
func openerFailed(opener string, err error, stderr string) error {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, l := range lines {
		if strings.Contains(l, "no method available") { // xdg-open's own verdict
			return errors.New(clipLine(strings.TrimSpace(l)))
		}
	}
	var exit *exec.ExitError
	if opener == "xdg-open" && errors.As(err, &exit) && exit.ExitCode() == 3 {
		return errors.New("xdg-open found no browser to run")
	}
	why := err.Error()
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		why = last
	}
	return fmt.Errorf("%s: %s", opener, clipLine(why))
}

// clipLine keeps a line to 100 characters.
func clipLine(why string) string {
	if r := []rune(why); len(r) > 100 {
		why = string(r[:99]) + "…"
	}
	return why
}
