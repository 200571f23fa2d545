package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sandbank serve --public-url: the links its answers give name the public URL,
// a tunnel's, not 127.0.0.1, which a phone opening mono_url or a client following
// meta.next cannot reach (a v2 developer's trial); the banner says it, under the
// first line that scripts read for the port.
func TestServePublicURLNamesTheLinks(t *testing.T) {
	const public = "https://abc.example"
	db := filepath.Join(t.TempDir(), "sandbank.db")
	_, out := runSandbank(t, nil, nil, "serve", "--db", db, "--addr", "127.0.0.1:0", "--secret-key", mainSecretKey, "--public-url", public+"/")
	awaitOutput(t, out, "serve did not start", "Ctrl+C stops it.")
	const serving = "sandbank is serving the Data Sync sandbox API on "
	_, banner, _ := strings.Cut(out.String(), serving) // stderr's log lines are in out too
	addr, rest, _ := strings.Cut(banner, "\n")
	if !strings.HasPrefix(addr, "http://127.0.0.1:") {
		t.Fatalf("the banner's first line names %q; want the local address, which scripts read:\n%s", addr, out)
	}
	if !strings.HasPrefix(rest, "  public URL   "+public+"   (") {
		t.Fatalf("the banner does not say the public URL under its first line:\n%s", out)
	}
	// Whoever reaches the tunnel's name drives every account without a key: the
	// banner warns, as it does of 0.0.0.0 (the review).
	if !strings.Contains(rest, "  warning      it is reached at "+public+": anyone who reaches that reads and drives every account without a key") {
		t.Fatalf("the banner does not warn that the public URL is served without a key:\n%s", out)
	}
	// The pages to open name it too: a mobile developer copied the loopback's to
	// the phone (a trial). The curl to run here stays on the loopback.
	for _, want := range []string{"  OpenAPI      " + public + "/openapi.yaml\n", "  widget       " + public + "/connect?key=", "  demo app     " + public + "/demo   (", "try:\n  curl -s -H 'mono-sec-key: " + mainSecretKey + "' " + addr + "/sandbox/customers\n"} {
		if !strings.Contains(rest, want) {
			t.Errorf("the banner lacks %q:\n%s", want, rest)
		}
	}
	c := &http.Client{}
	v := mustCall(t, c, http.StatusOK, "POST", addr+"/v2/accounts/initiate", map[string]any{"scope": "auth",
		"customer": map[string]any{"name": "Adam Okafor", "email": "adam@example.com"}, "redirect_url": "http://127.0.0.1:3000/linked"})
	if u, _ := v["data"].(map[string]any)["mono_url"].(string); !strings.HasPrefix(u, public+"/connect/links/") {
		t.Fatalf("mono_url = %q; want it on %s", u, public)
	}
	var accounts struct {
		Data []struct {
			Account struct {
				ID string `json:"_id"`
			}
		}
	}
	raw, _ := json.Marshal(mustCall(t, c, http.StatusOK, "GET", addr+"/sandbox/accounts", nil))
	if err := json.Unmarshal(raw, &accounts); err != nil || len(accounts.Data) == 0 {
		t.Fatalf("GET /sandbox/accounts = %s (%v); want the demo's accounts", raw, err)
	}
	id := accounts.Data[0].Account.ID
	v = mustCall(t, c, http.StatusOK, "GET", addr+"/v2/accounts/"+id+"/transactions?limit=1", nil)
	if next, _ := v["meta"].(map[string]any)["next"].(string); next != public+"/v2/accounts/"+id+"/transactions?limit=1&page=2" {
		t.Fatalf("meta.next = %q; want it on %s", next, public)
	}
}

// Without --public-url nothing changes: the links name the local address, and the
// banner has no public URL.
func TestNoPublicURLLinksNameTheAddress(t *testing.T) {
	m := openMain(t, filepath.Join(t.TempDir(), "sandbank.db"), nil)
	defer m.Close()
	v := mustCall(t, &http.Client{}, http.StatusOK, "POST", "http://"+m.Addr()+"/v2/accounts/initiate", map[string]any{"scope": "auth",
		"customer": map[string]any{"name": "Adam Okafor", "email": "adam@example.com"}, "redirect_url": "http://127.0.0.1:3000/linked"})
	if u, _ := v["data"].(map[string]any)["mono_url"].(string); !strings.HasPrefix(u, "http://"+m.Addr()+"/connect/links/") {
		t.Fatalf("mono_url = %q; want it on http://%s", u, m.Addr())
	}
	var b bytes.Buffer
	if m.PrintBanner(&b); strings.Contains(b.String(), "public URL") {
		t.Fatalf("the banner names a public URL none was given:\n%s", b.String())
	}
}

// A served scenario's IDs file gives the public URL as the API and in the links
// its steps saved: an app behind the tunnel reads them.
func TestServedScenarioIDsNameThePublicURL(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	src := "scenario: ids behind a tunnel\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve: {clock: paused}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ids := filepath.Join(dir, "ids.json")
	out, code := sandbank(t, "serve", "--addr", "127.0.0.1:0", "--scenario", file, "--ids", ids, "--exit-when-done", "--public-url", "https://abc.example")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// The file's key is the scenarios' default, which the tunnel refuses: the
	// banner says so beside it, before an app finds out by a 421 (a mobile
	// developer's trial).
	if !strings.Contains(out, "  secret key   test_sk_sandbank_scenario   (header mono-sec-key)\n               the scenarios' default, which anyone may know: refused through https://abc.example — serve with --secret-key for an app behind the tunnel\n") {
		t.Errorf("the banner does not say the default key is refused through the tunnel:\n%s", out)
	}
	var v struct{ API string }
	if raw, err := os.ReadFile(ids); err != nil || json.Unmarshal(raw, &v) != nil || v.API != "https://abc.example" {
		t.Fatalf("ids.json (%v): %s; want api https://abc.example", err, raw)
	}
}

// A --public-url that is no base URL is refused at start, saying what is wrong
// and what to give, before any database is made; from $SANDBANK_PUBLIC_URL it
// says so. Every command that serves takes it.
func TestBadPublicURLIsRefusedAtStart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbank.db")
	for _, tc := range []struct{ value, says string }{
		{"ftp://x", `--public-url "ftp://x" is ftp: the links are for HTTP clients and browsers; give an http or https URL`},
		{"abc", `--public-url "abc" is not a URL: give the base URL your app and users reach sandbank at, with its scheme, e.g. https://abc.ngrok.app`},
		{"abc.ngrok.app:443", `--public-url "abc.ngrok.app:443" is not a URL`},
		{"https://abc.example/?q=1", `--public-url "https://abc.example/?q=1" has a query (?q=1): give the base URL alone, https://abc.example`},
		{"https://abc.example#top", `has a fragment (#top): give the base URL alone, https://abc.example`},
		{"https://abc.example/sandbank", `has a path (/sandbank): sandbank's pages link from the root of its address`},
		{"https://", `--public-url "https://" has no host`},
		{"https://me:pw@abc.example", `--public-url has a user name or password, which every link would show`},
		{"https://abc.example:99999", `has port 99999: give a port from 1 to 65535`},
		{"https://abc.example:0", `has port 0: give a port from 1 to 65535`},
		{"http://[fe80::1%25eth0]:7070", `names an IPv6 zone (%eth0), which only this machine knows`},
		{"https://bücher.example", `has a host with letters beyond ASCII: give its ASCII form (xn--…`},
		{"http://0.0.0.0:7070", `--public-url "http://0.0.0.0:7070" names 0.0.0.0, an address to listen on, which no browser or phone can open`}, // a mobile developer's trial
		{"http://[::]:7070", `names ::, an address to listen on`},
	} {
		out, code := refusedAtStart(t, nil, "serve", "--db", db, "--addr", "127.0.0.1:0", "--public-url", tc.value)
		if code != 2 || !strings.Contains(out, tc.says) {
			t.Errorf("--public-url %q: exit %d; want 2, saying %q\n%s", tc.value, code, tc.says, out)
		}
		if strings.Contains(out, "pw@") {
			t.Errorf("--public-url %q: the message shows the password:\n%s", tc.value, out)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused --public-url made the database")
	}
	for _, args := range [][]string{{"tui", "--db", db}, {"scenario", "play", "fixtures/mr-adam.yaml"}, {"serve", "--scenario", "fixtures/mr-adam.yaml"}} {
		out, code := refusedAtStart(t, nil, append(args, "--addr", "127.0.0.1:0", "--public-url", "abc")...)
		if code != 2 || !strings.Contains(out, `--public-url "abc" is not a URL`) {
			t.Errorf("%v --public-url abc: exit %d\n%s", args, code, out)
		}
	}
	out, code := refusedAtStart(t, []string{"SANDBANK_PUBLIC_URL=abc"}, "serve", "--db", db, "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(out, `--public-url "abc" (from $SANDBANK_PUBLIC_URL) is not a URL`) {
		t.Errorf("SANDBANK_PUBLIC_URL=abc: exit %d\n%s", code, out)
	}
}

// refusedAtStart runs sandbank with args, env added, and returns its output and
// exit status; one still running after 20 s was not refused, and fails the test
// rather than serving until the test binary's timeout.
func refusedAtStart(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd, out := runSandbank(t, nil, env, args...)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return out.String(), cmd.ProcessState.ExitCode()
	case <-time.After(20 * time.Second):
		t.Fatalf("sandbank %s started, where it should have been refused:\n%s", strings.Join(args, " "), out)
		return "", 0
	}
}

// A public URL of this machine's own (a local proxy's) exposes nothing: the banner
// says so, and warns of nothing — it warned "anyone who reaches that reads and
// drives every account" of http://localhost:8080 (a mobile developer's trial).
func TestLoopbackPublicURLWarnsOfNothing(t *testing.T) {
	for _, public := range []string{"http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"} {
		db := filepath.Join(t.TempDir(), "sandbank.db")
		cmd, out := runSandbank(t, nil, nil, "serve", "--db", db, "--addr", "127.0.0.1:0", "--public-url", public)
		awaitOutput(t, out, "serve did not start", "Ctrl+C stops it.")
		if b := out.String(); strings.Contains(b, "warning") || !strings.Contains(b, "  public URL   "+public+"   (the API's links name it: mono_url, paging, statements; a name of this machine's, which only it reaches)\n") {
			t.Errorf("--public-url %s:\n%s", public, b)
		}
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}
	for public, want := range map[string]bool{"http://localhost:1": true, "http://app.localhost": true, "http://127.9.9.9": true, "http://[::1]": true,
		"https://abc.ngrok.app": false, "http://192.168.1.20:7070": false, "http://localhost.example": false} {
		if loopbackURL(public) != want {
			t.Errorf("loopbackURL(%s) = %v, want %v", public, !want, want)
		}
	}
}

// The banner says the scenarios' default key is refused through the public URL
// only where the host guard refuses it: not for an IP address or a name of this
// machine's own, which it lets through (a review).
func TestGuardedName(t *testing.T) {
	for public, want := range map[string]bool{"https://abc.ngrok.app": true, "http://sandbank-demo.example.test:7481": true,
		"http://192.168.1.20:7070": false, "http://[2001:db8::1]:7070": false, "http://localhost:8080": false, "": false} {
		if guardedName(public) != want {
			t.Errorf("guardedName(%q) = %v, want %v", public, !want, want)
		}
	}
}
