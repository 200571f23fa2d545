package scenario

import "testing"

// A host and port from the environment is put back where it stands alone: not in
// a longer port or name.
func TestWrittenAsKeepsToWholeHostsAndPorts(t *testing.T) {
	w := writtenAs([]string{"http://127.0.0.1:9/h", "http://127.0.0.1:${P_PORT}/h", "127.0.0.1:9", "127.0.0.1:${P_PORT}"})
	for in, want := range map[string]string{
		"POST http://127.0.0.1:9/h: refused":                "POST http://127.0.0.1:${P_PORT}/h: refused",
		"POST http://redacted@127.0.0.1:9/h?redacted: down": "POST http://redacted@127.0.0.1:${P_PORT}/h?redacted: down",
		"127.0.0.1:90 and 127.0.0.1:9":                      "127.0.0.1:90 and 127.0.0.1:${P_PORT}",
		"10.127.0.0.1:9x 127.0.0.1:9,127.0.0.1:9":           "10.127.0.0.1:9x 127.0.0.1:${P_PORT},127.0.0.1:${P_PORT}",
	} {
		if got := w(in); got != want {
			t.Errorf("%q written as %q; want %q", in, got, want)
		}
	}
}
