package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// response is an answer of the API to a step, as the app would read it.
type response struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
	TimedOut     bool // the client gave up before the answer (timeout:)
	json         any
	parsed       bool
	shownJSON    any // the answer as a transcript shows it (hideRealTime)
	shownParsed  bool
}

// value reads the answer's JSON, once.
func (r *response) value() any {
	if !r.parsed {
		r.parsed = true
		d := json.NewDecoder(bytes.NewReader(r.Body))
		d.UseNumber()
		if d.Decode(&r.json) != nil {
			r.json = nil
		}
	}
	return r.json
}

// shown is what lookup finds at path as a transcript may show it: the real
// time in it hidden as the transcript's bodies hide it — the ✓ lines of an
// expectation on GET /sandbox/webhooks printed a latency_ms of 4, 25, 12 on
// three runs of one file (a QA engineer's trial).
func (r *response) shown(path string) (any, bool) {
	if path == "body" {
		return string(hideRealTime(r.Body)), true
	}
	if path == "http" || path == "timed_out" || strings.HasPrefix(path, "header.") {
		return r.lookup(path)
	}
	if !r.shownParsed {
		r.shownParsed = true
		if b := hideRealTime(r.Body); bytes.Equal(b, r.Body) {
			r.shownJSON = r.value()
		} else {
			d := json.NewDecoder(bytes.NewReader(b))
			d.UseNumber()
			if d.Decode(&r.shownJSON) != nil {
				r.shownJSON = nil
			}
		}
	}
	return jsonPath(r.shownJSON, path)
}

// lookup finds a path of an answer: http, timed_out, header.X, body, or a dotted
// JSON path (data.0.amount).
func (r *response) lookup(path string) (any, bool) {
	switch {
	case path == "http":
		return json.Number(strconv.Itoa(r.Status)), true
	case path == "timed_out":
		return r.TimedOut, true
	case path == "body":
		return string(r.Body), true
	case strings.HasPrefix(path, "header."):
		vs := r.Header.Values(strings.TrimPrefix(path, "header."))
		if len(vs) == 0 {
			return nil, false
		}
		return strings.Join(vs, ", "), true
	}
	return jsonPath(r.value(), path)
}

// jsonPath walks a decoded JSON value by a dotted path; numbers index arrays.
func jsonPath(v any, path string) (any, bool) {
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			c, ok := x[part]
			if !ok {
				return nil, false
			}
			v = c
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// closestPath is the path the answer has where path names a key it does not
// ("staus" for "status", "data.0.amout"), or "": the closest key of the object
// where the walk stops, with the path up to it.
func closestPath(v any, path string) string {
	parts := strings.Split(path, ".")
	for i, part := range parts {
		switch x := v.(type) {
		case map[string]any:
			c, ok := x[part]
			if !ok {
				keys := make([]string, 0, len(x))
				for k := range x {
					keys = append(keys, k)
				}
				s := didYouMean(part, keys)
				if s == "" {
					return ""
				}
				parts[i] = s
				if _, ok := jsonPath(x[s], strings.Join(parts[i+1:], ".")); i+1 < len(parts) && !ok {
					return ""
				}
				return strings.Join(parts, ".")
			}
			v = c
		case []any:
			n, err := strconv.Atoi(part)
			if err != nil || n < 0 || n >= len(x) {
				return ""
			}
			v = x[n]
		default:
			return ""
		}
	}
	return ""
}

// missingHint says, for a path the answer does not have, the one it likely
// meant (" — did you mean data.id?") or else the fields there are where the
// path went astray (" (data has: id, status)"), as a save: names them.
func missingHint(res *response, path string) string {
	if path == "body" || strings.HasPrefix(path, "header.") {
		return ""
	}
	if alt := closestPath(res.value(), path); alt != "" {
		return fmt.Sprintf(" — did you mean %s?", alt)
	}
	v, at := res.value(), "the answer"
	for part := range strings.SplitSeq(path, ".") {
		var c any
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if c, ok = x[part]; !ok {
				keys := slices.Sorted(maps.Keys(x))
				if len(keys) == 0 {
					return fmt.Sprintf(" (%s is empty)", at)
				}
				if len(keys) > 12 {
					keys = append(keys[:12], "…")
				}
				return fmt.Sprintf(" (%s has %s)", at, strings.Join(keys, ", "))
			}
		case []any:
			// A list's items, as data.0.amount reads them (the review: a path
			// through a list got no hint).
			n, err := strconv.Atoi(part)
			switch {
			case err != nil:
				return fmt.Sprintf(" (%s is a list: name an item by its number, %s.0)", at, at)
			case n < 0 || n >= len(x):
				return fmt.Sprintf(" (%s has %s)", at, plural(len(x), "item"))
			}
			c = x[n]
		default:
			return ""
		}
		if at == "the answer" {
			at = part
		} else {
			at += "." + part
		}
		v = c
	}
	return ""
}

// show renders a JSON value for a message.
func show(v any, present bool) string {
	if !present {
		return "nothing (no such field)"
	}
	switch x := v.(type) {
	case string:
		if !isText([]byte(x)) {
			return fmt.Sprintf("%d bytes of binary data", len(x))
		}
		if r := []rune(x); len(r) > 200 {
			return strconv.Quote(string(r[:200])) + fmt.Sprintf("… (%d characters)", len(r))
		}
		return strconv.Quote(x)
	case json.Number:
		return x.String()
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// wantValue is an expected value, its templates expanded, as Go values comparable
// with decoded JSON.
type wantValue struct {
	n    *node
	text string // the scalar, expanded
}

func (w wantValue) String() string {
	switch {
	case w.n.kind == kSeq:
		parts := make([]string, len(w.n.items))
		for i, it := range w.n.items {
			parts[i] = it.value
		}
		return "one of " + strings.Join(parts, ", ")
	case w.n.tag == tagStr:
		return strconv.Quote(w.text)
	case w.n.tag == tagNull:
		return "null"
	}
	return w.text
}

// equal compares an expected scalar with a JSON value: numbers by value (an amount
// in naira against kobo), strings exactly, booleans and null as such; a quoted
// number matches the same number ("120" and 120), as headers are text.
func equal(n *node, text string, got any) bool {
	switch g := got.(type) {
	case nil:
		return n.tag == tagNull
	case bool:
		return (n.tag == tagBool || n.tag == tagStr) && text == strconv.FormatBool(g)
	case json.Number:
		want, ok := wantNumber(n, text)
		gotN, ok2 := new(big.Rat).SetString(g.String())
		return ok && ok2 && want.Cmp(gotN) == 0
	case string:
		if n.tag == tagNull {
			return false
		}
		if text == g {
			return true
		}
		if isNaira(text) {
			want, ok := wantNumber(n, text)
			gotN, ok2 := new(big.Rat).SetString(g)
			return ok && ok2 && want.Cmp(gotN) == 0
		}
		// Two times with their zones, by instant: 08:00:00+01:00 is the API's
		// 07:00:00.000Z, which "expected, got" showed as a plain mismatch (a QA
		// engineer's trial).
		if wt, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(text)); err == nil {
			gt, err := time.Parse(time.RFC3339Nano, g)
			return err == nil && wt.Equal(gt)
		}
		return false
	}
	return false
}

// sameInstant says, of an expected time that got another text of the same
// instant, so and how to write it, or "": "2025-06-02T10:00:00" (Lagos time) or
// "2 Jun 2025 10:00:00 WAT" against the answer's "2025-06-02T09:00:00.000Z"
// failed as two texts (a QA engineer's trial). A time without its zone compares
// as text, as the README says; the message shows the answer's own form.
func sameInstant(want string, got any) string {
	g, ok := got.(string)
	if !ok {
		return ""
	}
	gt, err := time.Parse(time.RFC3339Nano, g)
	if err != nil {
		return ""
	}
	wt, err := instant(&node{kind: kScalar, value: strings.TrimSpace(want)}, "expected")
	if err != nil || !wt.Equal(gt) {
		return ""
	}
	return fmt.Sprintf(" — the same instant, written another way: write %q, as the answer does (only a time with its zone, such as +01:00, compares by instant)", g)
}

// wantNumber reads an expected number: a YAML number, a quoted one, or NGN naira.
func wantNumber(n *node, text string) (*big.Rat, bool) {
	if isNaira(text) {
		f, err := number(&node{kind: kScalar, tag: tagStr, value: text})
		if err != nil {
			return nil, false
		}
		return new(big.Rat).SetFloat64(f), true
	}
	r, ok := new(big.Rat).SetString(strings.TrimSpace(text))
	return r, ok
}

// check evaluates one expectation against a found value; it returns "" when it
// holds, else what was expected, in words.
func check(e *Expectation, want wantValue, got any, present bool) (expected string, ok bool) {
	switch e.Matcher {
	case MatchEqual:
		return want.String(), present && equal(want.n, want.text, got)
	case "any":
		return "any value", present
	case "absent":
		if strings.HasPrefix(e.Path, "header.") {
			return "no such header", !present
		}
		return "no such field", !present
	case "not":
		return "anything but " + want.String(), !present || !equal(want.n, want.text, got)
	case "one_of":
		for _, it := range want.n.items {
			if present && equal(it, it.value, got) {
				return want.String(), true
			}
		}
		return want.String(), false
	case "gt", "gte", "lt", "lte":
		w, _ := wantNumber(want.n, want.text)
		words := map[string]string{"gt": "more than", "gte": "at least", "lt": "less than", "lte": "at most"}[e.Matcher]
		expected = words + " " + want.text
		var g *big.Rat
		switch x := got.(type) {
		case json.Number:
			g, ok = new(big.Rat).SetString(x.String())
		case string:
			g, ok = new(big.Rat).SetString(x)
		}
		if !present || !ok || w == nil {
			return expected, false
		}
		c := g.Cmp(w)
		return expected, map[string]bool{"gt": c > 0, "gte": c >= 0, "lt": c < 0, "lte": c <= 0}[e.Matcher]
	case "matches":
		re := regexp.MustCompile(want.text) // checked when the file was read
		s, isStr := got.(string)
		if n, isNum := got.(json.Number); isNum {
			s, isStr = n.String(), true
		}
		return "a match of /" + want.text + "/", present && isStr && re.MatchString(s)
	case "contains":
		expected = "something containing " + strconv.Quote(want.text)
		switch x := got.(type) {
		case string:
			return expected, strings.Contains(x, want.text)
		case []any:
			for _, it := range x {
				if equal(want.n, want.text, it) {
					return expected, true
				}
			}
		}
		return expected, false
	case "len":
		n, _ := strconv.Atoi(want.text)
		expected = plural(n, "item")
		switch x := got.(type) {
		case []any:
			return expected, len(x) == n
		case map[string]any:
			return expected, len(x) == n
		case string:
			return plural(n, "character"), len([]rune(x)) == n
		}
		return expected, false
	}
	return "a known matcher", false
}

// plural is "1 item", "2 items".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
