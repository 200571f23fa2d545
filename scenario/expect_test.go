package scenario

import (
	"net/http"
	"strings"
	"testing"
)

// Each matcher, on what an answer holds, with what a failure says was expected.
func TestMatchers(t *testing.T) {
	res := &response{Status: 429, Header: http.Header{"Retry-After": {"120"}},
		Body: []byte(`{"status":"failed","balance":500000,"ok":true,"none":null,"data":[{"amount":250},{"amount":750}],"code":"SYNC_ERROR","big":12345678901234567890,"synced_at":"2025-06-03T07:00:00.000Z"}`)}
	for _, tc := range []struct {
		expect   string // one expectation, as YAML
		ok       bool
		expected string
	}{
		{`http: 429`, true, "429"},
		{`http: "429"`, true, `"429"`},
		{`http: 200`, false, "200"},
		{`header.Retry-After: "120"`, true, `"120"`},
		{`header.Retry-After: 120`, true, "120"},
		{`header.X-Missing: {absent: true}`, true, "no such header"},
		{`status: failed`, true, `"failed"`},
		{`status: Failed`, false, `"Failed"`},
		{`balance: 500000`, true, "500000"},
		{`balance: NGN 5,000`, true, `"NGN 5,000"`},
		{`balance: "NGN 5,000.01"`, false, `"NGN 5,000.01"`},
		{`balance: "500000"`, true, `"500000"`},
		{`big: 12345678901234567890`, true, "12345678901234567890"},
		{`big: 12345678901234567891`, false, "12345678901234567891"},
		{`ok: true`, true, "true"},
		{`none: null`, true, "null"},
		{`none: {any: true}`, true, "any value"},
		{`nothing: {any: true}`, false, "any value"},
		{`nothing: {absent: true}`, true, "no such field"},
		{`data.1.amount: {gt: 500}`, true, "more than 500"},
		{`data.1.amount: {gt: 750}`, false, "more than 750"},
		{`data.1.amount: {gte: 750}`, true, "at least 750"},
		{`data.0.amount: {lt: NGN 2.51}`, true, "less than NGN 2.51"},
		{`data.0.amount: {lte: 249}`, false, "at most 249"},
		{`code: {matches: "^SYNC_"}`, true, "a match of /^SYNC_/"},
		{`balance: {matches: "^5"}`, true, "a match of /^5/"},
		{`code: {contains: ERR}`, true, `something containing "ERR"`},
		{`code: {not: SYNC_SUCCESSFUL}`, true, `anything but "SYNC_SUCCESSFUL"`},
		{`code: {not: SYNC_ERROR}`, false, `anything but "SYNC_ERROR"`},
		{`code: {one_of: [SYNC_ERROR, SYNC_SUCCESSFUL]}`, true, "one of SYNC_ERROR, SYNC_SUCCESSFUL"},
		{`code: {one_of: [A, B]}`, false, "one of A, B"},
		{`data: {len: 2}`, true, "2 items"},
		{`data: {len: 3}`, false, "3 items"},
		{`code: {len: 10}`, true, "10 characters"},
		{`data.2.amount: 1`, false, "1"},
		{`body: {contains: "\"ok\":true"}`, true, `something containing "\"ok\":true"`},
		// Times with zones compare by instant, as the API writes them in UTC.
		{`synced_at: "2025-06-03T08:00:00+01:00"`, true, `"2025-06-03T08:00:00+01:00"`},
		{`synced_at: 2025-06-03T07:00:00Z`, true, `"2025-06-03T07:00:00Z"`},
		{`synced_at: "2025-06-03T08:00:01+01:00"`, false, `"2025-06-03T08:00:01+01:00"`},
		{`synced_at: "2025-06-03T07:00:00"`, false, `"2025-06-03T07:00:00"`},
	} {
		t.Run(tc.expect, func(t *testing.T) {
			n, err := parseYAML([]byte(tc.expect))
			if err != nil {
				t.Fatal(err)
			}
			p := &fileParser{s: &Scenario{names: map[string]*Customer{}, accts: map[string]*Account{}}, vars: map[string]bool{}, connected: map[string]bool{}}
			es := p.expectations(n)
			if len(p.errs) > 0 {
				t.Fatal(p.errs[0])
			}
			e := es[0]
			got, present := res.lookup(e.Path)
			expected, ok := check(e, wantValue{n: e.Want, text: e.Want.value}, got, present)
			if ok != tc.ok || expected != tc.expected {
				t.Fatalf("check = %v, expected %q; want %v, %q", ok, expected, tc.ok, tc.expected)
			}
		})
	}
}

func TestTemplates(t *testing.T) {
	look := func(ref string) (string, error) { return strings.ToUpper(ref), nil }
	for in, want := range map[string]string{
		"/accounts/{adam}/sync":  "/accounts/ADAM/sync",
		"{a}{b.c}":               "AB.C",
		"literal {{braces}} {x}": "literal {braces} X",
		"none":                   "none",
	} {
		if got, err := expand(in, look); err != nil || got != want {
			t.Errorf("expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"{", "{a", "{ a}", "{}"} {
		if _, err := templateRefs(bad); err == nil {
			t.Errorf("templateRefs(%q) accepted it", bad)
		}
	}
}

// FuzzParse: no file panics or hangs the reader, Parse or Check; every refusal is
// an *Error with a place in the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{head + "  - connect: adam\n    expect: {http: 200, id: {matches: \"^[0-9a-f]{24}$\"}}\n",
		"scenario: x\nsteps: [{advance: 1m}, {at: +2h}, {webhooks: []}]\n", "a: &x [*x]\n", "- [[[[[[[[\n", "scenario: {", "\t\n",
		"scenario: t\nsettings: {auto_sync: 6h\nsteps:\n  - advance: 1m\n", "scenario: t\nsteps: [{advance: 1m]\n", "a: {b: [c, {d: e]}\n",
		"a:\n  - b: 1\n    - c\n  d: 2\n     e: 3\n  f\n", "scenario: t\nstart: x\ncustomers: {a: {mfa: sms}}\nsteps: [{connect: [a]}, {sync: a, expect: {http: two}}]\n",
		"scenario: t\ncustomers: {a: {accounts: {b: {institution: \"044\", balance: NGN 5}}}}\nsteps: [{connect: b}, {sync: b, save: {v: code}}, {call: \"GET /{v}\"}]\n",
		// An unquoted {reference} where each kind of value is read.
		head + "  - connect: adam\n    password: {adam.password}\n    answers: [{adam.password}, x]\n    expect: {account.id: {adam}, account.name: {not: {adam}}, x: {one_of: [{adam}, y]}, y: {absnet}}\n",
		head + "  - connect: adam\n  - call: POST /sandbox/customers/{adam.customer}/transactions\n    body: {narration: {adam.username}, tags: [{adam}], n: {adam.username: null}}\n    headers: {X-A: {adam}}\n",
		// A matcher as a matcher's value; keys given a colon, a null or quotes; body keys no reference names.
		head + "  - connect: adam\n    expect: {a: {not: {absent}}, b: {contains: {absnet}}, c: {one_of: [{any}]}, d: {adam: }, e: {\"{adam}\"}, f: {not: {adam: ~}}}\n",
		head + "  - connect: adam\n  - call: POST /sandbox/customers/{adam.customer}/transactions\n    body: {x: {$set}, y: [{a-b}, {nobody.id}], z: {\"{adam}\"}, v: {'adam'}, w: {adam.username:}}\n",
		// Fields level with an empty serve:, receiver: or settings:, below it and above it.
		head + "  - serve:\n    say: Now run your app, then press enter\n    clock: paused\n  - receiver:\n    status: 500\n    slow: 2s\n",
		head + "  - data_sync: enabled\n    settings:\n    webhooks: \"http://127.0.0.1:${APP_PORT}/x\"\n  - clock: paused\n    serve:\n",
		head + "  - clock: paused\n    serve:\n    say: \"a, b\"\n",
		// A missing dash, in a block list and in braces.
		head + "  - connect: adam\n  -   webhooks: []\n      account: adam\n      advance: 1h\n  - {sync: adam,\n     advance: 1h}\n",
		// A webhooks URL from the environment: set, unset (a note under Check), with a default.
		"scenario: t\nsettings: {webhooks: \"http://127.0.0.1:${SANDBANK_FUZZ_UNSET}/h\"}\nsteps: [{advance: 1m}, {settings: {webhooks: \"http://${HOME:-x}:${PORT:-3000}/y\"}}]\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// Parse, and Check, whose webhooks URL may name a variable this machine
		// does not set: a stand-in and a note, where Parse refuses. What Parse
		// takes, Check takes.
		parsed, checked := fuzzRead(t, src, Parse), fuzzRead(t, src, Check)
		if parsed != nil && checked == nil {
			t.Fatalf("Check refused %q, which Parse takes", src)
		}
	})
}

// fuzzRead reads src with read, which must not panic: the scenario, or nil
// where every refusal is an *Error with a place in the file.
func fuzzRead(t *testing.T, src []byte, read func(string, []byte) (*Scenario, error)) *Scenario {
	s, err := read("f.yaml", src)
	if err != nil {
		list, ok := err.(Errors)
		if e, one := err.(*Error); one {
			list, ok = Errors{e}, true
		}
		for _, e := range list {
			ok = ok && e.Line >= 1 && e.Col >= 1 && e.Msg != ""
		}
		if !ok || len(list) == 0 || len(list) > maxErrors+1 {
			t.Fatalf("reading %q = %v (%T); want refusals each with a place", src, err, err)
		}
		return nil
	}
	if s.Title == "" || len(s.Steps) == 0 {
		t.Fatalf("%q was taken without a title or steps", src)
	}
	return s
}
