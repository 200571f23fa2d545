package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"sandbank/engine"
)

// A transcript is a run written down: every request of every step at its virtual
// time with the answer, and every webhook attempt with its headers and body. It holds
// nothing that differs between runs — no wall-clock time, no map order, no port —
// so the same file gives the same bytes on every run and every machine.

type transcript struct {
	w   io.Writer
	err error
	// secrets are the keys and webhook secret in force, written masked wherever a
	// body holds them (a PATCH /sandbox/settings answer printed a custom webhook
	// secret whole into CI's artifacts).
	secrets func() []engine.Secret
	// written puts back the file's ${NAME} in a URL that took it from the
	// environment (Scenario.FromEnv): APP_PORT=4567 and APP_PORT=4568 gave two
	// transcripts of one file; nil when none did.
	written func(string) string
}

// writtenAs puts back the file's words for what took a part from the environment:
// pairs of (expanded, written) — whole URLs, and their hosts and ports, which an
// attempt names alone in its error ("POST http://redacted@127.0.0.1:9/hooks?redacted").
// A host and port is put back only where no letter, digit, dot or hyphen runs on
// from it on either side (port 9 is not port 90).
func writtenAs(pairs []string) func(string) string {
	return func(s string) string {
		for i := 0; i+1 < len(pairs); i += 2 {
			from, to := pairs[i], pairs[i+1]
			if strings.Contains(from, "://") {
				s = strings.ReplaceAll(s, from, to)
				continue
			}
			var b strings.Builder
			done := 0 // s[:done] is in b
			for at := 0; ; {
				j := strings.Index(s[at:], from)
				if j < 0 {
					break
				}
				j += at
				end := j + len(from)
				if (j > 0 && hostByte(s[j-1])) || (end < len(s) && hostByte(s[end])) {
					at = j + 1 // part of a longer name or port: not this one
					continue
				}
				b.WriteString(s[done:j])
				b.WriteString(to)
				done, at = end, end
			}
			b.WriteString(s[done:])
			s = b.String()
		}
		return s
	}
}

// hostByte reports whether c may run on in a host name or a port.
func hostByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-'
}

func (t *transcript) printf(format string, args ...any) {
	if t == nil || t.err != nil {
		return
	}
	if t.written != nil {
		_, t.err = io.WriteString(t.w, t.written(fmt.Sprintf(format, args...)))
		return
	}
	_, t.err = fmt.Fprintf(t.w, format, args...)
}

func (t *transcript) line(format string, args ...any) { t.printf("  "+format+"\n", args...) }

func (t *transcript) header(s *Scenario) {
	t.printf("# %s\n", s.Title)
	t.printf("# %s · seed %d · start %s\n", filepath.Base(s.Path), s.Seed, s.Start.UTC().Format(time.RFC3339))
	if s.About != "" {
		for _, l := range strings.Split(strings.TrimSpace(s.About), "\n") {
			t.printf("# %s\n", l)
		}
	}
}

func (t *transcript) section(title string, at time.Time) {
	t.printf("\n== %s\n", title)
	if !at.IsZero() {
		t.printf("  at %s\n", at.UTC().Format(time.RFC3339Nano))
	}
}

// request writes one request and its answer. The key header is named, never shown.
func (t *transcript) request(at time.Time, method, path, key string, headers map[string]string, body []byte, res *response) {
	if t == nil {
		return
	}
	t.printf("\n  %s  %s %s", at.UTC().Format(time.RFC3339Nano), method, path)
	for k := range headers {
		if strings.EqualFold(k, "mono-sec-key") { // the step's own, shown below: not the key it names
			key = ""
		}
	}
	switch key {
	case "secret", "public":
		t.printf("  (%s key)", key)
	case "none", "":
	default:
		t.printf("  (key %q)", key)
	}
	t.printf("\n")
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		t.printf("  > %s: %s\n", k, headers[k])
	}
	if len(body) > 0 {
		t.body("  > ", body)
	}
	if res.TimedOut {
		t.printf("  < no answer: the client gave up (timeout)\n")
		return
	}
	t.printf("  < %d\n", res.Status)
	hs := make([]string, 0, len(res.Header))
	for k := range res.Header {
		if k != "Content-Length" && k != "Date" && k != "X-Content-Type-Options" {
			hs = append(hs, k)
		}
	}
	slices.Sort(hs)
	for _, k := range hs {
		t.printf("  < %s: %s\n", k, strings.Join(res.Header.Values(k), ", "))
	}
	if len(res.Body) > 0 {
		t.body("  < ", res.Body)
	}
}

// body writes a body, JSON indented, each line prefixed.
func (t *transcript) body(prefix string, b []byte) {
	if t.secrets != nil {
		for _, sec := range t.secrets() {
			if v := sec.Reveal(); len(v) >= 8 {
				b = bytes.ReplaceAll(b, []byte(v), []byte(sec.String()))
			}
		}
	}
	if t.written != nil { // before the hash of a long body too (the review)
		b = []byte(t.written(string(b)))
	}
	b = hideRealTime(b)
	var out bytes.Buffer
	if json.Valid(b) && json.Indent(&out, bytes.TrimSpace(b), "", "  ") == nil {
		b = out.Bytes()
	} else if !isText(b) {
		// Its hash, so that a transcript compared byte for byte compares a PDF's
		// bytes too (a determinism audit).
		t.printf("%s(%d bytes of binary data, SHA-256 %x)\n", prefix, len(b), sha256.Sum256(b))
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > maxBodyLines {
		sum := sha256.Sum256(b)
		rest := len(lines) - maxBodyLines/2
		lines = append(lines[:maxBodyLines/2:maxBodyLines/2], fmt.Sprintf("… %d more lines; the whole body's SHA-256: %x", rest, sum))
	}
	for _, l := range lines {
		t.printf("%s%s\n", prefix, l)
	}
}

// webhookSecretHeader is the header of a webhook that carries the secret, which
// a transcript, a ✓ line and a message write masked.
const webhookSecretHeader = "mono-webhook-secret"

// hideRealTime writes what real time decided in an answer as "(real time)": a
// webhook attempt's latency differs from run to run (0 or 1 ms to a port nothing
// listens on), so GET /sandbox/webhooks wrote two transcripts of one file. Every
// value a transcript takes from an answer goes through it: a body, and what an
// expectation or a save: shows (response.shown).
func hideRealTime(b []byte) []byte {
	return attemptLatency.ReplaceAll(b, []byte(`$1"(real time)"`))
}

// attemptLatency is a delivery attempt's latency_ms in a body (the API's attempt:
// status_code, then latency_ms), its value the second group.
var attemptLatency = regexp.MustCompile(`("status_code":\s*[0-9]+,\s*"latency_ms":\s*)[0-9]+`)

// maxBodyLines caps a body in a transcript: a year's statement would otherwise fill
// it; the rest is summed up by its hash, so a change still shows.
const maxBodyLines = 400

func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f {
			return false
		}
	}
	return true
}

// webhook writes one delivery attempt, as the receiver saw it: headers and body
// are what it sent (engine.WebhookHeaders), the secret masked.
func (t *transcript) webhook(a engine.Attempt, name, account string, headers map[string]string, body []byte) {
	if t == nil {
		return
	}
	result := fmt.Sprintf("%d", a.StatusCode)
	if a.Error != "" {
		result = "failed: " + a.Error
	}
	t.printf("\n  %s  webhook %s for %s, attempt %d → %s\n", a.At.UTC().Format(time.RFC3339Nano), name, account, a.N, result)
	names := slices.SortedFunc(maps.Keys(headers), func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	for _, k := range names {
		v := headers[k]
		if strings.EqualFold(k, webhookSecretHeader) {
			v = engine.Secret(v).String()
		}
		t.printf("  > %s: %s\n", k, v)
	}
	if a.N == 1 || a.Error == "" {
		t.body("  > ", body)
	}
}

// skipped writes an event that is never sent (R4), at its making, and why.
func (t *transcript) skipped(ev engine.Event, name, account string) {
	t.printf("\n  %s  webhook %s for %s: not sent, %s\n", ev.CreatedAt.UTC().Format(time.RFC3339Nano), name, account, ev.SkipReason)
}

func (t *transcript) checks(lines []string) {
	for _, l := range lines {
		t.line("%s", l)
	}
}

func (t *transcript) footer(res *Result) {
	if res.Passed {
		t.printf("\n== passed: %s, %s\n", steps(res.Steps), virtualSpan(res.Virtual))
		return
	}
	// By the file's base name, as the header: the same bytes from any workspace path.
	t.printf("\n== failed: %s\n", strings.ReplaceAll(res.Line(), res.Path+":", filepath.Base(res.Path)+":"))
}
