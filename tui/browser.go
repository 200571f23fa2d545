package tui

import (
	"errors"
	"os/exec"
	"runtime"
)

// OpenBrowser opens url in the system's browser, as a desktop's "open" does:
// xdg-open on Linux and the BSDs, open on macOS, the URL handler on Windows. It
// returns once the opener has started, without waiting for the browser.
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
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // reap it; the browser lives on
	return nil
}
