package scenario_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sandbank/api"
	"sandbank/scenario"
	"sandbank/world"
)

// The tests wire a run as main does: the API over a world from api.Host.
var host scenario.Host = api.Host(slog.New(slog.DiscardHandler))

func fixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../fixtures/*.yaml")
	if err != nil || len(files) < 17 {
		t.Fatalf("fixtures: %v, %v; want at least 17 files", files, err)
	}
	return files
}

func run(t *testing.T, path string) (*scenario.Result, []byte) {
	t.Helper()
	var tr bytes.Buffer
	res := scenario.RunFile(context.Background(), path, host, &tr)
	return res, tr.Bytes()
}

// runSrc writes src to a file called name in a directory of the test's own and
// runs it.
func runSrc(t *testing.T, name, src string) (*scenario.Result, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return run(t, path)
}

// Every shipped fixture passes, every time with the same transcript, byte for byte.
func TestFixturesPassAndRepeat(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			res, first := run(t, f)
			if !res.Passed {
				t.Fatalf("%s\n%s", res.Line(), tail(first))
			}
			if _, again := run(t, f); !bytes.Equal(first, again) {
				t.Fatalf("two runs gave different transcripts:\n%s", firstDiff(first, again))
			}
			if !bytes.Contains(first, []byte("== passed:")) {
				t.Fatalf("the transcript does not end with the verdict:\n%s", tail(first))
			}
		})
	}
}

// Each fixture is a page of documentation: it says what it shows.
func TestFixturesSayWhatTheyShow(t *testing.T) {
	for _, f := range fixtures(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := scenario.Parse(f, src)
		if err != nil {
			t.Fatal(err)
		}
		if len(strings.Fields(s.About)) < 20 {
			t.Errorf("%s: about: has %d words; say what the scenario shows and why", f, len(strings.Fields(s.About)))
		}
	}
}

// A changed expectation fails at its own line and column, saying what was expected
// and what came back.
func TestChangedExpectationFails(t *testing.T) {
	src, err := os.ReadFile("../fixtures/mr-adam.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(src, []byte(`expect: {account.balance: "NGN 5,000"}`), []byte(`expect: {account.balance: "NGN 4,000"}`), 1)
	if bytes.Equal(changed, src) {
		t.Fatal("the fixture no longer has the expectation this test changes")
	}
	line := 1 + bytes.Count(changed[:bytes.Index(changed, []byte("NGN 4,000"))], []byte("\n"))
	path := filepath.Join(t.TempDir(), "mr-adam.yaml")
	if err := os.WriteFile(path, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	res, tr := run(t, path)
	if res.Passed || res.Failure == nil {
		t.Fatalf("a wrong expectation passed: %s", res.Line())
	}
	f := res.Failure
	if f.Err.Line != line || f.Err.Col != 14 || f.Expected != `"NGN 4,000"` || f.Got != "NGN 5,000.00 (500000 kobo)" || f.Step.N != 8 {
		t.Fatalf("failure %+v at %d:%d; want line %d col 14, expected \"NGN 4,000\", got NGN 5,000.00 (500000 kobo), step 8", f, f.Err.Line, f.Err.Col, line)
	}
	want := path + ":" + itoa(line) + `:14 step 8 (call: GET /accounts/{adam}): account.balance: expected "NGN 4,000", got NGN 5,000.00 (500000 kobo)`
	if res.Line() != "✗ "+want {
		t.Fatalf("line\n got %s\nwant ✗ %s", res.Line(), want)
	}
	// The transcript names the file by its base name, as its header does: the
	// same bytes from any workspace path.
	inTranscript := strings.Replace(want, path+":", filepath.Base(path)+":", 1)
	if !bytes.Contains(tr, []byte("✗ account.balance: expected \"NGN 4,000\", got NGN 5,000.00 (500000 kobo)")) || !bytes.Contains(tr, []byte("== failed: ✗ "+inTranscript)) {
		t.Fatalf("the transcript does not show the failure:\n%s", tail(tr))
	}
}

// The step kinds the fixtures leave out.
func TestEveryStepKind(t *testing.T) {
	res, tr := run(t, "testdata/every-step.yaml")
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	for _, want := range []string{
		"== step 6 · line 21 · pause\n  » The CAPTCHA now stands between the business and the data.",
		"the tester finds the answer to the captcha challenge:",
		"webhook mono.events.account_updated for yemi, attempt 1 → failed: the receiver did not answer within the attempt's timeout (it answers after 15s)",
		"POST /sandbox/clock  (secret key)\n  > Content-Type: application/x-www-form-urlencoded\n  > X-Note: {yemi}\n  > advance=1h",
		"GET /sandbox/clock  (public key)",
		"GET /sandbox/clock\n  > mono-sec-key: nope\n", // the header's key, not "(secret key)"
		`GET /sandbox/clock  (key "test_sk_every_step_0000")`,
		"customer world0 is the world's customer 0: Adam Okafor",
	} {
		if !bytes.Contains(tr, []byte(want)) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
}

// JUnit XML parses back: one case per file, the failure with where and why.
func TestJUnit(t *testing.T) {
	ok := scenario.RunFile(context.Background(), "../fixtures/rate-limit.yaml", host, nil)
	bad := &scenario.Result{Path: "x.yaml", Err: &scenario.Error{File: "x.yaml", Line: 3, Col: 7, Msg: "unknown step"}}
	var b bytes.Buffer
	if err := scenario.WriteJUnit(&b, []*scenario.Result{ok, bad}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests  int `xml:"tests,attr"`
		Errors int `xml:"errors,attr"`
		Suites []struct {
			Cases []struct {
				Name  string `xml:"name,attr"`
				File  string `xml:"file,attr"`
				Line  int    `xml:"line,attr"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	c := doc.Suites[0].Cases
	if doc.Tests != 2 || doc.Errors != 1 || len(c) != 2 || !strings.HasPrefix(c[0].Name, "The rate limit") || c[0].Error != nil ||
		c[1].Error == nil || c[1].Error.Message != "x.yaml:3:7: unknown step" || c[1].Line != 3 {
		t.Fatalf("parsed back %+v from\n%s", doc, b.String())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func tail(b []byte) string {
	lines := strings.Split(string(b), "\n")
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	return strings.Join(lines, "\n")
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "one is a prefix of the other"
}

// A served scenario stopped while a step waits for its at: says so in the user's
// words (it said "the clock never reached …: context canceled"), and the step is
// not run rather than failed: nothing was checked, and the app did nothing wrong.
func TestServedStepStoppedBeforeItsTime(t *testing.T) {
	out := servedStepStopped(t, "  - at: +1h\n", "· s.yaml:4 step 2 (at: +1h): not run: sandbank stopped before the virtual clock reached 2026-11-02T10:00:00Z\n")
	if !strings.HasSuffix(out, "1 passed, 0 failed, 1 not run\n") {
		t.Fatalf("verdicts:\n%s\nwant the step not run, not failed", out)
	}
}

// A served webhook: step stopped while it waits says the stop, not only what did
// not arrive (the app did nothing wrong).
func TestServedWebhookStepStopped(t *testing.T) {
	servedStepStopped(t, "  - webhook: account_connected\n", "sandbank was stopped before this step's webhooks arrived: ")
}

// startServed serves the scenario src in a throw-away world, its steps after
// serve: started; the world closes when the test ends. app is the API as the
// app under test reaches it, its calls seen by expect_call: steps.
func startServed(t *testing.T, src string) (sv *scenario.Serving, w *world.World, app http.Handler) {
	t.Helper()
	ctx := context.Background()
	s, err := scenario.Parse("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	w, h := hostWorld(t, s)
	sv, err = scenario.Serve(ctx, s, w, h, scenario.ReceiverURL)
	if err != nil {
		t.Fatal(err)
	}
	sv.Start(ctx)
	return sv, w, sv.Observe(h)
}

// hostWorld is s's world on a fresh file, with the API over it; it closes when
// the test ends.
func hostWorld(t *testing.T, s *scenario.Scenario) (*world.World, http.Handler) {
	t.Helper()
	w, h, err := host(context.Background(), s.WorldOptions(filepath.Join(t.TempDir(), "world.db")), scenario.ReceiverURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, h
}

func servedStepStopped(t *testing.T, step, want string) string {
	t.Helper()
	sv, _, _ := startServed(t, "scenario: t\nsteps:\n  - serve: {clock: paused}\n"+step)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		b, _ := json.Marshal(sv.Status())
		if bytes.Contains(b, []byte(`"state":"waiting"`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("step 2 never waited: %s", b)
		}
	}
	sv.Stop()
	var out bytes.Buffer
	sv.Verdicts(&out)
	if !strings.Contains(out.String(), want) {
		t.Fatalf("verdicts:\n%s\nwant the line\n%s", out.String(), want)
	}
	return out.String()
}

// changedFixture writes mr-adam.yaml with old replaced by new (and each further
// pair in more, the same way) into a temporary file and runs it.
func changedFixture(t *testing.T, old, new string, more ...string) *scenario.Result {
	t.Helper()
	src, err := os.ReadFile("../fixtures/mr-adam.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := src
	for pairs := append([]string{old, new}, more...); len(pairs) >= 2; pairs = pairs[2:] {
		next := bytes.Replace(changed, []byte(pairs[0]), []byte(pairs[1]), 1)
		if bytes.Equal(next, changed) {
			t.Fatalf("the fixture no longer has %q, which this test changes", pairs[0])
		}
		changed = next
	}
	path := filepath.Join(t.TempDir(), "mr-adam.yaml")
	if err := os.WriteFile(path, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	res, _ := run(t, path)
	return res
}

// A webhooks step that asks for one event more than arrived says it wanted it
// after the ones it matched, and when what it got was delivered: it read
// "expected account_updated delivered for adam, got account_updated".
func TestWebhooksStepSaysWhatItMatched(t *testing.T) {
	res := changedFixture(t, "- webhooks: [account_connected, account_updated, account_updated]",
		"- webhooks: [account_connected, account_updated, account_updated, account_updated]")
	if res.Passed || res.Failure == nil {
		t.Fatalf("a fourth webhook that never came passed: %s", res.Line())
	}
	if line := res.Line(); !strings.Contains(line, "expected account_updated delivered for adam after the account_updated this step matched at ") ||
		!strings.HasSuffix(line, ", got none") {
		t.Fatalf("the failure says %s", line)
	}
}

// Webhooks listed out of the order they came: the one that came first says when it
// came, instead of "got none" as if it never did (a QA trial).
func TestWebhooksOutOfOrderSayWhen(t *testing.T) {
	res := changedFixture(t, "- webhooks: [account_connected, account_updated, account_updated]",
		"- webhooks: [account_updated, account_connected]")
	if res.Passed || res.Failure == nil {
		t.Fatalf("webhooks out of order passed: %s", res.Line())
	}
	if line := res.Line(); !strings.Contains(line, "expected account_connected delivered for adam after the account_updated this step matched at ") ||
		!strings.Contains(line, ", got account_updated (delivered ") ||
		!strings.Contains(line, "(account_connected came at ") || !strings.HasSuffix(line, "before the account_updated this step matched: list them in the order they come)") {
		t.Fatalf("the failure says %s", line)
	}
}

// A webhook step whose event came before the one an earlier webhook step matched
// says when it came, as a list out of order does: two steps, webhook:
// account_updated then webhook: account_connected, said "got none" of the
// account_connected the receiver had taken first (a QA trial).
func TestWebhookStepsOutOfOrderSayWhen(t *testing.T) {
	res := changedFixture(t, "- webhooks: [account_connected, account_updated, account_updated]\n    account: adam",
		"- webhook: account_updated\n    account: adam\n  - webhook: account_connected\n    account: adam")
	if res.Passed || res.Failure == nil {
		t.Fatalf("webhook steps out of order passed: %s", res.Line())
	}
	line := res.Line()
	if !strings.Contains(line, "expected account_connected delivered for adam, got ") || !strings.Contains(line, "(account_connected came at ") ||
		!regexp.MustCompile(`before the account_updated step \d+ matched: webhook steps match in the order the webhooks come\)$`).MatchString(line) {
		t.Fatalf("the failure says %s", line)
	}
	// One an earlier step matched is not said again: it was not missed.
	res = changedFixture(t, "- webhooks: [account_connected, account_updated, account_updated]\n    account: adam",
		"- webhook: account_connected\n    account: adam\n  - webhook: account_updated\n    account: adam\n  - webhook: account_connected\n    account: adam")
	if res.Passed || res.Failure == nil || strings.Contains(res.Line(), "came at") {
		t.Fatalf("a second account_connected, which never came, says %s", res.Line())
	}
	// One that came before what an earlier step matched is said of that step, even
	// when this step matched something first: "list them in the order they come"
	// sent the reader to reorder this step's list, which still failed.
	res = changedFixture(t, "- webhooks: [account_connected, account_updated, account_updated]\n    account: adam",
		"- webhook: account_updated\n    account: adam\n  - webhooks: [account_updated, account_connected]\n    account: adam")
	if line := res.Line(); res.Passed || !regexp.MustCompile(`\(account_connected came at [^ ]+, before the account_updated step \d+ matched: webhook steps match in the order the webhooks come\)$`).MatchString(line) {
		t.Fatalf("an account_connected that came before an earlier step's account_updated says %s", line)
	}
}

// A delivery one webhook step matched is not matched again by a later one, with
// account: or without: a step for the account after an unscoped list matched the
// connect's account_updated a second time, and a wrong expectation passed (a QA
// engineer's trial).
func TestAWebhookIsMatchedOnce(t *testing.T) {
	head := `scenario: once
start: 2025-03-10T10:00:00+01:00
customers:
  emeka: {institution: "044", name: Emeka Obi, balance: "NGN 5,000"}
steps:
  - connect: emeka
`
	res, tr := runSrc(t, "once.yaml", head+`  - webhooks: [account_connected, account_updated]
  - advance: 2m
  - sync: emeka
    expect: {hasNewData: false}
  - webhook: account_updated
    account: emeka
`)
	if line := res.Line(); res.Passed || !strings.Contains(line, "step 5 (webhook: account_updated): expected account_updated delivered for emeka, got none") ||
		!strings.Contains(line, "(the account_updated delivered at 2025-03-10T09:00:00Z was matched by step 2: a webhook step does not match what an earlier one matched)") {
		t.Fatalf("an account_updated the sync never sent says %s\n%s", line, tail(tr))
	}
	// And the reverse: what the unscoped list matched is not said to have come
	// after it.
	res, tr = runSrc(t, "once.yaml", head+`  - webhooks: [account_connected, account_updated]
  - webhooks: []
    account: emeka
`)
	if !res.Passed {
		t.Fatalf("webhooks: [] after a list that matched them all failed: %s\n%s", res.Line(), tail(tr))
	}
	// A step without account: after one with it.
	res, tr = runSrc(t, "once.yaml", head+`  - webhooks: [account_connected, account_updated]
    account: emeka
  - webhook: account_updated
`)
	if line := res.Line(); res.Passed || !strings.Contains(line, "step 3 (webhook: account_updated): expected account_updated delivered for any account, got none (the account_updated delivered at ") {
		t.Fatalf("an account_updated matched twice says %s\n%s", line, tail(tr))
	}
	// What a step for the account skipped is still there for a step without one.
	res, tr = runSrc(t, "once.yaml", head+`  - webhook: account_updated
    account: emeka
  - webhook: account_connected
`)
	if !res.Passed {
		t.Fatalf("an account_connected a step for the account skipped was not matched by one for any: %s\n%s", res.Line(), tail(tr))
	}
}

// A failed {len: N} says the count it got before the value, which is cut: "expected
// 2 items, got [{"account":{"_id":…" left the reader counting (a QA trial).
func TestLenSaysTheCount(t *testing.T) {
	src, err := os.ReadFile("../fixtures/finance-app-login.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(src, []byte("expect: {data: {len: 2}}"), []byte("expect: {data: {len: 3}}"), 1)
	if bytes.Equal(changed, src) {
		t.Fatal("the fixture no longer has {data: {len: 2}}")
	}
	path := filepath.Join(t.TempDir(), "f.yaml")
	if err := os.WriteFile(path, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	if res, _ := run(t, path); res.Passed || !strings.Contains(res.Line(), "data: expected 3 items, got 2 items: [") {
		t.Fatalf("the failure says %s", res.Line())
	}
}

// A misspelt field of an answer gets a did-you-mean from the answer's own keys:
// "staus: expected "failed", got nothing (no such field)" left the reader to find it.
func TestMissingFieldSuggestsTheAnswersOwn(t *testing.T) {
	const balance = `expect: {account.balance: "NGN 5,000"}`
	res := changedFixture(t, balance, `expect: {account.balanse: "NGN 5,000"}`)
	if res.Passed || !strings.HasSuffix(res.Line(), `account.balanse: expected "NGN 5,000", got nothing (no such field) — did you mean account.balance?`) {
		t.Fatalf("the failure says %s", res.Line())
	}
	// Two wrong expectations of one step: both are said, not the first alone.
	res = changedFixture(t, balance, `expect: {http: 201, account.balance: "NGN 4,000"}`)
	if res.Passed || !strings.HasSuffix(res.Line(), `http: expected 201, got 200; account.balance: expected "NGN 4,000", got NGN 5,000.00 (500000 kobo)`) || len(res.Failure.Checks) < 2 {
		t.Fatalf("the failure says %s (checks %q)", res.Line(), res.Failure.Checks)
	}
}

// A save: of a field the answer lacks says the one it likely meant, or the
// fields there are: "save tok: the answer has no tokn" named neither (a QA
// engineer's trial).
func TestMissingSaveSuggestsTheAnswersOwn(t *testing.T) {
	const balance = `expect: {account.balance: "NGN 5,000"}`
	res := changedFixture(t, balance, `save: {bal: account.balanse}`)
	if res.Passed || !strings.HasSuffix(res.Line(), `save bal: the answer has no account.balanse — did you mean account.balance?`) {
		t.Fatalf("the failure says %s", res.Line())
	}
	res = changedFixture(t, balance, `save: {bal: account.xyzzy.amount}`)
	if line := res.Line(); res.Passed || !strings.Contains(line, `save bal: the answer has no account.xyzzy.amount (account has `) || !strings.Contains(line, "balance") {
		t.Fatalf("the failure says %s", line)
	}
	// Through a list, as data.0.amount reads it.
	const list = "      data.0.balance: 500000\n      paging.total: 2                     # the opening deposit and the purchase\n"
	for path, want := range map[string]string{
		"data.0.xyzzy": "(data.0 has _id, amount, balance, category, ",
		"data.5.type":  "(data has 1 item)",
		"data.type":    "(data is a list: name an item by its number, data.0)",
	} {
		res = changedFixture(t, list, "      data.0.balance: 500000\n    save: {x: "+path+"}\n")
		if line := res.Line(); res.Passed || !strings.Contains(line, "save x: the answer has no "+path+" "+want) {
			t.Errorf("save of %s: the failure says %s", path, line)
		}
	}
}

// A sync that answered 200 and failed says why: "status: expected "successful",
// got "failed"" left a presenter to guess (a changed password, an ended session).
func TestFailedSyncSaysWhy(t *testing.T) {
	res := changedFixture(t, "  - sync: adam\n", "  - bank: adam\n    password: n3w-Passw0rd\n  - sync: adam\n")
	if res.Passed || !strings.Contains(res.Line(), `status: expected "successful", got "failed"`) ||
		!strings.Contains(res.Line(), "(the answer said REAUTHORISATION_REQUIRED") {
		t.Fatalf("the failure says %s", res.Line())
	}
}

// A step without expect: must succeed (README): a call answered 404 and a sync
// the bank refused (200, status failed) passed as ✓ (a new user's trial).
func TestStepWithoutExpectMustSucceed(t *testing.T) {
	res := changedFixture(t, "  - sync: adam\n", "  - call: GET /accounts/000000000000000000000000\n  - sync: adam\n")
	if res.Passed || !strings.Contains(res.Line(), "GET /accounts/000000000000000000000000 answered 404") {
		t.Fatalf("a call answered 404 without expect: %s", res.Line())
	}
	res = changedFixture(t, "  - sync: adam\n", "  - bank: adam\n    password: n3w-Passw0rd\n  - sync: adam\n  - call: GET /accounts/{adam}\n")
	if res.Passed || !strings.Contains(res.Line(), "the sync of adam failed: ") ||
		!strings.Contains(res.Line(), "expect: {status: failed, code: REAUTHORISATION_REQUIRED}") {
		t.Fatalf("a failed sync without expect: %s", res.Line())
	}
}

// A customer's auth_method — the file's, or the bank's for a world customer
// (the demo's Kunle banks on his phone) — is the way connect: signs in: the
// webhook's and the account's auth_method said internet_banking for a
// mobile_banking customer (a new user's trial).
func TestConnectUsesTheCustomersAuthMethod(t *testing.T) {
	src := `scenario: auth method
customers:
  ada: {institution: "058", auth_method: mobile_banking}
  kunle: {world: 1}
steps:
  - connect: ada
  - call: GET /accounts/{ada}
    expect: {meta.auth_method: mobile_banking}
  - connect: kunle
  - call: GET /accounts/{kunle}
    expect: {meta.auth_method: mobile_banking}
`
	if res, _ := runSrc(t, "auth.yaml", src); !res.Passed {
		t.Fatal(res.Line())
	}
}

// An answer that cannot be the OTP — letters, another length — is refused (400)
// and counts nothing: after two of them and a wrong code, one wrong answer is
// counted, not three (they locked the sign-in).
func TestConnectAnswerThatIsNotACodeCountsNothing(t *testing.T) {
	src := `scenario: not a code
customers:
  tayo: {institution: "058", mfa: otp}
steps:
  - connect: tayo
    answers: ["wrong"]
    expect: {http: 400, code: INVALID_REQUEST, message: {contains: "enter the 6-digit code, with the digits 0 to 9 only"}}
  - connect: tayo
    answers: ["12345"]
    expect: {http: 400, message: "enter the 6-digit code: you entered 5 digits; this did not use up an attempt"}
  - connect: tayo
    answers: ["000000"]
    expect: {http: 401, code: WRONG_ANSWER, message: {contains: "2 attempts left"}}
  - connect: tayo
    expect: {id: {any: true}}
`
	if res, tr := runSrc(t, "not-a-code.yaml", src); !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
}

// A transcript masks the keys and the webhook secret wherever a body holds them:
// a settings answer printed a custom webhook secret whole into CI's artifacts.
func TestTranscriptMasksSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	src := "scenario: secrets\nsettings: {webhook_secret: whsec_CUSTOMSECRET_9876}\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n" +
		"  - call: GET /sandbox/settings\n  - call: PATCH /sandbox/settings\n    body: {webhook_secret: whsec_LATERSECRET_1234}\n  - connect: adam\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	res, tr := run(t, path)
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	for _, s := range []string{"whsec_CUSTOMSECRET_9876", "whsec_LATERSECRET_1234", scenario.DefaultKeys.Secret} {
		if bytes.Contains(tr, []byte(s)) {
			t.Errorf("the transcript holds %s whole:\n%s", s, tr)
		}
	}
}

// A webhooks URL that takes its port from the environment is written in the
// transcript as the file writes it: two runs given two ports gave two transcripts
// of one file, where a transcript is the same bytes on every run.
func TestTranscriptSaysTheFilesWordsForAPortFromTheEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.yaml")
	// The webhooks' log, past 400 lines, is written as its first 200 and the whole
	// body's hash: of the file's words too (it was of the port's).
	src := "scenario: env\nsettings: {webhooks: \"http://hook:pw@127.0.0.1:${SANDBANK_TEST_HOOK_PORT}/hooks?token=abc\"}\ncustomers:\n  adam: {institution: \"044\"}\n  bola: {institution: \"058\"}\n  cara: {institution: \"057\"}\nsteps:\n  - connect: adam\n  - connect: bola\n  - connect: cara\n  - advance: 6h\n  - call: GET /sandbox/webhooks?limit=1000\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	var trs [][]byte
	for _, port := range []string{"9", "10"} { // nothing listens: each attempt fails alike
		t.Setenv("SANDBANK_TEST_HOOK_PORT", port)
		res, tr := run(t, path)
		if !res.Passed {
			t.Fatalf("%s\n%s", res.Line(), tail(tr))
		}
		// The URL with a password and a query: an attempt's error names it
		// redacted, its url field masked, neither the URL as written (the review).
		if !bytes.Contains(tr, []byte("127.0.0.1:${SANDBANK_TEST_HOOK_PORT}/hooks")) || bytes.Contains(tr, []byte("127.0.0.1:"+port)) || !bytes.Contains(tr, []byte("the whole body's SHA-256")) {
			t.Fatalf("the transcript with port %s does not say the file's words:\n%s", port, tr)
		}
		trs = append(trs, tr)
	}
	if !bytes.Equal(trs[0], trs[1]) {
		t.Errorf("two runs given two ports wrote two transcripts:\n%s\n----\n%s", trs[0], trs[1])
	}
}

// advance: and at: move the clock by exactly what the file says: run rounded them
// to whole seconds (serve did not), so a rate limit's edge, 1m59s999ms, was 2m and
// its sync answered 200, and advance: 500us, which check took, was refused as 0ms.
func TestClockMovesByExactlyWhatTheFileSays(t *testing.T) {
	src := `scenario: sub-second
start: 2023-03-01T10:00:00+01:00
customers:
  adam: {institution: "044"}
steps:
  - advance: 1500ms
  - call: GET /sandbox/clock
    expect: {now: "2023-03-01T09:00:01.500Z"}
  - at: +1750ms
  - call: GET /sandbox/clock
    expect: {now: "2023-03-01T09:00:01.750Z"}
  - advance: 500us
  - connect: adam
  - sync: adam
  - advance: 1m59s999ms
  - sync: adam
    expect: {http: 429}
  - advance: 1ms
  - sync: adam
`
	res, tr := runSrc(t, "subsecond.yaml", src)
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	// The transcript says the instants as exactly: the sync at the edge read
	// 09:01:59, a second before the clock's own 09:02:00.000 (a QA trial).
	if !bytes.Contains(tr, []byte("\n  2023-03-01T09:02:01.7495Z  POST /accounts/")) {
		t.Errorf("the transcript does not time the sync at the window's edge to the millisecond:\n%s", tail(tr))
	}
}

// A bank step's narration fills in {names} and takes {{ as a brace, as expect:
// does: it was stored as written, so one text had to be written two ways (a QA
// trial).
func TestNarrationFillsInNames(t *testing.T) {
	src := `scenario: narration
start: 2023-03-01T10:00:00+01:00
customers:
  adam: {institution: "044"}
steps:
  - connect: adam
  - bank: adam
    credit: NGN 5000
    narration: "TRF FROM {adam.number} {{REF}"
  - advance: 2m
  - sync: adam
  - call: GET /accounts/{adam}/transactions?limit=1
    expect: {data.0.narration: "TRF FROM {adam.number} {{REF}"}
`
	res, tr := runSrc(t, "narration.yaml", src)
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	if bytes.Contains(tr, []byte("{adam.number}")) || !bytes.Contains(tr, []byte("{REF}")) {
		t.Fatalf("the narration was not filled in:\n%s", tail(tr))
	}
}

// A webhook that never came says why, when the outbox knows: the receiver refused
// it and it waits for a retry, or it was never to be sent (R4: connected before
// Data Sync was on). The failure said "got none"; only the transcript said why.
func TestMissingWebhookSaysWhy(t *testing.T) {
	res := changedFixture(t, "  - sync: adam\n", "  - receiver: down\n  - sync: adam\n")
	if line := res.Line(); res.Passed || !strings.Contains(line, "expected account_updated delivered for adam after the account_updated this step matched at ") ||
		!strings.Contains(line, "got none (the account_updated of 2021-08-20T12:30:00Z is still waiting for delivery: its attempt 1 failed, ") ||
		!strings.Contains(line, "next attempt at 2021-08-20T12:30:30Z, and the account's later webhooks wait behind it)") {
		t.Fatalf("a webhook refused by a receiver that is down: %s", line)
	}
	// A step for any account names whose event waits.
	res = changedFixture(t, "  - sync: adam\n", "  - receiver: down\n  - sync: adam\n", "    account: adam\n", "")
	if line := res.Line(); res.Passed || !strings.Contains(line, "got none (the account_updated for adam of 2021-08-20T12:30:00Z is still waiting for delivery") {
		t.Fatalf("a webhook for any account, refused: %s", line)
	}
	res = changedFixture(t, "  data_sync: enabled\n", "  data_sync: disabled\n",
		"  - advance: 30m\n", "  - settings: {data_sync: enabled}\n  - advance: 30m\n")
	if line := res.Line(); res.Passed || !strings.Contains(line, "expected account_connected delivered for adam, got none (the account_connected of 2021-08-20T12:00:00Z was never to be sent: ") {
		t.Fatalf("a webhook of an account connected with Data Sync off: %s", line)
	}
}

// A webhook step's expect: reads the delivery's mono-webhook-attempt and
// mono-webhook-event-id, as the transcript writes them: a receiver down for the
// first attempt is checked by the attempt that came through. check accepted
// header.mono-webhook-attempt, and the run said "got nothing (no such field)"
// (a QA trial).
func TestWebhookStepReadsTheDeliverysHeaders(t *testing.T) {
	src := `scenario: headers
customers:
  z: {institution: "044"}
steps:
  - receiver: down
  - connect: z
  - receiver: up
  - advance: 30s
  - webhook: account_connected
    account: z
    expect:
      header.mono-webhook-attempt: "2"
      header.Mono-Webhook-Event-Id: {matches: "^[0-9a-f]{24}$"}
  - webhook: account_updated
    account: z
    expect: {header.mono-webhook-attempt: "1"}
`
	path := filepath.Join(t.TempDir(), "headers.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, tr := run(t, path)
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	// A header the answer does not have is said to be one (it said "no such field").
	src = "scenario: no header\ncustomers:\n  z: {institution: \"044\"}\nsteps:\n  - connect: z\n  - sync: z\n  - sync: z\n    expect: {http: 429, header.X-Missing: \"3\"}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, _ = run(t, path); res.Passed || !strings.Contains(res.Line(), `header.X-Missing: expected "3", got nothing (no such header)`) {
		t.Fatalf("a missing header: %s", res.Line())
	}
}

// An account_updated that never came because the sync found nothing new says so:
// such a sync sends none, and "got none" read as delivery broken (a newcomer's
// trial).
func TestMissingAccountUpdatedAfterAQuietSyncSaysWhy(t *testing.T) {
	src := `scenario: quiet
start: 2021-08-20T13:00:00+01:00
settings: {data_sync: enabled, webhooks: capture}
customers:
  adam: {institution: "044", balance: NGN 10000, mfa: none, profile: dormant}
steps:
  - connect: adam
  - webhooks: [account_connected, account_updated]
    account: adam
  - advance: 2m
  - sync: adam
    expect: {hasNewData: false}
  - webhook: account_updated
    account: adam
`
	res, tr := runSrc(t, "quiet.yaml", src)
	if line := res.Line(); res.Passed || !strings.Contains(line, "expected account_updated delivered for adam, got none (the sync of 2021-08-20T12:02:00Z found nothing new, and a sync with nothing new sends no account_updated") {
		t.Fatalf("%s\n%s", line, tail(tr))
	}
}

// A file with serve: run headless passes up to it; in JUnit its case is skipped,
// saying so, not a bare pass that hid the steps that never ran (a QA trial).
func TestJUnitOfAServedFileRunHeadless(t *testing.T) {
	path := filepath.Join(t.TempDir(), "served.yaml")
	src := "scenario: served\ncustomers:\n  adam: {institution: \"044\"}\nsteps:\n  - connect: adam\n  - serve:\n" +
		"  - expect_call: GET /accounts/{adam}\n  - webhook: account_updated\n    account: adam\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res := scenario.RunFile(context.Background(), path, host, nil)
	var b bytes.Buffer
	if err := scenario.WriteJUnit(&b, []*scenario.Result{res}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Skipped int `xml:"skipped,attr"`
		Suites  []struct {
			Skipped int `xml:"skipped,attr"`
			Cases   []struct {
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	want := "1 step up to serve: passed; the 3 steps from serve: on wait for an app: run them with sandbank serve --scenario " + path
	if !res.Passed || doc.Skipped != 1 || doc.Suites[0].Skipped != 1 || doc.Suites[0].Cases[0].Skipped == nil || doc.Suites[0].Cases[0].Skipped.Message != want {
		t.Fatalf("passed %v; JUnit:\n%s\nwant its case skipped: %q", res.Passed, b.String(), want)
	}
}

// A served step that reads the clock (call: GET /sandbox/clock) does not let go
// of the instant its at: holds: it was taken for a step that moves the clock, so
// the app's jump went on and the steps after it ran days late, by however far
// the jump had got (a QA engineer's trial).
func TestServedClockReadHoldsItsInstant(t *testing.T) {
	// Daily automatic syncs: timers all along the jump, which goes on for a while.
	sv, w, _ := startServed(t, "scenario: t\nsettings: {auto_sync: 24h}\ncustomers:\n  tunde: {institution: \"058\", balance: NGN 250000}\nsteps:\n  - connect: tunde\n  - serve: {clock: paused}\n"+
		"  - call: GET /sandbox/clock\n    at: +9y\n  - bank: tunde\n    debit: NGN 1000\n    narration: MARKER\n")
	defer sv.Stop()
	if err := w.Clock.Advance(10 * 365 * 24 * time.Hour); err != nil { // the app's jump, past both steps
		t.Fatal(err)
	}
	var st scenario.ServeStatus
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) { // polling the served steps
		if st = sv.Status(); st.Phase == "done" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the steps never ended: %+v", st)
		}
	}
	read, debit := st.Steps[2], st.Steps[3]
	if read.State != "passed" || debit.State != "passed" || read.At == "" || debit.At != read.At {
		t.Fatalf("the clock read at %s (%s %s), the debit after it at %s (%s %s); want both passed at the read's instant", read.At, read.State, read.Message, debit.At, debit.State, debit.Message)
	}
}

// A served webhook: step whose webhook came but is not what its expect: says
// fails at once: the first of its kind is the one it matches, as in a run. It
// waited out its window instead — on a clock kept still, for ever: the steps after
// it never ran, --exit-when-done never exited, and a CI job hung with no reason
// given (a newcomer's trial).
func TestServedWebhookExpectFailsAtOnce(t *testing.T) {
	sv, _, _ := startServed(t, `scenario: t
start: 2021-08-20T13:00:00+01:00
customers:
  adam: {institution: "044", balance: NGN 10000}
steps:
  - connect: adam
  - serve: {clock: paused}
  - bank: adam
    credit: NGN 7,500
  - sync: adam
  - webhook: account_updated
    account: adam
    expect: {data.account.balance: "NGN 17,000"}
`)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) { // real time: the virtual clock stands still
		st := sv.Status()
		if st.Failed == 1 {
			msg := st.Steps[len(st.Steps)-1].Message
			if !strings.Contains(msg, `data.account.balance: expected "NGN 17,000", got NGN 17,500.00`) || !strings.Contains(msg, "in the account_updated delivered at 2021-08-20T") {
				t.Fatalf("the step failed saying: %s", msg)
			}
			return
		}
		if time.Now().After(deadline) {
			b, _ := json.Marshal(st)
			t.Fatalf("the step has not failed in 10 s: %s", b)
		}
	}
}

// A webhook: step whose expect: fails in several fields says each one's expected
// and got on its line, as a call: step's does: it named the first alone, and a
// second run found the next (a CI log shows the line, not the transcript).
func TestWebhookStepSaysEveryFailingField(t *testing.T) {
	src := `scenario: webhook fields
start: 2021-08-20T13:00:00+01:00
customers:
  adam: {institution: "044", name: Adam Okafor, balance: "NGN 10,000", mfa: none, profile: dormant}
steps:
  - connect: adam
  - webhook: account_connected
    account: adam
    expect:
      event: mono.events.account_updated
      data.account.name: ADAM OKAFOR
      data.account.balance: "NGN 1,000"
      data.meta.data_status: AVAILABLE
`
	path := filepath.Join(t.TempDir(), "webhook.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, tr := run(t, path)
	want := path + `:10:7 step 2 (webhook: account_connected): ` +
		`event: expected "mono.events.account_updated", got "mono.events.account_connected" (in the account_connected delivered at 2021-08-20T12:00:00Z); ` +
		`data.account.balance: expected "NGN 1,000", got NGN 10,000.00 (1000000 kobo); ` +
		`data.meta.data_status: expected "AVAILABLE", got "PROCESSING"`
	if res.Passed || res.Line() != "✗ "+want {
		t.Fatalf("line\n got %s\nwant ✗ %s", res.Line(), want)
	}
	for _, check := range []string{
		"  ✓ mono.events.account_connected delivered at 2021-08-20T12:00:00Z\n",
		"  ✗ event: expected \"mono.events.account_updated\", got \"mono.events.account_connected\"\n",
		"  ✓ data.account.name: \"ADAM OKAFOR\"\n",
		"  ✗ data.account.balance: expected \"NGN 1,000\", got NGN 10,000.00 (1000000 kobo)\n",
		"  ✗ data.meta.data_status: expected \"AVAILABLE\", got \"PROCESSING\"\n",
	} {
		if !bytes.Contains(tr, []byte(check)) {
			t.Errorf("the transcript lacks %q:\n%s", check, tail(tr))
		}
	}
	var b bytes.Buffer
	if err := scenario.WriteJUnit(&b, []*scenario.Result{res}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte(`data.meta.data_status: expected &#34;AVAILABLE&#34;, got &#34;PROCESSING&#34;`)) {
		t.Fatalf("the JUnit report does not say every field:\n%s", b.String())
	}
}

// servedAdam begins a served file: Adam connected, then serve: on a paused clock;
// a test adds the steps after it.
const servedAdam = `scenario: t
start: 2021-08-20T13:00:00+01:00
customers:
  adam: {institution: "044", name: Adam Okafor, balance: "NGN 10,000"}
steps:
  - connect: adam
  - serve: {clock: paused}
`

// An expect_call: step whose expect: fails in several fields says each one's
// expected and got, as a call: step's does: it named the first alone, and the
// app's call cannot be made again by a second run to find the next.
func TestServedExpectCallSaysEveryFailingField(t *testing.T) {
	sv, _, app := startServed(t, servedAdam+`  - expect_call: GET /accounts/{adam}
    expect:
      http: 200
      account.balance: "NGN 1,000"
      account.name: ADAM OKAFOR
      account.currency: USD
`)
	defer sv.Stop()
	appCalls(app, "GET", "/accounts/"+sv.AccountID("adam")) // the app's call
	servedDone(t, sv)
	want := `✗ s.yaml:8 step 3 (expect_call: GET /accounts/{adam}): s.yaml:11:7: ` +
		`account.balance: expected "NGN 1,000", got NGN 10,000.00 (1000000 kobo); ` +
		`account.currency: expected "USD", got "NGN"` + "\n"
	var out bytes.Buffer
	sv.Verdicts(&out)
	if !strings.Contains(out.String(), want) {
		t.Fatalf("verdicts:\n%s\nwant the line\n%s", out.String(), want)
	}
	var b bytes.Buffer
	if err := sv.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte(`account.currency: expected &#34;USD&#34;, got &#34;NGN&#34;`)) {
		t.Fatalf("the JUnit report does not say every field:\n%s", b.String())
	}
	// and the answer the app got, as a headless run's report shows its own (a QA trial)
	answer := "the app's call, and the answer it got:\nGET /accounts/" + sv.AccountID("adam") + " → 200\n"
	if report := html.UnescapeString(b.String()); !strings.Contains(report, answer) || !strings.Contains(report, `"currency": "NGN"`) {
		t.Fatalf("the JUnit report does not show the app's call and its answer (%q):\n%s", answer, b.String())
	}
}

// A served scenario's own step that fails after serve: shows its last request and
// the answer in the JUnit report, as scenario run's report does.
func TestServedOwnStepsFailureShowsItsAnswer(t *testing.T) {
	sv, _, _ := startServed(t, servedAdam+`  - call: GET /accounts/{adam}
    expect: {account.currency: USD}
`)
	defer sv.Stop()
	servedDone(t, sv)
	var b bytes.Buffer
	if err := sv.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	report := html.UnescapeString(b.String())
	for _, want := range []string{`expected: "USD"`, "the step's last request, and its answer:\nGET /accounts/" + sv.AccountID("adam") + " → 200\n", `"currency": "NGN"`} {
		if !strings.Contains(report, want) {
			t.Fatalf("the JUnit report does not say %q:\n%s", want, b.String())
		}
	}
}

// An app whose base URL ends in /v1 (as Mono's pages write it) meets an
// expect_call: of the route written without it: its GET /v1/accounts/ID was
// "not the call" (the review).
func TestServedExpectCallMetUnderTheV1Prefix(t *testing.T) {
	sv, _, app := startServed(t, servedAdam+`  - expect_call: GET /accounts/{adam}
    expect: {http: 200, account.name: ADAM OKAFOR}
`)
	defer sv.Stop()
	appCalls(app, "GET", "/v1/accounts/"+sv.AccountID("adam")) // the app's call
	servedDone(t, sv)
	var out bytes.Buffer
	sv.Verdicts(&out)
	if !strings.Contains(out.String(), "✓") || strings.Contains(out.String(), "✗") {
		t.Fatalf("verdicts:\n%s\nwant the expect_call: met by GET /v1/accounts/ID", out.String())
	}
}

// On a running clock a webhook: step after the scenario's own sync: finds that
// sync's webhook: it is made while the step runs, and the step's window began at
// its end, the clock moved on, so "got none" though it was delivered (an
// operator's trial). The same steps pass served as they do in scenario run.
func TestServedWebhookOfTheScenariosOwnSyncOnARunningClock(t *testing.T) {
	s, err := scenario.Parse("s.yaml", []byte(`scenario: t
customers:
  tola: {institution: "058", name: Tola Ade, balance: "NGN 10,000"}
steps:
  - connect: tola
  - serve:
  - bank: tola
    credit: "NGN 12,500"
  - advance: 3m
  - sync: tola
    expect: {hasNewData: true}
  - webhook: account_updated
    account: tola
    within: 2s
`))
	if err != nil {
		t.Fatal(err)
	}
	// A wall clock that moves a millisecond each time it is read: the running
	// virtual clock moves between the sync's event and the step's end, as it does
	// in real time, with no sleep.
	opts := s.WorldOptions(filepath.Join(t.TempDir(), "world.db"))
	var reads atomic.Int64
	base := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	opts.Wall = func() time.Time { return base.Add(time.Duration(reads.Add(1)) * time.Millisecond) }
	w, h, err := host(context.Background(), opts, scenario.ReceiverURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	sv, err := scenario.Serve(context.Background(), s, w, h, scenario.ReceiverURL)
	if err != nil {
		t.Fatal(err)
	}
	sv.Start(context.Background())
	defer sv.Stop()
	servedDone(t, sv)
	var out bytes.Buffer
	sv.Verdicts(&out)
	if strings.Contains(out.String(), "✗") {
		t.Fatalf("verdicts:\n%s\nwant the sync's webhook found", out.String())
	}
}

// servedDone waits for a served scenario's steps to end (10 s at most).
func servedDone(t *testing.T, sv *scenario.Serving) {
	t.Helper()
	select {
	case <-sv.Done():
	case <-time.After(10 * time.Second):
		b, _ := json.Marshal(sv.Status())
		t.Fatalf("the steps have not ended in 10 s: %s", b)
	}
}

// The steps right after serve: that wait for nothing have run when Start returns —
// before the port answers and ids.json appears — so an app that calls at once
// finds the world as they leave it: its sync after a bank: debit found nothing
// new, 2 runs in 20 (a Go developer's trial), the steps still on their goroutine.
func TestServedStepsBeforeTheFirstWaitRunBeforeTheAppCalls(t *testing.T) {
	sv, _, app := startServed(t, `scenario: t
start: 2024-03-01T09:00:00+01:00
customers:
  tola: {institution: "058", name: Tola Ade, balance: "NGN 1,000"}
steps:
  - connect: tola
  - serve: {clock: paused}
  - bank: tola
    debit: NGN 500
  - settings: {webhook_format: v2}
  - expect_call: POST /accounts/{tola}/sync
    expect: {hasNewData: true}
`)
	defer sv.Stop()
	st := sv.Status()
	for _, step := range st.Steps[2:4] {
		if step.State != scenario.StatePassed {
			t.Fatalf("step %d (%s) when Start returned: %s %s; want passed", step.N, step.Step, step.State, step.Note)
		}
	}
	appCalls(app, "POST", "/accounts/"+sv.AccountID("tola")+"/sync") // the app's call, at once
	servedDone(t, sv)
	var out bytes.Buffer
	sv.Verdicts(&out)
	if strings.Contains(out.String(), "✗") {
		t.Fatalf("verdicts:\n%s\nwant the sync to find the debit", out.String())
	}
}

// appCalls makes a call of the app's, with the scenario's secret key, to the
// served API app.
func appCalls(app http.Handler, method, path string) {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("mono-sec-key", scenario.DefaultKeys.Secret)
	app.ServeHTTP(httptest.NewRecorder(), req)
}

// A binary answer (a PDF) is written with its SHA-256, so that two transcripts
// compared byte for byte compare its bytes too: "(3245 bytes of binary data)"
// matched any PDF of that length (a determinism audit).
func TestTranscriptHashesBinaryBodies(t *testing.T) {
	res, tr := run(t, "../fixtures/returning-borrower.yaml")
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	if !regexp.MustCompile(`\(\d+ bytes of binary data, SHA-256 [0-9a-f]{64}\)`).Match(tr) {
		t.Fatalf("the PDF's answer carries no hash:\n%s", tail(tr))
	}
}

// A webhook step that matches an event made before an advance: or at: between
// them says so: after "advance: 30d", "webhook: account_updated" matched the
// connect's and passed, and a reader took it for one after the jump (a QA
// engineer's trial). One made after the jump is said plainly.
func TestAWebhookMadeBeforeAJumpSaysSo(t *testing.T) {
	src := `scenario: jump
start: 2024-01-25T09:00:00+01:00
settings: {data_sync: enabled, webhooks: capture, auto_sync: 24h}
customers:
  kemi: {institution: "011", balance: NGN 300000, profile: salary_earner}
steps:
  - connect: kemi
  - advance: 3d
  - webhook: account_connected
    account: kemi
  - webhook: account_updated
    account: kemi
  - webhook: account_updated
    account: kemi
`
	path := filepath.Join(t.TempDir(), "jump.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, tr := run(t, path)
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	notes := regexp.MustCompile(`(?m)^  ✓ mono\.events\.(\w+) delivered at \S+( — made at \S+, before step 2 \(advance: 3d\) moved the clock: webhook steps match in the order webhooks come, so to check one after step 2, match this one first)?$`).FindAllSubmatch(tr, -1)
	if len(notes) != 3 {
		t.Fatalf("want the three webhook steps' ✓ lines, got %q:\n%s", notes, tr)
	}
	for i, want := range []bool{true, true, false} { // the connect's two, then the first auto-sync's
		if got := len(notes[i][2]) > 0; got != want {
			t.Errorf("step %d's ✓ %q: says it was made before the jump %v; want %v", i+3, notes[i][0], got, want)
		}
	}
	// The ✓ line says it too, where CI shows it: only the transcript did (a QA
	// engineer's trial).
	line := res.Line() + res.NotesText()
	if n := strings.Count(line, "\n  ⚠ "+path+":"); n != 2 || !strings.Contains(line, ":9:5 step 3 (webhook: account_connected) matched account_connected — made at 2024-01-25T08:00:00Z, before step 2 (advance: 3d) moved the clock") ||
		!strings.Contains(line, ":11:5 step 4 (webhook: account_updated) matched account_updated — made at") {
		t.Errorf("the ✓ line has %d notes of webhooks made before the jump; want steps 3 and 4's:\n%s", n, line)
	}
	var junit bytes.Buffer
	if err := scenario.WriteJUnit(&junit, []*scenario.Result{res}); err != nil || !strings.Contains(junit.String(), "⚠ "+path+":9:5 step 3") {
		t.Errorf("the JUnit report does not carry the notes (%v):\n%s", err, junit.String())
	}
	// A list that checks the connect's events with a later one reads as it is
	// meant: the transcript says it, the ✓ line does not.
	list := strings.Replace(src, "  - webhook: account_connected\n    account: kemi\n  - webhook: account_updated\n    account: kemi\n  - webhook: account_updated\n",
		"  - webhooks: [account_connected, account_updated, account_updated]\n", 1)
	if err := os.WriteFile(path, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, tr = run(t, path); !res.Passed || res.NotesText() != "" || !strings.Contains(string(tr), "before step 2 (advance: 3d) moved the clock") {
		t.Errorf("a list of webhooks: %s\n%s", res.Line(), tail(tr))
	}
	// Served, the verdicts and the JUnit report say it too (a review: only
	// scenario run did).
	sv, _, _ := startServed(t, strings.Replace(src, "  - webhook: account_updated\n    account: kemi\n  - webhook: account_updated\n    account: kemi\n",
		"  - serve: {clock: paused}\n", 1))
	defer sv.Stop()
	servedDone(t, sv)
	var verdicts, junit2 bytes.Buffer
	sv.Verdicts(&verdicts)
	if err := sv.WriteJUnit(&junit2); err != nil || !strings.Contains(verdicts.String(), "✓ s.yaml:9 step 3 (webhook: account_connected)\n  ⚠ matched account_connected — made at 2024-01-25T08:00:00Z, before step 2 (advance: 3d)") ||
		!strings.Contains(junit2.String(), "⚠ matched account_connected — made at") {
		t.Errorf("served, the verdicts (%v):\n%s\nJUnit:\n%s", err, verdicts.String(), junit2.String())
	}
	// An at: the app's advance reached: the auto-sync's webhook made on the way,
	// at the instant, is not noted (a review: the clock was read after the wait).
	sv2, _, app := startServed(t, `scenario: at
start: 2024-01-25T09:00:00+01:00
settings: {data_sync: enabled, webhooks: capture, auto_sync: 24h}
customers:
  kemi: {institution: "011", balance: NGN 300000, profile: salary_earner}
steps:
  - connect: kemi
  - serve: {clock: paused}
  - at: 2024-01-28T09:00:00+01:00
  - webhook: account_updated
    account: kemi
`)
	defer sv2.Stop()
	// The app moves the clock once step 3 waits for it (an advance before it
	// began reaches its instant before it looks: then made before it).
	for deadline := time.Now().Add(10 * time.Second); sv2.Status().Steps[2].State != scenario.StateWaiting; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("step 3 never waited: %+v", sv2.Status().Steps[2])
		}
	}
	req := httptest.NewRequest("POST", "/sandbox/clock", strings.NewReader(`{"advance":"3d"}`))
	req.Header.Set("mono-sec-key", scenario.DefaultKeys.Secret)
	app.ServeHTTP(httptest.NewRecorder(), req)
	servedDone(t, sv2)
	verdicts.Reset()
	sv2.Verdicts(&verdicts)
	if s := verdicts.String(); !strings.Contains(s, "✓ s.yaml:10 step 4 (webhook: account_updated)") || strings.Contains(s, "⚠") {
		t.Errorf("served, an at: the app's advance reached:\n%s", s)
	}

	// The webhook step's own at: moves the clock too (a review: it was left out).
	own := strings.Replace(src, "  - advance: 3d\n", "", 1)
	own = strings.Replace(own, "  - webhook: account_connected\n    account: kemi\n", "  - webhook: account_connected\n    account: kemi\n    at: +3d\n", 1)
	if err := os.WriteFile(path, []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	if res, tr = run(t, path); !res.Passed || !strings.Contains(string(tr), "before this step's at: moved the clock") || !strings.Contains(string(tr), "before step 2 (webhook: account_connected) moved the clock") {
		t.Fatalf("a webhook step's own at: is not said:\n%s", tr)
	}
}

// A run that a stop cut short in a step says the last step did not end: "2
// steps, 1095d of virtual time" read as two steps run whole (a QA engineer's
// trial, Ctrl+C during "advance: 3y").
func TestJUnitOfAStoppedRunSaysTheLastStepWasCut(t *testing.T) {
	res := &scenario.Result{Path: "long.yaml", Title: "long", Steps: 2, Virtual: 1095 * 24 * time.Hour, Interrupted: true,
		Err: &scenario.Error{File: "long.yaml", Line: 6, Col: 5, Msg: "stopped (interrupt) at step 2 (advance: 3y), which did not end; the steps after it did not run"}}
	var b bytes.Buffer
	if err := scenario.WriteJUnit(&b, []*scenario.Result{res}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<system-out>2 steps, the last cut short by the stop; 1095d of virtual time</system-out>") {
		t.Fatalf("the JUnit report of a stopped run:\n%s", b.String())
	}
}

// A file longer than a scenario file may be is refused after reading just past
// the limit: all of /dev/zero was read before the size was checked, 24 GB until
// the kernel killed the process, and all 2 GB of a sparse file (a bad-input trial).
func TestReadFileReadsNoMoreThanTheLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(64 << 20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	_, err = scenario.ReadFile(path)
	want := fmt.Sprintf("%s:1:1: the file is %d bytes; a scenario file has at most %d", path, 64<<20, scenario.MaxFileBytes)
	if err == nil || err.Error() != want {
		t.Fatalf("ReadFile of 64 MiB = %v; want %s", err, want)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := scenario.ReadFile("/dev/zero"); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("the file is more than %d bytes", scenario.MaxFileBytes)) {
			t.Fatalf("ReadFile of /dev/zero = %v; want it refused as too long", err)
		}
	}
	if _, err := scenario.ReadFile(t.TempDir()); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Fatalf("ReadFile of a folder = %v; want it said to be a folder", err)
	}
}

// What an expectation or a save: shows of an answer hides real time as the
// transcript's bodies do: the ✓ lines under a GET /sandbox/webhooks printed a
// webhook attempt's latency_ms whole, 4, 25 and 12 ms on three runs of one file
// (a QA engineer's trial). The built-in receiver's slow: answers in a latency of
// its own, the same on every run, which a real receiver's is not.
func TestTranscriptHidesRealTimeInWhatItChecks(t *testing.T) {
	src := `scenario: latency
customers:
  adam: {institution: "044"}
steps:
  - receiver: {slow: 2s}
  - connect: adam
  - call: GET /sandbox/webhooks
    expect:
      data.0.attempts: {len: 1}
      data.0.attempts.0: {any: true}
      data.0.attempts.0.latency_ms: 2000
      body: {contains: latency_ms}
    save: {ms: data.0.attempts.0.latency_ms}
`
	res, tr := runSrc(t, "latency.yaml", src)
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	for _, s := range []string{`"latency_ms":2000`, `latency_ms: 2000`, `ms = 2000`} {
		if bytes.Contains(tr, []byte(s)) {
			t.Errorf("the transcript shows the real time (%s):\n%s", s, tr)
		}
	}
	if !bytes.Contains(tr, []byte(`✓ data.0.attempts.0.latency_ms: "(real time)"`)) {
		t.Errorf("the ✓ line does not say (real time):\n%s", tr)
	}
}

// A webhook: step checks every header the delivery carried, by any case, as the
// receiver got them: it knew mono-webhook-attempt and mono-webhook-event-id alone,
// and Content-Type got "no such header" (a QA engineer's trial). The secret
// stays masked in the transcript, the ✓ line's too.
func TestWebhookStepChecksEveryHeaderTheDeliveryCarried(t *testing.T) {
	src := `scenario: every header
settings: {webhook_secret: whsec_CUSTOMSECRET_9876}
customers:
  z: {institution: "044"}
steps:
  - connect: z
  - webhook: account_connected
    account: z
    expect:
      header.Content-Type: application/json
      header.content-type: application/json
      header.User-Agent: {matches: "^sandbank-webhooks/"}
      header.Mono-Webhook-Secret: whsec_CUSTOMSECRET_9876
      header.mono-webhook-secret: "{keys.webhook_secret}"
`
	res, tr := runSrc(t, "headers.yaml", src)
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	if bytes.Contains(tr, []byte("CUSTOMSECRET_9876")) {
		t.Errorf("the transcript holds the webhook secret whole:\n%s", tr)
	}
	for _, s := range []string{"  > Content-Type: application/json\n", "  > User-Agent: sandbank-webhooks/1\n", "✓ header.Mono-Webhook-Secret: \"whsec_"} {
		if !bytes.Contains(tr, []byte(s)) {
			t.Errorf("the transcript lacks %q:\n%s", s, tr)
		}
	}
}

// A delivery's secret is the one it carried, not one a later step set: a retry
// made while a settings step's at: moved the clock carried the old secret, and a
// check of it failed while a check of the new one passed (a review).
func TestWebhookStepChecksTheSecretTheDeliveryCarried(t *testing.T) {
	src := `scenario: secret change
start: 2025-06-02T10:00:00+01:00
settings: {webhook_secret: whsec_OLDSECRET_1111}
customers:
  z: {institution: "044"}
steps:
  - receiver: {status: 500}
  - connect: z
  - receiver: up
  - settings: {webhook_secret: whsec_NEWSECRET_2222}
    at: 2025-06-02T15:00:00+01:00
  - webhook: account_connected
    account: z
    expect: {header.mono-webhook-attempt: "2", header.mono-webhook-secret: whsec_OLDSECRET_1111}
`
	// And an at: that lands on the retry's very instant (a review).
	for _, src := range []string{src, strings.Replace(src, "at: 2025-06-02T15:00:00+01:00", "at: 2025-06-02T10:00:30+01:00", 1)} {
		if res, tr := runSrc(t, "rotate.yaml", src); !res.Passed {
			t.Fatalf("%s\n%s", res.Line(), tail(tr))
		}
	}
}

// A time written in Lagos time or as sandbank writes it, against the answer's
// same instant, fails as text (the README says so) but says it is the same
// instant and how to write it: it read as two times that differ (a QA
// engineer's trial).
func TestATimeOfTheSameInstantWrittenOtherwiseSaysHowToWriteIt(t *testing.T) {
	for _, want := range []string{`"2025-06-02T10:00:00"`, `2 Jun 2025 10:00:00 WAT`} {
		src := "scenario: instant\nstart: 2025-06-02T10:00:00+01:00\nsteps:\n  - call: GET /sandbox/clock\n    expect: {now: " + want + "}\n"
		res, tr := runSrc(t, "instant.yaml", src)
		if res.Passed || !strings.Contains(res.Line(), `got "2025-06-02T09:00:00.000Z" — the same instant, written another way: write "2025-06-02T09:00:00.000Z", as the answer does`) {
			t.Errorf("%s: %s\n%s", want, res.Line(), tail(tr))
		}
	}
	// Another instant is only a mismatch.
	src := "scenario: instant\nstart: 2025-06-02T10:00:00+01:00\nsteps:\n  - call: GET /sandbox/clock\n    expect: {now: \"2025-06-02T11:00:00\"}\n"
	if res, _ := runSrc(t, "other.yaml", src); res.Passed || strings.Contains(res.Line(), "same instant") {
		t.Errorf("another instant: %s", res.Line())
	}
}

// Check's limits are the API's: what check takes at the edge — a millisecond, 0
// where 0 means none or at once, a webhook URL of 2,048 characters — the run's
// calls take, and a step under a millisecond that says it expects the 400 gets
// it. Check passed a latency of 500us that the run's call refused (a review).
func TestCheckAndTheAPIAgreeOnTheLimits(t *testing.T) {
	url := "http://127.0.0.1:7690/" + strings.Repeat("é", 2048-22) // characters, not bytes; nothing is sent to it
	src := "scenario: limits\nstart: 2022-03-01T09:00:00+01:00\nsteps:\n" +
		"  - outage: \"033\"\n    for: 1ns\n    expect: {http: 400, message: {contains: under a millisecond}}\n" +
		"  - latency: \"033\"\n    delay: 500us\n    expect: {http: 400, message: {contains: under a millisecond}}\n" +
		"  - receiver: {slow: 999us}\n    expect: {http: 400, message: {contains: under a millisecond}}\n" +
		"  - outage: \"033\"\n    for: 1ms\n  - latency: \"033\"\n    delay: 1ms\n  - latency: \"033\"\n    delay: 0\n" +
		"  - receiver: {slow: 1ms}\n  - settings: {statement_build: 1ms}\n  - settings: {statement_build: 0}\n" +
		"  - settings: {webhooks: \"" + url + "\"}\n" +
		"  - call: GET /sandbox/settings\n    expect: {webhook_url: \"" + url + "\", statement_build: \"0s\"}\n"
	if res, tr := runSrc(t, "limits.yaml", src); !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
}

// A transcript says, at its making, each event that is never sent (R4) and why, and
// names each webhook's account: a jump's lines named none, and the R4 events of an
// account connected before Data Sync were seen only by reading the outbox (a QA
// engineer's trial).
func TestTranscriptTellsEventsNeverSentAndNamesAccounts(t *testing.T) {
	res, tr := run(t, "../fixtures/webhooks-after-enabling.yaml")
	if !res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	for _, want := range []string{
		"2021-08-20T08:00:00Z  webhook mono.events.account_connected for early: not sent, Data Sync was off for this business when this event happened\n",
		"webhook mono.events.account_updated for early: not sent, the account was connected before Data Sync was enabled, and such accounts never receive webhooks\n",
		"webhook mono.events.account_updated for just_before: not sent, the account was connected before Data Sync was enabled",
		"webhook mono.events.account_connected for late, attempt 1 → 200\n",
	} {
		if !bytes.Contains(tr, []byte(want)) {
			t.Errorf("the transcript lacks %q\n%s", want, tr)
		}
	}
	if n := bytes.Count(tr, []byte("for early: not sent")); n != 3 {
		t.Errorf("%d lines tell early's events not sent, want 3 (connected, the connect's sync, the sync step): each once\n%s", n, tr)
	}
}

// An expectation on a path the answer lacks says where it went astray, as a save:
// does: data.0.amount on an empty list said only "no such field" (a QA engineer's
// trial).
func TestExpectationOnAMissingPathSaysWhere(t *testing.T) {
	src := "scenario: t\nsettings: {data_sync: disabled}\ncustomers:\n  ada: {institution: \"044\", name: Ada Obi, balance: NGN 100}\nsteps:\n  - connect: ada\n" +
		"  - call: GET /accounts/{ada}/transactions?start=01-01-2000&end=02-01-2000\n    expect: {data.0.amount: 5}\n"
	res, tr := runSrc(t, "missing.yaml", src)
	if res.Passed || !strings.HasSuffix(res.Line(), "data.0.amount: expected 5, got nothing (no such field) (data has 0 items)") {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	// The JUnit report shows the request and what the API answered under the
	// failure: CI kept the transcript to see it (a QA engineer's trial).
	var x bytes.Buffer
	if err := scenario.WriteJUnit(&x, []*scenario.Result{res}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`the step&#39;s last request, and its answer:&#xA;GET /accounts/[0-9a-f]{24}/transactions\?start=01-01-2000&amp;end=02-01-2000 → 200&#xA;\{&#xA;  &#34;paging&#34;: \{`).Match(x.Bytes()) ||
		!strings.Contains(x.String(), "&#34;data&#34;: []&#xA;}</failure>") {
		t.Errorf("the JUnit failure lacks the step's request and answer:\n%s", x.String())
	}
}

// A failed step's answer in the JUnit report leaves out a customer's password and
// security answer, which the sandbox's customer routes give (a review).
func TestAnswerInTheReportHidesPasswords(t *testing.T) {
	src := "scenario: t\ncustomers:\n  ada: {institution: \"044\", name: Ada Obi, password: hunter2-secret}\nsteps:\n" +
		"  - call: GET /sandbox/customers/{ada.customer}\n    expect: {name: Nobody}\n"
	res, tr := runSrc(t, "pw.yaml", src)
	if res.Passed {
		t.Fatalf("%s\n%s", res.Line(), tail(tr))
	}
	var x bytes.Buffer
	if err := scenario.WriteJUnit(&x, []*scenario.Result{res}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(x.String(), "hunter2-secret") || !strings.Contains(x.String(), "&#34;password&#34;: &#34;(not shown)&#34;") {
		t.Errorf("the JUnit failure shows the password, or not its field:\n%s", x.String())
	}
}
