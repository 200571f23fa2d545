package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"sandbank/engine"
)

// MaxBodyBytes caps request bodies; a larger one gets 413.
const MaxBodyBytes = 1 << 20

// params are a request's fields, from its query string or its body, whichever way a
// client sends them: JSON, form-encoded, or nothing at all. Values are kept as text
// and typed by the getters, which name the field in their errors.
type params map[string]string

// queryParams reads the query string; a trailing & or an empty pair is fine, and so
// is a parameter repeated with the same value. One repeated with another value is
// refused: which one counts would be a guess (limit=1&limit=50).
func queryParams(raw string) (params, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return nil, engine.Invalid("query", "the query string is malformed (%v); URL-encode its values", err)
	}
	if err := nameless(v, "query", "the query string"); err != nil {
		return nil, err
	}
	names := slices.Sorted(maps.Keys(v))
	for _, k := range names {
		if vs := v[k]; k != "" && slices.ContainsFunc(vs, func(x string) bool { return x != vs[0] }) {
			return nil, engine.Invalid(k, "query parameter %q is given %d times with different values (%s); send it once", k, len(vs), quoteList(vs))
		}
	}
	return formParams(v), nil
}

// nameless refuses a value with no name ("=x"), which was taken as a form, or a
// query, with nothing in it (a bad-input hunt; a review: the query's too); its
// value is not echoed (it may be a password). A bare "=" is an empty pair, as a
// trailing "&" is, and is dropped from v.
func nameless(v url.Values, field, what string) error {
	if slices.ContainsFunc(v[""], func(s string) bool { return s != "" }) {
		return engine.Invalid(field, "%s has a value with no name (=…): write each as name=value", what)
	}
	delete(v, "")
	return nil
}

// quoteList is vs quoted, comma-separated, the first few only.
func quoteList(vs []string) string {
	var b strings.Builder
	for i, x := range vs {
		if i == 3 {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(x))
	}
	return b.String()
}

// formParams takes the last value of each named field of a query string or form.
func formParams(v url.Values) params {
	p := params{}
	for k, vs := range v {
		if k != "" && len(vs) > 0 {
			p[k] = vs[len(vs)-1]
		}
	}
	return p
}

// bodyReadTimeout bounds, in real time, how long a request's body may take to
// arrive: the server's read deadline covers the slowest request's whole run (see
// slowestRequest), and 512 bodies trickling a byte each held every connection for
// 26 minutes.
var bodyReadTimeout = 30 * time.Second

// readBody reads a request body up to MaxBodyBytes, within bodyReadTimeout.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		// Said before reading: a client that sent Expect: 100-continue was told to
		// send its 2 MB first, and refused after.
		return nil, engine.Errorf(engine.ETOOLARGE, "the request body is over %d bytes; send less", MaxBodyBytes)
	}
	rc := http.NewResponseController(w)
	start := time.Now()
	deadline := rc.SetReadDeadline(start.Add(bodyReadTimeout)) == nil
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
		// The deadline stays: the connection closes once this answer is out.
		return nil, engine.Invalid("body", "the request body did not arrive within %s; send it whole", bodyReadTimeout)
	}
	if deadline {
		// Read whole: back to the server's bound on the whole request (ReadTimeout,
		// slowestRequest), which a zero deadline would lift.
		_ = rc.SetReadDeadline(start.Add(slowestRequest))
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, engine.Errorf(engine.ETOOLARGE, "the request body is over %d bytes; send less", MaxBodyBytes)
	}
	if err != nil {
		return nil, engine.Invalid("body", "the request body could not be read: %v", err)
	}
	if ce := strings.TrimSpace(r.Header.Get("Content-Encoding")); len(b) > 0 && ce != "" && !strings.EqualFold(ce, "identity") {
		// Read as it came, a gzip body was an unknown field of binary bytes.
		return nil, engine.Invalid("body", "the request body is compressed (Content-Encoding: %.40s), which sandbank does not read: send it uncompressed, without that header", ce)
	}
	if utf16Text(b) {
		// Read as it came, {"code":"…"} in UTF-16 was a form of one unknown field:
		// "code is required" (a QA trial).
		return nil, engine.Invalid("body", "the request body is UTF-16 text (as Windows PowerShell's Out-File and Notepad's \"Unicode\" save it), which sandbank does not read: send it as UTF-8")
	}
	return b, nil
}

// utf16Text reports whether a body is UTF-16 (or UTF-32) text: it starts with
// that encoding's byte-order mark, or has a NUL byte in its first two, as
// UTF-16 text of ASCII characters does and neither JSON nor a form can.
func utf16Text(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff}) ||
		bytes.IndexByte(b[:min(len(b), 2)], 0) >= 0
}

// bodyParams reads the body as JSON (an object), a form, or nothing: the body of a
// route that takes what clients send (the Mono routes, the widget's), whose fields
// other than reads, the ones it reads, pass unread, whatever their values — an
// SDK's {"code":"…","meta":{…}} was refused for its meta (a QA trial). A field it
// reads given twice is refused: the last one won, unless it was null, and
// {"username":"nobody","username":"ada"} signed in as ada (a fuzzing trial);
// {"code":"bogus","code":"<real>"} exchanged the second (a bad-input trial).
//
// A read ending in ":text" is an ID's or a code's field, which JSON must give as a
// string, as sandboxBody's: {"code":123} was turned into the code "123" and
// answered 404 'no connect code "123" was issued' (a v2 developer's trial).
func bodyParams(w http.ResponseWriter, r *http.Request, reads ...string) (params, error) {
	b, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	reads = slices.Clone(reads) // not nil: nil would have every field read
	var texts []string
	for i, n := range reads {
		if reads[i] = strings.TrimSuffix(n, ":text"); reads[i] != n {
			texts = append(texts, reads[i])
		}
	}
	if err := textFields(ct, b, texts); err != nil {
		return nil, err
	}
	p, err := parseBody(ct, b, reads)
	if err != nil {
		return nil, err
	}
	if err := repeatedRead(ct, b, reads); err != nil {
		return nil, err
	}
	return p, nil
}

// textFields refuses a JSON object body that gives one of names as anything but
// a string (or null, as if left out). A body that is no JSON object is parseBody's
// to refuse.
func textFields(mediaType string, b []byte, names []string) error {
	trimmed := trimBody(b)
	if len(names) == 0 || len(trimmed) == 0 || !isJSON(mediaType, trimmed) {
		return nil
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(trimmed, &raw) != nil {
		return nil
	}
	for _, k := range names {
		v := bytes.TrimSpace(raw[k])
		if len(v) == 0 || v[0] == '"' || string(v) == "null" {
			continue
		}
		var val any
		_ = json.Unmarshal(v, &val) // Unmarshal above read it
		kind := strings.TrimPrefix(strings.TrimPrefix(jsonValueKind(val), "a "), "an ")
		if _, obj := val.(map[string]any); obj {
			kind = "object"
		}
		return engine.Invalid(k, "%s must be a string, not %s: send \"%s\": \"…\", in quotes, as it was given to you", k, kind, k)
	}
	return nil
}

// repeatedRead refuses a body that gives one of reads more than once.
func repeatedRead(mediaType string, b []byte, reads []string) error {
	for _, k := range repeatedFields(mediaType, b) {
		if slices.Contains(reads, k) {
			return engine.Invalid(k, "field %q is given more than once; send each field once", k)
		}
	}
	return nil
}

// repeatedInObject refuses a JSON object, read into a struct (decodeObject), that
// gives a field of reads — a path, "institution.id" for a nested one — more than
// once, in any case: encoding/json takes the last, matching names as
// bytes.EqualFold does, so {"scope":"auth","SCOPE":"reauth"} and
// {"institution":{"id":"x","id":"044"}} went by their last (a review). One pass
// over the body, going into an object only where a read path goes on: a deep
// body of unread fields was walked again at each level (a review: 12 s).
func repeatedInObject(b []byte, reads []string) error {
	// Paths join names with NUL, which no name in a body that decoded has
	// unescaped: joined with ".", a top-level "institution.id" given twice, a
	// name encoding/json ignores, read as a repeated institution.id (a review).
	folded := make([]string, len(reads))
	for i, r := range reads {
		folded[i] = foldName(strings.ReplaceAll(r, ".", "\x00"))
	}
	within := func(path string) bool { // a read path goes on below path
		return slices.ContainsFunc(folded, func(r string) bool { return strings.HasPrefix(r, path+"\x00") })
	}
	dec := json.NewDecoder(bytes.NewReader(trimBody(b)))
	// skip reads the rest of a value whose first token, an array's or an
	// object's opening, was read.
	skip := func() bool {
		for depth := 1; depth > 0; {
			t, err := dec.Token()
			if err != nil {
				return false
			}
			switch t {
			case json.Delim('['), json.Delim('{'):
				depth++
			case json.Delim(']'), json.Delim('}'):
				depth--
			}
		}
		return true
	}
	var walk func(prefix string) (string, bool)
	walk = func(prefix string) (string, bool) { // the repeated path, if any; false: the body ended badly
		t, err := dec.Token()
		switch {
		case err != nil:
			return "", false
		case t == json.Delim('['): // not an object (decodeObject refuses it there): its elements are no names (a review)
			return "", skip()
		case t != json.Delim('{'):
			return "", true // a string, number, bool or null: read whole
		}
		seen := map[string]bool{}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return "", false
			}
			k, _ := t.(string)
			path := prefix + foldName(k)
			if seen[path] && slices.Contains(folded, path) {
				return path, true
			}
			seen[path] = true
			if within(path) {
				found, ok := walk(path + "\x00")
				if found != "" || !ok {
					return found, ok
				}
				continue
			}
			var raw json.RawMessage // read once, not walked
			if err := dec.Decode(&raw); err != nil {
				return "", false
			}
		}
		_, err = dec.Token() // the object's close
		return "", err == nil
	}
	if k, _ := walk(""); k != "" {
		for i, f := range folded {
			if f == k {
				k = reads[i] // named as the route names it
			}
		}
		return engine.Invalid(k, "field %q is given more than once; send each field once", k)
	}
	return nil
}

// foldName is a name as encoding/json matches it, case-blind as bytes.EqualFold
// is: each letter the least of its Unicode case orbit ("ſcope" is "SCOPE").
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// widgetBody is bodyParams for the widget's own routes.
func widgetBody(w http.ResponseWriter, r *http.Request, reads ...string) (params, error) {
	return bodyParams(w, r, reads...)
}

// parseBody parses a body of the given media type ("" when the client sent none).
//
// A body that is JSON is read as JSON whatever its Content-Type says: `curl -d '{…}'`
// labels JSON as a form, and no form body starts with a brace or is JSON text (an
// array or a bare value is then refused as not an object, not read as a field).
//
// A byte-order mark before JSON (as some Windows tools write) is read past; a body
// of another type that is neither JSON nor a form is refused, not read as a form
// of one empty field ("code is required" answered a text/plain body).
//
// A JSON field whose value is an object or an array is refused when it is one of
// reads, the fields the route reads (every field, when reads is nil), and passes
// unread otherwise.
func parseBody(mediaType string, b []byte, reads []string) (params, error) {
	trimmed := trimBody(b)
	switch {
	case len(trimmed) == 0:
		return params{}, nil
	case isJSON(mediaType, trimmed):
		return jsonParams(trimmed, reads)
	case strings.HasPrefix(mediaType, "multipart/"):
		return nil, engine.Invalid("body", "the body is %s (form-data), which sandbank does not read: send JSON with Content-Type: application/json, or a URL-encoded form (curl -d, not -F)", mediaType)
	case mediaType != "" && mediaType != "application/x-www-form-urlencoded" && !bytes.ContainsRune(trimmed, '='):
		// A form sent as text/plain (fetch with a string body, sendBeacon) is still
		// a form; text that is neither is refused.
		return nil, engine.Invalid("body", "the body is %s and neither JSON nor a form: send JSON with Content-Type: application/json (or a form, application/x-www-form-urlencoded)", mediaType)
	}
	v, err := url.ParseQuery(string(trimmed))
	if err != nil {
		return nil, engine.Invalid("body", "the body is neither JSON nor a well-formed form (%v): send JSON with Content-Type: application/json, or URL-encode the form's values", err)
	}
	if err := nameless(v, "body", "the form"); err != nil {
		return nil, err
	}
	return formParams(v), nil
}

// trimBody is a body without the spaces around it, or a byte-order mark before
// it (as some Windows tools write JSON): what parseBody and repeatedField read.
func trimBody(b []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\ufeff")))
}

// isJSON reports whether a body (trimmed, not empty) is to be read as JSON.
func isJSON(mediaType string, trimmed []byte) bool {
	return trimmed[0] == '{' || trimmed[0] == '[' || mediaType == "application/json" || json.Valid(trimmed)
}

// sandboxBody reads a sandbox route's body strictly: a field given twice, or one the
// route does not take (names), is refused and named. A repeated field would
// otherwise take its last value unnoticed: {"advance":"2m","advance":"3650d"}
// advanced ten years.
//
// A name ending in ":text" is a field of text, which JSON must give as a string:
// {"webhook_secret":true} set the secret "true" (a v2 developer's trial: a
// boolean from a misread setting changed it unnoticed).
func sandboxBody(w http.ResponseWriter, r *http.Request, names ...string) (params, error) {
	b, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	fields := make([]string, len(names))
	var texts []string
	for i, n := range names {
		fields[i] = strings.TrimSuffix(n, ":text")
		if fields[i] != n {
			texts = append(texts, fields[i])
		}
	}
	// Strict: a field the route reads that nests is refused, named; one it does
	// not read is refused as unknown, below — {"webhook_urll":["x"]} was told it
	// must be a string, not that it is misspelt (a bad-input trial).
	p, err := parseBody(ct, b, fields)
	if e, ok := engine.AsError(err); ok && slices.Contains(texts, e.Field) && strings.Contains(e.Message, "not an object or array") {
		// As a number is told: {"name":["a"]} read "must be a string, number or
		// boolean", where {"name":5} read "must be text" (a bad-input trial).
		return nil, engine.Invalid(e.Field, "%s must be text, a JSON string in quotes, not an object or array: send \"%s\": \"…\"", e.Field, e.Field)
	}
	if err != nil {
		return nil, err
	}
	if k := repeatedField(ct, b); k != "" {
		return nil, engine.Invalid(k, "field %q is given more than once; send each field once", k)
	}
	var raw map[string]json.RawMessage
	if trimmed := trimBody(b); len(trimmed) > 0 && isJSON(ct, trimmed) {
		_ = json.Unmarshal(trimmed, &raw) // parseBody read it
	}
	// A field is unknown whatever its value: p has no null field (a field left
	// out), nor one with no name, and {"webhok_url":null} passed, misspelt, where
	// {"webhok_url":"x"} was refused (a security review).
	sent := maps.Clone(p)
	for k := range raw {
		if !sent.has(k) {
			sent[k] = ""
		}
	}
	if err := sent.only(fields...); err != nil {
		return nil, err
	}
	for _, k := range texts {
		if v := bytes.TrimSpace(raw[k]); len(v) > 0 && v[0] != '"' && string(v) != "null" {
			return nil, engine.Invalid(k, "%s must be text, a JSON string in quotes, not %s: send \"%s\": \"…\"", k, v, k)
		}
	}
	return p, nil
}

// repeatedField returns the first field that a body parseBody accepted names twice,
// or "".
func repeatedField(mediaType string, b []byte) string {
	if ks := repeatedFields(mediaType, b); len(ks) > 0 {
		return ks[0]
	}
	return ""
}

// repeatedFields are the fields that a body parseBody accepted names more than
// once: a JSON object's in the order of their second appearance, a form's sorted.
func repeatedFields(mediaType string, b []byte) []string {
	trimmed := trimBody(b)
	switch {
	case len(trimmed) == 0:
		return nil
	case isJSON(mediaType, trimmed):
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return nil
		}
		seen := map[string]int{}
		var repeated []string
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return repeated
			}
			k, _ := t.(string)
			if seen[k]++; k != "" && seen[k] == 2 {
				repeated = append(repeated, k)
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return repeated
			}
		}
		return repeated
	}
	v, _ := url.ParseQuery(string(trimmed))
	var repeated []string
	for k, vs := range v {
		if k != "" && len(vs) > 1 {
			repeated = append(repeated, k)
		}
	}
	slices.Sort(repeated)
	return repeated
}

// jsonParams reads a JSON object's fields; one whose value nests is refused if
// reads holds it, or reads is nil, and kept unread (its JSON text) otherwise.
func jsonParams(b []byte, reads []string) (params, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, bodyJSONError(b, err)
	}
	p := params{}
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case k == "" || len(v) == 0 || string(v) == "null": // no name, or no value: as if absent
		case v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, engine.Invalid(k, "%s is not a valid JSON string", k)
			}
			p[k] = s
		case (v[0] == '{' || v[0] == '[') && reads != nil && !slices.Contains(reads, k):
			// A field the route does not read passes unread, kept as its JSON text:
			// a widget step refused for a missing field names those the body had
			// ({"credentials":{…}} said "password is required" alone, as {"user"}
			// had, once this field was left out).
			p[k] = string(v)
		case v[0] == '{' || v[0] == '[':
			return nil, engine.Invalid(k, "%s must be a string, number or boolean, not an object or array", k)
		default: // numbers and booleans, as written
			p[k] = string(v)
		}
	}
	return p, nil
}

// decodeObject reads a JSON object body with nested objects into v (a struct): the
// routes whose fields nest, as v2's initiate does. An empty body is an empty
// object; a field of the wrong type is named.
func decodeObject(b []byte, v any) error {
	b = trimBody(b) // a byte-order mark too, as every other route reads past it
	if len(b) == 0 {
		return nil
	}
	if b[0] != '{' {
		const want = "this route takes a JSON object, its fields nesting (customer, meta, institution): send e.g. {\"scope\":\"auth\", …}"
		var other any
		err := json.Unmarshal(b, &other)
		switch {
		case err == nil: // JSON, but not an object: the form's words did not fit [1,2,3] or null
			return engine.Invalid("body", "%s, not %s", want, jsonValueKind(other))
		case b[0] == '"' && bytes.Contains(b, []byte(`":`)):
			return engine.Invalid("body", "%s: the body's fields have no braces around them", want)
		case strings.IndexByte(`[-0123456789tfn`, b[0]) >= 0: // broken JSON, not a form
			return bodyJSONError(b, err)
		}
		return engine.Invalid("body", "%s; a form-encoded body cannot nest them", want)
	}
	err := json.Unmarshal(b, v)
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		return engine.Invalid(typ.Field, "%s must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	}
	if err != nil {
		return bodyJSONError(b, err)
	}
	return nil
}

// jsonValueKind names a decoded JSON value that is not an object.
func jsonValueKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// bodyJSONError says why b, a body that starts as JSON, is not one JSON object.
func bodyJSONError(b []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		switch msg := syn.Error(); {
		case strings.Contains(msg, "after top-level value"):
			what := "object"
			if t := trimBody(b); len(t) > 0 && t[0] != '{' {
				what = "value" // an array or a string: the next message says it is no object
			}
			return engine.Invalid("body", "the body goes on after its JSON %s, at byte %d: send one object and nothing after it", what, syn.Offset)
		case strings.Contains(msg, "exceeded max depth"):
			return engine.Invalid("body", "the body nests objects or arrays more than 10000 deep: send a flat object, e.g. {\"field\":\"value\"}")
		}
	}
	return engine.Invalid("body", "the body is not a JSON object (%v); send e.g. {\"field\":\"value\"}", jsonError(err))
}

// jsonKind names a Go kind as JSON does.
func jsonKind(kind string) string {
	switch kind {
	case "struct", "map":
		return "an object"
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "bool":
		return "true or false"
	}
	return "a number"
}

// jsonError shortens encoding/json's errors to what a person can act on.
func jsonError(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return "syntax error at byte " + strconv.FormatInt(syn.Offset, 10)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		// A field of the wrong type in an object: {"id":5} is an object, and was
		// said to be "expected an object, found number" (a QA trial).
		return typ.Field + " must be " + jsonKind(typ.Type.Kind().String()) + ", not " + typ.Value
	}
	if errors.As(err, &typ) {
		return "expected an object, found " + typ.Value
	}
	return err.Error()
}

func (p params) has(name string) bool { _, ok := p[name]; return ok }

// only refuses fields other than names, naming the first unknown one (in sorted
// order) and the ones the route takes: a misspelt field is a mistake to report,
// not to ignore. The sandbox routes are strict; the Mono routes take what clients
// send.
func (p params) only(names ...string) error {
	return p.known("field", "send no body", names)
}

// onlyQuery is only for a query string's parameters: ?bogus=1 was refused as an
// unknown field, which a body has (a security review). _ passes: the
// cache-buster some clients add to every GET (jQuery's cache: false, ?_=…), which
// a strict route refused (a review).
func (p params) onlyQuery(names ...string) error {
	if _, ok := p["_"]; ok {
		q := maps.Clone(p)
		delete(q, "_")
		p = q
	}
	return p.known("query parameter", "leave out the query string", names)
}

// known refuses fields other than names; what is what they are, none what to do
// when the route takes no such thing.
func (p params) known(what, none string, names []string) error {
	var unknown []string
	for k := range p {
		if !slices.Contains(names, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	if len(names) == 0 {
		return engine.Invalid(unknown[0], "unknown %s %q; this route takes no %ss: %s", what, unknown[0], what, none)
	}
	return engine.Invalid(unknown[0], "unknown %s %q; this route takes %s", what, unknown[0], strings.Join(names, ", "))
}

// str returns a field's text, trimmed.
func (p params) str(name string) string { return strings.TrimSpace(p[name]) }

// required returns a field's text, or an error naming it.
func (p params) required(name, hint string) (string, error) {
	v := p.str(name)
	if v == "" {
		return "", engine.Invalid(name, "%s is required%s", name, hint)
	}
	return v, nil
}

// int returns an integer field, def when absent.
func (p params) int(name string, def int64, min, max int64) (int64, error) {
	v := p.str(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		return 0, engine.Invalid(name, "%s must be a whole number from %d to %d, not %q", name, min, max, v)
	}
	return n, nil
}

// kobo returns an amount field: a whole number of kobo, or naira marked as such
// ("NGN 5,000", "₦5,000.50"), as scenario files and the TUI write them; def when
// absent. ok is false when it is neither, or out of [min, max].
func (p params) kobo(name string, def, min, max int64) (n int64, ok bool) {
	v := strings.TrimSpace(p.str(name))
	if v == "" {
		return def, true
	}
	if up := strings.ToUpper(v); strings.HasPrefix(up, "NGN") || strings.HasPrefix(v, "₦") {
		k, err := engine.ParseNaira(v)
		return k, err == nil && k >= min && k <= max
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n >= min && n <= max
}

// bool returns a boolean field; nil when absent.
func (p params) bool(name string) (*bool, error) {
	v := strings.ToLower(p.str(name))
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, engine.Invalid(name, "%s must be true or false, not %q", name, v)
	}
	return &b, nil
}

// flag returns a sandbox body's true or false (in any case); nil when absent.
// Not bool's 1, 0, t or f: {"paused":1} paused the clock and {"data_sync_enabled":0}
// turned Data Sync off, unlike every other field of those strict bodies (a
// bad-input trial).
func (p params) flag(name string) (*bool, error) {
	switch v := strings.ToLower(p.str(name)); v {
	case "":
		return nil, nil
	case "true", "false":
		b := v == "true"
		return &b, nil
	default:
		return nil, engine.Invalid(name, "%s must be true or false, not %q", name, p.str(name))
	}
}

// float returns a number field; nil when absent.
func (p params) float(name string, min, max float64) (*float64, error) {
	v := p.str(name)
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < min || f > max || f != f {
		return nil, engine.Invalid(name, "%s must be a number from %g to %g, not %q", name, min, max, v)
	}
	return &f, nil
}

// dateLayouts are the date forms clients send: DD-MM-YYYY (Mono's), DD/MM/YYYY, ISO
// dates and ISO date-times, to the second or to the minute (the last two; an HTML
// datetime-local input gives the zone-less one).
var dateLayouts = []string{"02-01-2006", "02/01/2006", "2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00", "2006-01-02T15:04"}

// dateDigits finds the day in a date of dateLayouts' forms: DD-MM-YYYY or
// DD/MM/YYYY, or YYYY-MM-DD with anything after it (a time).
var dateDigits = regexp.MustCompile(`^(?:(\d{2})[-/](\d{2})[-/](\d{4})$|(\d{4})-(\d{2})-(\d{2})(?:$|T))`)

// noSuchDay says why a date in one of dateLayouts' forms that none of them read
// names no day ("February 2030 has 28 days"), or "" if that is not why.
func noSuchDay(v string) string {
	f := dateDigits.FindStringSubmatch(v)
	if f == nil {
		return ""
	}
	n := func(s string) int { i, _ := strconv.Atoi(s); return i }
	if f[1] != "" {
		return engine.NoSuchDay(n(f[3]), n(f[2]), n(f[1]))
	}
	return engine.NoSuchDay(n(f[4]), n(f[5]), n(f[6]))
}

// minuteLayouts is where dateLayouts' forms to the minute begin.
const minuteLayouts = 5

// lastDigit is how long the last digit of an ISO time's seconds stands for: a
// second with no fraction, a millisecond for ".587", a nanosecond for nine digits.
func lastDigit(iso string) time.Duration {
	d := time.Second
	if i := strings.IndexByte(iso, '.'); i >= 0 {
		for j := i + 1; j < len(iso) && iso[j] >= '0' && iso[j] <= '9' && d > time.Nanosecond; j++ {
			d /= 10
		}
	}
	return d
}

// date returns a date field. A day without a time means its start, or with endOfDay
// its last instant, so that an end date includes its whole day; days and times
// written without a zone are Lagos's (WAT), as the banks' days and the months of
// /credits, /debits and /income are — April's filter missed a credit at 00:30 on
// 1 April that /credits counted in April.
func (p params) date(name string, endOfDay bool) (time.Time, error) {
	v := p.str(name)
	if v == "" {
		return time.Time{}, nil
	}
	// A client that does not URL-encode "+01:00" sends " 01:00": put the + back.
	iso := strings.ReplaceAll(v, " ", "+")
	for i, layout := range dateLayouts {
		t, err := time.ParseInLocation(layout, iso, engine.WAT)
		if err != nil {
			continue
		}
		switch {
		case !endOfDay:
		case i <= 2: // a date without a time
			t = t.Add(24*time.Hour - time.Nanosecond)
		case i >= minuteLayouts: // a time without seconds: its whole minute
			t = t.Add(time.Minute - time.Nanosecond)
		default:
			// A time to the second, or to a fraction of one, takes that whole second
			// or fraction: the API writes times to the millisecond, and a client that
			// trims a transaction's own time to its second lost that transaction.
			t = t.Add(lastDigit(iso) - time.Nanosecond)
		}
		return t.UTC(), nil
	}
	if why := noSuchDay(iso); why != "" {
		return time.Time{}, engine.Invalid(name, "%s %q is no date: %s", name, v, why)
	}
	return time.Time{}, engine.Invalid(name, "%s %q is not a date; use DD-MM-YYYY (e.g. 20-08-2021), DD/MM/YYYY or ISO 8601 (2021-08-20, 2021-08-20T13:00:00Z or 2021-08-20T14:00, a time without a zone being Lagos's)", name, v)
}
